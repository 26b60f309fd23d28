"""Mechanisms of an effect paper: mediation (does X act on Y through M?), moderation (does M change X's effect?)
and a quadratic term (a turning point of X's effect), each as a non-spatial fixed-effects panel regression
(:class:`nqpf.models.baseline.PanelRegression`) and, given W, as a spatial lag model (SDM or SAR,
:class:`nqpf.models.SpatialPanelModel`) with its direct, indirect and total effects (LeSage and Pace 2009).

Every spatial effect below is an average of an N x N matrix of partial derivatives f(W), a rational function of
W, so it is exact from W's eigenvalues l_i: the direct effect tr f(W) / N = mean_i f(l_i), the total effect
1' f(W) 1 / N = f(c) when every row of W sums to c (else sum_i a_i f(l_i), :mod:`nqpf.weights.spectrum`), the
indirect effect their difference (LeSage and Pace 2009, sec. 2.7 and 4.2). Inference draws the parameters of each
fitted equation from their estimated asymptotic normal distribution (rho inside W's interval), as for the effects
(:mod:`nqpf.models.effects`); the equations of a mediation are estimated separately and drawn independently.

Mediation (:func:`mediation`), with controls C and fixed effects in every equation:

- the stepwise equations (Baron and Kenny 1986; Wen and Ye 2014, Advances in Psychological Science 22: 731-745,
  as the field's papers cite them): (1) Y = c X + C, (2) M = a X + C, (3) Y = c' X + b M + C; the indirect
  (mediated) effect a b with the Sobel (1982) standard error sqrt(a^2 s_b^2 + b^2 s_a^2) and a bootstrap
  percentile interval (units drawn with replacement, every equation estimated again on each draw); the share
  mediated a b / c. Many journals now ask only for equation (2), the evidence that X moves M (Jiang Ting 2022,
  China Industrial Economics 5: 100-120): ``steps`` marks which rows that style reads (``style``).
- spatially (``w`` given): (2) and (3) as lag models, M = rho_M W M + X b_XM + W X t_XM + C ..., Y = rho_Y W Y +
  X b_XY + W X t_XY + M b_MY + W M t_MY + C ...; the effects of X on M, of X and M on Y, and the mediated effect
  of X on Y through M, the matrix (I - rho_Y W)^-1 (b_MY I + t_MY W) (I - rho_M W)^-1 (b_XM I + t_XM W),
  decomposed into its direct (own-unit), indirect (spillover) and total parts.

Moderation (:func:`moderation`): Y = b_X X + b_M M + b_XM (X - Xbar)(M - Mbar) + C (+ rho W Y + the W lags of
X, M and the product in an SDM), the product of the centred variables (Aiken and West 1991). The marginal effect
of X where the moderator is m: b_X + b_XM (m - Mbar) without W; with W, the effects of
S(W) = (I - rho W)^-1 [(b_X + b_XM (m - Mbar)) I + (t_X + t_XM (m - Mbar)) W], over a range of m.

Quadratic term (:func:`quadratic`): Y = b_1 X + b_2 X^2 + C (+ W lags): the turning point -b_1 / (2 b_2) with its
delta-method standard error, and the slope b_1 + 2 b_2 x at the smallest and largest x with its test (an inverted
U is shown when both slopes are significant with opposite signs and the turning point lies inside the data:
Lind and Mehlum 2010, Oxford Bulletin of Economics and Statistics 72: 109-118). With W, the effect of X at x is
S(W) = (I - rho W)^-1 [(b_1 + 2 b_2 x) I + (t_1 + 2 t_2 x) W]: the total effect turns at
-(b_1 + t_1) / (2 (b_2 + t_2)), the direct at -(b_1 m0 + t_1 m1) / (2 (b_2 m0 + t_2 m1)) (m0 = tr(A^-1)/N,
m1 = tr(W A^-1)/N, A = I - rho W), the indirect likewise; intervals from the draws' percentiles.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import special

from nqpf.errors import InputError
from nqpf.models import baseline
from nqpf.models import effects as effects_
from nqpf.models.fixed_effects import demean
from nqpf.models.operator import SpatialOperator
from nqpf.models.panel_data import require_columns
from nqpf.models.settings import (
    BALANCE_DEFAULT,
    DRAWS,
    FIXED_EFFECTS_DEFAULT,
    LEVEL,
    MARGINAL_POINTS,
    MEDIATION_BOOTSTRAP,
    METHOD_DEFAULT,
)

SPATIAL_MODELS = ("sdm", "sar")
BOOTSTRAP = MEDIATION_BOOTSTRAP
KINDS = effects_.KINDS
EFFECT_COLUMNS = ["path", "effect", "estimate", "std_error", "z", "p", "ci_low", "ci_high"]
SLOPE_COLUMNS = ["at", "value", "slope", "std_error", "t", "p"]


# -- spectral averages ------------------------------------------------------------------------------------------


def spectral_effects(op: SpatialOperator, f: Callable[[np.ndarray], np.ndarray], draws: int) -> np.ndarray:
    """(direct, indirect, total) of the matrix function f(W) for each of ``draws`` parameter draws: ``f`` maps
    eigenvalues (draws, N) -- or W's common row sum (draws, 1) -- to values of the same shape. (draws, 3)."""
    spectrum = op.spectrum
    if spectrum is None:
        raise InputError(
            f"exact effects need the eigenvalues of W, which are not computed for {op.n} units",
            key="w",
            fix="use fewer units than the spectrum limit of the weights",
        )
    values = spectrum.values[None, :]
    direct = np.real(f(np.broadcast_to(values, (draws, values.shape[1])))).mean(axis=1)
    if op.row_sum is not None:
        total = np.real(f(np.full((draws, 1), op.row_sum)))[:, 0]
    else:
        total = np.real(
            (spectrum.total_weights[None, :] * f(np.broadcast_to(values, (draws, values.shape[1])))).sum(
                axis=1
            )
        )
    return np.column_stack([direct, total - direct, total])


