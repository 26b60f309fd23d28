"""Rule tables_<study>: every publication table of a study in every format (CSV, LaTeX, Markdown, HTML, Word, JSON),
in the paper's order, then all of them in one Word document, one compilable LaTeX document and one Excel workbook
(a sheet per table, and the panel)."""

import json
from pathlib import Path

import pandas as pd

from nqpf.study import frames, table_plan
from nqpf.study.logs import step
from nqpf.study.settings import StudySettings
from nqpf.tables import model, regression, render, workbook

CODES = {"code": str, "province_code": str, "prefecture_code": str}

with step(snakemake.log[0], f"tables {snakemake.wildcards.study}") as log:
    given, out = snakemake.input, snakemake.output
    study = StudySettings.model_validate(snakemake.params.study)
    names = table_plan.table_names(study)
    sources = table_plan.Sources()
    sources.units = pd.read_csv(given.units, dtype=CODES)
    if "indices" in given.keys():
        sources.frame = frames.study_frame(given.panel, list(given.indices), given.units)
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
    found = [key for key in given.keys() if key.startswith("geodetector_")]
    if found:
        sources.geodetector = {key.removeprefix("geodetector_"): pd.read_csv(given[key]) for key in found}
    if "convergence" in given.keys():
        sources.convergence = pd.read_csv(given.convergence, keep_default_na=False, na_values=[""])
    if "centrography" in given.keys():
        sources.centrography = pd.read_csv(given.centrography, keep_default_na=False, na_values=[""])
    if "boundary" in given.keys():
        sources.boundary = pd.read_csv(given.boundary, keep_default_na=False, na_values=[""])
    for part in ("baseline", "threshold"):
        found = [key for key in given.keys() if key.startswith(f"{part}_")]
        if found:
            setattr(sources, part, {key.removeprefix(f"{part}_"): pd.read_csv(given[key]) for key in found})
    dynamics = [key for key in given.keys() if key.startswith("dynamics_")]
    if dynamics:
        sources.dynamics = {
            key.removeprefix("dynamics_"): pd.read_csv(given[key], keep_default_na=False, na_values=[""])
            for key in dynamics
        }
    tables = []
    for name in names:
        if name.startswith("indicators_"):
            sources.index_weights = pd.read_csv(given[name])
        elif name.startswith("index_regions_"):
            sources.index_values = pd.read_csv(given[name], dtype=CODES)
        elif name.startswith("obstacles_"):
            sources.obstacles = pd.read_csv(given[name], dtype=CODES)
        elif name.startswith("index_robustness_"):
            sources.index_values = pd.read_csv(given[name], dtype=CODES)
            sources.index_weights = pd.read_csv(given[f"{name}_weights"])
        elif table_plan.analysis_files(name) is not None:
            sources.analysis = {
                part: pd.read_csv(given[f"{name}__{part}"]) for part in table_plan.analysis_files(name)
            }
        tables.append(table_plan.make(name, study, sources))
    # each table's Word document and the study's, each table filled once
    documents, whole = render.docx_documents(tables, study.tables.word)
    for name, table, document in zip(names, tables, documents, strict=True):
        written = render.write(table, Path(out[f"{name}_csv"]).with_suffix(""), study.tables.word, document)
        text = json.dumps(model.to_dict(table), ensure_ascii=False, indent=1)
        Path(out[f"{name}_json"]).write_text(text + "\n", encoding="utf-8")
        log.info(
            "%s: %d columns, %d blocks -> %s",
            name,
            table.width,
            len(table.blocks),
            ", ".join(p.name for p in written),
        )
    Path(out.tables_docx).write_bytes(whole)
    document = render.latex_document(tables, chinese=study.tables.language == "zh")
    Path(out.tables_tex).write_text(document, encoding="utf-8")
    panel = pd.read_csv(given.panel, dtype={"code": str, "name": str})
    Path(out.tables_xlsx).write_bytes(workbook.to_xlsx(tables, {"panel": panel}))
    log.info(
        "%d tables in %s, %s and %s (with the panel)",
        len(tables),
        out.tables_docx,
        out.tables_tex,
        out.tables_xlsx,
    )
