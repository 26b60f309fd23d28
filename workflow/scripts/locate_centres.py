"""Rule centrography: the gravity centre of each centrography variable by year, its moves and its standard
deviational ellipses."""

from nqpf import io
from nqpf.esda import centrography
from nqpf.esda.settings import CentrographySettings
from nqpf.study import frames
from nqpf.study.logs import step
from nqpf.units import boundaries

with step(snakemake.log[0], f"centrography {snakemake.wildcards.study}") as log:
    settings = CentrographySettings.model_validate(snakemake.params.settings)
    frame = frames.study_frame(snakemake.input.panel, snakemake.input.indices)
    frames.require(frame, settings.variables, "centrography.variables")
    coordinates, crs = centrography.unit_coordinates(
        boundaries.read(snakemake.input.boundaries), snakemake.params.projection
    )
    track = centrography.tracks(
        frame,
        settings.variables,
        coordinates,
        crs=crs,
        years=snakemake.params.years,
        missing=settings.missing,
        std=settings.std,
        sqrt2=settings.sqrt2,
    )
    io.write_csv(track, snakemake.output[0])
    for variable, part in track.groupby("variable", sort=False):
        first, last = part.iloc[0], part.iloc[-1]
        log.info(
            "%s: centre %.3f E %.3f N in %d, %.3f E %.3f N in %d (%.1f km in all); ellipse %.0f x %.0f km, "
            "rotation %.1f deg in %d",
            variable,
            first["centre_lon"],
            first["centre_lat"],
            first["year"],
            last["centre_lon"],
            last["centre_lat"],
            last["year"],
            part["geodesic_km"].sum(),
            last["major_km"],
            last["minor_km"],
            last["rotation_deg"],
            last["year"],
        )
