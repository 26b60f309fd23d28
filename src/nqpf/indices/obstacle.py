"""The obstacle degree model (障碍度模型): which indicators hold a composite index back, unit by unit and year by
year, as the applied papers diagnose the drivers of an index.

For unit(-year) i and indicator j of an index built from min-max normalised indicators x'_ij in [0, 1] (higher
is better):

    F_j  = w_j                                   factor contribution (因子贡献度): the indicator's weight in the
                                                 index; in a hierarchical index the dimension's weight times
                                                 the indicator's weight within the dimension, W_d w_j|d
    I_ij = 1 - x'_ij                             deviation degree (指标偏离度): the distance from the best value
    O_ij = 100 F_j I_ij / sum_j F_j I_ij         obstacle degree (障碍度), in per cent: each row sums to 100
    U_id = sum_{j in d} O_ij                     obstacle degree of dimension d

An indicator at its best value (x' = 1) is no obstacle (O = 0). O is unchanged when every F_j is multiplied by
the same factor, so flat weights need not sum to one. A unit at the best value of every weighted indicator has
no obstacle at all (sum_j F_j I_ij = 0): its row is undefined, left missing and listed in
:attr:`Obstacles.unobstructed`. Groups (regions) and years are described by the mean obstacle degree of their
units (:func:`mean_obstacles`, the papers' 年均障碍度 and regional obstacle tables), each mean over the defined
rows, so that the means still sum to 100; :func:`top_obstacles` ranks the main obstacles (主要障碍因子).

The link with :mod:`nqpf.indices.composite`: its index is sum_j w_j z_ij with z the min-max normalisation of
each indicator over the unit-years its weights come from (all of the panel when ``weights_by`` is pooled, each
year's units when it is year), negative indicators reversed, a constant indicator z = 0 with weight 0. The
shift of 0.0001 enters the entropy alone, never z, so z is the x' of this model and its weights are flat (the
dimension sub-indices are sums over their indicators): F_j = w_j. :func:`index_obstacles` takes the panel and
the index's settings and gives the obstacles of exactly that z and those weights (the index with TOPSIS uses
the same z and weights). An indicator with weight 0 is never an obstacle.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from nqpf.errors import listed

# normalised values within this distance outside [0, 1] are rounding, not an error
_RANGE_TOLERANCE = 1e-9


@dataclass(frozen=True)
class Obstacles:
    """Obstacle degrees (module docstring), in per cent: ``indicators`` (one row per unit or unit-year, as the
    input's rows, one column per indicator), ``dimensions`` (the same rows, one column per dimension; no
    columns without dimensions), the ``deviation`` I_ij, the factor ``contribution`` F_j and the rows without
    any obstacle (``unobstructed``, left missing in the tables)."""

    indicators: pd.DataFrame
    dimensions: pd.DataFrame
    deviation: pd.DataFrame
    contribution: pd.Series
    unobstructed: pd.Index


def _label(key) -> str:
    """A row's index value for a message: the parts of a (code, year) key separated by a space."""
    return " ".join(str(part) for part in key) if isinstance(key, tuple) else str(key)


def _dimension_of(dimensions, names: list[str]) -> list[str] | None:
    if dimensions is None:
        return None
    if isinstance(dimensions, (Mapping, pd.Series)):
        mapping = dict(dimensions)
        unknown = [n for n in names if n not in mapping]
        if unknown:
            raise ValueError(f"dimensions gives no dimension for {listed(unknown)}")
        return [str(mapping[n]) for n in names]
    labels = [str(d) for d in dimensions]
    if len(labels) != len(names):
        raise ValueError(f"dimensions has {len(labels)} labels for {len(names)} indicators")
    return labels


