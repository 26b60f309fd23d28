"""Rule weights_map: the connectivity map of one weights matrix."""

import json

from nqpf import figures, weights
from nqpf.figures import display
from nqpf.figures.style import FigureFiles
from nqpf.study.logs import step
from nqpf.tables.labels import Labels
from nqpf.units import boundaries

with step(snakemake.log[0], f"weights map {snakemake.wildcards.study}/{snakemake.wildcards.w}"):
    w = weights.load(snakemake.input.gwt, snakemake.input.summary)
    with open(snakemake.input.summary, encoding="utf-8") as handle:
        summary = json.load(handle)
    gdf = boundaries.read(snakemake.input.boundaries)
    figures.connectivity_map(
        gdf,
        w,
        FigureFiles.of(snakemake.output, "png", snakemake.params.dpi),
        summary.get("added_links"),
        projection=snakemake.params.projection,
        titles=snakemake.params.titles,
        labels=Labels(snakemake.params.language, snakemake.params.labels),
        display=display.read(snakemake.input.display),
    )
