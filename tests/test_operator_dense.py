"""The model operator's dense path (a W linking most pairs, e.g. inverse distance: LAPACK instead of SuperLU)
against the same quantities from dense linear algebra written out directly."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from nqpf.models.operator import SpatialOperator
from nqpf.weights.core import mostly_dense


def inverse_distance(n: int, seed: int) -> sp.csr_matrix:
    xy = np.random.default_rng(seed).uniform(size=(n, 2))
    d = np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1))
    w = np.divide(1.0, d, out=np.zeros_like(d), where=d > 0)
    return sp.csr_matrix(w / w.sum(axis=1, keepdims=True))


def test_dense_w_takes_the_dense_path_and_matches_direct_algebra():
    w = inverse_distance(1600, seed=7)  # above the operator's dense-inverse size, so LU solves are used
    op = SpatialOperator(w, spectrum=None)
    assert mostly_dense(w) and op.dense
    rho = 0.4
    a = np.eye(w.shape[0]) - rho * w.toarray()
    b = np.random.default_rng(1).normal(size=(w.shape[0], 3))
    assert np.allclose(op.solve(rho, b), np.linalg.solve(a, b), rtol=1e-10, atol=1e-12)
    assert np.allclose(op.solve_transposed(rho, b), np.linalg.solve(a.T, b), rtol=1e-10, atol=1e-12)
    assert np.isclose(op.logdet(rho), np.linalg.slogdet(a)[1], rtol=1e-10)
    g = w.toarray() @ np.linalg.inv(a)
    assert np.isclose(op.trace_gtg(rho), (g * g).sum(), rtol=1e-9)


def test_a_contiguity_w_stays_sparse():
    rook = sp.diags([1.0, 1.0], [-1, 1], shape=(50, 50), format="csr", dtype=float)
    assert not mostly_dense(rook) and not SpatialOperator(rook, spectrum=None).dense
