"""A study's spatial results as one GeoPackage (``results/<study>/gis/<study>.gpkg``), for a user who maps them
in QGIS or ArcGIS: the units' polygons with their attributes, joined with the composite indices and the local
ESDA results in wide form (one column per year).

Layers (each a polygon layer with the units' code, name, name_en, province and region):

- ``units``: the polygons and every attribute of ``data/units.csv``;
- ``indices``: each composite index by year, ``<index>_<year>`` (``nqpf_2012`` ...), as ``indices/<index>.csv``
  gives its ``index`` column;
- ``lisa_<variable>_<w>``: local Moran (LISA) of a variable on a weights matrix, by year: ``class_<year>`` (the
  quadrant where significant, else ``ns``: the cluster map's categories), ``quadrant_<year>`` (HH, LL, HL, LH),
  ``significant_<year>`` (after the study's correction, ``esda.significance``), ``p_<year>`` (pseudo p-value of
  the permutations) and ``p_adj_<year>`` (corrected p-value);
- ``gi_star_<variable>_<w>``: Getis-Ord Gi* the same way (quadrant ``hot`` or ``cold``), where the study's local
  table holds it;
- ``about``: a table without geometry that describes each layer.

A unit-year left out of the ESDA (no value, ``esda/left_out.csv``) is empty. The polygons are in the coordinate
reference system they were read in, geographic coordinates (EPSG:4326, longitude and latitude in degrees) for
China's boundaries; every layer's description says which. The polygons are stored once, in ``units``; the
other layers are spatial views of them (:func:`write`). The same inputs give the same bytes (GDAL's time stamp is
fixed, as for the boundary files).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

import geopandas as gpd
import pandas as pd

from nqpf.errors import InputError
from nqpf.io import replaced

SUFFIX = ".gpkg"
IDENTIFYING = ("code", "name", "name_en", "province_code", "prefecture_code", "region")
"""The unit attributes every layer repeats, where data/units.csv has them."""
NOT_SIGNIFICANT = "ns"
NAME_LIMIT = 64
LOCAL_FIELDS = {  # column of the local ESDA table -> prefix of its yearly columns
    "quadrant": "quadrant",
    "significant": "significant",
    "p_sim": "p",
    "p_adjusted": "p_adj",
}
STATISTIC_NAMES = {"lisa": "local Moran's I (LISA)", "gi_star": "Getis-Ord Gi*"}


def layer_name(*parts: str) -> str:
    """A layer or column name that GIS software takes as it is: letters, digits and _ (a hyphen becomes _)."""
    return re.sub(r"[^A-Za-z0-9_]", "_", "_".join(str(p) for p in parts))


def polygons(boundaries: gpd.GeoDataFrame, units: pd.DataFrame) -> gpd.GeoDataFrame:
    """The study's units (``data/units.csv``, every attribute) with their polygons, by code; a unit without a
    polygon stops with an :class:`InputError` listing it."""
    codes = units["code"].astype(str)
    shapes = boundaries.assign(code=boundaries["code"].astype(str)).drop_duplicates("code").set_index("code")
    missing = sorted(set(codes) - set(shapes.index))
    if missing:
        raise InputError(
            f"{len(missing)} units of the study have no polygon in the boundary file",
            unit=", ".join(missing),
            fix="rebuild the boundaries (snakemake --forcerun boundaries) or give a polygon file with every unit",
        )
    table = units.assign(code=codes).reset_index(drop=True)
    geometry = gpd.GeoSeries(shapes.geometry.reindex(table["code"]).to_numpy(), crs=boundaries.crs)
    gdf = gpd.GeoDataFrame(table, geometry=geometry, crs=boundaries.crs)
    return gdf.sort_values("code", ignore_index=True)


def indices_wide(indices: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Each index (``indices/<name>.csv``: code, year, index ...) as one column per year, ``<name>_<year>``,
    one row per unit code."""
    frames = []
    for name, values in indices.items():
        wide = values.assign(code=values["code"].astype(str)).pivot(
            index="code", columns="year", values="index"
        )
        wide.columns = [layer_name(name, int(year)) for year in wide.columns]
        frames.append(wide)
    if not frames:
        return pd.DataFrame({"code": pd.Series(dtype=str)})
    return pd.concat(frames, axis=1).reset_index()


