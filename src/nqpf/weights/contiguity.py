"""Contiguity weights from polygons: queen and rook, with a snapping tolerance, and higher orders.

Queen: units i and j are neighbours when their polygons share at least one point, or with a tolerance d > 0
when they come within d metres of each other (in the units' equal-area projection: China's Albers for Chinese
units, or a study's own). Rook: they share a stretch of border, not just a point; with a tolerance, the stretch
of i's boundary lying within d of j's boundary must be longer than ``4 d`` (a corner contact within the tolerance
gives a stretch of about 2 d at most for borders meeting at right angles). Order k (spdep ``nblag``): units k
steps apart on the first-order contiguity graph, or up to k steps with ``cumulative`` (spdep ``nblag_cumul``).
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import scipy.sparse as sp
import shapely
from scipy.sparse import csgraph

from nqpf.units import crs, topology
from nqpf.weights.core import symmetric_pairs


def contiguity_pairs(
    gdf: gpd.GeoDataFrame,
    criterion: str = "queen",
    snap_m: float = 0.0,
    projected: gpd.GeoDataFrame | None = None,
    projection=None,
) -> dict:
    """Neighbour pairs (i < j) by queen or rook contiguity; returns the pairs and those the tolerance added.

    ``gdf`` is in geographic coordinates (exact touching is tested there, on the source vertices); ``projected``
    is the same table in the units' equal-area projection (or ``projection``, a study's own), if already at hand,
    for the tolerance.
    """
    if criterion not in ("queen", "rook"):
        raise ValueError(f"unknown contiguity criterion {criterion!r}; use queen or rook")
    exact = topology.touching_pairs(gdf.geometry.to_numpy())
    pairs = exact
    if snap_m > 0:
        projected = (
            projected if projected is not None else gdf.to_crs(crs.equal_area(gdf, projection))
        ).geometry.to_numpy()
        pairs = topology.pairs_within(projected, snap_m)
    if criterion == "rook":
        pairs = _rook(gdf, pairs, snap_m, projected)
        exact = _rook(gdf, exact, 0.0, None)
    exact_set = {tuple(p) for p in exact.tolist()}
    gained = np.array([p for p in pairs.tolist() if tuple(p) not in exact_set], dtype=np.int64).reshape(-1, 2)
    return {"pairs": pairs, "gained": gained}


def _rook(gdf, pairs: np.ndarray, snap_m: float, projected) -> np.ndarray:
    if len(pairs) == 0:
        return pairs
    if snap_m == 0:
        geoms = gdf.geometry.to_numpy()
        shared = shapely.intersection(
            shapely.boundary(geoms[pairs[:, 0]]), shapely.boundary(geoms[pairs[:, 1]])
        )
        return pairs[shapely.length(shared) > 0]
    left = shapely.boundary(projected[pairs[:, 0]])
    right = shapely.buffer(shapely.boundary(projected[pairs[:, 1]]), snap_m)
    stretch = shapely.length(shapely.intersection(left, right))
    return pairs[stretch > 4 * snap_m]


def contiguity_matrix(ids, pairs: np.ndarray) -> sp.csr_matrix:
    return symmetric_pairs(ids, pairs)


def higher_order(first_order: sp.csr_matrix, order: int, cumulative: bool = False) -> sp.csr_matrix:
    """Binary matrix of units exactly ``order`` steps apart (or 1 to ``order`` steps when cumulative)."""
    if order < 1:
        raise ValueError("the order of contiguity must be 1 or more")
    if order == 1:
        return first_order
    steps = csgraph.dijkstra(first_order, directed=False, unweighted=True, limit=order + 0.5)
    within = np.isfinite(steps) & (steps >= 1)
    selected = within if cumulative else (steps == order)
    matrix = sp.csr_matrix(selected.astype(float))
    matrix.setdiag(0.0)
    matrix.eliminate_zeros()
    return matrix
