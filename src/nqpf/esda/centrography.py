"""Centrography of a weighted point pattern: the mean (gravity) centre, the standard deviational ellipse
(标准差椭圆) and the year-by-year track of both (重心迁移), as ArcGIS Pro's Mean Center and Directional
Distribution (Standard Deviational Ellipse) tools compute them.

Coordinates are projected, in metres (an equal-area projection of China such as
:data:`nqpf.units.crs.CHINA_ALBERS`); the caller projects. Each point i has a weight w_i >= 0 (1 when none is
given), W = sum w_i and n the number of points.

Mean centre (ArcGIS Pro, "How Mean Center works"): X = sum w_i x_i / W, Y = sum w_i y_i / W. With the values of a
variable as weights it is the variable's centre of gravity (重心) of the regional-economics literature.

Standard deviational ellipse (Lefever 1926, American Journal of Sociology; Furfey 1927, ibid. 33(1): 94-98;
Yuill 1971, Geografiska Annaler B 53(1): 28-39), with the ArcGIS formulas ("How Directional Distribution
(Standard Deviational Ellipse) works", ArcMap 10.x and ArcGIS Pro documentation). With the deviations
x~_i = x_i - X and y~_i = y_i - Y from the weighted mean centre:

    A = sum w x~^2 - sum w y~^2,   C = 2 sum w x~ y~,   B = sqrt(A^2 + C^2)
    tan(theta) = (A + B) / C,      theta in (-90, 90) degrees; theta + 90 when it is negative; 0 when C = 0
    sigma_x = k sqrt( sum w (x~ cos(theta) - y~ sin(theta))^2 / W )       (ArcGIS XStdDist)
    sigma_y = k sqrt( sum w (x~ sin(theta) + y~ cos(theta))^2 / W )       (ArcGIS YStdDist)
    k = s sqrt(2) sqrt(n / (n - dof))

with s the number of standard deviations (ArcGIS offers 1, 2 or 3 and multiplies the axes by it), the sqrt(2)
that ArcGIS applies ("adjustment factor" 1.41, 2.83, 4.24 for 1, 2, 3 standard deviations of 2-dimensional data in
the ArcMap 10.7 and ArcGIS Pro 2.7 pages) and dof = 0. Unweighted, W = n. The sqrt(2) makes sigma_x^2 + sigma_y^2
twice the squared standard distance, so that each axis equals the standard distance when the points spread
evenly in every direction; for a bivariate normal cloud the ellipse of s standard deviations then holds
1 - exp(-s^2) of the points (63.2, 98.2 and 99.99 percent for s = 1, 2, 3) rather than 1 - exp(-s^2 / 2) (39.3,
86.5, 98.9 percent) without it (the tool's usage notes quote 68, 95 and 99 percent, the one-dimensional
figures). ``sqrt2=False`` leaves it out (the plain standard deviations along the axes);
``dof=2`` divides by n - 2 instead of n, the CrimeStat variant (pointpats' ``method="crimestat"``: sqrt(2) times
sqrt(n / (n - 2)) with n the number of points, weighted or not). The default is ArcGIS's: ``sqrt2=True, dof=0``.

Axes and rotation, as ArcGIS reports them. The axes X' and Y' are the x (east) and y (north) axes turned
clockwise by theta, theta in [0, 90) degrees; sigma_x lies along X', sigma_y along Y'. theta is the direction of
the major axis (the eigenvector of the larger eigenvalue of the weighted covariance matrix) clockwise from north
when C > 0; when C < 0 the "+ 90" makes X' the major axis. ``rotation`` is the direction of the major axis in
degrees clockwise from north (noon), in [0, 180): theta when sigma_y >= sigma_x, theta + 90 otherwise. ArcGIS Pro
computes the same two semi-axes and rotation from the eigen-decomposition of the weighted covariance matrix
(divisor W); its XStdDist and YStdDist may then come in the other order.

Degenerate patterns (ArcGIS refuses fewer than three points and writes no ellipse with an axis of zero; here the
numbers are returned, as the formulas give them): C = 0 (uncorrelated x~ and y~, or an isotropic pattern) gives
theta = 0, so X' is east and the rotation is 90 when sigma_x > sigma_y and 0 otherwise (0 for a circle); points on
one line give a minor axis of zero (up to rounding), an area of zero and a shape index of zero, the rotation being
the line's direction; a single point (or all weight on one location) gives two axes of zero, a rotation of 0 and
a shape index of NaN. Zero weights are allowed (the point counts in n but moves nothing); negative weights, a
zero weight sum and missing or infinite coordinates or weights are errors. Near C = 0 rounding can swap which of
sigma_x and sigma_y is the major axis; major, minor and rotation are unaffected (a rotation near 0 and one near
180 are the same axis).

Shape index = minor / major (1 a circle, 0 a line); area = pi major minor (Wang, Shi and Miao 2015, PLoS ONE
10(3): e0118537, derive the same ellipse from the covariance matrix and its coverage in higher dimensions).

Centre track (:func:`centre_track`): for each year the gravity centre of a variable (the units' values as
weights), its move from the previous year's centre (planar distance in the projection, in km, and its grid
bearing clockwise from the projection's north, 0-360, with the compass direction), and the year's ellipse. The
literature often measures the move on longitude and latitude (111.111 km a degree); here it is measured in the
projected plane, and with a CRS also as the geodesic between the two centres and its true bearing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from nqpf.errors import listed

COMPASS = ("N", "NE", "E", "SE", "S", "SW", "W", "NW")
"""The eight compass directions, clockwise from north, each covering 45 degrees centred on its bearing."""

MISSING = ("error", "drop_per_year")

TRACK_COLUMNS = (
    "year",
    "n_units",
    "total",
    "centre_x",
    "centre_y",
    "move_east_km",
    "move_north_km",
    "move_km",
    "speed_km_per_year",
    "bearing_deg",
    "direction",
    "sigma_x_km",
    "sigma_y_km",
    "major_km",
    "minor_km",
    "rotation_deg",
    "area_km2",
    "shape_index",
    "std",
)
"""The columns of :func:`centre_track`, in order; with a CRS, ``centre_lon`` and ``centre_lat`` follow
``centre_y`` and ``geodesic_km`` and ``geodesic_bearing_deg`` follow ``direction``."""


def _points(x, y, weights) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Coordinates and weights as float vectors, checked (module docstring)."""
    x = np.asarray(x, dtype=float).ravel()
    y = np.asarray(y, dtype=float).ravel()
    if x.shape != y.shape:
        raise ValueError(f"x and y must have the same length, not {len(x)} and {len(y)}")
    n = len(x)
    if n == 0:
        raise ValueError("there are no points")
    bad = ~(np.isfinite(x) & np.isfinite(y))
    if bad.any():
        raise ValueError(
            f"{int(bad.sum())} of the {n} points have a missing (NaN) or infinite coordinate (points "
            f"{listed(np.flatnonzero(bad), 10)}); drop them or give their coordinates"
        )
    if weights is None:
        return x, y, np.ones(n)
    w = np.asarray(weights, dtype=float).ravel()
    if w.shape != x.shape:
        raise ValueError(f"weights must have one value per point: {len(w)} weights for {n} points")
    bad = ~np.isfinite(w)
    if bad.any():
        raise ValueError(
            f"{int(bad.sum())} of the {n} weights are missing (NaN) or infinite (points "
            f"{listed(np.flatnonzero(bad), 10)}); drop those points or give their weights"
        )
    negative = w < 0
    if negative.any():
        raise ValueError(
            f"{int(negative.sum())} of the {n} weights are negative (the smallest is {w.min():.6g}, points "
            f"{listed(np.flatnonzero(negative), 10)}); weights must be zero or positive"
        )
    if not w.sum() > 0:
        raise ValueError(f"the {n} weights are all zero: the centre of points without weight is undefined")
    return x, y, w


