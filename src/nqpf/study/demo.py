"""Simulated demo statistics on real boundaries: a documented, seeded data-generating process (DGP).

The project ships no third-party statistics. The demo studies run on raw indicators that this module draws,
in realistic units and magnitudes, and writes in the shapes yearbooks give them. The process, step by step
(parameters in the study's ``demo`` config block; ``resources/README.md`` documents it):

1. Development potential z_i = sum over growth poles c of s_c exp(-d_ic / r_c) + region effect + spatially
   smoothed noise, with d_ic the distance (km) from unit i's centroid to pole c. The default poles are the
   Bohai Rim, Yangtze River Delta and Pearl River Delta cores plus three weaker inland poles; the region
   effects rank East above Central, Northeast and West. p_i is z_i standardised over the study's units.
2. Population: log population rises with p_i and the unit's area and falls beyond the Hu line, scaled to
   China's 2012 total; it grows 0.1-0.7 % a year.
3. New infrastructure: each of its seven indicators (per resident) follows a unit level that rises with p_i,
   the roll-out path of that infrastructure (5G from 2019, charging piles from a few, broadband already half
   built ...) and an AR(1) shock. The latent new infrastructure x_it is their entropy index, computed exactly
   as the index stage computes it (:mod:`nqpf.indices`), so the regressor of the process is the one a study
   measures.
4. Controls (urbanisation, openness, government intervention, industrial structure, human capital): each an
   affine function of p_i, a trend and its own noise; their standardised values c_kit enter the outcome.
5. NQPF (latent, index scale) from a two-way fixed-effects spatial Durbin process, year by year:
   q_t = (I - rho W)^-1 (beta x_t + theta W x_t + C_t gamma + mu + lambda_t + eps_t),
   mu_i = unit_effect * p_i, lambda_t = time_trend * (t - t0), eps ~ N(0, sigma^2). W: queen contiguity of the
   real polygons (exact touching) as the weights stage builds it, islands linked to their 2 nearest units by
   polygon distance, row-standardised.
   With beta > 0 and theta < -rho beta the direct effect of new infrastructure is positive and the indirect
   (spillover) effect negative; their exact values (LeSage and Pace 2009, eq. 2.46) go to ``truth.json``.
6. Economy: GDP per capita from p_i, growing 8 % a year falling to 5 %, and rising with q; employment, value
   added, budget and trade from it and the controls. Each NQPF indicator is linear in q (rescaled to [0, 1]),
   decreasing for the negative ones (energy and SO2 intensity), between a realistic low and high value, with
   multiplicative lognormal noise. All are written as raw counts and amounts (R&D personnel in person-years,
   patents granted, 5G base stations ...) whose ratios the study config derives.
7. Yearbook shape: four files per study, keyed by short, official or English names or by codes stored as
   floats, one of them an XLSX with a title row, a national-total row and one sheet per year; 5G base stations
   are "—" before 2019; a small share of cells are "…" (missing) in the middle of a unit's series.
8. A pilot policy (when the demo block sets one), from its own random stream: batches of units join the pilot in
   the years of ``policy.cohorts`` (chosen with weights rising with p_i), and the core digital-economy industries'
   share of GDP s (%) follows a two-way fixed-effects dynamic spatial Durbin process,
   s_t = (I - rho W)^-1 (gamma s_(t-1) + eta W s_(t-1) + beta x_t + delta D_t + theta W D_t + mu + alpha_t + e_t),
   D_it = 1 from unit i's pilot year: the pilot raises its own s (delta) and its neighbours' (theta), and both
   effects build up over the years through the lags. The pilot list is written as a ministry's notice gives it
   (``pilot_list.csv``: unit, batch, year), s as value added in the economy file; ``truth.json`` holds the exact
   short- and long-run effects and the pilot's effect by year relative to the pilot.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.linalg import splu

from nqpf import indices
from nqpf.io import with_rows
from nqpf.study.settings import DEMO_FILES as FILES
from nqpf.study.settings import DemoSettings, Pole
from nqpf.units import crs
from nqpf.units.names import short_forms
from nqpf.units.regions import PROVINCE_BY_CODE

SIMULATED_NOTE = "simulated demo data"


@dataclass(frozen=True)
class Indicator:
    """One raw statistic: its column header, the variable it feeds and how it is drawn.

    The drawn quantity is a ratio r between ``low`` and ``high``, linear in its driver (NQPF q, or the
    indicator's own infrastructure component); the raw value written is r times the denominator ``per``
    times ``factor``. Linearity keeps every min-max normalised indicator, and so the entropy index, an affine
    function of its driver plus noise, so that the models of the later stages can recover the process.
    """

    column: str
    variable: str
    dimension: str  # labourers / means of labour / objects of labour / information / fusion / innovation
    driver: str  # "q" (NQPF) or "x" (new infrastructure)
    low: float
    high: float
    per: str  # denominator of the ratio
    factor: float = 1.0
    negative: bool = False
    decimals: int = 2
    file: str = "innovation"
    cumulative: bool = False  # a stock (facilities, platforms) that never falls
    rollout: str = "gradual"  # infrastructure: gradual, mature (already widespread in 2012), 5g, charging


# Ratios and their denominators (population and employment in 10^4 persons, GDP in 10^8 yuan). Ranges follow
# the spread of Chinese provinces and prefectures over 2012-2023 in the statistical yearbooks.
INDICATORS: tuple[Indicator, ...] = (
    # labourers (劳动者)
    Indicator("R&D人员全时当量(人年)", "rd_personnel", "labourers", "q", 8, 160, "employment", decimals=0),
    Indicator(
        "普通高等学校在校学生数(人)", "college_students", "labourers", "q", 100, 700, "population", decimals=0
    ),
    Indicator(
        "信息传输软件和信息技术服务业就业人员(万人)",
        "ict_employment",
        "labourers",
        "q",
        0.012,
        0.11,
        "urban_employment",
    ),
    # means of labour (劳动资料)
    Indicator(
        "R&D经费内部支出(万元)",
        "rd_expenditure",
        "means of labour",
        "q",
        0.0025,
        0.065,
        "gdp",
        1e4,
        decimals=0,
    ),
    Indicator("软件业务收入(亿元)", "software_revenue", "means of labour", "q", 0.002, 0.35, "gdp"),
    Indicator("电子商务销售额(亿元)", "ecommerce_sales", "means of labour", "q", 0.03, 0.45, "gdp"),
    Indicator(
        "工业机器人安装量(台)", "industrial_robots", "means of labour", "q", 0.3, 60, "employment", decimals=0
    ),
    Indicator(
        "能源消费总量(万吨标准煤)",
        "energy_consumption",
        "means of labour",
        "q",
        0.18,
        2.2,
        "gdp",
        negative=True,
        file="environment",
    ),
    # objects of labour (劳动对象)
    Indicator(
        "发明专利授权数(件)",
        "invention_patents",
        "objects of labour",
        "q",
        0.15,
        45,
        "population",
        decimals=0,
    ),
    Indicator(
        "绿色专利授权数(件)", "green_patents", "objects of labour", "q", 0.03, 6, "population", decimals=0
    ),
    Indicator("战略性新兴产业增加值(亿元)", "sei_value_added", "objects of labour", "q", 0.05, 0.25, "gdp"),
    Indicator("高技术产业营业收入(亿元)", "hightech_revenue", "objects of labour", "q", 0.02, 0.65, "gdp"),
    Indicator(
        "工业二氧化硫排放量(万吨)",
        "so2_emissions",
        "objects of labour",
        "q",
        0.00005,
        0.008,
        "gdp",
        negative=True,
        decimals=3,
        file="environment",
    ),
    # new infrastructure: information (信息基础设施)
    Indicator(
        "5G基站数(个)",
        "base_stations_5g",
        "information",
        "x",
        0.0,
        45,
        "population",
        decimals=0,
        file="infrastructure",
        rollout="5g",
    ),
    Indicator(
        "互联网宽带接入端口(万个)",
        "broadband_ports",
        "information",
        "x",
        0.25,
        1.3,
        "population",
        decimals=1,
        file="infrastructure",
        rollout="mature",
    ),
    Indicator(
        "数据中心机架数(架)",
        "data_centre_racks",
        "information",
        "x",
        0.3,
        40,
        "population",
        decimals=0,
        file="infrastructure",
    ),
    # fusion (融合基础设施)
    Indicator(
        "工业互联网平台数(个)",
        "industrial_internet_platforms",
        "fusion",
        "x",
        0.0,
        0.03,
        "population",
        decimals=0,
        file="infrastructure",
        cumulative=True,
    ),
    Indicator(
        "公共充电桩数(个)",
        "charging_piles",
        "fusion",
        "x",
        0.4,
        45,
        "population",
        decimals=0,
        file="infrastructure",
        rollout="charging",
    ),
    # innovation (创新基础设施)
    Indicator(
        "重大科技基础设施数(个)",
        "major_science_facilities",
        "innovation",
        "x",
        0.0,
        0.01,
        "population",
        decimals=0,
        file="infrastructure",
        cumulative=True,
    ),
    Indicator(
        "国家重点实验室数(个)",
        "key_laboratories",
        "innovation",
        "x",
        0.0005,
        0.06,
        "population",
        decimals=0,
        file="infrastructure",
        cumulative=True,
        rollout="mature",
    ),
)

# Economy and controls, written to the economy file.
ECONOMY_COLUMNS = {
    "population": "年末常住人口(万人)",
    "urban_population": "城镇人口(万人)",
    "employment": "就业人员(万人)",
    "urban_employment": "城镇单位就业人员(万人)",
    "gdp": "地区生产总值(亿元)",
    "secondary_va": "第二产业增加值(亿元)",
    "tertiary_va": "第三产业增加值(亿元)",
    "budget_expenditure": "一般公共预算支出(亿元)",
    "trade": "进出口总额(亿元)",
    "schooling_years": "平均受教育年限(年)",
    # the mechanisms' statistics, written when the study's demo block sets them
    "digital_finance": "数字普惠金融指数",
    "marketisation": "市场化指数",
    "loans": "金融机构人民币贷款余额(亿元)",
    # the pilot policy's outcome, written when the study's demo block sets a policy
    "digital_economy": "数字经济核心产业增加值(亿元)",
}
CONTROLS = ("urbanisation", "openness", "government", "industrial_structure", "human_capital")
_MISSING_PRONE = ("industrial_robots", "green_patents", "ecommerce_sales", "data_centre_racks")


@dataclass
class DemoData:
    """The draws of one demo study: raw tables by file, the latent truth and the parameters."""

    tables: dict[str, object]  # file key -> DataFrame (or dict of sheet -> DataFrame for the XLSX)
    truth: pd.DataFrame  # code, year, p, mu, x, q and the standardised controls
    parameters: dict


# ---------------------------------------------------------------------------------------------------------
# geography and W


def _centroids_km(gdf: gpd.GeoDataFrame) -> np.ndarray:
    projected = gdf.to_crs(crs.CHINA_ALBERS)
    points = projected.geometry.representative_point()
    return np.column_stack([points.x, points.y]) / 1000.0


def contiguity_w(gdf: gpd.GeoDataFrame, island_neighbours: int = 2) -> tuple[sp.csr_matrix, list[str]]:
    """The row-standardised queen contiguity W the weights stage builds (exact touching, islands linked to
    their nearest units); returns W and the links added for islands, as "code-code"."""
    from nqpf import weights

    spec = {"name": "dgp", "kind": "contiguity", "islands": {"policy": "nearest", "k": island_neighbours}}
    w, facts = weights.build(spec, gdf)
    return w.matrix, [f"{link['code_a']}-{link['code_b']}" for link in facts["added_links"]]


def sdm_effects(w: sp.csr_matrix, rho: float, beta: float, theta: float) -> dict[str, float]:
    """Exact average direct, indirect and total effects of the SDM (LeSage and Pace 2009, eq. 2.46).

    S(W) = (I - rho W)^-1 (beta I + theta W); direct = tr(S)/n, total = 1' S 1 / n, indirect = total - direct.
    """
    return panel_sdm_effects(w, rho, np.full((1, w.shape[0]), beta), theta)


def panel_sdm_effects(
    w: sp.csr_matrix, rho: float, slopes: np.ndarray, theta: float, inverse: np.ndarray | None = None
) -> dict[str, float]:
    """Exact average effects of an SDM whose own slope differs by unit and year, ``slopes`` (T, n): the mean over
    the years of S_t = (I - rho W)^-1 (diag(b_t) + theta W) (LeSage and Pace 2009, eq. 2.46, with B_t for beta I):
    direct = (sum_i d_i bbar_i + theta tr(A^-1 W)) / n, total = sum_j c_j (bbar_j + theta r_j) / n, with d the
    diagonal and c the column sums of A^-1 = (I - rho W)^-1, bbar the slopes' means over the years and r W's row
    sums; ``inverse``, A^-1 if already computed."""
    n = w.shape[0]
    dense = w.toarray()
    if inverse is None:
        inverse = np.linalg.inv(np.eye(n) - rho * dense)
    bbar = np.asarray(slopes, dtype=float).mean(axis=0)
    direct = float((np.diag(inverse) @ bbar + theta * np.sum(inverse * dense.T)) / n)
    total = float(inverse.sum(axis=0) @ (bbar + theta * dense.sum(axis=1)) / n)
    return {"direct": direct, "indirect": total - direct, "total": total}


def _lag_effects(w: sp.csr_matrix, rho: float, slope: float, inverse: np.ndarray) -> dict[str, float]:
    """Average effects of (I - rho W)^-1 slope I: a path through the own unit alone, then the spatial
    multiplier."""
    return panel_sdm_effects(w, rho, np.full((1, w.shape[0]), slope), 0.0, inverse)


@dataclass
class Mechanisms:
    """The mechanisms of the NQPF process (step 5): ``slope`` (T, n), new infrastructure's own slope (sdm.beta,
    plus delta above the threshold); ``level`` (T, n), the mediator's and moderator's terms; ``marginal`` (T, n),
    the derivative of the right-hand side with respect to the unit's own x through every path (slope + a b +
    kappa (Z - Zbar)); ``raw``, the mechanism statistics written to the economy file."""

    slope: np.ndarray
    level: np.ndarray
    marginal: np.ndarray
    raw: dict[str, np.ndarray]
    parameters: dict

    def truth(self, w: sp.csr_matrix, rho: float, inverse: np.ndarray) -> dict:
        """The parameters with the exact effects of each path on the latent NQPF (``inverse``:
        (I - rho W)^-1)."""
        out = {name: dict(values) for name, values in self.parameters.items()}
        if "mediator" in out:
            a, b = out["mediator"]["a"], out["mediator"]["b"]
            out["mediator"]["effects_of_mediator"] = _lag_effects(w, rho, b, inverse)
            out["mediator"]["mediated_effects_of_infrastructure_index"] = _lag_effects(w, rho, a * b, inverse)
        return out


def _orthogonal(values: np.ndarray, basis: np.ndarray) -> np.ndarray:
    """``values`` less their projection on the columns of ``basis``, scaled to unit standard deviation."""
    residual = values - basis @ np.linalg.lstsq(basis, values, rcond=None)[0]
    return residual / residual.std()


def _mechanisms(
    settings: DemoSettings, p: np.ndarray, x: np.ndarray, beta: float, w: sp.csr_matrix
) -> Mechanisms:
    """The mechanisms of ``settings.mechanisms`` (drawn from their own stream, so the other draws of a study are
    those without them):

    - threshold: new infrastructure's slope is beta where financial development F (loans over GDP) is at most the
      threshold and beta + delta above it (a Hansen 1999 single threshold). F is a unit level 1.3 + 0.35 u_i,
      rising 0.02 a year with N(0, 0.05^2) noise, within [0.4, 3.5]; u is drawn independently of the potential
      and the neighbours (see below): a regime clustered in space would pass for a spillover in a linear SDM;
    - mediator M, a digital financial inclusion index in points (about 90 in 2012 rising by 24 a year, higher
      with the potential): M = 90 + 20 p_i + 24 t + a x + e, e ~ N(0, sigma^2); NQPF gains b (M - its year's
      mean), the year effects absorbing M's national trend, so x acts on NQPF through M by a b;
    - moderator Z, a marketisation index in points: a unit level 6.5 + 1.6 v_i, v independent of the
      potential, rising 0.08 a year with N(0, 0.3^2) noise, within [0.5, 12.5]; NQPF gains
      kappa (x - xbar)(Z - Zbar) + main Z, the means over the panel.
    """
    T, n = x.shape
    t = np.arange(T)[:, None]
    slope = np.full((T, n), float(beta))
    level = np.zeros((T, n))
    raw: dict[str, np.ndarray] = {}
    parameters: dict = {}
    spec = settings.mechanisms
    if spec is None:
        return Mechanisms(slope, level, slope.copy(), raw, parameters)
    rng = np.random.default_rng([settings.seed, spec.seed])
    # The unit levels of the threshold variable and the moderator are drawn orthogonal (over the units) to new
    # infrastructure's unit means l, their squares and their products with the neighbours' W l, and the
    # moderator's also to the threshold variable's level and regime: on a few dozen units a chance correlation
    # would let the slope heterogeneity they make pass for a spillover in a linear SDM, or the threshold for a
    # moderation.
    mean_x = x.mean(axis=0)
    lagged = w @ mean_x
    basis = np.column_stack([np.ones(n), mean_x, mean_x**2, mean_x * lagged, lagged])
    finance_level = _orthogonal(rng.normal(size=n), basis)
    regime = finance_level > (spec.threshold.value - 1.3) / 0.35 if spec.threshold is not None else mean_x * 0
    market_level = _orthogonal(rng.normal(size=n), np.column_stack([basis, finance_level, regime]))
    if spec.threshold is not None:
        finance = 1.3 + 0.35 * finance_level[None, :] + 0.02 * t + rng.normal(0.0, 0.05, (T, n))
        finance = np.clip(finance, 0.4, 3.5)
        raw["financial_development"] = finance
        above = finance > spec.threshold.value
        slope = slope + spec.threshold.delta * above
        parameters["threshold"] = {
            "variable": "financial_development",
            "value": spec.threshold.value,
            "slope_below": float(beta),
            "slope_above": float(beta + spec.threshold.delta),
            "share_above": float(above.mean()),
        }
    marginal = slope.copy()
    if spec.mediator is not None:
        med = spec.mediator
        m = 90.0 + 20.0 * p[None, :] + 24.0 * t + med.a * x + rng.normal(0.0, med.sigma, (T, n))
        raw["digital_finance"] = m
        level += med.b * (m - m.mean(axis=1, keepdims=True))
        marginal += med.a * med.b
        parameters["mediator"] = {"variable": "digital_finance", "a": med.a, "b": med.b, "sigma": med.sigma}
    if spec.moderator is not None:
        mod = spec.moderator
        z = 6.5 + 1.6 * market_level[None, :] + 0.08 * t + rng.normal(0.0, 0.3, (T, n))
        z = np.clip(z, 0.5, 12.5)
        raw["marketisation"] = z
        centred = z - z.mean()
        level += mod.kappa * (x - x.mean()) * centred + mod.main * z
        marginal += mod.kappa * centred
        parameters["moderator"] = {
            "variable": "marketisation",
            "kappa": mod.kappa,
            "main": mod.main,
            "moderator_mean": float(z.mean()),
            "infrastructure_mean": float(x.mean()),
        }
    return Mechanisms(slope, level, marginal, raw, parameters)


@dataclass
class Policy:
    """The demo's pilot policy (step 8): ``first`` (n,), each unit's first pilot year (0: never), ``share`` (T, n),
    the digital economy's share of GDP (%), and the exact truth."""

    first: np.ndarray
    share: np.ndarray
    parameters: dict


