"""Spatial beta convergence (nqpf.disparity.spatial): the OLS rows against the non-spatial convergence of
nqpf.disparity.convergence, the spatial rows against the model engine fitted on growth data built here by hand
(nationally and on a club's units with its own W), the speed and half-life by hand, a Monte Carlo recovery of a
known beta and rho, and the errors on bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from nqpf.disparity import convergence
from nqpf.errors import InputError
from nqpf.models.convergence import GROWTH, LEVEL, half_life, spatial_beta, speed
from nqpf.models.spatial_panel import SpatialPanelModel
from nqpf.weights.core import SpatialWeights

ROWS, COLUMNS, YEARS, FIRST = 10, 10, 9, 2010


def rook(rows: int, columns: int) -> np.ndarray:
    n = rows * columns
    dense = np.zeros((n, n))
    for r in range(rows):
        for c in range(columns):
            i = r * columns + c
            for dr, dc in ((0, 1), (1, 0)):
                if r + dr < rows and c + dc < columns:
                    j = (r + dr) * columns + c + dc
                    dense[i, j] = dense[j, i] = 1.0
    return dense


def study(seed=4, years=YEARS, rows=ROWS, columns=COLUMNS, b=-0.08, rho=0.4, theta=0.03):
    """A long panel whose log level grows by a spatial Durbin process in its lagged level, the rook W, and the
    region of each unit (west half A, east half B)."""
    dense = rook(rows, columns)
    n = rows * columns
    ids = [f"U{i:03d}" for i in range(n)]
    standardised = dense / dense.sum(axis=1, keepdims=True)
    rng = np.random.default_rng(seed)
    spread = np.linalg.inv(np.eye(n) - rho * standardised)
    mu = rng.normal(0, 0.05, n)
    level = np.empty((n, years))
    level[:, 0] = rng.normal(1.0, 0.4, n)
    for t in range(1, years):
        shock = b * level[:, t - 1] + theta * standardised @ level[:, t - 1] + mu + 0.02 * t
        level[:, t] = level[:, t - 1] + spread @ (shock + rng.normal(0, 0.02, n))
    frame = pd.DataFrame(
        {
            "code": np.tile(ids, years),
            "name": np.tile([f"unit {i}" for i in range(n)], years),
            "year": np.repeat(np.arange(FIRST, FIRST + years), n),
            "y": np.exp(level.T.ravel()),
            "z": rng.normal(0, 1, n * years),
        }
    )
    west = {code: "A" if i % columns < columns // 2 else "B" for i, code in enumerate(ids)}
    frame["region"] = frame["code"].map(west)
    return frame, SpatialWeights.from_matrix(dense, ids=ids, name="rook"), dense, ids


def by_hand(frame, ids, kind, period=1, controls=()):
    """Growth data written out: one row per unit (absolute) or per unit and span start (conditional)."""
    wide = np.log(frame.pivot(index="code", columns="year", values="y").loc[ids].to_numpy())
    if kind == "absolute":
        span = wide.shape[1] - 1
        return pd.DataFrame({"code": ids, GROWTH: (wide[:, -1] - wide[:, 0]) / span, LEVEL: wide[:, 0]})
    parts = []
    for t in range(0, wide.shape[1] - period, period):
        part = pd.DataFrame(
            {
                "code": ids,
                "year": FIRST + t,
                GROWTH: (wide[:, t + period] - wide[:, t]) / period,
                LEVEL: wide[:, t],
            }
        )
        for control in controls:
            part[control] = frame[frame["year"] == FIRST + t].set_index("code").loc[ids, control].to_numpy()
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


def row(table, region="National", kind="absolute", model="ols"):
    found = table[(table["region"] == region) & (table["type"] == kind) & (table["model"] == model)]
    assert len(found) == 1
    return found.iloc[0]


@pytest.fixture(scope="module")
def estimated():
    frame, w, dense, ids = study()
    return frame, w, dense, ids, spatial_beta(frame, "y", w, group="region", draws=200, seed=1)


def test_the_ols_rows_are_the_non_spatial_convergence(estimated):
    frame, _, _, _, result = estimated
    reference = convergence.beta(frame, "y", "region", ["A", "B"]).set_index(["region", "type"])
    for region in ("National", "A", "B"):
        absolute = row(result.table, region, "absolute")
        assert absolute["coefficient"] == pytest.approx(
            reference.loc[(region, "absolute beta"), "coefficient"], rel=1e-10
        )
        assert absolute["half_life_years"] == pytest.approx(
            reference.loc[(region, "absolute beta"), "half_life_years"], rel=1e-10
        )
        conditional = row(result.table, region, "conditional")
        assert conditional["coefficient"] == pytest.approx(
            reference.loc[(region, "conditional beta (two-way FE)"), "coefficient"], rel=1e-10
        )


@pytest.mark.parametrize("kind", ["absolute", "conditional"])
@pytest.mark.parametrize("model", ["sar", "sem", "sdm"])
def test_the_spatial_rows_are_the_engine_on_growth_data_built_by_hand(estimated, kind, model):
    frame, w, _, ids, result = estimated
    data = by_hand(frame, ids, kind)
    fit = SpatialPanelModel(
        data,
        GROWTH,
        [LEVEL],
        w,
        model=model,
        fixed_effects="none" if kind == "absolute" else "two-way",
        time=None if kind == "absolute" else "year",
    ).fit()
    ours = row(result.table, "National", kind, model)
    assert ours["coefficient"] == pytest.approx(fit.params[LEVEL], rel=1e-10)
    assert ours["std_error"] == pytest.approx(fit.std_errors[LEVEL], rel=1e-8)
    name = "lambda" if model == "sem" else "rho"
    assert ours["spatial_name"] == name and ours["spatial"] == pytest.approx(fit.params[name], rel=1e-10)
    assert ours["loglik"] == pytest.approx(fit.loglik, rel=1e-12)
    if model == "sdm":
        assert ours["theta"] == pytest.approx(fit.params[f"W.{LEVEL}"], rel=1e-10)
    if model != "sem":
        effects = fit.impacts(draws=200, seed=1).estimates.loc[LEVEL]
        assert ours["direct"] == pytest.approx(effects["direct"], rel=1e-10)
        assert ours["indirect"] == pytest.approx(effects["indirect"], rel=1e-10)
        span = YEARS - 1 if kind == "absolute" else 1
        assert ours["speed_direct_percent"] == pytest.approx(
            -100 * np.log(1 + effects["direct"] * span) / span, rel=1e-10
        )
    else:
        assert np.isnan(ours["direct"]) and np.isnan(ours["theta"])


def test_a_club_is_the_model_on_its_units_with_their_own_w(estimated):
    frame, _, dense, ids, result = estimated
    members = [i for i, code in enumerate(ids) if i % COLUMNS >= COLUMNS // 2]  # club B, the east half
    club_ids = [ids[i] for i in members]
    w_club = SpatialWeights.from_matrix(dense[np.ix_(members, members)], ids=club_ids, name="rook")
    for kind in ("absolute", "conditional"):
        data = by_hand(frame, club_ids, kind)
        fit = SpatialPanelModel(
            data,
            GROWTH,
            [LEVEL],
            w_club,
            model="sdm",
            fixed_effects="none" if kind == "absolute" else "two-way",
            time=None if kind == "absolute" else "year",
        ).fit()
        ours = row(result.table, "B", kind, "sdm")
        assert ours["coefficient"] == pytest.approx(fit.params[LEVEL], rel=1e-9)
        assert ours["spatial"] == pytest.approx(fit.params["rho"], rel=1e-9)
        assert ours["n_units"] == len(members)


def test_spans_of_several_years_and_controls():
    frame, w, _, ids = study(years=11)
    result = spatial_beta(
        frame, "y", w, kinds=["conditional"], models=["sar"], period=2, controls=["z"], draws=100
    )
    data = by_hand(frame, ids, "conditional", period=2, controls=["z"])
    assert sorted(data["year"].unique()) == [2010, 2012, 2014, 2016, 2018]
    fit = SpatialPanelModel(data, GROWTH, [LEVEL, "z"], w, model="sar").fit()
    ours = row(result.table, "National", "conditional", "sar")
    assert ours["coefficient"] == pytest.approx(fit.params[LEVEL], rel=1e-10)
    b = fit.params[LEVEL]
    assert ours["speed_percent"] == pytest.approx(-100 * np.log(1 + 2 * b) / 2, rel=1e-10)
    assert ours["half_life_years"] == pytest.approx(np.log(2) / (-np.log(1 + 2 * b) / 2), rel=1e-10)
    assert ours["period"] == 2


def test_speed_and_half_life_by_hand():
    # b = -(1 - exp(-lambda T)) / T with lambda = 0.05 and T = 10: the speed comes back
    b = -(1 - np.exp(-0.5)) / 10
    assert speed(b, 10) == pytest.approx(0.05, rel=1e-12)
    assert half_life(0.05) == pytest.approx(13.862943611198906, rel=1e-12)
    assert np.isnan(speed(-0.2, 10)) and np.isnan(half_life(-0.01))


def test_monte_carlo_recovers_the_absolute_beta_and_rho_of_a_spatial_durbin_cross_section():
    """g = (I - rho W)^-1 (a + b ln y0 + theta W ln y0 + e), ln y0 exogenous: the SDM's maximum likelihood is
    consistent. 40 replications on a 15 x 15 lattice; each mean lies within 4 Monte Carlo standard errors of
    the truth plus the small-sample bias allowance of 0.01 for rho, and the 95% intervals of b cover it in
    85-100% of the replications."""
    dense = rook(15, 15)
    n = len(dense)
    ids = [f"U{i:03d}" for i in range(n)]
    standardised = dense / dense.sum(axis=1, keepdims=True)
    w = SpatialWeights.from_matrix(dense, ids=ids, name="rook")
    b, rho, theta = -0.05, 0.5, 0.02
    spread = np.linalg.inv(np.eye(n) - rho * standardised)
    rng = np.random.default_rng(20240601)
    estimates, spatial, covered = [], [], 0
    for _ in range(40):
        start = rng.normal(1.0, 0.5, n)
        growth = spread @ (0.1 + b * start + theta * standardised @ start + rng.normal(0, 0.01, n))
        frame = pd.DataFrame(
            {
                "code": np.tile(ids, 2),
                "year": np.repeat([2000, 2010], n),
                "y": np.exp(np.concatenate([start, start + 10 * growth])),
            }
        )
        fit = row(
            spatial_beta(frame, "y", w, kinds=["absolute"], models=["sdm"], draws=100).table, model="sdm"
        )
        estimates.append(fit["coefficient"])
        spatial.append(fit["spatial"])
        covered += abs(fit["coefficient"] - b) <= 1.959964 * fit["std_error"]
    estimates, spatial = np.array(estimates), np.array(spatial)
    assert abs(estimates.mean() - b) <= 4 * estimates.std(ddof=1) / np.sqrt(40)
    assert abs(spatial.mean() - rho) <= 4 * spatial.std(ddof=1) / np.sqrt(40) + 0.01
    assert 34 <= covered <= 40


def test_units_with_gaps_are_left_out_and_listed():
    frame, w, _, _ = study()
    gap = (frame["code"] == "U005") & (frame["year"] == FIRST + 3)
    frame.loc[gap, "y"] = np.nan
    result = spatial_beta(frame, "y", w, models=["ols", "sar"], draws=100)
    left = result.left_out
    assert list(left["type"]) == ["conditional"] and list(left["code"]) == ["U005"]
    assert row(result.table, kind="absolute")["n_units"] == ROWS * COLUMNS  # first and last years are there
    assert row(result.table, kind="conditional", model="sar")["n_units"] == ROWS * COLUMNS - 1
    assert any("U005" in note for note in result.notes)


def test_bad_input_is_an_error_naming_what_to_fix():
    frame, w, _, _ = study()
    negative = frame.copy()
    negative.loc[(negative["code"] == "U007") & (negative["year"] == 2012), "y"] = -1.0
    with pytest.raises(InputError, match="zero or negative") as caught:
        spatial_beta(negative, "y", w)
    assert "U007 2012" in caught.value.unit and caught.value.column == "y"
    with pytest.raises(InputError, match="the data have no column province") as caught:
        spatial_beta(frame, "y", w, group="province")
    assert caught.value.key == "disparity.groups"
    stranger = pd.concat([frame, frame.head(1).assign(code="X999")], ignore_index=True)
    with pytest.raises(InputError, match="not units of W 'rook': X999"):
        spatial_beta(stranger, "y", w)
    with pytest.raises(InputError, match="span of 20 years"):
        spatial_beta(frame, "y", w, period=20)
    with pytest.raises(InputError, match="models must list"):
        spatial_beta(frame, "y", w, models=["sac"])


def test_a_small_club_is_noted_not_estimated():
    frame, w, _, _ = study()
    frame["region"] = np.where(frame["code"].isin(["U000", "U001", "U010"]), "tiny", frame["region"])
    result = spatial_beta(frame, "y", w, kinds=["absolute"], models=["ols"], group="region", min_units=5)
    assert "tiny" not in set(result.table["region"])
    assert any("club tiny has 3 units, fewer than min_units 5" in note for note in result.notes)


def test_the_tables_print_the_estimates(estimated):
    from nqpf.tables import convergence as tables
    from nqpf.tables.labels import Labels

    _, _, _, _, result = estimated
    table = tables.beta_convergence("y", result.table, "rook", Labels("en"))
    assert [c.text for c in table.columns][1:] == ["OLS", "SAR", "SEM", "SDM"] * 2
    assert [(g.text, n) for g, n in table.groups] == [("Absolute β", 4), ("Conditional β", 4)]
    rows = {r.label.text: r for r in table.blocks[0].rows if r.label.text}
    sdm = row(result.table, "National", "conditional", "sdm")
    beta = rows["ln y (β)"].cells[7]
    assert float(beta.text) == pytest.approx(sdm["coefficient"], abs=5e-4)
    assert beta.stars == (
        "***" if sdm["p"] < 0.01 else "**" if sdm["p"] < 0.05 else "*" if sdm["p"] < 0.1 else ""
    )
    assert float(rows["Half-life (years)"].cells[7].text) == pytest.approx(sdm["half_life_years"], abs=0.05)
    assert rows["λ"].cells[2].text and not rows["λ"].cells[1].text  # lambda of the SEM only
    assert rows["Direct effect"].cells[0].text == ""  # OLS has no effects
    club = tables.club_convergence("y", result.table, "rook", Labels("zh"))
    assert [c.text for c in club.columns] == ["变量", "全国", "A", "B"]
    assert [b.title.text for b in club.blocks] == ["绝对β收敛", "条件β收敛"]
    b_sdm = row(result.table, "B", "absolute", "sdm")
    first = {r.label.text: r for r in club.blocks[0].rows}
    assert float(first["β（SDM）"].cells[2].text) == pytest.approx(b_sdm["coefficient"], abs=5e-4)


def nickell_limit(phi: float, periods: int) -> float:
    """Nickell's (1981, Econometrica 49: 1417-1426) probability limit, N to infinity, of the bias of the within estimator of an
    autoregressive coefficient phi from ``periods`` observations per unit of a stationary process."""
    tail = (1 - phi**periods) / (periods * (1 - phi))
    numerator = -(1 + phi) / (periods - 1) * (1 - tail)
    return numerator / (1 - 2 * phi / ((1 - phi) * (periods - 1)) * (1 - tail))


def test_monte_carlo_conditional_beta_is_the_truth_plus_nickells_bias():
    """ln y_t = (1 + b) ln y_t-1 + mu_i + e_t, stationary (a 200-year burn-in), no spatial dependence: with unit
    fixed effects b cannot be recovered from 10 growth years (Nickell 1981), but every model must reach
    b + Nickell's limit (-0.1 - 0.2433), and SAR and SDM must find rho and theta near 0. 30 replications on a
    12 x 12 lattice; each mean within 4 Monte Carlo standard errors plus 0.003 for the finite N (144 units)."""
    dense = rook(12, 12)
    n = len(dense)
    ids = [f"U{i:03d}" for i in range(n)]
    w = SpatialWeights.from_matrix(dense, ids=ids, name="rook")
    b, years = -0.1, 11
    target = b + nickell_limit(1 + b, years - 1)
    assert target == pytest.approx(-0.3433, abs=1e-4)
    rng = np.random.default_rng(7)
    found = {m: [] for m in ("ols", "sar", "sdm")}
    spatial = {m: [] for m in ("sar", "sdm")}
    for _ in range(30):
        mu = rng.normal(0.3, 0.05, n)
        level = mu / -b + rng.normal(0, 0.05, n)
        for _ in range(200):
            level = (1 + b) * level + mu + rng.normal(0, 0.05, n)
        path = [level]
        for _ in range(years - 1):
            path.append((1 + b) * path[-1] + mu + rng.normal(0, 0.05, n))
        frame = pd.DataFrame(
            {
                "code": np.tile(ids, years),
                "year": np.repeat(np.arange(2000, 2000 + years), n),
                "y": np.exp(np.concatenate(path)),
            }
        )
        table = spatial_beta(
            frame, "y", w, kinds=["conditional"], models=["ols", "sar", "sdm"], draws=100
        ).table
        for model in found:
            fit = row(table, kind="conditional", model=model)
            found[model].append(fit["coefficient"])
            if model in spatial:
                spatial[model].append(fit["spatial"])
    for model, values in found.items():
        values = np.array(values)
        assert abs(values.mean() - target) <= 4 * values.std(ddof=1) / np.sqrt(30) + 0.003, model
    for model, values in spatial.items():
        values = np.array(values)
        assert abs(values.mean()) <= 4 * values.std(ddof=1) / np.sqrt(30) + 0.01, model
