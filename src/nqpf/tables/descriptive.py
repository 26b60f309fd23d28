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


def _weight_columns(weights: pd.DataFrame) -> list[str]:
    return [c for c in weights.columns if c == "weight" or c.startswith("weight_")]


def _mean_over_years(weights: pd.DataFrame) -> pd.DataFrame:
    """Weights computed by year (``weights_by: year``) as their mean over the years."""
    if "year" not in weights.columns:
        return weights
    kept = [c for c in ("entropy", *_weight_columns(weights)) if c in weights.columns]
    return weights.groupby(["indicator", "dimension", "direction"], sort=False, as_index=False)[kept].mean()


def indicator_system(name: str, weights: pd.DataFrame, labels: Labels, notes=(), spec=None) -> Table:
    """The indicators of an index by dimension, with direction, entropy (entropy weights) or the weightings
    game theory combined (``method: game_theory``), and the weight (%); a dimension's weight is the sum of its
    indicators'. Weights computed by year (``weights_by: year``) are shown as their mean."""
    weights = _mean_over_years(weights)
    method = spec.method if spec is not None else "entropy"
    combined = [f"weight_{m}" for m in spec.combined] if method == "game_theory" else []
    has_entropy = not combined and "entropy" in weights.columns and weights["entropy"].notna().any()
    blocks = []
    for dimension, items in weights.groupby("dimension", sort=False):
        rows = []
        for item in items.itertuples():
            direction = labels.term("positive" if item.direction == "+" else "negative")
            row = [Cell(direction)]
            if has_entropy:
                row.append(Cell(cells.number(item.entropy, 4)))
            row += [Cell(cells.number(100 * getattr(item, column), 2)) for column in combined]
            row.append(Cell(cells.number(100 * item.weight, 2)))
            rows.append(Row(Cell(labels.name(item.indicator)), tuple(row)))
        title = labels.term(
            "dimension_weight",
            dimension=labels.name(dimension),
            weight=cells.number(100 * items["weight"].sum(), 2),
        )
        blocks.append(Block(tuple(rows), title=Cell(title)))
    keys = ["indicator", "direction", *(["entropy"] if has_entropy else [])]
    columns = (
        *(Cell(labels.term(k)) for k in keys),
        *(
            Cell(labels.term("method_weight", method=labels.term(f"method_{c.removeprefix('weight_')}")))
            for c in combined
        ),
        Cell(labels.term("combined_weight" if combined else "weight_percent")),
    )
    key = "indicator_system" if method in ("entropy", "entropy_topsis") else "indicator_system_weights"
    title = labels.term(key, index=labels.name(name))
    return Table(f"indicators_{name}", Cell(title), columns, tuple(blocks), tuple(notes))


def index_robustness(
    name: str, spec, values: pd.DataFrame, weights: pd.DataFrame, labels: Labels, notes=()
) -> Table:
    """The index rebuilt with other weightings on the same indicators (``indices[].robustness``): each
    indicator's weight (%) under the index's method and under each other method, the dimensions' weights, then
    the Pearson and Spearman correlations of each rebuilt index with the index over all unit-years with a value,
    and the lowest Spearman correlation of a single year (how far the ranking of the units may move)."""
    weights = _mean_over_years(weights)
    methods = spec.methods
    columns_of = {m: ("weight" if m == spec.method else f"weight_{m}") for m in methods}
    blocks = []
    for dimension, items in weights.groupby("dimension", sort=False):
        rows = [
            Row(
                Cell(labels.name(item["indicator"])),
                tuple(Cell(cells.number(100 * item[columns_of[m]], 2)) for m in methods),
            )
            for _, item in items.iterrows()
        ]
        title = labels.term(
            "dimension_weights",
            dimension=labels.name(dimension),
            weights=" / ".join(cells.number(100 * items[columns_of[m]].sum(), 2) for m in methods),
        )
        blocks.append(Block(tuple(rows), title=Cell(title)))
    data = values.dropna(subset=["index", *spec.robustness])
    statistic_rows = []
    for key, how in (("pearson_with_index", "pearson"), ("spearman_with_index", "spearman")):
        statistic_rows.append(
            Row(
                Cell(labels.term(key)),
                tuple(
                    Cell(
                        cells.number(
                            data["index"].corr(data[m if m != spec.method else "index"], method=how), 4
                        )
                    )
                    for m in methods
                ),
            )
        )
    lowest = []
    for m in methods:
        column = m if m != spec.method else "index"
        by_year = [part["index"].corr(part[column], method="spearman") for _, part in data.groupby("year")]
        lowest.append(Cell(cells.number(min(by_year), 4) if by_year else ""))
    statistic_rows.append(Row(Cell(labels.term("spearman_lowest_year")), tuple(lowest)))
    blocks.append(Block(tuple(statistic_rows), title=Cell(labels.term("robustness_correlations"))))
    columns = (
        Cell(labels.term("indicator")),
        *(Cell(labels.term(f"method_{m}")) for m in methods),
    )
    return Table(
        f"index_robustness_{name}",
        Cell(labels.term("index_robustness", index=labels.name(name))),
        columns,
        tuple(blocks),
        (*notes, labels.term("index_robustness_note", n=cells.integer(len(data)))),
    )


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