def local_wide(local: pd.DataFrame) -> dict[tuple[str, str, str], pd.DataFrame]:
    """The local ESDA table (``esda/local.csv``) as one wide table per statistic, variable and weights matrix:
    ``class_<year>``, then ``quadrant_``, ``significant_``, ``p_`` and ``p_adj_<year>`` (see the module
    docstring), one row per unit code."""
    tables = {}
    local = local.assign(code=local["code"].astype(str))
    for (statistic, variable, weights), part in local.groupby(
        ["statistic", "variable", "weights"], sort=True
    ):
        part = part.copy()
        part["significant"] = part["significant"].map(_truth).astype("boolean")
        part["class"] = part["quadrant"].where(
            part["significant"].fillna(False).astype(bool), NOT_SIGNIFICANT
        )
        blocks = []
        for column, prefix in {"class": "class", **LOCAL_FIELDS}.items():
            if column not in part.columns:
                continue
            wide = part.pivot(index="code", columns="year", values=column)
            wide.columns = [f"{prefix}_{int(year)}" for year in wide.columns]
            if column == "significant":
                wide = wide.astype("boolean")
            blocks.append(wide)
        tables[(statistic, variable, weights)] = pd.concat(blocks, axis=1).reset_index()
    return tables


def _truth(value):
    if pd.isna(value):
        return pd.NA
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes")
    return bool(value)


def crs_text(crs) -> str:
    """The coordinate reference system of the polygons in words, for the layer descriptions."""
    if crs is None:
        return "coordinates of the polygon file (no coordinate reference system recorded)"
    epsg = crs.to_epsg()
    code = f"EPSG:{epsg}" if epsg else crs.name
    if crs.is_geographic:
        return f"geographic coordinates ({code}, longitude and latitude in degrees)"
    return f"projected coordinates ({code})"


def layers(
    boundaries: gpd.GeoDataFrame,
    units: pd.DataFrame,
    indices: Mapping[str, pd.DataFrame],
    local: pd.DataFrame | None,
    study: str = "",
) -> dict[str, tuple[gpd.GeoDataFrame, str]]:
    """The layers of a study's GeoPackage, each with its description: ``units``, ``indices`` (when the study
    has any) and one per local statistic, variable and weights matrix of ``local`` (see the module docstring)."""
    units_gdf = polygons(boundaries, units)
    base = units_gdf[[c for c in IDENTIFYING if c in units_gdf.columns] + ["geometry"]]
    where = crs_text(units_gdf.crs)
    label = f"{study}: " if study else ""
    out = {"units": (units_gdf, f"{label}the study's units and their attributes; polygons in {where}")}

    def joined(table: pd.DataFrame) -> gpd.GeoDataFrame:
        data = base.merge(table, on="code", how="left", validate="one_to_one")
        return gpd.GeoDataFrame(data, geometry="geometry", crs=units_gdf.crs)

    if indices:
        out["indices"] = (
            joined(indices_wide(indices)),
            f"{label}composite indices by year, <index>_<year> ({', '.join(indices)}); polygons in {where}",
        )
    for (statistic, variable, weights), table in local_wide(
        local if local is not None else _no_local()
    ).items():
        name = layer_name(statistic, variable, weights)
        if name in out:
            raise InputError(
                f"two results would share the GeoPackage layer {name!r} (a hyphen becomes _ in a layer name)",
                key="weights",
                fix="give the weights matrices names that differ in more than - and _",
            )
        kind = STATISTIC_NAMES.get(statistic, statistic)
        out[name] = (
            joined(table),
            f"{label}{kind} of {variable} on W {weights} by year: class_<year> (quadrant where significant, else "
            f"{NOT_SIGNIFICANT}), quadrant_, significant_, p_ (permutation) and p_adj_<year> (corrected); "
            f"polygons in {where}",
        )
    for name, (gdf, _) in out.items():
        long = [c for c in [name, *gdf.columns] if len(c) > NAME_LIMIT]
        if long:
            raise InputError(
                f"GeoPackage names over {NAME_LIMIT} characters: {', '.join(long)}",
                column=long[0],
                fix="give the variables, indices and weights matrices shorter names",
            )
    return out


def _no_local() -> pd.DataFrame:
    return pd.DataFrame(
        columns=["statistic", "variable", "weights", "code", "year", "quadrant", "significant"]
    )


