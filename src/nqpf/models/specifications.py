"""One model on one weights matrix, the way an applied paper reports it: the main estimates with their effects,
the tests that choose between models, random effects with the Hausman test, and the same model on each region
(heterogeneity). Robustness across weights matrices is the set of these results over the configured W.

Every random draw (the effects' simulation) comes from a seed made of the configured seed and the names of the
model, the weights and the specification, so a result does not depend on which other jobs run or in which order.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import special

from nqpf.errors import InputError
from nqpf.models import effects as effects_
from nqpf.models import fixed_effects as fe
from nqpf.models import lm_tests, selection, subsample
from nqpf.models.estimation import MAX_ITERATIONS, METHODS, MODELS, Fit, fit, lag_covariance_at
from nqpf.models.operator import SpatialOperator
from nqpf.models.panel_data import Panel, check_regressors, from_frame
from nqpf.models.random_effects import fit_random
from nqpf.seeds import rng_for
from nqpf.units.regions import REGIONS
from nqpf.weights.core import SpatialWeights
from nqpf.weights.spectrum import Spectrum
from nqpf.weights.standardise import parameter_bounds

log = logging.getLogger(__name__)

ESTIMATE_COLUMNS = ["spec", "term", "estimate", "std_error", "z", "p"]
EFFECT_COLUMNS = ["spec", *effects_.COLUMNS]
TEST_COLUMNS = ["spec", *selection.COLUMNS]
SPEC_OF_EFFECTS = {"none": "pooled", "unit": "unit", "time": "time", "two-way": "two-way"}
POLICIES = ("error", "warn")


@dataclass(frozen=True)
class Settings:
    dependent: str
    explanatory: tuple[str, ...]
    models: tuple[str, ...] = ("ols", "slx", "sar", "sem", "sdm", "sdem")
    fixed_effects: str = "two-way"
    method: str = "lee_yu"
    random_effects: bool = True
    draws: int = 1000
    seed: int = 0
    level: float = 0.95
    group_by: str | None = None  # a column of the units table (region, province_code ...)
    groups: dict[str, tuple[str, ...]] = field(default_factory=dict)  # group -> values of that column
    min_units: int = 5
    on_bound: str = "error"  # a spatial parameter at the edge of W's interval: stop, or keep it with a note
    on_nonconvergence: str = "error"  # a maximisation that did not converge: stop, or keep it with a note
    max_iterations: int = MAX_ITERATIONS

    @classmethod
    def from_config(cls, models: dict) -> Settings:
        effects = models.get("effects", {})
        heterogeneity = models.get("heterogeneity") or {}
        by = heterogeneity.get("by")
        groups = heterogeneity.get("groups") or ({r: [r] for r in REGIONS} if by == "region" else {})
        settings = cls(
            dependent=models["dependent"],
            explanatory=tuple(models["explanatory"]),
            models=tuple(models.get("models", cls.models)),
            fixed_effects=models.get("fixed_effects", "two-way"),
            method=models.get("method", "lee_yu"),
            random_effects=bool(models.get("random_effects", True)),
            draws=int(effects.get("draws", 1000)),
            seed=int(effects.get("seed", 0)),
            level=float(effects.get("level", 0.95)),
            group_by=by,
            groups={str(name): tuple(str(v) for v in values) for name, values in groups.items()},
            min_units=int(heterogeneity.get("min_units", 5)),
            on_bound=models.get("on_bound", "error"),
            on_nonconvergence=models.get("on_nonconvergence", "error"),
            max_iterations=int(models.get("max_iterations", MAX_ITERATIONS)),
        )
        for value, allowed, key in (
            (settings.fixed_effects, fe.KINDS, "fixed_effects"),
            (settings.method, METHODS, "method"),
            (settings.on_bound, POLICIES, "on_bound"),
            (settings.on_nonconvergence, POLICIES, "on_nonconvergence"),
        ):
            if value not in allowed:
                raise InputError(
                    f"models.{key}: unknown value {value!r}", key=f"models.{key}", fix=", ".join(allowed)
                )
        unknown = [m for m in settings.models if m not in MODELS]
        if unknown:
            raise InputError(
                f"models.models: unknown models {', '.join(unknown)}",
                column="models.models",
                fix=", ".join(MODELS),
            )
        return settings


@dataclass
class Results:
    estimates: pd.DataFrame
    effects: pd.DataFrame
    tests: pd.DataFrame
    fit: dict
    notes: list[str]


def bounds_of(spectrum: Spectrum | None, summary_bounds: dict | None = None) -> tuple[float, float]:
    """The interval of the spatial parameter, from W's eigenvalues (or the weights summary)."""
    if spectrum is not None:
        lower, upper = parameter_bounds(float(spectrum.real.min()), float(spectrum.real.max()))
    else:
        lower, upper = summary_bounds["lower"], summary_bounds["upper"]
    # a W without negative eigenvalues has no lower bound; the likelihood is still searched on a finite range
    return max(lower, -1e3), min(upper, 1e3)