def mean_centre(x, y, weights=None) -> tuple[float, float]:
    """The (weighted) mean centre (X, Y) = (sum w x / W, sum w y / W) of points (``x``, ``y``) with
    ``weights`` (all 1 when None), as ArcGIS's Mean Center: the gravity centre when the weights are a variable's
    values. Negative or missing weights and a zero weight sum are errors."""
    x, y, w = _points(x, y, weights)
    total = w.sum()
    return float(np.dot(w, x) / total), float(np.dot(w, y) / total)


@dataclass(frozen=True)
class StandardDeviationalEllipse:
    """A standard deviational ellipse (module docstring). ``centre_x``, ``centre_y``: the weighted mean centre;
    ``sigma_x``, ``sigma_y``: the semi-axes along X' and Y' (ArcGIS XStdDist, YStdDist), already multiplied by
    the ``std`` standard deviations, sqrt(2) when ``sqrt2`` and sqrt(n / (n - dof)); ``theta``: the turn of X'
    and Y' clockwise from east and north, degrees in [0, 90); ``rotation``: the major axis clockwise from north,
    degrees in [0, 180) (ArcGIS Rotation); ``n`` points of total weight ``weight_sum``. Lengths are in the units
    of the coordinates (metres), the area in their square."""

    centre_x: float
    centre_y: float
    sigma_x: float
    sigma_y: float
    theta: float
    rotation: float
    n: int
    weight_sum: float
    std: float
    sqrt2: bool
    dof: int

    @property
    def major(self) -> float:
        """The semi-major axis, the larger of sigma_x and sigma_y."""
        return max(self.sigma_x, self.sigma_y)

    @property
    def minor(self) -> float:
        """The semi-minor axis, the smaller of sigma_x and sigma_y."""
        return min(self.sigma_x, self.sigma_y)

    @property
    def area(self) -> float:
        """pi major minor, in the square of the coordinates' unit."""
        return math.pi * self.sigma_x * self.sigma_y

    @property
    def shape_index(self) -> float:
        """minor / major: 1 for a circle, 0 for points on a line; NaN when both axes are zero."""
        return self.minor / self.major if self.major > 0 else math.nan

    def _axes(self) -> tuple[np.ndarray, np.ndarray]:
        """Unit vectors of X' and Y' (east and north turned clockwise by theta)."""
        t = math.radians(self.theta)
        return np.array([math.cos(t), -math.sin(t)]), np.array([math.sin(t), math.cos(t)])

    def vertices(self, count: int = 360, closed: bool = True) -> np.ndarray:
        """``count`` points on the ellipse, counter-clockwise from the end of the X' semi-axis, as a
        (count, 2) array of x, y (count + 1 rows, the first repeated at the end, when ``closed``): the exterior
        ring of the ellipse's polygon for a map (ArcGIS draws 360). An axis of zero gives a segment or a point."""
        if count < 3:
            raise ValueError(f"an ellipse needs at least 3 vertices, not {count}")
        t = 2.0 * np.pi * np.arange(count) / count
        along_x, along_y = self._axes()
        ring = (
            np.array([self.centre_x, self.centre_y])
            + np.outer(self.sigma_x * np.cos(t), along_x)
            + np.outer(self.sigma_y * np.sin(t), along_y)
        )
        return np.vstack([ring, ring[:1]]) if closed else ring

    def contains(self, x, y) -> np.ndarray:
        """Whether each point (``x``, ``y``) lies inside the ellipse or on it (for the share of units it
        holds). An ellipse with an axis of zero holds no area: an error."""
        if not self.minor > 0:
            raise ValueError("the ellipse has an axis of zero (all points on one line or one location)")
        dx = np.asarray(x, dtype=float) - self.centre_x
        dy = np.asarray(y, dtype=float) - self.centre_y
        along_x, along_y = self._axes()
        u = dx * along_x[0] + dy * along_x[1]
        v = dx * along_y[0] + dy * along_y[1]
        return (u / self.sigma_x) ** 2 + (v / self.sigma_y) ** 2 <= 1.0


