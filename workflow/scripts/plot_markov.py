"""Rule markov_figure: the transition probabilities of one variable's Markov chains on one W as heat maps."""

import pandas as pd

from nqpf import figures
from nqpf.figures.style import FigureFiles
from nqpf.study.logs import step
from nqpf.tables.labels import Labels

with step(snakemake.log[0], f"markov {snakemake.wildcards.variable} on {snakemake.wildcards.w}"):
    labels = Labels(snakemake.params.language, snakemake.params.labels)
    figures.markov_heatmaps(
        pd.read_csv(snakemake.input.transitions, keep_default_na=False, na_values=[""]),
        pd.read_csv(snakemake.input.homogeneity),
        snakemake.wildcards.variable,
        snakemake.wildcards.w,
        FigureFiles.of(snakemake.output, "markov", snakemake.params.dpi),
        labels.term("simulated") if snakemake.params.simulated else "",
        labels=labels,
        titles=snakemake.params.titles,
    )
