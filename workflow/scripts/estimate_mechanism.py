"""Rules mediation, moderation and quadratic: one mechanism test of the regressor of interest (mediation through
a mediator, moderation by a moderator, or the square of a variable), as a fixed-effects regression and, on the
W of models.mechanisms, as a spatial lag model with its effects."""

import pandas as pd

from nqpf import io, weights
from nqpf.models import mechanisms
from nqpf.models.settings import ModelsSettings
from nqpf.study import frames
from nqpf.study.logs import step

kind, variable = snakemake.params.kind, snakemake.wildcards.variable
with step(snakemake.log[0], f"{kind} {variable} {snakemake.wildcards.study}") as log:
    settings = ModelsSettings.model_validate(snakemake.params.settings)
    spec = settings.mechanisms
    frame = frames.study_frame(snakemake.input.panel, snakemake.input.indices)
    w = weights.load(*snakemake.input.weights) if snakemake.input.weights else None
    options = {
        "fixed_effects": settings.fixed_effects,
        "cov": spec.cov,
        "draws": spec.draws,
        "seed": spec.seed,
        "level": spec.level,
        "years": snakemake.params.years,
        "balance": settings.balance,
        "source": snakemake.input.panel,
    }
    spatial = {"w": w, "model": spec.model, "method": settings.methods[0]}
    treatment = settings.treatment
    if kind == "mediation":
        result = mechanisms.mediation(
            frame,
            settings.dependent,
            treatment,
            variable,
            settings.mechanism_controls(variable),
            bootstrap=spec.bootstrap,
            **(spatial if w is not None else {}),
            **options,
        )
        tables = result.frames()
        row = tables["indirect"].iloc[0]
        log.info(
            "%s -> %s -> %s: a b %.6g, Sobel z %.3f (p %.4f), bootstrap interval [%.6g, %.6g] of %d draws",
            treatment,
            variable,
            settings.dependent,
            row["indirect"],
            row["sobel_z"],
            row["sobel_p"],
            row["boot_ci_low"],
            row["boot_ci_high"],
            row["bootstrap"],
        )
    else:
        analyse = mechanisms.moderation if kind == "moderation" else mechanisms.quadratic
        roles = (treatment, variable) if kind == "moderation" else (variable,)
        controls = settings.mechanism_controls(*roles)
        if kind == "moderation":
            options["points"] = spec.points
        fits = [analyse(frame, settings.dependent, *roles, controls, **options)]
        if w is not None:
            fits.append(analyse(frame, settings.dependent, *roles, controls, **spatial, **options))
        parts = [fit.frames() for fit in fits]
        tables = {name: pd.concat([p[name] for p in parts], ignore_index=True) for name in parts[0]}
        for row in tables["estimates"].itertuples():
            log.info(
                "%s %s: %.6g (s.e. %.4g, p %.4f)", row.spec, row.term, row.estimate, row.std_error, row.p
            )
    for name, table in tables.items():
        io.write_csv(table, snakemake.output[name])
