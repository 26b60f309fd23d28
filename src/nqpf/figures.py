"""Figures: maps drawn in the China Albers equal-area projection with matplotlib (no screen needed)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import geopandas as gpd  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib import patheffects  # noqa: E402
from matplotlib.collections import LineCollection  # noqa: E402

from nqpf import crs  # noqa: E402
from nqpf.errors import InputError  # noqa: E402
from nqpf.regions import PROVINCE_BY_CODE  # noqa: E402
from nqpf.weights.core import SpatialWeights  # noqa: E402

_DENSE_LINKS = 20_000
_DISPLAY_TOLERANCE = (
    0.0008  # simplification for drawing, as a share of the map's extent (about 4 km for China)
)


def mainland_view(ax, projected: gpd.GeoDataFrame, margin: float = 0.02) -> None:
    """Limit the axes to the polygons north of 18N, so that the South China Sea islands (and their long links)
    do not shrink the map of everything else; a unit's islands there (Hainan's Sansha) are left out too."""
    parts = projected.geometry.explode(index_parts=False)
    latitude = parts.representative_point().to_crs(crs.GEOGRAPHIC).y
    shown = parts[latitude >= 18.0] if (latitude >= 18.0).any() else parts
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


# -- Saving ----------------------------------------------------------------------------------------------------------

# No dates, versions or software names in the files, so that the same figure gives the same bytes on every run.
_METADATA = {"png": {"Software": None}, "pdf": {"Creator": None, "Producer": None, "CreationDate": None}}


def save(fig, paths) -> None:
    """Write a figure to one or several files (PNG, PDF) whose bytes depend on the figure alone, then close it."""
    for path in [paths] if isinstance(paths, str | Path) else list(paths):
        fig.savefig(path, metadata=_METADATA.get(Path(path).suffix.lower().lstrip("."), {}))
    plt.close(fig)


def _require_columns(table, columns, source: str, fix: str) -> None:
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise InputError(
            f"{source} has no column {', '.join(missing)}",
            file=source,
            column=", ".join(missing),
            fix=f"{fix}; its columns are {', '.join(map(str, table.columns)) or 'none'}",
        )


# -- Maps of a variable by year --------------------------------------------------------------------------------------

MAP_COLOURS = "YlGnBu"
NO_DATA = "#d9d9d9"
_NAMED_UNITS = 40  # maps of up to this many units name every unit; maps of more units outline their provinces


def class_breaks(values, classes: int) -> np.ndarray:
    """Edges of quantile classes of the pooled values, from their minimum to their maximum (tied edges merged)."""
    return np.unique(np.quantile(np.asarray(values, dtype=float), np.linspace(0.0, 1.0, classes + 1)))


def _edge_labels(edges) -> list[str]:
    """The class edges with one decimal more than it takes to keep them apart (none more above 1,000)."""
    edges = np.asarray(edges, dtype=float)
    for decimals in range(7):
        if len({f"{v:.{decimals}f}" for v in edges}) == len(edges):
            break
    if np.abs(edges).max() < 1000:
        decimals += 1
    return [f"{v:,.{decimals}f}" for v in edges]


def _text_width(text: str, fontsize: float) -> float:
    """Rough width of a label in points: Chinese characters are one em wide, Latin letters about half."""
    return fontsize * sum(1.0 if ord(ch) > 0x2E80 else 0.56 for ch in text)


def _place_labels(ax, geometries, texts: dict, fontsize: float) -> dict:
    """Where each unit's label goes: at the pole of inaccessibility of the unit's largest part, and where the
    label does not fit inside the unit, beside it (offset in points, with a leader line) in the one of eight
    directions farthest from every other label."""
    from shapely.ops import polylabel

    ax.apply_aspect()
    low, high = ax.transData.transform([(0.0, 0.0), (1.0e5, 0.0)])
    points_per_unit = (high[0] - low[0]) / 1.0e5 * 72.0 / ax.figure.dpi
    anchors, offsets, crowded = {}, {}, []
    for code, geometry in geometries.items():
        largest = max(getattr(geometry, "geoms", [geometry]), key=lambda part: part.area)
        point = polylabel(largest, tolerance=largest.length / 400)
        anchors[code] = (point.x, point.y)
        room = largest.boundary.distance(point) * points_per_unit
        if room >= 0.45 * _text_width(texts[code], fontsize) and room >= 0.6 * fontsize:
            offsets[code] = (0.0, 0.0)
        else:
            crowded.append(code)
    centres = {code: np.array(anchor) * points_per_unit for code, anchor in anchors.items()}
    placed = {code: centres[code] for code in offsets}
    for code in sorted(crowded):
        reach = 0.5 * _text_width(texts[code], fontsize) + 5.0
        others = [placed.get(k, centres[k]) for k in anchors if k != code]
        best, best_room = (0.0, 0.0), -np.inf
        for angle in np.deg2rad([0, 45, 315, 90, 270, 135, 225, 180]):
            offset = np.array([reach * np.cos(angle), 0.8 * reach * np.sin(angle)])
            # labels are wider than tall: horizontal distances count half
            room = min((np.hypot(*((centres[code] + offset - c) * [0.5, 1.0])) for c in others), default=0.0)
            if room > best_room + 1e-9:
                best, best_room = (float(offset[0]), float(offset[1])), room
        offsets[code] = best
        placed[code] = centres[code] + np.array(best)
    return {code: (anchors[code], offsets[code]) for code in anchors}


def _short_name(code: str, name: str, name_en, cjk: bool) -> str:
    """Provinces by their short forms (北京, 内蒙古); other units by name, or English name without Chinese text."""
    if not cjk:
        return str(name_en or code)
    province = PROVINCE_BY_CODE.get(code)
    return province.short if province else str(name)


def index_maps(
    units: gpd.GeoDataFrame,
    values: pd.DataFrame,
    paths,
    *,
    column: str = "index",
    years=None,
    title: str = "",
    classes: int = 5,
    note: str = "",
    source: str = "the index table",
) -> None:
    """Maps of a variable by unit, one small map per year, on one shared colour scale.

    The classes are quantiles of the values of all mapped years pooled, so a unit changes colour only when it
    crosses a fixed break and growth shows as a shift to the darker classes. Maps of up to 40 units name them;
    maps of smaller units (prefectures, counties) outline their provinces. Units without a value are grey. The
    South China Sea islands are left out of the view (:func:`mainland_view`). ``units`` holds ``code``, ``name``,
    ``name_en`` (and ``province_code``) and the polygons; ``values`` holds ``code``, ``year`` and ``column``.
    """
    if classes < 2:
        raise InputError(
            f"maps need at least 2 colour classes, not {classes}",
            column="figures.map_classes",
            fix="set 2 or more",
        )
    table, years = _map_values(values, column, years, source, units)
    cjk = use_cjk_font()
    exact = units.assign(code=units["code"].astype(str)).set_index("code").to_crs(crs.CHINA_ALBERS)
    projected = for_display(exact)
    edges = class_breaks(table[column].dropna(), classes)
    if len(edges) == 1:  # one value everywhere: one class
        edges = np.repeat(edges, 2)
    k = len(edges) - 1
    palette = plt.get_cmap(MAP_COLOURS)(np.linspace(0.12, 1.0, k))
    labels = _edge_labels(edges)
    many = len(projected) > 400
    named = len(projected) <= _NAMED_UNITS
    outlines = None
    if not named and "province_code" in exact.columns and exact["province_code"].notna().all():
        dissolved = exact[["province_code", "geometry"]].dissolve(by="province_code")
        if 1 < len(dissolved) < len(exact):
            outlines = for_display(dissolved).boundary

    cols = min(4, len(years))
    rows = int(np.ceil(len(years) / cols))
    width, height = 3.3 * cols, 2.75 * rows + 1.05
    fig, axes = plt.subplots(rows, cols, figsize=(width, height), dpi=200, squeeze=False)
    fig.subplots_adjust(
        left=0.01, right=0.99, top=1 - 0.5 / height, bottom=0.62 / height, wspace=0.02, hspace=0.12
    )
    label_size = 4.5 if cols >= 3 else 6.5
    texts = {code: _short_name(code, row["name"], row.get("name_en"), cjk) for code, row in exact.iterrows()}
    placements = {}
    has_missing = False
    for ax, year in zip(axes.ravel(), years, strict=False):
        shown = table[table["year"] == year].set_index("code")[column].reindex(projected.index)
        missing = shown.isna().to_numpy()
        has_missing |= bool(missing.any())
        colours = palette[np.searchsorted(edges[1:-1], shown.to_numpy()[~missing], side="right")]
        # on maps of many small units white borders would wash the colours out
        projected[~missing].plot(
            ax=ax, color=colours, edgecolor=colours if many else "white", linewidth=0.05 if many else 0.3
        )
        if missing.any():
            projected[missing].plot(ax=ax, color=NO_DATA, edgecolor="white", linewidth=0.05 if many else 0.3)
        if outlines is not None:
            outlines.plot(ax=ax, color="#3a3a3a", linewidth=0.35)
        ax.set_title(str(year), fontsize=9)
        ax.set_axis_off()
        ax.set_aspect("equal")
        mainland_view(ax, projected)
        if named and not placements:
            placements = _place_labels(ax, exact.geometry, texts, label_size)
        for code, (anchor, offset) in placements.items():
            ax.annotate(
                texts[code],
                anchor,
                xytext=offset,
                textcoords="offset points",
                fontsize=label_size,
                ha="center",
                va="center",
                color="#1a1a1a",
                path_effects=[patheffects.withStroke(linewidth=1.2, foreground="white", alpha=0.8)],
                arrowprops=None if offset == (0.0, 0.0) else _LEADER,
            )
    for ax in axes.ravel()[len(years) :]:
        ax.set_axis_off()
    handles = [plt.Rectangle((0, 0), 1, 1, color=c, ec="#999999", lw=0.3) for c in palette]
    names = [f"{labels[i]} – {labels[i + 1]}" for i in range(k)]
    if has_missing:
        handles.append(plt.Rectangle((0, 0), 1, 1, color=NO_DATA, ec="#999999", lw=0.3))
        names.append("no data")
    fig.legend(
        handles,
        names,
        loc="lower center",
        ncol=len(handles),
        fontsize=7,
        frameon=False,
        title=f"{k} classes, quantiles of the {len(years)} years shown pooled"
        if len(years) > 1
        else f"{k} classes, quantiles",
        title_fontsize=7,
    )
    fig.suptitle(
        (title or column) + (f" ({note})" if note else "") + "; South China Sea islands not shown",
        fontsize=10,
        y=1 - 0.12 / height,
        va="top",
    )
    save(fig, paths)


_LEADER = {"arrowstyle": "-", "linewidth": 0.3, "color": "#333333", "shrinkA": 0, "shrinkB": 0}


def _map_values(
    values: pd.DataFrame, column: str, years, source: str, units
) -> tuple[pd.DataFrame, list[int]]:
    """The rows of the years to map, checked: one numeric value per unit and year, every unit on the map."""
    _require_columns(values, ["code", "year", column], source, "map a table of code, year and the variable")
    _require_columns(
        units, ["code", "name"], "the boundaries", "map boundaries with a code and a name per unit"
    )
    table = values[["code", "year", column]].copy()
    table["code"] = table["code"].astype(str)
    available = sorted(int(y) for y in table["year"].dropna().unique())
    years = [int(y) for y in (available if years is None else years)]
    absent = [y for y in years if y not in available]
    if not years or absent:
        raise InputError(
            f"{source} has no rows for the years to map: {', '.join(map(str, absent)) or '(none given)'}",
            file=source,
            column="year",
            fix="map years the table holds: " + (", ".join(map(str, available)) or "it holds no rows"),
        )
    table = table[table["year"].isin(years)]
    repeated = table[table.duplicated(["code", "year"], keep=False)]
    if len(repeated):
        first = repeated.iloc[0]
        raise InputError(
            f"{source} has {len(repeated)} rows for repeated (code, year) pairs",
            file=source,
            unit=first["code"],
            row=f"year {first['year']}",
            fix="give one value per unit and year",
        )
    numbers = pd.to_numeric(table[column], errors="coerce")
    text = numbers.isna() & table[column].notna()
    if text.any():
        bad = table[text].iloc[0]
        raise InputError(
            f"{source}: column {column} is not numeric",
            file=source,
            unit=bad["code"],
            column=column,
            fix=f"give numbers (found {bad[column]!r} in {bad['year']})",
        )
    table[column] = numbers
    if table[column].notna().sum() == 0:
        raise InputError(
            f"{source} has no values of {column} in the years to map",
            file=source,
            column=column,
            fix="build the variable first, or map years in which it has values",
        )
    unknown = sorted(set(table["code"]) - set(units["code"].astype(str)))
    if unknown:
        raise InputError(
            f"{source} has {len(unknown)} unit codes that the boundaries do not hold",
            file=source,
            column="code",
            details=["codes: " + ", ".join(unknown[:20]) + (" ..." if len(unknown) > 20 else "")],
            fix="map the table with the boundaries of its study",
        )
    return table, years


# -- Spatial panel models --------------------------------------------------------------------------------------------

EFFECTS = ("direct", "indirect", "total")
EFFECT_TITLES = {"direct": "direct", "indirect": "indirect (spillover)", "total": "total"}
SPATIAL_PARAMETERS = {"rho": r"$\rho$ (W·y)", "lambda": r"$\lambda$ (W·u)"}


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


def _forest(ax, items, size: float = 3.2) -> None:
    """Points with their intervals, ``items`` as (y, estimate, low, high, colour); filled markers where the
    interval excludes zero. The x-range holds zero, every estimate and each interval up to four median interval
    widths from its estimate: a much wider interval is cut there, with an arrow, so that it does not flatten
    the others."""
    items = [(y, x, lo, hi, c) for y, x, lo, hi, c in items if np.isfinite(x)]
    if not items:
        return
    widths = np.array([hi - lo for _, _, lo, hi, _ in items if np.isfinite(lo) and np.isfinite(hi)])
    reach = 4.0 * np.median(widths) if len(widths) and np.median(widths) > 0 else np.inf
    ends = [0.0]
    for y, x, lo, hi, colour in items:
        finite = np.isfinite(lo) and np.isfinite(hi)
        if finite:
            left, right = max(lo, x - reach), min(hi, x + reach)
            ax.plot([left, right], [y, y], color=colour, linewidth=0.9, solid_capstyle="butt")
            for end, cut, marker in ((left, lo < left, "<"), (right, hi > right, ">")):
                if cut:
                    ax.plot([end], [y], marker=marker, markersize=size * 0.9, color=colour, linewidth=0)
            ends += [left, right]
        ends.append(x)
        excludes_zero = finite and (lo > 0 or hi < 0)
        ax.plot(
            [x],
            [y],
            marker="o",
            markersize=size,
            color=colour,
            markerfacecolor=colour if excludes_zero else "white",
            markeredgewidth=0.8,
            linewidth=0,
            zorder=3,
        )
    low, high = min(ends), max(ends)
    pad = 0.06 * (high - low) if high > low else 1.0
    ax.set_xlim(low - pad, high + pad)


def _style_panel(ax) -> None:
    from matplotlib.ticker import MaxNLocator

    ax.axvline(0.0, color="#777777", linewidth=0.6, linestyle="--", zorder=1)
    ax.grid(axis="x", alpha=0.25, linewidth=0.5)
    ax.tick_params(labelsize=6.5, length=2)
    ax.xaxis.set_major_locator(MaxNLocator(nbins=5))
    ax.ticklabel_format(axis="x", style="sci", scilimits=(-3, 4), useMathText=True)
    ax.xaxis.get_offset_text().set_fontsize(6)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def _namer(labels: dict[str, str] | None):
    """The display name of a variable or weights matrix: its label where one is given, else itself."""
    return lambda key: (labels or {}).get(key, key)


def weights_colours(names) -> dict:
    return {name: plt.get_cmap("tab10")(k % 10) for k, name in enumerate(names)}


def effects_plot(
    effects: pd.DataFrame,
    paths,
    *,
    model: str,
    spec: str = "main",
    dependent: str = "",
    level: float = 0.95,
    labels: dict[str, str] | None = None,
    note: str = "",
    source: str = "effects.csv",
) -> None:
    """Direct, indirect and total effects (LeSage and Pace 2009) of every explanatory variable of one model on
    every weights matrix, with their intervals: one row of panels per variable and one line per W (robustness
    at a glance); filled markers where the interval excludes zero.

    ``effects`` is the merged table of a study (model, weights, spec, variable, effect, estimate, ci_low, ci_high);
    ``labels`` gives display names of variables and weights matrices (their own names otherwise).
    """
    name = _namer(labels)
    _require_columns(
        effects,
        ["model", "weights", "spec", "variable", "effect", "estimate", "ci_low", "ci_high"],
        source,
        "plot the merged effects table of the models stage",
    )
    rows = _rows_of(effects, {"model": model, "spec": spec}, source)
    variables = list(dict.fromkeys(rows["variable"]))
    weights = list(dict.fromkeys(rows["weights"]))
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
                    items.append((position, value["estimate"], value["ci_low"], value["ci_high"], colours[w]))
            _forest(ax, items)
            if r == 0:
                ax.set_title(EFFECT_TITLES[effect], fontsize=8)
        # wrapped so that a long name stays within its row
        axes[r, 0].set_ylabel(textwrap.fill(name(variable), 16), fontsize=7.5, fontweight="bold")
    axes[0, 0].set_yticks(range(len(weights)), [name(w) for w in weights])
    axes[0, 0].set_ylim(len(weights) - 0.5, -0.5)
    target = f" on {name(dependent)}" if dependent else ""
    fig.suptitle(
        f"{model.upper()} effects{target} ({spec} specification) on every W"
        + (f" ({note})" if note else "")
        + f"\n{level:.0%} intervals; filled markers: the interval excludes 0",
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
    dependent: str = "",
    level: float = 0.95,
    labels: dict[str, str] | None = None,
    note: str = "",
    source: str = "estimates.csv",
) -> None:
    """Coefficients of every model on every weights matrix with intervals estimate ± z·se (normal quantile of
    ``level``): one row of panels per explanatory variable, its own coefficient (beta) beside that of its
    spatial lag W·x (theta), and a last row with the spatial parameters rho and lambda; models down each panel,
    weights matrices by colour; filled markers where the interval excludes zero.

    ``estimates`` is the merged table of a study (model, weights, spec, term, estimate, std_error); ``labels``
    gives display names of variables and weights matrices (their own names otherwise).
    """
    from scipy.stats import norm

    name = _namer(labels)
    _require_columns(
        estimates,
        ["model", "weights", "spec", "term", "estimate", "std_error"],
        source,
        "plot the merged estimates table of the models stage",
    )
    rows = _rows_of(estimates, {"spec": spec}, source)
    terms = [str(t) for t in dict.fromkeys(rows["term"])]
    variables = [t for t in terms if not t.startswith("W.") and t not in SPATIAL_PARAMETERS]
    spatial = [t for t in SPATIAL_PARAMETERS if t in terms]
    models = list(dict.fromkeys(rows["model"]))
    weights = list(dict.fromkeys(rows["weights"]))
    colours = weights_colours(weights)
    z = norm.ppf(0.5 + level / 2)
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
                ax.set_title(rf"{name(term)}: $\beta$ (x)", fontsize=8)
            else:
                ax.set_title(rf"{name(term[2:])}: $\theta$ (W·x)", fontsize=8)
    axes[0, 0].set_yticks(range(len(models)), [m.upper() for m in models])
    axes[0, 0].set_ylim(len(models) - 0.5, -0.5)
    handles = [
        plt.Line2D([], [], color=colours[w], marker="o", markersize=3.5, linewidth=0.9, label=name(w))
        for w in weights
    ]
    fig.legend(handles=handles, loc="lower center", ncol=len(weights), fontsize=7, frameon=False)
    target = f" of {name(dependent)}" if dependent else ""
    fig.suptitle(
        f"Coefficients{target} ({spec} specification) on every W"
        + (f" ({note})" if note else "")
        + f"\n{level:.0%} intervals (estimate ± {z:.2f} s.e.); filled markers: the interval excludes 0",
        fontsize=9,
        y=1 - 0.08 / height,
        va="top",
    )
    fig.tight_layout(rect=(0, 0.3 / height, 1, 1), h_pad=0.9, w_pad=1.0)
    save(fig, paths)
