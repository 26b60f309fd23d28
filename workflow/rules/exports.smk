# The study's panel and model results as Stata datasets (.dta, Stata 14 or later), for a reviewer who opens them
# or re-estimates in Stata (nqpf.study.exports): results/<study>/stata/.

rule stata_panel:
    input:
        panel="results/{study}/data/panel.csv",
        indices=index_files,
    output:
        "results/{study}/stata/panel.dta",
    log:
        "logs/{study}/exports/stata_panel.log",
    conda:
        "../envs/nqpf.yaml"
    params:
        labels=lambda wildcards: study(wildcards).tables.names(),
        language=lambda wildcards: study(wildcards).tables.language,
        library=LIBRARY,
    threads: 1
    resources:
        mem_mb=job_memory("stata_panel"),
        runtime=job_runtime("stata_panel"),
    benchmark:
        "logs/{study}/benchmarks/stata_panel.tsv"
    script:
        "../scripts/export_stata.py"


rule stata_models:
    input:
        **{f: f"results/{{study}}/models/{f}.csv" for f in STATA_MODEL_FILES},
    output:
        **{f: f"results/{{study}}/stata/{f}.dta" for f in STATA_MODEL_FILES},
    log:
        "logs/{study}/exports/stata_models.log",
    conda:
        "../envs/nqpf.yaml"
    params:
        library=LIBRARY,
    threads: 1
    resources:
        mem_mb=job_memory("stata_models"),
        runtime=job_runtime("stata_models"),
    benchmark:
        "logs/{study}/benchmarks/stata_models.tsv"
    script:
        "../scripts/export_stata.py"
