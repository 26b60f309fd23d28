"""Settings of a study's statistics files, its derived variables' panel rules (fills, required variables)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from nqpf.settings import Code, Settings, VariableName, conditional_requirements, require_for

AGGREGATE_LABELS = [
    "全国",
    "全国合计",
    "全国总计",
    "合计",
    "总计",
    "中国",
    "National",
    "National Total",
    "Total",
    "China",
    "东部地区",
    "中部地区",
    "西部地区",
    "东北地区",
]
"""Unit labels of the total and regional rows of yearbook tables, skipped (and reported) by default."""

_FILL_NEEDS = {"constant": ("value",)}
_REQUIRED = {"long": ("variable", "value"), "wide": ("variables",), "wide_years": ("variable_name",)}


class TableSettings(Settings):
    """How to read one statistics file (or every file a glob pattern matches).

    Layouts: ``long``, one row per unit, year and variable; ``wide``, one row per unit and year, one column per
    variable; ``wide_years``, one row per unit, one column per year, a single variable."""

    model_config = Settings.model_config | {
        "json_schema_extra": conditional_requirements("layout", _REQUIRED)
    }

    path: str = Field(description="file path, or a glob pattern such as data/rd_*.xlsx")
    layout: Literal["long", "wide", "wide_years"]
    unit: str = Field(description="column with unit codes or names")
    unit_by: Literal["auto", "code", "name"] = "auto"
    parent: str | None = Field(
        default=None, description="column with the province (name or code) or prefecture code"
    )
    year: str | None = Field(default=None, description="column with the year")
    year_from: Literal["sheet", "filename"] | None = None
    variable: str | None = Field(default=None, description="long layout: column with the variable label")
    value: str | None = Field(default=None, description="long layout: column with the value")
    variables: dict[str, VariableName] | None = Field(
        default=None, description="wide: column -> variable name; long: label -> variable name"
    )
    variable_name: VariableName | None = None
    sheet: str | int = 0
    skip_rows: Annotated[int, Field(ge=0)] = 0
    encoding: str = "utf-8-sig"
    delimiter: str = ","

    _requires = require_for("layout", _REQUIRED)


class StatisticsSettings(Settings):
    """The statistics files of a study and how their rows are matched to its units."""

    files: list[TableSettings] = Field(min_length=1)
    missing_markers: list[str] = Field(
        default=[],
        description="markers read as missing values in addition to the defaults (…, —, -, NA, 无, empty ...)",
    )
    aggregate_labels: list[str] = Field(
        default=AGGREGATE_LABELS, description="unit labels of total rows that are skipped (and reported)"
    )
    drop_units: list[Code] = Field(
        default=[],
        description="unit codes or names whose rows are skipped and which are left out of the study (reported)",
    )
    unmatched: Literal["error", "drop"] = Field(
        default="error",
        description="error (default) stops on statistics values matching no boundary unit and on boundary units "
        "without any statistics; drop skips the former and leaves the latter out of the study, with a report",
    )


class FillRule(Settings):
    """How the gaps of one variable are filled (every filled cell is reported): ``linear`` between a unit's
    observed years, or ``constant`` (``value``, in the years ``from``..``until`` when given)."""

    model_config = Settings.model_config | {
        "json_schema_extra": conditional_requirements("method", _FILL_NEEDS)
    }

    method: Literal["linear", "constant"]
    value: float | None = None
    from_: int | None = Field(default=None, alias="from")
    until: int | None = None

    _requires = require_for("method", _FILL_NEEDS)


class RangeCheck(Settings):
    """The values a variable can take (a population or a GDP is not negative, a share lies in 0-100): every cell
    below ``min`` or above ``max`` is a violation."""

    min: float | None = None
    max: float | None = None

    @model_validator(mode="after")
    def _bounds(self):
        if self.min is None and self.max is None:
            raise ValueError("give min, max or both")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min {self.min} is above max {self.max}")
        return self


class IdentityCheck(Settings):
    """Two formulas over the panel's variables that must agree in every unit and year, within a relative
    ``tolerance``: a cell violates it when |left - right| > tolerance x |right| (gdp * 10000 against
    gdp_per_capita * population, say). Formulas as in ``derived``; a cell where either side is missing is not
    checked (and counted)."""

    left: str = Field(description="a formula, as in derived (gdp * 10000)")
    right: str = Field(description="the formula it is compared with, the reference of the relative deviation")
    tolerance: Annotated[float, Field(gt=0)] = Field(
        default=0.1, description="the largest relative deviation |left - right| / |right| accepted"
    )


class CheckSettings(Settings):
    """Plausibility checks of the panel's values, each violating cell listed in data/checks.csv and
    validation.md; ``on_violation: error`` stops the run instead."""

    ranges: dict[VariableName, RangeCheck] = Field(
        default={}, description="variable -> {min, max}: the values it can take"
    )
    identities: dict[VariableName, IdentityCheck] = Field(
        default={}, description="check name -> {left, right, tolerance}: formulas that must agree"
    )
    on_violation: Literal["report", "error"] = Field(
        default="report", description="report (default) lists every violating cell; error stops the run"
    )


class PanelSettings(Settings):
    """Rules of the panel: gaps to fill, variables that must be complete, checks of the values."""

    fill: dict[VariableName, FillRule] = {}
    require_complete: list[str] = []
    checks: CheckSettings = CheckSettings()
