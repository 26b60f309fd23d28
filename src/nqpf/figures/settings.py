"""Settings of a study's figures (maps of the indices, coefficient and effects plots)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from nqpf.settings import Settings, first_middle_last


class FiguresSettings(Settings):
    """The figures of the study's results."""

    map_years: list[int] | None = Field(
        default=None,
        min_length=1,
        description="years drawn in the index maps (default every year up to 12, else first, middle, last)",
    )
    map_classes: Annotated[int, Field(ge=2, le=9)] = Field(
        default=5, description="colour classes of the index maps, cut at quantiles of the mapped years pooled"
    )

    def map_years_of(self, years) -> list[int]:
        """The years of the index maps: as configured, else every year up to 12, else first, middle and last."""
        return list(self.map_years) if self.map_years else first_middle_last(years)
