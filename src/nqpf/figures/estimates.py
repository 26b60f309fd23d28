"""Figures of spatial panel models: coefficients and direct, indirect and total effects with their
intervals, on every weights matrix.

The effects' intervals are the ``ci_low`` and ``ci_high`` of effects.csv, which come from the same inference as
the p-values behind the tables' stars (``models.effects.inference``, :mod:`nqpf.models.effects`): an effect
with a star at 5 % has a 95 % interval that excludes 0, and a filled marker here. The coefficients' intervals are
estimate +- z s.e., as the normal p-values of the ML models. Effects of a fit whose spatial parameter lies at the
bound of W's interval are flagged (a dagger on the weights matrix and a line of the title); they have no interval
(no covariance at the bound), and one beyond the range of the other weights' effects is an arrow at the panel's
edge with its value, so that it does not flatten them.
"""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.ticker import ScalarFormatter
from scipy.special import ndtri

from nqpf.errors import InputError
from nqpf.figures.style import as_labels, in_parentheses, require_columns, save, term_or, use_cjk_font
from nqpf.tables.labels import Labels

EFFECTS = ("direct", "indirect", "total")
# Greek letters as text, not mathtext: a title mixing mathtext with a Chinese name sets the name in mathtext's
# font, which has no Chinese glyphs
SPATIAL_PARAMETERS = {"rho": "ρ (W·y)", "lambda": "λ (W·u)"}
INTERVALS = ("normal", "percentile")  # the inferences of the effects' intervals (TERMS interval_*)
BOUND_MARK = " †"


def _rows_of(table: pd.DataFrame, selection: dict, source: str) -> pd.DataFrame:
    """The rows of a model result table that match every column = value of ``selection``; an error naming the
    values the table holds when none does."""
    keep = np.ones(len(table), dtype=bool)
    for column, value in selection.items():
        keep &= (table[column].astype(str) == str(value)).to_numpy()
    if not keep.any():
        held = "; ".join(f"{c}: {', '.join(map(str, table[c].dropna().unique()))}" for c in selection)
        raise InputError(
            f"{source} has no rows for " + ", ".join(f"{c} {v}" for c, v in selection.items()),
            file=source,
            column=", ".join(selection),
            fix=f"plot what the table holds ({held or 'no rows'})",
        )
    return table[keep]


def interval_excludes_zero(low: float, high: float) -> bool:
    """Whether an interval lies wholly on one side of 0 (a filled marker)."""
    return bool(low > 0 or high < 0)


def _forest(ax, items, size: float = 3.2) -> None:
    """Points with their intervals, ``items`` as (y, estimate, low, high, colour) or (..., colour, flagged);
    filled markers where the interval excludes zero. The x-range holds zero, every estimate and each interval up
    to four median interval widths from its estimate: a much wider interval is cut there, with an arrow, so that
    it does not flatten the others. A flagged estimate (a fit at the bound of W's interval, with no interval)
    beyond the range of the others is drawn at the panel's edge as an arrow with its value, for the same reason.
    """
    items = [(*item, False)[:6] for item in items if np.isfinite(item[1])]
    if not items:
        return
    widths = np.array([hi - lo for _, _, lo, hi, _, _ in items if np.isfinite(lo) and np.isfinite(hi)])
    reach = 4.0 * np.median(widths) if len(widths) and np.median(widths) > 0 else np.inf
    apart = not all(item[5] for item in items)  # flagged estimates set the range only where all are flagged
    ends, outside = [0.0], []
    for y, x, lo, hi, colour, flagged in items:
        finite = np.isfinite(lo) and np.isfinite(hi)
        if finite:
            left, right = max(lo, x - reach), min(hi, x + reach)
            ax.plot([left, right], [y, y], color=colour, linewidth=0.9, solid_capstyle="butt")
            for end, cut, marker in ((left, lo < left, "<"), (right, hi > right, ">")):
                if cut:
                    ax.plot([end], [y], marker=marker, markersize=size * 0.9, color=colour, linewidth=0)
            ends += [] if flagged and apart else [left, right]
        if flagged and apart:
            outside.append((y, x, colour))
            continue
        ends.append(x)
        _point(ax, y, x, colour, finite and interval_excludes_zero(lo, hi), size)
    low, high = min(ends), max(ends)
    pad = 0.06 * (high - low) if high > low else 1.0
    low, high = low - pad, high + pad
    ax.set_xlim(low, high)
    for y, x, colour in outside:
        if low <= x <= high:
            _point(ax, y, x, colour, False, size)
            continue
        edge, marker, align = (high, ">", "right") if x > high else (low, "<", "left")
        ax.plot([edge], [y], marker=marker, markersize=size * 1.1, color=colour, linewidth=0, clip_on=False)
        shift = -(high - low) * 0.03 if x > high else (high - low) * 0.03
        text = f"{x:.3g}".replace("-", "\N{MINUS SIGN}")
        ax.text(edge + shift, y, text, fontsize=5.5, color=colour, ha=align, va="center")


