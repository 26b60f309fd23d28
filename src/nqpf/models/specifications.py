"""One model on one weights matrix, the way an applied paper reports it: the main estimates with their effects,
the tests that choose between models, random effects with the Hausman test, and the same model on each region
(heterogeneity). Robustness across weights matrices is the set of these results over the configured W.

Every random draw (the effects' simulation) comes from a seed made of the configured seed and the names of the
model, the weights and the specification, so a result does not depend on which other jobs run or in which order.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from nqpf.errors import InputError, listed
from nqpf.models import effects as effects_
from nqpf.models import fixed_effects as fe
from nqpf.models import lm_tests, selection, subsample
from nqpf.models.estimation import Fit, lag_covariance_at
from nqpf.models.operator import SpatialOperator
from nqpf.models.panel_data import DROPPED_COLUMNS
from nqpf.models.settings import ModelsSettings
from nqpf.models.spatial_panel import ESTIMATE_COLUMNS, SpatialPanelModel, bounds_of  # noqa: F401
from nqpf.seeds import rng_for
from nqpf.weights.core import SpatialWeights

log = logging.getLogger(__name__)

EFFECT_COLUMNS = ["spec", *effects_.COLUMNS]
TEST_COLUMNS = ["spec", *selection.COLUMNS]
SPEC_OF_EFFECTS = {"none": "pooled", "unit": "unit", "time": "time", "two-way": "two-way"}


@dataclass
class Results:
    estimates: pd.DataFrame
    effects: pd.DataFrame
    tests: pd.DataFrame
    fit: dict
    notes: list[str]


@dataclass
class _MethodResults:
    """The results of one method: its tables, its fit records (``fit.json``'s specs) and its notes."""

    estimates: pd.DataFrame
    effects: pd.DataFrame
    tests: pd.DataFrame
    records: list[dict]
    notes: list[str]


def fit_table(fit_json: dict) -> pd.DataFrame:
    """The spec records of a ``fit.json`` as rows (nested facts flattened: effects_draws ...)."""
    return pd.json_normalize(fit_json["specs"], sep="_")


def merge(paths: Iterable[str | Path]) -> dict[str, pd.DataFrame]:
    """The result set of a study from the files of its model jobs: ``estimates``, ``effects``, ``tests`` and
    ``fit`` with every model and W, keyed by ``model`` and ``weights`` (then ``method``, when several methods are
    estimated), and ``dropped_units``: every cell that made a unit drop out of the models (code, name, variable,
    year; empty unless ``models.balance: drop_units`` dropped some).

    The files are those of one W with every model (``models/<w>/estimates.csv``, ``effects.csv``, ``tests.csv``
    with a ``model`` column, ``fit.json`` a list of fits, as the workflow writes them, :func:`write_models`), or
    of one model on one W (``models/<model>/<w>/...`` without that column, ``fit.json`` one fit)."""
    tables: dict[str, list[pd.DataFrame]] = {"estimates": [], "effects": [], "tests": [], "fit": []}
    dropped = []
    for path in map(Path, paths):
        model, w = path.parent.parent.name, path.parent.name
        if path.name == "fit.json":
            fits = json.loads(path.read_text(encoding="utf-8"))
            for fit in fits if isinstance(fits, list) else [fits]:
                tables["fit"].append(fit_table(fit).assign(model=fit.get("model", model), weights=w))
                dropped += fit.get("dropped_units", [])
        else:
            frame = pd.read_csv(path)
            tables[path.stem].append(
                frame.assign(weights=w) if "model" in frame else frame.assign(model=model, weights=w)
            )
    merged = {name: pd.concat(parts, ignore_index=True) for name, parts in tables.items()}
    keys = ["model", "weights"] + (["method"] if "method" in merged["estimates"].columns else [])
    for name, frame in merged.items():
        merged[name] = frame[[*keys, *[c for c in frame.columns if c not in keys]]]
    cells = pd.DataFrame(dropped, columns=DROPPED_COLUMNS).drop_duplicates()
    merged["dropped_units"] = cells.sort_values(["code", "variable", "year"], ignore_index=True)
    return merged


def stacked(results: Mapping[str, Results]) -> dict[str, pd.DataFrame | list]:
    """The results of several models on one W as the workflow writes them (``models/<w>/``): ``estimates``,
    ``effects`` and ``tests`` with the model as their first column, in the order given, and ``fit`` the list of
    the models' fit records (:func:`merge` reads them back)."""
    out: dict[str, pd.DataFrame | list] = {}
    for name in ("estimates", "effects", "tests"):
        out[name] = pd.concat(
            [getattr(result, name).assign(model=model) for model, result in results.items()],
            ignore_index=True,
        )
        out[name] = out[name][["model", *[c for c in out[name].columns if c != "model"]]]
    out["fit"] = [result.fit for result in results.values()]
    return out


def heterogeneity_groups(units: pd.DataFrame, settings: ModelsSettings) -> tuple[pd.Series, dict]:
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
            unit=listed(missing.index),
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
    units: pd.DataFrame,
    settings: ModelsSettings,
    *,
    study: str | None = None,
    source: str | None = None,
) -> Results:
    """``model`` on ``w`` for the study's frame: estimates, effects, tests and fit records of every spec, each
    fitted as a :class:`~nqpf.models.spatial_panel.SpatialPanelModel`, with every method of ``settings.method``.

    ``study`` and ``source`` (the file the frame was read from) name the study and the file in errors. A spatial
    parameter at the edge of W's interval, or a maximisation that did not converge, stops with an error unless
    ``settings.on_bound`` / ``settings.on_nonconvergence`` is ``warn`` (a note in the results instead); this
    applies to the reported fits (main, random, groups), not to the fits behind the tests.

    With several methods every spec is estimated with each (the same data, W and seeds of the effects' draws, so
    each method's numbers equal those of a run with that method alone); estimates, effects and tests then carry
    a ``method`` column first, and the notes of one method's fits name it. With ``settings.balance:
    drop_units`` the units with a gap in a model variable are left out (``fit["dropped_units"]``, one record per
    missing cell) and every spec, groups included, is estimated on the others.
    """
    grouping, groups = heterogeneity_groups(units, settings)
    methods = settings.methods
    several = settings.several_methods
    main_model = SpatialPanelModel(
        frame,
        settings.dependent,
        settings.explanatory,
        w,
        model=model,
        fixed_effects=settings.fixed_effects,
        method=methods[0],
        years=list(years),
        max_iterations=settings.max_iterations,
        balance=settings.balance,
        source=source,
    )
    panel = main_model.panel
    notes = list(main_model.notes)
    where = f"{f'study {study}, ' if study else ''}model {model}, weights {w.name}"
    shared = _Shared(main_model, model, w, grouping, groups, settings)
    parts = []
    for k, method in enumerate(methods):
        specification = main_model if k == 0 else main_model.respecify(method=method)
        label = method if several else None
        part = _analyse_method(model, specification, w, shared, settings, where, label, first=k == 0)
        notes += part.notes
        parts.append(part)
    frames = {}
    for name in ("estimates", "effects", "tests"):
        tables = []
        for method, part in zip(methods, parts, strict=True):
            table = getattr(part, name)
            if several:
                table = table.copy()
                table.insert(0, "method", method)
            tables.append(table)
        frames[name] = pd.concat(tables, ignore_index=True)
    fit_json = {
        "model": model,
        "weights": w.name,
        "dependent": settings.dependent,
        "explanatory": list(settings.explanatory),
        "years": [int(panel.years[0]), int(panel.years[-1])],
        "specs": [record for part in parts for record in part.records],
        "notes": notes,
    }
    if several:
        fit_json["methods"] = list(methods)
    if not main_model.dropped.empty:
        fit_json["dropped_units"] = main_model.dropped.to_dict(orient="records")
    return Results(frames["estimates"], frames["effects"], frames["tests"], fit_json, notes)


