"""The eigenvalues of a weights matrix, computed once with W and reused by every model on it.

With the eigenvalues lambda_i of W, the quantities of spatial models are exact and cost O(n) for any rho:
    ln|I - rho W| = sum_i ln|1 - rho lambda_i|
    tr((I - rho W)^-1) = sum_i 1 / (1 - rho lambda_i),   tr(W (I - rho W)^-1) = sum_i lambda_i / (1 - rho lambda_i)
The average total effect needs l'(I - rho W)^-1 (b I + t W) l / n. When every row of W sums to the same c (row
standardisation) it is (b + t c) / (1 - rho c); otherwise W = V diag(lambda) V^-1 gives it as
sum_i a_i (b + t lambda_i) / (1 - rho lambda_i) with a_i = (l'V)_i (V^-1 l)_i / n, stored with the eigenvalues.

When W is similar to a symmetric matrix (symmetric weights, row-standardised or scaled), the eigenvalues are real
and come from a dense symmetric solver; otherwise from a general one (complex pairs kept). Beyond ``LIMIT`` units
no spectrum is computed and models fall back to sparse LU log-determinants.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.csgraph import breadth_first_order

from nqpf.weights.standardise import _symmetric_form

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
    symmetric = _symmetric_form(raw, matrix)
    if symmetric is not None:
        if constant:
            values = np.linalg.eigvalsh(symmetric.toarray())
            return Spectrum(values, None, float(sums[0]), "dense symmetric eigenvalues")
        values, vectors = np.linalg.eigh(symmetric.toarray())
        # W = R^1/2 S R^-1/2 with R the diagonal scaling of the rows: l'V and V^-1 l from S's eigenvectors
        raw_sums = np.asarray(raw.sum(axis=1)).ravel()
        scale = np.divide(sums, raw_sums, out=np.zeros_like(sums), where=raw_sums != 0)
        left = vectors.T @ np.sqrt(scale)
        right = vectors.T @ np.divide(1.0, np.sqrt(scale), out=np.zeros_like(scale), where=scale > 0)
        return Spectrum(values, left * right / n, None, "dense symmetric eigen decomposition")
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


def symmetrising_scale(matrix: sp.csr_matrix, rtol: float = 1e-12) -> np.ndarray | None:
    """Positive t with T W T^-1 symmetric (T = diag(t)), when there is one; else None.

    t_i w_ij / t_j = t_j w_ji / t_i means t_i^2 / t_j^2 = w_ji / w_ij on every link, so such t exists exactly when
    W's links are mutual and positive and these ratios multiply to 1 around every cycle (Kolmogorov's criterion of
    reversibility): W = D1 C D2 with C symmetric and D1, D2 positive diagonal (symmetric weights row-standardised,
    or with their columns scaled, as the product form of economic-geographic nested weights). t is built along a
    spanning forest of the links and then checked on every link, to ``rtol`` of the largest weight."""
    w = sp.csr_matrix(matrix, dtype=float)
    w.eliminate_zeros()
    if w.nnz and w.data.min() <= 0:
        return None
    pattern = w.copy()
    pattern.data[:] = 1.0
    if (pattern != pattern.T).nnz:  # a link without its mirror
        return None
    n = w.shape[0]
    log_t = np.full(n, np.nan)
    for root in range(n):
        if not np.isnan(log_t[root]):
            continue
        order, parent = breadth_first_order(w, root, directed=False, return_predecessors=True)
        log_t[root] = 0.0
        child = order[1:]
        if not child.size:  # a unit without links
            continue
        up = parent[child]
        # t_c^2 / t_p^2 = w_pc / w_cp, from the parent (before its children in breadth-first order)
        step = 0.5 * (np.log(np.asarray(w[up, child]).ravel()) - np.log(np.asarray(w[child, up]).ravel()))
        for c, p, s in zip(child, up, step, strict=True):
            log_t[c] = log_t[p] + s
    t = np.exp(log_t - log_t.mean())
    if not np.all(np.isfinite(t)) or t.min() <= 0:
        return None
    scaled = sp.csr_matrix(sp.diags(t) @ w @ sp.diags(1.0 / t))
    gap = scaled - scaled.T
    if gap.nnz and np.abs(gap.data).max() > rtol * np.abs(scaled.data).max():
        return None
    return t
