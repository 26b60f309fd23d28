# Composite indices (entropy, entropy-TOPSIS, equal weights) with their weights, coupling coordination of index
# pairs, and the regional disparity of any variable (regional gaps, Dagum Gini, Theil, convergence).


rule index:
    input:
        panel="results/{study}/data/panel.csv",
        units="results/{study}/data/units.csv",
    output:
        values=report(
            "results/{study}/indices/{index}.csv",
            caption="../report/index_values.rst",
            category="Indices",
            subcategory="{study}",
        ),
        weights=report(
            "results/{study}/indices/{index}.weights.csv",
            caption="../report/index_weights.rst",
            category="Indices",
            subcategory="{study}",
        ),
        method=report(
            "results/{study}/indices/{index}.method.md",
            caption="../report/index_method.rst",
            category="Indices",
            subcategory="{study}",
        ),
        left_out="results/{study}/indices/{index}.left_out.csv",
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
        spec=lambda wildcards: study(wildcards).index_spec(wildcards.index).to_config(),
        simulated=lambda wildcards: study(wildcards).simulated,
        config_file=config_file,
        library=LIBRARY,
    threads: 1
    resources:
        mem_mb=job_memory("index"),
        runtime=job_runtime("index"),
    benchmark:
        "logs/{study}/benchmarks/index.{index}.tsv"
    script:
        "../scripts/build_index.py"


rule coupling:
    input:
        indices=coupling_inputs,
    output:
        report(
            "results/{study}/indices/coupling/{pair}.csv",
            caption="../report/coupling.rst",
            category="Indices",
            subcategory="{study}",
        ),
    log:
        "logs/{study}/indices/coupling_{pair}.log",
    conda:
        "../envs/nqpf.yaml"
    params:
        spec=lambda wildcards: study(wildcards).coupling_spec(wildcards.pair).to_config(),
        library=LIBRARY,
    threads: 1
    resources:
        mem_mb=job_memory("coupling"),
        runtime=job_runtime("coupling"),
    benchmark:
        "logs/{study}/benchmarks/coupling.{pair}.tsv"
    script:
        "../scripts/couple_indices.py"


rule disparity:
    input:
        panel="results/{study}/data/panel.csv",
        units="results/{study}/data/units.csv",
        indices=index_files,
    output:
        regional_means="results/{study}/disparity/regional_means.csv",
        regional_growth=report(
            "results/{study}/disparity/regional_growth.csv",
            caption="../report/regional_growth.rst",
            category="Disparity",
            subcategory="{study}",
        ),
        dagum_gini=report(
            "results/{study}/disparity/dagum_gini.csv",
            caption="../report/dagum_gini_table.rst",
            category="Disparity",
            subcategory="{study}",
        ),
        dagum_gini_within="results/{study}/disparity/dagum_gini_within.csv",
        dagum_gini_between="results/{study}/disparity/dagum_gini_between.csv",
        theil=report(
            "results/{study}/disparity/theil.csv",
            caption="../report/theil.rst",
            category="Disparity",
            subcategory="{study}",
        ),
        dispersion="results/{study}/disparity/dispersion.csv",
        left_out="results/{study}/disparity/left_out.csv",
        convergence=report(
            "results/{study}/disparity/convergence.csv",
            caption="../report/convergence.rst",
            category="Disparity",
            subcategory="{study}",
        ),
    log:
        "logs/{study}/disparity/tables.log",
    conda:
        "../envs/nqpf.yaml"
    params:
        settings=lambda wildcards: study(wildcards).disparity.to_config(),
        library=LIBRARY,
    threads: 1
    resources:
        mem_mb=job_memory("disparity"),
        runtime=job_runtime("disparity"),
    benchmark:
        "logs/{study}/benchmarks/disparity.tsv"
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
        settings=lambda wildcards: study(wildcards).disparity.to_config(),
        years=lambda wildcards: study(wildcards).years.to_config(),
        simulated=lambda wildcards: study(wildcards).simulated,
        language=lambda wildcards: study(wildcards).tables.language,
        labels=lambda wildcards: study(wildcards).tables.names(),
        library=LIBRARY,
    threads: 1
    resources:
        mem_mb=job_memory("disparity_figures"),
        runtime=job_runtime("disparity_figures"),
    benchmark:
        "logs/{study}/benchmarks/disparity_figures.{variable}.tsv"
    script:
        "../scripts/plot_disparity.py"
