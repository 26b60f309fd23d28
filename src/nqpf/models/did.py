"""Policy evaluation of pilot policies (Broadband China, smart cities, big-data pilot zones, low-carbon
cities): the two-way fixed-effects difference-in-differences (DID), its event study and the placebo test of
the field's "quasi-natural experiment" papers.

Notation: units i of a balanced panel observed in years t; E_i the first year unit i is treated (the policy's
mapping; never-treated units have none); the cohort g: the units with E_i = g; D_it = 1(t >= E_i), an
absorbing treatment; K_it = t - E_i the year relative to treatment.

DID (:func:`did`):

    y_it = b D_it + x_it' c + mu_i + eta_t + e_it

estimated by the within estimator of :class:`nqpf.models.baseline.PanelRegression` (two-way effects; standard
errors clustered by unit by default, as Stata's ``reghdfe y did x, absorb(id year) vce(cluster id)``, robust
or unadjusted). b is the average effect on the treated (ATT) when the effect is the same in every cohort and
year. With staggered adoption (more than one cohort, ``staggered``) it is a weighted sum over the treated
cells of their effects Delta_it, b = sum_{D_it = 1} w_it Delta_it with w_it = d_it / sum_{D_it = 1} d_it, d
the residual of D on the fixed effects and the controls (de Chaisemartin and D'Haultfoeuille 2020, American
Economic Review 110: 2964-2996, Theorem 1; ``weights``). Some w_it are negative where already-treated units
serve as controls of units treated later, and b may then have the sign opposite to every Delta_it
(Goodman-Bacon 2021, Journal of Econometrics 225: 254-277: b is an average of all 2 x 2 DIDs, the "forbidden"
comparisons among them). ``negative_weights`` counts those cells: with staggered adoption and dynamic effects,
report ``event_study(method="sun_abraham")`` beside b.

Event study (:func:`event_study`): the relative-period dummies 1(K_it = k) for k = -leads .. lags without the
reference period r (-1 by default); with ``bin_ends`` the end points absorb the periods beyond them (K_it <=
-leads counts as -leads, K_it >= lags as lags: Beck, Levine and Levkov 2010, Journal of Finance 65:
1637-1667), without it the periods beyond get no dummy and are pooled with the reference period. Never-treated
units have every dummy 0. ``control_group`` sets the sample of both methods: ``"never"`` all units, ``"last"``
the cohorts alone with the last-treated one as comparison (below).

- ``method="twfe"``: y_it = sum_{k != r} b_k 1(K_it = k) + x_it' c + mu_i + eta_t + e_it, one regression.
  Under effects that differ across cohorts each b_k mixes the effects of other periods and cohorts with
  weights that need not be positive or sum to one (Sun and Abraham 2021, Journal of Econometrics 225: 175-199,
  sec. 3).
- ``method="sun_abraham"``: the interaction-weighted estimator of Sun and Abraham (2021, sec. 4). First the
  saturated regression y_it = sum_g sum_{k != r} delta_{g,k} 1(E_i = g) 1(K_it = k) + x_it' c + mu_i + eta_t +
  e_it on the cohorts and a comparison cohort C (``control_group="never"``: the never-treated units;
  ``"last"``: the last-treated cohort, the years from its first treated year dropped -- then every unit is
  treated and the year effects are not identified -- and the never-treated units left out), delta_{g,k} the
  cohort-specific effect CATT_{g,k}; then nu_k = sum_g w_{g,k} delta_{g,k} with w_{g,k} the cohort's share of
  the observations at relative period k (Pr(E_i = g | K_it = k) in the sample), var(nu_k) = w_k' V w_k by the
  delta method with V the clustered covariance of the delta. The weights are taken as fixed (as pyfixest's
  ``SaturatedEventStudy.aggregate``): for a pilot policy the cohorts are the set of units the government
  chose, not a sample; the weights' own sampling variance, which ``eventstudyinteract`` adds, is left out (on
  a balanced panel the weights of an unbinned period are the cohorts' sizes, fixed by the policy). The ATT
  averages delta_{g,k} over k >= 0 by the cohort-periods' shares of the treated observations (the post
  periods' nu_k weighted by their observations), with its delta-method variance.

Pre-trends: the joint Wald test that every lead (k < 0, k != r; for sun_abraham their averages nu_k) is 0, W =
b' V^-1 b, reported as F = W / q on (q, G - 1) degrees of freedom with clustered errors (Stata's ``test``
after ``reghdfe, vce(cluster)``; n - k - a otherwise) and as chi2(q).

Placebo (:func:`placebo`): Fisher's randomisation inference (Fisher 1935, The Design of Experiments), as the
field's papers draw 500 or 1,000 false treatments: the treatment is assigned again at random, ``"units"`` to
as many random units as are treated (without replacement) with the real cohorts' first years in random order,
``"timing"`` to the treated units with first years drawn uniformly from the panel's years after the first (no
false unit is always treated), ``"both"`` to random units with random years; the DID is estimated on each draw
and p = (1 + #{|b_draw| >= |b|}) / (1 + draws), over the draws whose D varies. Each draw costs a few vector
products: y and the controls are demeaned once and only the demeaned D changes (Frisch-Waugh-Lovell: b = d' M
y / d' M d, d the demeaned D, M the annihilator of the demeaned controls), the standard error from the same
covariance as the DID (:func:`nqpf.models.baseline.covariance`). The draws come from a seeded generator: the
same seed gives the same draws.
"""

from __future__ import annotations

import difflib
import numbers
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import special

from nqpf.errors import InputError, listed
from nqpf.models import baseline
from nqpf.models.fixed_effects import demean
from nqpf.models.panel_data import Panel
from nqpf.models.settings import (
    BALANCE_DEFAULT,
    CONTROL_GROUPS,
    COV_DEFAULT,
    COVARIANCES,
    DRAWS,
    INFERENCE_DEFAULT,
    LEVEL,
    METHOD_DEFAULT,
    PLACEBO_DRAWS,
    PLACEBO_MODES,
    POLICY_METHODS,
    POLICY_TERM,
)
from nqpf.models.settings import POLICY_FILES as POLICY_FILES  # the files of PolicyEvaluation.frames
from nqpf.units.codes import normalise_code

EFFECTS = "two-way"
TERM = POLICY_TERM
METHODS = POLICY_METHODS
BATCH = 100
"""Placebo draws demeaned at once."""
ESTIMATE_COLUMNS = ["term", "estimate", "std_error", "t", "p", "ci_low", "ci_high"]
PERIOD_COLUMNS = ["period", "estimate", "std_error", "t", "p", "ci_low", "ci_high", "n_obs_treated"]
PRETREND_COLUMNS = ["test", "leads", "f", "df_num", "df_den", "p", "chi2", "p_chi2"]


