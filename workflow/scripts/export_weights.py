"""Rule weights_export: the standardised matrix for Stata (spmatrix import) or as a CSV matrix."""

from nqpf import weights
from nqpf.study.logs import step
from nqpf.weights import files

with step(snakemake.log[0], f"weights export {snakemake.output[0]}"):
    w = weights.load(snakemake.input.gwt, snakemake.input.summary)
    if snakemake.wildcards.fmt == "stata.txt":
        files.write_stata(list(w.ids), w.matrix, snakemake.output[0])
    else:
        files.write_csv(list(w.ids), w.matrix, snakemake.output[0])
