"""Rules index_map and index_map_year: maps of one composite index by year on one colour scale (PNG and PDF),
the mapped years side by side, or one of them on the classes of all of them."""

import pandas as pd

from nqpf import figures
from nqpf.figures import display
from nqpf.figures.settings import FiguresSettings
from nqpf.figures.style import FigureFiles, given_name
from nqpf.indices.settings import IndexSettings
from nqpf.study.logs import step
from nqpf.tables.labels import Labels
from nqpf.units import boundaries

with step(snakemake.log[0], f"index map {snakemake.wildcards.study}/{snakemake.wildcards.index}"):
    spec = IndexSettings.model_validate(snakemake.params.spec)
    settings = FiguresSettings.model_validate(snakemake.params.figures)
    labels = Labels(snakemake.params.language, snakemake.params.labels)
    units = pd.read_csv(snakemake.input.units, dtype={"code": str, "province_code": str})
    gdf = boundaries.read(snakemake.input.boundaries)
    # the provinces come from the study's units, so that user polygons are outlined by province too
    gdf = gdf.drop(columns="province_code", errors="ignore").merge(
        units[["code", "province_code"]], on="code"
    )
    figures.index_maps(
        gdf,
        pd.read_csv(snakemake.input.values, dtype={"code": str}),
        FigureFiles.of(snakemake.output, "png", snakemake.params.dpi),
        column="index",
        years=snakemake.params.years,
        title=given_name(labels, spec.name, spec.label),
        classes=settings.map_classes,
        note=labels.term("simulated") if snakemake.params.simulated else "",
        source=snakemake.input.values,
        projection=snakemake.params.projection,
        scheme=settings.map_scheme,
        breaks=settings.map_breaks,
        colours=settings.map_colours,
        titles=settings.titles,
        class_years=snakemake.params.get("class_years"),
        labels=labels,
        display=display.read(snakemake.input.display),
    )
