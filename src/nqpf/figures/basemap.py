"""Maps drawn in the China Albers equal-area projection: the polygons simplified for display and the view
of the mainland."""

from __future__ import annotations

import geopandas as gpd

from nqpf.units import crs

_DISPLAY_TOLERANCE = (
    0.0008  # simplification for drawing, as a share of the map's extent (about 4 km for China)
)


def mainland_view(ax, projected: gpd.GeoDataFrame, margin: float = 0.02) -> None:
    """Limit the axes to the polygons north of 18N, so that the South China Sea islands (and their long links)
    do not shrink the map of everything else; a unit's islands there (Hainan's Sansha) are left out too."""
    parts = projected.geometry.explode(index_parts=False)
    latitude = parts.representative_point().to_crs(crs.GEOGRAPHIC).y
    shown = parts[latitude >= 18.0] if (latitude >= 18.0).any() else parts
    minx, miny, maxx, maxy = shown.total_bounds
    dx, dy = (maxx - minx) * margin, (maxy - miny) * margin
    ax.set_xlim(minx - dx, maxx + dx)
    ax.set_ylim(miny - dy, maxy + dy)


def for_display(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The polygons in the China Albers projection, simplified to what a figure can show."""
    projected = gdf.to_crs(crs.CHINA_ALBERS)
    minx, miny, maxx, maxy = projected.total_bounds
    tolerance = _DISPLAY_TOLERANCE * max(maxx - minx, maxy - miny)
    return projected.set_geometry(projected.geometry.simplify(tolerance, preserve_topology=True))