def _draws(result, draws: int, rng: np.random.Generator) -> tuple[pd.DataFrame, np.ndarray]:
    """Draws of a lag model's coefficients (named columns) and rho; the estimates first (row 0)."""
    fit = result.fit
    sample, _ = effects_._draw(fit, draws, rng, result.model.bounds)
    values = np.vstack([np.append(fit.coef, fit.spatial), sample])
    return pd.DataFrame(values[:, :-1], columns=fit.terms), values[:, -1]


def _coef(frame: pd.DataFrame, name: str) -> np.ndarray:
    return frame[name].to_numpy() if name in frame.columns else np.zeros(len(frame))


def _summarise(path: str, values: np.ndarray, level: float) -> list[list]:
    """Rows of EFFECT_COLUMNS from (1 + draws, 3): the estimate (row 0), the draws' s.d. and percentile
    interval; p two-sided normal of estimate / s.d. (as the effects' default)."""
    rows = []
    tail = 100 * (1 - level) / 2
    for e, kind in enumerate(KINDS):
        point, sample = values[0, e], values[1:, e]
        se = float(sample.std(ddof=1))
        low, high = np.percentile(sample, [tail, 100 - tail])
        z = point / se if se > 0 else np.nan
        p = 2 * special.ndtr(-abs(z)) if se > 0 else np.nan
        rows.append([path, kind, float(point), se, float(z), float(p), float(low), float(high)])
    return rows


def _spatial_model(data, dependent, explanatory, w, model, fixed_effects, options):
    from nqpf.models.spatial_panel import SpatialPanelModel

    if model not in SPATIAL_MODELS:
        raise InputError(
            f"model is {model!r}: mechanisms are decomposed in lag models",
            key="model",
            fix=" or ".join(SPATIAL_MODELS),
        )
    return SpatialPanelModel(
        data, dependent, explanatory, w, model=model, fixed_effects=fixed_effects, **options
    ).fit()


def _panel_options(entity, time, years, balance, source) -> dict:
    return {"entity": entity, "time": time, "years": years, "balance": balance, "source": source}


