# Spatial panel econometrics: one job per model and weights matrix (main estimates and effects, tests between
# models, random effects and Hausman, regional heterogeneity, each with every method of models.method), merged
# into the study's result set with the units models.balance: drop_units left out.


rule model:
    input:
        panel="results/{study}/data/panel.csv",
        units="results/{study}/data/units.csv",
        indices=index_files,
        gwt="results/{study}/weights/{w}.gwt",
        summary="results/{study}/weights/{w}.summary.json",
        eigen="results/{study}/weights/{w}.eigen.csv",
    output:
        estimates="results/{study}/models/{model}/{w}/estimates.csv",
        effects="results/{study}/models/{model}/{w}/effects.csv",
        tests="results/{study}/models/{model}/{w}/tests.csv",
        fit="results/{study}/models/{model}/{w}/fit.json",
    log:
        "logs/{study}/models/{model}.{w}.log",
    conda:
        "../envs/nqpf.yaml"
    params:
        settings=lambda wildcards: study(wildcards).models.to_config(),
        years=lambda wildcards: study(wildcards).model_years,
        config_file=config_file,
        library=LIBRARY,
    threads: 1
    resources:
        mem_mb=job_memory("model"),
        runtime=job_runtime("model"),
    benchmark:
        "logs/{study}/benchmarks/model.{model}.{w}.tsv"
    script:
        "../scripts/model.py"


rule models:
    input:
        model_parts,
    output:
        estimates="results/{study}/models/estimates.csv",
        effects="results/{study}/models/effects.csv",
        tests="results/{study}/models/tests.csv",
        fit="results/{study}/models/fit.csv",
        dropped_units="results/{study}/models/dropped_units.csv",
    log:
        "logs/{study}/models/merge.log",
    conda:
        "../envs/nqpf.yaml"
    params:
        library=LIBRARY,
    threads: 1
    resources:
        mem_mb=job_memory("models"),
        runtime=job_runtime("models"),
    benchmark:
        "logs/{study}/benchmarks/models.tsv"
    script:
        "../scripts/models_merge.py"
