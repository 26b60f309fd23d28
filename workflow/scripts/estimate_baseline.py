"""Rule baseline: the non-spatial fixed-effects regression of the models' dependent variable (the regressor of
interest alone, then with the controls), the correlations of the model variables and their VIF."""

from nqpf import io
from nqpf.models.baseline import baseline_tables
from nqpf.models.settings import ModelsSettings
from nqpf.study import frames
from nqpf.study.logs import step

with step(snakemake.log[0], f"baseline regression {snakemake.wildcards.study}") as log:
    settings = ModelsSettings.model_validate(snakemake.params.settings)
    frame = frames.study_frame(snakemake.input.panel, snakemake.input.indices)
    tables = baseline_tables(
        frame,
        settings.dependent,
        settings.explanatory,
        fixed_effects=settings.baseline.fixed_effects,
        cov=settings.baseline.cov,
        years=snakemake.params.years,
        balance=settings.balance,
        source=snakemake.input.panel,
    )
    for row in tables["estimates"].itertuples():
        log.info("%s %s: %.6g (s.e. %.4g, p %.4f)", row.spec, row.term, row.estimate, row.std_error, row.p)
    for name in ("estimates", "fit", "vif", "correlations"):
        io.write_csv(tables[name], snakemake.output[name])
