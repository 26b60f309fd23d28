"""Building a weights matrix from its specification (one entry of a study's ``weights`` list)."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import scipy.sparse as sp

from nqpf.errors import InputError, listed
from nqpf.io import write_json
from nqpf.settings import YearSpan
from nqpf.units import crs
from nqpf.units.codes import normalise_code
from nqpf.weights import contiguity, distance, economic, files, islands, spectrum
from nqpf.weights.core import SpatialWeights, clean
from nqpf.weights.settings import LOCATED_KINDS, WeightsSettings
from nqpf.weights.standardise import standardise
from nqpf.weights.summary import summarise

_GROUPS = {"region": "region", "province": "province_code", "prefecture": "prefecture_code"}


def build(
    spec: WeightsSettings | dict,
    units: gpd.GeoDataFrame,
    panel: pd.DataFrame | None = None,
    years: tuple[int, int] | None = None,
    *,
    id_column: str = "code",
    name_column: str | None = "name",
    projection=None,
) -> tuple[SpatialWeights, dict]:
    """Build the weights ``spec`` describes (:class:`WeightsSettings`, or its keys as a mapping) over ``units``,
    one row per unit with its polygon (any CRS).

    ``id_column`` names the column of unit ids, ``name_column`` the column of names (the ids when None or
    absent); block weights group by ``region``, ``province_code`` or ``prefecture_code``. ``panel`` and ``years``
    are needed by the economic kinds. ``projection``: a study's own projection (``units.projection``, any
    projected CRS in metres that pyproj reads) for centroids, snapping, island links and projected distances,
    instead of the one chosen from the units (:mod:`nqpf.units.crs`). Returns the weights and the facts of its
    making that the summary reports beyond the matrix itself (links gained by snapping, the band used, the
    projection given, ...).
    """
    spec = spec if isinstance(spec, WeightsSettings) else WeightsSettings.model_validate(spec)
    name, kind = spec.name, spec.kind
    units = _unit_table(units, id_column, name_column)
    ids = list(units["code"])
    names = list(units["name"])
    geometry = units.geometry
    located = bool((geometry.notna() & ~geometry.is_empty).all())
    polygons = located and bool(geometry.geom_type.isin(["Polygon", "MultiPolygon"]).all())
    if kind == "contiguity" and not polygons:
        raise InputError(
            f"weights {name!r} are contiguity weights, which need every unit's polygon",
            key=f"weights[{name}].kind",
            fix="give the units' polygons, use distance weights on their points, or read W from a file",
        )
    if kind in LOCATED_KINDS and not located:
        raise InputError(
            f"weights {name!r} of kind {kind} need every unit's location (a polygon or a point)",
            key=f"weights[{name}].kind",
            fix="give the units' polygons or points (units.table.lon_field and lat_field), or read W from a file",
        )
    if located:
        # One projection serves the centroids, snapping and the island policy (the costly step for counties).
        projected = units.to_crs(crs.equal_area(units, projection))
        lonlat = distance.centroids(projected)
        centroid_km = distance.projected_centroids_km(projected)
    else:
        projected = lonlat = centroid_km = None
    facts: dict = {
        "centroids": "equal-area polygon centroids" if polygons else "unit points" if located else "none",
        "metric": spec.metric,
    }
    if located and projection is not None:
        # the summary names a projection the study gives; the one chosen from the units is left implicit
        if polygons:
            facts["centroids"] = f"polygon centroids in the projection {crs.KEY} gives"
        facts["projection"] = crs.describe(units, projection)

    d = None  # dense distances (km), computed once when a kind or the island policy needs them

    def distances():
        nonlocal d
        if d is None:
            d = distance.distance_matrix(lonlat, spec.metric, projection)
            same = np.argwhere(np.triu(d == 0, k=1))
            if len(same) and kind in ("inverse_distance", "economic_geographic"):
                raise InputError(
                    f"{len(same)} pairs of units share a centroid, so their inverse distance is infinite",
                    unit=listed(f"{ids[i]} {names[i]} - {ids[j]} {names[j]}" for i, j in same),
                    key=f"weights[{name}]",
                    fix="give every unit its own polygon (dissolve duplicated or repeated features into one unit)",
                )
        return d

    weight_of = _unit_weight
    if kind == "contiguity":
        found = contiguity.contiguity_pairs(units, spec.criterion, float(spec.snap_m), projected)
        raw = contiguity.higher_order(
            contiguity.contiguity_matrix(ids, found["pairs"]), spec.order, spec.cumulative
        )
        facts["snapping"] = {
            "tolerance_m": float(spec.snap_m),
            "gained_links": [
                f"{ids[i]} {names[i]} - {ids[j]} {names[j]}" for i, j in found["gained"].tolist()
            ],
        }
    elif kind == "knn":
        if not 1 <= spec.k < len(ids):
            raise InputError(
                f"weights {name!r}: k = {spec.k} nearest neighbours for {len(ids)} units",
                key=f"weights[{name}].k",
                fix=f"give k between 1 and {len(ids) - 1}",
            )
        raw = distance.knn(lonlat, spec.k, spec.metric, projection)
    elif kind == "distance_band":
        threshold = spec.threshold_km if spec.threshold_km is not None else "auto"
        nearest = distance.nearest_distance(distances())
        if threshold == "auto":
            threshold = float(nearest.max()) * (1 + 1e-9)  # every unit gets at least one neighbour
        facts["threshold_km"] = float(threshold)
        raw = distance.band(distances(), float(threshold), spec.band_power)
        power = spec.band_power
        weight_of = _unit_weight if power is None else (lambda i, j: distances()[i, j] ** -power)
    elif kind == "inverse_distance":
        power = float(spec.power)
        raw = distance.inverse(distances(), power, spec.cutoff_km)
        weight_of = lambda i, j: distances()[i, j] ** -power  # noqa: E731
    elif kind == "negative_exponential":
        decay = float(spec.decay_km)
        raw = distance.negative_exponential(distances(), decay, spec.cutoff_km)
        weight_of = lambda i, j: float(np.exp(-distances()[i, j] / decay))  # noqa: E731
    elif kind in ("economic", "economic_geographic"):
        raw, notes, weight_of = _economic(spec, ids, panel, years, distances)
        facts["period_mean_notes"] = notes
    elif kind == "block":
        column = _GROUPS[spec.by]
        if column not in units.columns:
            raise InputError(
                f"block weights {name!r} group by {spec.by}, but the units have no column {column!r}",
                column=column,
                key=f"weights[{name}].by",
                fix=f"give the units a {column} column, or group by region or province (and prefecture for "
                "county units)",
            )
        groups = units[column].astype(str).to_numpy()
        same = groups[:, None] == groups[None, :]
        raw = sp.csr_matrix(np.where(same & ~np.eye(len(ids), dtype=bool), 1.0, 0.0))
    else:
        raw, facts["file"] = _from_file(spec, ids)
    raw = clean(raw)

    outcome = islands.apply_policy(
        raw,
        ids,
        names,
        spec.islands.policy,
        spec.islands.k,
        centroid_km,
        projected.geometry.to_numpy() if projected is not None else None,
        weight_of,
        name,
    )
    raw = clean(outcome.matrix)
    if raw.nnz == 0:
        raise InputError(
            f"weights {name!r} links no two units (every unit is an island and its island policy keeps them)",
            key=f"weights[{name}]",
            fix="choose parameters that give units neighbours (a larger threshold_km or cutoff_km, another kind), "
            "or the island policy nearest",
        )
    matrix, scale = standardise(raw, spec.standardise)
    w = SpatialWeights(
        ids=tuple(outcome.ids),
        matrix=sp.csr_matrix(matrix),
        raw=raw,
        name=name,
        kind=kind,
        standardisation=spec.standardise,
        scale=scale,
        actions=tuple(outcome.actions),
        parameters=spec.parameters,
    )
    facts["names"] = [names[i] for i in outcome.kept]
    facts["added_links"] = outcome.added
    return w, facts


def _unit_table(units: gpd.GeoDataFrame, id_column: str, name_column: str | None) -> gpd.GeoDataFrame:
    """The units as the builder reads them: ids as text in ``code``, names in ``name``, sorted by id; a column
    that is not there, a missing or repeated id, or a unit without a polygon among units with polygons stops with
    the column named (units without any location, as a table of units has them, are kept: W from a file)."""
    if not isinstance(units, gpd.GeoDataFrame) or units.geometry is None:
        raise InputError(
            "spatial weights from polygons need a GeoDataFrame with a geometry column",
            key="units",
            fix="read the polygons with geopandas.read_file, or build W from a file or a matrix "
            "(SpatialWeights.from_file, SpatialWeights.from_matrix)",
        )
    columns = [c for c in units.columns if c != units.geometry.name]
    for key, column in (("id_column", id_column), ("name_column", name_column)):
        if (
            column is not None
            and column not in units.columns
            and not (key == "name_column" and column == "name")
        ):
            raise InputError(
                f"the units have no column {column!r} ({key})",
                column=column,
                fix=f"set {key} to one of the units' columns: {', '.join(map(str, columns)) or 'none'}",
            )
    table = units.copy()
    codes = table[id_column]
    if codes.isna().any():
        raise InputError(
            f"{int(codes.isna().sum())} units have no id in column {id_column!r}",
            column=id_column,
            row=listed(str(i) for i in table.index[codes.isna()]),
            fix="give every unit an id",
        )
    codes = codes.map(lambda v: normalise_code(v) or str(v).strip())
    repeated = sorted(set(codes[codes.duplicated()]))
    if repeated:
        raise InputError(
            f"ids repeated in column {id_column!r}: {listed(repeated)}",
            column=id_column,
            unit=listed(repeated),
            fix="give every unit its own id (one row per unit; dissolve multi-part units first)",
        )
    empty = table.geometry.isna() | table.geometry.is_empty
    if empty.any() and not empty.all():  # units without any location (a table of units) are read from a file
        raise InputError(
            f"{int(empty.sum())} units have no polygon",
            column=table.geometry.name,
            unit=listed(codes[empty].astype(str)),
            fix="give every unit its polygon, or leave those units out",
        )
    if table.crs is None and not empty.all():
        raise InputError(
            "the units have no coordinate reference system",
            column=table.geometry.name,
            fix="set it, for example gdf.set_crs('EPSG:4326') for longitude and latitude",
        )
    table["code"] = codes.to_numpy()
    names = table[name_column] if name_column is not None and name_column in table.columns else codes
    table["name"] = names.astype(str).to_numpy()
    return table.sort_values("code", ignore_index=True)


def _unit_weight(i: int, j: int) -> float:
    return 1.0


def _economic(spec: WeightsSettings, ids, panel, years, distances):
    if panel is None or years is None:
        raise InputError(
            f"economic weights {spec.name!r} need the panel of {spec.variable!r} and the years of its mean",
            key=f"weights[{spec.name}]",
            fix="pass the panel (a DataFrame with code, year and the variable) and the years (first, last)",
        )
    span = spec.years or YearSpan(first=years[0], last=years[1])
    means, notes = economic.period_means(panel, spec.variable, ids, span.first, span.last)
    if spec.kind == "economic":
        raw = economic.economic_distance(means, ids)
        return raw, notes, lambda i, j: float(raw[i, j])
    power = float(spec.power)
    inverse = distance.inverse(distances(), power, spec.cutoff_km)
    if spec.form == "product":
        relative = means / means.mean()
        # a link the island policy adds beyond the cutoff weighs what the product form gives its distance
        return (
            economic.nested_product(inverse, means),
            notes,
            lambda i, j: float(distances()[i, j] ** -power * relative[j]),
        )
    mixed = economic.nested_mix(inverse, economic.economic_distance(means, ids), float(spec.phi))
    return mixed, notes, lambda i, j: float(mixed[i, j])


def _from_file(spec: WeightsSettings, ids: list[str]) -> tuple[sp.csr_matrix, dict]:
    """The matrix of a W of kind file in the order of the study's units, and the facts of its reading (where
    the ids came from, links, sum of weights, symmetry, already row-standardised or not, islands) for the
    summary."""
    options = {key: getattr(spec, key) for key in files.OPTIONS if getattr(spec, key) is not None}
    read = files.read_file(spec.path, spec.format, **options)
    file_ids, matrix = read.ids, read.matrix
    index = {unit: i for i, unit in enumerate(file_ids)}
    unknown = sorted(set(file_ids) - set(ids))
    missing = [unit for unit in ids if unit not in index]
    if unknown or missing:
        details = []
        if unknown:
            details.append("ids in the file that are not units of the study: " + listed(unknown, 30))
        if missing:
            details.append("units of the study missing from the file: " + listed(missing, 30))
        raise InputError(
            "the weights file does not cover the study's units",
            file=str(spec.path),
            details=details,
            fix="give one row per unit of the study, with the same codes as its boundaries",
        )
    order = [index[unit] for unit in ids]
    return sp.csr_matrix(matrix[order][:, order]), {**read.facts, "read": files.describe(read.facts)}


def write(w: SpatialWeights, facts: dict, directory, formats: tuple[str, ...] = ()) -> dict:
    """Write ``<name>.gal`` (links), ``<name>.gwt`` (weights before standardisation), ``<name>.eigen.csv`` (its
    spectrum, for the models), ``<name>.summary.json`` and any further ``formats`` (stata, csv; of the
    standardised matrix). Returns the summary."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    names = facts.get("names")
    eigen = spectrum.compute(w.raw, w.matrix)
    spectrum.write(eigen, directory / f"{w.name}.eigen.csv")
    summary = summarise(w, names, {k: v for k, v in facts.items() if k != "names"}, eigen)
    files.write_gal(list(w.ids), w.raw, directory / f"{w.name}.gal")
    files.write_gwt(list(w.ids), w.raw, directory / f"{w.name}.gwt")
    if "stata" in formats:
        files.write_stata(list(w.ids), w.matrix, directory / f"{w.name}.stata.txt")
    if "csv" in formats:
        files.write_csv(list(w.ids), w.matrix, directory / f"{w.name}.matrix.csv")
    write_json(summary, directory / f"{w.name}.summary.json")
    return summary
