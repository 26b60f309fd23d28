"""The spatial panel model as a notebook uses it, in the style of linearmodels: a model object holds the data, W
and the specification; ``fit()`` returns an immutable results object with ``params``, ``std_errors``,
``pvalues``, ``conf_int()``, ``loglik``, a ``summary`` (text, and HTML in a notebook) and ``impacts()``.

    model = SpatialPanelModel(df, dependent="y", explanatory=["x1", "x2"], w=w, model="sdm",
                              fixed_effects="two-way", method="lee_yu", entity="code", time="year")
    res = model.fit()
    res.impacts(draws=1000, seed=0)

The models (OLS, SLX, SAR, SEM, SDM, SDEM with none, unit, time or two-way fixed effects, Lee-Yu corrected or
direct; random-effects SAR and SDM) are estimated by exact maximum likelihood (:mod:`nqpf.models.estimation`,
:mod:`nqpf.models.random_effects`); the effects follow LeSage and Pace (2009) (:mod:`nqpf.models.effects`). A
cross-section is ``time=None``. ``balance="drop_units"`` estimates an unbalanced panel on the units observed in
every variable and period, W restricted to them and standardised again (:func:`nqpf.models.subsample.restrict`),
the units left out in ``dropped`` and ``notes``. The workflow's model jobs fit their models through this class.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import special

from nqpf.errors import InputError, listed
from nqpf.models import effects as effects_
from nqpf.models import subsample
from nqpf.models.estimation import Fit, fit
from nqpf.models.fixed_effects import KINDS as FIXED_EFFECTS
from nqpf.models.operator import SpatialOperator
from nqpf.models.panel_data import (
    DROPPED_COLUMNS,
    Panel,
    check_regressors,
    dropped_note,
    from_frame,
    incomplete_units,
    long_frame,
)
from nqpf.models.random_effects import fit_random
from nqpf.models.settings import (
    BALANCE,
    BALANCE_DEFAULT,
    DRAWS,
    FIXED_EFFECTS_DEFAULT,
    INFERENCE_DEFAULT,
    LEVEL,
    LIBRARY_MODELS,
    MAX_ITERATIONS,
    METHOD_DEFAULT,
    METHODS,
)
from nqpf.weights.core import SpatialWeights, as_weights
from nqpf.weights.spectrum import Spectrum
from nqpf.weights.standardise import parameter_bounds

log = logging.getLogger(__name__)

MIN_UNITS = 3
"""The fewest units a model estimates on after ``balance: drop_units``."""

ESTIMATE_COLUMNS = ["spec", "term", "estimate", "std_error", "z", "p"]
NAMES = {
    "ols": "OLS",
    "slx": "SLX (spatial lag of X)",
    "sar": "SAR (spatial lag)",
    "sem": "SEM (spatial error)",
    "sdm": "SDM (spatial Durbin)",
    "sdem": "SDEM (spatial Durbin error)",
    "sac": "SAC (spatial lag and spatial error)",
}


def bounds_of(spectrum: Spectrum | None, summary_bounds: dict | None = None) -> tuple[float, float]:
    """The interval of the spatial parameter, from W's eigenvalues (or the weights summary)."""
    if spectrum is not None:
        lower, upper = parameter_bounds(float(spectrum.real.min()), float(spectrum.real.max()))
    else:
        lower, upper = summary_bounds["lower"], summary_bounds["upper"]
    # a W without negative eigenvalues has no lower bound; the likelihood is still searched on a finite range
    return max(lower, -1e3), min(upper, 1e3)


def _choice(value: str, allowed: Sequence[str], key: str) -> str:
    if value not in allowed:
        raise InputError(
            f"{key} is {value!r}, not one of the allowed values", key=key, fix=", ".join(allowed)
        )
    return value


