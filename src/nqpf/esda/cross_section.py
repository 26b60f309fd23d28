"""Spatial autocorrelation of one variable in one cross-section, as a notebook calls it: ``moran``, ``geary``,
``getis_ord`` (global), ``local_moran`` (LISA) and ``gi_star`` (local), ``bivariate_moran``, each on W in any
form (:class:`~nqpf.weights.SpatialWeights` or a libpysal ``W``) with seeded permutation inference.

The numbers come from the same kernels the workflow's ESDA jobs use year by year (:mod:`nqpf.esda.by_year`):
moments under normality and randomisation from Cliff and Ord (1981) and Getis and Ord (1992), conditional
permutations for the local statistics (Anselin 1995), rank p-values (Hope 1968). Islands (units without
neighbours) are left out of the global statistics and get no local statistic; ``islands`` names them.

Global p-values are two-sided. The local ones (``local_moran``, ``gi_star``) follow ``alternative``; with R
permutations, a = #(permuted >= observed) and b = #(permuted <= observed) (ties in both):

==========  ====================================  ================================================================
nqpf        p                                     the same number in
==========  ====================================  ================================================================
two-sided   min(1, 2 (min(a, b) + 1) / (R + 1))   spdep ``localmoran_perm(alternative = "two.sided")``
(default)                                         ``Pr(z != E(Ii)) Sim`` when no draw ties the observed value and R
                                                  is odd (spdep splits ties by mid-rank); not esda's "two-sided"
greater     (a + 1) / (R + 1)                     esda ``calculate_significance(..., alternative="greater")``
folded      (min(a, R - a) + 1) / (R + 1)         GeoDa's LISA and Gi* significance; esda ``Moran_Local.p_sim`` and
                                                  ``G_Local.p_sim`` by default (``alternative="directed"``, not
                                                  esda's "folded"); spdep ``Pr(folded) Sim``
==========  ====================================  ================================================================

The folded p is one-tailed in the observed value's direction (at most about 0.5): at the same alpha it finds more
units than the two-sided p, about as many as the two-sided p at 2 alpha. The multiple-testing correction
(``significance``) adjusts whichever p is chosen. :mod:`nqpf.esda.permutation` gives the sources of each rule.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from nqpf.errors import InputError, listed
from nqpf.esda import global_statistics, local_statistics, permutation
from nqpf.esda.settings import ALPHA, ALTERNATIVE, ALTERNATIVES, CORRECTION, CORRECTIONS, PERMUTATIONS
from nqpf.weights.core import SpatialWeights, as_weights


@dataclass(frozen=True)
class GlobalStatistic:
    """A global statistic with its moments and p-values: ``value`` (Moran's I, Geary's C or General G),
    ``expected``, variances and z under normality (``_norm``) and randomisation (``_rand``), their two-sided p,
    and ``p_sim`` from ``permutations`` random relabellings."""

    statistic: str
    value: float
    expected: float
    variance_norm: float
    variance_rand: float
    z_norm: float
    z_rand: float
    p_norm: float
    p_rand: float
    p_sim: float
    permutations: int
    n: int
    islands: tuple[str, ...] = ()

    def __repr__(self) -> str:
        p_sim = f", p_sim {self.p_sim:.4g} ({self.permutations} permutations)" if self.permutations else ""
        return (
            f"{self.statistic} {self.value:.6g} (expected {self.expected:.4g}, z_rand {self.z_rand:.4g}, "
            f"p_rand {self.p_rand:.4g}{p_sim}; n {self.n})"
        )


@dataclass(frozen=True)
class LocalStatistic:
    """A local statistic for every unit: ``table`` (one row per unit of W, in its order: code, value, expected,
    variance, z, p_norm, p_sim, p_adjusted, quadrant, significant, cluster_id, lag), the multiple-testing method
    and level, the permutations and the alternative of ``p_sim``."""

    statistic: str
    table: pd.DataFrame
    permutations: int
    method: str
    alpha: float
    alternative: str = ALTERNATIVE

    def _column(self, name: str) -> pd.Series:
        return self.table.set_index("code")[name]

    @property
    def values(self) -> pd.Series:
        return self._column("value")

    @property
    def p_sim(self) -> pd.Series:
        return self._column("p_sim")

    @property
    def quadrant(self) -> pd.Series:
        """HH, LH, LL, HL (LISA) or hot, cold (Gi*); island for units without neighbours."""
        return self._column("quadrant")

    @property
    def significant(self) -> pd.Series:
        return self._column("significant")

    @property
    def clusters(self) -> pd.Series:
        """The cluster of each significant High-High unit (hot spot for Gi*), 1 the largest; 0 elsewhere."""
        return self._column("cluster_id")

    def __repr__(self) -> str:
        counts = self.table.loc[self.table["significant"], "quadrant"].value_counts().to_dict()
        found = ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "none"
        test = f"{self.method}, alpha {self.alpha}" + (f", {self.alternative} p" if self.permutations else "")
        return f"{self.statistic} for {len(self.table)} units; significant ({test}): {found}"


def _values(x, w: SpatialWeights, name: str = "x") -> np.ndarray:
    """``x`` in W's unit order: a Series indexed by the ids, or an array already in their order."""
    if isinstance(x, pd.Series):
        index = [str(i) for i in x.index]
        missing = [unit for unit in w.ids if unit not in set(index)]
        if missing:
            raise InputError(
                f"{name} has no value for {len(missing)} units of W",
                unit=listed(missing),
                fix=f"index {name} by W's ids (w.ids) and give a value for each unit",
            )
        values = pd.Series(x.to_numpy(), index=index).reindex(list(w.ids)).to_numpy(dtype=float)
    else:
        values = np.asarray(x, dtype=float).ravel()
        if len(values) != w.n:
            raise InputError(
                f"{name} has {len(values)} values but W has {w.n} units",
                key=name,
                fix="give one value per unit of W, in the order of w.ids (or a Series indexed by the ids)",
            )
    bad = ~np.isfinite(values)
    if bad.any():
        raise InputError(
            f"{name} is missing or not finite for {int(bad.sum())} units",
            unit=listed(np.array(w.ids)[bad]),
            fix="drop those units from W and the data, or supply the values",
        )
    if np.ptp(values) == 0:
        raise InputError(
            f"{name} takes one value ({values[0]}) on every unit: spatial autocorrelation is undefined",
            key=name,
            fix="analyse a variable that varies across the units (a year of structural zeros has nothing to test)",
        )
    return values


