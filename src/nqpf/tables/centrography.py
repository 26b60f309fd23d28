"""The gravity centre and standard deviational ellipse table of a variable, year by year, as papers print the
output of ArcGIS's Mean Center and Directional Distribution (重心坐标、移动距离与方向、长短半轴、转角、面积)."""

from __future__ import annotations

import pandas as pd

from nqpf.tables import cells
from nqpf.tables.labels import Labels
from nqpf.tables.model import Block, Cell, Row, Table


def centrography(
    variable: str, tracks: pd.DataFrame, labels: Labels, sqrt2: bool = True, projection: str = "", notes=()
) -> Table:
    """One row per year of ``variable``'s track (rows of ``esda/centrography.csv``): the centre's longitude and
    latitude, its move from the year before (km, geodesic when the track has it, else planar) and direction, the
    ellipse's semi-axes, rotation, area (10^4 km^2) and shape index. ``sqrt2`` and ``projection`` (the study's
    units.projection, empty for the units' equal-area projection) are said in the note."""
    track = tracks[tracks["variable"] == variable].sort_values("year")
    has_lonlat = "centre_lon" in track.columns
    move = "geodesic_km" if "geodesic_km" in track.columns else "move_km"
    rows = []
    for row in track.itertuples(index=False):
        values = []
        if has_lonlat:
            values += [cells.number(row.centre_lon, 4), cells.number(row.centre_lat, 4)]
        direction = row.direction
        values += [
            cells.number(getattr(row, move), 2),
            labels.term(f"compass_{direction}") if isinstance(direction, str) and direction else "",
            cells.number(row.major_km, 1),
            cells.number(row.minor_km, 1),
            cells.number(row.rotation_deg, 2),
            cells.number(row.area_km2 / 1e4, 2),
            cells.number(row.shape_index, 4),
        ]
        rows.append(Row(Cell(str(int(row.year))), tuple(Cell(v) for v in values)))
    columns = [Cell(labels.term("year"))]
    if has_lonlat:
        columns += [Cell(labels.term("centre_lon")), Cell(labels.term("centre_lat"))]
    columns += [
        Cell(labels.term(key))
        for key in (
            "move_km",
            "direction_short",
            "major_km",
            "minor_km",
            "rotation",
            "ellipse_area",
            "shape_index",
        )
    ]
    first = track.iloc[0] if len(track) else None
    std = int(first["std"]) if first is not None else 1
    note = labels.term(
        "centrography_note",
        std=std,
        sqrt2=labels.term("sqrt2_applied") if sqrt2 else "",
        crs=projection or labels.term("equal_area_projection"),
    )
    return Table(
        f"centrography_{variable}",
        Cell(labels.term("centrography", variable=labels.name(variable))),
        tuple(columns),
        (Block(tuple(rows)),),
        (*notes, note),
    )
