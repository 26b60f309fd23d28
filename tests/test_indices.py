"""The entropy weight method on a case worked by hand."""

import numpy as np
import pytest

from nqpf import indices


def test_entropy_weights_worked_by_hand():
    # Indicator A = (1, 2, 3), B = (10, 10, 40) on three units.
    # Min-max: z_A = (0, 0.5, 1), z_B = (0, 0, 1). Shift s = 0.0001:
    #   A: (0.0001, 0.5001, 1.0001) / 1.5003 = (6.66533e-5, 0.333333, 0.666600)
    #   B: (0.0001, 0.0001, 1.0001) / 1.0003 = (9.99700e-5, 9.99700e-5, 0.999800)
    # e_j = -(1 / ln 3) sum p ln p:
    #   e_A = -(6.66533e-5 ln 6.66533e-5 + 0.333333 ln 0.333333 + 0.666600 ln 0.666600) / 1.098612 = 0.579999
    #   e_B = -(2 * 9.99700e-5 ln 9.99700e-5 + 0.999800 ln 0.999800) / 1.098612 = 0.001858
    # d = 1 - e = (0.420001, 0.998142); w = d / 1.418143 = (0.296162, 0.703838).
    # B is the more concentrated indicator, so it carries more weight. Index of unit 2: 0.296162 * 0.5 = 0.148081.
    x = np.array([[1.0, 10.0], [2.0, 10.0], [3.0, 40.0]])
    z = np.column_stack([indices.minmax(x[:, 0]), indices.minmax(x[:, 1])])
    entropy, weights = indices.entropy_weights(z)
    np.testing.assert_allclose(entropy, [0.579999, 0.001858], atol=1e-6)
    np.testing.assert_allclose(weights, [0.296162, 0.703838], atol=1e-6)
    index, _ = indices.entropy_index(x)
    np.testing.assert_allclose(index, [0.0, 0.148081, 1.0], atol=1e-6)


def test_negative_indicators_are_reversed():
    assert indices.minmax(np.array([1.0, 3.0, 2.0]), negative=True).tolist() == [1.0, 0.0, 0.5]


def test_a_constant_indicator_cannot_be_normalised():
    with pytest.raises(ValueError, match="constant"):
        indices.minmax(np.array([2.0, 2.0]))