# -- the policy and the panel --------------------------------------------------------------------------------


def _first_year(value, code: str):
    """A first treated year as an int, None for never treated."""
    if value is None or value is pd.NA or (isinstance(value, (float, np.floating)) and np.isnan(value)):
        return None
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    if isinstance(value, numbers.Real) and float(value).is_integer():
        return int(value)
    raise InputError(
        f"the first treated year of unit {code} is {value!r}, not a year",
        key="policy",
        unit=code,
        fix="give the year the unit joined the pilot as an integer (2014), or None if it never did",
    )


def treatment(data: pd.DataFrame, policy, entity: str = "code", time: str = "year") -> np.ndarray:
    """D_it = 1(t >= the first treated year of unit i) of each row of ``data`` (0 for a unit never treated or
    absent from ``policy``), the treatment of the DID and of the spatial and dynamic models that carry the
    policy as a regressor (named ``did``)."""
    first = policy_years(policy, entity)
    codes = data[entity].map(normalise_code)
    first_year = codes.map(lambda code: first.get(code)).to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        return (data[time].to_numpy(dtype=float) >= first_year).astype(float)


def policy_of(data: pd.DataFrame, first_year: str, entity: str = "code", source: str | None = None) -> dict:
    """The policy held in a column of ``data``: unit -> its first pilot year from the column ``first_year`` (empty
    for a unit never treated), one per unit, as a study's frame carries the pilot list's unit attribute. A value
    that is not a year stops, naming the unit, the column and ``source``."""
    units = data.drop_duplicates(entity)
    out = {}
    for code, value in zip(units[entity], units[first_year], strict=True):
        try:
            out[code] = _first_year(value, str(code))
        except InputError as err:
            raise InputError(
                err.problem,
                file=source,
                unit=str(code),
                column=first_year,
                fix=f"give the year the unit joined the pilot as a whole number (2014) in the pilot list's column "
                f"that becomes the attribute {first_year} (units.attributes), or leave it empty if it never did",
            ) from None
    return out


def policy_years(policy, entity: str = "code") -> dict[str, int | None]:
    """Unit code (normalised as the panel's codes) -> first treated year (None: never treated) of ``policy``,
    a mapping or a table with columns ``code`` (or ``entity``) and ``first_year``."""
    if isinstance(policy, pd.DataFrame):
        column = "code" if "code" in policy.columns else entity if entity in policy.columns else None
        if column is None or "first_year" not in policy.columns:
            missing = [c for c in (column or "code", "first_year") if c not in policy.columns]
            raise InputError(
                f"the policy table has no column {', '.join(missing)}",
                key="policy",
                column=", ".join(missing),
                fix="give a table with columns code and first_year (the first year each unit is treated), or "
                "a mapping {code: first_year}; its columns: " + ", ".join(map(str, policy.columns)),
            )
        pairs = list(zip(policy[column], policy["first_year"], strict=True))
    elif isinstance(policy, Mapping):
        pairs = list(policy.items())
    else:
        raise InputError(
            f"policy is a {type(policy).__name__}",
            key="policy",
            fix="give a mapping {unit code: first treated year} or a table with columns code and first_year",
        )
    out: dict[str, int | None] = {}
    for raw, value in pairs:
        code = normalise_code(raw)
        if code is None:
            raise InputError("a unit of the policy has no code", key="policy", fix="give every unit its code")
        year = _first_year(value, code)
        if code in out and out[code] != year:
            raise InputError(
                f"unit {code} has two first treated years in the policy, {out[code]} and {year}",
                key="policy",
                unit=code,
                fix="give each unit one first treated year (the year it joined the pilot)",
            )
        out[code] = year
    return out


@dataclass(frozen=True)
class _Design:
    """The balanced panel of y and the controls, each unit's first treated year (NaN: never treated or, in a
    sample with a comparison cohort, that cohort) and the notes on what was left out."""

    panel: Panel
    first: np.ndarray  # (N,)
    notes: list[str]
    dropped: pd.DataFrame

    @property
    def treated(self) -> np.ndarray:
        return ~np.isnan(self.first)

    @property
    def cohorts(self) -> np.ndarray:
        return np.unique(self.first[self.treated]).astype(int)

    def treatment(self, first: np.ndarray | None = None) -> np.ndarray:
        """D (T, N) of the first years ``first`` (the policy's by default)."""
        first = self.first if first is None else first
        with np.errstate(invalid="ignore"):
            return (np.asarray(self.panel.years, float)[:, None] >= first[None, :]).astype(float)

    def relative(self) -> np.ndarray:
        """K_it = t - E_i (T, N), NaN for units without a first year."""
        return np.asarray(self.panel.years, float)[:, None] - self.first[None, :]


def _prepare(data, dependent, policy, controls, entity, time, years, balance, source) -> _Design:
    controls = [controls] if isinstance(controls, str) else list(controls)
    found = baseline.panel_of(
        data, dependent, controls, entity=entity, time=time, years=years, balance=balance, source=source
    )
    mapping = policy_years(policy, entity)
    known = set(found.frame["code"])
    unknown = [c for c in mapping if c not in known]
    if unknown:
        close = {c: difflib.get_close_matches(c, sorted(known), n=1) for c in unknown}
        hints = [f"{c} (did you mean {m[0]}?)" if m else c for c, m in close.items()]
        raise InputError(
            f"{len(unknown)} units of the policy are not in the panel: {listed(hints)}",
            file=source,
            key="policy",
            unit=unknown[0],
            fix="correct their codes to the panel's ("
            + listed(sorted(known), 5)
            + "), or remove them from the "
            "policy",
        )
    panel = found.panel
    notes = list(found.notes)
    out = [c for c in mapping if mapping[c] is not None and c not in set(panel.ids)]
    if out:
        notes.append(f"{len(out)} treated units are not among the units estimated (balance): {listed(out)}")
    first = np.array([np.nan if mapping.get(c) is None else float(mapping[c]) for c in panel.ids])
    start, end = panel.years[0], panel.years[-1]
    for mask, problem, fix in (
        (
            first <= start,
            f"treated from the panel's first year {start} or before: always treated in the sample, so their "
            "effect cannot be identified (they have no untreated year)",
            "drop these units from the data (kept as never treated, treated units would serve as controls), "
            "or give their true first treated year if it is later",
        ),
        (
            first > end,
            f"first treated after the panel's last year {end}: never treated in the sample",
            "map them to None to use them as never-treated comparison units, drop them from the data, or "
            "extend the years",
        ),
    ):
        with np.errstate(invalid="ignore"):
            units = [f"{panel.ids[i]} ({int(first[i])})" for i in np.flatnonzero(mask)]
        if units:
            raise InputError(
                f"{len(units)} units of the policy are {problem}",
                file=source,
                key="policy",
                unit=units[0].split(" ")[0],
                details=[listed(units)],
                fix=fix,
            )
    if not np.isfinite(first).any():
        raise InputError(
            "the policy treats none of the panel's units in the model's years",
            key="policy",
            fix="map the treated units' codes to their first treated years",
        )
    return _Design(panel, first, notes, found.dropped)


