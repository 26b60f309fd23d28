"""Rule ellipse_maps_<study>: the gravity centre track and standard deviational ellipses of each centrography
variable on a map."""

import pandas as pd

from nqpf import figures
from nqpf.esda import centrography
from nqpf.figures import display
from nqpf.figures.style import FigureFiles
from nqpf.study.logs import part, step
from nqpf.tables.labels import Labels
from nqpf.units import boundaries

with step(snakemake.log[0], f"ellipse maps {snakemake.wildcards.study}"):
    units = boundaries.read(snakemake.input.boundaries)
    _, crs = centrography.unit_coordinates(units, snakemake.params.projection)
    tracks = pd.read_csv(snakemake.input.track, keep_default_na=False, na_values=[""])
    labels = Labels(snakemake.params.language, snakemake.params.labels)
    geometry = display.read(snakemake.input.display)  # read once for every map
    for variable in snakemake.params.variables:
        with part(f"ellipse map {variable}"):
            figures.ellipse_map(
                units,
                tracks[tracks["variable"] == variable],
                variable,
                snakemake.params.years,
                # the files of the map of this variable (its name, ellipse[<variable>], begins no other's)
                FigureFiles.of(snakemake.output, f"ellipse[{variable}]", snakemake.params.dpi),
                labels.term("simulated") if snakemake.params.simulated else "",
                projection=snakemake.params.projection,
                crs=crs,
                titles=snakemake.params.titles,
                labels=labels,
                display=geometry,
            )
