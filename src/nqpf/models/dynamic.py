"""The dynamic spatial panel model (dynamic SDM or SAR) with unit or two-way fixed effects, estimated by
bias-corrected quasi-maximum likelihood:

    y_t = rho W y_t + gamma y_(t-1) + eta W y_(t-1) + X_t b + W X_t theta + mu + alpha_t + e_t,   t = 1..T

(``lags``: ``both`` keeps gamma and eta, ``time`` gamma alone, ``spacetime`` eta alone; a SAR has no W X).

Estimation (Yu, de Jong and Lee 2008, J. Econometrics 146: 118-134, "YDL"): conditional on the first year, the
unit effects are removed by demeaning over the T later periods and the likelihood of the N T demeaned
observations (their eq. 2.5, here concentrated in rho) is maximised exactly, as a lag model whose regressors
include y_(t-1) and W y_(t-1). With two-way effects, the time effects are first removed by the orthonormal
transformation F_N' (Lee and Yu 2010, Econometric Theory 26: 564-597, sec. 3), which needs a row-standardised
W: N - 1 units remain, W* = F_N' W F_N, and |I - rho W*| = |I - rho W| / (1 - rho).

The QML estimator has a bias of order 1/T (YDL, Theorem 3): theta_hat - theta_0 = -(1/T) Sigma^-1 a + ...,
with Sigma the information matrix per observation (YDL, eq. 3.? of the Hessian's limit; here
:func:`nqpf.models.estimation.lag_information` divided by n T) and, writing S = I - rho W, A = S^-1 (gamma I +
eta W), G = W S^-1 and M = (I - A)^-1 S^-1 = ((1 - gamma) I - (rho + eta) W)^-1,

    a_gamma = tr(M) / n,   a_eta = tr(W M) / n,   a_b = 0,
    a_rho = (gamma tr(G M) + eta tr(G W M) + tr(G)) / n,   a_sigma2 = 1 / (2 sigma^2)

(YDL, Theorem 3; a_gamma and a_eta are the terms of a regressor R y_(t-1) with R = I and R = W; without
y_(t-1) or W y_(t-1) the term and its coefficient drop out). The bias-corrected estimator is
theta_1 = theta_hat + Sigma^-1 a / T (YDL, eq. 4.?; Lee and Yu 2010 ET, Theorem 4 with the transformed W*),
whose asymptotic distribution is centred at the truth. Every trace is an exact sum over the eigenvalues w of
W (tr f(W) = sum f(w)); after the F_N transformation the eigenvalue 1 of the common direction drops out
(tr f(W*) = tr f(W) - f(1)). The covariance is the inverse information at theta_1 (YDL, Theorem 3 with normal
disturbances; the fourth-cumulant term Omega of non-normal errors is not added).

Stability: y is stationary when every eigenvalue (gamma + eta w) / (1 - rho w) of A lies inside the unit circle
(Debarsy, Ertur and LeSage 2012, sec. 2; with a row-standardised W the common direction w = 1 gives
gamma + eta + rho < 1, Elhorst 2014, sec. 4.2). The results report the largest modulus, the sum
gamma + eta + rho with its standard error and the Wald test of gamma + eta + rho = 1.

Effects (Debarsy, Ertur and LeSage 2012, eq. 11-12; Elhorst 2014, eq. 4.5-4.6): the short-run matrix of
partial derivatives of y_t with respect to x_k at t is S^-1 (b_k I + theta_k W); the long-run one
((1 - gamma) I - (rho + eta) W)^-1 (b_k I + theta_k W). Their direct (mean diagonal), total (mean row sum) and
indirect (the difference) effects are exact from the eigenvalues (:func:`nqpf.models.effects.multipliers`;
the long-run matrix is (1 - gamma)^-1 (I - r W)^-1 (b_k I + theta_k W) with r = (rho + eta) / (1 - gamma)), and
their inference comes from draws of the parameters from their estimated distribution, as for the static model
(LeSage and Pace 2009, sec. 4.2); draws outside W's interval or of an unstable process are replaced.

    model = nqpf.DynamicSpatialPanelModel(df, "nqpf", ["infrastructure"], w, model="sdm", lags="both")
    res = model.fit()
    res.params, res.stability
    res.impacts(draws=1000, seed=0).table   # short- and long-run direct, indirect and total effects
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import special

from nqpf.errors import InputError
from nqpf.models import effects as effects_
from nqpf.models.estimation import _r2, at_bound, concentrated_lag, lag_information, logdet_adjustment
from nqpf.models.fixed_effects import demean
from nqpf.models.operator import SpatialOperator
from nqpf.models.panel_data import collinear_relations, from_frame, lag, long_frame
from nqpf.models.settings import (
    DRAWS,
    DYNAMIC_EFFECTS,
    DYNAMIC_LAGS,
    DYNAMIC_LAGS_DEFAULT,
    INFERENCE_DEFAULT,
    INFERENCES,
    LEVEL,
    MAX_ITERATIONS,
    spacetime_lag,
    time_lag,
)
from nqpf.weights.core import as_weights

MODELS = ("sdm", "sar")
HORIZONS = ("short_run", "long_run")
EFFECT_COLUMNS = [
    "horizon",
    "variable",
    "effect",
    "estimate",
    "mean",
    "std_error",
    "z",
    "p",
    "ci_low",
    "ci_high",
]
MIN_PERIODS = 3
"""The fewest years a dynamic model takes: the first is the initial condition, and unit effects need two more."""


@dataclass(frozen=True)
class _Design:
    y: np.ndarray  # (T N,) demeaned y_t, t = 1..T, time-major
    wy: np.ndarray  # (T N,) demeaned W y_t
    z: np.ndarray  # (T N, K) demeaned regressors: y_(t-1), W y_(t-1), X_t, W X_t
    terms: list[str]
    n: int
    t: int


class DynamicSpatialPanelModel:
    """A dynamic spatial panel model of ``dependent`` on ``explanatory`` with weights ``w`` (module docstring).

    ``data`` is a long DataFrame with one row per unit (``entity``) and year (``time``); the first year of
    ``years`` (by default every year of the data) is the initial condition, so the model is estimated on the
    later T years. ``model``: sdm or sar; ``lags``: both (y_(t-1) and W y_(t-1)), time or spacetime;
    ``fixed_effects``: unit or two-way (the default; it needs a row-standardised W). ``bias_correction``: the
    YDL / Lee-Yu correction of the order-1/T bias (True, the default) or the uncorrected QML estimates.
    The panel must be balanced: a missing unit-year stops, naming it.
    """

    def __init__(
        self,
        data: pd.DataFrame,
        dependent: str,
        explanatory: Sequence[str],
        w,
        *,
        model: str = "sdm",
        lags: str = DYNAMIC_LAGS_DEFAULT,
        fixed_effects: str = "two-way",
        bias_correction: bool = True,
        entity: str = "code",
        time: str = "year",
        years: Sequence[int] | None = None,
        max_iterations: int = MAX_ITERATIONS,
        source: str | None = None,
    ):
        for key, value, allowed in (
            ("model", model, MODELS),
            ("lags", lags, DYNAMIC_LAGS),
            ("fixed_effects", fixed_effects, DYNAMIC_EFFECTS),
        ):
            if value not in allowed:
                raise InputError(
                    f"{key} is {value!r}, not one of the allowed values of the dynamic model",
                    key=key,
                    fix=", ".join(allowed),
                )
        w = as_weights(w)
        explanatory = [explanatory] if isinstance(explanatory, str) else list(explanatory)
        frame = long_frame(data, entity, time, source)
        frame = frame[frame["code"].isin(set(w.ids))]
        if years is None:
            years = sorted(int(y) for y in frame["year"].unique())
        years = sorted(int(y) for y in years)
        if len(years) < MIN_PERIODS or np.any(np.diff(years) != 1):
            raise InputError(
                f"the dynamic model needs at least {MIN_PERIODS} consecutive years; it has "
                f"{', '.join(map(str, years)) or 'none'}",
                file=source,
                column=time,
                key="years",
                fix="give consecutive years (the first is the initial condition of y_(t-1)), at least three",
            )
        self.panel = from_frame(frame, dependent, explanatory, w.ids, years, source)
        spectrum = w.spectrum()
        if spectrum is None:
            raise InputError(
                f"the dynamic model's bias correction and effects need the eigenvalues of W, which are not "
                f"computed for {len(w.ids)} units",
                key="w",
                fix="use a W of fewer units than the spectrum limit of the weights stage",
            )
        self.operator = SpatialOperator(w.matrix, spectrum)
        from nqpf.models.spatial_panel import bounds_of

        self.bounds = bounds_of(spectrum)
        self.weights = w.name
        self.model = model
        self.lags = lags
        self.fixed_effects = fixed_effects
        self.bias_correction = bool(bias_correction)
        self.max_iterations = int(max_iterations)
        self.explanatory = explanatory
        self.dependent = dependent
        # two-way effects: the Lee-Yu transformation of time effects needs W l = l
        self._adjust = logdet_adjustment(self.operator, fixed_effects, "lee_yu")
        self.design = _design(self.panel, self.operator, model, lags, fixed_effects)

    def fit(self) -> DynamicSpatialPanelResults:
        """Estimate the model (module docstring)."""
        d, op = self.design, self.operator
        n_eff, t_eff = d.n - self._adjust, d.t
        nt = n_eff * t_eff
        rho, coef, e, full_loglik, converged = concentrated_lag(
            d.y, d.wy, d.z, op, self._adjust, nt, t_eff, self.bounds, self.max_iterations
        )
        sigma2 = float(e @ e / nt)
        qml = np.concatenate([coef, [rho, sigma2]])
        info = lag_information(op, d.z, coef, rho, sigma2, self.fixed_effects, self._adjust, n_eff, t_eff)
        bias = -np.linalg.solve(info, self._bias_vector(coef, rho, sigma2, n_eff))
        theta = qml - bias if self.bias_correction else qml
        k = len(coef)
        if self.bias_correction:
            info = lag_information(
                op, d.z, theta[:k], theta[k], theta[k + 1], self.fixed_effects, self._adjust, n_eff, t_eff
            )
        cov = np.linalg.inv(info)
        return DynamicSpatialPanelResults(
            model=self,
            terms=[*d.terms, "rho"],
            theta=theta,
            qml=qml,
            bias=bias,
            cov=cov[: k + 1, : k + 1],
            loglik=float(full_loglik),
            n_obs=int(nt),
            r2=_r2(d.y, d.y - e),
            converged=converged,
            at_bound=at_bound(rho, self.bounds),
        )

    def _bias_vector(self, coef, rho, sigma2, n_eff) -> np.ndarray:
        """n a of the module docstring (the traces, not divided by n), in the order (coef, rho, sigma^2)."""
        d = self.design
        gamma, eta = _dynamic_coefficients(d.terms, coef, self.dependent)
        values = self.operator.spectrum.values

        def trace(f):  # tr f(W), or tr f(W*) = tr f(W) - f(1) after the Lee-Yu transformation of time effects
            total = np.real(f(values).sum())
            return float(total - f(np.array([1.0]))[0].real) if self._adjust else float(total)

        def m_of(w):
            return 1.0 / ((1.0 - gamma) - (rho + eta) * w)

        out = np.zeros(len(coef) + 2)
        if time_lag(self.dependent) in d.terms:
            out[d.terms.index(time_lag(self.dependent))] = trace(m_of)
        if spacetime_lag(self.dependent) in d.terms:
            out[d.terms.index(spacetime_lag(self.dependent))] = trace(lambda w: w * m_of(w))
        out[len(coef)] = (
            gamma * trace(lambda w: w / (1 - rho * w) * m_of(w))
            + eta * trace(lambda w: w * w / (1 - rho * w) * m_of(w))
            + trace(lambda w: w / (1 - rho * w))
        )
        out[len(coef) + 1] = n_eff / (2 * sigma2)
        return out

    def __repr__(self) -> str:
        return (
            f"DynamicSpatialPanelModel({self.model.upper()}, lags {self.lags}, {self.dependent} ~ "
            f"{' + '.join(self.explanatory)}, W {self.weights!r}, {self.panel.n} units x {self.panel.t - 1} "
            f"periods after the first, effects {self.fixed_effects})"
        )


def _design(panel, op: SpatialOperator, model: str, lags: str, fixed_effects: str) -> _Design:
    """The demeaned variables of periods 1..T: y_t, W y_t and the regressors (lags taken before demeaning)."""
    previous, current = panel.y[:-1], panel.y[1:]
    columns, terms = [], []
    if lags in ("both", "time"):
        columns.append(previous)
        terms.append(time_lag(panel.dependent))
    if lags in ("both", "spacetime"):
        columns.append(lag(op.product, previous))
        terms.append(spacetime_lag(panel.dependent))
    x = panel.x[1:]
    columns += [x[:, :, k] for k in range(x.shape[2])]
    terms += list(panel.names)
    if model == "sdm":
        wx = lag(op.product, x)
        columns += [wx[:, :, k] for k in range(x.shape[2])]
        terms += [f"W.{name}" for name in panel.names]
    t, n = current.shape
    z = demean(np.stack(columns, axis=2), fixed_effects).reshape(t * n, -1)
    y = demean(current, fixed_effects).reshape(-1)
    wy = demean(lag(op.product, current), fixed_effects).reshape(-1)
    relations, involved = collinear_relations(z, terms)
    if relations:
        raise InputError(
            f"perfectly collinear regressors in the dynamic {model.upper()} with {fixed_effects} fixed effects: "
            + ", ".join(involved),
            column=", ".join(involved),
            key="explanatory",
            details=relations,
            fix="drop one of " + ", ".join(involved) + " (a variable constant over time is absorbed by the "
            "unit effects), or choose other lags",
        )
    return _Design(y, wy, z, terms, n, t)


def _dynamic_coefficients(terms: list[str], coef: np.ndarray, dependent: str) -> tuple[float, float]:
    """(gamma, eta): the coefficients of y_(t-1) and W y_(t-1), 0 when the model leaves one out."""
    out = []
    for name in (time_lag(dependent), spacetime_lag(dependent)):
        out.append(float(coef[terms.index(name)]) if name in terms else 0.0)
    return out[0], out[1]


def _stability(values: np.ndarray, gamma, eta, rho, common: bool) -> np.ndarray:
    """The largest modulus of the eigenvalues (gamma + eta w) / (1 - rho w) of A = S^-1 (gamma I + eta W) for
    each row of (gamma, eta, rho); ``common`` False leaves out the eigenvalue w = 1 of the common direction
    (removed with the time effects)."""
    gamma, eta, rho = (np.atleast_1d(np.asarray(v, dtype=float))[:, None] for v in (gamma, eta, rho))
    w = values[None, :]
    moduli = np.abs((gamma + eta * w) / (1 - rho * w))
    if not common:
        one = int(np.argmin(np.abs(values - 1.0)))
        moduli[:, one] = 0.0
    return moduli.max(axis=1)


@dataclass(frozen=True)
class DynamicSpatialPanelResults:
    """The estimates of a :class:`DynamicSpatialPanelModel`: ``params`` (bias-corrected unless the model says
    otherwise), ``std_errors``, ``tstats``, ``pvalues``, ``conf_int()``, ``cov``, ``qml`` (the uncorrected
    estimates) and ``bias`` (what the correction removed), ``sigma2``, ``loglik`` (at the QML estimates),
    ``stability``, ``notes``, ``summary``; ``impacts()`` gives the short- and long-run effects."""

    model: DynamicSpatialPanelModel = field(repr=False)
    terms: list[str]
    theta: np.ndarray  # (coef, rho, sigma^2), corrected when the model asks for it
    qml: np.ndarray  # the QML estimates (coef, rho, sigma^2)
    bias: np.ndarray  # the estimated bias theta_hat - theta_0 (its negative was added)
    cov: np.ndarray  # covariance of (coef, rho)
    loglik: float
    n_obs: int
    r2: float
    converged: bool
    at_bound: bool

    @property
    def params(self) -> pd.Series:
        return pd.Series(self.theta[:-1], index=self.terms, name="parameter")

    @property
    def std_errors(self) -> pd.Series:
        return pd.Series(np.sqrt(np.diag(self.cov)), index=self.terms, name="std_error")

    @property
    def tstats(self) -> pd.Series:
        return (self.params / self.std_errors).rename("stat")

    @property
    def pvalues(self) -> pd.Series:
        return pd.Series(2 * special.ndtr(-np.abs(self.tstats.to_numpy())), index=self.terms, name="pvalue")

    def conf_int(self, level: float = LEVEL) -> pd.DataFrame:
        if not 0 < level < 1:
            raise InputError(f"level {level} is not between 0 and 1", key="level", fix="give, say, 0.95")
        half = special.ndtri(0.5 + level / 2) * self.std_errors
        return pd.DataFrame({"lower": self.params - half, "upper": self.params + half})

    @property
    def sigma2(self) -> float:
        return float(self.theta[-1])

    @property
    def uncorrected(self) -> pd.Series:
        """The QML estimates before the bias correction (coefficients, rho, sigma2)."""
        return pd.Series(self.qml, index=[*self.terms, "sigma2"], name="qml")

    @property
    def rho(self) -> float:
        return float(self.theta[-2])

    def _gamma_eta(self, coef=None) -> tuple[float, float]:
        coef = self.theta[:-2] if coef is None else coef
        return _dynamic_coefficients(self.terms[:-1], coef, self.model.dependent)

    @property
    def stability(self) -> dict:
        """The stability of the estimated process: ``max_modulus`` (the largest |eigenvalue| of A, the common
        direction left out under time effects), ``sum`` gamma + eta + rho with its ``std_error``, the Wald
        statistic of gamma + eta + rho = 1 and its p (chi-squared, 1 df), and ``stable``: every modulus
        below 1, the common direction included (the long-run effects exist)."""
        gamma, eta = self._gamma_eta()
        values = self.model.operator.spectrum.values
        grad = np.zeros(len(self.terms))
        for name in (time_lag(self.model.dependent), spacetime_lag(self.model.dependent), "rho"):
            if name in self.terms:
                grad[self.terms.index(name)] = 1.0
        total = gamma + eta + self.rho
        se = float(np.sqrt(grad @ self.cov @ grad))
        wald = (total - 1.0) ** 2 / se**2 if se > 0 else float("nan")
        within = float(_stability(values, gamma, eta, self.rho, common=not self.model._adjust)[0])
        full = float(_stability(values, gamma, eta, self.rho, common=True)[0])
        return {
            "max_modulus": within,
            "max_modulus_common": full,
            "sum": float(total),
            "sum_std_error": se,
            "wald": float(wald),
            "wald_p": float(special.chdtrc(1, wald)),
            "stable": bool(full < 1.0),
        }

    @property
    def notes(self) -> list[str]:
        out = []
        if not self.converged:
            out.append("the maximisation of the likelihood did not converge")
        if self.at_bound:
            out.append(f"rho = {self.rho:.6f} lies at the edge of W's interval; its effects are unreliable")
        stability = self.stability
        if not stability["stable"]:
            out.append(
                f"the estimated process is not stable (largest modulus {stability['max_modulus_common']:.4f}, "
                f"gamma + eta + rho = {stability['sum']:.4f}): the bias correction assumes stability and the "
                "long-run effects do not exist"
            )
        return out

    # -- effects -------------------------------------------------------------------------------------------------

    def impacts(
        self,
        draws: int = DRAWS,
        seed: int | np.random.Generator = 0,
        level: float = LEVEL,
        inference: str = INFERENCE_DEFAULT,
    ) -> DynamicImpacts:
        """Short- and long-run direct, indirect and total effects of each explanatory variable (module
        docstring), exact at the estimates, with the standard deviation of ``draws`` draws of (coefficients,
        rho) from their estimated distribution; ``inference`` normal or percentile as
        :meth:`nqpf.SpatialPanelResults.impacts`. The long-run effects of an unstable estimate are NaN."""
        if inference not in INFERENCES:
            raise InputError(f"inference is {inference!r}", key="inference", fix=", ".join(INFERENCES))
        rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
        mean = self.theta[:-1]
        estimate = self._effects(mean[None, :])[0]
        sample, replaced = self._draw(draws, rng)
        simulated = self._effects(sample)
        rows = []
        for h, horizon in enumerate(HORIZONS):
            for v, name in enumerate(self.model.explanatory):
                for e, kind in enumerate(effects_.KINDS):
                    row = effects_.simulated_row(
                        name, kind, estimate[h, v, e], simulated[:, h, v, e], level, inference
                    )
                    rows.append([horizon, *row])
        facts = {
            "inference": "simulation",
            "interval": inference,
            "draws": draws,
            "draws_replaced": replaced,
            "level": level,
        }
        return DynamicImpacts(pd.DataFrame(rows, columns=EFFECT_COLUMNS), facts, self)

    def _effects(self, params: np.ndarray) -> np.ndarray:
        """Effects for rows of (coef, rho): (D, horizon, variable, direct/indirect/total)."""
        op = self.model.operator
        coef, rho = params[:, :-1], params[:, -1]
        terms = self.terms[:-1]
        gamma = (
            coef[:, terms.index(time_lag(self.model.dependent))]
            if time_lag(self.model.dependent) in terms
            else 0.0
        )
        eta = (
            coef[:, terms.index(spacetime_lag(self.model.dependent))]
            if spacetime_lag(self.model.dependent) in terms
            else 0.0
        )
        gamma = np.broadcast_to(gamma, rho.shape)
        eta = np.broadcast_to(eta, rho.shape)
        short = effects_.multipliers(op, rho)
        stable = _stability(op.spectrum.values, gamma, eta, rho, common=True) < 1.0
        r = np.where(stable, (rho + eta) / (1.0 - gamma), 0.0)
        long = effects_.multipliers(op, r) / np.where(stable, 1.0 - gamma, np.nan)[None, :]
        out = np.empty((len(rho), 2, len(self.model.explanatory), 3))
        for v, name in enumerate(self.model.explanatory):
            beta = coef[:, terms.index(name)]
            theta = coef[:, terms.index(f"W.{name}")] if f"W.{name}" in terms else 0.0
            for h, mult in enumerate((short, long)):
                direct = beta * mult[0] + theta * mult[1]
                total = beta * mult[2] + theta * mult[3]
                out[:, h, v] = np.column_stack([direct, total - direct, total])
        return out

    def _draw(self, draws: int, rng: np.random.Generator) -> tuple[np.ndarray, int]:
        """Draws of (coef, rho) from N(estimate, cov) with rho inside W's interval and a stable process."""
        low, high = self.model.bounds
        terms = self.terms[:-1]
        values = self.model.operator.spectrum.values

        def admissible(batch):
            gamma, eta = (
                batch[:, terms.index(name)] if name in terms else np.zeros(len(batch))
                for name in (time_lag(self.model.dependent), spacetime_lag(self.model.dependent))
            )
            rho = batch[:, -1]
            return (rho > low) & (rho < high) & (_stability(values, gamma, eta, rho, common=True) < 1.0)

        return effects_.draw_parameters(
            self.theta[:-1], self.cov, draws, rng, admissible,
            "almost every draw of the parameters is unstable or outside W's interval",
        )  # fmt: skip

    # -- as a stage writes them ----------------------------------------------------------------------------------

    def estimates(self, spec: str = "dynamic") -> pd.DataFrame:
        """The estimates as rows (spec, term, estimate, std_error, z, p, qml): the corrected estimates beside the
        uncorrected QML ones."""
        return pd.DataFrame(
            {
                "spec": spec,
                "term": self.terms,
                "estimate": self.params.to_numpy(),
                "std_error": self.std_errors.to_numpy(),
                "z": self.tstats.to_numpy(),
                "p": self.pvalues.to_numpy(),
                "qml": self.qml[:-1],
            }
        )

    def frames(self, draws: int = DRAWS, seed: int | np.random.Generator = 0, level: float = LEVEL) -> dict:
        """The results as the dynamic stage writes them: ``estimates`` (the corrected estimates with the QML ones
        beside), ``effects`` (short- and long-run, ``draws`` draws from ``seed``) and ``fit`` (one record)."""
        impacts = self.impacts(draws=draws, seed=seed, level=level)
        facts = {"draws": draws, "draws_replaced": impacts.facts["draws_replaced"], "level": level}
        return {
            "estimates": self.estimates(),
            "effects": impacts.table,
            "fit": pd.DataFrame([self.record(extra=facts)]),
        }

    def record(self, spec: str = "dynamic", extra: dict | None = None) -> dict:
        """The facts of the fit as one JSON-ready record."""
        model = self.model
        record = {
            "spec": spec,
            "dependent": model.dependent,
            "weights": model.weights,
            "model": model.model,
            "lags": model.lags,
            "rho": self.rho,
            "sigma2": self.sigma2,
            "sigma2_qml": float(self.qml[-1]),
            "loglik_qml": self.loglik,
            "r2": self.r2,
            "n_units": model.panel.n,
            "n_periods": model.panel.t - 1,
            "first_year": model.panel.years[1],
            "initial_year": model.panel.years[0],
            "n_obs": self.n_obs,
            "fixed_effects": model.fixed_effects,
            "bias_correction": "yu_de_jong_lee" if model.bias_correction else "none",
            "converged": self.converged,
            "at_bound": self.at_bound,
            **self.stability,
            **(extra or {}),
        }
        return {k: None if isinstance(v, float) and not np.isfinite(v) else v for k, v in record.items()}

    @property
    def summary(self):
        from nqpf.models.spatial_panel import Summary

        model = self.model
        stability = self.stability
        header = [
            ("Model", f"dynamic {model.model.upper()} (lags: {model.lags})"),
            ("Dependent variable", model.dependent),
            ("Weights", model.weights),
            ("Effects", model.fixed_effects),
            ("Bias correction", "Yu, de Jong and Lee (2008)" if model.bias_correction else "none (QML)"),
            ("Units x periods", f"{model.panel.n} x {model.panel.t - 1} (after {model.panel.years[0]})"),
            ("Observations (likelihood)", f"{self.n_obs}"),
            ("Log-likelihood (QML)", f"{self.loglik:.4f}"),
            ("sigma^2", f"{self.sigma2:.6g}"),
            ("gamma + eta + rho", f"{stability['sum']:.4f} ({stability['sum_std_error']:.4f})"),
            ("Largest |eigenvalue| of A", f"{stability['max_modulus']:.4f}"),
        ]
        interval = self.conf_int()
        rows = pd.DataFrame(
            {
                "estimate": self.params,
                "std. error": self.std_errors,
                "z": self.tstats,
                "P>|z|": self.pvalues,
                "[0.025": interval["lower"],
                "0.975]": interval["upper"],
                "QML": self.qml[:-1],
            }
        )
        return Summary("Dynamic spatial panel model estimates", header, rows, self.notes)

    def __repr__(self) -> str:
        return f"DynamicSpatialPanelResults({self.model.model.upper()}, lags {self.model.lags}, rho {self.rho:.4f})"


@dataclass(frozen=True)
class DynamicImpacts:
    """Short- and long-run effects: ``table`` (horizon, variable, effect, estimate, mean, std_error, z, p,
    ci_low, ci_high) and ``facts`` about the draws."""

    table: pd.DataFrame
    facts: dict
    results: DynamicSpatialPanelResults = field(repr=False)

    def estimates(self, horizon: str = "short_run") -> pd.DataFrame:
        """Variables x (direct, indirect, total) of one horizon."""
        part = self.table[self.table["horizon"] == horizon]
        frame = part.pivot(index="variable", columns="effect", values="estimate")
        return frame.reindex(index=self.results.model.explanatory, columns=list(effects_.KINDS))
