"""Settings of the spatial panel models of a study: the specification, estimation and its safeguards, the
simulation of the effects, and regional heterogeneity."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from nqpf.models.fixed_effects import KINDS as FIXED_EFFECTS
from nqpf.settings import Code, Identifier, Settings, YearSpan
from nqpf.units import region_sets
from nqpf.units.regions import REGIONS

MODELS = ("ols", "slx", "sar", "sem", "sdm", "sdem")
LIBRARY_MODELS = (*MODELS, "sac")  # SAC (lag and error) is fitted from Python; the stages' models take MODELS
METHODS = ("lee_yu", "direct")
POLICIES = ("error", "warn")
BALANCE = ("error", "drop_units")
MAX_ITERATIONS = 500
# defaults shared by the study settings and the notebook API (SpatialPanelModel, impacts)
FIXED_EFFECTS_DEFAULT = "two-way"
METHOD_DEFAULT = "lee_yu"
BALANCE_DEFAULT = "error"
DRAWS = 1000
MEDIATION_BOOTSTRAP = 500  # draws of units for the bootstrap interval of a mediated effect
MARGINAL_POINTS = 21  # moderator values of a moderation's marginal effects
LEVEL = 0.95
INFERENCES = ("normal", "percentile")
INFERENCE_DEFAULT = "normal"
COVARIANCES = ("clustered", "robust", "unadjusted")
COV_DEFAULT = "clustered"
THRESHOLD_EFFECTS = ("unit", "two-way")
DYNAMIC_LAGS = ("both", "time", "spacetime")  # y(t-1) and W y(t-1), y(t-1) alone, W y(t-1) alone
DYNAMIC_LAGS_DEFAULT = "both"
DYNAMIC_EFFECTS = ("unit", "two-way")
POLICY_METHODS = ("twfe", "sun_abraham")  # the event study's estimators
CONTROL_GROUPS = ("never", "last")
PLACEBO_MODES = ("units", "timing", "both")
PLACEBO_DRAWS = 500
POLICY_FILES = (
    "did",
    "did_estimates",
    "cohorts",
    "weights",
    "event_study",
    "pretrend",
    "event_att",
    "cohort_effects",
    "placebo",
    "placebo_summary",
    "spatial_effects",
    "spatial_estimates",
    "fit",
)
"""The files of the policy stage (``policy/<name>.csv``), :meth:`nqpf.models.did.PolicyEvaluation.frames`."""
EFFECT_MODELS = ("sar", "sdm", "slx", "sdem", "sac")  # the models with direct, indirect and total effects
POLICY_TERM = "did"  # the name of the pilot's D among the terms of the policy and dynamic models
THRESHOLD_TRIM = 0.01
THRESHOLD_BOOTSTRAP = 300


def time_lag(dependent: str) -> str:
    """The name of y_(t-1) among a dynamic model's terms."""
    return f"L.{dependent}"


def spacetime_lag(dependent: str) -> str:
    """The name of W y_(t-1) among a dynamic model's terms."""
    return f"W.L.{dependent}"


class EffectsSettings(Settings):
    """Simulated inference of the direct, indirect and total effects (LeSage and Pace 2009, sec. 4.2)."""

    draws: Annotated[int, Field(ge=100)] = DRAWS
    seed: Annotated[int, Field(ge=0)] = 0
    level: Annotated[float, Field(gt=0, lt=1)] = LEVEL
    inference: Literal[INFERENCES] = Field(
        default=INFERENCE_DEFAULT,
        description="where the p-value, stars and interval of a SAR or SDM effect come from, the same in every "
        "table and figure: normal (z = estimate / standard deviation of the draws on the normal distribution, "
        "interval estimate +- z s.e., as xsmle, spatialreg and LeSage's MATLAB report) or percentile (the "
        "percentile interval of the draws, p twice the share of draws beyond zero)",
    )


GROUPINGS: tuple[str, ...] = ("region", "province_code", "prefecture_code", *region_sets.SET_NAMES)
"""The built-in columns of the unit table ``models.heterogeneity.by`` may name; a user attribute column
(``units.attributes``) may be named too."""


