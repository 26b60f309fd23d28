"""The dynamic spatial panel model (nqpf.DynamicSpatialPanelModel) against a reference written here from the
published formulas with dense matrices: the data transformed explicitly (Q_T = I_T - l l'/T over the T later
periods, and with time effects the orthonormal F_N' of Lee and Yu 2010, Econometric Theory, built from the
eigenvectors of J_N), the full quasi-likelihood of Yu, de Jong and Lee (2008, J. Econometrics 146, eq. 2.5)
maximised over every parameter, the information matrix Sigma and the bias vector a of their Theorem 3 from
dense inverses of S = I - rho W and I - A (never from eigenvalues), the correction theta + Sigma^-1 a / T, and
the short- and long-run effects from the dense matrices of partial derivatives (Debarsy, Ertur and LeSage
2012). A Monte Carlo recovers the parameters of a data-generating process (the QML bias of gamma removed, the
intervals' coverage); the stability report and the errors of bad input.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from scipy.optimize import minimize, minimize_scalar

import nqpf
from nqpf import InputError
from nqpf.models.dynamic import DynamicSpatialPanelModel

TRUTH = {"gamma": 0.4, "eta": -0.1, "rho": 0.3, "beta": 1.0, "theta": 0.5}


def rook(rows: int, columns: int) -> np.ndarray:
    n = rows * columns
    dense = np.zeros((n, n))
    for r in range(rows):
        for c in range(columns):
            i = r * columns + c
            if r + 1 < rows:
                dense[i, i + columns] = dense[i + columns, i] = 1.0
            if c + 1 < columns:
                dense[i, i + 1] = dense[i + 1, i] = 1.0
    return dense


def simulate(raw, periods, rng, gamma, eta, rho, beta, theta, time_effects=True, burn=30, noise=None):
    """y_t = (I - rho W)^-1 (gamma y_(t-1) + eta W y_(t-1) + beta x_t + theta W x_t + mu + alpha_t + e_t), x
    correlated with mu, started at 0 and run ``burn`` periods before the T + 1 kept (the first the initial
    condition). Returns the long frame and the arrays y (T+1, N), x (T+1, N)."""
    w = raw / raw.sum(axis=1, keepdims=True)
    n = w.shape[0]
    spread = np.linalg.inv(np.eye(n) - rho * w)
    mu = rng.normal(0, 1, n)
    y = np.zeros(n)
    ys, xs = [], []
    for t in range(burn + periods + 1):
        x = rng.normal(0, 1, n) + 0.5 * mu
        alpha = rng.normal(0, 1) if time_effects else 0.0
        e = rng.normal(0, 1, n) if noise is None else noise(rng, n)
        y = spread @ (gamma * y + eta * w @ y + beta * x + theta * w @ x + mu + alpha + e)
        if t >= burn:
            ys.append(y.copy())
            xs.append(x)
    ys, xs = np.array(ys), np.array(xs)
    frame = pd.DataFrame(
        {
            "code": np.tile([f"U{i:02d}" for i in range(n)], periods + 1),
            "year": np.repeat(np.arange(2000, 2001 + periods), n),
            "y": ys.ravel(),
            "x": xs.ravel(),
        }
    )
    return frame, ys, xs


def weights(raw):
    return nqpf.SpatialWeights.from_matrix(raw, [f"U{i:02d}" for i in range(raw.shape[0])], name="rook")


# -- the reference: dense matrices from the published formulas ---------------------------------------------------


def orthonormal_complement(n):
    """F_N: the eigenvectors of J_N = I - l l'/N for the eigenvalue 1 (N x (N - 1))."""
    values, vectors = np.linalg.eigh(np.eye(n) - np.ones((n, n)) / n)
    return vectors[:, values > 0.5]


