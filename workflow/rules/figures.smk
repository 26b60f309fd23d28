# Figures a reader looks at rather than reads: maps of each composite index by year, and the coefficients and
# effects of the spatial panel models with their intervals on every weights matrix. Each figure is a PNG at
# figures.dpi, the files of figures.formats (PDF by default) and the report's copy (figure_outputs, common.smk).
# figure_targets() and its helpers: figure_targets.smk (included by indices.smk).


rule index_map:
    input:
        boundaries=boundary_file,
        display=display_file,
        units="results/{study}/data/units.csv",
        values="results/{study}/indices/{index}.csv",
    output:
        **figure_outputs("png", "results/{study}/figures/map_{index}.png", "../report/index_map.rst", "Indices"),
    log:
        "logs/{study}/figures/map_{index}.log",
    conda:
        "../envs/nqpf.yaml"
    params:
        spec=lambda wildcards: study(wildcards).index_spec(wildcards.index).to_config(),
        years=lambda wildcards: study(wildcards).figures.map_years_of(study(wildcards).year_list),
        classes=lambda wildcards: study(wildcards).figures.map_classes,  # named in the report's caption
        figures=lambda wildcards: study(wildcards).figures.to_config(),
        simulated=lambda wildcards: study(wildcards).simulated,
        language=lambda wildcards: study(wildcards).tables.language,
        labels=lambda wildcards: study(wildcards).tables.names(),
        dpi=lambda wildcards: study(wildcards).figures.dpi,
        projection=lambda wildcards: study(wildcards).units.projection,
        code=code("plot_index_map.py"),
    threads: 1
    resources:
        mem_mb=job_memory("index_map"),
        runtime=job_runtime("index_map"),
    benchmark:
        "logs/{study}/benchmarks/index_map.{index}.tsv"
    script:
        "../scripts/plot_index_map.py"


# figures.map_layout: per_year adds one map per mapped year, on the classes of all mapped years
ruleorder: index_map_year > index_map


rule index_map_year:
    input:
        boundaries=boundary_file,
        display=display_file,
        units="results/{study}/data/units.csv",
        values="results/{study}/indices/{index}.csv",
    output:
        **figure_outputs(
            "png", "results/{study}/figures/map_{index}_{year}.png", "../report/index_map.rst", "Indices"
        ),
    log:
        "logs/{study}/figures/map_{index}_{year}.log",
    wildcard_constraints:
        year="[0-9][0-9][0-9][0-9]",
    conda:
        "../envs/nqpf.yaml"
    params:
        spec=lambda wildcards: study(wildcards).index_spec(wildcards.index).to_config(),
        years=lambda wildcards: [int(wildcards.year)],
        class_years=lambda wildcards: study(wildcards).figures.map_years_of(study(wildcards).year_list),
        figures=lambda wildcards: study(wildcards).figures.to_config(),
        simulated=lambda wildcards: study(wildcards).simulated,
        language=lambda wildcards: study(wildcards).tables.language,
        labels=lambda wildcards: study(wildcards).tables.names(),
        dpi=lambda wildcards: study(wildcards).figures.dpi,
        projection=lambda wildcards: study(wildcards).units.projection,
        code=code("plot_index_map.py"),
    threads: 1
    resources:
        mem_mb=job_memory("index_map"),
        runtime=job_runtime("index_map"),
    benchmark:
        "logs/{study}/benchmarks/index_map.{index}.{year}.tsv"
    script:
        "../scripts/plot_index_map.py"


# The figures of the models of a study in one job, since they all read its merged tables (a model edit remakes them
# all): the coefficients of every model, and the effects of each model that has them. One rule per study, since
# its models differ: rule model_figures_<study> (outputs: model_figure_outputs in figure_targets.smk).
for _name in [name for name, s in STUDIES.items() if s.models is not None]:

    rule:
        name:
            f"model_figures_{_name}"
        input:
            estimates="results/{study}/models/estimates.csv",
            effects="results/{study}/models/effects.csv",
            fit="results/{study}/models/fit.csv",
        output:
            **model_figure_outputs(_name),
        log:
            "logs/{study}/figures/models.log",
        conda:
            "../envs/nqpf.yaml"
        wildcard_constraints:
            study=_name,
        params:
            settings=lambda wildcards: study(wildcards).models.to_config(),
            models=lambda wildcards: effect_models(study(wildcards)),
            language=lambda wildcards: study(wildcards).tables.language,
            labels=lambda wildcards: study(wildcards).tables.names(),
            simulated=lambda wildcards: study(wildcards).simulated,
            dpi=lambda wildcards: study(wildcards).figures.dpi,
            code=code("plot_models.py"),
        threads: 1
        resources:
            mem_mb=job_memory("model_figures"),
            runtime=job_runtime("model_figures"),
        benchmark:
            "logs/{study}/benchmarks/model_figures.tsv"
        script:
            "../scripts/plot_models.py"
