"""Tables of the mechanism tests (``mechanisms/``, :mod:`nqpf.models.mechanisms`) as effect papers print them:
the stepwise mediation equations with the Sobel and bootstrap test of the mediated effect (中介效应检验), the
mediation decomposed in spatial lag models, the moderation with the centred product (调节效应) beside the spatial
model's effects, and the quadratic term with its turning points (倒U型检验)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from nqpf.tables import cells
from nqpf.tables.labels import Labels
from nqpf.tables.model import Block, Cell, Row, Table
from nqpf.tables.regression import EFFECTS as KINDS
from nqpf.tables.regression import estimate_rows, observations_notes

SPATIAL = ("rho",)
MEDIATION_PATHS = (
    ("X -> M", "path_x_m"),
    ("X -> Y (direct path)", "path_x_y"),
    ("M -> Y", "path_m_y"),
    ("X -> M -> Y (mediated)", "path_mediated"),
    ("X -> Y (total path)", "path_total"),
)


def term_label(term: str, labels: Labels, fit: pd.Series | None = None) -> Cell:
    """A regressor as the reader sees it: the centred product X × M, the square X², a spatial lag W × ...,
    the constant, or the variable's name."""
    if term.startswith("W."):
        inner = term_label(term[2:], labels, fit)
        return Cell(f"W × {inner.text}", latex=f"$W \\times$ {inner.latex or inner.text}")
    if term == "const":
        return Cell(labels.term("constant"))
    if fit is not None and "term" in fit and term == fit["term"]:
        return Cell(f"{labels.name(fit['treatment'])} × {labels.name(fit['moderator'])}")
    if fit is not None and "square" in fit and term == fit["square"]:
        return Cell(f"{labels.name(fit['variable'])}²")
    return Cell(labels.name(term))


def _rows(terms: list[str], columns: list[pd.DataFrame | None], labels: Labels, fit=None) -> list[Row]:
    rows: list[Row] = []
    for term in terms:
        found = [
            None if c is None or term not in set(c["term"]) else c.set_index("term").loc[term]
            for c in columns
        ]
        label = labels.symbol("rho") if term == "rho" else term_label(term, labels, fit)
        rows += estimate_rows(label, found, labels.style)
    return rows


def _yes(kind: str, fixed_effects: list[str | None], labels: Labels) -> tuple[Cell, ...]:
    wanted = ("unit", "two-way") if kind == "unit" else ("time", "two-way")
    return tuple(
        Cell("") if e is None else Cell(labels.term("yes" if e in wanted else "no")) for e in fixed_effects
    )


def _footer(facts: list[pd.Series | None], labels: Labels) -> list[Row]:
    """Fixed effects, observations and the fit of each column (within R^2 for a fixed-effects regression,
    R^2 and the log-likelihood for a lag model)."""
    effects = [None if f is None else f["fixed_effects"] for f in facts]

    def column(key, fmt):
        return tuple(
            Cell(fmt(f[key]) if f is not None and key in f and pd.notna(f[key]) else "") for f in facts
        )

    rows = [
        Row(Cell(labels.term("unit_effects_row")), _yes("unit", effects, labels)),
        Row(Cell(labels.term("time_effects_row")), _yes("time", effects, labels)),
        Row(Cell(labels.term("n_obs")), column("n_obs", cells.integer)),
        Row(Cell(labels.term("r2_within")), column("r2_within", lambda v: cells.number(v, 3))),
    ]
    if any(f is not None and "loglik" in f and pd.notna(f["loglik"]) for f in facts):
        rows += [
            Row(labels.symbol("r2"), column("r2", lambda v: cells.number(v, 3))),
            Row(Cell(labels.term("loglik")), column("loglik", lambda v: cells.number(v, 2))),
        ]
    return rows