def _contribution(weights, names: list[str], dims: list[str] | None, dimension_weights) -> np.ndarray:
    if isinstance(weights, pd.Series):
        unknown = [n for n in names if n not in weights.index]
        if unknown:
            raise ValueError(f"weights gives no weight for {listed(unknown)}")
        w = weights.reindex(names).to_numpy(dtype=float)
    else:
        w = np.asarray(weights, dtype=float).ravel()
        if len(w) != len(names):
            raise ValueError(f"{len(w)} weights for {len(names)} indicators")
    if not np.isfinite(w).all() or np.any(w < 0):
        raise ValueError("weights must be finite and non-negative")
    if dimension_weights is None:
        f = w
    else:
        if dims is None:
            raise ValueError("dimension_weights need dimensions (the dimension of each indicator)")
        top = {str(d): float(v) for d, v in dict(dimension_weights).items()}
        unknown = sorted(set(dims) - set(top))
        if unknown:
            raise ValueError(f"dimension_weights gives no weight for dimension {listed(unknown)}")
        if any(not np.isfinite(v) or v < 0 for v in top.values()):
            raise ValueError("dimension_weights must be finite and non-negative")
        for d in dict.fromkeys(dims):
            within = w[[label == d for label in dims]].sum()
            if abs(within - 1.0) > 1e-6:
                raise ValueError(
                    f"the weights of dimension {d!r} sum to {within:.10g}: with dimension_weights, weights are "
                    "the indicators' weights within their dimension and sum to 1 in each"
                )
        f = np.array([top[d] for d in dims]) * w
    if not f.sum() > 0:
        raise ValueError("every factor contribution is 0: no indicator carries weight")
    return f


def obstacle_degree(
    normalised,
    weights,
    dimensions=None,
    *,
    dimension_weights=None,
    indicators=None,
) -> Obstacles:
    """Obstacle degrees (module docstring) of the rows of ``normalised``: min-max normalised indicators in
    [0, 1], higher better (a DataFrame whose columns are the indicators and whose index identifies the units
    or unit-years, e.g. code and year; or an array, its columns named by ``indicators``). ``weights`` are the
    indicators' weights (an array in column order or a Series by indicator), ``dimensions`` the dimension of
    each indicator (a mapping or a sequence in column order). With ``dimension_weights`` (dimension -> weight)
    the index is hierarchical: ``weights`` are then the weights within each dimension and F_j = W_d w_j."""
    if isinstance(normalised, pd.DataFrame):
        frame = normalised
        if indicators is not None:
            frame = frame[list(indicators)]
    else:
        values = np.asarray(normalised, dtype=float)
        if values.ndim != 2:
            raise ValueError(f"normalised must be rows x indicators (2-D), not shape {values.shape}")
        names = (
            [str(n) for n in indicators]
            if indicators is not None
            else [f"x{j + 1}" for j in range(values.shape[1])]
        )
        if len(names) != values.shape[1]:
            raise ValueError(f"{len(names)} indicator names for {values.shape[1]} columns")
        frame = pd.DataFrame(values, columns=names)
    names = [str(c) for c in frame.columns]
    if len(set(names)) != len(names):
        raise ValueError(
            f"indicator names repeat: {listed(sorted({n for n in names if names.count(n) > 1}))}"
        )
    if len(names) < 2:
        raise ValueError(f"{len(names)} indicator; the obstacle degree model needs at least 2")
    try:
        x = frame.to_numpy(dtype=float)
    except (TypeError, ValueError) as err:
        raise ValueError(f"the normalised indicators must be numbers ({err})") from None
    bad = ~np.isfinite(x)
    if bad.any():
        rows = [_label(frame.index[i]) for i in np.flatnonzero(bad.any(axis=1))]
        columns = [names[j] for j in np.flatnonzero(bad.any(axis=0))]
        raise ValueError(
            f"the normalised indicators have missing values in rows {listed(rows)} (columns {listed(columns)}); "
            "the obstacle degree needs every indicator of a row"
        )
    outside = (x < -_RANGE_TOLERANCE) | (x > 1.0 + _RANGE_TOLERANCE)
    if outside.any():
        columns = [names[j] for j in np.flatnonzero(outside.any(axis=0))]
        raise ValueError(
            f"normalised values must lie in [0, 1] (min-max normalised, higher better, as "
            f"nqpf.indices.minmax gives them); {listed(columns)} {'has' if len(columns) == 1 else 'have'} values "
            f"from {x[outside].min():.6g} to {x[outside].max():.6g}"
        )
    x = np.clip(x, 0.0, 1.0)
    dims = _dimension_of(dimensions, names)
    f = _contribution(weights, names, dims, dimension_weights)
    deviation = 1.0 - x
    weighted = deviation * f
    total = weighted.sum(axis=1)
    defined = total > 0
    obstacle = np.full_like(weighted, np.nan)
    obstacle[defined] = 100.0 * weighted[defined] / total[defined, None]
    index = frame.index
    table = pd.DataFrame(obstacle, index=index, columns=names)
    if dims is None:
        by_dimension = pd.DataFrame(index=index)
    else:
        order = list(dict.fromkeys(dict(dimension_weights)) if dimension_weights is not None else [])
        order += [d for d in dict.fromkeys(dims) if d not in order]
        by_dimension = pd.DataFrame(
            {d: obstacle[:, [label == d for label in dims]].sum(axis=1) for d in order}, index=index
        )
        by_dimension.loc[~defined] = np.nan
    return Obstacles(
        indicators=table,
        dimensions=by_dimension,
        deviation=pd.DataFrame(deviation, index=index, columns=names),
        contribution=pd.Series(f, index=names, name="contribution"),
        unobstructed=index[~defined],
    )


