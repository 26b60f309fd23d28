"""Every job declares what it asks of a machine or a cluster: threads, memory and run time scaled by the study's
size and by the attempt (so --retries resubmits with more), and a benchmark file with its time and peak memory."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml

from tests.conftest import REPO, snakemake

RESOURCES_SMK = REPO / "workflow" / "rules" / "resources.smk"


def dry_run_jobs(workdir: Path, configfile: Path) -> list[dict]:
    """The jobs of a dry run, each with its rule, benchmark file and resources as Snakemake prints them."""
    # every job's full block (the default terminal shows one line per job)
    result = snakemake(
        workdir, "--dry-run", "--cores", "1", configfile=configfile, env={"NQPF_JOB_DETAILS": "1"}
    )
    assert result.returncode == 0, result.stderr[-3000:]
    jobs = []
    for block in re.split(r"\n(?=(?:local)?rule \w+:)", result.stdout):
        head = re.match(r"(?:local)?rule (\w+):", block)
        if not head:
            continue
        fields = dict(re.findall(r"(?m)^    (\w+): (.*)$", block))
        resources = dict(re.findall(r"(\w+)=([^,]+)", fields.get("resources", "")))
        jobs.append({"rule": head.group(1), "benchmark": fields.get("benchmark"), **resources})
    return jobs


@pytest.fixture(scope="module")
def county_config(tmp_path_factory) -> Path:
    """demo_province as a county-level study: the jobs of a large study ask for more."""
    study = yaml.safe_load((REPO / "config" / "studies" / "demo_province.yaml").read_text(encoding="utf-8"))
    study["studies"][0]["units"]["level"] = "county"
    path = tmp_path_factory.mktemp("county_config") / "county.yaml"
    path.write_text(yaml.safe_dump(study, allow_unicode=True), encoding="utf-8")
    return path


def test_every_job_declares_memory_runtime_and_a_benchmark(tmp_path, county_config):
    province = dry_run_jobs(tmp_path / "province", REPO / "config" / "studies" / "demo_province.yaml")
    county = dry_run_jobs(tmp_path / "county", county_config)
    assert {job["rule"] for job in province} >= {
        "boundaries",
        "weights",
        "esda_part",
        "model",
        "tables_demo_province",
        "manifest",
    }
    for job in province + county:
        if job["rule"] == "all":
            continue
        assert int(job["mem_mb"]) >= 1000 and int(job["runtime"]) >= 10, job
        # one file per job: the same rule with other wildcards must not share it
        assert (
            job["benchmark"] and job["benchmark"].endswith(".tsv") and "/benchmarks/" in job["benchmark"]
        ), job
    for jobs in (province, county):
        files = [job["benchmark"] for job in jobs if job["rule"] != "all"]
        assert len(files) == len(set(files))

    def needs(jobs, rule):
        return {(int(job["mem_mb"]), int(job["runtime"])) for job in jobs if job["rule"] == rule}

    # county-level jobs ask for more memory and time than those of a province study
    for rule in ("weights", "model", "esda_part", "boundaries"):
        (small,), (large,) = needs(province, rule), needs(county, rule)
        assert large[0] > small[0] and large[1] > small[1], rule


def resources_namespace(level: str) -> dict:
    """resources.smk's functions, with the globals common.smk gives them, for a study at the given level."""
    namespace = {
        "STUDIES": {"s": SimpleNamespace(units=SimpleNamespace(level=level))},
        "CNMAPS_LEVELS": ("province", "prefecture", "county"),
    }
    exec(compile(RESOURCES_SMK.read_text(encoding="utf-8"), str(RESOURCES_SMK), "exec"), namespace)
    return namespace


class Wildcards(SimpleNamespace):
    def keys(self):
        return vars(self).keys()


@pytest.mark.parametrize("level", ["province", "prefecture", "county", "file"])
def test_memory_and_runtime_grow_with_each_attempt(level):
    ns = resources_namespace(level)
    wildcards = Wildcards(study="s", model="sdm", w="queen")
    for rule in ns["JOB_RESOURCES"]:
        memory, runtime = ns["job_memory"](rule), ns["job_runtime"](rule)
        first = (memory(wildcards, 1), runtime(wildcards, 1))
        assert (memory(wildcards, 2), runtime(wildcards, 2)) == (2 * first[0], 2 * first[1])
        assert (memory(wildcards, 3), runtime(wildcards, 3)) == (3 * first[0], 3 * first[1])


def test_boundary_jobs_take_the_size_of_the_set_they_build():
    ns = resources_namespace("province")
    memory = ns["job_memory"]("boundary_contiguity")
    assert memory(Wildcards(name="county"), 1) > memory(Wildcards(name="province"), 1)
    # a user's own polygons: their number is unknown before they are read, so the large figures apply
    assert memory(Wildcards(name="custom/mystudy"), 1) == memory(Wildcards(name="county"), 1)
    assert ns["job_memory"]("boundaries")(Wildcards(level="county"), 1) > memory(
        Wildcards(name="prefecture"), 1
    )


def test_every_rule_of_the_workflow_has_resources(tmp_path):
    result = snakemake(
        tmp_path, "--list-rules", configfile=REPO / "config" / "studies" / "demo_province.yaml"
    )
    assert result.returncode == 0, result.stderr[-3000:]
    # the tables and some figures of each study are a rule of their own (tables_<study>, model_figures_<study>
    # ...), with the resources of the rule they are named after
    listed = result.stdout.split()
    rules = {r.removesuffix("_demo_province") for r in listed} - {"all"}
    assert {"tables_demo_province", "model_figures_demo_province"} <= set(listed)
    assert rules == set(resources_namespace("province")["JOB_RESOURCES"])
