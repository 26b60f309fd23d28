"""The geographical detector of nqpf.drivers against the PyPI geodetector (an independent implementation, a
test-only dependency) on its example data and on seeded data, against the published output of the R packages
geodetector (its vignette, on the same neural-tube-defect data) and gdverse, against mapclassify's breaks, by hand,
and by Monte Carlo: q recovers a known share of variance, and without stratum effects the p-values are uniform.

The PyPI example ``disease.csv`` is the R package's ``CollectData`` under other names (incidence; type = soiltype,
region = watershed, level = elevation): its q values, stratum means and interaction q values are those printed in
the R vignette."""

from __future__ import annotations

import time
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy.special import fdtrc

from nqpf.drivers import (
    INTERACTION_TYPES,
    breaks,
    discretise,
    ecological_detector,
    factor_detector,
    fisher_jenks,
    geodetector,
    interaction_detector,
    interaction_type,
    optimal_discretisation,
    q_statistic,
    risk_detector,
)
from nqpf.drivers.detectors import (
    DISCRETISATION_COLUMNS,
    ECOLOGICAL_COLUMNS,
    FACTOR_COLUMNS,
    INTERACTION_COLUMNS,
    RISK_COLUMNS,
    RISK_MEAN_COLUMNS,
)

pypi = pytest.importorskip("geodetector")
mapclassify = pytest.importorskip("mapclassify")

FACTORS = ["type", "region", "level"]
# the PyPI package numbers the interaction types 0..4 in the order of INTERACTION_TYPES
PYPI_TYPES = dict(enumerate(INTERACTION_TYPES))


@pytest.fixture(scope="module")
def disease():
    return pypi.dataset.load_disease()


@pytest.fixture(scope="module")
def ours(disease):
    return geodetector(disease, "incidence", FACTORS)


@pytest.fixture(scope="module")
def reference(disease):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return pypi.GeoDetector(factors=FACTORS, target="incidence").fit(disease)


def seeded(n=400, levels=(3, 4, 5), seed=3):
    """Integer strata with few levels (so that every intersection has many units) and a response with stratum
    effects and noise."""
    rng = np.random.default_rng(seed)
    columns = {f"x{i + 1}": rng.integers(0, level, n) for i, level in enumerate(levels)}
    y = sum(0.4 * (i + 1) * np.sin(x) for i, x in enumerate(columns.values())) + rng.normal(0.0, 1.0, n)
    return pd.DataFrame({"y": y + 10.0, **columns})


# -- the PyPI geodetector -------------------------------------------------------------------------------------------


def test_factor_detector_matches_pypi(ours, reference):
    np.testing.assert_array_equal(reference.q_values_["variable"], ours.factor["factor"])
    np.testing.assert_allclose(ours.factor["q"], reference.q_values_["q_value"], rtol=0, atol=1e-10)
    np.testing.assert_allclose(ours.factor["p_value"], reference.q_values_["p_value"], rtol=0, atol=1e-10)
    np.testing.assert_array_equal(ours.factor["significant"], reference.q_values_["significant"])
    assert (ours.factor["single_unit_strata"] == 0).all()  # the parity rests on this: see below


def test_risk_detector_matches_pypi(ours, reference):
    for factor in FACTORS:
        theirs = reference.risk_result_[factor]
        mine = ours.risk[ours.risk["factor"] == factor]
        np.testing.assert_array_equal(mine["stratum_1"].astype(int), theirs["stratum_1"])
        np.testing.assert_array_equal(mine["stratum_2"].astype(int), theirs["stratum_2"])
        np.testing.assert_allclose(mine["t"], theirs["t_stat"], rtol=0, atol=1e-10)
        np.testing.assert_allclose(mine["p_value"], theirs["p_value"], rtol=0, atol=1e-10)
        np.testing.assert_array_equal(mine["significant"], theirs["significant"])


def test_ecological_detector_matches_pypi(ours, reference):
    theirs = reference.ecological_result_
    np.testing.assert_array_equal(ours.ecological["factor_1"], theirs["factor_1"])
    np.testing.assert_allclose(ours.ecological["f"], theirs["f_stat"], rtol=0, atol=1e-10)
    np.testing.assert_allclose(ours.ecological["p_value"], theirs["p_value"], rtol=0, atol=1e-10)
    np.testing.assert_array_equal(ours.ecological["significant"], theirs["significant"])
    # the upper tail alone is gdverse's one-sided p-value
    table = ours.ecological
    np.testing.assert_allclose(table["p_upper"], fdtrc(table["df_1"], table["df_2"], table["f"]), atol=1e-15)


