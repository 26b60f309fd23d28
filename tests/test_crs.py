"""Projections chosen from the units: China's Albers for Chinese units, one centred on the units elsewhere.
Areas are checked against geodesic areas on the ellipsoid (pyproj.Geod), distances against geodesic distances,
and shapes by how far a projection turns a parallel away from the horizontal. A study's own projection
(units.projection) is checked against areas and distances computed directly in it (geopandas, pyproj)."""

from __future__ import annotations

import logging

import geopandas as gpd
import numpy as np
import pytest
import shapely
import yaml
from pyproj import CRS, Geod
from shapely.geometry import box

from nqpf.errors import InputError
from nqpf.figures.basemap import for_display, mainland_view
from nqpf.study import configuration
from nqpf.study.schema import config_schema
from nqpf.units import boundaries, crs, topology
from nqpf.weights import distance
from tests.conftest import REPO

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


# -- a study's own projection (units.projection) ------------------------------------------------------------------


def test_a_given_projection_measures_the_areas():
    spain = grid(-8.0, 37.0)
    # Web Mercator is a projection in metres but not an equal-area one: its areas are far from the geodesic ones,
    # so areas measured in it cannot be mistaken for those of the projection chosen from the units
    direct = np.round(spain.to_crs("EPSG:3857").area.to_numpy() / 1e6, 3)
    assert np.array_equal(boundaries.area_km2(spain, "EPSG:3857"), direct)
    assert np.array_equal(boundaries.area_km2(spain, 3857), direct)  # an EPSG code written as a number
    chosen = boundaries.area_km2(spain)
    assert np.all(direct / chosen > 1.5)
    assert np.array_equal(chosen, np.round(spain.to_crs(crs.equal_area(spain)).area.to_numpy() / 1e6, 3))
    assert crs.equal_area(spain, "EPSG:3857") == CRS.from_epsg(3857)
    assert crs.equidistant(spain, "EPSG:3857") == CRS.from_epsg(3857)


def test_a_given_projection_measures_centroids_and_projected_distances():
    spain = grid(-8.0, 37.0)
    laea = spain.to_crs("EPSG:3035")
    lonlat = distance.centroids(spain, "EPSG:3035")
    direct = gpd.GeoSeries(laea.centroid, crs=laea.crs).to_crs("EPSG:4326")
    assert np.allclose(lonlat, np.column_stack([direct.x, direct.y]), rtol=0, atol=1e-9)
    d = distance.distance_matrix(lonlat, "projected", "EPSG:3035")
    xy = np.column_stack([laea.centroid.x, laea.centroid.y]) / 1000
    expected = np.hypot(xy[:, None, 0] - xy[None, :, 0], xy[:, None, 1] - xy[None, :, 1])
    assert np.allclose(d, expected, rtol=1e-9, atol=1e-9)
    # not the equidistant projection chosen from the units, which gives other distances
    chosen = distance.distance_matrix(distance.centroids(spain), "projected")
    assert np.abs(d - chosen).max() > 0.5
    # great-circle distances need no projection: the same whichever is given
    assert np.array_equal(
        distance.distance_matrix(lonlat, "great_circle", "EPSG:3035"), distance.distance_matrix(lonlat)
    )


def test_weights_use_the_given_projection_and_their_summary_names_it():
    import nqpf

    spain = grid(-8.0, 37.0)
    spec = {"name": "inv", "kind": "inverse_distance", "metric": "projected", "standardise": "none"}
    w, facts = nqpf.weights.build(spec, spain, projection="EPSG:3035")
    laea = spain.to_crs("EPSG:3035")
    xy = np.column_stack([laea.centroid.x, laea.centroid.y]) / 1000
    d = np.hypot(xy[:, None, 0] - xy[None, :, 0], xy[:, None, 1] - xy[None, :, 1])
    np.fill_diagonal(d, np.inf)
    assert np.allclose(w.raw.toarray(), 1 / d, rtol=1e-9)
    assert facts["projection"] == {
        "crs": "EPSG:3035",
        "name": "ETRS89-extended / LAEA Europe",
        "source": "units.projection",
        "notes": [],
    }
    assert facts["centroids"] == "polygon centroids in the projection units.projection gives"
    # without a projection of the study's, the summary says what it said before: no projection named
    _, before = nqpf.weights.build(spec, spain)
    assert "projection" not in before and before["centroids"] == "equal-area polygon centroids"
    # the notebook API passes it on
    same = nqpf.SpatialWeights.from_geodataframe(
        spain, "inverse_distance", metric="projected", standardise="none", projection="EPSG:3035"
    )
    assert np.allclose(same.raw.toarray(), w.raw.toarray(), rtol=1e-12)


def test_snapping_measures_gaps_in_the_given_projection(tmp_path):
    import nqpf

    # two squares 65 m apart in Web Mercator at 40N, which stretches lengths by 1/cos(40) = 1.31: about 50 m on
    # the ground, as the equal-area projection chosen from the units measures it
    left = box(-400_000, 4_860_000, -390_000, 4_870_000)
    right = box(-389_935, 4_860_000, -379_935, 4_870_000)
    touching = box(-410_000, 4_860_000, -400_000, 4_870_000)  # shares an edge with A: one link in any case
    squares = gpd.GeoDataFrame(
        {"code": ["A", "B", "C"], "name": ["a", "b", "c"]}, geometry=[left, right, touching], crs="EPSG:3857"
    ).to_crs("EPSG:4326")
    spec = {"name": "q", "kind": "contiguity", "snap_m": 60, "islands": {"policy": "keep"}}
    chosen, _ = nqpf.weights.build(spec, squares)
    given, facts = nqpf.weights.build(spec, squares, projection="EPSG:3857")
    assert chosen.links == 4 and given.links == 2 and given.cardinalities().tolist() == [1, 0, 1]
    assert any("not an equal-area projection" in note for note in facts["projection"]["notes"])
    report = topology.snapping_report(squares, [60, 70], projection="EPSG:3857")
    assert [t["links"] for t in report["tolerances"]] == [1, 2]
    assert report["tolerances"][1]["gained_links"][0]["gap_m"] == pytest.approx(65.0, abs=0.1)
    assert report["projection"]["crs"] == "EPSG:3857"
    assert "metres in the projection units.projection gives" in topology.snapping_markdown(report, "custom")
    assert "projection" not in topology.snapping_report(squares, [60])


