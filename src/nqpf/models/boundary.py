"""The spillover boundary: how far a spatial spillover reaches, read off a sweep of distance-based W.

For each distance d of a sweep (for example 50 to 1,000 km in steps of 50 km) the spatial Durbin model (or SAR)
is estimated on a W of the units' distances, row-standardised, and the direct, indirect and total effects of the
variables of interest are kept (LeSage and Pace 2009; :class:`nqpf.models.SpatialPanelModel` and its
``impacts()``). Two forms of W, as the field's papers use them:

- ``beyond`` (the default): w_ij = d_ij^-power for the pairs at least d apart, 0 for nearer ones: as d grows the
  near neighbours leave W, and the distance beyond which the indirect effect stops being significant (or changes
  sign) is read as the boundary of the spillover (Yu Yongze 2013, 经济研究; the "spatial attenuation boundary" of
  many NQPF and digital-economy papers). Every unit keeps neighbours up to the largest distances, which the
  Lee-Yu transformation of time effects needs. At the first distances this W links nearly every pair, and its
  spatial parameter can run to the edge of its interval (the row's note then says so): read those with care;
- ``band``: w_ij = d_ij^-power for the pairs with d <= d_ij < d + step: the spillover of each ring of distances
  on its own; at the level of prefecture cities many units have no other unit in a narrow ring.

A unit with no other unit in a distance's W (the farthest units in ``beyond``, an empty ring in ``band``) keeps an
empty row of W (its neighbours' values do not enter its equation) under ``method="direct"`` or without time
effects, and the row's note names it; a distance at which fewer than ``min_share`` of the units have a neighbour,
or with any such unit under the Lee-Yu transformation of time effects (which needs every row of W to sum to 1),
is not estimated, and its row says so. Distances are in km between the units' locations (great-circle by default,
:func:`nqpf.weights.distance.distance_matrix`) or taken from a given matrix.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from nqpf.errors import InputError, listed
from nqpf.models.settings import (
    BALANCE_DEFAULT,
    DRAWS,
    FIXED_EFFECTS_DEFAULT,
    INFERENCE_DEFAULT,
    LEVEL,
    METHOD_DEFAULT,
)

MODES = ("beyond", "band")
MODELS = ("sdm", "sar")
COLUMNS = [
    "distance_km", "upper_km", "variable", "effect", "estimate", "std_error", "z", "p", "ci_low", "ci_high",
    "rho", "rho_p", "at_bound", "loglik", "mean_neighbours", "note",
]  # fmt: skip


def unit_distances(gdf, projection=None, metric: str = "great_circle") -> pd.DataFrame:
    """The distances in km between the units of a boundary table (``code`` and polygons or points), as the
    distance weights measure them (:func:`nqpf.weights.distance.centroids`, :func:`distance_matrix`): an N x N
    frame labelled by the codes in their order."""
    from nqpf.weights import distance

    lonlat = distance.centroids(gdf, projection)
    matrix = distance.distance_matrix(lonlat, metric, projection)
    codes = [str(c) for c in gdf["code"]]
    return pd.DataFrame(matrix, index=codes, columns=codes)


def sweep(start: float, stop: float, step: float) -> list[float]:
    """start, start + step, ..., up to stop (included when it falls on the grid)."""
    if not (start >= 0 and step > 0 and stop >= start):
        raise InputError(
            f"the sweep {start}-{stop} km in steps of {step} km is empty",
            key="distances",
            fix="give start >= 0, a positive step and stop >= start, e.g. 50, 1000, 50",
        )
    count = int(np.floor((stop - start) / step + 1e-9)) + 1
    return [float(start + k * step) for k in range(count)]


def distance_weights(
    distances: np.ndarray, d: float, mode: str, power: float, step: float | None
) -> np.ndarray:
    """The raw W (before row-standardisation) of distance ``d``: d_ij^-power on the pairs ``mode`` keeps."""
    off = ~np.eye(len(distances), dtype=bool)
    if mode == "beyond":
        keep = off & (distances >= d)
    else:
        keep = off & (distances >= d) & (distances < d + step)
    with np.errstate(divide="ignore"):
        return np.where(keep, np.power(np.where(keep, distances, 1.0), -power), 0.0)


def spillover_boundary(
    data: pd.DataFrame,
    dependent: str,
    explanatory: Sequence[str],
    distances: pd.DataFrame | np.ndarray,
    *,
    ids: Sequence[str] | None = None,
    variables: Sequence[str] | None = None,
    start: float = 50.0,
    stop: float = 1000.0,
    step: float = 50.0,
    mode: str = "beyond",
    power: float = 1.0,
    min_share: float = 0.5,
    model: str = "sdm",
    fixed_effects: str = FIXED_EFFECTS_DEFAULT,
    method: str = METHOD_DEFAULT,
    draws: int = DRAWS,
    seed: int = 0,
    level: float = LEVEL,
    inference: str = INFERENCE_DEFAULT,
    entity: str = "code",
    time: str = "year",
    years: Sequence[int] | None = None,
    balance: str = BALANCE_DEFAULT,
    source: str | None = None,
) -> pd.DataFrame:
    """The effects of ``variables`` (by default every explanatory variable) on ``dependent`` at each distance of
    the sweep ``start``..``stop`` by ``step`` km (module docstring): one row per distance, variable and effect
    (``COLUMNS``); ``distances`` an N x N matrix in km (a DataFrame indexed and labelled by unit ids, or an
    array with ``ids``). The effects' draws of every distance start from ``seed``."""
    from nqpf.models.spatial_panel import SpatialPanelModel
    from nqpf.weights.core import SpatialWeights

    if mode not in MODES:
        raise InputError(f"mode is {mode!r}", key="mode", fix=" or ".join(MODES))
    if model not in MODELS:
        raise InputError(
            f"model is {model!r}: the sweep reads lag-model effects", key="model", fix="sdm or sar"
        )
    if power <= 0:
        raise InputError(
            f"power is {power}", key="power", fix="a positive power of the inverse distance, e.g. 1"
        )
    if isinstance(distances, pd.DataFrame):
        ids = [str(v) for v in distances.index]
        if [str(v) for v in distances.columns] != ids:
            raise InputError(
                "the distance matrix's columns are not its rows' units in the same order",
                key="distances",
                fix="give a square matrix labelled by the same unit ids on both axes",
            )
        matrix = distances.to_numpy(float)
    else:
        if ids is None:
            raise InputError(
                "a distance array needs its units", key="ids", fix="pass ids= in the matrix's order"
            )
        matrix, ids = np.asarray(distances, float), [str(v) for v in ids]
    if matrix.shape != (len(ids), len(ids)) or not np.all(np.isfinite(matrix)) or np.any(matrix < 0):
        raise InputError(
            "the distances are not a finite, non-negative N x N matrix of the units",
            key="distances",
            fix="give the distances in km between every pair of units",
        )
    variables = list(explanatory) if variables is None else list(variables)
    unknown = [v for v in variables if v not in explanatory]
    if unknown:
        raise InputError(
            f"{', '.join(unknown)} is not among the explanatory variables",
            key="variables",
            fix="name explanatory variables: " + ", ".join(explanatory),
        )
    rows = []
    for d in sweep(start, stop, step):
        raw = distance_weights(matrix, d, mode, power, step)
        upper = d + step if mode == "band" else np.nan
        lonely = [ids[i] for i in np.flatnonzero(raw.sum(axis=1) == 0)]
        where = f"at least {d:g} km away" if mode == "beyond" else f"{d:g}-{d + step:g} km away"
        strict = method == "lee_yu" and fixed_effects in ("time", "two-way")
        if lonely and (strict or len(lonely) > (1 - min_share) * len(ids)):
            note = (
                f"not estimated: {len(lonely)} of {len(ids)} units have no other unit {where} ({listed(lonely, 5)})"
                + (
                    "; the Lee-Yu transformation of time effects needs a neighbour for every unit"
                    if strict
                    else ""
                )
            )
            rows += [
                [d, upper, v, e, *[np.nan] * 8, False, np.nan, np.nan, note]
                for v in variables
                for e in ("direct", "indirect", "total")
            ]
            continue
        w = SpatialWeights.from_matrix(raw, ids=ids, name=f"{mode}_{d:g}km")
        result = SpatialPanelModel(
            data, dependent, list(explanatory), w, model=model, fixed_effects=fixed_effects, method=method,
            entity=entity, time=time, years=years, balance=balance, source=source,
        ).fit()  # fmt: skip
        impacts = result.impacts(draws=draws, seed=seed, level=level, inference=inference).table
        rho_p = float(result.pvalues["rho"])
        neighbours = float((raw > 0).sum(axis=1).mean())
        notes = list(result.notes)
        if lonely:
            notes.append(
                f"{len(lonely)} units have no other unit {where} and an empty row of W: {listed(lonely, 5)}"
            )
        note = "; ".join(notes)
        for row in impacts[impacts["variable"].isin(variables)].itertuples():
            rows.append([
                d, upper, row.variable, row.effect, row.estimate, row.std_error, row.z, row.p, row.ci_low,
                row.ci_high, result.spatial, rho_p, result.at_bound, result.loglik, neighbours, note,
            ])  # fmt: skip
    return pd.DataFrame(rows, columns=COLUMNS)
