"""Rule spatial_convergence: absolute and conditional beta convergence of the disparity variables as OLS, SAR, SEM
and SDM on one W, nationally and within each group of disparity.groups (club convergence)."""

import pandas as pd

from nqpf import disparity, io, weights
from nqpf.models.convergence import COLUMNS, LEFT_OUT_COLUMNS, spatial_beta
from nqpf.study import frames
from nqpf.study.logs import step

with step(snakemake.log[0], f"spatial convergence {snakemake.wildcards.study}") as log:
    settings = disparity.DisparitySettings.model_validate(snakemake.params.settings)
    spec = settings.spatial_convergence
    frame = frames.study_frame(snakemake.input.panel, snakemake.input.indices, snakemake.input.units)
    frames.require(frame, [*settings.variables, *spec.controls], "disparity.variables")
    gwt, summary, eigen = snakemake.input.weights
    w = weights.load(gwt, summary, eigen)
    tables, left = [], []
    for variable in settings.variables:
        result = spatial_beta(
            frame,
            variable,
            w,
            kinds=spec.kinds,
            models=spec.models,
            controls=spec.controls,
            period=spec.period,
            group=settings.group_column if spec.clubs else None,
            min_units=spec.min_units,
            draws=spec.draws,
            seed=spec.seed,
        )
        for note in result.notes:
            log.info(note)
        tables.append(result.table)
        left.append(result.left_out)
        for row in result.table[result.table["region"] == "National"].itertuples():
            log.info(
                "%s, %s beta, %s on %s: b %.5f (p %.4f), speed %.2f %% a year, half-life %.1f years",
                variable,
                row.type,
                row.model.upper(),
                w.name,
                row.coefficient,
                row.p,
                row.speed_percent,
                row.half_life_years,
            )
    io.write_csv(pd.concat(tables, ignore_index=True)[COLUMNS], snakemake.output.estimates)
    io.write_csv(pd.concat(left, ignore_index=True)[LEFT_OUT_COLUMNS], snakemake.output.left_out)
