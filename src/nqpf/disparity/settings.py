"""Settings of the regional disparity stage."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, field_validator

from nqpf.settings import MISSING_DESCRIPTION, Identifier, Missing, Settings
from nqpf.units import region_sets

GROUPINGS: tuple[str, ...] = ("region", "province", *region_sets.SET_NAMES)
"""The built-in groupings of ``disparity.groups``: the NBS regions, provinces and the shipped region sets; a
user attribute column (``units.attributes``) may be named too."""


CONVERGENCE_MODELS = ("ols", "sar", "sem", "sdm")
CONVERGENCE_KINDS = ("absolute", "conditional")


class SpatialConvergenceSettings(Settings):
    """Spatial beta convergence of the disparity variables: absolute beta on the cross-section of growth over the
    study's years and conditional beta on the panel of growth with two-way fixed effects, each as OLS and as
    spatial models on one W (Rey and Montouri 1999; Elhorst, Piras and Arbia 2010), nationally and within each
    group of ``disparity.groups`` (club convergence)."""

    weights: Identifier | None = Field(
        default=None,
        description="the W of the spatial models (default: the first W of the models, else of the study)",
    )
    models: Annotated[list[Literal[CONVERGENCE_MODELS]], Field(min_length=1)] = Field(
        default=list(CONVERGENCE_MODELS),
        description="ols (the non-spatial beta beside the spatial ones), sar, sem, sdm",
    )
    kinds: Annotated[list[Literal[CONVERGENCE_KINDS]], Field(min_length=1)] = Field(
        default=list(CONVERGENCE_KINDS),
        description="absolute (cross-section of the growth over the study's years on the initial level) and "
        "conditional (panel of growth on the lagged level with unit and year fixed effects, and the controls)",
    )
    period: Annotated[int, Field(ge=1)] = Field(
        default=1,
        description="the years of each growth step of the conditional beta: 1 annual growth, k the growth over "
        "non-overlapping k-year spans from the first year",
    )
    controls: list[str] = Field(
        default=[], description="control variables of the conditional beta, at the start of each span"
    )
    clubs: bool = Field(
        default=True, description="also estimate within each group of disparity.groups (club convergence)"
    )
    min_units: Annotated[int, Field(ge=3)] = Field(
        default=5, description="the fewest units a group needs to be estimated on its own"
    )
    draws: Annotated[int, Field(ge=100)] = Field(
        default=1000, description="draws of the simulated direct and indirect effects of SAR and SDM"
    )
    seed: Annotated[int, Field(ge=0)] = 0


class DisparitySettings(Settings):
    """Which variables' regional disparity to measure, by which groups."""

    variables: list[str] = Field(
        default=[], description="panel variables or index names whose regional disparity to measure"
    )
    groups: Identifier = Field(
        default="region",
        description="the groups of the decomposition: region (NBS four regions), province, a region set ("
        + ", ".join(region_sets.SET_NAMES)
        + ") or a unit attribute of units.attributes",
    )
    kernel_years: list[int] | None = Field(
        default=None, description="years drawn in the kernel density figures (default first, middle, last)"
    )
    convergence: bool = True
    spatial_convergence: SpatialConvergenceSettings | None = Field(
        default=None,
        description="spatial beta convergence and club convergence of the variables (absent: not estimated)",
    )
    missing: Missing = Field(
        default="error",
        description=MISSING_DESCRIPTION
        + "; beta convergence uses the units observed in every year of the study",
    )

    @field_validator("groups")
    @classmethod
    def _known_grouping(cls, name: str) -> str:
        return region_sets.refuse_misspelt(name, GROUPINGS, "a region set")

    @property
    def group_column(self) -> str:
        """The column of the analysis frame that holds each unit's group: the grouping's own name (a region set
        or a user attribute), except province_code for province."""
        return "province_code" if self.groups == "province" else self.groups

    def group_order(self, values) -> list:
        """The groups present in ``values`` in the order tables list them (region sets as their sources do)."""
        return region_sets.group_order(values)

    def kernel_years_of(self, first: int, last: int) -> list[int]:
        """The kernel density years: as configured, else the first, middle and last of first..last."""
        return self.kernel_years or sorted({first, (first + last) // 2, last})
