"""Rules event_study_figure and placebo_figure: the event study of the study's pilot policy (the estimators side
by side, the joint test of the leads) and the distribution of its placebo test."""

import pandas as pd

from nqpf import figures
from nqpf.figures.style import FigureFiles
from nqpf.study.logs import step
from nqpf.tables.labels import Labels

kind = snakemake.params.kind
with step(snakemake.log[0], f"{kind} figure {snakemake.wildcards.study}"):
    labels = Labels(snakemake.params.language, snakemake.params.labels)
    note = labels.term("simulated") if snakemake.params.simulated else ""
    files = FigureFiles.of(snakemake.output, kind, snakemake.params.dpi)
    if kind == "event_study":
        table = pd.read_csv(snakemake.input.event_study)
        pretrend = pd.read_csv(snakemake.input.pretrend)
        fit = pd.read_csv(snakemake.input.fit)
        methods = list(dict.fromkeys(table["method"]))
        studies = {
            m: table[table["method"] == m].drop(columns="method").reset_index(drop=True) for m in methods
        }
        tests = {m: pretrend[pretrend["method"] == m].drop(columns="method") for m in methods}
        facts = fit[fit["spec"].isin(methods)].iloc[0]
        figures.event_study_plot(
            studies[methods[0]],
            files,
            str(snakemake.params.dependent),
            pretrend=tests,
            level=float(snakemake.params.level),
            note=note,
            labels=labels,
            methods=studies,
            binned=bool(facts["bin_ends"]),
        )
    else:
        row = pd.read_csv(snakemake.input.placebo_summary).iloc[0]
        figures.placebo_plot(
            pd.read_csv(snakemake.input.placebo),
            float(row["actual"]),
            files,
            p_value=float(row["p_randomisation"]),
            note=note,
            labels=labels,
        )
