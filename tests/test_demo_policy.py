"""The pilot policy of the demo data-generating process: the pilot list as it is written (batches of units and
their years), the truth of the policy's path (the process drawn again without the policy differs by exactly the
recorded effects), the exact short- and long-run effects, and their recovery by the dynamic spatial panel model
on the prefecture demo's latent outcome (every parameter inside its 95 % interval)."""

from __future__ import annotations

import numpy as np
import pytest
import yaml

import nqpf
from nqpf.models.did import TERM, treatment
from nqpf.study import demo
from nqpf.study.settings import DemoSettings
from nqpf.units import boundaries
from tests.conftest import DEFAULT_EXCLUDED, REPO


def _settings(name: str) -> DemoSettings:
    config = yaml.safe_load((REPO / "config" / "studies" / f"{name}.yaml").read_text(encoding="utf-8"))
    return DemoSettings.model_validate(config["studies"][0]["demo"])


@pytest.fixture(scope="module")
def province(province_gdf):
    settings = _settings("demo_province")
    return province_gdf, settings, demo.simulate(province_gdf, 2012, 2023, settings)


def test_the_pilot_list_and_the_outcome_are_written(province):
    gdf, settings, drawn = province
    pilots = drawn.tables["pilots"]
    assert list(pilots.columns) == ["地区", "批次", "入选年份"]
    spec = settings.policy
    size = round(spec.share * len(gdf))
    assert list(pilots["入选年份"]) == [y for y in spec.cohorts for _ in range(size)]
    assert list(dict.fromkeys(pilots["批次"])) == ["第一批", "第二批", "第三批"]
    truth = drawn.truth
    first = truth.drop_duplicates("code").set_index("code")["pilot_year"]
    assert sorted(first[first > 0]) == sorted(pilots["入选年份"])
    economy = drawn.tables["economy"]
    share = economy[demo.ECONOMY_COLUMNS["digital_economy"]] / economy[demo.ECONOMY_COLUMNS["gdp"]] * 100
    np.testing.assert_allclose(share, truth["digital_economy_share"], rtol=2e-4)
    assert drawn.parameters["policy"]["pilots"] == 3 * size


def test_the_recorded_path_is_the_difference_the_policy_makes(province):
    """Drawn again with delta = theta = 0 (the same streams), the outcome differs by the policy's path exactly:
    its average over the pilots at each year relative to the pilot and over the never-treated units by year."""
    gdf, settings, drawn = province
    spec = settings.policy.model_copy(update={"delta": 0.0, "theta": 0.0})
    without = demo.simulate(gdf, 2012, 2023, settings.model_copy(update={"policy": spec}))
    gap = drawn.truth["digital_economy_share"] - without.truth["digital_economy_share"]
    truth = drawn.truth.assign(gap=gap)
    recorded = drawn.parameters["policy"]
    pilots = truth[truth["pilot_year"] > 0]
    by_time = pilots.groupby(pilots["year"] - pilots["pilot_year"])["gap"].mean()
    for k, value in recorded["effect_on_pilots_by_year_relative_to_pilot"].items():
        assert by_time[int(k)] == pytest.approx(value, abs=1e-10)
    never = truth[truth["pilot_year"] == 0].groupby("year")["gap"].mean()
    for year, value in recorded["effect_on_never_treated_by_year"].items():
        assert never[int(year)] == pytest.approx(value, abs=1e-10)
    # the other draws of the study are unchanged by the policy's size
    assert drawn.tables["innovation"]["2016"].equals(without.tables["innovation"]["2016"])


def test_the_exact_effects_follow_the_published_formulas(province):
    gdf, settings, drawn = province
    spec, recorded = settings.policy, drawn.parameters["policy"]["effects_of_pilot"]
    total_short = (spec.delta + spec.theta) / (1 - spec.rho)
    total_long = (spec.delta + spec.theta) / (1 - spec.gamma - spec.eta - spec.rho)
    assert recorded["short_run"]["total"] == pytest.approx(total_short, rel=1e-12)
    assert recorded["long_run"]["total"] == pytest.approx(total_long, rel=1e-12)
    w = demo.contiguity_w(gdf)[0].toarray()
    n = len(w)
    direct = np.trace(np.linalg.solve(np.eye(n) - spec.rho * w, spec.delta * np.eye(n) + spec.theta * w)) / n
    assert recorded["short_run"]["direct"] == pytest.approx(direct, rel=1e-12)


def test_without_a_policy_the_other_draws_are_those_of_a_study_without_one(province):
    gdf, settings, drawn = province
    without = demo.simulate(gdf, 2012, 2023, settings.model_copy(update={"policy": None}))
    assert without.tables["pilots"].empty and "policy" not in without.parameters
    economy = drawn.tables["economy"].drop(columns=demo.ECONOMY_COLUMNS["digital_economy"])
    assert economy.equals(without.tables["economy"])


def test_the_dynamic_model_recovers_the_city_demos_process():
    """On the 337 prefecture-level units, the latent share of the digital economy, the latent new-infrastructure
    index and the pilot's D: gamma, eta, rho, beta, delta and theta (and W x's 0) inside the 95 % intervals of
    the bias-corrected estimates, and the QML gamma below them (Nickell's bias)."""
    gdf, _ = boundaries.build_cnmaps("prefecture", exclude_provinces=DEFAULT_EXCLUDED)
    settings = _settings("demo_city")
    drawn = demo.simulate(gdf, 2012, 2023, settings)
    truth = drawn.truth
    policy = dict(zip(truth["code"], truth["pilot_year"].where(truth["pilot_year"] > 0), strict=True))
    data = truth.assign(**{TERM: treatment(truth, policy)})
    matrix = demo.contiguity_w(gdf)[0]
    w = nqpf.SpatialWeights.from_matrix(matrix, sorted(gdf["code"]), standardise="none", name="queen")
    res = nqpf.DynamicSpatialPanelModel(
        data, "digital_economy_share", ["infrastructure_index", TERM], w
    ).fit()
    spec = settings.policy
    values = {
        "L.digital_economy_share": spec.gamma,
        "W.L.digital_economy_share": spec.eta,
        "infrastructure_index": spec.beta,
        TERM: spec.delta,
        "W.infrastructure_index": 0.0,
        f"W.{TERM}": spec.theta,
        "rho": spec.rho,
    }
    interval = res.conf_int()
    for term, value in values.items():
        assert interval.loc[term, "lower"] <= value <= interval.loc[term, "upper"], (term, interval.loc[term])
    assert res.uncorrected["L.digital_economy_share"] < interval.loc["L.digital_economy_share", "lower"]
    assert res.stability["stable"]
