"""Maximum likelihood estimation of spatial panel models with fixed effects: SAR and SDM (spatial lag), SEM and
SDEM (spatial error), and the OLS-based OLS and SLX; a cross-section is the case T = 1.

Model (time-major stacking, y_t the N values of period t):
    SAR/SDM:  y_t = rho W y_t + X_t b + W X_t t + mu + alpha_t + e_t        (t = 0 for SAR)
    SEM/SDEM: y_t = X_t b + W X_t t + mu + alpha_t + u_t,  u_t = lambda W u_t + e_t
Fixed effects (none, unit, time, two-way) are removed by demeaning every variable, spatial lags included (taken
before demeaning). The log-likelihood, concentrated in the spatial parameter (Anselin 1988; Elhorst 2014, ch. 3),
    ln L(rho) = -(n t / 2) ln(SSR(rho) / (n t)) + t (ln|I - rho W| - c ln(1 - rho)) + const
is maximised exactly over the interval (1/lambda_min, 1/lambda_max) of W (a coarse scan brackets the maximum,
bounded Brent refines it to 1e-10). With the Lee and Yu (2010) transformation approach (method ``lee_yu``, the
default) n and t are the numbers of units and periods left after the orthonormal transformations, N - 1 with
time effects and T - 1 with unit effects, and c = 1 with time effects (the eigenvalue 1 of a row-standardised W
drops out), which removes the O(1/T) bias of sigma^2 and rho of the direct approach (``direct``, Elhorst 2014:
n = N, t = T, c = 0).

The two methods, and how they relate to other software (``models.method`` may list both; each model and W is then
estimated with each, on the same data and W):
- ``lee_yu`` is the transformation approach of Lee and Yu (2010, J. Econometrics 154: 165-185): the
  orthonormal F_{T,T-1} (the eigenvectors of J_T = I_T - l l'/T for the eigenvalue 1) removes the unit effects and,
  with a row-standardised W, F_{N,N-1} the time effects, leaving (N - 1)(T - 1) effective observations under
  two-way effects (N (T - 1) unit, (N - 1) T time). Since F F' = J, the transformed sums of squares equal those
  of the demeaned data, so the code demeans and counts n t = (N - 1)(T - 1) observations, and takes
  |I_{N-1} - rho W*| = |I_N - rho W| / (1 - rho) (W* = F_N' W F_N) for the Jacobian. The result is the exact
  maximum of the transformed likelihood: sigma^2 = SSR / ((N - 1)(T - 1)), and rho and beta consistent without a
  correction step. R's SDPDmod does the same with ``SDPDm(..., LYtrans = TRUE, demn = TRUE)`` (row-normalised W).
- ``direct`` is maximum likelihood on the demeaned data counting all N T observations (Elhorst 2014;
  ``sar_panel_FE`` / ``sdm_panel_FE`` with ``info.bc = 0``; SDPDmod without ``LYtrans``), with no correction:
  sigma^2 = SSR / (N T) is biased downward by the factor (T - 1)/T under unit effects, and rho (and with it beta)
  carries an O(1/N) bias under time effects. It is what the LR tests of the fixed effects compare (their
  likelihoods count the same N T observations under every kind of effects).
- Neither is Elhorst's bias correction (``sar_panel_FE`` / ``sdm_panel_FE`` with ``info.bc = 1``, the default
  there; SDPDmod's ``LYtrans = TRUE`` without ``demn``): direct ML, then the analytical correction of Lee and Yu
  (2010): sigma^2 times T/(T - 1) under unit effects (rho and beta are then those of the transformation
  approach, whose likelihood is proportional to the direct one) or N/(N - 1) under time effects; under two-way
  effects (rho, beta, sigma^2) moved by the inverse information matrix times (0, 1/(1 - rho), 1/(2 sigma^2)) / N
  and sigma^2 then times T/(T - 1). That correction and the transformation agree to first order in 1/N and 1/T,
  not in a given sample: the numbers of ``lee_yu`` differ from Elhorst's bias-corrected ones under time and
  two-way effects (the estimates match under unit effects), and those of ``direct`` match his uncorrected ones.

The LR tests (:mod:`nqpf.models.selection`) compare two fits of one method, whose likelihoods count the same
observations; their degrees of freedom are the numbers of restrictions, which the transformation does not change
(it removes the fixed effects, not the tested parameters): SDM against SAR and SDEM against SEM, the K
restrictions theta = 0; SDM against SEM, the K common-factor restrictions theta = -rho beta (Burridge 1981; SDM
has 2K + 1 slope and spatial parameters, SEM K + 1); SLX against OLS K; SAR and SEM against OLS 1 (rho = 0,
lambda = 0); the joint significance of unit effects N - 1 and of time effects T - 1 (Elhorst 2014, sec. 3.2).

Standard errors come from the analytic information matrix (Lee 2004; Lee and Yu 2010; Elhorst 2014, eq. 3.18),
with G = W (I - rho W)^-1 and H the demeaned G X b:
    I_bb = X'X / s2,  I_b,rho = X'H / s2,  I_rho,rho = t (tr(G*G*) + tr(G*'G*)) + H'H / s2,
    I_rho,s2 = t tr(G*) / s2,  I_s2,s2 = n t / (2 s2^2)
(G* the transformed G; error models the same with B = W (I - lambda W)^-1 and no H).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import minimize_scalar

from nqpf.errors import InputError
from nqpf.models.fixed_effects import demean, effective_size, fixed_effect_parameters
from nqpf.models.operator import SpatialOperator
from nqpf.models.panel_data import Panel, collinear_relations, lag
from nqpf.models.settings import LIBRARY_MODELS, MAX_ITERATIONS


@dataclass
class Fit:
    model: str
    fixed_effects: str
    method: str
    terms: list[str]
    coef: np.ndarray
    spatial: float | None
    spatial_name: str | None  # rho or lambda
    sigma2: float
    cov: np.ndarray  # covariance of (coef, spatial)
    loglik: float
    n_units: int
    n_periods: int
    n_obs: int  # observations the likelihood counts
    r2: float
    converged: bool = True
    extra: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        # At a bound of W's interval the maximum is not an interior one: the estimator's distribution there is
        # not normal (Andrews 1999, Econometrica 67(6), theorem 3), and the inverted information matrix, whose
        # terms grow as 1/(1 - rho)^2, changes with the last bits of the data. No covariance is reported.
        if self.at_bound:
            self.cov = np.full_like(np.asarray(self.cov, dtype=float), np.nan)

    @property
    def at_bound(self) -> bool:
        """Whether a spatial parameter (rho, or the SAC's lambda) lies at a bound of W's interval
        (:func:`at_bound`): the fit then has no covariance, hence no standard errors, Wald tests or intervals."""
        return bool(self.extra.get("at_bound") or self.extra.get("lambda_at_bound"))

    @property
    def parameters(self) -> int:
        """Estimated parameters (coefficients, spatial parameter, sigma^2), fixed effects not counted."""
        return len(self.coef) + (self.spatial is not None) + 1

    @property
    def aic(self) -> float:
        return -2 * self.loglik + 2 * self.parameters

    @property
    def bic(self) -> float:
        return -2 * self.loglik + self.parameters * np.log(self.n_obs)

    def std_errors(self) -> np.ndarray:
        """The square roots of the covariance's diagonal; NaN where a variance is negative (the information
        matrix is then not positive definite: :meth:`undefined_errors` names those parameters)."""
        variances = np.diag(self.cov)
        return np.sqrt(np.where(variances >= 0, variances, np.nan))

    def undefined_errors(self) -> list[str]:
        """The parameters (terms, then the spatial parameter) whose variance is negative or not a number."""
        names = [*self.terms, *([self.spatial_name] if self.spatial is not None else [])]
        variances = np.diag(self.cov)
        return [name for name, v in zip(names, variances, strict=False) if not (np.isfinite(v) and v >= 0)]

    def undefined_errors_note(self) -> str | None:
        """The note a reader needs where some parameters have no standard error, else None."""
        undefined = self.undefined_errors()
        if not undefined:
            return None
        if self.at_bound:
            return (
                "a spatial parameter lies at the bound of W's interval, where the estimator is not normal "
                "(Andrews 1999): no standard errors, Wald tests or effect intervals"
            )
        return (
            "the information matrix is not positive definite at these estimates: no standard error for "
            + (", ".join(undefined))
        )

    def coefficient(self, term: str) -> float:
        return float(self.coef[self.terms.index(term)])


@dataclass
class Design:
    y: np.ndarray  # (NT,) demeaned
    z: np.ndarray  # (NT, K) demeaned regressors (X, W X, constant)
    wy: np.ndarray  # (NT,) demeaned W y
    wz: np.ndarray  # (NT, K) demeaned W of each regressor column (error models)
    terms: list[str]
    n: int
    t: int


def design(panel: Panel, op: SpatialOperator, model: str, fixed_effects: str) -> Design:
    """Demeaned variables of a model, spatial lags taken before demeaning."""
    x = panel.x
    terms = list(panel.names)
    if model in ("slx", "sdm", "sdem"):
        x = np.concatenate([x, lag(op.product, x)], axis=2)
        terms += [f"W.{name}" for name in panel.names]
    if fixed_effects == "none":
        x = np.concatenate([np.ones(panel.y.shape + (1,)), x], axis=2)
        terms = ["const", *terms]
    nt = panel.n * panel.t
    z = demean(x, fixed_effects).reshape(nt, -1)
    y = demean(panel.y, fixed_effects).reshape(nt)
    wy = demean(lag(op.product, panel.y), fixed_effects).reshape(nt)
    wz = (
        demean(lag(op.product, x), fixed_effects).reshape(nt, -1)
        if model in ("sem", "sdem")
        else np.empty((nt, 0))
    )
    relations, involved = collinear_relations(z, terms)
    if relations:
        raise InputError(
            f"perfectly collinear regressors in the {model.upper()} design with {fixed_effects} fixed effects: "
            + ", ".join(involved),
            column=", ".join(involved),
            key="models.explanatory",
            details=relations,
            fix="drop one of "
            + ", ".join(involved)
            + " from models.explanatory (a variable that is a linear "
            "combination of others, or one the fixed effects absorb), or use another model",
        )
    return Design(y, z, wy, wz, terms, panel.n, panel.t)


def logdet_adjustment(op: SpatialOperator, fixed_effects: str, method: str) -> bool:
    """Whether the Lee-Yu time transformation removes W's eigenvalue 1 from the log-determinant."""
    adjust = method == "lee_yu" and fixed_effects in ("time", "two-way")
    if adjust and not op.row_normalised:
        sums = np.asarray(op.w.sum(axis=1)).ravel()
        islands = int(np.sum(sums == 0))
        if islands and np.allclose(sums[sums != 0], 1.0, rtol=1e-10):
            problem = (
                f"W has {islands} units without neighbours (kept as islands), whose rows sum to 0: the Lee-Yu "
                "transformation of time effects needs every row of W to sum to 1"
            )
            fix = (
                "link the islands (weights[].islands: {policy: nearest}) or leave them out ({policy: drop}), or use "
                "models.method: direct"
            )
        else:
            problem = (
                "the Lee-Yu transformation of time effects needs a row-standardised W (every row summing to 1); "
                f"this W's rows sum to between {sums.min():.4g} and {sums.max():.4g}"
            )
            fix = (
                "row-standardise the weights matrix (weights[].standardise: row) or use models.method: direct"
            )
        raise InputError(problem, key="models.method", fix=fix)
    return adjust


