"""Global statistics: Moran's I, Geary's C and Getis-Ord General G, with their moments under normality and
randomisation (Cliff and Ord 1981, ch. 2; Getis and Ord 1992) and a total-permutation p-value.

With z = x - mean(x), S0 = sum_ij w_ij, S1 = 1/2 sum_ij (w_ij + w_ji)^2, S2 = sum_i (w_i. + w_.i)^2 and the
kurtosis b2 = n sum z^4 / (sum z^2)^2:

Moran's I = (n / S0) sum_ij w_ij z_i z_j / sum_i z_i^2,  E(I) = -1 / (n - 1)
  Var_N = (n^2 S1 - n S2 + 3 S0^2) / ((n^2 - 1) S0^2) - E(I)^2
  Var_R = [n ((n^2 - 3n + 3) S1 - n S2 + 3 S0^2) - b2 ((n^2 - n) S1 - 2n S2 + 6 S0^2)]
          / ((n - 1)(n - 2)(n - 3) S0^2) - E(I)^2
Geary's C = (n - 1) sum_ij w_ij (x_i - x_j)^2 / (2 S0 sum_i z_i^2),  E(C) = 1
  Var_N = ((2 S1 + S2)(n - 1) - 4 S0^2) / (2 (n + 1) S0^2)
  Var_R = [(n - 1) S1 (n^2 - 3n + 3 - (n - 1) b2) - 1/4 (n - 1) S2 (n^2 + 3n - 6 - (n^2 - n + 2) b2)
          + S0^2 (n^2 - 3 - (n - 1)^2 b2)] / (n (n - 2)(n - 3) S0^2)
  Its z is (E(C) - C) / sd, as in spdep's geary.test, so that positive z means positive autocorrelation for all
  three statistics.
General G = sum_{i != j} w_ij x_i x_j / sum_{i != j} x_i x_j (x >= 0) on the binary links of W (as spdep's
  globalG.test on style "B"),  E(G) = S0 / (n (n - 1)), its variance
  under randomisation from Getis and Ord (1992, eq. 10) with the moments m_k = sum x^k; G has no normality
  variance (reported missing).
The permutation p is two-sided (twice the smaller tail, Hope 1968) from R random relabellings of the values.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.special import ndtr

from nqpf.esda.permutation import product_operand, two_sided_p

STATISTICS = ("moran", "geary", "getis_ord")


def constants(w: sp.csr_matrix) -> tuple[float, float, float]:
    s0 = float(w.sum())
    both = w + w.T
    s1 = float(0.5 * both.multiply(both).sum())
    s2 = float(((np.asarray(w.sum(axis=1)).ravel() + np.asarray(w.sum(axis=0)).ravel()) ** 2).sum())
    return s0, s1, s2


def moran(x, w) -> dict:
    x = np.asarray(x, dtype=float)
    n = len(x)
    z = x - x.mean()
    s0, s1, s2 = constants(w)
    value = n / s0 * (z @ (w @ z)) / (z @ z)
    expected = -1.0 / (n - 1)
    b2 = n * (z**4).sum() / (z @ z) ** 2
    var_n = (n * n * s1 - n * s2 + 3 * s0**2) / ((n * n - 1) * s0**2) - expected**2
    var_r = (
        n * ((n * n - 3 * n + 3) * s1 - n * s2 + 3 * s0**2) - b2 * ((n * n - n) * s1 - 2 * n * s2 + 6 * s0**2)
    ) / ((n - 1) * (n - 2) * (n - 3) * s0**2) - expected**2
    return _moments("moran", value, expected, var_n, var_r, sign=1.0)


def geary(x, w) -> dict:
    x = np.asarray(x, dtype=float)
    n = len(x)
    z = x - x.mean()
    s0, s1, s2 = constants(w)
    coo = w.tocoo()
    value = (n - 1) * (coo.data * (x[coo.row] - x[coo.col]) ** 2).sum() / (2 * s0 * (z @ z))
    b2 = n * (z**4).sum() / (z @ z) ** 2
    var_n = ((2 * s1 + s2) * (n - 1) - 4 * s0**2) / (2 * (n + 1) * s0**2)
    var_r = (
        (n - 1) * s1 * (n * n - 3 * n + 3 - (n - 1) * b2)
        - 0.25 * (n - 1) * s2 * (n * n + 3 * n - 6 - (n * n - n + 2) * b2)
        + s0**2 * (n * n - 3 - (n - 1) ** 2 * b2)
    ) / (n * (n - 2) * (n - 3) * s0**2)
    return _moments("geary", value, 1.0, var_n, var_r, sign=-1.0)


def binary(w) -> sp.csr_matrix:
    """The links of W with weight 1 (General G and Gi* are defined on binary weights)."""
    w = sp.csr_matrix(w)
    return sp.csr_matrix((np.ones(w.nnz), w.indices, w.indptr), shape=w.shape)


def getis_ord(x, w) -> dict:
    x = np.asarray(x, dtype=float)
    # G needs non-negative values and two units with a non-zero value (else its denominator is 0)
    if np.any(x < 0) or x.sum() ** 2 - (x * x).sum() == 0:
        return _moments("getis_ord", np.nan, np.nan, np.nan, np.nan, sign=1.0)
    w = binary(w)
    n = len(x)
    s0, s1, s2 = constants(w)
    value = (x @ (w @ x) - (w.diagonal() * x * x).sum()) / (x.sum() ** 2 - (x * x).sum())
    expected = s0 / (n * (n - 1))
    m1, m2, m3, m4 = (float((x**k).sum()) for k in (1, 2, 3, 4))
    b0 = (n * n - 3 * n + 3) * s1 - n * s2 + 3 * s0**2
    b1 = -((n * n - n) * s1 - 2 * n * s2 + 6 * s0**2)
    b2 = -(2 * n * s1 - (n + 3) * s2 + 6 * s0**2)
    b3 = 4 * (n - 1) * s1 - 2 * (n + 1) * s2 + 8 * s0**2
    b4 = s1 - s2 + s0**2
    n4 = n * (n - 1) * (n - 2) * (n - 3)
    second = (b0 * m2**2 + b1 * m4 + b2 * m1**2 * m2 + b3 * m1 * m3 + b4 * m1**4) / ((m1**2 - m2) ** 2 * n4)
    return _moments("getis_ord", value, expected, np.nan, second - expected**2, sign=1.0)


def _moments(name, value, expected, var_n, var_r, sign) -> dict:
    out = {
        "statistic": name,
        "value": value,
        "expected": expected,
        "variance_norm": var_n,
        "variance_rand": var_r,
    }
    for label, var in (("norm", var_n), ("rand", var_r)):
        z = sign * (value - expected) / np.sqrt(var) if var and np.isfinite(var) and var > 0 else np.nan
        out[f"z_{label}"] = z
        out[f"p_{label}"] = 2 * ndtr(-abs(z)) if np.isfinite(z) else np.nan
    return out


_FUNCTIONS = {"moran": moran, "geary": geary, "getis_ord": getis_ord}


def undefined(which=STATISTICS, permutations: int = 0) -> pd.DataFrame:
    """The rows of ``global_statistics`` for a variable without variation: every number missing."""
    frame = pd.DataFrame([_moments(name, np.nan, np.nan, np.nan, np.nan, sign=1.0) for name in which])
    frame["p_sim"] = np.nan
    frame["permutations"] = permutations
    return frame


def global_statistics(x, w, which=STATISTICS, orderings=()) -> pd.DataFrame:
    """The statistics in ``which`` for one variable and W, with permutation p-values from ``orderings``: blocks of
    random orderings of the units (``permutation.total_permutations``), which may be shared by several years."""
    x = np.asarray(x, dtype=float)
    rows = [_FUNCTIONS[name](x, w) for name in which]
    frame = pd.DataFrame(rows)
    permutations = int(sum(len(block) for block in orderings))
    frame["p_sim"] = np.nan
    frame["permutations"] = permutations
    if permutations:
        simulated = {name: [] for name in which}
        operands = _Operands(w, which, x)
        for block in orderings:
            lags = {}  # the spatial lag products of this block, each made once for every statistic using it
            for name in which:
                simulated[name].append(_vectorised(name, block, operands, lags))
        for k, name in enumerate(which):
            values = np.concatenate(simulated[name])
            observed = frame.loc[k, "value"]
            if np.isfinite(observed):
                tol = 1e-12 * max(1.0, abs(observed))
                frame.loc[k, "p_sim"] = two_sided_p(
                    observed, (values >= observed - tol).sum(), (values <= observed + tol).sum(), permutations
                )
    return frame


class _Operands:
    """What the permuted statistics need from W and the values, made once per call: W and its binary links as
    left factors of the products (``permutation.product_operand``; the binary links only for General G, and W
    itself when W is binary), S0 and the margins w_i. + w_.i of Geary's C; the values ``x``, their deviations
    from the mean z and what every relabelling leaves unchanged: sum z^2, sum x and sum x^2."""

    def __init__(self, w, which, x):
        self.w = product_operand(w)
        self.s0 = w.sum()
        self.margins = np.asarray(w.sum(axis=1)).ravel() + np.asarray(w.sum(axis=0)).ravel()
        self.x = x
        self.z = x - x.mean()
        self.zz = self.z @ self.z
        self.total, self.squares = x.sum(), x @ x
        self.negative = bool(np.any(x < 0))
        self.binary = self.diagonal = None
        if "getis_ord" in which:
            links = binary(w)
            same = links.nnz == w.nnz and bool(np.all(sp.csr_matrix(w).data == 1.0))
            self.binary = self.w if same else product_operand(links)
            diagonal = links.diagonal()
            self.diagonal = diagonal[:, None] if np.any(diagonal) else None


def _vectorised(name: str, block: np.ndarray, operands: _Operands, lags: dict) -> np.ndarray:
    """The statistic under each relabelling of an (R x n) ``block`` of orderings of the units. Moran's I and
    Geary's C share W z, z the relabelled deviations from the mean (``lags``, filled on first use); General G
    takes the binary links times the relabelled values. Relabelling leaves the mean, sum z^2, sum x and sum x^2
    as they are, so they are taken from the observed values. Each relabelled block is gathered as an (n x R)
    array in row order, the layout the CSR product reads (a block in column order is copied first)."""
    n = block.shape[1]
    if name in ("moran", "geary"):
        if "zwz" not in lags:
            lags["z"] = z = operands.z[block.T]
            wz = operands.w @ z
            lags["zwz"] = np.einsum("ij,ij->j", z, wz)
        z, zwz = lags["z"], lags["zwz"]
        if name == "moran":
            return n / operands.s0 * zwz / operands.zz
        # sum_ij w_ij (x_i - x_j)^2 = sum_i (w_i. + w_.i) z_i^2 - 2 z'Wz: the differences do not change when the
        # mean is taken off, and the centred form avoids the cancellation of large raw values
        squares = operands.margins @ z**2 - 2 * zwz
        return (n - 1) * squares / (2 * operands.s0 * operands.zz)
    if operands.negative:
        return np.full(block.shape[0], np.nan)
    values = operands.x[block.T]
    cross = np.einsum("ij,ij->j", values, operands.binary @ values)
    if operands.diagonal is not None:
        cross -= (operands.diagonal * values**2).sum(axis=0)
    return cross / (operands.total**2 - operands.squares)
