"""Spatial panel models against R spatialreg (Columbus cross-section; unit fixed effects on stacked within data),
against independent implementations of the published two-way and random-effects likelihoods, and the effects
against dense S_k(W) matrices."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from scipy import optimize

from nqpf.errors import InputError
from nqpf.models import effects, lm_tests, selection, specifications, subsample
from nqpf.models.estimation import design, fit
from nqpf.models.fixed_effects import demean
from nqpf.models.operator import SpatialOperator
from nqpf.models.panel_data import Panel, lag
from nqpf.models.random_effects import fit_random
from nqpf.models.settings import ModelsSettings
from nqpf.models.spatial_panel import bounds_of
from nqpf.weights import spectrum
from nqpf.weights.core import SpatialWeights
from nqpf.weights.standardise import parameter_bounds, standardise
from tests.fixtures import make_spatialreg

FIXTURE = json.loads((make_spatialreg.HERE / "spatialreg_models.json").read_text())
R_COLUMBUS, R_PANEL = FIXTURE["columbus"], FIXTURE["panel_unit"]


@pytest.fixture(scope="module")
def columbus():
    w, data = make_spatialreg.columbus()
    eigen = spectrum.compute(w.raw, w.matrix)
    op = SpatialOperator(w.matrix, eigen)
    bounds = parameter_bounds(eigen.real.min(), eigen.real.max())
    panel = Panel(
        data["CRIME"].to_numpy()[None],
        data[["INC", "HOVAL"]].to_numpy()[None],
        ("INC", "HOVAL"),
        tuple(w.ids),
        (0,),
        "CRIME",
    )
    return w, panel, op, bounds


@pytest.fixture(scope="module")
def stacked(columbus):
    """The fixture's seeded panel on the Columbus W (N = 49, T = 6)."""
    w, _, op, bounds = columbus
    data = FIXTURE["panel_data"]
    x = np.stack([np.array(data["x1"]), np.array(data["x2"])], axis=2)
    panel = Panel(np.array(data["y"]), x, ("x1", "x2"), tuple(w.ids), tuple(range(data["T"])), "y")
    return w, panel, op, bounds


def all_estimates(result):
    return np.append(result.coef, result.spatial), result.std_errors()


# --- the cross-section against R spatialreg -------------------------------------------------------------------


@pytest.mark.parametrize("model", ["sar", "sdm", "sem", "sdem"])
def test_columbus_matches_spatialreg(columbus, model):
    _, panel, op, bounds = columbus
    result = fit(model, panel, op, "none", "lee_yu", bounds)
    r = R_COLUMBUS[model]
    name = "rho" if model in ("sar", "sdm") else "lambda"
    np.testing.assert_allclose(result.coef, r["coef"], rtol=1e-6)
    assert result.spatial == pytest.approx(r[name], rel=1e-6)
    assert result.loglik == pytest.approx(r["loglik"], rel=1e-9)
    assert result.sigma2 == pytest.approx(r["s2"], rel=1e-6)
    se = result.std_errors()
    np.testing.assert_allclose(se[:-1], r["se"], rtol=1e-6)
    assert se[-1] == pytest.approx(r[f"{name}_se"], rel=1e-6)


def test_columbus_ols_slx_and_lm_tests(columbus):
    _, panel, op, bounds = columbus
    for model in ("ols", "slx"):
        result = fit(model, panel, op, "none", "lee_yu", bounds)
        np.testing.assert_allclose(result.coef, R_COLUMBUS[model]["coef"], rtol=1e-10)
        np.testing.assert_allclose(result.std_errors(), R_COLUMBUS[model]["se"], rtol=1e-10)
    assert fit("ols", panel, op, "none", "lee_yu", bounds).loglik == pytest.approx(
        R_COLUMBUS["ols"]["loglik"], rel=1e-12
    )
    table = lm_tests.lm_tests(panel, op, "none").set_index("test")
    names = {"lm_lag": "LMlag", "lm_error": "LMerr", "robust_lm_lag": "RLMlag", "robust_lm_error": "RLMerr"}
    for ours, theirs in names.items():
        assert table.loc[ours, "statistic"] == pytest.approx(
            R_COLUMBUS["lm_tests"][theirs]["statistic"], rel=1e-10
        )
        assert table.loc[ours, "p"] == pytest.approx(R_COLUMBUS["lm_tests"][theirs]["p"], rel=1e-8)