class SpatialPanelModel:
    """A spatial panel (or cross-section) model of ``dependent`` on ``explanatory`` with weights ``w``.

    ``data`` is a long DataFrame with one row per unit (``entity`` column, matched to W's ids) and period
    (``time`` column; None for a cross-section). ``model`` is one of ols, slx, sar, sem, sdm, sdem, sac;
    ``fixed_effects`` none, unit, time or two-way (by default two-way for a panel, none for a cross-section);
    ``method`` lee_yu (the Lee and Yu 2010 bias-corrected
    transformation, the default) or direct (Elhorst 2014). ``random_effects=True`` fits random unit effects
    instead (SAR or SDM, Elhorst 2014 sec. 3.3.2), with time fixed effects when ``fixed_effects`` is time.
    ``years`` restricts the periods; units of W must be observed in every period (a balanced panel), and units
    of the data that W does not hold are left out with a note (``notes``). ``balance`` is error (a unit-year
    without a value stops, naming it) or drop_units: the units without a value of a model variable in some period
    are left out, W restricted to the others and standardised again by its own rule (a unit left without a
    neighbour is linked to the nearest units of the subsample in W's graph, binary W only), each unit left out
    listed with its cells in ``dropped`` (code, name, variable, year) and in ``notes``, and logged as a warning.
    """

    def __init__(
        self,
        data: pd.DataFrame,
        dependent: str,
        explanatory: Sequence[str],
        w,
        *,
        model: str = "sdm",
        fixed_effects: str | None = None,
        random_effects: bool = False,
        method: str = METHOD_DEFAULT,
        entity: str = "code",
        time: str | None = "year",
        years: Sequence[int] | None = None,
        max_iterations: int = MAX_ITERATIONS,
        balance: str = BALANCE_DEFAULT,
        source: str | None = None,
    ):
        w = as_weights(w)
        explanatory = [explanatory] if isinstance(explanatory, str) else list(explanatory)
        balance = _choice(balance, BALANCE, "balance")
        frame, notes = _frame(data, entity, time, w, source)
        if years is None:
            years = sorted(int(y) for y in frame["year"].unique())
        dropped = pd.DataFrame(columns=DROPPED_COLUMNS)
        variables = [dependent, *explanatory]
        if balance == "drop_units" and all(v in frame.columns for v in variables):
            dropped = incomplete_units(frame, variables, w.ids, list(years))
        if dropped.empty:
            panel = from_frame(frame, dependent, explanatory, w.ids, list(years), source)
            spectrum = w.spectrum()
            operator, bounds = SpatialOperator(w.matrix, spectrum), bounds_of(spectrum)
        else:
            panel, operator, bounds, more = _balanced(
                frame, dependent, explanatory, w, list(years), dropped, source
            )
            notes += more
        if fixed_effects is None:
            fixed_effects = FIXED_EFFECTS_DEFAULT if panel.t > 1 else "none"
        self._setup(
            panel, operator, bounds, w.name, model, fixed_effects, random_effects, method, max_iterations, notes,
        )  # fmt: skip
        self.dropped = dropped
        if panel.t == 1 and fixed_effects in ("unit", "two-way"):
            raise InputError(
                "a cross-section (one year) cannot have unit fixed effects",
                key="models.fixed_effects",
                fix="use fixed_effects: none (or time) for a single year, or give more years",
            )
        check_regressors(
            panel, fixed_effects if not random_effects else ("time" if fixed_effects == "time" else "none")
        )

    def _setup(
        self, panel, op, bounds, weights, model, fixed_effects, random_effects, method, max_iterations, notes
    ):
        self.panel: Panel = panel
        self.operator: SpatialOperator = op
        self.bounds: tuple[float, float] = bounds
        self.weights: str = weights
        self.model: str = _choice(model, LIBRARY_MODELS, "model")
        self.fixed_effects: str = _choice(fixed_effects, FIXED_EFFECTS, "fixed_effects")
        self.random_effects: bool = bool(random_effects)
        self.method: str = _choice(method, METHODS, "method")
        self.max_iterations: int = int(max_iterations)
        self.notes: list[str] = list(notes)
        # the cells of the units balance="drop_units" left out (code, name, variable, year)
        self.dropped: pd.DataFrame = pd.DataFrame(columns=DROPPED_COLUMNS)
        if self.random_effects:
            if self.model not in ("sar", "sdm"):
                raise InputError(
                    f"random effects are estimated for SAR and SDM, not {self.model.upper()}",
                    key="model",
                    fix="use model sar or sdm with random_effects, or fixed effects",
                )
            if self.fixed_effects not in ("none", "time"):
                raise InputError(
                    f"random unit effects go with no or time fixed effects, not {self.fixed_effects}",
                    key="fixed_effects",
                    fix="fixed_effects: time (random unit effects and time fixed effects) or none",
                )

    @classmethod
    def from_panel(
        cls,
        panel: Panel,
        operator: SpatialOperator,
        bounds: tuple[float, float],
        *,
        weights: str = "w",
        model: str = "sdm",
        fixed_effects: str = FIXED_EFFECTS_DEFAULT,
        random_effects: bool = False,
        method: str = METHOD_DEFAULT,
        max_iterations: int = MAX_ITERATIONS,
    ) -> SpatialPanelModel:
        """A model on data already arranged as a :class:`~nqpf.models.panel_data.Panel` (time-major, in W's
        order) with its W as a :class:`~nqpf.models.operator.SpatialOperator` and the interval of the spatial
        parameter (a subsample's W restricted and standardised again, say)."""
        self = cls.__new__(cls)
        self._setup(
            panel, operator, bounds, weights, model, fixed_effects, random_effects, method, max_iterations, []
        )
        return self

    def respecify(self, **changes) -> SpatialPanelModel:
        """The same data and W under another specification: ``model``, ``fixed_effects``, ``random_effects``,
        ``method`` or ``max_iterations``."""
        unknown = set(changes) - {"model", "fixed_effects", "random_effects", "method", "max_iterations"}
        if unknown:
            raise TypeError(
                f"respecify() takes model, fixed_effects, random_effects, method, max_iterations; not {unknown}"
            )
        options = {
            "weights": self.weights,
            "model": self.model,
            "fixed_effects": self.fixed_effects,
            "random_effects": self.random_effects,
            "method": self.method,
            "max_iterations": self.max_iterations,
            **changes,
        }
        other = SpatialPanelModel.from_panel(self.panel, self.operator, self.bounds, **options)
        other.notes = list(self.notes)
        other.dropped = self.dropped
        return other

    @property
    def dependent(self) -> str:
        return self.panel.dependent

    @property
    def explanatory(self) -> list[str]:
        return list(self.panel.names)

    def fit(self) -> SpatialPanelResults:
        """Estimate the model by maximum likelihood."""
        if self.random_effects:
            result = fit_random(
                self.panel,
                self.operator,
                self.bounds,
                durbin=self.model == "sdm",
                time_effects=self.fixed_effects == "time",
                method=self.method,
                max_iterations=self.max_iterations,
            )
        else:
            result = fit(
                self.model,
                self.panel,
                self.operator,
                self.fixed_effects,
                self.method,
                self.bounds,
                self.max_iterations,
            )
        return SpatialPanelResults(result, self)

    def __repr__(self) -> str:
        effects = (
            "random" + (" + time" if self.fixed_effects == "time" else "") if self.random_effects else None
        )
        return (
            f"SpatialPanelModel({self.model.upper()}, {self.dependent} ~ {' + '.join(self.explanatory)}, "
            f"W {self.weights!r}, {self.panel.n} units x {self.panel.t} periods, "
            f"effects {effects or self.fixed_effects}, method {self.method})"
        )


