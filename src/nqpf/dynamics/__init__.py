"""Distribution dynamics: how units move within a variable's distribution over time, as discrete Markov chains
(traditional and spatially conditioned, Rey 2001) with their spatial and time homogeneity tests (Bickenbach and Bode 2003), steady
state and mean first passage times; :func:`analyse` gives a study's tables of them. The functions load when
first used."""

from nqpf import lazy

_FUNCTIONS = {
    "DynamicsSettings": "settings",
    "analyse": "analysis",
    "Classes": "markov",
    "MarkovChain": "markov",
    "SpatialMarkov": "markov",
    "Homogeneity": "markov",
    "classify": "markov",
    "markov_chain": "markov",
    "spatial_markov": "markov",
    "steady_state": "markov",
    "first_passage_times": "markov",
    "homogeneity": "markov",
    "TimeHomogeneity": "markov",
    "time_homogeneity": "markov",
    "LisaMarkov": "markov",
    "lisa_markov": "markov",
    "lisa_quadrants": "markov",
    "move_type": "markov",
}
__all__ = sorted(_FUNCTIONS)

__getattr__ = lazy.loader(__name__, _FUNCTIONS)