def _point(ax, y: float, x: float, colour, filled: bool, size: float) -> None:
    ax.plot(
        [x],
        [y],
        marker="o",
        markersize=size,
        color=colour,
        markerfacecolor=colour if filled else "white",
        markeredgewidth=0.8,
        linewidth=0,
        zorder=3,
    )


class _PlainTicks(ScalarFormatter):
    """Tick labels in scientific style beyond 1e-3 and 1e4, the factor (x10^-3) set as mathtext in the offset but
    the labels themselves as plain text: as mathtext, every label went through the mathtext parser, a third of the
    time of a coefficient or effects figure. The glyphs are the same."""

    _MATH = r"$\mathdefault{"

    def __init__(self):
        super().__init__(useMathText=True)
        self.set_scientific(True)
        self.set_powerlimits((-3, 4))

    def __call__(self, x, pos=None):
        label = super().__call__(x, pos)
        if label.startswith(self._MATH) and label.endswith("}$"):
            return label[len(self._MATH) : -2]
        return label


def _style_panel(ax) -> None:
    from matplotlib.ticker import MaxNLocator

    ax.axvline(0.0, color="#777777", linewidth=0.6, linestyle="--", zorder=1)
    ax.grid(axis="x", alpha=0.25, linewidth=0.5)
    ax.tick_params(labelsize=6.5, length=2)
    ax.xaxis.set_major_locator(MaxNLocator(nbins=5))
    ax.xaxis.set_major_formatter(_PlainTicks())
    ax.xaxis.get_offset_text().set_fontsize(6)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def spec_parameter(model: str) -> str:
    """The spatial parameter of a model's effects, as a title names it."""
    return " λ" if model in ("sem", "sdem") else " ρ"


def weights_colours(names) -> dict:
    return {name: plt.get_cmap("tab10")(k % 10) for k, name in enumerate(names)}


def _one_method(
    table: pd.DataFrame, method: str | None, source: str, labels: Labels
) -> tuple[pd.DataFrame, str]:
    """The rows of one estimation method, when the table holds several (a ``method`` column): ``method``, by
    default the first; and the words naming it in a title (none for a table of one method)."""
    if "method" not in table.columns:
        return table, ""
    method = method or str(table["method"].iloc[0])
    named = term_or(labels, f"method_{method}", method)
    return _rows_of(table, {"method": method}, source), labels.term("method_of", method=named)


def _specification(spec: str, which: str, labels: Labels) -> str:
    """The specification (and method) a title names: main specification, 基准设定 ..."""
    return labels.term("spec_method", spec=term_or(labels, f"spec_{spec}", spec), method=which)


def at_bound_weights(fits: pd.DataFrame | None, selection: dict) -> set[str]:
    """The weights matrices on which the fit of ``selection`` (model, spec and, with several methods, method)
    has its spatial parameter at the bound of W's interval, from the merged fit table (``at_bound``)."""
    if fits is None or fits.empty or "at_bound" not in fits.columns:
        return set()
    keep = np.ones(len(fits), dtype=bool)
    for column, value in selection.items():
        if column in fits.columns and value is not None:
            keep &= (fits[column].astype(str) == str(value)).to_numpy()
    flagged = fits[keep & (fits["at_bound"].astype(str) == "True").to_numpy()]
    return {str(w) for w in flagged["weights"]}


def _interval_words(fits: pd.DataFrame | None, inference: str | None, level: float, labels: Labels) -> str:
    """How the intervals of the effects were made, from ``inference`` or the fits' ``effects_interval``."""
    if inference is None and fits is not None and "effects_interval" in fits.columns:
        given = [str(v) for v in fits["effects_interval"].dropna().unique()]
        inference = given[0] if len(given) == 1 else None
    if inference not in INTERVALS:
        return ""
    z = f"{ndtri(0.5 + level / 2):.2f}"
    return in_parentheses(labels.term(f"interval_{inference}", z=z), labels)