def dynamic_effects(
    w: sp.csr_matrix, rho: float, gamma: float, eta: float, beta: float, theta: float
) -> dict:
    """Exact short- and long-run average effects of a regressor with coefficients beta (own) and theta (W) in the
    dynamic SDM (Debarsy, Ertur and LeSage 2012, eq. 11-12): S^-1 (beta I + theta W) and
    ((1 - gamma) I - (rho + eta) W)^-1 (beta I + theta W), direct = tr / n, total = 1'M1 / n."""
    n = w.shape[0]
    dense = w.toarray()
    kernel = beta * np.eye(n) + theta * dense
    out = {}
    for horizon, matrix in (
        ("short_run", np.eye(n) - rho * dense),
        ("long_run", (1 - gamma) * np.eye(n) - (rho + eta) * dense),
    ):
        m = np.linalg.solve(matrix, kernel)
        direct, total = float(np.trace(m) / n), float(m.sum() / n)
        out[horizon] = {"direct": direct, "indirect": total - direct, "total": total}
    return out


def _policy(
    settings: DemoSettings, p: np.ndarray, x: np.ndarray, w: sp.csr_matrix, years: np.ndarray
) -> Policy:
    """The pilot policy of ``settings.policy`` and its outcome, from their own stream:

    - pilots: ``share`` of the units per batch, drawn without replacement with weights exp(0.8 p_i) (pilots are
      chosen among the better developed units, a selection on levels the unit effects absorb), the batches in
      the order of the draws;
    - the digital economy's share of GDP s (%): the dynamic SDM of the settings' docstring with unit effects
      mu = ((1 - gamma) I - (rho + eta) W) l, l_i = 4 + 1.2 p_i + 0.3 u_i (so that s stays near l without the
      regressors), alpha_t = 0.15 (t - t0), started at l and run 15 years with the first year's x before the
      first year kept; e ~ N(0, sigma^2).

    The truth: the parameters, the exact short- and long-run effects of the pilot and of new infrastructure, and
    the pilot's effect on s by year relative to the pilot (the difference between the process with and without
    the policy, which is deterministic: the model is linear) on the pilots and on the units never treated (the
    spillover that a DID's control group carries)."""
    spec = settings.policy
    T, n = x.shape
    if spec is None:
        return Policy(np.zeros(n, dtype=int), np.zeros((T, n)), {})
    rng = np.random.default_rng([settings.seed, spec.seed])
    size = max(1, int(round(spec.share * n)))
    cohorts = [c for c in spec.cohorts if years[0] < c <= years[-1]]
    if len(cohorts) * size >= n:
        raise ValueError("demo.policy: the batches take every unit; lower share or the number of cohorts")
    chance = np.exp(0.8 * p)
    order = rng.choice(n, size=len(cohorts) * size, replace=False, p=chance / chance.sum())
    first = np.zeros(n, dtype=int)
    for k, cohort in enumerate(cohorts):
        first[order[k * size : (k + 1) * size]] = cohort
    treated = (first[None, :] > 0) & (years[:, None] >= first[None, :])
    d = treated.astype(float)
    dense = w.toarray()
    level = 4.0 + 1.2 * p + 0.3 * rng.normal(size=n)
    mu = (1 - spec.gamma) * level - (spec.rho + spec.eta) * (dense @ level)
    alpha = 0.15 * (years - years[0])
    solver = splu(sp.csc_matrix(sp.eye(n) - spec.rho * w))

    share = level.copy()
    for _ in range(15):
        noise = rng.normal(0, spec.sigma, n)
        share = solver.solve(spec.gamma * share + spec.eta * (w @ share) + spec.beta * x[0] + mu + noise)
    out = np.empty((T, n))
    eps = rng.normal(0.0, spec.sigma, (T, n))
    gap = np.zeros(n)
    gaps = np.empty(
        (T, n)
    )  # the policy's own path: the process of the differences, zero before the first pilot
    for k in range(T):
        pilot = spec.delta * d[k] + spec.theta * (w @ d[k])
        lags = spec.gamma * share + spec.eta * (w @ share)
        share = solver.solve(lags + spec.beta * x[k] + mu + alpha[k] + pilot + eps[k])
        gap = solver.solve(spec.gamma * gap + spec.eta * (w @ gap) + pilot)
        out[k], gaps[k] = share, gap
    relative = years[:, None] - first[None, :]
    pilots, never = first > 0, first == 0
    by_time = {}
    for k in range(int(relative[:, pilots].min()), int(relative[:, pilots].max()) + 1):
        by_time[str(k)] = float(gaps[(relative == k) & pilots[None, :]].mean())
    parameters = {
        "variable": "digital_economy_share",
        "statistic": "digital_economy",
        **spec.model_dump(),
        "cohorts": cohorts,
        "batch_size": size,
        "pilots": int(pilots.sum()),
        "never_treated": int(never.sum()),
        "effects_of_pilot": dynamic_effects(w, spec.rho, spec.gamma, spec.eta, spec.delta, spec.theta),
        "effects_of_infrastructure_index": dynamic_effects(w, spec.rho, spec.gamma, spec.eta, spec.beta, 0.0),
        "effect_on_pilots_by_year_relative_to_pilot": by_time,
        "effect_on_never_treated_by_year": {
            str(int(year)): float(gaps[k, never].mean()) if never.any() else None
            for k, year in enumerate(years)
        },
        "att": float(gaps[treated].mean()),
    }
    return Policy(first, out, parameters)


