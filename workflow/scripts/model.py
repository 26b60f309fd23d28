"""Rule model: one spatial model on one weights matrix (estimates, effects, tests, fit)."""

import pandas as pd

from nqpf import io, weights
from nqpf.models import specifications
from nqpf.models.settings import ModelsSettings
from nqpf.study import frames
from nqpf.study.logs import step

study, model, w_name = snakemake.wildcards.study, snakemake.wildcards.model, snakemake.wildcards.w
with step(snakemake.log[0], f"{study}: {model} on {w_name}", snakemake.params.config_file) as log:
    frame = frames.study_frame(snakemake.input.panel, snakemake.input.indices)
    units = pd.read_csv(snakemake.input.units, dtype=str)
    w = weights.load(snakemake.input.gwt, snakemake.input.summary, snakemake.input.eigen)
    settings = ModelsSettings.model_validate(snakemake.params.settings)
    result = specifications.analyse(
        model,
        frame,
        snakemake.params.years,
        w,
        units,
        settings,
        study=study,
        source=snakemake.input.panel,
    )
    for note in result.notes:
        log.info(note)
    io.write_csv(result.estimates, snakemake.output.estimates)
    io.write_csv(result.effects, snakemake.output.effects)
    io.write_csv(result.tests, snakemake.output.tests)
    io.write_json(result.fit, snakemake.output.fit)
    for record in result.fit["specs"]:
        log.info(
            "%s: log-likelihood %.4f, %s",
            record["spec"],
            record["loglik"],
            ", ".join(f"{k} {record[k]:.4f}" for k in ("rho", "lambda") if record.get(k) is not None),
        )
