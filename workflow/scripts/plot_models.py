"""Rule model_figures_<study>: the coefficients of every model, then the direct, indirect and total effects of each
model that has them, on every weights matrix with their intervals."""

import pandas as pd

from nqpf import figures
from nqpf.figures.style import FigureFiles
from nqpf.models.settings import ModelsSettings
from nqpf.study.logs import part, step
from nqpf.tables.labels import Labels

study = snakemake.wildcards.study
with step(snakemake.log[0], f"model figures {study}"):
    settings = ModelsSettings.model_validate(snakemake.params.settings)
    # the words and names of the study's tables, in its language
    labels = Labels(snakemake.params.language, snakemake.params.labels)
    note = labels.term("simulated") if snakemake.params.simulated else ""
    dpi = snakemake.params.dpi
    method = settings.methods[0]  # one method when several are estimated: the first configured
    with part(f"{study}: coefficient plot"):
        figures.coefficient_plot(
            pd.read_csv(snakemake.input.estimates),
            FigureFiles.of(snakemake.output, "coefficients", dpi),
            method=method,
            dependent=settings.dependent,
            level=settings.effects.level,
            labels=labels,
            note=note,
            source=snakemake.input.estimates,
        )
    effects = pd.read_csv(snakemake.input.effects)
    # the fits flag the W whose spatial parameter is at its bound; the intervals' inference is configured
    fits = pd.read_csv(snakemake.input.fit)
    for model in snakemake.params.models:
        with part(f"{study}: effects plot {model}"):
            figures.effects_plot(
                effects,
                FigureFiles.of(snakemake.output, f"effects[{model}]", dpi),
                model=model,
                method=method,
                dependent=settings.dependent,
                level=settings.effects.level,
                labels=labels,
                note=note,
                source=snakemake.input.effects,
                fits=fits,
                inference=settings.effects.inference,
            )
