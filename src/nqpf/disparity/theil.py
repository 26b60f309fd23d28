"""The Theil T index and its within/between-group decomposition (Theil 1967; Shorrocks 1980):
T = (1/n) sum_i (y_i/mu) ln(y_i/mu) = T_w + T_b with T_b = sum_j s_j ln(mu_j/mu) and T_w = sum_j s_j T_j, T_j the
Theil index within group j and s_j = n_j mu_j / (n mu) (0 ln 0 = 0; negative values are an error).
"""

from __future__ import annotations

import numpy as np


def theil(values: np.ndarray, groups: np.ndarray, order: list[str] | None = None) -> dict:
    """Theil T and its within/between decomposition for one cross-section."""
    y = np.asarray(values, dtype=float)
    if np.any(y < 0):
        raise ValueError("the Theil index needs non-negative values")
    g = np.asarray(groups)
    names = [name for name in (order or list(dict.fromkeys(g))) if np.any(g == name)]

    def t_index(v):
        m = v.mean()
        ratio = v / m
        with np.errstate(divide="ignore", invalid="ignore"):
            terms = np.where(ratio > 0, ratio * np.log(ratio), 0.0)
        return float(terms.mean())

    n, mu = len(y), y.mean()
    within_group = {name: t_index(y[g == name]) for name in names}
    share = {name: (g == name).sum() * y[g == name].mean() / (n * mu) for name in names}
    t_between = sum(share[name] * np.log(y[g == name].mean() / mu) for name in names if share[name] > 0)
    t_within = sum(share[name] * within_group[name] for name in names)
    return {"T": t_index(y), "T_w": float(t_within), "T_b": float(t_between), "within": within_group}
