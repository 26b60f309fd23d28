"""Direct, indirect and total effects of the explanatory variables (LeSage and Pace 2009, sec. 2.7 and 4.2).

For a lag model (SAR, SDM) the N x N matrix of partial derivatives of E[y] with respect to x_k is
S_k(W) = (I - rho W)^-1 (beta_k I + theta_k W)  (theta_k = 0 in a SAR). The average direct effect is
tr(S_k)/N, the average total effect l'S_k l / N, the indirect effect their difference (eq. 2.46). Both are
linear in (beta_k, theta_k) given rho:
    direct = beta_k m0 + theta_k m1,  m0 = tr(A^-1)/N,  m1 = tr(W A^-1)/N
    total  = beta_k t0 + theta_k t1,  t0 = l'A^-1 l/N,  t1 = l'A^-1 W l/N
and the four multipliers are exact sums over the eigenvalues of W (:mod:`nqpf.weights.spectrum`); with row
sums all equal to c, t0 = 1/(1 - rho c) and t1 = c t0. For SLX and SDEM S_k = beta_k I + theta_k W: direct
beta_k + theta_k tr(W)/N, indirect theta_k times the mean row sum of W, exact linear functions of the
coefficients whose standard errors follow from their covariance.

Inference for SAR and SDM (LeSage and Pace 2009, sec. 4.2; as R spatialreg's impacts()): draws of
(beta, theta, rho) from the estimated asymptotic normal distribution, the effects computed for every draw.
Draws whose rho leaves the interval of W's parameter space are replaced. Reported: the effect at the estimates
(exact), the mean and the standard deviation of the draws (``std_error``), z = estimate / std_error, and a
p-value and interval that come from ONE inference, so that p < 1 - level exactly when the interval excludes 0
(the stars of a table and the interval of a figure never disagree):

- ``normal`` (the default): the two-sided normal p of z and the interval estimate +- z_(1+level)/2 std_error.
  This is what the tables of the reference software print: xsmle's effects, spatialreg's
  ``summary(impacts(...), zstats = TRUE)`` and LeSage's and Elhorst's MATLAB routines all divide by the standard
  deviation of the draws and read the ratio on the normal (or t) distribution.
- ``percentile``: the interval is the percentile interval of the draws (numpy's linear interpolation, as
  spatialreg's and LeSage's quantiles) and p twice the share of draws on the other side of zero, read off the
  same interpolated distribution function: it follows the skewed distribution of the effects when rho nears the
  bound of its interval, where the normal reading is poor; its p is 0 when no draw crosses zero.

For SLX and SDEM the effects are linear in the coefficients and normal inference is exact given the coefficients'
normal distribution: both settings give the analytic standard error, normal p and interval.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import special

from nqpf.errors import InputError
from nqpf.models.estimation import Fit
from nqpf.models.operator import SpatialOperator
from nqpf.models.settings import EFFECT_MODELS

KINDS = ("direct", "indirect", "total")
INFERENCES = ("normal", "percentile")
COLUMNS = ["variable", "effect", "estimate", "mean", "std_error", "z", "p", "ci_low", "ci_high"]


def multipliers(op: SpatialOperator, rho: np.ndarray) -> np.ndarray:
    """(m0, m1, t0, t1) for each value of rho: an array of shape (4, len(rho))."""
    rho = np.atleast_1d(np.asarray(rho, dtype=float))
    spectrum = op.spectrum
    if spectrum is None:
        raise InputError(
            f"exact effects need the eigenvalues of W, which are not computed for {op.n} units",
            column="models.weights",
            fix="use a study with fewer units than the spectrum limit of the weights stage",
        )
    out = np.empty((4, rho.size))
    values = spectrum.values
    # blocks of draws keep the (draws x N) intermediate small for county-level W
    block = max(1, 2_000_000 // max(op.n, 1))
    for start in range(0, rho.size, block):
        r = rho[start : start + block, None]
        inverse = 1.0 / (1.0 - r * values[None, :])
        out[0, start : start + block] = np.real(inverse.sum(axis=1)) / op.n
        out[1, start : start + block] = np.real((values[None, :] * inverse).sum(axis=1)) / op.n
        if op.row_sum is not None:
            t0 = 1.0 / (1.0 - r[:, 0] * op.row_sum)
            out[2, start : start + block] = t0
            out[3, start : start + block] = op.row_sum * t0
        else:
            weights = spectrum.total_weights
            out[2, start : start + block] = np.real((weights[None, :] * inverse).sum(axis=1))
            out[3, start : start + block] = np.real(
                (weights[None, :] * values[None, :] * inverse).sum(axis=1)
            )
    return out


def _pairs(fit: Fit, variables) -> list[tuple[str, int, int | None]]:
    """(variable, position of beta, position of theta or None) for each explanatory variable."""
    out = []
    for name in variables:
        lag = f"W.{name}"
        out.append((name, fit.terms.index(name), fit.terms.index(lag) if lag in fit.terms else None))
    return out


def _effects(coef: np.ndarray, mult: np.ndarray, pairs) -> np.ndarray:
    """Effects for draws: coef (D, K), mult (4, D) -> (D, variables, 3)."""
    out = np.empty((coef.shape[0], len(pairs), 3))
    for v, (_, b, t) in enumerate(pairs):
        beta = coef[:, b]
        theta = coef[:, t] if t is not None else 0.0
        direct = beta * mult[0] + theta * mult[1]
        total = beta * mult[2] + theta * mult[3]
        out[:, v] = np.column_stack([direct, total - direct, total])
    return out


def _static_multipliers(op: SpatialOperator) -> np.ndarray:
    """(m0, m1, t0, t1) of S_k = beta_k I + theta_k W (SLX, SDEM)."""
    mean_row = float(np.asarray(op.w.sum(axis=1)).mean())
    return np.array([[1.0], [op.w.diagonal().sum() / op.n], [1.0], [mean_row]])


def _draw(fit: Fit, draws: int, rng: np.random.Generator, bounds) -> tuple[np.ndarray, int]:
    """Draws of (coef, rho) from N(estimate, cov), rho inside ``bounds``; returns them and the number replaced."""
    return draw_parameters(
        np.append(fit.coef, fit.spatial),
        fit.cov,
        draws,
        rng,
        lambda batch: (batch[:, -1] > bounds[0]) & (batch[:, -1] < bounds[1]),
        "almost every draw of rho falls outside the parameter space of W",
    )


def draw_parameters(
    mean, cov, draws: int, rng: np.random.Generator, keep, problem: str
) -> tuple[np.ndarray, int]:
    """``draws`` draws from N(mean, cov) (LeSage and Pace 2009, sec. 4.2), each batch filtered by ``keep`` (a mask
    of the admissible rows: the spatial parameter inside W's interval, a stable process) and drawn again until
    there are enough; returns them and the number replaced. More than 100 replacements a draw stop with
    ``problem``: the estimate lies too near the edge of the parameter space for simulated inference."""
    cov = (cov + cov.T) / 2
    # The Cholesky factor: continuous in cov, so that the last bits of an estimate move the draws as little. A
    # positive semi-definite cov has none: its eigen root then, with the negative rounding set to 0.
    try:
        root = np.linalg.cholesky(cov)
    except np.linalg.LinAlgError:
        values, vectors = np.linalg.eigh(cov)
        root = vectors * np.sqrt(np.clip(values, 0.0, None))
    kept, replaced = [], 0
    needed = draws
    while needed > 0:
        batch = mean + rng.standard_normal((needed, len(mean))) @ root.T
        inside = keep(batch)
        kept.append(batch[inside])
        replaced += int((~inside).sum())
        needed -= int(inside.sum())
        if replaced > 100 * draws:
            raise InputError(
                f"effects: {problem}",
                column="models.effects",
                fix="check the model: the standard errors are too large for simulation-based inference",
            )
    return np.concatenate(kept)[:draws], replaced


def effects(
    fit: Fit,
    op: SpatialOperator,
    variables,
    draws: int,
    rng: np.random.Generator,
    bounds,
    level: float = 0.95,
    inference: str = "normal",
) -> tuple[pd.DataFrame, dict]:
    """The effects table (``COLUMNS``) of a SAR, SDM, SLX or SDEM fit, and facts about the simulation;
    ``inference`` (``INFERENCES``) says where p and the interval come from (module docstring)."""
    if fit.model not in EFFECT_MODELS:
        raise ValueError(f"effects are defined for {', '.join(EFFECT_MODELS)}, not {fit.model}")
    if inference not in INFERENCES:
        raise ValueError(f"inference is {inference!r}; use one of {', '.join(INFERENCES)}")
    pairs = _pairs(fit, variables)
    z_crit = special.ndtri(0.5 + level / 2)
    rows = []
    if fit.model in ("slx", "sdem"):
        mult = _static_multipliers(op)
        estimate = _effects(fit.coef[None, :], mult, pairs)[0]
        k = len(fit.coef)
        cov = fit.cov[:k, :k]
        for v, (name, b, t) in enumerate(pairs):
            for e, kind in enumerate(KINDS):
                grad = np.zeros(k)
                grad[b] = (mult[0, 0], 0.0, mult[2, 0])[e]
                if t is not None:
                    grad[t] = (mult[1, 0], mult[3, 0] - mult[1, 0], mult[3, 0])[e]
                se = float(np.sqrt(grad @ cov @ grad))
                rows.append(
                    _row(
                        name,
                        kind,
                        estimate[v, e],
                        estimate[v, e],
                        se,
                        estimate[v, e] - z_crit * se,
                        estimate[v, e] + z_crit * se,
                    )
                )
        facts = {"inference": "analytic (linear in the coefficients)", "interval": "normal", "level": level}
        return pd.DataFrame(rows, columns=COLUMNS), facts
    estimate = _effects(fit.coef[None, :], multipliers(op, np.array([fit.spatial])), pairs)[0]
    if not np.isfinite(fit.cov).all():  # a fit at the bound of W's interval: the estimates, no draws
        for v, (name, _, _) in enumerate(pairs):
            for e, kind in enumerate(KINDS):
                rows.append(_row(name, kind, estimate[v, e], np.nan, np.nan, np.nan, np.nan))
        facts = {"inference": "none (no covariance at the bound of W's interval)", "draws": 0, "level": level}
        return pd.DataFrame(rows, columns=COLUMNS), facts
    sample, replaced = _draw(fit, draws, rng, bounds)
    simulated = _effects(sample[:, :-1], multipliers(op, sample[:, -1]), pairs)
    for v, (name, _, _) in enumerate(pairs):
        for e, kind in enumerate(KINDS):
            rows.append(simulated_row(name, kind, estimate[v, e], simulated[:, v, e], level, inference))
    facts = {
        "inference": "simulation",
        "interval": inference,
        "draws": draws,
        "draws_replaced": replaced,
        "level": level,
    }
    return pd.DataFrame(rows, columns=COLUMNS), facts


def simulated_row(
    name: str, kind: str, point: float, values: np.ndarray, level: float, inference: str
) -> list:
    """One row of ``COLUMNS`` of an effect exact at the estimates (``point``) with its ``values`` over the draws:
    the standard deviation of the draws, and the p and interval of one ``inference`` (module docstring)."""
    se = values.std(ddof=1)
    if inference == "percentile":
        tail = 100 * (1 - level) / 2
        low, high = np.percentile(values, [tail, 100 - tail])
        return _row(name, kind, point, values.mean(), se, low, high, percentile_p(values))
    z_crit = special.ndtri(0.5 + level / 2)
    return _row(name, kind, point, values.mean(), se, point - z_crit * se, point + z_crit * se)


def percentile_p(values: np.ndarray) -> float:
    """Two-sided p of zero under the draws: twice the smaller share of draws on either side of 0, from the
    distribution function that inverts numpy's linearly interpolated percentiles, so that the percentile
    interval at level L excludes 0 exactly when this p is below 1 - L. 0 when every draw has the same sign."""
    ordered = np.sort(values)
    n = ordered.size
    if n < 2 or ordered[0] == ordered[-1]:
        return float("nan")
    below = float(np.interp(0.0, ordered, np.arange(n) / (n - 1)))
    return float(min(1.0, 2 * min(below, 1 - below)))


def _row(name, kind, estimate, mean, se, low, high, p=None) -> list:
    z = estimate / se if se > 0 else np.nan
    if p is None:
        p = 2 * special.ndtr(-abs(z)) if se > 0 else np.nan
    return [name, kind, float(estimate), float(mean), float(se), float(z), float(p), float(low), float(high)]
