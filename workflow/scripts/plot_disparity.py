"""Rule disparity_figures_<study>: kernel densities by region and the Dagum Gini decomposition of each disparity
variable."""

import pandas as pd

from nqpf import figures
from nqpf.disparity.settings import DisparitySettings
from nqpf.figures.style import FigureFiles
from nqpf.study import frames
from nqpf.study.logs import part, step
from nqpf.tables.labels import Labels
from nqpf.units.regions import REGIONS

with step(snakemake.log[0], f"disparity figures {snakemake.wildcards.study}"):
    settings = DisparitySettings.model_validate(snakemake.params.settings)
    frame = frames.study_frame(snakemake.input.panel, snakemake.input.indices, snakemake.input.units)
    frames.require(frame, settings.variables, "disparity.variables")
    group = settings.group_column
    # by province, the eight largest groups keep the figure readable
    order = list(REGIONS) if group == "region" else list(frame[group].value_counts().index[:8])
    span = snakemake.params.years
    years = settings.kernel_years_of(span["first"], span["last"])
    labels = Labels(snakemake.params.language, snakemake.params.labels)
    dpi = snakemake.params.dpi
    note = labels.term("simulated") if snakemake.params.simulated else ""
    gini = pd.read_csv(snakemake.input.gini)
    # the files of each figure of a variable: kernel[<variable>], gini[<variable>] (names that begin no other's)
    for variable in settings.variables:
        with part(f"disparity figures {variable}"):
            figures.kernel_densities(
                frame,
                variable,
                group,
                order,
                years,
                FigureFiles.of(snakemake.output, f"kernel[{variable}]", dpi),
                note,
                labels=labels,
            )
            figures.gini_decomposition(
                gini,
                variable,
                FigureFiles.of(snakemake.output, f"gini[{variable}]", dpi),
                note,
                labels=labels,
            )
