"""Rule geodetector: the factor, interaction, risk and ecological detectors of the response, year by year."""

from nqpf import drivers, io
from nqpf.study import frames
from nqpf.study.logs import step

with step(snakemake.log[0], f"geodetector {snakemake.wildcards.study}") as log:
    settings = drivers.GeodetectorSettings.model_validate(snakemake.params.settings)
    frame = frames.study_frame(snakemake.input.panel, snakemake.input.indices, snakemake.input.units)
    frames.require(frame, [settings.dependent, *settings.factors], "geodetector")
    tables = drivers.detect_by_year(frame, settings, snakemake.params.years)
    for name, table in tables.items():
        io.write_csv(table, snakemake.output[name])
    for row in tables["factor"].itertuples():
        log.info("%s %s: q %.4f (p %.4g, %d strata)", row.period, row.factor, row.q, row.p_value, row.strata)
