"""CRITIC, scatter degree and game-theory weights of nqpf.indices.weighting: CRITIC against pymcdm (an
independent implementation, a test-only dependency) and by hand, the scatter degree weights against an
independent power iteration, the Rayleigh-quotient optimum and a case worked by hand, the game-theory
combination by hand, by its optimality condition and against a published example."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from nqpf.indices.composite import minmax
from nqpf.indices.weighting import critic_weights, game_theory_weights, scatter_degree_weights

pymcdm_weights = pytest.importorskip("pymcdm.weights")


def correlated(rows, k, seed, loadings=None):
    """Indicators sharing a common factor (so that they are positively correlated), with their own scales."""
    rng = np.random.default_rng(seed)
    loadings = np.linspace(0.5, 1.5, k) if loadings is None else np.asarray(loadings)
    common = rng.normal(size=(rows, 1))
    return 10.0 * np.arange(1, k + 1) + (common * loadings + rng.normal(size=(rows, k))) * np.arange(1, k + 1)


# CRITIC


def test_critic_matches_pymcdm():
    x = correlated(40, 5, seed=3)
    negative = [False, True, False, False, True]
    z = np.column_stack([minmax(x[:, j], negative[j]) for j in range(x.shape[1])])
    ours = critic_weights(z)
    # pymcdm min-max normalises inside, treating every column as a benefit (it takes no directions), with
    # the sample standard deviation (ddof = 1) and Pearson correlations: on the normalised, direction-aligned
    # matrix its normalisation is the identity and the weights agree
    np.testing.assert_allclose(ours.weights, pymcdm_weights.critic_weights(z), rtol=0, atol=1e-12)
    # the raw matrix gives pymcdm the same weights only when no indicator is negative
    positive = np.column_stack([minmax(x[:, j]) for j in range(x.shape[1])])
    np.testing.assert_allclose(
        critic_weights(positive).weights, pymcdm_weights.critic_weights(x), rtol=0, atol=1e-12
    )
    assert np.abs(pymcdm_weights.critic_weights(x) - ours.weights).max() > 1e-3
    assert ours.weights.sum() == pytest.approx(1.0, abs=1e-15)
    np.testing.assert_allclose(ours.sigma, z.std(axis=0, ddof=1), rtol=1e-14)
    np.testing.assert_allclose(ours.information, ours.sigma * ours.conflict, rtol=1e-14)


def test_critic_weights_do_not_depend_on_the_divisor_of_sigma():
    z = np.column_stack([minmax(c) for c in correlated(25, 4, seed=9).T])
    ours = critic_weights(z)
    population = z.std(axis=0) * (1.0 - np.corrcoef(z, rowvar=False)).sum(axis=0)
    np.testing.assert_allclose(ours.weights, population / population.sum(), rtol=1e-13)


def test_critic_by_hand():
    # a = (0, .5, 1), b = (0, 1, .5), c = (1, 0, .5): every sigma = sqrt(.5 / 2) = .5 (ddof = 1);
    # deviations a (-.5, 0, .5), b (-.5, .5, 0), c (.5, -.5, 0): r_ab = .25 / .5 = .5, r_ac = -.5, r_bc = -1;
    # conflicts: a (1 - .5) + (1 + .5) = 2, b .5 + 2 = 2.5, c 1.5 + 2 = 3.5; C = (1, 1.25, 1.75) / 4
    z = pd.DataFrame({"a": [0.0, 0.5, 1.0], "b": [0.0, 1.0, 0.5], "c": [1.0, 0.0, 0.5]})
    result = critic_weights(z)
    np.testing.assert_allclose(result.sigma, [0.5, 0.5, 0.5], atol=1e-15)
    np.testing.assert_allclose(result.correlation[0], [1.0, 0.5, -0.5], atol=1e-15)
    np.testing.assert_allclose(result.conflict, [2.0, 2.5, 3.5], atol=1e-14)
    np.testing.assert_allclose(result.weights, [0.25, 0.3125, 0.4375], atol=1e-15)
    assert result.indicators == ("a", "b", "c")
    assert list(result.table().columns) == ["indicator", "sigma", "conflict", "information", "weight"]


def test_critic_refuses_what_it_cannot_weigh():
    z = np.array([[0.0, 0.2, 1.0], [0.5, 0.2, 0.0], [1.0, 0.2, 0.4]])
    with pytest.raises(ValueError, match="x2 is constant"):
        critic_weights(z)
    with pytest.raises(ValueError, match="missing or infinite values, in b"):
        critic_weights(pd.DataFrame({"a": [0.0, 0.5, 1.0], "b": [0.0, np.nan, 1.0]}))
    with pytest.raises(ValueError, match="at least 2"):
        critic_weights(z[:, :1])
    with pytest.raises(ValueError, match="at least 3"):
        critic_weights(z[:2])
    with pytest.raises(ValueError, match="perfectly correlated"):
        critic_weights(np.array([[0.0, 0.0], [0.5, 0.5], [1.0, 1.0]]))


# scatter degree


def panel(years=6, units=15, k=4, seed=1):
    """A T x n x k panel of positively correlated indicators that grow over the years."""
    x = correlated(years * units, k, seed).reshape(years, units, k)
    return x + np.arange(years)[:, None, None] * np.arange(1, k + 1)


def power_iteration(h, steps=5000):
    v = np.ones(h.shape[0])
    for _ in range(steps):
        v = h @ v
        v /= np.linalg.norm(v)
    return v, float(v @ h @ v)


def test_scatter_degree_is_the_rayleigh_optimum():
    x = panel()
    result = scatter_degree_weights(x)
    stacked = x.reshape(-1, x.shape[2])
    z = (x - stacked.mean(axis=0)) / stacked.std(axis=0, ddof=1)
    h = sum(z[t].T @ z[t] for t in range(x.shape[0]))
    np.testing.assert_allclose(result.h, h, rtol=1e-12)
    vector, value = power_iteration(h)
    np.testing.assert_allclose(result.eigenvector, vector, atol=1e-10)
    np.testing.assert_allclose(result.weights, vector / vector.sum(), atol=1e-10)
    assert result.eigenvalue == pytest.approx(value, rel=1e-12)
    assert result.weights.sum() == pytest.approx(1.0, abs=1e-15) and np.all(result.weights > 0)
    # the spread sum_t ||X_t w||^2 of the unit eigenvector is the eigenvalue; no other unit vector beats it
    spread = lambda w: sum(float(np.sum((z[t] @ w) ** 2)) for t in range(x.shape[0]))  # noqa: E731
    assert spread(result.eigenvector) == pytest.approx(result.eigenvalue, rel=1e-12)
    rng = np.random.default_rng(0)
    for scale in (1e-3, 1e-1, 1.0):
        for _ in range(100):
            other = result.eigenvector + scale * rng.normal(size=x.shape[2])
            assert spread(other / np.linalg.norm(other)) <= result.eigenvalue * (1 + 1e-12)
    # pooled z-scores: H is N - 1 times the pooled correlation matrix (the first principal component)
    np.testing.assert_allclose(h, (stacked.shape[0] - 1) * np.corrcoef(stacked, rowvar=False), rtol=1e-12)


def test_scatter_degree_by_hand():
    # two years of two units, three indicators, values 10 + (a, b, c) with
    # a = (-3, -1, 1, 3), b = (-1, -3, 3, 1), c = (-3, 1, -1, 3) over (year 1: u1, u2; year 2: u1, u2):
    # every column has mean 10 and sum of squared deviations 20, so z = x / sqrt(20 / 3) and H = 3 R with
    # r_ab = 12 / 20 = .6, r_ac = 16 / 20 = .8, r_bc = 0. det(R - lambda I) = mu (mu^2 - 1), mu = 1 - lambda,
    # so lambda = 2, 1, 0. For lambda = 2: v2 = .6 v1, v3 = .8 v1, v = (1, .6, .8) / sqrt(2); the eigenvalue
    # of H is 6; weights (1, .6, .8) / 2.4 = (5/12, 1/4, 1/3).
    deviations = np.array([[[-3, -1, -3], [-1, -3, 1]], [[1, 3, -1], [3, 1, 3]]], dtype=float)
    result = scatter_degree_weights(10.0 + deviations)
    np.testing.assert_allclose(result.weights, [5 / 12, 1 / 4, 1 / 3], atol=1e-14)
    np.testing.assert_allclose(result.eigenvector, np.array([1.0, 0.6, 0.8]) / np.sqrt(2), atol=1e-14)
    assert result.eigenvalue == pytest.approx(6.0, abs=1e-12)
    assert result.years == (0, 1) and result.standardise == "pooled"


def long_frame(x, years=None):
    years = years if years is not None else [2015 + t for t in range(x.shape[0])]
    rows = [
        {"code": f"u{i}", "year": years[t], **{f"v{j}": x[t, i, j] for j in range(x.shape[2])}}
        for t in range(x.shape[0])
        for i in range(x.shape[1])
    ]
    return pd.DataFrame(rows)


def test_scatter_degree_input_forms_and_invariances():
    x = panel(seed=5)
    reference = scatter_degree_weights(x)
    frame = long_frame(x)
    from_frame = scatter_degree_weights(frame.sample(frac=1.0, random_state=2))  # row order does not matter
    np.testing.assert_allclose(from_frame.weights, reference.weights, atol=1e-13)
    assert from_frame.indicators == ("v0", "v1", "v2", "v3") and from_frame.years[0] == 2015
    # a change of units, and min-max normalising over the panel first, leave the weights as they are
    rescaled = x * np.array([1e4, 0.01, 3.0, 1.0]) + np.array([5.0, -2.0, 0.0, 100.0])
    np.testing.assert_allclose(scatter_degree_weights(rescaled).weights, reference.weights, atol=1e-12)
    stacked = x.reshape(-1, x.shape[2])
    normalised = ((stacked - stacked.min(axis=0)) / np.ptp(stacked, axis=0)).reshape(x.shape)
    np.testing.assert_allclose(scatter_degree_weights(normalised).weights, reference.weights, atol=1e-12)
    # a negative indicator: flagging it equals reversing its values
    flipped = x.copy()
    flipped[:, :, 2] = -flipped[:, :, 2]
    np.testing.assert_allclose(
        scatter_degree_weights(flipped, negative=[False, False, True, False]).weights,
        reference.weights,
        atol=1e-12,
    )
    # by year: each year's own z-scores, H the sum of (n_t - 1) times the years' correlation matrices
    by_year = scatter_degree_weights(x, standardise="year")
    h = sum((x.shape[1] - 1) * np.corrcoef(x[t], rowvar=False) for t in range(x.shape[0]))
    np.testing.assert_allclose(by_year.h, h, rtol=1e-12)
    vector, _ = power_iteration(h)
    np.testing.assert_allclose(by_year.weights, vector / vector.sum(), atol=1e-10)


def test_scatter_degree_refuses_what_it_cannot_weigh():
    # x3 runs against x1 and x2: the eigenvector of the largest eigenvalue has mixed signs
    rng = np.random.default_rng(4)
    common = rng.normal(size=(3, 20, 1))
    x = np.concatenate(
        [common + 0.3 * rng.normal(size=(3, 20, 1)), common + 0.3 * rng.normal(size=(3, 20, 1)), -common],
        axis=2,
    )
    with pytest.raises(ValueError, match=r"mixed signs \(negative for x3\)"):
        scatter_degree_weights(x)
    assert np.all(scatter_degree_weights(x, negative=[False, False, True]).weights > 0)
    with pytest.raises(ValueError, match="repeated"):  # uncorrelated indicators of equal spread: H = 3 I
        scatter_degree_weights(np.array([[[-1.0, -1.0], [-1.0, 1.0]], [[1.0, -1.0], [1.0, 1.0]]]))
    constant = panel(seed=2)
    constant[:, :, 1] = 7.0
    with pytest.raises(ValueError, match="x2 is constant"):
        scatter_degree_weights(constant)
    with pytest.raises(ValueError, match="year 0: x2 is constant"):
        scatter_degree_weights(constant, standardise="year")
    gap = panel(seed=2)
    gap[1, 3, 0] = np.nan
    with pytest.raises(ValueError, match="missing or infinite values, in v0"):
        scatter_degree_weights(long_frame(gap))
    with pytest.raises(ValueError, match="at least 2"):
        scatter_degree_weights(panel()[:, :, :1])
    with pytest.raises(ValueError, match="3-D"):
        scatter_degree_weights(panel()[0])
    with pytest.raises(ValueError, match="standardise must be"):
        scatter_degree_weights(panel(), standardise="minmax")


# game theory


def test_game_theory_by_hand():
    # w1 = (.6, .4), w2 = (.2, .8): w1 w1' = .52, w1 w2' = .44, w2 w2' = .68;
    # .52 a1 + .44 a2 = .52 and .44 a1 + .68 a2 = .68: det = .16, a1 = .68 * .08 / .16 = .34,
    # a2 = .52 * .24 / .16 = .78; normalised 17/56 and 39/56;
    # w* = (17 (.6, .4) + 39 (.2, .8)) / 56 = (9, 19) / 28
    result = game_theory_weights([0.6, 0.4], [0.2, 0.8])
    np.testing.assert_allclose(result.gram, [[0.52, 0.44], [0.44, 0.68]], atol=1e-15)
    np.testing.assert_allclose(result.alpha, [0.34, 0.78], atol=1e-14)
    np.testing.assert_allclose(result.coefficients, [17 / 56, 39 / 56], atol=1e-15)
    np.testing.assert_allclose(result.weights, [9 / 28, 19 / 28], atol=1e-15)
    assert not result.negative_coefficients and result.indicators == ("x1", "x2")


def test_game_theory_optimality_condition():
    rng = np.random.default_rng(11)
    vectors = rng.dirichlet(np.ones(7), size=3)
    result = game_theory_weights(*vectors)
    combined = result.alpha @ vectors
    # the deviation of sum_k alpha_k w_k from each w_l is orthogonal to w_l
    np.testing.assert_allclose([v @ (combined - v) for v in vectors], 0.0, atol=1e-15)
    assert result.weights.sum() == pytest.approx(1.0, abs=1e-15) and np.all(result.weights >= 0)
    assert result.coefficients.sum() == pytest.approx(1.0, abs=1e-15)
    # the order of the vectors does not matter, and a 2-D array of them is the same
    again = game_theory_weights(vectors[2], vectors[0], vectors[1])
    np.testing.assert_allclose(again.weights, result.weights, atol=1e-14)
    np.testing.assert_allclose(again.alpha, result.alpha[[2, 0, 1]], atol=1e-12)
    np.testing.assert_allclose(game_theory_weights(vectors).weights, result.weights, atol=0)


def test_game_theory_reproduces_a_published_example():
    """侯克鹏 and 王黎蝶 (2021, 安全与环境学报 21(6): 2443-2451, section 4.1.3): FAHP and CRITIC weights of
    11 indicators. The paper prints w1 w1' = 0.13187272, w1 w2' = 0.07394352, w2 w2' = 0.13443172 (reproduced
    exactly), then alpha = (0.6364, 0.6485), alpha* = (0.4953, 0.5047) and w* from a system solved with
    rounded entries: the exact solution differs from its alpha in the third decimal, from its w* by < 5e-4."""
    fahp = [0.1691, 0.0764, 0.0828, 0.0533, 0.2469, 0.0828, 0.0763, 0.0553, 0.0553, 0.0111, 0.0887]
    critic = [0.0209, 0.0495, 0.0565, 0.0390, 0.0351, 0.1682, 0.1766, 0.1899, 0.0209, 0.1217, 0.1217]
    result = game_theory_weights(fahp, critic, tolerance=5e-3)  # the printed FAHP weights sum to 0.998
    np.testing.assert_allclose(
        result.gram, [[0.13187272, 0.07394352], [0.07394352, 0.13443172]], rtol=0, atol=5e-9
    )
    np.testing.assert_allclose(result.alpha, [0.6364, 0.6485], atol=3e-3)
    np.testing.assert_allclose(result.coefficients, [0.4953, 0.5047], atol=2e-3)
    published = [0.0943, 0.0628, 0.0695, 0.0461, 0.1400, 0.1259, 0.1269, 0.1232, 0.0379, 0.0669, 0.1054]
    np.testing.assert_allclose(result.weights, published, atol=5e-4)


def test_a_negative_coefficient_enters_by_its_absolute_value():
    # w2 = (.55, .45) is nearer equal weights than w1 = (.9, .1): w1 w2' = .54 > w2 w2' = .505, so alpha_2 < 0
    w1, w2 = np.array([0.9, 0.1]), np.array([0.55, 0.45])
    g11, g12, g22 = w1 @ w1, w1 @ w2, w2 @ w2
    det = g11 * g22 - g12**2
    alpha = np.array([g22 * (g11 - g12), g11 * (g22 - g12)]) / det  # Cramer's rule
    result = game_theory_weights(pd.Series(w1, index=["p", "q"]), pd.Series(w2, index=["p", "q"]))
    np.testing.assert_allclose(result.alpha, alpha, atol=1e-14)
    assert result.alpha[1] < 0 and result.negative_coefficients
    coefficients = np.abs(alpha) / np.abs(alpha).sum()
    np.testing.assert_allclose(result.weights, coefficients[0] * w1 + coefficients[1] * w2, atol=1e-15)
    assert result.indicators == ("p", "q")


def test_game_theory_refuses_what_it_cannot_combine():
    with pytest.raises(ValueError, match="at least 2 weight vectors"):
        game_theory_weights([0.5, 0.5])
    with pytest.raises(ValueError, match="linearly dependent"):
        game_theory_weights([0.3, 0.7], [0.3, 0.7])
    with pytest.raises(ValueError, match="linearly dependent"):
        game_theory_weights([0.3, 0.7], [0.6, 0.4], [0.5, 0.5])
    with pytest.raises(ValueError, match="sums to 1.1"):
        game_theory_weights([0.3, 0.8], [0.6, 0.4])
    with pytest.raises(ValueError, match="negative"):
        game_theory_weights([1.2, -0.2], [0.6, 0.4])
    with pytest.raises(ValueError, match="different lengths"):
        game_theory_weights([0.3, 0.7], [0.2, 0.3, 0.5])
    with pytest.raises(ValueError, match="missing"):
        game_theory_weights([np.nan, 1.0], [0.6, 0.4])
    with pytest.raises(ValueError, match="different indicators"):
        game_theory_weights(pd.Series([0.3, 0.7], index=["a", "b"]), pd.Series([0.6, 0.4], index=["b", "a"]))
