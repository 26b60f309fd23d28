"""Sigma and beta convergence of a variable, nationally and within each region.

- sigma: the coefficient of variation by year, and its linear trend (OLS of CV on the year; a negative, significant
  slope is sigma convergence).
- absolute beta (Barro and Sala-i-Martin 1992, J. Political Economy 100: 223-251): the cross-section regression
  (ln y_iT - ln y_i0) / T = a + b ln y_i0 + e, heteroskedasticity-robust (HC1) standard errors. b < 0 is
  convergence; the speed is lambda = -ln(1 + b T) / T and the half-life ln 2 / lambda.
- conditional beta: the panel regression ln y_it - ln y_i,t-1 = b ln y_i,t-1 + mu_i + eta_t + e with unit and year
  fixed effects (two-way within transformation of a balanced panel), standard errors clustered by unit; speed
  lambda = -ln(1 + b), half-life ln 2 / lambda. (Fixed effects make b biased towards convergence in short panels,
  Nickell 1981; read it as descriptive.)
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import stdtr


def _ols(y: np.ndarray, x: np.ndarray, cluster: np.ndarray | None = None, robust: bool = True):
    """Coefficients and standard errors: HC1, or cluster-robust with the usual small-sample factor."""
    n, k = x.shape
    xtx_inv = np.linalg.inv(x.T @ x)
    beta = xtx_inv @ x.T @ y
    e = y - x @ beta
    if cluster is not None:
        meat = np.zeros((k, k))
        labels = np.unique(cluster)
        for label in labels:
            score = x[cluster == label].T @ e[cluster == label]
            meat += np.outer(score, score)
        g = len(labels)
        factor = g / (g - 1) * (n - 1) / (n - k)
        cov = factor * xtx_inv @ meat @ xtx_inv
        dof = g - 1
    elif robust:
        cov = n / (n - k) * xtx_inv @ (x.T * e**2) @ x @ xtx_inv
        dof = n - k
    else:
        cov = (e @ e) / (n - k) * xtx_inv
        dof = n - k
    se = np.sqrt(np.diag(cov))
    r2 = 1.0 - (e @ e) / ((y - y.mean()) @ (y - y.mean())) if np.ptp(y) > 0 else np.nan
    return beta, se, dof, r2


def _test(b: float, se: float, dof: int) -> tuple[float, float]:
    t = b / se if se > 0 else np.nan
    return t, float(2 * stdtr(dof, -abs(t))) if np.isfinite(t) else np.nan


def sigma(frame: pd.DataFrame, variable: str, group: str, order) -> pd.DataFrame:
    rows = []
    for name in ["National", *order]:
        data = frame if name == "National" else frame[frame[group] == name]
        by_year = data.dropna(subset=[variable]).groupby("year")[variable]
        cv = (by_year.std(ddof=0) / by_year.mean()).dropna()
        if len(cv) < 3:
            continue
        years = cv.index.to_numpy(dtype=float)
        beta, se, dof, r2 = _ols(cv.to_numpy(), np.column_stack([np.ones(len(cv)), years]), robust=False)
        t, p = _test(beta[1], se[1], dof)
        rows.append(
            {
                "variable": variable,
                "region": name,
                "type": "sigma",
                "first_cv": cv.iloc[0],
                "last_cv": cv.iloc[-1],
                "coefficient": beta[1],
                "std_error": se[1],
                "t": t,
                "p": p,
                "r2": r2,
                "n": len(cv),
            }
        )
    return pd.DataFrame(rows)


def beta(frame: pd.DataFrame, variable: str, group: str, order) -> pd.DataFrame:
    """Absolute (cross-section) and conditional (two-way FE panel) beta convergence by group."""
    data = frame.dropna(subset=[variable])
    if (data[variable] <= 0).any():
        return pd.DataFrame()
    rows = []
    years = sorted(data["year"].unique())
    span = years[-1] - years[0]
    for name in ["National", *order]:
        part = data if name == "National" else data[data[group] == name]
        wide = part.pivot(index="code", columns="year", values=variable).dropna()
        if len(wide) < 4 or span < 1:
            continue
        log_y = np.log(wide.to_numpy())
        growth = (log_y[:, -1] - log_y[:, 0]) / span
        b, se, dof, r2 = _ols(growth, np.column_stack([np.ones(len(growth)), log_y[:, 0]]))
        t, p = _test(b[1], se[1], dof)
        speed = -np.log(1 + b[1] * span) / span if 1 + b[1] * span > 0 else np.nan
        rows.append(_row(variable, name, "absolute beta", b[1], se[1], t, p, r2, len(growth), speed))
        # conditional: two-way within transformation of the balanced panel of growth on lagged levels
        dy = np.diff(log_y, axis=1)
        lag = log_y[:, :-1]

        def within(a):
            return a - a.mean(axis=1, keepdims=True) - a.mean(axis=0, keepdims=True) + a.mean()

        units = np.repeat(np.arange(len(wide)), dy.shape[1])
        b, se, dof, r2 = _ols(within(dy).ravel(), within(lag).ravel()[:, None], cluster=units)
        t, p = _test(b[0], se[0], dof)
        speed = -np.log(1 + b[0]) if 1 + b[0] > 0 else np.nan
        rows.append(
            _row(variable, name, "conditional beta (two-way FE)", b[0], se[0], t, p, r2, dy.size, speed)
        )
    return pd.DataFrame(rows)


def _row(variable, name, kind, b, se, t, p, r2, n, speed):
    return {
        "variable": variable,
        "region": name,
        "type": kind,
        "coefficient": b,
        "std_error": se,
        "t": t,
        "p": p,
        "r2": r2,
        "n": n,
        "speed_percent": speed * 100 if np.isfinite(speed) else np.nan,
        "half_life_years": np.log(2) / speed if np.isfinite(speed) and speed > 0 else np.nan,
    }
