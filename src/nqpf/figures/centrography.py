"""The map of a variable's gravity centre track and standard deviational ellipses (重心迁移与标准差椭圆), as papers
draw ArcGIS's Mean Center and Directional Distribution over the study area."""

from __future__ import annotations

import numpy as np
from matplotlib.lines import Line2D

from nqpf.figures.basemap import frame_map
from nqpf.figures.display import DisplayGeometry, draw_polygons, for_units
from nqpf.figures.style import as_labels, chinese, in_parentheses, save, subplots, use_cjk_font
from nqpf.tables.labels import Labels

_COLOURS = ("#2b6cb0", "#dd6b20", "#2f855a", "#9b2c2c", "#6b46c1", "#b7791f")


def ellipse_ring(row, count: int = 180) -> np.ndarray:
    """The (count + 1) x 2 ring of the ellipse of one row of a centre track (:func:`nqpf.esda.centre_track`):
    centre_x, centre_y (metres), major_km and minor_km (semi-axes) and rotation_deg (the major axis clockwise from
    north)."""
    t = np.linspace(0.0, 2.0 * np.pi, count + 1)
    turn = np.radians(float(row["rotation_deg"]))
    major = np.array([np.sin(turn), np.cos(turn)])  # clockwise from north: east component, north component
    minor = np.array([np.cos(turn), -np.sin(turn)])
    centre = np.array([float(row["centre_x"]), float(row["centre_y"])])
    return (
        centre
        + np.outer(1000.0 * float(row["major_km"]) * np.cos(t), major)
        + np.outer(1000.0 * float(row["minor_km"]) * np.sin(t), minor)
    )


def ellipse_map(
    units,
    track,
    variable: str,
    years,
    path,
    note: str = "",
    projection=None,
    crs=None,
    titles: bool = True,
    labels: Labels | None = None,
    display: DisplayGeometry | None = None,
) -> None:
    """The units in grey, the standard deviational ellipse of ``variable`` in each of ``years`` and the track of
    its gravity centre through every year of ``track`` (the rows of :func:`nqpf.esda.centre_track` for the
    variable, coordinates in ``crs``), and beside the map the track enlarged in km from the first year's centre. Drawn in the projection of the units'
    ``display`` geometry (made here from ``units`` and ``projection`` when not given); when that is not ``crs``
    the ellipses and centres are carried over point by point. Maps of China show the whole country
    (:func:`~nqpf.figures.basemap.frame_map`). ``labels`` gives the words; English by default."""
    labels = as_labels(labels)
    use_cjk_font()
    display = for_units(display, units.set_index("code"), projection)
    shapes = display.units
    track = track.sort_values("year")
    move = _mover(crs, shapes.crs)
    centres = move(track[["centre_x", "centre_y"]].to_numpy(dtype=float))
    shown = [year for year in years if year in set(track["year"])]
    rings = [move(ellipse_ring(track[track["year"] == year].iloc[0])) for year in shown]
    fig, (ax, side) = subplots(1, 2, figsize=(10.5, 6.5), dpi=150, gridspec_kw={"width_ratios": [3.0, 1.25]})
    colours = [_COLOURS[k % len(_COLOURS)] for k in range(len(shown))]

    def draw(target, keep):
        draw_polygons(
            target,
            np.asarray(display.paths, dtype=object)[keep(shapes)],
            shapes.crs,
            facecolor="#edf2f7",
            edgecolor="white",
            linewidth=0.3,
        )
        if target is not ax:
            return  # the inset of the South China Sea islands shows the territory only
        for colour, ring in zip(colours, rings, strict=True):
            target.plot(ring[:, 0], ring[:, 1], color=colour, linewidth=1.3, zorder=4)
        target.plot(centres[:, 0], centres[:, 1], color="#1a202c", linewidth=0.9, zorder=5)
        target.scatter(centres[:, 0], centres[:, 1], s=6, color="#1a202c", zorder=6)

    ax.set_axis_off()
    ax.set_aspect("equal")
    points = np.vstack([centres, *rings]) if rings else centres
    frame_map(ax, display, draw, background="#f7fafc", points=points, cjk=chinese(labels))
    _track_panel(side, centres, track["year"].to_numpy(), shown, colours, labels)
    if titles:
        fig.suptitle(
            labels.term("ellipse_title", variable=labels.name(variable)) + in_parentheses(note, labels),
            fontsize=10,
        )
    fig.tight_layout()
    save(fig, path)


def _track_panel(ax, centres: np.ndarray, years: np.ndarray, shown, colours, labels: Labels) -> None:
    """The centre's track enlarged beside the map (its moves are tens of kilometres on a map of thousands), in
    km east and north of the first year's centre, the first, last and mapped years named; the legend of the
    ellipses under it."""
    km = (centres - centres[0]) / 1000.0
    ax.plot(km[:, 0], km[:, 1], color="#1a202c", linewidth=0.9, zorder=2)
    ax.scatter(km[:, 0], km[:, 1], s=12, c=np.arange(len(km)), cmap="viridis", zorder=3)
    named = {0, len(km) - 1} | {int(np.flatnonzero(years == year)[0]) for year in shown}
    for k in sorted(named):
        ax.annotate(str(int(years[k])), km[k], fontsize=6, xytext=(3, 3), textcoords="offset points")
    span = max(np.ptp(km[:, 0]), np.ptp(km[:, 1]), 1.0)
    middle = km.min(axis=0) + np.ptp(km, axis=0) / 2
    ax.set_xlim(middle[0] - 0.65 * span, middle[0] + 0.65 * span)
    ax.set_ylim(middle[1] - 0.65 * span, middle[1] + 0.65 * span)
    ax.set_aspect("equal")
    ax.set_xlabel(labels.term("km_east"), fontsize=7)
    ax.set_ylabel(labels.term("km_north"), fontsize=7)
    ax.tick_params(labelsize=6)
    ax.grid(alpha=0.3)
    ax.set_title(labels.term("centre_track"), fontsize=8)
    handles = [
        Line2D([], [], color=colour, linewidth=1.3, label=labels.term("ellipse_year", year=year))
        for colour, year in zip(colours, shown, strict=True)
    ]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.18), fontsize=7, frameon=False)


def _mover(source, target):
    """A function carrying n x 2 coordinates from CRS ``source`` to ``target`` (the identity when they agree or
    either is unknown)."""
    if source is None or target is None:
        return lambda xy: np.asarray(xy, dtype=float)
    from pyproj import CRS, Transformer

    if CRS.from_user_input(source) == CRS.from_user_input(target):
        return lambda xy: np.asarray(xy, dtype=float)
    transformer = Transformer.from_crs(source, target, always_xy=True)

    def move(xy):
        xy = np.asarray(xy, dtype=float)
        x, y = transformer.transform(xy[:, 0], xy[:, 1])
        return np.column_stack([x, y])

    return move
