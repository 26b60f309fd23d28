"""Markov chains of nqpf.dynamics against giddy (an independent implementation, a test-only dependency) on the
same panel, a hand-worked chain, and the recovery of a known transition matrix from simulated moves."""

from __future__ import annotations

import numpy as np
import pytest

from nqpf.dynamics import (
    classify,
    first_passage_times,
    homogeneity,
    markov_chain,
    spatial_markov,
    steady_state,
    time_homogeneity,
)

giddy_markov = pytest.importorskip("giddy.markov")
libpysal = pytest.importorskip("libpysal")


def lattice_panel(rows=6, columns=10, years=14, seed=7):
    """A panel on a rook lattice whose units drift towards their neighbours' mean (so that the neighbourhood
    conditions the moves), with its libpysal W and the dense binary matrix."""
    w = libpysal.weights.lat2W(rows, columns, rook=True)
    dense, _ = w.full()
    w.transform = "r"  # giddy lags with W as given; Rey's spatial lag is the neighbours' mean
    standardised = dense / dense.sum(axis=1, keepdims=True)
    rng = np.random.default_rng(seed)
    y = np.empty((rows * columns, years))
    y[:, 0] = rng.lognormal(0.0, 0.5, rows * columns)
    for t in range(1, years):
        y[:, t] = 0.6 * y[:, t - 1] + 0.4 * standardised @ y[:, t - 1] + rng.normal(0.0, 0.15, rows * columns)
    return y, w, dense


@pytest.mark.parametrize("fixed", [True, False])
def test_spatial_markov_matches_giddy(fixed):
    y, w, dense = lattice_panel()
    reference = giddy_markov.Spatial_Markov(y, w, k=4, m=4, fixed=fixed)
    ours = spatial_markov(y, dense, k=4, m=4, scheme="pooled" if fixed else "yearly")
    np.testing.assert_array_equal(ours.classes.ids, reference.class_ids)
    np.testing.assert_array_equal(ours.lag_classes.ids[:, :-1], reference.lclass_ids[:, :-1])
    np.testing.assert_array_equal(np.stack([c.counts for c in ours.conditional]), reference.T)
    np.testing.assert_allclose(np.stack([c.probabilities for c in ours.conditional]), reference.P, atol=1e-12)
    np.testing.assert_allclose(ours.pooled.probabilities, reference.p, atol=1e-12)
    np.testing.assert_allclose(
        np.stack([c.steady_state for c in ours.conditional]),
        np.array(reference.S.tolist(), dtype=float),
        atol=1e-10,
    )
    np.testing.assert_allclose(np.stack([c.first_passage for c in ours.conditional]), reference.F, rtol=1e-10)
    test = ours.homogeneity
    assert test.q == pytest.approx(reference.Q, rel=1e-10)
    assert test.lr == pytest.approx(reference.LR, rel=1e-10)
    assert test.dof == reference.dof_hom
    assert test.p_q == pytest.approx(reference.Q_p_value, rel=1e-8)
    assert test.p_lr == pytest.approx(reference.LR_p_value, rel=1e-8)


def test_traditional_chain_matches_giddy():
    y, _, _ = lattice_panel(seed=11)
    classes = classify(y, k=5)
    reference = giddy_markov.Markov(classes.ids)
    ours = markov_chain(classes=classes)
    np.testing.assert_array_equal(ours.counts, reference.transitions)
    np.testing.assert_allclose(ours.probabilities, reference.p, atol=1e-12)
    np.testing.assert_allclose(ours.steady_state, reference.steady_state, atol=1e-10)
    np.testing.assert_allclose(ours.first_passage, giddy_markov.mfpt(reference.p), rtol=1e-10)
    assert ours.irreducible and ours.skipped == 0 and ours.n_transitions == y.shape[0] * (y.shape[1] - 1)


def test_a_chain_by_hand():
    # two classes: from 0 stay with 3/4, from 1 stay with 1/2; pi = (2/3, 1/3); m01 = 4, m10 = 2
    p = np.array([[0.75, 0.25], [0.5, 0.5]])
    np.testing.assert_allclose(steady_state(p), [2 / 3, 1 / 3], atol=1e-15)
    np.testing.assert_allclose(first_passage_times(p), [[1.5, 4.0], [2.0, 3.0]], atol=1e-12)
    # three units over three years, cut at 1.0: a value equal to the cut-off is in the lower class
    values = np.array([[0.5, 1.0, 1.5], [2.0, 0.2, 0.9], [1.2, 1.3, np.nan]])
    chain = markov_chain(values, cutoffs=[1.0])
    np.testing.assert_array_equal(chain.classes.ids, [[0, 0, 1], [1, 0, 0], [1, 1, -1]])
    np.testing.assert_array_equal(chain.counts, [[2, 1], [1, 1]])
    assert chain.skipped == 1  # the unit without a value in the last year


