"""The geographical detector (地理探测器; Wang et al. 2010, International Journal of Geographical Information
Science 24(1); Wang and Xu 2017, Acta Geographica Sinica 72(1)): how much of the spatial variation of a response y
the strata of a factor X explain, whether two factors interact, which strata differ and which factor explains
more. A factor is categorical (a region, a zone, a class); a continuous one is discretised first
(:mod:`nqpf.drivers.discretisation`, by hand or by the optimal parameters-based detector).

Factor detector (:func:`factor_detector`): with N units in L strata h of N_h units, y's mean Ybar_h and population
variance sigma_h^2 in stratum h and sigma^2 over all units,

    q = 1 - SSW / SST,    SSW = sum_h N_h sigma_h^2,    SST = N sigma^2,

the share of the variance of y between strata. Its test is that of Wang, Zhang and Fu (2016, Ecological
Indicators 67; restated by Wang and Xu 2017): F = (N - L) / (L - 1) * q / (1 - q) follows the non-central F
distribution F(L - 1, N - L; lambda) with

    lambda = (1 / sigma^2) [ sum_h Ybar_h^2 - (1 / N) (sum_h sqrt(N_h) Ybar_h)^2 ],

and p = 1 - F_cdf(F; L - 1, N - L, lambda) (``scipy.special.ncfdtr``; a p-value below about 1e-15 loses its
precision and may show as 0).
sigma^2 here is the population variance SST / N, as in q (``lambda_variance="population"``, the PyPI geodetector's
and gdverse's choice); the authors' R package geodetector (1.0-5) divides by the sample variance SST / (N - 1)
instead (``lambda_variance="sample"``), which gives the p-values of its documented example. As published, lambda
is computed from the sample means and is never negative (Cauchy-Schwarz), so p is never below the p-value of the
central F test (the one-way analysis of variance, lambda = 0): the test is conservative. With strata of equal size
lambda = sum_h (Ybar_h - Ybar)^2 / sigma^2 = L q; with strata of unequal size it changes when a constant is added
to y (the p-value with it). Both are properties of the published formula, kept here as it stands.
q = 1 (no variance within strata) gives F infinite and p = 0. A factor with more strata than half the units is
refused, as the R package refuses it: it is most likely a continuous variable to discretise, and the F test would
have few degrees of freedom left.

Strata of one unit (the classic formula, kept here): a stratum of one unit has sigma_h^2 = 0 and counts in N, L and
lambda like any other, as in Wang et al. (2010) and the R package geodetector. The PyPI geodetector (0.2.0) and
gdverse instead drop the units of single-unit strata before computing q (and its p-value), which changes q
wherever such strata occur; that is mostly in the interaction detector, where the intersections of two factors
leave many strata of one unit. Their number is reported (``single_unit_strata``).

Interaction detector (:func:`interaction_detector`): q(X1 ∩ X2) is the q of the strata of the intersection (every
pair of a stratum of X1 and one of X2 that has units), compared with q1 = q(X1) and q2 = q(X2) (Wang and
Xu 2017):

    nonlinear_weaken    q12 < min(q1, q2)
    univariate_weaken   min(q1, q2) <= q12 <= max(q1, q2)
    bivariate_enhance   max(q1, q2) < q12 < q1 + q2
    independent         q12 = q1 + q2
    nonlinear_enhance   q12 > q1 + q2

The equalities hold within ``tolerance`` (absolute, on the q scale, default 1e-10): q12 within it of min or max
counts as between them, and within it of q1 + q2 as independent (checked after the weakening types, so that
q2 = 0 and q12 = q1 stays univariate_weaken). On the same units the intersection refines both partitions, so with
single-unit strata kept q12 >= max(q1, q2) up to rounding: nonlinear_weaken does not occur, and univariate_weaken
only where one factor adds nothing within the strata of the other (q12 = max(q1, q2)).

Risk detector (:func:`risk_detector`): the mean of y in each stratum and, for every pair of strata, Welch's t-test
of Wang et al. (2010), t = (Ybar_1 - Ybar_2) / sqrt(s_1^2 / n_1 + s_2^2 / n_2) with the sample variances
s^2 and the Welch-Satterthwaite degrees of freedom
df = (s_1^2/n_1 + s_2^2/n_2)^2 / [(s_1^2/n_1)^2 / (n_1 - 1) + (s_2^2/n_2)^2 / (n_2 - 1)] (not rounded, as in
``scipy.stats.ttest_ind(equal_var=False)``; the R package rounds it), and the two-sided p-value. A pair with a
stratum of one unit (no variance to estimate) or with no variance in either stratum has t, df and p NaN and is
not significant; the pair is still listed.

Ecological detector (:func:`ecological_detector`): whether X1 and X2 leave significantly different within-strata
variance (Wang et al. 2010),

    F = [N_x1 (N_x2 - 1) SSW_x1] / [N_x2 (N_x1 - 1) SSW_x2]  ~  F(N_x1 - 1, N_x2 - 1),

which on the same units is (1 - q1) / (1 - q2). ``p_value`` is two-sided, 2 min(P(F' <= F), P(F' >= F)) capped at 1
(the PyPI geodetector's), ``p_upper`` the upper tail P(F' >= F) alone (gdverse's one-sided test that X2 explains
more than X1); significance is ``p_value`` < alpha.

Input: y and every factor must have a value for every unit (a missing value is an error naming the factor and the
rows); y must vary; a factor needs at least two strata.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import TYPE_CHECKING

import numpy as np
from scipy.special import fdtr, fdtrc, ncfdtr, stdtr

if TYPE_CHECKING:
    import pandas as pd

TOLERANCE = 1e-10
INTERACTION_TYPES = (
    "nonlinear_weaken",
    "univariate_weaken",
    "bivariate_enhance",
    "independent",
    "nonlinear_enhance",
)
LAMBDA_VARIANCES = ("population", "sample")
FACTOR_COLUMNS = (
    "factor",
    "n",
    "strata",
    "single_unit_strata",
    "q",
    "f",
    "df_1",
    "df_2",
    "noncentrality",
    "p_value",
    "significant",
)
INTERACTION_COLUMNS = (
    "factor_1",
    "factor_2",
    "q_1",
    "q_2",
    "q_12",
    "strata_12",
    "single_unit_strata",
    "interaction",
)
RISK_MEAN_COLUMNS = ("factor", "stratum", "n", "mean", "variance")
RISK_COLUMNS = (
    "factor",
    "stratum_1",
    "stratum_2",
    "n_1",
    "n_2",
    "mean_1",
    "mean_2",
    "difference",
    "t",
    "df",
    "p_value",
    "significant",
)
ECOLOGICAL_COLUMNS = (
    "factor_1",
    "factor_2",
    "q_1",
    "q_2",
    "ssw_1",
    "ssw_2",
    "f",
    "df_1",
    "df_2",
    "p_value",
    "p_upper",
    "significant",
)
DISCRETISATION_COLUMNS = ("factor", "method", "k", "q", "smallest_class", "valid", "note", "chosen")


# -- input ----------------------------------------------------------------------------------------------------------


def _rows(mask: np.ndarray, index=None) -> str:
    """The rows of ``mask``: their labels in ``index`` (a Series' index) or their positions, the first five."""
    rows = np.flatnonzero(mask)
    labels = [index[r] for r in rows[:5]] if index is not None else rows[:5]
    shown = ", ".join(str(r) for r in labels)
    return shown + (f" and {len(rows) - 5} more" if len(rows) > 5 else "")


def _response(y, name: str = "y") -> np.ndarray:
    try:
        values = np.asarray(y, dtype=float).ravel()
    except (TypeError, ValueError) as error:
        raise ValueError(f"{name} must be numeric: {error}") from None
    bad = ~np.isfinite(values)
    if bad.any():
        raise ValueError(
            f"{name} has {int(bad.sum())} missing, non-numeric or infinite values (rows "
            f"{_rows(bad, getattr(y, 'index', None))}); the detectors need a value for every unit: drop those "
            f"units or fill the values"
        )
    if len(values) < 3:
        raise ValueError(f"{name} has {len(values)} units; the detectors need at least 3")
    if np.ptp(values) == 0:
        raise ValueError(
            f"{name} is constant ({values[0]:.6g} for every unit): there is no variance to explain"
        )
    return values


@dataclass(frozen=True)
class _Strata:
    codes: np.ndarray  # 0..L-1 for every unit
    labels: np.ndarray  # the label of each stratum, sorted where the labels sort
    counts: np.ndarray  # units per stratum


def _strata(values, n: int, name: str, *, factor: bool = True) -> _Strata:
    """The strata of a factor's ``values`` for n units: checked (length, missing values, at least two strata and,
    for a factor on its own, no more than half as many strata as units) and coded."""
    import pandas as pd

    series = values if isinstance(values, pd.Series) else pd.Series(np.asarray(values, dtype=object).ravel())
    if len(series) != n:
        raise ValueError(f"factor {name!r} has {len(series)} values for {n} units of y")
    missing = series.isna().to_numpy()
    if missing.any():
        raise ValueError(
            f"factor {name!r} has {int(missing.sum())} missing values (rows {_rows(missing, series.index)}); "
            f"every unit needs a stratum: drop those units or give them a stratum"
        )
    try:
        codes, labels = pd.factorize(series, sort=True)
    except TypeError:  # labels of mixed types do not sort: keep their order of appearance
        codes, labels = pd.factorize(series, sort=False)
    labels = np.asarray(labels, dtype=object)
    if len(labels) < 2:
        raise ValueError(
            f"factor {name!r} has {len(labels)} stratum ({labels[0]!r}); the detectors need at least two strata"
        )
    if factor and len(labels) > n / 2:
        raise ValueError(
            f"factor {name!r} has {len(labels)} strata for {n} units, more than half as many strata as units: it "
            f"looks continuous; discretise it (nqpf.drivers.discretisation) or merge strata"
        )
    return _Strata(
        codes=codes.astype(np.int64), labels=labels, counts=np.bincount(codes, minlength=len(labels))
    )


def _given(strata, n: int, name: str, *, factor: bool = True) -> _Strata:
    return strata if isinstance(strata, _Strata) else _strata(strata, n, name, factor=factor)


# -- the variance decomposition -------------------------------------------------------------------------------------


def _decompose(y: np.ndarray, codes: np.ndarray, strata: int) -> tuple[np.ndarray, np.ndarray, float, float]:
    """Units and mean per stratum, SSW and SST."""
    counts = np.bincount(codes, minlength=strata)
    means = np.bincount(codes, weights=y, minlength=strata) / counts
    ssw = float(np.sum((y - means[codes]) ** 2))
    sst = float(np.sum((y - y.mean()) ** 2))
    return counts, means, ssw, sst


def _q(ssw: float, sst: float) -> float:
    return float(min(max(1.0 - ssw / sst, 0.0), 1.0))


def q_statistic(y, strata) -> float:
    """The q-statistic 1 - SSW / SST of ``y`` for the ``strata`` (any labels, one per unit), single-unit strata
    kept (module docstring)."""
    values = _response(y)
    given = _given(strata, len(values), "strata", factor=False)
    _, _, ssw, sst = _decompose(values, given.codes, len(given.labels))
    return _q(ssw, sst)


# -- factor detector ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FactorResult:
    """The factor detector of one factor: ``q``, the F statistic ``f`` with ``df_1`` = L - 1 and ``df_2`` = N - L,
    the non-centrality ``noncentrality`` (lambda) and ``p_value``; ``n`` units in ``strata`` strata, of which
    ``single_unit_strata`` have one unit; the stratum ``labels``, ``counts``, ``means`` and the sums of squares."""

    q: float
    f: float
    df_1: int
    df_2: int
    noncentrality: float
    p_value: float
    n: int
    strata: int
    single_unit_strata: int
    labels: np.ndarray = field(repr=False)
    counts: np.ndarray = field(repr=False)
    means: np.ndarray = field(repr=False)
    ssw: float = field(repr=False)
    sst: float = field(repr=False)


def factor_detector(y, strata, *, lambda_variance: str = "population", name: str = "x") -> FactorResult:
    """The factor detector (module docstring) of ``y`` stratified by ``strata`` (one label per unit; ``name``
    names the factor in errors): q and its non-central F test, with lambda over the population variance of y or,
    ``lambda_variance="sample"``, over the sample variance (the R package geodetector's)."""
    if lambda_variance not in LAMBDA_VARIANCES:
        raise ValueError(
            f"lambda_variance must be one of {', '.join(LAMBDA_VARIANCES)}, not {lambda_variance!r}"
        )
    values = _response(y)
    given = _given(strata, len(values), name)
    n, strata_count = len(values), len(given.labels)
    counts, means, ssw, sst = _decompose(values, given.codes, strata_count)
    q = _q(ssw, sst)
    df_1, df_2 = strata_count - 1, n - strata_count
    sigma2 = sst / n if lambda_variance == "population" else sst / (n - 1)
    spread = np.sum(means**2) - np.sum(np.sqrt(counts) * means) ** 2 / n
    noncentrality = max(float(spread / sigma2), 0.0)
    if q >= 1.0:
        f, p = np.inf, 0.0
    else:
        f = df_2 / df_1 * q / (1.0 - q)
        p = float(min(max(1.0 - ncfdtr(df_1, df_2, noncentrality, f), 0.0), 1.0))
    return FactorResult(
        q=q,
        f=float(f),
        df_1=df_1,
        df_2=df_2,
        noncentrality=noncentrality,
        p_value=p,
        n=n,
        strata=strata_count,
        single_unit_strata=int((counts == 1).sum()),
        labels=given.labels,
        counts=counts,
        means=means,
        ssw=ssw,
        sst=sst,
    )


# -- interaction detector -------------------------------------------------------------------------------------------


def interaction_type(q_1: float, q_2: float, q_12: float, tolerance: float = TOLERANCE) -> str:
    """The interaction type (:data:`INTERACTION_TYPES`) of q(X1 ∩ X2) = ``q_12`` with q(X1) = ``q_1`` and
    q(X2) = ``q_2``, the equalities within ``tolerance`` (module docstring)."""
    if tolerance < 0:
        raise ValueError(f"tolerance must not be negative, not {tolerance}")
    if not np.isfinite([q_1, q_2, q_12]).all():
        raise ValueError(f"the q values must be finite, not {q_1}, {q_2}, {q_12}")
    low, high, both = min(q_1, q_2), max(q_1, q_2), q_1 + q_2
    if q_12 < low - tolerance:
        return "nonlinear_weaken"
    if q_12 <= high + tolerance:
        return "univariate_weaken"
    if abs(q_12 - both) <= tolerance:
        return "independent"
    return "bivariate_enhance" if q_12 < both else "nonlinear_enhance"


@dataclass(frozen=True)
class InteractionResult:
    """The interaction of two factors: ``q_1``, ``q_2``, ``q_12`` = q(X1 ∩ X2) over ``strata_12`` intersected
    strata (``single_unit_strata`` of them with one unit, kept) and the ``interaction`` type."""

    q_1: float
    q_2: float
    q_12: float
    strata_12: int
    single_unit_strata: int
    interaction: str


def _intersection(first: _Strata, second: _Strata) -> np.ndarray:
    pairs = first.codes * len(second.labels) + second.codes
    return np.unique(pairs, return_inverse=True)[1].astype(np.int64)


def interaction_detector(
    y, strata_1, strata_2, *, tolerance: float = TOLERANCE, names: tuple[str, str] = ("x1", "x2")
) -> InteractionResult:
    """The interaction detector (module docstring) of two factors' strata for ``y``; ``names`` name them in
    errors."""
    values = _response(y)
    first = _given(strata_1, len(values), names[0])
    second = _given(strata_2, len(values), names[1])
    both = _intersection(first, second)
    strata_12 = int(both.max()) + 1
    q_1 = _q(*_decompose(values, first.codes, len(first.labels))[2:])
    q_2 = _q(*_decompose(values, second.codes, len(second.labels))[2:])
    counts, _, ssw, sst = _decompose(values, both, strata_12)
    q_12 = _q(ssw, sst)
    return InteractionResult(
        q_1=q_1,
        q_2=q_2,
        q_12=q_12,
        strata_12=strata_12,
        single_unit_strata=int((counts == 1).sum()),
        interaction=interaction_type(q_1, q_2, q_12, tolerance),
    )


# -- risk detector --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RiskResult:
    """The risk detector of one factor: ``means`` (columns stratum, n, mean, variance: the sample variance, NaN
    for a stratum of one unit) and ``tests``, one row per pair of strata (columns stratum_1, stratum_2, n_1, n_2,
    mean_1, mean_2, difference, t, df, p_value, significant)."""

    means: pd.DataFrame
    tests: pd.DataFrame


def risk_detector(y, strata, *, alpha: float = 0.05, name: str = "x") -> RiskResult:
    """The risk detector (module docstring) of ``y`` stratified by ``strata``: the stratum means and Welch's
    t-test of every pair of strata, significant where p < ``alpha``."""
    import pandas as pd

    _check_alpha(alpha)
    values = _response(y)
    given = _given(strata, len(values), name)
    count = len(given.labels)
    counts, means, _, _ = _decompose(values, given.codes, count)
    squares = np.bincount(given.codes, weights=(values - means[given.codes]) ** 2, minlength=count)
    with np.errstate(invalid="ignore", divide="ignore"):
        variances = np.where(counts > 1, squares / (counts - 1), np.nan)
    first, second = (
        np.array(side, dtype=np.int64) for side in zip(*combinations(range(count), 2), strict=True)
    )
    share_1 = variances[first] / counts[first]
    share_2 = variances[second] / counts[second]
    spread = share_1 + share_2
    difference = means[first] - means[second]
    with np.errstate(invalid="ignore", divide="ignore"):
        defined = np.isfinite(spread) & (spread > 0)
        t = np.where(defined, difference / np.sqrt(spread), np.nan)
        df = np.where(
            defined,
            spread**2 / (share_1**2 / (counts[first] - 1) + share_2**2 / (counts[second] - 1)),
            np.nan,
        )
        p = np.where(defined, 2.0 * stdtr(df, -np.abs(t)), np.nan)
    table = pd.DataFrame(
        {
            "stratum_1": given.labels[first],
            "stratum_2": given.labels[second],
            "n_1": counts[first],
            "n_2": counts[second],
            "mean_1": means[first],
            "mean_2": means[second],
            "difference": difference,
            "t": t,
            "df": df,
            "p_value": p,
            "significant": np.nan_to_num(p, nan=1.0) < alpha,
        }
    )
    stratum_means = pd.DataFrame({"stratum": given.labels, "n": counts, "mean": means, "variance": variances})
    return RiskResult(means=stratum_means, tests=table)


def _check_alpha(alpha: float) -> None:
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must lie between 0 and 1, not {alpha}")


# -- ecological detector --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EcologicalResult:
    """The ecological detector of two factors: the within-strata sums of squares ``ssw_1`` and ``ssw_2`` over
    ``n_1`` and ``n_2`` units, ``f`` with ``df_1``, ``df_2``, the two-sided ``p_value`` and the upper-tail
    ``p_upper``, and whether the difference is ``significant``."""

    q_1: float
    q_2: float
    n_1: int
    n_2: int
    ssw_1: float
    ssw_2: float
    f: float
    df_1: int
    df_2: int
    p_value: float
    p_upper: float
    significant: bool


def ecological_detector(
    y, strata_1, strata_2, *, alpha: float = 0.05, names: tuple[str, str] = ("x1", "x2")
) -> EcologicalResult:
    """The ecological detector (module docstring) of two factors' strata for ``y``: the F test of their
    within-strata sums of squares."""
    _check_alpha(alpha)
    values = _response(y)
    first = _given(strata_1, len(values), names[0])
    second = _given(strata_2, len(values), names[1])
    _, _, ssw_1, sst = _decompose(values, first.codes, len(first.labels))
    _, _, ssw_2, _ = _decompose(values, second.codes, len(second.labels))
    n_1 = n_2 = len(values)  # both factors stratify the same units
    df_1, df_2 = n_1 - 1, n_2 - 1
    if ssw_2 > 0:
        f = n_1 * (n_2 - 1) * ssw_1 / (n_2 * (n_1 - 1) * ssw_2)
        upper, lower = float(fdtrc(df_1, df_2, f)), float(fdtr(df_1, df_2, f))
        p = min(1.0, 2.0 * min(upper, lower))
    elif ssw_1 > 0:
        f, upper, p = np.inf, 0.0, 0.0
    else:  # neither leaves variance within its strata: nothing to compare
        f, upper, p = np.nan, np.nan, np.nan
    return EcologicalResult(
        q_1=_q(ssw_1, sst),
        q_2=_q(ssw_2, sst),
        n_1=n_1,
        n_2=n_2,
        ssw_1=ssw_1,
        ssw_2=ssw_2,
        f=float(f),
        df_1=df_1,
        df_2=df_2,
        p_value=float(p),
        p_upper=float(upper),
        significant=bool(np.isfinite(p) and p < alpha),
    )


# -- all four -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GeoDetectorResults:
    """The four detectors of ``y`` over ``n`` units, as tidy tables with stable columns:

    - ``factor`` (:data:`FACTOR_COLUMNS`): factor, n, strata, single_unit_strata, q, f, df_1, df_2, noncentrality,
      p_value, significant (p_value < alpha);
    - ``interaction`` (:data:`INTERACTION_COLUMNS`): every pair factor_1, factor_2 (in the order given) with q_1,
      q_2, q_12, strata_12, single_unit_strata and the interaction type (:data:`INTERACTION_TYPES`);
    - ``risk_means`` (:data:`RISK_MEAN_COLUMNS`): factor, stratum, n, mean, variance;
    - ``risk`` (:data:`RISK_COLUMNS`): factor, stratum_1, stratum_2, n_1, n_2, mean_1, mean_2, difference, t, df,
      p_value, significant;
    - ``ecological`` (:data:`ECOLOGICAL_COLUMNS`): factor_1, factor_2, q_1, q_2, ssw_1, ssw_2, f, df_1, df_2,
      p_value (two-sided), p_upper, significant;
    - ``discretisation`` (:data:`DISCRETISATION_COLUMNS`): for each discretised factor every candidate method and
      k with its q, whether it was valid and why not, and which was chosen (one row per factor discretised by a
      given method and k); ``discretisations`` the chosen :class:`~nqpf.drivers.discretisation.Discretisation` of each.

    A discretised factor's strata are labelled by their intervals ("[low, e_1]", "(e_1, e_2]", ...)."""

    y: str
    n: int
    alpha: float
    tolerance: float
    lambda_variance: str
    factor: pd.DataFrame
    interaction: pd.DataFrame
    risk_means: pd.DataFrame
    risk: pd.DataFrame
    ecological: pd.DataFrame
    discretisation: pd.DataFrame
    discretisations: dict = field(default_factory=dict, repr=False)

    def interaction_matrix(self) -> pd.DataFrame:
        """The factors x factors matrix of q: q(X) on the diagonal, q(X1 ∩ X2) off it (symmetric)."""
        import pandas as pd

        names = list(self.factor["factor"])
        matrix = pd.DataFrame(np.nan, index=names, columns=names)
        for row in self.factor.itertuples():
            matrix.loc[row.factor, row.factor] = row.q
        for row in self.interaction.itertuples():
            matrix.loc[row.factor_1, row.factor_2] = matrix.loc[row.factor_2, row.factor_1] = row.q_12
        return matrix


def _columns(data, y, factors) -> tuple[str, np.ndarray, dict]:
    """The response's name and values and each factor's values from a DataFrame or a mapping of arrays."""
    import pandas as pd

    if isinstance(data, pd.DataFrame):
        available = list(data.columns)
        frame = data
    elif isinstance(data, Mapping):
        available = list(data)
        frame = None
    else:
        raise ValueError(
            f"data must be a DataFrame or a mapping of names to arrays, not {type(data).__name__}"
        )

    def column(key) -> pd.Series:
        if frame is not None:
            return frame[key]
        given = data[key]
        return given if isinstance(given, pd.Series) else pd.Series(np.asarray(given, dtype=object).ravel())

    if isinstance(y, str):
        if y not in available:
            raise ValueError(f"y {y!r} is not a column of the data ({', '.join(map(str, available))})")
        name, values = y, _response(pd.to_numeric(column(y), errors="coerce"), f"y {y!r}")
    else:
        name, values = "y", _response(y)
    if factors is None:
        factors = [c for c in available if c != name]
    elif isinstance(factors, str):
        factors = [factors]
    factors = list(factors)
    unknown = [f for f in factors if f not in available]
    if unknown:
        raise ValueError(f"factors {unknown} are not columns of the data ({', '.join(map(str, available))})")
    if len(set(factors)) != len(factors):
        raise ValueError(f"factors are repeated: {factors}")
    if not factors:
        raise ValueError("give at least one factor")
    return name, values, {f: column(f) for f in factors}


def _discretise_plan(discretise, factors: Sequence[str]) -> dict:
    if discretise is None:
        return {}
    if isinstance(discretise, str):
        discretise = [discretise]
    if not isinstance(discretise, Mapping):
        discretise = dict.fromkeys(discretise, "optimal")
    unknown = [f for f in discretise if f not in factors]
    if unknown:
        raise ValueError(f"discretise names {unknown}, which are not among the factors {list(factors)}")
    plan = {}
    for name, how in discretise.items():
        if how == "optimal":
            plan[name] = None
        elif isinstance(how, Sequence) and not isinstance(how, str) and len(how) == 2:
            plan[name] = (str(how[0]), int(how[1]))
        else:
            raise ValueError(f"discretise factor {name!r} 'optimal' or by (method, k), not {how!r}")
    return plan


def geodetector(
    data,
    y,
    factors=None,
    *,
    alpha: float = 0.05,
    tolerance: float = TOLERANCE,
    lambda_variance: str = "population",
    discretise=None,
    methods=None,
    ks=None,
    min_count: int = 2,
) -> GeoDetectorResults:
    """All four detectors of the response ``y`` for the ``factors`` of ``data`` (a DataFrame or a mapping of
    names to arrays; ``y`` a column name or the values themselves; ``factors`` default every other column), as
    tidy tables (:class:`GeoDetectorResults`).

    ``discretise`` makes continuous factors strata first: a mapping of factor names to ``"optimal"`` (the optimal
    parameters-based choice over ``methods`` and ``ks``, by default those of
    :func:`nqpf.drivers.discretisation.optimal_discretisation`, a class needing ``min_count`` units) or to a
    ``(method, k)`` pair; a list of names means ``"optimal"`` for each. Significance is at ``alpha``; ``tolerance``
    and ``lambda_variance`` as in :func:`interaction_type` and :func:`factor_detector`."""
    import pandas as pd

    from nqpf.drivers.discretisation import DEFAULT_KS, METHODS, optimal_discretisation
    from nqpf.drivers.discretisation import discretise as cut

    _check_alpha(alpha)
    if lambda_variance not in LAMBDA_VARIANCES:
        raise ValueError(
            f"lambda_variance must be one of {', '.join(LAMBDA_VARIANCES)}, not {lambda_variance!r}"
        )
    name, values, columns = _columns(data, y, factors)
    names = list(columns)
    n = len(values)
    plan = _discretise_plan(discretise, names)
    choices, chosen = [], {}
    for factor, how in plan.items():
        raw = pd.to_numeric(columns[factor], errors="coerce").to_numpy(dtype=float)
        if how is None:
            optimum = optimal_discretisation(
                values,
                raw,
                METHODS if methods is None else methods,
                DEFAULT_KS if ks is None else ks,
                min_count=min_count,
                name=f"factor {factor!r}",
            )
            best, table = optimum.best, optimum.table
        else:
            best = cut(raw, how[1], how[0], name=f"factor {factor!r}")
            q = q_statistic(values, best.ids)
            table = pd.DataFrame(
                [[how[0], how[1], q, int(best.counts.min()), True, "", True]],
                columns=DISCRETISATION_COLUMNS[1:],
            )
        choices.append(table.assign(factor=factor))
        chosen[factor] = best
        columns[factor] = pd.Series(pd.Categorical.from_codes(best.ids, categories=best.intervals))
    strata = {f: _strata(columns[f], n, f) for f in names}

    factor_rows, risk_means, risk_rows = [], [], []
    for f in names:
        result = factor_detector(values, strata[f], lambda_variance=lambda_variance, name=f)
        factor_rows.append(
            {
                "factor": f,
                **{c: getattr(result, c) for c in FACTOR_COLUMNS[1:-1]},
                "significant": result.p_value < alpha,
            }
        )
        risk = risk_detector(values, strata[f], alpha=alpha, name=f)
        risk_means.append(risk.means.assign(factor=f))
        risk_rows.append(risk.tests.assign(factor=f))
    interaction_rows, ecological_rows = [], []
    for first, second in combinations(names, 2):
        pair = {"factor_1": first, "factor_2": second}
        result = interaction_detector(values, strata[first], strata[second], tolerance=tolerance)
        interaction_rows.append({**pair, **{c: getattr(result, c) for c in INTERACTION_COLUMNS[2:]}})
        result = ecological_detector(values, strata[first], strata[second], alpha=alpha)
        ecological_rows.append({**pair, **{c: getattr(result, c) for c in ECOLOGICAL_COLUMNS[2:]}})

    def frame(rows, columns, concat=False):
        if concat:
            table = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=columns)
            return table.loc[:, list(columns)]
        return pd.DataFrame(rows, columns=list(columns))

    return GeoDetectorResults(
        y=name,
        n=n,
        alpha=alpha,
        tolerance=tolerance,
        lambda_variance=lambda_variance,
        factor=frame(factor_rows, FACTOR_COLUMNS),
        interaction=frame(interaction_rows, INTERACTION_COLUMNS),
        risk_means=frame(risk_means, RISK_MEAN_COLUMNS, concat=True),
        risk=frame(risk_rows, RISK_COLUMNS, concat=True),
        ecological=frame(ecological_rows, ECOLOGICAL_COLUMNS),
        discretisation=frame(choices, DISCRETISATION_COLUMNS, concat=True),
        discretisations=chosen,
    )


