"""Which tables a study gets, and how each is made from the study's results.

A study's tables follow from its configuration: descriptive statistics; for each index its indicator system
and its values by region; Moran's I by year for each ESDA variable and the named clusters; model selection,
the main models, the effects, their robustness across W and by region (each with a column group per estimation
method when ``models.method`` lists several); a Dagum Gini table per disparity variable; and per dynamics variable its
Markov transition probabilities and its LISA Markov transitions. ``table_names`` lists them (the workflow makes one job per table); ``make`` builds one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from nqpf.errors import InputError
from nqpf.models.settings import ModelsSettings
from nqpf.study.settings import StudySettings
from nqpf.tables import (
    baseline,
    centrography,
    convergence,
    descriptive,
    drivers,
    dynamic_panel,
    dynamics,
    gini,
    mechanisms,
    policy,
    regression,
    spatial,
)
from nqpf.tables.labels import Labels
from nqpf.tables.model import Block, Cell, Row, Table
from nqpf.tables.settings import EFFECT_MODELS


@dataclass(frozen=True)
class Plan:
    """What the tables of a study show, resolved from its configuration."""

    labels: Labels
    demo: bool
    years: tuple[int, int]
    descriptive: tuple[str, ...]
    indices: tuple[str, ...]
    esda_variables: tuple[str, ...]
    esda_weights: tuple[str, ...]
    disparity: tuple[str, ...]
    convergence_weights: str | None
    clubs: bool
    geodetector: str | None
    centrography: tuple[str, ...]
    centrography_sqrt2: bool
    projection: str
    dynamics: tuple[str, ...]
    dynamics_scheme: str
    lisa_markov: bool
    models: ModelsSettings | None
    model_weights: tuple[str, ...]
    main_weights: str | None
    preferred: str | None
    main_models: tuple[str, ...]
    index_titles: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_study(cls, study: StudySettings, file: str | None = None, prefix: str = "") -> Plan:
        """The plan of ``study``; ``file`` and ``prefix`` (``studies[0]``) locate it in its configuration file
        for the errors about its ``tables`` settings."""
        where = {"file": file, "prefix": f"{prefix}." if prefix else ""}
        settings = study.tables
        models = study.models
        model_weights = tuple(study.model_weights)
        main_weights = settings.weights or (model_weights[0] if model_weights else None)
        if main_weights is not None and model_weights and main_weights not in model_weights:
            raise InputError(
                f"study {study.name}: tables.weights is {main_weights!r}, which the models do not use",
                file=where["file"],
                key=f"{where['prefix']}tables.weights",
                fix=f"name one of the models' weights: {', '.join(model_weights)}",
            )
        preferred = settings.model
        available = tuple(models.models) if models else ()
        if preferred is None:
            preferred = next((m for m in EFFECT_MODELS if m in available), None)
        elif preferred not in available:
            raise InputError(
                f"study {study.name}: tables.model is {preferred!r}, which is not among its models with effects",
                file=where["file"],
                key=f"{where['prefix']}tables.model",
                fix=f"name one of {', '.join(m for m in EFFECT_MODELS if m in available) or 'sar, sdm, sdem, slx'} "
                "and list it in models.models",
            )
        main_models = tuple(m for m in settings.main_models if m in available)
        indices = tuple(spec.name for spec in study.indices)
        if settings.descriptive is not None:
            described = tuple(settings.descriptive)
        elif models is not None:
            described = tuple(study.model_variables)
        else:
            described = tuple(dict.fromkeys((*indices, *study.esda.variables)))
        years = models.years if models is not None and models.years else study.years
        names = settings.names()
        for spec in study.indices:
            names.setdefault(spec.name, {}).setdefault("en", spec.label)
        return cls(
            labels=Labels(settings.language, names, settings.style()),
            demo=study.simulated,
            years=(years.first, years.last),
            descriptive=described,
            indices=indices,
            esda_variables=tuple(study.esda.variables),
            esda_weights=tuple(study.esda_weights),
            disparity=tuple(study.disparity.variables),
            convergence_weights=(study.convergence_weights or [None])[0],
            clubs=bool(study.disparity.spatial_convergence and study.disparity.spatial_convergence.clubs),
            geodetector=study.geodetector.dependent if study.geodetector.active else None,
            centrography=tuple(study.centrography.variables),
            centrography_sqrt2=study.centrography.sqrt2,
            projection=str(study.units.projection or ""),
            dynamics=tuple(study.dynamics.variables),
            dynamics_scheme=study.dynamics.scheme,
            lisa_markov=study.dynamics.lisa and bool(study.dynamics_weights),
            models=models,
            model_weights=model_weights if models is not None else (),
            main_weights=main_weights,
            preferred=preferred,
            main_models=main_models,
        )

    @property
    def notes(self) -> tuple[str, ...]:
        return (self.labels.term("demo"),) if self.demo else ()


def table_names(study: StudySettings) -> list[str]:
    """The tables of a study, in the order a paper presents them."""
    plan = Plan.from_study(study)
    names = ["descriptive"] if plan.descriptive else []
    for index in plan.indices:
        names += [f"indicators_{index}", f"index_regions_{index}", f"obstacles_{index}"]
        if study.index_spec(index).robustness:
            names.append(f"index_robustness_{index}")
    names += [f"centrography_{v}" for v in plan.centrography]
    if plan.esda_variables:
        names += [f"moran_{v}" for v in plan.esda_variables] + ["named_clusters"]
    if plan.models is not None and plan.models.baseline is not None:
        names += (
            ["correlation"] + (["vif"] if len(plan.models.explanatory) > 1 else []) + ["baseline_regression"]
        )
    if plan.models is not None:
        names += ["model_selection"]
        if plan.main_models:
            names.append("models_main")
        if plan.preferred:
            names.append("effects")
            if len(plan.model_weights) > 1:
                names.append("robustness")
            if plan.models.groups:
                names.append("heterogeneity")
    if plan.models is not None and plan.models.threshold is not None:
        names += ["threshold_tests", "threshold_regression"]
    if plan.models is not None and plan.models.boundary is not None:
        names += [f"spillover_boundary_{v}" for v in plan.models.boundary_variables]
    spec = plan.models.mechanisms if plan.models is not None else None
    if spec is not None:
        for v in spec.mediators:
            names += [f"mediation_{v}"] + ([f"spatial_mediation_{v}"] if spec.spatial else [])
        names += [f"moderation_{v}" for v in spec.moderators]
        names += [f"quadratic_{v}" for v in spec.quadratic]
    if plan.models is not None and plan.models.policy is not None:
        names += ["policy_did", "policy_event_study"]
    if plan.models is not None and plan.models.dynamic is not None:
        names.append("dynamic_panel")
    names += [f"dagum_gini_{v}" for v in plan.disparity]
    if plan.convergence_weights:
        for variable in plan.disparity:
            names.append(f"beta_convergence_{variable}")
            if plan.clubs:
                names.append(f"club_convergence_{variable}")
    if plan.geodetector:
        names += ["geodetector_factors", "geodetector_interaction"]
    for variable in plan.dynamics:
        names.append(f"markov_{variable}")
        if plan.lisa_markov:
            names.append(f"lisa_markov_{variable}")
    return names


@dataclass
class Sources:
    """The result files a table is made from, read by the caller (only those the table needs)."""

    frame: pd.DataFrame | None = None  # the analysis frame: panel with indices and unit attributes
    units: pd.DataFrame | None = None
    index_values: pd.DataFrame | None = None
    index_weights: pd.DataFrame | None = None
    obstacles: pd.DataFrame | None = None  # indices/<index>.obstacles.csv
    esda_global: pd.DataFrame | None = None
    clusters: pd.DataFrame | None = None
    results: regression.Results | None = None
    dagum: tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame] | None = None
    dynamics: dict[str, pd.DataFrame] | None = None  # dynamics/<name>.csv by name
    centrography: pd.DataFrame | None = None  # esda/centrography.csv
    geodetector: dict[str, pd.DataFrame] | None = None  # drivers/factor.csv and interaction.csv
    convergence: pd.DataFrame | None = None  # disparity/spatial_convergence.csv
    baseline: dict[str, pd.DataFrame] | None = None  # baseline/<name>.csv by name
    threshold: dict[str, pd.DataFrame] | None = None  # threshold/<name>.csv by name
    analysis: dict[str, pd.DataFrame] | None = None  # one analysis's files by name (analysis_files)


MECHANISM_TABLES = {  # table prefix: (the folder's prefix below mechanisms/, the files the table reads)
    "spatial_mediation_": ("mediation_", ("effects", "fit")),
    "mediation_": ("mediation_", ("estimates", "fit", "indirect")),
    "moderation_": ("moderation_", ("estimates", "fit", "effects")),
    "quadratic_": ("quadratic_", ("estimates", "fit", "turning", "slopes")),
}


ANALYSIS_TABLES = {  # table: (its folder below results/<study>/, the files it reads)
    "policy_did": (
        "policy",
        ("did", "event_att", "pretrend", "placebo_summary", "spatial_estimates", "spatial_effects", "fit"),
    ),
    "policy_event_study": ("policy", ("event_study", "pretrend", "fit")),
    "dynamic_panel": ("dynamic_panel", ("estimates", "effects", "fit")),
}


def analysis_files(name: str) -> dict[str, str] | None:
    """The files below ``results/<study>/`` a table of one analysis (a mechanism test, the policy evaluation, the dynamic model) is
    made from, by name; None for another table."""
    if name in ANALYSIS_TABLES:
        folder, parts = ANALYSIS_TABLES[name]
        return {part: f"{folder}/{part}.csv" for part in parts}
    for prefix, (folder, parts) in MECHANISM_TABLES.items():
        if name.startswith(prefix):
            base = f"mechanisms/{folder}{name.removeprefix(prefix)}"
            return {part: f"{base}/{part}.csv" for part in parts}
    return None


def needs(name: str) -> tuple[str, ...]:
    """The fields of ``Sources`` a table needs."""
    if name == "descriptive":
        return ("frame",)
    if name.startswith("indicators_"):
        return ("index_weights",)
    if name.startswith("index_regions_"):
        return ("index_values", "units")
    if name.startswith("obstacles_"):
        return ("obstacles", "units")
    if name.startswith("index_robustness_"):
        return ("index_values", "index_weights")
    if name.startswith("moran_"):
        return ("esda_global",)
    if name == "named_clusters":
        return ("clusters", "units")
    if name.startswith("dagum_gini_"):
        return ("dagum",)
    if name.startswith(("markov_", "lisa_markov_")):
        return ("dynamics",)
    if name.startswith("centrography_"):
        return ("centrography",)
    if name.startswith("geodetector_"):
        return ("geodetector",)
    if name.startswith(("beta_convergence_", "club_convergence_")):
        return ("convergence",)
    if name in ("baseline_regression", "correlation", "vif"):
        return ("baseline",)
    if name.startswith("threshold_"):
        return ("threshold",)
    if name.startswith("spillover_boundary_"):
        return ("boundary",)
    if analysis_files(name) is not None:
        return ("analysis",)
    return ("results", "units")


def make(name: str, study: StudySettings, sources: Sources) -> Table:
    """Build the table ``name`` (one of ``table_names(study)``) from ``sources``."""
    plan = Plan.from_study(study)
    if name not in table_names(study):
        raise InputError(
            f"study {study.name} has no table {name!r}",
            key="tables",
            fix="ask for one of " + ", ".join(table_names(study)),
        )
    labels, notes = plan.labels, plan.notes
    if name == "descriptive":
        frame = sources.frame
        frame = frame[frame["year"].between(*plan.years)]
        return descriptive.descriptive(frame, plan.descriptive, labels, notes)
    if name.startswith("indicators_"):
        index = name.removeprefix("indicators_")
        return descriptive.indicator_system(
            index, sources.index_weights, labels, notes, study.index_spec(index)
        )
    if name.startswith("index_robustness_"):
        index = name.removeprefix("index_robustness_")
        return descriptive.index_robustness(
            index, study.index_spec(index), sources.index_values, sources.index_weights, labels, notes
        )
    if name.startswith("index_regions_"):
        index = name.removeprefix("index_regions_")
        return descriptive.index_by_region(index, sources.index_values, sources.units, labels, notes)
    if name.startswith("obstacles_"):
        index = name.removeprefix("obstacles_")
        return descriptive.obstacles(
            index, study.index_spec(index), sources.obstacles, labels, notes, sources.units
        )
    if name.startswith("moran_"):
        variable = name.removeprefix("moran_")
        return spatial.moran_by_year(variable, sources.esda_global, plan.esda_weights, labels, notes)
    if name == "named_clusters":
        years = sorted(set(sources.esda_global["year"])) if sources.esda_global is not None else []
        years = years or study.year_list
        return spatial.named_clusters(
            sources.clusters, sources.units, labels, years, plan.esda_weights, notes
        )
    if name.startswith("dagum_gini_"):
        overall, within, between = sources.dagum
        return gini.dagum_gini(name.removeprefix("dagum_gini_"), overall, within, between, labels, notes)
    if name == "geodetector_factors":
        return drivers.factors(plan.geodetector, sources.geodetector["factor"], labels, notes)
    if name == "geodetector_interaction":
        return drivers.interactions(plan.geodetector, sources.geodetector["interaction"], labels, notes)
    if name.startswith("beta_convergence_"):
        variable = name.removeprefix("beta_convergence_")
        return convergence.beta_convergence(
            variable, sources.convergence, plan.convergence_weights, labels, notes
        )
    if name.startswith("club_convergence_"):
        variable = name.removeprefix("club_convergence_")
        return convergence.club_convergence(
            variable, sources.convergence, plan.convergence_weights, labels, notes
        )
    if name == "baseline_regression":
        return baseline.baseline_regression(
            sources.baseline["estimates"], sources.baseline["fit"], labels, notes
        )
    if name == "correlation":
        return baseline.correlation(sources.baseline["correlations"], labels, notes)
    if name == "vif":
        return baseline.vif(sources.baseline["vif"], labels, notes)
    if name == "threshold_tests":
        found = sources.threshold
        variable = str(found["fit"]["threshold_variable"].iloc[0])
        return baseline.threshold_tests(found["tests"], found["thresholds"], variable, labels, notes)
    if name == "threshold_regression":
        found = sources.threshold
        facts = found["fit"].iloc[0].to_dict()
        return baseline.threshold_regression(found["estimates"], found["regimes"], facts, labels, notes)
    if name == "policy_did":
        return policy.did_table(sources.analysis, plan.models.policy_dependent, labels, notes)
    if name == "policy_event_study":
        return policy.event_study_table(sources.analysis, plan.models.policy_dependent, labels, notes)
    if name == "dynamic_panel":
        found = sources.analysis
        return dynamic_panel.dynamic_panel(found["estimates"], found["effects"], found["fit"], labels, notes)
    if name.startswith("spatial_mediation_"):
        found = sources.analysis
        mediator = name.removeprefix("spatial_mediation_")
        return mechanisms.spatial_mediation(mediator, found["effects"], found["fit"], labels, notes)
    if name.startswith("mediation_"):
        found = sources.analysis
        return mechanisms.mediation(
            name.removeprefix("mediation_"),
            found["estimates"],
            found["fit"],
            found["indirect"],
            labels,
            notes,
        )
    if name.startswith("moderation_"):
        found = sources.analysis
        return mechanisms.moderation(
            name.removeprefix("moderation_"),
            found["estimates"],
            found["fit"],
            found["effects"],
            labels,
            notes,
        )
    if name.startswith("quadratic_"):
        found = sources.analysis
        return mechanisms.quadratic(
            name.removeprefix("quadratic_"),
            found["estimates"],
            found["fit"],
            found["turning"],
            found["slopes"],
            labels,
            notes,
        )
    if name.startswith("spillover_boundary_"):
        spec = plan.models.boundary
        return baseline.spillover_boundary(
            sources.boundary, name.removeprefix("spillover_boundary_"), spec.mode, spec.power, labels, notes
        )
    if name.startswith("centrography_"):
        return centrography.centrography(
            name.removeprefix("centrography_"),
            sources.centrography,
            labels,
            plan.centrography_sqrt2,
            plan.projection,
            notes,
        )
    if name.startswith("markov_"):
        found = sources.dynamics
        return dynamics.markov(
            name.removeprefix("markov_"),
            found["transitions"],
            found["homogeneity"],
            plan.dynamics_scheme,
            labels,
            notes,
        )
    if name.startswith("lisa_markov_"):
        found = sources.dynamics
        return dynamics.lisa_markov(
            name.removeprefix("lisa_markov_"), found["lisa_transitions"], found["lisa_moves"], labels, notes
        )
    return _model_table(name, plan, sources) or _unavailable(name, labels, notes)


def _model_table(name: str, plan: Plan, sources: Sources) -> Table | None:
    results, labels, models = sources.results, plan.labels, plan.models
    # the units models.balance: drop_units left out, named under every model table
    notes = (*plan.notes, *regression.dropped_notes(results, labels))
    if name == "model_selection":
        return regression.model_selection(results, plan.main_weights, plan.preferred or "sdm", labels, notes)
    if name == "models_main":
        return regression.main_models(
            results, plan.main_models, plan.main_weights, models.dependent, labels, notes
        )
    if name == "effects":
        return regression.effects(
            results, plan.preferred, plan.main_weights, models.explanatory, labels, notes
        )
    if name == "robustness":
        return regression.robustness(
            results, plan.preferred, plan.model_weights, models.explanatory, labels, notes
        )
    if name == "heterogeneity":
        units = sources.units
        sizes = {
            group: int(units[models.group_by].astype(str).isin(values).sum())
            for group, values in models.groups.items()
        }
        return regression.heterogeneity(
            results,
            plan.preferred,
            plan.main_weights,
            models.explanatory,
            sizes,
            models.min_units,
            labels,
            notes,
        )
    raise ValueError(f"unknown table {name!r}")


def _unavailable(name: str, labels: Labels, notes) -> Table:
    """A table the configuration asks for but the results cannot fill (say, no group large enough): it says so
    rather than missing from the set."""
    message = {
        "en": "No results to show: see the notes of the models' fit.json.",
        "zh": "无可展示的结果：见模型 fit.json 中的说明。",
    }
    return Table(
        name,
        Cell(name),
        (Cell(""), Cell("")),
        (Block((Row(Cell(message[labels.language]), kind="note"),)),),
        tuple(notes),
    )
