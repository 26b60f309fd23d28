"""Spatial beta convergence: the beta convergence regressions of :mod:`nqpf.disparity.convergence` estimated as
spatial models, nationally and within groups of units (club convergence).

For a positive variable y of units i over the years 0..T:

- absolute beta, a cross-section (Barro and Sala-i-Martin 1992, J. Political Economy 100: 223-251; the spatial
  forms of Rey and Montouri 1999, Regional Studies 33: 143-156):

      g_i = (ln y_iT - ln y_i0) / T = a + b ln y_i0 + e_i                                   (OLS)
      g   = a + rho W g + b ln y_0 + e                                                     (SAR)
      g   = a + b ln y_0 + u,  u = lambda W u + e                                          (SEM)
      g   = a + rho W g + b ln y_0 + theta W ln y_0 + e                                    (SDM)

  with the speed of convergence lambda_b = -ln(1 + b T) / T and the half-life ln 2 / lambda_b (Barro and
  Sala-i-Martin 1992, from b = -(1 - exp(-lambda_b T)) / T);
- conditional beta, a panel with unit and year fixed effects (the growth regression of Elhorst, Piras and Arbia
  2010, Geographical Analysis 42: 338-355, without its temporal lags, on the growth of k-year spans): with
  ``period`` k the spans start in years 0, k, 2k, ... and end by year T; for the span from t,

      g_it = (ln y_i,t+k - ln y_it) / k = b ln y_it + (controls_it) + mu_i + eta_t + e_it

  as OLS with two-way fixed effects and as SAR, SEM and SDM (rho W g_t, lambda W u_t, theta W ln y_t), estimated
  by the Lee and Yu (2010) bias-corrected maximum likelihood of :class:`nqpf.models.SpatialPanelModel` (or
  ``method="direct"``). The speed is lambda_b = -ln(1 + k b) / k (k = 1: -ln(1 + b)) and the half-life
  ln 2 / lambda_b. Fixed effects in a short panel bias b towards convergence (Nickell 1981); read it as the
  field's papers do, descriptively.

In SAR and SDM, b is the coefficient of the own initial level, as the applied papers report it and compute the
speed from; the effect of a unit's level on its own growth includes the feedback through its neighbours, the
direct effect of LeSage and Pace (2009, sec. 2.7), which the tables give too, with the speed it implies
(``speed_direct_percent``), the indirect (spillover) and total effects, with simulated inference.

Club convergence: the same regressions on the units of each group (a region, a region set's group), W
restricted to them and standardised again (:func:`nqpf.models.subsample.restrict`: a unit left without a
neighbour in its group is linked to the nearest units of the group in W's graph, with a note).

Units without a value in a year the regression needs are left out, W restricted to the others and standardised
again (``balance="drop_units"`` of the model), each listed in :attr:`SpatialConvergence.left_out`; a value that
is not positive has no logarithm and stops with the unit-years named.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from nqpf.errors import InputError, listed

MODELS = ("ols", "sar", "sem", "sdm")
KINDS = ("absolute", "conditional")
GROWTH, LEVEL = "growth", "ln_level"
NATIONAL = "National"
KEY = "disparity.spatial_convergence"
COLUMNS = [
    "variable", "region", "type", "model", "coefficient", "std_error", "z", "p", "spatial_name", "spatial",
    "spatial_p", "theta", "theta_p", "direct", "direct_p", "indirect", "indirect_p", "total", "total_p",
    "speed_percent", "half_life_years", "speed_direct_percent", "loglik", "aic", "r2", "n_units", "n_obs",
    "period", "fixed_effects",
]  # fmt: skip
LEFT_OUT_COLUMNS = ["variable", "type", "code", "name", "reason"]


@dataclass(frozen=True)
class SpatialConvergence:
    """The estimates of :func:`spatial_beta`: ``table`` (one row per group, kind and model, columns
    :data:`COLUMNS`: b with its standard error, z and p; the spatial parameter rho or lambda; theta of the SDM;
    the direct, indirect and total effects of the initial level with their p-values for SAR and SDM; the speed
    of convergence in % a year and the half-life in years from b, and the speed from the direct effect; log
    likelihood, AIC, R2, units and observations), the units ``left_out`` (variable, type, code, name, reason) and
    the ``notes`` (groups not estimated, units linked inside a group, units left out)."""

    table: pd.DataFrame
    left_out: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=LEFT_OUT_COLUMNS))
    notes: tuple[str, ...] = ()


def speed(b: float, years: float) -> float:
    """The speed of convergence lambda = -ln(1 + b years) / years of a beta estimated on growth per year over
    spans of ``years`` years (NaN where 1 + b years <= 0)."""
    base = 1.0 + b * years
    return float(-np.log(base) / years) if np.isfinite(base) and base > 0 else np.nan


def half_life(rate: float) -> float:
    """The years to halve the gap, ln 2 / lambda, for a positive speed lambda (NaN otherwise)."""
    return float(np.log(2.0) / rate) if np.isfinite(rate) and rate > 0 else np.nan


def growth_frame(frame: pd.DataFrame, variable: str, kind: str, period: int = 1, controls=()) -> pd.DataFrame:
    """The data of a convergence regression (module docstring) from a long ``frame`` (code, year, the variable
    and the controls): for ``absolute`` one row per unit (code, growth per year over the study's years, the log
    of the first year's level); for ``conditional`` one row per unit and span start (code, year, growth per
    year over the span, log level and controls at its start). Missing values stay missing."""
    years = sorted(int(y) for y in frame["year"].unique())
    wide = frame.pivot(index="code", columns="year", values=variable)
    logs = np.log(wide)
    if kind == "absolute":
        span = years[-1] - years[0]
        return pd.DataFrame(
            {
                "code": wide.index.astype(str),
                GROWTH: ((logs[years[-1]] - logs[years[0]]) / span).to_numpy(),
                LEVEL: logs[years[0]].to_numpy(),
            }
        )
    starts = [y for y in years[::period] if y + period in years]
    parts = []
    for start in starts:
        part = pd.DataFrame(
            {
                "code": wide.index.astype(str),
                "year": start,
                GROWTH: ((logs[start + period] - logs[start]) / period).to_numpy(),
                LEVEL: logs[start].to_numpy(),
            }
        )
        for control in controls:
            values = frame[frame["year"] == start].set_index("code")[control]
            part[control] = values.reindex(wide.index).to_numpy()
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


def spatial_beta(
    frame: pd.DataFrame,
    variable: str,
    w,
    *,
    kinds: Sequence[str] = KINDS,
    models: Sequence[str] = MODELS,
    controls: Sequence[str] = (),
    period: int = 1,
    group: str | None = None,
    min_units: int = 5,
    method: str = "lee_yu",
    draws: int = 1000,
    seed: int = 0,
    level: float = 0.95,
) -> SpatialConvergence:
    """Absolute and conditional beta convergence of ``variable`` (module docstring) as OLS, SAR, SEM and SDM on
    ``w`` (anything :func:`nqpf.weights.core.as_weights` takes, its ids the frame's codes), nationally and, with
    ``group`` (a column of ``frame`` holding each unit's group), within every group of at least ``min_units``
    units. ``frame`` is long: code, year, the variable, the ``controls`` (of the conditional beta) and the
    group column. ``draws`` and ``seed`` fix the simulated effects of SAR and SDM."""
    from nqpf.models.spatial_panel import SpatialPanelModel
    from nqpf.weights.core import as_weights

    w = as_weights(w)
    kinds, models = _choices(kinds, KINDS, "kinds"), _choices(models, MODELS, "models")
    if period < 1:
        raise InputError(
            f"period must be at least 1 year, not {period}", key=f"{KEY}.period", fix="give 1 or more"
        )
    frame = _checked(frame, variable, w, controls, group)
    years = sorted(int(y) for y in frame["year"].unique())
    if len(years) < 2 or ("conditional" in kinds and years[0] + period > years[-1]):
        raise InputError(
            f"convergence of {variable} needs growth over at least one span of {period} years; the data hold "
            f"{', '.join(map(str, years))}",
            column=variable,
            key=f"{KEY}.period",
            fix="give more years, or a shorter period",
        )
    rows, left, notes = [], [], []
    for kind in kinds:
        data = growth_frame(frame, variable, kind, period, controls if kind == "conditional" else ())
        explanatory = [LEVEL, *(controls if kind == "conditional" else ())]
        base = SpatialPanelModel(
            data,
            GROWTH,
            explanatory,
            w,
            model="ols",
            fixed_effects="none" if kind == "absolute" else "two-way",
            method=method,
            time=None if kind == "absolute" else "year",
            balance="drop_units",
        )
        left += _left_out(base.dropped, frame, variable, kind)
        notes += [f"{variable}, {kind} beta: {note}" for note in base.notes]
        span = years[-1] - years[0] if kind == "absolute" else period
        fitted = [(NATIONAL, base)]
        if group is not None:
            prepared, group_notes = _clubs(base, w, frame, group, min_units, variable, kind)
            fitted += prepared
            notes += group_notes
        for region, model in fitted:
            for name in models:
                result = model.respecify(model=name).fit()
                rows.append(_row(result, variable, region, kind, name, span, draws, seed, level))
    table = pd.DataFrame(rows, columns=COLUMNS)
    left_out = pd.DataFrame(left, columns=LEFT_OUT_COLUMNS)
    return SpatialConvergence(table=table, left_out=left_out, notes=tuple(notes))


def _choices(values, allowed, key) -> list[str]:
    values = [values] if isinstance(values, str) else list(values)
    unknown = [v for v in values if v not in allowed]
    if unknown or not values:
        raise InputError(
            f"{key} must list some of {', '.join(allowed)}, not {values}",
            key=f"{KEY}.{key}",
            fix="correct it",
        )
    return values


def _checked(frame: pd.DataFrame, variable: str, w, controls, group) -> pd.DataFrame:
    needed = ["code", "year", variable, *controls, *([group] if group else [])]
    lacking = [c for c in needed if c not in frame.columns]
    if lacking:
        raise InputError(
            f"convergence of {variable}: the data have no column {listed(lacking)}",
            column=", ".join(lacking),
            key=KEY if group not in lacking else "disparity.groups",
            fix="name variables of the study's panel or indices (and a grouping of its units)",
        )
    data = frame[[c for c in dict.fromkeys(["name", *needed]) if c in frame.columns]].copy()
    data["code"] = data["code"].astype(str)
    data["year"] = data["year"].astype(int)
    outside = sorted(set(data["code"]) - set(w.ids))
    if outside:
        raise InputError(
            f"convergence of {variable}: {len(outside)} units of the data are not units of W {w.name!r}: "
            + listed(outside),
            unit=outside[0],
            key=f"{KEY}.weights",
            fix="use weights built on the study's units",
        )
    values = data[variable]
    bad = data[values.notna() & ~(values > 0)]
    if len(bad):
        raise InputError(
            f"convergence of {variable} takes logarithms, but {len(bad)} unit-years are zero or negative",
            unit=listed(f"{r.code} {r.year} ({getattr(r, variable)})" for r in bad.itertuples()),
            column=variable,
            key=f"{KEY}",
            fix="measure the convergence of a positive variable (an index is positive once shifted, a level "
            "such as GDP per capita is), or leave it out of disparity.variables",
        )
    return data


def _left_out(dropped: pd.DataFrame, frame: pd.DataFrame, variable: str, kind: str) -> list[tuple]:
    names = (
        frame.drop_duplicates("code").set_index("code")["name"] if "name" in frame else pd.Series(dtype=str)
    )
    rows = []
    for code in sorted(set(dropped["code"])):
        what = "the first or last year" if kind == "absolute" else "a span of the panel"
        reason = f"no value of {variable} (or a control) in {what}; left out of the {kind} beta"
        rows.append((variable, kind, str(code), str(names.get(code, code)), reason))
    return rows


def _clubs(base, w, frame, group, min_units, variable, kind):
    """(region, model) of each group of ``group`` with at least ``min_units`` of the base model's units, W
    restricted to them, and the notes (groups too small, units linked)."""
    from nqpf.models import subsample
    from nqpf.models.operator import SpatialOperator
    from nqpf.models.spatial_panel import SpatialPanelModel, bounds_of
    from nqpf.units.region_sets import group_order

    panel = base.panel
    membership = frame.drop_duplicates("code").set_index("code")[group]
    in_model = membership.reindex(list(panel.ids))
    position = {code: k for k, code in enumerate(w.ids)}
    prepared, notes = [], []
    for name in group_order(in_model.dropna().unique()):
        rows = np.flatnonzero((in_model == name).to_numpy())
        if len(rows) < min_units:
            notes.append(
                f"{variable}, {kind} beta: club {name} has {len(rows)} units, fewer than min_units {min_units}; "
                "not estimated"
            )
            continue
        keep = np.array([position[panel.ids[r]] for r in rows], dtype=int)
        matrix, spectrum, bounds, linked = subsample.restrict(
            w,
            keep,
            str(name),
            where=f"{variable}, {kind} beta, club {name}",
            key=KEY,
            fixes=(
                "use weights with a neighbour for every unit inside each group (inverse distance, economic), or "
                "group the units otherwise (disparity.groups)",
                "group the units otherwise (disparity.groups), or set disparity.spatial_convergence.clubs: false",
            ),
        )
        notes += linked
        model = SpatialPanelModel.from_panel(
            panel.subset(rows),
            SpatialOperator(matrix, spectrum),
            bounds_of(spectrum) if spectrum is not None else bounds,
            weights=w.name,
            model="ols",
            fixed_effects=base.fixed_effects,
            method=base.method,
            max_iterations=base.max_iterations,
        )
        prepared.append((str(name), model))
    return prepared, notes


def _row(result, variable, region, kind, model, span, draws, seed, level) -> dict:
    params, se, p, z = result.params, result.std_errors, result.pvalues, result.tstats
    b = float(params[LEVEL])
    rate = speed(b, span)
    row = dict.fromkeys(COLUMNS, np.nan)
    row.update(
        variable=variable,
        region=region,
        type=kind,
        model=model,
        coefficient=b,
        std_error=float(se[LEVEL]),
        z=float(z[LEVEL]),
        p=float(p[LEVEL]),
        spatial_name="",
        speed_percent=100 * rate,
        half_life_years=half_life(rate),
        loglik=result.loglik,
        aic=result.aic,
        r2=result.r2,
        n_units=result.model.panel.n,
        n_obs=result.nobs,
        period=span,
        fixed_effects=result.model.fixed_effects,
    )
    for name in ("rho", "lambda"):
        if name in params.index:
            row.update(spatial_name=name, spatial=float(params[name]), spatial_p=float(p[name]))
    if f"W.{LEVEL}" in params.index:
        row.update(theta=float(params[f"W.{LEVEL}"]), theta_p=float(p[f"W.{LEVEL}"]))
    if model in ("sar", "sdm"):
        impacts = result.impacts(draws=draws, seed=seed, level=level)
        estimates, pvalues = impacts.estimates.loc[LEVEL], impacts.pvalues.loc[LEVEL]
        for effect in ("direct", "indirect", "total"):
            row[effect], row[f"{effect}_p"] = float(estimates[effect]), float(pvalues[effect])
        row["speed_direct_percent"] = 100 * speed(row["direct"], span)
    return row
