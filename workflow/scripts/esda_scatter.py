"""Rule esda_scatter: the Moran scatterplot of the last year (drawn for units with or without polygons)."""

import pandas as pd

from nqpf import figures, weights
from nqpf.esda import by_year
from nqpf.esda.settings import EsdaSettings
from nqpf.figures.style import FigureFiles
from nqpf.study import frames
from nqpf.study.logs import step
from nqpf.tables.labels import Labels

with step(snakemake.log[0], f"moran scatter {snakemake.wildcards.variable} on {snakemake.wildcards.w}"):
    variable, name = snakemake.wildcards.variable, snakemake.wildcards.w
    settings = EsdaSettings.model_validate(snakemake.params.settings)
    labels = Labels(snakemake.params.language, snakemake.params.labels)
    local = pd.read_csv(snakemake.input.local, dtype={"code": str})
    lisa = local[local["statistic"] == "lisa"]
    units = pd.read_csv(snakemake.input.units, dtype={"code": str, "prefecture_code": str})
    years = list(snakemake.params.years)
    note = labels.term("simulated") if snakemake.params.simulated else ""
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
    x, year_w = by_year.for_year(w, values, settings.model_copy(update={"permutations": 0}), variable, last)
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
        FigureFiles.of(snakemake.output, "scatter", snakemake.params.dpi),
        title,
        note,
        labels=labels,
    )
