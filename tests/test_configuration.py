"""The typed configuration: the schema file generated from the settings models, defaults written once, and the
messages of a configuration error (file, key path, problem, fix)."""

from __future__ import annotations

import copy
import json

import jsonschema
import pytest
import yaml

from nqpf.errors import InputError
from nqpf.study import configuration
from nqpf.study.schema import config_schema, schema_text
from nqpf.study.settings import ConfigSettings, StudySettings
from tests.conftest import REPO

SCHEMA_FILE = REPO / "workflow" / "schemas" / "config.schema.json"
CONFIGS = [
    "config/config.yaml",
    *sorted(str(p.relative_to(REPO)) for p in (REPO / "config/studies").glob("*.yaml")),
]


def demo() -> dict:
    return yaml.safe_load((REPO / "config/studies/demo_province.yaml").read_text(encoding="utf-8"))


def problem(edit) -> InputError:
    config = demo()
    edit(config["studies"][0])
    with pytest.raises(InputError) as err:
        configuration.read_settings(config, [("study.yaml", config)])
    return err.value


def test_the_schema_file_is_generated_from_the_settings_models():
    assert SCHEMA_FILE.read_text(encoding="utf-8") == schema_text(), "run `make schema` and commit the result"


@pytest.mark.parametrize("path", CONFIGS)
def test_every_shipped_configuration_follows_the_schema_as_written_and_resolved(path):
    checker = jsonschema.Draft202012Validator(config_schema())
    raw = yaml.safe_load((REPO / path).read_text(encoding="utf-8"))
    assert not list(checker.iter_errors(raw))
    resolved = ConfigSettings.model_validate(raw).to_config()
    assert not list(checker.iter_errors(resolved))
    # the resolved form reads back to the same settings, written the same way (a rerun from the configuration a
    # manifest records gives the same parameters, 10 and 10.0 alike)
    again = ConfigSettings.model_validate(resolved).to_config()
    assert json.dumps(again, sort_keys=True) == json.dumps(resolved, sort_keys=True)


def test_a_default_has_the_type_of_a_given_value():
    left_out = ConfigSettings.model_validate({"studies": ["s.yaml"]}).to_config()
    written = ConfigSettings.model_validate(
        {"studies": ["s.yaml"], "boundaries": {"snap_tolerances_m": [10, 100, 500, 1000]}}
    )
    assert json.dumps(left_out) == json.dumps(written.to_config())


def test_defaults_are_filled_from_the_models():
    study = StudySettings.model_validate(demo()["studies"][0])
    assert study.esda.significance.method == "fdr" and study.models.max_iterations == 500
    assert study.weights[0].islands.policy == "nearest"
    block = StudySettings.model_validate(
        {**demo()["studies"][0], "weights": [{"name": "b", "kind": "block", "by": "region"}]}
    )
    assert block.weights[0].islands.policy == "keep"  # disconnected by design
    schema = config_schema()["$defs"]
    assert schema["EsdaSettings"]["properties"]["permutations"]["default"] == 9999
    assert schema["WeightsSettings"]["properties"]["standardise"]["enum"] == [
        "row",
        "none",
        "spectral",
        "minmax",
    ]


def test_an_unknown_key_names_the_nearest_allowed_one():
    err = problem(lambda s: s["models"].update(fixed_efects="two-way"))
    assert "unknown key 'fixed_efects' in studies[0].models (did you mean 'fixed_effects'?)" in err.problem
    assert err.file == "study.yaml" and err.key == "studies[0].models.fixed_efects"
    assert err.fix.startswith(
        "remove or rename 'fixed_efects'; the keys allowed in studies[0].models are: dependent"
    )


def test_a_wrong_type_says_what_was_given_and_what_to_write():
    err = problem(lambda s: s["years"].update(first="2019"))
    assert "studies[0].years.first is a text ('2019'), not integer" in err.problem
    assert err.fix.startswith("give studies[0].years.first an integer (such as 2019, without quotes)")


