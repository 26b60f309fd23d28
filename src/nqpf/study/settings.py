"""The configuration of the workflow: the studies it runs and the boundary sets they share. A study composes the
settings of every stage, each defined next to the code that uses it; the workflow's configuration schema
(``workflow/schemas/config.schema.json``) is generated from these models (:mod:`nqpf.study.schema`)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Discriminator, Field, Tag, model_validator

from nqpf.disparity.settings import DisparitySettings
from nqpf.drivers.settings import GeodetectorSettings
from nqpf.dynamics.settings import DynamicsSettings
from nqpf.esda.settings import CentrographySettings, EsdaSettings
from nqpf.figures.settings import FiguresSettings
from nqpf.indices.settings import CouplingSettings, IndexSettings
from nqpf.models.settings import ModelsSettings
from nqpf.panel.settings import PanelSettings, StatisticsSettings
from nqpf.settings import Name, Settings, StudyYears, VariableName
from nqpf.tables.settings import TablesSettings
from nqpf.units.settings import BoundariesSettings, UnitsSettings
from nqpf.weights.settings import WeightsSettings

# -- the demo data-generating process (nqpf.study.demo) ---------------------------------------------------------


class Pole(Settings):
    """A growth pole of the latent potential: strength decaying exponentially with distance."""

    name: str
    region: str | None = None
    lon: Annotated[float, Field(ge=70, le=140)]
    lat: Annotated[float, Field(ge=15, le=55)]
    strength: float
    scale_km: Annotated[float, Field(gt=0)]


class RegionEffects(Settings):
    East: float
    Central: float
    West: float
    Northeast: float


class SdmParameters(Settings):
    """The two-way fixed-effects SDM that generates NQPF from the new-infrastructure index."""

    rho: Annotated[float, Field(gt=-1, lt=1)]
    beta: float
    theta: float
    sigma: Annotated[float, Field(gt=0)]
    unit_effect: float
    time_trend: float


class Controls(Settings):
    urbanisation: float
    openness: float
    government: float
    industrial_structure: float
    human_capital: float


class MediatorParameters(Settings):
    """The mediator of the demo: a digital financial inclusion index (points), M = level_i + trend + a x + noise,
    entering NQPF with slope b per point."""

    a: float = Field(description="points of the mediator per unit of the new-infrastructure index")
    b: float = Field(description="latent NQPF per point of the mediator")
    sigma: Annotated[float, Field(gt=0)] = Field(
        default=6.0, description="sd of the mediator's noise (points)"
    )


class ModeratorParameters(Settings):
    """The moderator of the demo: a marketisation index (points), drawn independently of the potential; NQPF
    gains kappa (x - xbar)(Z - Zbar) + main Z."""

    kappa: float = Field(description="change of new infrastructure's slope per point of the moderator")
    main: float = Field(default=0.0, description="latent NQPF per point of the moderator")


class ThresholdParameters(Settings):
    """A threshold of the demo: new infrastructure's slope is sdm.beta where financial development (loans over
    GDP) is at most ``value`` and sdm.beta + delta above it."""

    value: float = Field(description="the threshold (loans outstanding over GDP)")
    delta: float = Field(description="the change of new infrastructure's slope above the threshold")


class MechanismParameters(Settings):
    """Mechanisms of the demo's NQPF process, each optional: a mediator, a moderator and a threshold."""

    seed: Annotated[int, Field(ge=0)] = Field(
        default=1, description="the stream of their draws (the other draws of the study stay as they are)"
    )
    mediator: MediatorParameters | None = None
    moderator: ModeratorParameters | None = None
    threshold: ThresholdParameters | None = None


