"""Maps drawn in the units' equal-area projection (China's Albers for Chinese units, one centred on the units
elsewhere, or a study's own: :mod:`nqpf.units.crs`): the polygons simplified for display and the view of China's
mainland."""

from __future__ import annotations

import geopandas as gpd

from nqpf.units import crs

_DISPLAY_TOLERANCE = (
    0.0008  # simplification for drawing, as a share of the map's extent (about 4 km for China)
)


def mainland_view(ax, projected: gpd.GeoDataFrame, margin: float = 0.02) -> bool:
    """Limit the axes to the units' polygons. For Chinese units, only to those north of 18N, so that the South
    China Sea islands (and their long links) do not shrink the map of everything else; a unit's islands there
    (Hainan's Sansha) are left out too. Returns whether polygons were left out of the view (captions say so)."""
    parts = projected.geometry.explode(index_parts=False)
    points = parts.representative_point().to_crs(crs.GEOGRAPHIC)
    south = points.y < 18.0
    hidden = bool(south.any() and (~south).any() and crs.in_china(tuple(points.total_bounds)))
    shown = parts[~south] if hidden else parts
    minx, miny, maxx, maxy = shown.total_bounds
    dx, dy = (maxx - minx) * margin, (maxy - miny) * margin
    ax.set_xlim(minx - dx, maxx + dx)
    ax.set_ylim(miny - dy, maxy + dy)
    return hidden


HIDDEN_NOTE = "; South China Sea islands not shown"
"""What a map's caption adds when :func:`mainland_view` left polygons out."""


def for_display(gdf: gpd.GeoDataFrame, projection=None) -> gpd.GeoDataFrame:
    """The polygons in the units' equal-area projection, or in ``projection`` (a study's own) when given (as
    given when already projected), simplified to what a figure can show."""
    projected = gdf.to_crs(crs.equal_area(gdf, projection)) if gdf.crs.is_geographic else gdf
    minx, miny, maxx, maxy = projected.total_bounds
    tolerance = _DISPLAY_TOLERANCE * max(maxx - minx, maxy - miny)
    return projected.set_geometry(projected.geometry.simplify(tolerance, preserve_topology=True))
