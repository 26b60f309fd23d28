"""Discrete Markov chains of a variable's distribution across units: traditional and spatial (Rey 2001).

A panel of n units over T years is cut into k classes (:func:`classify`): by the quantiles of all years pooled
(fixed classes, so that growth shows as moves to higher classes), by each year's quantiles (relative position), or
by given cut-offs. A value goes to the class of the first cut-off it does not exceed (a value equal to a cut-off
belongs to the lower class), as ``mapclassify.Quantiles`` classifies; quantiles interpolate linearly.

Traditional chain (:func:`markov_chain`): the k x k counts n_ij of units in class i in year t and class j in year
t + 1, over all units and consecutive years, and the maximum-likelihood transition probabilities
p_ij = n_ij / n_i (Anderson and Goodman 1957). Its steady state pi solves pi P = pi, sum pi = 1, and the mean first
passage times M_ij (the expected number of years a unit in class i takes to reach class j for the first time; the
diagonal holds the mean recurrence times 1 / pi_j) follow Kemeny and Snell (1976, theorem 4.4.7):
Z = (I - P + 1 pi)^-1 and M = (I - Z + 1 diag(Z)) diag(1 / pi), for an irreducible chain (every class reachable
from every other). A reducible chain with a single closed class C (every other class transient: a class the moves
eventually leave for good) still has a unique steady state, zero outside C (Kemeny and Snell 1976, ch. 3); its
first passage times to a class j of C are the expected hitting times m_ij = 1 + sum_{l != j} p_il m_lj (the
diagonal the recurrence time 1 / pi_j), and to a transient class infinite, as giddy reports them. With several
closed classes, or a class no unit ever left (a row without transitions), neither exists: NaN, and
:attr:`MarkovChain.irreducible` says whether the chain is irreducible.

Spatial chain (:func:`spatial_markov`): the transitions are split by the class of the unit's spatial lag in the
starting year, the mean of its neighbours' values (row-standardised W), cut into m classes as the values are. Each
lag class l has its own matrix P(l). Whether the neighbourhood matters is the null hypothesis P(l) = P for every l,
tested by Bickenbach and Bode (2003, eqs. 8 and 9):

    Q  = sum_l sum_i sum_{j in B_i}    n_i(l) (p_ij(l) - p_ij)^2 / p_ij
    LR = 2 sum_l sum_i sum_{j in B_i(l)} n_ij(l) ln(p_ij(l) / p_ij)

with B_i = {j : p_ij > 0} in the pooled matrix P, B_i(l) = {j : p_ij(l) > 0}, both asymptotically chi-squared with
sum_i (a_i - 1)(b_i - 1) degrees of freedom, a_i the number of lag classes with n_i(l) > 0 and b_i = |B_i|. Units
without neighbours (islands) have no lag: their transitions are left out of the spatial chain and counted in
:attr:`SpatialMarkov.no_lag`, never given a lag of zero.

Whether the chain is the same over time (time homogeneity, Bickenbach and Bode 2003, sec. 3.2) is the same test
with the subsamples the periods of the panel (:func:`time_homogeneity`): a transition from year t to t + 1 belongs
to the period holding t, and the null hypothesis is P(period) = P for every period.

Missing values: a unit-year without a value has no class (-1); transitions from or to it are left out and counted
(:attr:`MarkovChain.skipped`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.special import chdtrc

from nqpf.dynamics.settings import MOVE_TYPES, QUADRANT_ORDER

NO_CLASS = -1
SCHEMES = ("pooled", "yearly", "cutoffs")


@dataclass(frozen=True)
class Classes:
    """Class of every unit and year (``ids``, n x T, :data:`NO_CLASS` where the value is missing) and the inner
    cut-offs (``edges``: one row of k - 1 cut-offs per year; the same row every year unless ``scheme`` is
    yearly)."""

    ids: np.ndarray
    edges: np.ndarray
    k: int
    scheme: str


def quantile_edges(values, k: int, what: str = "the values") -> np.ndarray:
    """The k - 1 inner cut-offs of k quantile classes of the finite ``values``: their i/k quantiles, i = 1..k-1
    (linear interpolation). Tied quantiles would leave a class empty by construction: an error says so."""
    finite = np.asarray(values, dtype=float)
    finite = finite[np.isfinite(finite)]
    if k < 2:
        raise ValueError(f"k must be at least 2 classes, not {k}")
    if len(finite) < k:
        raise ValueError(f"{what} have {len(finite)} values, fewer than the {k} classes asked for")
    edges = np.quantile(finite, np.arange(1, k) / k)
    if np.any(np.diff(edges) <= 0):
        raise ValueError(
            f"the quantile cut-offs of {what} coincide ({', '.join(f'{e:.6g}' for e in edges)}): ties make some of "
            f"the {k} classes empty; ask for fewer classes or give the cut-offs"
        )
    return edges


def _assign(values: np.ndarray, edges: np.ndarray) -> np.ndarray:
    ids = np.searchsorted(edges, values, side="left")
    return np.where(np.isfinite(values), ids, NO_CLASS)


def classify(values, k: int = 5, scheme: str = "pooled", cutoffs=None) -> Classes:
    """Cut a panel (``values``: n units x T years) into ``k`` classes: ``pooled`` quantiles of all years,
    ``yearly`` quantiles of each year, or ``cutoffs`` (k - 1 increasing inner cut-offs; ``scheme`` may then be
    left as it is). A value equal to a cut-off belongs to the lower class (see the module docstring)."""
    y = np.asarray(values, dtype=float)
    if y.ndim != 2 or y.shape[1] < 2:
        raise ValueError(f"values must be units x years with at least two years, not shape {y.shape}")
    if cutoffs is not None:
        edges = np.asarray(cutoffs, dtype=float).ravel()
        if len(edges) < 1 or np.any(np.diff(edges) <= 0) or not np.isfinite(edges).all():
            raise ValueError(f"cut-offs must be finite and increasing, not {list(edges)}")
        k, scheme, rows = len(edges) + 1, "cutoffs", np.tile(edges, (y.shape[1], 1))
    elif scheme == "cutoffs":
        raise ValueError("scheme cutoffs needs the cut-offs")
    elif scheme == "pooled":
        rows = np.tile(quantile_edges(y, k, "the values of all years"), (y.shape[1], 1))
    elif scheme == "yearly":
        rows = np.vstack(
            [quantile_edges(y[:, t], k, f"the values of year {t + 1}") for t in range(y.shape[1])]
        )
    else:
        raise ValueError(f"scheme must be one of {', '.join(SCHEMES)}, not {scheme!r}")
    ids = np.column_stack([_assign(y[:, t], rows[t]) for t in range(y.shape[1])])
    return Classes(ids=ids, edges=rows, k=k, scheme=scheme)


def _counts(start: np.ndarray, end: np.ndarray, k: int) -> np.ndarray:
    counts = np.zeros((k, k), dtype=np.int64)
    np.add.at(counts, (start, end), 1)
    return counts


def _probabilities(counts: np.ndarray) -> np.ndarray:
    rows = counts.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(rows > 0, counts / np.where(rows > 0, rows, 1), 0.0)


def _components(probabilities) -> tuple[int, np.ndarray]:
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import connected_components

    p = np.asarray(probabilities, dtype=float)
    return connected_components(csr_matrix(p > 0), directed=True, connection="strong")


def irreducible(probabilities) -> bool:
    """Whether every class of the chain can be reached from every other (one strongly connected component)."""
    return _components(probabilities)[0] == 1


def closed_class(probabilities) -> np.ndarray | None:
    """The classes of the chain's single closed communicating class (none of its moves leave it), as a boolean
    mask; None when the chain has several closed classes (or a row without transitions, which closes nothing)."""
    p = np.asarray(probabilities, dtype=float)
    if np.any(p.sum(axis=1) == 0):
        return None
    count, label = _components(p)
    leaves = np.zeros(count, dtype=bool)
    rows, cols = np.nonzero(p > 0)
    leaves[label[rows][label[rows] != label[cols]]] = True
    closed = np.flatnonzero(~leaves)
    return label == closed[0] if len(closed) == 1 else None


def steady_state(probabilities) -> np.ndarray:
    """The stationary distribution pi of a chain with a single closed class (an irreducible chain's is positive
    everywhere): pi P = pi with sum(pi) = 1 on that class, solved as a linear system (one equation of
    (P' - I) pi = 0 replaced by the sum), zero on the transient classes; NaN when it is not unique (module
    docstring)."""
    p = np.asarray(probabilities, dtype=float)
    k = p.shape[0]
    closed = closed_class(p)
    if closed is None:
        return np.full(k, np.nan)
    inner = p[np.ix_(closed, closed)]
    m = len(inner)
    system = inner.T - np.eye(m)
    system[-1, :] = 1.0
    right = np.zeros(m)
    right[-1] = 1.0
    pi = np.zeros(k)
    pi[closed] = np.linalg.solve(system, right)
    return pi


def first_passage_times(probabilities) -> np.ndarray:
    """Mean first passage times (module docstring): M_ij the expected number of steps from class i to the first
    arrival in class j, the diagonal the mean recurrence times 1 / pi_j. An irreducible chain's by Kemeny and
    Snell (1976, theorem 4.4.7); with one closed class, the hitting times of its classes and infinity for the
    transient ones; NaN when the steady state is not unique."""
    p = np.asarray(probabilities, dtype=float)
    k = p.shape[0]
    pi = steady_state(p)
    if not np.isfinite(pi).all():
        return np.full((k, k), np.nan)
    if irreducible(p):
        z = np.linalg.inv(np.eye(k) - p + np.outer(np.ones(k), pi))
        return (np.eye(k) - z + np.outer(np.ones(k), np.diag(z))) / pi[None, :]
    times = np.full((k, k), np.inf)
    for j in np.flatnonzero(pi > 0):
        others = np.arange(k) != j
        # m_ij = 1 + sum_{l != j} p_il m_lj for every i: (I - P with column j removed) m = 1
        reach = np.eye(k) - np.where(others[None, :], p, 0.0)
        times[:, j] = np.linalg.solve(reach, np.ones(k))
    return times


@dataclass(frozen=True)
class MarkovChain:
    """A traditional Markov chain: ``counts`` (n_ij), ``probabilities`` (p_ij; a class never left from has a row
    of zeros and is listed in ``empty``), the transitions left out for a missing class (``skipped``), whether the
    chain is ``irreducible``, its ``steady_state`` and ``first_passage`` times (module docstring: NaN unless the
    chain has a single closed class)."""

    counts: np.ndarray
    probabilities: np.ndarray
    classes: Classes | None
    skipped: int
    empty: tuple[int, ...]
    irreducible: bool
    steady_state: np.ndarray
    first_passage: np.ndarray

    @classmethod
    def from_counts(cls, counts, classes: Classes | None = None, skipped: int = 0) -> MarkovChain:
        counts = np.asarray(counts, dtype=np.int64)
        p = _probabilities(counts)
        empty = tuple(int(i) for i in np.flatnonzero(counts.sum(axis=1) == 0))
        return cls(
            counts=counts,
            probabilities=p,
            classes=classes,
            skipped=int(skipped),
            empty=empty,
            irreducible=irreducible(p) and not empty,
            steady_state=steady_state(p),
            first_passage=first_passage_times(p),
        )

    @property
    def n_transitions(self) -> int:
        return int(self.counts.sum())


def _transitions(ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start and end classes of every unit and pair of consecutive years (n x T-1 each)."""
    return ids[:, :-1], ids[:, 1:]


def markov_chain(
    values=None, k: int = 5, scheme: str = "pooled", cutoffs=None, *, classes=None
) -> MarkovChain:
    """The traditional Markov chain of a panel (``values``: n units x T years, classified by :func:`classify`
    with ``k``, ``scheme`` and ``cutoffs``) or of given ``classes`` (a :class:`Classes`, or an n x T array of
    class ids 0..k-1 with :data:`NO_CLASS` for none, ``k`` then the number of classes)."""
    given = _given_classes(values, k, scheme, cutoffs, classes)
    start, end = _transitions(given.ids)
    both = (start != NO_CLASS) & (end != NO_CLASS)
    return MarkovChain.from_counts(_counts(start[both], end[both], given.k), given, int((~both).sum()))


def _given_classes(values, k, scheme, cutoffs, classes) -> Classes:
    if classes is None:
        if values is None:
            raise ValueError("give values to classify or classes")
        return classify(values, k, scheme, cutoffs)
    if isinstance(classes, Classes):
        return classes
    ids = np.asarray(classes)
    if ids.ndim != 2 or ids.shape[1] < 2:
        raise ValueError(f"classes must be units x years with at least two years, not shape {ids.shape}")
    if not np.issubdtype(ids.dtype, np.integer):
        raise ValueError("classes must be integer class ids")
    if ids.max() >= k or ids[ids != NO_CLASS].min(initial=0) < 0:
        raise ValueError(f"class ids must lie in 0..{k - 1} (or be {NO_CLASS} for none)")
    return Classes(ids=ids.astype(np.int64), edges=np.empty((ids.shape[1], 0)), k=k, scheme="given")


@dataclass(frozen=True)
class Homogeneity:
    """Bickenbach and Bode's (2003) tests of P(l) = P for every subsample l: ``q`` and ``lr`` with their
    ``dof`` and p-values (chi-squared); ``dof`` 0 leaves the p-values NaN."""

    q: float
    lr: float
    dof: int
    p_q: float
    p_lr: float


def homogeneity(counts_by_subsample) -> Homogeneity:
    """The homogeneity tests (module docstring) of the transition counts of m subsamples (m x k x k), against
    the chain of their sum."""
    counts = np.asarray(counts_by_subsample, dtype=float)
    pooled = _probabilities(counts.sum(axis=0))
    rows = counts.sum(axis=2)  # n_i(l), m x k
    parts = np.stack([_probabilities(c) for c in counts])
    support = pooled > 0  # B_i
    with np.errstate(invalid="ignore", divide="ignore"):
        q_terms = rows[:, :, None] * (parts - pooled[None]) ** 2 / np.where(support, pooled, 1.0)[None]
        lr_terms = counts * np.log(np.where(parts > 0, parts, 1.0) / np.where(support, pooled, 1.0)[None])
    q = float(np.where(support[None], q_terms, 0.0).sum())
    lr = float(2.0 * np.where((parts > 0) & support[None], lr_terms, 0.0).sum())
    a = (rows > 0).sum(axis=0)
    b = support.sum(axis=1)
    dof = int(np.sum(np.clip(a - 1, 0, None) * np.clip(b - 1, 0, None)))
    p_q = float(chdtrc(dof, q)) if dof > 0 else np.nan
    p_lr = float(chdtrc(dof, lr)) if dof > 0 else np.nan
    return Homogeneity(q=q, lr=lr, dof=dof, p_q=p_q, p_lr=p_lr)


@dataclass(frozen=True)
class TimeHomogeneity:
    """The time homogeneity test of a chain (module docstring): the ``periods`` (index ranges of the starting
    years, first included, last excluded), the ``counts`` of each period (periods x k x k) and the ``test``."""

    periods: tuple[tuple[int, int], ...]
    counts: np.ndarray
    test: Homogeneity


def halves(years: int) -> tuple[int, ...]:
    """The default periods of a time homogeneity test of ``years`` years: the starting years of the T - 1
    transitions cut in two, the first half holding the smaller share when T - 1 is odd (breaks as index of the
    first starting year of the second period)."""
    if years < 3:
        raise ValueError(f"a time homogeneity test needs at least 3 years (2 transitions), not {years}")
    return ((years - 1) // 2,)


def time_homogeneity(
    values=None, breaks=None, k: int = 5, scheme: str = "pooled", cutoffs=None, *, classes=None
):
    """The time homogeneity test (module docstring) of the traditional chain of a panel (``values`` or
    ``classes`` as :func:`markov_chain` takes them), its transitions split into periods at ``breaks``: the
    indices (0-based, increasing, inside 1..T-2) of the starting years that open a new period; by default the
    two halves (:func:`halves`)."""
    given = _given_classes(values, k, scheme, cutoffs, classes)
    starts = given.ids.shape[1] - 1
    breaks = list(halves(given.ids.shape[1]) if breaks is None else breaks)
    if not breaks or any(b <= a for a, b in zip([0, *breaks], breaks, strict=False)) or breaks[-1] >= starts:
        raise ValueError(
            f"the breaks of the periods must increase inside 1..{starts - 1} (starting years of transitions), "
            f"not {breaks}"
        )
    edges = [0, *breaks, starts]
    periods = tuple(zip(edges[:-1], edges[1:], strict=True))
    start, end = _transitions(given.ids)
    counts = []
    for first, last in periods:
        a, b = start[:, first:last], end[:, first:last]
        both = (a != NO_CLASS) & (b != NO_CLASS)
        counts.append(_counts(a[both], b[both], given.k))
    counts = np.stack(counts)
    return TimeHomogeneity(periods=periods, counts=counts, test=homogeneity(counts))


@dataclass(frozen=True)
class SpatialMarkov:
    """A spatial Markov chain: the chain of all transitions with a lag class (``pooled``), one chain per lag
    class (``conditional``, m of them), the classes of the values and of the lags, the transitions left out
    because the unit has no neighbours (``no_lag``) and the homogeneity tests (``homogeneity``)."""

    pooled: MarkovChain
    conditional: tuple[MarkovChain, ...]
    classes: Classes
    lag_classes: Classes
    no_lag: int
    homogeneity: Homogeneity = field(repr=False)

    @property
    def m(self) -> int:
        return len(self.conditional)


def _row_standardised(w) -> tuple:
    """The row-standardised matrix of ``w`` (a matrix, sparse or dense, or an object with ``matrix``) and which
    rows have no neighbours."""
    from scipy import sparse

    matrix = getattr(w, "matrix", w)
    matrix = sparse.csr_matrix(matrix, dtype=float)
    if matrix.shape[0] != matrix.shape[1]:
        raise ValueError(f"W must be square, not {matrix.shape}")
    sums = np.asarray(matrix.sum(axis=1)).ravel()
    islands = sums == 0
    scale = np.where(islands, 0.0, 1.0 / np.where(islands, 1.0, sums))
    return sparse.diags(scale) @ matrix, islands


def spatial_markov(
    values,
    w,
    k: int = 5,
    m: int | None = None,
    scheme: str = "pooled",
    cutoffs=None,
    lag_cutoffs=None,
) -> SpatialMarkov:
    """The spatial Markov chain of a panel (``values``: n units x T years, the units in the order of ``w``'s
    rows): the values cut into ``k`` classes as :func:`classify` does (``scheme``, ``cutoffs``), the spatial lag
    (row-standardised ``w``) into ``m`` classes (default ``k``) by the same scheme or ``lag_cutoffs``, and the
    transitions of each lag class of the starting year, with the homogeneity tests (module docstring)."""
    y = np.asarray(values, dtype=float)
    standardised, islands = _row_standardised(w)
    if standardised.shape[0] != y.shape[0]:
        raise ValueError(f"W has {standardised.shape[0]} units, the values {y.shape[0]}")
    classes = classify(y, k, scheme, cutoffs)
    # a unit's lag needs every neighbour's value: a missing neighbour leaves it without one
    observed = np.isfinite(y)
    lag = np.asarray(standardised @ np.where(observed, y, 0.0))
    complete = np.asarray((abs(standardised) @ (~observed).astype(float)) == 0)
    lag = np.where(complete & ~islands[:, None], lag, np.nan)
    # the lags by the values' quantile scheme (pooled quantiles when the values have cut-offs) or their own cut-offs
    lag_classes = classify(lag, m or k, scheme if scheme in ("pooled", "yearly") else "pooled", lag_cutoffs)
    start, end = _transitions(classes.ids)
    lag_start = lag_classes.ids[:, :-1]
    both = (start != NO_CLASS) & (end != NO_CLASS)
    with_lag = both & (lag_start != NO_CLASS)
    counts = np.stack(
        [
            _counts(start[with_lag & (lag_start == c)], end[with_lag & (lag_start == c)], classes.k)
            for c in range(lag_classes.k)
        ]
    )
    skipped = int((~both).sum())
    conditional = tuple(MarkovChain.from_counts(c, classes, 0) for c in counts)
    pooled = MarkovChain.from_counts(counts.sum(axis=0), classes, skipped)
    return SpatialMarkov(
        pooled=pooled,
        conditional=conditional,
        classes=classes,
        lag_classes=lag_classes,
        no_lag=int((both & (lag_start == NO_CLASS)).sum()),
        homogeneity=homogeneity(counts),
    )


# -- LISA Markov: the chain of the units' Moran scatterplot quadrants ------------------------------------------------


def move_type(start: str, end: str) -> str:
    """The space-time transition type (:data:`MOVE_TYPES`) of a move between two quadrants."""
    if start == end:
        return "0"
    own = start[0] != end[0]
    neighbours = start[1] != end[1]
    if own and neighbours:
        return "IIIA" if start in ("HH", "LL") else "IIIB"
    return "I" if own else "II"


@dataclass(frozen=True)
class LisaMarkov:
    """The Markov chain of the Moran scatterplot quadrants (``chain``, classes in :data:`QUADRANT_ORDER`), the
    quadrant of every unit and year (``quadrants``, "" where there is none: an island or a missing value) and the
    number of transitions of each space-time type (``moves``, :data:`MOVE_TYPES`)."""

    chain: MarkovChain
    quadrants: np.ndarray
    moves: dict

    @property
    def shares(self) -> dict:
        """The share of each space-time transition type among all transitions counted."""
        total = sum(self.moves.values())
        return {name: (count / total if total else np.nan) for name, count in self.moves.items()}


def lisa_quadrants(values, w) -> np.ndarray:
    """The Moran scatterplot quadrant of every unit and year (n x T), as the LISA of the ESDA stage gives it
    (:func:`nqpf.esda.local_statistics.quadrants`): High or Low as the unit's deviation from the year's mean is
    above zero or not, then as the mean of its neighbours' deviations (row-standardised W) is. Units without
    neighbours, and every unit in a year with a missing value (the mean and the lags need them all), get none
    ("")."""
    from nqpf.esda.local_statistics import quadrants

    y = np.asarray(values, dtype=float)
    standardised, islands = _row_standardised(w)
    labels = np.full(y.shape, "", dtype=object)
    for t in range(y.shape[1]):
        column = y[:, t]
        if not np.isfinite(column).all():
            continue
        z = column - column.mean()
        labels[:, t] = quadrants(z, standardised @ z)
        labels[islands, t] = ""
    return labels


def lisa_markov(values=None, w=None, *, quadrants=None) -> LisaMarkov:
    """The LISA Markov chain (Rey 2001) of a panel (``values``, n units x T years, in the order of ``w``'s rows)
    or of given ``quadrants`` (n x T labels HH, LH, LL, HL; "" or None for none): the 4 x 4 transitions between
    quadrants and the count of each space-time transition type."""
    if quadrants is None:
        if values is None or w is None:
            raise ValueError("give values and w, or quadrants")
        quadrants = lisa_quadrants(values, w)
    labels = np.asarray(quadrants, dtype=object)
    labels = np.where(labels == None, "", labels)  # noqa: E711 (an array of labels)
    unknown = set(np.unique(labels.astype(str))) - {"", *QUADRANT_ORDER}
    if unknown:
        raise ValueError(
            f"quadrants must be {', '.join(QUADRANT_ORDER)} or empty, not {', '.join(sorted(unknown))}"
        )
    index = {name: k for k, name in enumerate(QUADRANT_ORDER)}
    ids = np.vectorize(lambda q: index.get(q, NO_CLASS), otypes=[np.int64])(labels)
    chain = markov_chain(classes=ids, k=4)
    moves = dict.fromkeys(MOVE_TYPES, 0)
    for i, start in enumerate(QUADRANT_ORDER):
        for j, end in enumerate(QUADRANT_ORDER):
            moves[move_type(start, end)] += int(chain.counts[i, j])
    return LisaMarkov(chain=chain, quadrants=labels, moves=moves)
