"""Rule table: one publication table of a study in every format (CSV, LaTeX, Markdown, HTML, Word, JSON)."""

import json
from pathlib import Path

import pandas as pd

from nqpf.study import frames, table_plan
from nqpf.study.logs import step
from nqpf.study.settings import StudySettings
from nqpf.tables import model, regression, render

CODES = {"code": str, "province_code": str, "prefecture_code": str}

with step(snakemake.log[0], f"table {snakemake.wildcards.study}/{snakemake.wildcards.table}") as log:
    given = snakemake.input
    sources = table_plan.Sources()
    if "panel" in given.keys():
        sources.frame = frames.study_frame(given.panel, list(given.indices), given.units)
    if "units" in given.keys():
        sources.units = pd.read_csv(given.units, dtype=CODES)
    if "index_weights" in given.keys():
        sources.index_weights = pd.read_csv(given.index_weights)
    if "index_values" in given.keys():
        sources.index_values = pd.read_csv(given.index_values, dtype=CODES)
    if "esda_global" in given.keys():
        sources.esda_global = pd.read_csv(given.esda_global)
    if "clusters" in given.keys():
        sources.clusters = pd.read_csv(given.clusters, dtype={"members": str})
    if "estimates" in given.keys():
        sources.results = regression.Results(
            *(pd.read_csv(given[part]) for part in ("estimates", "effects", "tests", "fit")),
            dropped=pd.read_csv(given.dropped_units, dtype=CODES),
        )
    if "dagum" in given.keys():
        sources.dagum = tuple(pd.read_csv(given[key]) for key in ("dagum", "dagum_within", "dagum_between"))
    study = StudySettings.model_validate(snakemake.params.study)
    table = table_plan.make(snakemake.wildcards.table, study, sources)
    out = snakemake.output
    stem = Path(out.csv).with_suffix("")
    written = render.write(table, stem, study.tables.word)
    text = json.dumps(model.to_dict(table), ensure_ascii=False, indent=1)
    Path(out.json).write_text(text + "\n", encoding="utf-8")
    log.info(
        "%s: %d columns, %d blocks -> %s",
        table.name,
        table.width,
        len(table.blocks),
        ", ".join(p.name for p in written),
    )
