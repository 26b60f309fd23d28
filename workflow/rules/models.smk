# Spatial panel econometrics: one job per weights matrix with every model (main estimates and effects, tests between
# models, random effects and Hausman, regional heterogeneity, each with every method of models.method), merged
# into the study's result set with the units models.balance: drop_units left out.


rule model:
    input:
        panel="results/{study}/data/panel.csv",
        gaps="results/{study}/data/gaps.csv",
        units="results/{study}/data/units.csv",
        indices=index_files,
        gwt="results/{study}/weights/{w}.gwt",
        summary="results/{study}/weights/{w}.summary.json",
        eigen="results/{study}/weights/{w}.eigen.csv",
    output:
        estimates="results/{study}/models/{w}/estimates.csv",
        effects="results/{study}/models/{w}/effects.csv",
        tests="results/{study}/models/{w}/tests.csv",
        fit="results/{study}/models/{w}/fit.json",
    log:
        "logs/{study}/models/{w}.log",
    conda:
        "../envs/nqpf.yaml"
    params:
        settings=models_settings,
        balance=model_balance,
        years=lambda wildcards: study(wildcards).model_years,
        config_file=config_file,
        code=code("model.py"),
    threads: 1
    resources:
        mem_mb=job_memory("model"),
        runtime=job_runtime("model"),
    benchmark:
        "logs/{study}/benchmarks/model.{w}.tsv"
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
        code=code("models_merge.py"),
    threads: 1
    resources:
        mem_mb=job_memory("models"),
        runtime=job_runtime("models"),
    benchmark:
        "logs/{study}/benchmarks/models.tsv"
    script:
        "../scripts/models_merge.py"