class HeterogeneitySettings(Settings):
    """The model on groups of units (by default each NBS region, when grouped by region, or each group of a region
    set, when grouped by one)."""

    by: Identifier = Field(
        description="the unit column whose values group the units: region, province_code, prefecture_code, a "
        "region set (" + ", ".join(region_sets.SET_NAMES) + ") or a unit attribute of units.attributes"
    )
    groups: dict[str, Annotated[list[Code], Field(min_length=1)]] | None = None
    min_units: Annotated[int, Field(ge=3)] = 5

    @field_validator("by")
    @classmethod
    def _known_grouping(cls, name: str) -> str:
        return region_sets.refuse_misspelt(name, GROUPINGS, "a region set or unit column")


class BaselineSettings(Settings):
    """The non-spatial fixed-effects regression papers print before the spatial models (nqpf.models.baseline):
    the regressor of interest alone, then with the controls, and the correlations and VIF of the variables."""

    fixed_effects: Literal[FIXED_EFFECTS] = FIXED_EFFECTS_DEFAULT
    cov: Literal[COVARIANCES] = Field(
        default=COV_DEFAULT,
        description="standard errors: clustered by unit (as xtreg, fe vce(cluster) and reghdfe), robust (HC1) or "
        "unadjusted",
    )


class ThresholdSettings(Settings):
    """Hansen's (1999) panel threshold regression (nqpf.models.threshold)."""

    variable: str = Field(description="the threshold variable q")
    regime: list[str] | None = Field(
        default=None,
        description="the variables whose slopes change at the thresholds (default: the first explanatory "
        "variable); the other explanatory variables are controls with one slope",
    )
    thresholds: Annotated[int, Field(ge=1, le=3)] = Field(
        default=2, description="the number of thresholds estimated (tests of 1 .. this number)"
    )
    fixed_effects: Literal[THRESHOLD_EFFECTS] = Field(
        default="unit", description="unit (Hansen's model) or two-way (year effects too)"
    )
    trim: Annotated[float, Field(gt=0, lt=0.17)] = Field(
        default=THRESHOLD_TRIM, description="the least share of the observations in a regime"
    )
    grid: Annotated[int, Field(ge=10)] | None = Field(
        default=None,
        description="search this many candidate thresholds at evenly spaced ranks (xthreg's grid); all distinct "
        "values of the threshold variable by default",
    )
    bootstrap: Annotated[int, Field(ge=0)] = Field(
        default=THRESHOLD_BOOTSTRAP, description="bootstrap draws of each test (0: no p-values)"
    )
    seed: Annotated[int, Field(ge=0)] = 0
    level: Annotated[float, Field(gt=0, lt=1)] = LEVEL
    cov: Literal[COVARIANCES] = COV_DEFAULT


class BoundarySettings(Settings):
    """The spillover boundary: the SDM's effects on a sweep of distance-based W (nqpf.models.boundary)."""

    start: Annotated[float, Field(ge=0)] = Field(default=50.0, description="the first distance (km)")
    stop: Annotated[float, Field(gt=0)] = Field(default=1000.0, description="the last distance (km)")
    step: Annotated[float, Field(gt=0)] = Field(default=50.0, description="the step of the sweep (km)")
    mode: Literal["beyond", "band"] = Field(
        default="beyond",
        description="beyond: W of the pairs at least d km apart; band: W of the pairs d to d + step km apart "
        "(rings)",
    )
    power: Annotated[float, Field(gt=0)] = Field(
        default=1.0, description="w_ij = d_ij^-power before row-standardising"
    )
    variables: list[str] | None = Field(
        default=None, description="the explanatory variables whose effects are kept (default: the first)"
    )
    model: Literal["sdm", "sar"] = "sdm"
    metric: Literal["great_circle", "projected"] = "great_circle"
    min_share: Annotated[float, Field(gt=0, le=1)] = Field(
        default=0.5,
        description="the least share of units with a neighbour at a distance for it to be estimated",
    )
    draws: Annotated[int, Field(ge=100)] = DRAWS
    seed: Annotated[int, Field(ge=0)] = 0

    @model_validator(mode="after")
    def _a_sweep(self):
        if self.stop < self.start:
            raise ValueError(f"stop {self.stop:g} km is below start {self.start:g} km")
        return self


