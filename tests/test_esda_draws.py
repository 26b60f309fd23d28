"""The faster permutation paths give the numbers of the straightforward ones: Gi*'s prefix sums on the first
k_max + 1 draws only, the draws remembered per process, Moran's I and Geary's C sharing W z, the vectorised
helpers; and the weights files written line by line are the bytes of the text written at once."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from nqpf.esda import global_statistics, local_statistics, permutation
from nqpf.esda.local_statistics import QUADRANTS


def _distance_w(n: int, seed: int) -> sp.csr_matrix:
    """Inverse distance within a band on random points, row-standardised: unequal weights, varied k."""
    rng = np.random.default_rng(seed)
    xy = rng.random((n, 2))
    d = np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1))
    raw = np.where((d > 0) & (d < 0.25), 1.0 / np.where(d > 0, d, 1.0), 0.0)
    raw[np.arange(n), (np.arange(n) + 1) % n] = 1.0  # nobody without neighbours
    raw = np.maximum(raw, raw.T)
    return sp.csr_matrix(raw / raw.sum(axis=1, keepdims=True))


def _prefix_lags_before(values, w, draws, units, card):
    """The prefix sums as written before: over every column of the draws."""
    drawn = values[draws.ordering]
    cumulative = np.concatenate([np.zeros((draws.permutations, 1)), np.cumsum(drawn, axis=1)], axis=1)
    weight = w.data[w.indptr[units]]
    k = card[units]
    inside = draws.position[:, units] < k[None, :]
    sums = np.where(inside, cumulative[:, k + 1] - values[units][None, :], cumulative[:, k])
    return sums * weight[None, :]


def _fresh(seed: int) -> np.random.Generator:
    permutation._cache.clear()
    return np.random.default_rng(seed)


def test_gi_star_prefix_uses_only_the_draws_it_needs_and_gives_the_same_sums():
    w = _distance_w(300, 1)
    links = global_statistics.binary(w)
    draws = permutation.draws_for(w, 199, _fresh(3))
    assert draws.full  # unequal weights: full orderings, of which Gi* needs only k_max + 1 columns
    x = np.random.default_rng(4).lognormal(size=300)
    card = np.diff(links.indptr)
    expected = _prefix_lags_before(x, links, draws, np.arange(300), card)
    got = np.full_like(expected, np.nan)
    for units, lags in permutation.conditional_lags(x, links, draws):
        got[:, units] = lags
    assert np.array_equal(got, expected)  # bitwise
    plan = next(iter(draws.plans.values()))
    assert plan["length"] == card.max() + 1 < 300


def test_lisa_and_gi_star_p_values_do_not_depend_on_the_cache():
    w = _distance_w(200, 2)
    x = np.random.default_rng(5).lognormal(size=200)
    first = [
        kernel(x, w, permutation.draws_for(w, 99, _fresh(7)))["p_sim"].to_numpy()
        for kernel in (local_statistics.local_moran, local_statistics.gi_star)
    ]
    rng = np.random.default_rng(7)
    again = permutation.draws_for(w, 99, rng)  # remembered from the call above
    assert again is permutation.draws_for(w, 99, np.random.default_rng(7))
    for kernel, p in zip((local_statistics.local_moran, local_statistics.gi_star), first, strict=True):
        assert np.array_equal(kernel(x, w, again)["p_sim"].to_numpy(), p)


def test_remembered_draws_leave_the_generator_where_fresh_draws_would():
    fresh = _fresh(11)
    permutation.conditional_draws(50, 6, 30, fresh)
    blocks = list(permutation.total_permutations(50, 25, fresh, chunk=10))
    after_fresh = fresh.random(3)
    cached = np.random.default_rng(11)  # the same state: both calls come from the cache
    draws = permutation.conditional_draws(50, 6, 30, cached)
    again = list(permutation.total_permutations(50, 25, cached, chunk=10))
    assert np.array_equal(cached.random(3), after_fresh)
    assert all(a is b for a, b in zip(blocks, again, strict=True))
    assert not draws.ordering.flags.writeable and not blocks[0].flags.writeable
    # another seed: other draws
    other = permutation.conditional_draws(50, 6, 30, np.random.default_rng(12))
    assert not np.array_equal(other.ordering, draws.ordering)


def _vectorised_before(name, block, w):
    """The permuted global statistics as computed before (each its own product; Geary on the raw values)."""
    n = block.shape[0]
    z = block - block.mean(axis=0)
    product = permutation.product_operand(w)
    if name == "moran":
        return n / w.sum() * (z * (product @ z)).sum(axis=0) / (z * z).sum(axis=0)
    if name == "geary":
        margins = np.asarray(w.sum(axis=1)).ravel() + np.asarray(w.sum(axis=0)).ravel()
        squares = margins @ block**2 - 2 * (block * (product @ block)).sum(axis=0)
        return (n - 1) * squares / (2 * w.sum() * (z * z).sum(axis=0))
    b = global_statistics.binary(w)
    totals = block.sum(axis=0)
    links = permutation.product_operand(b)
    return ((block * (links @ block)).sum(axis=0) - (b.diagonal()[:, None] * block**2).sum(axis=0)) / (
        totals**2 - (block**2).sum(axis=0)
    )


class _Counted:
    """A left factor of products that records each product made with it."""

    def __init__(self, operand, record, name):
        self.operand, self.record, self.name = operand, record, name

    def __matmul__(self, other):
        self.record.append(self.name)
        return self.operand @ other


@pytest.mark.parametrize("dense", [False, True])
def test_global_statistics_share_their_products_and_keep_their_values(dense):
    w = _distance_w(150, 3)
    if dense:
        w = sp.csr_matrix(np.where(np.eye(150) == 0, 1.0, 0.0) / 149)  # every unit linked: a dense operand
    x = np.random.default_rng(6).lognormal(mean=3.0, size=150)  # large mean: Geary's raw form cancels
    blocks = list(permutation.total_permutations(150, 499, _fresh(8), chunk=200))
    operands = global_statistics._Operands(w, global_statistics.STATISTICS, x)
    products = []
    operands.w = _Counted(operands.w, products, "w")
    operands.binary = _Counted(operands.binary, products, "links")
    for block in blocks:
        values = x[block].T
        lags = {}
        for name in global_statistics.STATISTICS:
            got = global_statistics._vectorised(name, block, operands, lags)
            before = _vectorised_before(name, values, w)
            # the mean and sum z^2 of the observed values rather than of each relabelling: the last bits only
            np.testing.assert_allclose(got, before, rtol=1e-12)
        assert set(lags) == {"z", "zwz"}
    # Moran's I and Geary's C share one product on W, General G one on its links, per block
    assert products == ["w", "links"] * len(blocks)
    table = global_statistics.global_statistics(x, w, orderings=blocks)
    for k, name in enumerate(global_statistics.STATISTICS):
        simulated = np.concatenate([_vectorised_before(name, x[b].T, w) for b in blocks])
        observed = table.loc[k, "value"]
        tol = 1e-12 * max(1.0, abs(observed))
        p = permutation.two_sided_p(
            observed, (simulated >= observed - tol).sum(), (simulated <= observed + tol).sum(), 499
        )
        assert table.loc[k, "p_sim"] == p


def test_total_permutations_are_the_generators_orderings_stored_unit_by_unit():
    """Each block holds the orderings argsort gives for the generator's uniforms, stored so that the values it
    relabels, x[block].T, come in row order (what a CSR product reads without a copy)."""
    blocks = list(permutation.total_permutations(40, 250, _fresh(21), chunk=100))
    uniforms = _fresh(21).random((250, 40))
    assert np.array_equal(np.concatenate(blocks), np.argsort(uniforms, axis=1))
    assert [len(b) for b in blocks] == [100, 100, 50]
    x = np.arange(40.0)
    assert all(b.T.flags["C_CONTIGUOUS"] and x[b].T.flags["C_CONTIGUOUS"] for b in blocks)


def test_equal_rows_and_quadrants_match_their_definitions():
    w = _distance_w(80, 5).tolil()
    w[3] = 0
    w[4, [1, 2]] = 0.5
    w = sp.csr_matrix(w)
    w.eliminate_zeros()
    loop = [
        bool(np.all(w.data[w.indptr[i] : w.indptr[i + 1]] == w.data[w.indptr[i]]))
        if w.indptr[i + 1] > w.indptr[i]
        else True
        for i in range(80)
    ]
    assert permutation.equal_rows(w).tolist() == loop
    rng = np.random.default_rng(0)
    z, lag = rng.normal(size=500), rng.normal(size=500)
    z[:5] = 0.0
    expected = [QUADRANTS[(a > 0, b > 0)] for a, b in zip(z, lag, strict=True)]
    assert local_statistics.quadrants(z, lag).tolist() == expected


def _write_gwt_before(ids, matrix, header=True):
    matrix = sp.csr_matrix(matrix)
    lines = [f"0 {len(ids)} nqpf code"] if header else []
    for i, unit in enumerate(ids):
        start, end = matrix.indptr[i], matrix.indptr[i + 1]
        for j, value in zip(matrix.indices[start:end], matrix.data[start:end], strict=True):
            lines.append(f"{unit} {ids[j]} {format(float(value), '.17g')}")
    return "\n".join(lines) + "\n"


def _write_gal_before(ids, matrix):
    matrix = sp.csr_matrix(matrix)
    lines = [f"0 {len(ids)} nqpf code"]
    for i, unit in enumerate(ids):
        neighbours = matrix.indices[matrix.indptr[i] : matrix.indptr[i + 1]]
        lines.append(f"{unit} {len(neighbours)}")
        lines.append(" ".join(ids[j] for j in neighbours))
    return "\n".join(lines) + "\n"


def test_weights_files_written_line_by_line_are_the_same_bytes(tmp_path):
    from nqpf.weights import files

    w = _distance_w(60, 6).tolil()
    w[7] = 0  # an island: an empty GAL line
    w = sp.csr_matrix(w)
    w.eliminate_zeros()
    ids = [f"{110000 + k}" for k in range(60)]
    files.write_gwt(ids, w, tmp_path / "w.gwt")
    files.write_gal(ids, w, tmp_path / "w.gal")
    files.write_gwt(ids, w, tmp_path / "plain.gwt", header=False)
    files.write_gwt(ids, sp.csr_matrix((60, 60)), tmp_path / "empty.gwt", header=False)
    assert (tmp_path / "w.gwt").read_bytes() == _write_gwt_before(ids, w).encode()
    assert (tmp_path / "w.gal").read_bytes() == _write_gal_before(ids, w).encode()
    assert (tmp_path / "plain.gwt").read_bytes() == _write_gwt_before(ids, w, header=False).encode()
    assert (tmp_path / "empty.gwt").read_bytes() == b"\n"
