"""Rule coupling: the coupling coordination degree of two indices of a study."""

import pandas as pd

from nqpf import io
from nqpf.indices import coupling
from nqpf.indices.settings import CouplingSettings
from nqpf.study.logs import step

with step(snakemake.log[0], f"coupling {snakemake.wildcards.study}/{snakemake.wildcards.pair}"):
    spec = CouplingSettings.model_validate(snakemake.params.spec)
    first, second = (pd.read_csv(path, dtype={"code": str}) for path in snakemake.input.indices)
    both = first[["code", "name", "year", "index"]].merge(
        second[["code", "year", "index"]], on=["code", "year"], suffixes=("_1", "_2"), validate="one_to_one"
    )
    values = coupling.coupling_coordination(both["index_1"], both["index_2"], spec.alpha)
    table = pd.concat(
        [both.rename(columns={"index_1": spec.indices[0], "index_2": spec.indices[1]}), values], axis=1
    )
    io.write_csv(table, snakemake.output[0])
