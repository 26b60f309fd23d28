"""Shared fixtures: boundary tables of the default scope, and the path of the shared reference data."""

from __future__ import annotations

import os

os.environ.setdefault("MPLBACKEND", "Agg")  # figures are written to files, never shown

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from nqpf.units import boundaries

REPO = Path(__file__).resolve().parents[1]
REFERENCE_DATA = REPO.parent / "shared" / "reference-data"
DEFAULT_EXCLUDED = ["710000", "810000", "820000"]


def attributes(level: str, **kwargs):
    table, _ = boundaries.cnmaps_attributes(level, exclude_provinces=DEFAULT_EXCLUDED, **kwargs)
    return table.drop(columns="path")


@pytest.fixture(scope="session")
def province_units():
    return attributes("province")


@pytest.fixture(scope="session")
def prefecture_units():
    return attributes("prefecture")


@pytest.fixture(scope="session")
def county_units():
    return attributes("county")


@pytest.fixture(scope="session")
def province_gdf():
    gdf, _ = boundaries.build_cnmaps("province", exclude_provinces=DEFAULT_EXCLUDED)
    return gdf


@pytest.fixture
def reference_data():
    if not REFERENCE_DATA.is_dir():
        pytest.skip("../shared/reference-data is absent")
    return REFERENCE_DATA


SNAKEMAKE = [sys.executable, "-m", "snakemake", "--snakefile", str(REPO / "Snakefile")]


def snakemake(
    workdir: Path, *args: str, configfile: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    """Run the workflow as a user does, in its own working directory (results/, resources/, logs/ there);
    ``env`` adds environment variables."""
    workdir.mkdir(parents=True, exist_ok=True)
    command = SNAKEMAKE + ["--directory", str(workdir)]
    if configfile is not None:
        command += ["--configfile", str(configfile)]
    environment = {**os.environ, **env} if env else None
    return subprocess.run(command + list(args), capture_output=True, text=True, cwd=workdir, env=environment)


STUDY_FILE = "study.yaml"
"""The name of demo_province's configuration file in the working directory of the shared run and its copies."""


def study_file(workdir: Path) -> Path:
    """demo_province's configuration copied into ``workdir`` (as a user keeps a study's file beside its results),
    so that the run and every copy of it name the file alike: a copy moved elsewhere reruns nothing."""
    path = workdir / STUDY_FILE
    if not path.exists():
        workdir.mkdir(parents=True, exist_ok=True)
        shutil.copy(REPO / "config" / "studies" / "demo_province.yaml", path)
    return path


@pytest.fixture(scope="session")
def demo_province_run(tmp_path_factory) -> Path:
    """One complete run of the demo_province study (every table, figure and the manifest) with --cores 8, its
    configuration file in the working directory (:func:`study_file`).

    Shared by the slow suites (determinism, reproduction, report, iteration, SLURM) so the study runs once per
    session; tests must not change this directory: copy it first.
    """
    workdir = tmp_path_factory.mktemp("demo_province_cores8")
    result = snakemake(workdir, "--cores", "8", configfile=study_file(workdir))
    assert result.returncode == 0, result.stderr[-5000:]
    return workdir
