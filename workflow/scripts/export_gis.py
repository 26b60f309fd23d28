"""Rule gis: the study's polygons, indices and local ESDA results as one GeoPackage (nqpf.study.gis)."""

from nqpf.study import gis
from nqpf.study.logs import step

with step(snakemake.log[0], f"gis export {snakemake.wildcards.study}") as log:
    path = gis.write_study(
        snakemake.input.boundaries,
        snakemake.input.units,
        list(snakemake.input.indices),
        snakemake.input.local[0] if snakemake.input.local else None,
        snakemake.output[0],
        snakemake.wildcards.study,
    )
    log.info("wrote %s", path)
