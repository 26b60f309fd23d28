"""Data tables: descriptive statistics of the analysed variables, the indicator system of a composite index with
its entropy weights, and an index by region and year."""

from __future__ import annotations

import numpy as np
import pandas as pd

from nqpf import disparity
from nqpf.tables import cells
from nqpf.tables.labels import Labels
from nqpf.tables.model import Block, Cell, Row, Table
from nqpf.units.regions import REGIONS

REGION_ORDER = REGIONS  # the NBS order: East, Central, West, Northeast


def descriptive(frame: pd.DataFrame, variables, labels: Labels, notes=()) -> Table:
    """Observations, mean, standard deviation (n - 1), minimum and maximum of each variable over the rows of
    ``frame``; decimals chosen per variable so each shows about four significant digits."""
    rows = []
    for variable in variables:
        values = frame[variable].dropna().to_numpy(dtype=float)
        stats = (
            (values.mean(), values.std(ddof=1), values.min(), values.max()) if len(values) else (np.nan,) * 4
        )
        places = cells.decimals_for(stats)
        rows.append(
            Row(
                Cell(labels.name(variable)),
                (Cell(cells.integer(len(values))), *(Cell(cells.number(v, places)) for v in stats)),
            )
        )
    columns = tuple(Cell(labels.term(k)) for k in ("variable", "obs", "mean", "sd", "min", "max"))
    return Table(
        "descriptive", Cell(labels.term("descriptive")), columns, (Block(tuple(rows)),), tuple(notes)
    )


def indicator_system(name: str, weights: pd.DataFrame, labels: Labels, notes=()) -> Table:
    """The indicators of an index by dimension, with direction, entropy and weight (%); a dimension's weight is
    the sum of its indicators'. Weights computed by year (``weights_by: year``) are shown as their mean."""
    if "year" in weights.columns:
        weights = weights.groupby(["indicator", "dimension", "direction"], sort=False, as_index=False)[
            [c for c in ("entropy", "weight") if c in weights.columns]
        ].mean()
    has_entropy = "entropy" in weights.columns and weights["entropy"].notna().any()
    blocks = []
    for dimension, items in weights.groupby("dimension", sort=False):
        rows = []
        for item in items.itertuples():
            direction = labels.term("positive" if item.direction == "+" else "negative")
            row = [Cell(direction)]
            if has_entropy:
                row.append(Cell(cells.number(item.entropy, 4)))
            row.append(Cell(cells.number(100 * item.weight, 2)))
            rows.append(Row(Cell(labels.name(item.indicator)), tuple(row)))
        title = labels.term(
            "dimension_weight",
            dimension=labels.name(dimension),
            weight=cells.number(100 * items["weight"].sum(), 2),
        )
        blocks.append(Block(tuple(rows), title=Cell(title)))
    keys = ["indicator", "direction", *(["entropy"] if has_entropy else []), "weight_percent"]
    columns = tuple(Cell(labels.term(k)) for k in keys)
    title = labels.term("indicator_system", index=labels.name(name))
    return Table(f"indicators_{name}", Cell(title), columns, tuple(blocks), tuple(notes))


def index_by_region(name: str, values: pd.DataFrame, units: pd.DataFrame, labels: Labels, notes=()) -> Table:
    """Mean of an index by year for the nation and each NBS region, and the average annual growth rate
    ((last / first)^(1 / (T - 1)) - 1, in %) of each column (nqpf.disparity's regional means and growth)."""
    data = values[["code", "year", "index"]].merge(units[["code", "region"]], on="code", how="left")
    regions = [r for r in REGION_ORDER if r in set(data["region"])]
    means = disparity.regional_means(data, "index")
    table = means.pivot(index="year", columns="region", values="mean")[["National", *regions]]
    places = cells.decimals_for(table.to_numpy().ravel())
    rows = tuple(
        Row(Cell(str(year)), tuple(Cell(cells.number(v, places)) for v in table.loc[year]))
        for year in table.index
    )
    growth = disparity.growth_multiples(means).set_index("region")["annual_growth_percent"]
    growth_row = Row(
        Cell(labels.term("growth")), tuple(Cell(cells.number(growth[c], 2)) for c in table.columns)
    )
    columns = (
        Cell(labels.term("year")),
        Cell(labels.term("national")),
        *(Cell(labels.name(r)) for r in regions),
    )
    title = labels.term("index_regions", index=labels.name(name))
    return Table(
        f"index_regions_{name}",
        Cell(title),
        columns,
        (Block(rows), Block((growth_row,))),
        (*notes, labels.term("index_note")),
    )


TOP_OBSTACLES = 5


def obstacles(index: str, spec, table: pd.DataFrame, labels: Labels, notes=()) -> Table:
    """The obstacle degree model of an index by year (``indices/<index>.obstacles.csv``,
    :func:`nqpf.indices.obstacle_table`): the mean obstacle degree of each dimension over the units (%), and the
    five indicators with the largest mean obstacle, each with its degree (%)."""
    from nqpf.indices.obstacle import mean_obstacles, top_obstacles

    indicators = [i.variable for i in spec.indicators]
    dimensions = [f"{spec.name}_{d}" for d in spec.dimensions]
    frame = table.set_index(["code", "year"])
    by_year = mean_obstacles(frame[indicators], by="year")
    dims = mean_obstacles(frame[dimensions], by="year")
    top = top_obstacles(by_year, TOP_OBSTACLES)
    k = min(TOP_OBSTACLES, len(indicators))
    rows = []
    for year in by_year.index:
        ranked = top[top["year"] == year].sort_values("rank")
        cells_ = [cells.number(dims.loc[year, d], 2) for d in dimensions]
        cells_ += [
            f"{labels.name(r.indicator)} ({cells.number(r.obstacle, 2)})"
            for r in ranked.itertuples(index=False)
        ]
        rows.append(Row(Cell(str(int(year))), tuple(Cell(v) for v in cells_)))
    columns = (
        Cell(labels.term("year")),
        *(Cell(labels.name(d.removeprefix(f"{spec.name}_"))) for d in dimensions),
        *(Cell(labels.term("obstacle_rank", rank=r)) for r in range(1, k + 1)),
    )
    groups = (
        (Cell(labels.term("obstacle_dimensions")), len(dimensions)),
        (Cell(labels.term("obstacle_top")), k),
    )
    return Table(
        f"obstacles_{index}",
        Cell(labels.term("obstacles", index=labels.name(index))),
        columns,
        (Block(tuple(rows)),),
        (*notes, labels.term("obstacles_note")),
        groups,
    )
