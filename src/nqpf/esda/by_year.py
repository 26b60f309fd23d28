"""Exploratory spatial data analysis of one variable on one weights matrix, year by year: global statistics,
local statistics with multiple-testing control, and clusters of significant units.

Every random draw comes from a seed made of the configured seed and the names of the variable and the weights,
so a result does not depend on which other analyses run, in which order or on how many cores.
"""

from __future__ import annotations

import logging
import time

import numpy as np
import pandas as pd

from nqpf.errors import InputError, listed
from nqpf.esda import global_statistics, local_statistics, permutation
from nqpf.esda.settings import EsdaSettings
from nqpf.seeds import rng_for
from nqpf.weights.core import SpatialWeights

log = logging.getLogger(__name__)


def values_by_year(frame: pd.DataFrame, variable: str, ids, years) -> dict[int, np.ndarray]:
    """The variable for the W's units in each year; a missing value stops with the cells listed."""
    if variable not in frame.columns:
        raise InputError(
            f"ESDA variable {variable!r} is not in the panel or the indices",
            key="esda.variables",
            fix="name a variable of the panel (read or derived) or an index of the study",
        )
    table = frame.pivot(index="code", columns="year", values=variable).reindex(index=list(ids))
    out = {}
    for year in years:
        if year not in table.columns:
            raise InputError(
                f"year {year} is not in the panel",
                key="esda.years",
                fix="give years within the study's years.first .. years.last",
            )
        column = table[year]
        if column.isna().any():
            raise InputError(
                f"{variable} is missing for {int(column.isna().sum())} units in {year}",
                unit=listed(column.index[column.isna()]),
                column=variable,
                fix="fill the gaps (panel.fill) or leave the year out (esda.years)",
            )
        out[int(year)] = column.to_numpy(dtype=float)
    return out


def analyse(
    frame: pd.DataFrame,
    variable: str,
    w: SpatialWeights,
    years,
    settings: EsdaSettings,
    names: dict[str, str],
) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """Global rows (one per statistic and year), local rows (one per statistic, year and unit) and notes, each
    a (year or None, text) pair: statistics left out, years without variation, units W does not hold.

    A year in which the variable takes one value on every linked unit (structural zeros: 5G base stations before
    2019) has no spatial autocorrelation to measure: its statistics are left empty, its units' quadrant is
    ``undefined`` and none is significant, and a note says so."""
    data = values_by_year(frame, variable, w.ids, years)
    outside = sorted(set(frame["code"].astype(str)) - set(w.ids))
    rng = rng_for(settings.seed, variable, w.name)
    matrix = w.matrix.tocsr()
    card = np.diff(matrix.indptr)
    linked = card > 0
    core = matrix[linked][:, linked] if not linked.all() else matrix
    draws = None
    if settings.local_statistics and settings.permutations:
        draws = permutation.draws_for(matrix, settings.permutations, rng)
    # Gi* counts a unit's neighbours against all units: when every unit neighbours every other, it is undefined
    dense = bool((card >= w.n - 1).any())
    notes: list[tuple[int | None, str]] = []
    if dense and "gi_star" in settings.local_statistics:
        notes.append(
            (None, "Gi* is undefined on a W in which a unit neighbours every other unit; it is left out")
        )
    if outside:
        notes.append(
            (
                None,
                f"{len(outside)} units of the study are not in W {w.name!r} (left out by its island policy) and are "
                "not analysed: " + listed(outside, 30),
            )
        )
    # one set of total permutations serves every year (drawn once: they cost more than the statistics)
    orderings = (
        list(permutation.total_permutations(int(linked.sum()), settings.permutations, rng))
        if settings.global_statistics and settings.permutations
        else []
    )
    global_rows, local_rows = [], []
    started = time.perf_counter()
    permutations = int(sum(len(block) for block in orderings))
    for done, (year, x) in enumerate(data.items(), 1):
        constant = bool(np.ptp(x[linked]) == 0) if linked.any() else True
        if constant:
            notes.append(
                (
                    year,
                    f"{variable} takes one value ({x[linked][0] if linked.any() else 'none'}) on every unit in {year}: "
                    "spatial autocorrelation is undefined, the year's statistics are left empty",
                )
            )
            table = global_statistics.undefined(settings.global_statistics, permutations)
        else:
            table = global_statistics.global_statistics(
                x[linked], core, settings.global_statistics, orderings
            )
        table.insert(0, "year", year)
        global_rows.append(table)
        for statistic in settings.local_statistics:
            if statistic == "gi_star" and dense:
                continue
            if constant:
                result = local_statistics.undefined(w.n)
            else:
                kernel = local_statistics.local_moran if statistic == "lisa" else local_statistics.gi_star
                result = kernel(x, matrix, draws, settings.alternative)
                result = local_statistics.with_significance(
                    result,
                    statistic,
                    matrix,
                    settings.significance.method,
                    settings.significance.alpha,
                    permuted=draws is not None,
                )
            result.insert(0, "statistic", statistic)
            result.insert(0, "name", [names.get(c, c) for c in w.ids])
            result.insert(0, "code", list(w.ids))
            result.insert(0, "year", year)
            local_rows.append(result)
        # permutation inference dominates at county scale: say how far it has got
        log.info(
            "%s on %s: year %d done (%d of %d, %.1f s, %d permutations)",
            variable,
            w.name,
            year,
            done,
            len(data),
            time.perf_counter() - started,
            settings.permutations,
        )
    global_table = pd.concat(global_rows, ignore_index=True)
    global_table.insert(0, "weights", w.name)
    global_table.insert(0, "variable", variable)
    local_table = pd.concat(local_rows, ignore_index=True)
    local_table.insert(0, "weights", w.name)
    local_table.insert(0, "variable", variable)
    return _global_columns(global_table), _local_columns(local_table), notes


