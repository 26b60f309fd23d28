"""Rule policy: the evaluation of the study's pilot policy (models.policy): the two-way fixed-effects DID, the
event studies, the placebo test and the spatial DID (nqpf.models.did.evaluate)."""

from nqpf import io, weights
from nqpf.models import did
from nqpf.models.settings import PolicySettings
from nqpf.study import frames
from nqpf.study.logs import step

with step(snakemake.log[0], f"policy evaluation {snakemake.wildcards.study}") as log:
    settings = snakemake.params.settings
    spec = PolicySettings.model_validate(settings["policy"])
    frame = frames.study_frame(snakemake.input.panel, snakemake.input.indices, snakemake.input.units)
    policy = did.policy_of(frame, spec.first_year, source=snakemake.input.units)
    w = weights.load(*snakemake.input.weights) if snakemake.input.weights else None
    result = did.evaluate(
        frame,
        settings["dependent"],
        policy,
        settings["controls"],
        w,
        methods=spec.methods,
        leads=spec.leads,
        lags=spec.lags,
        control_group=spec.control_group,
        bin_ends=spec.bin_ends,
        cov=spec.cov,
        placebo_draws=spec.placebo,
        placebo_mode=spec.placebo_mode,
        model=spec.model,
        method=settings["method"],
        draws=spec.draws,
        seed=spec.seed,
        level=spec.level,
        years=snakemake.params.years,
        balance=settings["balance"],
        source=snakemake.input.panel,
    )
    tables = result.frames()
    row = tables["did"].iloc[0]
    log.info(
        "DID of %s: %.6g (s.e. %.4g, p %.4f), %d treated units in %d cohorts, %d never treated",
        settings["dependent"],
        row["estimate"],
        row["std_error"],
        row["p"],
        row["n_treated"],
        row["n_cohorts"],
        row["n_never_treated"],
    )
    for line in tables["pretrend"].itertuples():
        log.info("%s pre-trends: F %.4f (p %.4f)", line.method, line.f, line.p)
    if result.placebo is not None:
        log.info("placebo: %d draws, randomisation p %.4f", result.placebo.draws, result.placebo.p_value)
    if result.spatial is not None:
        for line in result.spatial.effects.itertuples():
            log.info("spatial DID %s effect %.6g (s.e. %.4g)", line.effect, line.estimate, line.std_error)
    for name, table in tables.items():
        io.write_csv(table, snakemake.output[name])
