"""The mean centre, the standard deviational ellipse and the centre track of nqpf.esda.centrography: ellipses
worked by hand from the published ArcGIS formulas, pointpats (an independent implementation, a test-only
reference) on random weighted points, the ellipse's behaviour under rotation and scaling, the recovery of a known
Gaussian cloud, and a centre track worked by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from nqpf.esda.centrography import (
    TRACK_COLUMNS,
    centre_track,
    compass_direction,
    mean_centre,
    standard_deviational_ellipse,
)

ROOT2 = math.sqrt(2.0)


def angle_gap(a, b, period=180.0):
    """The distance between two axis directions (or bearings, with period 360) in degrees."""
    gap = (a - b) % period
    return min(gap, period - gap)


def test_a_weighted_ellipse_in_closed_form():
    # Deviations (3, 1) and (-3, -1) with weight 1, (1, -2) and (-1, 2) with weight 2, around (500 km, 3000 km):
    # W = 6, sum w x~^2 = 22, sum w y~^2 = 18, sum w x~y~ = 6 - 8 = -2, so A = 4, C = -4, B = 4 sqrt(2).
    # tan(theta) = -(1 + sqrt(2)) = -tan(67.5 deg): theta = -67.5 + 90 = 22.5 deg. Along X' (east turned
    # clockwise by 22.5 deg) the weighted sum of squares is 22 cos^2 + 4 sin cos + 18 sin^2 = 20 + 2 sqrt(2), along
    # Y' 20 - 2 sqrt(2) (the eigenvalues 20 +- sqrt(4 + 4)). X' is the major axis: rotation 22.5 + 90 = 112.5.
    x = np.array([3.0, -3.0, 1.0, -1.0]) + 500_000.0
    y = np.array([1.0, -1.0, -2.0, 2.0]) + 3_000_000.0
    w = [1.0, 1.0, 2.0, 2.0]
    ellipse = standard_deviational_ellipse(x, y, w)
    sigma_x = ROOT2 * math.sqrt((20 + 2 * ROOT2) / 6)
    sigma_y = ROOT2 * math.sqrt((20 - 2 * ROOT2) / 6)
    assert (ellipse.centre_x, ellipse.centre_y) == (500_000.0, 3_000_000.0)
    assert mean_centre(x, y, w) == (500_000.0, 3_000_000.0)
    assert ellipse.sigma_x == pytest.approx(sigma_x, rel=1e-12)
    assert ellipse.sigma_y == pytest.approx(sigma_y, rel=1e-12)
    assert ellipse.theta == pytest.approx(22.5, abs=1e-12)
    assert ellipse.rotation == pytest.approx(112.5, abs=1e-12)
    assert (ellipse.major, ellipse.minor) == (ellipse.sigma_x, ellipse.sigma_y)
    assert ellipse.area == pytest.approx(math.pi * sigma_x * sigma_y, rel=1e-12)
    assert ellipse.shape_index == pytest.approx(sigma_y / sigma_x, rel=1e-12)
    assert ellipse.n == 4 and ellipse.weight_sum == 6.0 and ellipse.std == 1.0


def by_hand(points, std=1.0):
    """The ArcGIS formulas written out one step at a time, in plain Python, from the "How Directional
    Distribution (Standard Deviational Ellipse) works" page; the major axis's direction from the longer of the
    two axis vectors rather than from ArcGIS's rotation rule."""
    total = sum(w for _, _, w in points)
    mean_x = sum(w * x for x, _, w in points) / total
    mean_y = sum(w * y for _, y, w in points) / total
    dev = [(x - mean_x, y - mean_y, w) for x, y, w in points]
    a = sum(w * dx**2 for dx, _, w in dev) - sum(w * dy**2 for _, dy, w in dev)
    c = 2 * sum(w * dx * dy for dx, dy, w in dev)
    b = math.sqrt(a**2 + c**2)
    theta = math.atan((a + b) / c)
    if theta < 0:
        theta += math.pi / 2
    cos_t, sin_t = math.cos(theta), math.sin(theta)
    sigma_x = std * ROOT2 * math.sqrt(sum(w * (dx * cos_t - dy * sin_t) ** 2 for dx, dy, w in dev) / total)
    sigma_y = std * ROOT2 * math.sqrt(sum(w * (dx * sin_t + dy * cos_t) ** 2 for dx, dy, w in dev) / total)
    # X' = (cos, -sin) and Y' = (sin, cos) in (east, north); the major axis's bearing from its vector
    east, north = (cos_t, -sin_t) if sigma_x > sigma_y else (sin_t, cos_t)
    rotation = math.degrees(math.atan2(east, north)) % 180
    return mean_x, mean_y, sigma_x, sigma_y, math.degrees(theta), rotation