def reference(ys, xs, raw, time_effects, lags=("gamma", "eta"), durbin=True):
    """(theta_hat, theta_1, Sigma, W*) of the dynamic model from dense matrices. theta = (gamma, eta, beta,
    theta, rho, sigma^2) in the order of the library's terms."""
    w = raw / raw.sum(axis=1, keepdims=True)
    n = w.shape[0]
    f = orthonormal_complement(n) if time_effects else np.eye(n)
    ws = f.T @ w @ f  # W* (W itself without time effects)
    m = f.shape[1]
    periods = ys.shape[0] - 1
    q = np.eye(periods) - np.ones((periods, periods)) / periods

    def transform(a):  # (T, N) periods 1..T -> Q_T over time, F' over units, stacked time-major
        return (q @ a @ f).ravel()

    y = transform(ys[1:])
    columns = []
    if "gamma" in lags:
        columns.append(transform(ys[:-1]))
    if "eta" in lags:
        columns.append(transform(ys[:-1] @ w.T))
    columns.append(transform(xs[1:]))
    if durbin:
        columns.append(transform(xs[1:] @ w.T))
    z = np.column_stack(columns)
    wbig = np.kron(np.eye(periods), ws)
    nt = m * periods

    def negative(params):  # -ln L of YDL eq. 2.5 over (delta, rho, log sigma^2)
        delta, rho, log_s2 = params[:-2], params[-2], params[-1]
        sign, logdet = np.linalg.slogdet(np.eye(m) - rho * ws)
        v = y - rho * wbig @ y - z @ delta
        s2 = np.exp(log_s2)
        return nt / 2 * np.log(2 * np.pi * s2) - periods * logdet + v @ v / (2 * s2)

    # concentrated first (for a start), then the full likelihood over every parameter
    def concentrated(rho):
        yy = y - rho * wbig @ y
        delta = np.linalg.lstsq(z, yy, rcond=None)[0]
        v = yy - z @ delta
        return nt / 2 * np.log(v @ v / nt) - periods * np.linalg.slogdet(np.eye(m) - rho * ws)[1]

    rho0 = minimize_scalar(concentrated, bounds=(-0.9, 0.95), method="bounded", options={"xatol": 1e-12}).x
    yy = y - rho0 * wbig @ y
    delta0 = np.linalg.lstsq(z, yy, rcond=None)[0]
    s20 = np.sum((yy - z @ delta0) ** 2) / nt
    start = np.concatenate([delta0, [rho0, np.log(s20)]])
    best = minimize(negative, start, method="BFGS", options={"gtol": 1e-10})
    params = best.x
    delta, rho, s2 = params[:-2], params[-2], np.exp(params[-1])
    # YDL, Theorem 3: Sigma (per observation) and a
    s = np.eye(m) - rho * ws
    s_inv = np.linalg.inv(s)
    g = ws @ s_inv
    gbig = np.kron(np.eye(periods), g)
    h = gbig @ z @ delta
    k = z.shape[1]
    sigma = np.zeros((k + 2, k + 2))
    sigma[:k, :k] = z.T @ z / s2
    sigma[:k, k] = sigma[k, :k] = z.T @ h / s2
    sigma[k, k] = h @ h / s2 + periods * np.trace((g + g.T) @ g)
    sigma[k, k + 1] = sigma[k + 1, k] = periods * np.trace(g) / s2
    sigma[k + 1, k + 1] = nt / (2 * s2**2)
    sigma /= nt
    gamma = delta[0] if "gamma" in lags else 0.0
    eta = delta[int("gamma" in lags)] if "eta" in lags else 0.0
    a_matrix = s_inv @ (gamma * np.eye(m) + eta * ws)
    mm = np.linalg.inv(np.eye(m) - a_matrix) @ s_inv
    a = np.zeros(k + 2)
    position = 0
    if "gamma" in lags:
        a[position] = np.trace(mm) / m
        position += 1
    if "eta" in lags:
        a[position] = np.trace(ws @ mm) / m
    a[k] = (gamma * np.trace(g @ mm) + eta * np.trace(g @ ws @ mm) + np.trace(g)) / m
    a[k + 1] = 1 / (2 * s2)
    theta_hat = np.concatenate([delta, [rho, s2]])
    theta_1 = theta_hat + np.linalg.solve(sigma, a) / periods
    return theta_hat, theta_1, sigma


