"""The SAC model (spatial lag and spatial error on one W, nqpf.SpatialPanelModel(model="sac")) against R
spatialreg's sacsarlm (the Columbus cross-section; unit fixed effects on the stacked within data, fixture made by
tests/fixtures/make_spatialreg_sac.py), against the likelihood and information matrix written here from the
published formulas (Lee and Yu 2010, J. Econometrics 154, sec. 4) with dense matrices on the data transformed
explicitly by F_T and F_N, a Monte Carlo recovery of its parameters, and its effects against the dense matrix of
partial derivatives."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from scipy import optimize

import nqpf
from nqpf.models.estimation import fit
from tests.fixtures import make_spatialreg
from tests.test_models import orthonormal_complement

R_SAC = json.loads((make_spatialreg.HERE / "spatialreg_sac.json").read_text())
MODELS_FIXTURE = json.loads((make_spatialreg.HERE / "spatialreg_models.json").read_text())


@pytest.fixture(scope="module")
def columbus():
    from tests.test_models import columbus as build

    return build.__wrapped__()


@pytest.fixture(scope="module")
def stacked(columbus):
    from nqpf.models.panel_data import Panel

    w, _, op, bounds = columbus
    data = MODELS_FIXTURE["panel_data"]
    x = np.stack([np.array(data["x1"]), np.array(data["x2"])], axis=2)
    panel = Panel(np.array(data["y"]), x, ("x1", "x2"), tuple(w.ids), tuple(range(data["T"])), "y")
    return w, panel, op, bounds


def test_columbus_matches_sacsarlm(columbus):
    _, panel, op, bounds = columbus
    result = fit("sac", panel, op, "none", "lee_yu", bounds)
    r = R_SAC["columbus"]
    assert result.terms == ["const", "INC", "HOVAL", "lambda"]
    assert_allclose(result.coef[:-1], r["coef"], rtol=1e-6)
    assert result.spatial == pytest.approx(r["rho"], rel=1e-6)
    assert result.coefficient("lambda") == pytest.approx(r["lambda"], rel=1e-5)
    assert result.loglik == pytest.approx(r["loglik"], rel=1e-10)
    assert result.sigma2 == pytest.approx(r["s2"], rel=1e-6)


def test_unit_effects_match_sacsarlm_on_stacked_within_data(stacked):
    _, panel, op, bounds = stacked
    result = fit("sac", panel, op, "unit", "direct", bounds)
    r = R_SAC["panel_unit"]
    assert_allclose(result.coef[:-1], r["coef"], rtol=1e-6)
    assert result.spatial == pytest.approx(r["rho"], rel=1e-6)
    assert result.coefficient("lambda") == pytest.approx(r["lambda"], rel=1e-6)
    assert result.loglik == pytest.approx(r["loglik"], rel=1e-10)
    assert result.sigma2 == pytest.approx(r["s2"], rel=1e-6)


def dense_sac(y, x, wy, w_block, blocks):
    """ML of the SAC y = rho W y + X b + u, u = lambda W u + e, W = I_blocks (x) w_block, with dense
    log-determinants, both spatial parameters searched together (Nelder-Mead from a grid's best point, then
    polished), and the information matrix of (b, rho, lambda, sigma^2) from dense Kronecker matrices."""
    n = w_block.shape[0]
    eye = np.eye(n)
    big = np.kron(np.eye(blocks), w_block)
    nt = len(y)

    def profile(params):
        rho, lam = params
        if max(abs(rho), abs(lam)) >= 0.99:
            return np.inf
        r_big = np.eye(nt) - lam * big
        yl = r_big @ (y - rho * wy)
        xl = r_big @ x
        b = np.linalg.lstsq(xl, yl, rcond=None)[0]
        e = yl - xl @ b
        logdet = np.linalg.slogdet(eye - rho * w_block)[1] + np.linalg.slogdet(eye - lam * w_block)[1]
        return nt / 2 * np.log(e @ e / nt) - blocks * logdet

    grid = [(a, b) for a in np.linspace(-0.8, 0.8, 17) for b in np.linspace(-0.8, 0.8, 17)]
    start = min(grid, key=profile)
    best = optimize.minimize(profile, start, method="Nelder-Mead", options={"xatol": 1e-12, "fatol": 1e-14})
    rho, lam = best.x
    r_big = np.eye(nt) - lam * big
    xl = r_big @ x
    b = np.linalg.lstsq(xl, r_big @ (y - rho * wy), rcond=None)[0]
    e = r_big @ (y - rho * wy) - xl @ b
    s2 = e @ e / nt
    s_inv = np.linalg.inv(eye - rho * w_block)
    r = eye - lam * w_block
    r_inv = np.linalg.inv(r)
    g = w_block @ s_inv
    hm = w_block @ r_inv
    g_r = r @ g @ r_inv
    h = np.kron(np.eye(blocks), r @ g) @ x @ b
    k = len(b)
    info = np.zeros((k + 3, k + 3))
    info[:k, :k] = xl.T @ xl / s2
    info[:k, k] = info[k, :k] = xl.T @ h / s2
    info[k, k] = h @ h / s2 + blocks * np.trace((g_r + g_r.T) @ g_r)
    info[k, k + 1] = info[k + 1, k] = blocks * np.trace((hm + hm.T) @ g_r)
    info[k + 1, k + 1] = blocks * np.trace((hm + hm.T) @ hm)
    info[k, k + 2] = info[k + 2, k] = blocks * np.trace(g) / s2
    info[k + 1, k + 2] = info[k + 2, k + 1] = blocks * np.trace(hm) / s2
    info[k + 2, k + 2] = nt / (2 * s2**2)
    se = np.sqrt(np.diag(np.linalg.inv(info)))
    loglik = -profile((rho, lam)) - nt / 2 * (np.log(2 * np.pi) + 1)
    return np.concatenate([b, [lam, rho]]), np.concatenate([se[:k], [se[k + 1], se[k]]]), loglik


@pytest.mark.parametrize("effects_", ["two-way", "time", "unit"])
def test_lee_yu_matches_the_explicit_transformation(stacked, effects_):
    """Transform with F_T (unit effects) and F_N (time effects), W* = F_N' W F_N, and fit the dense SAC on the
    transformed data: estimates, standard errors and the log-likelihood."""
    w, panel, op, bounds = stacked
    t, n = panel.t, panel.n
    f_t = orthonormal_complement(t) if effects_ in ("two-way", "unit") else np.eye(t)
    f_n = orthonormal_complement(n) if effects_ in ("two-way", "time") else np.eye(n)
    dense = w.matrix.toarray()

    def transform(a):
        return (f_t.T @ a @ f_n).reshape(-1)

    x = np.column_stack([transform(panel.x[:, :, k]) for k in range(panel.x.shape[2])])
    expected, expected_se, expected_ll = dense_sac(
        transform(panel.y), x, transform(panel.y @ dense.T), f_n.T @ dense @ f_n, f_t.shape[1]
    )
    result = fit("sac", panel, op, effects_, "lee_yu", bounds)
    # Within a millionth of a standard error: both searches locate rho and lambda to about 1e-8 (a likelihood
    # flat at its maximum), which a relative tolerance cannot judge for an estimate near 0 (lambda -0.0014).
    assert np.all(np.abs(np.append(result.coef, result.spatial) - expected) <= 1e-6 * expected_se)
    assert_allclose(result.std_errors(), expected_se, rtol=1e-5)
    assert result.loglik == pytest.approx(expected_ll, rel=1e-10)


def test_monte_carlo_recovers_the_parameters_and_the_effects_are_the_lag_models():
    """40 draws of a two-way SAC process on a 7 x 7 rook lattice (N = 49, T = 8): mean estimates within 3 Monte
    Carlo standard errors of the truth, 95 % intervals covering it in at least 85 % of the draws; the effects of
    a fit equal those of the dense (I - rho W)^-1 b_k."""
    from tests.test_dynamic_spatial import rook

    raw = rook(7, 7)
    n = raw.shape[0]
    ids = [f"U{i:02d}" for i in range(n)]
    w = nqpf.SpatialWeights.from_matrix(raw, ids)
    dense = raw / raw.sum(axis=1, keepdims=True)
    rho, lam, beta = 0.4, 0.3, np.array([1.0, -0.5])
    spread = np.linalg.inv(np.eye(n) - rho * dense)
    error = np.linalg.inv(np.eye(n) - lam * dense)
    truth = np.append(beta, [lam, rho])
    rng = np.random.default_rng(77)
    estimates, covered = [], []
    for _ in range(40):
        mu = rng.normal(0, 1, n)
        rows = []
        for t in range(8):
            x1, x2 = rng.normal(0, 1, n) + 0.5 * mu, rng.normal(0, 1, n)
            y = spread @ (beta[0] * x1 + beta[1] * x2 + mu + rng.normal() + error @ rng.normal(0, 1, n))
            rows.append(pd.DataFrame({"code": ids, "year": 2000 + t, "y": y, "x1": x1, "x2": x2}))
        res = nqpf.SpatialPanelModel(pd.concat(rows), "y", ["x1", "x2"], w, model="sac").fit()
        estimates.append(res.params.to_numpy())
        ci = res.conf_int()
        covered.append((ci["lower"].to_numpy() <= truth) & (truth <= ci["upper"].to_numpy()))
    estimates = np.array(estimates)
    error_mc = estimates.std(axis=0, ddof=1) / np.sqrt(len(estimates))
    assert np.all(np.abs(estimates.mean(axis=0) - truth) < 3 * error_mc), (estimates.mean(axis=0), error_mc)
    assert np.all(np.mean(covered, axis=0) >= 0.85), np.mean(covered, axis=0)
    assert list(res.params.index) == ["x1", "x2", "lambda", "rho"]
    impacts = res.impacts(draws=200, seed=1)
    p = res.params
    matrix = np.linalg.inv(np.eye(n) - p["rho"] * dense)
    for name in ["x1", "x2"]:
        direct = np.trace(matrix) / n * p[name]
        total = matrix.sum() / n * p[name]
        assert_allclose(impacts.estimates.loc[name].to_numpy(), [direct, total - direct, total], rtol=1e-10)
    assert res.record()["lambda"] == pytest.approx(p["lambda"])
    assert "SAC" in str(res.summary)
