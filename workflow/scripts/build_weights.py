"""Rule weights: build one spatial weights matrix of a study and write its GAL, GWT and summary."""

from pathlib import Path

import pandas as pd

from nqpf import weights
from nqpf.study.logs import step
from nqpf.units import boundaries
from nqpf.weights.settings import WeightsSettings

with step(
    snakemake.log[0],
    f"weights {snakemake.wildcards.study}/{snakemake.wildcards.w}",
    snakemake.params.config_file,
) as log:
    study_units = pd.read_csv(snakemake.input.units, dtype={"code": str})["code"]
    gdf = boundaries.read(snakemake.input.boundaries)
    gdf = gdf[gdf["code"].isin(set(study_units))]
    panel = pd.read_csv(snakemake.input.panel, dtype={"code": str})
    years = snakemake.params.years
    w, facts = weights.build(
        WeightsSettings.model_validate(snakemake.params.spec), gdf, panel, (years["first"], years["last"])
    )
    summary = weights.write(w, facts, Path(snakemake.output.summary).parent)
    for action in summary["actions"]:
        log.info(action)
    log.info(
        "%s: %d units, %d links, %d component(s), rho in (%.4f, %.4f)",
        w.name,
        summary["n"],
        summary["links"],
        summary["components"]["count"],
        summary["rho_bounds"]["lower"],
        summary["rho_bounds"]["upper"],
    )