def transformed_traces(op: SpatialOperator, rho: float, adjust: bool) -> tuple[float, float, float]:
    """tr(G), tr(GG), tr(G'G) of G = W (I - rho W)^-1, or of G* = F_N' G F_N after the Lee-Yu transformation of
    time effects (F_N the orthonormal complement of l): with W l = l, G l = l / (1 - rho), so
    tr(G*) = tr(G) - 1/(1 - rho), tr(G*G*) = tr(GG) - 1/(1 - rho)^2, tr(G*'G*) = tr(G'G) - ||G'l||^2 / N."""
    tr = op.traces(rho)
    tr_g, tr_gg, tr_gtg = tr["g"], tr["gg"], op.trace_gtg(rho)
    if adjust:
        gtl = op.solve_transposed(rho, np.asarray(op.w.sum(axis=0)).ravel())  # G'l = A^-T W'l
        tr_g -= 1.0 / (1.0 - rho)
        tr_gg -= 1.0 / (1.0 - rho) ** 2
        tr_gtg -= gtl @ gtl / op.n
    return tr_g, tr_gg, tr_gtg


def _maximise(
    objective, lower: float, upper: float, max_iterations: int = MAX_ITERATIONS
) -> tuple[float, bool]:
    """Maximum of a smooth function of one variable on (lower, upper): a scan brackets it, Brent refines it in
    at most ``max_iterations`` steps; not converged when Brent stops short or the maximum is at the scan's edge."""
    span = upper - lower
    grid = np.linspace(lower + 1e-6 * span, upper - 1e-6 * span, 81)
    values = np.array([objective(r) for r in grid])
    k = int(np.nanargmax(values))
    a, b = grid[max(k - 1, 0)], grid[min(k + 1, len(grid) - 1)]
    result = minimize_scalar(
        lambda r: -objective(r),
        bounds=(a, b),
        method="bounded",
        options={"xatol": 1e-10, "maxiter": max_iterations},
    )
    best = float(result.x)
    converged = bool(result.success and grid[0] < best < grid[-1])
    return best, converged