def _subsamples(main_model: SpatialPanelModel, w: SpatialWeights, grouping, groups, model, settings):
    """(group, notes, model or None) of each heterogeneity group: its units among the main model's (W's units
    less any dropped for gaps), W restricted to them and standardised again; None for a group with fewer than
    ``min_units`` units. The notes are those of the group (too small, units linked), shown before its fits."""
    panel = main_model.panel
    position = {code: k for k, code in enumerate(w.ids)}
    in_model = grouping.reindex(list(panel.ids))
    prepared = []
    for group, members in groups.items():
        rows = np.flatnonzero(in_model.isin(members).to_numpy())  # into the panel's units
        if len(rows) < settings.min_units:
            note = (
                f"heterogeneity {group}: {len(rows)} units, fewer than min_units {settings.min_units}; not "
                "estimated"
            )
            prepared.append((group, [note], None))
            continue
        keep = np.array([position[panel.ids[r]] for r in rows], dtype=int)  # into W's units
        matrix, sub_spectrum, sub_bounds, sub_notes = subsample.restrict(w, keep, group)
        subsample_model = SpatialPanelModel.from_panel(
            panel.subset(rows),
            SpatialOperator(matrix, sub_spectrum),
            bounds_of(sub_spectrum) if sub_spectrum is not None else sub_bounds,
            weights=w.name,
            model=model,
            fixed_effects=settings.fixed_effects,
            method=main_model.method,
            max_iterations=settings.max_iterations,
        )
        prepared.append((group, sub_notes, subsample_model))
    return prepared