def _balanced(frame, dependent, explanatory, w: SpatialWeights, years, dropped: pd.DataFrame, source):
    """(panel, operator, bounds, notes) on the units of W without a gap, W restricted to them."""
    out = set(dropped["code"])
    keep = np.array([k for k, code in enumerate(w.ids) if code not in out], dtype=int)
    where = "models.balance: drop_units"
    if len(keep) < MIN_UNITS:
        raise InputError(
            f"{where} leaves {len(keep)} of {len(w.ids)} units of W {w.name!r}: every other unit lacks a value of "
            f"{', '.join(dict.fromkeys(dropped['variable']))} in some year of {years[0]}-{years[-1]}",
            file=source,
            unit=listed(dict.fromkeys(dropped["code"])),
            column=", ".join(dict.fromkeys(dropped["variable"])),
            key="models.balance",
            fix="supply or fill the missing values (panel.fill), narrow models.years, or choose complete variables",
        )
    matrix, spectrum, sub_bounds, notes = subsample.restrict(
        w,
        keep,
        "balance",
        where=f"balance (units dropped for gaps, W {w.name!r})",
        key="models.balance",
        fixes=(
            "use weights with a neighbour for every unit among those kept (inverse distance, economic), or fill "
            "the gaps (panel.fill) so that fewer units drop",
            "fill the gaps of the units around it (panel.fill) so that they stay in the model, or use weights "
            "that link every unit (inverse distance, economic)",
        ),
    )
    ids = [w.ids[k] for k in keep]
    panel = from_frame(frame, dependent, explanatory, ids, years, source)
    note = dropped_note(dropped, len(keep), w.name)
    log.warning("%s", note)
    bounds = bounds_of(spectrum) if spectrum is not None else sub_bounds
    return panel, SpatialOperator(matrix, spectrum), bounds, [note, *notes]


