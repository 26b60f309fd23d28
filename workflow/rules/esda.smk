# Exploratory spatial data analysis: global Moran's I, Geary's C and General G; local Moran (LISA) and Gi* with
# conditional permutation inference; clusters matched to named regions; maps and plots. One job per variable
# and weights matrix, merged into the study's tables.


rule esda_part:
    input:
        panel="results/{study}/data/panel.csv",
        units="results/{study}/data/units.csv",
        indices=index_files,
        gwt="results/{study}/weights/{w}.gwt",
        summary="results/{study}/weights/{w}.summary.json",
    output:
        global_="results/{study}/esda/parts/{variable}.{w}.global.csv",
        local="results/{study}/esda/parts/{variable}.{w}.local.csv",
        notes="results/{study}/esda/parts/{variable}.{w}.notes.csv",
        left_out="results/{study}/esda/parts/{variable}.{w}.left_out.csv",
    log:
        "logs/{study}/esda/{variable}.{w}.log",
    conda:
        "../envs/nqpf.yaml"
    params:
        settings=esda_settings,
        years=lambda wildcards: study(wildcards).esda_years,
        code=code("esda_part.py"),
    threads: 1
    resources:
        mem_mb=job_memory("esda_part"),
        runtime=job_runtime("esda_part"),
    benchmark:
        "logs/{study}/benchmarks/esda_part.{variable}.{w}.tsv"
    script:
        "../scripts/esda_part.py"


rule esda_bivariate:
    input:
        panel="results/{study}/data/panel.csv",
        units="results/{study}/data/units.csv",
        indices=index_files,
        gwt="results/{study}/weights/{w}.gwt",
        summary="results/{study}/weights/{w}.summary.json",
    output:
        global_="results/{study}/esda/parts/bivariate/{w}.global.csv",
        left_out="results/{study}/esda/parts/bivariate/{w}.left_out.csv",
    log:
        "logs/{study}/esda/bivariate.{w}.log",
    conda:
        "../envs/nqpf.yaml"
    params:
        settings=esda_settings,
        years=lambda wildcards: study(wildcards).esda_years,
        code=code("esda_bivariate.py"),
    threads: 1
    resources:
        mem_mb=job_memory("esda_bivariate"),
        runtime=job_runtime("esda_bivariate"),
    benchmark:
        "logs/{study}/benchmarks/esda_bivariate.{w}.tsv"
    script:
        "../scripts/esda_bivariate.py"


rule esda:
    input:
        parts=esda_parts,
        units="results/{study}/data/units.csv",
    output:
        global_="results/{study}/esda/global.csv",
        local="results/{study}/esda/local.csv",
        clusters="results/{study}/esda/named_clusters.csv",
        notes="results/{study}/esda/notes.csv",
        left_out="results/{study}/esda/left_out.csv",
    log:
        "logs/{study}/esda/merge.log",
    conda:
        "../envs/nqpf.yaml"
    params:
        settings=lambda wildcards: study(wildcards).esda.to_config(),
        code=code("esda_merge.py"),
    threads: 1
    resources:
        mem_mb=job_memory("esda"),
        runtime=job_runtime("esda"),
    benchmark:
        "logs/{study}/benchmarks/esda.tsv"
    script:
        "../scripts/esda_merge.py"


# The figures of one variable on one W in one job, since both read its local statistics: the Moran scatterplot,
# and the LISA maps of a study with polygons. Rule esda_figures for the studies with polygons; the studies
# without (units.level: table) get the scatterplot alone from rule esda_figures_without_maps.
for _maps in sorted({s.units.has_polygons for s in STUDIES.values()}, reverse=True):
    _names = [name for name, s in STUDIES.items() if s.units.has_polygons == _maps]

    rule:
        name:
            "esda_figures" if _maps else "esda_figures_without_maps"
        input:
            panel="results/{study}/data/panel.csv",
            units="results/{study}/data/units.csv",
            indices=index_files,
            local="results/{study}/esda/parts/{variable}.{w}.local.csv",
            global_="results/{study}/esda/parts/{variable}.{w}.global.csv",
            gwt="results/{study}/weights/{w}.gwt",
            summary="results/{study}/weights/{w}.summary.json",
            **({"boundaries": boundary_file, "display": display_file} if _maps else {}),
        output:
            **figure_outputs(
                "scatter", "results/{study}/esda/scatter_{variable}.{w}.png", "../report/moran_scatter.rst", "ESDA"
            ),
            **(
                figure_outputs(
                    "lisa", "results/{study}/esda/lisa_{variable}.{w}.png", "../report/lisa_map.rst", "ESDA"
                )
                if _maps
                else {}
            ),
        log:
            "logs/{study}/esda/figures_{variable}.{w}.log",
        conda:
            "../envs/nqpf.yaml"
        wildcard_constraints:
            study="|".join(_names),
        params:
            settings=esda_settings,
            years=lambda wildcards: study(wildcards).esda_years,
            simulated=lambda wildcards: study(wildcards).simulated,
            language=lambda wildcards: study(wildcards).tables.language,
            labels=lambda wildcards: study(wildcards).tables.names(),
            dpi=lambda wildcards: study(wildcards).figures.dpi,
            # the maps' settings
            **(
                {
                    "projection": lambda wildcards: study(wildcards).units.projection,
                    "titles": lambda wildcards: study(wildcards).figures.titles,
                }
                if _maps
                else {}
            ),
            code=code("esda_figures.py"),
        threads: 1
        resources:
            mem_mb=job_memory("esda_figures"),
            runtime=job_runtime("esda_figures"),
        benchmark:
            "logs/{study}/benchmarks/esda_figures.{variable}.{w}.tsv"
        script:
            "../scripts/esda_figures.py"