def write(layers: Mapping[str, tuple[gpd.GeoDataFrame, str]], path) -> Path:
    """Write the layers (name -> (table, description)) and an ``about`` table describing them to the GeoPackage
    ``path``; the file appears only when complete, and the same layers give the same bytes.

    The polygons are stored once, in the first layer (``units``); every other layer is a spatial view of them
    joined by code with its own table of values (``values_<layer>``, without geometry), so the file is hardly
    larger than the polygons however many results it holds."""
    import sqlite3

    import pyogrio

    from nqpf.units.boundaries import fixed_gpkg_date

    path = Path(path)
    (first, (polygon_layer, first_description)), *rest = layers.items()
    with fixed_gpkg_date(), replaced(path, SUFFIX, create=False) as temporary:  # GDAL creates the file itself
        pyogrio.write_dataframe(
            polygon_layer,
            temporary,
            layer=first,
            driver="GPKG",
            promote_to_multi=True,
            layer_options={"DESCRIPTION": first_description},
        )
        views = []
        for name, (gdf, description) in rest:
            geometry_name = gdf.geometry.name
            shared = [
                c for c in gdf.columns if c in polygon_layer.columns and c not in ("code", geometry_name)
            ]
            values = pd.DataFrame(gdf.drop(columns=[*shared, geometry_name]))
            pyogrio.write_dataframe(
                values,
                temporary,
                layer=f"values_{name}",
                driver="GPKG",
                layer_options={"DESCRIPTION": f"the values of layer {name}, by unit code"},
            )
            views.append((name, shared, [c for c in values.columns if c != "code"], description))
        about = pd.DataFrame(
            {"layer": list(layers), "description": [description for _, description in layers.values()]}
        )
        pyogrio.write_dataframe(
            about,
            temporary,
            layer="about",
            driver="GPKG",
            layer_options={"DESCRIPTION": "what each layer of this file holds"},
        )
        with sqlite3.connect(temporary) as connection:
            _spatial_views(connection, first, views)
        connection.close()
    return path


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _spatial_views(connection, polygons: str, views) -> None:
    """Each view (name, columns of the polygon layer, columns of its values table, description) as a spatial view
    of the polygon layer joined with ``values_<name>`` on code, registered as a feature layer (GeoPackage 1.2,
    as GDAL documents spatial views): its fid and geometry are those of the polygon layer."""
    contents = connection.execute(
        "SELECT min_x, min_y, max_x, max_y, srs_id, last_change FROM gpkg_contents WHERE table_name = ?",
        (polygons,),
    ).fetchone()
    geometry = connection.execute(
        "SELECT column_name, geometry_type_name, srs_id, z, m FROM gpkg_geometry_columns WHERE table_name = ?",
        (polygons,),
    ).fetchone()
    fid = next(row[1] for row in connection.execute(f"PRAGMA table_info({_quoted(polygons)})") if row[5])
    for name, shared, columns, description in views:
        selected = [
            f"u.{_quoted(fid)} AS {_quoted(fid)}",
            f"u.{_quoted(geometry[0])} AS {_quoted(geometry[0])}",
        ]
        selected += ["u.code AS code", *(f"u.{_quoted(c)} AS {_quoted(c)}" for c in shared)]
        selected += [f"v.{_quoted(c)} AS {_quoted(c)}" for c in columns]
        connection.execute(
            f"CREATE VIEW {_quoted(name)} AS SELECT {', '.join(selected)} FROM {_quoted(polygons)} AS u "
            f"LEFT JOIN {_quoted('values_' + name)} AS v ON v.code = u.code"
        )
        connection.execute(
            "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, last_change, min_x, min_y, "
            "max_x, max_y, srs_id) VALUES (?, 'features', ?, ?, ?, ?, ?, ?, ?, ?)",
            (name, name, description, contents[5], *contents[:5]),
        )
        connection.execute(
            "INSERT INTO gpkg_geometry_columns (table_name, column_name, geometry_type_name, srs_id, z, m) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (name, *geometry),
        )


def write_study(boundaries, units, indices, local, path, study: str = "") -> Path:
    """Read a study's result files and write its GeoPackage: ``boundaries`` (the boundary GeoPackage of its
    units), ``units`` (``data/units.csv``), ``indices`` (``indices/<name>.csv`` files, named by their stems) and
    ``local`` (``esda/local.csv``, or None when the study has no ESDA)."""
    from nqpf.units import boundaries as _boundaries

    shapes = _boundaries.read(boundaries)
    table = pd.read_csv(units, dtype={"code": str, "province_code": str, "prefecture_code": str})
    values = {Path(p).name.removesuffix(".csv"): pd.read_csv(p, dtype={"code": str}) for p in indices}
    esda = pd.read_csv(local, dtype={"code": str}) if local else None
    return write(layers(shapes, table, values, esda, study), path)
