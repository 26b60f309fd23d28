"""The baseline panel regression (nqpf.models.baseline) against R's plm and sandwich (fixture made by
tests/fixtures/make_plm_baseline.py), a dummy-variable regression written here, and scipy's correlations."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import nqpf
from nqpf import InputError
from nqpf.models.baseline import PanelRegression, correlations, vif

FIXTURE = json.loads((Path(__file__).parent / "fixtures" / "plm_baseline.json").read_text(encoding="utf-8"))
DATA = pd.DataFrame(FIXTURE["data"]).astype({"code": str})
N, T = DATA["code"].nunique(), DATA["year"].nunique()
NT = N * T


@pytest.mark.parametrize("effects", ["two-way", "unit", "time", "none"])
def test_coefficients_and_covariances_match_r(effects):
    r = FIXTURE["results"][effects]
    fits = {
        cov: PanelRegression(DATA, "y", ["x1", "x2"], fixed_effects=effects, cov=cov).fit()
        for cov in ("clustered", "robust", "unadjusted")
    }
    res = fits["clustered"]
    np.testing.assert_allclose(res.params.to_numpy(), r["coef"], rtol=1e-10)
    assert res.ssr == pytest.approx(r["ssr"], rel=1e-10)
    assert res.r2 == pytest.approx(r["r2"], rel=1e-10)
    k = len(r["coef"])
    # the HC1 of R's dummy-variable regression is nqpf's robust covariance
    np.testing.assert_allclose(fits["robust"].cov, r["hc1"], rtol=1e-9)
    # unadjusted: s^2 of the dummy-variable regression times (X~'X~)^-1
    s2 = fits["unadjusted"].ssr / fits["unadjusted"].df_resid
    assert s2 == pytest.approx(r["sigma2"], rel=1e-10)
    # clustered: R's HC0 (no factor) times G/(G-1) (n-1)/(n-K), K = slopes + year dummies + constant
    big_k = {"two-way": k + T, "unit": k + 1, "time": k + T, "none": k}[effects]
    factor = N / (N - 1) * (NT - 1) / (NT - big_k)
    np.testing.assert_allclose(res.cov, factor * np.asarray(r["clustered_hc0"]), rtol=1e-9)
    assert res.df == N - 1 and fits["robust"].df == fits["robust"].df_resid


def _dummies(effects):
    codes = pd.get_dummies(DATA["code"], dtype=float).to_numpy()
    years = pd.get_dummies(DATA["year"], dtype=float).to_numpy()
    parts = {
        "two-way": [codes, years[:, 1:]],
        "unit": [codes],
        "time": [years],
        "none": [np.ones((len(DATA), 1))],
    }[effects]
    return np.column_stack(parts)


@pytest.mark.parametrize("effects", ["two-way", "unit", "time"])
def test_the_within_estimates_are_those_of_the_dummy_variable_regression(effects):
    """Least squares on the slopes and every dummy, with the clustered sandwich summed unit by unit here."""
    x = DATA[["x1", "x2"]].to_numpy()
    design = np.column_stack([x, _dummies(effects)])
    y = DATA["y"].to_numpy()
    coef, *_ = np.linalg.lstsq(design, y, rcond=None)
    resid = y - design @ coef
    bread = np.linalg.pinv(design.T @ design)
    meat = np.zeros((design.shape[1],) * 2)
    for _, rows in DATA.groupby("code").indices.items():
        score = design[rows].T @ resid[rows]
        meat += np.outer(score, score)
    big_k = 2 + (T if effects in ("two-way", "time") else 1)
    expected = N / (N - 1) * (NT - 1) / (NT - big_k) * (bread @ meat @ bread)[:2, :2]
    res = PanelRegression(DATA, "y", ["x1", "x2"], fixed_effects=effects).fit()
    np.testing.assert_allclose(res.params.to_numpy(), coef[:2], rtol=1e-9)
    np.testing.assert_allclose(res.cov, expected, rtol=1e-8)
    # the within R^2 of xtreg, fe: about the unit means
    unit_means = DATA.groupby("code")["y"].transform("mean")
    assert res.r2_within == pytest.approx(1 - resid @ resid / np.sum((y - unit_means) ** 2), rel=1e-10)


def test_inference_uses_t_with_the_clusters_less_one():
    res = PanelRegression(DATA, "y", ["x1", "x2"]).fit()
    t = res.params / res.std_errors
    np.testing.assert_allclose(res.pvalues, 2 * stats.t.sf(np.abs(t), N - 1), rtol=1e-12)
    interval = res.conf_int(0.9)
    np.testing.assert_allclose(
        interval["upper"] - res.params, stats.t.ppf(0.95, N - 1) * res.std_errors, rtol=1e-12
    )
    estimates = res.estimates("baseline")
    assert list(estimates["term"]) == ["x1", "x2"] and set(estimates["spec"]) == {"baseline"}
    assert "clustered by unit (30 clusters)" in str(res.summary)
    assert nqpf.PanelRegression is PanelRegression


def test_vif_is_the_diagonal_of_the_inverse_correlation_matrix():
    frame = DATA.assign(x3=DATA["x1"] * 0.5 + DATA["x2"] + np.cos(np.arange(len(DATA))))
    table = vif(frame, ["x1", "x2", "x3"])
    expected = np.diag(np.linalg.inv(np.corrcoef(frame[["x1", "x2", "x3"]].to_numpy(), rowvar=False)))
    np.testing.assert_allclose(table["vif"].to_numpy()[:3], expected, rtol=1e-10)
    assert table["variable"].iloc[-1] == "mean" and table["vif"].iloc[-1] == pytest.approx(expected.mean())
    np.testing.assert_allclose(table["tolerance"].to_numpy()[:3], 1 / expected, rtol=1e-10)
    with pytest.raises(InputError, match="is constant or a linear combination of the other variables"):
        vif(frame.assign(x4=frame["x1"] - 2 * frame["x2"]), ["x1", "x2", "x4"])


def test_correlations_and_their_p_values_match_scipy():
    r, p = correlations(DATA, ["y", "x1", "x2"])
    for a in ("y", "x1", "x2"):
        for b in ("y", "x1", "x2"):
            if a != b:
                expected = stats.pearsonr(DATA[a], DATA[b])
                assert r.loc[a, b] == pytest.approx(expected.statistic, rel=1e-12)
                assert p.loc[a, b] == pytest.approx(expected.pvalue, rel=1e-9)


def test_bad_panels_stop_with_the_place_and_the_fix():
    twice = pd.concat([DATA, DATA.iloc[[5]]])
    with pytest.raises(InputError, match="1 unit-years have more than one row"):
        PanelRegression(twice, "y", ["x1", "x2"])
    gap = DATA.copy()
    gap.loc[3, "x2"] = np.nan
    with pytest.raises(InputError, match="balanced panel") as error:
        PanelRegression(gap, "y", ["x1", "x2"])
    assert error.value.unit == "u00"
    model = PanelRegression(gap, "y", ["x1", "x2"], balance="drop_units")
    assert model.panel.n == N - 1 and "u00" in model.notes[0] and set(model.dropped["code"]) == {"u00"}
    with pytest.raises(InputError, match="cov is 'hc3'"):
        PanelRegression(DATA, "y", ["x1", "x2"], cov="hc3")
    with pytest.raises(InputError, match="perfectly collinear"):
        PanelRegression(DATA.assign(x3=2 * DATA["x1"]), "y", ["x1", "x2", "x3"])
    with pytest.raises(InputError, match="no column 'region'"):
        PanelRegression(DATA, "y", ["x1"], entity="region")
