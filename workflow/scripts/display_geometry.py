"""Rule display_geometry: what every map of a boundary set draws whatever the data (the polygons simplified for
display, centroids, label anchors, province outlines, the context of maps of China), in the maps' projection,
made once for all of its maps."""

from nqpf.figures import display
from nqpf.study.logs import step
from nqpf.units import boundaries


def _projection(projection) -> str:
    """A projection's name, or its method where it has none (a PROJ string's)."""
    if projection is None:
        return "the polygons' coordinates"
    if projection.name != "unknown" or projection.coordinate_operation is None:
        return projection.name
    return projection.coordinate_operation.method_name


with step(snakemake.log[0], f"display geometry {snakemake.wildcards.name}") as log:
    made = display.display_geometry(boundaries.read(snakemake.input.gpkg), snakemake.params.projection)
    display.write(made, snakemake.output.display)
    log.info(
        "%d units, %s province outlines, %s, in %s",
        len(made.units),
        "no" if made.provinces is None else len(made.provinces),
        "with the context of maps of China" if made.context is not None else "no context",
        _projection(made.crs),
    )
