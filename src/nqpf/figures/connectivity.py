"""The connectivity map of a weights matrix: its links between unit centroids, links added for islands."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
from matplotlib.collections import LineCollection

from nqpf.figures.basemap import frame_map
from nqpf.figures.display import DisplayGeometry, draw_polygons, for_units
from nqpf.figures.style import as_labels, chinese, save, subplots, term_or, use_cjk_font
from nqpf.tables.labels import Labels
from nqpf.weights.core import SpatialWeights

_DENSE_LINKS = 20_000  # above this many links a map shows each unit's strongest links only
_STRONGEST = 3


def connectivity_map(
    units: gpd.GeoDataFrame,
    w: SpatialWeights,
    path,
    added_links: list[dict] | None = None,
    note: str = "",
    projection=None,
    titles: bool = True,
    labels: Labels | None = None,
    display: DisplayGeometry | None = None,
) -> None:
    """Polygons in grey, a line between the centroids of every pair of neighbours, links added by the island
    policy in red; for a dense W only each unit's strongest links. Drawn in the units' equal-area projection, or
    in ``projection`` (a study's own) when given; maps of China show the whole country
    (:func:`~nqpf.figures.basemap.frame_map`), with every link's ends in the view (a link to an island unit,
    Sanya to Sansha, stays whole). ``titles=False`` leaves the title out; ``labels`` (the study's tables' language and names) gives the words of
    the title, W's name among them; English by default. ``display`` is the units'
    :class:`~nqpf.figures.display.DisplayGeometry` when it is at hand (made once for a boundary set); without it,
    or when it is not that of W's units and projection, it is made here."""
    labels = as_labels(labels)
    use_cjk_font()
    display = for_units(display, units.set_index("code").loc[list(w.ids)], projection)
    projected = display.units
    xy = projected[["centroid_x", "centroid_y"]].to_numpy(dtype=float)
    unit_paths = np.empty(len(projected), dtype=object)
    unit_paths[:] = display.paths
    matrix = w.matrix.tocsr()
    shown = labels.term("all_links")
    rows, cols = matrix.nonzero()
    if matrix.nnz > _DENSE_LINKS:
        keep_rows, keep_cols = [], []
        for i in range(w.n):
            start, end = matrix.indptr[i], matrix.indptr[i + 1]
            strongest = np.argsort(-matrix.data[start:end], kind="stable")[:_STRONGEST]
            keep_rows += [i] * len(strongest)
            keep_cols += list(matrix.indices[start:end][strongest])
        rows, cols = np.array(keep_rows), np.array(keep_cols)
        shown = labels.term("strongest_links", k=_STRONGEST)
    segments = np.stack([xy[rows], xy[cols]], axis=1)
    fig, ax = subplots(figsize=(8, 7), dpi=150)
    index = {code: i for i, code in enumerate(w.ids)}
    added = [
        (index[link["code_a"]], index[link["code_b"]])
        for link in added_links or []
        if link["code_a"] in index and link["code_b"] in index
    ]
    islands = np.flatnonzero(w.cardinalities() == 0)

    def draw(target, keep):
        draw_polygons(
            target,
            unit_paths[keep(projected)],
            projected.crs,
            facecolor="#e8e8e8",
            edgecolor="white",
            linewidth=0.2,
        )
        target.add_collection(LineCollection(segments, colors="#2b6cb0", linewidths=0.4, alpha=0.6))
        target.scatter(xy[:, 0], xy[:, 1], s=2 if w.n > 500 else 6, color="#1a365d", zorder=3)
        for i, j in added:
            target.plot(
                *zip(xy[i], xy[j], strict=True), color="#c53030", linewidth=1.2, linestyle="--", zorder=4
            )
        if len(islands):
            target.scatter(
                xy[islands, 0], xy[islands, 1], s=25, facecolors="none", edgecolors="#c53030", zorder=5
            )

    if titles:
        kind = term_or(labels, f"kind_{w.kind}", str(w.kind))
        title = labels.term("w_map", name=labels.name(w.name), kind=kind, n=w.n, links=w.links, shown=shown)
        ax.set_title(title + (f"\n{note}" if note else ""), fontsize=9)
    ax.set_axis_off()
    ax.set_aspect("equal")
    ends = xy[np.unique(np.concatenate([rows, cols]))] if len(rows) else xy
    frame_map(ax, display, draw, background="#f2f2f2", points=ends, cjk=chinese(labels))
    fig.tight_layout()
    save(fig, path)