def _require_comparison(design: _Design) -> None:
    """A DID needs never-treated or not-yet-treated units: one cohort and no never-treated units is D_it
    collinear with the year effects."""
    if design.treated.all() and len(design.cohorts) == 1:
        raise InputError(
            f"every unit of the panel is treated, all from {design.cohorts[0]}: no never-treated and no "
            "not-yet-treated unit is left to compare with (D is collinear with the year effects)",
            key="policy",
            unit=design.panel.ids[0],
            fix="add units never treated in the sample (None in the policy), or study a policy adopted in "
            "different years",
        )


def _with_columns(design: _Design, columns: np.ndarray, names: Sequence[str]) -> Panel:
    """The panel with ``columns`` (T, N, m) named ``names`` before the controls."""
    panel = design.panel
    taken = sorted(set(names) & set(panel.names))
    if taken:
        raise InputError(
            f"the control {', '.join(taken)} has the name of a treatment term",
            key="controls",
            column=", ".join(taken),
            fix="rename the control",
        )
    x = np.concatenate([columns, panel.x], axis=2)
    return Panel(panel.y, x, (*names, *panel.names), panel.ids, panel.years, panel.dependent)


def _fit(panel: Panel, cov: str, notes) -> baseline.PanelRegressionResults:
    return baseline.PanelRegression.from_panel(panel, fixed_effects=EFFECTS, cov=cov, notes=notes).fit()


def _fit_periods(design: _Design, columns: np.ndarray, names: list[str], cov: str, notes):
    """The regression on the relative-period (or cohort x period) dummies and the controls; dummies collinear
    with the two-way effects stop with what to change."""
    try:
        return _fit(_with_columns(design, columns, names), cov, notes)
    except InputError as error:
        if not (error.column and set(error.column.split(", ")) & set(names)):
            raise
        raise InputError(
            "the relative-period dummies are collinear with the unit and year effects"
            + (
                ": with every unit eventually treated and every relative period of the panel a dummy, the "
                "event study is not identified (Borusyak, Jaravel and Spiess 2024, Review of Economic "
                "Studies)"
                if design.treated.all()
                else ""
            ),
            key="leads",
            details=error.details,
            fix="add never-treated units, narrow the window (fewer leads or lags) or bin its ends, or use "
            "method='sun_abraham' with control_group='last'",
        ) from error


def _check(cov: str, level: float) -> None:
    if cov not in COVARIANCES:
        raise InputError(f"cov is {cov!r}", key="cov", fix=", ".join(COVARIANCES))
    if not 0 < level < 1:
        raise InputError(f"level is {level!r}", key="level", fix="a confidence level such as 0.95")


def _inference(estimate, std_error, df: int, level: float) -> dict:
    """t, two-sided p on t(df) and the interval at ``level`` of estimates with their standard errors."""
    estimate, std_error = np.asarray(estimate, float), np.asarray(std_error, float)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = estimate / std_error
    half = special.stdtrit(df, 0.5 + level / 2) * std_error
    return {
        "estimate": estimate,
        "std_error": std_error,
        "t": t,
        "p": 2 * special.stdtr(df, -np.abs(t)),
        "ci_low": estimate - half,
        "ci_high": estimate + half,
    }


def _cohort_table(design: _Design, weights: np.ndarray | None = None) -> pd.DataFrame:
    """One row per cohort: first year, units, treated observations (and the sum and negative count of the
    de Chaisemartin-D'Haultfoeuille weights of its treated cells)."""
    d = design.treatment()
    rows = []
    for g in design.cohorts:
        members = design.first == g
        row = {"first_year": int(g), "n_units": int(members.sum()), "n_obs_treated": int(d[:, members].sum())}
        if weights is not None:
            w = weights[:, members][d[:, members] > 0]
            row |= {"weight": float(w.sum()), "negative_weights": int((w < 0).sum())}
        rows.append(row)
    return pd.DataFrame(rows)


# -- DID -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DidResults:
    """The two-way fixed-effects DID of :func:`did`: ``att`` (the coefficient of D) with ``std_error``, ``t``,
    ``p`` and the interval ``ci_low``, ``ci_high`` at ``level``; ``n_treated``, ``n_cohorts``,
    ``n_never_treated``; ``staggered`` (more than one cohort: see the module docstring); the de
    Chaisemartin-D'Haultfoeuille ``weights`` of the treated cells, ``negative_weights`` (their count below 0)
    and ``negative_weight_sum``; ``cohorts``; the fitted ``regression`` (all coefficients)."""

    att: float
    std_error: float
    t: float
    p: float
    ci_low: float
    ci_high: float
    level: float
    n_treated: int
    n_cohorts: int
    n_never_treated: int
    staggered: bool
    negative_weights: int
    negative_weight_sum: float
    weights: pd.DataFrame = field(repr=False)
    cohorts: pd.DataFrame = field(repr=False)
    regression: baseline.PanelRegressionResults = field(repr=False)
    notes: list[str] = field(default_factory=list, repr=False)

    def frames(self) -> dict[str, pd.DataFrame]:
        """The results as a DID stage writes them: ``att`` (one row), ``estimates`` (every coefficient, spec
        did), ``cohorts``, ``weights`` (code, year, first_year, weight of each treated cell) and ``fit``."""
        att = pd.DataFrame(
            [
                {
                    "term": TERM,
                    "estimate": self.att,
                    "std_error": self.std_error,
                    "t": self.t,
                    "p": self.p,
                    "ci_low": self.ci_low,
                    "ci_high": self.ci_high,
                    "level": self.level,
                    "n_treated": self.n_treated,
                    "n_cohorts": self.n_cohorts,
                    "n_never_treated": self.n_never_treated,
                    "staggered": self.staggered,
                    "negative_weights": self.negative_weights,
                    "negative_weight_sum": self.negative_weight_sum,
                }
            ]
        )
        return {
            "att": att,
            "estimates": self.regression.estimates(TERM),
            "cohorts": self.cohorts,
            "weights": self.weights,
            "fit": pd.DataFrame([self.regression.record(TERM)]),
        }

    @property
    def summary(self):
        from nqpf.models.spatial_panel import Summary

        fit = self.regression
        model = fit.model
        header = [
            ("Model", "Two-way fixed-effects DID"),
            ("Dependent variable", model.dependent),
            ("Units x years", f"{model.panel.n} x {model.panel.t}"),
            ("Treated units", f"{self.n_treated} in {self.n_cohorts} cohorts"),
            ("Never treated", str(self.n_never_treated)),
            ("Standard errors", model.cov),
            ("Negative weights", f"{self.negative_weights} cells, sum {self.negative_weight_sum:.4f}"),
        ]
        interval = fit.conf_int(self.level)
        rows = pd.DataFrame(
            {
                "estimate": fit.params,
                "std. error": fit.std_errors,
                "t": fit.tstats,
                "P>|t|": fit.pvalues,
                "ci_low": interval["lower"],
                "ci_high": interval["upper"],
            }
        )
        notes = list(self.notes)
        if self.staggered:
            notes.append(
                "staggered adoption: the TWFE estimate weighs the cohort-year effects, some negatively "
                "(de Chaisemartin and D'Haultfoeuille 2020; Goodman-Bacon 2021); see event_study(method="
                "'sun_abraham')"
            )
        return Summary("Difference-in-differences", header, rows, notes)