def test_all_four_match_pypi_on_seeded_data_without_single_unit_strata():
    data = seeded()
    factors = ["x1", "x2", "x3"]
    mine = geodetector(data, "y", factors)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = pypi.GeoDetector(factors=factors, target="y").fit(data)
    assert (mine.interaction["single_unit_strata"] == 0).all()
    np.testing.assert_allclose(mine.factor["q"], theirs.q_values_["q_value"], rtol=0, atol=1e-10)
    np.testing.assert_allclose(mine.factor["p_value"], theirs.q_values_["p_value"], rtol=0, atol=1e-10)
    for row in mine.interaction.itertuples():
        assert row.q_12 == pytest.approx(theirs.interaction_q_.loc[row.factor_1, row.factor_2], abs=1e-10)
        assert row.interaction == PYPI_TYPES[theirs.interaction_type_.loc[row.factor_1, row.factor_2]]
    for factor in factors:
        reference_risk = theirs.risk_result_[factor]
        np.testing.assert_allclose(
            mine.risk.loc[mine.risk["factor"] == factor, "p_value"], reference_risk["p_value"], atol=1e-10
        )
    np.testing.assert_allclose(mine.ecological["f"], theirs.ecological_result_["f_stat"], atol=1e-10)
    np.testing.assert_allclose(mine.ecological["p_value"], theirs.ecological_result_["p_value"], atol=1e-10)


def test_single_unit_strata_are_kept_where_pypi_drops_them(disease, ours, reference):
    """The deliberate difference: the intersections of two factors leave strata of one unit. The classic q (and
    the R package) keeps them with a variance of zero; the PyPI package drops their units first. Its q(X1 ∩ X2) is
    ours on the units of the intersected strata of two or more units."""
    y = disease["incidence"].to_numpy()
    assert (ours.interaction["single_unit_strata"] > 0).all()
    for row in ours.interaction.itertuples():
        theirs = reference.interaction_q_.loc[row.factor_1, row.factor_2]
        assert abs(row.q_12 - theirs) > 1e-4
        cells = disease[row.factor_1].astype(str) + "|" + disease[row.factor_2].astype(str)
        kept = cells.map(cells.value_counts()).to_numpy() > 1
        assert q_statistic(y[kept], cells[kept]) == pytest.approx(theirs, abs=1e-10)
    # the same for a single factor with a stratum of one unit: in the factor detector too
    data = seeded(n=120, levels=(4,), seed=8)
    data.loc[0, "x1"] = 9  # a stratum of its own
    mine = factor_detector(data["y"], data["x1"])
    assert mine.single_unit_strata == 1 and mine.strata == 5
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = pypi.FactorDetector().fit(data[["x1"]], data["y"])
    assert abs(mine.q - theirs.q_value_) > 1e-6
    dropped = factor_detector(data["y"][1:], data["x1"][1:])
    assert dropped.q == pytest.approx(theirs.q_value_, abs=1e-10)
    assert dropped.p_value == pytest.approx(theirs.p_value_, abs=1e-10)


def test_risk_detector_keeps_single_unit_pairs_as_nan():
    data = seeded(n=60, levels=(3,), seed=4)
    data.loc[0, "x1"] = 7
    result = risk_detector(data["y"], data["x1"])
    alone = result.tests[(result.tests["stratum_1"] == 7) | (result.tests["stratum_2"] == 7)]
    assert len(result.tests) == 6 and len(alone) == 3  # every pair listed
    assert alone[["t", "df", "p_value"]].isna().all().all() and not alone["significant"].any()
    assert np.isnan(result.means.loc[result.means["stratum"] == 7, "variance"]).all()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = pypi.RiskDetector().fit(data[["x1"]], data["y"]).risk_result_["x1"]
    assert len(theirs) == 3  # the PyPI package leaves those pairs out
    # the other pairs: Welch's test with its unrounded Satterthwaite degrees of freedom, as scipy
    from scipy.stats import ttest_ind

    for row in result.tests.dropna().itertuples():
        first = data.loc[data["x1"] == row.stratum_1, "y"]
        second = data.loc[data["x1"] == row.stratum_2, "y"]
        test = ttest_ind(first, second, equal_var=False)
        assert row.t == pytest.approx(test.statistic, abs=1e-10)
        assert row.df == pytest.approx(test.df, rel=1e-12)
        assert row.p_value == pytest.approx(test.pvalue, abs=1e-12)


