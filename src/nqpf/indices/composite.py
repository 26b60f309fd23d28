"""Composite indices from an indicator system: the entropy weight method (熵值法), entropy-TOPSIS and equal
weights, with sub-indices by dimension.

For indicator j observed on m unit-years (all unit-years of the panel when weights are pooled, the default, so
that index values compare across years; the units of one year when weights are computed per year):

1. min-max normalisation, z_ij = (x_ij - min_j) / (max_j - min_j) for a positive indicator and
   (max_j - x_ij) / (max_j - min_j) for a negative one, so z lies in [0, 1] and higher is better. An indicator
   that is constant over the m observations carries no information: z = 0 and weight 0 (reported);
2. shares p_ij = (z_ij + s) / sum_i (z_ij + s) with the shift s = 0.0001, added only here so that ln p_ij is
   defined where z_ij = 0 (the minimum of every indicator, and structural zeros such as 5G base stations before
   2019); the index itself uses the unshifted z;
3. entropy e_j = -(1 / ln m) sum_i p_ij ln p_ij, divergence d_j = 1 - e_j, weight w_j = d_j / sum_k d_k
   (equal weights: w_j = 1 / k);
4. index_i = sum_j w_j z_ij, in [0, 1]; the sub-index of a dimension is the same sum over its indicators, so
   the sub-indices add up to the index.

Entropy-TOPSIS: on the weighted normalised values v_ij = w_j z_ij, the distances to the best and the worst
observation, D+_i = ||v_i - max_i v_i|| and D-_i = ||v_i - min_i v_i||, give the closeness C_i = D-_i / (D+_i +
D-_i) in [0, 1] (Hwang and Yoon 1981); a dimension's sub-index is the closeness on its own indicators, with their
weights rescaled to sum to one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from nqpf.errors import InputError, listed
from nqpf.indices.settings import IndexSettings

ENTROPY_SHIFT = 1e-4


def minmax(values: np.ndarray, negative: bool = False) -> np.ndarray:
    """Min-max normalisation to [0, 1], reversed for a negative indicator; a constant column is an error."""
    values = np.asarray(values, dtype=float)
    low, high = np.min(values), np.max(values)
    if not high > low:
        raise ValueError("an indicator is constant over the panel; min-max normalisation is undefined")
    scaled = (values - low) / (high - low)
    return 1.0 - scaled if negative else scaled


def entropy_weights(normalised: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Entropy e_j and weights w_j of the columns of an (m x k) matrix of normalised indicators."""
    z = np.asarray(normalised, dtype=float)
    shifted = z + ENTROPY_SHIFT
    p = shifted / shifted.sum(axis=0)
    entropy = -(p * np.log(p)).sum(axis=0) / np.log(z.shape[0])
    divergence = 1.0 - entropy
    return entropy, divergence / divergence.sum()


def entropy_index(
    indicators: np.ndarray, negative: list[bool] | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Entropy-weighted index of the columns of an (m x k) matrix of raw indicators; returns index and weights."""
    x = np.asarray(indicators, dtype=float)
    negative = negative or [False] * x.shape[1]
    z = np.column_stack([minmax(x[:, j], negative[j]) for j in range(x.shape[1])])
    _, weights = entropy_weights(z)
    return z @ weights, weights


def topsis(z: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Closeness to the ideal of each row of normalised indicators ``z`` under ``weights`` (see the docstring)."""
    v = z * weights
    best, worst = v.max(axis=0), v.min(axis=0)
    d_best = np.sqrt(((v - best) ** 2).sum(axis=1))
    d_worst = np.sqrt(((v - worst) ** 2).sum(axis=1))
    total = d_best + d_worst
    return np.divide(d_worst, total, out=np.zeros_like(total), where=total > 0)


@dataclass
class IndexResult:
    values: pd.DataFrame  # code, name, year, index, one column per dimension
    weights: pd.DataFrame  # (year,) indicator, dimension, direction, entropy, divergence, weight
    notes: list[str] = field(default_factory=list)
    method: str = ""
    left_out: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=LEFT_OUT_COLUMNS))
    # code, year and each indicator min-max normalised (negative ones reversed, constant ones 0) as the index
    # weighs them, for the unit-years with an index value: the x' of the obstacle degree model
    normalised: pd.DataFrame | None = None


