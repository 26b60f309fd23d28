"""tr(G'G) = ||W A^-1||_F^2 of a sparse W beyond the dense limit, from SuperLU's triangular factors applied to
blocks of unit vectors, equals the dense computation."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from nqpf.models import operator
from nqpf.models.operator import SpatialOperator


def test_trace_gtg_of_a_sparse_w_matches_the_dense_inverse():
    n = operator._DENSE + 101  # the sparse path
    rng = np.random.default_rng(3)
    side = np.arange(n)
    rows = np.concatenate([side, side, side])
    cols = np.concatenate([(side + 1) % n, (side - 1) % n, rng.integers(0, n, n)])
    links = sp.csr_matrix((np.ones(rows.size), (rows, cols)), shape=(n, n))
    links.setdiag(0)
    links.eliminate_zeros()
    links.data[:] = 1.0
    w = sp.csr_matrix(sp.diags(1.0 / np.asarray(links.sum(axis=1)).ravel()) @ links)
    op = SpatialOperator(w, None)
    assert not op.dense
    for rho in (-0.4, 0.0, 0.35, 0.8):
        g = w.toarray() @ np.linalg.inv(np.eye(n) - rho * w.toarray())
        np.testing.assert_allclose(op.trace_gtg(rho), (g * g).sum(), rtol=1e-12)
