"""Rule custom_boundaries: read a study's own polygon file into resources/boundaries/custom/<study>.gpkg."""

from nqpf.study.logs import step
from nqpf.units import boundaries

with step(snakemake.log[0], f"custom boundaries {snakemake.wildcards.study}") as log:
    spec = snakemake.params.file
    gdf, report = boundaries.read_file(
        spec["path"],
        id_field=spec["id_field"],
        name_field=spec.get("name_field"),
        name_en_field=spec.get("name_en_field"),
        region_field=spec.get("region_field"),
        layer=spec.get("layer"),
        assume_crs=spec.get("crs"),
        repair_invalid=spec.get("repair_invalid", False),
    )
    for action in report.actions:
        log.info(action)
    log.info("%d units from %s", report.n_units, report.source)
    boundaries.write(gdf, snakemake.output.gpkg, layer="units")
