"""Maps of a variable by year on one colour scale, units named where the map has room."""

from __future__ import annotations

import geopandas as gpd
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib import patheffects

from nqpf.errors import InputError, listed
from nqpf.figures.basemap import frame_map
from nqpf.figures.display import NAMED_UNITS, DisplayGeometry, draw_lines, draw_polygons, for_units
from nqpf.figures.style import (
    as_labels,
    chinese,
    in_parentheses,
    name_point,
    require_columns,
    save,
    subplots,
    use_cjk_font,
)
from nqpf.tables.labels import Labels
from nqpf.units.regions import PROVINCE_BY_CODE

MAP_COLOURS = "YlGnBu"
NO_DATA = "#d9d9d9"
# maps of up to this many units name every unit; maps of more units outline their provinces
_NAMED_UNITS = NAMED_UNITS


SCHEMES = ("quantiles", "equal_interval", "natural_breaks", "user")
_JENKS_SAMPLE = 3000  # natural breaks of more values are found on this many evenly spaced order statistics


def class_breaks(values, classes: int, scheme: str = "quantiles", breaks=None) -> np.ndarray:
    """Edges of the colour classes of the pooled values, from their minimum to their maximum (tied edges
    merged): ``quantiles`` (equal counts), ``equal_interval`` (equal widths), ``natural_breaks`` (Fisher-Jenks:
    the classes of least within-class sum of squares, exact, Fisher 1958) or ``user`` (``breaks``, the inner
    edges; the outer ones widen to the values' minimum and maximum when needed)."""
    x = np.asarray(values, dtype=float)
    x = x[np.isfinite(x)]
    if scheme == "quantiles":
        edges = np.quantile(x, np.linspace(0.0, 1.0, classes + 1))
    elif scheme == "equal_interval":
        edges = np.linspace(x.min(), x.max(), classes + 1)
    elif scheme == "natural_breaks":
        edges = fisher_jenks(x, classes)
    elif scheme == "user":
        inner = np.sort(np.asarray(breaks, dtype=float))
        edges = np.concatenate([[min(x.min(), inner[0])], inner, [max(x.max(), inner[-1])]])
    else:
        raise InputError(
            f"unknown classification {scheme!r}",
            column="figures.map_scheme",
            fix=f"use one of {', '.join(SCHEMES)}",
        )
    return np.unique(edges)


def fisher_jenks(values, classes: int) -> np.ndarray:
    """Edges of the Fisher-Jenks natural breaks: the ``classes`` groups of sorted values with the least total
    within-group sum of squared deviations, found exactly by dynamic programming (Fisher 1958; Jenks 1977), on at
    most 3,000 evenly spaced order statistics of the values."""
    x = np.sort(np.asarray(values, dtype=float))
    if len(x) > _JENKS_SAMPLE:
        x = x[np.round(np.linspace(0, len(x) - 1, _JENKS_SAMPLE)).astype(int)]
    n = len(x)
    k = min(classes, len(np.unique(x)))
    if k < 2:
        return np.array([x[0], x[-1]])
    s1 = np.concatenate([[0.0], np.cumsum(x)])
    s2 = np.concatenate([[0.0], np.cumsum(x * x)])
    # cost[j]: least sum of squares of x[:j] in the current number of groups; start[c][j]: where the last begins
    j = np.arange(1, n + 1)
    cost = s2[1:] - s1[1:] ** 2 / j
    starts = []
    for _ in range(1, k):
        new = np.full(n, np.inf)
        start = np.zeros(n, dtype=int)
        for end in range(2, n + 1):
            i = np.arange(1, end)  # the last group is x[i:end]
            total = cost[i - 1] + (s2[end] - s2[i]) - (s1[end] - s1[i]) ** 2 / (end - i)
            best = int(np.argmin(total))
            new[end - 1], start[end - 1] = total[best], i[best]
        cost = new
        starts.append(start)
    # each class holds its lower edge (as the colours are given: searchsorted(..., side="right")): the inner
    # edges are the first values of the groups
    edges, end = [x[-1]], n
    for start in reversed(starts):
        end = start[end - 1]
        edges.append(x[end])
    edges.append(x[0])
    return np.array(edges[::-1])


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


