"""The figures of a policy evaluation (nqpf.figures.policy) drawn from the library's own event study and placebo
test on a small simulated staggered panel: the points are the table's estimates, the reference period a hollow
point at 0, the binned ends labelled, the placebo's line at the actual estimate, English and Chinese, the same
bytes on a rerun, and the errors of a table without its columns."""

from __future__ import annotations

import warnings

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

import nqpf
from nqpf import figures
from nqpf.errors import InputError
from nqpf.figures import policy
from nqpf.figures.style import FigureFiles, use_cjk_font
from nqpf.tables.labels import Labels

LABELS = {"y": {"en": "New quality productive forces", "zh": "新质生产力"}}
YEARS = np.arange(2011, 2021)


def staggered_panel(n: int = 40, seed: int = 0):
    """40 units x 10 years, cohorts of 10 units first treated in 2014, 2016 and 2018, 10 never treated; an
    effect of 0.5 + 0.2 k from the first treated year, none before it."""
    rng = np.random.default_rng(seed)
    t = len(YEARS)
    first = np.full(n, np.nan)
    for c, g in enumerate((2014, 2016, 2018)):
        first[10 * c : 10 * (c + 1)] = g
    k = YEARS[:, None] - first[None, :]
    with np.errstate(invalid="ignore"):
        tau = np.where(k >= 0, 0.5 + 0.2 * np.nan_to_num(k), 0.0)
    x = rng.normal(0, 1, (t, n))
    y = rng.normal(0, 1, n)[None, :] + np.cumsum(rng.normal(0.2, 0.3, t))[:, None] + 0.5 * x + tau
    y = y + rng.normal(0, 0.5, (t, n))
    codes = np.array([f"u{i:03d}" for i in range(n)])
    frame = pd.DataFrame(
        {"code": np.tile(codes, t), "year": np.repeat(YEARS, n), "y": y.ravel(), "x": x.ravel()}
    )
    policy_years = {codes[i]: int(first[i]) for i in np.flatnonzero(np.isfinite(first))}
    return frame, policy_years


@pytest.fixture(scope="module")
def results():
    frame, policy_years = staggered_panel()
    twfe = nqpf.event_study(frame, "y", policy_years, ["x"], method="twfe").frames()
    sun_abraham = nqpf.event_study(frame, "y", policy_years, ["x"], method="sun_abraham").frames()
    placebo = nqpf.placebo(frame, "y", policy_years, ["x"], draws=50, seed=1).frames()
    return {"twfe": twfe, "sun_abraham": sun_abraham, "placebo": placebo}


def drawn_twice(tmp_path, draw, name: str) -> bytes:
    """Draw a figure to two files, with no missing glyph; the bytes of the first, equal to the second's."""
    first, second = tmp_path / "one" / name, tmp_path / "two" / name
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        draw(first)
    assert not [w for w in caught if "glyph" in str(w.message).lower()]  # no tofu boxes for Chinese
    draw(second)
    assert first.is_file() and first.stat().st_size > 10_000
    assert first.read_bytes() == second.read_bytes()
    return first.read_bytes()


def skip_without_chinese(language: str) -> None:
    if language == "zh" and not use_cjk_font():
        pytest.skip("the Chinese font (mplfonts) is not installed")


@pytest.mark.parametrize("language", ["en", "zh"])
def test_both_figures_draw_in_each_language_with_the_same_bytes_twice(tmp_path, results, language):
    skip_without_chinese(language)
    labels = Labels(language, LABELS)
    note = labels.term("simulated")
    twfe, sun_abraham = results["twfe"], results["sun_abraham"]
    drawn_twice(
        tmp_path,
        lambda path: figures.event_study_plot(
            twfe["event_study"], path, "y", pretrend=twfe["pretrend"], note=note, labels=labels, binned=True
        ),
        f"event_study_{language}.png",
    )
    drawn_twice(
        tmp_path,
        lambda path: figures.event_study_plot(
            twfe["event_study"],
            path,
            "y",
            pretrend={"twfe": twfe["pretrend"], "sun_abraham": sun_abraham["pretrend"]},
            note=note,
            labels=labels,
            methods={"twfe": twfe["event_study"], "sun_abraham": sun_abraham["event_study"]},
            binned=True,
        ),
        f"event_study_methods_{language}.png",
    )
    summary = results["placebo"]["summary"].iloc[0]
    for statistic, actual in (("estimate", summary["actual"]), ("t", summary["actual_t"])):
        drawn_twice(
            tmp_path,
            lambda path, statistic=statistic, actual=actual: figures.placebo_plot(
                results["placebo"]["draws"],
                actual,
                path,
                p_value=summary["p_randomisation"],
                note=note,
                labels=labels,
                statistic=statistic,
            ),
            f"placebo_{statistic}_{language}.png",
        )