@pytest.mark.parametrize(
    "points",
    [
        # C > 0: the major axis runs north-east (theta = rotation, sigma_y the major axis)
        [
            (1.0, 2.0, 3.0),
            (4.0, 7.0, 1.0),
            (6.0, 5.0, 2.5),
            (2.0, 1.0, 0.5),
            (8.0, 9.0, 1.5),
            (5.0, 3.0, 2.0),
        ],
        # C < 0: the major axis runs north-west (theta + 90 deg, sigma_x the major axis)
        [
            (1.0, 9.0, 2.0),
            (3.0, 6.0, 1.0),
            (4.0, 7.5, 0.5),
            (7.0, 2.0, 3.0),
            (9.0, 1.0, 1.0),
            (5.0, 4.0, 1.0),
        ],
    ],
)
@pytest.mark.parametrize("std", [1, 2, 3])
def test_the_published_formulas_step_by_step(points, std):
    mean_x, mean_y, sigma_x, sigma_y, theta, rotation = by_hand(points, std)
    x, y, w = (np.array(column) for column in zip(*points, strict=True))
    ellipse = standard_deviational_ellipse(x, y, w, std=std)
    assert ellipse.centre_x == pytest.approx(mean_x, rel=1e-12)
    assert ellipse.centre_y == pytest.approx(mean_y, rel=1e-12)
    assert ellipse.sigma_x == pytest.approx(sigma_x, rel=1e-12)
    assert ellipse.sigma_y == pytest.approx(sigma_y, rel=1e-12)
    assert ellipse.theta == pytest.approx(theta, abs=1e-12)
    assert ellipse.rotation == pytest.approx(rotation, abs=1e-12)
    assert ellipse.std == std


def test_c_zero_and_degenerate_patterns():
    # wider east-west than north-south, no covariance: theta = 0, X' is east and the major axis (rotation 90)
    wide = standard_deviational_ellipse([2.0, -2.0, 0.0, 0.0], [0.0, 0.0, 1.0, -1.0])
    assert (wide.theta, wide.rotation) == (0.0, 90.0)
    assert wide.sigma_x == pytest.approx(2.0, rel=1e-15) and wide.sigma_y == pytest.approx(1.0, rel=1e-15)
    tall = standard_deviational_ellipse([1.0, -1.0, 0.0, 0.0], [0.0, 0.0, 2.0, -2.0])
    assert (tall.theta, tall.rotation, tall.major) == (0.0, 0.0, tall.sigma_y)
    circle = standard_deviational_ellipse([1.0, -1.0, 0.0, 0.0], [0.0, 0.0, 1.0, -1.0])
    assert (circle.rotation, circle.shape_index) == (0.0, 1.0)
    # one point, or all the weight on one location: no spread, a rotation of 0 and no shape
    for single in (
        standard_deviational_ellipse([5.0], [7.0]),
        standard_deviational_ellipse([5.0, 1.0, 9.0], [7.0, 2.0, 3.0], [4.0, 0.0, 0.0]),
    ):
        assert (single.centre_x, single.centre_y) == (5.0, 7.0)
        assert (single.sigma_x, single.sigma_y, single.rotation, single.area) == (0.0, 0.0, 0.0, 0.0)
        assert math.isnan(single.shape_index)
        with pytest.raises(ValueError, match="axis of zero"):
            single.contains([5.0], [7.0])
    # points on a line: the minor axis vanishes (up to rounding) and the rotation is the line's bearing
    line = standard_deviational_ellipse([0.0, 1.0, 2.0, 5.0], [0.0, 1.0, 2.0, 5.0], [1.0, 2.0, 1.0, 1.0])
    assert line.rotation == pytest.approx(45.0, abs=1e-12)
    assert line.minor == pytest.approx(0.0, abs=1e-12) and line.shape_index == pytest.approx(0.0, abs=1e-12)
    north_south = standard_deviational_ellipse([3.0, 3.0, 3.0], [0.0, 1.0, 5.0])
    assert (north_south.rotation, north_south.sigma_x) == (0.0, 0.0)


