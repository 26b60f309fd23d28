"""The spillover boundary figure: the indirect (spillover) effect of a variable against the distance of the W it
was estimated on, with its interval, as the field's papers draw it (nqpf.models.boundary)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from nqpf.figures.style import as_labels, save, subplots, use_cjk_font
from nqpf.tables.labels import Labels


def boundary_plot(
    table: pd.DataFrame, path, level: float = 0.95, note: str = "", labels: Labels | None = None
):
    """One panel per variable of ``table`` (:func:`nqpf.models.boundary.spillover_boundary`'s rows): the indirect
    effect at each distance (filled where its p is below 1 - ``level``), its interval shaded, the zero line;
    distances not estimated are left out."""
    labels = as_labels(labels)
    use_cjk_font()
    indirect = table[table["effect"] == "indirect"]
    variables = list(dict.fromkeys(indirect["variable"]))
    # a distance whose rho lies at the edge of W's interval has unreliable effects: left out, and named
    bound = indirect["at_bound"].astype(str).str.lower().isin(["true", "1"])
    left_out = sorted({float(d) for d in indirect.loc[bound, "distance_km"]})
    indirect = indirect[~bound]
    fig, axes = subplots(1, len(variables), figsize=(5.2 * len(variables), 3.4), dpi=150, squeeze=False)
    for ax, variable in zip(axes[0], variables, strict=True):
        rows = indirect[(indirect["variable"] == variable) & indirect["estimate"].notna()]
        x = rows["distance_km"].to_numpy()
        ax.fill_between(x, rows["ci_low"], rows["ci_high"], color="#2b6cb0", alpha=0.18, linewidth=0)
        ax.plot(x, rows["estimate"], color="#2b6cb0", linewidth=1.0)
        significant = (rows["p"] < 1 - level).to_numpy()
        ax.scatter(x[significant], rows["estimate"].to_numpy()[significant], color="#2b6cb0", s=14, zorder=3)
        ax.scatter(
            x[~significant], rows["estimate"].to_numpy()[~significant], facecolors="white",
            edgecolors="#2b6cb0", s=14, zorder=3,
        )  # fmt: skip
        ax.axhline(0, color="#999999", linewidth=0.6)
        ax.set_xlabel(labels.term("distance_km_axis"))
        ax.set_ylabel(labels.term("indirect_effect"))
        ax.set_title(labels.name(variable), fontsize=9)
        ax.grid(alpha=0.3)
        if len(x):
            ax.set_xlim(float(np.min(x)), float(np.max(x)))
    separator = "，" if labels.language == "zh" else ", "
    lines = [labels.term("boundary_title", level=f"{100 * level:g}") + (separator + note if note else "")]
    if left_out:
        lines.append(labels.term("boundary_left_out", distances=", ".join(f"{d:g}" for d in left_out)))
    fig.suptitle("\n".join(lines), fontsize=8)
    fig.tight_layout()
    save(fig, path)
    plt.close(fig)
