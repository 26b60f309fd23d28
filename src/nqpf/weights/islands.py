"""The policy for islands (units without neighbours) and disconnected components of a weights matrix.

- ``nearest`` (k): link every unit of a component other than the largest to its k nearest units outside the
  component (for a component of several units, the k closest pairs across its edge), in both directions, and
  repeat until one component remains. Nearness is the distance between the polygons in the units' projection
  (China's Albers for Chinese units, or a study's own), so Hainan joins the mainland units across the Qiongzhou
  Strait; units without polygons use centroid distances.
- ``drop``: keep the largest component only; the dropped units are listed.
- ``keep``: leave them as they are (reported): block weights are disconnected by design, and an island's row
  of zeros gives it a spatial lag of zero.
- ``error``: stop, listing the islands and components.
Every link added and every unit dropped is recorded as an action of the weights.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
import shapely
from scipy.sparse import csgraph

from nqpf.errors import InputError, listed

_CANDIDATES = 12  # outside units, by centroid distance, whose polygon distance is measured


@dataclass
class PolicyResult:
    matrix: sp.csr_matrix
    ids: list[str]
    kept: list[int]  # indices of the kept units in the input order
    actions: list[str] = field(default_factory=list)
    added: list[dict] = field(default_factory=list)  # links added: code_a, code_b, distance_km


def components(matrix: sp.csr_matrix) -> tuple[int, np.ndarray]:
    return csgraph.connected_components(matrix, directed=True, connection="weak")


def _main_component(labels: np.ndarray) -> int:
    sizes = np.bincount(labels)
    return int(np.flatnonzero(sizes == sizes.max())[0])


def describe(matrix: sp.csr_matrix, ids, names) -> list[str]:
    """Islands and the members of every component but the largest, for messages."""
    count, labels = components(matrix)
    if count == 1:
        return []
    main = _main_component(labels)
    lines = []
    for label in range(count):
        if label == main:
            continue
        members = np.flatnonzero(labels == label)
        kind = "island" if len(members) == 1 else f"component of {len(members)} units"
        lines.append(f"{kind}: " + listed(f"{ids[i]} {names[i]}" for i in members))
    return lines


def apply_policy(
    matrix: sp.csr_matrix,
    ids: list[str],
    names: list[str],
    policy: str,
    k: int,
    centroid_km: np.ndarray,
    polygons: np.ndarray | None,
    weight_of: Callable[[int, int], float],
    name: str,
) -> PolicyResult:
    """Apply the policy: the matrix, the ids and indices kept, the actions taken and the links added."""
    count, labels = components(matrix)
    if count == 1:
        return PolicyResult(matrix, ids, list(range(len(ids))))
    if policy == "error":
        outside = np.flatnonzero(labels != _main_component(labels))
        raise InputError(
            f"weights {name!r} has {count} disconnected parts (islands or components) and its island policy is "
            "error",
            unit=listed(f"{ids[i]} {names[i]}" for i in outside),
            key=f"weights[{name}].islands",
            details=describe(matrix, ids, names),
            fix=f"set islands: {{policy: nearest, k: 2}} for weights {name!r} to link them to their nearest "
            "units, islands: {policy: drop} to leave them out, or islands: {policy: keep} to keep them without "
            "neighbours",
        )
    if policy == "keep":
        return PolicyResult(
            matrix,
            ids,
            list(range(len(ids))),
            [f"kept {count} disconnected parts as they are (islands: keep)"],
        )
    if policy == "drop":
        keep = np.flatnonzero(labels == _main_component(labels))
        dropped = [f"{ids[i]} {names[i]}" for i in range(len(ids)) if labels[i] != _main_component(labels)]
        action = f"dropped {len(dropped)} units outside the largest component (islands: drop): " + ", ".join(
            dropped
        )
        kept = matrix[keep][:, keep].tocsr()
        return PolicyResult(kept, [ids[i] for i in keep], keep.tolist(), [action])
    if policy != "nearest":
        raise InputError(
            f"unknown island policy {policy!r}",
            column=f"weights.{name}.islands",
            fix="nearest, drop or error",
        )
    if centroid_km is None:
        raise InputError(
            f"weights {name!r} has {count} disconnected parts (islands or components), and its island policy "
            "nearest needs the units' locations, which they do not have",
            unit=listed(f"{ids[i]} {names[i]}" for i in np.flatnonzero(labels != _main_component(labels))),
            key=f"weights[{name}].islands",
            details=describe(matrix, ids, names),
            fix=f"set islands: {{policy: keep}} for weights {name!r} to keep them without neighbours, {{policy: "
            "drop}} to leave them out, or give the units' locations (units.table.lon_field and lat_field)",
        )
    return _link_nearest(matrix, ids, names, k, centroid_km, polygons, weight_of, name)


def _link_nearest(matrix, ids, names, k, centroid_km, polygons, weight_of, name):
    lil = matrix.tolil()
    actions, added = [], []
    while True:
        count, labels = components(lil.tocsr())
        if count == 1:
            break
        main = _main_component(labels)
        # the smallest component (then the lowest index) first, so the order of linking is reproducible
        order = sorted(
            (label for label in range(count) if label != main),
            key=lambda c: (np.sum(labels == c), np.flatnonzero(labels == c)[0]),
        )
        label = order[0]
        members = np.flatnonzero(labels == label)
        outside = np.flatnonzero(labels != label)
        pairs = []
        for i in members:
            gaps = np.hypot(*(centroid_km[outside] - centroid_km[i]).T)
            nearest = outside[np.argsort(gaps, kind="stable")[:_CANDIDATES]]
            if polygons is not None:
                distance = shapely.distance(polygons[i], polygons[nearest]) / 1000.0
            else:
                distance = np.hypot(*(centroid_km[nearest] - centroid_km[i]).T)
            pairs += [(float(dist), int(i), int(j)) for dist, j in zip(distance, nearest, strict=True)]
        pairs.sort(key=lambda p: (round(p[0], 6), ids[p[1]], ids[p[2]]))
        chosen = pairs[:k]
        for dist, i, j in chosen:
            forth, back = weight_of(i, j), weight_of(j, i)
            if not (np.isfinite(forth) and np.isfinite(back) and forth > 0 and back > 0):
                # a link of weight 0 (a negative exponential with a tiny decay, say) would join nothing
                raise InputError(
                    f"the island policy links {ids[i]} {names[i]} to {ids[j]} {names[j]} ({dist:.1f} km), but this W "
                    f"gives that link the weight {forth:.3g}, so the unit stays without neighbours",
                    unit=f"{ids[i]} {names[i]}",
                    key=f"weights[{name}].islands",
                    fix="choose parameters under which units this far apart weigh more than 0 (a larger decay_km or "
                    "cutoff_km), or islands: {policy: keep} or {policy: drop}",
                )
            lil[i, j] = forth
            lil[j, i] = back
            added.append({"code_a": ids[i], "code_b": ids[j], "distance_km": round(dist, 3)})
        what = "island" if len(members) == 1 else f"component of {len(members)} units"
        links = "; ".join(
            f"{ids[i]} {names[i]} - {ids[j]} {names[j]} ({dist:.1f} km)" for dist, i, j in chosen
        )
        actions.append(
            f"linked {what} {ids[members[0]]} {names[members[0]]} to its {len(chosen)} nearest units outside "
            f"(islands: nearest, k={k}): {links}"
        )
    return PolicyResult(lil.tocsr(), ids, list(range(len(ids))), actions, added)
