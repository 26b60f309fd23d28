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
        code=code("export_stata.py"),
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
        code=code("export_stata.py"),
    threads: 1
    resources:
        mem_mb=job_memory("stata_models"),
        runtime=job_runtime("stata_models"),
    benchmark:
        "logs/{study}/benchmarks/stata_models.tsv"
    script:
        "../scripts/export_stata.py"


# The study's spatial results as one GeoPackage for QGIS or ArcGIS (nqpf.study.gis): the units' polygons with
# the composite indices and the LISA and Gi* results by year, results/<study>/gis/<study>.gpkg. Only for units
# with polygons (a table of units has none).


rule gis:
    input:
        boundaries=boundary_file,
        units="results/{study}/data/units.csv",
        indices=index_files,
        local=lambda wildcards: (
            [f"results/{wildcards.study}/esda/local.csv"] if study(wildcards).esda.variables else []
        ),
    output:
        "results/{study}/gis/{study}.gpkg",
    log:
        "logs/{study}/exports/gis.log",
    conda:
        "../envs/nqpf.yaml"
    params:
        code=code("export_gis.py"),
    threads: 1
    resources:
        mem_mb=job_memory("gis"),
        runtime=job_runtime("gis"),
    benchmark:
        "logs/{study}/benchmarks/gis.tsv"
    script:
        "../scripts/export_gis.py"


# Scripts that re-estimate the study's main spatial Durbin model outside nqpf, from the exports above
# (nqpf.study.crosscheck): results/<study>/crosscheck/sdm.do (Stata, xsmle) and sdm.R (R, spdep and spatialreg)
# with the model's data for R (sdm_data.csv). Only for a study with a two-way fixed-effects SDM.
rule crosscheck:
    input:
        panel="results/{study}/stata/panel.dta",
        weights=_crosscheck_weights,
    output:
        stata="results/{study}/crosscheck/sdm.do",
        r="results/{study}/crosscheck/sdm.R",
        data="results/{study}/crosscheck/sdm_data.csv",
    log:
        "logs/{study}/exports/crosscheck.log",
    conda:
        "../envs/nqpf.yaml"
    params:
        spec=_crosscheck_spec,
        code=code("crosscheck.py"),
    threads: 1
    resources:
        mem_mb=job_memory("crosscheck"),
        runtime=job_runtime("crosscheck"),
    benchmark:
        "logs/{study}/benchmarks/crosscheck.tsv"
    script:
        "../scripts/crosscheck.py"
