"""ESDA: global and local statistics against spdep, the permutation engine's exactness, significance control,
clusters and named regions."""

from __future__ import annotations

import itertools
import json

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from scipy import stats

from nqpf import weights
from nqpf.esda import by_year, clusters, global_statistics, local_statistics, permutation
from nqpf.esda.settings import EsdaSettings
from nqpf.units import boundaries, named_regions
from tests.conftest import attributes
from tests.fixtures import make_spdep_esda

FIXTURE = json.loads((make_spdep_esda.HERE / "spdep_esda.json").read_text())


def lattice():
    units, values = make_spdep_esda.lattice_case()
    w, _ = weights.build({"name": "lattice", "kind": "contiguity"}, units)
    order = [list(units["code"]).index(c) for c in w.ids]
    return w, values[order]


def hunan(reference_data):
    units, _ = boundaries.read_file(
        reference_data / "hunan" / "Hunan.shp", id_field="County", name_field="County"
    )
    w, _ = weights.build({"name": "queen", "kind": "contiguity"}, units)
    data = pd.read_csv(reference_data / "hunan" / "Hunan_2012.csv").set_index("County")
    return w, data.loc[list(w.ids), "GDPPC"].to_numpy(float)


def check_against_spdep(w, x, expected):
    table = global_statistics.global_statistics(x, w.matrix).set_index("statistic")
    moran, geary, g = table.loc["moran"], table.loc["geary"], table.loc["getis_ord"]
    assert moran["value"] == pytest.approx(expected["moran"]["I"], rel=1e-10)
    assert moran["expected"] == pytest.approx(expected["moran"]["E"], rel=1e-12)
    assert moran["variance_rand"] == pytest.approx(expected["moran"]["var_rand"], rel=1e-10)
    assert moran["variance_norm"] == pytest.approx(expected["moran"]["var_norm"], rel=1e-10)
    assert moran["z_rand"] == pytest.approx(expected["moran"]["z_rand"], rel=1e-10)
    assert geary["value"] == pytest.approx(expected["geary"]["C"], rel=1e-10)
    assert geary["variance_rand"] == pytest.approx(expected["geary"]["var_rand"], rel=1e-10)
    assert geary["variance_norm"] == pytest.approx(expected["geary"]["var_norm"], rel=1e-10)
    assert geary["z_rand"] == pytest.approx(expected["geary"]["z_rand"], rel=1e-10)
    assert g["value"] == pytest.approx(expected["general_g"]["G"], rel=1e-10)
    assert g["variance_rand"] == pytest.approx(expected["general_g"]["var"], rel=1e-9)
    assert g["z_rand"] == pytest.approx(np.ravel(expected["general_g"]["z"])[0], rel=1e-9)
    lm = local_statistics.local_moran(x, w.matrix)
    for ours, theirs in (
        ("value", "Ii"),
        ("expected", "E"),
        ("variance", "var"),
        ("z", "z"),
        ("p_norm", "p"),
    ):
        # R writes a unit whose value equals the mean (z_i = 0, variance 0) as "NaN": so do we
        reference = np.array(expected["localmoran"][theirs], dtype=float)
        np.testing.assert_allclose(lm[ours], reference, rtol=1e-9, atol=1e-14)
    np.testing.assert_allclose(
        local_statistics.gi_star(x, w.matrix)["z"], np.array(expected["localG"]["z"], float), rtol=1e-9
    )


def test_statistics_equal_spdep_on_a_lattice():
    w, x = lattice()
    check_against_spdep(w, x, FIXTURE["lattice"])


@pytest.mark.reference_data
def test_statistics_equal_spdep_on_hunan(reference_data):
    w, x = hunan(reference_data)
    check_against_spdep(w, x, FIXTURE["hunan"])
    # the published spdep output for GDPPC, queen, row-standardised
    moran = global_statistics.moran(x, w.matrix)
    assert moran["value"] == pytest.approx(0.300749970, abs=5e-10)
    assert moran["expected"] == pytest.approx(-0.011494253, abs=5e-10)
    assert moran["variance_rand"] == pytest.approx(0.004348351, abs=5e-10)
    assert moran["z_rand"] == pytest.approx(4.7351, abs=5e-5)
    assert global_statistics.geary(x, w.matrix)["value"] == pytest.approx(0.6907223, abs=5e-8)


