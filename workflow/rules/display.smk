# Display geometry: what every map of a boundary set draws whatever the data (the polygons simplified for
# display, centroids, label anchors, province outlines, the context of maps of China), made once per boundary set
# and map projection and read by the map jobs (index maps, LISA maps, W maps) instead of being remade by each.

# display_file, display_projection and display_projection_tag: common.smk.


rule display_geometry:
    input:
        gpkg="resources/boundaries/{name}.gpkg",
    output:
        display="resources/boundaries/{name}.display.{projection}.npz",
    log:
        "logs/boundaries/{name}.display.{projection}.log",
    conda:
        "../envs/nqpf.yaml"
    wildcard_constraints:
        name=r"[A-Za-z0-9_/-]+",
        projection=r"[a-z0-9]+",
    params:
        projection=display_projection,
        code=code("display_geometry.py"),
    threads: 1
    resources:
        mem_mb=job_memory("display_geometry"),
        runtime=job_runtime("display_geometry"),
    benchmark:
        "logs/boundaries/benchmarks/display_geometry.{name}.{projection}.tsv"
    script:
        "../scripts/display_geometry.py"
