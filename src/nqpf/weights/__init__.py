"""Spatial weights as first-class, inspectable results: contiguity, distance, economic, block and user weights,
with an explicit island policy, standardisation, parameter bounds and a summary (see the modules' docstrings).

The names load when first used: ``load`` (reading stored weights) does not import the geometry stack, ``build``
and ``write`` load :mod:`nqpf.weights.builder` (geopandas), and reading the settings
(:mod:`nqpf.weights.settings`) loads neither."""

from nqpf import lazy

_FUNCTIONS = {
    "KINDS": "settings",
    "SpatialWeights": "core",
    "WeightsSettings": "settings",
    "build": "builder",
    "load": "stored",
    "write": "builder",
}
__all__ = sorted(_FUNCTIONS)

__getattr__ = lazy.loader(__name__, _FUNCTIONS)