def test_bad_input_is_an_error_that_says_what():
    x, y = [0.0, 1.0, 2.0, 3.0, 4.0], [1.0, 0.0, 2.0, 5.0, 3.0]
    with pytest.raises(ValueError, match="2 of the 5 weights are negative"):
        standard_deviational_ellipse(x, y, [1.0, -1.0, 2.0, -0.5, 1.0])
    with pytest.raises(ValueError, match="1 of the 5 weights are missing"):
        mean_centre(x, y, [1.0, np.nan, 2.0, 1.0, 1.0])
    with pytest.raises(ValueError, match=r"2 of the 5 points have a missing \(NaN\) or infinite coordinate"):
        standard_deviational_ellipse([0.0, np.nan, 2.0, 3.0, 4.0], [1.0, 0.0, np.inf, 5.0, 3.0])
    with pytest.raises(ValueError, match="all zero"):
        standard_deviational_ellipse(x, y, np.zeros(5))
    with pytest.raises(ValueError, match="5 weights for 4 points"):
        mean_centre(x[:4], y[:4], np.ones(5))
    with pytest.raises(ValueError, match="same length"):
        mean_centre(x, y[:3])
    with pytest.raises(ValueError, match="no points"):
        mean_centre([], [])
    with pytest.raises(ValueError, match="needs more than 2 points"):
        standard_deviational_ellipse(x[:2], y[:2], dof=2)
    with pytest.raises(ValueError, match="must be positive"):
        standard_deviational_ellipse(x, y, std=0)


def random_pattern(seed, n=200):
    """Points spread over roughly China's extent in an equal-area projection (metres), correlated so that the
    ellipse leans, with log-normal weights."""
    rng = np.random.default_rng(seed)
    xy = rng.multivariate_normal([500_000.0, 3_500_000.0], [[6e11, -2.5e11], [-2.5e11, 3e11]], size=n)
    return xy, rng.lognormal(0.0, 1.0, n)


