"""The workflow as SLURM batch jobs through the shipped profile (profiles/slurm): the demo_province study gives
byte-identical results to a local run, every job really went through sbatch (tiny jobs in groups), and a job
that fails is resubmitted with more memory.

Needs SLURM (apt-get install slurm-wlm munge): the tests start a single-node cluster on this machine with
tests/slurm/start.sh when none is up. They run only when asked for by name: `pytest -m slurm` (make
test-slurm), or with the slower suites, `pytest -m "slow or slurm"` (make test-slow-slurm, which runs
demo_province locally once for both); never in `make test` or `make test-slow`.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO, SNAKEMAKE, study_file

pytestmark = [pytest.mark.slurm, pytest.mark.slow, pytest.mark.workflow]

STUDY = "demo_province"
PROFILE = REPO / "profiles" / "slurm"
START = REPO / "tests" / "slurm" / "start.sh"
STOP = REPO / "tests" / "slurm" / "stop.sh"
# The plugin first asks SLURM about a job after 40 s, which suits a shared cluster; here every job takes
# seconds, so the tests ask every 10 s. The profile is otherwise used as shipped.
POLL = ("--slurm-init-seconds-before-status-checks", "10")
SUBMITTED = re.compile(r"Job (\S+) has been submitted with SLURM jobid (\d+) \(log: (.+?)\)\.")


def node_ready() -> bool:
    """Whether SLURM answers and has a node that takes jobs."""
    try:
        states = subprocess.run(
            ["sinfo", "--noheader", "--format", "%t"], capture_output=True, text=True, timeout=30
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return states.returncode == 0 and any(
        s.strip("*~#") in {"idle", "mix", "alloc"} for s in states.stdout.split()
    )


@pytest.fixture(scope="session")
def slurm_cluster(request):
    """A SLURM cluster that takes jobs: the one running, or a single-node one started by tests/slurm/start.sh.

    A cluster the fixture started is stopped at the end of the session and its configuration removed
    (tests/slurm/stop.sh --clean): a ``slurm.conf`` whose controller is not running makes every later
    ``snakemake`` command on this machine wait about 9 s (the SLURM plugin asks ``scontrol`` when it is loaded)."""
    if not re.search(r"\bslurm\b", request.config.option.markexpr or ""):
        pytest.skip("the SLURM suite runs only when selected by name: pytest -m slurm")
    missing = [c for c in ("sbatch", "squeue", "sinfo") if shutil.which(c) is None]
    if missing:
        pytest.skip(f"SLURM is not installed ({', '.join(missing)} missing): apt-get install slurm-wlm munge")
    if not node_ready():
        if shutil.which("slurmctld", path="/usr/sbin:/usr/bin") is None:
            pytest.skip(
                "no SLURM cluster is up and slurmctld is not installed: apt-get install slurm-wlm munge"
            )
        request.addfinalizer(
            lambda: subprocess.run(["bash", str(STOP), "--clean"], capture_output=True, timeout=300)
        )
        started = subprocess.run(["bash", str(START)], capture_output=True, text=True, timeout=300)
        if started.returncode != 0:
            pytest.fail(f"tests/slurm/start.sh could not start a cluster:\n{started.stdout}{started.stderr}")
        assert node_ready(), started.stdout


def results(workdir: Path) -> dict[str, bytes]:
    """Every file under results/, by its path relative to the working directory."""
    return {
        p.relative_to(workdir).as_posix(): p.read_bytes()
        for p in sorted((workdir / "results").rglob("*"))
        if p.is_file()
    }


def through_slurm(command: list[str], workdir: Path, timeout: int = 2400) -> subprocess.CompletedProcess:
    """Run Snakemake with the SLURM profile (polling every 10 s, keeping every SLURM log) and check it succeeded.

    A run that hangs (a job SLURM can never start stays pending) is stopped after `timeout` seconds and its
    SLURM jobs are cancelled, so they do not hold the cluster."""
    try:
        result = subprocess.run(
            [*command, *POLL, "--slurm-keep-successful-logs"],
            capture_output=True,
            text=True,
            cwd=workdir,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired as stopped:
        log = stopped.stderr.decode() if isinstance(stopped.stderr, bytes) else stopped.stderr or ""
        for run_id in re.findall(r"SLURM run ID: (\S+)", log):
            subprocess.run(["scancel", "--name", run_id], check=False)
        pytest.fail(f"Snakemake on SLURM did not finish within {timeout} s:\n{log[-5000:]}")
    assert result.returncode == 0, result.stderr[-5000:]
    return result


@pytest.fixture(scope="module")
def runs(slurm_cluster, demo_province_run, tmp_path_factory):
    """demo_province through the SLURM profile in a directory of its own, beside the local run of the session
    (``demo_province_run``, --cores 8).

    Returns both directories, the SLURM run's log and its wall time (seconds)."""
    local = demo_province_run
    cluster = tmp_path_factory.mktemp("slurm_cluster")
    start = time.monotonic()
    result = through_slurm(
        [
            *SNAKEMAKE,
            "--directory",
            str(cluster),
            "--configfile",
            str(study_file(cluster)),
            "--profile",
            str(PROFILE),
        ],
        cluster,
    )
    wall = time.monotonic() - start
    return local, cluster, result.stderr, wall


