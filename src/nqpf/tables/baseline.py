"""Tables of an effect paper's first steps and of its threshold extension: the baseline fixed-effects regression
(``baseline/``, :mod:`nqpf.models.baseline`), the correlation table and the variance inflation factors of
its variables, and Hansen's panel threshold model (``threshold/``, :mod:`nqpf.models.threshold`): the
tests of the number of thresholds, the thresholds with their intervals, and the slopes by regime."""

from __future__ import annotations

import numpy as np
import pandas as pd

from nqpf.tables import cells
from nqpf.tables.labels import Labels
from nqpf.tables.model import Block, Cell, Row, Table
from nqpf.tables.regression import EFFECTS as KINDS
from nqpf.tables.regression import estimate_rows


def _coefficient_rows(term: str, label: Cell, columns: list[pd.DataFrame], labels: Labels) -> list[Row]:
    """The estimate of ``term`` in each column (stars) and its standard error (or t) under it, as the model
    tables print them."""
    found = [c.set_index("term").loc[term] if term in set(c["term"]) else None for c in columns]
    return estimate_rows(label, found, labels.style)


def _cov_note(cov: str, labels: Labels) -> str:
    return labels.term(f"baseline_cov_{cov}")


def baseline_regression(estimates: pd.DataFrame, fit: pd.DataFrame, labels: Labels, notes=()) -> Table:
    """The baseline two-way fixed-effects regression: a column per specification (the regressor of interest
    alone, then with the controls), rows of estimates with standard errors, then the fixed effects, the
    observations and the within R^2."""
    specs = list(dict.fromkeys(estimates["spec"]))
    columns = [estimates[estimates["spec"] == s] for s in specs]
    facts = fit.set_index("spec")
    terms = list(dict.fromkeys(estimates["term"]))
    rows: list[Row] = []
    for term in terms:
        label = Cell(labels.term("constant")) if term == "const" else Cell(labels.name(term))
        rows += _coefficient_rows(term, label, columns, labels)
    effects = [facts.loc[s, "fixed_effects"] for s in specs]
    footer = [
        Row(
            Cell(labels.term("unit_effects_row")),
            tuple(Cell(labels.term("yes" if e in ("unit", "two-way") else "no")) for e in effects),
        ),
        Row(
            Cell(labels.term("time_effects_row")),
            tuple(Cell(labels.term("yes" if e in ("time", "two-way") else "no")) for e in effects),
        ),
        Row(Cell(labels.term("n_obs")), tuple(Cell(cells.integer(facts.loc[s, "n_obs"])) for s in specs)),
        Row(
            Cell(labels.term("r2_within")),
            tuple(Cell(cells.number(facts.loc[s, "r2_within"], 3)) for s in specs),
        ),
    ]
    dependent = str(facts["dependent"].iloc[0])
    cov = str(facts["cov"].iloc[0])
    return Table(
        "baseline_regression",
        Cell(labels.term("baseline_title", dependent=labels.name(dependent))),
        (Cell(labels.term("variable")), *(Cell(f"({k + 1})") for k in range(len(specs)))),
        (Block(tuple(rows)), Block(tuple(footer))),
        (*notes, _cov_note(cov, labels), labels.se_note()),
    )


def correlation(table: pd.DataFrame, labels: Labels, notes=()) -> Table:
    """The lower triangle of the Pearson correlations (with stars from their p-values), variables numbered as
    papers print them, the diagonal 1."""
    variables = list(dict.fromkeys(table["a"]))
    values = table.set_index(["a", "b"])
    rows = []
    for i, a in enumerate(variables):
        row = []
        for j, b in enumerate(variables):
            if j > i:
                row.append(Cell(""))
            elif j == i:
                row.append(Cell("1"))
            else:
                r, p = values.loc[(a, b), "r"], values.loc[(a, b), "p"]
                row.append(cells.estimate(r, p, 3, labels.style.stars))
        rows.append(Row(Cell(f"({i + 1}) {labels.name(a)}"), tuple(row)))
    n = int(table["n"].iloc[0])
    return Table(
        "correlation",
        Cell(labels.term("correlation_title")),
        (Cell(labels.term("variable")), *(Cell(f"({k + 1})") for k in range(len(variables)))),
        (Block(tuple(rows)),),
        (*notes, labels.term("correlation_note", n=n), labels.stars_note()),
    )


