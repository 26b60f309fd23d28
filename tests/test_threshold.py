"""Hansen's (1999) panel threshold regression (nqpf.models.threshold) against a brute-force implementation written
here from the paper (one dummy-variable regression per candidate threshold, the bootstrap draw by draw), Hansen's
critical values, and a Monte Carlo recovery of thresholds and slopes set in a data-generating process."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import nqpf
from nqpf import InputError
from nqpf.models.threshold import PanelThreshold, critical_lr


def panel(n=30, t=8, g=(0.35, 0.7), slopes=(1.0, -0.5, 0.5), control=0.3, noise=0.5, seed=11):
    """y = mu_i + x b(q) + control z + e with the slope of x changing at the thresholds ``g`` of q."""
    rng = np.random.default_rng(seed)
    mu = rng.normal(0, 1, n)
    rows = []
    for i in range(n):
        for year in range(t):
            q, x, z = rng.uniform(0, 1), rng.normal() + 0.3 * mu[i], rng.normal()
            slope = slopes[int(np.searchsorted(g, q, side="left"))]
            y = mu[i] + slope * x + control * z + rng.normal(0, noise)
            rows.append((f"u{i:03d}", 2001 + year, y, x, z, q))
    return pd.DataFrame(rows, columns=["code", "year", "y", "x", "z", "q"])


def brute_ssr(data, thresholds, fixed_effects="unit"):
    """S(thresholds): least squares of y on x 1(regime j), z, unit dummies (and year dummies)."""
    q = data["q"].to_numpy()
    edges = [-np.inf, *sorted(thresholds), np.inf]
    columns = [data["x"].to_numpy() * ((q > edges[j]) & (q <= edges[j + 1])) for j in range(len(edges) - 1)]
    columns.append(data["z"].to_numpy())
    dummies = [pd.get_dummies(data["code"], dtype=float).to_numpy()]
    if fixed_effects == "two-way":
        dummies.append(pd.get_dummies(data["year"], dtype=float).to_numpy()[:, 1:])
    design = np.column_stack([*columns, *dummies])
    design = design[:, np.abs(design).sum(axis=0) > 0]  # an empty regime (the linear model: thresholds [inf])
    y = data["y"].to_numpy()
    basis, _ = np.linalg.qr(design)  # the design has full column rank
    resid = y - basis @ (basis.T @ y)
    return float(resid @ resid)


def candidates(data, trim=0.01, fixed=()):
    """Distinct q with every regime (with ``fixed``) holding at least ceil(trim n) observations."""
    q = np.sort(data["q"].to_numpy())
    minimum = math.ceil(trim * len(q))
    out = []
    for c in np.unique(q):
        if c in fixed:
            continue
        edges = [-np.inf, *sorted([*fixed, c]), np.inf]
        counts = [np.sum((q > edges[j]) & (q <= edges[j + 1])) for j in range(len(edges) - 1)]
        if min(counts) >= minimum:
            out.append(c)
    return np.array(out)


@pytest.mark.parametrize("fixed_effects", ["unit", "two-way"])
def test_the_sequential_search_is_the_brute_force_minimum(fixed_effects):
    data = panel()
    res = PanelThreshold(
        data, "y", "x", "q", ["z"], thresholds=2, bootstrap=0, fixed_effects=fixed_effects
    ).fit()
    dof = 30 * 7
    # first threshold: every candidate's S, the LR of each against the minimum
    grid = candidates(data)
    s1 = np.array([brute_ssr(data, [c], fixed_effects) for c in grid])
    np.testing.assert_allclose(res.lr["candidate"], grid)
    g1 = grid[np.argmin(s1)]
    np.testing.assert_allclose(res.lr["lr_single"], (s1 - s1.min()) / (s1.min() / dof), atol=1e-7)
    # second threshold given the first, then the first refined given the second (Hansen 1999, sec. 3.2)
    given = set(candidates(data, fixed=[g1]))
    s2 = np.array([brute_ssr(data, [g1, c], fixed_effects) if c in given else np.inf for c in grid])
    g2 = grid[np.argmin(s2)]
    given = set(candidates(data, fixed=[g2]))
    s1r = np.array([brute_ssr(data, [g2, c], fixed_effects) if c in given else np.inf for c in grid])
    g1r = grid[np.argmin(s1r)]
    table = res.thresholds.set_index("threshold")["estimate"]
    assert (table["g1"], table["g2"], table["g1 (refined)"]) == (g1, g2, g1r)
    finite = np.isfinite(s2)
    np.testing.assert_allclose(
        res.lr["lr_double"][finite], ((s2 - s2.min()) / (s2.min() / dof))[finite], atol=1e-7
    )
    assert res.lr["lr_double"][~finite].isna().all()
    tests = res.tests.set_index("test")
    s0 = brute_ssr(data.assign(x=data["x"]), [np.inf], fixed_effects)  # one regime: the linear model
    assert tests.loc["single", "f"] == pytest.approx((s0 - s1.min()) / (s1.min() / dof), rel=1e-9)
    assert tests.loc["double", "f"] == pytest.approx((s1.min() - s2.min()) / (s2.min() / dof), rel=1e-9)
    # the slopes of the final model: the regression at (g1 refined, g2)
    final = sorted((g1r, g2))
    q = data["q"].to_numpy()
    regimes = [q <= final[0], (q > final[0]) & (q <= final[1]), q > final[1]]
    design = np.column_stack(
        [data["x"] * r for r in regimes]
        + [data["z"], pd.get_dummies(data["code"], dtype=float).to_numpy()]
        + (
            [pd.get_dummies(data["year"], dtype=float).to_numpy()[:, 1:]]
            if fixed_effects == "two-way"
            else []
        )
    )
    coef, *_ = np.linalg.lstsq(design, data["y"].to_numpy(), rcond=None)
    np.testing.assert_allclose(res.params.to_numpy(), coef[:4], rtol=1e-8)
    assert list(res.params.index) == ["x_regime1", "x_regime2", "x_regime3", "z"]


def test_the_bootstrap_redraws_units_and_repeats_the_search():
    """Hansen's bootstrap of F_1 done draw by draw here, with the generator used in the same order."""
    data = panel(n=20, t=6, g=(0.5,), slopes=(0.4, 0.6), seed=3)
    draws = 25
    res = PanelThreshold(data, "y", "x", "q", ["z"], thresholds=1, bootstrap=draws, seed=7).fit()
    dof = 20 * 5
    codes = sorted(data["code"].unique())
    grid = candidates(data)
    # the linear model's within residuals and fitted values
    demeaned = data.copy()
    for column in ("y", "x", "z"):
        demeaned[column] = data[column] - data.groupby("code")[column].transform("mean")
    base = demeaned[["x", "z"]].to_numpy()
    coef, *_ = np.linalg.lstsq(base, demeaned["y"].to_numpy(), rcond=None)
    fitted = base @ coef
    resid = demeaned["y"].to_numpy() - fitted
    by_unit = {code: resid[(data["code"] == code).to_numpy()] for code in codes}
    rng = np.random.default_rng(7)
    statistics = []
    for _ in range(draws):
        units = rng.integers(0, len(codes), size=len(codes))
        star = data.copy().sort_values(["code", "year"]).reset_index(drop=True)
        order = (data.sort_values(["code", "year"]).index).to_numpy()
        e = np.concatenate(
            [by_unit[codes[k]] for k in units]
        )  # unit i takes unit k's residuals, year by year
        star["y"] = fitted[order] + e
        s0 = brute_ssr(star, [np.inf])
        s1 = min(brute_ssr(star, [c]) for c in grid)
        statistics.append((s0 - s1) / (s1 / dof))
    statistics = np.array(statistics)
    f = res.tests["f"].iloc[0]
    np.testing.assert_allclose(np.sort(res.draws[0]), np.sort(statistics), rtol=1e-7)
    assert res.tests["p"].iloc[0] == pytest.approx(np.mean(statistics >= f))
    assert res.tests["crit5"].iloc[0] == pytest.approx(np.quantile(statistics, 0.95), rel=1e-7)


