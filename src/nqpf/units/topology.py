"""Contiguity between polygons: exact touching and touching within a snapping tolerance.

Polygons cut from separate source files need not share vertices exactly: a border can leave hairline gaps or
slivers. Exact contiguity (the polygons intersect: share a point or an edge, the queen criterion) is compared
with contiguity within a tolerance d (the polygons come within d metres of each other in the units' equal-area
projection, China's Albers for Chinese units, or the study's own). The links that only the tolerance finds are
listed, so a user can judge which tolerance closes true gaps without joining units that face each other across a
strait or a narrow strip.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely

from nqpf.units import crs


def touching_pairs(geometries: np.ndarray) -> np.ndarray:
    """Index pairs (i < j) of polygons that share at least one point (queen contiguity), as a (k, 2) array."""
    tree = shapely.STRtree(geometries)
    left, right = tree.query(geometries, predicate="intersects")
    return _upper(left, right)


def pairs_within(geometries: np.ndarray, distance: float) -> np.ndarray:
    """Index pairs (i < j) of polygons closer than ``distance`` (in the units of their coordinates)."""
    tree = shapely.STRtree(geometries)
    left, right = tree.query(geometries, predicate="dwithin", distance=distance)
    return _upper(left, right)


def _upper(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    keep = left < right
    pairs = np.column_stack([left[keep], right[keep]]).astype(np.int64)
    order = np.lexsort((pairs[:, 1], pairs[:, 0]))
    return pairs[order]


@dataclass
class SnapLevel:
    tolerance_m: float
    links: int
    gained: list[dict]  # the pairs found only with the tolerance: codes, names, gap in metres


def snapping_report(gdf: gpd.GeoDataFrame, tolerances_m: list[float], projection=None) -> dict:
    """Measure contiguity with exact touching and with each snapping tolerance.

    Returns a JSON-ready dict: units, exact links, isolated units (islands), overlapping pairs, and per tolerance
    the number of links and every link gained over exact touching with the gap it bridges. Gaps and tolerances
    are metres in the units' equal-area projection, or in ``projection`` when a study gives its own
    (``units.projection``; the report then names it).
    """
    geographic = gdf.geometry.to_numpy()
    projected = gdf.to_crs(crs.equal_area(gdf, projection)).geometry.to_numpy()
    exact = touching_pairs(geographic)
    exact_set = {tuple(p) for p in exact}
    codes = gdf["code"].to_numpy()
    names = gdf["name"].to_numpy()
    degree = np.bincount(exact.ravel(), minlength=len(gdf))
    overlaps = _overlapping_pairs(projected)
    levels = []
    for tolerance in sorted(tolerances_m):
        pairs = pairs_within(projected, tolerance)
        gained = []
        for i, j in pairs:
            if (i, j) in exact_set:
                continue
            gap = float(shapely.distance(projected[i], projected[j]))
            gained.append(
                {
                    "code_a": codes[i],
                    "name_a": names[i],
                    "code_b": codes[j],
                    "name_b": names[j],
                    "gap_m": round(gap, 1),
                }
            )
        levels.append(SnapLevel(tolerance_m=tolerance, links=len(pairs), gained=gained))
    report = {
        "units": len(gdf),
        "exact_links": len(exact),
        "islands_exact": [{"code": codes[i], "name": names[i]} for i in np.flatnonzero(degree == 0)],
        "overlapping_pairs": [
            {"code_a": codes[i], "code_b": codes[j], "overlap_km2": round(area / 1e6, 6)}
            for i, j, area in overlaps
        ],
        "tolerances": [
            {
                "tolerance_m": s.tolerance_m,
                "links": s.links,
                "gained": len(s.gained),
                "gained_links": s.gained,
            }
            for s in levels
        ],
    }
    if projection is not None:
        report["projection"] = crs.describe(gdf, projection)
    return report


def _overlapping_pairs(projected: np.ndarray) -> list[tuple[int, int, float]]:
    """Pairs whose interiors overlap (slivers where two source polygons both claim the same ground)."""
    tree = shapely.STRtree(projected)
    left, right = tree.query(projected, predicate="overlaps")
    out = []
    for i, j in _upper(left, right):
        area = float(shapely.area(shapely.intersection(projected[i], projected[j])))
        out.append((int(i), int(j), area))
    return out


def snapping_markdown(report: dict, level: str) -> str:
    """A short human-readable account of :func:`snapping_report`."""
    lines = [
        f"# Contiguity of the {level} boundaries: exact touching vs snapping",
        "",
        f"- units: {report['units']}",
        f"- links with exact touching (queen: a shared point or edge): {report['exact_links']}",
        f"- units without any touching neighbour: {len(report['islands_exact'])}"
        + (
            " (" + ", ".join(f"{u['code']} {u['name']}" for u in report["islands_exact"]) + ")"
            if report["islands_exact"]
            else ""
        ),
        f"- pairs whose polygons overlap: {len(report['overlapping_pairs'])}"
        + (
            f", largest overlap {max(p['overlap_km2'] for p in report['overlapping_pairs']):.6f} km2"
            if report["overlapping_pairs"]
            else ""
        ),
    ]
    if "projection" in report:
        lines.append(f"- metres in the projection {crs.KEY} gives: {report['projection']['name']}")
        lines += [f"- note: {note}" for note in report["projection"]["notes"]]
    lines += [
        "",
        "| tolerance (m) | links | gained over exact |",
        "|---:|---:|---:|",
    ]
    for t in report["tolerances"]:
        lines.append(f"| {t['tolerance_m']:g} | {t['links']} | {t['gained']} |")
    for t in report["tolerances"]:
        if t["gained_links"]:
            lines += [
                "",
                f"## Links gained at {t['tolerance_m']:g} m",
                "",
                "| unit | unit | gap (m) |",
                "|---|---|---:|",
            ]
            for g in t["gained_links"]:
                lines.append(
                    f"| {g['code_a']} {g['name_a']} | {g['code_b']} {g['name_b']} | {g['gap_m']:.1f} |"
                )
    return "\n".join(lines) + "\n"