def fit_ols(
    panel: Panel, op: SpatialOperator, fixed_effects: str, slx: bool = False, method: str = "direct"
) -> tuple[Fit, Design]:
    """OLS (or SLX, with W X) on the demeaned data; classical standard errors with LSDV degrees of freedom.
    The log-likelihood counts the observations the spatial models of ``method`` count, so that LR tests
    against them compare like with like."""
    d = design(panel, op, "slx" if slx else "ols", fixed_effects)
    coef, *_ = np.linalg.lstsq(d.z, d.y, rcond=None)
    e = d.y - d.z @ coef
    df = len(d.y) - d.z.shape[1] - fixed_effect_parameters(panel.n, panel.t, fixed_effects)
    s2 = e @ e / df
    cov = s2 * np.linalg.inv(d.z.T @ d.z)
    n_eff, t_eff = effective_size(panel.n, panel.t, fixed_effects, method)
    nt = n_eff * t_eff
    sigma2 = e @ e / nt
    loglik = -nt / 2 * (np.log(2 * np.pi) + np.log(sigma2) + 1)
    fit = Fit(
        "slx" if slx else "ols",
        fixed_effects,
        method,
        d.terms,
        coef,
        None,
        None,
        sigma2,
        cov,
        loglik,
        panel.n,
        panel.t,
        nt,
        _r2(d.y, d.y - e),
        extra={"residual_df": df, "s2": s2},
    )
    return fit, d