# ---------------------------------------------------------------------------------------------------------
# the latent process


def _poles_potential(xy: np.ndarray, poles: list[Pole]) -> np.ndarray:
    from pyproj import Transformer

    to_albers = Transformer.from_crs(crs.GEOGRAPHIC, crs.CHINA_ALBERS, always_xy=True)
    z = np.zeros(len(xy))
    for pole in poles:
        px, py = to_albers.transform(pole.lon, pole.lat)
        d = np.hypot(xy[:, 0] - px / 1000.0, xy[:, 1] - py / 1000.0)
        z += pole.strength * np.exp(-d / pole.scale_km)
    return z


def _beyond_hu_line_km(xy: np.ndarray) -> np.ndarray:
    """Signed distance (km, China Albers) from the Hu line, Heihe (127.5E, 50.2N) to Tengchong (98.5E, 25.0N);
    positive on its north-western side."""
    from pyproj import Transformer

    to_albers = Transformer.from_crs(crs.GEOGRAPHIC, crs.CHINA_ALBERS, always_xy=True)
    heihe = np.array(to_albers.transform(127.5, 50.2)) / 1000.0
    tengchong = np.array(to_albers.transform(98.5, 25.0)) / 1000.0
    direction = tengchong - heihe
    normal = np.array([direction[1], -direction[0]]) / np.hypot(*direction)
    return (xy - heihe) @ normal


