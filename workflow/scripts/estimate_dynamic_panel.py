"""Rule dynamic_panel: the dynamic spatial panel model of models.dynamic (nqpf.DynamicSpatialPanelModel), with the pilot
policy's treatment among the regressors when it asks for it, its short- and long-run effects."""

from nqpf import io, weights
from nqpf.models.did import TERM, policy_of, treatment
from nqpf.models.dynamic import DynamicSpatialPanelModel
from nqpf.models.settings import DynamicSettings
from nqpf.study import frames
from nqpf.study.logs import step

with step(snakemake.log[0], f"dynamic spatial panel model {snakemake.wildcards.study}") as log:
    settings = snakemake.params.settings
    spec = DynamicSettings.model_validate(settings["dynamic"])
    frame = frames.study_frame(snakemake.input.panel, snakemake.input.indices, snakemake.input.units)
    explanatory = list(settings["explanatory"])
    if spec.policy:
        frame[TERM] = treatment(frame, policy_of(frame, settings["first_year"], source=snakemake.input.units))
        explanatory.append(TERM)
    result = DynamicSpatialPanelModel(
        frame,
        settings["dependent"],
        explanatory,
        weights.load(*snakemake.input.weights),
        model=spec.model,
        lags=spec.lags,
        fixed_effects=spec.fixed_effects,
        bias_correction=spec.bias_correction,
        years=snakemake.params.years,
        source=snakemake.input.panel,
    ).fit()
    tables = result.frames(draws=spec.draws, seed=spec.seed, level=spec.level)
    for row in tables["estimates"].itertuples():
        log.info("%s: %.6g (s.e. %.4g; QML %.6g)", row.term, row.estimate, row.std_error, row.qml)
    stability = result.stability
    log.info(
        "gamma + eta + rho %.4f (s.e. %.4f), largest modulus %.4f", stability["sum"], stability["sum_std_error"],
        stability["max_modulus"],
    )  # fmt: skip
    for note in result.notes:
        log.warning("%s", note)
    for name, table in tables.items():
        io.write_csv(table, snakemake.output[name])