def exact_distribution_p(lags, others, weights_i):
    """Chi-square p of simulated lags against the exact distribution over all injections."""
    k = len(weights_i)
    sums = np.array(
        [(others[list(c)] * weights_i).sum() for c in itertools.permutations(range(len(others)), k)]
    )
    values, counts = np.unique(np.round(sums, 6), return_counts=True)
    observed = np.array([np.sum(np.isclose(lags, v, atol=1e-6)) for v in values])
    assert observed.sum() == len(lags)
    expected = counts / counts.sum() * len(lags)
    return stats.chi2.sf(((observed - expected) ** 2 / expected).sum(), len(values) - 1)


@pytest.mark.parametrize("weighted", [False, True], ids=["equal weights: prefix", "any weights: relabelling"])
def test_conditional_permutations_are_exact_draws_without_replacement(weighted):
    rng = np.random.default_rng(0)
    n = 9
    a = np.triu((rng.random((n, n)) < 0.35).astype(float), 1)
    a = a + a.T
    for i in range(n):
        if a[i].sum() == 0:
            a[i, (i + 1) % n] = a[(i + 1) % n, i] = 1
    w = sp.csr_matrix(a * np.round(rng.uniform(0.5, 2.0, (n, n)), 2) if weighted else a)
    x = np.round(rng.normal(size=n), 2)
    draws = permutation.draws_for(w, 20_000, np.random.default_rng(1))
    assert draws.full == weighted
    lags = np.zeros((draws.permutations, n))
    for units, block in permutation.conditional_lags(x, w, draws):
        lags[:, units] = block
    for i in range(n):
        start, end = w.indptr[i], w.indptr[i + 1]
        if end - start <= 3:
            assert exact_distribution_p(lags[:, i], np.delete(x, i), w.data[start:end]) > 0.001


def test_two_sided_rank_p():
    assert permutation.two_sided_p(1.0, 0, 999, 999) == pytest.approx(2 / 1000)
    assert permutation.two_sided_p(1.0, 500, 500, 999) == 1.0


def test_permutation_p_agrees_with_the_analytic_p_in_large_samples():
    w, x = lattice()
    draws = permutation.draws_for(w.matrix, 9999, np.random.default_rng(3))
    lm = local_statistics.local_moran(x, w.matrix, draws)
    # two routes to the same question: rank correlation of the p-values is high
    assert stats.spearmanr(lm["p_sim"], lm["p_norm"], nan_policy="omit").statistic > 0.9


def test_benjamini_hochberg_and_bonferroni():
    p = np.array([0.01, 0.04, 0.03, 0.2, np.nan])
    # sorted 0.01, 0.03, 0.04, 0.2 times m / rank: 0.04, 0.06, 0.0533, 0.2; monotone from the top: 0.04, 0.0533, 0.0533
    np.testing.assert_allclose(clusters.adjust(p, "fdr")[:4], [0.04, 0.16 / 3, 0.16 / 3, 0.2])
    np.testing.assert_allclose(clusters.adjust(p, "bonferroni")[:4], [0.04, 0.16, 0.12, 0.8])
    assert np.isnan(clusters.adjust(p, "fdr")[4])
    np.testing.assert_array_equal(clusters.adjust(p, "alpha")[:4], p[:4])


def test_clusters_are_components_numbered_by_size():
    w, _ = lattice()
    selected = np.zeros(w.n, bool)
    selected[[0, 1, 5, 24]] = True  # c00, c01, c10 touch; c44 alone
    labels = clusters.components(selected, w.matrix)
    assert labels[[0, 1, 5]].tolist() == [1, 1, 1] and labels[24] == 2 and labels.sum() == 5