class _Shared:
    """What does not depend on the method, made once, when the first method needs it (so that a job runs its
    fits in the order of a single method's job): the LR tests of the fixed effects (direct likelihoods), for OLS
    the LM tests under each kind of effects, and the heterogeneity groups with their restricted W."""

    def __init__(self, main_model: SpatialPanelModel, model: str, w, grouping, groups, settings):
        self._main_model, self._model = main_model, model
        self._w, self._grouping, self._groups, self._settings = w, grouping, groups, settings
        self._effects: list[tuple] | None = None
        self._lm: list[tuple] | None = None
        self._subsamples: list | None = None

    @property
    def subsamples(self) -> list:
        if self._subsamples is None:
            self._subsamples = _subsamples(
                self._main_model, self._w, self._grouping, self._groups, self._model, self._settings
            )
        return self._subsamples

    @property
    def effects(self) -> list[tuple]:
        if self._effects is None:
            self._effects = _effects_tests(self._main_model) if self._main_model.panel.t > 1 else []
        return self._effects

    @property
    def lm(self) -> list[tuple]:
        if self._lm is None:
            panel, op = self._main_model.panel, self._main_model.operator
            self._lm = []
            for kind in fe.KINDS if self._model == "ols" else ():
                # one period: no unit effects; time effects = the constant
                if panel.t == 1 and kind != "none":
                    continue
                table = lm_tests.lm_tests(panel, op, kind)
                self._lm += [(SPEC_OF_EFFECTS[kind], *row) for row in table.itertuples(index=False)]
        return self._lm