def _generator(seed) -> np.random.Generator:
    return seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)


def _global(statistic: str, x, w, permutations: int, seed) -> GlobalStatistic:
    w = as_weights(w)
    values = _values(x, w)
    matrix = w.matrix.tocsr()
    linked = np.diff(matrix.indptr) > 0
    core = matrix[linked][:, linked] if not linked.all() else matrix
    orderings = list(permutation.total_permutations(int(linked.sum()), permutations, _generator(seed)))
    row = global_statistics.global_statistics(values[linked], core, [statistic], orderings).iloc[0]
    return GlobalStatistic(
        statistic=statistic,
        **{k: float(row[k]) for k in ("value", "expected", "variance_norm", "variance_rand")},
        **{k: float(row[k]) for k in ("z_norm", "z_rand", "p_norm", "p_rand", "p_sim")},
        permutations=int(row["permutations"]),
        n=int(linked.sum()),
        islands=tuple(np.array(w.ids)[~linked]),
    )


def moran(x, w, permutations: int = PERMUTATIONS, seed=0) -> GlobalStatistic:
    """Moran's I of ``x`` on ``w`` (Cliff and Ord 1981), as spdep's ``moran.test`` and ``moran.mc``."""
    return _global("moran", x, w, permutations, seed)


def geary(x, w, permutations: int = PERMUTATIONS, seed=0) -> GlobalStatistic:
    """Geary's C of ``x`` on ``w`` (Cliff and Ord 1981); z is positive for positive autocorrelation."""
    return _global("geary", x, w, permutations, seed)


def getis_ord(x, w, permutations: int = PERMUTATIONS, seed=0) -> GlobalStatistic:
    """The Getis-Ord General G of non-negative ``x`` on the binary links of ``w`` (Getis and Ord 1992)."""
    return _global("getis_ord", x, w, permutations, seed)