def test_a_value_outside_the_allowed_ones_suggests_the_closest():
    err = problem(lambda s: s["models"].update(method="leeyu"))
    assert (
        "studies[0].models.method is 'leeyu', which is not an allowed value (did you mean 'lee_yu'?)"
        in err.problem
    )
    assert err.fix.startswith("use one of: lee_yu, direct")


def test_a_key_a_kind_needs_is_named_with_the_kind():
    err = problem(lambda s: s["weights"].append({"name": "k", "kind": "knn"}))
    assert "studies[0].weights[4] lacks the required key 'k' (its kind is knn)" in err.problem
    assert err.key == "studies[0].weights[4]"


def test_a_choice_of_types_lists_them_all():
    err = problem(
        lambda s: s["weights"].append({"name": "b", "kind": "distance_band", "threshold_km": "far"})
    )
    assert "threshold_km is a text ('far'), not number" in err.problem
    assert "a number (such as 0.5) or 'auto'" in err.fix


def test_every_problem_is_listed():
    def two(s):
        s["years"]["first"] = "2019"
        s["esda"]["global"] = ["moran", "gery"]

    err = problem(two)
    assert (
        "studies[0].esda.global[1] is 'gery', which is not an allowed value (did you mean 'geary'?)"
        in err.problem
    )
    assert any("years.first is a text" in line for line in err.details)


def test_a_study_file_entry_must_be_yaml():
    config = {"studies": ["studies/demo.txt"]}
    with pytest.raises(InputError, match="ending in .yaml or .yml"):
        configuration.read_settings(config, [("config.yaml", config)])


def test_two_studies_of_one_name_are_refused(tmp_path):
    study = demo()["studies"][0]
    config = {"studies": [study, copy.deepcopy(study)]}
    settings = configuration.read_settings(config, [("config.yaml", config)])
    with pytest.raises(InputError, match="two studies share the name demo_province"):
        configuration.resolve_studies(settings, [("config.yaml", config)])


def test_a_key_given_twice_stops_with_its_line(tmp_path):
    path = tmp_path / "study.yaml"
    path.write_text(
        "studies:\n  - name: a\n    years: {first: 2019, last: 2020}\n    years: {first: 2018, last: 2020}\n"
    )
    with pytest.raises(InputError, match="the key 'years' is given twice \\(first on line 3\\)") as err:
        configuration.load_yaml(path)
    assert err.value.file == str(path) and err.value.row == 4 and "once" in err.value.fix


def test_a_yaml_syntax_error_names_its_line(tmp_path):
    path = tmp_path / "study.yaml"
    path.write_text("studies:\n  - name: a\n    units: {level: province\n    years: [2019\n")
    with pytest.raises(InputError, match="not valid YAML") as err:
        configuration.load_yaml(path)
    assert err.value.row == 4 and "bracket" in err.value.fix


def test_the_check_command_reads_a_configuration_as_the_workflow_does(tmp_path, monkeypatch, capsys):
    """python -m nqpf.study.check: the default file first, then the files given, merged as --configfile merges
    them; a YAML syntax error Snakemake would report without a place is named with its file and line."""
    from nqpf.study import check

    monkeypatch.chdir(REPO)
    assert check.main(["config/studies/demo_city.yaml"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("demo_city: prefecture units")
    assert "valid: config/config.yaml, config/studies/demo_city.yaml (1 study)" in out
    broken = tmp_path / "broken.yaml"
    broken.write_text("studies:\n  - name: a\n    units: {level: province\n", encoding="utf-8")
    assert check.main([str(broken)]) == 1
    err = capsys.readouterr().err
    assert f"file {broken}, row 4" in err and "fix: correct the YAML" in err
    unknown = tmp_path / "unknown.yaml"
    unknown.write_text("boundaries: {exclude_provinces: ['710000'], snap_tolerance: 5}\n", encoding="utf-8")
    assert check.main([str(unknown)]) == 1
    assert "snap_tolerance" in capsys.readouterr().err