def effects_plot(
    effects: pd.DataFrame,
    paths,
    *,
    model: str,
    spec: str = "main",
    method: str | None = None,
    dependent: str = "",
    level: float = 0.95,
    labels: Labels | dict[str, str] | None = None,
    note: str = "",
    source: str = "effects.csv",
    fits: pd.DataFrame | None = None,
    inference: str | None = None,
) -> None:
    """Direct, indirect and total effects (LeSage and Pace 2009) of every explanatory variable of one model on
    every weights matrix, with their intervals: one row of panels per variable and one line per W (robustness
    at a glance); filled markers where the interval excludes zero, exactly the effects the tables star at
    1 - ``level`` (both read effects.csv: the interval ``ci_low``, ``ci_high`` and ``p`` come from one inference).

    ``effects`` is the merged table of a study (model, weights, spec, variable, effect, estimate, ci_low, ci_high);
    ``labels`` (:class:`~nqpf.tables.labels.Labels`, the study's tables' language and names; or a dict of English
    names) gives every word: the effects as the effects table names them, the variables and weights matrices;
    English by default. A table of
    several estimation methods (a ``method`` column) is plotted for ``method``, by default its first. ``fits``,
    the merged fit table (model, weights, spec, at_bound, effects_interval), flags with a dagger the weights
    matrices whose fit has its spatial parameter at the bound of W's interval, and names the inference of the
    intervals unless ``inference`` (normal, percentile) is given.
    """
    labels = as_labels(labels)
    use_cjk_font()
    name = labels.name
    require_columns(
        effects,
        ["model", "weights", "spec", "variable", "effect", "estimate", "ci_low", "ci_high"],
        source,
        "plot the merged effects table of the models stage",
    )
    effects, which = _one_method(effects, method, source, labels)
    rows = _rows_of(effects, {"model": model, "spec": spec}, source)
    variables = list(dict.fromkeys(rows["variable"]))
    weights = list(dict.fromkeys(rows["weights"]))
    chosen = str(rows["method"].iloc[0]) if "method" in rows.columns else None
    bound = at_bound_weights(fits, {"model": model, "spec": spec, "method": chosen})
    colours = weights_colours(weights)
    height = 0.75 + len(variables) * (0.42 + 0.19 * len(weights))
    fig, axes = plt.subplots(
        len(variables), len(EFFECTS), figsize=(8.2, height), dpi=200, sharey=True, squeeze=False
    )
    cell = rows.set_index(["variable", "effect", "weights"]).sort_index()
    for r, variable in enumerate(variables):
        for c, effect in enumerate(EFFECTS):
            ax = axes[r, c]
            _style_panel(ax)
            items = []
            for position, w in enumerate(weights):
                if (variable, effect, w) in cell.index:
                    value = cell.loc[(variable, effect, w)]
                    items.append(
                        (
                            position,
                            value["estimate"],
                            value["ci_low"],
                            value["ci_high"],
                            colours[w],
                            w in bound,
                        )
                    )
            _forest(ax, items)
            if r == 0:
                ax.set_title(labels.term(f"effect_{effect}"), fontsize=8)
        # wrapped so that a long name stays within its row
        axes[r, 0].set_ylabel(textwrap.fill(name(variable), 16), fontsize=7.5, fontweight="bold")
    axes[0, 0].set_yticks(
        range(len(weights)), [name(w) + (BOUND_MARK if w in bound else "") for w in weights]
    )
    axes[0, 0].set_ylim(len(weights) - 0.5, -0.5)
    target = labels.term("effects_target", dependent=name(dependent)) if dependent else ""
    flagged = "\n" + labels.term("at_bound_figure", parameter=spec_parameter(model)) if bound else ""
    heading = labels.term(
        "effects_figure", model=model.upper(), target=target, spec=_specification(spec, which, labels)
    )
    intervals = labels.term(
        "effects_intervals", level=f"{level:.0%}", how=_interval_words(fits, inference, level, labels)
    )
    fig.suptitle(
        heading + in_parentheses(note, labels) + "\n" + intervals + flagged,
        fontsize=9,
        y=1 - 0.08 / height,
        va="top",
    )
    fig.tight_layout(h_pad=0.9, w_pad=0.8)  # below the title: tight_layout makes room for it
    save(fig, paths)