def _rollout(kind: str, years: np.ndarray) -> np.ndarray:
    """Common roll-out path of an infrastructure, 0 to 1: 5G from 2019, charging piles from a few in the first
    year, mature networks (broadband, key laboratories) already half built, the rest gradually."""
    first = years[0]
    share = (years - first + 1) / (years[-1] - first + 1)
    if kind == "5g":
        start = 2019
        return np.clip((years - start + 1) / (years[-1] - start + 1), 0.0, 1.0) ** 1.3
    if kind == "charging":
        return 0.04 + 0.96 * share**1.6
    if kind == "mature":
        return 0.5 + 0.5 * share
    return 0.15 + 0.85 * share**1.3


def _draw_ratio(ind: Indicator, level: np.ndarray, rng: np.random.Generator, noise: float) -> np.ndarray:
    """The ratio of an indicator, linear in ``level`` (in [0, 1]; reversed for a negative indicator), with
    multiplicative lognormal noise."""
    level = 1.0 - level if ind.negative else level
    ratio = ind.low + (ind.high - ind.low) * level
    return ratio * np.exp(rng.normal(0.0, noise, level.shape))


def _as_counts(values: np.ndarray, ind: Indicator, rng: np.random.Generator) -> np.ndarray:
    """Stocks (facilities, platforms) are whole numbers, randomly rounded, that never fall."""
    if not ind.cumulative:
        return values
    return np.maximum.accumulate(np.floor(values + rng.uniform(0.0, 1.0, values.shape)), axis=0)


