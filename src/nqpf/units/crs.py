"""Coordinate reference systems: China's, one chosen from the units of a study elsewhere, or the study's own.

Boundaries are stored in geographic coordinates (EPSG:4326). Areas, metric tolerances (snapping) and maps use an
equal-area projection, and projected distances (``metric: projected``) an equidistant one:

- for units within China's extent (longitude 73-136E, latitude 3-54N, the South China Sea islands included), the
  Albers equal-area conic of China's national small-scale maps: central meridian 105E, standard parallels 25N and
  47N, on the GRS80 ellipsoid (the CGCS2000 ellipsoid differs from it by less than a millimetre in the semi-minor
  axis), and the equidistant conic with the same parameters;
- for units elsewhere, the same two projections centred on the units (Snyder 1987, *Map Projections: A Working
  Manual*, p. 99): the central meridian at the middle of their longitudes, the standard parallels one sixth of
  their latitude range inside its ends; for units spanning more than 120 degrees of longitude, the Equal Earth
  projection (EPSG:8857) and the equidistant cylindrical one.

The choice depends on the units' extent alone, so every stage of a study projects them the same way. Distances
between units are great-circle (geodesic) distances by default and need no projection.

A study may give its own projection instead (``units.projection``: any CRS pyproj reads, projected and in metres;
:func:`given`). It then serves both purposes, areas and projected distances alike, whatever kind of projection it
is: an equal-area one keeps areas exact, an equidistant or conformal one does not (:func:`notes` says so).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from pyproj import CRS
from pyproj.exceptions import CRSError

from nqpf.errors import InputError

GEOGRAPHIC = CRS.from_epsg(4326)

CHINA_ALBERS = CRS.from_proj4(
    "+proj=aea +lat_0=0 +lon_0=105 +lat_1=25 +lat_2=47 +x_0=0 +y_0=0 +ellps=GRS80 +units=m +no_defs"
)

CHINA_EQUIDISTANT = CRS.from_proj4(
    "+proj=eqdc +lat_0=0 +lon_0=105 +lat_1=25 +lat_2=47 +x_0=0 +y_0=0 +ellps=GRS80 +units=m +no_defs"
)

CHINA_EXTENT = (73.0, 3.0, 136.0, 54.0)
"""Longitude and latitude bounds (west, south, east, north) of China's territory, the South China Sea islands
included: units within them are projected with China's projections."""

_GLOBAL_SPAN = 120.0

KEY = "units.projection"
"""The configuration key of a study's own projection."""

_EQUAL_AREA_METHODS = (
    "equal area",
    "equal earth",
    "mollweide",
    "sinusoidal",
    "eckert iv",
    "eckert vi",
    "goode",
)


def lonlat_bounds(gdf) -> tuple[float, float, float, float]:
    """West, south, east and north bounds of a GeoDataFrame (or GeoSeries) in degrees, whatever its CRS."""
    geographic = gdf if gdf.crs is None or gdf.crs.equals(GEOGRAPHIC) else gdf.to_crs(GEOGRAPHIC)
    return tuple(float(v) for v in geographic.total_bounds)


def in_china(bounds: tuple[float, float, float, float]) -> bool:
    """Whether units with these longitude/latitude bounds lie within China's extent (:data:`CHINA_EXTENT`)."""
    west, south, east, north = bounds
    return (
        CHINA_EXTENT[0] <= west
        and east <= CHINA_EXTENT[2]
        and CHINA_EXTENT[1] <= south
        and north <= CHINA_EXTENT[3]
    )


def equal_area(gdf, projection=None) -> CRS:
    """The equal-area projection of a study's units (see the module docstring), or ``projection`` when given (a
    study's ``units.projection``: see :func:`given`)."""
    if projection is not None:
        return given(projection)
    return equal_area_for(lonlat_bounds(gdf))


def equidistant(gdf, projection=None) -> CRS:
    """The equidistant projection of a study's units (see the module docstring), or ``projection`` when given."""
    if projection is not None:
        return given(projection)
    return equidistant_for(lonlat_bounds(gdf))


def equal_area_for(bounds: tuple[float, float, float, float], projection=None) -> CRS:
    if projection is not None:
        return given(projection)
    if in_china(bounds):
        return CHINA_ALBERS
    return _centred("aea", *_rounded(bounds))


