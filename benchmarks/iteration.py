"""Iteration speed of two commits measured in the same run: cold runs, and the reruns after an edit of a study.

    python benchmarks/iteration.py                               # baseline d04f087 against HEAD, county included
    python benchmarks/iteration.py --no-county                   # without the county run (about 9 minutes a commit)
    python benchmarks/iteration.py --studies demo_province       # one study instead of the default ones
    python benchmarks/iteration.py --baseline <commit> --current <commit> --output /tmp/iteration.md

Each commit is cloned from the repository this file is in (``git clone`` into a temporary directory, then
``git checkout <commit>``) and runs with this environment's ``snakemake``, with the clone's ``src/`` first on
``PYTHONPATH`` so that Snakemake's own process and every job import the clone's nqpf. The clone's library is
compiled once before its first run, as ``make env`` does. Steps alternate between the commits (baseline, then
current), so both see the same load of the machine:

1. Cold run of the default studies, ``snakemake --cores 2`` in the clone (what ``make run`` runs; with
   ``--studies <name>``, ``--configfile config/studies/<name>.yaml``): wall time, jobs (Snakemake's job stats,
   the target rule ``all`` not counted), summed job seconds and the largest job's peak memory (the jobs'
   ``benchmark:`` files, read as ``stages.py`` reads them).
2. ``snakemake -n`` on the up-to-date studies, best of 3.
3. Edits of ``config/studies/demo_province.yaml``, one at a time, each from the up-to-date state: the jobs
   ``snakemake -n`` lists (by rule), the rerun's wall time and the rules it ran; then the file is restored byte
   for byte and what the runs wrote (results, logs, resources, Snakemake's records) is put back as it was before
   the edit, copied with its modification times; ``snakemake -n`` must then list nothing. Each edit is made in the text at the place PyYAML reports for the key (comments and layout kept),
   and the edited file must parse to the original document with exactly that change. Both commits get the same
   edits: where a commit's file lacks a key, or holds another value than the other commit's at an edited key,
   the run stops before any snakemake command with the difference named.
4. Cold run of ``config/studies/demo_county.yaml`` in a fresh clone of each commit (``--no-county`` leaves it
   out): wall time, jobs, the largest job's peak memory.
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

from stages import STAGE_ORDER, STAGES, machine, measure, read_benchmarks  # noqa: E402

HERE = Path(__file__).resolve().parent
REPO = HERE.parent

EDITED_STUDY = "demo_province"
COUNTY_CONFIG = "config/studies/demo_county.yaml"
NEW_W = {"name": "inverse_distance_2", "kind": "inverse_distance", "power": 2}
NEW_W_LABEL = {"en": "Inverse distance squared", "zh": "地理距离平方矩阵"}
DROPPED_CONTROL = "human_capital"


# ---------------------------------------------------------------------------------------------------------
# edits of a study's configuration file, made in its text at the places PyYAML reports


class EditError(Exception):
    """An edit that cannot be made to a configuration file as it stands."""


@dataclass(frozen=True)
class Op:
    """One change of the document: ``set`` a scalar, ``append`` an item to a list, ``remove`` an item from a
    list, ``put`` a new key into a mapping (``value`` is then ``(key, value)``). The path starts below the
    edited study (``studies[i]``)."""

    kind: str
    path: tuple
    value: object

    def describe(self) -> str:
        where = ".".join(str(p) for p in self.path)
        if self.kind == "set":
            return f"`{where}` set to `{_flow(self.value)}`"
        if self.kind == "append":
            return f"`{_flow(self.value)}` appended to `{where}`"
        if self.kind == "remove":
            return f"`{_flow(self.value)}` removed from `{where}`"
        key, value = self.value
        return f"`{key}: {_flow(value)}` added to `{where}`"


@dataclass(frozen=True)
class Edit:
    key: str
    title: str
    ops: tuple[Op, ...]

    @property
    def short(self) -> str:
        """The edit's letter and key, for the rows of the tables."""
        return f"{self.title.split()[0]} {self.key}"


