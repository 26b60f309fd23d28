"""Random-effects SAR and SDM by maximum likelihood (Elhorst 2003; Elhorst 2014, sec. 3.3.2), optionally with
time-period fixed effects, removed by demeaning over units first. With method ``lee_yu`` (the default) the time
effects are removed by the orthonormal transformation F_N of Lee and Yu (2010): N - 1 units enter the likelihood
and the eigenvalue 1 of the row-standardised W drops out of ln|I - rho W|, which removes the O(1/N) bias of rho
that demeaning leaves (the direct approach, ``direct``, counts N units).

Model: y_t = rho W y_t + X_t b (+ W X_t t) + c + mu + e_t with mu_i ~ N(0, s_mu^2) and e ~ N(0, s^2). With
phi^2 = s^2 / (T s_mu^2 + s^2), quasi-demeaning every variable, v* = v - (1 - phi) mean_t(v) (the constant
becomes phi), whitens the errors, and the log-likelihood concentrated in (rho, phi) is
    ln L = -(NT/2) ln(2 pi s^2(rho, phi)) - NT/2 + N ln phi + T ln|I - rho W|     (N, ln|.| as transformed),
    s^2(rho, phi) = e*'e* / NT,  e* = y* - rho (Wy)* - X* b(rho, phi).
It is maximised over phi in (0, 1] with, for each phi, rho over W's interval (exact, as for fixed effects).

Standard errors come from the analytic information matrix of (b, rho, psi = phi^2, s^2): with G = W A^-1 and
H = G X b in each period, V^-1 = psi P + Q (P the time-mean operator, Q = I - P), the Gaussian formula
I_ij = m_i' Omega^-1 m_j + tr(Omega^-1 Omega_i Omega^-1 Omega_j) / 2 gives
    I_bb = X*'X* / s^2,  I_b,rho = X*'H* / s^2,  I_rho,rho = T (tr GG + tr G'G) + H*'H* / s^2,
    I_rho,s2 = T tr G / s^2,  I_s2,s2 = NT / (2 s^4),  I_psi,psi = N / (2 psi^2),
    I_psi,s2 = -N / (2 psi s^2),  I_psi,rho = -tr G / psi,  I_b,psi = 0
(the same block structure as Elhorst 2014, eq. 3.23, written in psi).
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import minimize_scalar

from nqpf.models.estimation import (
    Fit,
    _maximise,
    _r2,
    at_bound,
    logdet_adjustment,
    transformed_traces,
)
from nqpf.models.fixed_effects import demean
from nqpf.models.operator import SpatialOperator
from nqpf.models.panel_data import Panel, lag
from nqpf.models.settings import MAX_ITERATIONS

_PHI_FLOOR = 1e-6


def _variables(panel: Panel, op: SpatialOperator, durbin: bool, time_effects: bool):
    x = panel.x
    terms = list(panel.names)
    if durbin:
        x = np.concatenate([x, lag(op.product, x)], axis=2)
        terms += [f"W.{name}" for name in panel.names]
    if not time_effects:
        x = np.concatenate([np.ones(panel.y.shape + (1,)), x], axis=2)
        terms = ["const", *terms]
    fixed_effects = "time" if time_effects else "none"
    return (
        demean(panel.y, fixed_effects),
        demean(lag(op.product, panel.y), fixed_effects),
        demean(x, fixed_effects),
        terms,
    )


def _quasi(a: np.ndarray, phi: float) -> np.ndarray:
    """a - (1 - phi) times its mean over periods, flattened time-major."""
    out = a - (1.0 - phi) * a.mean(axis=0, keepdims=True)
    return out.reshape(a.shape[0] * a.shape[1], -1).squeeze()


def fit_random(
    panel: Panel,
    op: SpatialOperator,
    bounds,
    durbin: bool,
    time_effects: bool,
    method: str = "lee_yu",
    max_iterations: int = MAX_ITERATIONS,
) -> Fit:
    """Random-effects SAR (SDM with ``durbin``) by ML; see the module docstring. ``max_iterations`` bounds each
    bounded search (rho, and phi)."""
    y, wy, x, terms = _variables(panel, op, durbin, time_effects)
    adjust = logdet_adjustment(op, "time" if time_effects else "none", method)
    t = panel.t
    n = panel.n - adjust
    nt = n * t

    def profile(phi):
        ys, wys, zs = _quasi(y, phi), _quasi(wy, phi), _quasi(x, phi).reshape(panel.n * t, -1)
        b0 = np.linalg.lstsq(zs, ys, rcond=None)[0]
        b1 = np.linalg.lstsq(zs, wys, rcond=None)[0]
        e0, e1 = ys - zs @ b0, wys - zs @ b1
        a, b, c = e0 @ e0, e0 @ e1, e1 @ e1

        def loglik(rho):
            logdet = op.logdet(rho) - (np.log(1 - rho) if adjust else 0.0)
            return -nt / 2 * np.log((a - 2 * rho * b + rho * rho * c) / nt) + t * logdet

        rho, ok = _maximise(loglik, *bounds, max_iterations)
        return loglik(rho) + n * np.log(phi), rho, ok, (b0, b1, e0, e1, zs)

    grid = np.linspace(0.02, 1.0, 50)
    values = [profile(phi)[0] for phi in grid]
    k = int(np.nanargmax(values))
    low, high = grid[max(k - 1, 0)] if k > 0 else _PHI_FLOOR, grid[min(k + 1, len(grid) - 1)]
    result = minimize_scalar(
        lambda phi: -profile(phi)[0],
        bounds=(low, high),
        method="bounded",
        options={"xatol": 1e-10, "maxiter": max_iterations},
    )
    phi = float(result.x) if -result.fun >= values[k] else float(grid[k])
    best, rho, converged, (b0, b1, e0, e1, zs) = profile(phi)
    coef = b0 - rho * b1
    e = e0 - rho * e1
    sigma2 = e @ e / nt
    loglik = best - nt / 2 * (np.log(2 * np.pi) + 1)
    cov, full = _covariance(op, x, zs, coef, rho, phi, sigma2, n, t, adjust, time_effects)
    psi_se = np.sqrt(full[-2, -2])
    fitted = _quasi(y, phi) - e
    fit = Fit(
        "sdm" if durbin else "sar",
        "random" + (" + time" if time_effects else ""),
        method if time_effects else "direct",
        terms,
        coef,
        rho,
        "rho",
        sigma2,
        cov,
        loglik,
        panel.n,
        t,
        nt,
        _r2(_quasi(y, phi), fitted),
        bool(converged and result.success),
    )
    fit.extra.update(
        {
            "phi": phi,
            "phi_se": float(psi_se / (2 * phi)),
            "sigma2_mu": float(sigma2 * (1 / phi**2 - 1) / t),
            "phi_at_bound": bool(phi >= 1 - 1e-6),  # no unit-specific variance: pooled estimates
            "at_bound": at_bound(rho, bounds),
        }
    )
    return fit


def _covariance(op, x, zs, coef, rho, phi, sigma2, n, t, adjust, time_effects):
    """Inverse of the information matrix of (b, rho, psi, s^2) with n units (N - 1 after the Lee-Yu
    transformation); returns the (b, rho) block and the whole."""
    k = len(coef)
    psi = phi * phi
    fitted = np.einsum("tnk,k->tn", x, coef)
    h = (op.product @ op.solve(rho, fitted.T)).T  # G X b, period by period
    if time_effects:  # H as the model sees it: without its mean over units
        h = h - h.mean(axis=1, keepdims=True)
    hs = _quasi(h, phi)
    tr_g, tr_gg, tr_gtg = transformed_traces(op, rho, adjust)
    info = np.zeros((k + 3, k + 3))
    r, p, s = k, k + 1, k + 2
    info[:k, :k] = zs.T @ zs / sigma2
    info[:k, r] = info[r, :k] = zs.T @ hs / sigma2
    info[r, r] = t * (tr_gg + tr_gtg) + hs @ hs / sigma2
    info[r, s] = info[s, r] = t * tr_g / sigma2
    info[r, p] = info[p, r] = -tr_g / psi
    info[p, p] = n / (2 * psi**2)
    info[p, s] = info[s, p] = -n / (2 * psi * sigma2)
    info[s, s] = n * t / (2 * sigma2**2)
    full = np.linalg.inv(info)
    return full[: k + 1, : k + 1], full
