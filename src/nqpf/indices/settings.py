"""Settings of composite indices (their indicator system and weighting method) and of coupling coordination."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import Field, model_validator

from nqpf.settings import MISSING_DESCRIPTION, Identifier, Missing, Name, Settings

METHODS = ("entropy", "entropy_topsis", "equal")


@dataclass(frozen=True)
class Indicator:
    """One indicator of an index: its variable, its dimension and whether more of it is worse."""

    variable: str
    dimension: str
    negative: bool


class IndicatorSettings(Settings):
    variable: str
    direction: Literal["+", "-"] = "+"


class IndexSettings(Settings):
    """A composite index: dimensions of indicators, weighted by entropy (with or without TOPSIS) or equally."""

    name: Identifier
    title: str | None = None
    method: Literal[METHODS] = "entropy"
    weights_by: Literal["pooled", "year"] = "pooled"
    missing: Missing = Field(
        default="error",
        description=MISSING_DESCRIPTION
        + "; a unit-year lacking any indicator gets no index value and the weights come from the complete ones",
    )
    dimensions: dict[Identifier, Annotated[list[IndicatorSettings], Field(min_length=1)]] = Field(
        min_length=1, description="dimension name -> list of indicators"
    )

    @model_validator(mode="after")
    def _indicators_once(self):
        variables = [item.variable for items in self.dimensions.values() for item in items]
        repeated = sorted({v for v in variables if variables.count(v) > 1})
        if repeated:
            raise ValueError(f"index {self.name!r} lists indicators twice: {', '.join(repeated)}")
        return self

    @property
    def indicators(self) -> tuple[Indicator, ...]:
        return tuple(
            Indicator(item.variable, dimension, item.direction == "-")
            for dimension, items in self.dimensions.items()
            for item in items
        )

    @property
    def dimension_names(self) -> list[str]:
        return list(self.dimensions)

    @property
    def label(self) -> str:
        """The index's title, or its name."""
        return self.title or self.name


class CouplingSettings(Settings):
    """The coupling coordination degree of two indices."""

    name: Name
    indices: list[str] = Field(min_length=2, max_length=2)
    alpha: Annotated[float, Field(ge=0, le=1)] = 0.5