def fit_lag(
    panel: Panel,
    op: SpatialOperator,
    fixed_effects: str,
    method: str,
    bounds,
    durbin: bool,
    max_iterations: int = MAX_ITERATIONS,
) -> Fit:
    """SAR (or SDM with ``durbin``) by concentrated maximum likelihood; see the module docstring."""
    d = design(panel, op, "sdm" if durbin else "sar", fixed_effects)
    adjust = logdet_adjustment(op, fixed_effects, method)
    n_eff, t_eff = effective_size(panel.n, panel.t, fixed_effects, method)
    nt = n_eff * t_eff
    rho, coef, e, full, converged = concentrated_lag(
        d.y, d.wy, d.z, op, adjust, nt, t_eff, bounds, max_iterations
    )
    sigma2 = e @ e / nt
    cov = _lag_covariance(panel, op, d, coef, rho, sigma2, fixed_effects, adjust, n_eff, t_eff)
    return Fit(
        "sdm" if durbin else "sar",
        fixed_effects,
        method,
        d.terms,
        coef,
        rho,
        "rho",
        sigma2,
        cov,
        full,
        panel.n,
        panel.t,
        nt,
        _r2(d.y, d.y - e),
        converged,
        {"at_bound": at_bound(rho, bounds)},
    )


def concentrated_lag(
    y, wy, z, op: SpatialOperator, adjust: bool, nt: int, t_eff: int, bounds, max_iterations
):
    """The maximum of the likelihood of y = rho W y + Z b + e (demeaned, NT rows) concentrated in rho: with e0, e1
    the residuals of y and W y on Z, SSR(rho) = |e0 - rho e1|^2, and ln L(rho) = -(nt/2) ln(SSR/nt) + t_eff
    ln|I - rho W| (less ln(1 - rho) under the Lee-Yu time transformation, ``adjust``), maximised on ``bounds``.
    Returns (rho, b, the residuals, the full log-likelihood, converged)."""
    b0, *_ = np.linalg.lstsq(z, y, rcond=None)
    b1, *_ = np.linalg.lstsq(z, wy, rcond=None)
    e0, e1 = y - z @ b0, wy - z @ b1
    a, b, c = e0 @ e0, e0 @ e1, e1 @ e1

    def loglik(rho):
        ssr = a - 2 * rho * b + rho * rho * c
        logdet = op.logdet(rho) - (np.log(1 - rho) if adjust else 0.0)
        return -nt / 2 * np.log(ssr / nt) + t_eff * logdet

    rho, converged = _maximise(loglik, *bounds, max_iterations)
    full = loglik(rho) - nt / 2 * (np.log(2 * np.pi) + 1)
    return rho, b0 - rho * b1, e0 - rho * e1, full, converged


