"""Spatial weights as first-class, inspectable results: contiguity, distance, economic, block and user weights,
with an explicit island policy, standardisation, parameter bounds and a summary (see the modules' docstrings).

The names load when first used: ``load`` (reading stored weights) does not import the geometry stack, ``build``
and ``write`` load :mod:`nqpf.weights.builder` (geopandas), and reading the settings
(:mod:`nqpf.weights.settings`) loads neither."""

import importlib

_FUNCTIONS = {
    "KINDS": "settings",
    "SpatialWeights": "core",
    "WeightsSettings": "settings",
    "build": "builder",
    "load": "stored",
    "write": "builder",
}
__all__ = sorted(_FUNCTIONS)


def __getattr__(name: str):
    if name in _FUNCTIONS:
        return getattr(importlib.import_module(f"nqpf.weights.{_FUNCTIONS[name]}"), name)
    raise AttributeError(f"module 'nqpf.weights' has no attribute {name!r}")
