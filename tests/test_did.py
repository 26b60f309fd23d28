"""Policy evaluation (nqpf.models.did) against references written here: the DID, the TWFE event study and the
Sun-Abraham estimator against least squares on explicit unit and year dummies (np.linalg.lstsq) with the
cluster-robust covariance written out, the Sun-Abraham estimates also against pyfixest's saturated event
study; Monte Carlo recovery of a constant effect and of heterogeneous dynamic effects set in a data-generating
process; the placebo test's draws against the same dense regression, its seeding and its randomisation p-value
under the null and under a strong effect; and the errors of a policy the panel cannot identify.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

import nqpf
from nqpf import InputError
from nqpf.models import did as did_module

START = 2001


def simulate(
    n=60,
    t=12,
    cohorts=(2004, 2007, 2010),
    share=0.2,
    effect=None,
    pretrend=0.0,
    noise=1.0,
    control=0.5,
    seed=0,
):
    """y_it = mu_i + eta_t + control x_it + tau_it + e_it, a share of the units in each cohort, the rest never
    treated; tau_it = effect(g, k) from the first treated year g (k = t - g >= 0), ``pretrend`` k before it.
    Returns the long frame, the policy, tau (T, N), the first years (N,) and the years."""
    rng = np.random.default_rng(seed)
    years = np.arange(START, START + t)
    size = int(round(share * n))
    first = np.full(n, np.nan)
    for c, g in enumerate(cohorts):
        first[c * size : (c + 1) * size] = g
    mu = rng.normal(0, 1, n)
    eta = np.cumsum(rng.normal(0.2, 0.3, t))
    x = rng.normal(0, 1, (t, n)) + 0.3 * mu[None, :]
    k = years[:, None] - first[None, :]
    effect = effect or (lambda g, k: np.ones_like(k))
    gs = np.broadcast_to(first, k.shape)
    with np.errstate(invalid="ignore"):
        post = k >= 0
        tau = np.where(post, effect(gs, np.where(post, k, 0)), 0.0)
        tau = np.where(np.isfinite(k) & ~post, pretrend * np.nan_to_num(k), tau)
    y = mu[None, :] + eta[:, None] + control * x + tau + rng.normal(0, 1, (t, n)) * noise
    codes = np.array([f"u{i:03d}" for i in range(n)])
    frame = pd.DataFrame(
        {"code": np.tile(codes, t), "year": np.repeat(years, n), "y": y.ravel(), "x": x.ravel()}
    )
    policy = {codes[i]: int(first[i]) for i in np.flatnonzero(np.isfinite(first))}
    return frame, policy, tau, first, years


def first_years(frame, policy):
    return frame["code"].map(policy).astype(float).to_numpy()


# -- the dense reference -------------------------------------------------------------------------------------


def dense(frame, columns, cov="clustered"):
    """Least squares of y on ``columns`` (an (n, k) array), a dummy for every unit and for every year but the
    first: the k coefficients and their covariance (clustered by unit with G / (G - 1) (n - 1) / (n - K), K
    the k slopes, the T - 1 year dummies and the constant; HC1; or s^2 (X'X)^-1)."""
    units = pd.get_dummies(frame["code"], dtype=float).to_numpy()
    years = pd.get_dummies(frame["year"], dtype=float).to_numpy()[:, 1:]
    columns = np.asarray(columns, float).reshape(len(frame), -1)
    design = np.column_stack([columns, units, years])
    y = frame["y"].to_numpy(float)
    coef, _, rank, _ = np.linalg.lstsq(design, y, rcond=None)
    assert rank == design.shape[1]
    resid = y - design @ coef
    bread = np.linalg.inv(design.T @ design)
    n, p, k = len(y), design.shape[1], columns.shape[1]
    if cov == "clustered":
        scores = pd.DataFrame(design * resid[:, None]).groupby(frame["code"].to_numpy()).sum().to_numpy()
        g = scores.shape[0]
        big_k = k + years.shape[1] + 1
        v = g / (g - 1) * (n - 1) / (n - big_k) * bread @ (scores.T @ scores) @ bread
    elif cov == "robust":
        scores = design * resid[:, None]
        v = n / (n - p) * bread @ (scores.T @ scores) @ bread
    else:
        v = resid @ resid / (n - p) * bread
    return coef[:k], v[:k, :k]


def relative_periods(frame, policy, leads, lags, bin_ends):
    """The binned relative period of every row (NaN: never treated or, without bins, outside the window)."""
    k = frame["year"].to_numpy() - first_years(frame, policy)
    if bin_ends:
        return np.clip(k, -leads, lags)
    return np.where((k >= -leads) & (k <= lags), k, np.nan)


def wald(b, v, df):
    from scipy import stats

    chi2 = float(b @ np.linalg.solve(v, b))
    return chi2 / len(b), stats.f.sf(chi2 / len(b), len(b), df)


def sun_abraham_dense(frame, policy, leads, lags, reference=-1, bin_ends=True, cov="clustered"):
    """The interaction-weighted estimator from the published formulas (Sun and Abraham 2021, sec. 4): the
    saturated cohort x period regression on dummies, the cohort shares of each period's observations, the
    delta method with fixed weights; returns the periods, estimates, their covariance, the ATT and its
    variance."""
    rel = relative_periods(frame, policy, leads, lags, bin_ends)
    first = first_years(frame, policy)
    periods = [k for k in range(-leads, lags + 1) if k != reference]
    cells = [
        (g, k) for g in sorted(set(policy.values())) for k in periods if np.any((first == g) & (rel == k))
    ]
    columns = np.column_stack([((first == g) & (rel == k)).astype(float) for g, k in cells])
    delta, v = dense(frame, columns, cov)
    counts = columns.sum(axis=0)
    weights = np.zeros((len(periods), len(cells)))
    for j, k in enumerate(periods):
        here = np.array([c[1] == k for c in cells])
        weights[j, here] = counts[here] / counts[here].sum()
    post = np.array([c[1] >= 0 for c in cells])
    a = np.where(post, counts, 0) / counts[post].sum()
    return periods, weights @ delta, weights @ v @ weights.T, a @ delta, a @ v @ a


# -- DID -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("cov", ["clustered", "robust", "unadjusted"])
def test_did_matches_least_squares_on_dummies(cov):
    frame, policy, *_ = simulate(n=40, t=10, seed=1)
    res = nqpf.did(frame, "y", policy, ["x"], cov=cov)
    d = (frame["year"].to_numpy() >= first_years(frame, policy)).astype(float)
    coef, v = dense(frame, np.column_stack([d, frame["x"]]), cov)
    assert_allclose(res.att, coef[0], rtol=1e-8)
    assert_allclose(res.std_error, np.sqrt(v[0, 0]), rtol=1e-8)
    assert_allclose(res.regression.params["x"], coef[1], rtol=1e-8)
    from scipy import stats

    df = 40 - 1 if cov == "clustered" else 400 - 2 - (40 + 10 - 1)
    assert res.regression.df == df
    assert_allclose(res.p, 2 * stats.t.sf(abs(coef[0] / np.sqrt(v[0, 0])), df), rtol=1e-8)
    half = stats.t.ppf(0.975, df) * np.sqrt(v[0, 0])
    assert_allclose([res.ci_low, res.ci_high], [coef[0] - half, coef[0] + half], rtol=1e-8)
    assert (res.n_treated, res.n_cohorts, res.n_never_treated, res.staggered) == (24, 3, 16, True)


def test_did_recovers_a_constant_effect_and_its_interval_covers_it():
    frame, policy, *_ = simulate(effect=lambda g, k: np.full_like(k, 0.8), seed=2)
    res = nqpf.did(frame, "y", policy, ["x"])
    assert abs(res.att - 0.8) < 3 * res.std_error
    covered = []
    for seed in range(100):
        frame, policy, *_ = simulate(
            n=30, t=8, cohorts=(2003, 2005, 2007), effect=lambda g, k: np.full_like(k, 0.8), seed=100 + seed
        )
        res = nqpf.did(frame, "y", policy, ["x"])
        covered.append(res.ci_low <= 0.8 <= res.ci_high)
    assert 0.90 <= np.mean(covered) <= 0.99


def test_weights_of_the_treated_cells_reproduce_the_estimate():
    """de Chaisemartin and D'Haultfoeuille (2020, Theorem 1): without noise b = sum w_it tau_it over the
    treated cells, the weights summing to 1; the early cohort's late cells weigh negatively."""
    effect = lambda g, k: np.where(g == 2004, 1 + 0.5 * k, 0.3)  # noqa: E731
    frame, policy, tau, first, years = simulate(effect=effect, noise=0.0, seed=3)
    res = nqpf.did(frame, "y", policy, ["x"])
    cells = res.weights.set_index(["year", "code"])
    index = pd.MultiIndex.from_arrays([frame["year"], frame["code"]])
    tau_cells = pd.Series(tau.ravel(), index=index).reindex(cells.index)
    assert_allclose(cells["weight"].sum(), 1.0, rtol=1e-10)
    assert_allclose(res.att, float(cells["weight"] @ tau_cells), rtol=1e-9)
    assert res.negative_weights > 0 and res.negative_weight_sum < 0
    assert set(cells[cells["weight"] < 0].reset_index()["code"].map(policy)) == {2004}
    assert_allclose(res.cohorts["weight"].sum(), 1.0, rtol=1e-10)


def test_did_frames_and_a_policy_table():
    frame, policy, *_ = simulate(n=30, t=8, cohorts=(2004,), seed=4)
    table = pd.DataFrame({"code": [*policy, "u029"], "first_year": [*policy.values(), None]})
    res = nqpf.did(frame, "y", table, ["x"])
    same = nqpf.did(frame, "y", policy, ["x"])
    assert res.att == same.att and not res.staggered and res.negative_weights == 0
    frames = res.frames()
    assert set(frames) == {"att", "estimates", "cohorts", "weights", "fit"}
    assert list(frames["estimates"]["term"]) == ["did", "x"]
    assert frames["att"].loc[0, "estimate"] == res.att
    assert "Two-way fixed-effects DID" in str(res.summary)


# -- event study ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("bin_ends", [True, False])
def test_twfe_event_study_matches_least_squares_on_dummies(bin_ends):
    frame, policy, *_ = simulate(n=40, t=10, seed=5)
    leads, lags = 3, 2
    res = nqpf.event_study(frame, "y", policy, ["x"], leads=leads, lags=lags, bin_ends=bin_ends)
    rel = relative_periods(frame, policy, leads, lags, bin_ends)
    periods = [-3, -2, 0, 1, 2]
    columns = np.column_stack([*[(rel == k).astype(float) for k in periods], frame["x"]])
    coef, v = dense(frame, columns)
    table = res.table.set_index("period")
    assert list(table.index) == [-3, -2, -1, 0, 1, 2]
    assert_allclose(table.loc[periods, "estimate"], coef[:5], rtol=1e-8)
    assert_allclose(table.loc[periods, "std_error"], np.sqrt(np.diag(v))[:5], rtol=1e-8)
    assert table.loc[-1, "estimate"] == 0 and np.isnan(table.loc[-1, "std_error"])
    assert list(table["n_obs_treated"]) == [int(np.sum(rel == k)) for k in table.index]
    f, p = wald(coef[:2], v[:2, :2], 39)
    assert_allclose([res.pretrend.f, res.pretrend.p], [f, p], rtol=1e-8)
    assert (res.pretrend.df_num, res.pretrend.df_den) == (2, 39)
    assert res.att is None


@pytest.mark.parametrize(
    ("control_group", "bin_ends", "cov"),
    [("never", True, "clustered"), ("never", False, "robust"), ("last", True, "clustered")],
)
def test_sun_abraham_matches_the_published_formulas(control_group, bin_ends, cov):
    frame, policy, *_ = simulate(n=40, t=12, seed=6, effect=lambda g, k: (g - 2000) / 5 + 0.3 * k)
    leads, lags = 4, 3
    res = nqpf.event_study(frame, "y", policy, leads=leads, lags=lags, bin_ends=bin_ends,
                           method="sun_abraham", control_group=control_group, cov=cov)  # fmt: skip
    sample, comparison = frame, policy
    if control_group == "last":
        last = max(policy.values())
        sample = frame[frame["code"].isin(list(policy)) & (frame["year"] < last)].reset_index(drop=True)
        comparison = {c: g for c, g in policy.items() if g != last}
    periods, estimate, v, att, att_var = sun_abraham_dense(sample, comparison, leads, lags, -1, bin_ends, cov)
    table = res.table.set_index("period")
    assert_allclose(table.loc[periods, "estimate"], estimate, rtol=1e-8, atol=1e-12)
    assert_allclose(table.loc[periods, "std_error"], np.sqrt(np.diag(v)), rtol=1e-8)
    assert_allclose(
        res.att.loc[0, ["estimate", "std_error"]].astype(float), [att, np.sqrt(att_var)], rtol=1e-8
    )
    df = sample["code"].nunique() - 1 if cov == "clustered" else res.regression.df_resid
    f, p = wald(estimate[:3], v[:3, :3], df)
    assert_allclose([res.pretrend.f, res.pretrend.p], [f, p], rtol=1e-8)


def test_sun_abraham_and_did_match_pyfixest():
    """pyfixest's SaturatedEventStudy: the regression i(rel_time, cohort, ref=-1) | unit + year with CRV1
    errors and its aggregate(weighting="shares") with fixed weights, on every relative period of the panel (no
    window) and without controls (its saturated model takes none); and feols("y ~ D + x | unit + year", CRV1)
    for the DID. The aggregate's intervals use the normal distribution, ours t(G - 1): only estimates and
    standard errors are compared there. pyfixest's small-sample factor is ours: G / (G - 1) (n - 1) / (n - K)
    with the unit effects nested in the clusters, K = slopes + T."""
    pf = pytest.importorskip("pyfixest")
    frame, policy, *_ = simulate(n=40, t=10, seed=7, effect=lambda g, k: (g - 2000) / 4 + 0.4 * k)
    data = frame.assign(
        unit=frame["code"].str[1:].astype(int), g=frame["code"].map(policy).fillna(0).astype(int)
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = pf.event_study(data, yname="y", idname="unit", tname="year", gname="g", estimator="saturated",
                             cluster="unit")  # fmt: skip
        reference = fit.aggregate().astype(float)
        cohorts = fit.tidy()
    leads, lags = 2010 - START, START + 9 - 2004  # every relative period of the panel
    res = nqpf.event_study(frame, "y", policy, leads=leads, lags=lags, method="sun_abraham")
    table = res.table.set_index("period").drop(index=-1)
    assert len(table) == len(reference) == 15
    expected = reference.loc[table.index.astype(float)]
    assert_allclose(table["estimate"], expected["Estimate"], rtol=1e-9, atol=1e-12)
    assert_allclose(table["std_error"], expected["Std. Error"], rtol=1e-9)
    effects = res.cohort_effects
    names = [
        f"rel_time::{float(k)}:first_treated_period::{g}"
        for g, k in zip(effects["cohort"], effects["period"], strict=True)
    ]
    assert len(names) == len(cohorts)
    assert_allclose(effects["estimate"], cohorts.loc[names, "Estimate"], rtol=1e-9, atol=1e-12)
    assert_allclose(effects["std_error"], cohorts.loc[names, "Std. Error"], rtol=1e-9)

    data["D"] = ((data["year"] >= data["g"]) & (data["g"] > 0)).astype(float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pyfixest's own deprecation warnings under pandas 3
        twfe = pf.feols("y ~ D + x | unit + year", data=data, vcov={"CRV1": "unit"})
    ours = nqpf.did(frame, "y", policy, ["x"])
    assert_allclose([ours.att, ours.std_error], [twfe.coef()["D"], twfe.se()["D"]], rtol=1e-9)
    assert_allclose(ours.p, twfe.pvalue()["D"], rtol=1e-4)  # t(G - 1) both; a p of 5e-13 agrees to 1e-4


def test_sun_abraham_recovers_heterogeneous_dynamic_effects_where_twfe_does_not():
    """Goodman-Bacon's setting: effects growing for the early cohort, flat for the middle one, negative and
    falling for the late one (constant beyond the last lag, so that every bin holds one effect per cohort).
    The truth of period k: the cohorts' effects weighted by their shares of the treated observations at k."""
    lags = 4

    def effect(g, k):
        k = np.minimum(k, lags)
        return np.select([g == 2004, g == 2007], [1 + k, 0.5], -1 - 0.5 * k)

    frame, policy, tau, first, years = simulate(effect=effect, noise=0.0, seed=8)
    k = np.clip(years[:, None] - first[None, :], -4, lags)
    truth = np.array([tau[k == p].mean() for p in range(-4, lags + 1)])
    exact = nqpf.event_study(frame, "y", policy, ["x"], lags=lags, method="sun_abraham")
    assert_allclose(exact.table["estimate"], truth, atol=1e-8)

    frame, policy, *_ = simulate(effect=effect, noise=0.5, seed=8)
    sa = nqpf.event_study(frame, "y", policy, ["x"], lags=lags, method="sun_abraham")
    twfe = nqpf.event_study(frame, "y", policy, ["x"], lags=lags)
    for res in (sa, twfe):
        assert list(res.table["period"]) == list(range(-4, lags + 1))
    estimated = sa.table["period"] != -1
    z_sa = (sa.table["estimate"] - truth)[estimated] / sa.table["std_error"][estimated]
    z_twfe = (twfe.table["estimate"] - truth)[estimated] / twfe.table["std_error"][estimated]
    assert np.all(np.abs(z_sa) < 3.5)
    assert np.max(np.abs(z_twfe)) > 6  # the binned lead -4 takes the early cohort's growing effects
    assert sa.pretrend.p > 0.05 and twfe.pretrend.p < 1e-4  # a false pre-trend of the TWFE
    shares = tau[(years[:, None] - first[None, :]) >= 0]
    assert abs(sa.att.loc[0, "estimate"] - shares.mean()) < 3.5 * sa.att.loc[0, "std_error"]


def test_pretrend_test_under_parallel_trends_and_with_a_pre_trend():
    frame, policy, *_ = simulate(seed=9)
    flat = nqpf.event_study(frame, "y", policy, ["x"], method="sun_abraham")
    assert flat.pretrend.p > 0.05
    assert np.all(np.abs(flat.table.query("period < -1")["t"]) < 3)
    frame, policy, *_ = simulate(seed=9, pretrend=0.4)
    trending = nqpf.event_study(frame, "y", policy, ["x"], method="sun_abraham")
    assert trending.pretrend.p < 1e-3 and trending.pretrend.df_num == 3
    assert trending.pretrend.chi2 == pytest.approx(3 * trending.pretrend.f)


def test_event_study_frames():
    frame, policy, *_ = simulate(n=40, t=10, seed=10)
    res = nqpf.event_study(frame, "y", policy, ["x"], leads=2, lags=2, method="sun_abraham")
    frames = res.frames()
    assert set(frames) == {"event_study", "pretrend", "att", "cohort_effects", "cohorts", "estimates", "fit"}
    assert list(frames["event_study"].columns) == did_module.PERIOD_COLUMNS
    assert list(frames["pretrend"].columns) == did_module.PRETREND_COLUMNS
    effects = frames["cohort_effects"]
    assert_allclose(effects.groupby("period")["weight"].sum(), 1.0)
    assert_allclose(effects["att_weight"].sum(), 1.0)
    assert "Sun and Abraham" in str(res.summary)


# -- placebo -------------------------------------------------------------------------------------------------


def test_placebo_draws_match_least_squares_and_are_seeded():
    frame, policy, *_ = simulate(n=30, t=8, cohorts=(2003, 2005), share=0.3, seed=11)
    res = nqpf.placebo(frame, "y", policy, ["x"], draws=50, seed=3)
    again = nqpf.placebo(frame, "y", policy, ["x"], draws=50, seed=3)
    other = nqpf.placebo(frame, "y", policy, ["x"], draws=50, seed=4)
    assert_allclose(res.estimates, again.estimates, rtol=0, atol=0)
    assert np.array_equal(res.assignments, again.assignments, equal_nan=True)
    assert not np.allclose(res.estimates, other.estimates)
    for draw in range(3):
        false = {c: int(g) for c, g in zip(res.ids, res.assignments[draw], strict=True) if np.isfinite(g)}
        d = (frame["year"].to_numpy() >= first_years(frame, false)).astype(float)
        coef, v = dense(frame, np.column_stack([d, frame["x"]]))
        assert_allclose([res.estimates[draw], res.std_errors[draw]], [coef[0], np.sqrt(v[0, 0])], rtol=1e-8)
    # the real assignment through the same path gives the DID
    real = np.array([[policy.get(c, np.nan) for c in res.ids]], float)
    coef, se = did_module._fast_did(did_module._prepare(frame, "y", policy, ["x"], "code", "year", None,
                                                        "error", None), real, "clustered")  # fmt: skip
    assert_allclose([coef[0], se[0]], [res.actual.att, res.actual.std_error], rtol=1e-10)
    frames = res.frames()
    assert list(frames["draws"].columns) == ["draw", "estimate", "std_error", "t", "p"]
    assert frames["summary"].loc[0, "p_randomisation"] == res.p_value


def test_placebo_modes_assign_as_documented():
    frame, policy, *_ = simulate(n=30, t=8, cohorts=(2003, 2005), share=0.3, seed=12)
    real = np.array([policy.get(c, np.nan) for c in sorted(set(frame["code"]))], float)
    treated = np.isfinite(real)
    units = nqpf.placebo(frame, "y", policy, draws=40, mode="units").assignments
    assert np.all(np.isfinite(units).sum(axis=1) == treated.sum())
    assert all(np.array_equal(np.sort(row[np.isfinite(row)]), np.sort(real[treated])) for row in units)
    timing = nqpf.placebo(frame, "y", policy, draws=40, mode="timing").assignments
    assert np.array_equal(np.isfinite(timing), np.broadcast_to(treated, timing.shape))
    assert set(np.unique(timing[:, treated])) <= set(range(START + 1, START + 8))
    both = nqpf.placebo(frame, "y", policy, draws=40, mode="both").assignments
    assert np.all(np.isfinite(both).sum(axis=1) == treated.sum())
    assert not np.array_equal(np.isfinite(both), np.broadcast_to(treated, both.shape))


def test_placebo_p_value_under_the_null_and_under_a_strong_effect():
    p_values, means = [], []
    for seed in range(40):
        frame, policy, *_ = simulate(n=30, t=8, cohorts=(2003, 2005), share=0.3, seed=200 + seed,
                                     effect=lambda g, k: np.zeros_like(k))  # fmt: skip
        res = nqpf.placebo(frame, "y", policy, ["x"], draws=99, seed=seed)
        p_values.append(res.p_value)
        means.append(np.mean(res.estimates) / np.std(res.estimates) * np.sqrt(99))
    assert 0.35 < np.mean(p_values) < 0.65
    assert np.mean(np.array(p_values) <= 0.1) < 0.25
    assert np.mean(np.abs(means) < 3) >= 0.9  # the draws centre on 0
    frame, policy, *_ = simulate(n=30, t=8, cohorts=(2003, 2005), share=0.3, seed=13,
                                 effect=lambda g, k: np.full_like(k, 3.0))  # fmt: skip
    strong = nqpf.placebo(frame, "y", policy, ["x"], draws=199, mode="both")
    assert strong.p_value < 0.05 and strong.p_value == 1 / 200
    assert abs(np.mean(strong.estimates)) < 0.25 * strong.actual.att


# -- errors --------------------------------------------------------------------------------------------------


def test_an_always_treated_unit_stops_naming_it():
    frame, policy, *_ = simulate(n=30, t=8, seed=14)
    with pytest.raises(InputError) as error:
        nqpf.did(frame, "y", {**policy, "u029": START})
    message = str(error.value)
    assert "u029" in message and "always treated" in message and "fix:" in message and "true first" in message


def test_a_policy_unit_not_in_the_panel_stops_naming_it():
    frame, policy, *_ = simulate(n=30, t=8, seed=15)
    with pytest.raises(InputError) as error:
        nqpf.event_study(frame, "y", {**policy, "u0299": 2004})
    message = str(error.value)
    assert "u0299" in message and "not in the panel" in message and "did you mean" in message
    assert error.value.key == "policy" and "fix:" in message


def test_no_comparison_units_stops():
    frame, _, *_ = simulate(n=20, t=8, seed=16)
    everyone = {c: 2005 for c in frame["code"].unique()}
    with pytest.raises(InputError) as error:
        nqpf.did(frame, "y", everyone)
    assert (
        error.value.key == "policy" and "not-yet-treated" in str(error.value) and "fix:" in str(error.value)
    )
    staggered = {c: 2004 + i % 3 for i, c in enumerate(frame["code"].unique())}
    nqpf.did(frame, "y", staggered)  # not-yet-treated units compare
    with pytest.raises(InputError) as error:
        nqpf.event_study(frame, "y", staggered, leads=2, lags=2, method="sun_abraham")
    assert error.value.key == "control_group" and "control_group='last'" in str(error.value)


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"u000": 2030}, "never treated in the sample"),
        ({"u000": "soon"}, "not a year"),
    ],
)
def test_other_policy_errors(change, words):
    frame, policy, *_ = simulate(n=20, t=8, seed=17)
    with pytest.raises(InputError, match=words):
        nqpf.did(frame, "y", {**policy, **change})