def _lag_covariance(panel, op, d, coef, rho, sigma2, fixed_effects, adjust, n_eff, t_eff):
    k = len(coef)
    info = lag_information(op, d.z, coef, rho, sigma2, fixed_effects, adjust, n_eff, t_eff)
    return np.linalg.inv(info)[: k + 1, : k + 1]


def lag_information(
    op: SpatialOperator,
    z: np.ndarray,
    coef: np.ndarray,
    rho: float,
    sigma2: float,
    fixed_effects: str,
    adjust: bool,
    n_eff: int,
    t_eff: int,
) -> np.ndarray:
    """The information matrix of (coef, rho, sigma^2) of a lag model with the demeaned regressors ``z`` (NT x K,
    time-major), the module docstring's formula; ``n_eff`` and ``t_eff`` are the units and periods the likelihood
    counts, ``adjust`` whether the traces are those of the Lee-Yu transformation of time effects."""
    k = len(coef)
    t = z.shape[0] // op.n
    zb = (z @ coef).reshape(t, op.n)
    # H: the expected demeaned W y given X, G X b, period by period
    h = demean((op.product @ op.solve(rho, zb.T)).T, fixed_effects).reshape(-1)
    tr_g, tr_gg, tr_gtg = transformed_traces(op, rho, adjust)
    info = np.zeros((k + 2, k + 2))
    info[:k, :k] = z.T @ z / sigma2
    info[:k, k] = info[k, :k] = z.T @ h / sigma2
    info[k, k] = t_eff * (tr_gg + tr_gtg) + h @ h / sigma2
    info[k, k + 1] = info[k + 1, k] = t_eff * tr_g / sigma2
    info[k + 1, k + 1] = n_eff * t_eff / (2 * sigma2**2)
    return info