def _frame(data, entity: str, time: str | None, w: SpatialWeights, source) -> tuple[pd.DataFrame, list[str]]:
    """The data with ``code`` (ids as W writes them) and ``year`` columns; units W does not hold left out with a
    note."""
    frame = long_frame(data, entity, time, source)
    if time is None and frame["code"].duplicated().any():
        repeated = sorted(set(frame.loc[frame["code"].duplicated(), "code"]))
        raise InputError(
            f"a cross-section has one row per unit; these units have several: {listed(repeated)}",
            file=source,
            column=entity,
            fix="give time= the column of the periods for a panel, or keep one row per unit",
        )
    outside = sorted(set(frame["code"]) - set(w.ids))
    notes = []
    if outside:
        notes.append(
            f"{len(outside)} units of the data are not in W {w.name!r} and are left out: "
            + listed(outside, 30)
        )
    return frame, notes


@dataclass(frozen=True)
class SpatialPanelResults:
    """The estimates of a :class:`SpatialPanelModel`: read ``params``, ``std_errors``, ``tstats``, ``pvalues``,
    ``cov``, ``conf_int()``, ``loglik``, ``aic``, ``bic``, ``r2``, ``sigma2``; print ``summary``; ``impacts()``
    gives the direct, indirect and total effects with simulated inference."""

    fit: Fit
    model: SpatialPanelModel = field(repr=False)

    # -- numbers ---------------------------------------------------------------------------------------------------

    @property
    def terms(self) -> list[str]:
        """The coefficients' names (``W.x`` for spatial lags of x), then rho or lambda."""
        return self.fit.terms + ([self.fit.spatial_name] if self.fit.spatial is not None else [])

    @property
    def params(self) -> pd.Series:
        values = np.append(self.fit.coef, self.fit.spatial) if self.fit.spatial is not None else self.fit.coef
        return pd.Series(values, index=self.terms, name="parameter")

    @property
    def std_errors(self) -> pd.Series:
        return pd.Series(self.fit.std_errors(), index=self.terms, name="std_error")

    @property
    def cov(self) -> pd.DataFrame:
        return pd.DataFrame(self.fit.cov, index=self.terms, columns=self.terms)

    @property
    def tstats(self) -> pd.Series:
        """Estimate / standard error: t statistics for OLS and SLX, z statistics for the ML models."""
        return (self.params / self.std_errors).rename("stat")

    @property
    def _classical(self) -> bool:
        return self.fit.model in ("ols", "slx") and "residual_df" in self.fit.extra

    @property
    def pvalues(self) -> pd.Series:
        """Two-sided p-values: from t with the residual degrees of freedom (OLS, SLX, LSDV) or the normal."""
        stat = self.tstats.to_numpy()
        if self._classical:
            p = 2 * special.stdtr(self.fit.extra["residual_df"], -np.abs(stat))
        else:
            p = 2 * special.ndtr(-np.abs(stat))
        return pd.Series(p, index=self.terms, name="pvalue")

    def conf_int(self, level: float = 0.95) -> pd.DataFrame:
        """Confidence intervals of the parameters (t or normal, as the p-values)."""
        if not 0 < level < 1:
            raise InputError(f"level {level} is not between 0 and 1", key="level", fix="give, say, 0.95")
        tail = 0.5 + level / 2
        if self._classical:
            critical = special.stdtrit(self.fit.extra["residual_df"], tail)
        else:
            critical = special.ndtri(tail)
        half = critical * self.std_errors
        return pd.DataFrame({"lower": self.params - half, "upper": self.params + half})

    @property
    def spatial(self) -> float | None:
        """rho (SAR, SDM) or lambda (SEM, SDEM); None for OLS and SLX."""
        return self.fit.spatial

    @property
    def loglik(self) -> float:
        return float(self.fit.loglik)

    @property
    def aic(self) -> float:
        return float(self.fit.aic)

    @property
    def bic(self) -> float:
        return float(self.fit.bic)

    @property
    def r2(self) -> float:
        return self.fit.r2

    @property
    def sigma2(self) -> float:
        return float(self.fit.sigma2)

    @property
    def nobs(self) -> int:
        """Observations the likelihood counts (N T, or fewer after the Lee-Yu transformation)."""
        return int(self.fit.n_obs)

    @property
    def converged(self) -> bool:
        return bool(self.fit.converged)

    @property
    def at_bound(self) -> bool:
        """Whether the spatial parameter lies at the edge of W's interval (its effects are not to be read)."""
        return bool(self.fit.extra.get("at_bound", False))

    @property
    def notes(self) -> list[str]:
        """What a reader of the fit must know: units left out, no convergence, a parameter at its bound."""
        out = list(self.model.notes)
        if not self.converged:
            out.append("the maximisation of the likelihood did not converge")
        if self.at_bound:
            low, high = self.model.bounds
            out.append(
                f"{self.fit.spatial_name} = {self.fit.spatial:.6f} lies at the edge of W's interval "
                f"({low:.4f}, {high:.4f}); the likelihood rises toward it, so this W may not suit the model "
                "(its effects are unreliable)"
            )
        if (note := self.fit.undefined_errors_note()) is not None:
            out.append(note)
        return out

    # -- effects -------------------------------------------------------------------------------------------------

    def impacts(
        self,
        draws: int = DRAWS,
        seed: int | np.random.Generator = 0,
        level: float = LEVEL,
        inference: str = INFERENCE_DEFAULT,
    ) -> Impacts:
        """Direct, indirect and total effects of each explanatory variable (LeSage and Pace 2009, sec. 2.7 and
        4.2): exact at the estimates, with the standard deviation of ``draws`` draws of the parameters from
        their estimated distribution (SAR, SDM), or analytic (SLX, SDEM). ``inference`` says where the p-value
        and the interval come from, one source for both: ``normal`` (z on the normal distribution, interval
        estimate +- z s.e.) or ``percentile`` (the draws' percentile interval and the share of draws beyond 0);
        see :mod:`nqpf.models.effects`. ``seed``, an integer or a numpy Generator, fixes the draws."""
        if self.fit.model not in effects_.EFFECT_MODELS:
            raise InputError(
                f"{self.fit.model.upper()} has no spatial multiplier: its effects are its coefficients",
                key="model",
                fix="effects are defined for " + ", ".join(m.upper() for m in effects_.EFFECT_MODELS),
            )
        rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
        table, facts = effects_.effects(
            self.fit,
            self.model.operator,
            self.model.explanatory,
            draws,
            rng,
            self.model.bounds,
            level,
            inference,
        )
        return Impacts(table, facts, self)

    # -- as the workflow writes them ------------------------------------------------------------------------------

    def estimates(self, spec: str = "main") -> pd.DataFrame:
        """The estimates as rows (spec, term, estimate, std_error, z, p): the rows of one model in ``models/<w>/estimates.csv``."""
        return pd.DataFrame(
            {
                "spec": spec,
                "term": self.terms,
                "estimate": self.params.to_numpy(),
                "std_error": self.std_errors.to_numpy(),
                "z": self.tstats.to_numpy(),
                "p": self.pvalues.to_numpy(),
            },
            columns=ESTIMATE_COLUMNS,
        )

    def record(self, spec: str = "main", extra: dict | None = None) -> dict:
        """The facts of the fit as one record of ``fit.json`` (JSON-ready: an undefined value is None)."""
        result = self.fit
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
        record = {k: v.item() if isinstance(v, np.generic) else v for k, v in record.items()}
        return {k: None if isinstance(v, float) and not np.isfinite(v) else v for k, v in record.items()}

    # -- reading -------------------------------------------------------------------------------------------------

    @property
    def summary(self) -> Summary:
        """The estimates as a table with the fit's facts: ``print(res.summary)``, or shown as HTML in a notebook."""
        result, model = self.fit, self.model
        if model.random_effects:
            effects = "random" + (" + time fixed" if model.fixed_effects == "time" else "")
        else:
            effects = result.fixed_effects
        correction = "Lee-Yu" if result.method == "lee_yu" and result.fixed_effects != "none" else "none"
        header = [
            ("Model", NAMES[result.model] + (" (random effects)" if model.random_effects else "")),
            ("Dependent variable", model.dependent),
            ("Weights", model.weights),
            ("Effects", effects),
            ("Bias correction", correction),
            ("Units x periods", f"{result.n_units} x {result.n_periods}"),
            ("Observations (likelihood)", f"{result.n_obs}"),
            ("Log-likelihood", f"{result.loglik:.4f}"),
            ("AIC / BIC", f"{result.aic:.4f} / {result.bic:.4f}"),
            ("sigma^2", f"{result.sigma2:.6g}"),
            ("R^2 (corr^2)", "" if result.r2 is None or not np.isfinite(result.r2) else f"{result.r2:.4f}"),
        ]
        if result.spatial is not None:
            low, high = model.bounds
            header.append((f"{result.spatial_name} interval", f"({low:.4f}, {high:.4f})"))
        if "phi" in result.extra:
            header.append(("phi", f"{result.extra['phi']:.4f} (sigma^2_mu {result.extra['sigma2_mu']:.6g})"))
        interval = self.conf_int()
        stat = "t" if self._classical else "z"
        rows = pd.DataFrame(
            {
                "estimate": self.params,
                "std. error": self.std_errors,
                stat: self.tstats,
                f"P>|{stat}|": self.pvalues,
                "[0.025": interval["lower"],
                "0.975]": interval["upper"],
            }
        )
        return Summary("Spatial panel model estimates", header, rows, self.notes)

    def __repr__(self) -> str:
        spatial = f", {self.fit.spatial_name} {self.fit.spatial:.4f}" if self.fit.spatial is not None else ""
        return (
            f"SpatialPanelResults({self.fit.model.upper()}, W {self.model.weights!r}, log-likelihood "
            f"{self.fit.loglik:.4f}{spatial})"
        )


