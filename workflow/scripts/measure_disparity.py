"""Rule disparity: regional gaps, Dagum Gini, Theil, dispersion and convergence of the configured variables."""

import pandas as pd

from nqpf import disparity, io
from nqpf.disparity import convergence
from nqpf.study import frames
from nqpf.study.logs import step
from nqpf.units.regions import REGIONS

with step(snakemake.log[0], f"disparity {snakemake.wildcards.study}") as log:
    settings = snakemake.params.settings
    frame = frames.study_frame(snakemake.input.panel, snakemake.input.indices, snakemake.input.units)
    frames.require(frame, settings["variables"], "disparity.variables")
    group = {"region": "region", "province": "province_code"}[settings["groups"]]
    order = list(REGIONS) if group == "region" else sorted(frame[group].dropna().unique())
    tables = disparity.analyse(frame, settings["variables"], group, order)
    rows = []
    if settings.get("convergence", True):
        for variable in settings["variables"]:
            rows += [
                convergence.sigma(frame, variable, group, order),
                convergence.beta(frame, variable, group, order),
            ]
    tables["convergence"] = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()
    for name, table in tables.items():
        io.write_csv(table, snakemake.output[name])
    gini = tables["dagum_gini"]
    for variable in settings["variables"]:
        last = gini[gini["variable"] == variable].iloc[-1]
        log.info(
            "%s: Dagum Gini %.4f in %d (between-region share %.1f %%)",
            variable,
            last["G"],
            last["year"],
            last["share_nb_percent"],
        )
