"""Rule threshold_figure: the likelihood-ratio plot of each threshold of the panel threshold model."""

import pandas as pd

from nqpf import figures
from nqpf.figures.style import FigureFiles
from nqpf.study.logs import step
from nqpf.tables.labels import Labels

with step(snakemake.log[0], f"threshold LR plot {snakemake.wildcards.study}"):
    fit = pd.read_csv(snakemake.input.fit).iloc[0]
    labels = Labels(snakemake.params.language, snakemake.params.labels)
    figures.lr_plot(
        pd.read_csv(snakemake.input.lr),
        pd.read_csv(snakemake.input.thresholds),
        FigureFiles.of(snakemake.output, "lr", snakemake.params.dpi),
        str(fit["threshold_variable"]),
        level=float(fit["level"]),
        note=labels.term("simulated") if snakemake.params.simulated else "",
        labels=labels,
    )
