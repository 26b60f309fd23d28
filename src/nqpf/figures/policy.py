"""The two figures of a policy evaluation's "quasi-natural experiment" (:mod:`nqpf.models.did`), as the field's
DID papers print them: the event study (the parallel-trends check: the coefficients of the periods relative to
treatment with their confidence intervals, the reference period at 0, the policy's adoption marked, the joint
test of the leads in the corner; Beck, Levine and Levkov 2010, Figure 2; Sun and Abraham 2021 beside the
two-way fixed-effects estimates) and the placebo test (the distribution of the DID over random false
treatments, its kernel density over a histogram of the draws, the actual estimate marked and the randomisation
p-value; Fisher's randomisation inference as :func:`nqpf.models.did.placebo` draws it)."""

from __future__ import annotations

import math
import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.ticker import FixedLocator, MaxNLocator

from nqpf.disparity.kernel import gaussian_density, scott_bandwidth
from nqpf.errors import InputError
from nqpf.figures.mechanisms import _measure, _packed
from nqpf.figures.style import as_labels, require_columns, save, subplots, use_cjk_font
from nqpf.tables import cells
from nqpf.tables.labels import Labels

EVENT_COLUMNS = ["period", "estimate", "ci_low", "ci_high"]
PRETREND_COLUMNS = ["f", "df_num", "df_den", "p"]
STATISTICS = ("estimate", "t")
COLOURS = ("#2b6cb0", "#c53030", "#2f855a", "#dd6b20", "#6b46c1", "#1a202c")
MARKERS = ("o", "s", "^", "D", "v", "P")
ACTUAL = "#c53030"
HISTOGRAM = "#cbd5e0"
TITLE_SIZE = 8.5
CORNER_SIZE = 7.5
MINUS = "\N{MINUS SIGN}"  # as matplotlib writes the negative numbers of the y axis
KDE_POINTS = 512


def term(labels: Labels, key: str, **values) -> str:
    """A word of this figure in the language of ``labels``: ``policy_plot_<key>`` of the tables' TERMS."""
    return labels.term(f"policy_plot_{key}", **values)


def _minus(text: str) -> str:
    return text.replace("-", MINUS)


def _number(value: float, decimals: int) -> str:
    return _minus(cells.number(value, decimals))


def _p_text(p: float) -> str:
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


# -- the event study -----------------------------------------------------------------------------------------


def _event_frame(table: pd.DataFrame, source: str) -> pd.DataFrame:
    """``table``'s periods, estimates and intervals as numbers, in the order of the periods."""
    require_columns(table, EVENT_COLUMNS, source, "draw the event study of nqpf.event_study's table")
    frame = table[EVENT_COLUMNS].apply(pd.to_numeric, errors="coerce")
    frame = frame.dropna(subset=["period", "estimate"]).sort_values("period", kind="stable")
    periods = frame["period"].to_numpy(dtype=float)
    if not len(frame) or not np.all(periods == np.round(periods)):
        problem = "no period to draw" if not len(frame) else "periods that are not whole numbers of years"
        raise InputError(
            f"{source} has {problem}",
            file=source,
            column="period",
            fix="give the periods relative to treatment as integers (-4 .. 4), as nqpf.event_study writes them",
        )
    if frame["period"].duplicated().any():
        raise InputError(
            f"{source} has the period {int(frame['period'][frame['period'].duplicated()].iloc[0])} twice",
            file=source,
            column="period",
            fix="give one row per period (one estimator per table; several estimators go in methods)",
        )
    return frame.astype({"period": int}).reset_index(drop=True)


def _reference(frame: pd.DataFrame) -> np.ndarray:
    """The reference period's row: an estimate of 0 without an interval (nqpf.event_study's table)."""
    return ((frame["estimate"] == 0) & frame["ci_low"].isna() & frame["ci_high"].isna()).to_numpy()


def _method_name(name, labels: Labels) -> str:
    """An estimator's name in the legend: the library's method names (twfe, sun_abraham) translated."""
    return term(labels, str(name)) if str(name) in ("twfe", "sun_abraham") else str(name)


