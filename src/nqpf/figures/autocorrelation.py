"""Figures of spatial autocorrelation: LISA cluster maps by year, the Moran scatterplot and Moran's I over
time."""

from __future__ import annotations

import geopandas as gpd
import matplotlib.pyplot as plt
import numpy as np
import shapely

from nqpf.esda.settings import NO_DATA
from nqpf.figures.basemap import frame_map
from nqpf.figures.display import DisplayGeometry, draw_lines, draw_polygons, for_units, line_segments
from nqpf.figures.style import as_labels, chinese, in_parentheses, place_apart, save, subplots, use_cjk_font
from nqpf.tables.labels import Labels

LISA_COLOURS = {
    "HH": "#d7191c",
    "LH": "#abd9e9",
    "LL": "#2c7bb6",
    "HL": "#fdae61",
    "not significant": "#eeeeee",
    "island": "#ffffff",
}
OUTSIDE = "#d9d9d9"  # China's territory that the study does not cover (Taiwan, Hong Kong, Macau ...)
LISA_TERMS = {
    "HH": "lisa_HH",
    "LH": "lisa_LH",
    "LL": "lisa_LL",
    "HL": "lisa_HL",
    "not significant": "not_significant",
    "island": "island_unit",
}


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
    labels: Labels | None = None,
    display: DisplayGeometry | None = None,
) -> None:
    """LISA cluster maps, one small map per year: significant HH, LH, LL, HL units; named regions outlined.
    Drawn in the units' equal-area projection, or in ``projection`` (a study's own) when given; maps of China
    show the whole country (:func:`~nqpf.figures.basemap.frame_map`: what the study does not cover in grey, the
    South China Sea islands in an inset, a north arrow and a scale bar). ``titles=False`` leaves the title out
    (the years above the maps stay). ``regions`` maps a region's name to its Chinese name and member codes.

    ``labels`` (:class:`~nqpf.tables.labels.Labels`, the study's tables' language and names) gives every word:
    the classes (High-High or 高-高 ...), the years, the regions' names; English by default. ``display`` is the
    units' :class:`~nqpf.figures.display.DisplayGeometry` when it is at hand (made once for a boundary set);
    without it, or when it is not that of these units and projection, it is made here."""
    labels = as_labels(labels)
    use_cjk_font()
    cjk = chinese(labels)
    display = for_units(display, units, projection)
    projected = display.units
    unit_paths = np.empty(len(projected), dtype=object)
    unit_paths[:] = display.paths
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
            given = labels.language in labels.names.get(name, {})
            shown = label if cjk and label and not given else labels.name(name)
            outlines[name] = (shown, inside.geometry.union_all())
    # each region's outline as lines, once for every panel
    segments = [line_segments(shapely.boundary(outline)) for _, outline in outlines.values()]
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
        rows = projected.index.get_indexer(data.index)

        def draw(target, keep, shapes=shapes, rows=rows, category=category, no_data=no_data):
            shown = keep(shapes)
            present, absent = shown & ~no_data, shown & no_data
            draw_polygons(
                target,
                unit_paths[rows[present]],
                shapes.crs,
                facecolor=np.asarray([LISA_COLOURS[c] for c in category[present]]),
                edgecolor="#bbbbbb",
                linewidth=0.1,
            )
            if absent.any():
                draw_polygons(
                    target,
                    unit_paths[rows[absent]],
                    shapes.crs,
                    facecolor="white",
                    edgecolor="#999999",
                    hatch="////",
                    linewidth=0.1,
                )
            for lines in segments:
                draw_lines(target, lines, None, color="#222222", linewidth=0.6)

        ax.set_title(labels.term("year_label", year=year), fontsize=9)
        ax.set_axis_off()
        ax.set_aspect("equal")
        framed = frame_map(ax, display, draw, background=OUTSIDE, cjk=cjk)
        hidden |= framed["hidden"]
        context |= framed["context"]
        if cjk or labels.language == "en":
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
    names = [labels.term(LISA_TERMS[c]) for c in LISA_COLOURS]
    if unobserved:
        handles.append(plt.Rectangle((0, 0), 1, 1, fc="white", ec="#999999", hatch="////", lw=0.3))
        names.append(labels.term("no_data"))
    if context:
        handles.append(plt.Rectangle((0, 0), 1, 1, color=OUTSIDE, ec="#999999", lw=0.3))
        names.append(labels.term("outside_study"))
    fig.legend(handles, names, loc="lower center", ncol=len(names), fontsize=7, frameon=False)
    if titles:
        fig.suptitle(
            title + in_parentheses(note, labels) + (labels.term("islands_hidden") if hidden else ""),
            fontsize=10,
        )
    fig.tight_layout(rect=(0, 0.04, 1, 0.97 if titles else 1.0))
    save(fig, path)


def moran_scatter(
    x,
    w,
    names,
    quadrant,
    significant,
    value: float,
    path,
    title: str,
    note: str = "",
    label_top: int = 8,
    labels: Labels | None = None,
) -> None:
    """Moran scatterplot: standardised values against their spatial lag, with the regression line through the
    origin (its slope is Moran's I for a row-standardised W); the strongest High-High units are named (``names``:
    each unit's Chinese and English name), apart from each other, with leader lines where a name had to move.
    ``labels`` (the study's tables' language and names) gives the words; English by default."""
    labels = as_labels(labels)
    use_cjk_font()
    cjk = chinese(labels)
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
    named = [i for i in np.argsort(-strength, kind="stable")[:label_top] if np.isfinite(strength[i])]
    ax.set_xlabel(labels.term("standardised"))
    ax.set_ylabel(labels.term("standardised_lag"))
    heading = labels.term("moran_value", title=title, value=f"{value:.3f}") + in_parentheses(note, labels)
    ax.set_title(heading, fontsize=9)
    fig.tight_layout()
    place_apart(
        ax,
        [(z[i], lag[i]) for i in named],
        [str(names[i][0] if cjk else names[i][1]) for i in named],
        fontsize=6,
    )
    save(fig, path)


def moran_trend(global_table, path, alpha: float, note: str = "", labels: Labels | None = None) -> None:
    """Moran's I by year for every variable and W; filled markers where the permutation p <= alpha. ``labels``
    (the study's tables' language and names) names the variables and weights matrices; English by default."""
    labels = as_labels(labels)
    use_cjk_font()
    data = global_table[global_table["statistic"] == "moran"]
    fig, ax = plt.subplots(figsize=(6.5, 4), dpi=150)
    for k, ((variable, w), part) in enumerate(data.groupby(["variable", "weights"], sort=True)):
        part = part.sort_values("year")
        colour = plt.get_cmap("tab10")(k % 10)
        ax.plot(
            part["year"], part["value"], color=colour, label=f"{labels.name(variable)} / {labels.name(w)}"
        )
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
    ax.set_xlabel(labels.term("year_axis"))
    ax.set_ylabel(labels.term("moran_axis"))
    separator = "，" if labels.language == "zh" else ", "
    ax.set_title(
        labels.term("moran_trend", alpha=f"{alpha:g}") + (separator + note if note else ""), fontsize=9
    )
    ax.legend(fontsize=7, frameon=False)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    save(fig, path)
