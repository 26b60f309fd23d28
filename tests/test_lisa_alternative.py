"""The alternative of the local permutation p-values (two-sided, greater, folded): hand-counted cases, esda's own
p-value rule applied to the very permuted statistics nqpf draws, spdep's rules as its code states them, and the
multiple-testing corrections on the chosen p."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from scipy import stats

from nqpf.errors import InputError
from nqpf.esda import by_year, cross_section, local_statistics, permutation
from nqpf.esda.settings import EsdaSettings
from nqpf.seeds import rng_for
from tests.test_esda import lattice

ESDA_RULE = {"greater": "greater", "folded": "directed"}  # nqpf alternative -> esda's name for the same rule


def esda_p(observed, reference, alternative: str) -> np.ndarray:
    """esda's p-value rule (esda.significance, the function Moran_Local and crand call), run as its plain Python
    source: compiling it with numba takes 20 s. The observed values are shaped as esda's calculate_significance
    shapes them."""
    from esda.significance import _permutation_significance

    rule = getattr(_permutation_significance, "py_func", _permutation_significance)
    reference = np.atleast_2d(np.asarray(reference, dtype=float))
    observed = np.asarray(observed, dtype=float).reshape(reference.shape[0], -1)
    return np.asarray(rule(observed, reference, alternative=alternative), dtype=float)


def spdep_rank_p(observed: float, simulated: np.ndarray) -> tuple[float, float]:
    """spdep's two Sim columns of localmoran_perm(alternative = "two.sided") as R/lisa_perm.R computes them
    (r-spatial/spdep 6693ca5): xrank <- rank(c(res_p, Ii))[nsim + 1] (ties: average), p <- probs_lut(...)
    [as.integer(xrank)] with gr = (1:(nsim+1))/(nsim+1), ts = 2 pmin(gr, rev(gr)); and the folded
    (min(rnk0, nsim - rnk0) + 1) / (nsim + 1) with rnk0 = sum(res_p >= Ii)."""
    nsim = len(simulated)
    xrank = stats.rankdata(np.append(simulated, observed), method="average")[nsim]
    gr = np.arange(1, nsim + 2) / (nsim + 1)
    two_sided = (2 * np.minimum(gr, gr[::-1]))[int(xrank) - 1]
    rnk0 = int((simulated >= observed).sum())
    folded = (min(rnk0, nsim - rnk0) + 1.0) / (nsim + 1.0)
    return float(two_sided), folded


def weighted_w(n: int = 30, seed: int = 4) -> sp.csr_matrix:
    """A symmetric W with unequal weights (the relabelling path of the permutation engine)."""
    rng = np.random.default_rng(seed)
    a = np.triu((rng.random((n, n)) < 0.2).astype(float), 1)
    a = a + a.T
    for i in range(n):
        if a[i].sum() == 0:
            a[i, (i + 1) % n] = a[(i + 1) % n, i] = 1
    return sp.csr_matrix(a * rng.uniform(0.5, 2.0, (n, n)))


# R = 9 permuted values [1, 2, 3, 4, 5, 5, 6, 7, 8]; a = #(>= observed), b = #(<= observed)
HAND = [
    # observed, a, b, two-sided 2 (min(a, b) + 1) / 10 capped at 1, greater (a + 1) / 10, folded (min(a, 9 - a) + 1) / 10
    (5.0, 5, 6, 1.0, 0.6, 0.5),
    (8.0, 1, 9, 0.4, 0.2, 0.2),
    (0.5, 9, 0, 0.2, 1.0, 0.1),
    (1.0, 9, 1, 0.4, 1.0, 0.1),  # the tie goes to the upper tail only in the folded rule
    (9.0, 0, 9, 0.2, 0.1, 0.1),
]


@pytest.mark.parametrize("observed, a, b, two, greater, folded", HAND)
def test_hand_counted_p_values(observed, a, b, two, greater, folded):
    reference = np.array([[1, 2, 3, 4, 5, 5, 6, 7, 8]], dtype=float)
    at_least, at_most = permutation.tail_counts([observed], reference.T)
    assert (int(at_least[0]), int(at_most[0])) == (a, b)
    for alternative, expected in (("two-sided", two), ("greater", greater), ("folded", folded)):
        assert permutation.reference_p([observed], reference, alternative)[0] == pytest.approx(
            expected, abs=1e-15
        )


def test_a_statistic_no_permutation_changes_is_not_significant():
    """All R draws tie the observed value (a unit at the mean): p = 1 for every alternative, where esda's rule
    (GeoDa's, spdep's folded) gives 1 / (R + 1)."""
    reference = np.full((1, 9), 3.0)
    for alternative in permutation.ALTERNATIVES:
        assert permutation.reference_p([3.0], reference, alternative)[0] == 1.0
    assert esda_p([3.0], reference, "directed")[0] == pytest.approx(0.1, abs=1e-15)
    assert esda_p([3.0], reference, "greater")[0] == 1.0


def test_the_rules_equal_esda_on_tied_references():
    """Integer-valued reference distributions, so that ties are exact: every unit, both rules, equal to the bit."""
    rng = np.random.default_rng(11)
    reference = rng.integers(0, 12, size=(400, 99)).astype(float)
    observed = rng.integers(-1, 14, size=400).astype(float)
    for ours, theirs in ESDA_RULE.items():
        expected = esda_p(observed, reference, theirs)
        if ours == "folded":  # the one documented exception cannot occur: no row is constant
            assert not (reference == reference[:, :1]).all(axis=1).any()
        np.testing.assert_array_equal(permutation.reference_p(observed, reference, ours), expected)


CASES = {
    "lisa on the lattice (prefix draws)": ("lisa", None),
    "gi_star on the lattice": ("gi_star", None),
    "lisa on a weighted W (relabelling draws)": ("lisa", "weighted"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_p_sim_equals_esda_rule_on_the_reference_nqpf_draws(case):
    """The p_sim the kernels report (counted block by block, never holding the reference) equals esda's p-value
    rule applied to the full n x R array of the permuted statistics from the same draws."""
    statistic, kind = CASES[case]
    # continuous values: no permuted statistic ties the observed one, so the float comparisons of esda and the
    # tie tolerance of nqpf see the same order (ties: test_the_rules_equal_esda_on_tied_references)
    matrix = weighted_w() if kind == "weighted" else lattice()[0].matrix.tocsr()
    x = np.random.default_rng(5).lognormal(size=matrix.shape[0])
    draws = permutation.draws_for(matrix, 999, np.random.default_rng(9))
    assert draws.full == (kind == "weighted")
    kernel = local_statistics.local_moran if statistic == "lisa" else local_statistics.gi_star
    reference = local_statistics.reference_distribution(statistic, x, matrix, draws)
    assert np.isfinite(reference).all()
    for ours, theirs in ESDA_RULE.items():
        table = kernel(x, matrix, draws, ours)
        # A draw of i's own neighbours (probability 1 / C(n - 1, k_i) each time) reproduces the observed statistic
        # up to rounding: nqpf counts it as a tie (permutation.TIE), esda's float comparison by the sign of the
        # rounding error. Such draws are set to the observed value before esda's rule sees them.
        observed = table["value"].to_numpy()[:, None]
        tied = np.abs(reference - observed) <= permutation.TIE * np.maximum(1.0, np.abs(observed))
        assert tied.sum() <= 5
        expected = esda_p(table["value"], np.where(tied, observed, reference), theirs)
        np.testing.assert_array_equal(table["p_sim"].to_numpy(), expected)
        # and nqpf's own rule on the reference gives p_sim again
        np.testing.assert_array_equal(permutation.reference_p(table["value"], reference, ours), expected)
        # without it esda's p can differ on the units with such a draw, and on no other
        differs = esda_p(table["value"], reference, theirs) != expected
        assert not (differs & ~tied.any(axis=1)).any()
    # the two-sided p is twice the folded one for units without a tied draw, from the same draws
    two = kernel(x, matrix, draws, "two-sided")["p_sim"].to_numpy()
    folded = kernel(x, matrix, draws, "folded")["p_sim"].to_numpy()
    free = ~tied.any(axis=1)
    assert folded.min() < 0.01 and folded.max() > 0.2 and free.sum() >= len(x) - 5
    np.testing.assert_allclose(two[free], np.minimum(1.0, 2 * folded[free]), rtol=1e-14)


def test_a_unit_at_the_mean_is_not_significant_under_the_folded_rule():
    """The lattice's values are integers and one equals the mean: its I_i is 0 under every permutation. Its folded
    p is 1 (esda's rule, GeoDa's and spdep's give 1 / (R + 1), the smallest p there is)."""
    w, x = lattice()
    matrix = w.matrix.tocsr()
    draws = permutation.draws_for(matrix, 999, np.random.default_rng(9))
    table = local_statistics.local_moran(x, matrix, draws, "folded")
    reference = local_statistics.reference_distribution("lisa", x, matrix, draws)
    at_mean = x == x.mean()
    assert at_mean.sum() == 1 and (reference[at_mean] == 0).all()
    assert table["p_sim"].to_numpy()[at_mean][0] == 1.0
    assert esda_p(table["value"], reference, "directed")[at_mean][0] == pytest.approx(1 / 1000, abs=1e-15)


def test_two_sided_equals_spdep_rank_rule_without_ties_and_folded_with_them():
    rng = np.random.default_rng(2)
    for _ in range(300):
        simulated = rng.normal(size=499)  # R odd, continuous: no ties
        observed = rng.normal(scale=2.0)
        two, folded = spdep_rank_p(observed, simulated)
        assert permutation.reference_p([observed], simulated[None, :], "two-sided")[0] == pytest.approx(
            two, rel=1e-14
        )
        assert permutation.reference_p([observed], simulated[None, :], "folded")[0] == pytest.approx(
            folded, rel=1e-14
        )
    # with ties spdep splits them by mid-rank, nqpf counts them in both tails (never smaller); folded is the same
    simulated = rng.integers(0, 5, size=99).astype(float)
    for observed in (0.0, 1.0, 2.0, 3.0, 4.0):
        two, folded = spdep_rank_p(observed, simulated)
        ours = permutation.reference_p([observed], simulated[None, :], "two-sided")[0]
        assert ours >= two - 1e-15
        assert permutation.reference_p([observed], simulated[None, :], "folded")[0] == pytest.approx(
            folded, rel=1e-14
        )
    hand = np.array([1.0, 2.0, 2.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0])  # observed 2: 1 below, 3 ties, 5 above
    # spdep: average rank of 2 among 10 values = 3.5, as.integer 3, p = 2 min(3, 8) / 10 = 0.6;
    # nqpf: a = 8, b = 4, p = 2 (4 + 1) / 10 = 1.0
    assert spdep_rank_p(2.0, hand)[0] == pytest.approx(0.6, abs=1e-15)
    assert permutation.reference_p([2.0], hand[None, :], "two-sided")[0] == 1.0


def test_corrections_adjust_the_chosen_p():
    w, x = lattice()
    for alternative in permutation.ALTERNATIVES:
        for method in ("fdr", "bonferroni"):
            result = cross_section.local_moran(
                x, w, permutations=499, seed=3, significance=method, alternative=alternative
            )
            table = result.table
            valid = table["p_sim"].notna().to_numpy()
            p = table["p_sim"].to_numpy()[valid]
            expected = (
                stats.false_discovery_control(p, method="bh")
                if method == "fdr"
                else np.minimum(1.0, p * len(p))
            )
            np.testing.assert_allclose(table["p_adjusted"].to_numpy()[valid], expected, rtol=1e-12)
            np.testing.assert_array_equal(table["significant"], (table["p_adjusted"] <= 0.05).to_numpy())
            assert result.alternative == alternative and f"{alternative} p" in repr(result)
    folded = cross_section.local_moran(x, w, permutations=499, seed=3, alternative="folded")
    two = cross_section.local_moran(x, w, permutations=499, seed=3)
    # the same draws: every unit significant by the two-sided p is significant by the folded one
    assert (folded.significant | ~two.significant).all()


def test_the_setting_reaches_the_workflow_kernel():
    w, x = lattice()
    frame = pd.DataFrame({"code": list(w.ids), "year": 2020, "v": x})
    settings = EsdaSettings(permutations=199, seed=5, alternative="greater", local=["lisa"])
    _, local, _ = by_year.analyse(frame, "v", w, [2020], settings, {})
    draws = permutation.draws_for(w.matrix.tocsr(), 199, rng_for(5, "v", w.name))
    expected = local_statistics.local_moran(x, w.matrix.tocsr(), draws, "greater")["p_sim"]
    np.testing.assert_array_equal(local["p_sim"].to_numpy(), expected.to_numpy())
    assert EsdaSettings().alternative == "two-sided"


def test_an_unknown_alternative_stops_with_the_choices():
    w, x = lattice()
    with pytest.raises(InputError, match="alternative") as err:
        cross_section.gi_star(x, w, permutations=9, alternative="directed")
    assert "folded" in str(err.value)
    with pytest.raises(ValueError, match="alternative"):
        EsdaSettings(alternative="less")
    with pytest.raises(ValueError, match="alternative"):
        permutation.pseudo_p(1, 1, 9, "lesser")


def tie_free(observed, reference) -> np.ndarray:
    """Units none of whose permuted statistics ties the observed one (within permutation.TIE)."""
    observed = np.asarray(observed, dtype=float)[:, None]
    return ~(np.abs(reference - observed) <= permutation.TIE * np.maximum(1.0, np.abs(observed))).any(axis=1)


@pytest.mark.slow
def test_p_sim_of_esda_classes_follows_the_folded_rule():
    """esda's own Moran_Local and G_Local (star) on the lattice W: their p_sim is nqpf's folded p of their own
    permuted statistics (rlisas, rGs), on every unit where no draw reproduces the observed statistic (there
    esda's float comparison and nqpf's tie rule may differ). Slow: esda compiles its numba kernels."""
    from esda.getisord import G_Local
    from esda.moran import Moran_Local

    w, _ = lattice()
    x = np.random.default_rng(5).lognormal(size=w.n)
    lw = w.to_libpysal()
    lm = Moran_Local(x, lw, transformation="r", permutations=999, seed=1)
    free = tie_free(lm.Is, lm.rlisas)
    assert free.sum() >= w.n - 3
    ours = permutation.reference_p(lm.Is, lm.rlisas, "folded")
    np.testing.assert_array_equal(ours[free], lm.p_sim[free])
    assert lm.p_sim.min() < 0.01
    lg = G_Local(x, lw, transform="B", star=True, permutations=999, seed=1)
    free = tie_free(lg.Gs, lg.rGs)
    assert free.sum() >= w.n - 3
    # crand stores p_sim as float32
    ours = permutation.reference_p(lg.Gs, lg.rGs, "folded").astype(np.float32)
    np.testing.assert_array_equal(ours[free], lg.p_sim[free])