def mean_obstacles(obstacles: pd.DataFrame, by=None, *, groups=None, unit: str = "code") -> pd.DataFrame:
    """The mean obstacle degree of each column of ``obstacles`` (:attr:`Obstacles.indicators` or
    :attr:`Obstacles.dimensions`) over the rows of each group: ``by`` names index levels or columns (e.g.
    ``"year"``) or gives one label per row; ``groups`` maps the index level ``unit`` (a unit's code) to its
    group (e.g. its region), which comes first in the result's index (named ``group``). Neither: the mean over
    all rows, in one row. Rows without obstacles are left out of the means."""
    keys, used = [], []
    if groups is not None:
        labels = obstacles.index.get_level_values(unit)
        mapping = groups if isinstance(groups, pd.Series) else pd.Series(dict(groups))
        mapped = pd.Series(labels, index=obstacles.index).map(mapping)
        unmatched = sorted({str(u) for u, g in zip(labels, mapped, strict=True) if pd.isna(g)})
        if unmatched:
            raise ValueError(f"groups gives no group for {unit} {listed(unmatched)}")
        keys.append(pd.Index(mapped.to_numpy(), name="group"))
    if by is not None:
        if isinstance(by, str):
            by = [by]
        if isinstance(by, list) and all(isinstance(b, str) for b in by):
            for name in by:
                if name in obstacles.index.names:
                    keys.append(obstacles.index.get_level_values(name))
                elif name in obstacles.columns:
                    keys.append(pd.Index(obstacles[name].to_numpy(), name=name))
                    used.append(name)
                else:
                    raise ValueError(f"no index level or column {name!r} to group by")
        else:
            labels = np.asarray(by)
            if len(labels) != len(obstacles):
                raise ValueError(f"by has {len(labels)} labels for {len(obstacles)} rows")
            keys.append(pd.Index(labels, name=getattr(by, "name", None) or "by"))
    values = obstacles.drop(columns=used)
    if not keys:
        return values.mean().to_frame().T.rename(index={0: "all"})
    return values.groupby(keys, sort=True).mean()