def _residual_treatment(design: _Design, d: np.ndarray) -> np.ndarray:
    """The residual of D (T, N, ...) on the two-way effects and the controls: demeaned, then orthogonal to the
    demeaned controls."""
    panel = design.panel
    shape = d.shape
    r = demean(d, EFFECTS).reshape(panel.t * panel.n, -1)
    if panel.x.shape[2]:
        basis, _ = np.linalg.qr(demean(panel.x, EFFECTS).reshape(panel.t * panel.n, -1))
        r = r - basis @ (basis.T @ r)
    return r.reshape(shape)


def did(
    data: pd.DataFrame,
    dependent: str,
    policy,
    controls: Sequence[str] = (),
    *,
    entity: str = "code",
    time: str = "year",
    cov: str = COV_DEFAULT,
    level: float = LEVEL,
    years: Sequence[int] | None = None,
    balance: str = BALANCE_DEFAULT,
    source: str | None = None,
) -> DidResults:
    """The two-way fixed-effects DID of ``dependent`` on D_it = 1(t >= first year of unit i) and ``controls``
    (module docstring). ``policy``: {unit code: first treated year} (units absent or mapped to None are never
    treated) or a table with columns code and first_year. ``cov``: clustered by unit (default), robust or
    unadjusted; ``data`` long, one row per unit and year, balanced in the model's variables (``balance=
    "drop_units"`` leaves out the units with a gap).

        res = nqpf.did(df, "nqpf", {"110000": 2014, "310000": 2015}, ["gdp_per_capita"])
        res.att, res.std_error, res.p, res.staggered, print(res.summary)
    """
    _check(cov, level)
    design = _prepare(data, dependent, policy, controls, entity, time, years, balance, source)
    return _did(design, cov, level)


def _did(design: _Design, cov: str, level: float) -> DidResults:
    _require_comparison(design)
    d = design.treatment()
    fit = _fit(_with_columns(design, d[:, :, None], [TERM]), cov, design.notes)
    values = _inference(fit.coef[0], np.sqrt(fit.cov[0, 0]), fit.df, level)
    resid = _residual_treatment(design, d)
    treated_cells = d > 0
    weights = np.where(treated_cells, resid / resid[treated_cells].sum(), 0.0)
    t_index, n_index = np.nonzero(treated_cells)
    cells = pd.DataFrame(
        {
            "code": np.asarray(design.panel.ids)[n_index],
            "year": np.asarray(design.panel.years)[t_index],
            "first_year": design.first[n_index].astype(int),
            "weight": weights[treated_cells],
        }
    )
    negative = cells["weight"] < -1e-12
    return DidResults(
        att=float(values["estimate"]),
        std_error=float(values["std_error"]),
        t=float(values["t"]),
        p=float(values["p"]),
        ci_low=float(values["ci_low"]),
        ci_high=float(values["ci_high"]),
        level=float(level),
        n_treated=int(design.treated.sum()),
        n_cohorts=len(design.cohorts),
        n_never_treated=int((~design.treated).sum()),
        staggered=len(design.cohorts) > 1,
        negative_weights=int(negative.sum()),
        negative_weight_sum=float(cells.loc[negative, "weight"].sum()),
        weights=cells,
        cohorts=_cohort_table(design, weights),
        regression=fit,
        notes=list(design.notes),
    )


# -- event study ---------------------------------------------------------------------------------------------


def period_name(k: int) -> str:
    """The term of relative period k: pre_3, current, post_2 (the names of the field's event-study tables)."""
    return "current" if k == 0 else f"pre_{-k}" if k < 0 else f"post_{k}"


@dataclass(frozen=True)
class Wald:
    """A joint Wald test: F on (df_num, df_den) and chi2 on df_num, with their p-values."""

    f: float
    df_num: int
    df_den: int
    p: float
    chi2: float
    p_chi2: float


def _wald(b: np.ndarray, v: np.ndarray, df: int) -> Wald:
    if len(b) == 0:
        return Wald(np.nan, 0, df, np.nan, np.nan, np.nan)
    rank = int(np.linalg.matrix_rank(v))
    chi2 = float(b @ np.linalg.pinv(v) @ b)
    f = chi2 / rank
    return Wald(f, rank, int(df), float(special.fdtrc(rank, df, f)), chi2, float(special.chdtrc(rank, chi2)))