class MechanismsSettings(Settings):
    """Mechanism tests of the regressor of interest (nqpf.models.mechanisms): mediation through each mediator,
    moderation by each moderator and a quadratic term of each listed variable, each as a non-spatial
    fixed-effects regression and, on one W, as a spatial lag model with its effects."""

    treatment: str | None = Field(
        default=None, description="the regressor whose mechanisms are tested (default: the first explanatory)"
    )
    mediators: list[str] = Field(default=[], description="a mediation analysis through each")
    moderators: list[str] = Field(default=[], description="a moderation analysis by each")
    quadratic: list[str] = Field(default=[], description="a model with the square of each")
    weights: str | None = Field(
        default=None,
        description="the W of the spatial versions (default: tables.weights, else the models' first W)",
    )
    spatial: bool = Field(default=True, description="false: the non-spatial regressions alone")
    model: Literal["sdm", "sar"] = "sdm"
    cov: Literal[COVARIANCES] = COV_DEFAULT
    bootstrap: Annotated[int, Field(ge=0)] = Field(
        default=MEDIATION_BOOTSTRAP,
        description="draws of units for the bootstrap interval of the indirect effect",
    )
    draws: Annotated[int, Field(ge=100)] = Field(
        default=DRAWS, description="parameter draws for the spatial effects' inference"
    )
    points: Annotated[int, Field(ge=3)] = Field(
        default=MARGINAL_POINTS,
        description="moderator values (5th to 95th percentile) of the marginal effects",
    )
    seed: Annotated[int, Field(ge=0)] = 0
    level: Annotated[float, Field(gt=0, lt=1)] = LEVEL

    @model_validator(mode="after")
    def _each_once(self):
        for name in ("mediators", "moderators", "quadratic"):
            values = getattr(self, name)
            repeated = sorted({v for v in values if values.count(v) > 1})
            if repeated:
                raise ValueError(f"{name} lists {', '.join(repeated)} more than once")
        if not (self.mediators or self.moderators or self.quadratic):
            raise ValueError(
                "lists no mediators, moderators or quadratic terms: list one or remove the block"
            )
        return self


class PolicySettings(Settings):
    """Policy evaluation of a pilot policy (nqpf.models.did): the two-way fixed-effects DID, the event study of
    the years around the pilot (TWFE and Sun and Abraham's estimator), the placebo test with false pilots and,
    on one W, the spatial DID with the policy's direct and spillover effects."""

    first_year: Identifier = Field(
        description="the unit attribute (units.attributes) with each unit's first pilot year, empty for the units "
        "never in the pilot"
    )
    dependent: str | None = Field(default=None, description="the outcome (default: models.dependent)")
    controls: list[str] | None = Field(
        default=None, description="the control variables (default: models.explanatory)"
    )
    leads: Annotated[int, Field(ge=1)] = Field(
        default=4, description="years before the pilot in the event study"
    )
    lags: Annotated[int, Field(ge=0)] = Field(
        default=4, description="years from the pilot on in the event study"
    )
    methods: Annotated[list[Literal[POLICY_METHODS]], Field(min_length=1)] = Field(
        default=list(POLICY_METHODS),
        description="the event study's estimators: twfe, sun_abraham (robust to effects that differ by batch)",
    )
    control_group: Literal[CONTROL_GROUPS] = Field(
        default="never", description="never: the units never in the pilot; last: the last batch"
    )
    bin_ends: bool = Field(default=True, description="the end years absorb the years beyond them")
    cov: Literal[COVARIANCES] = COV_DEFAULT
    placebo: Annotated[int, Field(ge=0)] = Field(
        default=PLACEBO_DRAWS, description="draws of false pilots of the placebo test (0: no placebo test)"
    )
    placebo_mode: Literal[PLACEBO_MODES] = Field(
        default="units",
        description="units: random units with the real years; timing: the pilots with random years; both",
    )
    spatial: bool = Field(default=True, description="false: no spatial DID")
    weights: str | None = Field(
        default=None,
        description="the W of the spatial DID (default: tables.weights, else the models' first W)",
    )
    model: Literal["sdm", "sar"] = "sdm"
    draws: Annotated[int, Field(ge=100)] = Field(
        default=DRAWS, description="parameter draws for the spatial DID's effects"
    )
    seed: Annotated[int, Field(ge=0)] = 0
    level: Annotated[float, Field(gt=0, lt=1)] = LEVEL


