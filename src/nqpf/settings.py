"""The base of every stage's settings: a pydantic model that refuses unknown keys and values of the wrong type
(a year given as the text "2019" is an error, not 2019), and is immutable once made. Defaults are
validated like given values, so a setting has one type whether written or left out (10 and 10.0 alike).

Each stage keeps its settings next to its code (``nqpf.<stage>.settings``) with their defaults, allowed values and
descriptions written once; a study's configuration (:mod:`nqpf.study.settings`) composes them, and the
configuration schema of the workflow is generated from it.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

NAME = "^[A-Za-z][A-Za-z0-9_-]*$"
IDENTIFIER = "^[A-Za-z][A-Za-z0-9_]*$"
VARIABLE = "^[A-Za-z_][A-Za-z0-9_]*$"

Name = Annotated[str, Field(pattern=NAME)]
"""A name that is also a file or folder name: letters, digits, _ and -, starting with a letter."""
Identifier = Annotated[str, Field(pattern=IDENTIFIER)]
"""A name that is also a column-name prefix: letters, digits and _, starting with a letter."""
VariableName = Annotated[str, Field(pattern=VARIABLE)]
"""The name of a variable of the panel: letters, digits and _, starting with a letter or _."""
Code = str | int
"""A unit code or name as a configuration may give it (a code written as a number is accepted)."""
MISSING = ("error", "drop_per_year")
Missing = Literal[MISSING]
"""What a cross-sectional stage (ESDA, disparity, an index) does with a unit-year without a value: ``error`` stops
with the cells listed; ``drop_per_year`` analyses each year on the units observed in it, every unit-year left out
listed in the stage's ``left_out.csv``."""
MISSING_DESCRIPTION = (
    "a unit-year without a value: error (default) stops with the cells listed; drop_per_year analyses each year on "
    "the units observed in it and lists every unit-year left out (left_out.csv)"
)


class Settings(BaseModel):
    """Settings read from a configuration: unknown keys and values of the wrong type are errors."""

    model_config = ConfigDict(
        extra="forbid", strict=True, frozen=True, populate_by_name=True, validate_default=True
    )

    def to_config(self) -> dict:
        """The settings as plain data in the configuration's own keys, defaults filled in (what a rule passes to
        its job and the manifest records); ``model_validate`` reads it back."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)


class YearSpan(Settings):
    """A span of years, first and last included."""

    first: int
    last: int

    @property
    def years(self) -> list[int]:
        return list(range(self.first, self.last + 1))


class StudyYears(YearSpan):
    """The years of a study."""

    first: Annotated[int, Field(ge=1949, le=2100)]
    last: Annotated[int, Field(ge=1949, le=2100)]


def first_middle_last(years, most: int = 12) -> list[int]:
    """Every year when there are ``most`` or fewer, else the first, the middle and the last (the default years
    of maps drawn one small map per year)."""
    years = list(years)
    return years if len(years) <= most else [years[0], years[len(years) // 2], years[-1]]


def require_for(kind_field: str, required: dict[str, tuple[str, ...]]):
    """A validator that names the keys a value of ``kind_field`` needs (``{"knn": ("k",)}``): an error of type
    ``missing`` at the missing key, as for any required key. The same table generates the schema's ``allOf``."""

    @model_validator(mode="before")
    @classmethod
    def check(cls, data):
        if isinstance(data, dict):
            kind = data.get(kind_field)
            missing = [key for key in required.get(kind, ()) if data.get(key) is None]
            if missing:
                raise PydanticCustomError(
                    "missing_for_kind",
                    "{kind_field} {kind} needs the key {key}",
                    {"kind_field": kind_field, "kind": kind, "key": missing[0]},
                )
        return data

    return check


def conditional_requirements(kind_field: str, required: dict[str, tuple[str, ...]]) -> dict:
    """The JSON-schema ``allOf`` that says which keys each value of ``kind_field`` needs."""
    rules = []
    for kind, keys in required.items():
        rules.append({"if": {"properties": {kind_field: {"const": kind}}}, "then": {"required": list(keys)}})
    return {"allOf": rules}