EDITS = (
    Edit(
        "label",
        "(a) one table label",
        (Op("set", ("tables", "labels", "nqpf", "en"), "NQPF index (edited)"),),
    ),
    Edit("language", "(b) table language en -> zh", (Op("set", ("tables", "language"), "zh"),)),
    Edit(
        "new_w",
        "(c) a new W (inverse distance, power 2) in ESDA and models",
        (
            Op("append", ("weights",), NEW_W),
            Op("append", ("esda", "weights"), NEW_W["name"]),
            Op("append", ("models", "weights"), NEW_W["name"]),
            Op("put", ("tables", "labels"), (NEW_W["name"], NEW_W_LABEL)),
        ),
    ),
    Edit(
        "model",
        f"(d) a model edit: {DROPPED_CONTROL} dropped from the controls",
        (Op("remove", ("models", "explanatory"), DROPPED_CONTROL),),
    ),
)


def _flow(value) -> str:
    """A value as YAML flow text (plain words stay plain, other strings double-quoted)."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    if isinstance(value, bool) or value is None:
        raise EditError(f"no flow text for {value!r}")
    if isinstance(value, int | float):
        return str(value)
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", value) and value not in ("true", "false", "null", "yes", "no"):
        return value
    return json.dumps(value, ensure_ascii=False)


def _study_index(document: dict, name: str, where: str) -> int:
    studies = document.get("studies") if isinstance(document, dict) else None
    if not isinstance(studies, list):
        raise EditError(f"{where}: no `studies` list")
    for i, study in enumerate(studies):
        if isinstance(study, dict) and study.get("name") == name:
            return i
    raise EditError(f"{where}: no study named {name!r}")


def _node(root: yaml.Node, path: tuple, where: str) -> yaml.Node:
    node = root
    for i, step in enumerate(path):
        shown = ".".join(str(p) for p in path[: i + 1])
        if isinstance(step, int):
            if not isinstance(node, yaml.SequenceNode) or step >= len(node.value):
                raise EditError(f"{where}: no item {shown}")
            node = node.value[step]
        else:
            if not isinstance(node, yaml.MappingNode):
                raise EditError(f"{where}: {shown} is not under a mapping")
            found = [v for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == step]
            if len(found) != 1:
                raise EditError(f"{where}: the key {shown} is {'missing' if not found else 'repeated'}")
            node = found[0]
    return node


def _value(document, path: tuple, where: str):
    value = document
    for step in path:
        try:
            value = value[step]
        except (KeyError, IndexError, TypeError):
            raise EditError(f"{where}: no key {'.'.join(str(p) for p in path)}") from None
    return value


def _last_index(node: yaml.Node) -> int:
    """Where the text of a block item ends: the end of its last scalar or flow collection."""
    if isinstance(node, yaml.ScalarNode) or node.flow_style:
        return node.end_mark.index
    if isinstance(node, yaml.MappingNode):
        return _last_index(node.value[-1][1])
    return _last_index(node.value[-1])


def _end_of_line(text: str, index: int) -> int:
    end = text.find("\n", index)
    return len(text) if end < 0 else end + 1


def _line_start(text: str, index: int) -> int:
    return text.rfind("\n", 0, index) + 1


def _apply_text(text: str, node: yaml.Node, op: Op, where: str) -> str:
    shown = ".".join(str(p) for p in op.path)
    if op.kind == "set":
        if not isinstance(node, yaml.ScalarNode):
            raise EditError(f"{where}: {shown} is not a single value")
        return text[: node.start_mark.index] + _flow(op.value) + text[node.end_mark.index :]
    if op.kind == "append":
        if not isinstance(node, yaml.SequenceNode):
            raise EditError(f"{where}: {shown} is not a list")
        if node.flow_style:
            close = node.end_mark.index - 1
            if text[close] != "]":
                raise EditError(f"{where}: {shown} does not end with ] where PyYAML says")
            return text[:close] + (", " if node.value else "") + _flow(op.value) + text[close:]
        if not node.value:
            raise EditError(f"{where}: {shown} is an empty block list")
        if text[node.start_mark.index] != "-":
            raise EditError(f"{where}: {shown}: no dash where PyYAML puts the list")
        indent = " " * node.start_mark.column
        at = _end_of_line(text, _last_index(node))
        return text[:at] + f"{indent}- {_flow(op.value)}\n" + text[at:]
    if op.kind == "remove":
        if not isinstance(node, yaml.SequenceNode):
            raise EditError(f"{where}: {shown} is not a list")
        items = [i for i, item in enumerate(node.value) if getattr(item, "value", None) == op.value]
        if len(items) != 1:
            raise EditError(f"{where}: {shown} holds {op.value!r} {len(items)} times, not once")
        i, item = items[0], node.value[items[0]]
        if node.flow_style:
            if i > 0:
                start, end = node.value[i - 1].end_mark.index, item.end_mark.index
            elif len(node.value) > 1:
                start, end = item.start_mark.index, node.value[1].start_mark.index
            else:
                start, end = item.start_mark.index, item.end_mark.index
            return text[:start] + text[end:]
        start = _line_start(text, item.start_mark.index)
        return text[:start] + text[_end_of_line(text, _last_index(item)) :]
    if op.kind == "put":
        key, value = op.value
        if not isinstance(node, yaml.MappingNode) or node.flow_style or not node.value:
            raise EditError(f"{where}: {shown} is not a block mapping")
        if any(k.value == key for k, _ in node.value):
            raise EditError(f"{where}: {shown} already has the key {key!r}")
        indent = " " * node.value[0][0].start_mark.column
        at = _end_of_line(text, _last_index(node))
        return text[:at] + f"{indent}{key}: {_flow(value)}\n" + text[at:]
    raise EditError(f"unknown edit {op.kind}")


def _apply_value(document: dict, path: tuple, op: Op, where: str) -> None:
    target = _value(document, path, where)
    shown = ".".join(str(p) for p in op.path)
    if op.kind == "set":
        parent = _value(document, path[:-1], where)
        parent[path[-1]] = op.value
    elif op.kind == "append":
        if op.value in target:
            raise EditError(f"{where}: {shown} already holds {_flow(op.value)}")
        target.append(copy.deepcopy(op.value))
    elif op.kind == "remove":
        target.remove(op.value)
    else:
        target[op.value[0]] = copy.deepcopy(op.value[1])


def apply_edit(text: str, edit: Edit, where: str) -> str:
    """The file's text with the edit made; checked: the new text parses to the old document with the edit's
    changes and nothing else."""
    document = yaml.safe_load(text)
    index = _study_index(document, EDITED_STUDY, where)
    expected = copy.deepcopy(document)
    for op in edit.ops:
        path = ("studies", index, *op.path)
        node = _node(yaml.compose(text), path, where)
        text = _apply_text(text, node, op, where)
        _apply_value(expected, path, op, where)
    try:
        edited = yaml.safe_load(text)
    except yaml.YAMLError as err:
        raise EditError(f"{where}: the edit {edit.key} leaves invalid YAML: {err}") from None
    if edited != expected:
        raise EditError(f"{where}: the edit {edit.key} changed more or less than {edit.title}")
    return text


def edited_values(text: str, edit: Edit, where: str) -> list:
    """The values an edit reads or changes, to compare between commits."""
    document = yaml.safe_load(text)
    index = _study_index(document, EDITED_STUDY, where)
    out = []
    for op in edit.ops:
        value = _value(document, ("studies", index, *op.path), where)
        if op.kind == "put":
            value = op.value[0] in value
        elif op.kind in ("append", "remove"):
            value = op.value in value
        out.append((".".join(str(p) for p in op.path), value))
    return out


# ---------------------------------------------------------------------------------------------------------
# clones and snakemake runs


@dataclass
class Clone:
    label: str  # baseline or current
    commit: str
    path: Path

    def command(self, snakemake: Path, args: list[str]) -> list[str]:
        return ["env", f"PYTHONPATH={self.path / 'src'}", str(snakemake), *args]


@dataclass
class Run:
    wall: float
    jobs: dict[str, int]  # rule -> jobs, from Snakemake's job stats (target rule all left out)
    steps_done: int | None = None
    extra: dict = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.jobs.values())


def git(*args: str, cwd: Path = REPO) -> str:
    out = subprocess.run(["git", "-C", str(cwd), *args], capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(f"git {' '.join(args)} failed: {out.stderr.strip()}")
    return out.stdout.strip()


def resolve(commit: str) -> str:
    return git("rev-parse", "--verify", f"{commit}^{{commit}}")


def make_clone(label: str, commit: str, folder: Path) -> Clone:
    path = folder / label
    print(f"[{label}] git clone {REPO} {path}; git checkout {commit[:12]}", flush=True)
    subprocess.run(["git", "clone", "--quiet", str(REPO), str(path)], check=True)
    subprocess.run(["git", "-C", str(path), "checkout", "--quiet", commit], check=True)
    # the library compiled once, as `make env` does for the repository's own checkout
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(path / "src" / "nqpf")], check=True)
    return Clone(label, commit, path)


def job_stats(log: str) -> dict[str, int]:
    """The first job-stats table of a Snakemake log, rule -> jobs (the target rule all left out); empty when
    there is nothing to do."""
    lines = log.splitlines()
    try:
        start = lines.index("Job stats:")
    except ValueError:
        if "Nothing to be done" in log:
            return {}
        raise ValueError("no job stats and no 'Nothing to be done' in the Snakemake log") from None
    jobs: dict[str, int] = {}
    for line in lines[start + 3 :]:
        parts = line.split()
        if len(parts) != 2 or not parts[1].isdigit():
            raise ValueError(f"unexpected line in the job stats: {line!r}")
        if parts[0] == "total":
            if sum(jobs.values()) != int(parts[1]):
                raise ValueError("the job stats do not add up to their total")
            break
        jobs[parts[0]] = int(parts[1])
    jobs.pop("all", None)
    return jobs


def snakemake(clone: Clone, exe: Path, args: list[str], name: str) -> Run:
    """One snakemake command in the clone, its output logged beside the clone."""
    log = clone.path.parent / f"{clone.label}-{name}.log"
    result = measure(clone.command(exe, args), cwd=clone.path, log=log)
    text = log.read_text(encoding="utf-8", errors="replace")
    steps = re.findall(r"(\d+) of (\d+) steps \(100%\) done", text)
    return Run(
        wall=result["wall_seconds"], jobs=job_stats(text), steps_done=int(steps[-1][1]) if steps else None
    )


def rule_order(rule: str) -> tuple:
    return (STAGE_ORDER.index(STAGES.get(rule, "other")), rule)


def _jobs_text(jobs: dict[str, int]) -> str:
    return ", ".join(f"{rule} {n}" for rule, n in sorted(jobs.items(), key=lambda r: rule_order(r[0])))


# ---------------------------------------------------------------------------------------------------------
# report


def _s(value: float | None) -> str:
    if value is None:
        return "n/a"
    return f"{value:,.1f}" if value < 100 else f"{value:,.0f}"


def _ratio(base: float | None, current: float | None) -> str:
    if base is None or current is None:
        return "n/a"
    if base == 0:
        return "1.00" if current == 0 else "n/a"
    return f"{current / base:.2f}"


def _row(name: str, base, current, fmt=_s) -> str:
    return f"| {name} | {fmt(base)} | {fmt(current)} | {_ratio(base, current)} |"


def _int(value) -> str:
    return "n/a" if value is None else f"{value:,}"


def report(results: dict, meta: dict) -> str:
    b, c = meta["clones"]["baseline"], meta["clones"]["current"]
    same = b["commit"] == c["commit"]
    cfg = meta["config_args"]
    run_cmd = " ".join(["snakemake", "--cores", str(meta["cores"]), *cfg])
    dry_cmd = " ".join(["snakemake", "-n", *cfg])
    lines = [
        "# Iteration: cold runs and reruns after an edit, baseline against current",
        "",
        f"Made by `{meta['command']}` on {meta['date']}.",
        "",
        f"- machine: {meta['machine']}",
        f"- baseline: `{b['commit'][:12]}` {b['subject']}",
        f"- current: `{c['commit'][:12]}` {c['subject']}",
    ]
    if same:
        lines.append(
            "- **Both columns are the same commit**: the ratios show the run-to-run variation of this machine, "
            "not a change of the pipeline."
        )
    lines += [
        "",
        "Each commit is cloned into a temporary directory (`git clone`, `git checkout <commit>`) and run there with "
        f"`{meta['snakemake']}`, the clone's `src/` first on `PYTHONPATH` (Snakemake's own process and the jobs "
        "import the clone's nqpf) and its library compiled once before the first run, as `make env` does. Steps "
        "alternate between the commits, baseline first. Wall times are those of the whole `snakemake` command "
        "(DAG included); jobs are Snakemake's job stats without the target rule `all`; ratios are current / "
        "baseline.",
        "",
        "Commands, in the clone:",
        "",
        f"- cold run: `PYTHONPATH=<clone>/src {run_cmd}`",
        f"- dry run: `PYTHONPATH=<clone>/src {dry_cmd}` (best of 3 on the up-to-date results)",
        f"- after each edit of `config/studies/{EDITED_STUDY}.yaml`: `{dry_cmd}`, then `{run_cmd}` (the rerun); "
        "then the file restored byte for byte and the results, logs and Snakemake's records put back as they were "
        f"before the edit; `{dry_cmd}` must then list no job",
    ]
    if "county" in results:
        lines.append(
            f"- county, in a fresh clone: `PYTHONPATH=<clone>/src snakemake --cores {meta['cores']} "
            f"--configfile {COUNTY_CONFIG}`"
        )
    cold = results["cold"]
    lines += [
        "",
        f"## Cold run: {', '.join(meta['studies'])}",
        "",
        "| measurement | baseline | current | current / baseline |",
        "|---|---:|---:|---:|",
        _row("wall time (s)", cold["baseline"].wall, cold["current"].wall),
        _row("jobs", cold["baseline"].total, cold["current"].total, _int),
        _row(
            "job seconds (sum of the benchmark files)",
            *(cold[k].extra["job_seconds"] for k in ("baseline", "current")),
        ),
        _row(
            "largest job's peak memory (MiB)", *(cold[k].extra["peak_mib"] for k in ("baseline", "current"))
        ),
        "",
        "Largest job by memory: "
        + "; ".join(f"{k} `{cold[k].extra['peak_job']}`" for k in ("baseline", "current"))
        + ".",
        "",
        "## Dry run of the up-to-date studies",
        "",
        "| measurement | baseline | current | current / baseline |",
        "|---|---:|---:|---:|",
        _row("`snakemake -n`, best of 3 (s)", *(min(results["dry"][k]) for k in ("baseline", "current"))),
        "",
        "The three times: "
        + "; ".join(f"{k} {', '.join(_s(t) for t in results['dry'][k])} s" for k in ("baseline", "current"))
        + ".",
        "",
        "## Reruns after an edit",
        "",
        f"Each edit of `config/studies/{EDITED_STUDY}.yaml` starts from up-to-date results of every study:",
        "",
    ]
    for edit in EDITS:
        lines.append(f"- {edit.title} (`{edit.key}`): " + "; ".join(op.describe() for op in edit.ops) + ".")
    lines += [
        "",
        "| edit | measurement | baseline | current | current / baseline |",
        "|---|---|---:|---:|---:|",
    ]
    for edit in EDITS:
        r = results["edits"][edit.key]
        rows = [
            ("jobs `snakemake -n` lists", "dry_jobs", _int),
            ("`snakemake -n` (s)", "dry_wall", _s),
            ("rerun (s)", "rerun_wall", _s),
            ("jobs rerun", "rerun_jobs", _int),
        ]
        for name, key, fmt in rows:
            base, current = r["baseline"][key], r["current"][key]
            lines.append(
                f"| {edit.short} | {name} | {fmt(base)} | {fmt(current)} | {_ratio(base, current)} |"
            )
    lines += [
        "",
        "### Rules the rerun ran",
        "",
        "Jobs by rule in the rerun after each edit (from the job stats of the run; where the dry run listed "
        "otherwise, a note below says so).",
        "",
        "| edit | rule | baseline jobs | current jobs |",
        "|---|---|---:|---:|",
    ]
    notes = []
    for edit in EDITS:
        r = results["edits"][edit.key]
        ran = {k: r[k]["rerun_by_rule"] for k in ("baseline", "current")}
        for rule in sorted(set(ran["baseline"]) | set(ran["current"]), key=rule_order):
            lines.append(
                f"| {edit.short} | {rule} | {ran['baseline'].get(rule, 0)} | {ran['current'].get(rule, 0)} |"
            )
        for k in ("baseline", "current"):
            if r[k]["dry_by_rule"] != ran[k]:
                notes.append(
                    f"- {edit.short}, {k}: `snakemake -n` listed {_jobs_text(r[k]['dry_by_rule'])}; the rerun "
                    f"ran {_jobs_text(ran[k])}."
                )
    if notes:
        lines += ["", *notes]
    if "county" in results:
        county = results["county"]
        lines += [
            "",
            "## Cold run: demo_county",
            "",
            "| measurement | baseline | current | current / baseline |",
            "|---|---:|---:|---:|",
            _row("wall time (s)", county["baseline"].wall, county["current"].wall),
            _row("jobs", county["baseline"].total, county["current"].total, _int),
            _row(
                "job seconds (sum of the benchmark files)",
                *(county[k].extra["job_seconds"] for k in ("baseline", "current")),
            ),
            _row(
                "largest job's peak memory (MiB)",
                *(county[k].extra["peak_mib"] for k in ("baseline", "current")),
            ),
            "",
            "Largest job by memory: "
            + "; ".join(f"{k} `{county[k].extra['peak_job']}`" for k in ("baseline", "current"))
            + ".",
        ]
    lines += [
        "",
        "Peak memory: the largest `max_rss` of the jobs' `benchmark:` files (MiB), sampled by Snakemake (every "
        "0.5 s in a job's first 15 s, every 30 s after).",
        "",
    ]
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------------------
# the measurements


def benchmark_facts(clone: Clone) -> dict:
    jobs = read_benchmarks(clone.path)
    if not jobs:
        raise SystemExit(f"{clone.path}: the run wrote no benchmark files (logs/**/benchmarks/*.tsv)")
    sampled = [j for j in jobs if j.max_rss is not None]
    peak = max(sampled, key=lambda j: j.max_rss) if sampled else None
    return {
        "job_seconds": sum(j.seconds for j in jobs),
        "peak_mib": peak.max_rss if peak else None,
        "peak_job": peak.name if peak else "n/a",
        "benchmark_files": len(jobs),
    }


def check_edits(clones: list[Clone]) -> None:
    """Every edit can be made to every commit's file, and reads the same values in each."""
    seen: dict[str, tuple[str, list]] = {}
    for clone in clones:
        path = clone.path / "config" / "studies" / f"{EDITED_STUDY}.yaml"
        where = f"{clone.label} {clone.commit[:12]}: {path.relative_to(clone.path)}"
        if not path.exists():
            raise SystemExit(f"{where} does not exist: the commits need different edits")
        text = path.read_text(encoding="utf-8")
        for edit in EDITS:
            try:
                apply_edit(text, edit, where)
                values = edited_values(text, edit, where)
            except EditError as err:
                raise SystemExit(f"the edit {edit.title} cannot be made the same way: {err}") from None
            if edit.key in seen and seen[edit.key][1] != values:
                raise SystemExit(
                    f"the commits need different edits for {edit.title}: {seen[edit.key][0]} has "
                    f"{seen[edit.key][1]}, {where} has {values}"
                )
            seen.setdefault(edit.key, (where, values))