def build(panel: pd.DataFrame, spec: IndexSettings) -> IndexResult:
    """The index and its sub-indices for every unit-year of ``panel`` (columns code, name, year, variables)."""
    variables = [i.variable for i in spec.indicators]
    missing = [v for v in variables if v not in panel.columns]
    if missing:
        raise InputError(
            f"index {spec.name!r} needs variables the panel does not have: {', '.join(missing)}",
            key=f"indices[{spec.name}].dimensions",
            column=", ".join(missing),
            fix="read or derive them in the study (statistics, derived), or correct the names",
        )
    panel = panel.sort_values(["year", "code"], ignore_index=True)
    complete = panel[variables].notna().all(axis=1)
    notes = []
    left = left_out(panel, variables)
    if len(left) and spec.missing == "error":
        cells = panel.loc[~complete]
        raise InputError(
            f"index {spec.name!r}: {len(cells)} unit-years lack an indicator",
            unit=listed(f"{r.code} {r.year}" for r in cells.itertuples(index=False)),
            column=", ".join(dict.fromkeys(left["indicator"])),
            key=f"indices[{spec.name}].missing",
            fix="fill the gaps (panel.fill), choose indicators observed in the study's years, or build the index "
            "on the complete unit-years (missing: drop_per_year: the others get no index value and are listed in "
            f"indices/{spec.name}.left_out.csv)",
        )
    if len(left):
        notes.append(
            f"{int((~complete).sum())} unit-years lack an indicator and get no index value (missing: "
            f"drop_per_year); indices/{spec.name}.left_out.csv lists each with the indicators it lacks"
        )
    data = panel[complete].reset_index(drop=True)
    if data.empty:
        raise InputError(
            f"index {spec.name!r}: no unit-year has all its indicators",
            column=", ".join(variables),
            key=f"indices[{spec.name}]",
            fix="check the indicators' gaps in data/gaps.csv; fill them (panel.fill) or choose indicators "
            "observed in the study's years",
        )
    groups = (
        [data.index.to_numpy()]
        if spec.weights_by == "pooled"
        else [g.index.to_numpy() for _, g in data.groupby("year", sort=True)]
    )
    scores = np.full((len(data), 1 + len(spec.dimensions)), np.nan)
    normalised = np.zeros((len(data), len(variables)))
    weight_rows = []
    for rows in groups:
        block = data.loc[rows, variables].to_numpy(dtype=float)
        z, weights, entropy, constant = _weights(block, spec)
        for name in constant:
            scope = "the panel" if spec.weights_by == "pooled" else f"year {int(data.loc[rows[0], 'year'])}"
            notes.append(f"{name} is constant over {scope}: normalised to 0, weight 0")
        scores[rows] = _scores(z, weights, spec)
        normalised[rows] = z
        for ind, e, w in zip(spec.indicators, entropy, weights, strict=True):
            row = {
                "indicator": ind.variable,
                "dimension": ind.dimension,
                "direction": "-" if ind.negative else "+",
                "entropy": e,
                "divergence": 1.0 - e if not np.isnan(e) else np.nan,
                "weight": w,
            }
            if spec.weights_by == "year":
                row = {"year": int(data.loc[rows[0], "year"]), **row}
            weight_rows.append(row)
    values = panel[["code", "name", "year"]].copy()
    columns = ["index", *spec.dimensions]
    for k, column in enumerate(columns):
        values[column] = np.nan
        values.loc[complete.to_numpy(), column] = scores[:, k]
    table = data[["code", "year"]].copy()
    table[variables] = normalised
    return IndexResult(
        values=values,
        weights=pd.DataFrame(weight_rows),
        notes=notes,
        method=describe(spec),
        left_out=left,
        normalised=table,
    )


LEFT_OUT_COLUMNS = ["code", "name", "year", "indicator"]