def test_a_figure_is_written_to_each_file_of_its_figure_files(tmp_path, results):
    files = FigureFiles((str(tmp_path / "es.png"), str(tmp_path / "es.pdf")), dpi=200)
    figures.event_study_plot(results["twfe"]["event_study"], files, "y")
    placebo = FigureFiles((str(tmp_path / "placebo.png"), str(tmp_path / "placebo.pdf")))
    figures.placebo_plot(results["placebo"]["draws"], 0.5, placebo)
    for name in ("es.png", "es.pdf", "placebo.png", "placebo.pdf"):
        assert (tmp_path / name).stat().st_size > 5_000
    assert (tmp_path / "es.pdf").read_bytes().startswith(b"%PDF")


def gid(ax, prefix: str) -> list:
    return [line for line in ax.lines if str(line.get_gid()).startswith(prefix)]


def test_the_points_are_the_estimates_and_the_reference_period_a_hollow_point_at_zero(results):
    table, pretrend = results["twfe"]["event_study"], results["twfe"]["pretrend"]
    fig = policy._draw_event_study(table, "y", pretrend=pretrend, binned=True, labels=Labels("en", LABELS))
    ax = fig.axes[0]
    estimated = table[table["std_error"].notna()]
    (points,) = gid(ax, "estimates:")
    assert_allclose(points.get_xdata(), estimated["period"])
    assert_allclose(points.get_ydata(), estimated["estimate"])
    (reference,) = gid(ax, "reference:")
    assert list(reference.get_xdata()) == [-1] and list(reference.get_ydata()) == [0.0]
    assert reference.get_markerfacecolor() == "white"
    # the capped bars span each interval
    caps = [line for line in ax.lines if line.get_marker() == "_"]
    assert caps
    drawn = np.sort(np.concatenate([cap.get_ydata() for cap in caps]))
    assert_allclose(drawn, np.sort(np.concatenate([estimated["ci_low"], estimated["ci_high"]])))
    (policy_line,) = gid(ax, "policy")
    assert list(policy_line.get_xdata()) == [-0.5, -0.5]
    assert [round(v) for v in ax.get_xticks()] == list(range(-4, 5))
    ticks = [label.get_text() for label in ax.get_xticklabels()]
    assert ticks[0] == "≤ −4" and ticks[-1] == "≥ 4" and ticks[1:-1] == ["−3", "−2", "−1", "0", "1", "2", "3"]
    (corner,) = [text for text in ax.texts if text.get_gid() == "pretrend"]
    row = pretrend.iloc[0]
    assert f"F(3, {int(row['df_den'])}) = {row['f']:.2f}" in corner.get_text()
    assert corner.get_va() == "top"  # the effects rise: the test above the leads
    assert ax.get_ylabel() == "Effect on New quality productive forces"
    assert ax.get_xlabel() == "Years relative to the policy"
    plt.close(fig)

    unbinned = policy._draw_event_study(table, "y")
    ticks = [label.get_text() for label in unbinned.axes[0].get_xticklabels()]
    assert ticks[0] == "−4" and ticks[-1] == "4"
    assert not [text for text in unbinned.axes[0].texts if text.get_gid() == "pretrend"]
    plt.close(unbinned)

    falling = table.assign(estimate=-table["estimate"], ci_low=-table["ci_high"], ci_high=-table["ci_low"])
    fig = policy._draw_event_study(falling, "y", pretrend=pretrend)
    (corner,) = [text for text in fig.axes[0].texts if text.get_gid() == "pretrend"]
    assert corner.get_va() == "bottom"
    plt.close(fig)