def test_matching_to_named_regions():
    regions_ = {"A": {"a", "b", "c", "d"}, "B": {"e", "f"}}
    best = clusters.match({"a", "b", "x"}, regions_)  # 2 of 3 in A: share of the cluster 2/3 > 0.5
    assert (best.region, best.share_of_region, best.jaccard, best.share_of_cluster) == ("A", 0.5, 0.4, 2 / 3)
    assert clusters.match({"e"}, regions_).region == "B"
    assert clusters.match({"z"}, regions_) is None
    assert clusters.match({"a", "e"}, regions_) is None  # split evenly: named after neither
    assert clusters.match({"a", "b", "x"}, regions_, min_jaccard=0.5) is None  # Jaccard 0.4
    assert clusters.match({"a", "b", "x"}, regions_, share_above=0.7) is None  # 2/3 is not above 0.7
    # overlapping regions both matching: the higher Jaccard index
    assert clusters.match({"a", "b"}, {"A": {"a", "b", "c", "d"}, "AB": {"a", "b", "c"}}).region == "AB"
    # thresholds are compared exactly as written: 3 of 10 is a Jaccard index of 0.3
    assert clusters.Overlap("A", 3, 3, 10).matches(0.5, 0.3)


# prefecture codes: in the default Bohai Rim (Qingdao, Yantai, Weifang, Rizhao), in the Yangtze River Delta's 27
# (Nanjing, Nantong, Yancheng, Yangzhou, Shanghai, Suzhou, Hangzhou, Ningbo), in the Pearl River Delta (Guangzhou,
# Shenzhen, Foshan), in none of the three (Lianyungang, Huai'an: Jiangsu outside the 27; Nanchang; Meizhou)
BOHAI = ["370200", "370600", "370700", "371100"]
YRD = ["320100", "320600", "320900", "321000"]
YRD_CORE = ["310100", "320500", "330100", "330200"]
PRD = ["440100", "440300", "440600"]
OTHER = ["320700", "320800", "360100", "441400"]


def study_units() -> pd.DataFrame:
    """A prefecture-level study: every city of the three default regions and four others."""
    codes = sorted({c for r in named_regions.DEFAULTS for c in r.prefectures} | set(OTHER))
    return pd.DataFrame({"code": codes, "name": codes})


def hand_built_clusters(**match) -> pd.DataFrame:
    units = study_units()
    members = {
        1: YRD + YRD_CORE,  # inside the Yangtze River Delta
        2: BOHAI + YRD + OTHER[:2],  # Shandong's coast to the Yangtze: 4 + 4 + 2
        3: OTHER[2:3],  # Nanchang: no named region
        4: PRD + OTHER[3:],  # three PRD cities and Meizhou
    }
    local = pd.DataFrame(
        [
            {
                "variable": "v",
                "weights": "w",
                "year": 2020,
                "statistic": "lisa",
                "cluster_id": k,
                "code": c,
                "name": c,
            }
            for k, codes in members.items()
            for c in codes
        ]
    )
    return clusters.named_clusters(local, named_regions.DEFAULTS, units, **match).set_index("cluster_id")


