"""The eigenvalues of a weights matrix, computed once with W and reused by every model on it.

With the eigenvalues lambda_i of W, the quantities of spatial models are exact and cost O(n) for any rho:
    ln|I - rho W| = sum_i ln|1 - rho lambda_i|
    tr((I - rho W)^-1) = sum_i 1 / (1 - rho lambda_i),   tr(W (I - rho W)^-1) = sum_i lambda_i / (1 - rho lambda_i)
The average total effect needs l'(I - rho W)^-1 (b I + t W) l / n. When every row of W sums to the same c (row
standardisation) it is (b + t c) / (1 - rho c); otherwise W = V diag(lambda) V^-1 gives it as
sum_i a_i (b + t lambda_i) / (1 - rho lambda_i) with a_i = (l'V)_i (V^-1 l)_i / n, stored with the eigenvalues.

When W is similar to a symmetric matrix through a diagonal scaling (symmetric weights, row-standardised or scaled;
the product form of nested weights), the eigenvalues are real and come from a dense symmetric solver, and the
total weights from its eigenvectors; otherwise from a general one (complex pairs kept). Beyond ``LIMIT`` units
no spectrum is computed and models fall back to sparse LU log-determinants.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from nqpf.weights.standardise import similar_symmetric

LIMIT = 8000


@dataclass(frozen=True)
class Spectrum:
    values: np.ndarray  # real or complex eigenvalues
    total_weights: np.ndarray | None  # a_i; None when the rows of W share one sum
    row_sum: float | None  # that common row sum, when there is one
    method: str

    @property
    def real(self) -> np.ndarray:
        return np.real(self.values)

    def logdet(self, rho: float) -> float:
        return float(np.log(np.abs(1.0 - rho * self.values)).sum())


def compute(raw: sp.csr_matrix, matrix: sp.csr_matrix) -> Spectrum | None:
    """The spectrum of ``matrix`` (the standardised W; ``raw`` the weights before standardisation)."""
    n = matrix.shape[0]
    if n > LIMIT:
        return None
    sums = np.asarray(matrix.sum(axis=1)).ravel()
    constant = bool(np.allclose(sums, sums[0], rtol=1e-12, atol=1e-14))
    similar = similar_symmetric(raw, matrix)
    if similar is not None:
        symmetric, t = similar
        if constant:
            values = np.linalg.eigvalsh(symmetric.toarray())
            return Spectrum(values, None, float(sums[0]), "dense symmetric eigenvalues")
        values, vectors = np.linalg.eigh(symmetric.toarray())
        # W = T^-1 S T: its eigenvectors V = T^-1 Q and V^-1 = Q'T, so l'V = (Q' t^-1)' and V^-1 l = Q't
        return Spectrum(
            values, (vectors.T @ (1.0 / t)) * (vectors.T @ t) / n, None, "dense symmetric eigen decomposition"
        )
    if constant:
        values = np.linalg.eigvals(matrix.toarray())
        return Spectrum(values, None, float(sums[0]), "dense eigenvalues")
    values, vectors = np.linalg.eig(matrix.toarray())
    ones = np.ones(n)
    weights = (ones @ vectors) * np.linalg.solve(vectors, ones) / n
    return Spectrum(values, weights, None, "dense eigen decomposition")


def write(spectrum: Spectrum | None, path) -> None:
    """``<w>.eigen.csv``: real and imaginary parts, the total-effect weights, the common row sum (first row)."""
    if spectrum is None:
        pd.DataFrame(columns=["real", "imag", "total_weight_real", "total_weight_imag", "row_sum"]).to_csv(
            path, index=False, lineterminator="\n"
        )
        return
    weights = spectrum.total_weights
    frame = pd.DataFrame(
        {
            "real": np.real(spectrum.values),
            "imag": np.imag(spectrum.values),
            "total_weight_real": np.real(weights) if weights is not None else np.nan,
            "total_weight_imag": np.imag(weights) if weights is not None else np.nan,
            "row_sum": np.nan,
        }
    )
    frame.loc[0, "row_sum"] = spectrum.row_sum if spectrum.row_sum is not None else np.nan
    frame.to_csv(path, index=False, lineterminator="\n")


def read(path) -> Spectrum | None:
    frame = pd.read_csv(path)
    if frame.empty:
        return None
    imag = frame["imag"].to_numpy()
    values = frame["real"].to_numpy() + (1j * imag if np.any(imag != 0) else 0.0)
    weights = None
    if frame["total_weight_real"].notna().all():
        weights = frame["total_weight_real"].to_numpy() + 1j * frame["total_weight_imag"].to_numpy()
        weights = np.real(weights) if np.all(frame["total_weight_imag"] == 0) else weights
    row_sum = frame.loc[0, "row_sum"]
    return Spectrum(values, weights, None if pd.isna(row_sum) else float(row_sum), "read from file")
