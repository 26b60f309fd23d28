"""Settings of a study's publication tables: language, the preferred model and W, the variables described, and
the display names of variables, indicators, dimensions and weights."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from nqpf.models.settings import MODELS
from nqpf.settings import Settings

EFFECT_MODELS = ("sdm", "sar", "sdem", "slx")
"""Models with direct, indirect and total effects, in the order a study prefers them."""
MAIN_MODELS = ("sar", "sem", "sdm")


class LabelSettings(Settings):
    """The display names of one key, in English and in Chinese (one at least)."""

    en: str | None = None
    zh: str | None = None

    @model_validator(mode="after")
    def _one_at_least(self):
        if self.en is None and self.zh is None:
            raise ValueError("give the label in en, zh or both")
        return self


class TablesSettings(Settings):
    """Publication tables (CSV, LaTeX, Markdown, HTML, Word) of the study's results."""

    language: Literal["en", "zh"] = "en"
    model: Literal[EFFECT_MODELS] | None = Field(
        default=None,
        description="the preferred model of the effects, robustness and heterogeneity tables (default sdm)",
    )
    weights: str | None = Field(
        default=None,
        description="the main weights matrix of the model tables (default the first of models.weights)",
    )
    main_models: list[Literal[MODELS]] = Field(
        default=list(MAIN_MODELS), min_length=1, description="the columns of the main model table"
    )
    descriptive: list[str] | None = Field(
        default=None,
        min_length=1,
        description="the variables of the descriptive statistics (default the model's variables)",
    )
    labels: dict[str, LabelSettings] = Field(
        default={},
        description="display names of variables, indicators, dimensions and weights, in English and Chinese",
    )

    def names(self) -> dict[str, dict[str, str]]:
        """The labels as key -> {language: name}."""
        return {key: label.model_dump(exclude_none=True) for key, label in self.labels.items()}
