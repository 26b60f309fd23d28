# nqpf: from China's boundaries and yearbook statistics to spatial weights, ESDA, spatial panel models and tables.
# Stages: boundaries -> statistics -> panel -> (indices, weights) -> esda -> models -> tables/report.
import os

from snakemake.utils import min_version

min_version("9.0")

# Jobs import the nqpf library of this checkout, whichever environment runs them (.venv, conda, a cluster), and
# draw their figures without a screen.
os.environ.update(
    PYTHONPATH=os.pathsep.join(
        p for p in (os.path.join(workflow.basedir, "src"), os.environ.get("PYTHONPATH", "")) if p
    ),
    MPLBACKEND="Agg",
)


configfile: "config/config.yaml"


report: "workflow/report/workflow.rst"


# common.smk reads the config into the library's typed settings first (a short message naming the file, the key
# and the fix), fills in their defaults and checks the result against workflow/schemas/config.schema.yaml.
include: "workflow/rules/common.smk"
include: "workflow/rules/resources.smk"
include: "workflow/rules/boundaries.smk"
include: "workflow/rules/statistics.smk"
include: "workflow/rules/indices.smk"
include: "workflow/rules/weights.smk"
include: "workflow/rules/esda.smk"
include: "workflow/rules/models.smk"
include: "workflow/rules/tables.smk"
include: "workflow/rules/figures.smk"
include: "workflow/rules/manifest.smk"


# The target rule only collects the results: it never becomes a cluster job.
localrules:
    all,


rule all:
    default_target: True
    input:
        all_targets(),
