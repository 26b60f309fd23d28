# Provenance: results/<study>/manifest.json records the sha256 of every input and output, the resolved
# config, package versions, the git commit and the seeds (nqpf.study.manifest); `make reproduce` checks a rerun
# against it. Its inputs are every result of the study (study_targets), so it is written last.

DEMO_RECORDS = ["truth.csv", "truth.json", "README.md"]
BOUNDARY_FILES = ["gpkg", "contiguity.json", "contiguity.md"]

manifest_targets = lambda name, s: [f"results/{name}/manifest.json"]


rule manifest:
    input:
        results=lambda wildcards: study_targets(wildcards.study, study(wildcards)),
        boundaries=lambda wildcards: expand(
            "resources/boundaries/{name}.{ext}",
            name=boundary_name(study(wildcards)),
            ext=BOUNDARY_FILES if study(wildcards).units.has_polygons else BOUNDARY_FILES[:1],
        ),
        display=lambda wildcards: [display_file(wildcards)] if study(wildcards).units.has_polygons else [],
        demo=lambda wildcards: (
            expand("resources/demo/{study}/{f}", study=wildcards.study, f=DEMO_FILES + DEMO_RECORDS)
            if study(wildcards).simulated
            else []
        ),
        statistics=statistics_files,
        boundary_file=user_boundary_files,
        weights_files=user_weights_files,
        attribute_files=attribute_files,
        # named relative to the working directory where they lie below it: a moved checkout reruns nothing
        config_files=lambda wildcards: [
            _manifest.relative(path, ".")
            for path in _manifest.study_config_files(workflow.configfiles, wildcards.study)
        ],
    output:
        "results/{study}/manifest.json",
    log:
        "logs/{study}/manifest.log",
    conda:
        "../envs/nqpf.yaml"
    params:
        # the resolved configuration of the study: the shared settings and this study alone, defaults filled in
        config=resolved_config,
        library=LIBRARY,
    threads: 1
    resources:
        mem_mb=job_memory("manifest"),
        runtime=job_runtime("manifest"),
    benchmark:
        "logs/{study}/benchmarks/manifest.tsv"
    script:
        "../scripts/write_manifest.py"
