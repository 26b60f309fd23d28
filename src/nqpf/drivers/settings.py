"""Settings of the drivers stage: the geographical detector of a response over a study's factors."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from nqpf.settings import MISSING_DESCRIPTION, Missing, Settings, first_middle_last

METHODS = ("equal", "quantile", "natural", "geometric", "sd")  # as nqpf.drivers.discretisation.METHODS


class GeodetectorSettings(Settings):
    """The geographical detector (Wang and Xu 2017) of ``dependent`` over ``factors``, year by year or pooled."""

    dependent: str | None = Field(default=None, description="the response y: a panel variable or index")
    factors: list[str] = Field(
        default=[], description="the factors X: panel variables, indices or unit attributes (region ...)"
    )
    categorical: list[str] = Field(
        default=[],
        description="factors already in strata (a region, a class), used as they are; the others are "
        "discretised by the optimal parameters-based geographical detector (OPGD)",
    )
    methods: list[Literal[METHODS]] = Field(
        default=list(METHODS),
        description="discretisation methods OPGD chooses from: equal, quantile, natural (Fisher-Jenks), "
        "geometric, sd",
    )
    classes: list[Annotated[int, Field(ge=2, le=20)]] = Field(
        default=[3, 4, 5, 6, 7], description="numbers of classes OPGD chooses from"
    )
    years: list[int] | None = Field(
        default=None, description="years detected one by one (default the first, middle and last)"
    )
    pooled: bool = Field(default=False, description="also detect on every unit-year of the years pooled")
    alpha: Annotated[float, Field(gt=0, lt=1)] = 0.05
    missing: Missing = Field(
        default="error",
        description=MISSING_DESCRIPTION + "; each year's detectors use the units with y and every factor",
    )

    @model_validator(mode="after")
    def _complete(self):
        if self.factors and self.dependent is None:
            raise ValueError(
                "geodetector.factors is given but geodetector.dependent is not: name the response y"
            )
        if self.dependent is not None and not self.factors:
            raise ValueError("geodetector.dependent is given but no geodetector.factors: name the factors X")
        if self.dependent in self.factors:
            raise ValueError(f"geodetector: {self.dependent} is both the response and a factor")
        stray = [f for f in self.categorical if f not in self.factors]
        if stray:
            raise ValueError(f"geodetector.categorical names {', '.join(stray)}, which factors does not list")
        return self

    @property
    def active(self) -> bool:
        return bool(self.factors)

    def years_of(self, years: list[int]) -> list[int]:
        """The years detected one by one: as configured, else the first, middle and last of ``years``."""
        return list(self.years) if self.years else first_middle_last(years, most=3)