# -- published values -----------------------------------------------------------------------------------------------


def test_the_r_geodetector_vignette(disease, ours):
    """The R package geodetector (1.0-5), vignette ``A tutorial for the geodetector R package`` on CollectData:
    q and p of the factor detector (its p with lambda over the sample variance), the interaction q values, the
    stratum means and the t-test significance matrices of the risk detector."""
    printed = {
        "type": (0.3857168, 0.3632363),
        "region": (0.6377737, 0.0001169914),
        "level": (0.6067087, 0.04080407),
    }
    sample = geodetector(disease, "incidence", FACTORS, lambda_variance="sample").factor.set_index("factor")
    for factor, (q, p) in printed.items():
        assert ours.factor.set_index("factor").loc[factor, "q"] == pytest.approx(q, abs=5e-8)
        # R's non-central F (pnbeta) stops at an absolute error of 1e-9 (its errmax): 0.0001169914 against
        # 0.00011699044 here; the other two agree to the seven digits printed
        assert sample.loc[factor, "p_value"] == pytest.approx(p, rel=5e-7, abs=1.5e-9)
    interactions = {
        ("type", "region"): 0.735680548139531,
        ("type", "level"): 0.663523698335635,
        ("region", "level"): 0.71359677853471,
    }
    for row in ours.interaction.itertuples():
        assert row.q_12 == pytest.approx(interactions[(row.factor_1, row.factor_2)], abs=1e-14)
    means = ours.risk_means.set_index("factor").loc["level", "mean"]
    np.testing.assert_allclose(
        means, [6.455882, 6.171111, 6.258108, 6.621364, 5.908889, 6.888636, 5.790000], atol=5e-7
    )
    published = {  # upper triangles of 'Significance t-test:0.05', rows in stratum order
        "type": ["TTTF", "FTT", "TT", "T"],
        "region": ["TTTTTTTT", "TFTTTTT", "TTTFFF", "TTTTT", "FTTT", "TTT", "FF", "T"],
        "level": ["TTTTTT", "FTTTT", "TTTT", "TTT", "TT", "T"],
    }
    for factor, rows in published.items():
        significant = "".join(np.where(ours.risk.loc[ours.risk["factor"] == factor, "significant"], "T", "F"))
        assert significant == "".join(rows), factor
    # its ecological detector compares q ratios against qf(0.9): another statistic, the same verdicts at 0.05
    assert list(ours.ecological["significant"]) == [True, True, False]


def test_the_gdverse_example():
    """gdverse's documented factor_detector(y = 1:7, x = c('x', rep('y', 3), rep('z', 3))): q 0.7714286,
    p 0.07936477. gdverse drops the stratum of one unit first; so does ours on the six other units, and the classic
    q of all seven differs."""
    y = np.arange(1.0, 8.0)
    x = np.array(["x", "y", "y", "y", "z", "z", "z"])
    dropped = factor_detector(y[1:], x[1:])
    assert dropped.q == pytest.approx(0.7714286, abs=5e-8)
    assert dropped.p_value == pytest.approx(0.07936477, abs=5e-9)
    assert factor_detector(y, x).q == pytest.approx(1 - 4.0 / 28.0, abs=1e-15)  # SSW 2 + 2, SST 28


# -- by hand --------------------------------------------------------------------------------------------------------


def test_a_factor_detector_by_hand():
    # strata (1, 2, 3) and (7, 8, 9, 10): means 2 and 8.5, SSW = 2 + 5 = 7, SST = 91.7142857...
    y = np.array([1.0, 2.0, 3.0, 7.0, 8.0, 9.0, 10.0])
    x = ["a", "a", "a", "b", "b", "b", "b"]
    result = factor_detector(y, x)
    sst = np.sum((y - y.mean()) ** 2)
    assert result.q == pytest.approx(1 - 7.0 / sst, abs=1e-15)
    assert result.f == pytest.approx(5.0 / 1.0 * result.q / (1 - result.q), rel=1e-14)
    spread = 2.0**2 + 8.5**2 - (np.sqrt(3) * 2.0 + np.sqrt(4) * 8.5) ** 2 / 7
    assert result.noncentrality == pytest.approx(spread / (sst / 7), rel=1e-13)
    assert (result.df_1, result.df_2, result.strata, result.n) == (1, 5, 2, 7)
    perfect = factor_detector([1.0, 1.0, 2.0, 2.0, 3.0, 3.0], [0, 0, 1, 1, 2, 2])
    assert perfect.q == 1.0 and perfect.f == np.inf and perfect.p_value == 0.0


