"""The mechanisms of the demo data-generating process (a mediator, a moderator, a threshold) and their recovery by
the library's mechanism and threshold models on the drawn panel, with the latent NQPF as the outcome: the
parameters set in the demo block lie inside the models' intervals."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import yaml

import nqpf
from nqpf.models.threshold import PanelThreshold
from nqpf.study import demo
from nqpf.study.settings import DemoSettings
from tests.conftest import REPO

CONTROLS = [f"control_{name}" for name in demo.CONTROLS]


def _settings(**mechanisms) -> DemoSettings:
    config = yaml.safe_load((REPO / "config" / "studies" / "demo_province.yaml").read_text(encoding="utf-8"))
    settings = DemoSettings.model_validate(config["studies"][0]["demo"])
    if not mechanisms:
        return settings
    spec = settings.mechanisms.model_copy(update={k: None for k in ("mediator", "moderator", "threshold")})
    spec = spec.model_copy(update={k: getattr(settings.mechanisms, k) for k in mechanisms})
    return settings.model_copy(update={"mechanisms": spec})


def _panel(drawn: demo.DemoData) -> pd.DataFrame:
    """The latent panel with financial development as a study derives it from the economy file: loans over GDP,
    both written with two decimals."""
    economy = drawn.tables["economy"]
    truth = drawn.truth.copy()
    if demo.ECONOMY_COLUMNS["loans"] in economy.columns:
        loans, gdp = (economy[demo.ECONOMY_COLUMNS[k]].to_numpy() for k in ("loans", "gdp"))
        truth["financial_development"] = loans / gdp
    return truth


@pytest.fixture(scope="module")
def full(province_gdf):
    drawn = demo.simulate(province_gdf, 2012, 2023, _settings())
    return drawn, _panel(drawn), _weights(province_gdf)


def _weights(gdf) -> nqpf.SpatialWeights:
    """The process's W (queen contiguity, islands linked, row-standardised) as spatial weights."""
    matrix = demo.contiguity_w(gdf)[0]
    return nqpf.SpatialWeights.from_matrix(matrix, sorted(gdf["code"]), standardise="none", name="queen")


def _inside(row: pd.Series, value: float) -> bool:
    return row["ci_low"] <= value <= row["ci_high"]


def test_the_mechanism_statistics_are_written_and_documented(full):
    drawn, panel, _ = full
    economy = drawn.tables["economy"]
    for variable in ("digital_finance", "marketisation"):
        column = demo.ECONOMY_COLUMNS[variable]
        np.testing.assert_allclose(economy[column].to_numpy(), np.round(panel[variable], 2), atol=1e-9)
    mechanisms = drawn.parameters["mechanisms"]
    assert set(mechanisms) == {"mediator", "moderator", "threshold"}
    value = mechanisms["threshold"]["value"]
    share = (panel["financial_development"] > value).mean()
    assert mechanisms["threshold"]["share_above"] == pytest.approx(share, abs=0.02) and 0.15 < share < 0.6
    np.testing.assert_allclose(
        panel["financial_development"], drawn.truth["financial_development"], rtol=1e-5
    )
    # the slope of x in the process: beta below the threshold, beta + delta above
    threshold = mechanisms["threshold"]
    slopes = set(np.round(drawn.truth["infrastructure_slope"], 12))
    assert slopes == {threshold["slope_below"], threshold["slope_above"]}


def test_without_mechanisms_the_draws_are_those_of_a_study_without_them(province_gdf, full):
    with_them = full[0]
    without = demo.simulate(province_gdf, 2012, 2023, _settings().model_copy(update={"mechanisms": None}))
    # the mechanisms draw from their own stream: new infrastructure and the controls are the same draws
    for column in ["infrastructure_index", *CONTROLS]:
        np.testing.assert_array_equal(with_them.truth[column], without.truth[column])
    assert "mechanisms" not in without.parameters
    assert demo.ECONOMY_COLUMNS["digital_finance"] not in without.tables["economy"].columns