@pytest.mark.parametrize("weighted", [False, True])
def test_parity_with_pointpats(weighted):
    """pointpats 2.5.5's ``ellipse(points, weights, method, crimestatCorr, degfreedCorr)`` returns (major, minor,
    angle): the angle is the major axis counter-clockwise from east in radians, in (-pi/2, pi/2], although its
    docstring calls it clockwise; its default ``method="crimestat"`` multiplies the axes by sqrt(2) sqrt(n / (n -
    2)) with n the number of points even when weighted; ``method="yuill"`` applies sqrt(2)
    (``crimestatCorr``) and sqrt(n / (n - 2)) (``degfreedCorr``) on request. ArcGIS is ``yuill`` with
    ``crimestatCorr=True, degfreedCorr=False``. Its ``std_distance`` takes no weights."""
    centrography = pytest.importorskip("pointpats.centrography")
    for seed in (1, 2, 3):
        xy, weights = random_pattern(seed)
        w = weights if weighted else None
        centre = centrography.weighted_mean_center(xy, weights) if weighted else centrography.mean_center(xy)
        np.testing.assert_allclose(mean_centre(xy[:, 0], xy[:, 1], w), centre, rtol=1e-12)
        variants = {
            (True, 0): {"method": "yuill", "crimestatCorr": True, "degfreedCorr": False},  # ArcGIS
            (True, 2): {"method": "crimestat"},
            (False, 0): {"method": "yuill", "crimestatCorr": False, "degfreedCorr": False},
            (False, 2): {"method": "yuill", "crimestatCorr": False, "degfreedCorr": True},
        }
        for (sqrt2, dof), options in variants.items():
            major, minor, angle = centrography.ellipse(xy, weights=w, **options)
            ours = standard_deviational_ellipse(xy[:, 0], xy[:, 1], w, sqrt2=sqrt2, dof=dof)
            assert ours.major == pytest.approx(major, rel=1e-10)
            assert ours.minor == pytest.approx(minor, rel=1e-10)
            # counter-clockwise from east (radians) to clockwise from north (degrees), an axis: modulo 180
            assert angle_gap(ours.rotation, (90.0 - math.degrees(angle)) % 180.0) < 1e-10
    # unweighted, the two uncorrected squared axes add up to the squared standard distance
    xy, _ = random_pattern(4)
    plain = standard_deviational_ellipse(xy[:, 0], xy[:, 1], sqrt2=False)
    distance = centrography.std_distance(xy)
    assert plain.sigma_x**2 + plain.sigma_y**2 == pytest.approx(distance**2, rel=1e-10)


def turned(x, y, degrees, origin=(123_456.0, 3_210_000.0)):
    """The points turned clockwise by ``degrees`` about ``origin``."""
    t = math.radians(degrees)
    dx, dy = x - origin[0], y - origin[1]
    return origin[0] + dx * math.cos(t) + dy * math.sin(t), origin[1] - dx * math.sin(t) + dy * math.cos(t)


@pytest.mark.parametrize("degrees", [17.0, 60.0, 90.0, 135.0, 200.0, 333.0])
def test_turning_the_points_turns_the_ellipse(degrees):
    xy, weights = random_pattern(8)
    before = standard_deviational_ellipse(xy[:, 0], xy[:, 1], weights)
    x, y = turned(xy[:, 0], xy[:, 1], degrees)
    after = standard_deviational_ellipse(x, y, weights)
    assert angle_gap(after.rotation, before.rotation + degrees) < 1e-9
    assert after.major == pytest.approx(before.major, rel=1e-12)
    assert after.minor == pytest.approx(before.minor, rel=1e-12)
    np.testing.assert_allclose(
        (after.centre_x, after.centre_y), turned(before.centre_x, before.centre_y, degrees), rtol=1e-13
    )


def test_standard_deviations_scale_the_axes():
    xy, weights = random_pattern(9)
    one = standard_deviational_ellipse(xy[:, 0], xy[:, 1], weights)
    for std in (2, 3):
        wider = standard_deviational_ellipse(xy[:, 0], xy[:, 1], weights, std=std)
        assert wider.sigma_x == pytest.approx(std * one.sigma_x, rel=1e-14)
        assert wider.sigma_y == pytest.approx(std * one.sigma_y, rel=1e-14)
        assert wider.area == pytest.approx(std**2 * one.area, rel=1e-14)
        assert (wider.rotation, wider.shape_index) == (one.rotation, one.shape_index)
    # without the sqrt(2) the axes are the plain standard deviations, 1 / sqrt(2) of ArcGIS's
    plain = standard_deviational_ellipse(xy[:, 0], xy[:, 1], weights, sqrt2=False)
    assert plain.sigma_x == pytest.approx(one.sigma_x / ROOT2, rel=1e-14)


