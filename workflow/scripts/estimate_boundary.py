"""Rule spillover_boundary: the spatial Durbin model's effects on a sweep of distance-based W (the spillover
boundary), from the distances between the study's units."""

import pandas as pd

from nqpf import io
from nqpf.models.boundary import spillover_boundary, unit_distances
from nqpf.models.settings import ModelsSettings
from nqpf.study import frames
from nqpf.study.logs import step
from nqpf.units import boundaries

with step(snakemake.log[0], f"spillover boundary {snakemake.wildcards.study}") as log:
    settings = ModelsSettings.model_validate(snakemake.params.settings)
    spec = settings.boundary
    codes = pd.read_csv(snakemake.input.units, dtype={"code": str})["code"]
    gdf = boundaries.read(snakemake.input.boundaries)
    gdf = gdf[gdf["code"].isin(set(codes))].sort_values("code")
    distances = unit_distances(gdf, snakemake.params.projection, spec.metric)
    frame = frames.study_frame(snakemake.input.panel, snakemake.input.indices)
    table = spillover_boundary(
        frame,
        settings.dependent,
        settings.explanatory,
        distances,
        variables=settings.boundary_variables,
        start=spec.start,
        stop=spec.stop,
        step=spec.step,
        mode=spec.mode,
        power=spec.power,
        min_share=spec.min_share,
        model=spec.model,
        fixed_effects=settings.fixed_effects,
        method=settings.methods[0],
        draws=spec.draws,
        seed=spec.seed,
        level=settings.effects.level,
        inference=settings.effects.inference,
        years=snakemake.params.years,
        balance=settings.balance,
        source=snakemake.input.panel,
    )
    for row in table[table["effect"] == "indirect"].itertuples():
        log.info(
            "%g km, %s: indirect %.5g (p %.4f)%s",
            row.distance_km,
            row.variable,
            row.estimate,
            row.p,
            f"; {row.note}" if isinstance(row.note, str) and row.note else "",
        )
    io.write_csv(table, snakemake.output.effects)
