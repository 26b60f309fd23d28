# Drivers of spatial differentiation: the geographical detector of a response over the study's factors, year by
# year (and pooled), continuous factors discretised by OPGD; the figure of the factors' q and their interactions.


rule geodetector:
    input:
        panel="results/{study}/data/panel.csv",
        units="results/{study}/data/units.csv",
        indices=index_files,
    output:
        **{table: f"results/{{study}}/drivers/{table}.csv" for table in GEODETECTOR_TABLES},
    log:
        "logs/{study}/drivers/geodetector.log",
    conda:
        "../envs/nqpf.yaml"
    params:
        settings=lambda wildcards: study(wildcards).geodetector.to_config(),
        years=lambda wildcards: study(wildcards).geodetector.years_of(study(wildcards).year_list),
        code=code("detect_drivers.py"),
    threads: 1
    resources:
        mem_mb=job_memory("geodetector"),
        runtime=job_runtime("geodetector"),
    benchmark:
        "logs/{study}/benchmarks/geodetector.tsv"
    script:
        "../scripts/detect_drivers.py"


rule geodetector_figure:
    input:
        factor="results/{study}/drivers/factor.csv",
        interaction="results/{study}/drivers/interaction.csv",
    output:
        **figure_outputs("figure", "results/{study}/drivers/geodetector.png", "../report/geodetector.rst", "Drivers"),
    log:
        "logs/{study}/drivers/geodetector_figure.log",
    conda:
        "../envs/nqpf.yaml"
    params:
        simulated=lambda wildcards: study(wildcards).simulated,
        dependent=lambda wildcards: study(wildcards).geodetector.dependent,
        language=lambda wildcards: study(wildcards).tables.language,
        labels=lambda wildcards: study(wildcards).tables.names(),
        titles=lambda wildcards: study(wildcards).figures.titles,
        dpi=lambda wildcards: study(wildcards).figures.dpi,
        code=code("plot_geodetector.py"),
    threads: 1
    resources:
        mem_mb=job_memory("geodetector_figure"),
        runtime=job_runtime("geodetector_figure"),
    benchmark:
        "logs/{study}/benchmarks/geodetector_figure.tsv"
    script:
        "../scripts/plot_geodetector.py"
