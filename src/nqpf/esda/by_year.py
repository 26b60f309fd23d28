"""Exploratory spatial data analysis of one variable on one weights matrix, year by year: global statistics,
local statistics with multiple-testing control, and clusters of significant units.

Every random draw comes from a seed made of the configured seed and the names of the variable and the weights,
so a result does not depend on which other analyses run, in which order or on how many cores.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from nqpf.errors import InputError, listed
from nqpf.esda import global_statistics, local_statistics, permutation
from nqpf.esda.settings import NO_DATA, EsdaSettings
from nqpf.seeds import rng_for
from nqpf.weights.core import SpatialWeights

log = logging.getLogger(__name__)


def values_by_year(
    frame: pd.DataFrame, variable: str, ids, years, missing: str = "error"
) -> dict[int, np.ndarray]:
    """The variable for the W's units in each year (missing values as NaN). With ``missing="error"`` a missing
    value stops with the cells listed; with ``"drop_per_year"`` it stays NaN for :func:`analyse` to leave out."""
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
        if missing == "error" and column.isna().any():
            raise InputError(
                f"{variable} is missing for {int(column.isna().sum())} units in {year}",
                unit=listed(column.index[column.isna()]),
                column=variable,
                key="esda.missing",
                fix="fill the gaps (panel.fill), leave the year out (esda.years), or analyse each year on the units "
                "observed in it (esda.missing: drop_per_year)",
            )
        out[int(year)] = column.to_numpy(dtype=float)
    return out


@dataclass
class YearWeights:
    """The weights one year is analysed on: W itself, or W restricted to the units observed that year and
    standardised again (``kept``: their positions in the full W; None when every unit is observed), with the
    permutation draws for it."""

    w: SpatialWeights
    kept: np.ndarray | None
    draws: object
    orderings: list
    dense: bool

    @property
    def matrix(self) -> sp.csr_matrix:
        return self.w.matrix

    @property
    def linked(self) -> np.ndarray:
        return np.diff(self.w.matrix.indptr) > 0

    @property
    def core(self) -> sp.csr_matrix:
        linked = self.linked
        return self.w.matrix[linked][:, linked] if not linked.all() else self.w.matrix


def year_weights(
    w: SpatialWeights, settings: EsdaSettings, rng, kept: np.ndarray | None = None
) -> YearWeights:
    """W (or W on the units ``kept``, standardised again) with its conditional draws (local statistics) and
    total permutations (global statistics), drawn in that order from ``rng``."""
    if kept is not None:
        w = w.subset(kept, "units observed in the year")
    matrix = w.matrix.tocsr()
    card = np.diff(matrix.indptr)
    draws = None
    if settings.local_statistics and settings.permutations:
        draws = permutation.draws_for(matrix, settings.permutations, rng)
    orderings = (
        list(permutation.total_permutations(int((card > 0).sum()), settings.permutations, rng))
        if settings.global_statistics and settings.permutations
        else []
    )
    # Gi* counts a unit's neighbours against all units: when every unit neighbours every other, it is undefined
    return YearWeights(w, kept, draws, orderings, bool((card >= w.n - 1).any()))


def for_year(w: SpatialWeights, x: np.ndarray, settings: EsdaSettings, variable: str, year: int, full=None):
    """(values, YearWeights) of one year: the full W (``full``, made once, when every unit is observed) or W on
    the units observed in the year, its draws seeded by the configured seed, the variable, W and the year."""
    observed = ~np.isnan(x)
    if observed.all():
        if full is None:
            full = year_weights(w, settings, rng_for(settings.seed, variable, w.name))
        return x, full
    kept = np.flatnonzero(observed)
    return x[kept], year_weights(w, settings, rng_for(settings.seed, variable, w.name, str(year)), kept)


LEFT_OUT_COLUMNS = ["variable", "weights", "year", "code", "name", "reason"]


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
    ``undefined`` and none is significant, and a note says so.

    With ``settings.missing == "drop_per_year"`` a year in which some units have no value is analysed on the
    units observed in it: W restricted to them and standardised again by its rule (:meth:`SpatialWeights.subset`),
    as a cross-section of those units alone would be; a unit whose neighbours all lack a value is an island that
    year. The units left out keep their rows in the local table with the quadrant ``no data``; :func:`left_out`
    lists them."""
    return _analyse(frame, variable, w, years, settings, names)[:3]


def left_out(
    frame: pd.DataFrame, variable: str, w: SpatialWeights, years, names: dict[str, str]
) -> pd.DataFrame:
    """Every unit-year of W's units and ``years`` without a value of ``variable`` (the rows ``drop_per_year``
    leaves out), as rows of ``esda/left_out.csv``."""
    data = values_by_year(frame, variable, w.ids, years, missing="drop_per_year")
    rows = [
        (variable, w.name, year, w.ids[i], names.get(w.ids[i], w.ids[i]), "no value")
        for year, x in data.items()
        for i in np.flatnonzero(np.isnan(x))
    ]
    return pd.DataFrame(rows, columns=LEFT_OUT_COLUMNS).astype({"year": int})