@pytest.mark.parametrize(
    ("effects", "lags", "model"),
    [
        ("two-way", "both", "sdm"),
        ("unit", "both", "sdm"),
        ("two-way", "time", "sar"),
        ("unit", "spacetime", "sdm"),
    ],
)
def test_estimates_and_bias_correction_match_the_dense_reference(effects, lags, model):
    raw = rook(5, 6)
    frame, ys, xs = simulate(raw, 8, np.random.default_rng(11), **TRUTH, time_effects=effects == "two-way")
    res = DynamicSpatialPanelModel(
        frame, "y", ["x"], weights(raw), model=model, lags=lags, fixed_effects=effects
    ).fit()
    names = {"both": ("gamma", "eta"), "time": ("gamma",), "spacetime": ("eta",)}[lags]
    theta_hat, theta_1, sigma = reference(ys, xs, raw, effects == "two-way", names, durbin=model == "sdm")
    # the QML estimates: the full likelihood maximised by BFGS (gradient 1e-10) against the exact concentrated one
    assert_allclose(res.qml, theta_hat, rtol=1e-6, atol=1e-7)
    # the correction, from the library's QML estimates through the dense formulas
    assert_allclose(res.theta, theta_1 - theta_hat + res.qml, rtol=1e-7, atol=1e-8)
    # the covariance: the inverse information at the corrected estimates
    k = len(res.terms) - 1
    _, _, sigma_1 = _sigma_at(ys, xs, raw, effects == "two-way", names, model == "sdm", res.theta)
    assert_allclose(res.cov, np.linalg.inv(sigma_1)[: k + 1, : k + 1] / res.n_obs, rtol=1e-8)
    assert (
        res.terms[:2] == {"both": ["L.y", "W.L.y"], "time": ["L.y", "x"], "spacetime": ["W.L.y", "x"]}[lags]
    )


def _sigma_at(ys, xs, raw, time_effects, lags, durbin, theta):
    """Sigma of the reference at given parameters (the covariance of the corrected estimator)."""
    w = raw / raw.sum(axis=1, keepdims=True)
    n = w.shape[0]
    f = orthonormal_complement(n) if time_effects else np.eye(n)
    ws = f.T @ w @ f
    m = f.shape[1]
    periods = ys.shape[0] - 1
    q = np.eye(periods) - np.ones((periods, periods)) / periods
    columns = []
    if "gamma" in lags:
        columns.append((q @ ys[:-1] @ f).ravel())
    if "eta" in lags:
        columns.append((q @ ys[:-1] @ w.T @ f).ravel())
    columns.append((q @ xs[1:] @ f).ravel())
    if durbin:
        columns.append((q @ xs[1:] @ w.T @ f).ravel())
    z = np.column_stack(columns)
    delta, rho, s2 = theta[:-2], theta[-2], theta[-1]
    g = ws @ np.linalg.inv(np.eye(m) - rho * ws)
    h = np.kron(np.eye(periods), g) @ z @ delta
    k = z.shape[1]
    nt = m * periods
    sigma = np.zeros((k + 2, k + 2))
    sigma[:k, :k] = z.T @ z / s2
    sigma[:k, k] = sigma[k, :k] = z.T @ h / s2
    sigma[k, k] = h @ h / s2 + periods * np.trace((g + g.T) @ g)
    sigma[k, k + 1] = sigma[k + 1, k] = periods * np.trace(g) / s2
    sigma[k + 1, k + 1] = nt / (2 * s2**2)
    return None, None, sigma / nt


def test_short_and_long_run_effects_match_the_dense_derivatives():
    raw = rook(5, 6)
    frame, _, _ = simulate(raw, 8, np.random.default_rng(5), **TRUTH)
    res = DynamicSpatialPanelModel(frame, "y", ["x"], weights(raw)).fit()
    impacts = res.impacts(draws=200, seed=3)
    p = res.params
    w = raw / raw.sum(axis=1, keepdims=True)
    n = w.shape[0]
    kernel = p["x"] * np.eye(n) + p["W.x"] * w
    short = np.linalg.inv(np.eye(n) - p["rho"] * w) @ kernel
    long = np.linalg.inv((1 - p["L.y"]) * np.eye(n) - (p["rho"] + p["W.L.y"]) * w) @ kernel
    for horizon, matrix in (("short_run", short), ("long_run", long)):
        direct, total = np.trace(matrix) / n, matrix.sum() / n
        got = impacts.estimates(horizon).loc["x"]
        assert_allclose(got.to_numpy(), [direct, total - direct, total], rtol=1e-10)
    # the draws are seeded: the same seed gives the same table
    assert impacts.table.equals(res.impacts(draws=200, seed=3).table)
    assert not impacts.table.equals(res.impacts(draws=200, seed=4).table)


