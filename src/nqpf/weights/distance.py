"""Distance-based weights between unit centroids: k nearest neighbours, distance band, inverse distance,
negative exponential.

Centroids are the polygon centroids computed in the units' equal-area projection (China's Albers for Chinese
units, so that they are true area centroids) and expressed in longitude and latitude. Distances are great-circle
distances on a sphere of radius 6,371.0088 km (the IUGG mean Earth radius; within 0.5 % of the WGS84 geodesic),
or, with ``metric="projected"``, Euclidean distances in the units' equidistant projection (China's equidistant
conic for Chinese units; :mod:`nqpf.units.crs`). A study's own projection (``units.projection``, the argument
``projection``) replaces both.

- k nearest neighbours: w_ij = 1 for the k units closest to i (ties broken by code order); not symmetric.
- distance band: w_ij = 1 when d_ij <= threshold (binary), or d_ij^-power within the band.
- inverse distance: w_ij = d_ij^-power, optionally 0 beyond a cutoff (Anselin 1988, ch. 3).
- negative exponential: w_ij = exp(-d_ij / decay), optionally 0 beyond a cutoff.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import scipy.sparse as sp
from scipy.spatial import cKDTree

from nqpf.errors import InputError
from nqpf.units import crs

EARTH_RADIUS_KM = 6371.0088


def centroids(gdf: gpd.GeoDataFrame, projection=None) -> np.ndarray:
    """(n x 2) longitude and latitude of the equal-area centroids of the polygons: given in geographic
    coordinates they are projected with the units' equal-area projection (:func:`nqpf.units.crs.equal_area`), or
    ``projection`` when given; given projected, they are taken to be in it already (the builder projects once)."""
    projected = gdf.to_crs(crs.equal_area(gdf, projection)) if gdf.crs.is_geographic else gdf
    lonlat = gpd.GeoSeries(projected.geometry.centroid, crs=projected.crs).to_crs(crs.GEOGRAPHIC)
    return np.column_stack([lonlat.x.to_numpy(), lonlat.y.to_numpy()])


def projected_centroids_km(projected: gpd.GeoDataFrame) -> np.ndarray:
    """(n x 2) centroids in km of a table already in the units' equal-area projection."""
    points = projected.geometry.centroid
    return np.column_stack([points.x.to_numpy(), points.y.to_numpy()]) / 1000.0


def _unit_vectors(lonlat: np.ndarray) -> np.ndarray:
    lon, lat = np.radians(lonlat[:, 0]), np.radians(lonlat[:, 1])
    return np.column_stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)])


def _projected_km(lonlat: np.ndarray, projection=None) -> np.ndarray:
    from pyproj import Transformer

    to_eqdc = Transformer.from_crs(
        crs.GEOGRAPHIC, crs.equidistant_for(crs.points_bounds(lonlat), projection), always_xy=True
    )
    x, y = to_eqdc.transform(lonlat[:, 0], lonlat[:, 1])
    return np.column_stack([x, y]) / 1000.0


def distance_matrix(lonlat: np.ndarray, metric: str = "great_circle", projection=None) -> np.ndarray:
    """Dense (n x n) distances in km between the points; ``projection``: a study's own projection for the
    ``projected`` metric (the units' equidistant projection by default)."""
    if metric == "great_circle":
        v = _unit_vectors(lonlat)
        cosine = np.clip(v @ v.T, -1.0, 1.0)
        # arctan2 of cross and dot products stays accurate for short and antipodal distances alike
        cross = np.sqrt(np.clip(1.0 - cosine**2, 0.0, None))
        d = EARTH_RADIUS_KM * np.arctan2(cross, cosine)
    elif metric == "projected":
        xy = _projected_km(lonlat, projection)
        d = np.sqrt(((xy[:, None, :] - xy[None, :, :]) ** 2).sum(axis=2))
    else:
        raise ValueError(f"unknown distance metric {metric!r}; use great_circle or projected")
    np.fill_diagonal(d, 0.0)
    return d


def knn(lonlat: np.ndarray, k: int, metric: str = "great_circle", projection=None) -> sp.csr_matrix:
    """Binary k-nearest-neighbour matrix; ties at the k-th distance go to the lower index (code order)."""
    n = len(lonlat)
    if not 1 <= k < n:
        raise InputError(
            f"k nearest neighbours with k = {k} for {n} units",
            key="weights[].k",
            fix=f"give k between 1 and {n - 1}",
        )
    # The chord between unit vectors grows with the great-circle distance, so a k-d tree on them ranks exactly.
    points = _unit_vectors(lonlat) if metric == "great_circle" else _projected_km(lonlat, projection)
    _, index = cKDTree(points).query(points, k=min(n, k + 1 + 8))
    d = distance_matrix(lonlat, metric, projection)
    rows, cols = [], []
    for i in range(n):
        candidates = [j for j in index[i] if j != i and j < n]
        order = sorted(candidates, key=lambda j: (round(d[i, j], 9), j))
        chosen = order[:k]
        rows += [i] * len(chosen)
        cols += chosen
    return sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n))


def nearest_distance(d: np.ndarray) -> np.ndarray:
    """Distance from each unit to its nearest other unit."""
    masked = d + np.diag(np.full(len(d), np.inf))
    return masked.min(axis=1)


def band(d: np.ndarray, threshold: float, power: float | None = None) -> sp.csr_matrix:
    """Units within ``threshold`` km: weight 1, or d^-power when ``power`` is given."""
    within = (d <= threshold) & ~np.eye(len(d), dtype=bool)
    values = np.where(within, 1.0 if power is None else np.power(np.where(within, d, 1.0), -power), 0.0)
    return sp.csr_matrix(values)


def inverse(d: np.ndarray, power: float = 1.0, cutoff: float | None = None) -> sp.csr_matrix:
    """w_ij = d_ij^-power (0 on the diagonal and beyond the cutoff)."""
    off = ~np.eye(len(d), dtype=bool)
    if np.any(d[off] <= 0):
        raise ValueError("two units share a centroid; inverse distances are undefined")
    keep = off if cutoff is None else off & (d <= cutoff)
    with np.errstate(divide="ignore"):
        values = np.where(keep, np.power(np.where(keep, d, 1.0), -power), 0.0)
    return sp.csr_matrix(values)


def negative_exponential(d: np.ndarray, decay: float, cutoff: float | None = None) -> sp.csr_matrix:
    """w_ij = exp(-d_ij / decay) (0 on the diagonal and beyond the cutoff)."""
    off = ~np.eye(len(d), dtype=bool)
    keep = off if cutoff is None else off & (d <= cutoff)
    return sp.csr_matrix(np.where(keep, np.exp(-d / decay), 0.0))
