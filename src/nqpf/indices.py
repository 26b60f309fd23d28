"""Composite indices by the entropy weight method (熵值法).

For indicator j observed on m unit-years (pooled over the panel by default, so that index values compare
across years):
1. min-max normalisation, z_ij = (x_ij - min_j) / (max_j - min_j) for a positive indicator and
   (max_j - x_ij) / (max_j - min_j) for a negative one, so z lies in [0, 1] and higher is better;
2. shares p_ij = (z_ij + s) / sum_i (z_ij + s) with the shift s = 0.0001, added only here so that ln p_ij is
   defined where z_ij = 0 (the minimum of every indicator, and the structural zeros such as 5G base stations
   before 2019);
3. entropy e_j = -(1 / ln m) sum_i p_ij ln p_ij, divergence d_j = 1 - e_j, weight w_j = d_j / sum_k d_k;
4. index_i = sum_j w_j z_ij, in [0, 1].
"""

from __future__ import annotations

import numpy as np

ENTROPY_SHIFT = 1e-4


def minmax(values: np.ndarray, negative: bool = False) -> np.ndarray:
    """Min-max normalisation to [0, 1], reversed for a negative indicator; a constant column is an error."""
    values = np.asarray(values, dtype=float)
    low, high = np.min(values), np.max(values)
    if not high > low:
        raise ValueError("an indicator is constant over the panel; min-max normalisation is undefined")
    scaled = (values - low) / (high - low)
    return 1.0 - scaled if negative else scaled


def entropy_weights(normalised: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Entropy e_j and weights w_j of the columns of an (m x k) matrix of normalised indicators."""
    z = np.asarray(normalised, dtype=float)
    shifted = z + ENTROPY_SHIFT
    p = shifted / shifted.sum(axis=0)
    entropy = -(p * np.log(p)).sum(axis=0) / np.log(z.shape[0])
    divergence = 1.0 - entropy
    return entropy, divergence / divergence.sum()


def entropy_index(
    indicators: np.ndarray, negative: list[bool] | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Entropy-weighted index of the columns of an (m x k) matrix of raw indicators; returns index and weights."""
    x = np.asarray(indicators, dtype=float)
    negative = negative or [False] * x.shape[1]
    z = np.column_stack([minmax(x[:, j], negative[j]) for j in range(x.shape[1])])
    _, weights = entropy_weights(z)
    return z @ weights, weights