def test_monte_carlo_removes_the_bias_and_covers_the_truth():
    """30 units, 10 periods after the first, 60 draws of the process: the QML gamma is biased down by about
    (1 + gamma) / T (Nickell), the corrected estimates are centred on the truth within 3 Monte Carlo standard
    errors and their 95 % intervals cover it in 85-100 % of the draws."""
    raw = rook(5, 6)
    w = weights(raw)
    rng = np.random.default_rng(2024)
    truth = np.array([TRUTH["gamma"], TRUTH["eta"], TRUTH["beta"], TRUTH["theta"], TRUTH["rho"]])
    corrected, qml, covered = [], [], []
    for _ in range(60):
        frame, _, _ = simulate(raw, 10, rng, **TRUTH)
        res = DynamicSpatialPanelModel(frame, "y", ["x"], w).fit()
        corrected.append(res.params.to_numpy())
        qml.append(res.qml[:-1])
        ci = res.conf_int()
        covered.append((ci["lower"].to_numpy() <= truth) & (truth <= ci["upper"].to_numpy()))
    corrected, qml = np.array(corrected), np.array(qml)
    error = corrected.std(axis=0, ddof=1) / np.sqrt(len(corrected))
    assert np.all(np.abs(corrected.mean(axis=0) - truth) < 3 * error), (corrected.mean(axis=0), truth, error)
    # the QML gamma is biased down, the correction removes most of it
    assert qml[:, 0].mean() < truth[0] - 4 * error[0]
    assert abs(corrected[:, 0].mean() - truth[0]) < 0.25 * abs(qml[:, 0].mean() - truth[0])
    coverage = np.mean(covered, axis=0)
    assert np.all(coverage >= 0.85), coverage


def test_stability_is_reported_and_the_wald_test_reads_the_sum():
    raw = rook(5, 6)
    frame, _, _ = simulate(raw, 8, np.random.default_rng(8), **TRUTH)
    res = DynamicSpatialPanelModel(frame, "y", ["x"], weights(raw)).fit()
    stability = res.stability
    p = res.params
    total = p["L.y"] + p["W.L.y"] + p["rho"]
    assert stability["sum"] == pytest.approx(total)
    grad = np.array([1, 1, 0, 0, 1.0])
    se = np.sqrt(grad @ res.cov.__array__() @ grad)
    assert stability["sum_std_error"] == pytest.approx(se)
    assert stability["wald"] == pytest.approx((total - 1) ** 2 / se**2)
    # the largest modulus of A = S^-1 (gamma I + eta W) from a dense eigen decomposition
    w = raw / raw.sum(axis=1, keepdims=True)
    a = np.linalg.inv(np.eye(len(w)) - p["rho"] * w) @ (p["L.y"] * np.eye(len(w)) + p["W.L.y"] * w)
    moduli = np.sort(np.abs(np.linalg.eigvals(a)))
    assert stability["max_modulus_common"] == pytest.approx(moduli[-1])
    # under two-way effects the common direction (eigenvalue (gamma + eta) / (1 - rho)) drops out
    common = (p["L.y"] + p["W.L.y"]) / (1 - p["rho"])
    rest = np.delete(moduli, np.argmin(np.abs(moduli - abs(common))))
    assert stability["max_modulus"] == pytest.approx(rest.max())
    assert stability["stable"] and not res.notes


def test_an_explosive_process_is_flagged_and_has_no_long_run_effects():
    raw = rook(5, 6)
    frame, _, _ = simulate(raw, 8, np.random.default_rng(9), 0.75, 0.2, 0.3, 1.0, 0.5, burn=0)
    res = DynamicSpatialPanelModel(frame, "y", ["x"], weights(raw)).fit()
    assert not res.stability["stable"]
    assert any("not stable" in note for note in res.notes)


