"""The obstacle degree model of nqpf.indices.obstacle: a case worked by hand, its properties (rows summing to
100, no obstacle at the best value, invariances), hierarchical weights, group and year means, the ranking of
the main obstacles and the link with the composite index of nqpf.indices.composite."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from nqpf import indices
from nqpf.indices.obstacle import index_obstacles, mean_obstacles, obstacle_degree, top_obstacles

DIMENSIONS = {"a": "A", "b": "A", "c": "B", "d": "B"}
WEIGHTS = [0.1, 0.2, 0.3, 0.4]


@pytest.fixture
def worked():
    """Three units in one year, four indicators in two dimensions (each column spans [0, 1])."""
    index = pd.MultiIndex.from_tuples([("u1", 2020), ("u2", 2020), ("u3", 2020)], names=["code", "year"])
    return pd.DataFrame(
        [[1.0, 0.5, 0.0, 0.5], [0.0, 1.0, 0.5, 1.0], [0.5, 0.0, 1.0, 0.0]], index=index, columns=list("abcd")
    )


def test_a_case_worked_by_hand(worked):
    # F = (.1, .2, .3, .4); I = 1 - x':
    #   u1 I = (0, .5, 1, .5): F I = (0, .1, .3, .2),  sum .6:  O = (0, 100/6, 50, 100/3), U = (100/6, 250/3)
    #   u2 I = (1, 0, .5, 0):  F I = (.1, 0, .15, 0),  sum .25: O = (40, 0, 60, 0),        U = (40, 60)
    #   u3 I = (.5, 1, 0, 1):  F I = (.05, .2, 0, .4), sum .65: O = (100, 400, 0, 800)/13, U = (500, 800)/13
    result = obstacle_degree(worked, WEIGHTS, DIMENSIONS)
    expected = [[0.0, 100 / 6, 50.0, 100 / 3], [40.0, 0.0, 60.0, 0.0], [100 / 13, 400 / 13, 0.0, 800 / 13]]
    np.testing.assert_allclose(result.indicators.to_numpy(), expected, atol=1e-12)
    np.testing.assert_allclose(
        result.dimensions.to_numpy(), [[100 / 6, 250 / 3], [40.0, 60.0], [500 / 13, 800 / 13]], atol=1e-12
    )
    assert list(result.dimensions.columns) == ["A", "B"]
    np.testing.assert_allclose(result.deviation.to_numpy(), 1.0 - worked.to_numpy(), atol=0)
    assert result.contribution.to_dict() == pytest.approx(dict(zip("abcd", WEIGHTS, strict=True)))
    assert result.indicators.index.equals(worked.index) and result.unobstructed.empty


def test_rows_sum_to_100_and_the_best_value_is_no_obstacle():
    rng = np.random.default_rng(3)
    x = rng.uniform(size=(50, 6))
    x[np.arange(50), rng.integers(0, 6, 50)] = 1.0  # every row has an indicator at its best value
    weights = rng.dirichlet(np.ones(6))
    weights[4] = 0.0  # an indicator without weight is never an obstacle
    result = obstacle_degree(x, weights, ["p", "p", "q", "q", "q", "r"])
    np.testing.assert_allclose(result.indicators.sum(axis=1), 100.0, rtol=1e-13)
    np.testing.assert_allclose(result.dimensions.sum(axis=1), 100.0, rtol=1e-13)
    assert np.all(result.indicators.to_numpy()[x == 1.0] == 0.0)
    assert np.all(result.indicators["x5"] == 0.0)
    assert list(result.indicators.columns) == [f"x{j}" for j in range(1, 7)]


def test_invariances():
    rng = np.random.default_rng(8)
    raw = rng.lognormal(size=(30, 5))
    negative = [False, True, False, False, True]
    z = np.column_stack([indices.minmax(raw[:, j], negative[j]) for j in range(5)])
    weights = rng.dirichlet(np.ones(5))
    reference = obstacle_degree(z, weights).indicators.to_numpy()
    # the weights' scale does not matter (F enters as a share)
    np.testing.assert_allclose(obstacle_degree(z, 7.5 * weights).indicators.to_numpy(), reference, atol=1e-12)
    # a change of units of the raw data leaves the min-max normalised values, and the obstacles, unchanged
    rescaled = raw * np.array([1e4, 0.1, 3.0, 1.0, 2.5]) + np.array([0.0, 5.0, -1.0, 100.0, 0.0])
    z2 = np.column_stack([indices.minmax(rescaled[:, j], negative[j]) for j in range(5)])
    np.testing.assert_allclose(obstacle_degree(z2, weights).indicators.to_numpy(), reference, atol=1e-12)
    # permuting indicators (with their weights) permutes the columns; permuting rows permutes the rows
    order = [3, 0, 4, 1, 2]
    np.testing.assert_allclose(
        obstacle_degree(z[:, order], weights[order]).indicators.to_numpy(), reference[:, order], atol=1e-12
    )
    rows = rng.permutation(30)
    np.testing.assert_allclose(
        obstacle_degree(z[rows], weights).indicators.to_numpy(), reference[rows], atol=0
    )
    # weights as a Series are matched to the columns by name, whatever their order
    frame = pd.DataFrame(z, columns=list("vwxyz"))
    series = pd.Series(weights, index=list("vwxyz")).iloc[::-1]
    np.testing.assert_allclose(obstacle_degree(frame, series).indicators.to_numpy(), reference, atol=1e-12)


def test_hierarchical_weights_multiply_the_levels(worked):
    # within A: a .25, b .75; within B: c .5, d .5; A .4, B .6 -> flat F = (.1, .3, .3, .3)
    hierarchical = obstacle_degree(
        worked, [0.25, 0.75, 0.5, 0.5], DIMENSIONS, dimension_weights={"B": 0.6, "A": 0.4}
    )
    flat = obstacle_degree(worked, [0.1, 0.3, 0.3, 0.3], DIMENSIONS)
    np.testing.assert_allclose(hierarchical.contribution.to_numpy(), [0.1, 0.3, 0.3, 0.3], atol=1e-15)
    pd.testing.assert_frame_equal(hierarchical.indicators, flat.indicators)
    assert list(hierarchical.dimensions.columns) == ["B", "A"]  # the order of dimension_weights
    pd.testing.assert_frame_equal(hierarchical.dimensions[["A", "B"]], flat.dimensions)
    with pytest.raises(ValueError, match="dimension 'A' sum to 0.5"):
        obstacle_degree(worked, [0.25, 0.25, 0.5, 0.5], DIMENSIONS, dimension_weights={"A": 0.4, "B": 0.6})
    with pytest.raises(ValueError, match="need dimensions"):
        obstacle_degree(worked, WEIGHTS, dimension_weights={"A": 0.4, "B": 0.6})
    with pytest.raises(ValueError, match="no weight for dimension B"):
        obstacle_degree(worked, [0.25, 0.75, 0.5, 0.5], DIMENSIONS, dimension_weights={"A": 1.0})


def test_a_unit_at_the_best_of_everything_has_no_obstacles(worked):
    best = worked.copy()
    best.loc[("u4", 2020), :] = [1.0, 1.0, 1.0, 1.0]
    result = obstacle_degree(best, WEIGHTS, DIMENSIONS)
    assert list(result.unobstructed) == [("u4", 2020)]
    assert (
        result.indicators.loc[("u4", 2020)].isna().all() and result.dimensions.loc[("u4", 2020)].isna().all()
    )
    # the means leave it out, so they still sum to 100; the ranking skips it
    np.testing.assert_allclose(mean_obstacles(result.indicators).sum(axis=1), 100.0, rtol=1e-13)
    assert "u4" not in set(top_obstacles(result.indicators)["code"])


def test_means_by_group_and_year(worked):
    two_years = pd.concat([worked, worked.rename(index={2020: 2021}, level="year")])
    result = obstacle_degree(two_years, WEIGHTS, DIMENSIONS)
    by_year = mean_obstacles(result.indicators, "year")
    assert list(by_year.index) == [2020, 2021]
    # 2020: means of the hand-worked rows, e.g. a = (0 + 40 + 100/13) / 3
    np.testing.assert_allclose(by_year.loc[2020, "a"], (40 + 100 / 13) / 3, rtol=1e-14)
    regions = {"u1": "East", "u2": "East", "u3": "West"}
    grouped = mean_obstacles(result.indicators, "year", groups=regions)
    assert grouped.index.names == ["group", "year"]
    np.testing.assert_allclose(
        grouped.loc[("East", 2021)].to_numpy(), [20.0, 25 / 3, 55.0, 50 / 3], atol=1e-12
    )
    np.testing.assert_allclose(grouped.sum(axis=1), 100.0, rtol=1e-13)
    np.testing.assert_allclose(
        mean_obstacles(result.dimensions, groups=regions).loc["West"].to_numpy(),
        [500 / 13, 800 / 13],
        atol=1e-12,
    )
    labels = np.where(result.indicators.index.get_level_values("code") == "u3", "rest", "first")
    np.testing.assert_allclose(
        mean_obstacles(result.indicators, labels).loc["rest"], result.indicators.iloc[2]
    )
    with pytest.raises(ValueError, match="no group for code u3"):
        mean_obstacles(result.indicators, groups={"u1": "East", "u2": "East"})
    with pytest.raises(ValueError, match="no index level or column 'region'"):
        mean_obstacles(result.indicators, "region")


def test_the_main_obstacles_are_ranked_with_ties_in_column_order(worked):
    result = obstacle_degree(worked, WEIGHTS, DIMENSIONS)
    top = top_obstacles(result.indicators, k=4)
    assert list(top.columns) == ["code", "year", "rank", "indicator", "obstacle"]
    u2 = top[top["code"] == "u2"]
    # 60 (c), 40 (a), then b and d tied at 0: in the order of the columns
    assert u2["indicator"].tolist() == ["c", "a", "b", "d"] and u2["rank"].tolist() == [1, 2, 3, 4]
    assert top_obstacles(result.indicators, k=1)["indicator"].tolist() == ["c", "c", "d"]
    assert len(top_obstacles(result.indicators, k=10)) == 12
    tied = pd.DataFrame([[25.0, 25.0, 25.0, 25.0]], columns=["d", "c", "b", "a"])
    assert top_obstacles(tied, k=2)["indicator"].tolist() == ["d", "c"]
    means = mean_obstacles(result.dimensions, groups={"u1": "East", "u2": "East", "u3": "West"})
    ranked = top_obstacles(means, k=1, label="dimension")
    assert ranked[["group", "dimension"]].values.tolist() == [["East", "B"], ["West", "B"]]
    with pytest.raises(ValueError, match="at least 1"):
        top_obstacles(result.indicators, k=0)


def test_bad_input_is_refused(worked):
    with pytest.raises(ValueError, match=r"lie in \[0, 1\].*\bb\b has values"):
        obstacle_degree(worked.assign(b=worked["b"] + 1e-4), WEIGHTS)
    gap = worked.copy()
    gap.iloc[1, 2] = np.nan
    with pytest.raises(ValueError, match=r"missing values in rows u2 2020 \(columns c\)"):
        obstacle_degree(gap, WEIGHTS)
    with pytest.raises(ValueError, match="3 weights for 4 indicators"):
        obstacle_degree(worked, WEIGHTS[:3])
    with pytest.raises(ValueError, match="non-negative"):
        obstacle_degree(worked, [0.5, -0.1, 0.3, 0.3])
    with pytest.raises(ValueError, match="no weight for d"):
        obstacle_degree(worked, pd.Series([0.1, 0.2, 0.7], index=list("abc")))
    with pytest.raises(ValueError, match="no dimension for d"):
        obstacle_degree(worked, WEIGHTS, {"a": "A", "b": "A", "c": "B"})
    with pytest.raises(ValueError, match="at least 2"):
        obstacle_degree(worked[["a"]], [1.0])
    with pytest.raises(ValueError, match="no indicator carries weight"):
        obstacle_degree(worked, [0.0, 0.0, 0.0, 0.0])


def spec(weights_by="pooled", method="entropy"):
    return indices.IndexSettings.model_validate(
        {
            "name": "toy",
            "method": method,
            "weights_by": weights_by,
            "dimensions": {
                "a": [{"variable": "x1", "direction": "+"}, {"variable": "x2", "direction": "-"}],
                "b": [{"variable": "x3"}, {"variable": "x4"}],
            },
        }
    )


@pytest.fixture
def toy_panel():
    rng = np.random.default_rng(7)
    rows = [
        {
            "code": code,
            "name": code.upper(),
            "year": year,
            **{f"x{j}": rng.uniform(1, 9) for j in range(1, 5)},
        }
        for year in (2020, 2021, 2022)
        for code in ("a", "b", "c", "d", "e")
    ]
    return pd.DataFrame(rows).sample(frac=1.0, random_state=1)  # index_obstacles does not need them sorted


@pytest.mark.parametrize("weights_by", ["pooled", "year"])
def test_the_obstacles_of_a_composite_index(toy_panel, weights_by):
    settings = spec(weights_by)
    built = indices.build(toy_panel, settings)
    result = index_obstacles(toy_panel, settings)
    values = built.values.set_index(["code", "year"])
    assert result.indicators.index.names == ["code", "year"] and len(result.indicators) == len(values)
    # the index is sum_j w_j z_j with z = 1 - I: so sum_j F_j I_ij = 1 - index_i and the obstacles are
    # 100 w_j (1 - z_ij) / (1 - index_i)
    weights = built.weights.set_index(["year", "indicator"] if weights_by == "year" else "indicator")[
        "weight"
    ]
    z = 1.0 - result.deviation
    for (code, year), row in z.iterrows():
        w = weights.loc[year] if weights_by == "year" else weights
        w = w.reindex(row.index).to_numpy()
        assert row.to_numpy() @ w == pytest.approx(values.loc[(code, year), "index"], abs=1e-12)
        expected = 100 * w * (1 - row.to_numpy()) / (1 - values.loc[(code, year), "index"])
        np.testing.assert_allclose(result.indicators.loc[(code, year)].to_numpy(), expected, rtol=1e-12)
    assert list(result.dimensions.columns) == ["a", "b"]
    pd.testing.assert_series_equal(result.contribution.sort_index(), weights.sort_index(), check_names=False)
    np.testing.assert_allclose(
        result.dimensions["a"], result.indicators[["x1", "x2"]].sum(axis=1), rtol=1e-13
    )
    # the best value of each indicator (pooled: once in the panel; by year: every year) is no obstacle
    if weights_by == "pooled":
        assert (result.indicators.min() == 0.0).all()
    else:
        assert (result.indicators.groupby(level="year").min() == 0.0).all().all()
    assert indices.build(toy_panel, spec(weights_by, "entropy_topsis")).weights.equals(built.weights)
