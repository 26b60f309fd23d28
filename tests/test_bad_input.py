"""Bad input through the real workflow: each case is a small study on real boundaries with one defect.

Every case runs Snakemake as a user does and checks that the run stops (non-zero exit), that the message names
the file, the unit or row, the column (or the configuration key) and the fix, and that the failing stage left
nothing behind (no results at all for a configuration error). Each case asks only for the targets that reach
the stage that must catch its defect.
"""

from __future__ import annotations

import shutil
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
import yaml

from nqpf.units import boundaries
from nqpf.units.regions import PROVINCE_BY_CODE
from tests.conftest import snakemake

pytestmark = pytest.mark.workflow

STUDY = "bad"
YEARS = (2019, 2021)
STATS = "data/stats.csv"
PANEL = [f"results/{STUDY}/data/{f}" for f in ("panel.csv", "validation.md", "units.csv", "unit_matches.csv")]
MODEL = [
    f"results/{STUDY}/models/queen/{f}" for f in ("estimates.csv", "effects.csv", "tests.csv", "fit.json")
]
WEIGHTS = [f"results/{STUDY}/weights/queen.{f}" for f in ("gal", "gwt", "eigen.csv", "summary.json")]
CUSTOM = f"resources/boundaries/custom/{STUDY}.gpkg"
# Six East China provinces: the polygons of a study on its own boundary file.
EAST = ["310000", "320000", "330000", "340000", "350000", "360000"]
COLUMNS = {"产出": "output", "投资": "investment", "开放": "openness", "趋势": "trend"}


# -- the study every case starts from -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def base(tmp_path_factory, province_gdf):
    """The province boundaries as the workflow builds them, East China as a user's GeoPackage, and the
    statistics of 31 provinces in 2019-2021: built once, copied into each case."""
    root = tmp_path_factory.mktemp("bad_input_base")
    boundaries.write(province_gdf, root / "resources/boundaries/province.gpkg", layer="province")
    east = province_gdf[province_gdf["code"].isin(EAST)][["code", "name", "geometry"]]
    east = east.rename(columns={"code": "CODE", "name": "NAME"}).reset_index(drop=True)
    (root / "data").mkdir()
    east.to_file(root / "data/east.gpkg", driver="GPKG")
    statistics(province_gdf).to_csv(root / STATS, index=False, encoding="utf-8")
    return root, province_gdf, east


def statistics(gdf: gpd.GeoDataFrame) -> pd.DataFrame:
    """A yearbook-style wide table (short names, Chinese headers): output depends on investment and openness;
    trend is a smooth spatial gradient growing over the years, a field no W's spatial parameter can absorb."""
    rng = np.random.default_rng(20240601)
    centre = gdf.to_crs("EPSG:3857").geometry.representative_point()
    east_km, north_km = (centre.x - centre.x.mean()) / 1e6, (centre.y - centre.y.mean()) / 1e6
    rows = []
    for k, year in enumerate(range(YEARS[0], YEARS[1] + 1)):
        for i, code in enumerate(gdf["code"]):
            investment, openness = rng.normal(10, 2), rng.normal(30, 5)
            rows.append(
                {
                    "地区": PROVINCE_BY_CODE[code].short,
                    "年份": year,
                    "产出": round(5 + 0.5 * investment - 0.1 * openness + rng.normal(0, 0.5), 4),
                    "投资": round(investment, 4),
                    "开放": round(openness, 4),
                    "趋势": round(
                        (k + 1) * (north_km.iloc[i] + 0.6 * east_km.iloc[i]) + rng.normal(0, 1e-3), 6
                    ),
                }
            )
    return pd.DataFrame(rows)


def study(**changes) -> dict:
    """The base study: 31 provinces, 2019-2021, one statistics file, queen contiguity and a SAR model."""
    config = {
        "name": STUDY,
        "units": {"level": "province"},
        "years": {"first": YEARS[0], "last": YEARS[1]},
        "statistics": {
            "files": [
                {"path": STATS, "layout": "wide", "unit": "地区", "year": "年份", "variables": dict(COLUMNS)}
            ]
        },
        "weights": [{"name": "queen", "kind": "contiguity"}],
        "models": {
            "dependent": "output",
            "explanatory": ["investment", "openness"],
            "models": ["sar"],
            "weights": ["queen"],
            "random_effects": False,
            "effects": {"draws": 100, "seed": 1},
        },
    }
    config.update(changes)
    return config


