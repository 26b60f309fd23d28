"""Rule weights_export: the standardised matrix for Stata (spmatrix import) with its id map, or as a CSV
matrix with ids."""

import pandas as pd

from nqpf import weights
from nqpf.study.logs import step
from nqpf.weights import files

with step(snakemake.log[0], f"weights export {snakemake.output[0]}"):
    w = weights.load(snakemake.input.gwt, snakemake.input.summary)
    ids = list(w.ids)
    if snakemake.output[0].endswith(".stata.txt"):
        units = pd.read_csv(snakemake.input.units, dtype={"code": str}).set_index("code")
        names = [str(units["name"].get(unit, "")) for unit in ids]
        if files.write_stata(ids, w.matrix, snakemake.output[0], names=names) is None:
            # ids Stata carries as they are: the map says so, one row per unit (stata_id = code)
            pd.DataFrame({"stata_id": ids, "code": ids, "name": names}).to_csv(
                snakemake.output[1], index=False, lineterminator="\n"
            )
    else:
        files.write_csv(ids, w.matrix, snakemake.output[0])
