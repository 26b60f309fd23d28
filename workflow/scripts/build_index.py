"""Rule index: one composite index of a study, its weights table and method statement."""

import pandas as pd

from nqpf import indices, io
from nqpf.study.logs import step

with step(
    snakemake.log[0],
    f"index {snakemake.wildcards.study}/{snakemake.wildcards.index}",
    snakemake.params.config_file,
) as log:
    spec = indices.IndexSettings.model_validate(snakemake.params.spec)
    panel = pd.read_csv(snakemake.input.panel, dtype={"code": str})
    result = indices.build(panel, spec)
    for note in result.notes:
        log.info(note)
    out = snakemake.output
    io.write_csv(result.values, out.values)
    io.write_csv(result.weights, out.weights)
    io.write_csv(result.left_out, out.left_out)
    io.write_csv(indices.obstacle_table(indices.index_obstacles(panel, spec, result), spec), out.obstacles)
    with open(out.method, "w", encoding="utf-8") as handle:
        handle.write(indices.method_markdown(spec, result, snakemake.params.simulated))
    log.info("weights: %s", ", ".join(f"{r.indicator} {r.weight:.4f}" for r in result.weights.itertuples()))