def estimates_table(result: Fit, spec: str) -> pd.DataFrame:
    values = np.append(result.coef, result.spatial) if result.spatial is not None else result.coef
    terms = result.terms + ([result.spatial_name] if result.spatial is not None else [])
    se = result.std_errors()
    z = values / se
    if result.model in ("ols", "slx"):  # classical t statistics with the LSDV residual degrees of freedom
        p = 2 * special.stdtr(result.extra["residual_df"], -np.abs(z))
    else:
        p = 2 * special.ndtr(-np.abs(z))
    return pd.DataFrame(
        {"spec": spec, "term": terms, "estimate": values, "std_error": se, "z": z, "p": p},
        columns=ESTIMATE_COLUMNS,
    )


def fit_record(result: Fit, spec: str, extra: dict | None = None) -> dict:
    record = {
        "spec": spec,
        "rho": result.spatial if result.spatial_name == "rho" else None,
        "lambda": result.spatial if result.spatial_name == "lambda" else None,
        "sigma2": result.sigma2,
        "loglik": result.loglik,
        "aic": result.aic,
        "bic": result.bic,
        "r2": result.r2,
        "n_units": result.n_units,
        "n_periods": result.n_periods,
        "n_obs": result.n_obs,
        "fixed_effects": result.fixed_effects,
        "bias_correction": "lee_yu"
        if result.method == "lee_yu" and result.fixed_effects != "none"
        else "none",
        "method": result.method,
        "converged": result.converged,
    }
    record.update({k: v for k, v in result.extra.items() if k not in ("residual_df", "s2")})
    record.update(extra or {})
    # JSON has no NaN: an undefined value (an R^2 of constant data) is written as null
    record = {k: v.item() if isinstance(v, np.generic) else v for k, v in record.items()}
    return {k: None if isinstance(v, float) and not np.isfinite(v) else v for k, v in record.items()}


def fit_table(fit_json: dict) -> pd.DataFrame:
    """The spec records of a ``fit.json`` as rows (nested facts flattened: effects_draws ...)."""
    return pd.json_normalize(fit_json["specs"], sep="_")


def heterogeneity_groups(units: pd.DataFrame, settings: Settings) -> tuple[pd.Series, dict]:
    """The grouping of units (code -> value of ``group_by``) and the groups, each a tuple of values; every
    distinct value is its own group when the config lists none."""
    if settings.group_by is None:
        return pd.Series(dtype=str), {}
    if settings.group_by not in units.columns:
        raise InputError(
            f"models.heterogeneity.by: the units have no column {settings.group_by!r}",
            column="models.heterogeneity.by",
            fix="use a column of data/units.csv: " + ", ".join(c for c in units.columns if c != "code"),
        )
    values = units.set_index("code")[settings.group_by].astype("string")
    missing = values[values.isna()]
    if len(missing):
        raise InputError(
            f"models.heterogeneity.by: {len(missing)} units have no {settings.group_by}",
            unit=", ".join(missing.index[:20]),
            column=settings.group_by,
            fix="give every unit a value (boundaries' region field) or drop heterogeneity",
        )
    groups = settings.groups or {v: (v,) for v in sorted(values.unique())}
    unknown = sorted({v for members in groups.values() for v in members} - set(values))
    if unknown:
        raise InputError(
            f"models.heterogeneity.groups name values no unit has: {', '.join(unknown)}",
            column="models.heterogeneity.groups",
            fix=f"values of {settings.group_by}: " + ", ".join(sorted(values.unique())),
        )
    return values, groups


