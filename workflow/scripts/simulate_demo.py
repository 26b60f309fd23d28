"""Rule demo_statistics: draw a demo study's raw statistics (simulated demo data) on its boundaries."""

from pathlib import Path

from nqpf.study import demo
from nqpf.study.logs import step
from nqpf.study.settings import DemoSettings
from nqpf.units import boundaries

with step(snakemake.log[0], f"demo statistics {snakemake.wildcards.study}") as log:
    gdf = boundaries.read(snakemake.input.boundaries)
    years = snakemake.params.years
    data = demo.simulate(
        gdf, years["first"], years["last"], DemoSettings.model_validate(snakemake.params.demo)
    )
    paths = demo.write(data, Path(snakemake.output.truth).parent)
    effects = data.parameters["effects_of_infrastructure_index"]
    log.info(
        "%d units x %d years; true effects of the new-infrastructure index: direct %.4f, indirect %.4f, total %.4f",
        data.parameters["units"],
        years["last"] - years["first"] + 1,
        effects["direct"],
        effects["indirect"],
        effects["total"],
    )
    for key, path in paths.items():
        log.info("wrote %s (%s)", path, key)
