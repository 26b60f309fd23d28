"""ESDA tables: global Moran's I by year for every weights matrix, and the hot-spot clusters matched to named
regions (Bohai Rim, Yangtze River Delta, Pearl River Delta)."""

from __future__ import annotations

import pandas as pd

from nqpf.tables import cells
from nqpf.tables.labels import Labels
from nqpf.tables.model import Block, Cell, Row, Table


def moran_by_year(variable: str, global_table: pd.DataFrame, weights, labels: Labels, notes=()) -> Table:
    """Moran's I, z and p under randomisation (Cliff and Ord 1981, as spdep's ``moran.test``) by year, one
    column group per weights matrix; stars on I from its p."""
    data = global_table[(global_table["variable"] == variable) & (global_table["statistic"] == "moran")]
    years = sorted(data["year"].unique())
    rows = []
    for year in years:
        row = []
        for w in weights:
            hit = data[(data["weights"] == w) & (data["year"] == year)]
            if hit.empty:
                row += [cells.EMPTY] * 3
                continue
            r = hit.iloc[0]
            row += [
                cells.estimate(r["value"], r["p_rand"], levels=labels.style.stars),
                Cell(cells.number(r["z_rand"])),
                cells.p_value(r["p_rand"]),
            ]
        rows.append(Row(Cell(str(year)), tuple(row)))
    columns = (Cell(labels.term("year")), *[labels.symbol(k) for _ in weights for k in ("moran_i", "z", "p")])
    groups = tuple((Cell(labels.name(w)), 3) for w in weights)
    title = labels.term("moran", variable=labels.name(variable))
    return Table(
        f"moran_{variable}",
        Cell(title),
        columns,
        (Block(tuple(rows)),),
        (*notes, labels.term("moran_note"), *filter(None, [labels.stars_note()])),
        groups,
    )


NAMED_ORDER = ("Bohai Rim", "Yangtze River Delta", "Pearl River Delta")


def named_clusters(
    clusters: pd.DataFrame, units: pd.DataFrame, labels: Labels, years, weights=(), notes=()
) -> Table:
    """For each variable, weights and named region: the years a significant cluster matched the region, the
    period, and the members and overlap (Jaccard) in the last year it was found. Clusters that match no named
    region (region ``none``, :mod:`nqpf.esda.clusters`) are not rows of this table."""
    clusters = clusters[clusters["region"].notna() & (clusters["region"] != "none")]
    english = dict(zip(units["code"].astype(str), units.get("name_en", units["name"]), strict=True))
    local = dict(zip(units["code"].astype(str), units["name"], strict=True))
    names = english if labels.language == "en" else local
    comma, colon = ("、", "：") if labels.language == "zh" else (", ", ": ")
    rank = {w: i for i, w in enumerate(weights)} | {r: i for i, r in enumerate(NAMED_ORDER)}
    blocks = []
    for (variable, statistic), part in clusters.groupby(["variable", "statistic"], sort=True):
        rows = []
        keys = sorted(
            part.groupby(["weights", "region"]).groups,
            key=lambda k: (rank.get(k[0], len(rank)), k[0], rank.get(k[1], len(rank)), k[1]),
        )
        for w, region in keys:
            found = part[(part["weights"] == w) & (part["region"] == region)].sort_values("year")
            last = found.iloc[-1]
            members = [names.get(code, code) for code in str(last["members"]).split(";")]
            shown = comma.join(members[:8]) + (" ..." if len(members) > 8 else "")
            row = (
                Cell(labels.name(region)),
                Cell(f"{found['year'].nunique()}/{len(years)}"),
                Cell(f"{found['year'].min()}-{found['year'].max()}"),
                Cell(f"{last['year']} ({len(members)}){colon}{shown}"),
                Cell(cells.number(last["jaccard"], 2)),
            )
            rows.append(Row(Cell(labels.name(w)), row))
        blocks.append(
            Block(tuple(rows), title=Cell(f"{labels.name(variable)}{colon}{labels.term(statistic)}"))
        )
    if not blocks:
        blocks.append(Block((Row(Cell(labels.term("no_clusters")), kind="note"),)))
    columns = (
        *(Cell(labels.term(k)) for k in ("weights", "region", "years_detected", "period", "members_last")),
    )
    columns += (Cell("Jaccard"),)
    return Table(
        "named_clusters",
        Cell(labels.term("clusters")),
        columns,
        tuple(blocks),
        (*notes, labels.term("clusters_note")),
    )