def test_the_effects_truth_adds_every_path_of_new_infrastructure(full, province_gdf):
    drawn, panel, w = full
    sdm = drawn.parameters["sdm"]
    mech = drawn.parameters["mechanisms"]
    # the unit's own marginal slope through every path, averaged over units and years, then the SDM's effects
    kappa, zbar = mech["moderator"]["kappa"], mech["moderator"]["moderator_mean"]
    marginal = (
        drawn.truth["infrastructure_slope"]
        + mech["mediator"]["a"] * mech["mediator"]["b"]
        + kappa * (drawn.truth["marketisation"] - zbar)
    ).to_numpy()
    dense = demo.contiguity_w(province_gdf)[0].toarray()
    n = len(dense)
    slopes = marginal.reshape(-1, n)
    inverse = np.linalg.inv(np.eye(n) - sdm["rho"] * dense)
    direct = np.mean([np.trace(inverse @ (np.diag(b) + sdm["theta"] * dense)) / n for b in slopes])
    total = np.mean([(inverse @ (np.diag(b) + sdm["theta"] * dense)).sum() / n for b in slopes])
    effects = drawn.parameters["effects_of_infrastructure_index"]
    assert effects["direct"] == pytest.approx(direct, rel=1e-10)
    assert effects["total"] == pytest.approx(total, rel=1e-10)
    mediated = mech["mediator"]["mediated_effects_of_infrastructure_index"]
    ab = mech["mediator"]["a"] * mech["mediator"]["b"]
    assert mediated["total"] == pytest.approx(ab / (1 - sdm["rho"]), rel=1e-10)  # row-standardised W
    assert mediated["direct"] == pytest.approx(ab * np.trace(inverse) / n, rel=1e-10)


def test_the_mediation_is_recovered(full):
    drawn, panel, w = full
    truth = drawn.parameters["mechanisms"]["mediator"]
    result = nqpf.mediation(
        panel,
        "nqpf_latent",
        "infrastructure_index",
        "digital_finance",
        CONTROLS,
        w=w,
        bootstrap=0,
        draws=1000,
        seed=3,
    )
    steps = result.steps.set_index("symbol")
    a, b = steps.loc["a"], steps.loc["b"]
    assert abs(a["estimate"] - truth["a"]) < 2.6 * a["std_error"]
    assert abs(b["estimate"] - truth["b"]) < 2.6 * b["std_error"]
    effects = result.spatial.set_index(["path", "effect"])
    assert _inside(effects.loc[("X -> M", "direct")], truth["a"])
    for kind in ("direct", "indirect", "total"):
        assert _inside(effects.loc[("M -> Y", kind)], truth["effects_of_mediator"][kind]), kind
        mediated = truth["mediated_effects_of_infrastructure_index"][kind]
        assert _inside(effects.loc[("X -> M -> Y (mediated)", kind)], mediated), kind


def test_the_threshold_is_recovered(full):
    drawn, panel, _ = full
    truth = drawn.parameters["mechanisms"]["threshold"]
    result = PanelThreshold(
        panel,
        "nqpf_latent",
        ["infrastructure_index"],
        "financial_development",
        CONTROLS,
        thresholds=2,
        fixed_effects="two-way",
        bootstrap=100,
        seed=5,
    ).fit()
    tests = result.frames()["tests"].set_index("test")
    assert tests.loc["single", "p"] < 0.01 and tests.loc["double", "p"] > 0.05  # one threshold, as drawn
    single = result.frames()["thresholds"].iloc[0]
    # the estimate lies next to the threshold of the process, the likelihood-ratio interval (widened to the
    # neighbouring observed values, between which any threshold splits the data alike) holds it, and the
    # estimated split moves at most two of the 372 observations to the other regime
    ratios = np.sort(panel["financial_development"].unique())
    assert abs(single["estimate"] - truth["value"]) < 0.01
    low = ratios[ratios < single["ci_low"]].max(initial=-np.inf)
    high = ratios[ratios > single["ci_high"]].min(initial=np.inf)
    assert low < truth["value"] < high
    drawn_above = drawn.truth["infrastructure_slope"].to_numpy() > truth["slope_below"]
    estimated_above = panel["financial_development"].to_numpy() > single["estimate"]
    assert (drawn_above != estimated_above).sum() <= 2
    # the single-threshold model with year effects (the process has them): the jump of new infrastructure's
    # own slope at the threshold, which the mediated path a b and the spatial terms left out of the model
    # shift alike on both sides
    single = PanelThreshold(
        panel,
        "nqpf_latent",
        ["infrastructure_index"],
        "financial_development",
        CONTROLS,
        thresholds=1,
        fixed_effects="two-way",
        bootstrap=0,
    ).fit()
    slopes = single.frames()["estimates"].set_index("term")
    below, above = (slopes.loc[f"infrastructure_index_regime{k}"] for k in (1, 2))
    jump = above["estimate"] - below["estimate"]
    se = np.hypot(above["std_error"], below["std_error"])
    assert abs(jump - (truth["slope_above"] - truth["slope_below"])) < 2.6 * se