@pytest.mark.parametrize("model", ["sar", "sdm", "slx", "sdem"])
def test_columbus_exact_effects_match_impacts(columbus, model):
    _, panel, op, bounds = columbus
    result = fit(model, panel, op, "none", "lee_yu", bounds)
    table, _ = effects.effects(result, op, ["INC", "HOVAL"], 200, np.random.default_rng(0), bounds)
    r = R_COLUMBUS[model] if model == "slx" else R_COLUMBUS[model]["impacts"]
    for kind in effects.KINDS:
        np.testing.assert_allclose(table.loc[table["effect"] == kind, "estimate"], r[kind], rtol=1e-6)


@pytest.mark.parametrize("model", ["sar", "sdm"])
def test_columbus_simulated_standard_errors_within_monte_carlo_error(columbus, model):
    """R's simulated standard errors (5,000 draws) against ours: the Monte Carlo spread of a 5,000-draw standard
    error is measured from 30 independent seeds; R's value must lie within 3.5 of those spreads of their mean
    (the spread of indirect effects is wide: 1/(1 - rho) is heavy-tailed for draws of rho near 1)."""
    _, panel, op, bounds = columbus
    result = fit(model, panel, op, "none", "lee_yu", bounds)
    runs = np.array(
        [
            effects.effects(result, op, ["INC", "HOVAL"], 5000, np.random.default_rng(seed), bounds)[0][
                "std_error"
            ]
            for seed in range(30)
        ]
    )
    impacts = R_COLUMBUS[model]["impacts"]
    reference = np.array([[impacts[f"se_{k}"][v] for k in effects.KINDS] for v in range(2)]).ravel()
    spread = runs.std(axis=0, ddof=1)
    assert np.all(np.abs(reference - runs.mean(axis=0)) < 3.5 * spread * np.sqrt(1 + 1 / 30))
    # The direct effects: the median of the 30 standard errors within 3 % of R's. Not their mean: a run's standard
    # error is itself heavy-tailed (a few draws of rho near 1 give it 1.15 where the median run gives 0.33), so
    # that the mean of 30 runs moves by 8 % from one set of draws to another, while 80 % of the runs lie within
    # 2 % of their median.
    direct = np.array([0, 3])
    np.testing.assert_allclose(np.median(runs, axis=0)[direct], reference[direct], rtol=0.03)


def test_columbus_model_comparison_tests(columbus):
    _, panel, op, bounds = columbus
    sdm, sar, sem = (fit(m, panel, op, "none", "lee_yu", bounds) for m in ("sdm", "sar", "sem"))
    r = R_COLUMBUS["sdm"]
    assert selection.lr("x", sdm, sar, 2)[1] == pytest.approx(r["lr_sar"], rel=1e-6)
    assert selection.lr("x", sdm, sem, 2)[1] == pytest.approx(r["lr_sem"], rel=1e-6)
    assert selection.wald_no_lags(sdm, ["INC", "HOVAL"], "x")[1] == pytest.approx(r["wald_sar"], rel=1e-6)


def test_common_factor_wald_against_numerical_delta_method(columbus):
    _, panel, op, bounds = columbus
    sdm = fit("sdm", panel, op, "none", "lee_yu", bounds)
    params = np.append(sdm.coef, sdm.spatial)

    def g(p):  # theta + rho beta for INC and HOVAL (terms const, INC, HOVAL, W.INC, W.HOVAL, rho)
        return np.array([p[3] + p[5] * p[1], p[4] + p[5] * p[2]])

    step = 1e-6
    jac = np.column_stack([(g(params + step * e) - g(params - step * e)) / (2 * step) for e in np.eye(6)])
    expected = g(params) @ np.linalg.solve(jac @ sdm.cov @ jac.T, g(params))
    assert selection.wald_common_factor(sdm, ["INC", "HOVAL"])[1] == pytest.approx(expected, rel=1e-7)


# --- unit fixed effects against R on the stacked within data ---------------------------------------------------


