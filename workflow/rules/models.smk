# Spatial panel econometrics: one job per weights matrix with every model (main estimates and effects, tests between
# models, random effects and Hausman, regional heterogeneity, each with every method of models.method), merged
# into the study's result set with the units models.balance: drop_units left out.


rule model:
    input:
        panel="results/{study}/data/panel.csv",
        gaps="results/{study}/data/gaps.csv",
        units="results/{study}/data/units.csv",
        indices=index_files,
        gwt="results/{study}/weights/{w}.gwt",
        summary="results/{study}/weights/{w}.summary.json",
        eigen="results/{study}/weights/{w}.eigen.csv",
    output:
        estimates="results/{study}/models/{w}/estimates.csv",
        effects="results/{study}/models/{w}/effects.csv",
        tests="results/{study}/models/{w}/tests.csv",
        fit="results/{study}/models/{w}/fit.json",
    log:
        "logs/{study}/models/{w}.log",
    conda:
        "../envs/nqpf.yaml"
    params:
        settings=models_settings,
        balance=model_balance,
        years=lambda wildcards: study(wildcards).model_years,
        config_file=config_file,
        code=code("model.py"),
    threads: 1
    resources:
        mem_mb=job_memory("model"),
        runtime=job_runtime("model"),
    benchmark:
        "logs/{study}/benchmarks/model.{w}.tsv"
    script:
        "../scripts/model.py"


rule models:
    input:
        model_parts,
    output:
        estimates="results/{study}/models/estimates.csv",
        effects="results/{study}/models/effects.csv",
        tests="results/{study}/models/tests.csv",
        fit="results/{study}/models/fit.csv",
        dropped_units="results/{study}/models/dropped_units.csv",
    log:
        "logs/{study}/models/merge.log",
    conda:
        "../envs/nqpf.yaml"
    params:
        code=code("models_merge.py"),
    threads: 1
    resources:
        mem_mb=job_memory("models"),
        runtime=job_runtime("models"),
    benchmark:
        "logs/{study}/benchmarks/models.tsv"
    script:
        "../scripts/models_merge.py"


# The non-spatial baseline of an effect paper (models.baseline) and Hansen's panel threshold model
# (models.threshold), on the study's panel and indices: nqpf.models.baseline and nqpf.models.threshold.
rule baseline:
    input:
        panel="results/{study}/data/panel.csv",
        indices=index_files,
    output:
        estimates="results/{study}/baseline/estimates.csv",
        fit="results/{study}/baseline/fit.csv",
        vif="results/{study}/baseline/vif.csv",
        correlations="results/{study}/baseline/correlations.csv",
    log:
        "logs/{study}/baseline.log",
    conda:
        "../envs/nqpf.yaml"
    params:
        settings=models_slice("baseline"),
        years=lambda wildcards: study(wildcards).model_years,
        code=code("estimate_baseline.py"),
    threads: 1
    resources:
        mem_mb=job_memory("baseline"),
        runtime=job_runtime("baseline"),
    benchmark:
        "logs/{study}/benchmarks/baseline.tsv"
    script:
        "../scripts/estimate_baseline.py"


rule threshold:
    input:
        panel="results/{study}/data/panel.csv",
        indices=index_files,
    output:
        thresholds="results/{study}/threshold/thresholds.csv",
        tests="results/{study}/threshold/tests.csv",
        regimes="results/{study}/threshold/regimes.csv",
        lr="results/{study}/threshold/lr.csv",
        estimates="results/{study}/threshold/estimates.csv",
        fit="results/{study}/threshold/fit.csv",
    log:
        "logs/{study}/threshold.log",
    conda:
        "../envs/nqpf.yaml"
    params:
        settings=models_slice("threshold"),
        years=lambda wildcards: study(wildcards).model_years,
        code=code("estimate_threshold.py"),
    threads: 1
    resources:
        mem_mb=job_memory("threshold"),
        runtime=job_runtime("threshold"),
    benchmark:
        "logs/{study}/benchmarks/threshold.tsv"
    script:
        "../scripts/estimate_threshold.py"


rule threshold_figure:
    input:
        lr="results/{study}/threshold/lr.csv",
        thresholds="results/{study}/threshold/thresholds.csv",
        fit="results/{study}/threshold/fit.csv",
    output:
        **figure_outputs("lr", "results/{study}/threshold/lr.png", "../report/threshold_lr.rst", "Models"),
    log:
        "logs/{study}/threshold_lr.log",
    conda:
        "../envs/nqpf.yaml"
    params:
        simulated=lambda wildcards: study(wildcards).simulated,
        language=lambda wildcards: study(wildcards).tables.language,
        labels=lambda wildcards: study(wildcards).tables.names(),
        dpi=lambda wildcards: study(wildcards).figures.dpi,
        code=code("plot_threshold.py"),
    threads: 1
    resources:
        mem_mb=job_memory("threshold_figure"),
        runtime=job_runtime("threshold_figure"),
    benchmark:
        "logs/{study}/benchmarks/threshold_figure.tsv"
    script:
        "../scripts/plot_threshold.py"


