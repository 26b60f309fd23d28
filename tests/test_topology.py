"""Contiguity by exact touching and within a snapping tolerance, on geometries whose answer is known."""

import geopandas as gpd
import numpy as np
from shapely.geometry import box

from nqpf.units import topology


def lattice(n, gap=0.0):
    """n x n unit squares (degrees near the equator is irrelevant: we test in the given coordinates)."""
    return np.array([box(i, j, i + 1 - gap, j + 1 - gap) for j in range(n) for i in range(n)])


def test_queen_links_of_a_lattice():
    # A 3 x 3 lattice has 12 rook links (shared edges) and 8 diagonal corner contacts: 20 queen links.
    pairs = topology.touching_pairs(lattice(3))
    assert len(pairs) == 20
    assert (pairs[:, 0] < pairs[:, 1]).all()
    assert [0, 4] in pairs.tolist() and [0, 8] not in pairs.tolist()


def test_gaps_are_bridged_only_by_a_wide_enough_tolerance():
    squares = lattice(3, gap=0.01)  # hairline gaps of 0.01 between neighbours
    assert len(topology.touching_pairs(squares)) == 0
    assert len(topology.pairs_within(squares, 0.005)) == 0
    assert len(topology.pairs_within(squares, 0.011)) == 12  # edges only: corner gaps are 0.01 * sqrt(2)
    assert len(topology.pairs_within(squares, 0.015)) == 20


def test_snapping_report_lists_gained_links_and_islands():
    # Three squares in Sichuan (about 105E 31N): a and b touch; c is 500 m east of b (coordinates in metres of
    # the China Albers projection, the projection of units within China).
    y = 3_500_000
    geoms = [box(0, y, 1000, y + 1000), box(1000, y, 2000, y + 1000), box(2500, y, 3500, y + 1000)]
    gdf = gpd.GeoDataFrame(
        {"code": ["a", "b", "c"], "name": ["A", "B", "C"]},
        geometry=geoms,
        crs="+proj=aea +lat_0=0 +lon_0=105 +lat_1=25 +lat_2=47 +x_0=0 +y_0=0 +ellps=GRS80 +units=m +no_defs",
    ).to_crs(4326)
    report = topology.snapping_report(gdf, [100, 600])
    assert report["exact_links"] == 1
    assert [u["code"] for u in report["islands_exact"]] == ["c"]
    by_tolerance = {t["tolerance_m"]: t for t in report["tolerances"]}
    assert by_tolerance[100]["gained"] == 0
    assert by_tolerance[600]["gained"] == 1
    gained = by_tolerance[600]["gained_links"][0]
    assert (gained["code_a"], gained["code_b"]) == ("b", "c")
    assert abs(gained["gap_m"] - 500) < 1
    assert "| 600 | 2 | 1 |" in topology.snapping_markdown(report, "test")


def test_province_polygons_share_their_borders_exactly(province_gdf):
    # Amap province polygons share vertices: 68 queen links, Hainan the only island, nothing gained by snapping.
    report = topology.snapping_report(province_gdf, [1000])
    assert report["exact_links"] == 68
    assert [u["code"] for u in report["islands_exact"]] == ["460000"]
    assert report["tolerances"][0]["gained"] == 0