def analyse(
    model: str,
    frame: pd.DataFrame,
    years,
    w: SpatialWeights,
    spectrum: Spectrum | None,
    units: pd.DataFrame,
    settings: Settings,
    *,
    study: str | None = None,
    source: str | None = None,
) -> Results:
    """``model`` on ``w`` for the study's frame: estimates, effects, tests and fit records of every spec.

    ``study`` and ``source`` (the file the frame was read from) name the study and the file in errors. A spatial
    parameter at the edge of W's interval, or a maximisation that did not converge, stops with an error unless
    ``settings.on_bound`` / ``settings.on_nonconvergence`` is ``warn`` (a note in the results instead); this
    applies to the reported fits (main, random, groups), not to the fits behind the tests.
    """
    grouping, groups = heterogeneity_groups(units, settings)
    panel = from_frame(frame, settings.dependent, list(settings.explanatory), w.ids, years, source)
    op = SpatialOperator(w.matrix, spectrum)
    bounds = bounds_of(spectrum)
    if panel.t == 1 and settings.fixed_effects in ("unit", "two-way"):
        raise InputError(
            "a cross-section (one year) cannot have unit fixed effects",
            key="models.fixed_effects",
            fix="use fixed_effects: none (or time) for a single year, or give more years",
        )
    check_regressors(panel, settings.fixed_effects)
    estimates, effect_tables, tests, records, notes = [], [], [], [], []
    iterations = settings.max_iterations
    where = f"{f'study {study}, ' if study else ''}model {model}, weights {w.name}"

    def run(spec: str, p: Panel, o: SpatialOperator, b) -> Fit:
        started = time.perf_counter()
        log.info("%s on %s, %s: estimating (%d units x %d periods)", model, w.name, spec, p.n, p.t)
        result = fit(model, p, o, settings.fixed_effects, settings.method, b, iterations)
        _enforce(result, f"{where}, spec {spec}", b, settings)
        estimates.append(estimates_table(result, spec))
        extra = {}
        if model in effects_.EFFECT_MODELS:
            rng = rng_for(settings.seed, model, w.name, spec)
            table, facts = effects_.effects(
                result, o, settings.explanatory, settings.draws, rng, b, settings.level
            )
            effect_tables.append(table.assign(spec=spec)[EFFECT_COLUMNS])
            extra["effects"] = facts
        notes.extend(_warnings(result, spec, b))
        records.append(fit_record(result, spec, extra))
        log.info("%s on %s, %s: done in %.1f s", model, w.name, spec, time.perf_counter() - started)
        return result

    main = run("main", panel, op, bounds)
    tests += [("main", *row) for row in _model_tests(model, main, panel, op, bounds, settings)]
    if panel.t > 1:
        tests += [("main", *row) for row in _effects_tests(model, panel, op, bounds, iterations)]
    if model in ("sar", "sdm") and settings.random_effects and panel.t > 1:
        time_effects = settings.fixed_effects in ("time", "two-way")
        random = fit_random(
            panel,
            op,
            bounds,
            durbin=model == "sdm",
            time_effects=time_effects,
            method=settings.method,
            max_iterations=iterations,
        )
        _enforce(random, f"{where}, spec random", bounds, settings)
        estimates.append(estimates_table(random, "random"))
        records.append(fit_record(random, "random"))
        notes.extend(_warnings(random, "random", bounds))
        fixed_effects = "two-way" if time_effects else "unit"
        fixed = fit(model, panel, op, fixed_effects, settings.method, bounds, iterations)
        at_random = lag_covariance_at(panel, op, model, fixed_effects, settings.method, random)
        row, note = selection.hausman(fixed, random, at_random)
        tests.append(("main", *row))
        notes += [note] if note else []
    if model == "ols":
        for kind in fe.KINDS:
            if panel.t == 1 and kind != "none":  # one period: no unit effects; time effects = the constant
                continue
            table = lm_tests.lm_tests(panel, op, kind)
            tests += [(SPEC_OF_EFFECTS[kind], *row) for row in table.itertuples(index=False)]
    for group, members in groups.items():
        keep = np.flatnonzero(grouping.reindex(list(w.ids)).isin(members).to_numpy())
        if len(keep) < settings.min_units:
            notes.append(
                f"heterogeneity {group}: {len(keep)} units, fewer than min_units "
                f"{settings.min_units}; not estimated"
            )
            continue
        matrix, sub_spectrum, sub_bounds, sub_notes = subsample.restrict(w, keep, group)
        notes += sub_notes
        run(
            group,
            panel.subset(keep),
            SpatialOperator(matrix, sub_spectrum),
            bounds_of(sub_spectrum) if sub_spectrum is not None else sub_bounds,
        )
    fit_json = {
        "model": model,
        "weights": w.name,
        "dependent": settings.dependent,
        "explanatory": list(settings.explanatory),
        "years": [int(panel.years[0]), int(panel.years[-1])],
        "specs": records,
        "notes": notes,
    }
    return Results(
        pd.concat(estimates, ignore_index=True),
        pd.concat(effect_tables, ignore_index=True)
        if effect_tables
        else pd.DataFrame(columns=EFFECT_COLUMNS),
        pd.DataFrame(tests, columns=TEST_COLUMNS),
        fit_json,
        notes,
    )