def standard_deviational_ellipse(
    x, y, weights=None, *, std: float = 1.0, sqrt2: bool = True, dof: int = 0
) -> StandardDeviationalEllipse:
    """The standard deviational ellipse of points (``x``, ``y``) with ``weights`` (all 1 when None) by the ArcGIS
    formulas (module docstring): axes of ``std`` standard deviations (ArcGIS offers 1, 2 or 3), times sqrt(2)
    when ``sqrt2`` (ArcGIS: yes), with the sums divided by W (n - ``dof``)/n (ArcGIS: ``dof=0``; CrimeStat:
    ``dof=2``). Degenerate patterns follow the module docstring's conventions; negative, missing or infinite
    weights or coordinates, a zero weight sum and ``dof`` >= n are errors."""
    x, y, w = _points(x, y, weights)
    n = len(x)
    if not (np.isfinite(std) and std > 0):
        raise ValueError(f"std (the number of standard deviations) must be positive, not {std}")
    if isinstance(dof, bool) or int(dof) != dof or dof < 0:
        raise ValueError(f"dof must be a whole number, 0 (ArcGIS) or 2 (CrimeStat), not {dof!r}")
    dof = int(dof)
    if dof >= n:
        raise ValueError(f"dof={dof} needs more than {dof} points, not {n}")
    total = w.sum()
    centre_x, centre_y = np.dot(w, x) / total, np.dot(w, y) / total
    dx, dy = x - centre_x, y - centre_y
    a = np.dot(w, dx * dx) - np.dot(w, dy * dy)
    c = 2.0 * np.dot(w, dx * dy)
    if c == 0.0:
        theta = 0.0
    else:
        b = math.hypot(a, c)
        # (A + B) / C, written as C / (B - A) when A < 0 so that A + B does not cancel; the two are equal
        # because B^2 - A^2 = C^2
        theta = math.atan((a + b) / c if a >= 0 else c / (b - a))
        if theta < 0.0:
            theta += math.pi / 2.0
    cos_t, sin_t = math.cos(theta), math.sin(theta)
    scale = std * (math.sqrt(2.0) if sqrt2 else 1.0) * math.sqrt(n / (n - dof))
    sigma_x = scale * math.sqrt(np.dot(w, (dx * cos_t - dy * sin_t) ** 2) / total)
    sigma_y = scale * math.sqrt(np.dot(w, (dx * sin_t + dy * cos_t) ** 2) / total)
    theta_deg = math.degrees(theta)
    rotation = (theta_deg + 90.0 if sigma_x > sigma_y else theta_deg) % 180.0
    return StandardDeviationalEllipse(
        centre_x=float(centre_x),
        centre_y=float(centre_y),
        sigma_x=float(sigma_x),
        sigma_y=float(sigma_y),
        theta=theta_deg,
        rotation=rotation,
        n=n,
        weight_sum=float(total),
        std=float(std),
        sqrt2=bool(sqrt2),
        dof=dof,
    )