def top_obstacles(obstacles: pd.DataFrame, k: int = 5, *, label: str = "indicator") -> pd.DataFrame:
    """The ``k`` largest obstacles of each row of ``obstacles`` (a table of :class:`Obstacles` or of
    :func:`mean_obstacles`), long: the row's index levels, ``rank`` (1 = the largest), ``label`` (the column's
    name) and ``obstacle``. Equal obstacles keep the order of the columns (deterministic ranks); rows without
    obstacles are left out; k larger than the number of columns ranks them all."""
    if k < 1:
        raise ValueError(f"k must be at least 1, not {k}")
    values = obstacles.to_numpy(dtype=float)
    columns = np.asarray([str(c) for c in obstacles.columns], dtype=object)
    keep = np.isfinite(values).all(axis=1)
    order = np.argsort(-values, axis=1, kind="stable")[:, : min(k, values.shape[1])]
    levels = [n if n is not None else f"level_{i}" for i, n in enumerate(obstacles.index.names)]
    keys = obstacles.index.to_frame(
        index=False, name=levels if isinstance(obstacles.index, pd.MultiIndex) else levels[0]
    )
    rows = []
    for i in np.flatnonzero(keep):
        key = keys.iloc[i].to_dict()
        for rank, j in enumerate(order[i], start=1):
            rows.append({**key, "rank": rank, label: columns[j], "obstacle": values[i, j]})
    return pd.DataFrame(rows, columns=[*levels, "rank", label, "obstacle"])


def index_obstacles(panel: pd.DataFrame, spec, result=None) -> Obstacles:
    """The obstacle degrees of a composite index (:func:`nqpf.indices.composite.build` with settings ``spec``,
    an :class:`~nqpf.indices.settings.IndexSettings`) on ``panel`` (columns code, name, year and the
    indicators): the normalised indicators and weights the index itself used (``result``, the index's
    :class:`~nqpf.indices.composite.IndexResult`, built here when not given), pooled or year by year as the index
    makes them, indexed by code and year, the dimensions the index's own (the contribution is indexed by year and
    indicator when the weights are by year). Unit-years the index leaves out (a missing indicator) have none."""
    from nqpf.indices.composite import build

    result = build(panel, spec) if result is None else result
    variables = [i.variable for i in spec.indicators]
    data = result.normalised
    groups = [(None, data)] if spec.weights_by == "pooled" else list(data.groupby("year", sort=True))
    weight_table = result.weights
    dims = {i.variable: i.dimension for i in spec.indicators}
    parts = []
    for year, rows in groups:
        chosen = weight_table if year is None else weight_table[weight_table["year"] == year]
        weights = chosen.set_index("indicator")["weight"]
        frame = pd.DataFrame(
            rows[variables].to_numpy(dtype=float),
            index=pd.MultiIndex.from_arrays(
                [rows["code"].astype(str).to_numpy(), rows["year"].astype(int).to_numpy()],
                names=["code", "year"],
            ),
            columns=variables,
        )
        parts.append(obstacle_degree(frame, weights, dims))
    return Obstacles(
        indicators=pd.concat([p.indicators for p in parts]),
        dimensions=pd.concat([p.dimensions for p in parts])[list(spec.dimensions)],
        deviation=pd.concat([p.deviation for p in parts]),
        contribution=parts[0].contribution
        if len(parts) == 1
        else pd.DataFrame(
            [p.contribution for p in parts], index=pd.Index([y for y, _ in groups], name="year")
        )
        .stack()
        .rename_axis(["year", "indicator"])
        .rename("contribution"),
        unobstructed=parts[0].unobstructed.append([p.unobstructed for p in parts[1:]]),
    )


def obstacle_table(obstacles: Obstacles, spec) -> pd.DataFrame:
    """The obstacle degrees of an index as the index stage writes them (``indices/<index>.obstacles.csv``): code,
    year, one column per indicator, then one per dimension named as the index's sub-index
    (``<index>_<dimension>``), in per cent; rows without any obstacle left empty."""
    dimensions = obstacles.dimensions.rename(columns=lambda d: f"{spec.name}_{d}")
    table = pd.concat([obstacles.indicators, dimensions], axis=1).reset_index()
    return table.sort_values(["year", "code"], kind="stable", ignore_index=True)