def simulate(gdf: gpd.GeoDataFrame, first_year: int, last_year: int, settings: DemoSettings) -> DemoData:
    """Draw one demo study on the units of ``gdf`` (a boundary table); see the module docstring."""
    rng = np.random.default_rng(settings.seed)
    noise = settings.indicator_noise
    gdf = gdf.sort_values("code", ignore_index=True)
    codes = gdf["code"].to_numpy()
    n = len(gdf)
    years = np.arange(first_year, last_year + 1)
    T = len(years)
    t = years - first_year
    w, island_links = contiguity_w(gdf)
    xy = _centroids_km(gdf)
    lon = gdf.to_crs(crs.GEOGRAPHIC).geometry.representative_point().x.to_numpy()

    # 1. potential
    region_effect = gdf["region"].map(settings.region_effects.model_dump()).fillna(0.0).to_numpy()
    smooth = splu(sp.csc_matrix(sp.eye(n) - 0.6 * w)).solve(rng.normal(size=n))
    z = (
        _poles_potential(xy, settings.poles)
        + region_effect
        + settings.local_variation * smooth / smooth.std()
    )
    p = (z - z.mean()) / z.std()

    # 2. population: log population rises with potential and with the unit's area (elasticity 0.6) and falls
    # with the distance beyond the Hu line (Heihe-Tengchong), west of which deserts and plateaus hold a few per
    # cent of China's people. The slopes were calibrated on provincial populations (a spread within a factor of
    # about 1.8); the level is set so that all units together hold China's 2012 population, 1.354 billion.
    area = gdf["area_km2"].to_numpy()
    beyond_hu = np.clip(_beyond_hu_line_km(xy), 0.0, None)
    westward = np.clip((105.0 - lon) / 10.0, 0.0, None)
    raw_pop = np.exp(0.525 * p + 0.6 * np.log(area) - 0.145 * beyond_hu / 100.0 + 0.25 * rng.normal(size=n))
    pop0 = raw_pop / raw_pop.sum() * 135_404.0  # 10^4 persons
    pop_growth = 0.004 + 0.003 * np.tanh(p) + 0.002 * rng.normal(size=n)
    population = np.round(pop0[None, :] * np.exp(np.outer(t, pop_growth)), 2)

    # 3. new infrastructure: each indicator follows a unit level that rises with potential, its roll-out path
    # and an AR(1) shock; the latent x is their entropy index, computed as the index stage computes it.
    infra = [ind for ind in INDICATORS if ind.driver == "x"]
    common_level = np.clip(0.28 + 0.1 * p + 0.04 * rng.normal(size=n), 0.05, None)
    indicators: dict[str, np.ndarray] = {}
    infra_ratios = []
    for ind in infra:
        level = common_level * np.exp(0.15 * rng.normal(size=n))
        shock = np.zeros((T, n))
        shock[0] = rng.normal(0.0, 0.1, n)
        for k in range(1, T):
            shock[k] = 0.5 * shock[k - 1] + rng.normal(0.0, 0.1, n)
        component = _rollout(ind.rollout, years)[:, None] * level[None, :] * np.exp(shock)
        ratio = _draw_ratio(ind, component / component.max(), rng, noise)
        # every infrastructure ratio is per resident, so its index needs no later-drawn denominator
        values = np.round(_as_counts(ratio * population * ind.factor, ind, rng), ind.decimals)
        indicators[ind.variable] = values
        infra_ratios.append((values / population).ravel())
    x_index, _ = indices.entropy_index(np.column_stack(infra_ratios))
    x = x_index.reshape(T, n)

    # 4. controls
    raw_controls = {
        "urbanisation": np.clip(48 + 9 * p[None, :] + 1.2 * t[:, None] + rng.normal(0, 1.5, (T, n)), 22, 90),
        "openness": np.clip(
            np.exp(np.log(0.12) + 0.8 * p[None, :] + rng.normal(0, 0.15, (T, n)) - 0.02 * t[:, None]),
            0.005,
            1.6,
        ),
        "government": np.clip(
            0.26 - 0.06 * p[None, :] + 0.12 * westward[None, :] + rng.normal(0, 0.02, (T, n)), 0.09, 1.4
        ),
        "industrial_structure": np.clip(
            np.exp(0.05 + 0.25 * p[None, :] + 0.035 * t[:, None] + rng.normal(0, 0.08, (T, n))), 0.45, 6.0
        ),
        "human_capital": np.clip(
            8.8 + 0.7 * p[None, :] + 0.09 * t[:, None] + rng.normal(0, 0.2, (T, n)), 5.0, 13.5
        ),
    }
    controls_std = {k: (v - v.mean()) / v.std() for k, v in raw_controls.items()}

    # 5. NQPF from the two-way FE SDM, with the mechanisms (a mediator, a moderator, a threshold) if configured
    sdm = settings.sdm.model_dump()
    mu = sdm["unit_effect"] * p
    lam = sdm["time_trend"] * t
    gamma = settings.controls.model_dump()
    mechanisms = _mechanisms(settings, p, x, sdm["beta"], w)
    solver = splu(sp.csc_matrix(sp.eye(n) - sdm["rho"] * w))
    q = np.empty((T, n))
    eps = rng.normal(scale=sdm["sigma"], size=(T, n))
    for k in range(T):
        rhs = mechanisms.slope[k] * x[k] + sdm["theta"] * (w @ x[k]) + mu + lam[k] + eps[k]
        rhs += sum(gamma[name] * controls_std[name][k] for name in CONTROLS) + mechanisms.level[k]
        q[k] = solver.solve(rhs)

    # economy responding to NQPF
    gdppc0 = 30000.0 * np.exp(0.32 * p + 0.08 * rng.normal(size=n))
    growth = np.linspace(0.08, 0.05, T)
    log_gdppc = np.log(gdppc0)[None, :] + np.concatenate([[0.0], np.cumsum(growth[1:])])[:, None]
    log_gdppc = log_gdppc + 0.6 * (q - q[0][None, :]) + rng.normal(0, 0.015, (T, n))
    gdp = np.exp(log_gdppc) * population / 1e4  # 10^8 yuan
    employment = population * np.clip(0.56 + 0.03 * rng.normal(size=n), 0.45, 0.68)[None, :]
    urban_share = raw_controls["urbanisation"] / 100.0
    urban_employment = employment * np.clip(0.22 + 0.08 * p, 0.1, 0.55)[None, :] * (1 + 0.01 * t[:, None])
    structure = raw_controls["industrial_structure"]
    primary_share = np.clip(0.14 - 0.04 * p[None, :] - 0.003 * t[:, None], 0.002, 0.3)
    secondary_va = gdp * (1 - primary_share) / (1 + structure)
    economy = {
        "population": population,
        "urban_population": population * urban_share,
        "employment": employment,
        "urban_employment": urban_employment,
        "gdp": gdp,
        "secondary_va": secondary_va,
        "tertiary_va": secondary_va * structure,
        "budget_expenditure": gdp * raw_controls["government"],
        "trade": gdp * raw_controls["openness"],
        "schooling_years": raw_controls["human_capital"],
        **{k: v for k, v in mechanisms.raw.items() if k != "financial_development"},
    }
    if "financial_development" in mechanisms.raw:  # written as loans outstanding, 10^8 yuan
        economy["loans"] = mechanisms.raw["financial_development"] * gdp
    policy = _policy(settings, p, x, w, years)
    if settings.policy is not None:  # written as value added, 10^8 yuan
        economy["digital_economy"] = policy.share / 100.0 * gdp

    # 6. NQPF indicators, linear in q scaled to [0, 1] over the panel
    qn = (q - q.min()) / (q.max() - q.min())
    for ind in INDICATORS:
        if ind.driver == "q":
            indicators[ind.variable] = _draw_ratio(ind, qn, rng, noise) * economy[ind.per] * ind.factor

    truth = pd.DataFrame(
        {
            "code": np.tile(codes, T),
            "year": np.repeat(years, n),
            "potential": np.tile(p, T),
            "unit_effect": np.tile(mu, T),
            "infrastructure_index": x.ravel(),
            "nqpf_latent": q.ravel(),
            **{f"control_{k}": v.ravel() for k, v in controls_std.items()},
            **{name: v.ravel() for name, v in mechanisms.raw.items()},
            "infrastructure_slope": mechanisms.slope.ravel(),
            **(
                {"pilot_year": np.tile(policy.first, T), "digital_economy_share": policy.share.ravel()}
                if settings.policy is not None
                else {}
            ),
        }
    )
    inverse = np.linalg.inv(np.eye(n) - sdm["rho"] * w.toarray())
    effects = panel_sdm_effects(w, sdm["rho"], mechanisms.marginal, sdm["theta"], inverse)
    parameters = {
        "note": SIMULATED_NOTE,
        "seed": settings.seed,
        "units": n,
        "years": [int(first_year), int(last_year)],
        "sdm": dict(sdm),
        "controls": dict(gamma),
        "poles": [pole.to_config() for pole in settings.poles],
        "region_effects": settings.region_effects.model_dump(),
        "indicator_noise": noise,
        "w": "queen contiguity (exact touching) of the boundary polygons, islands linked to their 2 nearest "
        "units by polygon distance, row-standardised (nqpf.weights)",
        "w_island_links": island_links,
        "effects_of_infrastructure_index": effects,
    }
    if mechanisms.parameters:
        parameters["mechanisms"] = mechanisms.truth(w, sdm["rho"], inverse)
    if policy.parameters:
        parameters["policy"] = policy.parameters
    tables = _yearbook_tables(gdf, years, economy, indicators, rng, settings.missing_share)
    tables["pilots"] = _pilot_list(gdf, policy.first)
    return DemoData(tables=tables, truth=truth, parameters=parameters)


