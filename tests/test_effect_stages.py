"""The baseline and threshold stages: the results frames the jobs write (nqpf.models.baseline.baseline_tables,
ThresholdResults.frames), the tables made of them in English and Chinese, the LR figure, and the settings."""

from __future__ import annotations

import numpy as np
import pytest

from nqpf.models.baseline import PanelRegression, baseline_tables
from nqpf.models.settings import ModelsSettings
from nqpf.models.threshold import PanelThreshold, critical_lr
from nqpf.tables import baseline as tables
from nqpf.tables.labels import Labels
from tests.test_threshold import panel

LABELS = {
    "x": {"en": "New infrastructure", "zh": "新型基础设施"},
    "q": {"en": "GDP per capita", "zh": "人均GDP"},
}


def test_the_baseline_frames_are_the_regressions_with_and_without_controls():
    data = panel(n=30, t=6)
    out = baseline_tables(data, "y", ["x", "z"], years=[2002, 2003, 2004, 2005])
    alone = PanelRegression(data, "y", ["x"], years=[2002, 2003, 2004, 2005]).fit()
    both = PanelRegression(data, "y", ["x", "z"], years=[2002, 2003, 2004, 2005]).fit()
    first = out["estimates"][out["estimates"]["spec"] == "(1)"]
    np.testing.assert_allclose(first["estimate"], alone.params, rtol=1e-12)
    second = out["estimates"][out["estimates"]["spec"] == "(2)"]
    np.testing.assert_allclose(second["std_error"], both.std_errors, rtol=1e-12)
    assert list(out["fit"]["n_obs"]) == [120, 120]
    rows = data[data["year"].between(2002, 2005)]
    r = out["correlations"].set_index(["a", "b"]).loc[("y", "x"), "r"]
    assert r == pytest.approx(np.corrcoef(rows["y"], rows["x"])[0, 1], rel=1e-12)
    assert list(out["vif"]["variable"]) == ["x", "z", "mean"]
    for language in ("en", "zh"):
        labels = Labels(language, LABELS)
        table = tables.baseline_regression(out["estimates"], out["fit"], labels)
        assert [c.text for c in table.columns] == [labels.term("variable"), "(1)", "(2)"]
        assert table.blocks[0].rows[0].label.text == LABELS["x"][language]
        assert table.blocks[0].rows[0].cells[0].text == f"{alone.params['x']:.3f}"
        assert table.blocks[0].rows[2].cells[0].text == ""  # z is not in column (1)
        assert [r.cells[1].text for r in table.blocks[1].rows[:2]] == [labels.term("yes")] * 2
        matrix = tables.correlation(out["correlations"], labels)
        assert (
            matrix.blocks[0].rows[1].cells[0].text == f"{r:.3f}"
            and matrix.blocks[0].rows[0].cells[1].text == ""
        )
        vif = tables.vif(out["vif"], labels)
        assert vif.blocks[1].rows[0].label.text == labels.term("mean_vif")


