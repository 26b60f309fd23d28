"""Mediation, moderation and quadratic terms (nqpf.models.mechanisms): every spatial effect against the dense N x N
matrices of partial derivatives computed here, Sobel's formula by hand, and Monte Carlo recovery of the mediated
effect, the interaction and the turning point set in data-generating processes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from nqpf import InputError
from nqpf.models import mechanisms
from nqpf.weights.core import SpatialWeights
from tests.test_spatial_beta import rook

ROWS, COLUMNS, YEARS = 6, 7, 8


DENSE = rook(ROWS, COLUMNS)
N = len(DENSE)
IDS = [f"U{i:03d}" for i in range(N)]
W = DENSE / DENSE.sum(axis=1, keepdims=True)
WEIGHTS = SpatialWeights.from_matrix(DENSE, ids=IDS, name="rook")


def long_panel(**columns):
    """A long panel (code, year, the columns) of (years, N) arrays, time-major."""
    years = len(next(iter(columns.values())))
    frame = {"code": np.tile(IDS, years), "year": np.repeat(np.arange(2011, 2011 + years), N)}
    return pd.DataFrame({**frame, **{name: values.ravel() for name, values in columns.items()}})


def lag_process(x_part, rho, rng, mu, years=YEARS, noise=0.3):
    """y_t = (I - rho W)^-1 (x_part_t + mu + alpha_t + e_t) for each year."""
    spread = np.linalg.inv(np.eye(N) - rho * W)
    return np.array([spread @ (x_part[t] + mu + 0.1 * t + rng.normal(0, noise, N)) for t in range(years)])


def mediation_panel(seed, a=0.6, b=0.5, c=0.3, rho_m=0.3, rho_y=0.25, t_xm=0.2, t_my=0.1, years=YEARS):
    rng = np.random.default_rng(seed)
    mu_m, mu_y = rng.normal(0, 0.5, N), rng.normal(0, 0.5, N)
    x = rng.normal(0, 1, (years, N)) + 0.3 * mu_y
    z = rng.normal(0, 1, (years, N))
    m = lag_process(
        np.array([a * x[t] + t_xm * W @ x[t] + 0.2 * z[t] for t in range(years)]), rho_m, rng, mu_m
    )
    y = lag_process(
        np.array([c * x[t] + b * m[t] + t_my * W @ m[t] - 0.1 * z[t] for t in range(years)]), rho_y, rng, mu_y
    )
    return long_panel(y=y, x=x, m=m, z=z)


def dense_effects(matrix):
    """(direct, indirect, total) of an N x N matrix of partial derivatives."""
    direct = np.trace(matrix) / N
    total = matrix.sum() / N
    return np.array([direct, total - direct, total])


def lag_matrix(fit, name):
    p = fit.params
    beta, theta = p.get(name, 0.0), p.get(f"W.{name}", 0.0)
    return np.linalg.solve(np.eye(N) - p["rho"] * W, beta * np.eye(N) + theta * W)


def test_the_spatial_mediated_effect_is_the_product_of_the_two_equations_matrices():
    data = mediation_panel(1)
    result = mechanisms.mediation(data, "y", "x", "m", ["z"], w=WEIGHTS, bootstrap=0, draws=200)
    table = result.spatial.set_index(["path", "effect"])["estimate"]
    m_fit, y_fit = result.fits["spatial_m"], result.fits["spatial_y"]
    x_on_m, m_on_y, x_on_y = lag_matrix(m_fit, "x"), lag_matrix(y_fit, "m"), lag_matrix(y_fit, "x")
    cases = {
        "X -> M": x_on_m,
        "M -> Y": m_on_y,
        "X -> Y (direct path)": x_on_y,
        "X -> M -> Y (mediated)": m_on_y @ x_on_m,
        "X -> Y (total path)": x_on_y + m_on_y @ x_on_m,
    }
    for path, matrix in cases.items():
        got = [table[(path, kind)] for kind in ("direct", "indirect", "total")]
        np.testing.assert_allclose(got, dense_effects(matrix), rtol=1e-9, atol=1e-12)
    # the effects of X on M are those the model's own impacts() report
    impacts = m_fit.impacts(draws=100).estimates.loc["x"]
    np.testing.assert_allclose(
        [table[("X -> M", k)] for k in ("direct", "indirect", "total")], impacts, rtol=1e-10
    )


def test_monte_carlo_recovers_the_mediated_effect_spatially_and_stepwise():
    """20 panels: the mean estimate of each part of the mediated effect within 10% of the truth (the dense
    matrices at the true parameters); the stepwise a b of the non-spatial equations is a biased reading of a
    spatial process and is only required to have the right sign."""
    truth_m = np.linalg.solve(np.eye(N) - 0.3 * W, 0.6 * np.eye(N) + 0.2 * W)
    truth_y = np.linalg.solve(np.eye(N) - 0.25 * W, 0.5 * np.eye(N) + 0.1 * W)
    truth = dense_effects(truth_y @ truth_m)
    found, stepwise = [], []
    for rep in range(20):
        result = mechanisms.mediation(
            mediation_panel(100 + rep), "y", "x", "m", ["z"], w=WEIGHTS, bootstrap=0, draws=100
        )
        table = result.spatial.set_index(["path", "effect"])["estimate"]
        found.append([table[("X -> M -> Y (mediated)", k)] for k in ("direct", "indirect", "total")])
        stepwise.append(result.indirect["indirect"].iloc[0])
    np.testing.assert_allclose(np.mean(found, axis=0), truth, rtol=0.1)
    assert np.all(np.array(stepwise) > 0)


def test_sobel_and_the_bootstrap_of_the_stepwise_indirect_effect():
    data = mediation_panel(7, rho_m=0.0, rho_y=0.0, t_xm=0.0, t_my=0.0)
    result = mechanisms.mediation(data, "y", "x", "m", ["z"], bootstrap=199, seed=3)
    steps = result.steps.set_index("symbol")
    a, sa = steps.loc["a", ["estimate", "std_error"]]
    b, sb = steps.loc["b", ["estimate", "std_error"]]
    row = result.indirect.iloc[0]
    assert row["indirect"] == pytest.approx(a * b, rel=1e-12)
    assert row["sobel_se"] == pytest.approx(np.sqrt(a**2 * sb**2 + b**2 * sa**2), rel=1e-12)
    assert abs(row["indirect"] - 0.6 * 0.5) < 3 * row["sobel_se"]
    assert row["boot_ci_low"] < row["indirect"] < row["boot_ci_high"] and row["boot_ci_low"] > 0
    assert row["bootstrap"] == 199
    # the bootstrap's interval and Sobel's agree on a normal indirect effect in a large sample
    assert (row["boot_ci_high"] - row["boot_ci_low"]) / (2 * 1.96 * row["sobel_se"]) == pytest.approx(
        1, abs=0.3
    )
    assert set(steps["style"]) == {"both", "stepwise"} and steps.loc["a", "style"] == "both"
    assert row["share_mediated"] == pytest.approx(row["indirect"] / row["total"])


def moderation_panel(seed, b_x=0.5, b_m=0.2, b_xm=0.3, rho=0.3, t_x=0.1, t_xm=0.05, years=YEARS):
    rng = np.random.default_rng(seed)
    mu = rng.normal(0, 0.5, N)
    x = rng.normal(1, 1, (years, N))
    m = rng.normal(2, 1, (years, N))
    product = (x - 1) * (m - 2)
    part = np.array(
        [
            b_x * x[t] + b_m * m[t] + b_xm * product[t] + t_x * W @ x[t] + t_xm * W @ product[t]
            for t in range(years)
        ]
    )
    y = lag_process(part, rho, rng, mu)
    return long_panel(y=y, x=x, m=m)


def test_moderation_marginal_effects_are_the_dense_effects_at_each_moderator_value():
    data = moderation_panel(2)
    result = mechanisms.moderation(data, "y", "x", "m", w=WEIGHTS, draws=200, points=5)
    p = result.fit.params
    term = result.term
    assert term == "x_x_m"
    for value, rows in result.marginal.groupby("moderator"):
        shift = value - result.centres["m"]
        matrix = np.linalg.solve(
            np.eye(N) - p["rho"] * W,
            (p["x"] + p[term] * shift) * np.eye(N) + (p["W.x"] + p[f"W.{term}"] * shift) * W,
        )
        got = rows.set_index("effect").loc[["direct", "indirect", "total"], "estimate"].to_numpy()
        np.testing.assert_allclose(got, dense_effects(matrix), rtol=1e-9, atol=1e-12)
    at_mean = result.marginal[np.isclose(result.marginal["moderator"], result.centres["m"])]
    impacts = result.fit.impacts(draws=100).estimates.loc["x"].to_numpy()
    np.testing.assert_allclose(
        at_mean.set_index("effect").loc[["direct", "indirect", "total"], "estimate"], impacts
    )


def test_monte_carlo_recovers_the_interaction():
    estimates = [
        mechanisms.moderation(moderation_panel(200 + rep), "y", "x", "m", w=WEIGHTS, draws=100, points=3)
        .fit.params[["x_x_m", "W.x_x_m"]]
        .to_numpy()
        for rep in range(15)
    ]
    np.testing.assert_allclose(np.mean(estimates, axis=0), [0.3, 0.05], atol=0.03)
    plain = mechanisms.moderation(moderation_panel(5, rho=0.0, t_x=0.0, t_xm=0.0), "y", "x", "m", points=3)
    marginal = plain.marginal.set_index("moderator")["estimate"]
    fit = plain.fit
    for value, estimate in marginal.items():
        assert estimate == pytest.approx(fit.params["x"] + fit.params["x_x_m"] * (value - plain.centres["m"]))
    assert fit.params["x_x_m"] == pytest.approx(0.3, abs=0.05)


def quadratic_panel(seed, b1=1.2, b2=-0.4, rho=0.3, t1=0.2, t2=-0.05, years=YEARS):
    rng = np.random.default_rng(seed)
    mu = rng.normal(0, 0.5, N)
    x = rng.uniform(0, 3, (years, N))
    part = np.array([b1 * x[t] + b2 * x[t] ** 2 + t1 * W @ x[t] + t2 * W @ x[t] ** 2 for t in range(years)])
    y = lag_process(part, rho, rng, mu)
    return long_panel(y=y, x=x)


def test_turning_points_are_the_zeros_of_each_dense_effect():
    data = quadratic_panel(3)
    result = mechanisms.quadratic(data, "y", "x", w=WEIGHTS, draws=300)
    p = result.fit.params
    turning = result.turning.set_index("effect")["turning_point"]

    def effect_at(v):
        return dense_effects(
            np.linalg.solve(
                np.eye(N) - p["rho"] * W,
                (p["x"] + 2 * p["x_sq"] * v) * np.eye(N) + (p["W.x"] + 2 * p["W.x_sq"] * v) * W,
            )
        )

    for k, kind in enumerate(("direct", "indirect", "total")):
        assert effect_at(turning[kind])[k] == pytest.approx(0, abs=1e-10)
    assert turning["coefficients"] == pytest.approx(-p["x"] / (2 * p["x_sq"]))


def test_monte_carlo_recovers_the_turning_point_and_lind_mehlum_slopes():
    # total effect: (1.2 + 0.2 + 2 (-0.4 - 0.05) v) / (1 - rho) = 0 at v = 1.4 / 0.9
    totals = [
        mechanisms.quadratic(quadratic_panel(300 + rep), "y", "x", w=WEIGHTS, draws=100)
        .turning.set_index("effect")
        .loc["total", "turning_point"]
        for rep in range(15)
    ]
    assert np.mean(totals) == pytest.approx(1.4 / 0.9, rel=0.03)
    plain = mechanisms.quadratic(quadratic_panel(9, rho=0.0, t1=0.0, t2=0.0), "y", "x")
    row = plain.turning.iloc[0]
    assert row["turning_point"] == pytest.approx(1.5, abs=0.1) and row["inside_data"]
    fit = plain.fit
    b1, b2 = fit.params["x"], fit.params["x_sq"]
    grad = np.array([-1 / (2 * b2), b1 / (2 * b2**2)])
    assert row["std_error"] == pytest.approx(np.sqrt(grad @ fit.cov[:2, :2] @ grad))
    slopes = plain.slopes.set_index("at")
    assert slopes.loc["min", "slope"] > 0 > slopes.loc["max", "slope"]
    assert slopes.loc["min", "p"] < 0.01 and slopes.loc["max", "p"] < 0.01


def test_mechanisms_refuse_roles_played_twice_and_error_models():
    data = mediation_panel(1)
    with pytest.raises(InputError, match="plays two roles"):
        mechanisms.mediation(data, "y", "x", "x", ["z"], bootstrap=0)
    with pytest.raises(InputError, match="mechanisms are decomposed in lag models"):
        mechanisms.moderation(data, "y", "x", "m", w=WEIGHTS, model="sem")
    with pytest.raises(InputError, match="no column 'q'"):
        mechanisms.quadratic(data, "y", "q")