def test_the_polygon_is_the_ellipse():
    xy, weights = random_pattern(10)
    ellipse = standard_deviational_ellipse(xy[:, 0], xy[:, 1], weights)
    ring = ellipse.vertices(360)
    assert ring.shape == (361, 2) and np.array_equal(ring[0], ring[-1])
    x, y = ring[:-1, 0], ring[:-1, 1]
    # the polygon is an affine image of a regular 360-gon: area (n / 2) sin(2 pi / n) a b, counter-clockwise
    shoelace = 0.5 * np.sum(x * np.roll(y, -1) - np.roll(x, -1) * y)
    assert shoelace == pytest.approx(180 * math.sin(2 * math.pi / 360) * ellipse.area / math.pi, rel=1e-9)
    # its farthest vertex lies on the major axis, in the direction of the rotation
    far = np.argmax(np.hypot(x - ellipse.centre_x, y - ellipse.centre_y))
    direction = math.degrees(math.atan2(x[far] - ellipse.centre_x, y[far] - ellipse.centre_y))
    assert angle_gap(direction, ellipse.rotation) < 1e-9
    assert np.hypot(x[far] - ellipse.centre_x, y[far] - ellipse.centre_y) == pytest.approx(ellipse.major)
    inside = (
        ellipse.centre_x + 0.999 * (x - ellipse.centre_x),
        ellipse.centre_y + 0.999 * (y - ellipse.centre_y),
    )
    outside = (
        ellipse.centre_x + 1.001 * (x - ellipse.centre_x),
        ellipse.centre_y + 1.001 * (y - ellipse.centre_y),
    )
    assert ellipse.contains(*inside).all() and not ellipse.contains(*outside).any()


@pytest.mark.parametrize("rotation", [30.0, 120.0])
def test_a_known_gaussian_cloud_is_recovered(rotation):
    """20,000 draws from a bivariate normal with standard deviations 400 km and 150 km along axes whose major one
    points ``rotation`` degrees clockwise from north (30: C > 0; 120: C < 0)."""
    n, a, b = 20_000, 400_000.0, 150_000.0
    rng = np.random.default_rng(2026)
    along, across = rng.normal(0.0, a, n), rng.normal(0.0, b, n)
    t = math.radians(rotation)
    # major axis (sin t, cos t) in (east, north), minor axis (cos t, -sin t)
    x = 500_000.0 + along * math.sin(t) + across * math.cos(t)
    y = 3_500_000.0 + along * math.cos(t) - across * math.sin(t)
    plain = standard_deviational_ellipse(x, y, sqrt2=False)
    # sqrt of a sample variance: relative standard error 1 / sqrt(2 n) (0.5 %); four of them
    assert abs(plain.major / a - 1) < 4 / math.sqrt(2 * n)
    assert abs(plain.minor / b - 1) < 4 / math.sqrt(2 * n)
    # the principal axis of a sample covariance matrix: asymptotic standard deviation sqrt(l1 l2 / n) / (l1 - l2)
    # radians (Anderson 1963), with l1 = a^2, l2 = b^2: 0.18 degrees here; four of them
    se = math.degrees(a * b / (math.sqrt(n) * (a**2 - b**2)))
    assert angle_gap(plain.rotation, rotation) < 4 * se
    # ArcGIS's sqrt(2): 1 - exp(-s^2) of a normal cloud inside s standard deviations (63.2 % and 98.2 %); the
    # share varies binomially (0.34 % for one, 0.09 % for two standard deviations) and with the estimated axes
    # (0.74 times their 0.5 % relative error for one, 0.07 times for two): within 2 % and 0.5 %
    for std, tolerance in ((1, 0.02), (2, 0.005)):
        share = standard_deviational_ellipse(x, y, std=std).contains(x, y).mean()
        assert abs(share - (1 - math.exp(-(std**2)))) < tolerance


def test_compass_directions():
    assert [compass_direction(b) for b in (0, 22.4, 22.5, 90, 135, 180, 225, 270, 315, 337.5, 359.9)] == [
        "N",
        "N",
        "NE",
        "E",
        "SE",
        "S",
        "SW",
        "W",
        "NW",
        "N",
        "N",
    ]
    assert compass_direction(float("nan")) is None


