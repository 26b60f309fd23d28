"""Rule index_regions: the mean of one composite index by region and year, in the study's language."""

import pandas as pd

from nqpf import disparity, figures
from nqpf.figures.style import FigureFiles, given_name
from nqpf.indices.settings import IndexSettings
from nqpf.study.logs import step
from nqpf.tables.labels import Labels

with step(snakemake.log[0], f"index regions {snakemake.wildcards.study}/{snakemake.wildcards.index}"):
    spec = IndexSettings.model_validate(snakemake.params.spec)
    labels = Labels(snakemake.params.language, snakemake.params.labels)
    values = pd.read_csv(snakemake.input.values, dtype={"code": str})
    units = pd.read_csv(snakemake.input.units, dtype={"code": str})
    means = disparity.regional_means(values.merge(units[["code", "region"]], on="code"), "index")
    figures.regional_trend(
        means,
        spec.name,
        FigureFiles.of(snakemake.output, "figure", snakemake.params.dpi),
        labels.term("simulated") if snakemake.params.simulated else "",
        labels=labels,
        title=given_name(labels, spec.name, spec.label),
    )
