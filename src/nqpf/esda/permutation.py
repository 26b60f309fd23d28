"""Permutation inference without compiled kernels: total permutations for global statistics and conditional
permutations for local ones, vectorised with numpy and shared across the years of one analysis.

Conditional permutation (Anselin 1995): unit i keeps its own value; its k_i neighbours receive k_i values drawn
without replacement from the other n - 1 units. Each permutation r draws one uniformly random ordering of all
n units, shared by every unit i (as esda shares its draws). Two exact ways of turning it into i's draws:

- prefix (used when all of i's neighbours carry the same weight, as with binary or row-standardised binary W):
  i takes the first k_i units of the ordering that are not itself. Removing i from a uniformly random ordering
  leaves a uniformly random ordering of the others, so these are draws without replacement; the lag is the
  common weight times a prefix sum, one cumulative sum per permutation serving all units.
- relabelling (any weights): slot j receives the value of unit pi_r(j), the ordering read as a permutation pi_r.
  For unit i the neighbour j* with pi_r(j*) = i receives pi_r(i) instead. This cuts i out of pi_r's cycle: each
  permutation of the other n - 1 units arises from exactly n permutations pi_r, so the neighbours' values are a
  uniformly random injection, again exact. All lags of a permutation are then one product W z_pi plus that
  single correction per unit.

Pseudo p-values of a local statistic (Hope 1968; Anselin 1995) from its R permuted values, with a = #(permuted >=
observed) and b = #(permuted <= observed) (a draw within 1e-12 max(1, |observed|) of the observed value is a tie,
as a draw of i's own neighbours is up to rounding, and counts in both; esda compares the floats exactly), by
``alternative``:

- ``two-sided`` (the default): p = min(1, 2 (min(a, b) + 1) / (R + 1)), twice the smaller tail. spdep's
  ``localmoran_perm(alternative = "two.sided")`` column ``Pr(z != E(Ii)) Sim`` (its ``probs_lut``: the truncated
  mid-rank k of the observed value among all R + 1, p = 2 min(k, R + 2 - k) / (R + 1)) gives the same number when
  no permuted value ties the observed one and R is odd; with ties spdep splits them between the tails (nqpf counts
  them in both, a larger p) and with R even it can exceed 1. esda's ``alternative="two-sided"`` is another rule
  (permuted values outside the percentile interval the observed value cuts off, both ends counted) and is not
  reproduced.
- ``greater``: p = (a + 1) / (R + 1), large values extreme (positive local autocorrelation: High-High and Low-Low
  for LISA; hot spots for Gi*), as esda's ``alternative="greater"``.
- ``folded``: p = (min(a, R - a) + 1) / (R + 1), the tail on the observed value's side, ties counted in the upper
  tail only (R - a draws are strictly smaller); at most about 0.5. The rule of GeoDa (LISA and Gi* significance
  maps), of esda's ``Moran_Local.p_sim`` and ``G_Local.p_sim`` by default (``alternative=None``, the same as
  ``"directed"``; not esda's ``"folded"``, which folds about the permutation mean) and of spdep's ``Pr(folded) Sim``.
  One exception: when every permuted statistic ties the observed one (a unit at the mean, z_i = 0, has I_i = 0
  under every permutation) the p is 1, where that rule (and GeoDa, esda, spdep) gives 1 / (R + 1) and would call
  the unit significant.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from nqpf.weights.core import mostly_dense
from nqpf.weights.core import product_operand as product_operand

_CHUNK_CELLS = 4_000_000  # floats held at once by a block of draws (about 32 MB)
_CACHED = 2  # draws kept per process: an analysis's conditional and total draws (a county's full orderings take 0.2 GB each)
_cache: OrderedDict = OrderedDict()


ALTERNATIVES = ("two-sided", "greater", "folded")
TIE = 1e-12  # relative: a permuted statistic this close to the observed one reproduces it (a tie)


def two_sided_p(observed, at_least, at_most, permutations: int):
    """Two-sided rank p from the counts of permuted statistics >= and <= the observed one."""
    return pseudo_p(at_least, at_most, permutations, "two-sided")


def pseudo_p(at_least, at_most, permutations: int, alternative: str = "two-sided"):
    """The pseudo p-value (module docstring) from the counts of permuted statistics >= (``at_least``) and <=
    (``at_most``) the observed one, ties counted in both."""
    at_least = np.asarray(at_least, dtype=float)
    at_most = np.asarray(at_most, dtype=float)
    if alternative == "two-sided":
        return np.minimum(1.0, 2.0 * (np.minimum(at_least, at_most) + 1.0) / (permutations + 1.0))
    if alternative == "greater":
        return (at_least + 1.0) / (permutations + 1.0)
    if alternative == "folded":
        p = (np.minimum(at_least, permutations - at_least) + 1.0) / (permutations + 1.0)
        # a statistic that no permutation changes is not extreme (the peers' rule gives it 1 / (R + 1))
        return np.where((at_least == permutations) & (at_most == permutations), 1.0, p)
    raise ValueError(f"unknown alternative {alternative!r}; use one of {', '.join(ALTERNATIVES)}")


def tail_counts(observed, simulated):
    """The counts of ``simulated`` values (axis 0: the permutations) >= and <= ``observed``, a tie (TIE) in both."""
    observed = np.asarray(observed, dtype=float)
    simulated = np.asarray(simulated, dtype=float)
    tolerance = TIE * np.maximum(1.0, np.abs(observed))
    return (simulated >= observed - tolerance).sum(axis=0), (simulated <= observed + tolerance).sum(axis=0)


def reference_p(observed, reference, alternative: str = "two-sided") -> np.ndarray:
    """Pseudo p-values of ``observed`` (n values) against a reference distribution (n x R: row i holds the R
    permuted statistics of unit i, as esda's ``rlisas``), by ``alternative``."""
    reference = np.atleast_2d(np.asarray(reference, dtype=float))
    at_least, at_most = tail_counts(np.ravel(observed), reference.T)
    return pseudo_p(at_least, at_most, reference.shape[1], alternative)


@dataclass(frozen=True)
class Draws:
    """The random orderings shared by all conditional permutations of one analysis."""

    ordering: np.ndarray  # (R, L): each permutation's random ordering of the units, its first L entries
    position: np.ndarray  # (R, n): where each unit stands in the ordering; L when beyond the first L
    # what the prefix sums of a W need from the draws (``_prefix_plan``), made once per W and set of units
    plans: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def permutations(self) -> int:
        return self.ordering.shape[0]

    @property
    def full(self) -> bool:
        return self.ordering.shape[1] == self.position.shape[1]


def _state(rng: np.random.Generator) -> str:
    return repr(rng.bit_generator.state)


def _remembered(key: tuple, rng: np.random.Generator, make):
    """``make()`` drawn from ``rng``, or the result of the same call made earlier in this process: the same
    generator state and arguments give the same draws, and ``rng`` is left where ``make`` would leave it. The
    draws of an analysis are then paid once per process whichever statistic, year or call asks for them."""
    key = (*key, _state(rng))
    if key in _cache:
        value, after = _cache[key]
        _cache.move_to_end(key)
        rng.bit_generator.state = after
        return value
    value = make()
    _cache[key] = (value, rng.bit_generator.state)
    while len(_cache) > _CACHED:
        _cache.popitem(last=False)
    return value


def _read_only(*arrays: np.ndarray) -> None:
    for array in arrays:
        array.setflags(write=False)


def conditional_draws(n: int, length: int, permutations: int, rng: np.random.Generator) -> Draws:
    """R random orderings of n units, of which the first ``length`` are kept (all n for the relabelling);
    remembered per process (``_remembered``)."""
    length = min(max(length, 1), n)
    return _remembered(
        ("conditional", n, length, permutations),
        rng,
        lambda: _conditional_draws(n, length, permutations, rng),
    )


def _conditional_draws(n: int, length: int, permutations: int, rng: np.random.Generator) -> Draws:
    keys = rng.random((permutations, n))
    if length < n:
        # the `length` smallest of n uniform keys, sorted, begin a uniformly random ordering
        head = np.argpartition(keys, length - 1, axis=1)[:, :length]
        head = np.take_along_axis(head, np.argsort(np.take_along_axis(keys, head, axis=1), axis=1), axis=1)
    else:
        head = np.argsort(keys, axis=1)
    ordering = head.astype(np.int32)
    position = np.full((permutations, n), length, dtype=np.int32)
    np.put_along_axis(
        position, ordering, np.broadcast_to(np.arange(length, dtype=np.int32), ordering.shape), axis=1
    )
    _read_only(ordering, position)
    return Draws(ordering=ordering, position=position)


def equal_rows(w: sp.csr_matrix) -> np.ndarray:
    """Whether each row of W gives all its neighbours the same weight (True for a row without neighbours)."""
    card = np.diff(w.indptr)
    rows = np.repeat(np.arange(w.shape[0]), card)
    differs = w.data != w.data[w.indptr[:-1][rows]]
    return np.bincount(rows[differs], minlength=w.shape[0]) == 0


def draws_for(w: sp.csr_matrix, permutations: int, rng: np.random.Generator) -> Draws:
    """The draws a weights matrix needs: a prefix when every row has equal weights, else full orderings."""
    w = sp.csr_matrix(w)
    card = np.diff(w.indptr)
    equal = bool(equal_rows(w).all())
    return conditional_draws(w.shape[0], int(card.max()) + 1 if equal else w.shape[0], permutations, rng)


def conditional_lags(values: np.ndarray, w: sp.csr_matrix, draws: Draws):
    """Yield (unit indices, (r x m) lags of ``values`` under conditional permutation) for blocks of units and
    permutations; every unit with neighbours appears once for each permutation."""
    for units, lags in conditional_lags_by_unit(values, w, draws):
        yield units, lags.T


def conditional_lags_by_unit(values: np.ndarray, w: sp.csr_matrix, draws: Draws):
    """As :func:`conditional_lags`, each block (m x r): a row per unit, its permutations side by side."""
    w = sp.csr_matrix(w)
    card = np.diff(w.indptr)
    units = np.flatnonzero(card > 0)
    equal = equal_rows(w)[units]
    fast, general = units[equal], units[~equal]
    if len(fast):
        yield from _prefix_lags(values, w, draws, fast, card)
    if len(general):
        if not draws.full:
            raise ValueError("weights with unequal neighbour weights need full orderings (draws_for)")
        for chunk, lags in _relabelled_lags(values, w, draws, general):
            yield chunk, lags.T


def _prefix_plan(draws: Draws, units: np.ndarray, card: np.ndarray) -> dict:
    """What the prefix sums of ``units`` need from the draws, whatever the values, made once per set of units
    and kept with the draws: the draws used (the first k_max + 1 of each ordering, k_max the largest neighbour
    count among the units: no unit reads further), the units in order of their neighbour count k (``order``,
    ``groups``: the slices of equal k) and, unit by unit in that order, whether i is among its own first k draws
    in each permutation (``inside``: it then takes k + 1 draws less its own value)."""
    key = (units.tobytes(), card[units].tobytes())
    plan = draws.plans.get(key)
    if plan is None:
        k = card[units]
        order = np.argsort(k, kind="stable")
        ordered = units[order]
        counts = k[order]
        inside = np.empty((len(units), draws.permutations), dtype=bool)
        step = max(1, _CHUNK_CELLS // draws.permutations)
        for start in range(0, len(units), step):
            part = slice(start, start + step)
            inside[part] = draws.position[:, ordered[part]].T < counts[part, None]
        _read_only(inside)
        edges = np.flatnonzero(np.diff(counts)) + 1
        bounds = zip(np.r_[0, edges], np.r_[edges, len(units)], strict=True)
        plan = draws.plans[key] = {
            "length": min(int(k.max()) + 1, draws.ordering.shape[1]),
            "units": ordered,
            "groups": [(int(counts[a]), int(a), int(b)) for a, b in bounds],
            "inside": inside,
        }
    return plan


def _prefix_lags(values, w, draws, units, card):
    plan = _prefix_plan(draws, units, card)
    drawn = values[draws.ordering[:, : plan["length"]]]
    # cumulative sums run along each ordering, so its first k_max + 1 columns sum exactly as all n would
    cumulative = np.concatenate([np.zeros((draws.permutations, 1)), np.cumsum(drawn, axis=1)], axis=1)
    prefix = np.ascontiguousarray(cumulative.T)  # row k: the sums of the first k draws, one per permutation
    ordered = plan["units"]
    weight = w.data[w.indptr[ordered]]
    step = max(1, _CHUNK_CELLS // draws.permutations)
    for k, first, last in plan["groups"]:
        for start in range(first, last, step):
            part = slice(start, min(start + step, last))
            chunk = ordered[part]
            # the sum of the first k draws; where i is among them, of the first k + 1 less i's own value
            sums = np.empty((len(chunk), draws.permutations))
            sums[:] = prefix[k]
            np.subtract(prefix[k + 1], values[chunk][:, None], out=sums, where=plan["inside"][part])
            sums *= weight[part][:, None]
            yield chunk, sums


def _relabelled_lags(values, w, draws, units):
    n = w.shape[0]
    dense = w.toarray() if n <= 4000 else None
    product = dense if dense is not None and mostly_dense(w) else product_operand(w)
    step = max(1, _CHUNK_CELLS // n)
    rows = units[None, :]
    row_starts = units.astype(np.int64)[:, None] * n  # where each unit's row begins in W's flat entries
    for start in range(0, draws.permutations, step):
        order = draws.ordering[start : start + step]  # (r, n): slot j receives unit order[r, j]
        relabelled = values[order]
        lags = (product @ relabelled.T).T  # (r, n)
        holder = draws.position[start : start + step][:, units]  # the slot j* that received unit i
        if dense is not None:
            # W[i, j*] unit by unit, so that each row of W is read once per block while it is in the cache (five
            # times faster than reading the block permutation by permutation for a W of 2,848 units)
            w_star = np.take(dense.ravel(), row_starts + np.ascontiguousarray(holder.T)).T
        else:
            w_star = np.asarray(w[np.broadcast_to(rows, holder.shape).ravel(), holder.ravel()]).reshape(
                holder.shape
            )
        correction = w_star * (relabelled[:, units] - values[units][None, :])  # j* gets pi_r(i) instead
        yield units, lags[:, units] + correction


def total_permutations(n: int, permutations: int, rng: np.random.Generator, chunk: int = 1000):
    """Yield blocks of random orderings of n units (R_block x n), R in all; remembered per process
    (``_remembered``). Each block is stored unit by unit (its transpose is C-contiguous), so that the values a
    block relabels, ``x[block].T``, come as an (n x R_block) array in row order, the layout a CSR product with W
    reads without copying it first."""
    yield from _remembered(
        ("total", n, permutations, chunk), rng, lambda: _total_permutations(n, permutations, rng, chunk)
    )


def _total_permutations(n: int, permutations: int, rng: np.random.Generator, chunk: int) -> tuple:
    blocks = []
    done = 0
    while done < permutations:
        size = min(chunk, permutations - done)
        block = np.ascontiguousarray(np.argsort(rng.random((size, n)), axis=1).T).T
        _read_only(block)
        blocks.append(block)
        done += size
    return tuple(blocks)