def vif(table: pd.DataFrame, labels: Labels, notes=()) -> Table:
    """Variance inflation factors and tolerances of the explanatory variables, with their mean."""
    rows = []
    for r in table.itertuples():
        label = Cell(labels.term("mean_vif")) if r.variable == "mean" else Cell(labels.name(r.variable))
        rows.append(Row(label, (Cell(cells.number(r.vif, 3)), Cell(cells.number(r.tolerance, 3)))))
    return Table(
        "vif",
        Cell(labels.term("vif_title")),
        (Cell(labels.term("variable")), Cell("VIF"), Cell("1/VIF")),
        (Block(tuple(rows[:-1])), Block(tuple(rows[-1:]))),
        (*notes, labels.term("vif_note")),
    )


def threshold_tests(
    tests: pd.DataFrame, thresholds: pd.DataFrame, variable: str, labels: Labels, notes=()
) -> Table:
    """Hansen's tests of the number of thresholds (F, bootstrap p, critical values, draws) and the estimated
    thresholds with their LR intervals, as papers print them (门槛效应检验; 门槛估计值和置信区间)."""
    test_rows = []
    for r in tests.itertuples():
        test_rows.append(
            Row(
                Cell(labels.term(f"threshold_{r.test}")),
                (
                    cells.estimate(r.f, r.p, 3, labels.style.stars),
                    Cell(cells.number(r.p, 3)),
                    Cell(cells.integer(r.draws)),
                    Cell(cells.number(r.crit10, 3)),
                    Cell(cells.number(r.crit5, 3)),
                    Cell(cells.number(r.crit1, 3)),
                ),
            )
        )
    places = threshold_places(thresholds[["estimate", "ci_low", "ci_high"]].to_numpy().ravel())
    estimate_rows = [
        Row(
            Cell(labels.term(f"threshold_name_{r.threshold.replace(' (refined)', '_refined')}")),
            (
                Cell(cells.number(r.estimate, places)),
                Cell(f"[{cells.number(r.ci_low, places)}, {cells.number(r.ci_high, places)}]"),
                Cell(labels.term(f"threshold_{r.model}")),
                Cell(""),
                Cell(""),
                Cell(""),
            ),
        )
        for r in thresholds.itertuples()
    ]
    header = (
        Cell(labels.term("threshold")),
        Cell(labels.term("estimate")),
        Cell(labels.term("ci95")),
        Cell(labels.term("threshold_model")),
        Cell(""),
        Cell(""),
        Cell(""),
    )
    return Table(
        "threshold_tests",
        Cell(labels.term("threshold_tests_title", variable=labels.name(variable))),
        (
            Cell(labels.term("threshold_model")),
            Cell(labels.term("f_statistic")),
            Cell("p"),
            Cell(labels.term("bootstrap_draws")),
            Cell(labels.term("critical_10")),
            Cell(labels.term("critical_5")),
            Cell(labels.term("critical_1")),
        ),
        (Block(tuple(test_rows)), Block(tuple(estimate_rows), header=header)),
        (*notes, labels.term("threshold_tests_note"), labels.stars_note()),
    )


