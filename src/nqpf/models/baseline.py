"""The baseline of an effect paper: the linear panel regression with fixed effects that papers print before they
"consider spatial effects", its standard errors, and the variance inflation factors and correlations of its
variables.

Model, for units i = 1..N and years t = 1..T of a balanced panel (time-major as :class:`~nqpf.models.panel_data.Panel`):

    y_it = x_it' b + mu_i + eta_t + e_it                           (fixed_effects two-way; unit, time or none)

estimated by the within (fixed effects) estimator: every variable demeaned by unit and by year
(:func:`nqpf.models.fixed_effects.demean`, exact for a balanced panel), b = (X~'X~)^-1 X~'y~, the least-squares
dummy-variable estimate (Frisch-Waugh-Lovell; Baltagi 2021, Econometric Analysis of Panel Data, 6th ed., sec. 3.2).
Without fixed effects the regression has a constant (``const``).

Standard errors (``cov``), with n = N T observations, k slopes, e the residuals and X~ the demeaned regressors:

- ``unadjusted``: s^2 (X~'X~)^-1, s^2 = e'e / (n - k - a), a the parameters the effects absorb (N + T - 1 under
  two-way effects: Stata's ``xtreg, fe`` with ``i.year``);
- ``robust``: heteroskedasticity-consistent HC1 (White 1980; MacKinnon and White 1985),
  n / (n - k - a) (X~'X~)^-1 (sum_it e_it^2 x~_it x~_it') (X~'X~)^-1, the HC1 of the dummy-variable regression
  (R ``sandwich::vcovHC(lm(...), type = "HC1")``; Stata's ``areg, vce(robust)``);
- ``clustered`` (the default, by unit): (X~'X~)^-1 (sum_g X~_g' e_g e_g' X~_g) (X~'X~)^-1 times
  G / (G - 1) (n - 1) / (n - K), G the number of units and K the slopes, the year dummies and the constant, not
  the unit effects, which are nested in the clusters (Stata's ``xtreg y x i.year, fe vce(cluster id)`` and
  ``reghdfe y x, absorb(id year) vce(cluster id)``; Cameron and Miller 2015, J. Human Resources 50: 317-372,
  sec. III.B and IV.A). p-values and intervals then use t with G - 1 degrees of freedom, as Stata does; else t
  with n - k - a.

R^2: ``r2_within`` = 1 - e'e / sum (y_it - ybar_i)^2, the "within" R^2 of ``xtreg, fe`` (the year effects count
as explained); ``r2`` = 1 - e'e / sum (y_it - ybar)^2, the R^2 of the dummy-variable regression (``areg``,
``reghdfe``).

:func:`vif` gives the variance inflation factors of Stata's ``estat vif`` after a pooled regression with a constant
(VIF_j = 1 / (1 - R_j^2), R_j^2 of x_j on the other regressors; Belsley, Kuh and Welsch 1980) and
:func:`correlations` the Pearson correlation table with the p-value of each coefficient (t = r sqrt((n - 2) /
(1 - r^2)), n - 2 degrees of freedom).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import special

from nqpf.errors import InputError, listed
from nqpf.models.fixed_effects import KINDS as FIXED_EFFECTS
from nqpf.models.fixed_effects import demean, fixed_effect_parameters
from nqpf.models.panel_data import (
    DROPPED_COLUMNS,
    Panel,
    check_regressors,
    dropped_note,
    from_frame,
    incomplete_units,
    long_frame,
    require_columns,
)
from nqpf.models.settings import BALANCE, BALANCE_DEFAULT, COV_DEFAULT, COVARIANCES, FIXED_EFFECTS_DEFAULT

ESTIMATE_COLUMNS = ["spec", "term", "estimate", "std_error", "z", "p"]


@dataclass(frozen=True)
class PanelData:
    """A model's balanced panel, the long frame it was cut from (with ``code`` and ``year``), the cells of the
    units ``balance="drop_units"`` left out (code, name, variable, year) and the notes on them."""

    panel: Panel
    frame: pd.DataFrame
    dropped: pd.DataFrame
    notes: list[str]

    def values(self, name: str, source: str | None = None) -> np.ndarray:
        """The (T, N) values of the frame's column ``name`` on the panel's units and years; a gap stops with its
        unit-year."""
        panel = self.panel
        index = pd.MultiIndex.from_product([list(panel.years), list(panel.ids)], names=["year", "code"])
        values = self.frame.set_index(["year", "code"])[name].reindex(index)
        if values.isna().any():
            year, code = values[values.isna()].index[0]
            raise InputError(
                f"{int(values.isna().sum())} unit-years lack a value of {name}",
                file=source,
                unit=code,
                row=f"year {year}",
                column=name,
                fix=f"supply {name} for every unit and year of the model (or balance='drop_units')",
            )
        return values.to_numpy(float).reshape(panel.t, panel.n)


def panel_of(
    data: pd.DataFrame,
    dependent: str,
    explanatory: Sequence[str],
    *,
    entity: str = "code",
    time: str = "year",
    years: Sequence[int] | None = None,
    balance: str = BALANCE_DEFAULT,
    source: str | None = None,
    extra: Sequence[str] = (),
) -> PanelData:
    """The balanced panel of ``dependent`` and ``explanatory`` (units in the order of their codes) of the long
    ``data``. ``extra`` names further variables the units must have in every year (a threshold variable, say):
    with ``balance="drop_units"`` a unit without one leaves too."""
    if balance not in BALANCE:
        raise InputError(f"balance is {balance!r}", key="balance", fix="error or drop_units")
    frame = long_frame(data, entity, time, source)
    require_columns(frame, extra, source)
    repeated = frame[frame.duplicated(["code", "year"], keep=False)]
    if len(repeated):
        cells = [f"unit {c}, year {y}" for c, y in repeated[["code", "year"]].drop_duplicates().to_numpy()]
        raise InputError(
            f"{len(cells)} unit-years have more than one row",
            file=source,
            unit=str(repeated["code"].iloc[0]),
            row=f"year {repeated['year'].iloc[0]}",
            details=[listed(cells)],
            fix="keep one row per unit and year",
        )
    years = sorted(int(y) for y in frame["year"].unique()) if years is None else [int(y) for y in years]
    ids = sorted(frame["code"].unique())
    variables = [dependent, *explanatory, *[v for v in extra if v not in (dependent, *explanatory)]]
    dropped = pd.DataFrame(columns=DROPPED_COLUMNS)
    notes: list[str] = []
    if balance == "drop_units" and all(v in frame.columns for v in variables):
        dropped = incomplete_units(frame, variables, ids, years)
        if not dropped.empty:
            out = set(dropped["code"])
            ids = [c for c in ids if c not in out]
            notes.append(dropped_note(dropped, len(ids)))
    panel = from_frame(frame, dependent, list(explanatory), ids, years, source)
    return PanelData(panel, frame, dropped, notes)


@dataclass(frozen=True)
class LinearFit:
    """A least-squares fit on demeaned data: coefficients, residuals and the bread (X~'X~)^-1."""

    coef: np.ndarray
    resid: np.ndarray  # (T, N)
    bread: np.ndarray

    @property
    def ssr(self) -> float:
        return float(np.sum(self.resid**2))


def least_squares(y: np.ndarray, x: np.ndarray) -> LinearFit:
    """b = (X'X)^-1 X'y of (T, N) ``y`` on (T, N, K) ``x`` (already demeaned), by QR for accuracy."""
    t, n, k = x.shape
    design = x.reshape(t * n, k)
    q, r = np.linalg.qr(design)
    coef = np.linalg.solve(r, q.T @ y.reshape(-1))
    resid = (y.reshape(-1) - design @ coef).reshape(t, n)
    r_inv = np.linalg.solve(r, np.eye(k))
    return LinearFit(coef, resid, r_inv @ r_inv.T)


def covariance(fit: LinearFit, x: np.ndarray, kind: str, df_resid: int, clustered_k: int) -> np.ndarray:
    """The covariance of the coefficients (see the module docstring): ``x`` the (T, N, K) demeaned regressors,
    ``df_resid`` n - k - a, ``clustered_k`` the K of the clustered small-sample factor."""
    t, n, k = x.shape
    nobs = t * n
    if kind == "unadjusted":
        return fit.ssr / df_resid * fit.bread
    if kind == "robust":
        scores = x.reshape(nobs, k) * fit.resid.reshape(nobs, 1)
        return nobs / df_resid * fit.bread @ (scores.T @ scores) @ fit.bread
    if kind == "clustered":
        scores = np.einsum("tnk,tn->nk", x, fit.resid)  # sum over each unit's years of x~_it e_it
        factor = n / (n - 1) * (nobs - 1) / (nobs - clustered_k)
        return factor * fit.bread @ (scores.T @ scores) @ fit.bread
    raise InputError(f"cov is {kind!r}", key="cov", fix=", ".join(COVARIANCES))


def residual_df(n: int, t: int, k: int, fixed_effects: str) -> int:
    """n - k - a: the observations less the ``k`` coefficients (the constant among them without effects) and the
    parameters the effects absorb."""
    return n * t - k - fixed_effect_parameters(n, t, fixed_effects)


def clustered_k(t: int, k: int, fixed_effects: str) -> int:
    """K of the clustered factor: slopes, year dummies and the constant; not the unit effects (nested in the
    clusters). Without effects ``k`` already counts the constant."""
    if fixed_effects == "none":
        return k
    return k + 1 + (t - 1 if fixed_effects in ("time", "two-way") else 0)


class PanelRegression:
    """The linear panel regression of ``dependent`` on ``explanatory`` with ``fixed_effects`` (two-way by
    default; unit, time or none) and standard errors ``cov`` (clustered by unit by default; robust or
    unadjusted): see the module docstring for the formulas and the software they match.

        res = PanelRegression(df, "nqpf", ["infrastructure", "gdp_per_capita"]).fit()
        res.params, res.std_errors, res.pvalues, res.conf_int(), print(res.summary)

    ``data`` is long (one row per ``entity`` and ``time``); the panel must be balanced in the model's variables
    (``balance="drop_units"`` leaves out the units with a gap, listed in ``dropped`` and ``notes``)."""

    def __init__(
        self,
        data: pd.DataFrame,
        dependent: str,
        explanatory: Sequence[str],
        *,
        fixed_effects: str = FIXED_EFFECTS_DEFAULT,
        cov: str = COV_DEFAULT,
        entity: str = "code",
        time: str = "year",
        years: Sequence[int] | None = None,
        balance: str = BALANCE_DEFAULT,
        source: str | None = None,
    ):
        explanatory = [explanatory] if isinstance(explanatory, str) else list(explanatory)
        if fixed_effects not in FIXED_EFFECTS:
            raise InputError(
                f"fixed_effects is {fixed_effects!r}", key="fixed_effects", fix=", ".join(FIXED_EFFECTS)
            )
        if cov not in COVARIANCES:
            raise InputError(f"cov is {cov!r}", key="cov", fix=", ".join(COVARIANCES))
        found = panel_of(
            data,
            dependent,
            explanatory,
            entity=entity,
            time=time,
            years=years,
            balance=balance,
            source=source,
        )
        self._setup(found.panel, fixed_effects, cov, found.notes)
        self.dropped = found.dropped

    def _setup(self, panel: Panel, fixed_effects: str, cov: str, notes) -> None:
        self.panel, self.fixed_effects, self.cov, self.notes = panel, fixed_effects, cov, list(notes)
        self.dropped = pd.DataFrame(columns=DROPPED_COLUMNS)
        if panel.t == 1 and fixed_effects in ("unit", "two-way"):
            raise InputError(
                "one year cannot have unit fixed effects",
                key="fixed_effects",
                fix="give more years, or fixed_effects none",
            )
        check_regressors(panel, fixed_effects)

    @classmethod
    def from_panel(
        cls, panel: Panel, *, fixed_effects: str = FIXED_EFFECTS_DEFAULT, cov: str = COV_DEFAULT, notes=()
    ) -> PanelRegression:
        """The regression on data already arranged as a :class:`~nqpf.models.panel_data.Panel` (the regime
        columns of a threshold model, say)."""
        self = cls.__new__(cls)
        self._setup(panel, fixed_effects, cov, notes)
        return self

    @property
    def dependent(self) -> str:
        return self.panel.dependent

    @property
    def explanatory(self) -> list[str]:
        return list(self.panel.names)

    def design(self) -> tuple[np.ndarray, np.ndarray, list[str]]:
        """(y~, X~, names): the demeaned dependent and regressors (a constant first without effects)."""
        panel = self.panel
        x, names = panel.x, list(panel.names)
        if self.fixed_effects == "none":
            x = np.concatenate([np.ones((panel.t, panel.n, 1)), x], axis=2)
            names = ["const", *names]
        return demean(panel.y, self.fixed_effects), demean(x, self.fixed_effects), names

    def fit(self) -> PanelRegressionResults:
        y, x, names = self.design()
        result = least_squares(y, x)
        n, t, k = self.panel.n, self.panel.t, x.shape[2]
        df = residual_df(n, t, k, self.fixed_effects)
        cov = covariance(result, x, self.cov, df, clustered_k(t, k, self.fixed_effects))
        return PanelRegressionResults(
            names=names,
            coef=result.coef,
            cov=cov,
            resid=result.resid,
            df_resid=df,
            model=self,
        )

    def __repr__(self) -> str:
        return (
            f"PanelRegression({self.dependent} ~ {' + '.join(self.explanatory)}, {self.panel.n} units x "
            f"{self.panel.t} years, effects {self.fixed_effects}, cov {self.cov})"
        )


@dataclass(frozen=True)
class PanelRegressionResults:
    """The estimates of a :class:`PanelRegression`: ``params``, ``std_errors``, ``tstats``, ``pvalues``, ``cov``,
    ``conf_int()``, ``r2_within``, ``r2``, ``nobs``, ``df`` (of the t distribution of the p-values) and a
    printable ``summary``."""

    names: list[str]
    coef: np.ndarray
    cov: np.ndarray
    resid: np.ndarray
    df_resid: int
    model: PanelRegression = field(repr=False)

    @property
    def params(self) -> pd.Series:
        return pd.Series(self.coef, index=self.names, name="parameter")

    @property
    def std_errors(self) -> pd.Series:
        return pd.Series(np.sqrt(np.diag(self.cov)), index=self.names, name="std_error")

    @property
    def tstats(self) -> pd.Series:
        return (self.params / self.std_errors).rename("stat")

    @property
    def df(self) -> int:
        """Degrees of freedom of the t distribution: G - 1 with clustered errors, else the residual's."""
        return self.model.panel.n - 1 if self.model.cov == "clustered" else self.df_resid

    @property
    def pvalues(self) -> pd.Series:
        p = 2 * special.stdtr(self.df, -np.abs(self.tstats.to_numpy()))
        return pd.Series(p, index=self.names, name="pvalue")

    def conf_int(self, level: float = 0.95) -> pd.DataFrame:
        if not 0 < level < 1:
            raise InputError(f"level {level} is not between 0 and 1", key="level", fix="give, say, 0.95")
        half = special.stdtrit(self.df, 0.5 + level / 2) * self.std_errors
        return pd.DataFrame({"lower": self.params - half, "upper": self.params + half})

    @property
    def ssr(self) -> float:
        return float(np.sum(self.resid**2))

    @property
    def r2_within(self) -> float:
        """1 - SSR / the sum of squares of y about its unit means (``xtreg, fe``'s within R^2)."""
        y = self.model.panel.y
        return 1 - self.ssr / float(np.sum((y - y.mean(axis=0, keepdims=True)) ** 2))

    @property
    def r2(self) -> float:
        """1 - SSR / the sum of squares of y about its mean (the dummy-variable regression's R^2)."""
        y = self.model.panel.y
        return 1 - self.ssr / float(np.sum((y - y.mean()) ** 2))

    @property
    def nobs(self) -> int:
        return self.model.panel.n * self.model.panel.t

    def estimates(self, spec: str = "main") -> pd.DataFrame:
        """Rows (spec, term, estimate, std_error, z, p), as the spatial models write them (z holds t)."""
        return pd.DataFrame(
            {
                "spec": spec,
                "term": self.names,
                "estimate": self.coef,
                "std_error": self.std_errors.to_numpy(),
                "z": self.tstats.to_numpy(),
                "p": self.pvalues.to_numpy(),
            },
            columns=ESTIMATE_COLUMNS,
        )

    def record(self, spec: str = "main") -> dict:
        model = self.model
        return {
            "spec": spec,
            "dependent": model.dependent,
            "fixed_effects": model.fixed_effects,
            "cov": model.cov,
            "n_units": model.panel.n,
            "n_periods": model.panel.t,
            "n_obs": self.nobs,
            "df": self.df,
            "r2_within": self.r2_within,
            "r2": self.r2,
        }

    @property
    def summary(self):
        from nqpf.models.spatial_panel import Summary

        model = self.model
        cov = {
            "clustered": f"clustered by unit ({model.panel.n} clusters)",
            "robust": "robust (HC1)",
            "unadjusted": "unadjusted",
        }[model.cov]
        header = [
            ("Model", "Linear panel regression (within estimator)"),
            ("Dependent variable", model.dependent),
            ("Effects", model.fixed_effects),
            ("Standard errors", cov),
            ("Units x years", f"{model.panel.n} x {model.panel.t}"),
            ("Observations", str(self.nobs)),
            ("R^2 within", f"{self.r2_within:.4f}"),
            ("R^2 (dummy variables)", f"{self.r2:.4f}"),
        ]
        interval = self.conf_int()
        rows = pd.DataFrame(
            {
                "estimate": self.params,
                "std. error": self.std_errors,
                "t": self.tstats,
                "P>|t|": self.pvalues,
                "[0.025": interval["lower"],
                "0.975]": interval["upper"],
            }
        )
        return Summary("Panel regression estimates", header, rows, list(model.notes))


def vif(data: pd.DataFrame, variables: Sequence[str], source: str | None = None) -> pd.DataFrame:
    """Variance inflation factors of ``variables`` in a pooled regression with a constant, on the rows where all
    have a value (Stata's ``estat vif``): one row per variable (variable, vif, tolerance = 1 / vif) and the
    mean VIF as a last row (variable ``mean``). A variable that is a linear combination of the others stops."""
    variables = list(variables)
    if len(variables) < 2:
        raise InputError(
            "variance inflation factors need at least two variables",
            key="variables",
            fix="list the model's explanatory variables",
        )
    require_columns(data, variables, source)
    x = data[variables].dropna().to_numpy(float)
    rows = []
    for j, name in enumerate(variables):
        others = np.column_stack([np.ones(len(x)), np.delete(x, j, axis=1)])
        coef, *_ = np.linalg.lstsq(others, x[:, j], rcond=None)
        resid = x[:, j] - others @ coef
        total = float(np.sum((x[:, j] - x[:, j].mean()) ** 2))
        ssr = float(resid @ resid)
        if total == 0 or ssr <= 1e-12 * total:
            raise InputError(
                f"{name} is constant or a linear combination of the other variables: its VIF is infinite",
                file=source,
                column=name,
                fix=f"drop {name} or the variables it is made of",
            )
        rows.append((name, total / ssr, ssr / total))
    table = pd.DataFrame(rows, columns=["variable", "vif", "tolerance"])
    mean = pd.DataFrame([("mean", table["vif"].mean(), np.nan)], columns=table.columns)
    return pd.concat([table, mean], ignore_index=True)


def correlations(data: pd.DataFrame, variables: Sequence[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Pearson correlations of ``variables`` on the rows where all have a value, and their two-sided p-values
    (t = r sqrt((n - 2) / (1 - r^2)) on n - 2 degrees of freedom): two variables x variables frames."""
    variables = list(variables)
    x = data[variables].dropna().to_numpy(float)
    n = len(x)
    if n < 3:
        raise InputError(
            f"{n} rows have a value of every variable; correlations need at least 3",
            column=", ".join(variables),
            fix="choose variables observed together",
        )
    r = np.corrcoef(x, rowvar=False)
    with np.errstate(divide="ignore", invalid="ignore"):
        stat = r * np.sqrt((n - 2) / np.clip(1 - r**2, 0, None))
    p = 2 * special.stdtr(n - 2, -np.abs(stat))
    np.fill_diagonal(p, 0.0)
    return pd.DataFrame(r, index=variables, columns=variables), pd.DataFrame(
        p, index=variables, columns=variables
    )


def baseline_tables(
    data: pd.DataFrame,
    dependent: str,
    explanatory: Sequence[str],
    *,
    fixed_effects: str = FIXED_EFFECTS_DEFAULT,
    cov: str = COV_DEFAULT,
    entity: str = "code",
    time: str = "year",
    years: Sequence[int] | None = None,
    balance: str = BALANCE_DEFAULT,
    source: str | None = None,
) -> dict[str, pd.DataFrame]:
    """The results of a study's baseline: ``estimates`` (spec, term, estimate, std_error, z, p) and ``fit`` (one
    record per spec) of the regression on the first explanatory variable alone (spec ``(1)``) and on all of them
    (``(2)``, when there are controls); ``vif`` of the explanatory variables (when there are two or more) and
    ``correlations`` (a, b, r, p, n) of the dependent and explanatory variables, on the rows of the model's
    years."""
    explanatory = list(explanatory)
    specs = {"(1)": explanatory[:1]}
    if len(explanatory) > 1:
        specs["(2)"] = explanatory
    estimates, fits = [], []
    for spec, variables in specs.items():
        result = PanelRegression(
            data, dependent, variables, fixed_effects=fixed_effects, cov=cov, entity=entity, time=time,
            years=years, balance=balance, source=source,
        ).fit()  # fmt: skip
        estimates.append(result.estimates(spec))
        fits.append(result.record(spec))
    rows = data if years is None else data[data[time].astype(int).isin([int(y) for y in years])]
    variables = [dependent, *explanatory]
    r, p = correlations(rows, variables)
    n = int(rows[variables].dropna().shape[0])
    long = pd.DataFrame(
        [(a, b, r.loc[a, b], p.loc[a, b], n) for a in variables for b in variables],
        columns=["a", "b", "r", "p", "n"],
    )
    out = {
        "estimates": pd.concat(estimates, ignore_index=True),
        "fit": pd.DataFrame(fits),
        "correlations": long,
        "vif": vif(rows, explanatory, source)
        if len(explanatory) > 1
        else pd.DataFrame(columns=["variable", "vif", "tolerance"]),
    }
    return out