class PolicyParameters(Settings):
    """A staggered pilot policy of the demo (as Broadband China's three batches) and the outcome it acts on: the
    value added of the core digital-economy industries as a share s of GDP (%), a dynamic spatial Durbin process
    s_t = (I - rho W)^-1 (gamma s_(t-1) + eta W s_(t-1) + beta x_t + delta D_t + theta W D_t + mu + alpha_t + e_t)
    with D_it = 1 from the year unit i joins the pilot."""

    seed: Annotated[int, Field(ge=0)] = Field(
        default=2, description="the stream of its draws (the other draws of the study stay as they are)"
    )
    cohorts: list[int] = Field(
        default=[2014, 2015, 2016],
        min_length=1,
        max_length=6,
        description="the years the pilot's batches start",
    )
    share: Annotated[float, Field(gt=0, le=0.3)] = Field(
        default=0.12, description="the share of the units in each batch"
    )
    delta: float = Field(default=0.6, description="the pilot's own effect on s (percentage points)")
    theta: float = Field(
        default=0.4, description="the effect of the neighbours' pilot, W D (percentage points)"
    )
    gamma: float = Field(default=0.5, description="the coefficient of s(t-1)")
    eta: float = Field(default=0.1, description="the coefficient of W s(t-1)")
    rho: Annotated[float, Field(gt=-1, lt=1)] = Field(default=0.2, description="the coefficient of W s(t)")
    beta: float = Field(default=2.0, description="percentage points per unit of the new-infrastructure index")
    sigma: Annotated[float, Field(gt=0)] = Field(default=0.15, description="sd of the noise (points)")

    @model_validator(mode="after")
    def _stable(self):
        if self.gamma + self.eta + self.rho >= 1 or abs(self.gamma) + abs(self.eta) + abs(self.rho) >= 1:
            raise ValueError(
                "demo.policy: |gamma| + |eta| + |rho| must stay below 1 for a stable process (its long-run effects "
                "exist)"
            )
        return self


# File names of a demo study's raw statistics; the study config reads them like any user's files.
DEMO_FILES = {
    "economy": "population_economy.csv",
    "innovation": "science_technology.xlsx",
    "environment": "energy_environment.csv",
    "infrastructure": "new_infrastructure_long.csv",
    "pilots": "pilot_list.csv",
}


class DemoSettings(Settings):
    """A demo study's simulated raw statistics: the data-generating process and its seed."""

    seed: Annotated[int, Field(ge=0)]
    poles: list[Pole] = Field(min_length=1)
    region_effects: RegionEffects
    sdm: SdmParameters
    controls: Controls
    local_variation: Annotated[float, Field(ge=0)] = 0.08
    indicator_noise: Annotated[float, Field(ge=0)] = 0.02
    missing_share: Annotated[float, Field(ge=0, le=0.2)] = 0.01
    mechanisms: MechanismParameters | None = None
    policy: PolicyParameters | None = None


# -- a study ---------------------------------------------------------------------------------------------------


