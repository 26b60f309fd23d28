"""Rule esda_bivariate: bivariate Moran's I of each configured pair on one weights matrix, every year."""

import pandas as pd

from nqpf import io, weights
from nqpf.esda import by_year
from nqpf.esda.settings import EsdaSettings
from nqpf.study import frames
from nqpf.study.logs import step

with step(snakemake.log[0], f"bivariate Moran on {snakemake.wildcards.w}"):
    frame = frames.study_frame(snakemake.input.panel, snakemake.input.indices)
    w = weights.load(snakemake.input.gwt, snakemake.input.summary)
    settings = EsdaSettings.model_validate(snakemake.params.settings)
    units = pd.read_csv(snakemake.input.units, dtype={"code": str})
    names = dict(zip(units["code"], units["name"], strict=True))
    tables, left_out = [], []
    for x_name, y_name in settings.bivariate:
        table, left = by_year.bivariate(frame, x_name, y_name, w, snakemake.params.years, settings, names)
        tables.append(table)
        left_out.append(left)
    io.write_csv(pd.concat(tables, ignore_index=True), snakemake.output.global_)
    io.write_csv(pd.concat(left_out, ignore_index=True), snakemake.output.left_out)