def lag_covariance_at(
    panel: Panel, op: SpatialOperator, model: str, fixed_effects: str, method: str, fit_: Fit
):
    """The fixed-effects covariance of (coef, rho) of a SAR/SDM evaluated at the parameters of another fit
    (``fit_``: its coefficients on this model's terms, its rho and sigma^2)."""
    d = design(panel, op, model, fixed_effects)
    adjust = logdet_adjustment(op, fixed_effects, method)
    n_eff, t_eff = effective_size(panel.n, panel.t, fixed_effects, method)
    coef = np.array([fit_.coefficient(term) for term in d.terms])
    return _lag_covariance(panel, op, d, coef, fit_.spatial, fit_.sigma2, fixed_effects, adjust, n_eff, t_eff)


def fit_error(
    panel: Panel,
    op: SpatialOperator,
    fixed_effects: str,
    method: str,
    bounds,
    durbin: bool,
    max_iterations: int = MAX_ITERATIONS,
) -> Fit:
    """SEM (or SDEM with ``durbin``) by maximum likelihood concentrated in lambda."""
    d = design(panel, op, "sdem" if durbin else "sem", fixed_effects)
    adjust = logdet_adjustment(op, fixed_effects, method)
    n_eff, t_eff = effective_size(panel.n, panel.t, fixed_effects, method)
    nt = n_eff * t_eff

    def regression(lam):
        yl, zl = d.y - lam * d.wy, d.z - lam * d.wz
        coef, *_ = np.linalg.lstsq(zl, yl, rcond=None)
        e = yl - zl @ coef
        return coef, e, zl

    def loglik(lam):
        _, e, _ = regression(lam)
        logdet = op.logdet(lam) - (np.log(1 - lam) if adjust else 0.0)
        return -nt / 2 * np.log(e @ e / nt) + t_eff * logdet

    lam, converged = _maximise(loglik, *bounds, max_iterations)
    coef, e, zl = regression(lam)
    sigma2 = e @ e / nt
    full = loglik(lam) - nt / 2 * (np.log(2 * np.pi) + 1)
    k = len(coef)
    tr_b, tr_bb, tr_btb = transformed_traces(op, lam, adjust)
    info = np.zeros((k + 2, k + 2))
    info[:k, :k] = zl.T @ zl / sigma2
    info[k, k] = t_eff * (tr_bb + tr_btb)
    info[k, k + 1] = info[k + 1, k] = t_eff * tr_b / sigma2
    info[k + 1, k + 1] = nt / (2 * sigma2**2)
    cov = np.linalg.inv(info)[: k + 1, : k + 1]
    return Fit(
        "sdem" if durbin else "sem",
        fixed_effects,
        method,
        d.terms,
        coef,
        lam,
        "lambda",
        sigma2,
        cov,
        full,
        panel.n,
        panel.t,
        nt,
        _r2(d.y, d.z @ coef),
        converged,
        {"at_bound": at_bound(lam, bounds)},
    )


