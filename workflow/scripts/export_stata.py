"""Rules stata_panel and stata_models: the study's panel, or its merged model results, as Stata datasets."""

from nqpf.study import exports, frames
from nqpf.study.logs import step

with step(snakemake.log[0], f"stata export {snakemake.rule} {snakemake.wildcards.study}") as log:
    study = snakemake.wildcards.study
    if snakemake.rule == "stata_panel":
        language = snakemake.params.language
        labels = {key: names[language] for key, names in snakemake.params.labels.items() if language in names}
        frame = frames.study_frame(snakemake.input.panel, snakemake.input.indices)
        written = [exports.write_panel(frame, snakemake.output[0], study, labels)]
    else:
        written = [
            exports.write_result(snakemake.input[name], snakemake.output[name], study, name)
            for name in exports.DESCRIPTIONS
            if name in snakemake.output.keys()
        ]
    for path in written:
        log.info("wrote %s", path)