def left_out(panel: pd.DataFrame, variables: list[str]) -> pd.DataFrame:
    """Every unit-year of ``panel`` lacking one of the indicators ``variables``, one row per missing indicator:
    the unit-years an index leaves out (they get no index value)."""
    rows = [
        (str(r.code), str(getattr(r, "name", r.code)), int(r.year), variable)
        for variable in variables
        for r in panel[panel[variable].isna()].itertuples(index=False)
    ]
    return pd.DataFrame(rows, columns=LEFT_OUT_COLUMNS).sort_values(
        ["year", "code", "indicator"], kind="stable", ignore_index=True
    )


def _weights(block: np.ndarray, spec: IndexSettings):
    constant = []
    z = np.zeros_like(block)
    for j, ind in enumerate(spec.indicators):
        if np.ptp(block[:, j]) > 0:
            z[:, j] = minmax(block[:, j], ind.negative)
        else:
            constant.append(ind.variable)
    if spec.method == "equal":
        weights = np.full(block.shape[1], 1.0 / block.shape[1])
        entropy = np.full(block.shape[1], np.nan)
    else:
        entropy, weights = entropy_weights(z)
    return z, weights, entropy, constant


def _scores(z: np.ndarray, weights: np.ndarray, spec: IndexSettings) -> np.ndarray:
    dims = [np.array([i.dimension == d for i in spec.indicators]) for d in spec.dimensions]
    if spec.method == "entropy_topsis":
        overall = topsis(z, weights)
        parts = [topsis(z[:, mask], weights[mask] / weights[mask].sum()) for mask in dims]
    else:
        overall = z @ weights
        parts = [z[:, mask] @ weights[mask] for mask in dims]
    return np.column_stack([overall, *parts])


def describe(spec: IndexSettings) -> str:
    """A short statement of how the index was made, for the weights table."""
    scope = (
        "pooled over all unit-years of the panel, so values compare across years"
        if spec.weights_by == "pooled"
        else "computed year by year, so values compare within a year only"
    )
    weighting = {
        "entropy": "entropy weights (熵值法)",
        "entropy_topsis": "entropy weights, then TOPSIS closeness to the ideal",
        "equal": "equal weights",
    }[spec.method]
    parts = ", ".join(f"{d} ({sum(i.dimension == d for i in spec.indicators)})" for d in spec.dimensions)
    return (
        f"Index {spec.name}: {len(spec.indicators)} indicators in {len(spec.dimensions)} dimensions [{parts}]; "
        f"min-max normalisation (negative indicators reversed) and {weighting}, {scope}. A shift of "
        f"{ENTROPY_SHIFT} is added to the normalised values inside the entropy only, so that logarithms of zeros "
        "are defined; the index and its dimension sub-indices use the unshifted values"
        + (" and add up." if spec.method != "entropy_topsis" else ".")
    )


def with_indices(panel: pd.DataFrame, indices: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The panel with each index as a variable: ``<name>`` for the index and ``<name>_<dimension>`` for its
    sub-indices, so later stages can analyse them like any other variable."""
    out = panel.copy()
    for name, values in indices.items():
        renamed = values.drop(columns=["name"], errors="ignore").rename(
            columns={
                c: (name if c == "index" else f"{name}_{c}")
                for c in values.columns
                if c not in ("code", "year", "name")
            }
        )
        clash = [c for c in renamed.columns if c in out.columns and c not in ("code", "year")]
        if clash:
            raise InputError(
                f"index {name!r} would overwrite panel variables: {', '.join(clash)}",
                column=", ".join(clash),
                fix="rename the index or the variables",
            )
        out = out.merge(renamed, on=["code", "year"], how="left", validate="one_to_one")
    return out


def method_markdown(spec: IndexSettings, result: IndexResult, simulated: bool = False) -> str:
    """The method statement of an index, with every note on the data, as Markdown."""
    lines = [
        f"# {spec.title or spec.name}",
        "",
        result.method + (" Simulated demo data." if simulated else ""),
    ]
    lines += [""] + [f"- {note}" for note in result.notes] if result.notes else []
    return "\n".join(lines) + "\n"
