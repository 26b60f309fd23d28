"""Settings of a study's publication tables: language, the preferred model and W, the variables described, and
the display names of variables, indicators, dimensions and weights."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from nqpf.models.settings import MODELS
from nqpf.settings import Settings
from nqpf.tables import cells

EFFECT_MODELS = ("sdm", "sar", "sdem", "slx")
"""Models with direct, indirect and total effects, in the order a study prefers them."""
MAIN_MODELS = ("sar", "sem", "sdm")


PAGES = {"A4": (210.0, 297.0), "letter": (215.9, 279.4)}  # portrait width and height, mm


class WordSettings(Settings):
    """How the Word documents of a study's tables look (the table files and ``tables.docx`` alike)."""

    three_line: bool = Field(
        default=False,
        description=(
            "a strict three-line table (三线表): the top rule, the rule under the header and the bottom rule only;"
            " false adds a thin rule between the blocks (panels) of a table"
        ),
    )
    page: Literal[tuple(PAGES)] = Field(default="A4", description="the page size: A4 or letter")
    font: str = Field(default="Times New Roman", description="the font of Latin text and numbers")
    east_asian_font: str = Field(default="SimSun", description="the font of Chinese text (SimSun: 宋体)")
    font_size: float = Field(
        default=10.5, gt=4, le=24, description="the font size of the tables, pt (五号: 10.5)"
    )


class LabelSettings(Settings):
    """The display names of one key, in English and in Chinese (one at least)."""

    en: str | None = None
    zh: str | None = None

    @model_validator(mode="after")
    def _one_at_least(self):
        if self.en is None and self.zh is None:
            raise ValueError("give the label in en, zh or both")
        return self


class StarSettings(Settings):
    """One significance level of the tables: the symbol of an estimate whose p-value is below ``p``."""

    p: Annotated[float, Field(gt=0, lt=1)]
    symbol: Annotated[str, Field(min_length=1)]


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
    decimals: Annotated[int, Field(ge=0, le=8)] = Field(
        default=3,
        description="decimals of the estimates and of the numbers in parentheses under them in the model tables "
        "(the least: a row whose largest estimate would show fewer than two significant digits gets more, up to "
        "6, unless fixed_decimals)",
    )
    fixed_decimals: bool = Field(
        default=False,
        description="exactly `decimals` decimals in every row and column of the model tables",
    )
    stars: list[StarSettings] = Field(
        default=[{"p": p, "symbol": symbol} for p, symbol in cells.STAR_LEVELS],
        description="significance stars of the tables: the symbol of the smallest p threshold an estimate's "
        "p-value is below (an empty list prints none)",
    )
    parentheses: Literal[cells.PARENTHESES] = Field(
        default="std_error",
        description="what the parentheses under an estimate hold: std_error, or t (estimate / standard error; "
        "z for the maximum-likelihood models)",
    )
    observations: Literal[cells.OBSERVATIONS] = Field(
        default="likelihood",
        description="the observation count of the model tables: likelihood (the number the likelihood counts, "
        "(N - 1)(T - 1) after the Lee-Yu transformation with two-way effects) or nt (N T); a note says which "
        "when the two differ",
    )

    word: WordSettings = Field(
        default=WordSettings(),
        description="the Word documents: page (A4), three_line (a strict 三线表), fonts and size",
    )

    @field_validator("stars")
    @classmethod
    def _distinct_stars(cls, stars: list[StarSettings]) -> list[StarSettings]:
        for what, values in (("p", [s.p for s in stars]), ("symbol", [s.symbol for s in stars])):
            if len(set(values)) < len(values):
                raise ValueError(f"gives a {what} more than once; give each level its own p and symbol")
        return stars

    def style(self) -> cells.Style:
        """How the tables print estimates, stars and the numbers in parentheses."""
        return cells.Style(
            decimals=self.decimals,
            fixed=self.fixed_decimals,
            stars=tuple((s.p, s.symbol) for s in self.stars),
            parentheses=self.parentheses,
            observations=self.observations,
        )

    def names(self) -> dict[str, dict[str, str]]:
        """The labels as key -> {language: name}."""
        return {key: label.model_dump(exclude_none=True) for key, label in self.labels.items()}