# Mechanism tests of the regressor of interest (models.mechanisms): mediation through each mediator, moderation
# by each moderator and the square of each listed variable, each a fixed-effects regression and a spatial lag
# model on the mechanisms' W (nqpf.models.mechanisms).
rule mediation:
    input:
        panel="results/{study}/data/panel.csv",
        indices=index_files,
        weights=mechanism_weights_files,
    output:
        **{part: f"results/{{study}}/mechanisms/mediation_{{variable}}/{part}.csv" for part in MEDIATION_FILES},
    log:
        "logs/{study}/mechanisms/mediation_{variable}.log",
    conda:
        "../envs/nqpf.yaml"
    params:
        kind="mediation",
        settings=models_slice("fixed_effects", "method", "mechanisms"),
        years=lambda wildcards: study(wildcards).model_years,
        code=code("estimate_mechanism.py"),
    threads: 1
    resources:
        mem_mb=job_memory("mediation"),
        runtime=job_runtime("mediation"),
    benchmark:
        "logs/{study}/benchmarks/mediation.{variable}.tsv"
    script:
        "../scripts/estimate_mechanism.py"


use rule mediation as moderation with:
    output:
        **{part: f"results/{{study}}/mechanisms/moderation_{{variable}}/{part}.csv" for part in MODERATION_FILES},
    log:
        "logs/{study}/mechanisms/moderation_{variable}.log",
    params:
        kind="moderation",
        settings=models_slice("fixed_effects", "method", "mechanisms"),
        years=lambda wildcards: study(wildcards).model_years,
        code=code("estimate_mechanism.py"),
    resources:
        mem_mb=job_memory("moderation"),
        runtime=job_runtime("moderation"),
    benchmark:
        "logs/{study}/benchmarks/moderation.{variable}.tsv"


use rule mediation as quadratic with:
    output:
        **{part: f"results/{{study}}/mechanisms/quadratic_{{variable}}/{part}.csv" for part in QUADRATIC_FILES},
    log:
        "logs/{study}/mechanisms/quadratic_{variable}.log",
    params:
        kind="quadratic",
        settings=models_slice("fixed_effects", "method", "mechanisms"),
        years=lambda wildcards: study(wildcards).model_years,
        code=code("estimate_mechanism.py"),
    resources:
        mem_mb=job_memory("quadratic"),
        runtime=job_runtime("quadratic"),
    benchmark:
        "logs/{study}/benchmarks/quadratic.{variable}.tsv"


rule moderation_figure:
    input:
        marginal="results/{study}/mechanisms/moderation_{variable}/marginal.csv",
        fit="results/{study}/mechanisms/moderation_{variable}/fit.csv",
    output:
        **figure_outputs(
            "marginal",
            "results/{study}/mechanisms/moderation_{variable}/marginal.png",
            "../report/moderation_marginal.rst",
            "Models",
        ),
    log:
        "logs/{study}/mechanisms/moderation_{variable}.figure.log",
    conda:
        "../envs/nqpf.yaml"
    params:
        simulated=lambda wildcards: study(wildcards).simulated,
        language=lambda wildcards: study(wildcards).tables.language,
        labels=lambda wildcards: study(wildcards).tables.names(),
        dpi=lambda wildcards: study(wildcards).figures.dpi,
        code=code("plot_moderation.py"),
    threads: 1
    resources:
        mem_mb=job_memory("moderation_figure"),
        runtime=job_runtime("moderation_figure"),
    benchmark:
        "logs/{study}/benchmarks/moderation_figure.{variable}.tsv"
    script:
        "../scripts/plot_moderation.py"


# The spillover boundary (models.boundary): the SDM's effects on a sweep of distance-based W, from the distances
# between the study's units (nqpf.models.boundary).
rule spillover_boundary:
    input:
        boundaries=boundary_file,
        units="results/{study}/data/units.csv",
        panel="results/{study}/data/panel.csv",
        indices=index_files,
    output:
        effects="results/{study}/boundary/effects.csv",
    log:
        "logs/{study}/boundary.log",
    conda:
        "../envs/nqpf.yaml"
    params:
        settings=models_slice("fixed_effects", "method", "effects", "boundary"),
        years=lambda wildcards: study(wildcards).model_years,
        projection=lambda wildcards: study(wildcards).units.projection,
        code=code("estimate_boundary.py"),
    threads: 1
    resources:
        mem_mb=job_memory("spillover_boundary"),
        runtime=job_runtime("spillover_boundary"),
    benchmark:
        "logs/{study}/benchmarks/spillover_boundary.tsv"
    script:
        "../scripts/estimate_boundary.py"