def test_interaction_types_and_their_tolerance():
    assert interaction_type(0.3, 0.4, 0.2) == "nonlinear_weaken"
    assert interaction_type(0.3, 0.4, 0.35) == "univariate_weaken"
    assert interaction_type(0.3, 0.4, 0.4) == "univariate_weaken"
    assert interaction_type(0.3, 0.4, 0.5) == "bivariate_enhance"
    assert interaction_type(0.3, 0.4, 0.7) == "independent"
    assert interaction_type(0.3, 0.4, 0.8) == "nonlinear_enhance"
    # the equalities hold within the tolerance, on either side; the PyPI package calls q12 just below q1 + q2
    # bivariate enhancement and q12 a hair below min(q1, q2) nonlinear weakening
    below = 0.3 + 0.4 - 1e-12
    assert interaction_type(0.3, 0.4, below) == "independent"
    assert PYPI_TYPES[pypi._stats.interaction_type(0.3, 0.4, below)] == "bivariate_enhance"
    assert interaction_type(0.3, 0.4, 0.3 - 1e-12) == "univariate_weaken"
    assert PYPI_TYPES[pypi._stats.interaction_type(0.3, 0.4, 0.3 - 1e-12)] == "nonlinear_weaken"
    assert interaction_type(0.3, 0.4, 0.3 + 0.4 - 1e-6, tolerance=1e-5) == "independent"
    assert interaction_type(0.3, 0.4, 0.3 + 0.4 - 1e-6, tolerance=0.0) == "bivariate_enhance"
    assert interaction_type(0.5, 0.0, 0.5) == "univariate_weaken"  # q2 = 0: weakening comes first
    # a factor that refines nothing: q(X1 ∩ X2) = q(X1), a tie the tolerance absorbs
    y = np.array([1.0, 2.0, 4.0, 5.0, 9.0, 11.0, 3.0, 4.5])
    x1 = [0, 0, 1, 1, 2, 2, 3, 3]
    nested = interaction_detector(y, x1, [0, 0, 0, 0, 1, 1, 1, 1])
    assert nested.q_12 == pytest.approx(nested.q_1, abs=1e-14) and nested.interaction == "univariate_weaken"
    assert nested.strata_12 == 4


def test_an_ecological_detector_by_hand():
    y = np.array([1.0, 2.0, 3.0, 7.0, 8.0, 9.0, 10.0, 4.0])
    x1 = [0, 0, 0, 1, 1, 1, 1, 0]
    x2 = [0, 1, 0, 1, 0, 1, 0, 1]
    result = ecological_detector(y, x1, x2)
    ssw = [
        sum(np.sum((y[np.array(x) == h] - y[np.array(x) == h].mean()) ** 2) for h in (0, 1)) for x in (x1, x2)
    ]
    n = len(y)
    assert result.f == pytest.approx(n * (n - 1) * ssw[0] / (n * (n - 1) * ssw[1]), rel=1e-14)
    assert result.f == pytest.approx((1 - result.q_1) / (1 - result.q_2), rel=1e-13)
    assert result.p_upper == pytest.approx(fdtrc(n - 1, n - 1, result.f), abs=1e-15)
    assert result.p_value == pytest.approx(min(1.0, 2 * min(result.p_upper, 1 - result.p_upper)), abs=1e-14)


# -- discretisation -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_breaks_match_mapclassify(seed):
    rng = np.random.default_rng(seed)
    x = rng.lognormal(0.0, 0.8, 250)
    for k in (3, 5, 7):
        np.testing.assert_array_equal(fisher_jenks(x, k), mapclassify.FisherJenks(x, k=k).bins[:-1])
        np.testing.assert_allclose(
            breaks(x, k, "equal"), mapclassify.EqualInterval(x, k=k).bins[:-1], rtol=1e-14
        )
        np.testing.assert_allclose(
            breaks(x, k, "quantile"), mapclassify.Quantiles(x, k=k).bins[:-1], rtol=1e-13
        )
        # the classes too: a value equal to a cut-off in the lower class, as mapclassify's yb
        found = discretise(x, k, "natural")
        np.testing.assert_array_equal(found.ids, mapclassify.FisherJenks(x, k=k).yb)