def test_a_slurm_run_gives_the_bytes_of_a_local_run(runs):
    local, cluster, _, _ = runs
    expected, made = results(local), results(cluster)
    assert sorted(made) == sorted(expected)
    assert [path for path in expected if made[path] != expected[path]] == []
    assert f"results/{STUDY}/manifest.json" in made and len(made) > 200


def test_every_job_went_through_sbatch_and_small_jobs_in_groups(runs):
    _, cluster, log, wall = runs
    submitted = SUBMITTED.findall(log)
    jobs = int(re.findall(r"(\d+) of \1 steps \(100%\) done", log)[-1])
    # one SLURM job id per submission, each with its SLURM log (the job's own Snakemake output)
    slurm_ids = [slurm_id for _, slurm_id, _ in submitted]
    assert len(set(slurm_ids)) == len(slurm_ids) > 20
    for _, slurm_id, path in submitted:
        job_log = Path(path)
        assert job_log.is_relative_to(cluster / "logs" / "slurm") and job_log.name == f"{slurm_id}.log"
        assert job_log.stat().st_size > 0, job_log
    # the groups of the profile, each a SLURM job of its own: the study's tables, for one
    groups = yaml.safe_load((PROFILE / "config.yaml").read_text(encoding="utf-8"))["groups"]
    folders = {Path(path).relative_to(cluster / "logs" / "slurm").parts[0] for _, _, path in submitted}
    for group in set(groups.values()):
        assert [f for f in folders if f.startswith(f"group_{group}_")], group
    assert folders.isdisjoint(f"rule_{rule}" for rule in groups)
    # every job but the local target rule `all` ran inside a SLURM job, most of them many to one
    assert len(submitted) < jobs - 1
    print(f"SLURM run: {wall:.0f} s wall time, {len(submitted)} sbatch jobs for {jobs} jobs")


RETRY_SNAKEFILE = """
localrules:
    all,


rule all:
    input:
        "memory.txt",


# Fails unless SLURM granted the job at least 1000 MB: the first attempt asks for 600, the second for 1200.
rule needs_memory:
    output:
        "memory.txt",
    threads: 1
    resources:
        mem_mb=lambda wildcards, attempt: 600 * attempt,
        runtime=5,
    shell:
        "mem=$(scontrol show job $SLURM_JOB_ID | grep -o 'MinMemoryNode=[0-9]*' | cut -d= -f2); "
        "test $mem -ge 1000 && echo $mem > {output}"
"""


def test_a_failed_job_is_resubmitted_with_more_memory(slurm_cluster, tmp_path):
    (tmp_path / "Snakefile").write_text(RETRY_SNAKEFILE, encoding="utf-8")
    result = through_slurm(
        [sys.executable, "-m", "snakemake", "--snakefile", "Snakefile", "--profile", str(PROFILE)],
        tmp_path,
        600,
    )
    # the profile's retries: the first SLURM job failed, the second (with twice the memory) succeeded
    assert len(SUBMITTED.findall(result.stderr)) == 2
    assert (tmp_path / "memory.txt").read_text().strip() == "1200"
