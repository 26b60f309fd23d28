"""Rule ellipse_map: the gravity centre track and standard deviational ellipses of one variable on a map."""

import pandas as pd

from nqpf import figures
from nqpf.esda import centrography
from nqpf.figures import display
from nqpf.figures.style import FigureFiles
from nqpf.study.logs import step
from nqpf.tables.labels import Labels
from nqpf.units import boundaries

with step(snakemake.log[0], f"ellipse map {snakemake.wildcards.variable}"):
    variable = snakemake.wildcards.variable
    units = boundaries.read(snakemake.input.boundaries)
    _, crs = centrography.unit_coordinates(units, snakemake.params.projection)
    tracks = pd.read_csv(snakemake.input.track, keep_default_na=False, na_values=[""])
    labels = Labels(snakemake.params.language, snakemake.params.labels)
    figures.ellipse_map(
        units,
        tracks[tracks["variable"] == variable],
        variable,
        snakemake.params.years,
        FigureFiles.of(snakemake.output, "ellipse", snakemake.params.dpi),
        labels.term("simulated") if snakemake.params.simulated else "",
        projection=snakemake.params.projection,
        crs=crs,
        titles=snakemake.params.titles,
        labels=labels,
        display=display.read(snakemake.input.display),
    )
