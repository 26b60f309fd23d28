# Publication tables: one job per table of a study (its CSV, LaTeX, Markdown, HTML and Word renderings and the
# table model as JSON), then every table of the study in one Word document, one LaTeX document and one Excel
# workbook (a sheet per table and the panel: Chinese text opens correctly in Excel, which a plain UTF-8 CSV does
# not guarantee).



rule table:
    input:
        unpack(table_inputs),
    output:
        csv="results/{study}/tables/{table}.csv",
        tex="results/{study}/tables/{table}.tex",
        md="results/{study}/tables/{table}.md",
        docx="results/{study}/tables/{table}.docx",
        json="results/{study}/tables/{table}.json",
        html=report(
            "results/{study}/tables/{table}.html",
            caption="../report/table.rst",
            category="Tables",
            subcategory="{study}",
            labels=lambda wildcards: table_labels(wildcards),
        ),
    log:
        "logs/{study}/tables/{table}.log",
    conda:
        "../envs/nqpf.yaml"
    params:
        study=lambda wildcards: study(wildcards).to_config(),
        library=LIBRARY,
    threads: 1
    resources:
        mem_mb=job_memory("table"),
        runtime=job_runtime("table"),
    benchmark:
        "logs/{study}/benchmarks/table.{table}.tsv"
    script:
        "../scripts/make_table.py"


rule tables:
    input:
        tables=lambda wildcards: [
            f"results/{wildcards.study}/tables/{t}.json" for t in _table_plan.table_names(study(wildcards))
        ],
        panel="results/{study}/data/panel.csv",
    output:
        docx="results/{study}/tables/tables.docx",
        tex="results/{study}/tables/tables.tex",
        xlsx="results/{study}/tables/tables.xlsx",
    log:
        "logs/{study}/tables/tables.log",
    conda:
        "../envs/nqpf.yaml"
    params:
        language=lambda wildcards: study(wildcards).tables.language,
        word=word_settings,
        library=LIBRARY,
    threads: 1
    resources:
        mem_mb=job_memory("tables"),
        runtime=job_runtime("tables"),
    benchmark:
        "logs/{study}/benchmarks/tables.tsv"
    script:
        "../scripts/combine_tables.py"


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
        library=LIBRARY,
    threads: 1
    resources:
        mem_mb=job_memory("report_pages"),
        runtime=job_runtime("report_pages"),
    benchmark:
        "logs/{study}/benchmarks/report_pages.tsv"
    script:
        "../scripts/report_pages.py"
