"""Settings of the distribution dynamics stage: traditional, spatial and LISA Markov chains of the variables'
classes, and the kernel density surface over years."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from nqpf.settings import MISSING_DESCRIPTION, Missing, Settings

SCHEMES = ("pooled", "yearly", "cutoffs")
QUADRANT_ORDER = ("HH", "LH", "LL", "HL")  # classes 0..3, as PySAL numbers them 1..4
# Rey's (2001) space-time transitions of a unit and its neighbours between two years (Ye and Rey 2013):
# type 0 neither moves; I the unit moves, its neighbours stay (HH-LH, LL-HL); II the neighbours move, the unit
# stays (HH-HL, LH-LL); III both move, IIIA together (HH-LL), IIIB apart (LH-HL)
MOVE_TYPES = ("0", "I", "II", "IIIA", "IIIB")


class DynamicsSettings(Settings):
    """Which variables' distribution dynamics to trace, in how many classes cut how, on which weights."""

    variables: list[str] = Field(
        default=[], description="panel variables or index names whose distribution dynamics to trace"
    )
    classes: Annotated[int, Field(ge=2, le=9)] = Field(
        default=4,
        description="the number of classes k (4: low, lower-middle, upper-middle and high, as most papers)",
    )
    scheme: Literal[SCHEMES] = Field(
        default="pooled",
        description="pooled: quantiles of all years together (growth shows as moves up); yearly: each year's "
        "quantiles (relative position); cutoffs: the cut-offs given for each variable",
    )
    cutoffs: dict[str, Annotated[list[float], Field(min_length=1)]] = Field(
        default={},
        description="variable -> its k - 1 increasing inner cut-offs (scheme: cutoffs); a value equal to a "
        "cut-off belongs to the lower class",
    )
    weights: list[str] = Field(
        default=[],
        description="the weights of the spatial and LISA Markov chains (default: the first weights of the ESDA)",
    )
    lisa: bool = Field(
        default=True, description="the LISA Markov chain (moves between Moran scatterplot quadrants)"
    )
    surface: bool = Field(
        default=True,
        description="the kernel density surface over years (year x value x density) of each variable",
    )
    periods: list[int] = Field(
        default=[],
        description="the time homogeneity test of each chain (Bickenbach and Bode 2003): the years that open a "
        "new period, a transition from year t to t + 1 belonging to the period holding t (default: the "
        "transitions cut in two halves)",
    )
    missing: Missing = Field(
        default="error",
        description=MISSING_DESCRIPTION
        + "; a transition from or to a missing value is left out, as is a unit whose neighbours' lag is incomplete",
    )

    @model_validator(mode="after")
    def _cutoffs_fit(self):
        if self.scheme == "cutoffs":
            lacking = [v for v in self.variables if v not in self.cutoffs]
            if lacking:
                raise ValueError(
                    f"dynamics.scheme is cutoffs, but dynamics.cutoffs gives none for {', '.join(lacking)}"
                )
        elif self.cutoffs:
            raise ValueError(
                "dynamics.cutoffs is given, but dynamics.scheme is not cutoffs: set scheme: cutoffs"
            )
        if any(b <= a for a, b in zip(self.periods, self.periods[1:], strict=False)):
            raise ValueError(f"dynamics.periods must increase: {self.periods}")
        for variable, edges in self.cutoffs.items():
            if variable not in self.variables:
                raise ValueError(
                    f"dynamics.cutoffs names {variable!r}, which dynamics.variables does not list"
                )
            if len(edges) != self.classes - 1:
                raise ValueError(
                    f"dynamics.cutoffs of {variable} has {len(edges)} cut-offs; {self.classes} classes need "
                    f"{self.classes - 1} (or set dynamics.classes: {len(edges) + 1})"
                )
            if any(b <= a for a, b in zip(edges, edges[1:], strict=False)):
                raise ValueError(f"dynamics.cutoffs of {variable} must increase: {edges}")
        return self
