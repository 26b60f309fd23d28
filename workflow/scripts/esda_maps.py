"""Rule esda_maps: LISA cluster maps by year."""

import pandas as pd

from nqpf import figures
from nqpf.esda.settings import EsdaSettings
from nqpf.figures import display
from nqpf.figures.style import FigureFiles
from nqpf.study.logs import step
from nqpf.tables.labels import Labels
from nqpf.units import boundaries

with step(snakemake.log[0], f"esda maps {snakemake.wildcards.variable} on {snakemake.wildcards.w}"):
    variable, name = snakemake.wildcards.variable, snakemake.wildcards.w
    settings = EsdaSettings.model_validate(snakemake.params.settings)
    labels = Labels(snakemake.params.language, snakemake.params.labels)
    local = pd.read_csv(snakemake.input.local, dtype={"code": str})
    lisa = local[local["statistic"] == "lisa"]
    units = pd.read_csv(snakemake.input.units, dtype={"code": str, "prefecture_code": str})
    gdf = boundaries.read(snakemake.input.boundaries)
    gdf = gdf[gdf["code"].isin(set(units["code"]))]
    outlines = {r.name: (r.name_zh, r.members(units)) for r in settings.regions}
    years = list(snakemake.params.years)
    map_years = settings.map_years_of(years)
    note = labels.term("simulated") if snakemake.params.simulated else ""
    title = labels.term(
        "lisa_title",
        variable=labels.name(variable),
        weights=labels.name(name),
        method=labels.term(f"correction_{settings.significance.method}"),
    )
    figures.lisa_cluster_maps(
        gdf,
        lisa,
        map_years,
        FigureFiles.of(snakemake.output, "lisa", snakemake.params.dpi),
        title,
        outlines,
        note,
        projection=snakemake.params.projection,
        titles=snakemake.params.titles,
        labels=labels,
        display=display.read(snakemake.input.display),
    )
