"""Rule geodetector_figure: the factors' q by period and the interaction matrix of the last period."""

import pandas as pd

from nqpf import figures
from nqpf.figures.style import FigureFiles
from nqpf.study.logs import step
from nqpf.tables.labels import Labels

with step(snakemake.log[0], f"geodetector figure {snakemake.wildcards.study}"):
    labels = Labels(snakemake.params.language, snakemake.params.labels)
    figures.geodetector_figure(
        pd.read_csv(snakemake.input.factor),
        pd.read_csv(snakemake.input.interaction),
        snakemake.params.dependent,
        FigureFiles.of(snakemake.output, "figure", snakemake.params.dpi),
        labels.term("simulated") if snakemake.params.simulated else "",
        labels=labels,
        titles=snakemake.params.titles,
    )