def test_several_estimators_are_drawn_side_by_side_with_a_legend(results):
    twfe, sun_abraham = results["twfe"]["event_study"], results["sun_abraham"]["event_study"]
    labels = Labels("zh", LABELS)
    fig = policy._draw_event_study(
        twfe, "y", methods={"twfe": twfe, "sun_abraham": sun_abraham}, labels=labels, binned=True
    )
    ax = fig.axes[0]
    shown = gid(ax, "estimates:")
    assert len(shown) == 2  # table is among the methods: drawn once
    for line, table, side in zip(shown, (twfe, sun_abraham), (-1, 1), strict=True):
        estimated = table[table["std_error"].notna()]
        offsets = np.asarray(line.get_xdata()) - estimated["period"].to_numpy()
        assert np.allclose(offsets, offsets[0]) and np.sign(offsets[0]) == side
        assert_allclose(line.get_ydata(), estimated["estimate"])
    assert [point.get_ydata()[0] for point in gid(ax, "reference:")] == [0.0, 0.0]
    assert [text.get_text() for text in ax.get_legend().get_texts()] == [
        "双向固定效应",
        "Sun 和 Abraham（2021）",
    ]
    assert ax.get_ylabel() == "对新质生产力的影响" and ax.get_xlabel() == "政策实施相对年份"
    plt.close(fig)

    other = policy._draw_event_study(twfe, "y", methods={"Sun-Abraham": sun_abraham})
    assert [t.get_text() for t in other.axes[0].get_legend().get_texts()] == ["Estimate", "Sun-Abraham"]
    plt.close(other)


def test_the_placebo_line_sits_at_the_actual_estimate(results):
    draws, summary = results["placebo"]["draws"], results["placebo"]["summary"].iloc[0]
    for statistic, actual in (("estimate", summary["actual"]), ("t", summary["actual_t"])):
        fig = policy._draw_placebo(draws, actual, p_value=summary["p_randomisation"], statistic=statistic)
        ax = fig.axes[0]
        (line,) = gid(ax, "actual")
        assert_allclose(line.get_xdata(), [actual, actual])
        low, high = ax.get_xlim()
        assert low < draws[statistic].min() and max(draws[statistic].max(), actual) < high
        (density,) = gid(ax, "density")
        x, y = np.asarray(density.get_xdata()), np.asarray(density.get_ydata())
        assert abs(np.sum((y[1:] + y[:-1]) / 2 * np.diff(x)) - 1) < 0.02  # the whole density is drawn
        assert sum(patch.get_height() for patch in ax.patches) > 0  # the histogram beneath
        title = fig.get_suptitle()
        assert "50 random assignments" in title and f"p = {summary['p_randomisation']:.3f}" in title
        plt.close(fig)


def test_tables_without_their_columns_stop_naming_the_column(tmp_path, results):
    table = results["twfe"]["event_study"]
    with pytest.raises(InputError, match="ci_low"):
        figures.event_study_plot(table.drop(columns="ci_low"), tmp_path / "es.png", "y")
    with pytest.raises(InputError, match="period"):
        figures.event_study_plot(
            table, tmp_path / "es.png", "y", methods={"other": table.drop(columns="period")}
        )
    with pytest.raises(InputError, match="p") as caught:
        figures.event_study_plot(
            table, tmp_path / "es.png", "y", pretrend=results["twfe"]["pretrend"].drop(columns="p")
        )
    assert caught.value.column == "p"
    with pytest.raises(InputError, match="period"):
        figures.event_study_plot(table.assign(period=table["period"] + 0.5), tmp_path / "es.png", "y")
    draws = results["placebo"]["draws"]
    with pytest.raises(InputError, match="estimate") as caught:
        figures.placebo_plot(draws.drop(columns="estimate"), 0.5, tmp_path / "placebo.png")
    assert caught.value.column == "estimate"
    with pytest.raises(InputError, match="statistic"):
        figures.placebo_plot(draws, 0.5, tmp_path / "placebo.png", statistic="z")
    with pytest.raises(InputError, match="actual"):
        figures.placebo_plot(draws, float("nan"), tmp_path / "placebo.png")
    assert not list(tmp_path.iterdir())