@dataclass(frozen=True)
class Impacts:
    """Direct, indirect and total effects of a fit: ``table`` (variable, effect, estimate, mean, std_error, z,
    p, ci_low, ci_high), ``facts`` (the inference: simulation with its draws, or analytic), ``summary``."""

    table: pd.DataFrame
    facts: dict
    results: SpatialPanelResults = field(repr=False)

    def _pivot(self, column: str) -> pd.DataFrame:
        frame = self.table.pivot(index="variable", columns="effect", values=column)
        return frame.reindex(index=self.results.model.explanatory, columns=list(effects_.KINDS))

    @property
    def estimates(self) -> pd.DataFrame:
        """Variables x (direct, indirect, total)."""
        return self._pivot("estimate")

    @property
    def std_errors(self) -> pd.DataFrame:
        return self._pivot("std_error")

    @property
    def pvalues(self) -> pd.DataFrame:
        return self._pivot("p")

    @property
    def summary(self) -> Summary:
        fit = self.results.fit
        header = [
            ("Model", NAMES[fit.model]),
            ("Weights", self.results.model.weights),
            ("Inference", self.facts.get("inference", "")),
            ("p and interval", self.facts.get("interval", "")),
        ]
        if self.facts.get("inference") == "simulation":
            header.append(
                (
                    "Draws",
                    f"{self.facts['draws']} ({self.facts['draws_replaced']} outside W's interval replaced)",
                )
            )
        rows = self.table.set_index(["variable", "effect"])[
            ["estimate", "std_error", "z", "p", "ci_low", "ci_high"]
        ]
        rows.index = [f"{v} ({e})" for v, e in rows.index]
        level = self.facts.get("level", 0.95)
        rows = rows.rename(
            columns={
                "std_error": "std. error",
                "ci_low": f"[{(1 - level) / 2:.3f}",
                "ci_high": f"{(1 + level) / 2:.3f}]",
            }
        )
        return Summary(
            "Direct, indirect and total effects (LeSage and Pace 2009)", header, rows, self.results.notes
        )


