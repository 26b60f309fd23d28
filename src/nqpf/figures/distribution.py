"""Figures of regional disparity: regional means over time, kernel densities and the Dagum Gini
decomposition."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from nqpf.figures.style import region_colour
from nqpf.units import region_sets


def regional_trend(means, variable: str, path, note: str = "") -> None:
    """Mean of a variable by region and year (the national mean dashed)."""
    fig, ax = plt.subplots(figsize=(6.5, 4), dpi=150)
    for k, (region, data) in enumerate(means.groupby("region", sort=False)):
        style = "--" if region == "National" else "-"
        ax.plot(
            data["year"],
            data["mean"],
            style,
            marker="o",
            markersize=3,
            label=region_sets.display_name(region),
            color=region_colour(region, k),
        )
    ax.set_xlabel("year")
    ax.set_ylabel(f"mean {variable}")
    ax.set_title(f"{variable} by region" + (f" ({note})" if note else ""), fontsize=10)
    ax.legend(fontsize=8, frameon=False)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, metadata={"Software": None})
    plt.close(fig)


def kernel_densities(frame, variable: str, group: str, order, years, path, note: str = "") -> None:
    """Gaussian kernel densities (Scott's bandwidth) of a variable, nationally and by group, for some years."""
    from scipy.stats import gaussian_kde

    panels = ["National", *region_sets.group_order(order)]
    fig, axes = plt.subplots(1, len(panels), figsize=(3.0 * len(panels), 3.2), dpi=150, sharey=False)
    values = frame[variable].dropna()
    grid = np.linspace(values.min() - 0.1 * np.ptp(values), values.max() + 0.1 * np.ptp(values), 256)
    shades = plt.get_cmap("viridis")(np.linspace(0.1, 0.9, len(years)))
    for ax, name in zip(np.atleast_1d(axes), panels, strict=True):
        part = frame if name == "National" else frame[frame[group] == name]
        for shade, year in zip(shades, years, strict=True):
            sample = part.loc[part["year"] == year, variable].dropna().to_numpy()
            if len(sample) > 2 and np.ptp(sample) > 0:
                ax.plot(grid, gaussian_kde(sample)(grid), color=shade, label=str(year))
        ax.set_title(region_sets.display_name(name), fontsize=9)
        ax.set_xlabel(variable, fontsize=8)
        ax.tick_params(labelsize=7)
    np.atleast_1d(axes)[0].set_ylabel("density", fontsize=8)
    np.atleast_1d(axes)[-1].legend(fontsize=7, frameon=False)
    fig.suptitle(f"Kernel density of {variable}" + (f" ({note})" if note else ""), fontsize=10)
    fig.tight_layout()
    fig.savefig(path, metadata={"Software": None})
    plt.close(fig)


def gini_decomposition(table, variable: str, path, note: str = "") -> None:
    """Dagum Gini by year with its within, net between and transvariation contributions stacked."""
    data = table[table["variable"] == variable].sort_values("year")
    fig, ax = plt.subplots(figsize=(6.5, 4), dpi=150)
    ax.stackplot(
        data["year"],
        data["G_w"],
        data["G_nb"],
        data["G_t"],
        labels=["within regions", "between regions (net)", "transvariation"],
        colors=["#90cdf4", "#2b6cb0", "#cbd5e0"],
    )
    ax.plot(data["year"], data["G"], color="#1a202c", marker="o", markersize=3, label="Gini G")
    ax.set_xlabel("year")
    ax.set_ylabel("Dagum Gini")
    ax.set_title(f"Dagum Gini decomposition of {variable}" + (f" ({note})" if note else ""), fontsize=10)
    ax.legend(fontsize=8, frameon=False, loc="upper right")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, metadata={"Software": None})
    plt.close(fig)


# -- Chinese text --------------------------------------------------------------------------------------------------
