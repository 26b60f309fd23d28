"""Rule esda_maps: LISA cluster maps by year and the Moran scatterplot of the last year."""

import pandas as pd

from nqpf import figures, weights
from nqpf.esda import by_year
from nqpf.study import frames
from nqpf.study.logs import step
from nqpf.units import boundaries, named_regions

with step(snakemake.log[0], f"esda maps {snakemake.wildcards.variable} on {snakemake.wildcards.w}"):
    variable, name = snakemake.wildcards.variable, snakemake.wildcards.w
    settings = snakemake.params.settings
    local = pd.read_csv(snakemake.input.local, dtype={"code": str})
    lisa = local[local["statistic"] == "lisa"]
    units = pd.read_csv(snakemake.input.units, dtype={"code": str, "prefecture_code": str})
    gdf = boundaries.read(snakemake.input.boundaries)
    gdf = gdf[gdf["code"].isin(set(units["code"]))]
    named = [
        named_regions.NamedRegion.from_config(r)
        for r in settings.get("named_regions") or named_regions.as_config()
    ]
    outlines = {r.name: (r.name_zh, r.members(units)) for r in named}
    years = list(snakemake.params.years)
    map_years = settings.get("map_years") or (
        years if len(years) <= 12 else [years[0], years[len(years) // 2], years[-1]]
    )
    note = "simulated demo data" if snakemake.params.simulated else ""
    title = f"LISA clusters of {variable} ({name}, {settings.get('significance', {}).get('method', 'fdr')})"
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