def fit_sac(
    panel: Panel,
    op: SpatialOperator,
    fixed_effects: str,
    method: str,
    bounds,
    max_iterations: int = MAX_ITERATIONS,
) -> Fit:
    """SAC (spatial lag and spatial error with the same W; Elhorst 2014, sec. 3.2; xsmle's ``model(sac)``),
        y_t = rho W y_t + X_t b + mu + alpha_t + u_t,   u_t = lambda W u_t + e_t,
    by maximum likelihood (Lee and Yu 2010, J. Econometrics 154, sec. 4, the SARAR model; the transformation
    approach of the module docstring for ``lee_yu``): with S = I - rho W and R = I - lambda W,
        ln L = -(n t / 2) ln(2 pi sigma^2) + t (ln|S| + ln|R|) - e'e / (2 sigma^2),   e = R (S y - X b)
    (demeaned; minus ln(1 - rho) + ln(1 - lambda) per period under the time transformation). Given lambda the
    likelihood is that of a lag model on R y and R X, concentrated exactly in rho; lambda is found by the same
    bracketed Brent search over W's interval on that profile. The information matrix (normal errors), with
    G = W S^-1, H = W R^-1, G_R = R G R^-1 and h = R G X b:
        I_bb = X_R'X_R / s2,  I_b,rho = X_R' h / s2,  I_b,lambda = 0,
        I_rho,rho = h'h / s2 + t (tr(G_R G_R) + tr(G_R' G_R)),  I_rho,lambda = t (tr(H G_R) + tr(H' G_R)),
        I_lambda,lambda = t (tr(H H) + tr(H' H)),  I_rho,s2 = t tr(G) / s2,  I_lambda,s2 = t tr(H) / s2,
        I_s2,s2 = n t / (2 s2^2),
    its traces those of the transformed matrices under time effects (F_N' A F_N: tr(A* B*) = tr(A B) - a b for
    A l = a l, B l = b l, and tr(A*' B*) = tr(A'B) - (A'l)'(B'l) / N). The coefficients returned are b and
    lambda (a coefficient named ``lambda``), the spatial parameter rho: the effects are those of the lag part."""
    d = design(panel, op, "sem", fixed_effects)
    adjust = logdet_adjustment(op, fixed_effects, method)
    n_eff, t_eff = effective_size(panel.n, panel.t, fixed_effects, method)
    nt = n_eff * t_eff
    wwy = demean(lag(op.product, lag(op.product, panel.y)), fixed_effects).reshape(-1)

    def logdet(value):
        return op.logdet(value) - (np.log(1 - value) if adjust else 0.0)

    def lag_part(lam):
        """The residuals of R y and R W y on R X: the lag model's quadratic SSR(rho) given lambda."""
        zl = d.z - lam * d.wz
        yl, wyl = d.y - lam * d.wy, d.wy - lam * wwy
        b0, *_ = np.linalg.lstsq(zl, yl, rcond=None)
        b1, *_ = np.linalg.lstsq(zl, wyl, rcond=None)
        return zl, b0, b1, yl - zl @ b0, wyl - zl @ b1

    def profile(lam):
        _, _, _, e0, e1 = lag_part(lam)
        a, b, c = e0 @ e0, e0 @ e1, e1 @ e1

        def loglik(rho):
            return -nt / 2 * np.log((a - 2 * rho * b + rho * rho * c) / nt) + t_eff * (
                logdet(rho) + logdet(lam)
            )

        rho, ok = _maximise(loglik, *bounds, max_iterations)
        return loglik(rho), rho, ok

    lam, converged = _maximise(lambda value: profile(value)[0], *bounds, max_iterations)
    best, rho, inner = profile(lam)
    zl, b0, b1, e0, e1 = lag_part(lam)
    coef = b0 - rho * b1
    e = e0 - rho * e1
    sigma2 = e @ e / nt
    full = best - nt / 2 * (np.log(2 * np.pi) + 1)
    info = _sac_information(op, panel, d, zl, coef, rho, lam, sigma2, fixed_effects, adjust, n_eff, t_eff)
    k = len(coef)
    # (b, rho, lambda) -> (b, lambda, rho): lambda is a coefficient, rho the spatial parameter
    order = [*range(k), k + 1, k]
    cov = np.linalg.inv(info)[np.ix_(order, order)]
    return Fit(
        "sac",
        fixed_effects,
        method,
        [*d.terms, "lambda"],
        np.append(coef, lam),
        rho,
        "rho",
        sigma2,
        cov,
        full,
        panel.n,
        panel.t,
        nt,
        _r2(d.y, rho * d.wy + d.z @ coef),
        bool(converged and inner),
        {"lambda": float(lam), "at_bound": at_bound(rho, bounds), "lambda_at_bound": at_bound(lam, bounds)},
    )