def _analyse(frame, variable, w, years, settings, names):
    data = values_by_year(frame, variable, w.ids, years, settings.missing)
    outside = sorted(set(frame["code"].astype(str)) - set(w.ids))
    full = None
    if any(not np.isnan(x).any() for x in data.values()):
        full = year_weights(w, settings, rng_for(settings.seed, variable, w.name))
    notes: list[tuple[int | None, str]] = []
    if full is not None and full.dense and "gi_star" in settings.local_statistics:
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
    global_rows, local_rows = [], []
    started = time.perf_counter()
    permutations = settings.permutations if settings.global_statistics else 0
    for done, (year, values) in enumerate(data.items(), 1):
        x, yw = for_year(w, values, settings, variable, year, full)
        linked = yw.linked
        if yw.kept is not None:
            notes.append((year, _restriction_note(variable, w, yw, year)))
            if yw.dense and "gi_star" in settings.local_statistics:
                notes.append(
                    (year, "Gi* is undefined on the year's W (a unit neighbours every other); left out")
                )
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
                x[linked], yw.core, settings.global_statistics, yw.orderings
            )
        table.insert(0, "year", year)
        global_rows.append(table)
        for statistic in settings.local_statistics:
            if statistic == "gi_star" and yw.dense:
                continue
            if constant:
                result = local_statistics.undefined(yw.w.n)
            else:
                kernel = local_statistics.local_moran if statistic == "lisa" else local_statistics.gi_star
                result = kernel(x, yw.matrix, yw.draws, settings.alternative)
                result = local_statistics.with_significance(
                    result,
                    statistic,
                    yw.matrix,
                    settings.significance.method,
                    settings.significance.alpha,
                    permuted=yw.draws is not None,
                )
            if yw.kept is not None:
                result = _with_unobserved(result, yw.kept, w.n)
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
    return _global_columns(global_table), _local_columns(local_table), notes, data


def _restriction_note(variable: str, w: SpatialWeights, yw: YearWeights, year: int) -> str:
    missing = w.n - len(yw.kept)
    islands = np.flatnonzero(~yw.linked & (w.cardinalities()[yw.kept] > 0))
    text = (
        f"{variable} has no value for {missing} of the {w.n} units of W {w.name!r} in {year} (listed in "
        f"left_out.csv): the year is analysed on the {len(yw.kept)} units observed, W restricted to them and "
        f"standardised again ({w.standardisation})"
    )
    if len(islands):
        text += f"; {len(islands)} units have no observed neighbour and get no local statistic: " + listed(
            [yw.w.ids[i] for i in islands], 30
        )
    return text


def _with_unobserved(result: pd.DataFrame, kept: np.ndarray, n: int) -> pd.DataFrame:
    """A local table over the observed units expanded to all n units of W: the others without a value, quadrant
    ``no data``, not significant, in no cluster."""
    full = result.set_axis(kept).reindex(range(n))
    unobserved = ~np.isin(np.arange(n), kept)
    full.loc[unobserved, "quadrant"] = NO_DATA
    full["significant"] = full["significant"].fillna(False).astype(bool)
    full["cluster_id"] = full["cluster_id"].fillna(0).astype(int)
    return full.reset_index(drop=True)


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


def bivariate(
    frame: pd.DataFrame, x_name: str, y_name: str, w: SpatialWeights, years, settings: EsdaSettings, names
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Bivariate Moran's I of ``x_name`` and the lag of ``y_name`` on W in each year (rows of ``global.csv``,
    variable ``x~y``) and the unit-years left out. With ``settings.missing == "drop_per_year"`` a year with gaps
    is computed on the units with both values, W restricted to them and standardised again, its permutations
    drawn from the seed, the pair, W and the year; complete years share the draws of the pair and W."""

    x_years = values_by_year(frame, x_name, w.ids, years, settings.missing)
    y_years = values_by_year(frame, y_name, w.ids, years, settings.missing)
    orderings = list(
        permutation.total_permutations(
            w.n, settings.permutations, rng_for(settings.seed, x_name, y_name, w.name)
        )
    )
    pair = f"{x_name}~{y_name}"
    rows, left = [], []
    for year in x_years:
        x, y = x_years[year], y_years[year]
        observed = ~(np.isnan(x) | np.isnan(y))
        if observed.all():
            row = bivariate_moran(x, y, w.matrix, orderings)
        else:
            part = w.subset(observed, "units observed in the year")
            rng = rng_for(settings.seed, x_name, y_name, w.name, str(year))
            draws = list(permutation.total_permutations(part.n, settings.permutations, rng))
            row = bivariate_moran(x[observed], y[observed], part.matrix, draws)
            for i in np.flatnonzero(~observed):
                lacking = " and ".join(v for v, values in ((x_name, x), (y_name, y)) if np.isnan(values[i]))
                left.append(
                    (pair, w.name, year, w.ids[i], names.get(w.ids[i], w.ids[i]), f"no value of {lacking}")
                )
        rows.append({"variable": pair, "weights": w.name, "year": year, **row})
    table = pd.DataFrame(rows).reindex(columns=GLOBAL_COLUMNS)
    return table, pd.DataFrame(left, columns=LEFT_OUT_COLUMNS).astype({"year": int})
