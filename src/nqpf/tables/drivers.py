"""Geographical detector tables as papers print them: q of every factor by period with its significance stars,
and the interaction matrix of the last period with each pair's type."""

from __future__ import annotations

import pandas as pd

from nqpf.tables import cells
from nqpf.tables.labels import Labels
from nqpf.tables.model import Block, Cell, Row, Table

TYPE_MARKS = {
    "nonlinear_weaken": "NW",
    "univariate_weaken": "UW",
    "bivariate_enhance": "BE",
    "independent": "I",
    "nonlinear_enhance": "NE",
}


def factor_name(labels: Labels, name) -> str:
    """A factor as the reader sees it: its name in ``labels``, or the term of a unit grouping (the NBS region)."""
    name = str(name)
    shown = labels.name(name)
    return labels.term("region") if shown == name and name == "region" else shown


def _period(labels: Labels, period) -> str:
    return labels.term("pooled_years") if str(period) == "pooled" else str(period)


def factors(dependent: str, factor: pd.DataFrame, labels: Labels, notes=()) -> Table:
    """q of each factor (rows) in each period (columns) with the stars of its non-central F p-value (Wang, Zhang
    and Fu 2016), and the number of strata after discretisation beside it."""
    periods = list(dict.fromkeys(factor["period"].astype(str)))
    table = factor.assign(period=factor["period"].astype(str)).set_index(["factor", "period"])
    rows = []
    for name in dict.fromkeys(factor["factor"]):
        values = []
        for period in periods:
            if (name, period) in table.index:
                row = table.loc[(name, period)]
                values += [
                    cells.estimate(row["q"], row["p_value"], 4, labels.style.stars),
                    Cell(str(int(row["strata"]))),
                ]
            else:
                values += [Cell(""), Cell("")]
        rows.append(Row(Cell(labels.name(str(name))), tuple(values)))
    columns = (
        Cell(labels.term("factor")),
        *(c for _ in periods for c in (Cell("q"), Cell(labels.term("strata")))),
    )
    groups = tuple((Cell(_period(labels, p)), 2) for p in periods)
    return Table(
        "geodetector_factors",
        Cell(labels.term("geodetector", variable=labels.name(dependent))),
        columns,
        (Block(tuple(rows)),),
        (*notes, labels.term("geodetector_note"), labels.stars_note()),
        groups,
    )


def interactions(dependent: str, interaction: pd.DataFrame, labels: Labels, notes=()) -> Table:
    """The interaction detector of the last period: a lower-triangular matrix of q(X1 ∩ X2), each with its type
    (NE nonlinear enhance, BE bivariate enhance, I independent, UW univariate weaken, NW nonlinear weaken), and
    each factor's own q on the diagonal."""
    last = str(list(dict.fromkeys(interaction["period"].astype(str)))[-1])
    part = interaction[interaction["period"].astype(str) == last]
    names = list(dict.fromkeys([*part["factor_1"], *part["factor_2"]]))
    q_own = {}
    pair = {}
    for r in part.itertuples(index=False):
        q_own[r.factor_1], q_own[r.factor_2] = r.q_1, r.q_2
        pair[(r.factor_1, r.factor_2)] = pair[(r.factor_2, r.factor_1)] = r
    rows = []
    for i, a in enumerate(names):
        values = []
        for j, b in enumerate(names):
            if j > i:
                values.append(Cell(""))
            elif j == i:
                values.append(Cell(cells.number(q_own.get(a), 4)))
            else:
                r = pair[(a, b)]
                values.append(
                    Cell(f"{cells.number(r.q_12, 4)} ({TYPE_MARKS.get(r.interaction, r.interaction)})")
                )
        rows.append(Row(Cell(factor_name(labels, a)), tuple(values)))
    columns = (Cell(labels.term("factor")), *(Cell(factor_name(labels, n)) for n in names))
    return Table(
        "geodetector_interaction",
        Cell(
            labels.term(
                "geodetector_interaction", variable=labels.name(dependent), period=_period(labels, last)
            )
        ),
        columns,
        (Block(tuple(rows)),),
        (*notes, labels.term("interaction_note")),
    )