def bearing(dx, dy):
    """The bearing of a move (``dx`` east, ``dy`` north) in degrees clockwise from north, in [0, 360); NaN for
    no move."""
    dx, dy = np.asarray(dx, dtype=float), np.asarray(dy, dtype=float)
    angle = np.degrees(np.arctan2(dx, dy)) % 360.0
    return np.where((dx == 0) & (dy == 0), np.nan, angle)


def compass_direction(bearing_deg) -> str | None:
    """The compass direction (N, NE, E, SE, S, SW, W, NW) of a bearing in degrees clockwise from north: each
    covers 45 degrees centred on its own bearing, a bearing on a boundary (22.5, 67.5, ...) going to the next
    direction clockwise; None for NaN."""
    if bearing_deg is None or not np.isfinite(bearing_deg):
        return None
    return COMPASS[int(math.floor((float(bearing_deg) % 360.0 + 22.5) / 45.0)) % 8]


def _track_table(data, code: str, year: str, value: str) -> pd.DataFrame:
    frame = data if isinstance(data, pd.DataFrame) else pd.DataFrame(data)
    absent = [column for column in (code, year, value) if column not in frame.columns]
    if absent:
        raise ValueError(
            f"the table has no column {', '.join(map(repr, absent))} (it has {listed(frame.columns, 12)}); "
            "name the unit code, year and value columns with code=, year= and value="
        )
    table = frame[[code, year, value]].copy()
    table.columns = ["code", "year", "value"]
    table["code"] = table["code"].astype(str)
    years = pd.to_numeric(table["year"], errors="coerce")
    bad = years.isna() | (years != np.round(years))
    if bad.any():
        raise ValueError(
            f"{int(bad.sum())} rows have a year that is not a whole number "
            f"({listed(table.loc[bad, 'year'].astype(str).unique(), 10)})"
        )
    table["year"] = years.astype(np.int64)
    try:
        table["value"] = table["value"].astype(float)
    except (TypeError, ValueError) as err:
        raise ValueError(f"{value} must be numeric: {err}") from None
    twice = table.duplicated(["code", "year"], keep=False)
    if twice.any():
        pairs = table.loc[twice, ["code", "year"]].drop_duplicates()
        raise ValueError(
            f"{len(pairs)} units have more than one row for a year "
            f"({listed([f'{c} {t}' for c, t in pairs.itertuples(index=False)], 10)}); give one value per unit "
            "and year"
        )
    negative = table["value"] < 0
    if negative.any():
        rows = table.loc[negative]
        raise ValueError(
            f"{value} is negative for {len(rows)} unit-years "
            f"({listed([f'{c} {t}: {v:.6g}' for c, t, v in rows.itertuples(index=False)], 10)}); the gravity "
            "centre weights each unit by its value, so the values must be zero or positive: rescale the "
            "variable (for example min-max) or use a non-negative one"
        )
    return table


