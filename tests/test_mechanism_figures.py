"""The marginal-effect plot of a moderation (nqpf.figures.mechanisms): one panel per (spec, effect) in the order
journals print them, the same bytes on a rerun, English and Chinese, and the frame nqpf.moderation makes."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from nqpf import figures
from nqpf.figures import mechanisms as figure
from nqpf.figures.style import use_cjk_font
from nqpf.tables.labels import Labels

LABELS = {
    "x": {"en": "New infrastructure", "zh": "新型基础设施"},
    "m": {"en": "Marketisation index", "zh": "市场化指数"},
}
VALUES = np.linspace(4.0, 9.0, 6)
CENTRE = 6.5


def marginal_frame() -> pd.DataFrame:
    """A marginal.csv by hand: the fixed-effects marginal effect and the SDM's three effects at six moderator
    values (the spatial rows first, as a merged file may hold them)."""
    rows = []
    for spec, effects in (("sdm", ("total", "direct", "indirect")), ("fe", ("marginal",))):
        for effect in effects:
            slope = {"marginal": 0.10, "direct": 0.11, "indirect": 0.05, "total": 0.16}[effect]
            for m in VALUES:
                estimate = 0.4 + slope * (m - CENTRE)
                rows.append([spec, m, effect, estimate, 0.08, 0.01, estimate - 0.16, estimate + 0.16])
    return pd.DataFrame(
        rows, columns=["spec", "moderator", "effect", "estimate", "std_error", "p", "ci_low", "ci_high"]
    )


def test_the_panels_are_the_fe_marginal_effect_then_the_spatial_effects():
    marginal = marginal_frame()
    assert figure._panels(marginal) == [
        ("fe", "marginal"),
        ("sdm", "direct"),
        ("sdm", "indirect"),
        ("sdm", "total"),
    ]
    assert figure._panels(marginal[marginal["spec"] == "fe"]) == [("fe", "marginal")]
    assert figure._panels(marginal[marginal["spec"] == "sdm"].assign(spec="sar")) == [
        ("sar", "direct"),
        ("sar", "indirect"),
        ("sar", "total"),
    ]


@pytest.mark.parametrize("language", ["en", "zh"])
def test_the_marginal_plot_draws_each_panel_and_the_same_bytes_twice(tmp_path, monkeypatch, language):
    if language == "zh" and not use_cjk_font():
        pytest.skip("the Chinese font (mplfonts) is not installed")
    labels = Labels(language, LABELS)
    marginal = marginal_frame()
    observed = pd.Series(np.random.default_rng(0).normal(CENTRE, 1.2, 200))
    options = {"note": labels.term("simulated"), "labels": labels, "distribution": observed, "centre": CENTRE}
    first, second = tmp_path / "one" / "marginal.png", tmp_path / "two" / "marginal.png"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        figures.marginal_plot(marginal, first, "x", "m", **options)
    assert not [w for w in caught if "glyph" in str(w.message).lower()]  # no tofu boxes for Chinese
    figures.marginal_plot(marginal, second, "x", "m", **options)
    assert first.is_file() and first.read_bytes() == second.read_bytes()

    drawn = []
    monkeypatch.setattr(figure, "save", lambda fig, path: drawn.append(fig))
    figures.marginal_plot(marginal, tmp_path / "kept.png", "x", "m", **options)
    figures.marginal_plot(marginal[marginal["spec"] == "fe"], tmp_path / "fe.png", "x", "m", **options)
    both, fe = drawn
    shown = [ax for ax in both.axes if ax.axison]
    assert len(shown) == 4 and len(fe.axes) == 1
    titles = [ax.get_title() for ax in shown]
    direct = {"en": "SDM: direct effect", "zh": "空间杜宾模型：直接效应"}[language]
    assert titles[1] == direct and titles[0] == figure.term(labels, "fe")
    # the estimate as a line over the moderator values, in their order, and the interval shaded around it
    line = shown[3].lines[0]
    total = marginal[(marginal["spec"] == "sdm") & (marginal["effect"] == "total")]
    np.testing.assert_allclose(line.get_xdata(), VALUES)
    np.testing.assert_allclose(line.get_ydata(), total["estimate"])
    assert shown[0].get_xlabel() == "" and shown[2].get_xlabel() == LABELS["m"][language]
    assert LABELS["x"][language] in shown[0].get_ylabel().replace("\n", " ")
    caption = both.get_suptitle()
    assert labels.term("simulated") in caption and "95%" in caption


def test_a_frame_without_a_spec_column_stops_with_the_columns_it_has(tmp_path):
    from nqpf.errors import InputError

    with pytest.raises(InputError, match="spec"):
        figures.marginal_plot(marginal_frame().drop(columns="spec"), tmp_path / "m.png", "x", "m")


def test_the_marginal_plot_of_a_moderation_the_library_estimated(tmp_path):
    try:
        from nqpf import moderation
    except ImportError:
        pytest.skip("nqpf.moderation is not available")
    from tests.test_mechanisms import WEIGHTS, moderation_panel

    data = moderation_panel(3)
    plain = moderation(data, "y", "x", "m", points=7)
    spatial = moderation(data, "y", "x", "m", w=WEIGHTS, draws=100, points=7)
    marginal = pd.concat([plain.marginal.assign(spec="fe"), spatial.marginal.assign(spec="sdm")])
    assert figure._panels(marginal) == [
        ("fe", "marginal"),
        ("sdm", "direct"),
        ("sdm", "indirect"),
        ("sdm", "total"),
    ]
    for language in ("en", "zh"):
        path = tmp_path / f"marginal_{language}.png"
        figures.marginal_plot(marginal, path, "x", "m", labels=Labels(language, LABELS),
                              distribution=data["m"], centre=plain.centres["m"])  # fmt: skip
        assert path.stat().st_size > 10_000