def test_an_unidentified_event_study_stops_with_what_to_change():
    """Every unit eventually treated and every relative period a dummy: the dummies are collinear with the
    unit and year effects."""
    frame, policy, *_ = simulate(n=30, t=8, cohorts=(2004, 2006), share=0.5, seed=19)
    with pytest.raises(InputError) as error:
        nqpf.event_study(frame, "y", policy, leads=5, lags=4, bin_ends=False)
    assert (
        error.value.key == "leads"
        and "not identified" in str(error.value)
        and "never-treated" in str(error.value)
    )
    res = nqpf.event_study(frame, "y", policy, leads=3, lags=1, method="sun_abraham", control_group="last")
    assert res.regression.model.panel.years == (2001, 2002, 2003, 2004, 2005)


def test_a_window_the_panel_does_not_cover_stops():
    frame, policy, *_ = simulate(n=20, t=8, cohorts=(2004, 2006), seed=18)
    with pytest.raises(InputError) as error:
        nqpf.event_study(frame, "y", policy, leads=2, lags=6, bin_ends=False)
    assert error.value.key == "lags" and "6" in str(error.value)


# -- spatial DID ---------------------------------------------------------------------------------------------


def spatial_panel(seed, rho=0.3, beta=1.0, theta=0.6, years=8, noise=0.5):
    """y_t = (I - rho W)^-1 (beta D_t + theta W D_t + 0.5 x_t + mu + eta_t + e_t) on a 6 x 7 rook lattice, two
    cohorts (2004, 2006) of 7 units each, the rest never treated."""
    from tests.test_mechanisms import IDS, N, W

    rng = np.random.default_rng(seed)
    first = np.full(N, np.inf)
    chosen = rng.permutation(N)
    first[chosen[:7]], first[chosen[7:14]] = START + 3, START + 5
    spread = np.linalg.inv(np.eye(N) - rho * W)
    mu = rng.normal(0, 1, N)
    x = rng.normal(0, 1, (years, N))
    d = (np.arange(START, START + years)[:, None] >= first[None, :]).astype(float)
    y = np.array(
        [
            spread @ (beta * d[t] + theta * W @ d[t] + 0.5 * x[t] + mu + 0.2 * t + rng.normal(0, noise, N))
            for t in range(years)
        ]
    )
    frame = pd.DataFrame(
        {
            "code": np.tile(IDS, years),
            "year": np.repeat(np.arange(START, START + years), N),
            "y": y.ravel(),
            "x": x.ravel(),
        }
    )
    policy = {IDS[i]: int(first[i]) for i in chosen[:14]}
    truth_matrix = spread @ (beta * np.eye(N) + theta * W)
    direct = np.trace(truth_matrix) / N
    total = truth_matrix.sum() / N
    return frame, policy, {"direct": direct, "indirect": total - direct, "total": total}