def hand_track():
    """Three units; the centre moves 3 km east and 4 km north from 2010 to 2011, and back by 2015."""
    coordinates = pd.DataFrame(
        {"x": [0.0, 30_000.0, -30_000.0], "y": [0.0, 40_000.0, 0.0]}, index=["A", "B", "C"]
    )
    rows = [
        ("B", 2015, 1.0),
        ("A", 2011, 7.0),
        ("C", 2010, 1.0),
        ("A", 2015, 8.0),
        ("B", 2010, 1.0),
        ("C", 2015, 1.0),
        ("A", 2010, 8.0),
        ("B", 2011, 2.0),
        ("C", 2011, 1.0),
    ]
    return pd.DataFrame(rows, columns=["code", "year", "gdp"]), coordinates


def test_a_centre_track_by_hand():
    data, coordinates = hand_track()
    track = centre_track(data, coordinates, value="gdp")
    assert list(track.columns) == list(TRACK_COLUMNS)
    assert track["year"].tolist() == [2010, 2011, 2015]
    # 2010: (30 km - 30 km, 40 km) / 10 = (0, 4 km); 2011: (60 km - 30 km, 80 km) / 10 = (3 km, 8 km)
    np.testing.assert_allclose(track["centre_x"], [0.0, 3_000.0, 0.0], atol=1e-9)
    np.testing.assert_allclose(track["centre_y"], [4_000.0, 8_000.0, 4_000.0], atol=1e-9)
    np.testing.assert_allclose(track["move_east_km"], [np.nan, 3.0, -3.0], atol=1e-12)
    np.testing.assert_allclose(track["move_north_km"], [np.nan, 4.0, -4.0], atol=1e-12)
    np.testing.assert_allclose(track["move_km"], [np.nan, 5.0, 5.0], rtol=1e-12)
    np.testing.assert_allclose(track["speed_km_per_year"], [np.nan, 5.0, 1.25], rtol=1e-12)
    # atan(3 / 4) = 36.8699 degrees east of north; back the other way, 216.8699
    np.testing.assert_allclose(
        track["bearing_deg"], [np.nan, 36.86989764584402, 216.86989764584402], rtol=1e-12
    )
    assert track["direction"].tolist() == [None, "NE", "SW"]
    assert track["n_units"].tolist() == [3, 3, 3] and track["total"].tolist() == [10.0, 10.0, 10.0]
    # the year's ellipse is the weighted ellipse of that year's values, in km
    values = data.pivot(index="code", columns="year", values="gdp").loc[["A", "B", "C"]]
    for row in track.itertuples():
        ellipse = standard_deviational_ellipse(coordinates["x"], coordinates["y"], values[row.year])
        assert row.sigma_x_km == pytest.approx(ellipse.sigma_x / 1e3, rel=1e-12)
        assert row.sigma_y_km == pytest.approx(ellipse.sigma_y / 1e3, rel=1e-12)
        assert (row.major_km, row.minor_km) == pytest.approx(
            (ellipse.major / 1e3, ellipse.minor / 1e3), rel=1e-12
        )
        assert row.rotation_deg == pytest.approx(ellipse.rotation, abs=1e-12)
        assert row.area_km2 == pytest.approx(ellipse.area / 1e6, rel=1e-12)
        assert row.shape_index == pytest.approx(ellipse.shape_index, rel=1e-12)
    # two standard deviations double the axes; arrays given as a mapping work as a table
    wider = centre_track(data.to_dict("list"), coordinates.reset_index(names="code"), value="gdp", std=2)
    np.testing.assert_allclose(wider["major_km"], 2 * track["major_km"], rtol=1e-14)


