"""Rule moderation_figure: the marginal effect of the treatment against the moderator, with its interval."""

import pandas as pd

from nqpf import figures
from nqpf.figures.style import FigureFiles
from nqpf.study.logs import step
from nqpf.tables.labels import Labels

with step(snakemake.log[0], f"moderation marginal-effect plot {snakemake.wildcards.study}"):
    fit = pd.read_csv(snakemake.input.fit).iloc[0]
    labels = Labels(snakemake.params.language, snakemake.params.labels)
    figures.marginal_plot(
        pd.read_csv(snakemake.input.marginal),
        FigureFiles.of(snakemake.output, "marginal", snakemake.params.dpi),
        str(fit["treatment"]),
        str(fit["moderator"]),
        level=float(fit["level"]),
        note=labels.term("simulated") if snakemake.params.simulated else "",
        labels=labels,
        centre=float(fit["moderator_mean"]),
    )
