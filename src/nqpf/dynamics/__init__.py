"""Distribution dynamics: how units move within a variable's distribution over time, as discrete Markov chains
(traditional and spatially conditioned, Rey 2001) with their homogeneity tests (Bickenbach and Bode 2003), steady
state and mean first passage times. The functions load when first used."""

from nqpf import lazy

_FUNCTIONS = {
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
    "LisaMarkov": "markov",
    "lisa_markov": "markov",
    "lisa_quadrants": "markov",
    "move_type": "markov",
}
__all__ = sorted(_FUNCTIONS)

__getattr__ = lazy.loader(__name__, _FUNCTIONS)
