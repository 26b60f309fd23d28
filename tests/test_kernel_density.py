"""The kernel density of nqpf.disparity against scipy's gaussian_kde (an independent implementation of the same
estimator: Gaussian kernel, Scott's bandwidth)."""

import numpy as np
import pytest
from scipy.stats import gaussian_kde

from nqpf.disparity import gaussian_density, scott_bandwidth


@pytest.mark.parametrize("n", [3, 31, 297, 2848])
def test_density_and_bandwidth_match_scipy(n):
    rng = np.random.default_rng(n)
    sample = rng.lognormal(mean=0.0, sigma=0.8, size=n)
    grid = np.linspace(sample.min() - 1, sample.max() + 1, 256)
    reference = gaussian_kde(sample)
    assert scott_bandwidth(sample) == pytest.approx(np.sqrt(reference.covariance[0, 0]), rel=1e-12)
    np.testing.assert_allclose(gaussian_density(sample, grid), reference(grid), rtol=1e-10, atol=1e-14)


def test_density_integrates_to_one_and_takes_a_bandwidth():
    sample = np.array([0.1, 0.4, 0.45, 0.9])
    grid = np.linspace(-3, 4, 20001)
    density = gaussian_density(sample, grid, bandwidth=0.2)
    assert np.trapezoid(density, grid) == pytest.approx(1.0, abs=1e-9)
    # one point, by hand: the mean of four normal densities with sd 0.2 at 0.4
    by_hand = np.mean(np.exp(-0.5 * ((0.4 - sample) / 0.2) ** 2) / (0.2 * np.sqrt(2 * np.pi)))
    assert gaussian_density(sample, [0.4], bandwidth=0.2)[0] == pytest.approx(by_hand, rel=1e-14)


@pytest.mark.parametrize("sample", [[1.0], [2.0, 2.0, 2.0], [1.0, np.nan, 2.0]])
def test_density_refuses_samples_it_cannot_estimate(sample):
    with pytest.raises(ValueError, match="sample|bandwidth"):
        gaussian_density(sample, [0.0])
