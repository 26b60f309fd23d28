"""Rule threshold: Hansen's (1999) panel threshold regression of the models' dependent variable (thresholds, their
bootstrap tests and likelihood-ratio intervals, the slopes by regime)."""

from nqpf import io
from nqpf.models.settings import ModelsSettings
from nqpf.models.threshold import PanelThreshold
from nqpf.study import frames
from nqpf.study.logs import step

with step(snakemake.log[0], f"panel threshold model {snakemake.wildcards.study}") as log:
    settings = ModelsSettings.model_validate(snakemake.params.settings)
    spec = settings.threshold
    frame = frames.study_frame(snakemake.input.panel, snakemake.input.indices)
    result = PanelThreshold(
        frame,
        settings.dependent,
        settings.threshold_regime,
        spec.variable,
        settings.threshold_controls,
        thresholds=spec.thresholds,
        fixed_effects=spec.fixed_effects,
        cov=spec.cov,
        trim=spec.trim,
        grid=spec.grid,
        bootstrap=spec.bootstrap,
        seed=spec.seed,
        level=spec.level,
        years=snakemake.params.years,
        balance=settings.balance,
        source=snakemake.input.panel,
    ).fit()
    tables = result.frames()
    for row in tables["tests"].itertuples():
        log.info("%s threshold: F %.4f, bootstrap p %.4f (%d draws)", row.test, row.f, row.p, row.draws)
    for row in tables["thresholds"].itertuples():
        log.info("%s: %.6g [%.6g, %.6g]", row.threshold, row.estimate, row.ci_low, row.ci_high)
    for name in ("thresholds", "tests", "regimes", "lr", "estimates", "fit"):
        io.write_csv(tables[name], snakemake.output[name])