def _track_coordinates(coordinates, units: list[str]) -> tuple[np.ndarray, np.ndarray]:
    coords = coordinates if isinstance(coordinates, pd.DataFrame) else pd.DataFrame(coordinates)
    if "code" in coords.columns:
        coords = coords.set_index("code")
    absent = [column for column in ("x", "y") if column not in coords.columns]
    if absent:
        raise ValueError(
            f"the coordinates have no column {', '.join(absent)}: give a table indexed by unit code (or with a "
            "code column) with columns x and y in projected metres"
        )
    coords = coords[["x", "y"]].copy()
    coords.index = coords.index.astype(str)
    if coords.index.duplicated().any():
        raise ValueError(
            f"the coordinates list some units more than once ({listed(coords.index[coords.index.duplicated()])})"
        )
    unknown = [unit for unit in units if unit not in coords.index]
    if unknown:
        raise ValueError(
            f"{len(unknown)} units of the table have no coordinates ({listed(unknown)}); give x and y for every "
            "unit"
        )
    coords = coords.loc[units].astype(float)
    bad = ~np.isfinite(coords.to_numpy()).all(axis=1)
    if bad.any():
        raise ValueError(f"{int(bad.sum())} units have missing coordinates ({listed(coords.index[bad])})")
    return coords["x"].to_numpy(), coords["y"].to_numpy()