def _series(
    table: pd.DataFrame, methods: dict[str, pd.DataFrame] | None, labels: Labels
) -> list[tuple[str, pd.DataFrame]]:
    """(legend name, table) of each estimator drawn: ``table`` alone, or ``methods`` in their order with
    ``table`` first when it is not among them. The library's method names are translated."""
    if not methods:
        return [("", table)]
    named = [(_method_name(name, labels), frame) for name, frame in methods.items()]
    if not any(frame is table or frame.equals(table) for _, frame in named):
        named.insert(0, (term(labels, "main"), table))
    return named


def _wald_text(pretrend: pd.DataFrame, source: str, comma: str = ", ") -> str:
    """F(q, df) = f, p = p of the joint test of the leads (``pretrend``'s first row); empty without leads."""
    require_columns(pretrend, PRETREND_COLUMNS, source, "give the pretrend frame of nqpf.event_study")
    if not len(pretrend):
        return ""
    row = pretrend.iloc[0]
    f, p = float(row["f"]), float(row["p"])
    if not (math.isfinite(f) and math.isfinite(p)):
        return ""
    return f"F({int(row['df_num'])}, {int(row['df_den'])}) = {f:.2f}{comma}{_p_text(p)}"


def _pretrend_lines(
    pretrend: pd.DataFrame | dict[str, pd.DataFrame] | None,
    series: list[tuple[str, pd.DataFrame]],
    table: pd.DataFrame,
    labels: Labels,
    room: float,
    width,
) -> list[str]:
    """The lines of the corner: the joint test of the leads, of ``table`` (a frame) or of each estimator named
    in ``pretrend`` (a dict keyed as ``methods``); an estimator's name and its test on two lines where one would
    be wider than ``room`` points (``width`` measures a text), so that the text stays left of the policy line."""
    if pretrend is None:
        return []
    zh = labels.language == "zh"
    colon, comma = ("：", "，") if zh else (": ", ", ")
    heading = term(labels, "pretrend")
    if isinstance(pretrend, pd.DataFrame):
        text = _wald_text(pretrend, "pretrend", comma)
        if not text:
            return []
        if len(series) > 1:  # whose test it is
            name = next(name for name, frame in series if frame is table or frame.equals(table))
            heading += f" ({name})" if not zh else f"（{name}）"
        return [heading + colon.rstrip(), text]
    lines = []
    for name, frame in pretrend.items():
        text = _wald_text(frame, f"pretrend ({name})", comma)
        shown = _method_name(name, labels)
        if not text:
            continue
        if width(shown + colon + text) <= room:
            lines.append(shown + colon + text)
        else:
            lines += [shown + colon.rstrip(), "    " + text]
    return [heading + colon.rstrip(), *lines] if lines else []


def _tick_label(k: int, low: int, high: int, binned: bool) -> str:
    if binned and k == low and k < 0:
        return f"≤ {_minus(str(k))}"
    if binned and k == high and k > 0:
        return f"≥ {k}"
    return _minus(str(k))


