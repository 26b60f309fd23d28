"""Composite indices (entropy weights, entropy-TOPSIS, equal weights) of a study's indicators, and the
coupling coordination degree of two indices."""

from nqpf.indices.composite import (
    IndexResult,
    build,
    describe,
    entropy_index,
    entropy_weights,
    method_markdown,
    minmax,
    topsis,
    with_indices,
)
from nqpf.indices.coupling import coupling_coordination
from nqpf.indices.settings import CouplingSettings, IndexSettings, Indicator

__all__ = [
    "CouplingSettings",
    "IndexResult",
    "IndexSettings",
    "Indicator",
    "build",
    "coupling_coordination",
    "describe",
    "entropy_index",
    "entropy_weights",
    "method_markdown",
    "minmax",
    "topsis",
    "with_indices",
]
