"""Rule weights: build one spatial weights matrix of a study and write its GAL, GWT and summary."""

from pathlib import Path

import pandas as pd

from nqpf import weights
from nqpf.study.logs import step
from nqpf.units import boundaries, crs
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
        WeightsSettings.model_validate(snakemake.params.spec),
        gdf,
        panel,
        (years["first"], years["last"]),
        projection=snakemake.params.projection,
    )
    summary = weights.write(w, facts, Path(snakemake.output.summary).parent)
    for action in summary["actions"]:
        log.info(action)
    if summary["centroids"] != "none":
        # the projection given (units.projection, also in the summary) or the one chosen from the units
        used = summary.get("projection") or crs.describe(gdf)
        log.info("projection: %s (%s), %s", used["name"], used["crs"], used["source"])
        for note in used["notes"]:
            log.warning(note)
    log.info(
        "%s: %d units, %d links, %d component(s), rho in (%.4f, %.4f)",
        w.name,
        summary["n"],
        summary["links"],
        summary["components"]["count"],
        summary["rho_bounds"]["lower"],
        summary["rho_bounds"]["upper"],
    )
