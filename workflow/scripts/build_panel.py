"""Rule panel: match, check and assemble a study's statistics into results/<study>/data/panel.csv. The job gets the
study's settings without its later stages (panel_settings in common.smk), so that editing those reruns only them;
their variable names are checked when the configuration is read, the models' balance by the model jobs."""

from nqpf import io, panel
from nqpf.panel import validation
from nqpf.study.logs import step
from nqpf.study.settings import StudySettings
from nqpf.units import boundaries, crs, region_sets

study = StudySettings.model_validate(snakemake.params.study)
with step(snakemake.log[0], f"panel {snakemake.wildcards.study}", snakemake.params.config_file) as log:
    polygons = boundaries.read(snakemake.input.boundaries)
    units = polygons.drop(columns="geometry")
    study_codes = panel.study_units(units, study.units.provinces)
    if study.units.projection is not None and study.units.has_polygons:
        # area_km2 in the study's own projection (units.projection), not the one chosen for the boundary set
        units["area_km2"] = boundaries.area_km2(polygons, study.units.projection)
        used = crs.describe(polygons[polygons["code"].isin(study_codes)], study.units.projection)
        log.info("area_km2 in %s (%s), %s", used["name"], used["crs"], used["source"])
        for note in used["notes"]:
            log.warning(note)
    # a study on its own polygons or table of units: messages name the user's file, not its copy in resources/
    source = study.units.source.path if study.units.source is not None else snakemake.input.boundaries
    result = panel.build(units, study.panel_spec(), study_codes, boundary_source=source)
    for note in result.notes:
        log.info(note)
    for check in result.checks.itertuples():
        log.info(
            "check %s (%s): %d of %d cells fail", check.check, check.rule, check.violations, check.checked
        )
    # the units' region sets and the user's attribute tables (units.attributes) as columns of data/units.csv
    study_units = region_sets.attach(
        units[units["code"].isin(result.codes)], attributes=study.units.attributes, known=units
    )
    text = validation.report(
        result,
        study=study.name,
        units=study_units,
        boundary_source=f"{study.units.level} boundaries ({snakemake.input.boundaries})",
        simulated=study.simulated,
    )
    out = snakemake.output
    io.write_csv(result.panel, out.panel)
    study_units.to_csv(out.units, index=False)
    result.matches.to_csv(out.matches, index=False)
    result.gaps.to_csv(out.gaps, index=False)
    result.filled.to_csv(out.filled, index=False)
    io.write_csv(result.violations, out.checks)
    with open(out.validation, "w", encoding="utf-8") as handle:
        handle.write(text)
    log.info("panel: %d rows, %d variables", len(result.panel), len(result.variables))