rule moran_trend:
    input:
        "results/{study}/esda/global.csv",
    output:
        **figure_outputs("trend", "results/{study}/esda/moran_trend.png", "../report/moran_trend.rst", "ESDA"),
    log:
        "logs/{study}/esda/moran_trend.log",
    conda:
        "../envs/nqpf.yaml"
    params:
        settings=lambda wildcards: study(wildcards).esda.to_config(),
        simulated=lambda wildcards: study(wildcards).simulated,
        language=lambda wildcards: study(wildcards).tables.language,
        labels=lambda wildcards: study(wildcards).tables.names(),
        dpi=lambda wildcards: study(wildcards).figures.dpi,
        code=code("plot_moran_trend.py"),
    threads: 1
    resources:
        mem_mb=job_memory("moran_trend"),
        runtime=job_runtime("moran_trend"),
    benchmark:
        "logs/{study}/benchmarks/moran_trend.tsv"
    script:
        "../scripts/plot_moran_trend.py"


rule centrography:
    input:
        panel="results/{study}/data/panel.csv",
        indices=index_files,
        boundaries=boundary_file,
    output:
        "results/{study}/esda/centrography.csv",
    log:
        "logs/{study}/esda/centrography.log",
    conda:
        "../envs/nqpf.yaml"
    params:
        settings=lambda wildcards: study(wildcards).centrography.to_config(),
        projection=lambda wildcards: study(wildcards).units.projection,
        years=lambda wildcards: study(wildcards).year_list,
        code=code("locate_centres.py"),
    threads: 1
    resources:
        mem_mb=job_memory("centrography"),
        runtime=job_runtime("centrography"),
    benchmark:
        "logs/{study}/benchmarks/centrography.tsv"
    script:
        "../scripts/locate_centres.py"


# The ellipse maps of a study in one job, since they all read its centre tracks. One rule per study with polygons
# and centrography variables, since they differ: rule ellipse_maps_<study> (outputs: ellipse_outputs in
# figure_targets.smk).
for _name in [n for n, s in STUDIES.items() if s.units.has_polygons and s.centrography.variables]:

    rule:
        name:
            f"ellipse_maps_{_name}"
        input:
            track="results/{study}/esda/centrography.csv",
            boundaries=boundary_file,
            display=display_file,
        output:
            **ellipse_outputs(_name),
        log:
            "logs/{study}/esda/ellipses.log",
        conda:
            "../envs/nqpf.yaml"
        wildcard_constraints:
            study=_name,
        params:
            variables=lambda wildcards: study(wildcards).centrography.variables,
            years=lambda wildcards: study(wildcards).centrography.map_years_of(study(wildcards).year_list),
            projection=lambda wildcards: study(wildcards).units.projection,
            simulated=lambda wildcards: study(wildcards).simulated,
            language=lambda wildcards: study(wildcards).tables.language,
            labels=lambda wildcards: study(wildcards).tables.names(),
            titles=lambda wildcards: study(wildcards).figures.titles,
            dpi=lambda wildcards: study(wildcards).figures.dpi,
            code=code("plot_ellipses.py"),
        threads: 1
        resources:
            mem_mb=job_memory("ellipse_maps"),
            runtime=job_runtime("ellipse_maps"),
        benchmark:
            "logs/{study}/benchmarks/ellipse_maps.tsv"
        script:
            "../scripts/plot_ellipses.py"
