"""Rule esda_maps: LISA cluster maps by year and the Moran scatterplot of the last year."""

import pandas as pd

from nqpf import figures, weights
from nqpf.esda import by_year
from nqpf.esda.settings import EsdaSettings
from nqpf.study import frames
from nqpf.study.logs import step
from nqpf.units import boundaries

with step(snakemake.log[0], f"esda maps {snakemake.wildcards.variable} on {snakemake.wildcards.w}"):
    variable, name = snakemake.wildcards.variable, snakemake.wildcards.w
    settings = EsdaSettings.model_validate(snakemake.params.settings)
    local = pd.read_csv(snakemake.input.local, dtype={"code": str})
    lisa = local[local["statistic"] == "lisa"]
    units = pd.read_csv(snakemake.input.units, dtype={"code": str, "prefecture_code": str})
    gdf = boundaries.read(snakemake.input.boundaries)
    gdf = gdf[gdf["code"].isin(set(units["code"]))]
    outlines = {r.name: (r.name_zh, r.members(units)) for r in settings.regions}
    years = list(snakemake.params.years)
    map_years = settings.map_years_of(years)
    note = "simulated demo data" if snakemake.params.simulated else ""
    title = f"LISA clusters of {variable} ({name}, {settings.significance.method})"
    figures.lisa_cluster_maps(gdf, lisa, map_years, snakemake.output.lisa, title, outlines, note)
    w = weights.load(snakemake.input.gwt, snakemake.input.summary)
    last = years[-1]
    x = by_year.values_by_year(
        frames.study_frame(snakemake.input.panel, snakemake.input.indices), variable, w.ids, [last]
    )[last]
    year = lisa[lisa["year"] == last].set_index("code").loc[list(w.ids)]
    moran = pd.read_csv(snakemake.input.global_)
    value = moran[(moran["statistic"] == "moran") & (moran["year"] == last)]["value"].iloc[0]
    labels = units.set_index("code").loc[list(w.ids)]
    names = list(zip(labels["name"], labels["name_en"], strict=True))
    figures.moran_scatter(
        x,
        w.matrix,
        names,
        year["quadrant"].to_numpy(),
        year["significant"].to_numpy(),
        value,
        snakemake.output.scatter,
        f"{variable} ({name}), {last}",
        note,
    )