def coefficient_plot(
    estimates: pd.DataFrame,
    paths,
    *,
    spec: str = "main",
    method: str | None = None,
    dependent: str = "",
    level: float = 0.95,
    labels: Labels | dict[str, str] | None = None,
    note: str = "",
    source: str = "estimates.csv",
) -> None:
    """Coefficients of every model on every weights matrix with intervals estimate ± z·se (normal quantile of
    ``level``): one row of panels per explanatory variable, its own coefficient (beta) beside that of its
    spatial lag W·x (theta), and a last row with the spatial parameters rho and lambda; models down each panel,
    weights matrices by colour; filled markers where the interval excludes zero.

    ``estimates`` is the merged table of a study (model, weights, spec, term, estimate, std_error); ``labels``
    (:class:`~nqpf.tables.labels.Labels`, the study's tables' language and names; or a dict of English names)
    gives every word, the names of variables and weights matrices among them; English by default. A table of several
    estimation methods (a ``method`` column) is plotted for ``method``, by default its first.
    """
    labels = as_labels(labels)
    use_cjk_font()
    name = labels.name
    require_columns(
        estimates,
        ["model", "weights", "spec", "term", "estimate", "std_error"],
        source,
        "plot the merged estimates table of the models stage",
    )
    estimates, which = _one_method(estimates, method, source, labels)
    rows = _rows_of(estimates, {"spec": spec}, source)
    terms = [str(t) for t in dict.fromkeys(rows["term"])]
    variables = [t for t in terms if not t.startswith("W.") and t not in SPATIAL_PARAMETERS]
    spatial = [t for t in SPATIAL_PARAMETERS if t in terms]
    models = list(dict.fromkeys(rows["model"]))
    weights = list(dict.fromkeys(rows["weights"]))
    colours = weights_colours(weights)
    z = ndtri(0.5 + level / 2)
    grid = [(v, f"W.{v}") for v in variables]
    if spatial:
        grid.append((spatial + [None])[:2])
    step = 0.8 / len(weights)
    height = 1.0 + len(grid) * (0.42 + 0.062 * len(models) * len(weights))
    fig, axes = plt.subplots(len(grid), 2, figsize=(7.6, height), dpi=200, sharey=True, squeeze=False)
    cell = rows.set_index(["term", "model", "weights"]).sort_index()
    for r, pair in enumerate(grid):
        for c, term in enumerate(pair):
            ax = axes[r, c]
            if term is None or term not in terms:
                ax.set_axis_off()
                continue
            _style_panel(ax)
            items = []
            for m, model in enumerate(models):
                for j, w in enumerate(weights):
                    if (term, model, w) in cell.index:
                        value = cell.loc[(term, model, w)]
                        estimate, se = float(value["estimate"]), float(value["std_error"])
                        y = m + (j - (len(weights) - 1) / 2) * step
                        items.append((y, estimate, estimate - z * se, estimate + z * se, colours[w]))
            _forest(ax, items, size=2.6)
            if term in SPATIAL_PARAMETERS:
                ax.set_title(SPATIAL_PARAMETERS[term], fontsize=8)
            elif c == 0:
                ax.set_title(f"{name(term)}: β (x)", fontsize=8)
            else:
                ax.set_title(f"{name(term[2:])}: θ (W·x)", fontsize=8)
    axes[0, 0].set_yticks(range(len(models)), [m.upper() for m in models])
    axes[0, 0].set_ylim(len(models) - 0.5, -0.5)
    handles = [
        plt.Line2D([], [], color=colours[w], marker="o", markersize=3.5, linewidth=0.9, label=name(w))
        for w in weights
    ]
    fig.legend(handles=handles, loc="lower center", ncol=len(weights), fontsize=7, frameon=False)
    target = labels.term("coefficients_target", dependent=name(dependent)) if dependent else ""
    heading = labels.term("coefficients_figure", target=target, spec=_specification(spec, which, labels))
    fig.suptitle(
        heading
        + in_parentheses(note, labels)
        + "\n"
        + labels.term("coefficient_intervals", level=f"{level:.0%}", z=f"{z:.2f}"),
        fontsize=9,
        y=1 - 0.08 / height,
        va="top",
    )
    fig.tight_layout(rect=(0, 0.3 / height, 1, 1), h_pad=0.9, w_pad=1.0)
    save(fig, paths)
