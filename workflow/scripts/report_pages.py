"""Rule report_pages: the study's text results as pages of its report (nqpf.study.pages)."""

from pathlib import Path

from nqpf.study import pages
from nqpf.study.logs import step

with step(snakemake.log[0], f"report pages {snakemake.wildcards.study}") as log:
    name = snakemake.wildcards.study
    captions = dict(snakemake.params.captions)
    for page in (pages.Page(**fields) for fields in snakemake.params.pages):
        source = f"results/{name}/{page.path}"
        written = pages.write_page(page, source, Path(snakemake.output[0]) / page.target, name, captions)
        log.info("wrote %s", written)