def east_study(**changes) -> dict:
    """The base study on the user's own boundary file of six provinces, statistics keyed by code."""
    config = study(
        units={"level": "file", "file": {"path": "data/east.gpkg", "id_field": "CODE", "name_field": "NAME"}}
    )
    config["statistics"]["files"][0].update(unit="code", variables={"产出": "output"})
    config.pop("models")
    config.update(changes)
    return config


def east_statistics(workdir: Path, codes=tuple(EAST)) -> None:
    rows = [
        f"{code},{year},{i + year % 7}"
        for i, code in enumerate(codes)
        for year in range(YEARS[0], YEARS[1] + 1)
    ]
    (workdir / STATS).write_text("code,年份,产出\n" + "\n".join(rows) + "\n", encoding="utf-8")


def edit_csv(workdir: Path, change: Callable[[pd.DataFrame], pd.DataFrame], path: str = STATS) -> None:
    frame = pd.read_csv(workdir / STATS, dtype=str)
    change(frame).to_csv(workdir / path, index=False, encoding="utf-8")


def write_east(workdir: Path, east: gpd.GeoDataFrame, path: str = "data/east.gpkg", **kwargs) -> None:
    east.to_file(workdir / path, **kwargs)


# -- the cases ------------------------------------------------------------------------------------------------


@dataclass
class Case:
    """One defect: how to make it (edit the copied base, return the study), what to ask for, what the message
    must say, and which outputs must not exist afterwards (None: nothing under results/ at all)."""

    prepare: Callable
    targets: list[str]
    says: list[str]
    absent: list[str] | None = None
    log: str | None = None  # the failing job's log, which must hold the message too
    raw: dict | None = field(default=None)  # a configuration written as is (not a study)


def unknown_names(workdir, gdf, east):
    def rename(frame):
        frame.loc[frame["地区"] == "湖北", "地区"] = "湖比"
        frame.loc[frame["地区"] == "北京", "地区"] = "Beijng"
        return frame

    edit_csv(workdir, rename)
    return study()


def stats_ids_not_in_boundaries(workdir, gdf, east):
    east_statistics(workdir, (*EAST, "370000"))
    return east_study()


def boundary_units_without_statistics(workdir, gdf, east):
    east_statistics(workdir, [c for c in EAST if c != "350000"])
    return east_study()


def duplicate_unit_year(workdir, gdf, east):
    """Shandong 2020 in the CSV and again in a second file, a workbook."""
    frame = pd.read_csv(workdir / STATS)
    extra = frame[(frame["地区"] == "山东") & (frame["年份"] == 2020)][["地区", "年份", "投资"]]
    with pd.ExcelWriter(workdir / "data/extra.xlsx") as writer:
        extra.to_excel(writer, sheet_name="2020", index=False)
    config = study()
    config["statistics"]["files"].append(
        {
            "path": "data/extra.xlsx",
            "layout": "wide",
            "unit": "地区",
            "year": "年份",
            "variables": {"投资": "investment"},
        }
    )
    return config


def duplicate_boundary_ids(workdir, gdf, east):
    east = east.copy()
    east.loc[east["CODE"] == "330000", "CODE"] = "320000"
    write_east(workdir, east)
    east_statistics(workdir)
    return east_study()


def non_numeric_xlsx(workdir, gdf, east):
    frame = pd.read_csv(workdir / STATS).astype({"投资": object})
    frame.loc[(frame["地区"] == "广东") & (frame["年份"] == 2020), "投资"] = "12.3亿"
    with pd.ExcelWriter(workdir / "data/stats.xlsx") as writer:
        pd.DataFrame([["2019-2021 统计表"]]).to_excel(writer, index=False, header=False)
        frame.to_excel(writer, index=False, startrow=1)
    config = study()
    config["statistics"]["files"][0].update(path="data/stats.xlsx", skip_rows=1)
    return config