def equidistant_for(bounds: tuple[float, float, float, float], projection=None) -> CRS:
    if projection is not None:
        return given(projection)
    if in_china(bounds):
        return CHINA_EQUIDISTANT
    return _centred("eqdc", *_rounded(bounds))


def given(projection, key: str = KEY) -> CRS:
    """A study's own projection (``units.projection``) as a CRS: an EPSG code (``EPSG:3035``, or the number
    3035), a PROJ string, WKT, or anything else :meth:`pyproj.CRS.from_user_input` reads, or a ``CRS``.

    Areas, snapping tolerances and distances are measured in its coordinates, so it must be a projection in
    metres: a value pyproj cannot read, a geographic CRS (degrees), a geocentric one or one in feet stops with
    an :class:`InputError` naming ``key``."""
    if isinstance(projection, CRS):
        return _checked(projection, projection.srs, key)
    if isinstance(projection, bool) or not isinstance(projection, str | int):
        raise InputError(
            f"{key} is {type(projection).__name__} {_short(projection)}, not a coordinate reference system",
            key=key,
            fix=_FIX,
        )
    return _parsed(projection, key)


_FIX = (
    "give a projected CRS in metres (an EPSG code such as EPSG:3035 for Europe or EPSG:4547 for CGCS2000 "
    "Gauss-Kruger 114E, a PROJ string such as '+proj=aea +lat_1=25 +lat_2=47 +lon_0=105 +ellps=GRS80', or WKT), "
    f"or leave {KEY} out to use the projection chosen from the units"
)


@lru_cache(maxsize=32)
def _parsed(projection: str | int, key: str) -> CRS:
    text = f"EPSG:{projection}" if isinstance(projection, int) else projection
    try:
        parsed = CRS.from_user_input(text)
    except CRSError as err:
        raise InputError(
            f"{key} is {_short(projection)}, which pyproj does not read as a coordinate reference system: "
            f"{str(err).splitlines()[0]}",
            key=key,
            fix=_FIX,
        ) from None
    return _checked(parsed, text, key)


def _checked(projection: CRS, text: str, key: str) -> CRS:
    horizontal = _horizontal(projection)
    if not horizontal.is_projected:
        kind = (
            "a geographic CRS (longitude and latitude in degrees)"
            if horizontal.is_geographic
            else f"a {horizontal.type_name}"
        )
        raise InputError(
            f"{key} is {_short(text)} ({projection.name}), {kind}, not a projection: areas, snapping "
            "tolerances and projected distances need coordinates in metres",
            key=key,
            fix=_FIX,
        )
    units = sorted({axis.unit_name for axis in horizontal.axis_info if axis.unit_conversion_factor != 1.0})
    if units:
        raise InputError(
            f"{key} is {_short(text)} ({projection.name}), whose coordinates are in {', '.join(units)}, not "
            "metres: areas (km2), snapping tolerances (m) and distances (km) are read in metres",
            key=key,
            fix=_FIX,
        )
    # a compound CRS (a projection with heights) projects the polygons by its horizontal part
    return projection.sub_crs_list[0] if projection.is_compound else projection


def _horizontal(projection: CRS) -> CRS:
    """The horizontal part of a CRS: the source of a bound CRS, the first part of a compound one."""
    if projection.is_bound:
        projection = projection.source_crs
    if projection.is_compound:
        projection = projection.sub_crs_list[0]
    return projection


def _name(projection: CRS) -> str:
    """A CRS's name, or for one made from a PROJ string (named "unknown") the name of its projection method."""
    horizontal = _horizontal(projection)
    if horizontal.name and horizontal.name != "unknown":
        return horizontal.name
    method = horizontal.coordinate_operation.method_name if horizontal.coordinate_operation else ""
    return method or "unnamed CRS"


