# Composite indices (entropy, entropy-TOPSIS, equal weights) with their weights, coupling coordination of index
# pairs, and the regional disparity of any variable (regional gaps, Dagum Gini, Theil, convergence; spatial and club
# beta convergence).

# The outputs of the jobs that draw several figures of a study (figure_targets.smk), for the rules here and in
# esda.smk and figures.smk.
include: "figure_targets.smk"


rule index:
    input:
        panel="results/{study}/data/panel.csv",
    output:
        values="results/{study}/indices/{index}.csv",
        weights="results/{study}/indices/{index}.weights.csv",
        method="results/{study}/indices/{index}.method.md",
        left_out="results/{study}/indices/{index}.left_out.csv",
        obstacles="results/{study}/indices/{index}.obstacles.csv",
    log:
        "logs/{study}/indices/{index}.log",
    conda:
        "../envs/nqpf.yaml"
    params:
        spec=lambda wildcards: study(wildcards).index_spec(wildcards.index).to_config(),
        simulated=lambda wildcards: study(wildcards).simulated,
        config_file=config_file,
        code=code("build_index.py"),
    threads: 1
    resources:
        mem_mb=job_memory("index"),
        runtime=job_runtime("index"),
    benchmark:
        "logs/{study}/benchmarks/index.{index}.tsv"
    script:
        "../scripts/build_index.py"


rule index_regions:
    input:
        values="results/{study}/indices/{index}.csv",
        units="results/{study}/data/units.csv",
    output:
        **figure_outputs(
            "figure", "results/{study}/indices/{index}.regions.png", "../report/index_regions.rst", "Indices"
        ),
    log:
        "logs/{study}/indices/{index}.regions.log",
    conda:
        "../envs/nqpf.yaml"
    params:
        spec=lambda wildcards: study(wildcards).index_spec(wildcards.index).to_config(),
        simulated=lambda wildcards: study(wildcards).simulated,
        language=lambda wildcards: study(wildcards).tables.language,
        labels=lambda wildcards: study(wildcards).tables.names(),
        dpi=lambda wildcards: study(wildcards).figures.dpi,
        code=code("plot_index_regions.py"),
    threads: 1
    resources:
        mem_mb=job_memory("index_regions"),
        runtime=job_runtime("index_regions"),
    benchmark:
        "logs/{study}/benchmarks/index_regions.{index}.tsv"
    script:
        "../scripts/plot_index_regions.py"


rule coupling:
    input:
        indices=coupling_inputs,
    output:
        "results/{study}/indices/coupling/{pair}.csv",
    log:
        "logs/{study}/indices/coupling_{pair}.log",
    conda:
        "../envs/nqpf.yaml"
    params:
        spec=lambda wildcards: study(wildcards).coupling_spec(wildcards.pair).to_config(),
        code=code("couple_indices.py"),
    threads: 1
    resources:
        mem_mb=job_memory("coupling"),
        runtime=job_runtime("coupling"),
    benchmark:
        "logs/{study}/benchmarks/coupling.{pair}.tsv"
    script:
        "../scripts/couple_indices.py"


rule disparity:
    input:
        panel="results/{study}/data/panel.csv",
        units="results/{study}/data/units.csv",
        indices=index_files,
    output:
        regional_means="results/{study}/disparity/regional_means.csv",
        regional_growth="results/{study}/disparity/regional_growth.csv",
        dagum_gini="results/{study}/disparity/dagum_gini.csv",
        dagum_gini_within="results/{study}/disparity/dagum_gini_within.csv",
        dagum_gini_between="results/{study}/disparity/dagum_gini_between.csv",
        theil="results/{study}/disparity/theil.csv",
        dispersion="results/{study}/disparity/dispersion.csv",
        left_out="results/{study}/disparity/left_out.csv",
        convergence="results/{study}/disparity/convergence.csv",
    log:
        "logs/{study}/disparity/tables.log",
    conda:
        "../envs/nqpf.yaml"
    params:
        settings=lambda wildcards: study(wildcards).disparity.to_config(),
        code=code("measure_disparity.py"),
    threads: 1
    resources:
        mem_mb=job_memory("disparity"),
        runtime=job_runtime("disparity"),
    benchmark:
        "logs/{study}/benchmarks/disparity.tsv"
    script:
        "../scripts/measure_disparity.py"


rule spatial_convergence:
    input:
        panel="results/{study}/data/panel.csv",
        units="results/{study}/data/units.csv",
        indices=index_files,
        weights=convergence_weights_files,
    output:
        estimates="results/{study}/disparity/spatial_convergence.csv",
        left_out="results/{study}/disparity/spatial_convergence_left_out.csv",
    log:
        "logs/{study}/disparity/spatial_convergence.log",
    conda:
        "../envs/nqpf.yaml"
    params:
        settings=lambda wildcards: study(wildcards).disparity.to_config(),
        code=code("estimate_convergence.py"),
    threads: 1
    resources:
        mem_mb=job_memory("spatial_convergence"),
        runtime=job_runtime("spatial_convergence"),
    benchmark:
        "logs/{study}/benchmarks/spatial_convergence.tsv"
    script:
        "../scripts/estimate_convergence.py"


# The disparity figures of a study in one job, since they all read its panel and its Dagum Gini table. One rule per
# study with disparity variables, since they differ: rule disparity_figures_<study> (outputs:
# disparity_figure_outputs in figure_targets.smk).
for _name in [n for n, s in STUDIES.items() if s.disparity.variables]:

    rule:
        name:
            f"disparity_figures_{_name}"
        input:
            panel="results/{study}/data/panel.csv",
            units="results/{study}/data/units.csv",
            indices=index_files,
            gini="results/{study}/disparity/dagum_gini.csv",
        output:
            **disparity_figure_outputs(_name),
        log:
            "logs/{study}/disparity/figures.log",
        conda:
            "../envs/nqpf.yaml"
        wildcard_constraints:
            study=_name,
        params:
            settings=lambda wildcards: study(wildcards).disparity.to_config(),
            years=lambda wildcards: study(wildcards).years.to_config(),
            simulated=lambda wildcards: study(wildcards).simulated,
            language=lambda wildcards: study(wildcards).tables.language,
            labels=lambda wildcards: study(wildcards).tables.names(),
            dpi=lambda wildcards: study(wildcards).figures.dpi,
            code=code("plot_disparity.py"),
        threads: 1
        resources:
            mem_mb=job_memory("disparity_figures"),
            runtime=job_runtime("disparity_figures"),
        benchmark:
            "logs/{study}/benchmarks/disparity_figures.tsv"
        script:
            "../scripts/plot_disparity.py"
