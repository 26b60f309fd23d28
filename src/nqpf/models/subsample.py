"""The weights of a subsample (regional heterogeneity, or the units left when ``models.balance: drop_units`` drops
those with gaps): W restricted to the subsample's units and standardised again by the rule of the full matrix, so
that a unit's neighbours are the ones inside its region (or among the units kept).

A unit whose neighbours all lie outside the subsample would get an empty row. It is linked to the subsample's
units nearest to it in the full W's graph (fewest steps, all ties), with weight 1, and the link is reported:
no coordinates are needed and the link follows the structure the full W gave. This needs binary weights
(contiguity, k nearest, distance band); for valued weights an empty row stops with the units listed.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import shortest_path

from nqpf.errors import InputError, listed
from nqpf.weights import spectrum as spectra
from nqpf.weights.core import SpatialWeights
from nqpf.weights.standardise import eigen_range, parameter_bounds, standardise

HETEROGENEITY_FIXES = (
    "use weights with a neighbour for every unit inside each group (inverse distance, economic) or merge small "
    "groups",
    "merge the group with a neighbouring one or leave it out",
)


def restrict(
    w: SpatialWeights,
    keep: np.ndarray,
    label: str,
    *,
    where: str | None = None,
    key: str = "models.heterogeneity",
    fixes: tuple[str, str] = HETEROGENEITY_FIXES,
):
    """(standardised matrix, spectrum, bounds, notes) of W on the units ``keep`` (indices into ``w.ids``).

    ``where`` opens every note and message (``heterogeneity <label>`` by default), ``key`` is the configuration
    key an error names, and ``fixes`` the fixes of its two errors: valued weights that leave a unit without a
    neighbour, and a unit without a path to another unit of the subsample."""
    where = where if where is not None else f"heterogeneity {label}"
    raw = w.raw[keep][:, keep].tolil()
    notes = []
    empty = np.flatnonzero(np.asarray(raw.sum(axis=1)).ravel() == 0)
    if len(empty):
        binary = np.all(w.raw.data == 1.0)
        if not binary:
            raise InputError(
                f"{where}: {len(empty)} units have no neighbour inside the subsample under weights {w.name!r}",
                unit=listed(w.ids[keep[i]] for i in empty),
                column=key,
                fix=fixes[0],
            )
        steps = shortest_path(w.raw, unweighted=True, indices=keep[empty])[:, keep]
        for row, i in enumerate(empty):
            reach = steps[row].copy()
            reach[i] = np.inf
            if not np.isfinite(reach).any():
                raise InputError(
                    f"{where}: unit {w.ids[keep[i]]} has no path to another unit of the subsample",
                    unit=w.ids[keep[i]],
                    column=key,
                    fix=fixes[1],
                )
            nearest = np.flatnonzero(reach == reach.min())
            for j in nearest:
                raw[i, j] = raw[j, i] = 1.0
            notes.append(
                f"{where}: {w.ids[keep[i]]} has no neighbour in the subsample; linked to "
                + ", ".join(w.ids[keep[j]] for j in nearest)
                + f" ({int(reach.min())} steps away in {w.name})"
            )
    raw = sp.csr_matrix(raw)
    matrix, _ = standardise(raw, w.standardisation)
    spectrum = spectra.compute(raw, matrix)
    if spectrum is not None:
        bounds = parameter_bounds(float(spectrum.real.min()), float(spectrum.real.max()))
    else:
        lam_min, lam_max, _ = eigen_range(raw, matrix)
        bounds = parameter_bounds(lam_min, lam_max)
    return sp.csr_matrix(matrix), spectrum, bounds, notes