def variable_missing_everywhere(workdir, gdf, east):
    edit_csv(workdir, lambda f: f.assign(研发="…"))
    config = study()
    config["statistics"]["files"][0]["variables"]["研发"] = "rd"
    return config


def unknown_variable_in_derived(workdir, gdf, east):
    return study(derived={"ratio": "investmnet / openness"})


def unknown_variable_in_index(workdir, gdf, east):
    index = {"name": "nqpf", "dimensions": {"capital": [{"variable": "investment"}, {"variable": "opennes"}]}}
    return study(indices=[index])


def unknown_variable_in_model(workdir, gdf, east):
    config = study()
    config["models"]["explanatory"] = ["investment", "opness"]
    return config


def unknown_threshold_variable(workdir, gdf, east):
    config = study()
    config["models"]["threshold"] = {"variable": "opennes", "bootstrap": 0}
    return config


def unknown_mediator(workdir, gdf, east):
    config = study()
    config["models"]["mechanisms"] = {"mediators": ["opennes"], "bootstrap": 0}
    return config


def unknown_pilot_attribute(workdir, gdf, east):
    """models.policy names a first-year attribute the study's units do not have."""
    config = study()
    config["models"]["policy"] = {"first_year": "pilot_year", "placebo": 0}
    return config


def threshold_variable_without_spread(workdir, gdf, east):
    """The threshold variable is one value in every unit-year: no threshold can split the observations."""
    config = study(derived={"flat": "investment * 0 + 1"})
    config["models"]["threshold"] = {"variable": "flat", "bootstrap": 0}
    return config


def unbalanced_panel(workdir, gdf, east):
    """Tibet lacks 2021; a linear fill cannot extrapolate, so the gap stays."""
    edit_csv(workdir, lambda f: f[~((f["地区"] == "西藏") & (f["年份"] == "2021"))])
    return study(panel={"fill": {"investment": {"method": "linear"}, "output": {"method": "linear"}}})


def empty_geometry(workdir, gdf, east):
    east = east.copy()
    east.loc[east["CODE"] == "340000", "geometry"] = shapely.Polygon()
    write_east(workdir, east)
    east_statistics(workdir)
    return east_study()


def invalid_geometry(workdir, gdf, east):
    """Anhui's outline with two vertices swapped: the ring crosses itself."""
    east = east.copy()
    anhui = east.loc[east["CODE"] == "340000", "geometry"].iloc[0]
    largest = max(shapely.get_parts(anhui), key=lambda p: p.area)
    ring = list(largest.exterior.coords)
    middle = len(ring) // 2
    ring[middle], ring[middle + 5] = ring[middle + 5], ring[middle]
    bad = shapely.Polygon(ring)
    assert not bad.is_valid
    east.loc[east["CODE"] == "340000", "geometry"] = bad
    write_east(workdir, east)
    east_statistics(workdir)
    return east_study()


def missing_crs(workdir, gdf, east):
    with warnings.catch_warnings():  # pyogrio warns that the shapefile will have no .prj: the defect wanted
        warnings.simplefilter("ignore", UserWarning)
        write_east(workdir, east.set_crs(None, allow_override=True), path="data/east.shp", encoding="utf-8")
    assert not (workdir / "data/east.prj").exists()
    east_statistics(workdir)
    config = east_study()
    config["units"]["file"]["path"] = "data/east.shp"
    return config


def island_under_error_policy(workdir, gdf, east):
    return study(weights=[{"name": "queen", "kind": "contiguity", "islands": {"policy": "error"}}])


def collinear_regressors(workdir, gdf, east):
    config = study(derived={"investment_share": "investment / 2 + 3"})
    config["models"]["explanatory"] = ["investment", "openness", "investment_share"]
    return config


def spatial_parameter_at_bound(workdir, gdf, east):
    config = study()
    config["models"]["dependent"] = "trend"
    return config


def non_convergence(workdir, gdf, east):
    config = study()
    config["models"]["max_iterations"] = 1
    return config