def test_a_reducible_chain_with_one_closed_class():
    # class 1 absorbs: from 0 stay with 1/3; pi = (0, 1); m01 = 1 / (1 - 1/3) = 1.5, m11 = 1, class 0 never again
    chain = markov_chain(classes=np.array([[0, 0, 1], [0, 1, 1], [1, 1, 1]]), k=2)
    assert not chain.irreducible
    np.testing.assert_allclose(chain.steady_state, [0.0, 1.0], atol=1e-15)
    np.testing.assert_allclose(chain.first_passage, [[np.inf, 1.5], [np.inf, 1.0]], atol=1e-12)
    # giddy on a reducible chain: the same steady state and passage times (inf to the transient class)
    p = np.array(
        [[0.0, 0.25, 0.75, 0.0], [0.0, 0.2, 0.7, 0.1], [0.0, 0.05, 0.3, 0.65], [0.0, 0.05, 0.1, 0.85]]
    )
    ergodic = pytest.importorskip("giddy.ergodic")
    np.testing.assert_allclose(steady_state(p), np.ravel(ergodic.steady_state(p)), atol=1e-12)
    np.testing.assert_allclose(first_passage_times(p), ergodic.mfpt(p), rtol=1e-10)


def test_several_closed_classes_have_no_steady_state():
    chain = markov_chain(classes=np.array([[0, 0, 0], [1, 1, 1], [2, 1, 1], [2, 0, 0]]), k=3)
    assert not chain.irreducible
    assert np.isnan(chain.steady_state).all() and np.isnan(chain.first_passage).all()


def test_known_transition_matrix_is_recovered():
    truth = np.array([[0.8, 0.2, 0.0], [0.1, 0.8, 0.1], [0.0, 0.3, 0.7]])
    rng = np.random.default_rng(2026)
    units, years = 2000, 40
    ids = np.empty((units, years), dtype=np.int64)
    ids[:, 0] = rng.integers(0, 3, units)
    for t in range(1, years):
        draws = rng.random(units)
        ids[:, t] = (draws[:, None] > np.cumsum(truth[ids[:, t - 1]], axis=1)).sum(axis=1)
    chain = markov_chain(classes=ids, k=3)
    # 78,000 transitions: each probability within four binomial standard errors of the truth
    se = np.sqrt(truth * (1 - truth) / chain.counts.sum(axis=1, keepdims=True))
    assert np.all(np.abs(chain.probabilities - truth) <= 4 * se + 1e-12)
    np.testing.assert_allclose(chain.steady_state, steady_state(truth), atol=0.02)


def test_homogeneity_is_not_rejected_when_the_subsamples_share_one_chain():
    truth = np.array([[0.7, 0.3], [0.4, 0.6]])
    rng = np.random.default_rng(5)
    counts = np.stack([np.vstack([rng.multinomial(500, row) for row in truth]) for _ in range(3)])
    test = homogeneity(counts)
    assert test.dof == 2 * (3 - 1) * (2 - 1)  # (a_i - 1)(b_i - 1) summed over the two rows
    assert test.p_q > 0.01 and test.p_lr > 0.01
    different = counts.copy()
    different[0] = np.vstack([rng.multinomial(500, row) for row in [[0.3, 0.7], [0.8, 0.2]]])
    assert homogeneity(different).p_lr < 1e-6


def test_islands_and_ties_are_reported_not_hidden():
    y, _, dense = lattice_panel()
    dense = dense.copy()
    dense[0, :] = 0.0
    dense[:, 0] = 0.0  # unit 0 has no neighbours
    result = spatial_markov(y, dense, k=4)
    assert result.no_lag == y.shape[1] - 1
    assert result.pooled.n_transitions == (y.shape[0] - 1) * (y.shape[1] - 1)
    with pytest.raises(ValueError, match="coincide"):
        classify(np.zeros((10, 3)), k=4)


def test_published_spatial_markov_of_us_incomes():
    """giddy's documented example (Rey 2001's data): relative per capita incomes of the 48 US states, 1929-2009,
    quintiles of all years pooled for the incomes and for their spatial lags."""
    try:
        table = libpysal.io.open(libpysal.examples.get_path("usjoin.csv"))
        w = libpysal.io.open(libpysal.examples.get_path("states48.gal")).read()
    except Exception as error:  # the example data ship with libpysal, but a stripped install may lack them
        pytest.skip(f"libpysal's example data are not installed: {error}")
    pci = np.array([table.by_col[str(year)] for year in range(1929, 2010)]).T
    rpci = pci / pci.mean(axis=0)
    dense, ids = w.full()
    result = spatial_markov(rpci, dense, k=5, m=5)
    assert f"{result.homogeneity.lr:.3f}" == "170.659"
    assert f"{result.homogeneity.q:.3f}" == "200.624"
    assert result.homogeneity.dof == 60
    np.testing.assert_allclose(
        result.conditional[0].steady_state,
        [0.43509425, 0.2635327, 0.20363044, 0.06841983, 0.02932278],
        atol=1e-8,
    )
    assert result.conditional[0].first_passage[0, 3] == pytest.approx(80.80952381, abs=1e-7)