NOTE_COLUMNS = ["variable", "weights", "year", "note"]


def notes_table(variable: str, weights: str, notes: list[tuple[int | None, str]]) -> pd.DataFrame:
    """The notes of an analysis as rows of ``esda/notes.csv`` (year empty for a note on every year)."""
    return pd.DataFrame(
        [(variable, weights, year, text) for year, text in notes], columns=NOTE_COLUMNS
    ).astype({"year": "Int64"})


GLOBAL_COLUMNS = [
    "variable",
    "weights",
    "year",
    "statistic",
    "value",
    "expected",
    "variance_norm",
    "variance_rand",
    "z_norm",
    "z_rand",
    "p_norm",
    "p_rand",
    "p_sim",
    "permutations",
]
LOCAL_COLUMNS = [
    "variable",
    "weights",
    "year",
    "code",
    "name",
    "statistic",
    "value",
    "z",
    "p_sim",
    "quadrant",
    "significant",
    "cluster_id",
    "expected",
    "variance",
    "p_norm",
    "p_adjusted",
    "lag",
]


def _global_columns(table: pd.DataFrame) -> pd.DataFrame:
    table["permutations"] = table["permutations"].astype(int)
    return table[GLOBAL_COLUMNS]


def _local_columns(table: pd.DataFrame) -> pd.DataFrame:
    return table[LOCAL_COLUMNS]


def bivariate_moran(x: np.ndarray, y: np.ndarray, w, orderings) -> dict:
    """Global bivariate Moran's I of x and the spatial lag of y (Anselin, Syabri and Smirnov 2002):
    I_xy = (n / S0) z_x' W z_y / sqrt(z_x' z_x z_y' z_y), which is Moran's I when y = x; its p-value comes from
    relabelling y (two-sided), ``orderings`` being blocks of random orderings of the units."""
    permutations = int(sum(len(block) for block in orderings))
    zx, zy = x - x.mean(), y - y.mean()
    n, s0 = len(x), float(w.sum())
    scale = n / s0 / np.sqrt((zx @ zx) * (zy @ zy))
    value = scale * (zx @ (w @ zy))
    simulated = []
    product = permutation.product_operand(w)
    for block in orderings:
        simulated.append(scale * (zx @ (product @ zy[block].T)))
    values = np.concatenate(simulated) if simulated else np.array([])
    tol = 1e-12 * max(1.0, abs(value))
    p = permutation.two_sided_p(
        value, (values >= value - tol).sum(), (values <= value + tol).sum(), permutations
    )
    return {
        "statistic": "bivariate_moran",
        "value": value,
        "p_sim": p if permutations else np.nan,
        "permutations": permutations,
    }