def test_bad_input_stops_with_the_key_and_the_fix():
    raw = rook(4, 4)
    frame, _, _ = simulate(raw, 6, np.random.default_rng(1), **TRUTH)
    w = weights(raw)
    with pytest.raises(InputError, match="lags"):
        DynamicSpatialPanelModel(frame, "y", ["x"], w, lags="spatial")
    with pytest.raises(InputError, match="fixed_effects"):
        DynamicSpatialPanelModel(frame, "y", ["x"], w, fixed_effects="time")
    with pytest.raises(InputError, match="consecutive years"):
        DynamicSpatialPanelModel(frame[frame["year"] != 2003], "y", ["x"], w)
    with pytest.raises(InputError, match="balanced panel"):
        DynamicSpatialPanelModel(frame.drop(index=[5]), "y", ["x"], w)
    binary = nqpf.SpatialWeights.from_matrix(raw, [f"U{i:02d}" for i in range(16)], standardise="none")
    with pytest.raises(InputError, match="row-standardised"):
        DynamicSpatialPanelModel(frame, "y", ["x"], binary, fixed_effects="two-way")
    # unit effects alone take a W that is not row-standardised
    DynamicSpatialPanelModel(frame, "y", ["x"], binary, fixed_effects="unit").fit()
    constant = frame.assign(c=frame["code"].map(lambda code: float(code[1:])))
    with pytest.raises(InputError, match="collinear"):
        DynamicSpatialPanelModel(constant, "y", ["x", "c"], w)


def test_summary_and_records_carry_the_corrected_and_the_qml_estimates():
    raw = rook(4, 5)
    frame, _, _ = simulate(raw, 6, np.random.default_rng(3), **TRUTH)
    res = nqpf.DynamicSpatialPanelModel(frame, "y", ["x"], weights(raw)).fit()
    text = str(res.summary)
    assert "Yu, de Jong and Lee" in text and "QML" in text and "W.L.y" in text
    rows = res.estimates()
    assert list(rows["term"]) == res.terms
    assert_allclose(rows["qml"], res.qml[:-1])
    record = res.record()
    assert record["bias_correction"] == "yu_de_jong_lee" and record["n_periods"] == 6
    assert record["initial_year"] == 2000 and record["first_year"] == 2001
    plain = nqpf.DynamicSpatialPanelModel(frame, "y", ["x"], weights(raw), bias_correction=False).fit()
    assert_allclose(plain.params, plain.qml[:-1])
    assert_allclose(plain.qml, res.qml)


@pytest.mark.parametrize("language", ["en", "zh"])
def test_the_stage_frames_and_the_table(language):
    from nqpf.tables.dynamic_panel import dynamic_panel
    from nqpf.tables.labels import Labels

    raw = rook(5, 6)
    frame, _, _ = simulate(raw, 8, np.random.default_rng(12), **TRUTH)
    res = DynamicSpatialPanelModel(frame, "y", ["x"], weights(raw)).fit()
    frames = res.frames(draws=200, seed=4)
    assert set(frames) == {"estimates", "effects", "fit"}
    assert_allclose(frames["estimates"]["estimate"], res.params, rtol=1e-14)
    assert frames["effects"].equals(res.impacts(draws=200, seed=4).table)
    fit = frames["fit"].iloc[0]
    assert fit["draws"] == 200 and fit["stable"] and fit["dependent"] == "y" and fit["weights"] == "rook"
    labels = Labels(language, {"y": {"en": "Output", "zh": "产出"}})
    table = dynamic_panel(frames["estimates"], frames["effects"], frames["fit"], labels)
    assert len(table.columns) == 4 and len(table.blocks) == 4  # coefficients, short run, long run, footer
    first = table.blocks[0].rows[0]
    assert labels.name("y") in first.label.text and first.cells[0].text.startswith(f"{res.params['L.y']:.3f}")
    assert first.cells[1].text == f"{res.qml[0]:.3f}"
    long = frames["effects"].set_index(["horizon", "effect"]).loc[("long_run", "total"), "estimate"]
    assert table.blocks[2].rows[0].cells[2].text.rstrip("*") == f"{long:.3f}"
