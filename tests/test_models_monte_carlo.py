"""Monte Carlo recovery of known parameters (seeded): the two-way fixed-effects SDM under the Lee-Yu default and
the direct approach, the coverage of the effects' simulated intervals, and random effects with the Hausman test.

The design: Columbus queen W (N = 49, row-standardised), T = 10, x correlated with the unit effects, a time trend
in the time effects; rho = 0.4, beta = (0.5, 1.0), theta = (-0.45, 0.3): new infrastructure's shape (positive
direct, negative indirect effect) and a control with a positive spillover.
"""

from __future__ import annotations

import numpy as np
import pytest

from nqpf.models import effects, selection
from nqpf.models.estimation import fit, lag_covariance_at
from nqpf.models.operator import SpatialOperator
from nqpf.models.panel_data import Panel
from nqpf.models.random_effects import fit_random
from nqpf.weights import spectrum
from nqpf.weights.standardise import parameter_bounds
from tests.fixtures import make_spatialreg

pytestmark = pytest.mark.slow

T = 10
RHO = 0.4
BETA = np.array([0.5, 1.0])
THETA = np.array([-0.45, 0.3])
REPLICATIONS = 1000


@pytest.fixture(scope="module")
def design():
    w, _ = make_spatialreg.columbus()
    eigen = spectrum.compute(w.raw, w.matrix)
    op = SpatialOperator(w.matrix, eigen)
    bounds = parameter_bounds(eigen.real.min(), eigen.real.max())
    dense = w.matrix.toarray()
    n = dense.shape[0]
    inverse = np.linalg.inv(np.eye(n) - RHO * dense)
    truth = []
    for b, t in zip(BETA, THETA, strict=True):
        s = inverse @ (b * np.eye(n) + t * dense)
        direct, total = np.trace(s) / n, s.sum() / n
        truth += [direct, total - direct, total]
    return w, op, bounds, inverse, np.array(truth)


def simulate(w, inverse, rng, correlation=0.7):
    """A panel whose regressors load ``correlation`` on the unit effects (0: random effects are right)."""
    n = w.matrix.shape[0]
    mu = rng.normal(0, 1, n)
    alpha = 0.1 * np.arange(T) + rng.normal(0, 0.3, T)
    x = rng.normal(0, 1, (T, n, 2)) + correlation * mu[None, :, None]
    y = np.empty((T, n))
    for t in range(T):
        mean = x[t] @ BETA + w.matrix @ x[t] @ THETA + mu + alpha[t]
        y[t] = inverse @ (mean + rng.normal(0, 1, n))
    return Panel(y, x, ("x1", "x2"), tuple(w.ids), tuple(range(T)), "y")


def test_two_way_sdm_recovers_parameters_and_effects_cover(design):
    w, op, bounds, inverse, truth = design
    rng = np.random.default_rng(20240601)
    lee_yu, direct, lee_yu_sigma2, direct_sigma2, covered = [], [], [], [], []
    for _ in range(REPLICATIONS):
        panel = simulate(w, inverse, rng)
        result = fit("sdm", panel, op, "two-way", "lee_yu", bounds)
        uncorrected = fit("sdm", panel, op, "two-way", "direct", bounds)
        lee_yu.append(np.append(result.coef, result.spatial))
        direct.append(np.append(uncorrected.coef, uncorrected.spatial))
        lee_yu_sigma2.append(result.sigma2)
        direct_sigma2.append(uncorrected.sigma2)
        table, _ = effects.effects(result, op, ["x1", "x2"], 1000, rng, bounds)
        covered.append(((table["ci_low"] <= truth) & (truth <= table["ci_high"])).to_numpy())
    true = np.concatenate([BETA, THETA, [RHO]])
    estimates, uncorrected = np.array(lee_yu), np.array(direct)
    bias = estimates.mean(axis=0) - true
    spread = estimates.std(axis=0, ddof=1)
    # Lee-Yu: every parameter's bias is below a quarter of its sampling standard deviation (what remains is the
    # O(1/NT) bias of ML); the direct approach's rho is off by about one standard deviation (time effects, N = 49)
    assert np.all(np.abs(bias) < 0.25 * spread), (bias, spread)
    assert uncorrected[:, -1].mean() - RHO < -0.5 * uncorrected[:, -1].std(ddof=1)
    # sigma^2 (true 1): unbiased under Lee-Yu; the direct approach underestimates it by about 1/T + 1/N
    assert abs(np.mean(lee_yu_sigma2) - 1) < 0.02
    assert np.mean(direct_sigma2) < 0.93
    coverage = np.array(covered).mean(axis=0)
    assert np.all((coverage >= 0.92) & (coverage <= 0.98)), coverage


def hausman_p(panel, op, bounds, random):
    """The p-value of the Hausman test of the two-way Lee-Yu SDM against random effects (as the analysis runs it)."""
    fixed = fit("sdm", panel, op, "two-way", "lee_yu", bounds)
    at_random = lag_covariance_at(panel, op, "sdm", "two-way", "lee_yu", random)
    return selection.hausman(fixed, random, at_random)[0][3]


def test_random_effects_recover_parameters_and_hausman_has_size_and_power(design):
    w, op, bounds, inverse, _ = design
    rng = np.random.default_rng(20240602)
    estimates, rejections = [], {"random": [], "fixed": []}
    for _ in range(300):
        panel = simulate(w, inverse, rng, correlation=0.0)
        result = fit_random(panel, op, bounds, durbin=True, time_effects=True)
        estimates.append(np.append(result.coef, result.spatial))
        rejections["random"].append(hausman_p(panel, op, bounds, result) < 0.05)
    for _ in range(100):  # unit effects that explain two thirds of a regressor's variance
        panel = simulate(w, inverse, rng, correlation=1.5)
        random = fit_random(panel, op, bounds, durbin=True, time_effects=True)
        rejections["fixed"].append(hausman_p(panel, op, bounds, random) < 0.05)
    estimates = np.array(estimates)
    true = np.concatenate([BETA, THETA, [RHO]])
    bias = estimates.mean(axis=0) - true
    assert np.all(np.abs(bias) < 0.25 * estimates.std(axis=0, ddof=1)), bias
    assert 0.02 <= np.mean(rejections["random"]) <= 0.08  # size: near 5 % when random effects are right
    assert np.mean(rejections["fixed"]) > 0.90  # power: unit effects correlated with x are detected
