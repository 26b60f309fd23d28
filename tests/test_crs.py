"""Projections chosen from the units: China's Albers for Chinese units, one centred on the units elsewhere.
Areas are checked against geodesic areas on the ellipsoid (pyproj.Geod), distances against geodesic distances,
and shapes by how far a projection turns a parallel away from the horizontal."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely
from pyproj import CRS, Geod
from shapely.geometry import box

from nqpf.figures.basemap import mainland_view
from nqpf.units import crs
from nqpf.weights import distance

GEOD = Geod(ellps="GRS80")


def grid(west: float, south: float, cols: int = 6, rows: int = 5, dx: float = 1.8, dy: float = 1.2):
    # edges densified to 0.01 degree, so that a straight edge in any projection and a geodesic edge agree
    cells = [
        shapely.segmentize(
            box(west + i * dx, south + j * dy, west + (i + 1) * dx, south + (j + 1) * dy), 0.01
        )
        for i in range(cols)
        for j in range(rows)
    ]
    codes = [f"R{k:02d}" for k in range(len(cells))]
    return gpd.GeoDataFrame({"code": codes}, geometry=cells, crs="EPSG:4326")


def turn_degrees(gdf: gpd.GeoDataFrame, projection: CRS) -> float:
    """The largest angle (degrees) between a projected parallel (a cell's southern edge) and the horizontal."""
    worst = 0.0
    for cell in gdf.to_crs(projection).geometry:
        (x0, y0), (x1, y1) = _southern_edge(cell)
        worst = max(worst, abs(np.degrees(np.arctan2(y1 - y0, x1 - x0))))
    return worst


def _southern_edge(cell):
    xs, ys = cell.exterior.coords.xy
    corners = sorted(zip(xs[:-1], ys[:-1], strict=True), key=lambda p: (p[1], p[0]))[:2]
    return sorted(corners)


def test_chinese_units_keep_chinas_projections(province_gdf):
    assert crs.equal_area(province_gdf) is crs.CHINA_ALBERS
    assert crs.equidistant(province_gdf) is crs.CHINA_EQUIDISTANT
    west, south, east, north = crs.lonlat_bounds(province_gdf)
    assert south < 18 and crs.in_china((west, south, east, north))  # the South China Sea islands included


def test_units_elsewhere_get_a_projection_centred_on_them():
    spain = grid(-8.0, 37.0)
    projection = crs.equal_area(spain)
    assert projection is not crs.CHINA_ALBERS
    params = projection.to_dict()
    assert params["proj"] == "aea" and params["lon_0"] == pytest.approx(-2.6)
    assert params["lat_1"] == pytest.approx(37 + 6 / 6) and params["lat_2"] == pytest.approx(43 - 6 / 6)
    # areas equal the geodesic areas on the ellipsoid, as China's Albers gives them too (both are equal-area)
    geodesic = np.array([abs(GEOD.geometry_area_perimeter(cell)[0]) for cell in spain.geometry])
    assert np.allclose(spain.to_crs(projection).area, geodesic, rtol=1e-6)
    # but China's turns Spain's parallels by tens of degrees, the centred one keeps them level
    assert turn_degrees(spain, crs.CHINA_ALBERS) > 20
    assert turn_degrees(spain, projection) < 6


def test_projected_distances_elsewhere_are_close_to_geodesic():
    spain = grid(-8.0, 37.0)
    lonlat = distance.centroids(spain)
    projected = distance.distance_matrix(lonlat, "projected")
    i, j = np.triu_indices(len(lonlat), k=1)
    _, _, metres = GEOD.inv(lonlat[i, 0], lonlat[i, 1], lonlat[j, 0], lonlat[j, 1])
    assert np.max(np.abs(projected[i, j] - metres / 1000) / (metres / 1000)) < 0.005
    # China's equidistant conic would be off by far more there
    from pyproj import Transformer

    x, y = Transformer.from_crs(crs.GEOGRAPHIC, crs.CHINA_EQUIDISTANT, always_xy=True).transform(
        lonlat[:, 0], lonlat[:, 1]
    )
    far = np.hypot(x[i] - x[j], y[i] - y[j]) / 1000
    assert np.max(np.abs(far - metres / 1000) / (metres / 1000)) > 0.01


def test_southern_hemisphere_and_world_spanning_units():
    brazil = grid(-60.0, -30.0, dx=3.0, dy=3.0)
    params = crs.equal_area(brazil).to_dict()
    assert params["lat_1"] < params["lat_2"] < 0
    world = grid(-150.0, -40.0, cols=10, rows=2, dx=30.0, dy=30.0)
    assert crs.equal_area(world) == CRS.from_epsg(8857)
    geodesic = np.array([abs(GEOD.geometry_area_perimeter(cell)[0]) for cell in world.geometry])
    assert np.allclose(world.to_crs(crs.equal_area(world)).area, geodesic, rtol=1e-6)


def test_only_maps_of_china_leave_the_south_china_sea_out(province_gdf):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    try:
        china = province_gdf.to_crs(crs.equal_area(province_gdf))
        assert mainland_view(ax, china) is True
        spain = grid(-8.0, 37.0)
        assert mainland_view(ax, spain.to_crs(crs.equal_area(spain))) is False
        south = grid(100.0, 5.0, cols=2, rows=2)  # units south of 18N alone are all shown
        assert mainland_view(ax, south.to_crs(crs.equal_area(south))) is False
    finally:
        plt.close(fig)
