"""Disparity table: the Dagum (1997) Gini coefficient by year with its within-region, between-region and
transvariation parts and their contributions."""

from __future__ import annotations

import pandas as pd

from nqpf.tables import cells
from nqpf.tables.labels import Labels
from nqpf.tables.model import Block, Cell, Row, Table
from nqpf.units import region_sets


def dagum_gini(
    variable: str,
    overall: pd.DataFrame,
    within: pd.DataFrame,
    between: pd.DataFrame,
    labels: Labels,
    notes=(),
) -> Table:
    """Year by year: G, each region's within Gini G_jj, each pair's between Gini G_jh, and the contributions (%)
    of the within, net between and transvariation parts (Dagum 1997, eqs. 1-14)."""
    overall = overall[overall["variable"] == variable].set_index("year").sort_index()
    within = within[within["variable"] == variable]
    between = between[between["variable"] == variable]
    present = set(within["region"])
    regions = region_sets.group_order(
        present
    )  # NBS regions or a region set's groups as its source lists them
    order = {r: i for i, r in enumerate(regions)}
    pairs = sorted(
        {
            tuple(sorted((a, b), key=order.get))
            for a, b in zip(between["region_a"], between["region_b"], strict=True)
        },
        key=lambda p: (order[p[0]], order[p[1]]),
    )
    g_within = within.pivot_table(index="year", columns="region", values="G_jj")
    pair_values = {}
    for row in between.itertuples():
        key = tuple(sorted((row.region_a, row.region_b), key=order.get))
        pair_values[(row.year, key)] = row.G_jh
    rows = []
    for year, g in overall.iterrows():
        values = [cells.number(g["G"])]
        values += [cells.number(g_within.loc[year, r]) if r in g_within.columns else "" for r in regions]
        values += [cells.number(pair_values.get((year, p))) for p in pairs]
        values += [cells.number(g[c], 2) for c in ("share_w_percent", "share_nb_percent", "share_t_percent")]
        rows.append(Row(Cell(str(year)), tuple(Cell(v) for v in values)))
    columns = (
        Cell(labels.term("year")),
        Cell("G"),
        *(Cell(labels.name(r)) for r in regions),
        *(Cell(f"{labels.name(a)}-{labels.name(b)}") for a, b in pairs),
        Cell(labels.term("within_short")),
        Cell(labels.term("between_short")),
        Cell(labels.term("transvariation")),
    )
    groups = (
        (Cell(labels.term("overall")), 1),
        (Cell(labels.term("within")), len(regions)),
        (Cell(labels.term("between")), len(pairs)),
        (Cell(labels.term("contribution")), 3),
    )
    title = labels.term("dagum", variable=labels.name(variable))
    return Table(
        f"dagum_gini_{variable}",
        Cell(title),
        columns,
        (Block(tuple(rows)),),
        (*notes, labels.term("dagum_note")),
        tuple((c, s) for c, s in groups if s),
    )
