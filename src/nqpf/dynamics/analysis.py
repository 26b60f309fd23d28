"""The distribution dynamics of a study's variables as tidy tables: what the dynamics stage writes and a notebook
gets from :func:`analyse`.

For each variable: the classes (:func:`nqpf.dynamics.classify`) and their cut-offs by year; the traditional chain;
for each weights matrix the spatial chain (Rey 2001) with its lag classes cut as the values are (the lags' own
quantiles under a quantile scheme, the same cut-offs under given cut-offs) and the Bickenbach and Bode (2003)
homogeneity tests; and the LISA Markov chain of the Moran scatterplot quadrants with its space-time transition
types (Rey 2001; Ye and Rey 2013). Classes are numbered 1..k from low to high in the tables.

Tables (stable columns):

- ``classes``: variable, scheme, year, class, lower, upper, n_units (the units in the class that year; the lowest
  class has no lower bound, the highest no upper bound)
- ``transitions``: variable, chain (traditional or spatial), weights (empty for traditional), lag_class (0 for
  traditional, 1..k for the neighbours' class), from_class, to_class, count, probability (empty where no unit
  started from the class)
- ``steady_state``: variable, chain, weights, lag_class, class, n_start (transitions starting there),
  steady_state (empty when the chain is not irreducible)
- ``first_passage``: variable, chain, weights, lag_class, from_class, to_class, years (mean first passage time;
  the diagonal the mean recurrence time)
- ``homogeneity``: variable, test (spatial: the chain conditioned on the neighbours' class on a W; time: the
  chain of each period, ``settings.periods``), weights (empty for time), periods (the years each period's
  transitions span, empty for spatial), transitions, no_lag (left out: islands and incomplete lags), skipped
  (from or to a missing value), q, lr, dof, p_q, p_lr
- ``lisa_transitions``: variable, weights, from_quadrant, to_quadrant, count, probability
- ``lisa_moves``: variable, weights, type (0, I, II, IIIA, IIIB), count, share
- ``left_out``: variable, year, code, name, reason (unit-years without a value, ``missing: drop_per_year``)
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from nqpf.dynamics import markov
from nqpf.dynamics.settings import DynamicsSettings
from nqpf.errors import InputError, listed

TABLES = (
    "classes",
    "transitions",
    "steady_state",
    "first_passage",
    "homogeneity",
    "lisa_transitions",
    "lisa_moves",
    "left_out",
)
COLUMNS = {
    "classes": ["variable", "scheme", "year", "class", "lower", "upper", "n_units"],
    "transitions": [
        "variable", "chain", "weights", "lag_class", "from_class", "to_class", "count", "probability",
    ],
    "steady_state": ["variable", "chain", "weights", "lag_class", "class", "n_start", "steady_state"],
    "first_passage": ["variable", "chain", "weights", "lag_class", "from_class", "to_class", "years"],
    "homogeneity": [
        "variable", "test", "weights", "periods", "transitions", "no_lag", "skipped", "q", "lr", "dof", "p_q",
        "p_lr",
    ],
    "lisa_transitions": ["variable", "weights", "from_quadrant", "to_quadrant", "count", "probability"],
    "lisa_moves": ["variable", "weights", "type", "count", "share"],
    "left_out": ["variable", "year", "code", "name", "reason"],
}  # fmt: skip


def values_matrix(frame: pd.DataFrame, variable: str, codes, years) -> np.ndarray:
    """The n units x T years matrix of ``variable`` in the order of ``codes`` (W's units) and ``years``; a unit or
    year the frame lacks is an error, a missing value NaN."""
    wanted = frame[frame["year"].isin(years)]
    table = wanted.pivot(index="code", columns="year", values=variable)
    absent = [c for c in codes if c not in table.index]
    if absent:
        raise InputError(
            f"{len(absent)} units of the weights are not in the study's panel: {listed(absent)}",
            unit=absent[0],
            column=variable,
            fix="build the weights on the study's units",
        )
    no_year = [y for y in years if y not in table.columns]
    if no_year:
        raise InputError(
            f"the panel has no year {listed(no_year)} of {variable}",
            column=variable,
            fix="set the study's years to those of its panel",
        )
    return table.loc[list(codes), list(years)].to_numpy(dtype=float)


def left_out(frame: pd.DataFrame, variable: str, years) -> pd.DataFrame:
    """The unit-years without a value of ``variable`` in ``years`` (rows of the ``left_out`` table)."""
    rows = frame[frame["year"].isin(years) & frame[variable].isna()].sort_values(["year", "code"])
    names = rows["name"] if "name" in rows else rows["code"]
    return pd.DataFrame(
        {
            "variable": variable,
            "year": rows["year"].astype(int).to_numpy(),
            "code": rows["code"].astype(str).to_numpy(),
            "name": names.astype(str).to_numpy(),
            "reason": "no value",
        },
        columns=COLUMNS["left_out"],
    )


def analyse(
    frame: pd.DataFrame, settings: DynamicsSettings, weights=(), years=None
) -> dict[str, pd.DataFrame]:
    """Every table of the module docstring for ``settings.variables`` of the analysis ``frame`` (columns code,
    year, the variables; name optional), on each of ``weights`` (:class:`nqpf.SpatialWeights`; the units are
    those of the first, or of the frame without weights) over ``years`` (default every year of the frame).
    ``settings.missing`` error stops at the first unit-year without a value, naming them all."""
    years = sorted(set(frame["year"])) if years is None else list(years)
    weights = list(weights)
    codes = list(weights[0].ids) if weights else sorted(set(frame["code"]))
    for w in weights[1:]:
        if list(w.ids) != codes:
            raise InputError(
                f"weights {w.name} and {weights[0].name} order different units",
                key="dynamics.weights",
                fix="give weights of the study's units",
            )
    parts: dict[str, list[pd.DataFrame]] = {name: [] for name in TABLES}
    for variable in settings.variables:
        if variable not in frame.columns:
            raise InputError(
                f"dynamics.variables names {variable!r}, which the analysis frame lacks",
                column=variable,
                key="dynamics.variables",
                fix="name panel variables or indices of the study",
            )
        gaps = left_out(frame[frame["code"].isin(codes)], variable, years)
        if len(gaps) and settings.missing == "error":
            raise InputError(
                f"dynamics: {len(gaps)} unit-years have no value of {variable}",
                unit=listed(f"{r.code} {r.name} {r.year}" for r in gaps.itertuples()),
                column=variable,
                key="dynamics.missing",
                fix="fill the gaps (panel.fill), or leave their transitions out (dynamics.missing: drop_per_year: "
                "every unit-year left out is listed in dynamics/left_out.csv)",
            )
        parts["left_out"].append(gaps)
        y = values_matrix(frame, variable, codes, years)
        for name, table in _variable_tables(variable, y, years, settings, weights).items():
            parts[name].append(table)
    return {
        name: (
            pd.concat(tables, ignore_index=True)[COLUMNS[name]]
            if tables
            else pd.DataFrame(columns=COLUMNS[name])
        )
        for name, tables in parts.items()
    }


def _variable_tables(variable, y, years, settings: DynamicsSettings, weights) -> dict[str, pd.DataFrame]:
    k, scheme = settings.classes, settings.scheme
    cutoffs = settings.cutoffs.get(variable)
    try:
        classes = markov.classify(y, k, scheme, cutoffs)
    except ValueError as err:
        raise InputError(
            f"dynamics: the classes of {variable}: {err}",
            column=variable,
            key="dynamics.classes",
            fix="ask for fewer classes (dynamics.classes) or give the cut-offs (dynamics.scheme: cutoffs)",
        ) from None
    chains = [("traditional", "", 0, markov.markov_chain(classes=classes))]
    out: dict[str, list] = {"homogeneity": [], "lisa_transitions": [], "lisa_moves": []}
    for w in weights:
        try:
            spatial = markov.spatial_markov(y, w, k, k, scheme, cutoffs, lag_cutoffs=cutoffs)
        except ValueError as err:
            raise InputError(
                f"dynamics: the neighbours' classes of {variable} on {w.name}: {err}",
                column=variable,
                key="dynamics.classes",
                fix="ask for fewer classes (dynamics.classes) or give the cut-offs (dynamics.scheme: cutoffs)",
            ) from None
        chains += [("spatial", w.name, lag + 1, chain) for lag, chain in enumerate(spatial.conditional)]
        test = spatial.homogeneity
        out["homogeneity"].append(
            {
                "variable": variable,
                "test": "spatial",
                "weights": w.name,
                "periods": "",
                "transitions": spatial.pooled.n_transitions,
                "no_lag": spatial.no_lag,
                "skipped": spatial.pooled.skipped,
                "q": test.q,
                "lr": test.lr,
                "dof": test.dof,
                "p_q": test.p_q,
                "p_lr": test.p_lr,
            }
        )
        if settings.lisa:
            lisa = markov.lisa_markov(y, w)
            p = lisa.chain.probabilities
            rows = lisa.chain.counts.sum(axis=1)
            out["lisa_transitions"] += [
                {
                    "variable": variable,
                    "weights": w.name,
                    "from_quadrant": start,
                    "to_quadrant": end,
                    "count": int(lisa.chain.counts[i, j]),
                    "probability": p[i, j] if rows[i] else np.nan,
                }
                for i, start in enumerate(markov.QUADRANT_ORDER)
                for j, end in enumerate(markov.QUADRANT_ORDER)
            ]
            shares = lisa.shares
            out["lisa_moves"] += [
                {"variable": variable, "weights": w.name, "type": t, "count": n, "share": shares[t]}
                for t, n in lisa.moves.items()
            ]
    if len(years) >= 3 or settings.periods:  # two years make one transition: no periods to compare
        out["homogeneity"].append(_time_homogeneity(variable, classes, years, settings.periods, chains[0][3]))
    transitions, steady, passage = [], [], []
    for chain_name, w_name, lag, chain in chains:
        key = {"variable": variable, "chain": chain_name, "weights": w_name, "lag_class": lag}
        starts = chain.counts.sum(axis=1)
        for i in range(k):
            steady.append(
                {**key, "class": i + 1, "n_start": int(starts[i]), "steady_state": chain.steady_state[i]}
            )
            for j in range(k):
                transitions.append(
                    {
                        **key,
                        "from_class": i + 1,
                        "to_class": j + 1,
                        "count": int(chain.counts[i, j]),
                        "probability": chain.probabilities[i, j] if starts[i] else np.nan,
                    }
                )
                passage.append(
                    {**key, "from_class": i + 1, "to_class": j + 1, "years": chain.first_passage[i, j]}
                )
    return {
        "classes": _class_table(variable, y, years, classes),
        "transitions": pd.DataFrame(transitions),
        "steady_state": pd.DataFrame(steady),
        "first_passage": pd.DataFrame(passage),
        **{name: pd.DataFrame(rows, columns=COLUMNS[name]) for name, rows in out.items()},
    }


def _time_homogeneity(variable, classes, years, periods, chain) -> dict:
    """The row of the time homogeneity test of a variable's traditional chain: its periods cut at the years of
    ``periods`` (default the two halves), each spanning the years its transitions join."""
    years = [int(y) for y in years]
    if periods:
        outside = [y for y in periods if y not in years[1:-1]]
        if outside:
            raise InputError(
                f"dynamics.periods lists {listed(str(y) for y in outside)}, which cannot open a period of the "
                f"transitions of {years[0]}-{years[-1]}",
                key="dynamics.periods",
                fix=f"list years from {years[1]} to {years[-2]} (a year opens the period of the transitions "
                "that start in it)",
            )
        breaks = [years.index(y) for y in periods]
    else:
        breaks = None
    try:
        result = markov.time_homogeneity(classes=classes, breaks=breaks)
    except ValueError as err:
        raise InputError(
            f"dynamics: the time homogeneity test of {variable}: {err}",
            key="dynamics.periods",
            fix="give the study at least 3 years, or other dynamics.periods",
        ) from None
    test = result.test
    return {
        "variable": variable,
        "test": "time",
        "weights": "",
        "periods": "; ".join(f"{years[a]}-{years[b]}" for a, b in result.periods),
        "transitions": int(result.counts.sum()),
        "no_lag": 0,
        "skipped": chain.skipped,
        "q": test.q,
        "lr": test.lr,
        "dof": test.dof,
        "p_q": test.p_q,
        "p_lr": test.p_lr,
    }


def _class_table(variable, y, years, classes: markov.Classes) -> pd.DataFrame:
    rows = []
    for t, year in enumerate(years):
        edges = classes.edges[t]
        for c in range(classes.k):
            rows.append(
                {
                    "variable": variable,
                    "scheme": classes.scheme,
                    "year": int(year),
                    "class": c + 1,
                    "lower": edges[c - 1] if c > 0 else np.nan,
                    "upper": edges[c] if c < classes.k - 1 else np.nan,
                    "n_units": int((classes.ids[:, t] == c).sum()),
                }
            )
    return pd.DataFrame(rows)
