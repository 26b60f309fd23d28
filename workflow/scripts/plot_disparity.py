"""Rule disparity_figures: kernel densities by region and the Dagum Gini decomposition of one variable."""

import pandas as pd

from nqpf import figures
from nqpf.disparity.settings import DisparitySettings
from nqpf.figures.style import FigureFiles
from nqpf.study import frames
from nqpf.study.logs import step
from nqpf.tables.labels import Labels
from nqpf.units.regions import REGIONS

with step(snakemake.log[0], f"disparity figures {snakemake.wildcards.variable}"):
    settings = DisparitySettings.model_validate(snakemake.params.settings)
    variable = snakemake.wildcards.variable
    frame = frames.study_frame(snakemake.input.panel, snakemake.input.indices, snakemake.input.units)
    frames.require(frame, [variable], "disparity.variables")
    group = settings.group_column
    # by province, the eight largest groups keep the figure readable
    order = list(REGIONS) if group == "region" else list(frame[group].value_counts().index[:8])
    span = snakemake.params.years
    years = settings.kernel_years_of(span["first"], span["last"])
    labels = Labels(snakemake.params.language, snakemake.params.labels)
    dpi = snakemake.params.dpi
    note = labels.term("simulated") if snakemake.params.simulated else ""
    figures.kernel_densities(
        frame,
        variable,
        group,
        order,
        years,
        FigureFiles.of(snakemake.output, "kernel", dpi),
        note,
        labels=labels,
    )
    gini = pd.read_csv(snakemake.input.gini)
    figures.gini_decomposition(
        gini, variable, FigureFiles.of(snakemake.output, "gini", dpi), note, labels=labels
    )
