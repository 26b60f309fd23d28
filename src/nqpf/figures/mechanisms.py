"""The marginal-effect plot of a moderation analysis (Aiken and West 1991; Brambor, Clark and Golder 2006, Political
Analysis 14: 63-82): the effect of the treatment X against the moderator M, with its interval, the zero line and
the observed values of M along the axis, as the field's papers print it; one panel for the non-spatial
fixed-effects regression (b_X + b_XM (m - Mbar)) and one for each of the direct, indirect and total effects of the
spatial model (:func:`nqpf.models.mechanisms.moderation`)."""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.ticker import MaxNLocator

from nqpf.figures.style import as_labels, require_columns, save, subplots, use_cjk_font
from nqpf.tables.labels import Labels

COLUMNS = ["spec", "moderator", "effect", "estimate", "ci_low", "ci_high"]
SPATIAL = ("sdm", "sar")
SPATIAL_EFFECTS = ("direct", "indirect", "total")
COLOUR = "#2b6cb0"
TITLE_SIZE = 8.5
RUG_BINS = 1000  # rug ticks closer than 1/1000 of the axis are drawn once: the same picture, a lighter file


def term(labels: Labels, key: str, **values) -> str:
    """A word of this figure in the language of ``labels``: ``marginal_plot_<key>`` of the tables' TERMS."""
    return labels.term(f"marginal_plot_{key}", **values)


def _panels(marginal: pd.DataFrame) -> list[tuple[str, str]]:
    """The (spec, effect) panels ``marginal`` holds, in the order they are drawn: the fixed-effects marginal effect,
    then the direct, indirect and total effects of each spatial specification (SDM, then SAR, then any other in
    the order of the table)."""
    present = set(zip(marginal["spec"].astype(str), marginal["effect"].astype(str), strict=True))
    specs = list(dict.fromkeys(marginal["spec"].astype(str)))
    ordered = [
        "fe",
        *[s for s in SPATIAL if s in specs],
        *[s for s in specs if s != "fe" and s not in SPATIAL],
    ]
    panels = []
    for spec in ordered:
        effects = ("marginal",) if spec == "fe" else SPATIAL_EFFECTS
        panels += [(spec, effect) for effect in effects if (spec, effect) in present]
    return panels


def _title(spec: str, effect: str, labels: Labels) -> str:
    if spec == "fe":
        return term(labels, "fe")
    model = term(labels, spec) if spec in SPATIAL else spec.upper()
    colon = "：" if labels.language == "zh" else ": "
    words = term(labels, effect) if effect in SPATIAL_EFFECTS else effect
    return f"{model}{colon}{words}"


def _rug(values: pd.Series, low: float, high: float) -> np.ndarray:
    """The observed values within [low, high], those closer than 1/:data:`RUG_BINS` of the range merged."""
    x = pd.to_numeric(pd.Series(values), errors="coerce").to_numpy(dtype=float)
    x = x[np.isfinite(x) & (x >= low) & (x <= high)]
    if not len(x) or high <= low:
        return x
    bins = np.unique(np.round((x - low) / (high - low) * RUG_BINS))
    return low + bins / RUG_BINS * (high - low)


def _measure(fig, size: float):
    """The width in points of a text set at ``size`` points on ``fig`` (its fonts, Chinese fallback included)."""
    from matplotlib.text import Text

    renderer = fig.canvas.get_renderer()

    def width(text: str) -> float:
        return Text(0, 0, text, fontsize=size, figure=fig).get_window_extent(renderer).width * 72 / fig.dpi

    return width


def _packed(parts: list[str], separator: str, room: float, width, capital: bool = False) -> list[str]:
    """``parts`` joined by ``separator`` into lines at most ``room`` points wide (``width`` measures a text), broken
    between parts (with ``capital``, a line that begins with a part begins with a capital); a part wider than a
    line (long names) is broken itself."""
    lines: list[str] = []
    for part in parts:
        if lines and width(lines[-1] + separator + part) <= room:
            lines[-1] += separator + part
            continue
        part = part[:1].upper() + part[1:] if capital else part
        if width(part) > room:
            lines += textwrap.wrap(part, max(int(room / width(part) * len(part)), 10))
        else:
            lines.append(part)
    return lines