def test_the_spatial_did_recovers_the_direct_and_spillover_effects_of_the_policy():
    """Monte Carlo: the SDM's effects of D cover the true direct, indirect and total effects of a policy with a
    spillover (the dense N x N matrix of partial derivatives (I - rho W)^-1 (beta I + theta W))."""
    from tests.test_mechanisms import WEIGHTS

    covered = {kind: 0 for kind in ("direct", "indirect", "total")}
    estimates = {kind: [] for kind in covered}
    reps = 40
    for seed in range(reps):
        frame, policy, truth = spatial_panel(seed)
        res = nqpf.spatial_did(frame, "y", policy, ["x"], WEIGHTS, draws=300, seed=seed)
        effects = res.effects.set_index("effect")
        for kind in covered:
            row = effects.loc[kind]
            covered[kind] += row["ci_low"] <= truth[kind] <= row["ci_high"]
            estimates[kind].append(row["estimate"])
    for kind in covered:
        assert 0.85 <= covered[kind] / reps <= 1.0, (kind, covered[kind])
        bias = np.mean(estimates[kind]) - truth[kind]
        assert abs(bias) < 3 * np.std(estimates[kind]) / np.sqrt(reps), (kind, bias)
    assert res.n_treated == 14 and res.n_cohorts == 2 and res.n_never_treated == 28
    frames = res.frames()
    assert {"did", "W.did"} <= set(frames["estimates"]["term"])
    assert frames["fit"]["n_treated"].iloc[0] == 14


def test_the_spatial_did_is_the_lag_model_with_the_treatment_dummy():
    from tests.test_mechanisms import WEIGHTS

    frame, policy, _ = spatial_panel(1)
    res = nqpf.spatial_did(frame, "y", policy, ["x"], WEIGHTS, model="sar", draws=200)
    first = frame["code"].map(policy).astype(float)
    manual = nqpf.SpatialPanelModel(
        frame.assign(did=(frame["year"] >= first).astype(float)), "y", ["did", "x"], WEIGHTS, model="sar"
    ).fit()
    assert_allclose(res.fit.params.to_numpy(), manual.params.to_numpy(), rtol=1e-12)
    with pytest.raises(InputError, match="needs spatial weights"):
        nqpf.spatial_did(frame, "y", policy, ["x"])
    with pytest.raises(InputError, match="lag model"):
        nqpf.spatial_did(frame, "y", policy, ["x"], WEIGHTS, model="sem")