def test_hansens_critical_values_of_the_likelihood_ratio():
    # Hansen (2000, Table 1): 5.94, 7.35 and 10.59 at 90%, 95% and 99%
    assert [round(critical_lr(a), 2) for a in (0.90, 0.95, 0.99)] == [5.94, 7.35, 10.59]


def test_monte_carlo_recovers_two_thresholds_and_the_slopes():
    """20 panels of 50 units x 10 years with thresholds 0.35 and 0.7: the estimates close to the truth."""
    truth, slopes = (0.35, 0.7), (1.0, -0.5, 0.5)
    found, coefs = [], []
    for rep in range(20):
        data = panel(n=50, t=10, g=truth, slopes=slopes, seed=100 + rep)
        res = PanelThreshold(data, "y", "x", "q", ["z"], thresholds=2, bootstrap=0).fit()
        rows = res.thresholds.set_index("threshold")
        found.append((rows.loc["g1 (refined)", "estimate"], rows.loc["g2", "estimate"]))
        coefs.append(res.params.to_numpy())
    found, coefs = np.array(found), np.array(coefs)
    np.testing.assert_allclose(found.mean(axis=0), truth, atol=0.01)
    assert np.abs(found - truth).max() < 0.05
    np.testing.assert_allclose(coefs.mean(axis=0), [*slopes, 0.3], atol=0.03)


