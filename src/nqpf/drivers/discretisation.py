"""Discretisation of a continuous factor into k classes for the geographical detector, and the optimal
parameters-based geographical detector (OPGD; Song, Wang, Ge and Xu 2020, GIScience & Remote Sensing 57(5)).

Every method gives k - 1 increasing inner cut-offs e_1 < ... < e_{k-1}; a value goes to the class of the first
cut-off it does not exceed (class 0 up to e_1 included, class j for e_j < x <= e_{j+1}, class k - 1 above
e_{k-1}), as ``mapclassify`` and :func:`nqpf.dynamics.classify` classify. With x_min and x_max the smallest and
largest value and s the sample standard deviation:

- ``equal`` (equal interval): e_j = x_min + j (x_max - x_min) / k.
- ``quantile``: e_j the j/k quantile (linear interpolation between order statistics), as ``np.quantile`` and
  ``mapclassify.Quantiles``.
- ``natural`` (natural breaks, Fisher 1958; Jenks): the exact optimum, the partition of the sorted values into k
  runs with the least sum of squared deviations from the run means, by dynamic programming over the distinct values
  weighted by their multiplicities (:func:`fisher_jenks`); e_j is the largest value of run j, as
  ``mapclassify.FisherJenks`` gives its bins. Repeated values always share a run (a run boundary between equal
  values is never better: each value sits nearest its own run's mean), so ties cannot empty a class.
- ``geometric`` (geometric interval): class widths growing by a constant ratio. For positive values
  e_j = x_min (x_max / x_min)^(j/k); otherwise the values are first shifted to start at 1, z = x - x_min + 1, the
  same rule applied to z and the cut-offs shifted back: e_j = x_min - 1 + (x_max - x_min + 1)^(j/k). The shift
  makes the cut-offs of data with zero or negative values depend on their unit (the GD package's rule for
  non-negative data, z = x + 1, has the same property).
- ``sd`` (standard deviation classes): k classes of width w s centred on the mean m, the outer two open:
  e_j = m + (j - k/2) w s, so that the mean is a cut-off when k is even and the centre of the middle class when k
  is odd; w is the largest of 1, 1/2 and 1/4 for which no class is empty (one standard deviation first, the finer
  widths when the data do not reach far enough from the mean for k one-sd classes).

Ties and empty classes: a class without a value is never returned. Repeated values can make quantile cut-offs
coincide, a gap in the data can leave an equal-interval class empty, fewer distinct values than k classes leave
every method short: :func:`discretise` raises a ValueError that names the factor, the method, k and the class
counts; :func:`optimal_discretisation` records such a candidate in its table as not valid (q NaN, with the reason)
and chooses among the others.

OPGD (:func:`optimal_discretisation`): every method of ``methods`` with every number of classes of ``ks`` (by
default the five methods above with 3 to 7 classes, the grid of the GD package's vignette) discretises the factor,
the factor detector's q of y (:func:`nqpf.drivers.detectors.q_statistic`) is computed for each valid candidate,
and the one with the largest q is chosen; among equal q (to 1e-12) the fewer classes, then the earlier method of
``methods``. A candidate with a class of fewer than ``min_count`` units (default 2, as the GD package's
``optidisc`` requires) is not valid: a stratum of one unit has no within-stratum variance to measure and raises q
by construction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

METHODS = ("equal", "quantile", "natural", "geometric", "sd")
DEFAULT_KS = (3, 4, 5, 6, 7)
SD_WIDTHS = (1.0, 0.5, 0.25)
Q_TIE = 1e-12


@dataclass(frozen=True)
class Discretisation:
    """A factor cut into ``k`` classes by ``method``: the k - 1 inner cut-offs (``edges``), the class of every
    value (``ids``, 0..k-1) and the number of values in each class (``counts``, all positive); ``low`` and
    ``high`` are the smallest and largest value (the outer bounds of the first and last class)."""

    method: str
    k: int
    edges: np.ndarray
    ids: np.ndarray
    counts: np.ndarray
    low: float
    high: float

    @property
    def intervals(self) -> list[str]:
        """The classes as interval labels: [low, e_1], (e_1, e_2], ..., (e_{k-1}, high]."""
        bounds = [self.low, *self.edges, self.high]
        return [f"{'[' if j == 0 else '('}{bounds[j]:.6g}, {bounds[j + 1]:.6g}]" for j in range(self.k)]


def _finite(values, name: str) -> np.ndarray:
    x = np.asarray(values, dtype=float).ravel()
    missing = int((~np.isfinite(x)).sum())
    if missing:
        raise ValueError(
            f"{name} has {missing} missing or infinite values; drop or fill them before discretising"
        )
    return x


def assign(values, edges) -> np.ndarray:
    """The class of every value for the inner cut-offs ``edges``: the number of cut-offs strictly below it."""
    return np.searchsorted(np.asarray(edges, dtype=float), np.asarray(values, dtype=float), side="left")


def fisher_jenks(values, k: int) -> np.ndarray:
    """The k - 1 inner cut-offs of the exact natural breaks (module docstring): the least within-class sum of
    squared deviations over all partitions of the sorted values into k runs, found by dynamic programming over
    the m distinct values (O(k m log m) work)."""
    x = np.asarray(values, dtype=float).ravel()
    distinct, weight = np.unique(x, return_counts=True)
    m = len(distinct)
    if k < 2:
        raise ValueError(f"k must be at least 2 classes, not {k}")
    if m < k:
        raise ValueError(f"natural breaks need at least {k} distinct values, not {m}")
    centred = distinct - np.average(distinct, weights=weight)  # less cancellation in the sums below
    w = np.concatenate([[0.0], np.cumsum(weight, dtype=float)])
    s = np.concatenate([[0.0], np.cumsum(weight * centred)])
    s2 = np.concatenate([[0.0], np.cumsum(weight * centred**2)])

    def within(starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
        # sum of squared deviations of the run of distinct values starts..ends-1 (broadcast)
        count = w[ends] - w[starts]
        total = s[ends] - s[starts]
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.maximum(s2[ends] - s2[starts] - total**2 / count, 0.0)

    # cost[b]: the least sum for the first b distinct values in j runs; splits[j, b]: where the last run starts
    cost = within(np.zeros(m + 1, dtype=np.int64), np.arange(m + 1))
    cost[0] = np.inf
    splits = np.zeros((k + 1, m + 1), dtype=np.int64)
    for j in range(2, k + 1):
        cost = _next_runs(cost, splits[j], j, m, within)
    # the runs back from the last distinct value; each cut-off is the largest value of its run
    edges = np.empty(k - 1)
    end = m
    for j in range(k, 1, -1):
        end = splits[j, end]
        edges[j - 2] = distinct[end - 1]
    return edges


def _next_runs(cost, split, j, m, within):
    """The least sums in j runs from those in j - 1 (``cost``), for every end b = j..m, filling ``split``. The
    best start of the last run never moves left as b grows (the sum of squares is a Monge cost), so the ends are
    solved by divide and conquer, a whole level of the recursion at once: O(m log m) work per run."""
    new = np.full(m + 1, np.inf)
    # segments of ends [b_low, b_high] whose best starts lie in [a_low, a_high]
    b_low, b_high = np.array([j]), np.array([m])
    a_low, a_high = np.array([j - 1]), np.array([m - 1])
    while len(b_low):
        middle = (b_low + b_high) // 2
        top = np.minimum(a_high, middle - 1)
        lengths = top - a_low + 1
        offsets = np.concatenate([[0], np.cumsum(lengths)[:-1]])
        segment = np.repeat(np.arange(len(middle)), lengths)
        starts = a_low[segment] + np.arange(lengths.sum()) - offsets[segment]
        total = cost[starts] + within(starts, middle[segment])
        least = np.minimum.reduceat(total, offsets)
        hits = np.flatnonzero(total == least[segment])
        best = starts[hits[np.unique(segment[hits], return_index=True)[1]]]  # the leftmost best start
        new[middle] = least
        split[middle] = best
        left = middle > b_low
        right = middle < b_high
        b_low, b_high, a_low, a_high = (
            np.concatenate([b_low[left], middle[right] + 1]),
            np.concatenate([middle[left] - 1, b_high[right]]),
            np.concatenate([a_low[left], best[right]]),
            np.concatenate([best[left], a_high[right]]),
        )
    return new


def _equal(x: np.ndarray, k: int) -> np.ndarray:
    low, high = x.min(), x.max()
    width = (high - low) / k
    return low + width * np.arange(1, k)


def _quantile(x: np.ndarray, k: int) -> np.ndarray:
    return np.quantile(x, np.arange(1, k) / k)


def _geometric(x: np.ndarray, k: int) -> np.ndarray:
    low, high = x.min(), x.max()
    steps = np.arange(1, k) / k
    if low > 0:
        return low * (high / low) ** steps
    return low - 1.0 + (high - low + 1.0) ** steps


def _sd_edges(x: np.ndarray, k: int, width: float) -> np.ndarray:
    mean, sd = x.mean(), x.std(ddof=1)
    return mean + (np.arange(1, k) - k / 2) * width * sd


def _sd(x: np.ndarray, k: int) -> np.ndarray:
    for width in SD_WIDTHS:
        edges = _sd_edges(x, k, width)
        if np.all(np.bincount(assign(x, edges), minlength=k) > 0):
            return edges
    return _sd_edges(x, k, SD_WIDTHS[-1])  # still a class short: reported as empty by the caller


_BREAKS = {
    "equal": _equal,
    "quantile": _quantile,
    "natural": fisher_jenks,
    "geometric": _geometric,
    "sd": _sd,
}


def breaks(values, k: int, method: str = "natural") -> np.ndarray:
    """The k - 1 inner cut-offs of ``values`` by ``method`` (:data:`METHODS`, module docstring). The cut-offs
    alone may leave a class empty; :func:`discretise` checks."""
    if method not in _BREAKS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}, not {method!r}")
    if int(k) != k or k < 2:
        raise ValueError(f"k must be a whole number of at least 2 classes, not {k}")
    x = _finite(values, "the values")
    if len(x) == 0:
        raise ValueError("there are no values to discretise")
    return np.asarray(_BREAKS[method](x, int(k)), dtype=float)


def discretise(values, k: int = 5, method: str = "natural", *, name: str = "the factor") -> Discretisation:
    """Cut ``values`` into ``k`` classes by ``method`` (module docstring). A class left empty (ties, gaps, fewer
    distinct values than classes) is an error naming ``name``, the method, k and the class counts."""
    x = _finite(values, name)
    distinct = len(np.unique(x))
    if distinct < k:
        raise ValueError(
            f"{name} has {distinct} distinct values, fewer than the {k} classes asked for; ask for fewer "
            f"classes or use it as a categorical factor"
        )
    edges = breaks(x, k, method)
    ids = assign(x, edges)
    counts = np.bincount(ids, minlength=k)
    if np.any(counts == 0) or np.any(np.diff(edges) <= 0):
        reason = (
            "tied values make cut-offs coincide"
            if np.any(np.diff(edges) <= 0)
            else "no value falls in a class"
        )
        raise ValueError(
            f"{method} breaks of {name} into {k} classes leave {int((counts == 0).sum())} empty (class counts "
            f"{counts.tolist()}, cut-offs {', '.join(f'{e:.6g}' for e in edges)}): {reason}; ask for fewer "
            f"classes or another method"
        )
    return Discretisation(
        method=method,
        k=int(k),
        edges=edges,
        ids=ids,
        counts=counts,
        low=float(x.min()),
        high=float(x.max()),
    )


@dataclass(frozen=True)
class OptimalDiscretisation:
    """The OPGD choice for one factor: the chosen discretisation (``best``) and its ``q``, and the ``table`` of
    every candidate (columns ``method``, ``k``, ``q``, ``smallest_class``, ``valid``, ``note``, ``chosen``;
    ``q`` NaN and ``note`` the reason where the candidate is not valid)."""

    best: Discretisation
    q: float
    table: pd.DataFrame


def optimal_discretisation(
    y,
    values,
    methods=METHODS,
    ks=DEFAULT_KS,
    *,
    min_count: int = 2,
    name: str = "the factor",
) -> OptimalDiscretisation:
    """The optimal parameters-based discretisation of the continuous factor ``values`` for the response ``y``
    (module docstring): every method of ``methods`` with every k of ``ks``, the one with the largest q."""
    import pandas as pd

    from nqpf.drivers.detectors import q_statistic

    x = _finite(values, name)
    response = _finite(y, "y")
    if len(response) != len(x):
        raise ValueError(f"{name} has {len(x)} values, y {len(response)}")
    unknown = [m for m in methods if m not in _BREAKS]
    if unknown or not len(methods):
        raise ValueError(f"methods must be among {', '.join(METHODS)}, not {list(methods)}")
    rows, candidates = [], {}
    for method in methods:
        for k in ks:
            row = {
                "method": method,
                "k": int(k),
                "q": np.nan,
                "smallest_class": 0,
                "valid": False,
                "note": "",
            }
            try:
                found = discretise(x, int(k), method, name=name)
            except ValueError as error:
                row["note"] = str(error)
            else:
                row["smallest_class"] = int(found.counts.min())
                if found.counts.min() < min_count:
                    row["note"] = f"a class has {found.counts.min()} unit(s), fewer than {min_count}"
                else:
                    row["q"] = q_statistic(response, found.ids)
                    row["valid"] = True
                    candidates[(method, int(k))] = found
            rows.append(row)
    table = pd.DataFrame(rows, columns=["method", "k", "q", "smallest_class", "valid", "note"])
    if not candidates:
        raise ValueError(
            f"no discretisation of {name} is valid: "
            + "; ".join(f"{r['method']} {r['k']}: {r['note']}" for r in rows)
        )
    top = table["q"].max()
    order = {m: i for i, m in enumerate(methods)}
    near = table[table["valid"] & (table["q"] >= top - Q_TIE)]
    pick = min(near.itertuples(), key=lambda r: (r.k, order[r.method]))
    table["chosen"] = (table["method"] == pick.method) & (table["k"] == pick.k)
    return OptimalDiscretisation(best=candidates[(pick.method, pick.k)], q=float(pick.q), table=table)