SNAPSHOT = (
    "results",
    "logs",
    "resources",
    ".snakemake/metadata",
)  # what a run writes, restored after an edit


def snapshot(clone: Clone, to: Path) -> None:
    """Copy what the runs wrote (with modification times) aside."""
    shutil.rmtree(to, ignore_errors=True)
    for name in SNAPSHOT:
        if (clone.path / name).exists():
            shutil.copytree(clone.path / name, to / name, symlinks=True)


def restore(clone: Clone, source: Path) -> None:
    """Put back what the runs had written before an edit, so that the next edit starts from the same state."""
    for name in SNAPSHOT:
        shutil.rmtree(clone.path / name, ignore_errors=True)
        if (source / name).exists():
            shutil.copytree(source / name, clone.path / name, symlinks=True)


def measure_edit(clone: Clone, exe: Path, edit: Edit, run_args: list[str], dry_args: list[str]) -> dict:
    path = clone.path / "config" / "studies" / f"{EDITED_STUDY}.yaml"
    original = path.read_bytes()
    where = f"{clone.label}: {path.relative_to(clone.path)}"
    saved = clone.path.parent / f"{clone.path.name}-before-edit"
    snapshot(clone, saved)
    path.write_text(apply_edit(original.decode("utf-8"), edit, where), encoding="utf-8")
    try:
        dry = snakemake(clone, exe, dry_args, f"{edit.key}-dry")
        print(
            f"[{clone.label}] {edit.key}: snakemake -n lists {dry.total} jobs ({dry.wall:.1f} s)", flush=True
        )
        rerun = snakemake(clone, exe, run_args, f"{edit.key}-rerun")
        print(f"[{clone.label}] {edit.key}: rerun {rerun.wall:.1f} s, {rerun.total} jobs", flush=True)
    finally:
        path.write_bytes(original)
        restore(clone, saved)
        shutil.rmtree(saved, ignore_errors=True)
    after = snakemake(clone, exe, dry_args, f"{edit.key}-after")
    if after.total:
        raise SystemExit(
            f"{clone.label}: after the edit of {edit.key} was undone, snakemake -n still lists "
            f"{_jobs_text(after.jobs)}"
        )
    return {
        "dry_jobs": dry.total,
        "dry_wall": dry.wall,
        "dry_by_rule": dry.jobs,
        "rerun_wall": rerun.wall,
        "rerun_jobs": rerun.total,
        "rerun_by_rule": rerun.jobs,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", default="d04f087", help="commit of the baseline (default d04f087)")
    parser.add_argument("--current", default="HEAD", help="commit measured against it (default HEAD)")
    parser.add_argument(
        "--studies",
        default="default",
        help="`default`: the studies of config/config.yaml, as `make run`; or one study of config/studies/",
    )
    parser.add_argument("--no-county", action="store_true", help="leave out the cold demo_county run")
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument(
        "--snakemake",
        type=Path,
        default=REPO / ".venv" / "bin" / "snakemake",
        help="the snakemake of the environment both commits run in (default .venv/bin/snakemake)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the clones (printed)")
    parser.add_argument("--output", type=Path, default=HERE / "results" / "iteration.md")
    args = parser.parse_args(argv)
    exe = args.snakemake.absolute()
    if not exe.exists():
        parser.error(f"{exe} does not exist (make env creates .venv)")

    commits = {"baseline": resolve(args.baseline), "current": resolve(args.current)}
    subjects = {k: git("log", "-1", "--format=%s", v)[:160] for k, v in commits.items()}
    if args.studies == "default":
        config_args: list[str] = []
    else:
        config_args = ["--configfile", f"config/studies/{args.studies}.yaml"]
    run_args = ["--cores", str(args.cores), *config_args]
    dry_args = ["-n", *config_args]

    folder = Path(tempfile.mkdtemp(prefix="nqpf-iteration-"))
    print(f"working in {folder}", flush=True)
    try:
        clones = [make_clone(label, commit, folder) for label, commit in commits.items()]
        for clone in clones:
            if config_args and not (clone.path / config_args[1]).exists():
                raise SystemExit(f"{clone.label}: {config_args[1]} does not exist")
            if not args.no_county and not (clone.path / COUNTY_CONFIG).exists():
                raise SystemExit(f"{clone.label}: {COUNTY_CONFIG} does not exist")
        check_edits(clones)
        studies = [args.studies]
        if args.studies == "default":
            config = yaml.safe_load((clones[0].path / "config" / "config.yaml").read_text(encoding="utf-8"))
            studies = [Path(e).stem if isinstance(e, str) else e["name"] for e in config["studies"]]
            for clone in clones[1:]:
                other = yaml.safe_load((clone.path / "config" / "config.yaml").read_text(encoding="utf-8"))
                if other["studies"] != config["studies"]:
                    raise SystemExit("the commits run different default studies (config/config.yaml studies)")
        if EDITED_STUDY not in studies:
            raise SystemExit(
                f"the edits are made to {EDITED_STUDY}, which --studies {args.studies} leaves out"
            )

        results: dict = {"cold": {}, "dry": {}, "edits": {e.key: {} for e in EDITS}}
        for clone in clones:
            print(f"[{clone.label}] cold run: {' '.join(clone.command(exe, run_args))}", flush=True)
            run = snakemake(clone, exe, run_args, "cold")
            run.extra = benchmark_facts(clone)
            results["cold"][clone.label] = run
            print(f"[{clone.label}] cold run {run.wall:.0f} s, {run.total} jobs", flush=True)
        for clone in clones:
            times = []
            for i in range(3):
                dry = snakemake(clone, exe, dry_args, f"uptodate-dry-{i}")
                if dry.total:
                    raise SystemExit(
                        f"{clone.label}: after the cold run snakemake -n lists {_jobs_text(dry.jobs)}"
                    )
                times.append(dry.wall)
            results["dry"][clone.label] = times
            print(
                f"[{clone.label}] snakemake -n, up to date: {', '.join(f'{t:.1f}' for t in times)} s",
                flush=True,
            )
        for edit in EDITS:
            for clone in clones:
                print(f"[{clone.label}] edit {edit.title}", flush=True)
                results["edits"][edit.key][clone.label] = measure_edit(clone, exe, edit, run_args, dry_args)
        if not args.no_county:
            results["county"] = {}
            for label, commit in commits.items():
                clone = make_clone(f"{label}-county", commit, folder)
                county_args = ["--cores", str(args.cores), "--configfile", COUNTY_CONFIG]
                print(f"[{label}] county: {' '.join(clone.command(exe, county_args))}", flush=True)
                run = snakemake(clone, exe, county_args, "cold")
                run.extra = benchmark_facts(clone)
                results["county"][label] = run
                print(f"[{label}] county cold run {run.wall:.0f} s, {run.total} jobs", flush=True)
                if not args.keep:
                    shutil.rmtree(clone.path, ignore_errors=True)
    finally:
        if args.keep:
            print(f"kept {folder}", flush=True)
        else:
            shutil.rmtree(folder, ignore_errors=True)

    command = " ".join(
        ["python benchmarks/iteration.py", "--baseline", args.baseline, "--current", args.current]
        + (["--studies", args.studies] if args.studies != "default" else [])
        + (["--no-county"] if args.no_county else [])
        + (["--cores", str(args.cores)] if args.cores != 2 else [])
    )
    meta = {
        "command": command,
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        "clones": {k: {"commit": commits[k], "subject": subjects[k]} for k in commits},
        "cores": args.cores,
        "config_args": config_args,
        "studies": studies,
        "snakemake": os.path.relpath(exe, REPO) if exe.is_relative_to(REPO) else str(exe),
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(report(results, meta), encoding="utf-8")
    print(f"wrote {args.output}", flush=True)


if __name__ == "__main__":
    started = time.perf_counter()
    main()
    print(f"{time.perf_counter() - started:.0f} s in all", flush=True)
