"""Hansen's (1999) fixed-effects panel threshold regression: one, two or three thresholds of a threshold variable
q at which the slopes of the regime-dependent regressors x change, their bootstrap tests and confidence
intervals, as Stata's ``xthreg`` (Wang 2015, Stata Journal 15: 121-134) estimates them.

Model, for units i and years t of a balanced panel (Hansen 1999, J. Econometrics 93: 345-368, eq. 1 and sec. 4):

    y_it = mu_i + x_it' b_1 1(q_it <= g_1) + x_it' b_2 1(g_1 < q_it <= g_2) + ... + x_it' b_{k+1} 1(q_it > g_k)
           + z_it' d + e_it

with unit effects mu_i (``fixed_effects="unit"``, Hansen's model) or unit and year effects (``"two-way"``, year
dummies among the regressors as papers add them to ``xthreg``), both removed by demeaning (exact on a balanced
panel). For given thresholds the slopes are least squares on the demeaned data; the thresholds minimise the sum
of squared residuals S(g) over the candidates (eq. 6-7):

- candidates: the distinct values of q; a threshold is admitted where every regime it makes holds at least
  ``trim`` of the observations (Hansen's trimming, 1% by default as in ``xthreg``'s ``trim(0.01)``); ``grid``
  keeps that many of them at evenly spaced ranks (``xthreg``'s ``grid(#)``), all by default (an exact search);
- one threshold: g_1 = argmin S_1(g); two: g_2 = argmin S_2(g | g_1), then the refinement g_1^r = argmin
  S_2^r(g | g_2) (Hansen 1999, sec. 3.2; Bai 1997); three: g_3 = argmin S_3(g | g_1^r, g_2), not refined
  (as ``xthreg``).

Tests (sec. 3.3, 3.4): F_1 = (S_0 - S_1(g_1)) / s^2_1 with s^2_1 = S_1(g_1) / (N (T - 1)) (S_0: the linear model);
F_2 = (S_1(g_1) - S_2(g_2)) / s^2_2; F_3 = (S_2^r - S_3(g_3)) / s^2_3, S_2^r the sum of squares at (g_1^r, g_2).
Their p-values come from Hansen's bootstrap under the null model of each test: the null model's residuals (one
vector of T residuals per unit) are drawn unit by unit with replacement, added to its fitted values, and the
whole sequential search is done again on each draw; p is the share of the draws' F at or above F, and the 90%,
95% and 99% quantiles of the draws' F are its critical values. The draws come from a seeded generator.

Confidence intervals (sec. 3.2, eq. 16; Hansen 2000, Econometrica 68: 575-603): LR(g) = (S(g) - S(g^)) / s^2
over the candidates of each search, and the set LR(g) <= c(a) = -2 ln(1 - sqrt(1 - a)) (7.35 for 95%) as the
interval of g^ (its smallest and largest candidate). ``lr`` holds each search's LR(g) for the LR plot.

The slopes of the final model: least squares of y on the regime columns x 1(regime j) and z with standard
errors as :mod:`nqpf.models.baseline` computes them (clustered by unit by default).

The search is exact and needs no loop over candidates: with B the demeaned regressors of the linear model and
D_c the demeaned x 1(q <= c), every candidate's S follows from M_B D_c, made once (Frisch-Waugh-Lovell), by
S(c | F) = S_F - b_c' A_c^-1 b_c with b_c = D_c' M e_F and A_c = D_c' M_F D_c, F the columns of the thresholds
already found; a bootstrap draw costs a few matrix products.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from nqpf.errors import InputError
from nqpf.models import baseline
from nqpf.models.fixed_effects import demean
from nqpf.models.panel_data import Panel, check_regressors
from nqpf.models.settings import BALANCE_DEFAULT, LEVEL
from nqpf.models.settings import THRESHOLD_BOOTSTRAP as BOOTSTRAP
from nqpf.models.settings import THRESHOLD_EFFECTS as FIXED_EFFECTS
from nqpf.models.settings import THRESHOLD_TRIM as TRIM

MAX_THRESHOLDS = 3
TEST_NAMES = ("single", "double", "triple")
BATCH = 50
"""Bootstrap draws whose first search shares one product with the candidates' columns."""
MEMORY_CELLS = 60_000_000
"""The largest candidates x observations x regime variables searched at once (about 480 MB); beyond it the search
asks for a ``grid``."""


