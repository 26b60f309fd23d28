"""The demo data-generating process: determinism, the properties it promises, and its yearbook shapes."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
import yaml

from nqpf import indices
from nqpf.study import demo
from nqpf.study.settings import DemoSettings
from tests.conftest import REPO


@pytest.fixture(scope="module")
def params():
    config = yaml.safe_load((REPO / "config" / "studies" / "demo_province.yaml").read_text(encoding="utf-8"))
    return DemoSettings.model_validate(config["studies"][0]["demo"])


@pytest.fixture(scope="module")
def drawn(province_gdf, params):
    return demo.simulate(province_gdf, 2012, 2023, params)


def test_same_seed_gives_identical_files(tmp_path, province_gdf, params):
    first = demo.write(demo.simulate(province_gdf, 2012, 2023, params), tmp_path / "a")
    demo.write(demo.simulate(province_gdf, 2012, 2023, params), tmp_path / "b")
    names = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert names == sorted(p.name for p in (tmp_path / "b").iterdir()) and len(names) == 8
    for name in names:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    assert set(first) == set(demo.FILES)


def test_another_seed_gives_other_data(province_gdf, params, drawn):
    other = demo.simulate(province_gdf, 2012, 2023, params.model_copy(update={"seed": params.seed + 1}))
    assert not np.allclose(other.truth["nqpf_latent"], drawn.truth["nqpf_latent"])


def test_east_leads_and_the_three_coastal_cores_top_the_ranking(province_gdf, drawn):
    truth = drawn.truth.merge(province_gdf[["code", "region"]], on="code")
    means = truth.groupby(["year", "region"])["nqpf_latent"].mean().unstack()
    assert (means["East"] > means[["Central", "West", "Northeast"]].max(axis=1)).all()
    latest = truth[truth.year == 2023].sort_values("nqpf_latent", ascending=False)
    top = set(latest["code"].head(8))
    assert {"110000", "310000", "440000"} <= top  # Beijing, Shanghai, Guangdong
    assert (truth.groupby("year")["nqpf_latent"].mean().diff().dropna() > 0).all()  # NQPF grows


def test_true_effects_have_the_signs_the_process_sets(drawn):
    effects = drawn.parameters["effects_of_infrastructure_index"]
    assert effects["direct"] > 0 > effects["indirect"]
    assert effects["total"] == pytest.approx(effects["direct"] + effects["indirect"])
    # their exact values through every path of the process: tests/test_demo_mechanisms.py
    assert drawn.parameters["w_island_links"] == [
        "460000-440000",
        "460000-450000",
    ]  # Hainan to Guangdong, Guangxi


def test_sdm_effects_against_the_power_series_on_a_ring():
    # Ring of 6, row-standardised: (I - rho W)^-1 = sum_k rho^k W^k, an independent route to the same traces.
    n, rho, beta, theta = 6, 0.4, 1.0, -0.5
    w = np.zeros((n, n))
    for i in range(n):
        w[i, (i - 1) % n] = w[i, (i + 1) % n] = 0.5
    inverse = sum(np.linalg.matrix_power(rho * w, k) for k in range(200))
    s = inverse @ (beta * np.eye(n) + theta * w)
    effects = demo.sdm_effects(sp.csr_matrix(w), rho, beta, theta)
    assert effects["direct"] == pytest.approx(np.trace(s) / n, rel=1e-12)
    assert effects["total"] == pytest.approx(s.sum() / n, rel=1e-12)


def test_infrastructure_index_is_the_entropy_index_of_the_written_indicators(province_gdf, params):
    """The regressor of the process is what a study measures: the entropy index of the infrastructure ratios."""
    drawn = demo.simulate(province_gdf, 2012, 2023, params.model_copy(update={"missing_share": 0.0}))
    infra = drawn.tables["infrastructure"]
    population = drawn.tables["economy"]["年末常住人口(万人)"].to_numpy()
    ratios = []
    for ind in [i for i in demo.INDICATORS if i.driver == "x"]:
        cells = infra[infra["指标"] == ind.column]["数值"].replace({"—": 0})
        ratios.append(pd.to_numeric(cells, errors="raise").to_numpy(float) / population)
    index, weights = indices.entropy_index(np.column_stack(ratios))
    np.testing.assert_allclose(index, drawn.truth["infrastructure_index"], rtol=1e-12, atol=1e-12)
    assert weights.sum() == pytest.approx(1.0)


def test_yearbook_shapes(drawn):
    economy = drawn.tables["economy"]
    assert list(economy.columns[:2]) == ["地区", "年份"] and "北京" in set(economy["地区"])
    sheets = drawn.tables["innovation"]
    assert list(sheets) == [str(y) for y in range(2012, 2024)]
    assert sheets["2019"]["地区"].iloc[-1] == "全国" and "北京市" in set(sheets["2019"]["地区"])
    assert "Inner Mongolia" in set(drawn.tables["environment"]["region"])
    infra = drawn.tables["infrastructure"]
    assert "110000.0" in set(infra["行政区划代码"])
    five_g = infra[infra["指标"] == "5G基站数(个)"]
    assert (five_g.loc[five_g["年份"] < 2019, "数值"] == "—").all()
    assert (pd.to_numeric(five_g.loc[five_g["年份"] >= 2019, "数值"], errors="coerce") >= 0).all()


def test_missing_cells_only_in_the_interior(drawn):
    infra = drawn.tables["infrastructure"]
    gaps = infra[infra["数值"] == "…"]
    assert set(gaps["年份"]) <= set(range(2013, 2023))
    for year, sheet in drawn.tables["innovation"].items():
        if year in ("2012", "2023"):
            assert not (sheet == "…").any().any()


def test_magnitudes_are_realistic(drawn):
    economy = drawn.tables["economy"]
    first = economy[economy["年份"] == 2012]
    last = economy[economy["年份"] == 2023]
    assert first["年末常住人口(万人)"].sum() == pytest.approx(135_404, abs=5)
    per_capita = last["地区生产总值(亿元)"] / last["年末常住人口(万人)"] * 1e4
    assert 30_000 < per_capita.min() and per_capita.max() < 300_000  # yuan, 2023
    assert 10 < first["年末常住人口(万人)"].min() and first["年末常住人口(万人)"].max() < 20_000


def test_truth_json_is_written(tmp_path, drawn):
    demo.write(drawn, tmp_path)
    parameters = json.loads((tmp_path / "truth.json").read_text(encoding="utf-8"))
    assert parameters["note"] == "simulated demo data"
    assert "simulated demo data" in (tmp_path / "README.md").read_text(encoding="utf-8")
    truth = pd.read_csv(tmp_path / "truth.csv", dtype={"code": str})
    assert len(truth) == 31 * 12
