"""The geographical detector's figure: q of every factor by period, and the interaction matrix of the last
period with each pair's type."""

from __future__ import annotations

import numpy as np
from matplotlib import colormaps

from nqpf.figures.style import as_labels, in_parentheses, save, subplots, use_cjk_font
from nqpf.tables.drivers import TYPE_MARKS, factor_name
from nqpf.tables.labels import Labels


def geodetector_figure(
    factor,
    interaction,
    dependent: str,
    path,
    note: str = "",
    labels: Labels | None = None,
    titles: bool = True,
    alpha: float = 0.05,
) -> None:
    """Left: q of each factor (rows of ``drivers/factor.csv``) as bars, one per period, hatched where the
    p-value is not below ``alpha``. Right: q of each pair's intersected strata in the last period (rows of
    ``drivers/interaction.csv``) as a lower-triangular heat map with the factors' own q on the diagonal and each
    pair's type (NE, BE, I, UW, NW). ``labels`` gives the words; English by default."""
    labels = as_labels(labels)
    use_cjk_font()
    periods = list(dict.fromkeys(factor["period"].astype(str)))
    names = list(dict.fromkeys(factor["factor"]))
    shown = [factor_name(labels, n) for n in names]
    fig, (bars, heat) = subplots(
        1, 2, figsize=(11, 0.5 * len(names) + 3.0), dpi=150, gridspec_kw={"width_ratios": [1.0, 1.1]}
    )
    height = 0.8 / len(periods)
    shades = colormaps["viridis"](np.linspace(0.15, 0.85, len(periods)))
    for k, period in enumerate(periods):
        part = factor[factor["period"].astype(str) == period].set_index("factor").reindex(names)
        positions = np.arange(len(names)) + (k - (len(periods) - 1) / 2) * height
        bars.barh(
            positions,
            part["q"].to_numpy(dtype=float),
            height=height,
            color=shades[k],
            hatch=None,
            label=labels.term("pooled_years") if period == "pooled" else period,
        )
        weak = part["p_value"].to_numpy(dtype=float) >= alpha
        if weak.any():
            bars.barh(positions[weak], part["q"].to_numpy(dtype=float)[weak], height=height, fill=False,
                      hatch="////", edgecolor="white", linewidth=0)  # fmt: skip
    bars.set_yticks(np.arange(len(names)), shown, fontsize=7)
    bars.invert_yaxis()
    bars.set_xlabel("q", fontsize=8)
    bars.tick_params(labelsize=7)
    bars.grid(axis="x", alpha=0.3)
    bars.legend(
        fontsize=7, frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=min(len(periods), 6)
    )
    last = periods[-1]
    part = interaction[interaction["period"].astype(str) == last]
    order = list(dict.fromkeys([*part["factor_1"], *part["factor_2"]])) or names
    index = {n: i for i, n in enumerate(order)}
    matrix = np.full((len(order), len(order)), np.nan)
    marks = {}
    for r in part.itertuples(index=False):
        i, j = sorted((index[r.factor_1], index[r.factor_2]), reverse=True)
        matrix[i, j] = r.q_12
        matrix[index[r.factor_1], index[r.factor_1]] = r.q_1
        matrix[index[r.factor_2], index[r.factor_2]] = r.q_2
        marks[(i, j)] = TYPE_MARKS.get(r.interaction, r.interaction)
    low, high = np.nanmin(matrix), np.nanmax(matrix)
    image = heat.imshow(
        np.ma.masked_invalid(matrix), cmap="YlOrRd", vmin=low - 0.05 * (high - low), vmax=high
    )
    for i in range(len(order)):
        for j in range(i + 1):
            if np.isfinite(matrix[i, j]):
                text = f"{matrix[i, j]:.3f}" + (f"\n{marks[(i, j)]}" if (i, j) in marks else "")
                heat.text(j, i, text, ha="center", va="center", fontsize=6,
                          color="white" if matrix[i, j] > low + 0.6 * (high - low) else "#1a202c")  # fmt: skip
    ticks = [factor_name(labels, n) for n in order]
    heat.set_xticks(range(len(order)), ticks, fontsize=7, rotation=35, ha="right")
    heat.set_yticks(range(len(order)), ticks, fontsize=7)
    heat.set_title(labels.term("interaction_panel", period=labels.term("pooled_years") if last == "pooled" else last),
                   fontsize=8)  # fmt: skip
    fig.colorbar(image, ax=heat, shrink=0.7).ax.tick_params(labelsize=6)
    if titles:
        fig.suptitle(
            labels.term("geodetector_figure", variable=labels.name(dependent)) + in_parentheses(note, labels),
            fontsize=10,
        )
    fig.tight_layout()
    save(fig, path)
