"""One inference per number: an effect's stars in the tables and its interval in the effects figure come from the
same columns of effects.csv (p, ci_low, ci_high), made by one method (``models.effects.inference``), so that an
effect starred at 1 - level is exactly one whose interval at that level excludes 0 (a filled marker), also when
rho nears the bound of its interval; and the effects of a fit at the bound are flagged in tables and figures."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from nqpf.figures import estimates as figures_estimates
from nqpf.models import effects, selection
from nqpf.models.estimation import fit
from nqpf.models.operator import SpatialOperator
from nqpf.models.panel_data import Panel
from nqpf.models.settings import EffectsSettings
from nqpf.tables import cells, regression
from nqpf.tables.labels import Labels
from nqpf.weights import spectrum
from nqpf.weights.standardise import parameter_bounds
from tests.fixtures import make_spatialreg

VARIABLES = ["a", "b"]
# one star level per interval level: a star at p < 1 - level against the interval at level
LEVELS = (0.90, 0.95, 0.99)


@pytest.fixture(scope="module")
def columbus():
    w, data = make_spatialreg.columbus()
    eigen = spectrum.compute(w.raw, w.matrix)
    op = SpatialOperator(w.matrix, eigen)
    return w, data, op, parameter_bounds(eigen.real.min(), eigen.real.max())


def simulated_panel(w, seed: int, rho: float) -> Panel:
    """A cross-section on the Columbus W from an SDM with the given rho (0.9: its estimate nears the bound 1,
    where 1 / (1 - rho) makes the simulated effects heavy-tailed and skewed)."""
    dense = w.matrix.toarray()
    n = dense.shape[0]
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 2))
    signal = x @ [1.0, 0.05] + dense @ x @ [0.3, -0.1]
    y = np.linalg.solve(np.eye(n) - rho * dense, signal + 2.0 * rng.normal(size=n))
    return Panel(y[None], x[None], tuple(VARIABLES), tuple(w.ids), (0,), "y")


def results_of(table: pd.DataFrame, facts: dict, at_bound: bool = False) -> regression.Results:
    """The merged results of one SDM on one W, as the tables read them from the models stage."""
    keys = {"model": "sdm", "weights": "w", "spec": "main"}
    record = {"spec": "main", "at_bound": at_bound, "effects": facts}
    return regression.Results(
        pd.DataFrame(columns=["model", "weights", "spec", "term"]),
        table.assign(**keys),
        pd.DataFrame(columns=["model", "weights", "spec"]),
        pd.json_normalize([record], sep="_").assign(model="sdm", weights="w"),
    )


def starred(table: pd.DataFrame, facts: dict, alpha: float) -> dict[tuple[str, str], bool]:
    """(variable, effect) -> whether the effects table stars the effect at ``alpha`` or below."""
    threshold = dict((symbol, p) for p, symbol in cells.STAR_LEVELS)
    made = regression.effects(results_of(table, facts), "sdm", "w", VARIABLES, Labels("en"))
    out = {}
    for row in made.blocks[0].rows:
        if row.kind != "value":
            continue
        for kind, cell in zip(regression.EFFECTS, row.cells, strict=True):
            out[(row.label.text, kind)] = bool(cell.stars) and threshold[cell.stars] <= alpha + 1e-12
    return out


def filled(table: pd.DataFrame) -> dict[tuple[str, str], bool]:
    """(variable, effect) -> whether the effects figure draws a filled marker (its interval excludes 0)."""
    return {
        (r.variable, r.effect): figures_estimates.interval_excludes_zero(r.ci_low, r.ci_high)
        for r in table.itertuples()
    }


def fits(columbus):
    """The Columbus SDM of the data (rho 0.43) and six SDMs of simulated data whose rho (0.79 to 0.93) nears
    the bound 1."""
    w, data, op, bounds = columbus
    real = Panel(
        data["CRIME"].to_numpy()[None],
        data[["INC", "HOVAL"]].to_numpy()[None],
        tuple(VARIABLES),
        tuple(w.ids),
        (0,),
        "CRIME",
    )
    panels = [real, *(simulated_panel(w, seed, 0.9) for seed in range(6))]
    return [fit("sdm", panel, op, "none", "lee_yu", bounds) for panel in panels]


@pytest.mark.parametrize("inference", effects.INFERENCES)
def test_stars_agree_with_the_figure_interval_for_every_effect(columbus, inference):
    _, _, op, bounds = columbus
    checked = near_bound = 0
    for result in fits(columbus):
        for level in LEVELS:
            rng = np.random.default_rng(11)
            table, facts = effects.effects(result, op, VARIABLES, 1000, rng, bounds, level, inference)
            stars, markers = starred(table, facts, 1 - level), filled(table)
            assert stars == markers, (inference, result.spatial, level)
            checked += len(markers)
            near_bound += len(markers) * (result.spatial > 0.75)
    assert checked == 7 * 3 * 6 and near_bound == 6 * 3 * 6


def test_the_normal_reading_and_the_percentile_interval_disagree_near_the_bound(columbus):
    """What one inference per number removes: with rho near its bound the draws of the indirect effect are
    heavy-tailed, its simulated standard error large, and the normal p of estimate / s.e. misses effects whose
    percentile interval lies well away from 0 (the old mix of normal stars and percentile intervals)."""
    w, _, op, bounds = columbus
    result = fit("sdm", simulated_panel(w, 2, 0.9), op, "none", "lee_yu", bounds)
    assert 0.75 < result.spatial < bounds[1] and not result.extra["at_bound"]
    normal, _ = effects.effects(result, op, VARIABLES, 1000, np.random.default_rng(1), bounds, 0.95, "normal")
    drawn, _ = effects.effects(
        result, op, VARIABLES, 1000, np.random.default_rng(1), bounds, 0.95, "percentile"
    )
    # the same draws: the same standard errors, the inference alone differs
    np.testing.assert_array_equal(normal["std_error"], drawn["std_error"])
    mixed = (normal["p"] < 0.05) != ((drawn["ci_low"] > 0) | (drawn["ci_high"] < 0))
    assert mixed.any()
    # each inference agrees with itself
    for table in (normal, drawn):
        assert ((table["p"] < 0.05) == ((table["ci_low"] > 0) | (table["ci_high"] < 0))).all()


def test_percentile_p_inverts_the_percentile_interval():
    rng = np.random.default_rng(5)
    for shift in np.linspace(-4, 4, 81):
        values = rng.standard_gamma(2.0, size=400) - 2.0 + shift
        p = effects.percentile_p(values)
        for level in (0.8, 0.9, 0.95, 0.99):
            tail = 100 * (1 - level) / 2
            low, high = np.percentile(values, [tail, 100 - tail])
            assert (p < 1 - level) == (low > 0 or high < 0)
    assert effects.percentile_p(np.array([1.0, 2.0, 3.0])) == 0.0
    assert effects.percentile_p(np.array([-1.0, 1.0])) == pytest.approx(1.0)


def test_normal_intervals_are_the_estimate_plus_minus_z_standard_errors(columbus):
    _, data, op, bounds = columbus
    result = fits(columbus)[0]
    table, facts = effects.effects(result, op, VARIABLES, 500, np.random.default_rng(0), bounds, 0.9)
    assert facts["interval"] == "normal" and EffectsSettings().inference == "normal"
    half = 1.6448536269514722 * table["std_error"]
    np.testing.assert_allclose(table["ci_low"], table["estimate"] - half, rtol=1e-12)
    np.testing.assert_allclose(table["ci_high"], table["estimate"] + half, rtol=1e-12)
    np.testing.assert_allclose(table["z"], table["estimate"] / table["std_error"], rtol=1e-12)


def test_effects_of_a_fit_at_the_bound_are_flagged_in_table_and_figure(columbus, tmp_path):
    """rho's interval cut at 0.7 below the estimate (0.8): the maximum lies at the bound."""
    w, _, op, bounds = columbus
    cut = (bounds[0], 0.7)
    result = fit("sdm", simulated_panel(w, 2, 0.9), op, "none", "lee_yu", cut)
    assert result.extra["at_bound"] and result.at_bound
    # no covariance at the bound (Andrews 1999): no standard error, Wald test or interval, and a note saying why
    assert np.isnan(result.cov).all() and np.isnan(result.std_errors()).all()
    assert "(Andrews 1999)" in result.undefined_errors_note()
    assert np.isnan(selection.wald_no_lags(result, VARIABLES, "wald_sdm_vs_sar")[1:4:2]).all()
    assert np.isnan(selection.wald_common_factor(result, VARIABLES)[1:4:2]).all()
    inside = fit("sdm", simulated_panel(w, 2, 0.9), op, "none", "lee_yu", bounds)
    assert not inside.at_bound and np.isfinite(inside.std_errors()).all()
    row, note = selection.hausman(inside, result, inside.cov)
    assert np.isnan(row[1]) and np.isnan(row[3]) and "bound of W's interval" in note
    table, facts = effects.effects(result, op, VARIABLES, 500, np.random.default_rng(0), cut)
    assert table[["std_error", "ci_low", "ci_high", "p"]].isna().all().all() and facts["draws"] == 0
    results = results_of(table, facts, at_bound=True)
    made = regression.effects(results, "sdm", "w", VARIABLES, Labels("en"))
    assert made.title.text.endswith("†")
    assert any("lies at the bound of W's interval" in note for note in made.notes)
    stars, markers = starred(table, facts, 0.05), filled(table)
    assert stars == markers
    merged_fits = results.fit.assign(effects_interval="normal")
    assert figures_estimates.at_bound_weights(merged_fits, {"model": "sdm", "spec": "main"}) == {"w"}
    assert figures_estimates.at_bound_weights(merged_fits.assign(at_bound=False), {"model": "sdm"}) == set()
    figures_estimates.effects_plot(
        results.effects, tmp_path / "effects.png", model="sdm", fits=merged_fits, level=0.95
    )
    assert (tmp_path / "effects.png").stat().st_size > 0


