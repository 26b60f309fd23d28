"""Regional disparity of a variable: regional means and gaps, the Dagum Gini coefficient and its decomposition,
the Theil index and its decomposition, and the coefficient of variation.

Dagum (1997, Empirical Economics 22: 515-531) for n units in k groups (the four NBS regions by default), group j
with n_j units of mean mu_j, overall mean mu, p_j = n_j / n and s_j = n_j mu_j / (n mu):

    G     = sum_j sum_h sum_i sum_r |y_ji - y_hr| / (2 n^2 mu)                 overall Gini
    G_jj  = sum_i sum_r |y_ji - y_jr| / (2 n_j^2 mu_j)                         within group j
    G_jh  = sum_i sum_r |y_ji - y_hr| / (n_j n_h (mu_j + mu_h))                between groups j and h
    D_jh  = (d_jh - p_jh) / (d_jh + p_jh)                                      relative economic affluence,
            d_jh = mean over pairs of max(y_ji - y_hr, 0), p_jh = mean of max(y_hr - y_ji, 0), mu_j >= mu_h
    G_w   = sum_j G_jj p_j s_j                                                 within-group contribution
    G_nb  = sum_{j>h} G_jh (p_j s_h + p_h s_j) D_jh                            net between-group contribution
    G_t   = sum_{j>h} G_jh (p_j s_h + p_h s_j) (1 - D_jh)                      transvariation (overlap)

and G = G_w + G_nb + G_t exactly. Theil T (Theil 1967; Shorrocks 1980): T = (1/n) sum_i (y_i/mu) ln(y_i/mu) =
T_w + T_b with T_b = sum_j s_j ln(mu_j/mu) and T_w = sum_j s_j T_j, T_j the Theil index within group j
(0 ln 0 = 0; negative values are an error). The coefficient of variation uses the population standard
deviation (ddof = 0), like the two indices.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

from nqpf.regions import REGIONS


def _pairs_mean_abs(a: np.ndarray, b: np.ndarray) -> float:
    """Mean of |a_i - b_r| over all pairs, in O((n_a + n_b) log) time via sorting."""
    if len(a) == 0 or len(b) == 0:
        return np.nan
    b_sorted = np.sort(b)
    prefix = np.concatenate([[0.0], np.cumsum(b_sorted)])
    below = np.searchsorted(b_sorted, a, side="right")  # b_r <= a_i
    total_b = prefix[-1]
    sums = a * below - prefix[below] + (total_b - prefix[below]) - a * (len(b) - below)
    return float(sums.sum() / (len(a) * len(b)))


def dagum_gini(values: np.ndarray, groups: np.ndarray, order: list[str] | None = None) -> dict:
    """Dagum's Gini and its decomposition for one cross-section (see the module docstring)."""
    y = np.asarray(values, dtype=float)
    g = np.asarray(groups)
    names = order or list(dict.fromkeys(g))
    names = [name for name in names if np.any(g == name)]
    n, mu = len(y), y.mean()
    members = {name: y[g == name] for name in names}
    mean = {name: members[name].mean() for name in names}
    p = {name: len(members[name]) / n for name in names}
    s = {name: len(members[name]) * mean[name] / (n * mu) for name in names}
    total = _pairs_mean_abs(y, y) / (2.0 * mu)
    within = {name: _pairs_mean_abs(members[name], members[name]) / (2.0 * mean[name]) for name in names}
    between, affluence = {}, {}
    g_nb = g_t = 0.0
    for a, b in itertools.combinations(names, 2):
        hi, lo = (a, b) if mean[a] >= mean[b] else (b, a)
        delta = _pairs_mean_abs(members[hi], members[lo])
        gjh = delta / (mean[hi] + mean[lo])
        # d - p = mu_hi - mu_lo and d + p = delta, so D_jh needs no pairwise positive parts
        d_jh = (mean[hi] - mean[lo]) / delta if delta > 0 else 0.0
        weight = p[hi] * s[lo] + p[lo] * s[hi]
        between[(a, b)] = gjh
        affluence[(a, b)] = d_jh
        g_nb += gjh * weight * d_jh
        g_t += gjh * weight * (1.0 - d_jh)
    g_w = sum(within[name] * p[name] * s[name] for name in names)
    return {
        "G": total,
        "G_w": g_w,
        "G_nb": g_nb,
        "G_t": g_t,
        "within": within,
        "between": between,
        "D": affluence,
        "groups": names,
    }


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