def marginal_plot(
    marginal: pd.DataFrame,
    path,
    treatment: str,
    moderator: str,
    level: float = 0.95,
    note: str = "",
    labels: Labels | None = None,
    distribution: pd.Series | None = None,
    centre: float | None = None,
) -> None:
    """One panel per (spec, effect) of ``marginal`` (``mechanisms/moderation_<moderator>/marginal.csv``: spec,
    moderator, effect, estimate, ci_low, ci_high; the ``marginal`` frame of
    :func:`nqpf.models.mechanisms.moderation` with a ``spec`` column), in the order of :func:`_panels`: the estimate
    against the moderator's value, its interval (at ``level``) shaded, the zero line, a dotted line at ``centre``
    (the moderator's mean, about which the product term is centred) and, given ``distribution`` (the observed
    values of the moderator), a rug of them along the x axis, so that the reader sees where the data support the
    effect (Brambor, Clark and Golder 2006). ``note`` ends the title (the simulated data of a demo)."""
    labels = as_labels(labels)
    use_cjk_font()
    require_columns(marginal, COLUMNS, "marginal.csv", "plot the marginal effects of a moderation")
    panels = _panels(marginal)
    if not panels:
        raise ValueError(
            "marginal has no fe marginal effect nor spatial direct, indirect or total effect to draw"
        )
    columns = len(panels) if len(panels) <= 3 else 2
    rows = -(-len(panels) // columns)
    width = max(3.3 * columns + 0.5, 4.4)
    fig, axes = subplots(rows, columns, figsize=(width, 2.6 * rows + 0.9), dpi=150, squeeze=False)
    values = pd.to_numeric(marginal["moderator"], errors="coerce")
    low, high = float(values.min()), float(values.max())
    rug = _rug(distribution, low, high) if distribution is not None else np.array([])
    ylabel = textwrap.fill(
        term(labels, "marginal_effect", variable=labels.name(treatment)),
        18 if labels.language == "zh" else 30,
    )
    for k, ax in enumerate(axes.flat):
        if k >= len(panels):
            ax.set_axis_off()
            continue
        spec, effect = panels[k]
        part = marginal[(marginal["spec"].astype(str) == spec) & (marginal["effect"].astype(str) == effect)]
        part = part.assign(moderator=pd.to_numeric(part["moderator"], errors="coerce"))
        part = part.dropna(subset=["moderator", "estimate"]).sort_values("moderator", kind="stable")
        x = part["moderator"].to_numpy(dtype=float)
        ci_low, ci_high = part["ci_low"].to_numpy(dtype=float), part["ci_high"].to_numpy(dtype=float)
        ax.fill_between(x, ci_low, ci_high, color=COLOUR, alpha=0.18, linewidth=0)
        ax.plot(x, part["estimate"], color=COLOUR, linewidth=1.1)
        ax.axhline(0, color="#999999", linewidth=0.6)
        if centre is not None and low <= centre <= high:
            ax.axvline(centre, color="#1a202c", linestyle=":", linewidth=0.8)
        bottom = np.nanmin(np.concatenate([ci_low, part["estimate"].to_numpy(dtype=float), [0.0]]))
        top = np.nanmax(np.concatenate([ci_high, part["estimate"].to_numpy(dtype=float), [0.0]]))
        span = (top - bottom) or 1.0
        # room under the curves for the rug
        ax.set_ylim(bottom - (0.14 if len(rug) else 0.06) * span, top + 0.06 * span)
        if len(rug):
            ax.vlines(
                rug, 0, 0.05, transform=ax.get_xaxis_transform(), color="#4a5568", linewidth=0.4, alpha=0.7
            )
        if high > low:
            ax.set_xlim(low, high)
        ax.xaxis.set_major_locator(MaxNLocator(5))
        ax.yaxis.set_major_locator(MaxNLocator(5))
        ax.tick_params(labelsize=7)
        ax.set_title(_title(spec, effect, labels), fontsize=8)
        if k + columns >= len(panels):  # the lowest panel of its column
            ax.set_xlabel(labels.name(moderator), fontsize=8)
        if k % columns == 0:
            ax.set_ylabel(ylabel, fontsize=8)
        ax.grid(alpha=0.3)
    zh = labels.language == "zh"
    heading = term(
        labels, "marginal_title", treatment=labels.name(treatment), moderator=labels.name(moderator)
    )
    keys = [term(labels, "shaded", level=f"{100 * level:g}")]
    if centre is not None and low <= centre <= high:
        keys.append(term(labels, "centre_line", moderator=labels.name(moderator)))
    if len(rug):
        keys.append(term(labels, "rug"))
    # a caption no wider than the figure, broken between its parts
    room, measure = 0.92 * width * 72, _measure(fig, TITLE_SIZE)
    lines = _packed([heading, *([note] if note else [])], "，" if zh else ", ", room, measure, not zh)
    lines += _packed(keys, "；" if zh else "; ", room, measure, not zh)
    fig.suptitle("\n".join(lines), fontsize=TITLE_SIZE)
    fig.tight_layout()
    save(fig, path)
    plt.close(fig)
