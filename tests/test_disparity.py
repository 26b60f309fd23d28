"""Regional disparity: Dagum Gini and Theil decompositions worked by hand, their identities, convergence."""

import numpy as np
import pandas as pd
import pytest

from nqpf import disparity
from nqpf.disparity import convergence


def test_dagum_gini_worked_by_hand():
    # A = (1, 3), B = (2, 6); n = 4, mu = 3.
    # Unordered differences: |1-3| 2, |1-2| 1, |1-6| 5, |3-2| 1, |3-6| 3, |2-6| 4: sum 16, ordered 32.
    # G = 32 / (2 * 16 * 3) = 1/3.
    # G_AA = 2 * 2 / (2 * 2^2 * 2) = 0.25; G_BB = 2 * 4 / (2 * 2^2 * 4) = 0.25.
    # Between: |1-2| + |1-6| + |3-2| + |3-6| = 10, G_AB = 10 / (2 * 2 * (2 + 4)) = 5/12.
    # p = (1/2, 1/2), s = (4/12, 8/12) = (1/3, 2/3): G_w = 0.25 (0.5/3 + 0.5 * 2/3) = 0.125.
    # B is richer: d_BA = (1 + 0 + 5 + 3) / 4 = 2.25, p_BA = (0 + 1 + 0 + 0) / 4 = 0.25, D = 2 / 2.5 = 0.8.
    # p_B s_A + p_A s_B = 0.5; G_nb = 5/12 * 0.5 * 0.8 = 1/6; G_t = 5/12 * 0.5 * 0.2 = 1/24.
    result = disparity.dagum_gini(np.array([1.0, 3.0, 2.0, 6.0]), np.array(["A", "A", "B", "B"]))
    assert result["G"] == pytest.approx(1 / 3)
    assert result["within"] == pytest.approx({"A": 0.25, "B": 0.25})
    assert result["between"][("A", "B")] == pytest.approx(5 / 12)
    assert result["D"][("A", "B")] == pytest.approx(0.8)
    assert (result["G_w"], result["G_nb"], result["G_t"]) == pytest.approx((0.125, 1 / 6, 1 / 24))


def test_dagum_gini_identity_on_random_data():
    rng = np.random.default_rng(2024)
    for _ in range(20):
        n = rng.integers(8, 60)
        y = rng.lognormal(0, 0.7, n)
        g = rng.choice(["East", "Central", "West", "Northeast"], n)
        r = disparity.dagum_gini(y, g, ["East", "Central", "West", "Northeast"])
        assert r["G_w"] + r["G_nb"] + r["G_t"] == pytest.approx(r["G"], rel=1e-12)
        naive = np.abs(y[:, None] - y[None, :]).sum() / (2 * n**2 * y.mean())
        assert r["G"] == pytest.approx(naive, rel=1e-12)


def test_theil_worked_by_hand_and_its_decomposition():
    # y = (1, 3, 2, 6), mu = 3: T = 1/4 [1/3 ln 1/3 + 0 + 2/3 ln 2/3 + 2 ln 2] = 0.187445.
    # Shares s_A = 4/12, s_B = 8/12: T_b = 1/3 ln(2/3) + 2/3 ln(4/3) = 0.056633.
    # T_A = 1/2 [1/2 ln 1/2 + 3/2 ln 3/2] = 0.130812 = T_B; T_w = 0.130812.
    r = disparity.theil(np.array([1.0, 3.0, 2.0, 6.0]), np.array(["A", "A", "B", "B"]))
    assert r["T"] == pytest.approx(0.187445, abs=1e-6)
    assert r["T_b"] == pytest.approx(0.056633, abs=1e-6)
    assert r["T_w"] == pytest.approx(0.130812, abs=1e-6)
    rng = np.random.default_rng(5)
    y, g = rng.lognormal(size=50), rng.choice(list("abcd"), 50)
    r = disparity.theil(y, g)
    assert r["T_w"] + r["T_b"] == pytest.approx(r["T"], rel=1e-12)


def test_theil_treats_zero_as_zero_and_refuses_negatives():
    # mu = 1: T = 1/2 [0 ln 0 + 2 ln 2] = ln 2, with 0 ln 0 = 0
    assert disparity.theil(np.array([0.0, 2.0]), np.array(["a", "a"]))["T"] == pytest.approx(np.log(2))
    with pytest.raises(ValueError):
        disparity.theil(np.array([-1.0, 2.0]), np.array(["a", "a"]))


