"""Coordinate reference systems used for China.

Boundaries are stored in geographic coordinates (EPSG:4326). Areas and metric tolerances use an Albers
equal-area conic projection with the parameters of China's national small-scale maps: central meridian 105°E,
standard parallels 25°N and 47°N, on the GRS80 ellipsoid (the CGCS2000 ellipsoid differs from it by less than a
millimetre in the semi-minor axis). Distances between units are great-circle (geodesic) distances on the
WGS84 ellipsoid, or distances in an equidistant conic projection with the same parameters.
"""

from __future__ import annotations

from pyproj import CRS

GEOGRAPHIC = CRS.from_epsg(4326)

CHINA_ALBERS = CRS.from_proj4(
    "+proj=aea +lat_0=0 +lon_0=105 +lat_1=25 +lat_2=47 +x_0=0 +y_0=0 +ellps=GRS80 +units=m +no_defs"
)

CHINA_EQUIDISTANT = CRS.from_proj4(
    "+proj=eqdc +lat_0=0 +lon_0=105 +lat_1=25 +lat_2=47 +x_0=0 +y_0=0 +ellps=GRS80 +units=m +no_defs"
)