def critical_lr(level: float) -> float:
    """c(a) = -2 ln(1 - sqrt(level)) of Hansen (2000, eq. 21; 1999, eq. 16): 7.35 for 95%."""
    return -2.0 * math.log(1.0 - math.sqrt(level))


@dataclass
class _Design:
    """The demeaned data of a threshold model and each candidate's columns made orthogonal to the linear
    model's regressors."""

    y: np.ndarray  # (n,) demeaned dependent
    base: np.ndarray  # (n, p) demeaned regressors of the linear model (x then z)
    q: np.ndarray  # (n,) the threshold variable
    candidates: np.ndarray  # (C,) sorted
    columns: np.ndarray  # (C * m, n): row c*m + j is M_B D_c[:, j]
    gram: np.ndarray  # (C, m, m): D_c' M_B D_c
    m: int
    minimum: int  # fewest observations of a regime
    sorted_q: np.ndarray
    q_basis: np.ndarray  # Q of the base's QR
    crosses: dict = field(default_factory=dict)  # candidate index -> (C, m, m): D_c' M_B D_index

    def cross(self, index: int) -> np.ndarray:
        """D_c' M_B D_index for every candidate c, made once per index."""
        if index not in self.crosses:
            rows = self.columns[index * self.m : (index + 1) * self.m]
            self.crosses[index] = (self.columns @ rows.T).reshape(len(self.candidates), self.m, self.m)
        return self.crosses[index]


def _build(y, x, z, q, fixed_effects, trim, grid, t, n, name: str = "q") -> _Design:
    """The design of the search (see the module docstring); ``x`` (T, N, m), ``z`` (T, N, c), ``q`` (T, N), the
    threshold variable ``name``."""
    nobs = t * n
    m = x.shape[2]
    minimum = max(int(math.ceil(trim * nobs)), 1)
    sorted_q = np.sort(q.reshape(-1))
    values = np.unique(sorted_q)
    below = np.searchsorted(sorted_q, values, side="right")
    admitted = values[(below >= minimum) & (nobs - below >= minimum)]
    if grid is not None and len(admitted) > grid:
        admitted = admitted[np.unique(np.round(np.linspace(0, len(admitted) - 1, grid)).astype(int))]
    if len(admitted) == 0:
        raise InputError(
            f"no value of the threshold variable {name} leaves {trim:.0%} of the observations on each side",
            column=name,
            key="trim",
            fix="use a threshold variable with more distinct values, or a smaller trim",
        )
    cells = len(admitted) * nobs * m
    if cells > MEMORY_CELLS:
        raise InputError(
            f"an exact search over {len(admitted)} candidate thresholds of {nobs} observations needs "
            f"{cells * 8 / 1e9:.1f} GB",
            key="grid",
            fix="search a grid of candidates: grid=300 (xthreg's default) or fewer",
        )
    base = demean(np.concatenate([x, z], axis=2), fixed_effects).reshape(nobs, -1)
    q_basis, _ = np.linalg.qr(base)
    flat_x, flat_q = x.reshape(nobs, m), q.reshape(nobs)
    # D_c = demeaned x 1(q <= c) for every candidate, then made orthogonal to the base: (C, n, m)
    split = (flat_q[None, :] <= admitted[:, None])[:, :, None] * flat_x[None, :, :]
    split = demean(split.reshape(len(admitted), t, n, m).transpose(1, 2, 0, 3), fixed_effects)
    split = split.transpose(2, 0, 1, 3).reshape(len(admitted), nobs, m)
    split -= np.einsum("nk,ckm->cnm", q_basis, np.einsum("nk,cnm->ckm", q_basis, split))
    gram = np.einsum("cnm,cnl->cml", split, split)
    columns = np.ascontiguousarray(split.transpose(0, 2, 1).reshape(len(admitted) * m, nobs))
    return _Design(
        y=demean(y, fixed_effects).reshape(nobs),
        base=base,
        q=flat_q,
        candidates=admitted,
        columns=columns,
        gram=gram,
        m=m,
        minimum=minimum,
        sorted_q=sorted_q,
        q_basis=q_basis,
    )


