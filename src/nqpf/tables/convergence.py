"""Spatial beta convergence tables (``disparity/spatial_convergence.csv``, :mod:`nqpf.models.convergence`): the
absolute and conditional beta of a variable as OLS beside SAR, SEM and SDM, as the field's papers print them
(beta with stars and its standard error, rho or lambda, theta, the direct and indirect effects of the initial
level, the speed of convergence and the half-life, fit), and the club convergence of the groups."""

from __future__ import annotations

import numpy as np
import pandas as pd

from nqpf.tables import cells
from nqpf.tables.labels import Labels
from nqpf.tables.model import Block, Cell, Row, Table

KINDS = ("absolute", "conditional")


def _present(table: pd.DataFrame, column: str) -> list[str]:
    return list(dict.fromkeys(table[column]))


def _estimate_rows(label: Cell, found, column: str, p: str | None, labels: Labels, se: str | None = None):
    """A row of ``column`` of each found estimate (blank where there is none), with stars from ``p``, and the
    row of standard errors ``se`` under it."""
    values = [r[column] if r is not None else np.nan for r in found]
    places = labels.style.decimals_of([v for v in values if np.isfinite(v)])
    first = Row(
        label,
        tuple(
            cells.estimate(r[column], r[p] if p else np.nan, places, labels.style.stars)
            if r is not None and np.isfinite(r[column])
            else Cell("")
            for r in found
        ),
    )
    if se is None:
        return [first]
    shown = "z" if labels.style.parentheses == "t" else se  # what the parentheses hold (tables.parentheses)
    under = Row(
        Cell(""),
        tuple(cells.standard_error(r[shown], places) if r is not None else Cell("") for r in found),
        "se",
    )
    return [first, under]


def _number_row(label: Cell, found, column: str, format_):
    return Row(label, tuple(Cell(format_(r[column])) if r is not None else Cell("") for r in found))


def _rows(found, labels: Labels, level: str) -> list[Row]:
    rows = _estimate_rows(
        Cell(labels.term("beta_ln", variable=level)), found, "coefficient", "p", labels, "std_error"
    )
    for name in ("rho", "lambda"):
        hits = [r if r is not None and r["spatial_name"] == name else None for r in found]
        if any(h is not None for h in hits):
            rows += _estimate_rows(labels.symbol(name), hits, "spatial", "spatial_p", labels)
    if any(r is not None and np.isfinite(r["theta"]) for r in found):
        rows += _estimate_rows(
            Cell(labels.term("theta_ln", variable=level)), found, "theta", "theta_p", labels
        )
    for effect in ("direct", "indirect"):
        if any(r is not None and np.isfinite(r[effect]) for r in found):
            rows += _estimate_rows(
                Cell(labels.term(f"{effect}_effect")), found, effect, f"{effect}_p", labels
            )
    rows += [
        _number_row(Cell(labels.term("speed_percent")), found, "speed_percent", lambda v: cells.number(v, 2)),
        _number_row(Cell(labels.term("half_life")), found, "half_life_years", lambda v: cells.number(v, 1)),
        _number_row(labels.symbol("r2"), found, "r2", lambda v: cells.number(v, 3)),
        _number_row(Cell(labels.term("loglik")), found, "loglik", lambda v: cells.number(v, 2)),
        _number_row(Cell(labels.term("n_units")), found, "n_units", cells.integer),
    ]
    return rows


def beta_convergence(variable: str, table: pd.DataFrame, weights: str, labels: Labels, notes=()) -> Table:
    """The absolute and conditional beta convergence of ``variable`` for all units (region ``National``): a column
    per model under each kind, the rows of :func:`_rows`."""
    data = table[(table["variable"] == variable) & (table["region"] == "National")]
    kinds = [k for k in KINDS if k in set(data["type"])]
    models = _present(data, "model")
    index = data.set_index(["type", "model"])
    found = [index.loc[(k, m)] if (k, m) in index.index else None for k in kinds for m in models]
    level = labels.name(variable)
    columns = (Cell(labels.term("variable")), *(Cell(m.upper()) for _ in kinds for m in models))
    groups = tuple((Cell(labels.term(f"beta_{k}")), len(models)) for k in kinds)
    periods = {k: int(data[data["type"] == k]["period"].iloc[0]) for k in kinds}
    return Table(
        f"beta_convergence_{variable}",
        Cell(labels.term("beta_convergence", variable=level)),
        columns,
        (Block(tuple(_rows(found, labels, level))),),
        (
            *notes,
            labels.term(
                "beta_convergence_note",
                weights=labels.name(weights),
                span=periods.get("absolute", ""),
                period=periods.get("conditional", ""),
            ),
            labels.se_note(),
        ),
        groups,
    )


def club_convergence(variable: str, table: pd.DataFrame, weights: str, labels: Labels, notes=()) -> Table:
    """Club convergence of ``variable``: a column per group of units (and all units first), one block per kind,
    each with the beta of every model (stars, standard error) and the speed and half-life of the last model
    (the richest of those estimated: SDM when it is)."""
    data = table[table["variable"] == variable]
    regions = _present(data, "region")
    models = _present(data, "model")
    kinds = [k for k in KINDS if k in set(data["type"])]
    index = data.set_index(["type", "model", "region"])
    level = labels.name(variable)
    blocks = []
    for kind in kinds:
        rows = []
        for model in models:
            found = [
                index.loc[(kind, model, r)] if (kind, model, r) in index.index else None for r in regions
            ]
            rows += _estimate_rows(
                Cell(labels.term("beta_model", model=model.upper())),
                found,
                "coefficient",
                "p",
                labels,
                "std_error",
            )
        last = [
            index.loc[(kind, models[-1], r)] if (kind, models[-1], r) in index.index else None
            for r in regions
        ]
        rows += [
            _number_row(
                Cell(labels.term("speed_model", model=models[-1].upper())),
                last,
                "speed_percent",
                lambda v: cells.number(v, 2),
            ),
            _number_row(
                Cell(labels.term("half_life_model", model=models[-1].upper())),
                last,
                "half_life_years",
                lambda v: cells.number(v, 1),
            ),
            _number_row(Cell(labels.term("n_units")), last, "n_units", cells.integer),
        ]
        blocks.append(Block(tuple(rows), title=Cell(labels.term(f"beta_{kind}"))))
    columns = (
        Cell(labels.term("variable")),
        *(Cell(labels.term("national") if r == "National" else labels.name(str(r))) for r in regions),
    )
    return Table(
        f"club_convergence_{variable}",
        Cell(labels.term("club_convergence", variable=level)),
        columns,
        tuple(blocks),
        (*notes, labels.term("club_convergence_note", weights=labels.name(weights)), labels.se_note()),
    )
