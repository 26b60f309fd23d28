"""Economic and economic-geographic (nested) weights, from a variable's mean over the study period.

Economic distance (Case, Rosen and Hines 1993, J. Public Econ. 52: 285-307; in the Chinese literature
林光平, 龙志和, 吴梅 2005, 经济学(季刊) 4(增刊)): w_ij = 1 / |xbar_i - xbar_j| for i != j, where xbar_i is unit
i's mean of a variable (usually GDP per capita) over the sample period. Units with equal means would have an
infinite weight; that stops with an error naming them.

Economic-geographic nested weights, two forms used in the Chinese regional literature:
- ``product`` (李婧, 谭清美, 白俊红 2010, 管理世界 (7)): W = W_d diag(xbar_1 / xbar, ..., xbar_n / xbar), with W_d
  inverse geographic distance and xbar the mean over all units: a neighbour weighs more the richer it is.
- ``mix`` (邵帅, 李欣, 曹建华, 杨莉莉 2016, 经济研究 (9)): W = phi W_d + (1 - phi) W_e, with W_d inverse
  distance and W_e economic distance, each row-standardised before they are combined.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp

from nqpf.errors import InputError, listed


def period_means(
    panel: pd.DataFrame, variable: str, ids, first: int, last: int
) -> tuple[np.ndarray, list[str]]:
    """Mean of ``variable`` per unit over the years first..last, in the order of ``ids``; and notes on gaps."""
    if variable not in panel.columns:
        raise InputError(
            f"economic weights need the variable {variable!r}, which the panel does not have",
            column=variable,
            fix="name a variable of the panel (read or derived) in weights[].variable",
        )
    window = panel[(panel["year"] >= first) & (panel["year"] <= last)]
    means = window.groupby("code")[variable].mean().reindex(list(ids))
    counts = window.groupby("code")[variable].count().reindex(list(ids)).fillna(0).astype(int)
    missing = means[means.isna()]
    if len(missing):
        raise InputError(
            f"units without any value of {variable!r} in {first}-{last}, so no economic weight",
            unit=listed(missing.index),
            column=variable,
            fix="supply the values, or choose another variable or period for this weights matrix",
        )
    years = last - first + 1
    notes = [f"{code}: mean of {n} of {years} years" for code, n in counts.items() if n < years]
    return means.to_numpy(dtype=float), notes


def economic_distance(means: np.ndarray, ids) -> sp.csr_matrix:
    """w_ij = 1 / |xbar_i - xbar_j|, zero diagonal."""
    gap = np.abs(means[:, None] - means[None, :])
    off = ~np.eye(len(means), dtype=bool)
    equal = np.argwhere(off & (gap == 0))
    if len(equal):
        pairs = listed(f"{ids[i]}-{ids[j]}" for i, j in equal[equal[:, 0] < equal[:, 1]])
        raise InputError(
            "units with identical period means have an infinite economic weight",
            unit=pairs,
            fix="use another variable or period for this weights matrix",
        )
    with np.errstate(divide="ignore"):
        values = np.where(off, 1.0 / np.where(off, gap, 1.0), 0.0)
    return sp.csr_matrix(values)


def nested_product(inverse_distance: sp.csr_matrix, means: np.ndarray) -> sp.csr_matrix:
    """W_d diag(xbar_j / xbar): column j scaled by unit j's economic weight."""
    if np.any(means <= 0):
        raise InputError(
            "nested (product) weights need a variable whose mean is positive for every unit",
            key="weights[].variable",
            fix="weight by a positive variable such as GDP per capita",
        )
    return sp.csr_matrix(inverse_distance @ sp.diags(means / means.mean()))


def row_standardised(matrix: sp.csr_matrix) -> sp.csr_matrix:
    sums = np.asarray(matrix.sum(axis=1)).ravel()
    scale = np.divide(1.0, sums, out=np.zeros_like(sums), where=sums != 0)
    return sp.csr_matrix(sp.diags(scale) @ matrix)


def nested_mix(inverse_distance: sp.csr_matrix, economic: sp.csr_matrix, phi: float) -> sp.csr_matrix:
    """phi W_d + (1 - phi) W_e, each row-standardised first."""
    if not 0.0 <= phi <= 1.0:
        raise InputError(
            f"phi must lie in [0, 1], not {phi}", key="weights[].phi", fix="give phi between 0 and 1"
        )
    return sp.csr_matrix(phi * row_standardised(inverse_distance) + (1.0 - phi) * row_standardised(economic))