def _draw_event_study(
    table: pd.DataFrame,
    dependent: str,
    *,
    pretrend: pd.DataFrame | dict[str, pd.DataFrame] | None = None,
    level: float = 0.95,
    note: str = "",
    labels: Labels | None = None,
    methods: dict[str, pd.DataFrame] | None = None,
    binned: bool = False,
):
    """The event study's figure (:func:`event_study_plot`), not yet saved."""
    labels = as_labels(labels)
    use_cjk_font()
    series = _series(table, methods, labels)
    frames = [
        (name, _event_frame(frame, f"event study table{f' ({name})' if name else ''}"))
        for name, frame in series
    ]
    zh = labels.language == "zh"
    width = 5.6
    fig, ax = subplots(figsize=(width, 4.0), dpi=150)
    step = min(0.24, 0.6 / len(frames))
    low = min(int(frame["period"].min()) for _, frame in frames)
    high = max(int(frame["period"].max()) for _, frame in frames)
    references = set()
    for j, (name, frame) in enumerate(frames):
        colour, marker = COLOURS[j % len(COLOURS)], MARKERS[j % len(MARKERS)]
        offset = (j - (len(frames) - 1) / 2) * step
        x = frame["period"].to_numpy(dtype=float) + offset
        y = frame["estimate"].to_numpy(dtype=float)
        reference = _reference(frame)
        references |= set(frame["period"][reference])
        if len(frames) == 1:  # the dashed path through the points, the reference period included
            ax.plot(x, y, color=colour, linestyle="--", linewidth=0.8, alpha=0.8, zorder=2)
        estimated = ~reference
        below = y[estimated] - frame["ci_low"].to_numpy(dtype=float)[estimated]
        above = frame["ci_high"].to_numpy(dtype=float)[estimated] - y[estimated]
        bars = ax.errorbar(
            x[estimated],
            y[estimated],
            yerr=np.vstack([below, above]),
            fmt=marker,
            color=colour,
            markersize=4.5,
            elinewidth=1.0,
            capsize=2.5,
            capthick=1.0,
            label=name or None,
            zorder=3,
        )
        bars.lines[0].set_gid(f"estimates:{name}")
        if reference.any():
            ax.plot(
                x[reference],
                y[reference],
                linestyle="none",
                marker=marker,
                markersize=4.5,
                markerfacecolor="white",
                markeredgecolor=colour,
                markeredgewidth=1.0,
                zorder=4,
                gid=f"reference:{name}",
            )
    ax.axhline(0, color="#718096", linewidth=0.7, zorder=1)
    ax.axvline(-0.5, color="#1a202c", linestyle="--", linewidth=0.8, zorder=1, gid="policy")
    periods = list(range(low, high + 1))
    ax.xaxis.set_major_locator(FixedLocator(periods))
    ax.set_xticklabels([_tick_label(k, low, high, binned) for k in periods])
    ax.set_xlim(low - 0.6, high + 0.6)
    ax.yaxis.set_major_locator(MaxNLocator(6))
    ax.tick_params(labelsize=7.5)
    ax.set_xlabel(term(labels, "relative_years"), fontsize=8.5)
    ylabel = term(labels, "effect_on", dependent=labels.name(dependent))
    ax.set_ylabel(textwrap.fill(ylabel, 24 if zh else 40), fontsize=8.5)
    ax.grid(axis="y", alpha=0.3)

    values = np.concatenate(
        [frame[c].to_numpy(dtype=float) for _, frame in frames for c in ("estimate", "ci_low", "ci_high")]
        + [np.zeros(1)]
    )
    bottom, top = float(np.nanmin(values)), float(np.nanmax(values))
    span = (top - bottom) or 1.0
    # the room left of the policy line: the axes take the figure's width but the y axis's labels (about 0.8 in)
    left = (-0.5 - (low - 0.6)) / (high - low + 1.2) * (width - 0.8) * 72 - 8
    lines = _pretrend_lines(pretrend, series, table, labels, left, _measure(fig, CORNER_SIZE))
    # the test goes in a left corner, above the leads when the effects rise after the policy, below when they
    # fall; that side of the axes is grown so the text meets no interval
    post = np.concatenate(
        [frame["estimate"][frame["period"] >= 0].to_numpy(dtype=float) for _, frame in frames]
    )
    upper = not len(post) or float(np.nanmean(post)) >= 0
    room = 0.055 * len(lines) + 0.03 if lines else 0.0
    grow = room * 1.12 * span / (1 - room)
    ax.set_ylim(bottom - 0.06 * span - (0 if upper else grow), top + 0.06 * span + (grow if upper else 0))
    if lines:
        ax.text(
            0.015,
            0.975 if upper else 0.025,
            "\n".join(lines),
            transform=ax.transAxes,
            ha="left",
            va="top" if upper else "bottom",
            fontsize=CORNER_SIZE,
            linespacing=1.35,
            bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.85, "pad": 1.5},
            zorder=5,
            gid="pretrend",
        )
    if len(frames) > 1:
        ax.legend(
            loc="lower center",
            bbox_to_anchor=(0.5, 1.0),
            ncol=len(frames),
            frameon=False,
            fontsize=7.5,
            handletextpad=0.4,
            columnspacing=1.4,
        )
    heading = term(labels, "event_title", dependent=labels.name(dependent))
    keys = [term(labels, "points"), term(labels, "bars", level=f"{100 * level:g}")]
    if references:
        keys.append(term(labels, "hollow", period=", ".join(_minus(str(k)) for k in sorted(references))))
    keys.append(term(labels, "policy_line"))
    room_points, measure = 0.94 * width * 72, _measure(fig, TITLE_SIZE)
    caption = _packed(
        [heading, *([note] if note else [])], "，" if zh else ", ", room_points, measure, not zh
    )
    caption += _packed(keys, "；" if zh else "; ", room_points, measure, not zh)
    fig.suptitle("\n".join(caption), fontsize=TITLE_SIZE)
    fig.tight_layout()
    return fig


