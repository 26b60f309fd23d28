"""Rule esda_part: global and local statistics of one variable on one weights matrix, every year."""

import pandas as pd

from nqpf import io, weights
from nqpf.esda import by_year
from nqpf.esda.settings import EsdaSettings
from nqpf.study import frames
from nqpf.study.logs import step

with step(snakemake.log[0], f"esda {snakemake.wildcards.variable} on {snakemake.wildcards.w}") as log:
    frame = frames.study_frame(snakemake.input.panel, snakemake.input.indices)
    w = weights.load(snakemake.input.gwt, snakemake.input.summary)
    units = pd.read_csv(snakemake.input.units, dtype={"code": str})
    settings = EsdaSettings.model_validate(snakemake.params.settings)
    names = dict(zip(units["code"], units["name"], strict=True))
    global_table, local_table, notes = by_year.analyse(
        frame, snakemake.wildcards.variable, w, snakemake.params.years, settings, names
    )
    for _, note in notes:
        log.info(note)
    io.write_csv(global_table, snakemake.output.global_)
    io.write_csv(local_table, snakemake.output.local)
    io.write_csv(by_year.notes_table(snakemake.wildcards.variable, w.name, notes), snakemake.output.notes)
    left_out = by_year.left_out(frame, snakemake.wildcards.variable, w, snakemake.params.years, names)
    io.write_csv(left_out, snakemake.output.left_out)
    moran = global_table[global_table["statistic"] == "moran"]
    for row in moran.itertuples():
        log.info("%d: Moran's I %.4f (z %.2f, p_sim %.4f)", row.year, row.value, row.z_rand, row.p_sim)