def test_the_moderation_is_recovered(province_gdf):
    drawn = demo.simulate(province_gdf, 2012, 2023, _settings(moderator=True))
    panel = _panel(drawn)
    w = _weights(province_gdf)
    truth = drawn.parameters["mechanisms"]["moderator"]
    result = nqpf.moderation(
        panel, "nqpf_latent", "infrastructure_index", "marketisation", CONTROLS, w=w, draws=500, seed=4
    )
    estimates = result.frames()["estimates"].set_index("term")
    row = estimates.loc[result.term]
    assert abs(row["estimate"] - truth["kappa"]) < 2.6 * row["std_error"]
    assert (
        abs(estimates.loc[f"W.{result.term}", "estimate"])
        < 2.6 * estimates.loc[f"W.{result.term}", "std_error"]
    )
    assert result.centres["marketisation"] == pytest.approx(truth["moderator_mean"], abs=0.01)
    # the marginal direct effect rises with the moderator at kappa times the direct multiplier
    direct = result.marginal[result.marginal["effect"] == "direct"]
    slope = np.polyfit(direct["moderator"], direct["estimate"], 1)[0]
    assert slope == pytest.approx(row["estimate"] * 1.0, rel=0.1)


@pytest.mark.slow
def test_the_demo_study_finds_its_mechanisms_on_the_measured_indices(demo_province_run):
    """What the demo study reports from its written files: the threshold where the process put it, the effect of
    new infrastructure on the mediator inside its interval, and the signs the process sets."""
    import json

    results = demo_province_run / "results" / "demo_province"
    truth = json.loads(
        (demo_province_run / "resources/demo/demo_province/truth.json").read_text(encoding="utf-8")
    )["mechanisms"]
    tests = pd.read_csv(results / "threshold/tests.csv").set_index("test")
    assert tests.loc["single", "p"] < 0.01 and tests.loc["double", "p"] > 0.05
    single = pd.read_csv(results / "threshold/thresholds.csv").iloc[0]
    assert abs(single["estimate"] - truth["threshold"]["value"]) < 0.01
    steps = pd.read_csv(results / "mechanisms/mediation_digital_finance/steps.csv").set_index("symbol")
    a = steps.loc["a"]
    assert abs(a["estimate"] - truth["mediator"]["a"]) < 2.6 * a["std_error"]
    indirect = pd.read_csv(results / "mechanisms/mediation_digital_finance/indirect.csv").iloc[0]
    assert indirect["boot_ci_low"] > 0 and indirect["sobel_p"] < 0.01
    moderation = pd.read_csv(results / "mechanisms/moderation_marketisation/estimates.csv")
    product = moderation[moderation["term"] == "infrastructure_x_marketisation"]
    assert (product["estimate"] > 0).all() and (product["p"] < 0.05).all()
    effects = pd.read_csv(results / "models/effects.csv")
    main = effects[
        (effects["model"] == "sdm")
        & (effects["weights"] == "queen")
        & (effects["spec"] == "main")
        & (effects["variable"] == "infrastructure")
    ].set_index("effect")
    assert main.loc["direct", "estimate"] > 0 > main.loc["indirect", "estimate"]
    assert main.loc["indirect", "p"] < 0.05
