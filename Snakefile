# nqpf: from China's boundaries and yearbook statistics to spatial weights, ESDA, spatial panel models and tables.
# Stages: boundaries -> statistics -> panel -> (indices, weights) -> esda -> models -> tables/report.
import os
import re
import sys

from snakemake.utils import min_version

min_version("9.0")

# Jobs import the nqpf library of this checkout, whichever environment runs them (.venv, conda, a cluster), and
# draw their figures without a screen; so does the workflow itself (reading the configuration, the digests of
# the code each job runs), even when the environment has another copy of nqpf installed.
sys.path.insert(0, os.path.join(workflow.basedir, "src"))
os.environ.update(
    PYTHONPATH=os.pathsep.join(
        p for p in (os.path.join(workflow.basedir, "src"), os.environ.get("PYTHONPATH", "")) if p
    ),
    MPLBACKEND="Agg",
)


configfile: "config/config.yaml"


report: "workflow/report/workflow.rst"


# common.smk reads the config into the library's typed settings first (a short message naming the file, the key
# and the fix), fills in their defaults and checks the result against workflow/schemas/config.schema.json.
include: "workflow/rules/common.smk"
include: "workflow/rules/resources.smk"
include: "workflow/rules/boundaries.smk"
include: "workflow/rules/display.smk"
include: "workflow/rules/statistics.smk"
include: "workflow/rules/indices.smk"
include: "workflow/rules/weights.smk"
include: "workflow/rules/esda.smk"
include: "workflow/rules/dynamics.smk"
include: "workflow/rules/drivers.smk"
include: "workflow/rules/models.smk"
include: "workflow/rules/tables.smk"
include: "workflow/rules/figures.smk"
include: "workflow/rules/exports.smk"
include: "workflow/rules/manifest.smk"


# The target rule only collects the results: it never becomes a cluster job.
localrules:
    all,


rule all:
    default_target: True
    input:
        all_targets(),


# The terminal shows one line per job, "Job 12: table: study=demo_province, table=effects", rather than its lists of
# inputs and outputs (its log, logs/<study>/..., and `snakemake --summary` give those): a rule without a message of
# its own gets its name and wildcards. A failing job still prints everything, its log included. With
# NQPF_JOB_DETAILS=1 in the environment every job prints its full block (files, resources, benchmark) instead.
for _rule in workflow.rules if not os.environ.get("NQPF_JOB_DETAILS") else []:
    if _rule.message is None:
        _names = dict.fromkeys(n for path in [*_rule.output, *_rule.log] for n in re.findall(r"\{(\w+)", str(path)))
        _wildcards = ", ".join(f"{n}={{wildcards.{n}}}" for n in _names)
        _rule.message = f"{_rule.name}: {_wildcards}" if _wildcards else _rule.name


onsuccess:
    # where the results of a run are, and how to see them (printed after a run that made something)
    _lines = ["", "Results:"]
    _configs = " ".join(f"--configfile {path}" for path in workflow.overwrite_configfiles or [])
    for _name in STUDIES:
        if not os.path.isdir(f"results/{_name}"):
            continue
        _lines.append(f"  {_name}: results/{_name}/  (tables: results/{_name}/tables/tables.docx, tables.xlsx, tables.tex)")
        _report = f"results/{_name}/report.html"
        _made = "" if os.path.exists(_report) else " (not made yet)"
        _lines.append(
            f"    report {_report}{_made}: snakemake --cores all {_configs + ' ' if _configs else ''}"
            f"--report {_report} --report-after-run results/{_name}/manifest.json"
        )
    if len(_lines) > 2:
        print("\n".join(_lines), file=sys.stderr)