class StudySettings(Settings):
    """One study: its units, years and statistics, and the settings of every stage run on them."""

    name: Name = Field(description="folder name under results/ (letters, digits, _ and -)")
    title: str | None = None
    units: UnitsSettings
    years: StudyYears
    demo: DemoSettings | None = None
    statistics: StatisticsSettings
    derived: dict[VariableName, str] = Field(
        default={}, description="derived variables, name -> formula, evaluated in order"
    )
    indices: list[IndexSettings] = Field(
        default=[], description="composite indices built from the panel's indicators"
    )
    coupling: list[CouplingSettings] = Field(
        default=[], description="coupling coordination degree of pairs of indices"
    )
    disparity: DisparitySettings = DisparitySettings()
    dynamics: DynamicsSettings = DynamicsSettings()
    geodetector: GeodetectorSettings = GeodetectorSettings()
    esda: EsdaSettings = EsdaSettings()
    centrography: CentrographySettings = CentrographySettings()
    models: ModelsSettings | None = None
    tables: TablesSettings = TablesSettings()
    figures: FiguresSettings = FiguresSettings()
    weights: list[WeightsSettings] = Field(
        default=[], description="the spatial weights matrices of the study, each named"
    )
    panel: PanelSettings = PanelSettings()

    @property
    def simulated(self) -> bool:
        """Whether the study runs on simulated demo data."""
        return self.demo is not None

    @property
    def year_list(self) -> list[int]:
        return self.years.years

    @property
    def weights_names(self) -> list[str]:
        return [spec.name for spec in self.weights]

    def weights_spec(self, name: str) -> WeightsSettings:
        for spec in self.weights:
            if spec.name == name:
                return spec
        raise KeyError(f"study {self.name} has no weights named {name!r}")

    def index_spec(self, name: str) -> IndexSettings:
        for spec in self.indices:
            if spec.name == name:
                return spec
        raise KeyError(f"study {self.name} has no index named {name!r}")

    def coupling_spec(self, name: str) -> CouplingSettings:
        for spec in self.coupling:
            if spec.name == name:
                return spec
        raise KeyError(f"study {self.name} has no coupling named {name!r}")

    @property
    def esda_weights(self) -> list[str]:
        """The weights the ESDA runs on: esda.weights, else every W of the study."""
        return list(self.esda.weights) if self.esda.weights else self.weights_names

    @property
    def dynamics_weights(self) -> list[str]:
        """The weights of the spatial and LISA Markov chains: dynamics.weights, else the first of the ESDA's."""
        return list(self.dynamics.weights) if self.dynamics.weights else self.esda_weights[:1]

    @property
    def convergence_weights(self) -> list[str]:
        """The W of the spatial beta convergence (disparity.spatial_convergence.weights, else the first W of the
        models, else of the study), none when it is not estimated or the study has no W."""
        spec = self.disparity.spatial_convergence
        if spec is None or not self.disparity.variables:
            return []
        if spec.weights:
            return [spec.weights]
        return (self.model_weights or self.weights_names)[:1]

    @property
    def esda_years(self) -> list[int]:
        return self.esda.years_of(self.years.first, self.years.last)

    @property
    def model_weights(self) -> list[str]:
        """The weights the models run on: models.weights, else every W of the study."""
        if self.models is None:
            return []
        return list(self.models.weights) if self.models.weights else self.weights_names

    @property
    def main_weights(self) -> str | None:
        """The main W of the model tables: tables.weights, else the models' first W, else the study's first."""
        names = self.model_weights or self.weights_names
        return self.tables.weights or (names[0] if names else None)

    @property
    def mechanism_weights(self) -> str | None:
        """The W of the spatial mechanism models: models.mechanisms.weights, else the main W; none when the
        mechanisms are non-spatial."""
        spec = self.models.mechanisms if self.models else None
        return None if spec is None or not spec.spatial else spec.weights or self.main_weights

    @property
    def policy_weights(self) -> str | None:
        """The W of the spatial DID: models.policy.weights, else the main W; none without a spatial DID."""
        spec = self.models.policy if self.models else None
        return None if spec is None or not spec.spatial else spec.weights or self.main_weights

    @property
    def dynamic_weights(self) -> str | None:
        """The W of the dynamic model: models.dynamic.weights, else the main W."""
        spec = self.models.dynamic if self.models else None
        return None if spec is None else spec.weights or self.main_weights

    @property
    def model_years(self) -> list[int]:
        return self.models.years_of(self.years.first, self.years.last) if self.models else []

    @property
    def model_variables(self) -> list[str]:
        return [self.models.dependent, *self.models.explanatory] if self.models else []

    def panel_spec(self):
        """What the study's panel is built from (:class:`nqpf.panel.PanelSpec`)."""
        from nqpf.panel.assembly import PanelSpec

        years = self.model_years
        return PanelSpec(
            first_year=self.years.first,
            last_year=self.years.last,
            statistics=self.statistics,
            derived=dict(self.derived),
            rules=self.panel,
            model_variables=self.model_variables,
            model_years=(years[0], years[-1]) if self.models is not None else None,
            models_drop_units=self.models is not None and self.models.balance == "drop_units",
        )


def _entry_kind(value) -> str:
    return "file" if isinstance(value, str) else "study"


STUDY_FILE = r"\.ya?ml$"
StudyFile = Annotated[str, Field(pattern=STUDY_FILE)]
StudyEntry = Annotated[
    Annotated[StudySettings, Tag("study")] | Annotated[StudyFile, Tag("file")], Discriminator(_entry_kind)
]


class ConfigSettings(Settings):
    """The studies nqpf runs and the settings they share. Every key is documented in config/README.md. Unknown
    keys are errors, so a typo never passes silently."""

    boundaries: BoundariesSettings = BoundariesSettings()
    studies: list[StudyEntry] = Field(
        min_length=1,
        description="the studies to run; each a study, or the path of a configuration file whose studies to add",
    )