@dataclass(frozen=True)
class EventStudyResults:
    """The event study of :func:`event_study`: ``table`` (period, estimate, std_error, t, p, ci_low, ci_high,
    n_obs_treated; the reference period a row with estimate 0 and no standard error), ``cov`` (of the
    estimated periods), ``pretrend`` (the joint Wald test of the leads), for ``sun_abraham`` the ``att`` (a
    one-row frame) and the ``cohort_effects`` (delta_{g,k} with their weights), and the fitted ``regression``.
    """

    method: str
    control_group: str
    reference: int
    leads: int
    lags: int
    bin_ends: bool
    level: float
    table: pd.DataFrame
    cov: pd.DataFrame = field(repr=False)
    pretrend: Wald = field(repr=False)
    att: pd.DataFrame | None = field(repr=False)
    cohort_effects: pd.DataFrame = field(repr=False)
    cohorts: pd.DataFrame = field(repr=False)
    regression: baseline.PanelRegressionResults = field(repr=False)
    notes: list[str] = field(default_factory=list, repr=False)

    @property
    def pretrend_frame(self) -> pd.DataFrame:
        w = self.pretrend
        leads = " ".join(str(k) for k in self.table["period"] if k < 0 and k != self.reference)
        return pd.DataFrame(
            [("leads", leads, w.f, w.df_num, w.df_den, w.p, w.chi2, w.p_chi2)], columns=PRETREND_COLUMNS
        )

    def frames(self) -> dict[str, pd.DataFrame]:
        """The results as an event-study stage writes them: ``event_study`` (the table), ``pretrend``, ``att``
        (sun_abraham; no rows for twfe), ``cohort_effects`` (sun_abraham), ``cohorts``, ``estimates`` (every
        coefficient of the regression) and ``fit``."""
        fit = self.regression.record(self.method) | {
            "control_group": self.control_group,
            "reference": self.reference,
            "leads": self.leads,
            "lags": self.lags,
            "bin_ends": self.bin_ends,
        }
        att = self.att if self.att is not None else pd.DataFrame(columns=[*ESTIMATE_COLUMNS, "n_obs_treated"])
        return {
            "event_study": self.table,
            "pretrend": self.pretrend_frame,
            "att": att,
            "cohort_effects": self.cohort_effects,
            "cohorts": self.cohorts,
            "estimates": self.regression.estimates(self.method),
            "fit": pd.DataFrame([fit]),
        }

    @property
    def summary(self):
        from nqpf.models.spatial_panel import Summary

        model = self.regression.model
        w = self.pretrend
        header = [
            ("Model", "Event study, " + ("TWFE" if self.method == "twfe" else "Sun and Abraham (2021)")),
            ("Dependent variable", model.dependent),
            ("Units x years", f"{model.panel.n} x {model.panel.t}"),
            ("Comparison", "never treated" if self.control_group == "never" else "last-treated cohort"),
            ("Window", f"{-self.leads} .. {self.lags}{' (ends binned)' if self.bin_ends else ''}"),
            ("Reference period", str(self.reference)),
            ("Pre-trends", f"F({w.df_num}, {w.df_den}) = {w.f:.4f}, p = {w.p:.4f}"),
        ]
        if self.att is not None:
            row = self.att.iloc[0]
            header.append(("ATT", f"{row['estimate']:.4f} (s.e. {row['std_error']:.4f})"))
        return Summary("Event study", header, self.table.set_index("period"), list(self.notes))


def _comparison_sample(design: _Design, control_group: str, method: str) -> _Design:
    """The sample and comparison units of ``control_group`` (module docstring)."""
    if control_group == "never":
        if method == "sun_abraham" and design.treated.all():
            raise InputError(
                "the panel has no never-treated unit to serve as the comparison of the Sun-Abraham estimator",
                key="control_group",
                fix="control_group='last' (the last-treated cohort as comparison), or add never-treated "
                "units",
            )
        return design
    cohorts = design.cohorts
    if len(cohorts) < 2:
        raise InputError(
            f"control_group 'last' needs two cohorts or more; the policy has one ({cohorts[0]})",
            key="control_group",
            fix="control_group='never' with never-treated units",
        )
    last = cohorts[-1]
    panel = design.panel
    keep_years = np.asarray(panel.years) < last
    keep_units = np.flatnonzero(design.treated)
    cut = panel.subset(keep_units)
    cut = Panel(
        cut.y[keep_years],
        cut.x[keep_years],
        cut.names,
        cut.ids,
        tuple(y for y in panel.years if y < last),
        cut.dependent,
    )
    first = design.first[keep_units].copy()
    first[first == last] = np.nan
    notes = [
        *design.notes,
        f"comparison: the last-treated cohort ({last}, {int((design.first == last).sum())} units); the years "
        f"from {last} dropped",
    ]
    if (~design.treated).any():
        notes.append(f"{int((~design.treated).sum())} never-treated units left out (control_group 'last')")
    return _Design(cut, first, notes, design.dropped)


def event_study(
    data: pd.DataFrame,
    dependent: str,
    policy,
    controls: Sequence[str] = (),
    *,
    leads: int = 4,
    lags: int = 4,
    reference: int = -1,
    bin_ends: bool = True,
    method: str = "twfe",
    control_group: str = "never",
    cov: str = COV_DEFAULT,
    level: float = LEVEL,
    entity: str = "code",
    time: str = "year",
    years: Sequence[int] | None = None,
    balance: str = BALANCE_DEFAULT,
    source: str | None = None,
) -> EventStudyResults:
    """The event study of ``dependent`` around each unit's first treated year (module docstring): relative
    periods -``leads`` .. ``lags`` without ``reference``, the ends binned (``bin_ends``), by one TWFE
    regression (``method="twfe"``) or Sun and Abraham's interaction-weighted estimator (``"sun_abraham"``)
    with never-treated units or the last-treated cohort as comparison (``control_group``).

        res = nqpf.event_study(df, "nqpf", policy, ["gdp_per_capita"], method="sun_abraham")
        res.table, res.pretrend.p, res.att
    """
    _check(cov, level)
    checks = (
        ("method", method in METHODS, " or ".join(METHODS)),
        ("control_group", control_group in CONTROL_GROUPS, " or ".join(CONTROL_GROUPS)),
        ("leads", isinstance(leads, numbers.Integral) and leads >= 0, "a number of years before, such as 4"),
        ("lags", isinstance(lags, numbers.Integral) and lags >= 0, "a number of years after, such as 4"),
    )
    for key, ok, fix in checks:
        if not ok:
            raise InputError(f"{key} is {locals()[key]!r}", key=key, fix=fix)
    if not (isinstance(reference, numbers.Integral) and -leads <= reference <= lags):
        raise InputError(
            f"reference is {reference!r}, outside the window {-leads} .. {lags}",
            key="reference",
            fix="a relative period of the window, usually -1 (the year before treatment)",
        )
    leads, lags, reference = int(leads), int(lags), int(reference)
    design = _prepare(data, dependent, policy, controls, entity, time, years, balance, source)
    if method == "twfe" or control_group == "never":
        _require_comparison(design)
    design = _comparison_sample(design, control_group, method)
    relative = design.relative()
    if bin_ends:
        relative = np.clip(relative, -leads, lags)
    else:
        with np.errstate(invalid="ignore"):
            relative = np.where((relative < -leads) | (relative > lags), np.nan, relative)
    periods = [k for k in range(-leads, lags + 1) if k != reference]
    counts = {k: int(np.sum(relative == k)) for k in [*periods, reference]}
    empty = [k for k in periods if counts[k] == 0]
    if empty:
        with np.errstate(invalid="ignore"):
            span = design.relative()[np.isfinite(design.relative())]
        raise InputError(
            f"no treated unit is observed at relative period {', '.join(map(str, empty))} in the model's "
            "years",
            key="leads" if empty[0] < 0 else "lags",
            fix=f"choose leads and lags the panel covers (its treated units span {int(span.min())} .. "
            f"{int(span.max())} years around treatment)",
        )
    notes = list(design.notes)
    if not bin_ends:
        notes.append(
            f"periods beyond {-leads} .. {lags} have no dummy: they are pooled with the reference period "
            f"{reference}"
        )
    if method == "twfe":
        estimate, cov_periods, fit, effects, att = _twfe(design, relative, periods, cov, notes)
    else:
        estimate, cov_periods, fit, effects, att = _sun_abraham(
            design, relative, periods, reference, cov, notes
        )
    values = _inference(estimate, np.sqrt(np.diag(cov_periods)), fit.df, level)
    table = pd.DataFrame({"period": periods, **values, "n_obs_treated": [counts[k] for k in periods]})
    reference_row = pd.DataFrame(
        [{"period": reference, "estimate": 0.0, "n_obs_treated": counts[reference]}], columns=PERIOD_COLUMNS
    )
    table = pd.concat([table, reference_row], ignore_index=True).sort_values("period", ignore_index=True)
    table = table.astype({"period": int, "n_obs_treated": int})[PERIOD_COLUMNS]
    leads_index = [j for j, k in enumerate(periods) if k < 0]
    pretrend = _wald(estimate[leads_index], cov_periods[np.ix_(leads_index, leads_index)], fit.df)
    if att is not None:
        a, n_post = att
        value, variance = float(a @ fit.coef[: len(a)]), float(a @ fit.cov[: len(a), : len(a)] @ a)
        row = _inference(value, np.sqrt(variance), fit.df, level)
        att = pd.DataFrame(
            [{"term": "att", **{k: float(v) for k, v in row.items()}, "n_obs_treated": n_post}]
        )
    names = [period_name(k) for k in periods]
    return EventStudyResults(
        method=method,
        control_group=control_group,
        reference=reference,
        leads=leads,
        lags=lags,
        bin_ends=bool(bin_ends),
        level=float(level),
        table=table,
        cov=pd.DataFrame(cov_periods, index=names, columns=names),
        pretrend=pretrend,
        att=att,
        cohort_effects=effects,
        cohorts=_cohort_table(design),
        regression=fit,
        notes=notes,
    )