def us_incomes():
    try:
        table = libpysal.io.open(libpysal.examples.get_path("usjoin.csv"))
        w = libpysal.io.open(libpysal.examples.get_path("states48.gal")).read()
    except Exception as error:
        pytest.skip(f"libpysal's example data are not installed: {error}")
    pci = np.array([table.by_col[str(year)] for year in range(1929, 2010)]).T
    return pci, w


def test_lisa_markov_matches_giddy_and_its_published_example():
    from nqpf.dynamics import lisa_markov

    pci, w = us_incomes()
    dense, _ = w.full()
    ours = lisa_markov(pci, dense)
    reference = giddy_markov.LISA_Markov(pci, w)
    np.testing.assert_array_equal(ours.chain.counts, reference.transitions)
    np.testing.assert_allclose(ours.chain.probabilities, reference.p, atol=1e-12)
    np.testing.assert_array_equal(
        ours.chain.counts, [[1087, 44, 4, 34], [41, 470, 36, 1], [5, 34, 1422, 39], [30, 1, 40, 552]]
    )
    np.testing.assert_allclose(
        ours.chain.steady_state, [0.28561505, 0.14190226, 0.40493672, 0.16754598], atol=1e-8
    )
    # giddy numbers the quadrants 1..4 in the same order; its move types 1..16 are (start, end) pairs
    codes = {name: k + 1 for k, name in enumerate(("HH", "LH", "LL", "HL"))}
    pairs = [
        (codes[a], codes[b])
        for a, b in zip(ours.quadrants[:, :-1].ravel(), ours.quadrants[:, 1:].ravel(), strict=True)
    ]
    np.testing.assert_array_equal([4 * (a - 1) + b for a, b in pairs], reference.move_types.ravel())


def test_space_time_transition_types():
    from nqpf.dynamics import lisa_markov, move_type

    assert [move_type("HH", q) for q in ("HH", "LH", "HL", "LL")] == ["0", "I", "II", "IIIA"]
    assert move_type("LH", "HL") == "IIIB" and move_type("LL", "HL") == "I" and move_type("LH", "LL") == "II"
    quadrants = np.array([["HH", "HH", "LL"], ["LH", "HL", ""], ["LL", "LH", "LH"]], dtype=object)
    result = lisa_markov(quadrants=quadrants)
    assert result.moves == {"0": 2, "I": 0, "II": 1, "IIIA": 1, "IIIB": 1}
    assert result.chain.skipped == 1
    assert sum(result.shares.values()) == pytest.approx(1.0)


def test_time_homogeneity_matches_giddy_on_the_periods_counts():
    y, _, _ = lattice_panel(seed=3)
    classes = classify(y, k=4)
    ours = time_homogeneity(classes=classes, breaks=[4, 9])
    assert ours.periods == ((0, 4), (4, 9), (9, 13))
    # the counts of each period written out: transitions t -> t + 1 with t in the period
    for (first, last), counts in zip(ours.periods, ours.counts, strict=True):
        expected = np.zeros((4, 4), dtype=int)
        for t in range(first, last):
            np.add.at(expected, (classes.ids[:, t], classes.ids[:, t + 1]), 1)
        np.testing.assert_array_equal(counts, expected)
    # giddy takes the counts as floats (its tables take the dtype of the first matrix)
    reference = giddy_markov.homogeneity([c.astype(float) for c in ours.counts])
    assert ours.test.q == pytest.approx(reference.Q, rel=1e-10)
    assert ours.test.lr == pytest.approx(reference.LR, rel=1e-10)
    assert ours.test.dof == reference.dof
    assert ours.test.p_q == pytest.approx(reference.Q_p_value, rel=1e-8)
    assert ours.test.p_lr == pytest.approx(reference.LR_p_value, rel=1e-8)


def test_time_homogeneity_rejects_a_chain_that_changes_and_keeps_one_that_does_not():
    rng = np.random.default_rng(9)
    early, late = np.array([[0.8, 0.2], [0.3, 0.7]]), np.array([[0.4, 0.6], [0.1, 0.9]])

    def simulate(matrices):
        ids = np.zeros((400, len(matrices) + 1), dtype=int)
        ids[:, 0] = rng.integers(0, 2, 400)
        for t, p in enumerate(matrices, start=1):
            ids[:, t] = (rng.random(400) > p[ids[:, t - 1], 0]).astype(int)
        return ids

    same = time_homogeneity(classes=simulate([early] * 10), k=2)
    assert same.periods == ((0, 5), (5, 10)) and same.test.dof == 2
    assert same.test.p_lr > 0.001
    changed = time_homogeneity(classes=simulate([early] * 5 + [late] * 5), k=2)
    assert changed.test.p_lr < 1e-10 and changed.test.p_q < 1e-10


def test_time_homogeneity_periods_must_lie_inside_the_transitions():
    classes = classify(lattice_panel()[0], k=3)
    for breaks in ([0], [13], [5, 5], []):
        with pytest.raises(ValueError, match="breaks"):
            time_homogeneity(classes=classes, breaks=breaks)
    with pytest.raises(ValueError, match="at least 3 years"):
        time_homogeneity(classes=classes.ids[:, :2], k=3)
