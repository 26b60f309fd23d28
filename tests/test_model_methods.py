"""Several estimation methods in one study (models.method: [lee_yu, direct]): the configuration, fits equal to
those of each method alone, the merged result set with its method column, and tables with a column group per
method."""

from __future__ import annotations

import jsonschema
import numpy as np
import pandas as pd
import pytest
import yaml

from nqpf import io
from nqpf.errors import InputError
from nqpf.models import specifications
from nqpf.models.settings import ModelsSettings
from nqpf.study import configuration, table_plan
from nqpf.study.schema import config_schema
from nqpf.study.settings import ConfigSettings
from nqpf.tables import regression
from nqpf.tables.labels import Labels
from tests.conftest import REPO
from tests.test_models import FIXTURE, make_spatialreg

METHODS = ["lee_yu", "direct"]
EN = Labels("en", {"x1": {"en": "Infrastructure"}})


def demo_with(method) -> dict:
    config = yaml.safe_load((REPO / "config/studies/demo_province.yaml").read_text(encoding="utf-8"))
    config["studies"][0]["models"]["method"] = method
    return config


def test_a_study_with_two_methods_validates():
    config = demo_with(METHODS)
    settings = configuration.read_settings(config, [("study.yaml", config)])
    models = settings.studies[0].models
    assert models.methods == METHODS and models.several_methods
    checker = jsonschema.Draft202012Validator(config_schema())
    assert not list(checker.iter_errors(config))
    resolved = ConfigSettings.model_validate(config).to_config()
    assert not list(checker.iter_errors(resolved)) and resolved["studies"][0]["models"]["method"] == METHODS
    # one method as before: the same resolved configuration, so the same job parameters and outputs
    single = ConfigSettings.model_validate(demo_with("lee_yu")).to_config()
    assert single["studies"][0]["models"]["method"] == "lee_yu"


@pytest.mark.parametrize(
    "method, problem",
    [
        (["lee_yu", "lee_yu"], "studies[0].models.method: lists lee_yu more than once"),
        (
            ["lee_yu", "dirct"],
            "studies[0].models.method[1] is 'dirct', which is not an allowed value (did you mean",
        ),
        ([], "studies[0].models.method has 0 entries"),
    ],
)
def test_a_bad_list_of_methods_names_the_entry(method, problem):
    config = demo_with(method)
    with pytest.raises(InputError) as err:
        configuration.read_settings(config, [("study.yaml", config)])
    assert problem in err.value.problem and err.value.key.startswith("studies[0].models.method")


@pytest.fixture(scope="module")
def panel_frame():
    """The seeded panel of the model tests on the Columbus W (N = 49, T = 6) as a long frame, with two zones."""
    w, _ = make_spatialreg.columbus()
    data = FIXTURE["panel_data"]
    t, n = data["T"], len(w.ids)
    frame = pd.DataFrame(
        {
            "code": np.tile(w.ids, t),
            "year": np.repeat(np.arange(2000, 2000 + t), n),
            "y": np.array(data["y"]).reshape(-1),
            "x1": np.array(data["x1"]).reshape(-1),
            "x2": np.array(data["x2"]).reshape(-1),
        }
    )
    units = pd.DataFrame({"code": list(w.ids), "zone": ["north" if i < 25 else "south" for i in range(n)]})
    return w, frame, units, list(range(2000, 2000 + t))


def settings_of(method) -> ModelsSettings:
    return ModelsSettings.model_validate(
        {
            "dependent": "y",
            "explanatory": ["x1", "x2"],
            "method": method,
            "effects": {"draws": 200, "seed": 3},
            "heterogeneity": {"by": "zone"},
        }
    )


@pytest.mark.parametrize("model", ["sdm", "sem", "ols"])
def test_both_methods_give_the_fits_of_each_method_alone(panel_frame, model):
    w, frame, units, years = panel_frame
    both = specifications.analyse(model, frame, years, w, units, settings_of(METHODS))
    assert both.fit["methods"] == METHODS
    for method in METHODS:
        alone = specifications.analyse(model, frame, years, w, units, settings_of(method))
        for table in ("estimates", "effects", "tests"):
            part = getattr(both, table)
            assert list(part.columns) == ["method", *getattr(alone, table).columns]
            part = part[part["method"] == method].drop(columns="method").reset_index(drop=True)
            pd.testing.assert_frame_equal(part, getattr(alone, table), check_exact=True)
        assert [r for r in both.fit["specs"] if r["method"] == method] == alone.fit["specs"]
        assert "methods" not in alone.fit and "method" not in alone.estimates.columns
    if model == "sdm":  # the methods differ where they should: sigma^2 and rho under two-way effects
        main = both.estimates[(both.estimates["spec"] == "main") & (both.estimates["term"] == "rho")]
        assert main["estimate"].iloc[0] != main["estimate"].iloc[1]