# -- a study: the detectors year by year ---------------------------------------------------------------------------

STUDY_TABLES = ("factor", "interaction", "risk", "ecological", "discretisation", "left_out")


def detect_by_year(frame, settings, years) -> dict:
    """The geographical detector of a study's analysis ``frame`` (code, name, year, the response and the
    factors) as ``settings`` (:class:`~nqpf.drivers.settings.GeodetectorSettings`) asks: in each of ``years`` on
    its units (and over all of them pooled when ``settings.pooled``), the continuous factors discretised by OPGD
    over ``settings.methods`` and ``settings.classes``, the categorical ones as they are. Tables of
    :class:`GeoDetectorResults` with a ``period`` column first (the year, or ``pooled``), and ``left_out``
    (period, code, name, reason) for the unit-years without y or a factor with ``missing: drop_per_year``; with
    ``missing: error`` such a unit-year is an error naming them. Errors name the factor and the period."""
    import pandas as pd

    from nqpf.errors import InputError, listed

    y, factors = settings.dependent, list(settings.factors)
    periods = [(str(year), frame[frame["year"] == year]) for year in years]
    if settings.pooled:
        periods.append(("pooled", frame[frame["year"].isin(list(years))]))
    out = {name: [] for name in STUDY_TABLES}
    for period, rows in periods:
        present = rows[[y, *factors]].notna().all(axis=1)
        gaps = rows[~present]
        if len(gaps) and settings.missing == "error":
            raise InputError(
                f"geodetector {period}: {len(gaps)} unit-years lack {y} or a factor",
                unit=listed(f"{r.code} {r.year}" for r in gaps.itertuples(index=False)),
                column=", ".join(c for c in (y, *factors) if gaps[c].isna().any()),
                key="geodetector.missing",
                fix="fill the gaps (panel.fill), or detect on the units observed (geodetector.missing: "
                "drop_per_year: every unit-year left out is listed in drivers/left_out.csv)",
            )
        out["left_out"].append(
            pd.DataFrame(
                {
                    "period": period,
                    "code": gaps["code"].astype(str).to_numpy(),
                    "year": gaps["year"].astype(int).to_numpy(),
                    "reason": [
                        "no value of " + ", ".join(c for c in (y, *factors) if pd.isna(getattr(r, c)))
                        for r in gaps.itertuples(index=False)
                    ],
                }
            )
        )
        used = rows[present]
        continuous = [f for f in factors if f not in settings.categorical]
        try:
            result = geodetector(
                used[[y, *factors]].reset_index(drop=True),
                y,
                factors,
                alpha=settings.alpha,
                discretise=continuous,
                methods=settings.methods,
                ks=settings.classes,
            )
        except ValueError as err:
            raise InputError(
                f"geodetector {period}: {err}",
                column=y,
                key="geodetector",
                fix="check the factors (a categorical factor needs fewer strata than half the units; a continuous "
                "one values that can be classed) and the years",
            ) from None
        for name in STUDY_TABLES[:-1]:
            table = getattr(result, name).copy()
            table.insert(0, "period", period)
            out[name].append(table)
    return {name: pd.concat(parts, ignore_index=True) for name, parts in out.items()}