def _twfe(design: _Design, relative: np.ndarray, periods: list[int], cov: str, notes):
    columns = np.stack([(relative == k).astype(float) for k in periods], axis=2)
    fit = _fit_periods(design, columns, [period_name(k) for k in periods], cov, notes)
    m = len(periods)
    effects = pd.DataFrame(
        columns=["cohort", "period", "n_obs", "weight", "att_weight", "estimate", "std_error"]
    )
    return fit.coef[:m], fit.cov[:m, :m], fit, effects, None


def _sun_abraham(design: _Design, relative: np.ndarray, periods: list[int], reference: int, cov: str, notes):
    """The saturated regression and its interaction-weighted averages (module docstring)."""
    cells, columns, counts = [], [], []
    for g in design.cohorts:
        members = (design.first == g)[None, :]
        free = members & (np.isnan(relative) | (relative == reference))
        if not free.any():
            raise InputError(
                f"cohort {g} has no year at the reference period {reference} (or outside the window): its "
                "effects are not identified apart from its units' fixed effects",
                key="reference",
                fix="choose a reference period every cohort is observed at, or leave the cohort out",
            )
        for k in periods:
            cell = members & (relative == k)
            if cell.any():
                cells.append((int(g), k))
                columns.append(cell.astype(float))
                counts.append(int(cell.sum()))
    names = [f"cohort_{g}:{period_name(k)}" for g, k in cells]
    fit = _fit_periods(design, np.stack(columns, axis=2), names, cov, notes)
    c = len(cells)
    counts = np.asarray(counts, float)
    cell_period = np.array([k for _, k in cells])
    weights = np.zeros((len(periods), c))
    for j, k in enumerate(periods):
        here = cell_period == k
        weights[j, here] = counts[here] / counts[here].sum()
    delta, v = fit.coef[:c], fit.cov[:c, :c]
    post = cell_period >= 0
    a = np.where(post, counts / counts[post].sum(), 0.0)
    effects = pd.DataFrame(
        {
            "cohort": [g for g, _ in cells],
            "period": cell_period,
            "n_obs": counts.astype(int),
            "weight": weights.sum(axis=0),
            "att_weight": a,
            "estimate": delta,
            "std_error": np.sqrt(np.diag(v)),
        }
    )
    return weights @ delta, weights @ v @ weights.T, fit, effects, (a, int(counts[post].sum()))


# -- placebo -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlaceboResults:
    """The placebo test of :func:`placebo`: the ``actual`` DID, each draw's ``estimates``, ``std_errors`` and
    ``tstats`` (NaN where a draw's D has no variation left), ``p_value`` (the randomisation p-value, module
    docstring), the draws' first years ``assignments`` (draws x units, NaN never treated, units in the order
    of ``ids``)."""

    actual: DidResults
    mode: str
    seed: int
    estimates: np.ndarray
    std_errors: np.ndarray
    tstats: np.ndarray
    p_value: float
    assignments: np.ndarray = field(repr=False)
    ids: tuple[str, ...] = field(repr=False)
    df: int = field(repr=False)

    @property
    def draws(self) -> int:
        return len(self.estimates)

    def frames(self) -> dict[str, pd.DataFrame]:
        """``draws`` (draw, estimate, std_error, t, p: the distribution plot's data) and ``summary`` (one row:
        the actual estimate and t, the draws' mean and s.d., the randomisation p-value, mode, seed)."""
        valid = np.isfinite(self.estimates)
        draws = pd.DataFrame(
            {
                "draw": np.arange(self.draws),
                "estimate": self.estimates,
                "std_error": self.std_errors,
                "t": self.tstats,
                "p": 2 * special.stdtr(self.df, -np.abs(self.tstats)),
            }
        )
        summary = pd.DataFrame(
            [
                {
                    "actual": self.actual.att,
                    "actual_t": self.actual.t,
                    "draws": self.draws,
                    "valid_draws": int(valid.sum()),
                    "mean": float(np.mean(self.estimates[valid])),
                    "sd": float(np.std(self.estimates[valid], ddof=1)),
                    "p_randomisation": self.p_value,
                    "share_t_beyond": float(np.mean(np.abs(self.tstats[valid]) >= abs(self.actual.t))),
                    "mode": self.mode,
                    "seed": self.seed,
                }
            ]
        )
        return {"draws": draws, "summary": summary}


def _assignments(design: _Design, mode: str, draws: int, rng: np.random.Generator) -> np.ndarray:
    """First years (draws, N) of the false treatments (module docstring)."""
    n = design.panel.n
    treated = np.flatnonzero(design.treated)
    real = design.first[treated]
    out = np.full((draws, n), np.nan)
    span = np.asarray(design.panel.years[1:], float)
    if mode == "timing":
        out[:, treated] = rng.choice(span, size=(draws, len(treated)))
        return out
    units = np.argsort(rng.random((draws, n)), axis=1)[:, : len(treated)]  # random units in random order
    years = np.broadcast_to(real, units.shape) if mode == "units" else rng.choice(span, size=units.shape)
    np.put_along_axis(out, units, years, axis=1)
    return out


