# Publication tables: one job per study makes every table (its CSV, LaTeX, Markdown, HTML and Word renderings and
# the table model as JSON), then every table of the study in one Word document, one LaTeX document and one Excel
# workbook (a sheet per table and the panel: Chinese text opens correctly in Excel, which a plain UTF-8 CSV does
# not guarantee).



# One rule per study, since its tables differ: rule tables_<study> (outputs: tables_outputs in common.smk).
for _name in STUDIES:

    rule:
        name:
            f"tables_{_name}"
        input:
            unpack(tables_inputs),
        output:
            **tables_outputs(_name),
        log:
            "logs/{study}/tables.log",
        conda:
            "../envs/nqpf.yaml"
        wildcard_constraints:
            study=_name,
        params:
            study=lambda wildcards: study(wildcards).to_config(),
            code=code("make_tables.py"),
        threads: 1
        resources:
            mem_mb=job_memory("tables"),
            runtime=job_runtime("tables"),
        benchmark:
            "logs/{study}/benchmarks/tables.tsv"
        script:
            "../scripts/make_tables.py"


# The study's text results as pages of its report (nqpf.study.pages): every CSV a table and every Markdown
# statement text, under its title and caption, in results/<study>/report/pages/<category>/; the report lists
# them in their categories beside the figures.



rule report_pages:
    input:
        results=lambda wildcards: [f"results/{wildcards.study}/{p.path}" for p in report_pages(study(wildcards))],
    output:
        report(
            directory("results/{study}/report/pages"),
            patterns=["{category,[A-Za-z]+}/{page}.html"],
            caption="../report/page.rst",
            category="{category}",
            subcategory="{study}",
        ),
    log:
        "logs/{study}/report_pages.log",
    conda:
        "../envs/nqpf.yaml"
    params:
        pages=lambda wildcards: [dict(vars(p)) for p in report_pages(study(wildcards))],
        # the captions' text: editing one remakes the pages
        captions=lambda wildcards: report_captions(report_pages(study(wildcards))),
        code=code("report_pages.py"),
    threads: 1
    resources:
        mem_mb=job_memory("report_pages"),
        runtime=job_runtime("report_pages"),
    benchmark:
        "logs/{study}/benchmarks/report_pages.tsv"
    script:
        "../scripts/report_pages.py"