@pytest.fixture(scope="module")
def merged(panel_frame, tmp_path_factory):
    """The result set of SAR, SEM and SDM estimated with both methods, merged as the workflow merges it."""
    w, frame, units, years = panel_frame
    root = tmp_path_factory.mktemp("models")
    paths = []
    for model in ("sar", "sem", "sdm"):
        result = specifications.analyse(model, frame, years, w, units, settings_of(METHODS))
        folder = root / model / w.name
        folder.mkdir(parents=True)
        for name in ("estimates", "effects", "tests"):
            io.write_csv(getattr(result, name), folder / f"{name}.csv")
            paths.append(folder / f"{name}.csv")
        io.write_json(result.fit, folder / "fit.json")
        paths.append(folder / "fit.json")
    return w, specifications.merge(paths)


def test_the_merged_results_carry_the_method_after_model_and_weights(merged):
    _, tables = merged
    for name in ("estimates", "effects", "tests", "fit"):
        assert list(tables[name].columns[:3]) == ["model", "weights", "method"], name
        assert list(dict.fromkeys(tables[name]["method"])) == METHODS
    assert tables["dropped_units"].empty and list(tables["dropped_units"].columns) == [
        "code",
        "name",
        "variable",
        "year",
    ]


def test_tables_show_a_column_group_per_method(merged):
    w, tables = merged
    results = regression.Results(*(tables[name] for name in ("estimates", "effects", "tests", "fit")))
    assert results.methods == METHODS
    main = regression.main_models(results, ["sar", "sem", "sdm"], w.name, "y", EN)
    assert [c.text for c in main.columns[1:]] == [
        f"({i}) {m}" for i, m in enumerate(["SAR", "SEM", "SDM"] * 2, 1)
    ]
    assert [(g.text, span) for g, span in main.groups] == [
        ("Lee-Yu transformation", 3),
        ("Direct approach", 3),
    ]
    rho = next(r for b in main.blocks for r in b.rows if r.label.text == "ρ")
    lee_yu = tables["estimates"][
        (tables["estimates"]["model"] == "sdm")
        & (tables["estimates"]["spec"] == "main")
        & (tables["estimates"]["term"] == "rho")
    ]
    assert [rho.cells[2].text, rho.cells[5].text] == [f"{v:.3f}" for v in lee_yu["estimate"]]
    assert any(
        "Columns by estimation method: Lee-Yu transformation, the Lee and Yu (2010)" in n for n in main.notes
    )
    assert not any("bias-corrected by the Lee and Yu (2010) transformation" in n for n in main.notes)
    effects = regression.effects(results, "sdm", w.name, ["x1", "x2"], EN)
    assert [c.text for c in effects.columns[1:]] == ["Direct", "Indirect", "Total"] * 2
    assert [(g.text, span) for g, span in effects.groups] == [
        ("Lee-Yu transformation", 3),
        ("Direct approach", 3),
    ]
    hetero = regression.heterogeneity(results, "sdm", w.name, ["x1"], {"north": 25, "south": 24}, 5, EN)
    assert [c.text for c in hetero.columns[1:]] == ["Full sample", "north", "south"] * 2
    selection = regression.model_selection(results, w.name, "sdm", EN)
    assert [b.title.text for b in selection.blocks] == [
        "LR, Wald and Hausman tests (Lee-Yu transformation)",
        "LR, Wald and Hausman tests (Direct approach)",
    ]
    zh = regression.main_models(results, ["sdm"], w.name, "y", Labels("zh"))
    assert [g.text for g, _ in zh.groups] == ["Lee-Yu 变换法", "直接法"]


def test_a_single_method_table_has_no_groups(panel_frame):
    w, frame, units, years = panel_frame
    result = specifications.analyse("sdm", frame, years, w, units, settings_of("lee_yu"))
    tag = {"model": "sdm", "weights": w.name}
    results = regression.Results(
        result.estimates.assign(**tag),
        result.effects.assign(**tag),
        result.tests.assign(**tag),
        specifications.fit_table(result.fit).assign(**tag),
    )
    assert results.methods == [None]
    table = regression.main_models(results, ["sdm"], w.name, "y", EN)
    assert table.groups == () and [c.text for c in table.columns[1:]] == ["(1) SDM"]
    assert any("bias-corrected by the Lee and Yu (2010) transformation" in n for n in table.notes)


def test_the_plan_of_a_two_method_study_keeps_its_tables():
    study = ConfigSettings.model_validate(demo_with(METHODS)).studies[0]
    assert table_plan.table_names(study) == table_plan.table_names(
        ConfigSettings.model_validate(demo_with("lee_yu")).studies[0]
    )