def _fast_did(design: _Design, first: np.ndarray, cov: str) -> tuple[np.ndarray, np.ndarray]:
    """The DID estimate and standard error of each row of first years ``first`` (B, N), the controls and y
    demeaned once (Frisch-Waugh-Lovell)."""
    panel = design.panel
    t, n, k = panel.t, panel.n, panel.x.shape[2] + 1
    df = baseline.residual_df(n, t, k, EFFECTS)
    clustered = baseline.clustered_k(t, k, EFFECTS)
    y = demean(panel.y, EFFECTS).reshape(-1)
    basis = None
    if k > 1:
        basis, _ = np.linalg.qr(demean(panel.x, EFFECTS).reshape(t * n, -1))
        y = y - basis @ (basis.T @ y)
    coef, std_error = np.full(len(first), np.nan), np.full(len(first), np.nan)
    years = np.asarray(panel.years, float)
    for start in range(0, len(first), BATCH):
        part = first[start : start + BATCH]
        with np.errstate(invalid="ignore"):
            d = (years[None, :, None] >= part[:, None, :]).astype(float)  # (B, T, N)
        d = demean(d.transpose(1, 2, 0), EFFECTS).reshape(t * n, -1)  # (T N, B)
        if basis is not None:
            d = d - basis @ (basis.T @ d)
        dd = np.einsum("ob,ob->b", d, d)
        for j in np.flatnonzero(dd > 1e-9):
            b = float(d[:, j] @ y) / dd[j]
            resid = (y - b * d[:, j]).reshape(t, n)
            fit = baseline.LinearFit(np.array([b]), resid, np.array([[1.0 / dd[j]]]))
            variance = baseline.covariance(fit, d[:, j].reshape(t, n, 1), cov, df, clustered)[0, 0]
            coef[start + j], std_error[start + j] = b, np.sqrt(variance)
    return coef, std_error


def placebo(
    data: pd.DataFrame,
    dependent: str,
    policy,
    controls: Sequence[str] = (),
    *,
    draws: int = PLACEBO_DRAWS,
    seed: int = 0,
    mode: str = "units",
    cov: str = COV_DEFAULT,
    level: float = LEVEL,
    entity: str = "code",
    time: str = "year",
    years: Sequence[int] | None = None,
    balance: str = BALANCE_DEFAULT,
    source: str | None = None,
) -> PlaceboResults:
    """The placebo test of the DID (module docstring): ``draws`` false treatments of ``mode`` units (random
    units, the real first years), timing (the treated units, random first years) or both, seeded by ``seed``.

        res = nqpf.placebo(df, "nqpf", policy, ["gdp_per_capita"], draws=500, seed=1)
        res.p_value, res.frames()["draws"]
    """
    if mode not in PLACEBO_MODES:
        raise InputError(f"mode is {mode!r}", key="mode", fix=", ".join(PLACEBO_MODES))
    if not (isinstance(draws, numbers.Integral) and draws >= 1):
        raise InputError(f"draws is {draws!r}", key="draws", fix="a number of draws such as 500")
    _check(cov, level)
    design = _prepare(data, dependent, policy, controls, entity, time, years, balance, source)
    actual = _did(design, cov, level)
    rng = np.random.default_rng(seed)
    first = _assignments(design, mode, int(draws), rng)
    coef, std_error = _fast_did(design, first, cov)
    valid = np.isfinite(coef)
    with np.errstate(divide="ignore", invalid="ignore"):
        tstats = coef / std_error
    extreme = int(np.sum(np.abs(coef[valid]) >= abs(actual.att) * (1 - 1e-12)))
    return PlaceboResults(
        actual=actual,
        mode=mode,
        seed=int(seed),
        estimates=coef,
        std_errors=std_error,
        tstats=tstats,
        p_value=(1 + extreme) / (1 + int(valid.sum())),
        assignments=first,
        ids=design.panel.ids,
        df=actual.regression.df,
    )


# -- spatial DID -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SpatialDidResults:
    """The results of :func:`spatial_did`: ``effects`` (the direct, indirect and total effects of the treatment,
    rows of the lag model's effects table), the fitted lag model ``fit`` (its ``params`` hold b_D and, in an SDM,
    theta_D of W D), ``impacts`` (the effects of every regressor) and the policy's counts."""

    effects: pd.DataFrame
    fit: object = field(repr=False)
    impacts: object = field(repr=False)
    n_treated: int
    n_cohorts: int
    n_never_treated: int
    notes: list[str] = field(default_factory=list)

    def frames(self) -> dict[str, pd.DataFrame]:
        """The results as a stage writes them: ``effects`` (of every regressor, D first), ``estimates`` and
        ``fit``."""
        record = self.fit.record(
            "spatial_did",
            {
                "model": self.fit.fit.model,
                "weights": self.fit.model.weights,
                "n_treated": self.n_treated,
                "n_cohorts": self.n_cohorts,
                "n_never_treated": self.n_never_treated,
            },
        )
        return {
            "effects": self.impacts.table,
            "estimates": self.fit.estimates("spatial_did"),
            "fit": pd.DataFrame([record]),
        }


