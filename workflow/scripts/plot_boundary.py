"""Rule boundary_figure: the indirect (spillover) effect against distance, with its interval."""

import pandas as pd

from nqpf import figures
from nqpf.figures.style import FigureFiles
from nqpf.study.logs import step
from nqpf.tables.labels import Labels

with step(snakemake.log[0], f"spillover boundary figure {snakemake.wildcards.study}"):
    labels = Labels(snakemake.params.language, snakemake.params.labels)
    figures.boundary_plot(
        pd.read_csv(snakemake.input.effects, keep_default_na=False, na_values=[""]),
        FigureFiles.of(snakemake.output, "boundary", snakemake.params.dpi),
        level=snakemake.params.level,
        note=labels.term("simulated") if snakemake.params.simulated else "",
        labels=labels,
    )