# ---------------------------------------------------------------------------------------------------------
# yearbook shapes


def _unit_labels(gdf: gpd.GeoDataFrame) -> dict[str, np.ndarray]:
    """How each file names the units: short names, official names, English names, float codes."""
    codes = gdf["code"].to_numpy()
    official = gdf["name"].to_numpy()
    short = []
    for code, name in zip(codes, official, strict=True):
        province = PROVINCE_BY_CODE.get(code)
        forms = short_forms(name)
        short.append(province.short if province else (forms[-1] if forms else name))
    return {
        "code": codes,
        "official": official,
        "short": np.array(short),
        "english": gdf["name_en"].to_numpy(),
        "float_code": np.array([f"{float(c):.1f}" for c in codes]),
        "province": np.array([PROVINCE_BY_CODE[c[:2] + "0000"].short for c in codes]),
        # county level: the prefecture's code, or the province's for the units a province administers directly
        "prefecture_code": np.array(
            [
                str(p) if isinstance(p, str) and p.strip() else c[:2] + "0000"
                for c, p in zip(
                    codes, gdf.get("prefecture_code", pd.Series([None] * len(codes))), strict=True
                )
            ]
        ),
    }


BATCHES = ("第一批", "第二批", "第三批", "第四批", "第五批", "第六批")


