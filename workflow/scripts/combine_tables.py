"""Rule tables: every table of a study in one Word document, one compilable LaTeX document and one Excel workbook
(a sheet per table, and the panel)."""

import json
from pathlib import Path

import pandas as pd

from nqpf.study.logs import step
from nqpf.tables import model, render, workbook

with step(snakemake.log[0], f"tables {snakemake.wildcards.study}") as log:
    given, out = snakemake.input, snakemake.output
    tables = [model.from_dict(json.loads(Path(p).read_text(encoding="utf-8"))) for p in given.tables]
    word = render.WordSettings.model_validate(snakemake.params.word)
    Path(out.docx).write_bytes(render.to_docx(tables, word))
    document = render.latex_document(tables, chinese=snakemake.params.language == "zh")
    Path(out.tex).write_text(document, encoding="utf-8")
    panel = pd.read_csv(given.panel, dtype={"code": str, "name": str})
    Path(out.xlsx).write_bytes(workbook.to_xlsx(tables, {"panel": panel}))
    log.info("%d tables in %s, %s and %s (with the panel)", len(tables), out.docx, out.tex, out.xlsx)