def regional_means(frame: pd.DataFrame, variable: str, group: str = "region", order=REGIONS) -> pd.DataFrame:
    """Mean by group and year, the national mean, each group's gap to the first group (the East) and ratio."""
    rows = []
    for year, data in frame.groupby("year", sort=True):
        data = data.dropna(subset=[variable])
        means = data.groupby(group)[variable].mean()
        lead = means.get(order[0], np.nan)
        for name in [*order, "National"]:
            value = data[variable].mean() if name == "National" else means.get(name, np.nan)
            rows.append(
                {
                    "variable": variable,
                    "year": int(year),
                    "region": name,
                    "mean": value,
                    "gap_to_east": lead - value,
                    "ratio_to_east": value / lead if lead else np.nan,
                }
            )
    return pd.DataFrame(rows)


def growth_multiples(means: pd.DataFrame) -> pd.DataFrame:
    """Mean in the first and last year by region, the multiple and the average annual growth rate (%)."""
    rows = []
    for (variable, region), data in means.groupby(["variable", "region"], sort=False):
        data = data.dropna(subset=["mean"]).sort_values("year")
        if data.empty:
            continue
        first, last = data.iloc[0], data.iloc[-1]
        years = last["year"] - first["year"]
        multiple = last["mean"] / first["mean"] if first["mean"] else np.nan
        rate = (multiple ** (1.0 / years) - 1.0) * 100.0 if years > 0 and multiple > 0 else np.nan
        rows.append(
            {
                "variable": variable,
                "region": region,
                "first_year": int(first["year"]),
                "last_year": int(last["year"]),
                "mean_first": first["mean"],
                "mean_last": last["mean"],
                "multiple": multiple,
                "annual_growth_percent": rate,
            }
        )
    return pd.DataFrame(rows)


def coefficient_of_variation(values: np.ndarray) -> float:
    values = np.asarray(values, dtype=float)
    return float(values.std(ddof=0) / values.mean())


def analyse(
    frame: pd.DataFrame, variables: list[str], group: str = "region", order=REGIONS
) -> dict[str, pd.DataFrame]:
    """Every disparity table of the variables: regional means and gaps, growth multiples, Dagum Gini (overall,
    within, between), Theil, coefficients of variation. ``frame`` has code, year, the group column and the
    variables; units without a group are left out."""
    frame = frame[frame[group].notna()]
    order = (
        [g for g in order if g in set(frame[group])] if group == "region" else sorted(frame[group].unique())
    )
    means = pd.concat([regional_means(frame, v, group, order) for v in variables], ignore_index=True)
    total, within, between, theil_rows, dispersion = [], [], [], [], []
    for variable in variables:
        for year, data in frame.dropna(subset=[variable]).groupby("year", sort=True):
            y, g = data[variable].to_numpy(dtype=float), data[group].to_numpy()
            dg = dagum_gini(y, g, order)
            parts = {"G_w": dg["G_w"], "G_nb": dg["G_nb"], "G_t": dg["G_t"]}
            total.append(
                {
                    "variable": variable,
                    "year": int(year),
                    "G": dg["G"],
                    **parts,
                    **{
                        f"share_{k[2:]}_percent": 100 * v / dg["G"] if dg["G"] else np.nan
                        for k, v in parts.items()
                    },
                }
            )
            within += [
                {"variable": variable, "year": int(year), "region": name, "G_jj": value}
                for name, value in dg["within"].items()
            ]
            between += [
                {
                    "variable": variable,
                    "year": int(year),
                    "region_a": a,
                    "region_b": b,
                    "G_jh": value,
                    "D_jh": dg["D"][(a, b)],
                }
                for (a, b), value in dg["between"].items()
            ]
            th = theil(y, g, order)
            theil_rows.append(
                {
                    "variable": variable,
                    "year": int(year),
                    "T": th["T"],
                    "T_within": th["T_w"],
                    "T_between": th["T_b"],
                    "share_within_percent": 100 * th["T_w"] / th["T"] if th["T"] else np.nan,
                    **{f"T_{name}": value for name, value in th["within"].items()},
                }
            )
            dispersion.append(
                {
                    "variable": variable,
                    "year": int(year),
                    "region": "National",
                    "mean": y.mean(),
                    "sd": y.std(ddof=0),
                    "cv": coefficient_of_variation(y),
                    "n": len(y),
                }
            )
            for name in order:
                part = y[g == name]
                if len(part):
                    dispersion.append(
                        {
                            "variable": variable,
                            "year": int(year),
                            "region": name,
                            "mean": part.mean(),
                            "sd": part.std(ddof=0),
                            "cv": coefficient_of_variation(part),
                            "n": len(part),
                        }
                    )
    return {
        "regional_means": means,
        "regional_growth": growth_multiples(means),
        "dagum_gini": pd.DataFrame(total),
        "dagum_gini_within": pd.DataFrame(within),
        "dagum_gini_between": pd.DataFrame(between),
        "theil": pd.DataFrame(theil_rows),
        "dispersion": pd.DataFrame(dispersion),
    }
