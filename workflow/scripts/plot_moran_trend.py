"""Rule moran_trend: Moran's I of every variable and weights matrix by year."""

import pandas as pd

from nqpf import figures
from nqpf.esda.settings import EsdaSettings
from nqpf.figures.style import FigureFiles
from nqpf.study.logs import step
from nqpf.tables.labels import Labels

with step(snakemake.log[0], f"Moran trend {snakemake.wildcards.study}"):
    table = pd.read_csv(snakemake.input[0])
    alpha = EsdaSettings.model_validate(snakemake.params.settings).significance.alpha
    labels = Labels(snakemake.params.language, snakemake.params.labels)
    note = labels.term("simulated") if snakemake.params.simulated else ""
    figures.moran_trend(
        table, FigureFiles.of(snakemake.output, "trend", snakemake.params.dpi), alpha, note, labels=labels
    )