def frame_two_years():
    return pd.DataFrame(
        {
            "code": list("abcdef") * 2,
            "year": [2020] * 6 + [2021] * 6,
            "region": ["East", "East", "Central", "Central", "West", "Northeast"] * 2,
            "v": [4.0, 6.0, 2.0, 4.0, 1.0, 3.0, 8.0, 10.0, 5.0, 5.0, 2.0, 3.0],
        }
    )


def test_regional_means_gaps_and_growth():
    means = disparity.regional_means(frame_two_years(), "v")
    first = means[means.year == 2020].set_index("region")
    assert first.loc["East", "mean"] == 5.0 and first.loc["Central", "gap_to_east"] == 2.0
    assert first.loc["West", "ratio_to_east"] == pytest.approx(0.2)
    assert first.loc["National", "mean"] == pytest.approx(20 / 6)
    growth = disparity.growth_multiples(means).set_index("region")
    assert growth.loc["East", "multiple"] == pytest.approx(9 / 5)
    assert growth.loc["East", "annual_growth_percent"] == pytest.approx(80.0)


def test_analyse_returns_every_table():
    tables = disparity.analyse(frame_two_years(), ["v"])
    assert set(tables) == {
        "regional_means",
        "regional_growth",
        "dagum_gini",
        "dagum_gini_within",
        "dagum_gini_between",
        "theil",
        "dispersion",
    }
    gini = tables["dagum_gini"]
    shares = gini[["share_w_percent", "share_nb_percent", "share_t_percent"]].sum(axis=1)
    assert shares.to_numpy() == pytest.approx([100.0, 100.0])
    assert len(tables["dagum_gini_between"]) == 2 * 6  # four regions: six pairs a year


def test_beta_convergence_recovers_a_known_coefficient():
    # ln y_iT - ln y_i0 = T (a + b ln y_i0) exactly: the cross-section regression gives b.
    rng = np.random.default_rng(1)
    log0 = rng.uniform(8, 11, 40)
    years, b = 10, -0.02
    rows = []
    for i, start in enumerate(log0):
        for t in range(years + 1):
            rows.append(
                {
                    "code": f"u{i}",
                    "year": 2010 + t,
                    "region": "East",
                    "v": np.exp(start + t * (0.3 + b * start)),
                }
            )
    table = convergence.beta(pd.DataFrame(rows), "v", "region", ["East"])
    absolute = table[(table["type"] == "absolute beta") & (table["region"] == "National")].iloc[0]
    assert absolute["coefficient"] == pytest.approx(b, abs=1e-10)
    assert absolute["speed_percent"] == pytest.approx(-100 * np.log(1 + b * years) / years)


def test_conditional_beta_on_a_simulated_panel():
    # ln y_it = (1 + b) ln y_i,t-1 + mu_i + eta_t + e: the two-way FE regression is close to b for long T (its
    # Nickell bias is about -(2 + b) / (T - 1) = -0.017 for T = 100).
    rng = np.random.default_rng(3)
    n, t_len, b = 60, 100, -0.3
    mu, eta = rng.normal(2, 0.5, n), rng.normal(0, 0.1, t_len)
    log_y = np.zeros((n, t_len))
    log_y[:, 0] = mu / -b
    for t in range(1, t_len):
        log_y[:, t] = (1 + b) * log_y[:, t - 1] + mu + eta[t] + rng.normal(0, 0.05, n)
    rows = [
        {"code": f"u{i}", "year": 2000 + t, "region": "East", "v": np.exp(log_y[i, t])}
        for i in range(n)
        for t in range(t_len)
    ]
    table = convergence.beta(pd.DataFrame(rows), "v", "region", [])
    conditional = table[table["type"].str.startswith("conditional")].iloc[0]
    assert conditional["coefficient"] == pytest.approx(b - 1.7 / 99, abs=0.02)
    assert conditional["p"] < 0.001


def test_sigma_convergence_slope():
    rows = [
        {"code": f"u{i}", "year": 2000 + t, "region": "East", "v": 10 + (i - 2) * (5 - t)}
        for i in range(5)
        for t in range(6)
    ]
    table = convergence.sigma(pd.DataFrame(rows), "v", "region", ["East"])
    national = table[table["region"] == "National"].iloc[0]
    assert national["coefficient"] < 0 and national["last_cv"] == 0.0
