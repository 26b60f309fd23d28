# Statistics: the demo studies' simulated raw tables, and every study's panel built from its raw tables.
from nqpf.study import settings as _study_settings

DEMO_FILES = list(_study_settings.DEMO_FILES.values())


rule demo_statistics:
    input:
        boundaries=boundary_file,
    output:
        tables=expand("resources/demo/{{study}}/{file}", file=DEMO_FILES),
        truth="resources/demo/{study}/truth.csv",
        parameters="resources/demo/{study}/truth.json",
        readme="resources/demo/{study}/README.md",
    log:
        "logs/{study}/demo_statistics.log",
    conda:
        "../envs/nqpf.yaml"
    params:
        demo=lambda wildcards: study(wildcards).demo.to_config(),
        years=lambda wildcards: study(wildcards).years.to_config(),
        code=code("simulate_demo.py"),
    threads: 1
    resources:
        mem_mb=job_memory("demo_statistics"),
        runtime=job_runtime("demo_statistics"),
    benchmark:
        "logs/{study}/benchmarks/demo_statistics.tsv"
    script:
        "../scripts/simulate_demo.py"


rule panel:
    input:
        boundaries=boundary_file,
        statistics=statistics_files,
        attributes=attribute_files,
    output:
        panel="results/{study}/data/panel.csv",
        validation="results/{study}/data/validation.md",
        units="results/{study}/data/units.csv",
        matches="results/{study}/data/unit_matches.csv",
        gaps="results/{study}/data/gaps.csv",
        filled="results/{study}/data/filled.csv",
        checks="results/{study}/data/checks.csv",
    log:
        "logs/{study}/panel.log",
    conda:
        "../envs/nqpf.yaml"
    params:
        study=panel_settings,
        config_file=config_file,
        code=code("build_panel.py"),
    threads: 1
    resources:
        mem_mb=job_memory("panel"),
        runtime=job_runtime("panel"),
    benchmark:
        "logs/{study}/benchmarks/panel.tsv"
    script:
        "../scripts/build_panel.py"
