"""Rule weights_export: the standardised matrix for Stata (spmatrix import) or as a CSV matrix."""

from nqpf import weights
from nqpf.logs import step
from nqpf.weights import io

with step(snakemake.log[0], f"weights export {snakemake.output[0]}"):
    w = weights.load(snakemake.input.gwt, snakemake.input.summary)
    if snakemake.wildcards.fmt == "stata.txt":
        io.write_stata(list(w.ids), w.matrix, snakemake.output[0])
    else:
        io.write_csv(list(w.ids), w.matrix, snakemake.output[0])