def unknown_config_key(workdir, gdf, east):
    config = study()
    config["models"]["fixed_efects"] = "two-way"
    return config


def wrong_config_type(workdir, gdf, east):
    return study(years={"first": "2019", "last": YEARS[1]})


def statistics_file_missing(workdir, gdf, east):
    config = study()
    config["statistics"]["files"][0]["path"] = "data/statistcs.csv"
    return config


def model_years_outside_study(workdir, gdf, east):
    config = study()
    config["models"]["years"] = {"first": 2019, "last": 2023}
    return config


def esda_years_outside_study(workdir, gdf, east):
    return study(esda={"variables": ["output"], "weights": ["queen"], "years": [2018, 2020]})


def unknown_weights_in_models(workdir, gdf, east):
    config = study()
    config["models"]["weights"] = ["queeen"]
    return config


def contrary_indicator_for_scatter_degree(workdir, gdf, east):
    """contrary falls as investment rises but is flagged positive: the scatter degree method has no weights."""
    index = {
        "name": "nqpf",
        "method": "scatter_degree",
        "dimensions": {"all": [{"variable": v} for v in ("investment", "output", "contrary")]},
    }
    return study(derived={"contrary": "100 - investment"}, indices=[index])


def tied_markov_classes(workdir, gdf, east):
    """Quartiles of a variable that is zero almost everywhere coincide."""
    return study(
        derived={"flat": "output * 0"}, dynamics={"variables": ["flat"], "classes": 4, "weights": ["queen"]}
    )


def gap_in_centrography(workdir, gdf, east):
    """Tibet has no output in 2021; the gravity centre of that year needs every unit's value."""
    edit_csv(
        workdir,
        lambda f: f.assign(产出=f["产出"].where(~((f["地区"] == "西藏") & (f["年份"] == "2021")), "")),
    )
    return study(centrography={"variables": ["output"]})


PANEL_LOG = f"logs/{STUDY}/panel.log"
MODEL_LOG = f"logs/{STUDY}/models/queen.log"
CUSTOM_LOG = f"logs/{STUDY}/custom_boundaries.log"
CONFIG = (
    "config.yaml"  # the case's configuration file, as messages name it: relative to the working directory
)