def _admissible(design: _Design, fixed: Sequence[float]) -> np.ndarray:
    """Candidates that are not among ``fixed`` and leave every regime at least the minimum of observations."""
    c = design.candidates
    edges = np.sort(np.asarray(fixed, float))
    count = lambda v: np.searchsorted(design.sorted_q, v, side="right")  # noqa: E731
    position = np.searchsorted(edges, c, side="left")
    lower = np.where(position > 0, count(edges[np.maximum(position - 1, 0)]) if len(edges) else 0, 0)
    upper = np.where(
        position < len(edges),
        count(edges[np.minimum(position, len(edges) - 1)]) if len(edges) else 0,
        len(design.q),
    )
    own = count(c)
    ok = (own - lower >= design.minimum) & (upper - own >= design.minimum)
    if len(edges):
        ok &= ~np.isin(c, edges)
    return ok


def _search(
    design: _Design, scores: np.ndarray, ssr0: float, fixed: Sequence[float]
) -> tuple[np.ndarray, float]:
    """S(c | fixed) for every candidate (inf where not admitted) and S of the model with ``fixed`` alone, from
    ``scores`` = D_c' M_B y of every candidate (C, m) and ``ssr0`` = y' M_B y (the linear model's S)."""
    m, count = design.m, len(design.candidates)
    b = scores
    gram = design.gram
    ssr_fixed = ssr0
    if len(fixed):
        index = np.searchsorted(design.candidates, fixed)
        cross = np.concatenate([design.cross(int(i)) for i in index], axis=2)  # (C, m, g m): D_c' F
        h = cross[index].reshape(len(index) * m, -1)  # F'F
        fe = scores[index].reshape(-1)  # F'y
        h_inv = np.linalg.inv(h)
        ssr_fixed = ssr0 - float(fe @ h_inv @ fe)
        b = scores - cross @ (h_inv @ fe)
        gram = gram - (cross @ h_inv) @ cross.transpose(0, 2, 1)
    ok = _admissible(design, fixed)
    ssr = np.full(count, np.inf)
    if ok.any() and m == 1:
        ssr[ok] = ssr_fixed - b[ok, 0] ** 2 / gram[ok, 0, 0]
    elif ok.any():
        solved = np.linalg.solve(gram[ok], b[ok][:, :, None])[:, :, 0]
        ssr[ok] = ssr_fixed - np.einsum("cm,cm->c", b[ok], solved)
    return ssr, ssr_fixed


def _orthogonal(design: _Design, y: np.ndarray) -> np.ndarray:
    return y - design.q_basis @ (design.q_basis.T @ y)


@dataclass
class _Sequence:
    """One pass of the sequential estimation: the thresholds found at each stage, the criteria, the sums."""

    stages: list[dict] = field(default_factory=list)  # each: estimate, ssr (vector), given (tuple)
    ssr0: float = 0.0
    ssr: list[float] = field(default_factory=list)  # S_1, S_2, S_3 of the tests
    refined: float | None = None
    refined_ssr: np.ndarray | None = None
    thresholds: list[tuple[float, ...]] = field(
        default_factory=list
    )  # the thresholds of the k-threshold model


def _argmin(ssr: np.ndarray, design: _Design, what: str) -> int:
    if not np.isfinite(ssr).any():
        raise InputError(
            f"no candidate is left for the {what} threshold with every regime holding "
            f"{design.minimum} observations",
            key="thresholds",
            fix="estimate fewer thresholds, or lower trim",
        )
    return int(np.argmin(ssr))