def test_maps_are_drawn_in_the_given_projection():
    spain = grid(-8.0, 37.0)
    assert for_display(spain, "EPSG:3035").crs == CRS.from_epsg(3035)
    assert for_display(spain).crs == crs.equal_area(spain)


@pytest.mark.parametrize(
    ("value", "said"),
    [
        ("nonsense", "which pyproj does not read as a coordinate reference system"),
        ("EPSG:999999", "which pyproj does not read as a coordinate reference system"),
        ("EPSG:2263", "whose coordinates are in US survey foot, not metres"),
        ("EPSG:4978", "not a projection"),
        (["EPSG:3035"], "not a coordinate reference system"),
    ],
)
def test_a_bad_projection_stops_naming_the_key(value, said):
    with pytest.raises(InputError) as err:
        crs.given(value)
    assert err.value.key == "units.projection" and said in err.value.problem
    assert err.value.fix.startswith("give a projected CRS in metres")
    assert "leave units.projection out" in err.value.fix


@pytest.mark.parametrize("value", ["EPSG:4326", "EPSG:4490", 4326, "+proj=longlat +datum=WGS84 +no_defs"])
def test_a_geographic_crs_is_refused(value):
    spain = grid(-8.0, 37.0)
    with pytest.raises(InputError) as err:
        boundaries.area_km2(spain, value)
    assert err.value.key == "units.projection"
    assert "a geographic CRS (longitude and latitude in degrees), not a projection" in err.value.problem


def test_notes_on_the_area_of_use_and_on_areas():
    spain = grid(-8.0, 37.0)
    assert crs.notes("EPSG:3035", crs.lonlat_bounds(spain)) == []
    (outside,) = crs.notes("EPSG:3035", crs.CHINA_EXTENT)
    assert "its area of use (Europe: -35.58 to 44.83 E" in outside and "does not cover the units" in outside
    # a Gauss-Kruger zone of CGCS2000 covers a strip of China only, and is conformal, not equal-area
    strip, shape = crs.notes("EPSG:4547", crs.CHINA_EXTENT)
    assert "does not cover" in strip and "not an equal-area projection (Transverse Mercator)" in shape
    assert crs.notes("EPSG:4547", (113.0, 22.0, 115.0, 24.0)) == [
        shape
    ]  # Guangdong's middle: inside the strip
    # an area of use across the antimeridian (Asia North Albers: 25E eastwards to 175W)
    assert crs.notes("ESRI:102025", (100.0, 20.0, 140.0, 50.0)) == []
    assert crs.notes("ESRI:102025", (-170.0, 20.0, -160.0, 50.0)) != []
    # a PROJ string has no area of use to check
    assert crs.notes(crs.CHINA_ALBERS.to_string(), crs.CHINA_EXTENT) == []


def _configuration(projection, **units):
    config = yaml.safe_load((REPO / "config/studies/demo_province.yaml").read_text(encoding="utf-8"))
    config["studies"][0]["units"].update(units)
    if projection is not None:
        config["studies"][0]["units"]["projection"] = projection
    return config


def test_the_configuration_reads_and_checks_the_projection(monkeypatch, caplog):
    monkeypatch.chdir(REPO)
    config = _configuration("EPSG:4326")
    with pytest.raises(InputError) as err:
        configuration.load(config, [("study.yaml", config)])
    assert err.value.key == "studies[0].units.projection" and err.value.file == "study.yaml"
    assert "geographic CRS" in err.value.problem and "leave units.projection out" in err.value.fix
    config = _configuration("+proj=aea +lat_1=25 +lat_2=47 +lon_0=105 +ellps=GRS80 +units=m +no_defs")
    with caplog.at_level(logging.WARNING, logger="nqpf"):
        _, studies = configuration.load(config, [("study.yaml", config)])
    assert studies[0].settings.units.projection.startswith("+proj=aea") and not caplog.records
    # a projection for Europe on all of China's provinces: a warning when the configuration is read
    config = _configuration(3035)
    with caplog.at_level(logging.WARNING, logger="nqpf"):
        configuration.load(config, [("study.yaml", config)])
    assert (
        "study demo_province: units.projection ETRS89-extended / LAEA Europe: its area of use" in caplog.text
    )
    # a wrong type is a schema error at the key
    config = _configuration({"epsg": 3035})
    with pytest.raises(InputError) as err:
        configuration.load(config, [("study.yaml", config)])
    assert err.value.key == "studies[0].units.projection"


def test_a_study_without_a_projection_reads_as_before():
    config = _configuration(None)
    study = configuration.read_settings(config, [("study.yaml", config)]).studies[0]
    assert study.units.projection is None and "projection" not in study.to_config()["units"]
    schema = config_schema()["$defs"]["UnitsSettings"]["properties"]["projection"]
    assert schema["type"] == ["string", "integer"] and "default" not in schema
