"""Spatial weights as first-class, inspectable results: contiguity, distance, economic, block and user weights,
with an explicit island policy, standardisation, parameter bounds and a summary (see the modules' docstrings).

``load`` (reading stored weights) does not import the geometry stack; ``build``, ``write`` and ``KINDS`` load
:mod:`nqpf.weights.builder` (geopandas) when first used."""

from nqpf.weights.core import SpatialWeights
from nqpf.weights.settings import KINDS, WeightsSettings
from nqpf.weights.stored import load

__all__ = ["KINDS", "SpatialWeights", "WeightsSettings", "build", "load", "write"]


def __getattr__(name: str):
    if name in ("build", "write"):
        from nqpf.weights import builder

        return getattr(builder, name)
    raise AttributeError(f"module 'nqpf.weights' has no attribute {name!r}")