def _sac_information(op, panel, d, zl, coef, rho, lam, sigma2, fixed_effects, adjust, n_eff, t_eff):
    """The information matrix of (b, rho, lambda, sigma^2) of :func:`fit_sac` (its docstring). With the same W in
    the lag and the error, S^-1, R and R^-1 are functions of W and commute, so G_R = R G R^-1 = G: two dense
    inverses give every trace."""
    n = op.n
    eye = np.eye(n)
    dense = op.w.toarray()
    g = op.w @ np.linalg.inv(eye - rho * dense)  # G = W S^-1
    h_matrix = op.w @ np.linalg.inv(eye - lam * dense)  # H = W R^-1
    xb = (d.z @ coef).reshape(panel.t, n).T
    h = demean((g @ (xb - lam * (op.product @ xb))).T, fixed_effects).reshape(-1)  # R G X b = G R X b
    ones = np.ones(n)

    def product(a, b, a_l, b_l):  # tr(A B), of the transformed matrices under time effects
        return float(np.sum(a * b.T)) - (a_l * b_l if adjust else 0.0)

    def gram(a, b):  # tr(A' B)
        return float(np.sum(a * b)) - ((ones @ a) @ (ones @ b) / n if adjust else 0.0)

    g_l, h_l = 1.0 / (1.0 - rho), 1.0 / (1.0 - lam)  # G l = l / (1 - rho), H l = l / (1 - lambda)
    tr_g = float(np.trace(g)) - (g_l if adjust else 0.0)
    tr_h = float(np.trace(h_matrix)) - (h_l if adjust else 0.0)
    k = len(coef)
    info = np.zeros((k + 3, k + 3))
    info[:k, :k] = zl.T @ zl / sigma2
    info[:k, k] = info[k, :k] = zl.T @ h / sigma2
    info[k, k] = h @ h / sigma2 + t_eff * (product(g, g, g_l, g_l) + gram(g, g))
    info[k, k + 1] = info[k + 1, k] = t_eff * (product(h_matrix, g, h_l, g_l) + gram(h_matrix, g))
    info[k + 1, k + 1] = t_eff * (product(h_matrix, h_matrix, h_l, h_l) + gram(h_matrix, h_matrix))
    info[k, k + 2] = info[k + 2, k] = t_eff * tr_g / sigma2
    info[k + 1, k + 2] = info[k + 2, k + 1] = t_eff * tr_h / sigma2
    info[k + 2, k + 2] = n_eff * t_eff / (2 * sigma2**2)
    return info


def at_bound(value: float, bounds) -> bool:
    """Whether the spatial parameter's maximum lies at the edge of W's interval (within 1e-4 of its width): the
    likelihood still rises toward the bound, a sign that the model or W does not suit the data."""
    margin = 1e-4 * (bounds[1] - bounds[0])
    return bool(value < bounds[0] + margin or value > bounds[1] - margin)


def _r2(y: np.ndarray, fitted: np.ndarray) -> float:
    """Squared correlation of the (demeaned) dependent variable and the fitted values."""
    if np.ptp(y) == 0 or np.ptp(fitted) == 0:
        return float("nan")
    return float(np.corrcoef(y, fitted)[0, 1] ** 2)


def fit(
    model: str,
    panel: Panel,
    op: SpatialOperator,
    fixed_effects: str,
    method: str,
    bounds,
    max_iterations: int = MAX_ITERATIONS,
) -> Fit:
    """Any model of ``LIBRARY_MODELS``; ``max_iterations`` bounds the search for the spatial parameter."""
    if model not in LIBRARY_MODELS:
        raise InputError(f"unknown model {model!r}", column="models.models", fix=", ".join(LIBRARY_MODELS))
    if model in ("ols", "slx"):
        return fit_ols(panel, op, fixed_effects, slx=model == "slx", method=method)[0]
    if model == "sac":
        return fit_sac(panel, op, fixed_effects, method, bounds, max_iterations=max_iterations)
    if model in ("sar", "sdm"):
        return fit_lag(
            panel, op, fixed_effects, method, bounds, durbin=model == "sdm", max_iterations=max_iterations
        )
    return fit_error(
        panel, op, fixed_effects, method, bounds, durbin=model == "sdem", max_iterations=max_iterations
    )