def event_study_plot(
    table: pd.DataFrame,
    path,
    dependent: str,
    *,
    pretrend: pd.DataFrame | dict[str, pd.DataFrame] | None = None,
    level: float = 0.95,
    note: str = "",
    labels: Labels | None = None,
    methods: dict[str, pd.DataFrame] | None = None,
    binned: bool = False,
) -> None:
    """The event study of ``dependent`` (the parallel-trends check): each period's coefficient against the years
    relative to the policy (``table``: period, estimate, ci_low, ci_high, as the ``event_study`` frame of
    :func:`nqpf.models.did.event_study`), a point with its ``level`` interval as a capped bar and a dashed line
    through the points, the reference period (estimate 0, no interval) a hollow point, a line at 0 and a dashed
    vertical line between -1 and 0, where the policy is adopted; an x tick at every period, the end periods
    labelled "≤ -4" and "≥ 4" when they absorb the periods beyond (``binned``, the results' ``bin_ends``).

    ``pretrend`` (the ``pretrend`` frame: f, df_num, df_den, p) writes the joint test of the leads in a corner.
    ``methods`` draws several estimators side by side, slightly apart, with a legend (``{"twfe": table,
    "sun_abraham": other}``; the library's method names are translated), ``table`` first when it is not among
    them; ``pretrend`` is then ``table``'s test, or a dict of the tests keyed as ``methods``. ``level`` names the
    intervals of the tables (the results' ``level``); ``note`` ends the title (the simulated data of a demo).
    ``path``: a file, several, or :class:`~nqpf.figures.style.FigureFiles`."""
    fig = _draw_event_study(
        table,
        dependent,
        pretrend=pretrend,
        level=level,
        note=note,
        labels=labels,
        methods=methods,
        binned=binned,
    )
    save(fig, path)
    plt.close(fig)


# -- the placebo test ----------------------------------------------------------------------------------------