class DynamicSettings(Settings):
    """The dynamic spatial panel model (nqpf.DynamicSpatialPanelModel): y(t-1), W y(t-1) and W y(t) with two-way
    or unit fixed effects, Yu, de Jong and Lee's bias-corrected QML, the short- and long-run effects; a
    robustness check of the static model, or the model of a process with memory."""

    dependent: str | None = Field(
        default=None, description="the dependent variable (default: models.dependent)"
    )
    explanatory: list[str] | None = Field(
        default=None, description="the explanatory variables (default: models.explanatory)"
    )
    policy: bool = Field(
        default=False,
        description="add the pilot policy's treatment D (did: 1 from a unit's first pilot year, models.policy) "
        "to the explanatory variables",
    )
    model: Literal["sdm", "sar"] = "sdm"
    lags: Literal[DYNAMIC_LAGS] = Field(
        default=DYNAMIC_LAGS_DEFAULT, description="both (y(t-1) and W y(t-1)), time (y(t-1)) or spacetime"
    )
    fixed_effects: Literal[DYNAMIC_EFFECTS] = "two-way"
    bias_correction: bool = Field(
        default=True, description="Yu, de Jong and Lee's correction of the 1/T bias"
    )
    weights: str | None = Field(
        default=None, description="the W (default: tables.weights, else the models' first W)"
    )
    draws: Annotated[int, Field(ge=100)] = Field(default=DRAWS, description="parameter draws for the effects")
    seed: Annotated[int, Field(ge=0)] = 0
    level: Annotated[float, Field(gt=0, lt=1)] = LEVEL