def test_named_clusters_are_named_only_when_a_region_matches_well():
    found = hand_built_clusters()
    # the columns of the result contract first, in their order; then the new ones
    assert list(found.columns) == [c for c in clusters.COLUMNS if c != "cluster_id"]
    assert clusters.COLUMNS[:8] == [
        "variable",
        "weights",
        "year",
        "region",
        "n_members",
        "members",
        "share_of_region",
        "jaccard",
    ]
    # inside the YRD (27 cities): 8 of 8 in it, 8 of 27 covered, Jaccard 8 / 27
    inside = found.loc[1]
    assert (inside["region"], inside["label"], inside["n_members"]) == (
        "Yangtze River Delta",
        "Yangtze River Delta",
        8,
    )
    assert inside["share_of_cluster"] == 1.0 and inside["share_of_region"] == pytest.approx(8 / 27, rel=1e-15)
    assert inside["jaccard"] == pytest.approx(8 / 27, rel=1e-15)
    assert (inside["spans"], inside["jaccards"]) == (
        "Yangtze River Delta=1.0000",
        "Yangtze River Delta=0.2963",
    )
    # across the Bohai Rim (25 cities) and the YRD: 4 of 10 in each, Jaccard 4 / 31 and 4 / 33; named after neither
    across = found.loc[2]
    assert across["region"] == "none" and np.isnan(across["jaccard"]) and np.isnan(across["share_of_region"])
    assert across["spans"] == "Bohai Rim=0.4000;Yangtze River Delta=0.4000"
    assert across["jaccards"] == "Bohai Rim=0.1290;Yangtze River Delta=0.1212"
    assert (
        across["label"] == "none (spans Bohai Rim 40% (Jaccard 0.13), Yangtze River Delta 40% (Jaccard 0.12))"
    )
    # no named region at all
    alone = found.loc[3]
    assert (alone["region"], alone["label"], alone["spans"], alone["jaccards"]) == ("none", "none", "", "")
    # mostly in the PRD (9 cities): 3 of 4, Jaccard 3 / 10
    prd = found.loc[4]
    assert (prd["region"], prd["share_of_cluster"], prd["share_of_region"]) == (
        "Pearl River Delta",
        0.75,
        3 / 9,
    )
    assert prd["jaccard"] == pytest.approx(0.3, rel=1e-15)
    # the strict rule (Jaccard >= 0.5): neither the YRD cluster (8 / 27) nor the PRD one (0.3) is named any more
    strict = hand_built_clusters(min_jaccard=0.5)
    assert list(strict["region"]) == ["none"] * 4
    assert strict.loc[1, "label"] == "none (spans Yangtze River Delta 100% (Jaccard 0.30))"
    assert strict.loc[4, "spans"] == "Pearl River Delta=0.7500"


def test_the_clusters_table_leaves_out_unnamed_clusters():
    from nqpf.tables import spatial
    from nqpf.tables.labels import Labels

    found = hand_built_clusters().reset_index()
    table = spatial.named_clusters(found, study_units(), Labels("en"), [2020], ["w"])
    shown = [row.cells[0].text for block in table.blocks for row in block.rows]
    assert shown == ["Yangtze River Delta", "Pearl River Delta"]


def test_named_match_settings():
    settings = EsdaSettings()
    assert (settings.named_match.share_above, settings.named_match.min_jaccard) == (0.5, 0.0)
    strict = EsdaSettings.model_validate({"named_match": {"min_jaccard": 0.5}})
    assert strict.named_match.min_jaccard == 0.5 and strict.to_config()["named_match"]["share_above"] == 0.5
    with pytest.raises(ValueError, match="share_above"):
        EsdaSettings.model_validate({"named_match": {"share_above": 1}})


def test_default_named_regions_are_real_units():
    prefectures = set(attributes("prefecture")["code"])
    provinces = set(attributes("province")["code"])
    sizes = {r.name: len(r.prefectures) for r in named_regions.DEFAULTS}
    assert sizes == {"Bohai Rim": 25, "Yangtze River Delta": 27, "Pearl River Delta": 9}
    for region in named_regions.DEFAULTS:
        assert set(region.prefectures) <= prefectures and set(region.provinces) <= provinces
    counties = attributes("county")
    members = named_regions.DEFAULTS[2].members(counties)
    assert "440106" in members and all(c.startswith("44") for c in members)


def test_islands_get_no_local_statistic_and_stay_out_of_global_ones():
    w, x = lattice()
    matrix = w.matrix.tolil()
    matrix[24, :] = 0
    matrix[:, 24] = 0
    island = weights.SpatialWeights(ids=w.ids, matrix=matrix.tocsr(), raw=matrix.tocsr(), name="cut")
    frame = pd.DataFrame({"code": list(w.ids), "year": 2020, "v": x})
    settings = EsdaSettings(permutations=99, seed=1)
    glob, loc, _ = by_year.analyse(frame, "v", island, [2020], settings, {})
    lisa = loc[loc["statistic"] == "lisa"].set_index("code")
    assert lisa.loc["c44", "quadrant"] == "island" and np.isnan(lisa.loc["c44", "value"])
    assert not lisa.loc["c44", "significant"]
    core = global_statistics.moran(x[:24], matrix.tocsr()[:24, :24])["value"]
    assert glob[glob["statistic"] == "moran"]["value"].iloc[0] == pytest.approx(core)


