"""Weights as the weights stage stored them (GWT and summary), for the later stages. Light on imports: the
models and ESDA jobs read W without the geometry stack."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from nqpf.weights import files, spectrum
from nqpf.weights.core import SpatialWeights, clean
from nqpf.weights.standardise import standardise


def load(gwt_path, summary_path, eigen_path=None) -> SpatialWeights:
    """The weights a later stage uses: the GWT weights, standardised as the summary says, ids in its order, with
    the eigenvalues the weights stage stored (``<w>.eigen.csv``) when ``eigen_path`` is given."""
    summary = json.loads(Path(summary_path).read_text(encoding="utf-8"))
    ids = summary["ids"]
    file_ids, matrix = files.read(gwt_path, "gwt")
    # Put the file's rows and columns in the summary's unit order (units without links are absent from a GWT).
    position = {unit: i for i, unit in enumerate(ids)}
    to_summary = np.array([position[unit] for unit in file_ids])
    coo = matrix.tocoo()
    raw = clean(
        sp.csr_matrix((coo.data, (to_summary[coo.row], to_summary[coo.col])), shape=(len(ids), len(ids)))
    )
    how = summary["standardisation"]
    if how in ("spectral", "minmax"):
        matrix = raw / summary["scale"]
    else:
        matrix, _ = standardise(raw, how)
    return SpatialWeights(
        ids=tuple(ids),
        matrix=sp.csr_matrix(matrix),
        raw=raw,
        name=summary["name"],
        kind=summary["kind"],
        standardisation=how,
        scale=summary["scale"],
        actions=tuple(summary["actions"]),
        parameters=summary["parameters"],
        eigen=spectrum.read(eigen_path) if eigen_path is not None else None,
    )