def _ordered_terms(estimates: pd.DataFrame, first: list[str]) -> tuple[list[str], list[str]]:
    """The regressors (``first`` ahead, then the controls, then the constant) and their spatial lags."""
    terms = list(dict.fromkeys(estimates["term"]))
    plain = [t for t in terms if not t.startswith("W.") and t not in SPATIAL]
    plain = [t for t in first if t in plain] + [t for t in plain if t not in first and t != "const"]
    plain += ["const"] if "const" in terms else []
    lagged = [f"W.{t}" for t in plain if f"W.{t}" in terms]
    return plain, lagged


def _interval(low: float, high: float, places: int = 3) -> Cell:
    if not (np.isfinite(low) and np.isfinite(high)):
        return Cell("")
    return Cell(f"[{cells.number(low, places)}, {cells.number(high, places)}]")


def _places(values) -> int:
    return cells.decimals_to_show([v for v in values if np.isfinite(v)])


# -- mediation --------------------------------------------------------------------------------------------------


def mediation(
    mediator: str,
    estimates: pd.DataFrame,
    fit: pd.DataFrame,
    indirect: pd.DataFrame,
    labels: Labels,
    notes=(),
) -> Table:
    """The stepwise mediation equations (1) Y = c X, (2) M = a X, (3) Y = c' X + b M, each with the controls
    and fixed effects, then the test of the mediated effect a b: Sobel z and the bootstrap interval."""
    facts = fit.set_index("spec")
    specs = ["total", "a", "direct"]
    columns = [estimates[estimates["spec"] == s] for s in specs]
    treatment = str(facts.loc["a", "treatment"])
    dependent = str(facts.loc["total", "dependent"])
    plain, _ = _ordered_terms(pd.concat(columns), [treatment, mediator])
    rows = _rows(plain, columns, labels)
    footer = _footer([facts.loc[s] for s in specs], labels)
    test = indirect.iloc[0]
    places = _places([test["indirect"], test["boot_ci_low"], test["boot_ci_high"]])
    share = test["share_mediated"]
    tested = Row(
        Cell(labels.term("mediated_effect")),
        (
            cells.estimate(test["indirect"], test["sobel_p"], places, labels.style.stars),
            Cell(f"{cells.number(test['sobel_z'], 3)} ({cells.number(test['sobel_p'], 3)})"),
            _interval(test["boot_ci_low"], test["boot_ci_high"], places),
        ),
    )
    shares = Row(
        Cell(labels.term("share_mediated")),
        (Cell(cells.number(100 * share, 2) if np.isfinite(share) else ""), Cell(""), Cell("")),
    )
    header = (
        Cell(labels.term("mediation_test")),
        Cell("a × b"),
        Cell(labels.term("sobel_z")),
        Cell(labels.term("bootstrap_interval", draws=cells.integer(test["bootstrap"]))),
    )
    return Table(
        f"mediation_{mediator}",
        Cell(labels.term("mediation_title", mediator=labels.name(mediator))),
        (
            Cell(labels.term("variable")),
            Cell(f"(1) {labels.name(dependent)}"),
            Cell(f"(2) {labels.name(mediator)}"),
            Cell(f"(3) {labels.name(dependent)}"),
        ),
        (Block(tuple(rows)), Block(tuple(footer)), Block((tested, shares), header=header)),
        (
            *notes,
            labels.term("mediation_note"),
            labels.term(f"baseline_cov_{facts.loc['a', 'cov']}"),
            labels.se_note(),
        ),
    )