def _place_labels(ax, units: pd.DataFrame, texts: dict, fontsize: float) -> dict:
    """Where each unit's label goes: at the pole of inaccessibility of the unit's largest part, and where the
    label does not fit inside the unit, beside it (offset in points, with a leader line) in the one of eight
    directions farthest from every other label. ``units`` holds each unit's anchor (``label_x``, ``label_y``) and
    the distance from there to its boundary (``label_room``) by code (:func:`nqpf.figures.display.label_anchors`)."""
    ax.apply_aspect()
    low, high = ax.transData.transform([(0.0, 0.0), (1.0e5, 0.0)])
    points_per_unit = (high[0] - low[0]) / 1.0e5 * 72.0 / ax.figure.dpi
    anchors, offsets, crowded = {}, {}, []
    for code, x, y, distance in zip(
        units.index, units["label_x"], units["label_y"], units["label_room"], strict=True
    ):
        anchors[code] = (float(x), float(y))
        room = float(distance) * points_per_unit
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
    projection=None,
    scheme: str = "quantiles",
    breaks=None,
    colours: str = MAP_COLOURS,
    titles: bool = True,
    class_years=None,
    labels: Labels | None = None,
    display: DisplayGeometry | None = None,
) -> None:
    """Maps of a variable by unit, one small map per year, on one shared colour scale.

    The classes (``scheme``: quantiles, equal intervals, natural breaks or the given inner ``breaks``, see
    :func:`class_breaks`) are cut on the values of all mapped years pooled, or of ``class_years`` when given (so
    that maps of single years drawn one by one share one scale), so a unit changes colour only when it crosses a
    fixed break and growth shows as a shift to the darker classes of the matplotlib colour map ``colours``. Maps
    of up to 40 units name them; maps of smaller units (prefectures, counties) outline their provinces. Units
    without a value are grey. Maps of China show the whole country (:func:`~nqpf.figures.basemap.frame_map`):
    Taiwan, Hong Kong, Macau and whatever the units leave uncovered in the "no data" grey, the South China Sea
    islands in an inset, a north arrow and a scale bar. ``titles=False`` leaves out the title (journals put the
    caption outside the figure); small multiples keep their years, a single map then has no text above it.
    ``units`` holds ``code``, ``name``, ``name_en`` (and ``province_code``) and the polygons; ``values`` holds
    ``code``, ``year`` and ``column``. The maps are drawn in the units' equal-area projection, or in
    ``projection`` (a study's own) when given. ``labels`` (:class:`~nqpf.tables.labels.Labels`, the study's
    tables' language and names) gives every word: the title when none is given (the name of ``column``), the
    units' names (Chinese in Chinese), the years, the legend; English by default. ``display`` is the units'
    :class:`~nqpf.figures.display.DisplayGeometry` when it is at hand (made once for a boundary set); without
    it, or when it is not that of these units and projection, it is made here.
    """
    if classes < 2:
        raise InputError(
            f"maps need at least 2 colour classes, not {classes}",
            column="figures.map_classes",
            fix="set 2 or more",
        )
    if scheme == "user" and not breaks:
        raise InputError(
            "user classes need their breaks", column="figures.map_breaks", fix="give figures.map_breaks"
        )
    palette_of = _colour_map(colours)
    table, years = _map_values(values, column, years, source, units)
    pooled = table
    if class_years is not None and sorted(set(class_years)) != sorted(years):
        pooled, _ = _map_values(values, column, class_years, source, units)
    labels = as_labels(labels)
    use_cjk_font()
    cjk = chinese(labels)
    exact = units.assign(code=units["code"].astype(str)).set_index("code")
    named = len(exact) <= _NAMED_UNITS
    display = for_units(display, exact, projection, provinces=not named, labels=named)
    projected = display.units
    edges = class_breaks(pooled[column].dropna(), classes, scheme, breaks)
    if len(edges) == 1:  # one value everywhere: one class
        edges = np.repeat(edges, 2)
    k = len(edges) - 1
    palette = palette_of(np.linspace(0.12, 1.0, k))
    edge_texts = _edge_labels(edges)
    many = len(projected) > 400
    outlines = None if named else display.provinces
    unit_paths = np.empty(len(projected), dtype=object)
    unit_paths[:] = display.paths
    segments = display.outline_segments

    cols = min(4, len(years))
    rows = int(np.ceil(len(years) / cols))
    single = len(years) == 1
    panel = (6.2, 5.2) if single else (3.3, 2.75)  # one map per year: a map a page wide
    head = 0.5 if titles or not single else 0.1  # the years name the maps of small multiples, always
    width, height = panel[0] * cols, panel[1] * rows + 0.55 + head
    fig, axes = subplots(rows, cols, figsize=(width, height), dpi=200, squeeze=False)
    fig.subplots_adjust(
        left=0.01,
        right=0.99,
        top=1 - head / height,
        bottom=0.62 / height,
        wspace=0.02,
        hspace=0.12,
    )
    label_size = 4.5 if cols >= 3 else 6.5
    texts = {code: _short_name(code, row["name"], row.get("name_en"), cjk) for code, row in exact.iterrows()}
    placements = {}
    has_missing = False
    hidden = False
    for ax, year in zip(axes.ravel(), years, strict=False):
        shown = table[table["year"] == year].set_index("code")[column].reindex(projected.index)
        missing = shown.isna().to_numpy()
        has_missing |= bool(missing.any())
        fills = palette[np.searchsorted(edges[1:-1], shown.to_numpy()[~missing], side="right")]

        def draw(target, keep, missing=missing, fills=fills):
            shown = keep(projected)
            present, absent = shown & ~missing, shown & missing
            # on maps of many small units white borders would wash the colours out
            colours = fills[shown[~missing]]
            draw_polygons(
                target,
                unit_paths[present],
                projected.crs,
                facecolor=colours,
                edgecolor=colours if many else "white",
                linewidth=0.05 if many else 0.3,
            )
            if absent.any():
                draw_polygons(
                    target,
                    unit_paths[absent],
                    projected.crs,
                    facecolor=NO_DATA,
                    edgecolor="white",
                    linewidth=0.05 if many else 0.3,
                )
            if outlines is not None:
                lines = [line for k in np.flatnonzero(keep(outlines)) for line in segments[k]]
                draw_lines(target, lines, outlines.crs, color="#3a3a3a", linewidth=0.35)

        if titles or not single:
            ax.set_title(labels.term("year_label", year=year), fontsize=9)
        ax.set_axis_off()
        ax.set_aspect("equal")
        framed = frame_map(ax, display, draw, background=NO_DATA, cjk=cjk)
        hidden |= framed["hidden"]
        has_missing |= framed["context"]
        if named and not placements:
            placements = _place_labels(ax, projected, texts, label_size)
        for code, (anchor, offset) in placements.items():
            name_point(
                ax,
                texts[code],
                anchor,
                offset,
                _LEADER,
                fontsize=label_size,
                color="#1a1a1a",
                path_effects=[patheffects.withStroke(linewidth=1.2, foreground="white", alpha=0.8)],
            )
    for ax in axes.ravel()[len(years) :]:
        ax.set_axis_off()
    handles = [plt.Rectangle((0, 0), 1, 1, color=c, ec="#999999", lw=0.3) for c in palette]
    names = [f"{edge_texts[i]} – {edge_texts[i + 1]}" for i in range(k)]
    if has_missing:
        handles.append(plt.Rectangle((0, 0), 1, 1, color=NO_DATA, ec="#999999", lw=0.3))
        names.append(labels.term("no_data"))
    pooled_years = len(set(pooled["year"]))
    named_scheme = labels.term(f"scheme_{scheme}") if scheme in SCHEMES else scheme
    fig.legend(
        handles,
        names,
        loc="lower center",
        ncol=len(handles),
        fontsize=7,
        frameon=False,
        title=labels.term("classes_pooled", k=k, scheme=named_scheme, years=pooled_years)
        if pooled_years > 1 and scheme != "user"
        else labels.term("classes_one", k=k, scheme=named_scheme),
        title_fontsize=7,
    )
    if titles:
        fig.suptitle(
            (title or labels.name(column))
            + in_parentheses(note, labels)
            + (labels.term("islands_hidden") if hidden else ""),
            fontsize=10,
            y=1 - 0.12 / height,
            va="top",
        )
    save(fig, paths)


def _colour_map(name: str):
    """The matplotlib colour map of that name, or an error listing some of the known ones."""
    import matplotlib

    try:
        return matplotlib.colormaps[name]
    except KeyError:
        raise InputError(
            f"unknown colour map {name!r}",
            column="figures.map_colours",
            fix="use a matplotlib colour map, such as YlGnBu, YlOrRd, Blues, Greens, viridis, cividis "
            "(a name ending in _r reverses it)",
        ) from None


_LEADER = {"arrowstyle": "-", "linewidth": 0.3, "color": "#333333", "shrinkA": 0, "shrinkB": 0}


def _map_values(
    values: pd.DataFrame, column: str, years, source: str, units
) -> tuple[pd.DataFrame, list[int]]:
    """The rows of the years to map, checked: one numeric value per unit and year, every unit on the map."""
    require_columns(values, ["code", "year", column], source, "map a table of code, year and the variable")
    require_columns(
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
            details=["codes: " + listed(unknown)],
            fix="map the table with the boundaries of its study",
        )
    return table, years


# -- Spatial panel models --------------------------------------------------------------------------------------------
