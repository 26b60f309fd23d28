"""Spatial weights as first-class, inspectable results: contiguity, distance, economic, block and user weights,
with an explicit island policy, standardisation, parameter bounds and a summary (see the modules' docstrings)."""

from nqpf.weights.build import KINDS, build, load, write
from nqpf.weights.core import SpatialWeights

__all__ = ["KINDS", "SpatialWeights", "build", "load", "write"]