def spatial_mediation(
    mediator: str, effects: pd.DataFrame, fit: pd.DataFrame, labels: Labels, notes=()
) -> Table:
    """The mediation in spatial lag models: the direct, indirect and total effects of each path (X on M, X and
    M on Y, the mediated path and X's total path) with stars and the draws' standard deviations."""
    facts = fit.set_index("spec")
    treatment, dependent = str(facts.loc["spatial_m", "treatment"]), str(facts.loc["spatial_y", "dependent"])
    names = {"x": labels.name(treatment), "m": labels.name(mediator), "y": labels.name(dependent)}
    rows: list[Row] = []
    for path, key in MEDIATION_PATHS:
        part = effects[effects["path"] == path].set_index("effect")
        if part.empty:
            continue
        rows += estimate_rows(Cell(labels.term(key, **names)), [part.loc[k] for k in KINDS], labels.style)
    rhos = [
        Row(
            Cell(f"ρ ({labels.term('equation_of', variable=names[role])})"),
            (Cell(cells.number(facts.loc[spec, "rho"], 3)), Cell(""), Cell("")),
        )
        for role, spec in (("m", "spatial_m"), ("y", "spatial_y"))
    ]
    model = str(facts.loc["spatial_y", "model"]).upper()
    return Table(
        f"spatial_mediation_{mediator}",
        Cell(labels.term("spatial_mediation_title", mediator=names["m"], model=model)),
        (
            Cell(labels.term("path")),
            Cell(labels.term("direct_effect")),
            Cell(labels.term("indirect_effect")),
            Cell(labels.term("total_effect")),
        ),
        (Block(tuple(rows)), Block(tuple(rhos))),
        (*notes, labels.term("spatial_mediation_note", model=model), labels.se_note()),
    )


# -- moderation and quadratic terms -------------------------------------------------------------------------------


def _spatial_spec(fit: pd.DataFrame) -> str | None:
    specs = [s for s in fit["spec"] if s != "fe"]
    return specs[0] if specs else None


def moderation(
    moderator: str,
    estimates: pd.DataFrame,
    fit: pd.DataFrame,
    effects: pd.DataFrame,
    labels: Labels,
    notes=(),
) -> Table:
    """The moderation model: (1) the fixed-effects regression and (2) the spatial lag model with the centred
    product of the treatment and the moderator, then (3)-(5) the lag model's direct, indirect and total effects
    of each regressor; the W lags and rho under the coefficients."""
    facts = fit.set_index("spec")
    spatial = _spatial_spec(fit)
    first = facts.iloc[0]
    columns: list[pd.DataFrame | None] = [estimates[estimates["spec"] == "fe"]]
    header = [Cell(labels.term("variable")), Cell(f"(1) {labels.term('fe_model')}")]
    if spatial is not None:
        columns.append(estimates[estimates["spec"] == spatial])
        header.append(Cell(f"(2) {spatial.upper()}"))
        header += [Cell(f"({k}) {labels.term(f'{kind}_effect')}") for k, kind in enumerate(KINDS, start=3)]
    plain, lagged = _ordered_terms(estimates, [str(first["treatment"]), moderator, str(first["term"])])
    rows: list[Row] = []
    part = effects[effects["spec"] == spatial] if spatial is not None else effects.iloc[0:0]
    for term in plain:
        found = [None if term not in set(c["term"]) else c.set_index("term").loc[term] for c in columns]
        if spatial is not None:
            mine = part[part["variable"] == term].set_index("effect")
            found += [None if mine.empty or k not in mine.index else mine.loc[k] for k in KINDS]
        rows += estimate_rows(term_label(term, labels, first), found, labels.style)
    width = len(header) - 1
    extra: list[Row] = []
    if spatial is not None:
        for row in _rows([*lagged, "rho"], [None, columns[1]], labels, first):
            extra.append(Row(row.label, row.cells + (Cell(""),) * (width - 2), row.kind))
    facts_rows = _footer(
        [facts.loc["fe"], facts.loc[spatial] if spatial is not None else None][: min(2, width)], labels
    )
    facts_rows = [Row(r.label, r.cells + (Cell(""),) * (width - len(r.cells)), r.kind) for r in facts_rows]
    blocks = [Block(tuple(rows))] + ([Block(tuple(extra))] if extra else []) + [Block(tuple(facts_rows))]
    return Table(
        f"moderation_{moderator}",
        Cell(labels.term("moderation_title", moderator=labels.name(moderator))),
        tuple(header),
        tuple(blocks),
        (
            *notes,
            labels.term(
                "moderation_note",
                treatment=labels.name(str(first["treatment"])),
                moderator=labels.name(moderator),
                x_mean=cells.number(first["treatment_mean"], _places([first["treatment_mean"]])),
                m_mean=cells.number(first["moderator_mean"], _places([first["moderator_mean"]])),
            ),
            labels.term(f"baseline_cov_{facts.loc['fe', 'cov']}"),
            *observations_notes([facts.loc[s] for s in facts.index], labels),
            labels.se_note(),
        ),
    )