def test_natural_breaks_are_the_optimum_with_ties():
    from itertools import combinations

    def within(x, edges):
        ids = np.searchsorted(edges, x)
        return sum(np.sum((x[ids == c] - x[ids == c].mean()) ** 2) for c in np.unique(ids))

    rng = np.random.default_rng(12)
    for _ in range(60):
        x = rng.integers(0, 8, int(rng.integers(6, 15))).astype(float)
        distinct = np.unique(x)
        k = int(rng.integers(2, min(5, len(distinct)) + 1))
        edges = fisher_jenks(x, k)
        best = min(within(x, distinct[list(c)]) for c in combinations(range(len(distinct) - 1), k - 1))
        assert within(x, edges) == pytest.approx(best, abs=1e-9)
        assert len(np.unique(np.searchsorted(edges, x))) == k  # ties never empty a class


def test_natural_breaks_are_fast():
    x = np.random.default_rng(5).normal(size=3000)
    start = time.perf_counter()
    edges = fisher_jenks(x, 10)
    assert time.perf_counter() - start < 0.5
    np.testing.assert_array_equal(edges, mapclassify.FisherJenks(x, k=10).bins[:-1])


def test_geometric_and_standard_deviation_classes_by_hand():
    x = np.array([1.0, 2.0, 3.0, 5.0, 9.0, 16.0, 30.0, 64.0])
    np.testing.assert_allclose(breaks(x, 3, "geometric"), [4.0, 16.0], rtol=1e-14)  # 1 * 64^(1/3), 64^(2/3)
    shifted = x - 10.0  # minimum -9: z = x - min + 1 runs from 1 to 64, the same cut-offs shifted back
    np.testing.assert_allclose(breaks(shifted, 3, "geometric"), [4.0 - 10.0, 16.0 - 10.0], rtol=1e-14)
    y = np.linspace(
        0.0, 1.0, 101
    )  # uniform: the values reach sqrt(3) = 1.73 standard deviations from the mean
    mean, sd = y.mean(), y.std(ddof=1)
    np.testing.assert_allclose(breaks(y, 4, "sd"), [mean - sd, mean, mean + sd], rtol=1e-14)
    np.testing.assert_allclose(breaks(y, 3, "sd"), [mean - sd / 2, mean + sd / 2], atol=1e-15)
    # six one-sd classes need values beyond 2 sd: none, so the classes are half an sd wide
    np.testing.assert_allclose(breaks(y, 6, "sd"), mean + (np.arange(1, 6) - 3) * sd / 2, atol=1e-15)
    assert (discretise(y, 6, "sd").counts > 0).all()


def test_ties_never_empty_a_class_silently():
    x = np.array([1.0] * 12 + [2.0, 3.0, 4.0, 5.0])
    with pytest.raises(ValueError, match="quantile breaks of income into 4 classes leave .* tied"):
        discretise(x, 4, "quantile", name="income")
    with pytest.raises(ValueError, match="income has 3 distinct values, fewer than the 4 classes"):
        discretise([1.0, 1.0, 2.0, 3.0], 4, name="income")
    found = discretise(x, 4, "natural")
    assert (found.counts > 0).all() and found.counts.sum() == len(x) and found.counts[0] == 12
    with pytest.raises(ValueError, match="equal breaks .* no value falls in a class"):
        discretise([0.0, 0.1, 0.2, 10.0], 3, "equal")
    with pytest.raises(ValueError, match="missing"):
        discretise([1.0, np.nan, 3.0, 4.0], 2)
    with pytest.raises(ValueError, match="method must be one of"):
        breaks([1.0, 2.0, 3.0], 2, "jenks")


