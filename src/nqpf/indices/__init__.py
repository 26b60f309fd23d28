"""Composite indices (entropy weights, entropy-TOPSIS, equal weights) of a study's indicators, and the
coupling coordination degree of two indices; other weightings of an indicator system (CRITIC, the
vertical-horizontal scatter degree method and combined game-theory weights, :mod:`nqpf.indices.weighting`) and
the obstacle degree model (:mod:`nqpf.indices.obstacle`). The functions load when first used, so that reading the
settings (:mod:`nqpf.indices.settings`) stays light."""

from nqpf import lazy

_FUNCTIONS = {
    "CouplingSettings": "settings",
    "IndexResult": "composite",
    "IndexSettings": "settings",
    "Indicator": "settings",
    "build": "composite",
    "coupling_coordination": "coupling",
    "describe": "composite",
    "entropy_index": "composite",
    "entropy_weights": "composite",
    "method_markdown": "composite",
    "minmax": "composite",
    "topsis": "composite",
    "with_indices": "composite",
    "critic_weights": "weighting",
    "scatter_degree_weights": "weighting",
    "game_theory_weights": "weighting",
    "obstacle_degree": "obstacle",
    "obstacle_table": "obstacle",
    "index_obstacles": "obstacle",
    "mean_obstacles": "obstacle",
    "top_obstacles": "obstacle",
}
__all__ = sorted(_FUNCTIONS)

__getattr__ = lazy.loader(__name__, _FUNCTIONS)