def test_the_effects_note_names_the_inference(columbus):
    _, _, op, bounds = columbus
    result = fits(columbus)[0]
    for inference, words in (("normal", "on the normal distribution"), ("percentile", "share of draws")):
        table, facts = effects.effects(
            result, op, VARIABLES, 200, np.random.default_rng(0), bounds, 0.95, inference
        )
        made = regression.effects(results_of(table, facts), "sdm", "w", VARIABLES, Labels("en"))
        assert any(words in note for note in made.notes)
        zh = regression.effects(results_of(table, facts), "sdm", "w", VARIABLES, Labels("zh"))
        assert any("区间" in note for note in zh.notes)


def demo_agreement(run) -> int:
    """In a run of demo_province: the effects and robustness tables' stars at 5 % against the filled markers of
    the effects figure (intervals of models/effects.csv, 95 %), for every effect of the preferred model; returns
    the number of effects compared."""
    import json

    import yaml

    from nqpf.tables.model import from_dict
    from tests.conftest import REPO

    study = yaml.safe_load((REPO / "config/studies/demo_province.yaml").read_text(encoding="utf-8"))[
        "studies"
    ][0]
    explanatory, weights = study["models"]["explanatory"], study["models"]["weights"]
    model = study["tables"]["model"]
    base = run / "results" / "demo_province"
    frame = pd.read_csv(base / "models" / "effects.csv")
    frame = frame[(frame["model"] == model) & (frame["spec"] == "main")]
    marker = {
        (r.weights, r.variable, r.effect): figures_estimates.interval_excludes_zero(r.ci_low, r.ci_high)
        for r in frame.itertuples()
    }
    five = {symbol for p, symbol in cells.STAR_LEVELS if p <= 0.05}
    compared = 0
    main = from_dict(json.loads((base / "tables" / "effects.json").read_text(encoding="utf-8")))
    rows = [row for row in main.blocks[0].rows if row.kind == "value"]
    for variable, row in zip(explanatory, rows, strict=True):
        for effect, cell in zip(regression.EFFECTS, row.cells, strict=True):
            assert (cell.stars in five) == marker[(study["tables"]["weights"], variable, effect)]
            compared += 1
    robustness = from_dict(json.loads((base / "tables" / "robustness.json").read_text(encoding="utf-8")))
    for effect, block in zip(regression.EFFECTS, robustness.blocks, strict=False):
        rows = [row for row in block.rows if row.kind == "value"]
        for variable, row in zip(explanatory, rows, strict=True):
            for w, cell in zip(weights, row.cells, strict=True):
                assert (cell.stars in five) == marker[(w, variable, effect)], (w, variable, effect)
                compared += 1
    return compared


@pytest.mark.slow
@pytest.mark.workflow
def test_every_effect_of_the_demo_study_has_its_stars_and_its_interval_agree(demo_province_run):
    assert demo_agreement(demo_province_run) == 6 * 3 + 6 * 3 * 4