def test_results_depend_on_the_seed_and_names_only():
    w, x = lattice()
    frame = pd.DataFrame({"code": list(w.ids) * 2, "year": [2020] * 25 + [2021] * 25, "v": np.r_[x, x[::-1]]})
    settings = EsdaSettings(permutations=199, seed=7)
    first = by_year.analyse(frame, "v", w, [2020, 2021], settings, {})
    second = by_year.analyse(frame, "v", w, [2020, 2021], settings, {})
    pd.testing.assert_frame_equal(first[0], second[0])
    pd.testing.assert_frame_equal(first[1], second[1])
    other = by_year.analyse(frame, "v", w, [2020, 2021], EsdaSettings(permutations=199, seed=8), {})
    assert not np.allclose(first[1]["p_sim"], other[1]["p_sim"])


def test_missing_values_stop_with_the_units():
    w, x = lattice()
    x[3] = np.nan
    frame = pd.DataFrame({"code": list(w.ids), "year": 2020, "v": x})
    with pytest.raises(Exception, match="missing for 1 units in 2020"):
        by_year.analyse(frame, "v", w, [2020], EsdaSettings(permutations=9), {})


def test_gi_star_is_left_out_on_a_dense_w():
    units, values = make_spdep_esda.lattice_case()
    w, _ = weights.build({"name": "inv", "kind": "inverse_distance"}, units)
    frame = pd.DataFrame({"code": list(units["code"]), "year": 2020, "v": values})
    _, loc, notes = by_year.analyse(frame, "v", w, [2020], EsdaSettings(permutations=99), {})
    assert set(loc["statistic"]) == {"lisa"} and "undefined" in notes[0][1]


def test_bivariate_moran_reduces_to_moran():
    w, x = lattice()
    blocks = list(permutation.total_permutations(w.n, 99, np.random.default_rng(0)))
    same = by_year.bivariate_moran(x, x, w.matrix, blocks)
    assert same["value"] == pytest.approx(global_statistics.moran(x, w.matrix)["value"])


def test_a_year_without_variation_is_left_empty_with_a_note():
    """Structural zeros (5G base stations before 2019): that year has no spatial autocorrelation to measure; the
    other years are the same as without it."""
    w, x = lattice()
    frame = pd.DataFrame(
        {"code": list(w.ids) * 2, "year": [2018] * 25 + [2019] * 25, "v": np.r_[np.zeros(25), x]}
    )
    settings = EsdaSettings(permutations=99, seed=3)
    glob, loc, notes = by_year.analyse(frame, "v", w, [2018, 2019], settings, {})
    empty = glob[glob["year"] == 2018]
    assert len(empty) == 3 and empty["value"].isna().all() and empty["p_sim"].isna().all()
    zero = loc[loc["year"] == 2018]
    assert (
        (zero["quadrant"] == "undefined").all()
        and not zero["significant"].any()
        and (zero["cluster_id"] == 0).all()
    )
    assert notes == [
        (
            2018,
            "v takes one value (0.0) on every unit in 2018: spatial autocorrelation is undefined, "
            "the year's statistics are left empty",
        )
    ]
    alone = by_year.analyse(frame[frame["year"] == 2019], "v", w, [2019], settings, {})
    pd.testing.assert_frame_equal(
        glob[glob["year"] == 2019].reset_index(drop=True), alone[0].reset_index(drop=True), check_dtype=False
    )
    table = by_year.notes_table("v", w.name, notes)
    assert table.loc[0, "year"] == 2018 and list(table.columns) == by_year.NOTE_COLUMNS


def test_general_g_of_a_single_non_zero_unit_is_undefined_not_an_error():
    w, x = lattice()
    x = np.zeros(25)
    x[3] = 5.0
    assert np.isnan(global_statistics.getis_ord(x, w.matrix)["value"])
