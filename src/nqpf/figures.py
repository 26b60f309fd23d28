"""Figures: maps drawn in the China Albers equal-area projection with matplotlib (no screen needed)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import geopandas as gpd  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.collections import LineCollection  # noqa: E402

from nqpf import crs  # noqa: E402
from nqpf.weights.core import SpatialWeights  # noqa: E402

_DENSE_LINKS = 20_000  # above this many links a map shows each unit's strongest links only
_STRONGEST = 3


def connectivity_map(
    units: gpd.GeoDataFrame, w: SpatialWeights, path, added_links: list[dict] | None = None, note: str = ""
) -> None:
    """Polygons in grey, a line between the centroids of every pair of neighbours, links added by the island
    policy in red; for a dense W only each unit's strongest links."""
    projected = units.set_index("code").loc[list(w.ids)].to_crs(crs.CHINA_ALBERS)
    xy = np.column_stack([projected.geometry.centroid.x, projected.geometry.centroid.y])
    matrix = w.matrix.tocsr()
    shown = "all links"
    rows, cols = matrix.nonzero()
    if matrix.nnz > _DENSE_LINKS:
        keep_rows, keep_cols = [], []
        for i in range(w.n):
            start, end = matrix.indptr[i], matrix.indptr[i + 1]
            strongest = np.argsort(-matrix.data[start:end], kind="stable")[:_STRONGEST]
            keep_rows += [i] * len(strongest)
            keep_cols += list(matrix.indices[start:end][strongest])
        rows, cols = np.array(keep_rows), np.array(keep_cols)
        shown = f"each unit's {_STRONGEST} strongest links"
    segments = np.stack([xy[rows], xy[cols]], axis=1)
    fig, ax = plt.subplots(figsize=(8, 7), dpi=150)
    projected.plot(ax=ax, color="#e8e8e8", edgecolor="white", linewidth=0.2)
    ax.add_collection(LineCollection(segments, colors="#2b6cb0", linewidths=0.4, alpha=0.6))
    ax.scatter(xy[:, 0], xy[:, 1], s=2 if w.n > 500 else 6, color="#1a365d", zorder=3)
    index = {code: i for i, code in enumerate(w.ids)}
    for link in added_links or []:
        i, j = index.get(link["code_a"]), index.get(link["code_b"])
        if i is not None and j is not None:
            ax.plot(*zip(xy[i], xy[j], strict=True), color="#c53030", linewidth=1.2, linestyle="--", zorder=4)
    islands = np.flatnonzero(w.cardinalities() == 0)
    if len(islands):
        ax.scatter(xy[islands, 0], xy[islands, 1], s=25, facecolors="none", edgecolors="#c53030", zorder=5)
    title = f"W {w.name}: {w.kind}, {w.n} units, {w.links} links ({shown})"
    ax.set_title(title + (f"\n{note}" if note else ""), fontsize=9)
    ax.set_axis_off()
    ax.set_aspect("equal")
    fig.tight_layout()
    fig.savefig(path, metadata={"Software": None})
    plt.close(fig)


REGION_COLOURS = {
    "East": "#c53030",
    "Central": "#dd6b20",
    "West": "#2f855a",
    "Northeast": "#2b6cb0",
    "National": "#1a202c",
}


def _colour(name: str, k: int) -> str:
    return REGION_COLOURS.get(name, plt.get_cmap("tab20")(k % 20))


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
            label=region,
            color=_colour(region, k),
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

    panels = ["National", *order]
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
        ax.set_title(name, fontsize=9)
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