def centre_track(
    data,
    coordinates,
    *,
    value: str = "value",
    code: str = "code",
    year: str = "year",
    missing: str = "error",
    std: float = 1.0,
    sqrt2: bool = True,
    dof: int = 0,
    crs=None,
) -> pd.DataFrame:
    """The gravity centre of a variable year by year, its moves and its standard deviational ellipses.

    ``data``: a long table (a DataFrame, or a mapping of equal-length arrays) with one row per unit and year and
    the columns named by ``code``, ``year`` (whole numbers) and ``value`` (the variable, zero or positive: it
    weights the units). ``coordinates``: x and y of each unit in projected metres, a table indexed by unit code
    (or with a ``code`` column) with columns ``x`` and ``y``; codes match as strings. The units are those of
    ``data``; a unit-year without a row or with a missing value is missing: an error with ``missing="error"``
    (the default), left out of that year with ``missing="drop_per_year"`` (``n_units`` then says how many units
    each year used). Negative values, units without coordinates, duplicate unit-years and a year whose values
    are all zero are errors. ``std``, ``sqrt2`` and ``dof`` are those of :func:`standard_deviational_ellipse`.

    One row per year, in increasing order, with the columns (:data:`TRACK_COLUMNS`):

    - ``year``, ``n_units`` (units used), ``total`` (the sum of the values, the weight sum);
    - ``centre_x``, ``centre_y``: the weighted mean centre (metres), also the ellipse's centre;
    - ``move_east_km``, ``move_north_km``, ``move_km``: the move from the previous year's centre, in the
      projected plane; ``speed_km_per_year``: ``move_km`` over the years between the two (for uneven years);
    - ``bearing_deg``: the move's bearing clockwise from the projection's north (grid north), in [0, 360);
      ``direction``: its compass direction (:func:`compass_direction`). The first year has no move: NaN and
      None; so has a year whose centre did not move;
    - ``sigma_x_km``, ``sigma_y_km``, ``major_km``, ``minor_km``: the ellipse's semi-axes (XStdDist, YStdDist,
      the larger and the smaller); ``rotation_deg``: the major axis clockwise from north, in [0, 180);
      ``area_km2``: pi major minor; ``shape_index``: minor / major; ``std``: the standard deviations.

    With ``crs`` (the coordinates' projection: anything :func:`nqpf.units.crs.given` reads, projected and in
    metres), also ``centre_lon`` and ``centre_lat`` (degrees, WGS84), ``geodesic_km`` (the move as the geodesic
    between the two centres on the WGS84 ellipsoid) and ``geodesic_bearing_deg`` (its true bearing at the
    starting centre, clockwise from north, in [0, 360)).
    """
    if missing not in MISSING:
        raise ValueError(f"missing must be one of {', '.join(MISSING)}, not {missing!r}")
    table = _track_table(data, code, year, value)
    units = sorted(table["code"].unique())
    ux, uy = _track_coordinates(coordinates, units)
    wide = table.pivot(index="code", columns="year", values="value").reindex(index=units)
    rows = []
    for when in sorted(wide.columns):
        column = wide[when].to_numpy(dtype=float)
        gap = np.isnan(column)
        if gap.any() and missing == "error":
            raise ValueError(
                f"{value} is missing for {int(gap.sum())} of the {len(units)} units in {when} "
                f"({listed(np.asarray(units)[gap])}); fill the gaps, leave the year out, or pass "
                "missing='drop_per_year' to compute each year from the units observed in it"
            )
        used = ~gap
        if not used.any():
            raise ValueError(f"{value} has no value for any unit in {when}: leave the year out")
        if not column[used].sum() > 0:
            raise ValueError(
                f"{value} is zero for every unit observed in {when}: a year without weight has no gravity centre"
            )
        ellipse = standard_deviational_ellipse(
            ux[used], uy[used], column[used], std=std, sqrt2=sqrt2, dof=dof
        )
        rows.append(
            {
                "year": int(when),
                "n_units": int(used.sum()),
                "total": ellipse.weight_sum,
                "centre_x": ellipse.centre_x,
                "centre_y": ellipse.centre_y,
                "sigma_x_km": ellipse.sigma_x / 1e3,
                "sigma_y_km": ellipse.sigma_y / 1e3,
                "major_km": ellipse.major / 1e3,
                "minor_km": ellipse.minor / 1e3,
                "rotation_deg": ellipse.rotation,
                "area_km2": ellipse.area / 1e6,
                "shape_index": ellipse.shape_index,
                "std": ellipse.std,
            }
        )
    track = pd.DataFrame(rows)
    dx = track["centre_x"].diff().to_numpy()
    dy = track["centre_y"].diff().to_numpy()
    track["move_east_km"] = dx / 1e3
    track["move_north_km"] = dy / 1e3
    track["move_km"] = np.hypot(dx, dy) / 1e3
    track["speed_km_per_year"] = track["move_km"] / track["year"].diff()
    track["bearing_deg"] = bearing(dx, dy)
    track["direction"] = pd.Series([compass_direction(b) for b in track["bearing_deg"]], dtype=object)
    columns = list(TRACK_COLUMNS)
    if crs is not None:
        _geographic(track, crs)
        columns[columns.index("centre_y") + 1 : columns.index("centre_y") + 1] = ["centre_lon", "centre_lat"]
        columns[columns.index("direction") + 1 : columns.index("direction") + 1] = [
            "geodesic_km",
            "geodesic_bearing_deg",
        ]
    return track[columns]


