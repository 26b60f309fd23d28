"""Settings of the regional disparity stage."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from nqpf.settings import Settings


class DisparitySettings(Settings):
    """Which variables' regional disparity to measure, by which groups."""

    variables: list[str] = Field(
        default=[], description="panel variables or index names whose regional disparity to measure"
    )
    groups: Literal["region", "province"] = "region"
    kernel_years: list[int] | None = Field(
        default=None, description="years drawn in the kernel density figures (default first, middle, last)"
    )
    convergence: bool = True

    @property
    def group_column(self) -> str:
        """The column of the analysis frame that holds each unit's group."""
        return {"region": "region", "province": "province_code"}[self.groups]

    def kernel_years_of(self, first: int, last: int) -> list[int]:
        """The kernel density years: as configured, else the first, middle and last of first..last."""
        return self.kernel_years or sorted({first, (first + last) // 2, last})