def _short(value) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def notes(projection, bounds: tuple[float, float, float, float] | None = None) -> list[str]:
    """What a reviewer should know of a study's own projection: that its area of use (as pyproj records it) does
    not cover units with these longitude/latitude ``bounds`` (when given), and that it is not an equal-area
    projection, so that areas are distorted. Empty when neither holds."""
    projection = given(projection)
    horizontal = _horizontal(projection)
    out = []
    area = horizontal.area_of_use or projection.area_of_use
    if (
        bounds is not None
        and area is not None
        and not _covers((area.west, area.south, area.east, area.north), bounds)
    ):
        west, south, east, north = bounds
        out.append(
            f"{KEY} {_name(projection)}: its area of use ({_region(area.name)}: {area.west:g} to "
            f"{area.east:g} E, {area.south:g} to {area.north:g} N) does not cover the units ({west:.2f} to "
            f"{east:.2f} E, {south:.2f} to {north:.2f} N); areas and distances are distorted beyond it"
        )
    method = horizontal.coordinate_operation.method_name if horizontal.coordinate_operation else ""
    if not any(name in method.lower() for name in _EQUAL_AREA_METHODS):
        out.append(
            f"{KEY} {_name(projection)} is not an equal-area projection ({method or 'unknown method'}): "
            "area_km2 and the polygon centroids are measured in it as it is"
        )
    return out


def _region(name: str) -> str:
    """The first words of an area of use's name ("Europe - European Union (EU) countries ..." is Europe)."""
    return name.split(" - ")[0].split(";")[0].split(".")[0].strip()[:60]


def _covers(area: tuple[float, float, float, float], bounds: tuple[float, float, float, float]) -> bool:
    """Whether an area of use (west, south, east, north; west > east when it crosses the antimeridian) holds
    the bounds, to within 0.01 degree (areas of use are recorded to two decimals)."""
    margin = 0.01
    west, south, east, north = bounds
    if not (area[1] - margin <= south and north <= area[3] + margin):
        return False
    if area[0] <= area[2]:
        return area[0] - margin <= west and east <= area[2] + margin
    return area[0] - margin <= west or east <= area[2] + margin  # either side of the antimeridian


def describe(gdf, projection=None) -> dict:
    """What a report records of the projection used for a study's units (a GeoDataFrame or GeoSeries): the CRS
    (as the study gives it, or the PROJ string of the one chosen from the units), its name, where it comes from
    and the :func:`notes` on it."""
    bounds = lonlat_bounds(gdf)
    if projection is not None:
        used = given(projection)
        text = used.to_string() if isinstance(projection, CRS) else str(projection)
        text = f"EPSG:{text}" if isinstance(projection, int) else text
        return {"crs": text, "name": _name(used), "source": KEY, "notes": notes(used, bounds)}
    used = equal_area_for(bounds)
    return {
        "crs": used.to_string(),
        "name": _name(used),
        "source": "chosen from the units' extent (equal-area; equidistant for projected distances)",
        "notes": [],
    }


def points_bounds(lonlat: np.ndarray) -> tuple[float, float, float, float]:
    """The bounds of (n x 2) longitudes and latitudes."""
    return (
        float(lonlat[:, 0].min()),
        float(lonlat[:, 1].min()),
        float(lonlat[:, 0].max()),
        float(lonlat[:, 1].max()),
    )


def _rounded(bounds) -> tuple[float, float, float, float]:
    """Bounds rounded outwards to 0.01 degree: the projection does not change with the last digits of a vertex."""
    west, south, east, north = (round(float(v) * 100, 6) for v in bounds)  # 2.8 * 100 is 280.00000000000006
    return (
        float(np.floor(west)) / 100,
        float(np.floor(south)) / 100,
        float(np.ceil(east)) / 100,
        float(np.ceil(north)) / 100,
    )


@lru_cache(maxsize=32)
def _centred(kind: str, west: float, south: float, east: float, north: float) -> CRS:
    if east - west > _GLOBAL_SPAN:
        return (
            CRS.from_epsg(8857)
            if kind == "aea"
            else CRS.from_proj4("+proj=eqc +datum=WGS84 +units=m +no_defs")
        )
    centre = (west + east) / 2
    span = max(north - south, 1.0)  # a narrow band of units still gets two distinct parallels
    middle = (north + south) / 2
    first, second = middle - span / 3, middle + span / 3  # one sixth of the range inside each end
    return CRS.from_proj4(
        f"+proj={kind} +lat_0={middle:.4f} +lon_0={centre:.4f} +lat_1={first:.4f} +lat_2={second:.4f} "
        "+x_0=0 +y_0=0 +ellps=GRS80 +units=m +no_defs"
    )
