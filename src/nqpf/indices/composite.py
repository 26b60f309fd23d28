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

CRITIC, the vertical-horizontal scatter degree method and game-theory combined weights (``method: critic``,
``scatter_degree``, ``game_theory``) replace step 2-3 by the weights of :mod:`nqpf.indices.weighting` computed on
the same z (the informative indicators; a constant one keeps weight 0), and step 4 is unchanged. The scatter
degree method sums X_t'X_t over the years of the block (each year when weights are by year). ``robustness``
rebuilds the index with other weightings on the same z, one column per method.

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
    others = np.full((len(data), len(spec.robustness)), np.nan)
    normalised = np.zeros((len(data), len(variables)))
    weight_rows = []
    for rows in groups:
        block = data.loc[rows, variables].to_numpy(dtype=float)
        years = data.loc[rows, "year"].to_numpy()
        scope = "the panel" if spec.weights_by == "pooled" else f"year {int(years[0])}"
        z, constant = normalise(block, spec)
        for name in constant:
            notes.append(f"{name} is constant over {scope}: normalised to 0, weight 0")
        main = method_weights(z, years, spec.method, spec, scope)
        notes += main.notes
        scores[rows] = _scores(z, main.weights, spec)
        normalised[rows] = z
        columns = dict(main.parts)
        for k, method in enumerate(spec.robustness):
            other = method_weights(z, years, method, spec, scope)
            others[rows, k] = _scores(z, other.weights, spec, method)[:, 0]
            columns[f"weight_{method}"] = other.weights
            notes += [f"robustness ({method}): {note}" for note in other.notes]
        for j, ind in enumerate(spec.indicators):
            row = {
                "indicator": ind.variable,
                "dimension": ind.dimension,
                "direction": "-" if ind.negative else "+",
                **{column: part[j] for column, part in columns.items() if not column.startswith("weight_")},
                "weight": main.weights[j],
                **{column: part[j] for column, part in columns.items() if column.startswith("weight_")},
            }
            if spec.weights_by == "year":
                row = {"year": int(years[0]), **row}
            weight_rows.append(row)
    values = panel[["code", "name", "year"]].copy()
    columns = ["index", *spec.dimensions]
    for k, column in enumerate(columns):
        values[column] = np.nan
        values.loc[complete.to_numpy(), column] = scores[:, k]
    for k, method in enumerate(spec.robustness):
        values[method] = np.nan
        values.loc[complete.to_numpy(), method] = others[:, k]
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


def normalise(block: np.ndarray, spec: IndexSettings) -> tuple[np.ndarray, list[str]]:
    """Step 1 of the module docstring on the (m x k) indicators of one block: z, and the constant indicators
    (z = 0)."""
    constant = []
    z = np.zeros_like(block)
    for j, ind in enumerate(spec.indicators):
        if np.ptp(block[:, j]) > 0:
            z[:, j] = minmax(block[:, j], ind.negative)
        else:
            constant.append(ind.variable)
    return z, constant


@dataclass(frozen=True)
class Weighting:
    """The weights of one method on one block, in the order of the indicators, with the method's parts by
    indicator (entropy and divergence; CRITIC's sigma, conflict and information; the scatter degree
    eigenvector; the weights game theory combined, as ``weight_<method>``), NaN for a constant indicator."""

    weights: np.ndarray
    parts: dict[str, np.ndarray]
    notes: list[str]


