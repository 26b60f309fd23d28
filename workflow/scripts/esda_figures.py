"""Rules esda_figures and esda_figures_without_maps: the LISA cluster maps by year (where the units have polygons)
and the Moran scatterplot of the last year of one variable on one W."""

import pandas as pd

from nqpf import figures, weights
from nqpf.esda import by_year
from nqpf.esda.settings import EsdaSettings
from nqpf.figures import display
from nqpf.figures.style import FigureFiles
from nqpf.study import frames
from nqpf.study.logs import part, step
from nqpf.tables.labels import Labels
from nqpf.units import boundaries

variable, name = snakemake.wildcards.variable, snakemake.wildcards.w
with step(snakemake.log[0], f"esda figures {variable} on {name}"):
    settings = EsdaSettings.model_validate(snakemake.params.settings)
    labels = Labels(snakemake.params.language, snakemake.params.labels)
    local = pd.read_csv(snakemake.input.local, dtype={"code": str})
    lisa = local[local["statistic"] == "lisa"]
    units = pd.read_csv(snakemake.input.units, dtype={"code": str, "prefecture_code": str})
    years = list(snakemake.params.years)
    note = labels.term("simulated") if snakemake.params.simulated else ""
    dpi = snakemake.params.dpi

    if "lisa" in snakemake.output.keys():
        with part(f"lisa maps {variable} on {name}"):
            gdf = boundaries.read(snakemake.input.boundaries)
            gdf = gdf[gdf["code"].isin(set(units["code"]))]
            outlines = {r.name: (r.name_zh, r.members(units)) for r in settings.regions}
            title = labels.term(
                "lisa_title",
                variable=labels.name(variable),
                weights=labels.name(name),
                method=labels.term(f"correction_{settings.significance.method}"),
            )
            figures.lisa_cluster_maps(
                gdf,
                lisa,
                settings.map_years_of(years),
                FigureFiles.of(snakemake.output, "lisa", dpi),
                title,
                outlines,
                note,
                projection=snakemake.params.projection,
                titles=snakemake.params.titles,
                labels=labels,
                display=display.read(snakemake.input.display),
            )

    with part(f"moran scatter {variable} on {name}"):
        w = weights.load(snakemake.input.gwt, snakemake.input.summary)
        last = years[-1]
        values = by_year.values_by_year(
            frames.study_frame(snakemake.input.panel, snakemake.input.indices),
            variable,
            w.ids,
            [last],
            settings.missing,
        )[last]
        # the year's units and W: all of them, or those observed in it (esda.missing: drop_per_year)
        x, year_w = by_year.for_year(
            w, values, settings.model_copy(update={"permutations": 0}), variable, last
        )
        ids = list(year_w.w.ids)
        year = lisa[lisa["year"] == last].set_index("code").loc[ids]
        moran = pd.read_csv(snakemake.input.global_)
        value = moran[(moran["statistic"] == "moran") & (moran["year"] == last)]["value"].iloc[0]
        shown = units.set_index("code").loc[ids]
        names = list(zip(shown["name"], shown["name_en"], strict=True))
        title = labels.term(
            "scatter_title" if len(ids) == w.n else "scatter_observed",
            variable=labels.name(variable),
            weights=labels.name(name),
            year=last,
            n=len(ids),
            total=w.n,
        )
        figures.moran_scatter(
            x,
            year_w.matrix,
            names,
            year["quadrant"].to_numpy(),
            year["significant"].to_numpy(),
            value,
            FigureFiles.of(snakemake.output, "scatter", dpi),
            title,
            note,
            labels=labels,
        )