def _draw_placebo(
    draws: pd.DataFrame,
    actual: float,
    *,
    p_value: float | None = None,
    note: str = "",
    labels: Labels | None = None,
    statistic: str = "estimate",
):
    """The placebo test's figure (:func:`placebo_plot`), not yet saved."""
    labels = as_labels(labels)
    use_cjk_font()
    if statistic not in STATISTICS:
        raise InputError(f"statistic is {statistic!r}", key="statistic", fix=" or ".join(STATISTICS))
    require_columns(draws, [statistic], "placebo draws", "draw the placebo test of nqpf.placebo's draws")
    values = pd.to_numeric(draws[statistic], errors="coerce").to_numpy(dtype=float)
    values = values[np.isfinite(values)]
    if not len(values):
        raise InputError(
            f"the placebo draws have no finite {statistic}",
            file="placebo draws",
            column=statistic,
            fix="give the draws of nqpf.placebo (a draw whose false treatment does not vary has none)",
        )
    if actual is None or not math.isfinite(float(actual)):
        raise InputError(
            f"the actual {statistic} is {actual!r}",
            key="actual",
            fix="give the DID's estimate (the summary's actual; actual_t with statistic='t')",
        )
    actual = float(actual)
    zh = labels.language == "zh"
    width = 5.6
    fig, ax = subplots(figsize=(width, 3.8), dpi=150)
    bandwidth = scott_bandwidth(values) if len(values) > 1 and np.ptp(values) > 0 else None
    # the density's tails drawn out to three bandwidths, where it has fallen to about 1 % of its height
    tail = 3 * bandwidth if bandwidth is not None else 0.0
    low, high = min(values.min() - tail, actual), max(values.max() + tail, actual)
    pad = 0.04 * (high - low) if high > low else 1.0
    low, high = low - pad, high + pad
    edges = np.histogram_bin_edges(values, bins="auto")
    ax.hist(values, bins=edges, density=True, color=HISTOGRAM, edgecolor="white", linewidth=0.4, zorder=1)
    if bandwidth is not None:
        grid = np.linspace(low, high, KDE_POINTS)
        density = gaussian_density(values, grid, bandwidth)
        ax.plot(grid, density, color=COLOURS[0], linewidth=1.2, zorder=2, gid="density")
    ax.axvline(actual, color=ACTUAL, linestyle="--", linewidth=1.1, zorder=3, gid="actual")
    ax.set_xlim(low, high)
    ax.set_ylim(0, ax.get_ylim()[1] * 1.05)
    ax.xaxis.set_major_locator(MaxNLocator(7))
    ax.yaxis.set_major_locator(MaxNLocator(5))
    ax.tick_params(labelsize=7.5)
    ax.set_xlabel(term(labels, "placebo_estimate" if statistic == "estimate" else "placebo_t"), fontsize=8.5)
    ax.set_ylabel(term(labels, "density"), fontsize=8.5)
    ax.grid(axis="y", alpha=0.3)
    heading = term(labels, "placebo_title", draws=f"{len(values):,}")
    shown = _number(actual, cells.decimals_for([actual]))
    keys = [term(labels, "actual_estimate" if statistic == "estimate" else "actual_t", value=shown)]
    if p_value is not None and math.isfinite(float(p_value)):
        keys.append(term(labels, "p_randomisation", p=_p_text(float(p_value))))
    keys.append(term(labels, "histogram"))
    room, measure = 0.94 * width * 72, _measure(fig, TITLE_SIZE)
    caption = _packed([heading, *([note] if note else [])], "，" if zh else ", ", room, measure, not zh)
    caption += _packed(keys, "；" if zh else "; ", room, measure, not zh)
    fig.suptitle("\n".join(caption), fontsize=TITLE_SIZE)
    fig.tight_layout()
    return fig


def placebo_plot(
    draws: pd.DataFrame,
    actual: float,
    path,
    *,
    p_value: float | None = None,
    note: str = "",
    labels: Labels | None = None,
    statistic: str = "estimate",
) -> None:
    """The placebo test of a DID: the distribution of the estimates over the false treatments (``draws``, the
    ``draws`` frame of :func:`nqpf.models.did.placebo`; with ``statistic="t"`` their t statistics) as a
    histogram with its Gaussian kernel density (Scott's bandwidth, :func:`nqpf.disparity.kernel.gaussian_density`,
    which is scipy's ``gaussian_kde``) over it, and a
    dashed vertical line at the ``actual`` estimate (the summary's ``actual``, or ``actual_t``); the title
    gives the number of draws with a value, the actual estimate and the randomisation ``p_value`` (the
    summary's ``p_randomisation``). ``note`` ends the title (the simulated data of a demo). ``path``: a file,
    several, or :class:`~nqpf.figures.style.FigureFiles`."""
    fig = _draw_placebo(draws, actual, p_value=p_value, note=note, labels=labels, statistic=statistic)
    save(fig, path)
    plt.close(fig)
