"""Rule models: every model on every weights matrix as one result set (robustness across W, heterogeneity
across groups), each row keyed by model, weights and spec."""

import json
from pathlib import Path

import pandas as pd

from nqpf import io
from nqpf.models import specifications
from nqpf.study.logs import step

with step(snakemake.log[0], f"models {snakemake.wildcards.study}") as log:
    tables = {"estimates": [], "effects": [], "tests": [], "fit": []}
    for path in map(Path, snakemake.input):
        model, w = path.parent.parent.name, path.parent.name
        if path.name == "fit.json":
            fit = json.loads(path.read_text(encoding="utf-8"))
            tables["fit"].append(specifications.fit_table(fit).assign(model=model, weights=w))
        else:
            tables[path.stem].append(pd.read_csv(path).assign(model=model, weights=w))
    for name, parts in tables.items():
        frame = pd.concat(parts, ignore_index=True)
        frame = frame[["model", "weights", *[c for c in frame.columns if c not in ("model", "weights")]]]
        io.write_csv(frame, snakemake.output[name])
    log.info("%d models x weights merged", len(tables["fit"]))