def _analyse_method(
    model: str,
    main_model: SpatialPanelModel,
    w: SpatialWeights,
    shared: _Shared,
    settings: ModelsSettings,
    where: str,
    label: str | None,
    first: bool,
) -> _MethodResults:
    """Every spec of ``model`` with the method of ``main_model``. ``label`` (the method, when several are
    estimated) names the method in notes, errors and the log; ``first`` says whether this is the first method,
    whose results carry the notes all methods share (heterogeneity groups too small, units linked)."""
    method = main_model.method
    panel, op, bounds = main_model.panel, main_model.operator, main_model.bounds
    estimates, effect_tables, tests, records, notes = [], [], [], [], []
    where = f"{where}, method {method}" if label else where
    prefix = f"{label} " if label else ""

    def run(spec: str, specification: SpatialPanelModel) -> Fit:
        started = time.perf_counter()
        p = specification.panel
        log.info("%s on %s, %s%s: estimating (%d units x %d periods)", model, w.name, prefix, spec, p.n, p.t)
        result = specification.fit()
        _enforce(result.fit, f"{where}, spec {spec}", specification.bounds, settings)
        estimates.append(result.estimates(spec))
        extra = {}
        if model in effects_.EFFECT_MODELS:
            # the same draws for every method: a method's effects equal those of a run with it alone
            rng = rng_for(settings.effects.seed, model, w.name, spec)
            impacts = result.impacts(
                settings.effects.draws, rng, settings.effects.level, settings.effects.inference
            )
            effect_tables.append(impacts.table.assign(spec=spec)[EFFECT_COLUMNS])
            extra["effects"] = impacts.facts
        notes.extend(_warnings(result.fit, prefix + spec, specification.bounds))
        records.append(result.record(spec, extra))
        log.info("%s on %s, %s%s: done in %.1f s", model, w.name, prefix, spec, time.perf_counter() - started)
        return result.fit

    main = run("main", main_model)
    tests += [("main", *row) for row in _model_tests(main_model, main, settings)]
    tests += [("main", *row) for row in shared.effects]
    if model in ("sar", "sdm") and settings.random_effects and panel.t > 1:
        time_effects = settings.fixed_effects in ("time", "two-way")
        random = main_model.respecify(
            random_effects=True, fixed_effects="time" if time_effects else "none"
        ).fit()
        _enforce(random.fit, f"{where}, spec random", bounds, settings)
        estimates.append(random.estimates("random"))
        records.append(random.record("random"))
        notes.extend(_warnings(random.fit, prefix + "random", bounds))
        fixed_effects = "two-way" if time_effects else "unit"
        fixed = main_model.respecify(fixed_effects=fixed_effects).fit().fit
        # at the bound there is no test, hence no covariance to evaluate there
        at_random = (
            None
            if random.fit.at_bound
            else lag_covariance_at(panel, op, model, fixed_effects, method, random.fit)
        )
        row, note = selection.hausman(fixed, random.fit, at_random)
        tests.append(("main", *row))
        notes += [prefix + note] if note else []
    tests += shared.lm
    for group, group_notes, subsample_model in shared.subsamples:
        if first:
            notes += group_notes
        if subsample_model is not None:
            run(group, subsample_model if not label or first else subsample_model.respecify(method=method))
    return _MethodResults(
        pd.concat(estimates, ignore_index=True),
        pd.concat(effect_tables, ignore_index=True)
        if effect_tables
        else pd.DataFrame(columns=EFFECT_COLUMNS),
        pd.DataFrame(tests, columns=TEST_COLUMNS),
        records,
        notes,
    )


def _enforce(result: Fit, where: str, bounds, settings: ModelsSettings) -> None:
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
    if (note := result.undefined_errors_note()) is not None:
        notes.append(f"{spec}: {note}")
    return notes


def _model_tests(specification: SpatialPanelModel, main: Fit, settings: ModelsSettings) -> list[tuple]:
    """Wald and LR tests of the model against its restricted forms, under the same effects and method."""
    variables = list(settings.explanatory)
    k = len(variables)
    model = specification.model

    def other(name):
        return specification.respecify(model=name).fit().fit

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


def _effects_tests(specification: SpatialPanelModel) -> list[tuple]:
    """LR tests of the joint significance of unit and of time fixed effects (Elhorst 2014, sec. 3.2), from the
    direct approach's likelihoods, which count all N T observations in every specification."""
    fits = {
        e: specification.respecify(fixed_effects=e, method="direct").fit().fit
        for e in ("unit", "time", "two-way")
    }
    panel = specification.panel
    return [
        selection.lr("lr_unit_effects", fits["two-way"], fits["time"], panel.n - 1),
        selection.lr("lr_time_effects", fits["two-way"], fits["unit"], panel.t - 1),
    ]
