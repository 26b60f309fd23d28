"""Standardisation of a weights matrix and the interval of the spatial parameter it admits.

- ``row``: each row divided by its sum (rows of islands stay zero);
- ``none``: the weights as built;
- ``spectral``: W divided by its largest absolute eigenvalue, the spectral radius (Kelejian and Prucha 2010,
  J. Econometrics 157: 53-67);
- ``minmax``: W divided by min(largest row sum, largest column sum) (Kelejian and Prucha 2010; Elhorst 2014,
  Spatial Econometrics, section 2.4), which keeps a symmetric W symmetric.

The spatial parameter rho of a SAR or SDM model must lie in (1 / lambda_min, 1 / lambda_max) for I - rho W to be
invertible over the whole interval containing 0, lambda_min and lambda_max being the smallest and largest
(real parts of the) eigenvalues of W, as in spatialreg. When W is symmetric before standardisation, or another
diagonal scaling makes it symmetric (the product form of nested weights), W is similar to a symmetric matrix and
its eigenvalues are real: they are computed exactly (dense, n <= 1,500) or by Lanczos iteration (sparse, larger
n). Otherwise the extreme real parts come from the dense eigenvalues or from Arnoldi iteration.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import breadth_first_order
from scipy.sparse.linalg import eigs, eigsh

DENSE_LIMIT = 1500
STANDARDISATIONS = ("row", "none", "spectral", "minmax")


def _row_sums(matrix: sp.csr_matrix) -> np.ndarray:
    return np.asarray(matrix.sum(axis=1)).ravel()


def standardise(raw: sp.csr_matrix, how: str) -> tuple[sp.csr_matrix, float]:
    """The standardised matrix and the scalar it was divided by (1 for row and none), its links in the order of
    ``raw``'s (a product with a diagonal matrix would reorder them, and with them the order of every later sum)."""
    if how == "row":
        raw = sp.csr_matrix(raw)
        sums = _row_sums(raw)
        scale = np.divide(1.0, sums, out=np.zeros_like(sums), where=sums != 0)
        matrix = raw.astype(float, copy=True)
        matrix.data *= np.repeat(scale, np.diff(raw.indptr))
        return matrix, 1.0
    if how == "none":
        return raw.copy(), 1.0
    if how == "spectral":
        radius = spectral_radius(raw)
        return raw / radius, float(radius)
    if how == "minmax":
        divisor = min(_row_sums(raw).max(), np.asarray(raw.sum(axis=0)).ravel().max())
        return raw / divisor, float(divisor)
    raise ValueError(f"unknown standardisation {how!r}; use one of {', '.join(STANDARDISATIONS)}")


def _symmetric_form(raw: sp.csr_matrix, matrix: sp.csr_matrix) -> sp.csr_matrix | None:
    """A symmetric matrix with the eigenvalues of ``matrix``, when ``raw`` is symmetric; else None.

    Every standardisation is W = D raw with D diagonal and positive (row: the inverse row sums; the others: a
    scalar), so W is similar to D^1/2 raw D^1/2.
    """
    difference = raw - raw.T
    if difference.nnz and np.abs(difference.data).max() > 1e-12 * max(np.abs(raw.data).max(), 1.0):
        return None
    raw_sums, sums = _row_sums(raw), _row_sums(matrix)
    d = np.divide(sums, raw_sums, out=np.zeros_like(sums), where=raw_sums != 0)
    root = sp.diags(np.sqrt(d))
    return sp.csr_matrix(root @ raw @ root)


def similar_symmetric(raw: sp.csr_matrix, matrix: sp.csr_matrix) -> tuple[sp.csr_matrix, np.ndarray] | None:
    """A symmetric S and positive t with ``matrix`` = T^-1 S T (T = diag(t)), when there are; else None.

    Symmetric ``raw`` weights, however standardised (W = D raw): S = D^1/2 raw D^1/2, t = D^-1/2 (1 for a unit
    without links, whose row and column are empty). Other weights that some diagonal scaling makes symmetric
    (the product form of nested weights): :func:`symmetrising_scale`."""
    symmetric = _symmetric_form(raw, matrix)
    if symmetric is not None:
        raw_sums, sums = _row_sums(raw), _row_sums(matrix)
        d = np.divide(sums, raw_sums, out=np.zeros_like(sums), where=raw_sums != 0)
        return symmetric, np.divide(1.0, np.sqrt(d), out=np.ones_like(d), where=d > 0)
    t = symmetrising_scale(matrix)
    if t is None:
        return None
    scaled = sp.csr_matrix(sp.diags(t) @ matrix @ sp.diags(1.0 / t))
    return sp.csr_matrix((scaled + scaled.T) * 0.5), t


def eigen_range(raw: sp.csr_matrix, matrix: sp.csr_matrix) -> tuple[float, float, str]:
    """Smallest and largest (real parts of the) eigenvalues of ``matrix``, and how they were computed."""
    n = matrix.shape[0]
    similar = similar_symmetric(raw, matrix)
    if similar is not None:
        symmetric = similar[0]
        if n <= DENSE_LIMIT:
            values = np.linalg.eigvalsh(symmetric.toarray())
            return float(values[0]), float(values[-1]), "dense symmetric eigenvalues"
        low = eigsh(symmetric, k=1, which="SA", return_eigenvectors=False, tol=1e-10)[0]
        high = eigsh(symmetric, k=1, which="LA", return_eigenvectors=False, tol=1e-10)[0]
        return float(low), float(high), "Lanczos (scipy eigsh) on the symmetric form"
    if n <= DENSE_LIMIT:
        values = np.linalg.eigvals(matrix.toarray()).real
        return float(values.min()), float(values.max()), "dense eigenvalues (real parts)"
    low = eigs(matrix, k=1, which="SR", return_eigenvectors=False, tol=1e-10)[0].real
    high = eigs(matrix, k=1, which="LR", return_eigenvectors=False, tol=1e-10)[0].real
    return float(low), float(high), "Arnoldi (scipy eigs), real parts"


def spectral_radius(raw: sp.csr_matrix) -> float:
    n = raw.shape[0]
    if n <= DENSE_LIMIT:
        return float(np.abs(np.linalg.eigvals(raw.toarray())).max())
    return float(np.abs(eigs(raw, k=1, which="LM", return_eigenvectors=False, tol=1e-10)[0]))


def parameter_bounds(lambda_min: float, lambda_max: float) -> tuple[float, float]:
    """(1 / lambda_min, 1 / lambda_max): the interval of rho around 0 where I - rho W stays invertible."""
    lower = 1.0 / lambda_min if lambda_min < 0 else -np.inf
    upper = 1.0 / lambda_max if lambda_max > 0 else np.inf
    return float(lower), float(upper)


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
