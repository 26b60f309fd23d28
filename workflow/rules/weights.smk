# Spatial weights: every W a study names, written as GAL, GWT and a summary, with a connectivity map and the
# exports Stata and spreadsheet users read.


rule weights:
    input:
        boundaries=boundary_file,
        units="results/{study}/data/units.csv",
        panel="results/{study}/data/panel.csv",
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
        spec=weights_spec,
        years=lambda wildcards: study(wildcards)["years"],
        config_file=config_file,
        library=LIBRARY,
    resources:
        mem_mb=4000,
    script:
        "../scripts/build_weights.py"


rule weights_map:
    input:
        boundaries=boundary_file,
        gwt="results/{study}/weights/{w}.gwt",
        summary="results/{study}/weights/{w}.summary.json",
    output:
        png=report(
            "results/{study}/weights/{w}.png",
            caption="../report/weights_map.rst",
            category="Weights",
            subcategory="{study}",
        ),
    log:
        "logs/{study}/weights/{w}.map.log",
    conda:
        "../envs/nqpf.yaml"
    params:
        library=LIBRARY,
    script:
        "../scripts/map_weights.py"


rule weights_export:
    input:
        gwt="results/{study}/weights/{w}.gwt",
        summary="results/{study}/weights/{w}.summary.json",
    output:
        "results/{study}/weights/{w}.{fmt}",
    log:
        "logs/{study}/weights/{w}.{fmt}.log",
    conda:
        "../envs/nqpf.yaml"
    wildcard_constraints:
        fmt="stata.txt|matrix.csv",
    params:
        library=LIBRARY,
    script:
        "../scripts/export_weights.py"