def threshold_regression(
    estimates: pd.DataFrame, regimes: pd.DataFrame, facts: dict, labels: Labels, notes=()
) -> Table:
    """The slopes of the final threshold model: each regime-dependent variable in each regime (labelled by its
    interval of the threshold variable), the controls, the fixed effects, observations and within R^2."""
    threshold = labels.name(facts["threshold_variable"])
    rows: list[Row] = []
    frame = estimates.copy()
    for term in frame["term"]:
        base, _, regime = term.rpartition("_regime")
        if base and regime.isdigit():
            bounds = regimes[regimes["regime"] == int(regime)].iloc[0]
            label = Cell(f"{labels.name(base)} ({_interval(bounds, threshold)})")
        else:
            label = Cell(labels.name(term))
        rows += _coefficient_rows(term, label, [frame], labels)
    footer = [
        Row(Cell(labels.term("unit_effects_row")), (Cell(labels.term("yes")),)),
        Row(
            Cell(labels.term("time_effects_row")),
            (Cell(labels.term("yes" if facts["fixed_effects"] == "two-way" else "no")),),
        ),
        Row(Cell(labels.term("n_obs")), (Cell(cells.integer(facts["n_obs"])),)),
        Row(Cell(labels.term("r2_within")), (Cell(cells.number(facts["r2_within"], 3)),)),
    ]
    return Table(
        "threshold_regression",
        Cell(labels.term("threshold_regression_title", variable=threshold)),
        (Cell(labels.term("variable")), Cell(labels.name(facts["dependent"]))),
        (Block(tuple(rows)), Block(tuple(footer))),
        (*notes, _cov_note(facts["cov"], labels), labels.se_note()),
    )


def threshold_places(values) -> int:
    """Decimals that show the smallest threshold value with four significant digits (0 to 6): 0.01570,
    0.5362, 28611."""
    finite = [abs(float(v)) for v in values if np.isfinite(v) and v != 0]
    if not finite:
        return 4
    return int(min(6, max(0, 3 - np.floor(np.log10(min(finite))))))


def _interval(bounds, name: str) -> str:
    low, high = bounds["lower"], bounds["upper"]
    places = threshold_places([v for v in (low, high) if np.isfinite(v)])
    if not np.isfinite(low):
        return f"{name} ≤ {cells.number(high, places)}"
    if not np.isfinite(high):
        return f"{name} > {cells.number(low, places)}"
    return f"{cells.number(low, places)} < {name} ≤ {cells.number(high, places)}"


def spillover_boundary(
    table: pd.DataFrame, variable: str, mode: str, power: float, labels: Labels, notes=()
) -> Table:
    """The direct, indirect and total effects of ``variable`` at each distance of the sweep, with stars and
    standard errors, and rho (``boundary/effects.csv``); a distance not estimated says so."""
    data = table[table["variable"] == variable]
    distances = list(dict.fromkeys(data["distance_km"]))
    rows: list[Row] = []
    flagged = False
    for d in distances:
        part = data[data["distance_km"] == d].set_index("effect")
        upper = part["upper_km"].iloc[0]
        low = cells.number(d, 0)
        label = (
            labels.term("distance_band", low=low, high=cells.number(upper, 0))
            if np.isfinite(upper)
            else labels.term("distance_beyond", low=low)
        )
        if part["estimate"].isna().all():
            rows.append(Row(Cell(label), (Cell(labels.term("not_estimated")), Cell(""), Cell(""), Cell(""))))
            continue
        if bool(part["at_bound"].iloc[0]):
            label += " †"
            flagged = True
        estimate, under = estimate_rows(Cell(label), [part.loc[e] for e in KINDS], labels.style)
        rho = cells.estimate(part["rho"].iloc[0], part["rho_p"].iloc[0], 3, labels.style.stars)
        rows += [
            Row(estimate.label, (*estimate.cells, rho)),
            Row(under.label, (*under.cells, Cell("")), "se"),
        ]
    return Table(
        f"spillover_boundary_{variable}",
        Cell(labels.term("boundary_table_title", variable=labels.name(variable))),
        (
            Cell(labels.term("distance_km_axis")),
            Cell(labels.term("direct_effect")),
            Cell(labels.term("indirect_effect")),
            Cell(labels.term("total_effect")),
            labels.symbol("rho"),
        ),
        (Block(tuple(rows)),),
        (
            *notes,
            labels.term(f"boundary_note_{mode}", power=f"{power:g}"),
            *([labels.term("boundary_at_bound")] if flagged else []),
            labels.se_note(),
        ),
    )
