"""Rule esda: the study's global and local tables, and the clusters matched to named regions."""

import pandas as pd

from nqpf import io
from nqpf.esda import by_year, clusters
from nqpf.esda.settings import EsdaSettings
from nqpf.study.logs import step

with step(snakemake.log[0], f"esda tables {snakemake.wildcards.study}") as log:
    parts = list(snakemake.input.parts)
    global_table = pd.concat(
        [pd.read_csv(p, dtype={"variable": str}) for p in parts if p.endswith(".global.csv")],
        ignore_index=True,
    )
    local_table = pd.concat(
        [pd.read_csv(p, dtype={"code": str}) for p in parts if p.endswith(".local.csv")], ignore_index=True
    )
    notes = pd.concat(
        [pd.read_csv(p, dtype={"year": "Int64"}) for p in parts if p.endswith(".notes.csv")],
        ignore_index=True,
    )
    left_out = pd.concat(
        [pd.read_csv(p, dtype={"code": str}) for p in parts if p.endswith(".left_out.csv")],
        ignore_index=True,
    )
    units = pd.read_csv(snakemake.input.units, dtype={"code": str, "prefecture_code": str})
    settings = EsdaSettings.model_validate(snakemake.params.settings)
    found = clusters.named_clusters(
        local_table,
        settings.regions,
        units,
        settings.named_match.share_above,
        settings.named_match.min_jaccard,
    )
    io.write_csv(global_table, snakemake.output.global_)
    io.write_csv(local_table, snakemake.output.local)
    io.write_csv(found, snakemake.output.clusters)
    io.write_csv(notes.reindex(columns=by_year.NOTE_COLUMNS), snakemake.output.notes)
    io.write_csv(left_out.reindex(columns=by_year.LEFT_OUT_COLUMNS), snakemake.output.left_out)
    if len(left_out):
        log.warning(
            "%d unit-years without a value are left out of the ESDA (esda.missing: drop_per_year): "
            "esda/left_out.csv lists them",
            len(left_out),
        )
    latest = found[found["year"] == found["year"].max()] if len(found) else found
    for row in latest.itertuples():
        log.info(
            "%s %s %s %d: cluster of %d units: %s",
            row.variable,
            row.weights,
            row.statistic,
            row.year,
            row.n_members,
            row.label if row.region == clusters.NONE else f"{row.region} (Jaccard {row.jaccard:.2f})",
        )