def quadratic(
    variable: str,
    estimates: pd.DataFrame,
    fit: pd.DataFrame,
    turning: pd.DataFrame,
    slopes: pd.DataFrame,
    labels: Labels,
    notes=(),
) -> Table:
    """The quadratic model, (1) fixed effects and (2) the spatial lag model, then its turning points with their
    intervals (a ‡ marks one outside the data) and Lind and Mehlum's slopes at the smallest and largest value."""
    facts = fit.set_index("spec")
    spatial = _spatial_spec(fit)
    specs = ["fe"] + ([spatial] if spatial is not None else [])
    columns = [estimates[estimates["spec"] == s] for s in specs]
    first = facts.iloc[0]
    plain, lagged = _ordered_terms(estimates, [variable, str(first["square"])])
    rows = _rows([*plain, *lagged, *(["rho"] if spatial is not None else [])], columns, labels, first)
    footer = _footer([facts.loc[s] for s in specs], labels)
    turn_rows: list[Row] = []
    outside = False
    places = _places(turning[["turning_point", "ci_low", "ci_high"]].to_numpy().ravel())
    for r in turning.itertuples():
        mark = "" if bool(r.inside_data) else " ‡"
        outside = outside or bool(mark)
        label = labels.term(
            "turning_point_of", model=labels.term("fe_model") if r.spec == "fe" else r.spec.upper(),
            effect=labels.term(f"turning_{r.effect}"),
        )  # fmt: skip
        values = (Cell(cells.number(r.turning_point, places) + mark), _interval(r.ci_low, r.ci_high, places))
        turn_rows.append(Row(Cell(label), values[: len(specs)] + (Cell(""),) * (len(specs) - 2)))
    for r in slopes.itertuples():
        label = labels.term(f"slope_at_{r.at}", value=cells.number(r.value, _places([r.value])))
        cell = cells.estimate(r.slope, r.p, _places([r.slope]), labels.style.stars)
        under = Cell(f"({cells.number(r.std_error, _places([r.std_error]))})")
        turn_rows += [
            Row(Cell(label), (cell, *(Cell(""),) * (len(specs) - 1))),
            Row(cells.EMPTY, (under, *(Cell(""),) * (len(specs) - 1)), kind="se"),
        ]
    turn_header = (
        Cell(labels.term("turning_point")),
        Cell(labels.term("estimate")),
        Cell(labels.term("ci95")),
    )[: len(specs) + 1]
    blocks = [Block(tuple(rows)), Block(tuple(footer)), Block(tuple(turn_rows), header=turn_header)]
    return Table(
        f"quadratic_{variable}",
        Cell(labels.term("quadratic_title", variable=labels.name(variable))),
        (
            Cell(labels.term("variable")),
            *(
                Cell(f"({k}) {labels.term('fe_model') if s == 'fe' else s.upper()}")
                for k, s in enumerate(specs, 1)
            ),
        ),
        tuple(blocks),
        (
            *notes,
            labels.term("quadratic_note"),
            *([labels.term("turning_outside")] if outside else []),
            labels.term(f"baseline_cov_{facts.loc['fe', 'cov']}"),
            *observations_notes([facts.loc[s] for s in specs], labels),
            labels.se_note(),
        ),
    )
