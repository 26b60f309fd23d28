"""Rule disparity: regional gaps, Dagum Gini, Theil, dispersion and convergence of the configured variables."""

from nqpf import disparity, io
from nqpf.study import frames
from nqpf.study.logs import step

with step(snakemake.log[0], f"disparity {snakemake.wildcards.study}") as log:
    settings = disparity.DisparitySettings.model_validate(snakemake.params.settings)
    frame = frames.study_frame(snakemake.input.panel, snakemake.input.indices, snakemake.input.units)
    frames.require(frame, settings.variables, "disparity.variables")
    tables = disparity.study_tables(frame, settings)
    ungrouped = sorted(frame.loc[frame[settings.group_column].isna(), "code"].unique())
    if ungrouped:
        log.info(
            "%d units have no %s and are left out of the decompositions: %s",
            len(ungrouped),
            settings.group_column,
            ", ".join(ungrouped),
        )
    for name, table in tables.items():
        io.write_csv(table, snakemake.output[name])
    gini = tables["dagum_gini"]
    for variable in settings.variables:
        last = gini[gini["variable"] == variable].iloc[-1]
        log.info(
            "%s: Dagum Gini %.4f in %d (between-region share %.1f %%)",
            variable,
            last["G"],
            last["year"],
            last["share_nb_percent"],
        )
