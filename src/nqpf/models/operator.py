"""What spatial models need from W at a value of the spatial parameter rho, A = I - rho W, G = W A^-1:
the log-determinant ln|A|, the traces of A^-1, G, G G and G'G, and solves with A.

With the spectrum of W (stored by the weights stage, :mod:`nqpf.weights.spectrum`) the log-determinant and the
traces tr(A^-1) = sum 1/(1 - rho l), tr(G) = sum l/(1 - rho l), tr(GG) = sum (l/(1 - rho l))^2 are exact sums
over the eigenvalues l. tr(G'G) = ||G||_F^2 is exact too: from the dense inverse for small n; for larger W similar
to a symmetric matrix through a diagonal scaling (symmetric weights row-standardised, nested weights of the product
form) whose sparse LU factors fill up (distance W) or which are dense, from one symmetric eigen decomposition made
once per W and process, after which every rho costs O(n^2); else from one sparse LU factorisation of A and solves
for blocks of unit vectors. Without a spectrum (very large n) the
log-determinant comes from the sparse LU factorisation of A (Pace and Barry 1997), never from a grid.
A dense W (inverse distance, economic: every unit linked to every other) is factorised by LAPACK as a dense
matrix: SuperLU on 2,848 counties' 8.1 million links takes half a minute per factorisation and its solves a
second each, LAPACK a fraction of both.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict

import numpy as np
import scipy.linalg as la
import scipy.sparse as sp
from scipy.sparse.linalg import splu, spsolve_triangular

from nqpf.weights.core import mostly_dense, product_operand
from nqpf.weights.spectrum import Spectrum
from nqpf.weights.standardise import similar_symmetric

_DENSE = 1500
_BLOCK = 128  # unit vectors solved at once: small blocks stay in cache (measured on 2,848 counties)
_EIGEN = 4000  # largest W whose tr(G'G) may come from its eigenvectors (about five n x n arrays at once)
_LIGHT_FILL = 0.04  # LU factors this sparse (share of n^2) keep tr(G'G) on the LU route (_factors_are_light)
_KEPT = 2  # eigen decompositions kept per process (one per W; 65 MB each for 2,848 counties)
_decompositions: OrderedDict = OrderedDict()
_VALUES_KEPT = 256  # tr(G'G) of the LU route remembered per process, by W and rho
_factored_values: OrderedDict = OrderedDict()


class SpatialOperator:
    def __init__(self, matrix: sp.csr_matrix, spectrum: Spectrum | None):
        self.w = sp.csr_matrix(matrix)
        self.n = self.w.shape[0]
        self.spectrum = spectrum
        sums = np.asarray(self.w.sum(axis=1)).ravel()
        self.row_sum = float(sums[0]) if np.allclose(sums, sums[0], rtol=1e-10, atol=1e-12) else None
        self._lu_rho = None
        self._lu = None
        self.dense = mostly_dense(self.w)
        self._symmetric = None  # SymmetricTraces of W, False where W has none; made on first use
        self._key = None  # _identity(W), made on first use
        self._product = None

    @property
    def product(self):
        """W as the left factor of products with the data (the lags of every period): a dense array when W is
        dense and beyond the dense limit (:func:`nqpf.weights.core.product_operand`: 8.1 million links of 2,848
        counties by the 90 columns of 15 years x 6 regressors take 0.05 s against 0.6 s), else W itself (for fewer
        units the CSR product takes milliseconds)."""
        if self._product is None:
            self._product = product_operand(self.w) if self.n > _DENSE else self.w
        return self._product

    @property
    def row_normalised(self) -> bool:
        return self.row_sum is not None and abs(self.row_sum - 1.0) < 1e-10

    def _factor(self, rho: float):
        if self._lu_rho != rho:
            if self.dense:
                self._lu = la.lu_factor(np.eye(self.n) - rho * self.w.toarray(), check_finite=False)
            else:
                self._lu = splu(sp.csc_matrix(sp.eye(self.n) - rho * self.w), permc_spec="MMD_ATA")
            self._lu_rho = rho
        return self._lu

    def logdet(self, rho: float) -> float:
        if self.spectrum is not None:
            return self.spectrum.logdet(rho)
        lu = self._factor(rho)
        if self.dense:
            return float(np.log(np.abs(np.diagonal(lu[0]))).sum())
        return float(np.log(np.abs(lu.L.diagonal())).sum() + np.log(np.abs(lu.U.diagonal())).sum())

    def solve(self, rho: float, b: np.ndarray) -> np.ndarray:
        if self.dense:
            return la.lu_solve(self._factor(rho), np.asarray(b, dtype=float), check_finite=False)
        return self._factor(rho).solve(np.asarray(b, dtype=float))

    def solve_transposed(self, rho: float, b: np.ndarray) -> np.ndarray:
        if self.dense:
            return la.lu_solve(self._factor(rho), np.asarray(b, dtype=float), trans=1, check_finite=False)
        return self._factor(rho).solve(np.asarray(b, dtype=float), trans="T")

    def traces(self, rho: float) -> dict[str, float]:
        """tr(A^-1), tr(G), tr(GG) at rho."""
        if self.spectrum is not None:
            values = self.spectrum.values
            inverse = 1.0 / (1.0 - rho * values)
            g = values * inverse
            return {
                "inverse": float(np.real(inverse.sum())),
                "g": float(np.real(g.sum())),
                "gg": float(np.real((g * g).sum())),
            }
        inverse = self._inverse(rho)
        g = self.w @ inverse
        return {"inverse": float(np.trace(inverse)), "g": float(np.trace(g)), "gg": float((g * g.T).sum())}

    def trace_gtg(self, rho: float) -> float:
        """tr(G'G) = ||W A^-1||_F^2, exactly."""
        if self.n <= _DENSE:
            g = self.w @ self._inverse(rho)
            return float((g * g).sum())
        if self._symmetric is None:
            self._symmetric = symmetric_traces(self.w) if self.n <= _EIGEN else False
        if self._symmetric:
            return self._symmetric.trace_gtg(rho)
        # the models on one W meet some values of rho more than once (a fit, then the tests and effects at it)
        if self._key is None:
            self._key = _identity(self.w)
        key = (self._key, float(rho))
        if key not in _factored_values:
            _factored_values[key] = self._trace_gtg_factored(rho)
            while len(_factored_values) > _VALUES_KEPT:
                _factored_values.popitem(last=False)
        return _factored_values[key]

    def _trace_gtg_factored(self, rho: float) -> float:
        if self.dense:
            g = self.w.toarray() @ self.solve(rho, np.eye(self.n))
            return float((g * g).sum())
        # (tr(G'G) enters the information matrix of Lee and Yu 2010, J. Econometrics 154: 165-185.) A = Pr' L U Pc'
        # (SuperLU), so A^-1 e_j = Pc U^-1 L^-1 Pr e_j: the triangular factors applied to blocks of unit vectors.
        # Its own factorisation, ordered on the pattern of A + A' (W's links are symmetric or nearly), has a third
        # less fill than the solves' ordering: 2,848 counties take 0.75 s here against 1.0 s with SuperLU's solve
        # (measured on a shared machine); the value agrees to rounding (1e-16 relative)
        lu = splu(sp.csc_matrix(sp.eye(self.n) - rho * self.w), permc_spec="MMD_AT_PLUS_A")
        lower, upper = sp.csr_matrix(lu.L), sp.csr_matrix(lu.U)
        total = 0.0
        for start in range(0, self.n, _BLOCK):
            stop = min(start + _BLOCK, self.n)
            unit = np.zeros((self.n, stop - start))
            unit[lu.perm_r[start:stop], np.arange(stop - start)] = 1.0  # Pr e_j
            forward = spsolve_triangular(lower, unit, lower=True, unit_diagonal=True, overwrite_b=True)
            inverse = spsolve_triangular(upper, forward, lower=False, overwrite_b=True)[lu.perm_c]
            g = self.w @ inverse
            total += float((g * g).sum())
        return total

    def _inverse(self, rho: float) -> np.ndarray:
        if self.n > 4 * _DENSE and self.spectrum is None:
            raise ValueError(f"exact traces for {self.n} units need the spectrum of W (weights stage)")
        return np.linalg.inv(np.eye(self.n) - rho * self.w.toarray())

    def total_multiplier(self, rho: float, beta: float, theta: float) -> float:
        """l'A^-1 (beta I + theta W) l / n: the average total effect of a regressor with coefficients
        beta (own) and theta (its spatial lag)."""
        if self.row_sum is not None:
            c = self.row_sum
            return (beta + theta * c) / (1.0 - rho * c)
        if self.spectrum is not None and self.spectrum.total_weights is not None:
            values = self.spectrum.values
            return float(
                np.real((self.spectrum.total_weights * (beta + theta * values) / (1 - rho * values)).sum())
            )
        ones = np.ones(self.n)
        return float(ones @ self.solve(rho, beta * ones + theta * (self.w @ ones)) / self.n)


class SymmetricTraces:
    """tr(G'G) of a W similar to a symmetric matrix, at any rho, from one eigen decomposition.

    With T W T^-1 = S = Q diag(l) Q' (T = diag(t), :func:`nqpf.weights.standardise.similar_symmetric`; Q orthonormal),
    G = W (I - rho W)^-1 = T^-1 Q M Q' T with M = diag(m), m_i = l_i / (1 - rho l_i), so
    tr(G'G) = tr(Q'T^2 Q M Q'T^-2 Q M) = m' H m, H = (Q'T^2 Q) o (Q'T^-2 Q) (elementwise).
    H is made once (a symmetric eigen decomposition and two products of n x n arrays: about 5 s for 2,848
    counties on one core), then each rho costs 2 n^2 operations, where the sparse LU route costs a factorisation
    and n triangular solves (2.4 s per rho on the 200 km distance W of the counties)."""

    def __init__(self, symmetric: sp.csr_matrix, scale: np.ndarray):
        """``symmetric`` S and ``scale`` t as :func:`nqpf.weights.standardise.similar_symmetric` gives them."""
        values, q = la.eigh(symmetric.toarray(), overwrite_a=True, check_finite=False, driver="evd")
        side = q * scale[:, None]  # T Q
        h = side.T @ side
        np.divide(q, scale[:, None], out=side)  # T^-1 Q
        del q
        h *= side.T @ side
        self.values = values
        self.h = h

    def trace_gtg(self, rho: float) -> float:
        m = self.values / (1.0 - rho * self.values)
        return float(m @ (self.h @ m))


def symmetric_traces(w: sp.csr_matrix) -> SymmetricTraces | bool:
    """The :class:`SymmetricTraces` of ``w``, or False when ``w`` is not similar to a symmetric matrix through a
    diagonal scaling or when the sparse LU route is the cheaper one (:func:`_factors_are_light`); the last
    ``_KEPT`` are remembered per process, by the bytes of ``w``, so every model on the same W shares one
    decomposition. The choice depends on W alone, never on timings, so the same W always takes the same route."""
    w = sp.csr_matrix(w)
    key = _identity(w)
    if key in _decompositions:
        _decompositions.move_to_end(key)
        return _decompositions[key]
    similar = None if _factors_are_light(w) else similar_symmetric(w, w)
    made = SymmetricTraces(*similar) if similar is not None else False
    _decompositions[key] = made
    while len(_decompositions) > _KEPT:
        _decompositions.popitem(last=False)
    return made


def _factors_are_light(w: sp.csr_matrix) -> bool:
    """Whether the LU factors of I - W/2 (SuperLU, the ordering of the LU route) hold at most ``_LIGHT_FILL`` of
    the n^2 entries: the n triangular solves of a value of tr(G'G) then cost less than about a quarter of the
    eigen decomposition, which a single fit would not recover. Measured on 2,848 counties (one core): queen
    contiguity fills 0.8 % (0.47 s a value against 5 s for the decomposition), the 200 km distance W 8.8 %
    (2.3 s a value)."""
    if mostly_dense(w):
        return False
    n = w.shape[0]
    lu = splu(sp.csc_matrix(sp.eye(n) - 0.5 * w), permc_spec="MMD_AT_PLUS_A")
    return lu.L.nnz + lu.U.nnz <= _LIGHT_FILL * n * n


def _identity(w: sp.csr_matrix) -> str:
    """A digest of W's shape, pattern and weights: equal digests, the same W."""
    digest = hashlib.blake2b(digest_size=16)
    for array in (np.asarray(w.shape), w.indptr, w.indices, w.data):
        digest.update(np.ascontiguousarray(array).tobytes())
    return digest.hexdigest()
