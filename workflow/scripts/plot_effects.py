"""Rule effects_plot: direct, indirect and total effects of one model on every weights matrix."""

import pandas as pd

from nqpf import figures
from nqpf.figures.style import FigureFiles
from nqpf.models.settings import ModelsSettings
from nqpf.study.logs import step
from nqpf.tables.labels import Labels

with step(snakemake.log[0], f"effects plot {snakemake.wildcards.study}/{snakemake.wildcards.model}"):
    settings = ModelsSettings.model_validate(snakemake.params.settings)
    # the words and names of the study's tables, in its language
    labels = Labels(snakemake.params.language, snakemake.params.labels)
    figures.effects_plot(
        pd.read_csv(snakemake.input[0]),
        FigureFiles.of(snakemake.output, "png", snakemake.params.dpi),
        model=snakemake.wildcards.model,
        method=settings.methods[0],  # one method when several are estimated: the first configured
        dependent=settings.dependent,
        level=settings.effects.level,
        labels=labels,
        note=labels.term("simulated") if snakemake.params.simulated else "",
        source=snakemake.input[0],
        # the fits flag the W whose spatial parameter is at its bound; the intervals' inference is configured
        fits=pd.read_csv(snakemake.input[1]),
        inference=settings.effects.inference,
    )