def _fit_frames(fits: dict, extra: dict | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The estimates (spec, dependent, term, estimate, std_error, z, p) and the facts (one row per spec) of the
    fitted equations ``fits`` (spec -> a fixed-effects or spatial lag model's results); ``extra`` adds columns
    to the facts."""
    estimates = pd.concat(
        [fit.estimates(spec).assign(dependent=fit.model.dependent) for spec, fit in fits.items()],
        ignore_index=True,
    )
    columns = ["spec", "dependent", "term", "estimate", "std_error", "z", "p"]
    records = [
        {**fit.record(spec), "dependent": fit.model.dependent, "model": _model_name(fit), **(extra or {})}
        for spec, fit in fits.items()
    ]
    return estimates[columns], pd.DataFrame(records)


def _model_name(fit) -> str:
    """fe for a fixed-effects regression, else the spatial model's name (sdm, sar)."""
    model = getattr(fit.model, "model", None)
    return model if isinstance(model, str) else "fe"


# -- mediation --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Mediation:
    """The results of :func:`mediation`: ``steps`` (the stepwise equations' coefficients of X and M),
    ``indirect`` (a b with its Sobel and bootstrap inference), and with W ``spatial`` (the effects of X on M, X on
    Y, M on Y and the mediated effect, each direct, indirect and total) and the fitted equations."""

    treatment: str
    mediator: str
    dependent: str
    steps: pd.DataFrame
    indirect: pd.DataFrame
    spatial: pd.DataFrame | None = None
    fits: dict = field(default_factory=dict, repr=False)

    def frames(self) -> dict[str, pd.DataFrame]:
        """The results as the mediation stage writes them (``mechanisms/mediation_<mediator>/``): ``steps``,
        ``indirect``, ``effects`` (the spatial decomposition; no rows without W), and the ``estimates`` and
        ``fit`` of every equation, spec total, a and direct (the stepwise equations (1)-(3)) and spatial_m,
        spatial_y (the lag models of M and Y)."""
        estimates, fit = _fit_frames(self.fits, {"treatment": self.treatment, "mediator": self.mediator})
        effects = self.spatial if self.spatial is not None else pd.DataFrame(columns=EFFECT_COLUMNS)
        return {
            "steps": self.steps,
            "indirect": self.indirect,
            "effects": effects,
            "estimates": estimates,
            "fit": fit,
        }


def mediation(
    data: pd.DataFrame,
    dependent: str,
    treatment: str,
    mediator: str,
    controls: Sequence[str] = (),
    *,
    w=None,
    model: str = "sdm",
    fixed_effects: str = FIXED_EFFECTS_DEFAULT,
    cov: str = baseline.COV_DEFAULT,
    bootstrap: int = BOOTSTRAP,
    draws: int = DRAWS,
    seed: int = 0,
    level: float = LEVEL,
    entity: str = "code",
    time: str = "year",
    years: Sequence[int] | None = None,
    balance: str = BALANCE_DEFAULT,
    method: str = METHOD_DEFAULT,
    source: str | None = None,
) -> Mediation:
    """Mediation of ``treatment``'s effect on ``dependent`` through ``mediator`` (module docstring): the
    stepwise equations with Sobel and bootstrap inference (``bootstrap`` draws of units, seeded), and with ``w``
    the lag-model decomposition (``draws`` parameter draws)."""
    controls = [controls] if isinstance(controls, str) else list(controls)
    names = [dependent, treatment, mediator, *controls]
    repeated = sorted({v for v in names if names.count(v) > 1})
    if repeated:
        raise InputError(
            f"{', '.join(repeated)} plays two roles in the mediation",
            key="mediation",
            fix="the dependent, the treatment, the mediator and the controls must be different variables",
        )
    options = _panel_options(entity, time, years, balance, source)
    equations = {
        "total": (dependent, [treatment, *controls]),
        "a": (mediator, [treatment, *controls]),
        "direct": (dependent, [treatment, mediator, *controls]),
    }
    fits = {
        key: baseline.PanelRegression(data, y, x, fixed_effects=fixed_effects, cov=cov, **options).fit()
        for key, (y, x) in equations.items()
    }
    rows = [
        ("(1) total", dependent, treatment, "c", fits["total"]),
        ("(2) X -> M", mediator, treatment, "a", fits["a"]),
        ("(3) direct", dependent, treatment, "c'", fits["direct"]),
        ("(3) direct", dependent, mediator, "b", fits["direct"]),
    ]
    steps = pd.DataFrame(
        [
            (
                eq, y, term, symbol,
                fit.params[term], fit.std_errors[term], fit.tstats[term], fit.pvalues[term],
                fit.nobs, fit.r2_within,
                "both" if symbol == "a" else "stepwise",
            )
            for eq, y, term, symbol, fit in rows
        ],
        columns=["equation", "dependent", "term", "symbol", "estimate", "std_error", "t", "p", "n_obs",
                 "r2_within", "style"],
    )  # fmt: skip
    a, sa = fits["a"].params[treatment], fits["a"].std_errors[treatment]
    b, sb = fits["direct"].params[mediator], fits["direct"].std_errors[mediator]
    sobel_se = float(np.sqrt(a**2 * sb**2 + b**2 * sa**2))
    z = a * b / sobel_se
    boot = _bootstrap_indirect(
        data, dependent, treatment, mediator, controls, fixed_effects, options, bootstrap, seed
    )
    tail = 100 * (1 - level) / 2
    low, high = np.percentile(boot, [tail, 100 - tail]) if len(boot) else (np.nan, np.nan)
    total = fits["total"].params[treatment]
    indirect = pd.DataFrame(
        [
            {
                "indirect": a * b,
                "sobel_se": sobel_se,
                "sobel_z": z,
                "sobel_p": 2 * special.ndtr(-abs(z)),
                "boot_ci_low": low,
                "boot_ci_high": high,
                "bootstrap": len(boot),
                "share_mediated": a * b / total if total != 0 else np.nan,
                "total": total,
                "direct": fits["direct"].params[treatment],
            }
        ]
    )
    spatial = None
    out_fits: dict = dict(fits)
    if w is not None:
        spatial, spatial_fits = _spatial_mediation(
            data, dependent, treatment, mediator, controls, w, model, fixed_effects, draws, seed, level,
            {**options, "method": method},
        )  # fmt: skip
        out_fits.update(spatial_fits)
    return Mediation(treatment, mediator, dependent, steps, indirect, spatial, out_fits)


def _bootstrap_indirect(data, dependent, treatment, mediator, controls, fixed_effects, options, draws, seed):
    """a b on ``draws`` panels of units drawn with replacement (each drawn unit a new unit), on the units every
    equation has in common."""
    if draws <= 0:
        return np.empty(0)
    panel = baseline.panel_of(data, dependent, [treatment, mediator, *controls], **options).panel
    rng = np.random.default_rng(seed)
    x = panel.x  # treatment, mediator, controls
    a_columns = [0, *range(2, x.shape[2])]
    out = np.empty(draws)
    for k in range(draws):
        units = rng.integers(0, panel.n, size=panel.n)
        sample = x[:, units, :]
        try:
            a = baseline.least_squares(
                demean(sample[:, :, 1], fixed_effects), demean(sample[:, :, a_columns], fixed_effects)
            )
            b = baseline.least_squares(
                demean(panel.y[:, units], fixed_effects), demean(sample, fixed_effects)
            )
            out[k] = a.coef[0] * b.coef[1]
        except np.linalg.LinAlgError:  # a draw whose regressors are collinear (few distinct units)
            out[k] = np.nan
    return out[np.isfinite(out)]


def _spatial_mediation(data, dependent, treatment, mediator, controls, w, model, fixed_effects, draws, seed, level,
                       options):  # fmt: skip
    m_fit = _spatial_model(data, mediator, [treatment, *controls], w, model, fixed_effects, options)
    y_fit = _spatial_model(
        data, dependent, [treatment, mediator, *controls], w, model, fixed_effects, options
    )
    rng = np.random.default_rng(seed)
    cm, rho_m = _draws(m_fit, draws, rng)
    cy, rho_y = _draws(y_fit, draws, rng)
    op = y_fit.model.operator
    n_draws = len(rho_m)

    def lag_effect(coef, rho, name):
        b, t = _coef(coef, name)[:, None], _coef(coef, f"W.{name}")[:, None]
        return lambda lam: (b + t * lam) / (1 - rho[:, None] * lam)

    x_on_m = lag_effect(cm, rho_m, treatment)
    x_on_y = lag_effect(cy, rho_y, treatment)
    m_on_y = lag_effect(cy, rho_y, mediator)
    rows = []
    for path, f in (
        ("X -> M", x_on_m),
        ("X -> Y (direct path)", x_on_y),
        ("M -> Y", m_on_y),
        ("X -> M -> Y (mediated)", lambda lam: m_on_y(lam) * x_on_m(lam)),
        ("X -> Y (total path)", lambda lam: x_on_y(lam) + m_on_y(lam) * x_on_m(lam)),
    ):
        rows += _summarise(path, spectral_effects(op, f, n_draws), level)
    return pd.DataFrame(rows, columns=EFFECT_COLUMNS), {"spatial_m": m_fit, "spatial_y": y_fit}


# -- moderation -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Moderation:
    """The results of :func:`moderation`: ``term`` (the name of the centred product), the fitted model
    (``fit``: a :class:`~nqpf.models.baseline.PanelRegressionResults` or, with W, a spatial model's results),
    ``centres`` (the means removed) and ``marginal`` (the effect of X over the moderator's range)."""

    treatment: str
    moderator: str
    term: str
    centres: dict
    fit: object = field(repr=False)
    marginal: pd.DataFrame = field(repr=False)
    effects: pd.DataFrame | None = field(default=None, repr=False)
    level: float = LEVEL

    def frames(self) -> dict[str, pd.DataFrame]:
        """The results as the moderation stage writes them, spec ``fe`` (the fixed-effects regression) or the
        lag model's name: ``estimates``, ``fit`` (with the centres and the level), ``marginal`` (the effect of X
        at each moderator value) and ``effects`` (the lag model's direct, indirect and total effects of every
        explanatory variable, the product included; no rows without W)."""
        spec = _model_name(self.fit)
        estimates, fit = _fit_frames(
            {spec: self.fit},
            {
                "treatment": self.treatment,
                "moderator": self.moderator,
                "term": self.term,
                "treatment_mean": self.centres[self.treatment],
                "moderator_mean": self.centres[self.moderator],
                "level": self.level,
            },
        )
        effects = self.effects if self.effects is not None else pd.DataFrame(columns=["variable", "effect"])
        return {
            "estimates": estimates,
            "fit": fit,
            "marginal": self.marginal.assign(spec=spec)[["spec", *self.marginal.columns]],
            "effects": effects.assign(spec=spec)[["spec", *effects.columns]],
        }


def interaction_name(treatment: str, moderator: str) -> str:
    return f"{treatment}_x_{moderator}"


def moderation(
    data: pd.DataFrame,
    dependent: str,
    treatment: str,
    moderator: str,
    controls: Sequence[str] = (),
    *,
    w=None,
    model: str = "sdm",
    fixed_effects: str = FIXED_EFFECTS_DEFAULT,
    cov: str = baseline.COV_DEFAULT,
    points: int = MARGINAL_POINTS,
    draws: int = DRAWS,
    seed: int = 0,
    level: float = LEVEL,
    entity: str = "code",
    time: str = "year",
    years: Sequence[int] | None = None,
    balance: str = BALANCE_DEFAULT,
    method: str = METHOD_DEFAULT,
    source: str | None = None,
) -> Moderation:
    """Moderation of ``treatment``'s effect by ``moderator`` (module docstring): the model with the centred
    product ``<treatment>_x_<moderator>`` and the marginal effect of X at ``points`` values of the moderator from
    its 5th to its 95th percentile (its mean among them)."""
    controls = [controls] if isinstance(controls, str) else list(controls)
    require_columns(data, [treatment, moderator], source)
    term = interaction_name(treatment, moderator)
    centres = {treatment: float(data[treatment].mean()), moderator: float(data[moderator].mean())}
    frame = data.assign(
        **{term: (data[treatment] - centres[treatment]) * (data[moderator] - centres[moderator])}
    )
    explanatory = [treatment, moderator, term, *controls]
    options = _panel_options(entity, time, years, balance, source)
    values = np.unique(np.append(np.percentile(data[moderator].dropna(), np.linspace(5, 95, points)),
                                 centres[moderator]))  # fmt: skip
    shift = values - centres[moderator]
    if w is None:
        fit = baseline.PanelRegression(frame, dependent, explanatory, fixed_effects=fixed_effects, cov=cov,
                                       **options).fit()  # fmt: skip
        names = fit.names
        i, j = names.index(treatment), names.index(term)
        estimate = fit.coef[i] + fit.coef[j] * shift
        var = fit.cov[i, i] + 2 * shift * fit.cov[i, j] + shift**2 * fit.cov[j, j]
        se = np.sqrt(var)
        crit = special.stdtrit(fit.df, 0.5 + level / 2)
        marginal = pd.DataFrame(
            {
                "moderator": values, "effect": "marginal", "estimate": estimate, "std_error": se,
                "p": 2 * special.stdtr(fit.df, -np.abs(estimate / se)),
                "ci_low": estimate - crit * se, "ci_high": estimate + crit * se,
            }
        )  # fmt: skip
        return Moderation(treatment, moderator, term, centres, fit, marginal, level=level)
    fit = _spatial_model(
        frame, dependent, explanatory, w, model, fixed_effects, {**options, "method": method}
    )
    coef, rho = _draws(fit, draws, np.random.default_rng(seed))
    op = fit.model.operator
    rows = []
    for m, s in zip(values, shift, strict=True):
        b = (_coef(coef, treatment) + _coef(coef, term) * s)[:, None]
        t = (_coef(coef, f"W.{treatment}") + _coef(coef, f"W.{term}") * s)[:, None]
        summary = spectral_effects(
            op, lambda lam, b=b, t=t: (b + t * lam) / (1 - rho[:, None] * lam), len(rho)
        )
        for row in _summarise("", summary, level):
            rows.append([m, row[1], row[2], row[3], row[5], row[6], row[7]])
    marginal = pd.DataFrame(
        rows, columns=["moderator", "effect", "estimate", "std_error", "p", "ci_low", "ci_high"]
    )
    effects = fit.impacts(draws=draws, seed=seed, level=level).table
    return Moderation(treatment, moderator, term, centres, fit, marginal, effects, level)


# -- quadratic term ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Quadratic:
    """The results of :func:`quadratic`: ``square`` (the name of X^2), the fitted model, ``turning`` (the turning
    point of each effect with its interval) and ``slopes`` (the slope at the smallest and largest X, Lind and
    Mehlum's test; without W)."""

    variable: str
    square: str
    fit: object = field(repr=False)
    turning: pd.DataFrame
    slopes: pd.DataFrame | None = None

    def frames(self) -> dict[str, pd.DataFrame]:
        """The results as the quadratic stage writes them, spec ``fe`` or the lag model's name: ``estimates``,
        ``fit``, ``turning`` (the turning point of each effect) and ``slopes`` (Lind and Mehlum's slopes at the
        smallest and largest value; fixed effects only, no rows with W)."""
        spec = _model_name(self.fit)
        estimates, fit = _fit_frames({spec: self.fit}, {"variable": self.variable, "square": self.square})
        slopes = self.slopes if self.slopes is not None else pd.DataFrame(columns=SLOPE_COLUMNS)
        return {
            "estimates": estimates,
            "fit": fit,
            "turning": self.turning.assign(spec=spec)[["spec", *self.turning.columns]],
            "slopes": slopes.assign(spec=spec)[["spec", *slopes.columns]],
        }


def square_name(variable: str) -> str:
    return f"{variable}_sq"


def quadratic(
    data: pd.DataFrame,
    dependent: str,
    variable: str,
    controls: Sequence[str] = (),
    *,
    w=None,
    model: str = "sdm",
    fixed_effects: str = FIXED_EFFECTS_DEFAULT,
    cov: str = baseline.COV_DEFAULT,
    draws: int = DRAWS,
    seed: int = 0,
    level: float = LEVEL,
    entity: str = "code",
    time: str = "year",
    years: Sequence[int] | None = None,
    balance: str = BALANCE_DEFAULT,
    method: str = METHOD_DEFAULT,
    source: str | None = None,
) -> Quadratic:
    """The effect of ``variable`` and its square ``<variable>_sq`` on ``dependent`` and its turning point(s)
    (module docstring)."""
    controls = [controls] if isinstance(controls, str) else list(controls)
    require_columns(data, [variable], source)
    square = square_name(variable)
    frame = data.assign(**{square: data[variable] ** 2})
    explanatory = [variable, square, *controls]
    options = _panel_options(entity, time, years, balance, source)
    tail = 100 * (1 - level) / 2
    if w is None:
        fit = baseline.PanelRegression(frame, dependent, explanatory, fixed_effects=fixed_effects, cov=cov,
                                       **options).fit()  # fmt: skip
        i, j = fit.names.index(variable), fit.names.index(square)
        b1, b2 = fit.coef[i], fit.coef[j]
        point = -b1 / (2 * b2)
        grad = np.array([-1 / (2 * b2), b1 / (2 * b2**2)])
        block = fit.cov[np.ix_([i, j], [i, j])]
        se = float(np.sqrt(grad @ block @ grad))
        crit = special.stdtrit(fit.df, 0.5 + level / 2)
        low, high = float(frame[variable].min()), float(frame[variable].max())
        turning = pd.DataFrame(
            [("coefficients", point, se, point - crit * se, point + crit * se, low <= point <= high)],
            columns=["effect", "turning_point", "std_error", "ci_low", "ci_high", "inside_data"],
        )
        rows = []
        for where, x in (("min", low), ("max", high)):
            slope = b1 + 2 * b2 * x
            var = block[0, 0] + 4 * x * block[0, 1] + 4 * x**2 * block[1, 1]
            t = slope / np.sqrt(var)
            rows.append((where, x, slope, float(np.sqrt(var)), t, 2 * special.stdtr(fit.df, -abs(t))))
        slopes = pd.DataFrame(rows, columns=SLOPE_COLUMNS)
        return Quadratic(variable, square, fit, turning, slopes)
    fit = _spatial_model(
        frame, dependent, explanatory, w, model, fixed_effects, {**options, "method": method}
    )
    coef, rho = _draws(fit, draws, np.random.default_rng(seed))
    op = fit.model.operator
    m0, m1, t0, t1 = effects_.multipliers(op, rho)
    b1, b2 = _coef(coef, variable), _coef(coef, square)
    t_1, t_2 = _coef(coef, f"W.{variable}"), _coef(coef, f"W.{square}")
    with np.errstate(divide="ignore", invalid="ignore"):
        points = {
            "coefficients": -b1 / (2 * b2),
            "direct": -(b1 * m0 + t_1 * m1) / (2 * (b2 * m0 + t_2 * m1)),
            "indirect": -(b1 * (t0 - m0) + t_1 * (t1 - m1)) / (2 * (b2 * (t0 - m0) + t_2 * (t1 - m1))),
            "total": -(b1 + t_1) / (2 * (b2 + t_2)),
        }
    low, high = float(frame[variable].min()), float(frame[variable].max())
    rows = []
    for effect, values in points.items():
        sample = values[1:][np.isfinite(values[1:])]
        lo, hi = np.percentile(sample, [tail, 100 - tail])
        rows.append((effect, float(values[0]), float(sample.std(ddof=1)), lo, hi, low <= values[0] <= high))
    turning = pd.DataFrame(
        rows, columns=["effect", "turning_point", "std_error", "ci_low", "ci_high", "inside_data"]
    )
    return Quadratic(variable, square, fit, turning)