def method_weights(
    z: np.ndarray, years, method: str, spec: IndexSettings, scope: str = "the panel"
) -> Weighting:
    """The weights of ``method`` on the normalised indicators ``z`` of one block (``years`` the year of each
    row), as the module docstring states; a method that gives no weights (a scatter degree eigenvector of mixed
    signs, linearly dependent weightings to combine) is an :class:`InputError` naming the index and the fix."""
    k = z.shape[1]
    informative = np.ptp(z, axis=0) > 0 if len(z) else np.zeros(k, dtype=bool)
    names = [i.variable for i in spec.indicators]
    kept = [name for name, keep in zip(names, informative, strict=True) if keep]

    def spread(values: np.ndarray, fill: float = np.nan) -> np.ndarray:
        out = np.full(k, fill)
        out[informative] = values
        return out

    try:
        if method in ("entropy", "entropy_topsis"):
            entropy, weights = entropy_weights(z)
            if not informative.all():
                # a constant indicator's shares are all 1/m: entropy 1, divergence and weight 0 exactly
                entropy[~informative] = 1.0
                weights = (1.0 - entropy) / (1.0 - entropy).sum()
            return Weighting(weights, {"entropy": entropy, "divergence": 1.0 - entropy}, [])
        if method == "equal":
            nan = np.full(k, np.nan)
            return Weighting(np.full(k, 1.0 / k), {"entropy": nan, "divergence": nan}, [])
        if informative.sum() < 2:
            raise ValueError(
                f"{int(informative.sum())} indicator varies over {scope}; {method} needs at least 2"
            )
        if method == "critic":
            from nqpf.indices.weighting import critic_weights

            critic = critic_weights(z[:, informative], kept)
            parts = {"sigma": critic.sigma, "conflict": critic.conflict, "information": critic.information}
            return Weighting(spread(critic.weights, 0.0), {c: spread(v) for c, v in parts.items()}, [])
        if method == "scatter_degree":
            from nqpf.indices.weighting import scatter_degree_weights

            frame = pd.DataFrame(z[:, informative], columns=kept).assign(year=np.asarray(years))
            scatter = scatter_degree_weights(frame, kept)
            return Weighting(
                spread(scatter.weights, 0.0),
                {"eigenvector": spread(scatter.eigenvector)},
                [f"scatter degree over {scope}: largest eigenvalue of H {scatter.eigenvalue:.6g}"],
            )
        if method == "game_theory":
            from nqpf.indices.weighting import game_theory_weights

            vectors = {base: method_weights(z, years, base, spec, scope).weights for base in spec.combined}
            game = game_theory_weights(*vectors.values(), indicators=names)
            share = ", ".join(f"{b} {c:.4f}" for b, c in zip(vectors, game.coefficients, strict=True))
            notes = [f"game-theory coefficients over {scope}: {share}"]
            if game.negative_coefficients:
                notes.append(
                    "a game-theory coefficient alpha is negative; its absolute value entered the combination "
                    "(alpha: " + ", ".join(f"{a:.4f}" for a in game.alpha) + ")"
                )
            return Weighting(game.weights, {f"weight_{b}": v for b, v in vectors.items()}, notes)
    except ValueError as err:
        raise InputError(
            f"index {spec.name!r}: {method} weights over {scope}: {err}",
            key=f"indices[{spec.name}].method",
            fix="choose another weighting (method, robustness), or change the indicators as the message says",
        ) from None
    raise ValueError(f"unknown weighting method {method!r}")


def _scores(z: np.ndarray, weights: np.ndarray, spec: IndexSettings, method: str | None = None) -> np.ndarray:
    method = method or spec.method
    dims = [np.array([i.dimension == d for i in spec.indicators]) for d in spec.dimensions]
    if method == "entropy_topsis":
        overall = topsis(z, weights)
        parts = [topsis(z[:, mask], _share(weights[mask])) for mask in dims]
    else:
        overall = z @ weights
        parts = [z[:, mask] @ weights[mask] for mask in dims]
    return np.column_stack([overall, *parts])


def _share(weights: np.ndarray) -> np.ndarray:
    total = weights.sum()
    return weights / total if total > 0 else weights


WEIGHTINGS = {
    "entropy": "entropy weights (熵值法)",
    "entropy_topsis": "entropy weights, then TOPSIS closeness to the ideal",
    "equal": "equal weights",
    "critic": "CRITIC weights (Diakoulaki et al. 1995)",
    "scatter_degree": "weights of the vertical-horizontal scatter degree method (纵横向拉开档次法, Guo 2002)",
    "game_theory": "game-theory combined weights (博弈论组合赋权) of {combined}",
}


def weighting_name(method: str, spec: IndexSettings) -> str:
    """How the index is weighted under ``method``, in words."""
    return WEIGHTINGS[method].format(combined=" and ".join(spec.combined))


def describe(spec: IndexSettings) -> str:
    """A short statement of how the index was made, for the weights table."""
    scope = (
        "pooled over all unit-years of the panel, so values compare across years"
        if spec.weights_by == "pooled"
        else "computed year by year, so values compare within a year only"
    )
    weighting = weighting_name(spec.method, spec)
    uses_entropy = any(
        m in ("entropy", "entropy_topsis") or (m == "game_theory" and "entropy" in spec.combined)
        for m in spec.methods
    )
    parts = ", ".join(f"{d} ({sum(i.dimension == d for i in spec.indicators)})" for d in spec.dimensions)
    return (
        f"Index {spec.name}: {len(spec.indicators)} indicators in {len(spec.dimensions)} dimensions [{parts}]; "
        f"min-max normalisation (negative indicators reversed) and {weighting}, {scope}."
        + (
            f" A shift of {ENTROPY_SHIFT} is added to the normalised values inside the entropy only, so that "
            "logarithms of zeros are defined; the index and its dimension sub-indices use the unshifted values"
            if uses_entropy
            else " The index and its dimension sub-indices are weighted sums of the normalised values"
        )
        + (" and add up." if spec.method != "entropy_topsis" else ".")
        + (
            " Rebuilt, as a robustness check, with "
            + "; ".join(f"{weighting_name(m, spec)} ({spec.name}_{m})" for m in spec.robustness)
            + "."
            if spec.robustness
            else ""
        )
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
