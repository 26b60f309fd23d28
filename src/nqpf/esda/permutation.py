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

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from nqpf.weights.core import mostly_dense

_CHUNK_CELLS = 4_000_000  # floats held at once by a block of draws (about 32 MB)


def product_operand(w: sp.csr_matrix):
    """W as the left factor of products with blocks of permuted values: a dense array when W is dense (BLAS
    multiplies the inverse-distance W of 2,848 counties by a block of permutations many times faster than a CSR
    matrix of 8.1 million entries), else W itself."""
    w = sp.csr_matrix(w)
    return w.toarray() if mostly_dense(w) else w


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

    @property
    def permutations(self) -> int:
        return self.ordering.shape[0]

    @property
    def full(self) -> bool:
        return self.ordering.shape[1] == self.position.shape[1]


def conditional_draws(n: int, length: int, permutations: int, rng: np.random.Generator) -> Draws:
    """R random orderings of n units, of which the first ``length`` are kept (all n for the relabelling)."""
    length = min(max(length, 1), n)
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
    return Draws(ordering=ordering, position=position)


def draws_for(w: sp.csr_matrix, permutations: int, rng: np.random.Generator) -> Draws:
    """The draws a weights matrix needs: a prefix when every row has equal weights, else full orderings."""
    w = sp.csr_matrix(w)
    card = np.diff(w.indptr)
    equal = all(
        np.all(w.data[a:b] == w.data[a]) for a, b in zip(w.indptr[:-1], w.indptr[1:], strict=True) if b > a
    )
    return conditional_draws(w.shape[0], int(card.max()) + 1 if equal else w.shape[0], permutations, rng)


def conditional_lags(values: np.ndarray, w: sp.csr_matrix, draws: Draws):
    """Yield (unit indices, (r x m) lags of ``values`` under conditional permutation) for blocks of units and
    permutations; every unit with neighbours appears once for each permutation."""
    w = sp.csr_matrix(w)
    card = np.diff(w.indptr)
    units = np.flatnonzero(card > 0)
    equal = np.array(
        [np.all(w.data[w.indptr[i] : w.indptr[i + 1]] == w.data[w.indptr[i]]) for i in units], bool
    )
    fast, general = units[equal], units[~equal]
    if len(fast):
        yield from _prefix_lags(values, w, draws, fast, card)
    if len(general):
        if not draws.full:
            raise ValueError("weights with unequal neighbour weights need full orderings (draws_for)")
        yield from _relabelled_lags(values, w, draws, general)


def _prefix_lags(values, w, draws, units, card):
    drawn = values[draws.ordering]
    cumulative = np.concatenate([np.zeros((draws.permutations, 1)), np.cumsum(drawn, axis=1)], axis=1)
    weight = w.data[w.indptr[units]]
    step = max(1, _CHUNK_CELLS // draws.permutations)
    for start in range(0, len(units), step):
        chunk = units[start : start + step]
        k = card[chunk]
        # i among its own first k draws: take k + 1 draws and remove i's value
        inside = draws.position[:, chunk] < k[None, :]
        sums = np.where(inside, cumulative[:, k + 1] - values[chunk][None, :], cumulative[:, k])
        yield chunk, sums * weight[start : start + step][None, :]


def _relabelled_lags(values, w, draws, units):
    n = w.shape[0]
    dense = w.toarray() if n <= 4000 else None
    product = dense if dense is not None and mostly_dense(w) else product_operand(w)
    step = max(1, _CHUNK_CELLS // n)
    rows = units[None, :]
    for start in range(0, draws.permutations, step):
        order = draws.ordering[start : start + step]  # (r, n): slot j receives unit order[r, j]
        relabelled = values[order]
        lags = (product @ relabelled.T).T  # (r, n)
        holder = draws.position[start : start + step][:, units]  # the slot j* that received unit i
        if dense is not None:
            w_star = dense[rows, holder]
        else:
            w_star = np.asarray(w[np.broadcast_to(rows, holder.shape).ravel(), holder.ravel()]).reshape(
                holder.shape
            )
        correction = w_star * (values[order[:, units]] - values[units][None, :])  # j* gets pi_r(i) instead
        yield units, lags[:, units] + correction


def total_permutations(n: int, permutations: int, rng: np.random.Generator, chunk: int = 1000):
    """Yield blocks of random orderings of n units (R_block x n), R in all."""
    done = 0
    while done < permutations:
        size = min(chunk, permutations - done)
        yield np.argsort(rng.random((size, n)), axis=1)
        done += size
