"""Rule custom_boundaries: read a study's own polygon file, or its table of units (level table), into
resources/boundaries/custom/<study>.gpkg."""

from nqpf.study.logs import step
from nqpf.units import boundaries
from nqpf.units.settings import UnitsFile, UnitsTable

with step(snakemake.log[0], f"custom boundaries {snakemake.wildcards.study}") as log:
    if snakemake.params.level == "table":
        spec = UnitsTable.model_validate(snakemake.params.source)
        gdf, report = boundaries.read_table(
            spec.path,
            id_field=spec.id_field,
            name_field=spec.name_field,
            name_en_field=spec.name_en_field,
            region_field=spec.region_field,
            lon_field=spec.lon_field,
            lat_field=spec.lat_field,
            sheet=spec.sheet,
            encoding=spec.encoding,
        )
    else:
        spec = UnitsFile.model_validate(snakemake.params.source)
        gdf, report = boundaries.read_file(
            spec.path,
            id_field=spec.id_field,
            name_field=spec.name_field,
            name_en_field=spec.name_en_field,
            region_field=spec.region_field,
            layer=spec.layer,
            assume_crs=spec.crs,
            repair_invalid=spec.repair_invalid,
        )
    for action in report.actions:
        log.info(action)
    log.info("%d units from %s", report.n_units, report.source)
    boundaries.write(gdf, snakemake.output.gpkg, layer="units")
