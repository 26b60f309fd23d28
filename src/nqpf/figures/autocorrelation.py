"""Figures of spatial autocorrelation: LISA cluster maps by year, the Moran scatterplot and Moran's I over
time."""

from __future__ import annotations

import geopandas as gpd
import matplotlib.pyplot as plt
import numpy as np

from nqpf.esda.settings import NO_DATA
from nqpf.figures.basemap import HIDDEN_NOTE, for_display, frame_map
from nqpf.figures.style import subplots, use_cjk_font

LISA_COLOURS = {
    "HH": "#d7191c",
    "LH": "#abd9e9",
    "LL": "#2c7bb6",
    "HL": "#fdae61",
    "not significant": "#eeeeee",
    "island": "#ffffff",
}
OUTSIDE = "#d9d9d9"  # China's territory that the study does not cover (Taiwan, Hong Kong, Macau ...)


def lisa_cluster_maps(
    units: gpd.GeoDataFrame,
    local,
    years,
    path,
    title: str,
    regions: dict[str, tuple[str, set[str]]] | None = None,
    note: str = "",
    projection=None,
    titles: bool = True,
) -> None:
    """LISA cluster maps, one small map per year: significant HH, LH, LL, HL units; named regions outlined.
    Drawn in the units' equal-area projection, or in ``projection`` (a study's own) when given; maps of China
    show the whole country (:func:`~nqpf.figures.basemap.frame_map`: what the study does not cover in grey, the
    South China Sea islands in an inset, a north arrow and a scale bar). ``titles=False`` leaves the title out
    (the years above the maps stay)."""
    cjk = use_cjk_font()
    projected = for_display(units, projection).set_index("code")
    cols = min(4, len(years))
    rows = int(np.ceil(len(years) / cols))
    fig, axes = subplots(rows, cols, figsize=(3.2 * cols, 3.0 * rows + 0.6), dpi=150, squeeze=False)
    outlines = {}
    unobserved = False  # a unit without a value in some year (esda.missing: drop_per_year)
    context = False  # the rest of China drawn in grey
    hidden = False
    for name, (label, members) in (regions or {}).items():
        inside = projected.loc[projected.index.intersection(sorted(members))]
        if len(inside):
            outlines[name] = (label, inside.geometry.union_all())
    for ax, year in zip(axes.ravel(), years, strict=False):
        data = local[local["year"] == year].set_index("code")
        category = np.where(
            data["quadrant"].isin(["island", NO_DATA]),
            data["quadrant"],
            np.where(data["significant"], data["quadrant"], "not significant"),
        )
        no_data = category == NO_DATA
        unobserved |= bool(no_data.any())
        shapes = projected.loc[data.index]

        def draw(target, keep, shapes=shapes, category=category, no_data=no_data):
            shown = keep(shapes)
            present, absent = shown & ~no_data, shown & no_data
            shapes[present].plot(
                ax=target,
                color=[LISA_COLOURS[c] for c in category[present]],
                edgecolor="#bbbbbb",
                linewidth=0.1,
            )
            if absent.any():
                shapes[absent].plot(
                    ax=target, facecolor="white", edgecolor="#999999", hatch="////", linewidth=0.1
                )
            for _, outline in outlines.values():
                gpd.GeoSeries([outline]).boundary.plot(ax=target, color="#222222", linewidth=0.6)

        ax.set_title(str(year), fontsize=9)
        ax.set_axis_off()
        ax.set_aspect("equal")
        framed = frame_map(
            ax, gpd.GeoDataFrame(geometry=projected.geometry), draw, background=OUTSIDE, cjk=cjk
        )
        hidden |= framed["hidden"]
        context |= framed["context"]
        if cjk:
            for label, outline in outlines.values():
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
    for ax in axes.ravel()[len(years) :]:
        ax.set_axis_off()
    handles = [plt.Rectangle((0, 0), 1, 1, color=c, ec="#999999", lw=0.3) for c in LISA_COLOURS.values()]
    labels = list(LISA_COLOURS)
    if unobserved:
        handles.append(plt.Rectangle((0, 0), 1, 1, fc="white", ec="#999999", hatch="////", lw=0.3))
        labels.append(NO_DATA)
    if context:
        handles.append(plt.Rectangle((0, 0), 1, 1, color=OUTSIDE, ec="#999999", lw=0.3))
        labels.append("outside the study")
    fig.legend(handles, labels, loc="lower center", ncol=len(labels), fontsize=7, frameon=False)
    if titles:
        fig.suptitle(title + (f" ({note})" if note else "") + (HIDDEN_NOTE if hidden else ""), fontsize=10)
    fig.tight_layout(rect=(0, 0.04, 1, 0.97 if titles else 1.0))
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