def _local(
    statistic: str, x, w, permutations: int, seed, significance: str, alpha: float, alternative: str
) -> LocalStatistic:
    w = as_weights(w)
    if significance not in CORRECTIONS:
        raise InputError(
            f"significance is {significance!r}",
            key="significance",
            fix=f"use one of: {', '.join(CORRECTIONS)}",
        )
    if alternative not in ALTERNATIVES:
        raise InputError(
            f"alternative is {alternative!r}",
            key="alternative",
            fix=f"use one of: {', '.join(ALTERNATIVES)} (folded is GeoDa's and esda's p_sim)",
        )
    values = _values(x, w)
    matrix = w.matrix.tocsr()
    if statistic == "gi_star" and bool((np.diff(matrix.indptr) >= w.n - 1).any()):
        raise InputError(
            "Gi* is undefined on a W in which a unit neighbours every other unit",
            key="w",
            fix="use a W with a limited neighbourhood (contiguity, k nearest, a distance band) for Gi*",
        )
    draws = permutation.draws_for(matrix, permutations, _generator(seed)) if permutations else None
    kernel = local_statistics.local_moran if statistic == "lisa" else local_statistics.gi_star
    result = kernel(values, matrix, draws, alternative)
    result = local_statistics.with_significance(
        result, statistic, matrix, significance, alpha, permuted=draws is not None
    )
    result.insert(0, "code", list(w.ids))
    return LocalStatistic(statistic, result, permutations, significance, alpha, alternative)


def local_moran(
    x,
    w,
    permutations: int = PERMUTATIONS,
    seed=0,
    significance: str = CORRECTION,
    alpha: float = ALPHA,
    alternative: str = ALTERNATIVE,
) -> LocalStatistic:
    """Local Moran's I of ``x`` on ``w`` (Anselin 1995) with conditional permutation inference, its quadrants
    and the units significant at ``alpha`` after ``significance`` (fdr, bonferroni, or alpha for none).

    ``alternative`` chooses the permutation p (module docstring): ``two-sided`` (default; Hope 1968, as spdep's
    ``Pr(z != E(Ii)) Sim``), ``greater`` (High-High and Low-Low only, as esda's ``"greater"``) or ``folded``
    (GeoDa's significance, esda's ``Moran_Local.p_sim``, spdep's ``Pr(folded) Sim``)."""
    return _local("lisa", x, w, permutations, seed, significance, alpha, alternative)


def gi_star(
    x,
    w,
    permutations: int = PERMUTATIONS,
    seed=0,
    significance: str = CORRECTION,
    alpha: float = ALPHA,
    alternative: str = ALTERNATIVE,
) -> LocalStatistic:
    """Getis-Ord Gi* of ``x`` on the binary links of ``w``, each unit its own neighbour (Ord and Getis 1995),
    with conditional permutation inference and hot and cold spots.

    ``alternative`` chooses the permutation p as for :func:`local_moran`: ``two-sided`` (default), ``greater``
    (hot spots only) or ``folded`` (GeoDa's, esda's ``G_Local.p_sim``, spdep's ``Pr(folded) Sim``)."""
    return _local("gi_star", x, w, permutations, seed, significance, alpha, alternative)


def bivariate_moran(x, y, w, permutations: int = PERMUTATIONS, seed=0) -> GlobalStatistic:
    """Bivariate Moran's I of ``x`` and the spatial lag of ``y`` (Anselin, Syabri and Smirnov 2002); its p from
    relabelling y. It has no analytic moments (missing)."""
    from nqpf.esda.by_year import bivariate_moran as kernel

    w = as_weights(w)
    xs, ys = _values(x, w, "x"), _values(y, w, "y")
    orderings = list(permutation.total_permutations(w.n, permutations, _generator(seed)))
    row = kernel(xs, ys, w.matrix.tocsr(), orderings)
    missing = float("nan")
    return GlobalStatistic(
        "bivariate_moran",
        float(row["value"]),
        *(missing,) * 7,
        p_sim=float(row["p_sim"]),
        permutations=int(row["permutations"]),
        n=w.n,
    )