def _pilot_list(gdf: gpd.GeoDataFrame, first: np.ndarray) -> pd.DataFrame:
    """The pilot list as a ministry's notice gives it: one row per pilot unit with its batch and the year it
    joined, by short (provinces) or official names with the province (prefectures) or the prefecture's code
    (counties); no row for the other units. Empty (the header alone) without a policy."""
    labels = _unit_labels(gdf)
    codes = labels["code"]
    level_is_province = all(c.endswith("0000") for c in codes)
    level_is_county = not level_is_province and any(not c.endswith("00") for c in codes)
    frame = {"地区": labels["short"] if level_is_province else labels["official"]}
    if level_is_county:
        frame["所属地市代码"] = labels["prefecture_code"]
    elif not level_is_province:
        frame["省份"] = labels["province"]
    years = sorted(set(int(y) for y in first if y > 0))
    frame["批次"] = [BATCHES[years.index(y)] if y > 0 else "" for y in first]
    frame["入选年份"] = first
    table = pd.DataFrame(frame)
    table["code"] = codes
    table = table[first > 0].sort_values(["入选年份", "code"])
    return table.drop(columns="code").reset_index(drop=True)


def _rounded(values: np.ndarray, decimals: int) -> np.ndarray:
    return np.round(values, decimals)


def _yearbook_tables(gdf, years, economy, indicators, rng, missing_share) -> dict[str, object]:
    labels = _unit_labels(gdf)
    level_is_province = all(c.endswith("0000") for c in labels["code"])
    # county names repeat within a province (鼓楼区 in Nanjing and Xuzhou) and short forms repeat everywhere:
    # county files name units officially, with the prefecture's code as parent column
    level_is_county = not level_is_province and any(not c.endswith("00") for c in labels["code"])
    n, T = len(labels["code"]), len(years)
    decimals = {ind.variable: ind.decimals for ind in INDICATORS}

    def cells(variable: str, values: np.ndarray) -> np.ndarray:
        """Rounded values as objects, with "…" at a few interior cells of missing-prone indicators."""
        out = _rounded(values, decimals.get(variable, 2)).astype(object)
        if variable in _MISSING_PRONE and T > 2:
            hit = rng.uniform(size=(T, n)) < missing_share
            hit[0] = hit[-1] = False  # interior only, so linear interpolation can fill them
            out[hit] = "…"
        return out

    # economy: wide CSV, one row per unit and year; provinces by short name, prefectures by official name
    # with the province as parent column, counties by official name with the prefecture's code.
    economy_rows = {
        "地区": np.tile(labels["short"] if level_is_province else labels["official"], T),
        "年份": np.repeat(years, n),
    }
    if level_is_county:
        economy_rows["所属地市代码"] = np.tile(labels["prefecture_code"], T)
    elif not level_is_province:
        economy_rows["省份"] = np.tile(labels["province"], T)
    for variable, column in ECONOMY_COLUMNS.items():
        if variable in economy:
            economy_rows[column] = _rounded(economy[variable], 2).ravel()
    economy_table = pd.DataFrame(economy_rows)

    # science and technology: XLSX, one sheet per year, a title row, official (province) or short names
    # (prefecture; official names and the prefecture's code for counties), and a national-total row at the
    # bottom as in the yearbook tables.
    innovation_vars = [i for i in INDICATORS if i.file == "innovation"]
    sheets = {}
    for k, year in enumerate(years):
        if level_is_county:
            sheet = {"地区": labels["official"], "所属地市代码": labels["prefecture_code"]}
        else:
            sheet = {"地区": labels["official"] if level_is_province else labels["short"]}
        for ind in innovation_vars:
            sheet[ind.column] = cells(ind.variable, indicators[ind.variable])[k]
        frame = pd.DataFrame(sheet)
        total = {"地区": "全国"}
        for ind in innovation_vars:
            total[ind.column] = _rounded(indicators[ind.variable][k].sum(), ind.decimals)
        sheets[str(year)] = pd.concat([frame, pd.DataFrame([total])], ignore_index=True)

    # energy and environment: wide CSV in GBK, provinces by English name, prefectures and counties by code.
    env_vars = [i for i in INDICATORS if i.file == "environment"]
    env = {
        "region": np.tile(labels["english"] if level_is_province else labels["code"], T),
        "year": np.repeat(years, n),
    }
    for ind in env_vars:
        env[ind.column] = cells(ind.variable, indicators[ind.variable]).ravel()
    environment_table = pd.DataFrame(env)

    # new infrastructure: long CSV keyed by codes stored as floats; 5G is "—" before it was counted.
    infra_vars = [i for i in INDICATORS if i.file == "infrastructure"]
    pieces = []
    for ind in infra_vars:
        values = cells(ind.variable, indicators[ind.variable])
        if ind.variable == "base_stations_5g":
            values[years < 2019] = "—"
        pieces.append(
            pd.DataFrame(
                {
                    "行政区划代码": np.tile(labels["float_code"], T),
                    "年份": np.repeat(years, n),
                    "指标": ind.column,
                    "数值": values.ravel(),
                }
            )
        )
    infrastructure_table = pd.concat(pieces, ignore_index=True)
    return {
        "economy": economy_table,
        "innovation": sheets,
        "environment": environment_table,
        "infrastructure": infrastructure_table,
    }


