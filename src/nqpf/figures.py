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

_DENSE_LINKS = 20_000
_DISPLAY_TOLERANCE = (
    0.0008  # simplification for drawing, as a share of the map's extent (about 4 km for China)
)


def mainland_view(ax, projected: gpd.GeoDataFrame, margin: float = 0.02) -> None:
    """Limit the axes to the units north of 18N, so that the South China Sea islands (and their long links)
    do not shrink the map of everything else."""
    latitude = projected.geometry.representative_point().to_crs(crs.GEOGRAPHIC).y
    shown = projected[latitude >= 18.0] if (latitude >= 18.0).any() else projected
    minx, miny, maxx, maxy = shown.total_bounds
    dx, dy = (maxx - minx) * margin, (maxy - miny) * margin
    ax.set_xlim(minx - dx, maxx + dx)
    ax.set_ylim(miny - dy, maxy + dy)


def for_display(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The polygons in the China Albers projection, simplified to what a figure can show."""
    projected = gdf.to_crs(crs.CHINA_ALBERS)
    minx, miny, maxx, maxy = projected.total_bounds
    tolerance = _DISPLAY_TOLERANCE * max(maxx - minx, maxy - miny)
    return projected.set_geometry(
        projected.geometry.simplify(tolerance, preserve_topology=True)
    )  # above this many links a map shows each unit's strongest links only


_STRONGEST = 3


def connectivity_map(
    units: gpd.GeoDataFrame, w: SpatialWeights, path, added_links: list[dict] | None = None, note: str = ""
) -> None:
    """Polygons in grey, a line between the centroids of every pair of neighbours, links added by the island
    policy in red; for a dense W only each unit's strongest links."""
    exact = units.set_index("code").loc[list(w.ids)].to_crs(crs.CHINA_ALBERS)
    xy = np.column_stack([exact.geometry.centroid.x, exact.geometry.centroid.y])
    projected = for_display(units.set_index("code").loc[list(w.ids)])
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
    mainland_view(ax, projected)
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


# -- Chinese text --------------------------------------------------------------------------------------------------

_CJK_READY: bool | None = None


def use_cjk_font() -> bool:
    """Register Noto Sans CJK SC (shipped by the mplfonts package) as matplotlib's fallback for Chinese text.

    Returns False, and figures then label units with their English names, when the font is not installed."""
    global _CJK_READY
    if _CJK_READY is not None:
        return _CJK_READY
    try:
        from importlib import resources

        from matplotlib import font_manager

        path = resources.files("mplfonts") / "fonts" / "NotoSansCJKsc-Regular.otf"
        font_manager.fontManager.addfont(str(path))
        name = font_manager.FontProperties(fname=str(path)).get_name()
        plt.rcParams["font.family"] = ["DejaVu Sans", name]
        _CJK_READY = True
    except (ImportError, FileNotFoundError, OSError, RuntimeError):
        _CJK_READY = False
    return _CJK_READY


def label_of(row, cjk: bool) -> str:
    """A unit's Chinese name when Chinese renders, else its English name."""
    return str(row["name"]) if cjk else str(row.get("name_en") or row["code"])


# -- ESDA ------------------------------------------------------------------------------------------------------------

LISA_COLOURS = {
    "HH": "#d7191c",
    "LH": "#abd9e9",
    "LL": "#2c7bb6",
    "HL": "#fdae61",
    "not significant": "#eeeeee",
    "island": "#ffffff",
}


def lisa_cluster_maps(
    units: gpd.GeoDataFrame,
    local,
    years,
    path,
    title: str,
    regions: dict[str, tuple[str, set[str]]] | None = None,
    note: str = "",
) -> None:
    """LISA cluster maps, one small map per year: significant HH, LH, LL, HL units; named regions outlined."""
    cjk = use_cjk_font()
    projected = for_display(units).set_index("code")
    cols = min(4, len(years))
    rows = int(np.ceil(len(years) / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(3.2 * cols, 3.0 * rows + 0.6), dpi=150, squeeze=False)
    outlines = {}
    for name, (label, members) in (regions or {}).items():
        inside = projected.loc[projected.index.intersection(sorted(members))]
        if len(inside):
            outlines[name] = (label, inside.geometry.union_all())
    for ax, year in zip(axes.ravel(), years, strict=False):
        data = local[local["year"] == year].set_index("code")
        category = np.where(
            data["quadrant"] == "island",
            "island",
            np.where(data["significant"], data["quadrant"], "not significant"),
        )
        colours = [LISA_COLOURS[c] for c in category]
        shapes = projected.loc[data.index]
        shapes.plot(ax=ax, color=colours, edgecolor="#bbbbbb", linewidth=0.1)
        for label, outline in outlines.values():
            gpd.GeoSeries([outline]).boundary.plot(ax=ax, color="#222222", linewidth=0.6)
            if cjk:
                bounds = outline.bounds
                ax.annotate(
                    label,
                    (bounds[2], (bounds[1] + bounds[3]) / 2),
                    fontsize=6,
                    color="#222222",
                    xytext=(3, 0),
                    textcoords="offset points",
                    va="center",
                    bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.8},
                )
        ax.set_title(str(year), fontsize=9)
        ax.set_axis_off()
        ax.set_aspect("equal")
        mainland_view(ax, projected)
    for ax in axes.ravel()[len(years) :]:
        ax.set_axis_off()
    handles = [plt.Rectangle((0, 0), 1, 1, color=c, ec="#999999", lw=0.3) for c in LISA_COLOURS.values()]
    fig.legend(handles, list(LISA_COLOURS), loc="lower center", ncol=6, fontsize=7, frameon=False)
    fig.suptitle(title + (f" ({note})" if note else "") + "; South China Sea islands not shown", fontsize=10)
    fig.tight_layout(rect=(0, 0.04, 1, 0.97))
    fig.savefig(path, metadata={"Software": None})
    plt.close(fig)


def moran_scatter(
    x, w, names, quadrant, significant, value: float, path, title: str, note: str = "", label_top: int = 8
) -> None:
    """Moran scatterplot: standardised values against their spatial lag, with the regression line through the
    origin (its slope is Moran's I for a row-standardised W); the strongest High-High units are named."""
    cjk = use_cjk_font()
    z = (x - x.mean()) / x.std()
    lag = w @ z
    keep = np.asarray(quadrant) != "island"
    fig, ax = plt.subplots(figsize=(5.2, 4.6), dpi=150)
    colours = [LISA_COLOURS[q] if s else "#9e9e9e" for q, s in zip(quadrant, significant, strict=True)]
    ax.scatter(z[keep], lag[keep], s=10, c=np.array(colours, dtype=object)[keep], edgecolors="none")
    slope = (z[keep] @ lag[keep]) / (z[keep] @ z[keep])
    grid = np.array([z[keep].min(), z[keep].max()])
    ax.plot(grid, slope * grid, color="#1a202c", linewidth=1)
    ax.axhline(0, color="#999999", linewidth=0.5)
    ax.axvline(0, color="#999999", linewidth=0.5)
    strength = np.where((np.asarray(quadrant) == "HH") & keep, z * lag, -np.inf)
    for i in np.argsort(-strength, kind="stable")[:label_top]:
        if np.isfinite(strength[i]):
            ax.annotate(
                names[i][0] if cjk else names[i][1],
                (z[i], lag[i]),
                fontsize=6,
                xytext=(2, 2),
                textcoords="offset points",
            )
    ax.set_xlabel("standardised value")
    ax.set_ylabel("spatial lag of the standardised value")
    ax.set_title(f"{title}: Moran's I = {value:.3f}" + (f" ({note})" if note else ""), fontsize=9)
    fig.tight_layout()
    fig.savefig(path, metadata={"Software": None})
    plt.close(fig)


def moran_trend(global_table, path, alpha: float, note: str = "") -> None:
    """Moran's I by year for every variable and W; filled markers where the permutation p <= alpha."""
    data = global_table[global_table["statistic"] == "moran"]
    fig, ax = plt.subplots(figsize=(6.5, 4), dpi=150)
    for k, ((variable, w), part) in enumerate(data.groupby(["variable", "weights"], sort=True)):
        part = part.sort_values("year")
        colour = plt.get_cmap("tab10")(k % 10)
        ax.plot(part["year"], part["value"], color=colour, label=f"{variable} / {w}")
        p = part["p_sim"].where(part["p_sim"].notna(), part["p_rand"])
        significant = (p <= alpha).to_numpy()
        ax.scatter(part["year"][significant], part["value"][significant], color=colour, s=18, zorder=3)
        ax.scatter(
            part["year"][~significant],
            part["value"][~significant],
            facecolors="white",
            edgecolors=colour,
            s=18,
            zorder=3,
        )
    ax.axhline(0, color="#999999", linewidth=0.5)
    ax.set_xlabel("year")
    ax.set_ylabel("Moran's I")
    ax.set_title(f"Global Moran's I (filled: p <= {alpha:g})" + (f", {note}" if note else ""), fontsize=9)
    ax.legend(fontsize=7, frameon=False)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, metadata={"Software": None})
    plt.close(fig)
