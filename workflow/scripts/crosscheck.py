"""Rule crosscheck: the scripts that re-estimate the study's main spatial Durbin model in Stata (xsmle) and R
(spdep, spatialreg) from its exports, with the model's data for R."""

from pathlib import Path

from nqpf.study import crosscheck
from nqpf.study.logs import step

with step(snakemake.log[0], f"crosscheck scripts {snakemake.wildcards.study}") as log:
    spec = crosscheck.MainSDM.from_dict(snakemake.params.spec)
    written = [crosscheck.write_data(snakemake.input.panel, snakemake.output.data, spec)]
    written += crosscheck.write_scripts(spec, Path(snakemake.output.stata).parent)
    for path in written:
        log.info("wrote %s", path)
