# Spatial weights: every W a study names, written as GAL, GWT and a summary, with a connectivity map and the
# exports Stata and spreadsheet users read.


rule weights:
    input:
        boundaries=boundary_file,
        units="results/{study}/data/units.csv",
        panel="results/{study}/data/panel.csv",
        user_file=user_weights_file,
    output:
        gal="results/{study}/weights/{w}.gal",
        gwt="results/{study}/weights/{w}.gwt",
        eigen="results/{study}/weights/{w}.eigen.csv",
        summary="results/{study}/weights/{w}.summary.json",
    log:
        "logs/{study}/weights/{w}.log",
    conda:
        "../envs/nqpf.yaml"
    params:
        spec=lambda wildcards: study(wildcards).weights_spec(wildcards.w).to_config(),
        years=lambda wildcards: study(wildcards).years.to_config(),
        projection=lambda wildcards: study(wildcards).units.projection,
        config_file=config_file,
        code=code("build_weights.py"),
    threads: 1
    resources:
        mem_mb=job_memory("weights"),
        runtime=job_runtime("weights"),
    benchmark:
        "logs/{study}/benchmarks/weights.{w}.tsv"
    script:
        "../scripts/build_weights.py"


rule weights_map:
    input:
        boundaries=boundary_file,
        display=display_file,
        gwt="results/{study}/weights/{w}.gwt",
        summary="results/{study}/weights/{w}.summary.json",
    output:
        **figure_outputs("png", "results/{study}/weights/{w}.png", "../report/weights_map.rst", "Weights"),
    log:
        "logs/{study}/weights/{w}.map.log",
    conda:
        "../envs/nqpf.yaml"
    params:
        projection=lambda wildcards: study(wildcards).units.projection,
        titles=lambda wildcards: study(wildcards).figures.titles,
        language=lambda wildcards: study(wildcards).tables.language,
        labels=lambda wildcards: study(wildcards).tables.names(),
        dpi=lambda wildcards: study(wildcards).figures.dpi,
        code=code("map_weights.py"),
    threads: 1
    resources:
        mem_mb=job_memory("weights_map"),
        runtime=job_runtime("weights_map"),
    benchmark:
        "logs/{study}/benchmarks/weights_map.{w}.tsv"
    script:
        "../scripts/map_weights.py"


rule weights_export:
    input:
        gwt="results/{study}/weights/{w}.gwt",
        summary="results/{study}/weights/{w}.summary.json",
        units="results/{study}/data/units.csv",
    output:
        "results/{study}/weights/{w}.{fmt}",
    log:
        "logs/{study}/weights/{w}.{fmt}.log",
    conda:
        "../envs/nqpf.yaml"
    wildcard_constraints:
        fmt="matrix.csv",
    params:
        code=code("export_weights.py"),
    threads: 1
    resources:
        mem_mb=job_memory("weights_export"),
        runtime=job_runtime("weights_export"),
    benchmark:
        "logs/{study}/benchmarks/weights_export.{w}.{fmt}.tsv"
    script:
        "../scripts/export_weights.py"


rule weights_export_stata:
    input:
        gwt="results/{study}/weights/{w}.gwt",
        summary="results/{study}/weights/{w}.summary.json",
        units="results/{study}/data/units.csv",
    output:
        # Stata carries numeric ids only: the id map says which unit each row is (stata_id, code, name)
        "results/{study}/weights/{w}.stata.txt",
        "results/{study}/weights/{w}.stata.ids.csv",
    log:
        "logs/{study}/weights/{w}.stata.txt.log",
    conda:
        "../envs/nqpf.yaml"
    params:
        code=code("export_weights.py"),
    threads: 1
    resources:
        mem_mb=job_memory("weights_export_stata"),
        runtime=job_runtime("weights_export_stata"),
    benchmark:
        "logs/{study}/benchmarks/weights_export.{w}.stata.txt.tsv"
    script:
        "../scripts/export_weights.py"