def spatial_did(
    data: pd.DataFrame,
    dependent: str,
    policy,
    controls: Sequence[str] = (),
    w=None,
    *,
    model: str = "sdm",
    method: str = METHOD_DEFAULT,
    draws: int = DRAWS,
    seed: int = 0,
    level: float = LEVEL,
    inference: str = INFERENCE_DEFAULT,
    entity: str = "code",
    time: str = "year",
    years: Sequence[int] | None = None,
    balance: str = BALANCE_DEFAULT,
    source: str | None = None,
) -> SpatialDidResults:
    """The spatial DID: the treatment D_it = 1(t >= first year of unit i) in a two-way fixed-effects spatial lag
    model, y = rho W y + b_D D + theta_D W D + X c + W X t + mu + eta + e (an SDM; ``model="sar"`` without the W
    lags), whose effects of D (LeSage and Pace 2009, sec. 2.7) split the policy's effect into the pilot units'
    own (direct) and their neighbours' (indirect, spillover) parts: the effect of the policy on a pilot unit
    through its own and its neighbours' feedback, and on units near the pilots, as the field's spatial DID papers
    report them (the policy's "siphon" or "demonstration" effect on neighbours). The policy is checked as by
    :func:`did` (units in the panel, a comparison group, no unit treated in every year). ``w``: the spatial
    weights; the effects' inference (``draws``, ``seed``, ``level``, ``inference``) as
    :meth:`nqpf.SpatialPanelModel.impacts`.

        res = nqpf.spatial_did(df, "nqpf", {"110000": 2014, "310000": 2015}, ["gdp_per_capita"], w)
        res.effects  # direct, indirect and total effects of the policy
    """
    from nqpf.models.spatial_panel import SpatialPanelModel

    if w is None:
        raise InputError(
            "the spatial DID needs spatial weights",
            key="w",
            fix="pass w (nqpf.SpatialWeights), or use nqpf.did for the non-spatial DID",
        )
    if model not in ("sdm", "sar"):
        raise InputError(
            f"model is {model!r}: the spatial DID is a lag model", key="model", fix="use sdm or sar"
        )
    controls = [controls] if isinstance(controls, str) else list(controls)
    design = _prepare(data, dependent, policy, controls, entity, time, years, balance, source)
    _require_comparison(design)
    first = dict(zip(design.panel.ids, design.first, strict=True))
    frame = data.assign(**{entity: data[entity].map(normalise_code)})
    frame = frame.assign(**{TERM: treatment(frame, first, entity, time)})
    fit = SpatialPanelModel(
        frame,
        dependent,
        [TERM, *controls],
        w,
        model=model,
        fixed_effects=EFFECTS,
        method=method,
        entity=entity,
        time=time,
        years=years,
        balance=balance,
        source=source,
    ).fit()
    impacts = fit.impacts(draws=draws, seed=seed, level=level, inference=inference)
    table = impacts.table
    return SpatialDidResults(
        effects=table[table["variable"] == TERM].reset_index(drop=True),
        fit=fit,
        impacts=impacts,
        n_treated=int(design.treated.sum()),
        n_cohorts=len(design.cohorts),
        n_never_treated=int((~design.treated).sum()),
        notes=[*design.notes, *fit.notes],
    )


# -- the policy section of a paper in one call -----------------------------------------------------------------


@dataclass(frozen=True)
class PolicyEvaluation:
    """The policy section of an effect paper (:func:`evaluate`): ``did``, ``event_studies`` by method,
    ``placebo`` (None without draws) and ``spatial`` (None without W)."""

    did: DidResults
    event_studies: dict[str, EventStudyResults]
    placebo: PlaceboResults | None
    spatial: SpatialDidResults | None

    def frames(self) -> dict[str, pd.DataFrame]:
        """The results as the policy stage writes them (``POLICY_FILES``): the DID (``did``: the ATT row;
        ``did_estimates``, ``cohorts``, ``weights``), the event studies with a ``method`` column (``event_study``,
        ``pretrend``, ``event_att``, ``cohort_effects``), the placebo test (``placebo``: its draws;
        ``placebo_summary``), the spatial DID (``spatial_effects``: the effects of every regressor, D first;
        ``spatial_estimates``) and ``fit``: one record per analysis (spec did, twfe, sun_abraham, spatial_did)."""
        did = self.did.frames()
        out = {
            "did": did["att"],
            "did_estimates": did["estimates"],
            "cohorts": did["cohorts"],
            "weights": did["weights"],
        }
        fits = [did["fit"]]
        parts: dict[str, list[pd.DataFrame]] = {
            "event_study": [],
            "pretrend": [],
            "event_att": [],
            "cohort_effects": [],
        }
        for method, result in self.event_studies.items():
            frames = result.frames()
            for name, key in (
                ("event_study", "event_study"),
                ("pretrend", "pretrend"),
                ("event_att", "att"),
                ("cohort_effects", "cohort_effects"),
            ):
                if len(frames[key]):
                    parts[name].append(frames[key].assign(method=method)[["method", *frames[key].columns]])
            fits.append(frames["fit"])
        for name, found in parts.items():
            out[name] = pd.concat(found, ignore_index=True) if found else pd.DataFrame(columns=["method"])
        if self.placebo is not None:
            placebo = self.placebo.frames()
            out["placebo"], out["placebo_summary"] = placebo["draws"], placebo["summary"]
        else:
            out["placebo"] = pd.DataFrame(columns=["draw", "estimate", "std_error", "t", "p"])
            out["placebo_summary"] = pd.DataFrame(columns=["actual", "draws", "p_randomisation"])
        if self.spatial is not None:
            spatial = self.spatial.frames()
            out["spatial_effects"], out["spatial_estimates"] = spatial["effects"], spatial["estimates"]
            fits.append(spatial["fit"])
        else:
            out["spatial_effects"] = pd.DataFrame(
                columns=["variable", "effect", "estimate", "std_error", "p"]
            )
            out["spatial_estimates"] = pd.DataFrame(
                columns=["spec", "term", "estimate", "std_error", "z", "p"]
            )
        out["fit"] = pd.concat(fits, ignore_index=True)
        return out


def evaluate(
    data: pd.DataFrame,
    dependent: str,
    policy,
    controls: Sequence[str] = (),
    w=None,
    *,
    methods: Sequence[str] = POLICY_METHODS,
    leads: int = 4,
    lags: int = 4,
    control_group: str = "never",
    bin_ends: bool = True,
    cov: str = COV_DEFAULT,
    placebo_draws: int = PLACEBO_DRAWS,
    placebo_mode: str = "units",
    model: str = "sdm",
    method: str = METHOD_DEFAULT,
    draws: int = DRAWS,
    seed: int = 0,
    level: float = LEVEL,
    entity: str = "code",
    time: str = "year",
    years: Sequence[int] | None = None,
    balance: str = BALANCE_DEFAULT,
    source: str | None = None,
) -> PolicyEvaluation:
    """The policy section of a quasi-natural-experiment paper in one call: :func:`did`, :func:`event_study` with
    each of ``methods``, :func:`placebo` with ``placebo_draws`` draws (none when 0) and, with ``w``,
    :func:`spatial_did` (its effects seeded by ``seed``; the placebo draws by ``seed`` too).

        res = nqpf.models.did.evaluate(df, "y", policy, ["x"], w, placebo_draws=500, seed=1)
        res.frames()["event_study"]
    """
    common = {"entity": entity, "time": time, "years": years, "balance": balance, "source": source}
    result = did(data, dependent, policy, controls, cov=cov, level=level, **common)
    studies = {
        m: event_study(
            data,
            dependent,
            policy,
            controls,
            leads=leads,
            lags=lags,
            method=m,
            control_group=control_group,
            bin_ends=bin_ends,
            cov=cov,
            level=level,
            **common,
        )
        for m in methods
    }
    test = None
    if placebo_draws:
        test = placebo(
            data, dependent, policy, controls, draws=placebo_draws, seed=seed, mode=placebo_mode, cov=cov,
            level=level, **common,
        )  # fmt: skip
    spatial = None
    if w is not None:
        spatial = spatial_did(
            data, dependent, policy, controls, w, model=model, method=method, draws=draws, seed=seed,
            level=level, **common,
        )  # fmt: skip
    return PolicyEvaluation(result, studies, test, spatial)