def test_track_errors_name_the_unit_and_year():
    data, coordinates = hand_track()
    negative = data.copy()
    negative.loc[(negative["code"] == "B") & (negative["year"] == 2011), "gdp"] = -2.0
    with pytest.raises(ValueError, match=r"gdp is negative for 1 unit-years \(B 2011: -2\)"):
        centre_track(negative, coordinates, value="gdp")
    gap = data.copy()
    gap.loc[(gap["code"] == "C") & (gap["year"] == 2011), "gdp"] = np.nan
    with pytest.raises(ValueError, match=r"gdp is missing for 1 of the 3 units in 2011 \(C\)"):
        centre_track(gap, coordinates, value="gdp")
    # a unit-year without a row is missing too
    with pytest.raises(ValueError, match=r"missing for 1 of the 3 units in 2015 \(A\)"):
        centre_track(data[~((data["code"] == "A") & (data["year"] == 2015))], coordinates, value="gdp")
    observed = centre_track(gap, coordinates, value="gdp", missing="drop_per_year")
    assert observed["n_units"].tolist() == [3, 2, 3]
    assert observed.loc[1, "centre_x"] == pytest.approx(60_000.0 / 9)
    with pytest.raises(ValueError, match=r"1 units of the table have no coordinates \(C\)"):
        centre_track(data, coordinates.loc[["A", "B"]], value="gdp")
    with pytest.raises(ValueError, match=r"more than one row for a year \(A 2010\)"):
        centre_track(pd.concat([data, data.iloc[[6]]]), coordinates, value="gdp")
    zero = data.copy()
    zero.loc[zero["year"] == 2015, "gdp"] = 0.0
    with pytest.raises(ValueError, match="gdp is zero for every unit observed in 2015"):
        centre_track(zero, coordinates, value="gdp")
    empty = data.copy()
    empty.loc[empty["year"] == 2015, "gdp"] = np.nan
    with pytest.raises(ValueError, match="gdp has no value for any unit in 2015"):
        centre_track(empty, coordinates, value="gdp", missing="drop_per_year")
    with pytest.raises(ValueError, match="no column 'value'"):
        centre_track(data, coordinates)
    with pytest.raises(ValueError, match="missing must be one of"):
        centre_track(data, coordinates, value="gdp", missing="drop")


def test_the_track_in_longitude_and_latitude():
    from pyproj import Geod, Transformer

    from nqpf.units.crs import CHINA_ALBERS

    cities = {"beijing": (116.40, 39.90), "shanghai": (121.47, 31.23), "chengdu": (104.07, 30.67)}
    lon, lat = np.array(list(cities.values())).T
    x, y = Transformer.from_crs("EPSG:4326", CHINA_ALBERS, always_xy=True).transform(lon, lat)
    coordinates = pd.DataFrame({"x": x, "y": y}, index=list(cities))
    # all the weight on Beijing, then on Shanghai: the centres are the two cities
    data = pd.DataFrame(
        {"code": list(cities) * 2, "year": [2020] * 3 + [2021] * 3, "value": [1.0, 0.0, 0.0, 0.0, 1.0, 0.0]}
    )
    track = centre_track(data, coordinates, crs=CHINA_ALBERS)
    assert list(track.columns[5:7]) == ["centre_lon", "centre_lat"]
    np.testing.assert_allclose(track[["centre_lon", "centre_lat"]], [cities["beijing"], cities["shanghai"]])
    forward, _, metres = Geod(ellps="WGS84").inv(*cities["beijing"], *cities["shanghai"])
    assert track.loc[1, "geodesic_km"] == pytest.approx(metres / 1e3, rel=1e-9)
    assert track.loc[1, "geodesic_bearing_deg"] == pytest.approx(forward % 360, abs=1e-9)
    # the equal-area plane stretches this 1,070 km move by 1.1 %; its grid north turns from true north by the
    # meridian convergence, the cone constant (sin 25 + sin 47) / 2 = 0.58 times the 11-16 degrees of longitude
    # east of 105E (6-9 degrees): the grid bearing is 147.2, the true one 152.9 at Beijing
    assert track.loc[1, "move_km"] == pytest.approx(metres / 1e3, rel=0.02)
    assert angle_gap(track.loc[1, "bearing_deg"], forward % 360, 360.0) < 10.0
    assert track.loc[1, "direction"] == "SE"
    with pytest.raises(ValueError, match="not a projection"):
        centre_track(data, coordinates, crs="EPSG:4326")
