"""tr(G'G) = ||W A^-1||_F^2 of a W beyond the dense limit equals the dense computation: from SuperLU's triangular
factors applied to blocks of unit vectors where W has no symmetric form, from the eigen decomposition of its
symmetric form where it has one (symmetric weights row-standardised, the product form of nested weights)."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from nqpf.models import operator
from nqpf.models.operator import SpatialOperator
from nqpf.weights.standardise import symmetrising_scale


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
    assert op._symmetric is False  # the random links are not mutual: the LU route


def _graph(n: int, rng) -> sp.csr_matrix:
    """Mutual links of a ring with random chords, weighted symmetrically."""
    side = np.arange(n)
    far = rng.integers(0, n, n)
    rows = np.concatenate([side, (side + 1) % n, side, far])
    cols = np.concatenate([(side + 1) % n, side, far, side])
    ring, chords = rng.uniform(0.5, 2.0, n), rng.uniform(0.5, 2.0, n)
    links = sp.csr_matrix((np.concatenate([ring, ring, chords, chords]), (rows, cols)), shape=(n, n))
    links.setdiag(0)
    links.eliminate_zeros()
    return links


def _row(matrix: sp.csr_matrix) -> sp.csr_matrix:
    return sp.csr_matrix(sp.diags(1.0 / np.asarray(matrix.sum(axis=1)).ravel()) @ matrix)


def test_trace_gtg_of_a_symmetric_form_matches_the_dense_inverse():
    n = operator._DENSE + 101
    rng = np.random.default_rng(5)
    links = _graph(n, rng)
    economic = sp.diags(rng.uniform(0.2, 5.0, n))
    for w in (_row(links), _row(sp.csr_matrix(links @ economic))):  # symmetric, then nested (product form)
        op = SpatialOperator(w, None)
        dense = w.toarray()
        for rho in (-0.6, 0.0, 0.35, 0.9):
            g = dense @ np.linalg.inv(np.eye(n) - rho * dense)
            np.testing.assert_allclose(op.trace_gtg(rho), (g * g).sum(), rtol=1e-12)
        assert op._symmetric  # the eigen route was taken
    # a ring alone: symmetric too, but its LU factors stay sparse, so the LU route is the cheaper one
    side = np.arange(n)
    ring = _row(sp.csr_matrix((np.ones(2 * n), (np.r_[side, side], np.r_[(side + 1) % n, (side - 1) % n]))))
    op = SpatialOperator(ring, None)
    g = ring.toarray() @ np.linalg.inv(np.eye(n) - 0.5 * ring.toarray())
    np.testing.assert_allclose(op.trace_gtg(0.5), (g * g).sum(), rtol=1e-12)
    assert op._symmetric is False


def test_a_symmetrising_scale_exists_exactly_for_reversible_weights():
    rng = np.random.default_rng(7)
    n = 60
    links = _graph(n, rng)
    nested = _row(sp.csr_matrix(links @ sp.diags(rng.uniform(0.2, 5.0, n))))
    scale = symmetrising_scale(nested)
    scaled = (sp.diags(scale) @ nested @ sp.diags(1.0 / scale)).toarray()
    np.testing.assert_allclose(scaled, scaled.T, rtol=1e-13, atol=1e-15)
    # an island (a row of zeros) is a component of its own
    with_island = sp.lil_matrix(nested)
    with_island[3, :] = 0
    with_island[:, 3] = 0
    assert symmetrising_scale(_row_or_zero(sp.csr_matrix(with_island))) is not None
    # one link weighted otherwise in one direction: no scale makes it symmetric (the ratios around a cycle)
    broken = sp.lil_matrix(links)
    i, j = 0, 1
    broken[i, j] = broken[i, j] * 1.5
    assert symmetrising_scale(_row(sp.csr_matrix(broken))) is None
    # a link without its mirror (nearest neighbours): none either
    one_way = sp.lil_matrix(links)
    one_way[i, j] = 0
    assert symmetrising_scale(sp.csr_matrix(one_way)) is None
    # negative weights: none
    negative = links.copy()
    negative.data[0] = -negative.data[0]
    assert symmetrising_scale(negative) is None


def _row_or_zero(matrix: sp.csr_matrix) -> sp.csr_matrix:
    sums = np.asarray(matrix.sum(axis=1)).ravel()
    return sp.csr_matrix(sp.diags(np.divide(1.0, sums, out=np.zeros_like(sums), where=sums != 0)) @ matrix)


def test_lags_of_a_dense_w_beyond_the_dense_limit_are_the_csr_lags():
    """Beyond the dense limit a dense W multiplies the data as an array (BLAS); the lags are the CSR ones to
    rounding, and a sparse W stays CSR."""
    from nqpf.models.panel_data import lag

    n = operator._DENSE + 101
    rng = np.random.default_rng(9)
    dense = rng.uniform(0.1, 1.0, (n, n))
    np.fill_diagonal(dense, 0.0)
    w = _row(sp.csr_matrix(dense))
    op = SpatialOperator(w, None)
    assert isinstance(op.product, np.ndarray)
    x = rng.normal(size=(3, n, 2))
    # rounding of sums of 1,600 terms of either sign: within 1e-13 of |W| |x| (a sum near 0 has no relative bound)
    scale = lag(np.abs(w.toarray()), np.abs(x))
    assert np.all(np.abs(lag(op.product, x) - lag(w, x)) <= 1e-13 * scale)
    ring = SpatialOperator(_row(_graph(n, rng)), None)
    assert sp.issparse(ring.product)
