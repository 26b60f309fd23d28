"""Settings of composite indices (their indicator system and weighting method) and of coupling coordination."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import Field, model_validator

from nqpf.settings import MISSING_DESCRIPTION, Identifier, Missing, Name, Settings

METHODS = ("entropy", "entropy_topsis", "equal", "critic", "scatter_degree", "game_theory")
"""The weighting methods of an index: entropy weights (with or without TOPSIS), equal weights, CRITIC, the
vertical-horizontal scatter degree method and game-theory combined weights (:mod:`nqpf.indices.weighting`)."""
COMBINED = ("entropy", "critic", "scatter_degree", "equal")
"""The weightings game-theory weights may combine."""
COMBINED_DEFAULT = ("entropy", "critic")


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
    """A composite index: dimensions of indicators, weighted by entropy (with or without TOPSIS), equally, by
    CRITIC, by the scatter degree method or by game-theory combined weights; optionally rebuilt with other
    weightings on the same indicators as a robustness check."""

    name: Identifier
    title: str | None = None
    method: Literal[METHODS] = Field(
        default="entropy",
        description="the weighting: entropy (熵值法), entropy_topsis, equal, critic (CRITIC), scatter_degree "
        "(纵横向拉开档次法) or game_theory (博弈论组合赋权 of the weightings in combine)",
    )
    combine: Annotated[list[Literal[COMBINED]], Field(min_length=2)] | None = Field(
        default=None,
        description="the weightings game_theory combines (default entropy and critic); read only when method or "
        "robustness names game_theory",
    )
    robustness: list[Literal[METHODS]] = Field(
        default=[],
        description="other weightings the index is rebuilt with on the same indicators, as a robustness check: "
        "each is a variable <index>_<method> of the study, a column of indices/<index>.csv and of the table "
        "index_robustness_<index> (weights side by side, correlations with the index)",
    )
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
        if len(set(self.robustness)) < len(self.robustness):
            raise ValueError(f"index {self.name!r}: robustness lists a method twice; list each once")
        if self.method in self.robustness:
            raise ValueError(
                f"index {self.name!r}: robustness lists {self.method}, the index's own method; list other methods"
            )
        clash = sorted(set(self.robustness) & set(self.dimensions))
        if clash:
            raise ValueError(
                f"index {self.name!r}: robustness method {', '.join(clash)} is also a dimension's name, so "
                f"{self.name}_{clash[0]} would name two variables; rename the dimension"
            )
        if self.combine is not None:
            if len(set(self.combine)) < len(self.combine):
                raise ValueError(f"index {self.name!r}: combine lists a method twice; list each once")
            if "game_theory" not in self.methods:
                raise ValueError(
                    f"index {self.name!r}: combine is read by game_theory only; set method: game_theory (or "
                    "list it in robustness), or remove combine"
                )
        return self

    @property
    def methods(self) -> list[str]:
        """The index's method, then its robustness methods."""
        return [self.method, *self.robustness]

    @property
    def combined(self) -> tuple[str, ...]:
        """The weightings game-theory weights combine."""
        return tuple(self.combine) if self.combine is not None else COMBINED_DEFAULT

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
