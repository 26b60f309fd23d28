"""The summary of a weights matrix that a reviewer reads (``<w>.summary.json``).

S0, S1 and S2 are the constants of Cliff and Ord (1981, ch. 1) used by Moran's I inference and reported by
spdep's ``summary.listw``: S0 = sum_ij w_ij, S1 = 1/2 sum_ij (w_ij + w_ji)^2, S2 = sum_i (w_i. + w_.i)^2.
"""

from __future__ import annotations

import numpy as np

from nqpf.weights.core import SpatialWeights
from nqpf.weights.files import matrix_facts, stata_id_map, stata_ids
from nqpf.weights.standardise import eigen_range, parameter_bounds


def cliff_ord_constants(w: SpatialWeights) -> tuple[float, float, float]:
    m = w.matrix
    s0 = float(m.sum())
    both = m + m.T
    s1 = float(0.5 * both.multiply(both).sum())
    s2 = float(((np.asarray(m.sum(axis=1)).ravel() + np.asarray(m.sum(axis=0)).ravel()) ** 2).sum())
    return s0, s1, s2


def exports(w: SpatialWeights) -> dict:
    """What each export file of ``w`` holds (written when ``weights[].export`` asks for it): its format, its
    ids, the standardisation of its weights and whether they are row-standardised."""
    standardised = {
        "standardisation": w.standardisation,
        "row_standardised": matrix_facts(w.matrix)["row_standardised"],
    }
    numeric = stata_ids(w.ids)
    stata = f"{w.name}.stata.txt"
    return {
        "stata": {
            "file": stata,
            "format": "Stata spmatrix export text (n, then id w_i1 ... w_in per row); spmatrix import reads it",
            "ids": "the unit codes"
            if numeric
            else f"1..n in the order of the units; their codes in {stata_id_map(stata).name} (stata_id, code)",
            "id_map": None if numeric else stata_id_map(stata).name,
            **standardised,
        },
        "csv": {
            "file": f"{w.name}.matrix.csv",
            "format": "CSV matrix, header code,id_1..id_n, one row per unit",
            "ids": "the unit codes",
            **standardised,
        },
    }


def summarise(
    w: SpatialWeights, names: list[str] | None = None, extra: dict | None = None, spectrum=None
) -> dict:
    """A JSON-ready account of ``w``: size, links, neighbours, islands, components, symmetry, eigenvalues,
    parameter bounds, Cliff-Ord constants, the facts of the weights before standardisation (links, sum,
    symmetry and max |w_ij - w_ji|, already row-standardised, islands), what each export holds and every action
    taken."""
    names = names or list(w.ids)
    card = w.cardinalities()
    labels = w.components()
    sizes = np.bincount(labels)
    if spectrum is not None:
        lam_min, lam_max, method = float(spectrum.real.min()), float(spectrum.real.max()), spectrum.method
    else:
        lam_min, lam_max, method = eigen_range(w.raw, w.matrix)
    lower, upper = parameter_bounds(lam_min, lam_max)
    s0, s1, s2 = cliff_ord_constants(w)
    histogram = {int(k): int(v) for k, v in zip(*np.unique(card, return_counts=True), strict=True)}
    summary = {
        "name": w.name,
        "kind": w.kind,
        "parameters": w.parameters,
        "standardisation": w.standardisation,
        "scale": w.scale,
        "n": w.n,
        "links": w.links,
        "percent_nonzero": round(100.0 * w.links / (w.n * w.n), 4),
        "neighbours": {
            "mean": float(card.mean()),
            "min": int(card.min()),
            "max": int(card.max()),
            "histogram": histogram,
        },
        "islands": [{"code": w.ids[i], "name": names[i]} for i in np.flatnonzero(card == 0)],
        "components": {"count": int(len(sizes)), "sizes": sorted((int(s) for s in sizes), reverse=True)},
        "symmetric": w.is_symmetric(),
        "binary_before_standardisation": w.is_binary(),
        "eigenvalues": {"min": lam_min, "max": lam_max, "method": method},
        "rho_bounds": {"lower": lower, "upper": upper},
        "S0": s0,
        "S1": s1,
        "S2": s2,
        # the weights before standardisation, as a file would hold them: what a reviewer checks of a given W
        "raw_weights": matrix_facts(w.raw),
        "exports": exports(w),
        "actions": list(w.actions),
        "ids": list(w.ids),
    }
    if extra:
        summary.update(extra)
    return summary