def obstacles(index: str, spec, table: pd.DataFrame, labels: Labels, notes=(), units=None) -> Table:
    """The obstacle degree model of an index by year (``indices/<index>.obstacles.csv``,
    :func:`nqpf.indices.obstacle_table`): the mean obstacle degree of each dimension over the units (%), and the
    five indicators with the largest mean obstacle, each with its degree (%); with ``units`` (code, region), a
    second panel gives the same by NBS region in the last year (units without a region left out)."""
    from nqpf.indices.obstacle import mean_obstacles

    indicators = [i.variable for i in spec.indicators]
    dimensions = [f"{spec.name}_{d}" for d in spec.dimensions]
    frame = table.set_index(["code", "year"])
    k = min(TOP_OBSTACLES, len(indicators))
    by_year = _obstacle_rows(
        mean_obstacles(frame[indicators], by="year"),
        mean_obstacles(frame[dimensions], by="year"),
        dimensions,
        labels,
        lambda year: str(int(year)),
    )
    blocks = [Block(by_year)]
    if units is not None and "region" in units.columns:
        last = int(frame.index.get_level_values("year").max())
        latest = frame[frame.index.get_level_values("year") == last]
        regions = units.set_index(units["code"].astype(str))["region"]
        regions = regions.reindex(latest.index.get_level_values("code")).dropna()
        latest = latest[latest.index.get_level_values("code").isin(regions.index)]
        present = [r for r in REGION_ORDER if r in set(regions)]
        if present:
            groups = regions.to_dict()
            rows = _obstacle_rows(
                mean_obstacles(latest[indicators], groups=groups),
                mean_obstacles(latest[dimensions], groups=groups),
                dimensions,
                labels,
                labels.name,
                order=present,
            )
            title = labels.term("obstacle_regions", year=last)
            blocks.append(Block(rows, title=Cell(title)))
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
        tuple(blocks),
        (*notes, labels.term("obstacles_note")),
        groups,
    )


def _obstacle_rows(
    indicators: pd.DataFrame, dims: pd.DataFrame, dimensions, labels: Labels, name, order=None
):
    """One row per key of the mean obstacles (a year, or a region in ``order``): the dimensions' means, then
    the largest indicators, each with its mean obstacle degree."""
    from nqpf.indices.obstacle import top_obstacles

    top = top_obstacles(indicators, TOP_OBSTACLES)
    level = top.columns[0]
    rows = []
    for key in order if order is not None else indicators.index:
        ranked = top[top[level] == key].sort_values("rank")
        values = [cells.number(dims.loc[key, d], 2) for d in dimensions]
        values += [
            f"{labels.name(r.indicator)} ({cells.number(r.obstacle, 2)})"
            for r in ranked.itertuples(index=False)
        ]
        rows.append(Row(Cell(name(key)), tuple(Cell(v) for v in values)))
    return tuple(rows)
