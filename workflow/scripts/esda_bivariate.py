"""Rule esda_bivariate: bivariate Moran's I of each configured pair on one weights matrix, every year."""

import pandas as pd

from nqpf import io, seeds, weights
from nqpf.esda import by_year, permutation
from nqpf.esda.settings import EsdaSettings
from nqpf.study import frames
from nqpf.study.logs import step

with step(snakemake.log[0], f"bivariate Moran on {snakemake.wildcards.w}"):
    frame = frames.study_frame(snakemake.input.panel, snakemake.input.indices)
    w = weights.load(snakemake.input.gwt, snakemake.input.summary)
    settings = EsdaSettings.model_validate(snakemake.params.settings)
    rows = []
    for x_name, y_name in settings.bivariate:
        x_years = by_year.values_by_year(frame, x_name, w.ids, snakemake.params.years)
        y_years = by_year.values_by_year(frame, y_name, w.ids, snakemake.params.years)
        rng = seeds.rng_for(settings.seed, x_name, y_name, w.name)
        orderings = list(permutation.total_permutations(w.n, settings.permutations, rng))
        for year in x_years:
            row = by_year.bivariate_moran(x_years[year], y_years[year], w.matrix, orderings)
            rows.append({"variable": f"{x_name}~{y_name}", "weights": w.name, "year": year, **row})
    table = pd.DataFrame(rows).reindex(columns=by_year.GLOBAL_COLUMNS)
    io.write_csv(table, snakemake.output[0])