def _enforce(result: Fit, where: str, bounds, settings: Settings) -> None:
    """Stop on a fit whose spatial parameter lies at a bound of W's interval, or whose maximisation did not
    converge, unless the settings say to keep it with a note."""
    name = result.spatial_name
    if not result.converged and settings.on_nonconvergence == "error":
        raise InputError(
            f"{where}: the maximisation of the likelihood in {name} did not converge within "
            f"models.max_iterations = {settings.max_iterations} iterations ({name} = {result.spatial:.6f}, "
            f"W's interval ({bounds[0]:.4f}, {bounds[1]:.4f}))",
            key="models.on_nonconvergence",
            fix="raise models.max_iterations (default 500), choose another W (models.weights) or model "
            "(models.models), or set models.on_nonconvergence: warn to keep the estimate with a note",
        )
    if result.extra.get("at_bound") and settings.on_bound == "error":
        side = "upper" if result.spatial > (bounds[0] + bounds[1]) / 2 else "lower"
        bound = bounds[1] if side == "upper" else bounds[0]
        raise InputError(
            f"{where}: {name} = {result.spatial:.6f} lies at the {side} bound {bound:.4f} of W's interval "
            f"({bounds[0]:.4f}, {bounds[1]:.4f}); the likelihood still rises toward it, so this W does not suit "
            "the model and its effects are not to be read",
            key="models.on_bound",
            fix="choose another W (models.weights) or another model (models.models), or set models.on_bound: "
            "warn to keep the estimate with a note in fit.json",
        )


def _warnings(result: Fit, spec: str, bounds) -> list[str]:
    """What a reader of a fit must know: no convergence, or a spatial parameter at the edge of W's interval."""
    notes = []
    if not result.converged:
        notes.append(f"{spec}: the maximisation of the likelihood did not converge")
    if result.extra.get("at_bound"):
        notes.append(
            f"{spec}: {result.spatial_name} = {result.spatial:.6f} lies at the edge of W's interval "
            f"({bounds[0]:.4f}, {bounds[1]:.4f}); the likelihood rises toward it, so this W may not suit the "
            "model (its effects are unreliable)"
        )
    return notes


def _model_tests(model: str, main: Fit, panel: Panel, op: SpatialOperator, bounds, settings) -> list[tuple]:
    """Wald and LR tests of the model against its restricted forms, under the same effects and method."""
    variables = list(settings.explanatory)
    k = len(variables)

    def other(name):
        return fit(name, panel, op, settings.fixed_effects, settings.method, bounds, settings.max_iterations)

    if model == "sdm":
        sar, sem = other("sar"), other("sem")
        return [
            selection.wald_no_lags(main, variables, "wald_sdm_vs_sar"),
            selection.lr("lr_sdm_vs_sar", main, sar, k),
            selection.wald_common_factor(main, variables),
            selection.lr("lr_sdm_vs_sem", main, sem, k),
        ]
    if model == "sdem":
        return [
            selection.wald_no_lags(main, variables, "wald_sdem_vs_sem"),
            selection.lr("lr_sdem_vs_sem", main, other("sem"), k),
        ]
    if model == "slx":
        return [
            selection.wald_no_lags(main, variables, "wald_slx_vs_ols"),
            selection.lr("lr_slx_vs_ols", main, other("ols"), k),
        ]
    if model in ("sar", "sem"):
        return [selection.lr(f"lr_{model}_vs_ols", main, other("ols"), 1)]
    return []


def _effects_tests(model: str, panel: Panel, op: SpatialOperator, bounds, max_iterations: int) -> list[tuple]:
    """LR tests of the joint significance of unit and of time fixed effects (Elhorst 2014, sec. 3.2), from the
    direct approach's likelihoods, which count all N T observations in every specification."""
    fits = {
        e: fit(model, panel, op, e, "direct", bounds, max_iterations) for e in ("unit", "time", "two-way")
    }
    return [
        selection.lr("lr_unit_effects", fits["two-way"], fits["time"], panel.n - 1),
        selection.lr("lr_time_effects", fits["two-way"], fits["unit"], panel.t - 1),
    ]
