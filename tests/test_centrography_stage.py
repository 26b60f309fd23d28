"""The centrography stage: unit coordinates in the equal-area projection, the tracks of a study's variables, the
table and the map drawn from them."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from nqpf.errors import InputError
from nqpf.esda import centrography
from nqpf.figures import centrography as figure
from nqpf.tables import centrography as table
from nqpf.tables.labels import Labels
from nqpf.units import crs

YEARS = (2015, 2016, 2017)


def study():
    """Nine square units around Wuhan, 0.5 degrees wide, and a variable that grows in the east."""
    cells = [(i, j) for i in range(3) for j in range(3)]
    units = gpd.GeoDataFrame(
        {"code": [f"42{i}{j}00" for i, j in cells], "name": [f"unit {i}{j}" for i, j in cells]},
        geometry=[box(113 + 0.5 * i, 30 + 0.5 * j, 113.5 + 0.5 * i, 30.5 + 0.5 * j) for i, j in cells],
        crs=crs.GEOGRAPHIC,
    )
    rows = [
        {"code": f"42{i}{j}00", "year": year, "x": 1.0 + i * (year - 2014) + 0.3 * j, "z": 2.0 + j}
        for year in YEARS
        for i, j in cells
    ]
    return units, pd.DataFrame(rows)


def test_unit_coordinates_are_the_equal_area_centroids():
    units, _ = study()
    coordinates, target = centrography.unit_coordinates(units)
    assert target == crs.CHINA_ALBERS
    expected = units.to_crs(crs.CHINA_ALBERS).geometry.centroid
    np.testing.assert_allclose(coordinates["x"], expected.x, rtol=1e-12)
    np.testing.assert_allclose(coordinates["y"], expected.y, rtol=1e-12)
    assert list(coordinates.index) == list(units["code"])


def test_tracks_are_the_centre_tracks_of_each_variable():
    units, frame = study()
    coordinates, target = centrography.unit_coordinates(units)
    both = centrography.tracks(frame, ["x", "z"], coordinates, crs=target)
    assert list(both["variable"]) == ["x"] * 3 + ["z"] * 3
    for variable in ("x", "z"):
        alone = centrography.centre_track(frame, coordinates, value=variable, crs=target)
        mine = both[both["variable"] == variable].drop(columns="variable").reset_index(drop=True)
        pd.testing.assert_frame_equal(mine, alone)
    x = both[both["variable"] == "x"]
    assert (x["bearing_deg"].iloc[1:].between(45, 135)).all()  # growth in the east pulls the centre east
    z = both[both["variable"] == "z"]
    assert z["move_km"].iloc[1:].abs().max() < 1e-9  # a variable that does not change does not move
    frame.loc[0, "x"] = -1.0
    with pytest.raises(InputError, match="centrography of x") as error:
        centrography.tracks(frame, ["x"], coordinates)
    assert error.value.column == "x"


def test_the_ring_is_the_ellipse_of_the_row():
    rng = np.random.default_rng(4)
    x, y = rng.normal(0, 300e3, 400), rng.normal(0, 100e3, 400)
    turn = np.radians(30.0)
    x, y = x * np.cos(turn) - y * np.sin(turn), x * np.sin(turn) + y * np.cos(turn)  # turned 30 deg from east
    ellipse = centrography.standard_deviational_ellipse(x, y)
    row = {
        "centre_x": ellipse.centre_x,
        "centre_y": ellipse.centre_y,
        "major_km": ellipse.major / 1000,
        "minor_km": ellipse.minor / 1000,
        "rotation_deg": ellipse.rotation,
    }
    ring = figure.ellipse_ring(row, count=3600)
    offsets = ring - [ellipse.centre_x, ellipse.centre_y]
    distance = np.hypot(*offsets.T)
    assert distance.max() == pytest.approx(ellipse.major, rel=1e-6)
    assert distance.min() == pytest.approx(ellipse.minor, rel=1e-6)
    far = offsets[np.argmax(distance)]
    bearing = np.degrees(np.arctan2(far[0], far[1])) % 180.0  # clockwise from north
    assert bearing == pytest.approx(ellipse.rotation, abs=0.1)
    assert ellipse.rotation == pytest.approx(60.0, abs=3.0)  # 30 deg from east is 60 deg from north
    # the same curve as the ellipse's own polygon
    theirs = ellipse.vertices(720) - [ellipse.centre_x, ellipse.centre_y]
    np.testing.assert_allclose(
        np.sort(np.hypot(*theirs.T))[[0, -1]], [ellipse.minor, ellipse.major], rtol=1e-4
    )


def test_the_table_and_the_map(tmp_path, monkeypatch):
    units, frame = study()
    coordinates, target = centrography.unit_coordinates(units)
    tracks = centrography.tracks(frame, ["x"], coordinates, crs=target)
    printed = table.centrography("x", tracks, Labels("en"))
    rows = printed.blocks[0].rows
    assert [row.label.text for row in rows] == [str(y) for y in YEARS]
    assert rows[1].cells[2].text == f"{tracks['geodesic_km'].iloc[1]:.2f}"
    assert rows[0].cells[2].text == "" and rows[1].cells[3].text == tracks["direction"].iloc[1]
    assert "sqrt(2)" in printed.notes[-1]
    assert table.centrography("x", tracks, Labels("zh")).blocks[0].rows[1].cells[3].text in "东东北东南北"
    drawn = []
    monkeypatch.setattr(figure, "save", lambda fig, path: drawn.append(fig))
    figure.ellipse_map(units, tracks, "x", [2015, 2017], tmp_path / "e.png", crs=target)
    main, side = drawn[0].axes[:2]
    assert len(main.lines) == 2 + 1  # two ellipses and the track
    np.testing.assert_allclose(main.lines[-1].get_xydata(), tracks[["centre_x", "centre_y"]].to_numpy())
    np.testing.assert_allclose(
        side.lines[0].get_xydata()[-1] * 1000,
        tracks[["centre_x", "centre_y"]].to_numpy()[-1] - tracks[["centre_x", "centre_y"]].to_numpy()[0],
    )