rule boundary_figure:
    input:
        effects="results/{study}/boundary/effects.csv",
    output:
        **figure_outputs(
            "boundary", "results/{study}/boundary/indirect.png", "../report/boundary_figure.rst", "Models"
        ),
    log:
        "logs/{study}/boundary_figure.log",
    conda:
        "../envs/nqpf.yaml"
    params:
        level=lambda wildcards: study(wildcards).models.effects.level,
        simulated=lambda wildcards: study(wildcards).simulated,
        language=lambda wildcards: study(wildcards).tables.language,
        labels=lambda wildcards: study(wildcards).tables.names(),
        dpi=lambda wildcards: study(wildcards).figures.dpi,
        code=code("plot_boundary.py"),
    threads: 1
    resources:
        mem_mb=job_memory("boundary_figure"),
        runtime=job_runtime("boundary_figure"),
    benchmark:
        "logs/{study}/benchmarks/boundary_figure.tsv"
    script:
        "../scripts/plot_boundary.py"


# The evaluation of the study's pilot policy (models.policy): the DID, the event studies, the placebo test and the
# spatial DID (nqpf.models.did.evaluate), the first pilot years read from the units' attributes.
rule policy:
    input:
        panel="results/{study}/data/panel.csv",
        units="results/{study}/data/units.csv",
        indices=index_files,
        weights=policy_weights_files,
    output:
        **{part: f"results/{{study}}/policy/{part}.csv" for part in POLICY_FILES},
    log:
        "logs/{study}/policy.log",
    conda:
        "../envs/nqpf.yaml"
    params:
        settings=policy_slice,
        years=lambda wildcards: study(wildcards).model_years,
        code=code("evaluate_policy.py"),
    threads: 1
    resources:
        mem_mb=job_memory("policy"),
        runtime=job_runtime("policy"),
    benchmark:
        "logs/{study}/benchmarks/policy.tsv"
    script:
        "../scripts/evaluate_policy.py"


rule event_study_figure:
    input:
        event_study="results/{study}/policy/event_study.csv",
        pretrend="results/{study}/policy/pretrend.csv",
        fit="results/{study}/policy/fit.csv",
    output:
        **figure_outputs(
            "event_study", "results/{study}/policy/event_study.png", "../report/event_study.rst", "Models"
        ),
    log:
        "logs/{study}/policy.event_study.log",
    conda:
        "../envs/nqpf.yaml"
    params:
        kind="event_study",
        dependent=lambda wildcards: study(wildcards).models.policy_dependent,
        level=lambda wildcards: study(wildcards).models.policy.level,
        simulated=lambda wildcards: study(wildcards).simulated,
        language=lambda wildcards: study(wildcards).tables.language,
        labels=lambda wildcards: study(wildcards).tables.names(),
        dpi=lambda wildcards: study(wildcards).figures.dpi,
        code=code("plot_policy.py"),
    threads: 1
    resources:
        mem_mb=job_memory("event_study_figure"),
        runtime=job_runtime("event_study_figure"),
    benchmark:
        "logs/{study}/benchmarks/event_study_figure.tsv"
    script:
        "../scripts/plot_policy.py"


rule placebo_figure:
    input:
        placebo="results/{study}/policy/placebo.csv",
        placebo_summary="results/{study}/policy/placebo_summary.csv",
    output:
        **figure_outputs("placebo", "results/{study}/policy/placebo.png", "../report/placebo.rst", "Models"),
    log:
        "logs/{study}/policy.placebo.log",
    conda:
        "../envs/nqpf.yaml"
    params:
        kind="placebo",
        simulated=lambda wildcards: study(wildcards).simulated,
        language=lambda wildcards: study(wildcards).tables.language,
        labels=lambda wildcards: study(wildcards).tables.names(),
        dpi=lambda wildcards: study(wildcards).figures.dpi,
        code=code("plot_policy.py"),
    threads: 1
    resources:
        mem_mb=job_memory("placebo_figure"),
        runtime=job_runtime("placebo_figure"),
    benchmark:
        "logs/{study}/benchmarks/placebo_figure.tsv"
    script:
        "../scripts/plot_policy.py"


# The dynamic spatial panel model (models.dynamic): Yu, de Jong and Lee's bias-corrected QML on one W, with the
# pilot's treatment among the regressors when models.dynamic.policy asks for it (nqpf.models.dynamic).
rule dynamic_panel:
    input:
        panel="results/{study}/data/panel.csv",
        units="results/{study}/data/units.csv",
        indices=index_files,
        weights=dynamic_panel_weights_files,
    output:
        **{part: f"results/{{study}}/dynamic_panel/{part}.csv" for part in DYNAMIC_PANEL_FILES},
    log:
        "logs/{study}/dynamic_panel.log",
    conda:
        "../envs/nqpf.yaml"
    params:
        settings=dynamic_panel_slice,
        years=lambda wildcards: study(wildcards).model_years,
        code=code("estimate_dynamic_panel.py"),
    threads: 1
    resources:
        mem_mb=job_memory("dynamic_panel"),
        runtime=job_runtime("dynamic_panel"),
    benchmark:
        "logs/{study}/benchmarks/dynamic_panel.tsv"
    script:
        "../scripts/estimate_dynamic_panel.py"
