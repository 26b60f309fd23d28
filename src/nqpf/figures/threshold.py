"""The likelihood-ratio plot of Hansen's (1999) panel threshold model: LR(g) of each threshold search against the
candidate thresholds, with the critical value whose crossing bounds the confidence interval (Hansen 1999,
Figures 1-3; ``xthreg``'s ``_matplot``)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.ticker import MaxNLocator

from nqpf.figures.style import as_labels, save, subplots, use_cjk_font
from nqpf.models.threshold import critical_lr
from nqpf.tables import cells
from nqpf.tables.baseline import threshold_places
from nqpf.tables.labels import Labels

SEARCHES = {
    "lr_single": ("g1", "single"),
    "lr_double_refined": ("g1 (refined)", "double"),
    "lr_double": ("g2", "double"),
    "lr_triple": ("g3", "triple"),
}


def lr_plot(
    lr: pd.DataFrame,
    thresholds: pd.DataFrame,
    path,
    threshold_variable: str,
    level: float = 0.95,
    note: str = "",
    labels: Labels | None = None,
) -> None:
    """One panel per threshold search: LR(g) over the candidates (``lr`` as
    :attr:`nqpf.models.threshold.ThresholdResults.lr`), the dashed critical value c(level), the estimate marked
    and its interval shaded."""
    labels = as_labels(labels)
    use_cjk_font()
    searches = [column for column in SEARCHES if column in lr.columns]
    estimates = thresholds.set_index("threshold")
    critical = critical_lr(level)
    places = threshold_places(thresholds["estimate"].to_numpy())
    fig, axes = subplots(1, len(searches), figsize=(3.2 * len(searches) + 0.6, 3.2), dpi=150, squeeze=False)
    for ax, column in zip(axes[0], searches, strict=True):
        name, model = SEARCHES[column]
        values = lr[["candidate", column]].dropna()
        ax.plot(values["candidate"], values[column], color="#2b6cb0", linewidth=0.9)
        ax.axhline(critical, color="#c53030", linestyle="--", linewidth=0.8)
        row = estimates.loc[name]
        ax.axvspan(row["ci_low"], row["ci_high"], color="#c53030", alpha=0.12, linewidth=0)
        ax.axvline(row["estimate"], color="#1a202c", linewidth=0.6)
        top = float(np.nanpercentile(values[column], 95)) if len(values) else critical
        ax.set_ylim(0, max(3 * critical, min(top, 12 * critical)))
        ax.set_xlabel(labels.name(threshold_variable))
        ax.xaxis.set_major_locator(MaxNLocator(4))
        ax.set_ylabel("LR")
        title = labels.term(f"threshold_name_{name.replace(' (refined)', '_refined')}")
        colon = "：" if labels.language == "zh" else ": "
        ax.set_title(
            f"{labels.term(f'threshold_{model}')}{colon}{title} = {cells.number(row['estimate'], places)}",
            fontsize=8,
        )
        ax.grid(alpha=0.3)
    suptitle = labels.term("lr_plot_title", level=f"{100 * level:g}", critical=f"{critical:.2f}")
    separator = "，" if labels.language == "zh" else ", "
    fig.suptitle(suptitle + (separator + note if note else ""), fontsize=9)
    fig.tight_layout()
    save(fig, path)
    plt.close(fig)