def _first_scores(design: _Design, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For the demeaned dependents ``y`` (n,) or (n, B): the linear model's S of each and D_c' M_B y, (C, m) or
    (B, C, m), in one product with the candidates' columns (a bootstrap's draws at once)."""
    resid = _orthogonal(design, y)
    ssr0 = np.sum(resid**2, axis=0)
    scores = design.columns @ resid
    if resid.ndim == 1:
        return ssr0, scores.reshape(len(design.candidates), design.m)
    return ssr0, scores.T.reshape(resid.shape[1], len(design.candidates), design.m)


def _sequential(design: _Design, y: np.ndarray | None, k: int, first=None) -> _Sequence:
    """Thresholds one to ``k`` on the demeaned dependent ``y`` (Hansen 1999, sec. 3.2); ``first``: its
    (S_0, scores) when already computed (:func:`_first_scores`)."""
    out = _Sequence()
    ssr0, scores = first if first is not None else _first_scores(design, y)
    out.ssr0 = float(ssr0)
    c = design.candidates
    s1, _ = _search(design, scores, out.ssr0, [])
    g1 = c[_argmin(s1, design, "first")]
    out.stages.append({"estimate": g1, "ssr": s1, "given": ()})
    out.ssr.append(float(s1.min()))
    out.thresholds.append((g1,))
    if k >= 2:
        s2, _ = _search(design, scores, out.ssr0, [g1])
        g2 = c[_argmin(s2, design, "second")]
        out.stages.append({"estimate": g2, "ssr": s2, "given": (g1,)})
        out.ssr.append(float(s2.min()))
        r1, _ = _search(design, scores, out.ssr0, [g2])
        out.refined = float(c[_argmin(r1, design, "refined first")])
        out.refined_ssr = r1
        out.thresholds.append(tuple(sorted((out.refined, g2))))
        if k >= 3:
            s3, s2r = _search(design, scores, out.ssr0, [out.refined, g2])
            g3 = c[_argmin(s3, design, "third")]
            out.stages.append({"estimate": g3, "ssr": s3, "given": (out.refined, g2), "base": s2r})
            out.ssr.append(float(s3.min()))
            out.thresholds.append(tuple(sorted((out.refined, g2, g3))))
    return out


def _statistics(run: _Sequence, dof: int) -> list[float]:
    """F_1 .. F_k of a pass (see the module docstring)."""
    stats = [(run.ssr0 - run.ssr[0]) / (run.ssr[0] / dof)]
    if len(run.ssr) >= 2:
        stats.append((run.ssr[0] - run.ssr[1]) / (run.ssr[1] / dof))
    if len(run.ssr) >= 3:
        stats.append((run.stages[2]["base"] - run.ssr[2]) / (run.ssr[2] / dof))
    return stats


def _fitted(design: _Design, y: np.ndarray, thresholds: Sequence[float], x_flat: np.ndarray, fe, t, n):
    """Fitted values and residuals (demeaned) of the model with ``thresholds`` (none: the linear model)."""
    parts = [design.base]
    for g in sorted(thresholds):
        d = (design.q <= g)[:, None] * x_flat
        parts.append(demean(d.reshape(t, n, -1), fe).reshape(t * n, -1))
    regressors = np.concatenate(parts, axis=1)
    coef, *_ = np.linalg.lstsq(regressors, y, rcond=None)
    fitted = regressors @ coef
    return fitted, y - fitted


class PanelThreshold:
    """Hansen's (1999) panel threshold regression of ``dependent`` with the slopes of ``regime`` (one or more
    variables) changing at ``thresholds`` (1, 2 or 3) values of ``threshold_variable``, ``controls`` with one
    slope: see the module docstring.

        res = PanelThreshold(df, "nqpf", regime="infrastructure", threshold_variable="urbanisation",
                             controls=["gdp_per_capita"], thresholds=2, bootstrap=300, seed=1).fit()
        res.thresholds, res.tests, res.params, print(res.summary)

    ``fixed_effects`` unit (Hansen's model) or two-way; ``cov`` the standard errors of the slopes (clustered by
    unit, robust or unadjusted, :mod:`nqpf.models.baseline`); ``trim`` the least share of observations of a
    regime; ``grid`` the number of candidate thresholds (all distinct values by default); ``bootstrap`` the
    draws of each test (0: no p-values); ``seed`` fixes them; ``level`` the confidence of the intervals."""

    def __init__(
        self,
        data: pd.DataFrame,
        dependent: str,
        regime: str | Sequence[str],
        threshold_variable: str,
        controls: Sequence[str] = (),
        *,
        thresholds: int = 1,
        fixed_effects: str = "unit",
        cov: str = baseline.COV_DEFAULT,
        trim: float = TRIM,
        grid: int | None = None,
        bootstrap: int = BOOTSTRAP,
        seed: int = 0,
        level: float = LEVEL,
        entity: str = "code",
        time: str = "year",
        years: Sequence[int] | None = None,
        balance: str = BALANCE_DEFAULT,
        source: str | None = None,
    ):
        regime = [regime] if isinstance(regime, str) else list(regime)
        controls = [controls] if isinstance(controls, str) else list(controls)
        if not regime:
            raise InputError("no regime-dependent variable", key="regime", fix="name at least one variable")
        shared = sorted(set(regime) & set(controls))
        if shared:
            raise InputError(
                f"{', '.join(shared)} is both regime-dependent and a control",
                key="controls",
                fix="list each variable once: in regime (its slope changes at the thresholds) or in controls",
            )
        checks = (
            ("thresholds", thresholds in (1, 2, 3), "1, 2 or 3"),
            ("fixed_effects", fixed_effects in FIXED_EFFECTS, "unit (Hansen 1999) or two-way"),
            ("cov", cov in baseline.COVARIANCES, ", ".join(baseline.COVARIANCES)),
            ("trim", 0 < trim < 0.5 / thresholds, f"a share between 0 and {0.5 / thresholds:.3f}, say 0.01"),
            ("grid", grid is None or int(grid) >= 10, "at least 10 candidates, or None for all"),
            ("bootstrap", int(bootstrap) >= 0, "a number of draws such as 300 (0 for none)"),
            ("level", 0 < level < 1, "a confidence level such as 0.95"),
        )
        for key, ok, fix in checks:
            if not ok:
                raise InputError(f"{key} is {locals().get(key)!r}", key=key, fix=fix)
        found = baseline.panel_of(
            data,
            dependent,
            [*regime, *controls],
            entity=entity,
            time=time,
            years=years,
            balance=balance,
            source=source,
            extra=[threshold_variable],
        )
        self.panel, self.dropped, self.notes = found.panel, found.dropped, found.notes
        self.q = found.values(threshold_variable, source)
        if self.panel.t < 2:
            raise InputError(
                "a panel threshold model needs at least two years", key="years", fix="give more years"
            )
        check_regressors(self.panel, fixed_effects)
        self.regime, self.controls, self.threshold_variable = regime, controls, threshold_variable
        self.k, self.fixed_effects, self.cov = int(thresholds), fixed_effects, cov
        self.trim, self.grid, self.bootstrap = (
            float(trim),
            None if grid is None else int(grid),
            int(bootstrap),
        )
        self.seed, self.level = int(seed), float(level)

    @property
    def dependent(self) -> str:
        return self.panel.dependent

    def fit(self) -> ThresholdResults:
        panel, m = self.panel, len(self.regime)
        t, n = panel.t, panel.n
        x, z = panel.x[:, :, :m], panel.x[:, :, m:]
        design = _build(
            panel.y, x, z, self.q, self.fixed_effects, self.trim, self.grid, t, n, self.threshold_variable
        )
        dof = n * (t - 1)
        run = _sequential(design, design.y, self.k)
        stats = _statistics(run, dof)
        x_flat = x.reshape(t * n, m)
        draws = [np.full(self.bootstrap, np.nan) for _ in range(self.k)]
        rng = np.random.default_rng(self.seed)
        for j in range(self.k):  # the test of j + 1 thresholds against j
            null = () if j == 0 else run.thresholds[j - 1]
            fitted, resid = _fitted(design, design.y, null, x_flat, self.fixed_effects, t, n)
            resid = resid.reshape(t, n)
            for start in range(0, self.bootstrap, BATCH):
                count = min(BATCH, self.bootstrap - start)
                # the units whose residuals each draw takes, draw by draw
                picks = [rng.integers(0, n, size=n) for _ in range(count)]
                stars = np.column_stack(
                    [fitted + demean(resid[:, units], self.fixed_effects).reshape(-1) for units in picks]
                )
                ssr0, scores = _first_scores(design, stars)
                for b in range(count):
                    replica = _sequential(design, None, j + 1, first=(ssr0[b], scores[b]))
                    draws[j][start + b] = _statistics(replica, dof)[j]
        lr = self._lr(design, run, dof)
        return ThresholdResults(self, design, run, stats, draws, lr, self._slopes(run.thresholds[-1]))

    def _slopes(self, thresholds: Sequence[float]) -> baseline.PanelRegressionResults:
        """The within regression of the final model: each regime variable in each regime, then the controls."""
        panel, m = self.panel, len(self.regime)
        x, z = panel.x[:, :, :m], panel.x[:, :, m:]
        edges = [-np.inf, *thresholds, np.inf]
        parts, names = [], []
        for j in range(len(edges) - 1):
            parts.append(x * ((self.q > edges[j]) & (self.q <= edges[j + 1]))[:, :, None])
            names += [f"{v}_regime{j + 1}" for v in self.regime]
        regimes = Panel(panel.y, np.concatenate([*parts, z], axis=2), (*names, *self.controls), panel.ids,
                        panel.years, panel.dependent)  # fmt: skip
        model = baseline.PanelRegression.from_panel(regimes, fixed_effects=self.fixed_effects, cov=self.cov,
                                                    notes=self.notes)  # fmt: skip
        return model.fit()

    def _lr(self, design: _Design, run: _Sequence, dof: int) -> pd.DataFrame:
        """LR(g) of each search over the candidates (NaN where not admitted)."""
        out = {"candidate": design.candidates}
        searches = [("single", run.stages[0]["ssr"])]
        if self.k >= 2:
            searches += [("double", run.stages[1]["ssr"]), ("double_refined", run.refined_ssr)]
        if self.k >= 3:
            searches.append(("triple", run.stages[2]["ssr"]))
        for name, ssr in searches:
            best = float(np.min(ssr))
            values = (ssr - best) / (best / dof)
            out[f"lr_{name}"] = np.where(np.isfinite(values), values, np.nan)
        return pd.DataFrame(out)

    def __repr__(self) -> str:
        return (
            f"PanelThreshold({self.dependent} ~ {' + '.join(self.regime)} x regimes of {self.threshold_variable}"
            + (f" + {' + '.join(self.controls)}" if self.controls else "")
            + f", {self.k} threshold{'s' if self.k > 1 else ''}, {self.panel.n} units x {self.panel.t} years)"
        )


@dataclass(frozen=True)
class ThresholdResults:
    """A fitted :class:`PanelThreshold`: ``thresholds`` (each estimate with its LR interval), ``tests`` (F,
    bootstrap p-value and critical values of one, two and three thresholds), ``regimes`` (their bounds and
    observations), the slopes of the final model (``params``, ``std_errors``, ``pvalues``, ``conf_int()``,
    ``estimates()``), ``lr`` (LR(g) of each search, for the LR plot) and ``summary``."""

    model: PanelThreshold = field(repr=False)
    design: _Design = field(repr=False)
    run: _Sequence = field(repr=False)
    statistics: list[float]
    draws: list[np.ndarray] = field(repr=False)
    lr: pd.DataFrame = field(repr=False)
    slopes: baseline.PanelRegressionResults = field(repr=False)  # the within regression of the final model

    @property
    def estimates_of_thresholds(self) -> tuple[float, ...]:
        """The thresholds of the final model, in increasing order."""
        return self.run.thresholds[-1]

    @property
    def thresholds(self) -> pd.DataFrame:
        """One row per estimated threshold: the model (single, double, triple), its name (``g1``..), the
        estimate and the LR interval at ``level`` (Hansen 1999, eq. 16)."""
        critical = critical_lr(self.model.level)
        rows = []

        def interval(column):
            inside = self.lr[self.lr[column] <= critical]["candidate"]
            return float(inside.min()), float(inside.max())

        run = self.run
        rows.append(("single", "g1", run.stages[0]["estimate"], *interval("lr_single")))
        if self.model.k >= 2:
            rows.append(("double", "g1 (refined)", run.refined, *interval("lr_double_refined")))
            rows.append(("double", "g2", run.stages[1]["estimate"], *interval("lr_double")))
        if self.model.k >= 3:
            rows.append(("triple", "g3", run.stages[2]["estimate"], *interval("lr_triple")))
        return pd.DataFrame(rows, columns=["model", "threshold", "estimate", "ci_low", "ci_high"])

    @property
    def tests(self) -> pd.DataFrame:
        """One row per test (single: 0 against 1 threshold, double: 1 against 2, triple: 2 against 3): the sum of
        squares and mean square of the alternative, F, its bootstrap p-value and the 10%, 5% and 1% critical
        values, and the number of draws."""
        dof = self.model.panel.n * (self.model.panel.t - 1)
        rows = []
        for j, stat in enumerate(self.statistics):
            draws = self.draws[j]
            ssr = self.run.ssr[j]
            if len(draws):
                p = float(np.mean(draws >= stat))
                crit = np.quantile(draws, [0.9, 0.95, 0.99])
            else:
                p, crit = np.nan, [np.nan] * 3
            rows.append((TEST_NAMES[j], ssr, ssr / dof, stat, p, *crit, len(draws)))
        return pd.DataFrame(
            rows, columns=["test", "ssr", "mse", "f", "p", "crit10", "crit5", "crit1", "draws"]
        )

    @property
    def regimes(self) -> pd.DataFrame:
        """The regimes of the final model: number, lower and upper bound of q (open below, closed above), label,
        observations and their share."""
        edges = [-np.inf, *self.estimates_of_thresholds, np.inf]
        q = self.design.q
        rows = []
        for j in range(len(edges) - 1):
            low, high = edges[j], edges[j + 1]
            count = int(np.sum((q > low) & (q <= high)))
            if np.isinf(low):
                label = f"q <= {high:.6g}"
            elif np.isinf(high):
                label = f"q > {low:.6g}"
            else:
                label = f"{low:.6g} < q <= {high:.6g}"
            rows.append((j + 1, low, high, label, count, count / len(q)))
        return pd.DataFrame(rows, columns=["regime", "lower", "upper", "label", "n_obs", "share"])

    @property
    def params(self) -> pd.Series:
        return self.slopes.params

    @property
    def std_errors(self) -> pd.Series:
        return self.slopes.std_errors

    @property
    def pvalues(self) -> pd.Series:
        return self.slopes.pvalues

    def conf_int(self, level: float = 0.95) -> pd.DataFrame:
        return self.slopes.conf_int(level)

    @property
    def r2_within(self) -> float:
        return self.slopes.r2_within

    def estimates(self, spec: str = "main") -> pd.DataFrame:
        return self.slopes.estimates(spec)

    def frames(self) -> dict[str, pd.DataFrame]:
        """The results as the workflow writes them: ``thresholds``, ``tests``, ``regimes``, ``lr``, ``estimates``
        of the final model and its ``fit`` (one record)."""
        model, final = self.model, self.slopes
        fit = pd.DataFrame(
            [
                {
                    "dependent": model.dependent,
                    "threshold_variable": model.threshold_variable,
                    "regime": " ".join(model.regime),
                    "thresholds": model.k,
                    "fixed_effects": model.fixed_effects,
                    "cov": model.cov,
                    "trim": model.trim,
                    "candidates": len(self.design.candidates),
                    "bootstrap": model.bootstrap,
                    "seed": model.seed,
                    "level": model.level,
                    "n_units": model.panel.n,
                    "n_periods": model.panel.t,
                    "n_obs": final.nobs,
                    "r2_within": final.r2_within,
                }
            ]
        )
        return {
            "thresholds": self.thresholds,
            "tests": self.tests,
            "regimes": self.regimes,
            "lr": self.lr,
            "estimates": self.estimates("threshold"),
            "fit": fit,
        }

    @property
    def summary(self):
        from nqpf.models.spatial_panel import Summary

        model = self.model
        tests = self.tests
        header = [
            ("Model", f"Panel threshold regression (Hansen 1999), {model.k} threshold{'s' * (model.k > 1)}"),
            ("Dependent variable", model.dependent),
            ("Threshold variable", model.threshold_variable),
            ("Regime-dependent", ", ".join(model.regime)),
            ("Effects", model.fixed_effects),
            ("Units x years", f"{model.panel.n} x {model.panel.t}"),
            ("Candidates", f"{len(self.design.candidates)} (trim {model.trim:g})"),
            ("Bootstrap draws", str(model.bootstrap)),
        ]
        for _, row in self.thresholds.iterrows():
            header.append(
                (f"{row['threshold']}", f"{row['estimate']:.6g} [{row['ci_low']:.6g}, {row['ci_high']:.6g}]")
            )
        for _, row in tests.iterrows():
            header.append((f"F ({row['test']})", f"{row['f']:.4f} (p = {row['p']:.3f})"))
        final = self.slopes
        interval = final.conf_int()
        rows = pd.DataFrame(
            {
                "estimate": final.params,
                "std. error": final.std_errors,
                "t": final.tstats,
                "P>|t|": final.pvalues,
                "[0.025": interval["lower"],
                "0.975]": interval["upper"],
            }
        )
        notes = [
            *model.notes,
            *[f"regime {r.regime}: {r.label} ({r.n_obs} obs.)" for r in self.regimes.itertuples()],
        ]
        return Summary("Panel threshold regression", header, rows, notes)
