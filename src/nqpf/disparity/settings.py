"""Settings of the regional disparity stage."""

from __future__ import annotations

from pydantic import Field, field_validator

from nqpf.settings import MISSING_DESCRIPTION, Identifier, Missing, Settings
from nqpf.units import region_sets

GROUPINGS: tuple[str, ...] = ("region", "province", *region_sets.SET_NAMES)
"""The built-in groupings of ``disparity.groups``: the NBS regions, provinces and the shipped region sets; a
user attribute column (``units.attributes``) may be named too."""


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
