"""An edit reruns only what depends on it: after a complete run of demo_province, `snakemake -n` lists, for each
kind of edit a researcher makes while tuning a study, exactly the jobs whose outputs it changes (each rule's
parameters are the slice of the study's settings its outputs depend on, and the digest of the code it runs); a
moved checkout reruns nothing."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from tests.conftest import STUDY_FILE, snakemake

pytestmark = pytest.mark.slow

STUDY = "demo_province"
JOB = re.compile(r"^Job \d+: (\w+)(?:: (.*))?$")

# the jobs that show labels and the language: tables, figures, the Stata panel's labels (and the do-file that
# reads it), the manifest
WORDS = {
    "tables_demo_province": 1,
    "index_regions": 2,
    "index_map": 2,
    "disparity_figures_demo_province": 1,
    "markov_figure": 1,
    "kernel_surface": 1,
    "ellipse_maps_demo_province": 1,
    "geodetector_figure": 1,
    "weights_map": 4,
    "esda_figures": 4,
    "moran_trend": 1,
    "model_figures_demo_province": 1,
    "threshold_figure": 1,
    "moderation_figure": 1,
    "event_study_figure": 1,
    "placebo_figure": 1,
    "stata_panel": 1,
    "crosscheck": 1,
    "manifest": 1,
    "all": 1,
}


@pytest.fixture(scope="module")
def built(demo_province_run, tmp_path_factory) -> Path:
    """A copy of the session's complete run of demo_province, its configuration file inside its working
    directory."""
    workdir = tmp_path_factory.mktemp("iteration") / "run"
    shutil.copytree(demo_province_run, workdir, symlinks=True)
    return workdir


def jobs(workdir: Path, configfile: Path) -> list[tuple[str, str]]:
    """The jobs `snakemake -n` would run: (rule, wildcards) sorted."""
    result = snakemake(workdir, "-n", configfile=configfile)
    assert result.returncode == 0, result.stderr[-3000:]
    found = [JOB.match(line) for line in (result.stdout + result.stderr).splitlines()]
    return sorted((m.group(1), m.group(2) or "") for m in found if m)


def counts(listed: list[tuple[str, str]]) -> dict[str, int]:
    out: dict[str, int] = {}
    for rule, _ in listed:
        out[rule] = out.get(rule, 0) + 1
    return out


def edited(workdir: Path, change) -> Path:
    """A copy of the study under the working directory with ``change`` applied to its settings, at the path the
    run used (the configuration file's name is a parameter of the jobs whose errors name it)."""
    original = workdir / STUDY_FILE
    data = yaml.safe_load(original.read_text(encoding="utf-8"))
    change(data["studies"][0])
    saved = workdir / f"{STUDY_FILE}.original"
    if not saved.exists():
        shutil.copy(original, saved)
    original.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return original


def restore(workdir: Path) -> None:
    shutil.copy(workdir / f"{STUDY_FILE}.original", workdir / STUDY_FILE)


def test_an_up_to_date_study_has_nothing_to_do(built):
    assert jobs(built, built / STUDY_FILE) == []


@pytest.mark.parametrize(
    "change",
    [
        lambda s: s["tables"]["labels"]["nqpf"].update(en="NQPF level"),
        lambda s: s["tables"].update(language="zh"),
    ],
    ids=["label", "language"],
)
def test_a_label_or_the_language_reruns_tables_and_figures_only(built, change):
    try:
        listed = jobs(built, edited(built, change))
    finally:
        restore(built)
    assert counts(listed) == WORDS


def test_a_new_w_reruns_that_ws_jobs_and_what_merges_them(built):
    def add_w(s):
        s["weights"].append({"name": "knn", "kind": "knn", "k": 4})
        s["esda"]["weights"].append("knn")
        s["models"]["weights"].append("knn")

    try:
        listed = jobs(built, edited(built, add_w))
    finally:
        restore(built)
    per_w = [(rule, wildcards) for rule, wildcards in listed if "w=" in wildcards]
    assert per_w and all(re.search(r"\bw=knn\b", wildcards) for _, wildcards in per_w), per_w
    assert counts(listed) == {
        "weights": 1,
        "weights_map": 1,
        "weights_export_stata": 1,
        "esda_part": 2,
        "esda_bivariate": 1,
        "esda_figures": 2,
        "esda": 1,
        "moran_trend": 1,
        "model": 1,
        "models": 1,
        "model_figures_demo_province": 1,
        "stata_models": 1,
        "gis": 1,
        "report_pages": 1,
        "tables_demo_province": 1,
        "manifest": 1,
        "all": 1,
    }


def test_a_model_edit_reruns_the_models_and_what_shows_them(built):
    def drop_control(s):
        s["models"]["explanatory"].remove("human_capital")

    try:
        listed = jobs(built, edited(built, drop_control))
    finally:
        restore(built)
    assert counts(listed) == {
        "baseline": 1,
        "threshold": 1,
        "threshold_figure": 1,
        "mediation": 1,
        "moderation": 1,
        "moderation_figure": 1,
        "quadratic": 1,
        "model": 4,
        "models": 1,
        "model_figures_demo_province": 1,
        "stata_models": 1,
        "crosscheck": 1,
        "report_pages": 1,
        "tables_demo_province": 1,
        "manifest": 1,
        "all": 1,
    }


def test_a_moved_checkout_reruns_nothing(built, tmp_path):
    """The study's working directory moved with its results: the jobs' parameters hold no absolute path."""
    moved = tmp_path / "moved"
    shutil.copytree(built, moved, symlinks=True)
    assert jobs(moved, moved / STUDY_FILE) == []