class ModelsSettings(Settings):
    """Spatial panel econometrics (one job per model and weights matrix)."""

    dependent: str
    explanatory: list[str] = Field(
        min_length=1, description="the explanatory variables (the regressor of interest first, then controls)"
    )
    models: list[Literal[MODELS]] = Field(default=list(MODELS), min_length=1)
    weights: list[str] | None = Field(
        default=None, description="names of the study's weights matrices (all by default)"
    )
    years: YearSpan | None = None
    fixed_effects: Literal[FIXED_EFFECTS] = FIXED_EFFECTS_DEFAULT
    method: Literal[METHODS] | Annotated[list[Literal[METHODS]], Field(min_length=1)] = Field(
        default=METHOD_DEFAULT,
        description="the estimation method, or a list of methods each model and W is estimated with (results side "
        "by side): lee_yu (the Lee and Yu 2010 transformation approach) or direct (Elhorst 2014)",
    )
    balance: Literal[BALANCE] = Field(
        default=BALANCE_DEFAULT,
        description="a model variable without a value in a model year: error stops the run naming the cell; "
        "drop_units estimates on the units complete in every model variable and year, W restricted to them and "
        "standardised again, every unit left out listed (models/dropped_units.csv)",
    )
    random_effects: bool = True
    on_bound: Literal[POLICIES] = Field(
        default="error",
        description="a spatial parameter at the edge of W's interval: error stops the job; warn keeps the fit with "
        "a note",
    )
    max_iterations: Annotated[int, Field(ge=1)] = Field(
        default=MAX_ITERATIONS,
        description="most iterations of the bounded search that refines the spatial parameter (and phi)",
    )
    on_nonconvergence: Literal[POLICIES] = Field(
        default="error",
        description="a likelihood maximisation that does not converge: error stops the job; warn keeps the fit "
        "with a note",
    )
    effects: EffectsSettings = EffectsSettings()
    heterogeneity: HeterogeneitySettings | None = None
    baseline: BaselineSettings | None = Field(
        default=BaselineSettings(),
        description="the non-spatial baseline regression, correlation table and VIF (null: none)",
    )
    threshold: ThresholdSettings | None = None
    boundary: BoundarySettings | None = None
    mechanisms: MechanismsSettings | None = None
    policy: PolicySettings | None = None
    dynamic: DynamicSettings | None = None

    @property
    def treatment(self) -> str:
        """The regressor whose mechanisms are tested (mechanisms.treatment, else the first explanatory)."""
        if self.mechanisms is not None and self.mechanisms.treatment:
            return self.mechanisms.treatment
        return self.explanatory[0]

    def mechanism_controls(self, *roles: str) -> list[str]:
        """The explanatory variables that are controls of a mechanism model whose variables are the treatment
        and ``roles`` (a mediator, a moderator)."""
        taken = {self.treatment, self.dependent, *roles}
        return [v for v in self.explanatory if v not in taken]

    @property
    def policy_dependent(self) -> str:
        """The outcome of the policy evaluation (policy.dependent, else the models' dependent variable)."""
        return (self.policy.dependent if self.policy is not None else None) or self.dependent

    @property
    def policy_controls(self) -> list[str]:
        """The controls of the policy evaluation (policy.controls, else the explanatory variables)."""
        if self.policy is not None and self.policy.controls is not None:
            return list(self.policy.controls)
        return [v for v in self.explanatory if v != self.policy_dependent]

    @property
    def dynamic_dependent(self) -> str:
        """The dependent variable of the dynamic model (dynamic.dependent, else the models')."""
        return (self.dynamic.dependent if self.dynamic is not None else None) or self.dependent

    @property
    def dynamic_explanatory(self) -> list[str]:
        """The explanatory variables of the dynamic model as read from the frame (the policy's D is added by the
        stage): dynamic.explanatory, else the models'."""
        if self.dynamic is not None and self.dynamic.explanatory is not None:
            return list(self.dynamic.explanatory)
        return [v for v in self.explanatory if v != self.dynamic_dependent]

    @model_validator(mode="after")
    def _dynamic_policy(self):
        if self.dynamic is not None and self.dynamic.policy and self.policy is None:
            raise ValueError("dynamic.policy adds the pilot policy's treatment, but models.policy is not set")
        return self

    @property
    def boundary_variables(self) -> list[str]:
        """The explanatory variables whose effects the spillover boundary keeps (the first by default)."""
        if self.boundary is None:
            return []
        return list(self.boundary.variables or self.explanatory[:1])

    @property
    def threshold_regime(self) -> list[str]:
        """The regime-dependent variables of the threshold model (the first explanatory one by default)."""
        if self.threshold is None:
            return []
        return list(self.threshold.regime or self.explanatory[:1])

    @property
    def threshold_controls(self) -> list[str]:
        """The explanatory variables with one slope in the threshold model."""
        regime = self.threshold_regime
        return [v for v in self.explanatory if v not in regime]

    @field_validator("method")
    @classmethod
    def _each_method_once(cls, method):
        if isinstance(method, list) and len(set(method)) < len(method):
            repeated = sorted({m for m in method if method.count(m) > 1})
            raise ValueError(f"lists {', '.join(repeated)} more than once; list each method once")
        return method

    @property
    def methods(self) -> list[str]:
        """The estimation methods, in the order configured (``method`` as a list of one or more)."""
        return [self.method] if isinstance(self.method, str) else list(self.method)

    @property
    def several_methods(self) -> bool:
        """Whether each model and W is estimated with more than one method (the results then carry a ``method``
        column)."""
        return len(self.methods) > 1

    @property
    def group_by(self) -> str | None:
        """The column of the units table whose values group the units (region, province_code ...)."""
        return self.heterogeneity.by if self.heterogeneity else None

    @property
    def groups(self) -> dict[str, tuple[str, ...]]:
        """Group -> the values of ``group_by`` it holds: as configured, each NBS region when grouped by region,
        each group of a region set when grouped by one (not its ``outside`` units: list them in ``groups`` to
        estimate them too), else empty (every value its own group)."""
        if self.heterogeneity is None:
            return {}
        groups = self.heterogeneity.groups
        by = self.heterogeneity.by
        if groups is None and by == "region":
            groups = {region: [region] for region in REGIONS}
        elif groups is None and by in region_sets.SET_NAMES:
            groups = {group: [group] for group in region_sets.sets()[by].groups}
        elif groups is None:
            groups = {}
        return {str(name): tuple(str(v) for v in values) for name, values in groups.items()}

    @property
    def min_units(self) -> int:
        return (
            self.heterogeneity.min_units
            if self.heterogeneity
            else HeterogeneitySettings.model_fields["min_units"].default
        )

    def years_of(self, first: int, last: int) -> list[int]:
        """The years the models use: models.years, else first..last."""
        return self.years.years if self.years else list(range(first, last + 1))
