"""Rule kernel_surface: the kernel density of one variable over the study's years as a surface."""

from nqpf import figures
from nqpf.figures.style import FigureFiles
from nqpf.study import frames
from nqpf.study.logs import step
from nqpf.tables.labels import Labels

with step(snakemake.log[0], f"kernel surface {snakemake.wildcards.variable}"):
    variable = snakemake.wildcards.variable
    frame = frames.study_frame(snakemake.input.panel, snakemake.input.indices)
    frames.require(frame, [variable], "dynamics.variables")
    labels = Labels(snakemake.params.language, snakemake.params.labels)
    figures.kernel_surface(
        frame,
        variable,
        snakemake.params.years,
        FigureFiles.of(snakemake.output, "surface", snakemake.params.dpi),
        labels.term("simulated") if snakemake.params.simulated else "",
        labels=labels,
        titles=snakemake.params.titles,
    )