def test_optimal_discretisation():
    rng = np.random.default_rng(21)
    x = rng.uniform(0.0, 10.0, 300)
    y = np.select([x < 3.0, x < 6.0], [1.0, 4.0], 2.0) + rng.normal(0.0, 0.5, 300)
    x[:5] = 10.0  # ties
    result = optimal_discretisation(y, x)
    table = result.table
    assert list(table.columns) == ["method", "k", "q", "smallest_class", "valid", "note", "chosen"]
    assert len(table) == 5 * 5 and table["chosen"].sum() == 1
    best = table[table["chosen"]].iloc[0]
    assert best["q"] == table.loc[table["valid"], "q"].max() == result.q
    assert result.q == pytest.approx(q_statistic(y, result.best.ids), abs=1e-15)
    assert (result.best.method, result.best.k) == (best["method"], best["k"])
    assert table.loc[~table["valid"], "q"].isna().all() and (table.loc[~table["valid"], "note"] != "").all()
    assert result.q > 0.8  # three steps of 1, 4 and 2 under noise of 0.5
    # each candidate of mapclassify's methods: the same classes and the same q as the PyPI package's own q
    for row in table[table["valid"] & table["method"].isin(["equal", "quantile", "natural"])].itertuples():
        scheme = {"equal": "EqualInterval", "quantile": "Quantiles", "natural": "FisherJenks"}[row.method]
        labels = getattr(mapclassify, scheme)(x, k=row.k).yb
        assert row.q == pytest.approx(pypi.q_statistic(y, labels), abs=1e-10)
    # an outlier: two equal intervals leave it a class of its own (not a candidate below min_count units), three
    # leave the middle class empty
    x_out = np.append(rng.uniform(0.0, 1.0, 40), 50.0)
    y_out = rng.normal(size=41)
    with pytest.raises(
        ValueError, match="no discretisation of the factor is valid: equal 2: a class has 1 unit"
    ):
        optimal_discretisation(y_out, x_out, ["equal"], [2, 3])
    lenient = optimal_discretisation(y_out, x_out, ["equal"], [2, 3], min_count=1).table
    assert lenient["valid"].tolist() == [True, False] and "empty" in lenient["note"].iloc[1]


# -- Monte Carlo ----------------------------------------------------------------------------------------------------


def test_q_recovers_a_known_share_of_variance():
    # five strata with effects (-2, -1, 0, 1, 2) and noise of variance 2: the population q is 2 / (2 + 2) = 1/2
    rng = np.random.default_rng(2027)
    strata = np.repeat(np.arange(5), 400)
    effects = np.array([-2.0, -1.0, 0.0, 1.0, 2.0])
    qs = [
        factor_detector(effects[strata] + rng.normal(0.0, np.sqrt(2.0), strata.size), strata).q
        for _ in range(20)
    ]
    assert np.mean(qs) == pytest.approx(0.5, abs=0.01)
    assert np.std(qs) < 0.03


def test_without_stratum_effects_the_p_values_are_uniform():
    rng = np.random.default_rng(99)
    strata = np.repeat(np.arange(4), 30)
    results = [factor_detector(rng.normal(0.0, 1.0, strata.size), strata) for _ in range(600)]
    p = np.array([r.p_value for r in results])
    assert 0.02 < np.mean(p < 0.05) < 0.07
    assert 0.04 < np.mean(p < 0.1) < 0.13
    assert np.mean(p) == pytest.approx(0.5, abs=0.06)
    # lambda >= 0 (here, with strata of equal size, L q) never gives a p below the central F's: conservative
    central = np.array([fdtrc(r.df_1, r.df_2, r.f) for r in results])
    np.testing.assert_allclose([r.noncentrality for r in results], [4 * r.q for r in results], rtol=1e-12)
    assert np.all(p >= central - 1e-15)
    assert 0.03 < np.mean(central < 0.05) < 0.07 and np.mean(central) == pytest.approx(0.5, abs=0.04)
    # with an effect the test rejects
    shifted = rng.normal(0.0, 1.0, strata.size) + 0.8 * (strata == 0)
    assert factor_detector(shifted, strata).p_value < 0.05


# -- the convenience function, its tables and its errors ------------------------------------------------------------


def test_tables_have_stable_columns(ours):
    assert tuple(ours.factor.columns) == FACTOR_COLUMNS
    assert tuple(ours.interaction.columns) == INTERACTION_COLUMNS
    assert tuple(ours.risk_means.columns) == RISK_MEAN_COLUMNS
    assert tuple(ours.risk.columns) == RISK_COLUMNS
    assert tuple(ours.ecological.columns) == ECOLOGICAL_COLUMNS
    assert tuple(ours.discretisation.columns) == DISCRETISATION_COLUMNS and ours.discretisation.empty
    assert len(ours.risk) == 10 + 36 + 21 and len(ours.interaction) == len(ours.ecological) == 3
    matrix = ours.interaction_matrix()
    assert matrix.loc["type", "region"] == matrix.loc["region", "type"] == ours.interaction["q_12"].iloc[0]
    assert matrix.loc["level", "level"] == ours.factor["q"].iloc[2]