def coefficients_at(panel, op, model, fixed_effects, spatial):
    """The ML coefficients given the spatial parameter: GLS on the demeaned design (rho W y moved to the left
    for lag models; the design filtered by I - lambda W for error models)."""
    d = design(panel, op, model, fixed_effects)
    if model in ("sar", "sdm"):
        return np.linalg.lstsq(d.z, d.y - spatial * d.wy, rcond=None)[0]
    return np.linalg.lstsq(d.z - spatial * d.wz, d.y - spatial * d.wy, rcond=None)[0]


@pytest.mark.parametrize("model", ["sar", "sdm", "sem", "sdem"])
def test_unit_effects_match_spatialreg_on_stacked_within_data(stacked, model):
    """The concentrated likelihood is flat to about 1e-13 near its maximum, so the spatial parameter is determined
    to about 1e-8 by any maximiser (ours and R's differ by 1.5e-8 on this machine, by less on others) and a
    coefficient near zero moves with it (W.x1 of the SDM, -0.0098: 1e-6 relative). The coefficients are
    therefore checked at R's own spatial parameter, where they follow exactly; the spatial parameter to the
    precision the likelihood gives it; the standard errors and the maximum of the likelihood as they are."""
    _, panel, op, bounds = stacked
    result = fit(model, panel, op, "unit", "direct", bounds)
    r = R_PANEL[model]
    name = "rho" if model in ("sar", "sdm") else "lambda"
    estimates, se = all_estimates(result)
    np.testing.assert_allclose(coefficients_at(panel, op, model, "unit", r[name]), r["coef"], rtol=1e-9)
    assert result.spatial == pytest.approx(r[name], abs=1e-7)
    np.testing.assert_allclose(estimates[:-1], r["coef"], rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(se, [*r["se"], r[f"{name}_se"]], rtol=1e-6)
    assert result.loglik == pytest.approx(r["loglik"], rel=1e-12)
    # Lee-Yu with unit effects only: the same estimates, sigma^2 scaled by T / (T - 1)
    corrected = fit(model, panel, op, "unit", "lee_yu", bounds)
    np.testing.assert_allclose(np.append(corrected.coef, corrected.spatial), estimates, rtol=1e-6)
    assert corrected.sigma2 == pytest.approx(result.sigma2 * panel.t / (panel.t - 1), rel=1e-7)


def test_panel_lm_tests_match_spatialreg_on_stacked_within_data(stacked):
    _, panel, op, _ = stacked
    table = lm_tests.lm_tests(panel, op, "unit").set_index("test")
    names = {"lm_lag": "LMlag", "lm_error": "LMerr", "robust_lm_lag": "RLMlag", "robust_lm_error": "RLMerr"}
    for ours, theirs in names.items():
        assert table.loc[ours, "statistic"] == pytest.approx(
            R_PANEL["lm_tests"][theirs]["statistic"], rel=1e-10
        )


# --- two-way effects against independent implementations of the published formulas ----------------------------


def orthonormal_complement(m: int) -> np.ndarray:
    """F (m x m-1): orthonormal eigenvectors of I - 11'/m for the eigenvalue 1 (Lee and Yu 2010, sec. 2)."""
    values, vectors = np.linalg.eigh(np.eye(m) - np.ones((m, m)) / m)
    return vectors[:, values > 0.5]


def dense_ml(y, z, wy, w_block, blocks, error=False):
    """Textbook ML of y = rho W y + Z b + e (or y = Z b + u, u = lambda W u + e) for W = I_blocks (x) w_block, with
    dense log-determinants and the cross-section information matrix (Anselin 1988, ch. 6)."""
    n = w_block.shape[0]
    eye = np.eye(n)
    w_full = np.kron(np.eye(blocks), w_block)
    wz = w_full @ z
    values = np.linalg.eigvals(w_block).real
    lower, upper = 1 / values.min(), 1 / values.max()
    nt = len(y)

    def concentrated(r):
        if error:
            b = np.linalg.lstsq(z - r * wz, y - r * wy, rcond=None)[0]
            e = y - r * wy - (z - r * wz) @ b
        else:
            b = np.linalg.lstsq(z, y - r * wy, rcond=None)[0]
            e = y - r * wy - z @ b
        return b, e, -nt / 2 * np.log(e @ e / nt) + blocks * np.linalg.slogdet(eye - r * w_block)[1]

    best = optimize.minimize_scalar(
        lambda r: -concentrated(r)[2],
        bounds=(lower + 1e-9, upper - 1e-9),
        method="bounded",
        options={"xatol": 1e-12},
    )
    r = best.x
    b, e, value = concentrated(r)
    s2 = e @ e / nt
    g = w_block @ np.linalg.inv(eye - r * w_block)
    k = len(b)
    info = np.zeros((k + 2, k + 2))
    trace_term = blocks * (np.trace(g @ g) + np.trace(g.T @ g))
    if error:
        zl = z - r * wz
        info[:k, :k] = zl.T @ zl / s2
        info[k, k] = trace_term
    else:
        h = np.kron(np.eye(blocks), g) @ z @ b
        info[:k, :k] = z.T @ z / s2
        info[:k, k] = info[k, :k] = z.T @ h / s2
        info[k, k] = trace_term + h @ h / s2
    info[k, k + 1] = info[k + 1, k] = blocks * np.trace(g) / s2
    info[k + 1, k + 1] = nt / (2 * s2**2)
    cov = np.linalg.inv(info)
    loglik = value - nt / 2 * (np.log(2 * np.pi) + 1)
    return np.append(b, r), np.sqrt(np.diag(cov)[: k + 1]), loglik


def regressors(panel, w, model):
    x = panel.x
    if model in ("sdm", "sdem"):
        x = np.concatenate([x, lag(w, x)], axis=2)
    return x


@pytest.mark.parametrize("model", ["sar", "sdm", "sem", "sdem"])
@pytest.mark.parametrize("effects_", ["two-way", "time"])
def test_lee_yu_matches_explicit_orthonormal_transformation(stacked, model, effects_):
    """Lee and Yu (2010): transform with F_T (unit effects) and F_N (time effects), W* = F_N' W F_N, then estimate
    the transformed model as a cross-section of T* blocks."""
    w, panel, op, bounds = stacked
    t, n = panel.t, panel.n
    f_t = orthonormal_complement(t) if effects_ == "two-way" else np.eye(t)
    f_n = orthonormal_complement(n)
    dense = w.matrix.toarray()
    w_star = f_n.T @ dense @ f_n
    x = regressors(panel, w.matrix, model)

    def transform(a):  # (T, N) -> (T*, N*) flattened time-major
        return (f_t.T @ a @ f_n).reshape(-1)

    y_star = transform(panel.y)
    wy_star = transform(lag(w.matrix, panel.y))
    z_star = np.column_stack([transform(x[:, :, k]) for k in range(x.shape[2])])
    expected, expected_se, expected_ll = dense_ml(
        y_star, z_star, wy_star, w_star, f_t.shape[1], error=model in ("sem", "sdem")
    )
    result = fit(model, panel, op, effects_, "lee_yu", bounds)
    estimates, se = all_estimates(result)
    np.testing.assert_allclose(estimates, expected, rtol=1e-6)
    np.testing.assert_allclose(se, expected_se, rtol=1e-6)
    assert result.loglik == pytest.approx(expected_ll, rel=1e-9)


@pytest.mark.parametrize("model", ["sar", "sdm"])
@pytest.mark.parametrize("effects_", ["two-way", "time", "unit"])
def test_direct_approach_matches_dummy_variables(stacked, model, effects_):
    """Elhorst (2014): the direct approach is ML with unit and time dummies (LSDV) on all N T observations."""
    w, panel, op, bounds = stacked
    t, n = panel.t, panel.n
    x = regressors(panel, w.matrix, model).reshape(t * n, -1)
    dummies = []
    if effects_ in ("unit", "two-way"):
        dummies.append(np.tile(np.eye(n), (t, 1)))
    if effects_ in ("time", "two-way"):
        time = np.repeat(np.eye(t), n, axis=0)
        dummies.append(time[:, 1:] if effects_ == "two-way" else time)
    z = np.column_stack([x, *dummies])
    k = x.shape[1]
    expected, expected_se, expected_ll = dense_ml(
        panel.y.reshape(-1), z, lag(w.matrix, panel.y).reshape(-1), w.matrix.toarray(), t
    )
    result = fit(model, panel, op, effects_, "direct", bounds)
    estimates, se = all_estimates(result)
    np.testing.assert_allclose(estimates, np.append(expected[:k], expected[-1]), rtol=1e-6)
    np.testing.assert_allclose(se, np.append(expected_se[:k], expected_se[-1]), rtol=1e-6)
    assert result.loglik == pytest.approx(expected_ll, rel=1e-9)


def test_lags_are_taken_before_demeaning(stacked):
    """With a W that is not doubly stochastic, demean(W y) differs from W demean(y) under unit effects only when
    time means enter: the time-demeaned lag is what the model uses."""
    w, panel, _, _ = stacked
    lagged_then_demeaned = demean(lag(w.matrix, panel.y), "two-way")
    demeaned_then_lagged = lag(w.matrix, demean(panel.y, "two-way"))
    np.testing.assert_allclose(lagged_then_demeaned, demean(demeaned_then_lagged, "two-way"), atol=1e-12)
    binary = SpatialOperator(w.raw, None)  # row sums differ: the two orders differ
    assert not np.allclose(demean(lag(binary.w, panel.y), "time"), lag(binary.w, demean(panel.y, "time")))


def test_lee_yu_time_effects_need_row_standardised_w(stacked):
    w, panel, _, _ = stacked
    raw = SpatialOperator(w.raw / 4.0, None)
    with pytest.raises(InputError, match="row-standardised"):
        fit("sdm", panel, raw, "two-way", "lee_yu", (-0.5, 0.5))


# --- random effects ---------------------------------------------------------------------------------------------


def random_effects_loglik(params, y, z, w):
    """The exact Gaussian log-likelihood of the RE SAR/SDM, y (T, N), with a dense covariance (Elhorst 2014,
    eq. 3.20): (I - rho I_T (x) W) y = Z b + (l_T (x) I_N) mu + e."""
    t, n = y.shape
    k = z.shape[1]
    beta, rho, s2, s2_mu = params[:k], params[k], params[k + 1], params[k + 2]
    a = np.eye(n * t) - rho * np.kron(np.eye(t), w)
    cov = s2 * np.eye(n * t) + s2_mu * np.kron(np.ones((t, t)), np.eye(n))
    resid = a @ y.reshape(-1) - z @ beta
    return (
        -0.5 * n * t * np.log(2 * np.pi)
        - 0.5 * np.linalg.slogdet(cov)[1]
        + np.linalg.slogdet(a)[1]
        - 0.5 * resid @ np.linalg.solve(cov, resid)
    )


@pytest.mark.parametrize("model", ["sar", "sdm"])
@pytest.mark.parametrize("time_effects", [False, True])
def test_random_effects_match_dense_likelihood_and_expected_information(stacked, model, time_effects):
    """Without time effects: the RE likelihood of the data. With them (Lee-Yu): the RE likelihood of the data
    transformed by F_N, W* = F_N' W F_N, N - 1 units."""
    w, panel, op, bounds = stacked
    t, n = panel.t, panel.n
    result = fit_random(panel, op, bounds, durbin=model == "sdm", time_effects=time_effects)
    x = regressors(panel, w.matrix, model)
    dense = w.matrix.toarray()
    y = panel.y
    if time_effects:
        f_n = orthonormal_complement(n)
        y, x, dense = y @ f_n, np.einsum("tnk,nm->tmk", x, f_n), f_n.T @ dense @ f_n
        n -= 1
        z = x.reshape(t * n, -1)
    else:
        z = np.column_stack([np.ones(t * n), x.reshape(t * n, -1)])
    k = z.shape[1]
    start = np.concatenate([result.coef, [result.spatial, result.sigma2, result.extra["sigma2_mu"]]])
    best = optimize.minimize(
        lambda p: -random_effects_loglik(p, y, z, dense), start * 1.02, method="BFGS", options={"gtol": 1e-9}
    )
    np.testing.assert_allclose(start, best.x, rtol=2e-5)
    assert result.loglik == pytest.approx(-best.fun, rel=1e-10)
    # expected information of (beta, rho, sigma^2, psi = phi^2) from the Gaussian formula, numerically
    w_full = np.kron(np.eye(t), dense)
    mean_factor = np.kron(np.ones((t, t)) / t, np.eye(n))

    def moments(p):
        beta, rho, s2, psi = p[:k], p[k], p[k + 1], p[k + 2]
        inverse = np.linalg.inv(np.eye(n * t) - rho * w_full)
        v = mean_factor / psi + (np.eye(n * t) - mean_factor)
        return inverse @ z @ beta, s2 * inverse @ v @ inverse.T

    point = np.concatenate([result.coef, [result.spatial, result.sigma2, result.extra["phi"] ** 2]])
    _, cov = moments(point)
    precision = np.linalg.inv(cov)
    derivatives = []
    for j in range(len(point)):
        step = 1e-6 * max(abs(point[j]), 1.0)
        up, down = point.copy(), point.copy()
        up[j] += step
        down[j] -= step
        (m1, c1), (m0, c0) = moments(up), moments(down)
        derivatives.append(((m1 - m0) / (2 * step), (c1 - c0) / (2 * step)))
    info = np.array(
        [
            [
                dm_i @ precision @ dm_j + 0.5 * np.trace(precision @ dc_i @ precision @ dc_j)
                for dm_j, dc_j in derivatives
            ]
            for dm_i, dc_i in derivatives
        ]
    )
    expected_se = np.sqrt(np.diag(np.linalg.inv(info)))[: k + 1]
    np.testing.assert_allclose(result.std_errors(), expected_se, rtol=1e-5)


# --- effects on W without equal row sums, heterogeneity, the analysis --------------------------------------------


@pytest.mark.parametrize(
    "how, asymmetric, method",
    [
        ("spectral", False, "dense symmetric eigen decomposition"),
        ("spectral", True, "dense eigen decomposition"),
        ("minmax", True, "dense eigen decomposition"),
        ("row", "island", "dense symmetric eigen decomposition"),
    ],
)
def test_effects_without_equal_row_sums_match_dense_matrices(columbus, how, asymmetric, method):
    w, panel, _, _ = columbus
    raw = w.raw.tolil()
    if asymmetric == "island":  # a unit without links, kept: its row of W sums to 0, the others to 1
        raw[0, :] = 0.0
        raw[:, 0] = 0.0
    elif asymmetric:  # one one-way link: W is no longer similar to a symmetric matrix
        raw[0, 1] = raw[0, 1] or 1.0
        raw[1, 0] = 0.0
    raw = sp.csr_matrix(raw)
    matrix, _ = standardise(raw, how)
    eigen = spectrum.compute(raw, matrix)
    op = SpatialOperator(matrix, eigen)
    bounds = parameter_bounds(eigen.real.min(), eigen.real.max())
    result = fit("sdm", panel, op, "none", "lee_yu", bounds)
    table, _ = effects.effects(result, op, ["INC", "HOVAL"], 100, np.random.default_rng(0), bounds)
    dense = matrix.toarray()
    n = dense.shape[0]
    inverse = np.linalg.inv(np.eye(n) - result.spatial * dense)
    for name in ["INC", "HOVAL"]:
        s = inverse @ (result.coefficient(name) * np.eye(n) + result.coefficient(f"W.{name}") * dense)
        rows = table[table["variable"] == name].set_index("effect")["estimate"]
        assert rows["direct"] == pytest.approx(np.trace(s) / n, rel=1e-9)
        assert rows["total"] == pytest.approx(s.sum() / n, rel=1e-9)
    assert eigen.method == method


def test_a_negative_variance_is_no_standard_error_and_is_named(columbus):
    """Where the inverted information matrix has a negative variance (a parameter at its bound, say), that
    parameter has no standard error, and the fit's notes name it instead of leaving a blank to be read."""
    import dataclasses

    _, panel, op, bounds = columbus
    result = fit("sar", panel, op, "none", "lee_yu", bounds)
    assert result.undefined_errors() == [] and np.all(np.isfinite(result.std_errors()))
    cov = result.cov.copy()
    cov[-1, -1] = -abs(cov[-1, -1])  # rho's variance
    broken = dataclasses.replace(result, cov=cov)
    errors = broken.std_errors()
    assert np.isnan(errors[-1]) and np.all(np.isfinite(errors[:-1]))
    assert broken.undefined_errors() == ["rho"]
    (note,) = [n for n in specifications._warnings(broken, "main", bounds) if "positive definite" in n]
    assert note.endswith("no standard error for rho")


def test_effects_draws_are_seeded_and_keep_rho_inside_bounds(columbus):
    _, panel, op, bounds = columbus
    result = fit("sdm", panel, op, "none", "lee_yu", bounds)
    first, facts = effects.effects(result, op, ["INC"], 500, np.random.default_rng(7), bounds)
    second, _ = effects.effects(result, op, ["INC"], 500, np.random.default_rng(7), bounds)
    pd.testing.assert_frame_equal(first, second)
    assert facts["draws"] == 500
    narrow = (result.spatial - 0.05, result.spatial + 0.05)
    _, facts = effects.effects(result, op, ["INC"], 500, np.random.default_rng(7), narrow)
    assert facts["draws_replaced"] > 100  # rho's standard error is 0.16: most draws fall outside


def test_effect_draws_move_with_the_covariance_continuously():
    # Draws of N(mean, cov) through the Cholesky factor: a covariance changed in its last bits (another BLAS,
    # another order of sums) changes the draws in their last bits too. An eigen root does not: with two equal
    # variances its eigenvectors are any rotation of the plane, and the draws move by a standard deviation.
    cov = np.array([[0.04, 0.0, 0.001], [0.0, 0.04, 0.0], [0.001, 0.0, 0.01]])
    mean = np.array([1.0, -0.5, 0.3])
    everything = lambda batch: np.ones(len(batch), bool)  # noqa: E731
    first, _ = effects.draw_parameters(mean, cov, 2000, np.random.default_rng(11), everything, "")
    nudged = cov.copy()
    nudged[0, 1] = nudged[1, 0] = 1e-15  # the eigenvectors of the first two turn by 45 degrees
    second, _ = effects.draw_parameters(mean, nudged, 2000, np.random.default_rng(11), everything, "")
    assert np.abs(first - second).max() < 1e-11
    np.testing.assert_allclose(np.cov(first.T), cov, atol=0.004)  # still draws of N(mean, cov)
    np.testing.assert_allclose(first.mean(axis=0), mean, atol=4 * 0.2 / np.sqrt(2000))


def test_subsample_restricts_and_links_isolated_units(columbus):
    w, _, _, _ = columbus
    keep = np.array([0, 1, 2, 3, 40, 41])
    matrix, eigen, bounds, notes = subsample.restrict(w, keep, "test")
    sums = np.asarray(matrix.sum(axis=1)).ravel()
    np.testing.assert_allclose(sums, 1.0)
    raw = w.raw[keep][:, keep].toarray()
    isolated = np.flatnonzero(raw.sum(axis=1) == 0)
    assert len(notes) == len(isolated) > 0
    assert bounds[1] == pytest.approx(1.0)
    valued = SpatialWeights(w.ids, w.matrix, w.raw * 0.5, "valued", "file", "row", 1.0, (), {})
    with pytest.raises(InputError, match="no neighbour inside the subsample"):
        subsample.restrict(valued, keep, "test")


def test_analysis_of_a_panel_writes_every_spec(stacked):
    w, panel, op, _ = stacked
    frame = pd.DataFrame(
        {
            "code": np.tile(w.ids, panel.t),
            "year": np.repeat(np.arange(2000, 2000 + panel.t), panel.n),
            "y": panel.y.reshape(-1),
            "x1": panel.x[:, :, 0].reshape(-1),
            "x2": panel.x[:, :, 1].reshape(-1),
        }
    )
    units = pd.DataFrame(
        {"code": list(w.ids), "zone": ["north" if i < 25 else "south" for i in range(panel.n)]}
    )
    settings = ModelsSettings.model_validate(
        {
            "dependent": "y",
            "explanatory": ["x1", "x2"],
            "effects": {"draws": 200, "seed": 3},
            "heterogeneity": {"by": "zone"},
        }
    )
    result = specifications.analyse("sdm", frame, list(range(2000, 2000 + panel.t)), w, units, settings)
    assert set(result.estimates["spec"]) == {"main", "random", "north", "south"}
    assert set(result.effects["spec"]) == {"main", "north", "south"}
    assert set(result.tests["test"]) == {
        "wald_sdm_vs_sar",
        "lr_sdm_vs_sar",
        "wald_sdm_vs_sem",
        "lr_sdm_vs_sem",
        "lr_unit_effects",
        "lr_time_effects",
        "hausman",
    }
    main = fit("sdm", panel, op, "two-way", "lee_yu", bounds_of(op.spectrum))
    rows = result.estimates[result.estimates["spec"] == "main"]
    np.testing.assert_allclose(rows["estimate"], np.append(main.coef, main.spatial))
    again = specifications.analyse("sdm", frame, list(range(2000, 2000 + panel.t)), w, units, settings)
    pd.testing.assert_frame_equal(result.effects, again.effects)
    json.dumps(result.fit, allow_nan=False)
    ols = specifications.analyse("ols", frame, list(range(2000, 2000 + panel.t)), w, units, settings)
    assert set(ols.tests["spec"]) == {"main", "pooled", "unit", "time", "two-way"}


def test_unbalanced_panel_is_refused_with_the_cells(stacked):
    w, panel, _, _ = stacked
    frame = pd.DataFrame(
        {
            "code": np.tile(w.ids, panel.t),
            "year": np.repeat(np.arange(panel.t), panel.n),
            "y": panel.y.reshape(-1),
            "x1": panel.x[:, :, 0].reshape(-1),
            "x2": panel.x[:, :, 1].reshape(-1),
        }
    )
    frame.loc[5, "x1"] = np.nan
    settings = ModelsSettings.model_validate({"dependent": "y", "explanatory": ["x1", "x2"]})
    with pytest.raises(InputError) as error:
        specifications.analyse("sar", frame, list(range(panel.t)), w, pd.DataFrame({"code": w.ids}), settings)
    assert "balanced panel" in str(error.value) and w.ids[5] in str(error.value)


def test_sparse_lu_log_determinants_give_the_eigenvalue_fit(stacked):
    """Without a spectrum (W above the spectrum limit) the likelihood uses sparse LU log-determinants and the
    exact traces by solves: the same estimates and standard errors."""
    w, panel, op, bounds = stacked
    with_eigen = fit("sdm", panel, op, "two-way", "lee_yu", bounds)
    without = fit("sdm", panel, SpatialOperator(w.matrix, None), "two-way", "lee_yu", bounds)
    # the likelihood is flat to 1e-13 near its maximum: rho agrees to about 1e-8, the rest follows
    np.testing.assert_allclose(all_estimates(without)[0], all_estimates(with_eigen)[0], rtol=1e-6)
    np.testing.assert_allclose(all_estimates(without)[1], all_estimates(with_eigen)[1], rtol=1e-6)


def test_a_cross_section_runs_through_the_analysis(columbus):
    w, panel, op, _ = columbus
    frame = pd.DataFrame(
        {
            "code": list(w.ids),
            "year": 2000,
            "CRIME": panel.y[0],
            "INC": panel.x[0, :, 0],
            "HOVAL": panel.x[0, :, 1],
        }
    )
    settings = ModelsSettings.model_validate(
        {
            "dependent": "CRIME",
            "explanatory": ["INC", "HOVAL"],
            "fixed_effects": "none",
            "effects": {"seed": 1},
        }
    )
    units = pd.DataFrame({"code": list(w.ids)})
    result = specifications.analyse("sdm", frame, [2000], w, units, settings)
    assert set(result.estimates["spec"]) == {"main"}
    rows = result.estimates.set_index("term")
    assert rows.loc["rho", "estimate"] == pytest.approx(R_COLUMBUS["sdm"]["rho"], rel=1e-6)
    assert set(result.tests["test"]) == {
        "wald_sdm_vs_sar",
        "lr_sdm_vs_sar",
        "wald_sdm_vs_sem",
        "lr_sdm_vs_sem",
    }
    ols = specifications.analyse("ols", frame, [2000], w, units, settings)
    assert set(ols.tests["spec"]) == {"pooled"}
    unit_effects = ModelsSettings.model_validate({"dependent": "CRIME", "explanatory": ["INC"]})
    with pytest.raises(InputError, match="cross-section"):
        specifications.analyse("sdm", frame, [2000], w, units, unit_effects)
