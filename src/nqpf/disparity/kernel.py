"""Kernel density estimation of a variable's distribution across units, as the field's papers plot it year by year
to show its position, spread, shape and polarisation (Silverman 1986, ch. 3).

The Gaussian kernel with Scott's (1992) bandwidth h = s * n^(-1/5), s the sample standard deviation (ddof 1): the
density at x is (1 / (n h)) * sum_i phi((x - x_i) / h), phi the standard normal density (Silverman 1986, eq. 3.1).
This is what ``scipy.stats.gaussian_kde`` computes with its default bandwidth for one variable; written here so
that a figure job does not load ``scipy.stats``.
"""

from __future__ import annotations

import numpy as np

_ROOT_TWO_PI = np.sqrt(2.0 * np.pi)


def scott_bandwidth(sample) -> float:
    """Scott's (1992) rule of thumb for a Gaussian kernel: the sample standard deviation (ddof 1) times n^(-1/5)."""
    values = np.asarray(sample, dtype=float)
    return float(np.std(values, ddof=1) * len(values) ** (-0.2))


def gaussian_density(sample, grid, bandwidth: float | None = None) -> np.ndarray:
    """The Gaussian kernel density of ``sample`` (finite values) at the points of ``grid``, with ``bandwidth``
    (default Scott's rule, :func:`scott_bandwidth`). Needs at least two distinct values."""
    values = np.asarray(sample, dtype=float)
    points = np.asarray(grid, dtype=float)
    if values.ndim != 1 or len(values) < 2 or not np.isfinite(values).all():
        raise ValueError("the sample must be a one-dimensional array of at least two finite values")
    h = scott_bandwidth(values) if bandwidth is None else float(bandwidth)
    if not h > 0:
        raise ValueError(f"the bandwidth must be positive (got {h}); the sample needs two distinct values")
    scaled = (points[:, None] - values[None, :]) / h
    return np.exp(-0.5 * scaled**2).sum(axis=1) / (len(values) * h * _ROOT_TWO_PI)
