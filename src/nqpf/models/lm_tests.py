"""Lagrange multiplier tests for a spatial lag and a spatial error on the residuals of OLS with fixed effects:
LM-lag, LM-error and their robust forms (Anselin, Bera, Florax and Yoon 1996), in the panel form of Elhorst
(2014, sec. 3.2, eqs. 3.8-3.11; Debarsy and Ertur 2010). With e the OLS residuals of the demeaned data, Wy the
demeaned spatial lag of y, sigma^2 = e'e / NT, T_W = tr(W'W + WW) and WXb the demeaned spatial lag of the
fitted values,
    J = [ (WXb)' M (WXb) + T T_W sigma^2 ] / sigma^2          (M = I - X (X'X)^-1 X')
    LM-lag = (e'Wy / sigma^2)^2 / J,   LM-error = (e'We / sigma^2)^2 / (T T_W)
    robust LM-lag = (e'Wy/sigma^2 - e'We/sigma^2)^2 / (J - T T_W)
    robust LM-error = (e'We/sigma^2 - T T_W / J e'Wy/sigma^2)^2 / (T T_W (1 - T T_W / J))
each chi-squared with one degree of freedom. T = 1 gives the cross-section tests (spdep's lm.LMtests).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import special

from nqpf.models.estimation import fit_ols
from nqpf.models.fixed_effects import demean
from nqpf.models.operator import SpatialOperator
from nqpf.models.panel_data import Panel, lag

TESTS = ("lm_lag", "lm_error", "robust_lm_lag", "robust_lm_error")


def lm_tests(panel: Panel, op: SpatialOperator, fixed_effects: str) -> pd.DataFrame:
    """The four tests (columns test, statistic, df, p) for OLS with the given fixed effects."""
    fit, d = fit_ols(panel, op, fixed_effects)
    t, n = panel.t, panel.n
    e = d.y - d.z @ fit.coef
    sigma2 = e @ e / len(e)
    we = lag(op.product, e.reshape(t, n)).reshape(-1)
    fitted = (d.z @ fit.coef).reshape(t, n)
    wxb = demean(lag(op.product, fitted), fixed_effects).reshape(-1)
    resid_wxb = wxb - d.z @ np.linalg.lstsq(d.z, wxb, rcond=None)[0]
    w = op.w
    t_w = float(w.multiply(w).sum() + w.multiply(w.T).sum())  # tr(W'W) + tr(WW)
    j = (resid_wxb @ resid_wxb + t * t_w * sigma2) / sigma2
    score_lag = e @ d.wy / sigma2
    score_error = e @ we / sigma2
    statistic = {
        "lm_lag": score_lag**2 / j,
        "lm_error": score_error**2 / (t * t_w),
        "robust_lm_lag": (score_lag - score_error) ** 2 / (j - t * t_w),
        "robust_lm_error": (score_error - t * t_w / j * score_lag) ** 2 / (t * t_w * (1 - t * t_w / j)),
    }
    return pd.DataFrame(
        [(name, float(statistic[name]), 1, float(special.chdtrc(1, statistic[name]))) for name in TESTS],
        columns=["test", "statistic", "df", "p"],
    )