CASES = {
    "unknown_unit_names": Case(
        unknown_names,
        PANEL[:1],
        [
            "2 unit values match no unit of the boundaries",
            f"file {STATS}",
            "column 地区",
            "'湖比' in data/stats.csv row 18: no unit with this name; nearest: 430000 湖南省; 420000 湖北省",
            "'Beijng' in data/stats.csv row 2: no unit with this name; nearest: 110000 北京市",
            "row 2, unit Beijng",
            "110000 北京市",
            "fix: correct the names or codes",
        ],
        PANEL,
        PANEL_LOG,
    ),
    "ids_in_statistics_not_in_boundaries": Case(
        stats_ids_not_in_boundaries,
        PANEL[:1],
        [
            "1 unit values match no unit of the boundaries",
            f"file {STATS}",
            "row 20",
            "unit 370000",
            "column code",
            "'370000' in data/stats.csv row 20: no unit with this code in the boundary table",
            "statistics.unmatched: drop",
        ],
        PANEL,
        PANEL_LOG,
    ),
    "boundary_units_without_statistics": Case(
        boundary_units_without_statistics,
        PANEL[:1],
        [
            "1 units of the boundaries have no statistics in 2019-2021",
            "file data/east.gpkg",
            "unit 350000 福建省",
            "column code",
            "350000 福建省: no row in data/stats.csv",
            "fix: add their rows to the statistics",
            "statistics.unmatched: drop",
        ],
        PANEL,
        PANEL_LOG,
    ),
    "duplicate_unit_year": Case(
        duplicate_unit_year,
        PANEL[:1],
        [
            "1 duplicate (unit, year, variable) entries",
            f"file {STATS}",
            "unit 370000",
            "column 投资",
            "unit 370000, year 2020, variable investment",
            "data/extra.xlsx row 2 column 投资",
            "fix: keep one value per unit, year and variable",
        ],
        PANEL,
        PANEL_LOG,
    ),
    "duplicate_boundary_ids": Case(
        duplicate_boundary_ids,
        PANEL[:1],
        [
            "duplicate ids in the boundary file",
            "file data/east.gpkg",
            "unit 320000",
            "row features 2, 3",
            "column CODE",
            "id 320000: features 2, 3",
            "fix: dissolve the parts into one feature per unit",
        ],
        [CUSTOM, *PANEL],
        CUSTOM_LOG,
    ),
    "non_numeric_cell": Case(
        non_numeric_xlsx,
        PANEL[:1],
        [
            "1 non-numeric cells",
            "file data/stats.xlsx",
            "row 52",
            "column 投资",
            "data/stats.xlsx [sheet 0] row 52, column 投资: '12.3亿'",
            "fix: correct these cells",
        ],
        PANEL,
        PANEL_LOG,
    ),
    "variable_missing_everywhere": Case(
        variable_missing_everywhere,
        PANEL[:1],
        [
            "variables without any value in the study's units and years (2019-2021): rd",
            f"file {STATS}",
            "row 2-94",
            "column 研发",
            "rd: data/stats.csv column 研发: rows 2-94 hold no number",
            "fix: check the column mapping",
        ],
        PANEL,
        PANEL_LOG,
    ),
    "unknown_variable_in_derived": Case(
        unknown_variable_in_derived,
        PANEL[:1],
        [
            "the formula of 'ratio' ('investmnet / openness') uses unknown variables: investmnet",
            "did you mean 'investment'?",
            f"file {CONFIG}",
            "column investmnet",
            "key derived.ratio",
            "fix: use variables read from the statistics files",
        ],
        PANEL,
        PANEL_LOG,
    ),
    "unknown_variable_in_index": Case(
        unknown_variable_in_index,
        PANEL[:1],
        [
            "the study names 1 variables it does not have: opennes",
            f"file {CONFIG}",
            "column opennes",
            "key studies[0].indices[nqpf].dimensions.capital",
            "did you mean 'openness'?",
            "fix: correct the names",
        ],
    ),
    "unknown_variable_in_model": Case(
        unknown_variable_in_model,
        MODEL[3:],
        [
            "the study names 1 variables it does not have: opness",
            f"file {CONFIG}",
            "column opness",
            "key studies[0].models.explanatory",
            "did you mean 'openness'?",
            "fix: correct the names",
        ],
    ),
    "unknown_threshold_variable": Case(
        unknown_threshold_variable,
        MODEL[3:],
        [
            "the study names 1 variables it does not have: opennes",
            f"file {CONFIG}",
            "key studies[0].models.threshold.variable",
            "did you mean 'openness'?",
            "fix: correct the names",
        ],
    ),
    "unknown_mediator": Case(
        unknown_mediator,
        MODEL[3:],
        [
            "the study names 1 variables it does not have: opennes",
            f"file {CONFIG}",
            "key studies[0].models.mechanisms.mediators",
            "did you mean 'openness'?",
            "fix: correct the names",
        ],
    ),
    "unknown_pilot_attribute": Case(
        unknown_pilot_attribute,
        MODEL[3:],
        [
            "models.policy.first_year names 'pilot_year', which is not a unit attribute of the study",
            f"file {CONFIG}",
            "key studies[0].models.policy.first_year",
            "fix: give the pilot list as a table of units.attributes",
        ],
    ),
    "threshold_variable_without_spread": Case(
        threshold_variable_without_spread,
        [f"results/{STUDY}/threshold/tests.csv"],
        [
            "no value of the threshold variable flat leaves 1% of the observations on each side",
            "column flat",
            "key trim",
            "fix: use a threshold variable with more distinct values, or a smaller trim",
        ],
        [
            f"results/{STUDY}/threshold/{f}.csv"
            for f in ("thresholds", "tests", "regimes", "lr", "estimates", "fit")
        ],
        f"logs/{STUDY}/threshold.log",
    ),
    "unbalanced_panel_for_model": Case(
        unbalanced_panel,
        MODEL[3:],
        [
            "the models need a balanced panel, but 3 cells of their variables in 2019-2021 have no value",
            f"file {STATS}",
            "row none for 2021",
            "unit 540000 西藏自治区",
            "column output",
            "unit 540000 西藏自治区, year 2021, investment: no row for it in data/stats.csv",
            "fix: supply the missing values, fill them with panel.fill",
        ],
        MODEL,
        MODEL_LOG,
    ),
    "empty_geometry": Case(
        empty_geometry,
        PANEL[:1],
        [
            "empty or missing geometry",
            "file data/east.gpkg",
            "unit 340000 (feature 4)",
            "column geometry",
            "fix: remove these features from the file or give them their polygons",
        ],
        [CUSTOM, *PANEL],
        CUSTOM_LOG,
    ),
    "invalid_geometry": Case(
        invalid_geometry,
        PANEL[:1],
        [
            "1 invalid polygons in the boundary file",
            "file data/east.gpkg",
            "unit 340000",
            "row features 4",
            "column geometry",
            "340000: Self-intersection",
            "shapely.make_valid would make it a MultiPolygon",
            "fix: repair them in a GIS",
            "units.file.repair_invalid: true",
        ],
        [CUSTOM, *PANEL],
        CUSTOM_LOG,
    ),
    "missing_crs": Case(
        missing_crs,
        PANEL[:1],
        [
            "the boundary file has no coordinate reference system",
            "file data/east.shp",
            "unit all 6 features",
            "column geometry",
            "fix: add the .prj file",
            "units.file.crs",
        ],
        [CUSTOM, *PANEL],
        CUSTOM_LOG,
    ),
    "island_under_error_policy": Case(
        island_under_error_policy,
        WEIGHTS[3:],
        [
            "weights 'queen' has 2 disconnected parts (islands or components) and its island policy is error",
            f"file {CONFIG}",
            "unit 460000 海南省",
            "key weights[queen].islands",
            "island: 460000 海南省",
            "fix: set islands: {policy: nearest, k: 2}",
        ],
        WEIGHTS,
        f"logs/{STUDY}/weights/queen.log",
    ),
    "collinear_regressors": Case(
        collinear_regressors,
        MODEL[3:],
        [
            "perfectly collinear explanatory variables (with two-way fixed effects)",
            f"file {CONFIG}",
            "column investment, investment_share",
            "key models.explanatory",
            "investment = 2 investment_share",
            "fix: drop one of investment, investment_share from models.explanatory",
        ],
        MODEL,
        MODEL_LOG,
    ),
    "spatial_parameter_at_bound": Case(
        spatial_parameter_at_bound,
        MODEL[3:],
        [
            f"study {STUDY}, model sar, weights queen, spec main: rho = 0.99",
            "lies at the upper bound 1.0000 of W's interval (-",
            f"file {CONFIG}",
            "key models.on_bound",
            "fix: choose another W (models.weights) or another model (models.models)",
            "models.on_bound: warn",
        ],
        MODEL,
        MODEL_LOG,
    ),
    "non_convergence": Case(
        non_convergence,
        MODEL[3:],
        [
            f"study {STUDY}, model sar, weights queen, spec main: the maximisation of the likelihood in rho did "
            "not converge within models.max_iterations = 1 iterations",
            f"file {CONFIG}",
            "key models.on_nonconvergence",
            "fix: raise models.max_iterations",
            "models.on_nonconvergence: warn",
        ],
        MODEL,
        MODEL_LOG,
    ),
    "unknown_config_key": Case(
        unknown_config_key,
        PANEL[:1],
        [
            "unknown key 'fixed_efects' in studies[0].models (did you mean 'fixed_effects'?)",
            f"file {CONFIG}",
            "key studies[0].models.fixed_efects",
            "fix: remove or rename 'fixed_efects'; the keys allowed in studies[0].models are: dependent",
        ],
    ),
    "wrong_config_type": Case(
        wrong_config_type,
        PANEL[:1],
        [
            "studies[0].years.first is a text ('2019'), not integer",
            f"file {CONFIG}",
            "key studies[0].years.first",
            "fix: give studies[0].years.first an integer (such as 2019, without quotes)",
        ],
    ),
    "statistics_file_missing": Case(
        statistics_file_missing,
        PANEL[:1],
        [
            "study bad: statistics.files[0].path: the file does not exist: data/statistcs.csv",
            f"file {CONFIG}",
            "key studies[0].statistics.files[0].path",
            "fix: correct the path",
        ],
    ),
    "model_years_outside_study": Case(
        model_years_outside_study,
        MODEL[3:],
        [
            "study bad: models.years 2019-2023 is not inside the study's years 2019-2021",
            f"file {CONFIG}",
            "key studies[0].models.years",
            "fix: give models.years first and last years within 2019-2021",
        ],
    ),
    "esda_years_outside_study": Case(
        esda_years_outside_study,
        PANEL[:1],
        [
            "study bad: esda.years lists years outside the study's years 2019-2021: 2018",
            f"file {CONFIG}",
            "key studies[0].esda.years",
            "fix: list only years within 2019-2021",
        ],
    ),
    "contrary_indicator_for_scatter_degree": Case(
        contrary_indicator_for_scatter_degree,
        [f"results/{STUDY}/indices/nqpf.csv"],
        [
            "index 'nqpf': scatter_degree weights over the panel",
            "mixed signs (negative for contrary)",
            "key indices[nqpf].method",
            "fix: choose another weighting (method, robustness)",
        ],
        [f"results/{STUDY}/indices/nqpf.{f}" for f in ("csv", "weights.csv", "method.md", "obstacles.csv")],
        f"logs/{STUDY}/indices/nqpf.log",
    ),
    "tied_markov_classes": Case(
        tied_markov_classes,
        [f"results/{STUDY}/dynamics/transitions.csv"],
        [
            "dynamics: the classes of flat",
            "coincide",
            "column flat",
            "key dynamics.classes",
            "fix: ask for fewer classes (dynamics.classes) or give the cut-offs",
        ],
        [f"results/{STUDY}/dynamics/{f}.csv" for f in ("classes", "transitions", "steady_state")],
        f"logs/{STUDY}/dynamics/tables.log",
    ),
    "gap_in_centrography": Case(
        gap_in_centrography,
        [f"results/{STUDY}/esda/centrography.csv"],
        [
            "centrography of output",
            "540000",
            "2021",
            "column output",
            "key centrography.variables",
            "centrography.missing: drop_per_year",
        ],
        [f"results/{STUDY}/esda/centrography.csv"],
        f"logs/{STUDY}/esda/centrography.log",
    ),
    "unknown_weights_in_models": Case(
        unknown_weights_in_models,
        PANEL[:1],
        [
            "study bad: models.weights names queeen, which the study's weights do not define ('queeen': did you "
            "mean 'queen'?)",
            f"file {CONFIG}",
            "key studies[0].models.weights",
            "fix: name weights the study defines (queen)",
        ],
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_bad_input_stops_with_a_clear_message_and_no_output(name, base, tmp_path):
    root, gdf, east = base
    case = CASES[name]
    workdir = tmp_path / name
    shutil.copytree(root, workdir)
    config_file = workdir / "config.yaml"
    config = {"studies": [case.prepare(workdir, gdf, east)]}
    config_file.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")

    result = snakemake(workdir, "--cores", "1", *case.targets, configfile=config_file)

    output = result.stdout + result.stderr
    assert result.returncode != 0, output[-3000:]
    says = list(case.says)  # the configuration file is named relative to the working directory: config.yaml
    for text in says:
        assert text in output, f"{text!r} not in:\n{output[-4000:]}"
    if case.log is not None:
        log = (workdir / case.log).read_text(encoding="utf-8")
        assert "failed on bad input" in log and "Traceback" not in log
        for text in says:
            assert text in log, f"{text!r} not in the log:\n{log}"
    if case.absent is None:  # a configuration error: no job ran
        assert not (workdir / "results").exists()
        assert not (workdir / "logs").exists()
    else:
        left = [path for path in case.absent if (workdir / path).exists()]
        assert not left, f"partial results left behind: {left}"