@dataclass(frozen=True)
class Summary:
    """A printed summary: facts above a table of numbers, notes below; ``str()`` for the terminal and
    ``_repr_html_`` for a notebook."""

    title: str
    header: list[tuple[str, str]]
    rows: pd.DataFrame
    notes: list[str] = field(default_factory=list)

    def as_text(self) -> str:
        table = self.rows.to_string(
            float_format=lambda v: f"{v:.4f}" if abs(v) >= 1e-3 or v == 0 else f"{v:.3e}"
        )
        width = max(len(line) for line in table.splitlines())
        half = (len(self.header) + 1) // 2
        key_width = max(len(k) for k, _ in self.header)
        cells = [f"{k:<{key_width}}  {v}" for k, v in self.header]
        left, right = cells[:half], cells[half:]
        column = max(len(c) for c in left) + 4
        facts = [(left[k].ljust(column) + (right[k] if k < len(right) else "")).rstrip() for k in range(half)]
        width = max(width, len(self.title), *(len(line) for line in facts))
        lines = [self.title.center(width).rstrip(), "=" * width, *facts]
        lines += ["-" * width, table, "=" * width]
        lines += [f"Note: {note}" for note in self.notes]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.as_text()

    def __repr__(self) -> str:
        return self.as_text()

    def _repr_html_(self) -> str:
        facts = "".join(
            f"<tr><th style='text-align:left'>{html.escape(k)}</th><td>{html.escape(str(v))}</td></tr>"
            for k, v in self.header
        )
        numbers = self.rows.to_html(float_format=lambda v: f"{v:.4f}", border=0)
        notes = "".join(f"<p><em>Note:</em> {html.escape(n)}</p>" for n in self.notes)
        return f"<div><h4>{html.escape(self.title)}</h4><table>{facts}</table>{numbers}{notes}</div>"
