"""Rule model: every model of the study on one weights matrix (estimates, effects, tests, fit), after the check
that the panel has no gap in the models' variables and years (or the units with gaps named, with
models.balance: drop_units)."""

import pandas as pd

from nqpf import io, panel, weights
from nqpf.models import specifications
from nqpf.models.settings import ModelsSettings
from nqpf.study import frames
from nqpf.study.logs import part, step

study, w_name = snakemake.wildcards.study, snakemake.wildcards.w
with step(snakemake.log[0], f"{study}: models on {w_name}", snakemake.params.config_file) as log:
    balance = snakemake.params.balance
    gaps = pd.read_csv(snakemake.input.gaps, dtype={"code": str, "row": str, "file": str})
    settings = ModelsSettings.model_validate(snakemake.params.settings)
    for note in panel.check_model_balance(
        gaps,
        balance["variables"],
        tuple(balance["years"]),
        balance["drop_units"],
        dependent=settings.dependent,
    ):
        log.info(note)
    frame = frames.study_frame(snakemake.input.panel, snakemake.input.indices)
    units = pd.read_csv(snakemake.input.units, dtype=str)
    w = weights.load(snakemake.input.gwt, snakemake.input.summary, snakemake.input.eigen)
    results = {}
    for model in settings.models:
        with part(f"{study}: {model} on {w_name}"):
            results[model] = result = specifications.analyse(
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
            log.info("%s: %s", model, note)
        for record in result.fit["specs"]:
            log.info(
                "%s %s: log-likelihood %.4f, %s",
                model,
                record["spec"],
                record["loglik"],
                ", ".join(f"{k} {record[k]:.4f}" for k in ("rho", "lambda") if record.get(k) is not None),
            )
    tables = specifications.stacked(results)
    io.write_csv(tables["estimates"], snakemake.output.estimates)
    io.write_csv(tables["effects"], snakemake.output.effects)
    io.write_csv(tables["tests"], snakemake.output.tests)
    io.write_json(tables["fit"], snakemake.output.fit)
