"""Rule tables: every table of a study in one Word document and one compilable LaTeX document."""

import json
from pathlib import Path

from nqpf.study.logs import step
from nqpf.tables import model, render

with step(snakemake.log[0], f"tables {snakemake.wildcards.study}") as log:
    tables = [model.from_dict(json.loads(Path(p).read_text(encoding="utf-8"))) for p in snakemake.input]
    Path(snakemake.output.docx).write_bytes(render.to_docx(tables))
    document = render.latex_document(tables, chinese=snakemake.params.language == "zh")
    Path(snakemake.output.tex).write_text(document, encoding="utf-8")
    log.info("%d tables in %s and %s", len(tables), snakemake.output.docx, snakemake.output.tex)
