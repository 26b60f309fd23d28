# Distribution dynamics: traditional, spatial and LISA Markov chains of each variable's classes, with the
# homogeneity tests, steady states and mean first passage times (one job per study, nqpf.dynamics.analyse); the
# heat maps of the transition probabilities for each variable and W, and the kernel density surface over years.


rule dynamics:
    input:
        panel="results/{study}/data/panel.csv",
        units="results/{study}/data/units.csv",
        indices=index_files,
        weights=dynamics_weights_files,
    output:
        **{table: f"results/{{study}}/dynamics/{table}.csv" for table in DYNAMICS_TABLES},
    log:
        "logs/{study}/dynamics/tables.log",
    conda:
        "../envs/nqpf.yaml"
    params:
        settings=lambda wildcards: study(wildcards).dynamics.to_config(),
        weights=lambda wildcards: study(wildcards).dynamics_weights,
        years=lambda wildcards: study(wildcards).year_list,
        code=code("trace_dynamics.py"),
    threads: 1
    resources:
        mem_mb=job_memory("dynamics"),
        runtime=job_runtime("dynamics"),
    benchmark:
        "logs/{study}/benchmarks/dynamics.tsv"
    script:
        "../scripts/trace_dynamics.py"


rule markov_figure:
    input:
        transitions="results/{study}/dynamics/transitions.csv",
        homogeneity="results/{study}/dynamics/homogeneity.csv",
    output:
        **figure_outputs("markov", "results/{study}/dynamics/markov_{variable}.{w}.png", "../report/markov.rst", "Dynamics"),
    log:
        "logs/{study}/dynamics/markov_{variable}.{w}.log",
    conda:
        "../envs/nqpf.yaml"
    params:
        simulated=lambda wildcards: study(wildcards).simulated,
        language=lambda wildcards: study(wildcards).tables.language,
        labels=lambda wildcards: study(wildcards).tables.names(),
        titles=lambda wildcards: study(wildcards).figures.titles,
        dpi=lambda wildcards: study(wildcards).figures.dpi,
        code=code("plot_markov.py"),
    threads: 1
    resources:
        mem_mb=job_memory("markov_figure"),
        runtime=job_runtime("markov_figure"),
    benchmark:
        "logs/{study}/benchmarks/markov_figure.{variable}.{w}.tsv"
    script:
        "../scripts/plot_markov.py"


rule kernel_surface:
    input:
        panel="results/{study}/data/panel.csv",
        indices=index_files,
    output:
        **figure_outputs("surface", "results/{study}/dynamics/surface_{variable}.png", "../report/kernel_surface.rst", "Dynamics"),
    log:
        "logs/{study}/dynamics/surface_{variable}.log",
    conda:
        "../envs/nqpf.yaml"
    params:
        years=lambda wildcards: study(wildcards).year_list,
        simulated=lambda wildcards: study(wildcards).simulated,
        language=lambda wildcards: study(wildcards).tables.language,
        labels=lambda wildcards: study(wildcards).tables.names(),
        titles=lambda wildcards: study(wildcards).figures.titles,
        dpi=lambda wildcards: study(wildcards).figures.dpi,
        code=code("plot_kernel_surface.py"),
    threads: 1
    resources:
        mem_mb=job_memory("kernel_surface"),
        runtime=job_runtime("kernel_surface"),
    benchmark:
        "logs/{study}/benchmarks/kernel_surface.{variable}.tsv"
    script:
        "../scripts/plot_kernel_surface.py"
