# What each job asks of the machine or the cluster: memory and run time by rule and study size, doubled and
# tripled on the second and third attempt (snakemake --retries), so a job a cluster kills for memory or time is
# resubmitted with more. Every job is single-threaded (NumPy's BLAS may use more cores where the machine or the
# cluster's cgroup allows; results do not depend on it). Site settings (partition, account) live in
# profiles/slurm/, never here.

# rule: (memory MB, run time minutes) for provinces and prefectures, then for counties and a user's own polygons
# (their number is not known before they are read). From the peak memory and the longest job of each rule at
# each level (benchmarks/results/stages.md): memory with about 2x headroom (1 GB at least), run time with 5x or
# more for slower nodes. A rule made for each study (tables_<study>, model_figures_<study> ...) asks what the rule
# it is named after does, and esda_figures_without_maps what esda_figures does.
JOB_RESOURCES = {
    "boundaries": ((1000, 10), (2000, 15)),
    "custom_boundaries": ((1000, 10), (4000, 30)),
    "boundary_contiguity": ((1000, 10), (2000, 15)),
    "display_geometry": ((1000, 10), (2000, 15)),
    "demo_statistics": ((1000, 10), (2000, 15)),
    "panel": ((1000, 10), (2000, 15)),
    "index": ((1000, 10), (1000, 15)),
    "coupling": ((1000, 10), (1000, 10)),
    "disparity": ((1000, 10), (1000, 15)),
    "spatial_convergence": ((1000, 10), (2000, 15)),
    "dynamics": ((1000, 10), (2000, 15)),
    "markov_figure": ((1000, 10), (1000, 10)),
    "kernel_surface": ((1000, 10), (1000, 10)),
    "disparity_figures": ((1000, 10), (1000, 10)),
    "index_regions": ((1000, 10), (1000, 10)),
    "weights": ((1000, 10), (3000, 30)),
    "weights_map": ((1000, 10), (2000, 20)),
    "weights_export": ((1000, 10), (2000, 20)),
    "weights_export_stata": ((1000, 10), (2000, 20)),
    "esda_part": ((1000, 15), (2500, 60)),
    "esda_bivariate": ((1000, 10), (2000, 30)),
    "esda": ((1000, 10), (1000, 10)),
    "esda_figures": ((1000, 10), (2500, 15)),
    "moran_trend": ((1000, 10), (1000, 10)),
    "centrography": ((1000, 10), (1500, 10)),
    "geodetector": ((1000, 10), (1500, 15)),
    "geodetector_figure": ((1000, 10), (1000, 10)),
    "ellipse_maps": ((1000, 10), (1500, 15)),
    "model": ((1000, 15), (2000, 60)),
    "models": ((1000, 10), (1000, 10)),
    "baseline": ((1000, 10), (2000, 15)),
    "threshold": ((1000, 15), (4000, 60)),
    "threshold_figure": ((1000, 10), (1000, 10)),
    "spillover_boundary": ((1000, 15), (4000, 120)),
    "boundary_figure": ((1000, 10), (1000, 10)),
    "mediation": ((1000, 15), (4000, 60)),
    "moderation": ((1000, 15), (4000, 60)),
    "quadratic": ((1000, 15), (4000, 60)),
    "moderation_figure": ((1000, 10), (1000, 10)),
    "policy": ((1000, 15), (4000, 60)),
    "dynamic_panel": ((1000, 15), (4000, 60)),
    "event_study_figure": ((1000, 10), (1000, 10)),
    "placebo_figure": ((1000, 10), (1000, 10)),
    "tables": ((1000, 10), (1000, 10)),
    "report_pages": ((1000, 10), (1000, 10)),
    "crosscheck": ((1000, 10), (2000, 15)),
    "index_map": ((1000, 10), (1500, 15)),
    "index_map_year": ((1000, 10), (1500, 15)),
    "model_figures": ((1000, 10), (1000, 10)),
    "manifest": ((1000, 10), (1000, 10)),
    "stata_panel": ((1000, 10), (1000, 10)),
    "stata_models": ((1000, 10), (1000, 10)),
    "gis": ((1000, 10), (3000, 20)),
}

LARGE_LEVELS = ("county", "file")


def _unit_level(wildcards):
    """The unit level a job works at: its study's, or that of the boundary set it builds."""
    if "study" in wildcards.keys():
        return STUDIES[wildcards.study].units.level
    if "level" in wildcards.keys():
        return wildcards.level
    return wildcards.name if wildcards.name in CNMAPS_LEVELS else "file"


def _needs(rule, wildcards):
    small, large = JOB_RESOURCES[rule]
    return large if _unit_level(wildcards) in LARGE_LEVELS else small


def job_memory(rule):
    """mem_mb of a rule's jobs: by study size, times the attempt."""
    return lambda wildcards, attempt: _needs(rule, wildcards)[0] * attempt


def job_runtime(rule):
    """runtime (minutes) of a rule's jobs: by study size, times the attempt."""
    return lambda wildcards, attempt: _needs(rule, wildcards)[1] * attempt