def test_monte_carlo_coverage_of_the_likelihood_ratio_interval():
    """A small threshold effect (Hansen's asymptotics, a slope change of 0.25 against errors of s.d. 1): the 95%
    LR interval covers the true threshold in at least 90% of 40 panels (Hansen 2000 finds it conservative)."""
    covered = 0
    for rep in range(40):
        data = panel(n=40, t=8, g=(0.5,), slopes=(0.5, 0.75), noise=1.0, seed=300 + rep)
        row = PanelThreshold(data, "y", "x", "q", ["z"], bootstrap=0).fit().thresholds.iloc[0]
        covered += row["ci_low"] <= 0.5 <= row["ci_high"]
    assert covered >= 36


def test_tests_reject_a_real_threshold_and_keep_a_false_one():
    data = panel(n=40, t=8, g=(0.5,), slopes=(1.0, 0.2), seed=5)
    res = PanelThreshold(data, "y", "x", "q", ["z"], thresholds=2, bootstrap=99, seed=1).fit()
    tests = res.tests.set_index("test")
    assert tests.loc["single", "p"] < 0.01 and tests.loc["single", "f"] > tests.loc["single", "crit1"]
    assert tests.loc["double", "p"] > 0.05
    assert abs(res.thresholds.set_index("threshold").loc["g1", "estimate"] - 0.5) < 0.03
    assert list(res.regimes["regime"]) == [1, 2, 3] and res.regimes["n_obs"].sum() == 320
    assert "Panel threshold regression (Hansen 1999), 2 thresholds" in str(res.summary)
    assert nqpf.PanelThreshold is PanelThreshold


def test_a_grid_searches_fewer_candidates_and_bad_settings_stop():
    data = panel(n=20, t=6)
    res = PanelThreshold(data, "y", "x", "q", ["z"], grid=50, bootstrap=0).fit()
    assert len(res.lr) == 50
    with pytest.raises(InputError, match="both regime-dependent and a control"):
        PanelThreshold(data, "y", "x", "q", ["x", "z"])
    with pytest.raises(InputError, match="thresholds is 4"):
        PanelThreshold(data, "y", "x", "q", ["z"], thresholds=4)
    with pytest.raises(InputError, match="no column 'level'"):
        PanelThreshold(data, "y", "x", "level", ["z"])
    gap = data.copy()
    gap.loc[7, "q"] = np.nan
    with pytest.raises(InputError, match="lack a value of q") as error:
        PanelThreshold(gap, "y", "x", "q", ["z"])
    assert error.value.unit == "u001"
    model = PanelThreshold(gap, "y", "x", "q", ["z"], balance="drop_units", bootstrap=0)
    assert model.panel.n == 19 and set(model.dropped["code"]) == {"u001"}
    with pytest.raises(InputError, match="no value of the threshold variable"):
        PanelThreshold(data.assign(q=1.0), "y", "x", "q", ["z"]).fit()


HANSEN_DATA = __import__("os").environ.get("NQPF_HANSEN1999_DTA")


@pytest.mark.skipif(
    not HANSEN_DATA, reason="NQPF_HANSEN1999_DTA names no copy of Hansen's (1999) investment data"
)
def test_hansens_investment_data_give_the_published_first_threshold():
    """Hansen (1999, sec. 5): investment of 565 US firms, 1974-1987, on lagged Tobin's q, its square and cube,
    leverage and q x leverage, the slope of cash flow changing with leverage (hansen1999.dta of xthreg's
    examples, not shipped). Published: the first threshold 0.0157 (Hansen 1999, Table 2) with the single
    model's residual sum of squares 17.7818 (Wang 2015, the xthreg example)."""
    data = pd.read_stata(HANSEN_DATA)
    data["year"] = pd.to_datetime(data["year"]).dt.year
    data["id"] = data["id"].astype(int).astype(str)
    res = PanelThreshold(
        data, "i", "c1", "d1", ["q1", "q2", "q3", "d1", "qd1"], entity="id", bootstrap=0, cov="unadjusted"
    ).fit()
    assert round(res.thresholds["estimate"].iloc[0], 4) == 0.0157
    assert round(res.tests["ssr"].iloc[0], 4) == pytest.approx(17.7818, abs=2e-4)