def test_continuous_factors_and_arrays(disease):
    rng = np.random.default_rng(6)
    y = disease["incidence"].to_numpy()
    data = {
        "region": disease["region"].to_numpy(),
        "slope": y + rng.normal(0.0, 0.3, len(y)),  # a continuous driver
        "rain": rng.gamma(2.0, 1.0, len(y)),
    }
    result = geodetector(data, y, discretise={"slope": "optimal", "rain": ("quantile", 4)})
    assert result.y == "y" and list(result.factor["factor"]) == ["region", "slope", "rain"]
    table = result.discretisation
    assert set(table["factor"]) == {"slope", "rain"} and table.groupby("factor")["chosen"].sum().eq(1).all()
    chosen = table[table["chosen"]].set_index("factor")
    factor = result.factor.set_index("factor")
    assert factor.loc["slope", "q"] == pytest.approx(chosen.loc["slope", "q"], abs=1e-15)
    assert factor.loc["slope", "q"] > factor.loc["rain", "q"]
    assert result.discretisations["rain"].k == 4 and factor.loc["rain", "strata"] == 4
    labels = result.risk_means.loc[result.risk_means["factor"] == "rain", "stratum"]
    assert labels.iloc[0].startswith("[") and labels.iloc[-1].endswith("]")
    # the same from a DataFrame with a column name for y, and a list of factors meaning "optimal"
    frame = pd.DataFrame({"y": y, **data})
    again = geodetector(frame, "y", ["region", "slope"], discretise=["slope"])
    assert again.factor["q"].tolist() == pytest.approx(result.factor["q"].iloc[:2].tolist(), abs=1e-15)


def test_bad_input_names_the_factor_and_the_problem(disease):
    y = disease["incidence"].to_numpy()
    broken = disease.copy()
    broken.loc[[3, 8], "region"] = np.nan
    with pytest.raises(ValueError, match=r"factor 'region' has 2 missing values \(rows 3, 8\)"):
        geodetector(broken, "incidence", FACTORS)
    broken = disease.copy()
    broken.loc[5, "incidence"] = np.nan
    with pytest.raises(
        ValueError, match=r"y 'incidence' has 1 missing, non-numeric or infinite values \(rows 5\)"
    ):
        geodetector(broken, "incidence", FACTORS)
    coded = disease.set_axis([f"{110100 + i}" for i in range(len(disease))])  # units named by their codes
    coded.loc["110107", "level"] = None
    with pytest.raises(ValueError, match=r"factor 'level' has 1 missing values \(rows 110107\)"):
        geodetector(coded, "incidence", FACTORS)
    with pytest.raises(ValueError, match="factor 'one' has 1 stratum"):
        factor_detector(y, np.ones(len(y)), name="one")
    with pytest.raises(ValueError, match="factor 'short' has 184 values for 185 units"):
        factor_detector(y, disease["type"][:-1], name="short")
    with pytest.raises(ValueError, match="constant"):
        factor_detector(np.full(len(y), 3.0), disease["type"])
    with pytest.raises(ValueError, match="factor 'fine' has 185 strata for 185 units.*discretise"):
        factor_detector(y, np.arange(len(y)), name="fine")
    with pytest.raises(ValueError, match=r"factors \['soil'\] are not columns"):
        geodetector(disease, "incidence", ["soil"])
    with pytest.raises(ValueError, match="discretise names"):
        geodetector(disease, "incidence", FACTORS, discretise={"soil": "optimal"})
    with pytest.raises(ValueError, match="lambda_variance"):
        geodetector(disease, "incidence", FACTORS, lambda_variance="unbiased")


def test_the_package_loads_lazily_and_keeps_its_names():
    import importlib

    import nqpf.drivers as drivers

    importlib.import_module("nqpf.drivers.detectors")
    importlib.import_module("nqpf.drivers.discretisation")
    assert callable(drivers.geodetector) and callable(drivers.discretise)
    assert set(drivers.__all__) >= {"geodetector", "discretise", "factor_detector", "optimal_discretisation"}
