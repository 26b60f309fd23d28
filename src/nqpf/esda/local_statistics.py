"""Local statistics: local Moran's I (LISA) and Getis-Ord Gi*, with analytic and conditional permutation inference.

Local Moran (Anselin 1995), with z = x - mean(x) and m2 = sum(z^2) / n:
    I_i = (z_i / m2) sum_j w_ij z_j
with expectation and variance under conditional randomisation (Sokal, Oden and Thomson 1998, eqs. A7, A8), as
spdep's ``localmoran`` (its defaults ``conditional = TRUE``, ``mlvar = TRUE``):
    E(I_i) = -z_i^2 W_i / ((n - 1) m2)
    Var(I_i) = (z_i / m2)^2 n / (n - 2) (W_i2 - W_i^2 / (n - 1)) (m2 - z_i^2 / (n - 1))
with W_i = sum_j w_ij and W_i2 = sum_j w_ij^2. The quadrant compares z_i and its lag with 0 (High-High, Low-High,
Low-Low, High-Low).

Gi* (Ord and Getis 1995) on the binary links of W with each unit its own neighbour (w_ii = 1):
    Z(G*_i) = (sum_j w_ij x_j - W_i xbar) / sqrt(s^2 (n S1_i - W_i^2) / (n - 1)),
    s^2 = sum (x - xbar)^2 / n, S1_i = sum_j w_ij^2, as spdep's ``localG`` on ``include.self``.
In its conditional permutations unit i keeps its own value (spdep's ``fix_i_in_Gstar_permutations``).

Permutation p-values (``p_sim``) compare the statistic with its values under conditional permutation (Anselin
1995) as rank p-values (Hope 1968) by ``alternative``: ``two-sided`` (twice the smaller tail, the default),
``greater`` or ``folded`` (the smaller tail alone, as GeoDa, esda's ``p_sim`` and spdep's ``Pr(folded) Sim``);
:mod:`nqpf.esda.permutation` gives the exact counting rules and each tool's equivalent. The multiple-testing
corrections of :func:`with_significance` work on that p.

Islands (units without neighbours) get no local statistic: their rows are missing, never zero, and they are not
counted in the multiple-testing corrections.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.special import ndtr

from nqpf.esda import clusters
from nqpf.esda.permutation import TIE, Draws, conditional_lags_by_unit, pseudo_p

QUADRANTS = {(True, True): "HH", (False, True): "LH", (False, False): "LL", (True, False): "HL"}


def local_moran(
    x: np.ndarray, w: sp.csr_matrix, draws: Draws | None = None, alternative: str = "two-sided"
) -> pd.DataFrame:
    """I_i, E(I_i), Var(I_i), z, analytic two-sided p, quadrant and (with ``draws``) the permutation p by
    ``alternative`` (two-sided, greater or folded; :mod:`nqpf.esda.permutation`)."""
    x = np.asarray(x, dtype=float)
    n = len(x)
    z = x - x.mean()
    m2 = (z @ z) / n
    lag = w @ z
    wi = np.asarray(w.sum(axis=1)).ravel()
    wi2 = np.asarray(w.multiply(w).sum(axis=1)).ravel()
    island = np.diff(w.indptr) == 0
    value = z * lag / m2
    expected = -(z**2) * wi / ((n - 1) * m2)
    variance = (z / m2) ** 2 * (n / (n - 2)) * (wi2 - wi**2 / (n - 1)) * (m2 - z**2 / (n - 1))
    with np.errstate(invalid="ignore", divide="ignore"):
        zscore = (value - expected) / np.sqrt(variance)
    frame = pd.DataFrame(
        {
            "value": value,
            "expected": expected,
            "variance": variance,
            "z": zscore,
            "p_norm": 2 * ndtr(-np.abs(zscore)),
            "quadrant": quadrants(z, lag),
            "lag": lag,
            "p_sim": np.nan,
        }
    )
    if draws is not None:
        frame["p_sim"] = _permutation_p(value, z, w, draws, z / m2, alternative)
    frame.loc[island, ["value", "expected", "variance", "z", "p_norm", "p_sim", "lag"]] = np.nan
    frame.loc[island, "quadrant"] = "island"
    return frame


def quadrants(z: np.ndarray, lag: np.ndarray) -> np.ndarray:
    """The quadrant of each unit (``QUADRANTS``) from the signs of z_i and its lag."""
    labels = np.array([QUADRANTS[(a, b)] for a in (False, True) for b in (False, True)], dtype=object)
    return labels[2 * (np.asarray(z) > 0) + (np.asarray(lag) > 0)]


def gi_star(
    x: np.ndarray, w: sp.csr_matrix, draws: Draws | None = None, alternative: str = "two-sided"
) -> pd.DataFrame:
    """G*_i, its expectation, variance and z (Ord and Getis 1995), analytic p and (with ``draws``) permutation p
    by ``alternative`` (two-sided, greater: hot spots, or folded)."""
    x = np.asarray(x, dtype=float)
    n = len(x)
    links = sp.csr_matrix((np.ones(w.nnz), w.indices, w.indptr), shape=w.shape)
    island = np.diff(links.indptr) == 0
    star = links + sp.eye(n, format="csr")
    lag = star @ x
    wi = np.asarray(star.sum(axis=1)).ravel()
    s1 = wi  # binary weights: sum of squares equals sum
    mean = x.mean()
    s2 = ((x - mean) ** 2).sum() / n
    expected = wi * mean
    variance = s2 * (n * s1 - wi**2) / (n - 1)
    zscore = (lag - expected) / np.sqrt(variance)
    total = x.sum()
    frame = pd.DataFrame(
        {
            "value": lag / total,
            "expected": expected / total,
            "variance": variance / total**2,
            "z": zscore,
            "p_norm": 2 * ndtr(-np.abs(zscore)),
            "quadrant": np.where(zscore > 0, "hot", "cold"),
            "lag": lag,
            "p_sim": np.nan,
        }
    )
    if draws is not None:
        # G*_i increases with the sum of the drawn neighbours, i's own value fixed: comparing sums gives the same
        # counts in both tails
        frame["p_sim"] = _permutation_p(lag - x, x, links, draws, np.ones(n), alternative)
    frame.loc[island, ["value", "expected", "variance", "z", "p_norm", "p_sim", "lag"]] = np.nan
    frame.loc[island, "quadrant"] = "island"
    return frame


def _permutation_p(observed, values, w, draws: Draws, scale: np.ndarray, alternative: str) -> np.ndarray:
    """Conditional-permutation p of the statistic scale_i * (lag of ``values``)_i by ``alternative``; the
    counts of ``permutation.tail_counts``, unit by unit."""
    n = len(values)
    at_least = np.zeros(n)
    at_most = np.zeros(n)
    seen = np.zeros(n, dtype=bool)
    for units, lags in conditional_lags_by_unit(values, w, draws):
        simulated = lags * scale[units][:, None]
        # a tiny tolerance counts draws that reproduce the observed value (ties) on both sides
        target = observed[units][:, None]
        tolerance = TIE * np.maximum(1.0, np.abs(target))
        at_least[units] += np.count_nonzero(simulated >= target - tolerance, axis=1)
        at_most[units] += np.count_nonzero(simulated <= target + tolerance, axis=1)
        seen[units] = True
    p = np.full(n, np.nan)
    p[seen] = pseudo_p(at_least[seen], at_most[seen], draws.permutations, alternative)
    return p


def reference_distribution(statistic: str, x: np.ndarray, w: sp.csr_matrix, draws: Draws) -> np.ndarray:
    """The permuted statistics behind ``p_sim`` (n x R; rows of islands missing), on the scale of ``value``: I_i
    (``lisa``) or G*_i (``gi_star``). ``permutation.reference_p(value, reference, alternative)`` gives ``p_sim``
    again; other tools' p-value rules can be applied to it (esda's ``rlisas`` is the same array)."""
    x = np.asarray(x, dtype=float)
    n = len(x)
    reference = np.full((n, draws.permutations), np.nan)
    # the same arithmetic as ``value``: z_i lag / m2 (LISA), (x_i + drawn neighbours) / sum(x) (Gi*)
    if statistic == "lisa":
        z = x - x.mean()
        m2 = (z @ z) / n
        for units, lags in conditional_lags_by_unit(z, w, draws):
            reference[units] = z[units][:, None] * lags / m2
    elif statistic == "gi_star":
        links = sp.csr_matrix((np.ones(w.nnz), w.indices, w.indptr), shape=w.shape)
        for units, sums in conditional_lags_by_unit(x, links, draws):
            reference[units] = (sums + x[units][:, None]) / x.sum()
    else:
        raise ValueError(f"unknown local statistic {statistic!r}; use lisa or gi_star")
    return reference


def undefined(n: int) -> pd.DataFrame:
    """The rows of a local statistic for a variable without variation: no value, quadrant ``undefined``, not
    significant, in no cluster."""
    missing = np.full(n, np.nan)
    return pd.DataFrame(
        {
            "value": missing,
            "expected": missing,
            "variance": missing,
            "z": missing,
            "p_norm": missing,
            "quadrant": "undefined",
            "lag": missing,
            "p_sim": missing,
            "p_adjusted": missing,
            "significant": np.zeros(n, dtype=bool),
            "cluster_id": np.zeros(n, dtype=int),
        }
    )


def with_significance(
    result: pd.DataFrame, statistic: str, w: sp.csr_matrix, method: str, alpha: float, permuted: bool
) -> pd.DataFrame:
    """A local statistic's table with its p-values adjusted over the map (``method``: fdr, bonferroni or alpha;
    the permutation p when ``permuted``, by the alternative it was computed with, else the analytic one), the
    units significant at ``alpha``, and the
    clusters: connected significant High-High units (LISA) or hot spots (Gi*), numbered by size."""
    p = result["p_sim"] if permuted else result["p_norm"]
    result["p_adjusted"] = clusters.adjust(p.to_numpy(), method)
    result["significant"] = (result["p_adjusted"] <= alpha).fillna(False).astype(bool)
    target = "HH" if statistic == "lisa" else "hot"
    result["cluster_id"] = clusters.components(
        (result["significant"] & (result["quadrant"] == target)).to_numpy(), w
    )
    return result