def test_the_threshold_frames_tables_and_lr_figure(tmp_path, monkeypatch):
    data = panel(n=30, t=8)
    result = PanelThreshold(data, "y", "x", "q", ["z"], thresholds=2, bootstrap=20, seed=2).fit()
    frames = result.frames()
    assert set(frames) == {"thresholds", "tests", "regimes", "lr", "estimates", "fit"}
    assert frames["fit"]["threshold_variable"].iloc[0] == "q" and frames["fit"]["bootstrap"].iloc[0] == 20
    for language in ("en", "zh"):
        labels = Labels(language, LABELS)
        tests = tables.threshold_tests(frames["tests"], frames["thresholds"], "q", labels)
        assert [r.label.text for r in tests.blocks[0].rows] == [
            labels.term("threshold_single"),
            labels.term("threshold_double"),
        ]
        assert tests.blocks[0].rows[0].cells[1].text == f"{frames['tests']['p'].iloc[0]:.3f}"
        assert len(tests.blocks[1].rows) == 3
        slopes = tables.threshold_regression(
            frames["estimates"], frames["regimes"], frames["fit"].iloc[0].to_dict(), labels
        )
        g1, g2 = result.estimates_of_thresholds
        first = slopes.blocks[0].rows[0].label.text
        assert first.startswith(LABELS["x"][language]) and f"≤ {g1:.4f}" in first
        assert f"> {g2:.4f}" in slopes.blocks[0].rows[4].label.text
    from nqpf.figures import threshold as figure

    drawn = []
    monkeypatch.setattr(figure, "save", lambda fig, path: drawn.append(fig))
    figure.lr_plot(frames["lr"], frames["thresholds"], tmp_path / "lr.png", "q", labels=Labels("en", LABELS))
    axes = drawn[0].axes
    assert len(axes) == 3
    line = axes[0].lines[0]
    finite = frames["lr"]["lr_single"].notna()
    np.testing.assert_allclose(line.get_ydata(), frames["lr"]["lr_single"][finite])
    assert axes[0].lines[1].get_ydata()[0] == pytest.approx(critical_lr(0.95))


def test_threshold_settings_default_to_the_first_explanatory_variable():
    settings = ModelsSettings(
        dependent="y", explanatory=["x", "z", "w"], threshold={"variable": "q", "bootstrap": 50}
    )
    assert settings.threshold_regime == ["x"] and settings.threshold_controls == ["z", "w"]
    assert settings.baseline.cov == "clustered" and settings.baseline.fixed_effects == "two-way"
    assert ModelsSettings(dependent="y", explanatory=["x"], baseline=None).baseline is None
    with pytest.raises(ValueError):
        ModelsSettings(dependent="y", explanatory=["x"], threshold={"variable": "q", "thresholds": 4})


def test_the_spillover_boundary_table_and_figure(tmp_path, monkeypatch):
    from nqpf.models.boundary import spillover_boundary
    from tests.test_spillover_boundary import DISTANCES, process

    largest = float(DISTANCES.to_numpy().max())
    effects = spillover_boundary(process(3), "y", ["x", "z"], DISTANCES, variables=["x"], start=100,
                                 stop=largest, step=300, draws=100)  # fmt: skip
    for language in ("en", "zh"):
        labels = Labels(language, LABELS)
        table = tables.spillover_boundary(effects, "x", "beyond", 1.0, labels)
        rows = table.blocks[0].rows
        first = effects[(effects["distance_km"] == 100) & (effects["effect"] == "indirect")].iloc[0]
        assert rows[0].label.text == "≥ 100 km"
        assert (
            rows[0].cells[1].text == f"{first['estimate']:.{labels.style.decimals_of([first['estimate']])}f}"
        )
        assert rows[-1].cells[0].text == labels.term("not_estimated")  # the farthest distance: no neighbours
    from nqpf.figures import boundary as figure

    # a distance whose rho is at its bound: a dagger in the table, left out of the figure and named
    effects.loc[effects["distance_km"] == 400, "at_bound"] = True
    table = tables.spillover_boundary(effects, "x", "beyond", 1.0, Labels("en", LABELS))
    assert table.blocks[0].rows[2].label.text == "≥ 400 km †" and any("†" in n for n in table.notes)
    drawn = []
    monkeypatch.setattr(figure, "save", lambda fig, path: drawn.append(fig))
    figure.boundary_plot(effects, tmp_path / "b.png", labels=Labels("en", LABELS))
    line = drawn[0].axes[0].lines[0]
    indirect = effects[effects["effect"] == "indirect"]
    estimated = indirect[indirect["estimate"].notna() & (indirect["distance_km"] != 400)]
    np.testing.assert_allclose(line.get_xdata(), estimated["distance_km"])
    np.testing.assert_allclose(line.get_ydata(), estimated["estimate"])
    assert "left out: 400 km" in drawn[0]._suptitle.get_text()
