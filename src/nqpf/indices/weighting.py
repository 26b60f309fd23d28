"""Objective weights of an indicator system other than the entropy method (:mod:`nqpf.indices.composite`):
CRITIC, the vertical-horizontal scatter degree method (纵横向拉开档次法) and combined weights by game theory
(博弈论组合赋权). Each returns weights that sum to one, in the order of the input's columns.

CRITIC (Diakoulaki, Mavrotas and Papayannakis 1995, Computers & Operations Research 22(7): 763-770), on the
(m x k) matrix x of min-max normalised indicators (negative indicators reversed, so that higher is better; the
``z`` of :func:`nqpf.indices.composite.minmax`, the values the entropy index is built from):

    sigma_j = sqrt(sum_i (x_ij - mean_j)^2 / (m - 1))          contrast intensity (对比强度)
    R_j     = sum_k (1 - r_jk)                                 conflict (冲突性), r the Pearson correlations
    C_j     = sigma_j R_j                                      information (信息量)
    w_j     = C_j / sum_k C_k

The paper takes the standard deviation of the normalised criterion vectors; like the Chinese applied papers
(which write the m - 1 divisor) and pymcdm, sigma is the sample standard deviation (ddof = 1). The weights do
not depend on this choice: another divisor multiplies every sigma_j, hence every C_j, by the same factor. They
do depend on the normalisation (sigma is not scale-free) and on the direction of each indicator (reversing a
column flips the sign of its correlations), which is why CRITIC takes the normalised, direction-aligned matrix
and does not normalise again.

Vertical-horizontal scatter degree method (郭亚军 2002, 一种新的动态综合评价方法, 管理科学学报 5(2): 49-54;
郭亚军,《综合评价理论与方法》, 科学出版社 2002): with X_t the (n_t x k) standardised indicators of year t,
the linear index y_t = X_t w of unit length w spreads the unit-years as much as possible, both across units
and over the years, when it maximises

    sum_t ||X_t w||^2 = w' H w,   H = sum_t X_t' X_t,   subject to w'w = 1,

that is, w is the eigenvector of H's largest eigenvalue (the Rayleigh quotient's maximum); the weights are w
rescaled to sum to one. The standardisation is the z-score (ddof = 1) of each indicator over all unit-years of
the panel by default (``standardise="pooled"``), so that the grand mean of y is zero and w'Hw is the total
spread around it that the method maximises, growth over the years included; ``standardise="year"`` uses each
year's own mean and standard deviation (spread within years only). With pooled z-scores H is N - 1 times the
correlation matrix of the indicators over the N unit-years, so the weights are the loadings of its first
principal component, rescaled; by year, H sums each year's correlation matrix times n_t - 1. Negative
indicators enter with their sign reversed. A change of units (x -> a x + b, a > 0, for one indicator over the
whole panel) leaves the z-scores and so the weights unchanged, and so does min-max normalising the indicators
first. The divisor of the standard deviation scales H as a whole and does not change the weights, except by
year in an unbalanced panel (where n_t - 1 and n_t differ in ratio between years). Guo proves the eigenvector
positive when H > 0 (every element; Perron-Frobenius); when some indicators are negatively correlated with the
rest, H has negative elements and the eigenvector may have mixed signs: the method then gives no weights, and
:func:`scatter_degree_weights` raises an error naming the indicators with negative loadings rather than
clipping them or taking absolute values. A repeated largest eigenvalue (no unique eigenvector) is an error
too.

Game theory (陈加良 2003, 基于博弈论的组合赋权评价方法研究, 福建电脑 (9): 15-16, the formulation the applied
papers use, e.g. 侯克鹏 and 王黎蝶 2021, 安全与环境学报 21(6): 2443-2451): L weight vectors w_1..w_L (rows, each
summing to one) are combined as w = sum_k alpha_k w_k with the alpha that make the deviations of w from every
w_l minimal, whose first-order condition is the linear system

    sum_k alpha_k w_l w_k' = w_l w_l',    l = 1..L     (the Gram matrix G alpha = diag(G)),

equivalently w_l (w - w_l)' = 0 for every l: the combination's deviation from each vector is orthogonal to it.
The coefficients are normalised as alpha*_k = |alpha_k| / sum_l |alpha_l| and the combined weights are
w* = sum_k alpha*_k w_k. When every alpha_k is positive (the usual case) this is alpha / sum(alpha); a
negative alpha_k (a vector much nearer equal weights than the others) is kept in
:attr:`GameTheoryWeights.alpha` so that it shows, and its absolute value enters the combination, as the papers
write it. Linearly dependent
vectors (two identical ones, or more vectors than indicators) leave the system singular: an error.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from nqpf.errors import listed

STANDARDISATIONS = ("pooled", "year")
# relative size below which an eigenvector component counts as zero and two eigenvalues as equal
_EIGEN_TOLERANCE = 1e-10


def _names(columns, k: int, indicators=None) -> tuple[str, ...]:
    if indicators is not None:
        names = tuple(str(name) for name in indicators)
        if len(names) != k:
            raise ValueError(f"{len(names)} indicator names for {k} columns")
    elif columns is not None:
        names = tuple(str(name) for name in columns)
    else:
        names = tuple(f"x{j + 1}" for j in range(k))
    if len(set(names)) != len(names):
        repeated = sorted({n for n in names if names.count(n) > 1})
        raise ValueError(f"indicator names repeat: {', '.join(repeated)}")
    return names


def _finite(values: np.ndarray, names: tuple[str, ...], what: str) -> None:
    bad = ~np.isfinite(values)
    if bad.any():
        columns = [names[j] for j in np.flatnonzero(bad.reshape(-1, len(names)).any(axis=0))]
        raise ValueError(
            f"{what} has {int(bad.sum())} missing or infinite values, in {listed(columns)}; fill or drop them "
            "first (the weights need every value)"
        )


def _matrix(normalised, indicators=None, what: str = "the matrix") -> tuple[np.ndarray, tuple[str, ...]]:
    columns = normalised.columns if isinstance(normalised, pd.DataFrame) else None
    try:
        x = np.asarray(normalised, dtype=float)
    except (TypeError, ValueError) as err:
        raise ValueError(f"{what} must be numbers: {err}") from None
    if x.ndim != 2:
        raise ValueError(f"{what} must be observations x indicators (2-D), not shape {x.shape}")
    names = _names(columns, x.shape[1], indicators)
    if x.shape[1] < 2:
        raise ValueError(f"{what} has {x.shape[1]} indicator; weights need at least 2")
    _finite(x, names, what)
    return x, names


def _constant(x: np.ndarray, names: tuple[str, ...], what: str) -> None:
    constant = [names[j] for j in range(x.shape[1]) if not np.ptp(x[:, j]) > 0]
    if constant:
        raise ValueError(
            f"{what}: {listed(constant)} {'is' if len(constant) == 1 else 'are'} constant (standard deviation 0) "
            "and carry no information; leave them out of the indicator system"
        )


def _table(names, **columns) -> pd.DataFrame:
    return pd.DataFrame({"indicator": list(names), **{k: np.asarray(v) for k, v in columns.items()}})


@dataclass(frozen=True)
class CriticWeights:
    """CRITIC weights (module docstring) with their parts: the contrast intensity ``sigma`` (sample standard
    deviation of each normalised indicator), the ``conflict`` sum_k (1 - r_jk), the ``information`` C_j =
    sigma_j * conflict_j, the ``correlation`` matrix r and the ``weights`` C_j / sum C, in the order of
    ``indicators``."""

    weights: np.ndarray
    sigma: np.ndarray
    conflict: np.ndarray
    information: np.ndarray
    correlation: np.ndarray
    indicators: tuple[str, ...]

    def table(self) -> pd.DataFrame:
        """One row per indicator: indicator, sigma, conflict, information, weight."""
        return _table(
            self.indicators,
            sigma=self.sigma,
            conflict=self.conflict,
            information=self.information,
            weight=self.weights,
        )


def critic_weights(normalised, indicators=None) -> CriticWeights:
    """CRITIC weights of the columns of ``normalised`` (m observations x k indicators, min-max normalised with
    negative indicators reversed: an array, or a DataFrame whose columns name the indicators; ``indicators``
    names an array's columns). Constant columns, missing values, fewer than 2 indicators or 3 observations and
    a matrix whose indicators are all perfectly correlated are errors."""
    x, names = _matrix(normalised, indicators, "the normalised matrix")
    if x.shape[0] < 3:
        raise ValueError(
            f"the normalised matrix has {x.shape[0]} observations; correlations need at least 3 (with 2 every "
            "correlation is +-1)"
        )
    _constant(x, names, "the normalised matrix")
    sigma = x.std(axis=0, ddof=1)
    correlation = np.corrcoef(x, rowvar=False)
    conflict = (1.0 - correlation).sum(axis=0)
    information = sigma * conflict
    if not information.sum() > 0:
        raise ValueError(
            "every pair of indicators is perfectly correlated (conflict 0): CRITIC gives no weights; the "
            "indicators repeat one another"
        )
    return CriticWeights(
        weights=information / information.sum(),
        sigma=sigma,
        conflict=conflict,
        information=information,
        correlation=correlation,
        indicators=names,
    )


@dataclass(frozen=True)
class ScatterDegreeWeights:
    """Weights of the vertical-horizontal scatter degree method (module docstring): ``weights`` (summing to
    one), the unit-length ``eigenvector`` they rescale (all components >= 0), its ``eigenvalue`` (the largest
    of H, the maximum of sum_t ||X_t w||^2 over unit vectors w), the matrix ``h`` = sum_t X_t' X_t, the
    ``years`` (or period positions) in the order summed, and the ``standardise`` scheme."""

    weights: np.ndarray
    eigenvector: np.ndarray
    eigenvalue: float
    h: np.ndarray
    indicators: tuple[str, ...]
    years: tuple
    standardise: str

    def table(self) -> pd.DataFrame:
        """One row per indicator: indicator, eigenvector, weight."""
        return _table(self.indicators, eigenvector=self.eigenvector, weight=self.weights)


def _panel_blocks(panel, indicators, year: str, what: str):
    """The panel as (years, list of n_t x k blocks, names): from a T x n x k array or a frame with a year
    column and one column per indicator (one row per unit-year)."""
    if isinstance(panel, pd.DataFrame):
        if year not in panel.columns:
            raise ValueError(f"{what} has no column {year!r} (the year of each row); name it with year=")
        columns = (
            list(indicators)
            if indicators is not None
            else [c for c in panel.columns if c != year and c not in ("code", "name")]
        )
        missing = [c for c in columns if c not in panel.columns]
        if missing:
            raise ValueError(f"{what} has no column {listed(missing)}")
        names = _names(columns, len(columns))
        try:
            values = panel[columns].to_numpy(dtype=float)
        except (TypeError, ValueError) as err:
            raise ValueError(
                f"{what}: the indicator columns must be numbers ({err}); name them with indicators="
            ) from None
        if values.shape[1] < 2:
            raise ValueError(f"{what} has {values.shape[1]} indicator; weights need at least 2")
        _finite(values, names, what)
        labels = panel[year].to_numpy()
        years = tuple(pd.unique(np.sort(labels)))
        blocks = [values[labels == t] for t in years]
        return years, blocks, names
    try:
        x = np.asarray(panel, dtype=float)
    except (TypeError, ValueError) as err:
        raise ValueError(f"{what} must be numbers: {err}") from None
    if x.ndim != 3:
        raise ValueError(f"{what} must be years x units x indicators (3-D) or a frame, not shape {x.shape}")
    names = _names(None, x.shape[2], indicators)
    if x.shape[2] < 2:
        raise ValueError(f"{what} has {x.shape[2]} indicator; weights need at least 2")
    _finite(x, names, what)
    return tuple(range(x.shape[0])), list(x), names


def scatter_degree_weights(
    panel,
    indicators=None,
    *,
    negative=None,
    standardise: str = "pooled",
    year: str = "year",
) -> ScatterDegreeWeights:
    """Weights of the vertical-horizontal scatter degree method (纵横向拉开档次法; module docstring) of a
    panel: a T x n x k array (years x units x indicators) or a frame with one row per unit-year, a ``year``
    column and the ``indicators`` columns (by default every column but ``year``, code and name). ``negative``
    flags the indicators where more is worse (their z-scores are reversed); values already normalised with the
    negative ones reversed need none. ``standardise`` is ``pooled`` (z-scores over all unit-years, the
    default) or ``year``. Constant indicators, missing values, fewer than 2 indicators, an eigenvector of mixed
    signs or a repeated largest eigenvalue are errors."""
    if standardise not in STANDARDISATIONS:
        raise ValueError(f"standardise must be one of {', '.join(STANDARDISATIONS)}, not {standardise!r}")
    years, blocks, names = _panel_blocks(panel, indicators, year, "the panel")
    k = len(names)
    signs = np.ones(k)
    if negative is not None:
        flags = np.asarray(negative, dtype=bool).ravel()
        if len(flags) != k:
            raise ValueError(f"negative has {len(flags)} flags for {k} indicators")
        signs[flags] = -1.0
    if standardise == "pooled":
        stacked = np.vstack(blocks)
        if stacked.shape[0] < 2:
            raise ValueError("the panel has fewer than 2 unit-years; z-scores need at least 2")
        _constant(stacked, names, "the panel")
        mean, sd = stacked.mean(axis=0), stacked.std(axis=0, ddof=1)
        standardised = [(block - mean) / sd for block in blocks]
    else:
        standardised = []
        for t, block in zip(years, blocks, strict=True):
            if block.shape[0] < 2:
                raise ValueError(
                    f"year {t} has {block.shape[0]} unit; z-scores within a year need at least 2"
                )
            _constant(block, names, f"year {t}")
            standardised.append((block - block.mean(axis=0)) / block.std(axis=0, ddof=1))
    h = np.zeros((k, k))
    for block in standardised:
        x = block * signs
        h += x.T @ x
    values, vectors = np.linalg.eigh(h)
    top, second = values[-1], values[-2]
    if top - second <= _EIGEN_TOLERANCE * abs(top):
        raise ValueError(
            f"the largest eigenvalue of H is repeated ({top:.6g} and {second:.6g}): its eigenvector, and so the "
            "weights, are not unique"
        )
    vector = vectors[:, -1]
    vector = vector if vector.sum() >= 0 else -vector
    scale = np.abs(vector).max()
    negative_loadings = [names[j] for j in np.flatnonzero(vector < -_EIGEN_TOLERANCE * scale)]
    if negative_loadings:
        raise ValueError(
            "the eigenvector of H's largest eigenvalue has mixed signs (negative for "
            f"{listed(negative_loadings)}): these indicators are negatively correlated with the others over the "
            "panel, so the spread is largest when they count against the index. The scatter degree method gives "
            "weights only when that eigenvector is positive (Guo 2002); check their direction (an indicator where "
            "more is worse not flagged negative?) or leave them out"
        )
    vector = np.clip(vector, 0.0, None)
    vector /= np.linalg.norm(vector)
    return ScatterDegreeWeights(
        weights=vector / vector.sum(),
        eigenvector=vector,
        eigenvalue=float(top),
        h=h,
        indicators=names,
        years=years,
        standardise=standardise,
    )


@dataclass(frozen=True)
class GameTheoryWeights:
    """Weights combined by game theory (module docstring): the solution ``alpha`` of G alpha = diag(G), the
    normalised ``coefficients`` |alpha_k| / sum |alpha|, the Gram matrix ``gram`` (w_l w_k') and the combined
    ``weights`` sum_k coefficients_k w_k, in the order of ``indicators``."""

    weights: np.ndarray
    alpha: np.ndarray
    coefficients: np.ndarray
    gram: np.ndarray
    indicators: tuple[str, ...]

    @property
    def negative_coefficients(self) -> bool:
        """Whether some alpha_k is negative (its absolute value entered the combination)."""
        return bool(np.any(self.alpha < 0))


def game_theory_weights(*weight_vectors, indicators=None, tolerance: float = 1e-6) -> GameTheoryWeights:
    """Combine two or more weight vectors over the same indicators (arrays, or Series indexed by indicator in
    the same order) by game theory (module docstring). Each vector must be finite, non-negative and sum to one
    (within ``tolerance``); linearly dependent vectors are an error."""
    if len(weight_vectors) == 1 and np.ndim(weight_vectors[0]) == 2:
        weight_vectors = tuple(np.asarray(weight_vectors[0], dtype=float))
    if len(weight_vectors) < 2:
        raise ValueError(f"game-theory weights combine at least 2 weight vectors, not {len(weight_vectors)}")
    index = None
    for vector in weight_vectors:
        if isinstance(vector, pd.Series):
            if index is None:
                index = vector.index
            elif not vector.index.equals(index):
                raise ValueError(
                    "the weight vectors are Series over different indicators (or orders); align them"
                )
    rows = []
    for number, vector in enumerate(weight_vectors, start=1):
        row = np.asarray(vector, dtype=float)
        if row.ndim != 1:
            raise ValueError(f"weight vector {number} must be 1-D, not shape {row.shape}")
        rows.append(row)
    lengths = {len(row) for row in rows}
    if len(lengths) != 1:
        raise ValueError(f"the weight vectors have different lengths: {[len(row) for row in rows]}")
    w = np.vstack(rows)
    names = _names(list(index) if index is not None else None, w.shape[1], indicators)
    if w.shape[1] < 2:
        raise ValueError(f"the weight vectors cover {w.shape[1]} indicator; weights need at least 2")
    for number, row in enumerate(w, start=1):
        if not np.isfinite(row).all():
            raise ValueError(f"weight vector {number} has missing or infinite values")
        if np.any(row < 0):
            raise ValueError(f"weight vector {number} has negative weights")
        if abs(row.sum() - 1.0) > tolerance:
            raise ValueError(f"weight vector {number} sums to {row.sum():.10g}, not 1; normalise it first")
    if np.linalg.matrix_rank(w) < w.shape[0]:
        raise ValueError(
            f"the {w.shape[0]} weight vectors are linearly dependent (two are identical, or there are more "
            f"vectors than the {w.shape[1]} indicators): the system sum_k alpha_k w_l w_k' = w_l w_l' has no "
            "unique solution"
        )
    gram = w @ w.T
    alpha = np.linalg.solve(gram, np.diag(gram).copy())
    coefficients = np.abs(alpha) / np.abs(alpha).sum()
    return GameTheoryWeights(
        weights=coefficients @ w,
        alpha=alpha,
        coefficients=coefficients,
        gram=gram,
        indicators=names,
    )
