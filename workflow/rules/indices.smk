# Composite indices (entropy, entropy-TOPSIS, equal weights) with their weights, coupling coordination of index
# pairs, and the regional disparity of any variable (regional gaps, Dagum Gini, Theil, convergence).


rule index:
    input:
        panel="results/{study}/data/panel.csv",
        units="results/{study}/data/units.csv",
    output:
        values="results/{study}/indices/{index}.csv",
        weights=report(
            "results/{study}/indices/{index}.weights.csv",
            caption="../report/index_weights.rst",
            category="Indices",
            subcategory="{study}",
        ),
        method="results/{study}/indices/{index}.method.md",
        figure=report(
            "results/{study}/indices/{index}.regions.png",
            caption="../report/index_regions.rst",
            category="Indices",
            subcategory="{study}",
        ),
    log:
        "logs/{study}/indices/{index}.log",
    conda:
        "../envs/nqpf.yaml"
    params:
        spec=index_spec,
        simulated=lambda wildcards: "demo" in study(wildcards),
        library=LIBRARY,
    script:
        "../scripts/build_index.py"


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
        spec=coupling_spec,
        library=LIBRARY,
    script:
        "../scripts/couple_indices.py"


rule disparity:
    input:
        panel="results/{study}/data/panel.csv",
        units="results/{study}/data/units.csv",
        indices=index_files,
    output:
        **{
            table: f"results/{{study}}/disparity/{table}.csv"
            for table in (
                "regional_means",
                "regional_growth",
                "dagum_gini",
                "dagum_gini_within",
                "dagum_gini_between",
                "theil",
                "dispersion",
                "convergence",
            )
        },
    log:
        "logs/{study}/disparity/tables.log",
    conda:
        "../envs/nqpf.yaml"
    params:
        settings=lambda wildcards: study(wildcards)["disparity"],
        library=LIBRARY,
    script:
        "../scripts/measure_disparity.py"


rule disparity_figures:
    input:
        panel="results/{study}/data/panel.csv",
        units="results/{study}/data/units.csv",
        indices=index_files,
        gini="results/{study}/disparity/dagum_gini.csv",
    output:
        kernel=report(
            "results/{study}/disparity/kernel_{variable}.png",
            caption="../report/kernel.rst",
            category="Disparity",
            subcategory="{study}",
        ),
        gini=report(
            "results/{study}/disparity/gini_{variable}.png",
            caption="../report/gini.rst",
            category="Disparity",
            subcategory="{study}",
        ),
    log:
        "logs/{study}/disparity/figures_{variable}.log",
    conda:
        "../envs/nqpf.yaml"
    params:
        settings=lambda wildcards: study(wildcards)["disparity"],
        years=lambda wildcards: study(wildcards)["years"],
        simulated=lambda wildcards: "demo" in study(wildcards),
        library=LIBRARY,
    script:
        "../scripts/plot_disparity.py"