def write(data: DemoData, directory: str | Path) -> dict[str, Path]:
    """Write the raw tables (and ``README.md``, ``truth.csv``, ``truth.json``) to ``directory``; returns the paths
    of the tables by file key."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    paths = {key: directory / name for key, name in FILES.items()}
    data.tables["economy"].to_csv(paths["economy"], index=False, encoding="utf-8")
    _write_xlsx(data.tables["innovation"], paths["innovation"])
    data.tables["environment"].to_csv(paths["environment"], index=False, encoding="gbk")
    data.tables["infrastructure"].to_csv(paths["infrastructure"], index=False, encoding="utf-8")
    data.tables["pilots"].to_csv(paths["pilots"], index=False, encoding="utf-8")
    (directory / "README.md").write_text(
        f"# Simulated demo data\n\nEvery number in this folder is {SIMULATED_NOTE}, drawn by nqpf.study.demo with seed "
        f"{data.parameters['seed']} on real boundaries; no figure is an official statistic. The process is documented "
        "in resources/README.md; truth.csv and truth.json hold its latent values and parameters.\n",
        encoding="utf-8",
    )
    data.truth.to_csv(directory / "truth.csv", index=False)
    (directory / "truth.json").write_text(json.dumps(data.parameters, ensure_ascii=False, indent=2) + "\n")
    return paths


def _write_xlsx(sheets: dict[str, pd.DataFrame], path: Path) -> None:
    """One sheet per year with a title row above the header; the same data give the same bytes. openpyxl
    writes the title and header rows, :func:`nqpf.io.with_rows` the data rows."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for name, frame in sheets.items():
        ws = book.create_sheet(title=name)
        ws.append([f"{name}年 分地区科技创新主要指标（{SIMULATED_NOTE}）"])
        ws.append(list(frame.columns))
    book.properties.creator = "nqpf demo"
    path.write_bytes(with_rows(book, {name: (frame, 3) for name, frame in sheets.items()}))