def _geographic(track: pd.DataFrame, crs) -> None:
    """Add the centres' longitude and latitude and the geodesic moves between them (``crs``: the coordinates'
    projection)."""
    from pyproj import Geod, Transformer

    from nqpf.units.crs import GEOGRAPHIC, given

    projection = given(crs, key="crs")
    to_degrees = Transformer.from_crs(projection, GEOGRAPHIC, always_xy=True)
    lon, lat = to_degrees.transform(track["centre_x"].to_numpy(), track["centre_y"].to_numpy())
    track["centre_lon"], track["centre_lat"] = lon, lat
    forward, _, metres = Geod(ellps="WGS84").inv(lon[:-1], lat[:-1], lon[1:], lat[1:])
    forward, metres = np.atleast_1d(forward), np.atleast_1d(metres)
    still = metres == 0
    track["geodesic_km"] = np.concatenate([[np.nan], metres / 1e3])
    track["geodesic_bearing_deg"] = np.concatenate([[np.nan], np.where(still, np.nan, forward % 360.0)])


# -- a study's units and variables ---------------------------------------------------------------------------------


def unit_coordinates(units, projection=None) -> tuple[pd.DataFrame, object]:
    """The x and y (metres) of the units of a boundary table (``units``: a GeoDataFrame with ``code``, polygons or
    points, in any CRS) in their equal-area projection (:func:`nqpf.units.crs.equal_area`: China Albers for
    China), or ``projection`` (a study's ``units.projection``): the centroids of the exact polygons, or the points.
    Returns the table (indexed by code, columns x and y) and the projection, as :func:`centre_track` takes them."""
    from nqpf.units import crs

    target = crs.equal_area(units, projection)
    projected = units.to_crs(target)
    points = projected.geometry.centroid
    table = pd.DataFrame(
        {"x": points.x.to_numpy(), "y": points.y.to_numpy()},
        index=pd.Index(units["code"].astype(str).to_numpy(), name="code"),
    )
    return table, target


def tracks(frame: pd.DataFrame, variables, coordinates, *, crs=None, years=None, **options) -> pd.DataFrame:
    """:func:`centre_track` of each of ``variables`` of a study's analysis ``frame`` (code, year, the variables)
    in ``years`` (default all), one table with a ``variable`` column first; ``options`` are those of
    :func:`centre_track` (missing, std, sqrt2, dof). An error names the variable."""
    from nqpf.errors import InputError

    data = frame if years is None else frame[frame["year"].isin(list(years))]
    parts = []
    for variable in variables:
        try:
            track = centre_track(data, coordinates, value=variable, crs=crs, **options)
        except ValueError as err:
            raise InputError(
                f"centrography of {variable}: {err}",
                column=variable,
                key="centrography.variables",
                fix="a gravity centre needs values of zero or more for every unit and year (missing values: "
                "centrography.missing: drop_per_year)",
            ) from None
        track.insert(0, "variable", variable)
        parts.append(track)
    return pd.concat(parts, ignore_index=True)
