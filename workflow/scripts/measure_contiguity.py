"""Rule boundary_contiguity: links found by exact touching vs by snapping, as JSON and Markdown."""

import json

from nqpf.study.logs import step
from nqpf.units import boundaries, topology

with step(snakemake.log[0], f"contiguity {snakemake.wildcards.name}") as log:
    gdf = boundaries.read(snakemake.input.gpkg)
    report = topology.snapping_report(gdf, list(snakemake.params.tolerances), snakemake.params.projection)
    log.info(
        "%d units, %d exact links; %s",
        report["units"],
        report["exact_links"],
        ", ".join(f"{t['tolerance_m']:g} m: +{t['gained']}" for t in report["tolerances"]),
    )
    with open(snakemake.output.json, "w", encoding="utf-8") as handle:
        json.dump(report, handle, ensure_ascii=False, indent=2)
        handle.write("\n")
    with open(snakemake.output.md, "w", encoding="utf-8") as handle:
        handle.write(topology.snapping_markdown(report, snakemake.wildcards.name))
