"""Rule models: every model on every weights matrix as one result set (robustness across W, heterogeneity
across groups), each row keyed by model, weights (method, when several are estimated) and spec; and the units the
models left out for gaps (models.balance: drop_units)."""

from nqpf import io
from nqpf.models import specifications
from nqpf.study.logs import step

with step(snakemake.log[0], f"models {snakemake.wildcards.study}") as log:
    merged = specifications.merge(snakemake.input)
    for name in ("estimates", "effects", "tests", "fit"):
        io.write_csv(merged[name], snakemake.output[name])
    io.write_csv(merged["dropped_units"], snakemake.output.dropped_units)
    log.info("%d models x weights merged", len(merged["fit"].drop_duplicates(["model", "weights"])))
    dropped = merged["dropped_units"]
    if len(dropped):
        log.warning(
            "%d units dropped for gaps in the model variables (models/dropped_units.csv): %s",
            dropped["code"].nunique(),
            ", ".join(dict.fromkeys(dropped["code"])),
        )
