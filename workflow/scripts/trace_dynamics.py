"""Rule dynamics: traditional, spatial and LISA Markov chains of the configured variables on their weights."""

from nqpf import dynamics, io, weights
from nqpf.study import frames
from nqpf.study.logs import step

with step(snakemake.log[0], f"dynamics {snakemake.wildcards.study}") as log:
    settings = dynamics.DynamicsSettings.model_validate(snakemake.params.settings)
    frame = frames.study_frame(snakemake.input.panel, snakemake.input.indices)
    frames.require(frame, settings.variables, "dynamics.variables")
    files = list(snakemake.input.weights)
    matrices = [weights.load(gwt, summary) for gwt, summary in zip(files[::2], files[1::2], strict=True)]
    tables = dynamics.analyse(frame, settings, matrices, snakemake.params.years)
    for name, table in tables.items():
        io.write_csv(table, snakemake.output[name])
    if len(tables["left_out"]):
        log.info("%d unit-years without a value left out (dynamics/left_out.csv)", len(tables["left_out"]))
    steady = tables["steady_state"]
    for variable in settings.variables:
        traditional = steady[(steady["variable"] == variable) & (steady["chain"] == "traditional")]
        log.info(
            "%s: %d classes (%s); steady state of the traditional chain %s",
            variable,
            settings.classes,
            settings.scheme,
            ", ".join(f"{p:.3f}" for p in traditional["steady_state"]),
        )
    for row in tables["homogeneity"].itertuples():
        log.info(
            "%s, %s homogeneity on %s: Q %.3f, LR %.3f, %d df (p %.4f, %.4f); %d transitions, %d without a lag",
            row.variable,
            row.test,
            row.weights or row.periods,
            row.q,
            row.lr,
            row.dof,
            row.p_q,
            row.p_lr,
            row.transitions,
            row.no_lag,
        )
