"""Coordinate reference systems: China's, or one chosen from the units of a study elsewhere.

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
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from pyproj import CRS

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


def equal_area(gdf) -> CRS:
    """The equal-area projection of a study's units (see the module docstring)."""
    return equal_area_for(lonlat_bounds(gdf))


def equidistant(gdf) -> CRS:
    """The equidistant projection of a study's units (see the module docstring)."""
    return equidistant_for(lonlat_bounds(gdf))


def equal_area_for(bounds: tuple[float, float, float, float]) -> CRS:
    if in_china(bounds):
        return CHINA_ALBERS
    return _centred("aea", *_rounded(bounds))


def equidistant_for(bounds: tuple[float, float, float, float]) -> CRS:
    if in_china(bounds):
        return CHINA_EQUIDISTANT
    return _centred("eqdc", *_rounded(bounds))


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
