"""Settings of a study's figures (maps of the indices, coefficient and effects plots)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from nqpf.settings import Settings, first_middle_last

PREVIEW_DPI = 100
"""Resolution of a figure's copy in the study's report (``results/<study>/report/``): the report embeds its images,
and full-resolution figures would make it a file of tens of megabytes."""


class FiguresSettings(Settings):
    """The figures of the study's results."""

    map_years: list[int] | None = Field(
        default=None,
        min_length=1,
        description="years drawn in the index maps (default every year up to 12, else first, middle, last)",
    )
    map_classes: Annotated[int, Field(ge=2, le=9)] = Field(
        default=5,
        description="colour classes of the index maps (for map_scheme user: one more than map_breaks)",
    )
    map_scheme: Literal["quantiles", "equal_interval", "natural_breaks", "user"] = Field(
        default="quantiles",
        description="how the index maps' classes are cut from the values of the mapped years pooled: "
        "quantiles (equal counts), equal_interval (equal widths), natural_breaks (Fisher-Jenks, least "
        "within-class sum of squares) or user (the inner edges given in map_breaks)",
    )
    map_breaks: list[float] | None = Field(
        default=None,
        min_length=1,
        max_length=8,
        description="inner class edges of the index maps, increasing (map_scheme user); the outer classes "
        "reach the values' minimum and maximum",
    )
    map_colours: str = Field(
        default="YlGnBu",
        min_length=1,
        description="matplotlib colour map of the index maps' classes (YlGnBu, YlOrRd, Blues, viridis ...; "
        "a name ending in _r reverses it)",
    )
    map_layout: Literal["small_multiples", "per_year"] = Field(
        default="small_multiples",
        description="small_multiples: each index map shows the mapped years side by side in one figure; "
        "per_year: also one figure per mapped year (map_<index>_<year>), on the same classes",
    )
    formats: list[Literal["pdf", "svg", "tiff"]] = Field(
        default=["pdf"],
        description="files of every figure besides its PNG: pdf and svg (vector, TrueType fonts in the PDF, text "
        "as outlines in the SVG), tiff (LZW-compressed, at dpi); [] for PNG alone",
    )
    dpi: Annotated[int, Field(ge=72, le=1200)] = Field(
        default=300,
        description="resolution of the PNG and TIFF files in dots per inch (journals ask 300-600); the report "
        f"shows each figure at {PREVIEW_DPI} dpi",
    )
    titles: bool = Field(
        default=True,
        description="titles inside the maps (false for journals, which put the caption under the figure; "
        "the years of small multiples stay)",
    )

    @model_validator(mode="after")
    def _breaks_with_user_scheme(self):
        if (self.map_scheme == "user") != (self.map_breaks is not None):
            raise ValueError(
                "map_breaks goes with map_scheme: user, and map_scheme: user needs map_breaks"
                f" (map_scheme is {self.map_scheme}, map_breaks {'set' if self.map_breaks else 'not set'})"
            )
        if len(set(self.formats)) != len(self.formats):
            raise ValueError(f"formats lists a format twice: {self.formats}")
        if self.map_breaks is not None and sorted(set(self.map_breaks)) != list(self.map_breaks):
            raise ValueError(f"map_breaks must increase: {self.map_breaks}")
        return self

    def map_years_of(self, years) -> list[int]:
        """The years of the index maps: as configured, else every year up to 12, else first, middle and last."""
        return list(self.map_years) if self.map_years else first_middle_last(years)
