"""Building a weights matrix from its specification (one entry of a study's ``weights`` list)."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import scipy.sparse as sp

from nqpf.errors import InputError
from nqpf.io import write_json
from nqpf.units import crs
from nqpf.weights import contiguity, distance, economic, files, islands, spectrum
from nqpf.weights.core import SpatialWeights, clean
from nqpf.weights.standardise import standardise
from nqpf.weights.summary import summarise

KINDS = (
    "contiguity",
    "knn",
    "distance_band",
    "inverse_distance",
    "negative_exponential",
    "economic",
    "economic_geographic",
    "block",
    "file",
)
DEFAULTS = {
    "criterion": "queen",
    "snap_m": 0.0,
    "order": 1,
    "cumulative": False,
    "metric": "great_circle",
    "power": 1.0,
    "form": "product",
    "phi": 0.5,
    "islands": {"policy": "nearest", "k": 2},
    "standardise": "row",
}
# The keys that define each kind (others in a spec are defaults of other kinds and are not reported).
_PARAMETERS = {
    "contiguity": ("criterion", "snap_m", "order", "cumulative"),
    "knn": ("k", "metric"),
    "distance_band": ("threshold_km", "band_power", "metric"),
    "inverse_distance": ("power", "cutoff_km", "metric"),
    "negative_exponential": ("decay_km", "cutoff_km", "metric"),
    "economic": ("variable", "years"),
    "economic_geographic": ("variable", "years", "form", "power", "phi", "cutoff_km", "metric"),
    "block": ("by",),
    "file": ("path", "format"),
}
_GROUPS = {"region": "region", "province": "province_code", "prefecture": "prefecture_code"}


def build(
    spec: dict,
    units: gpd.GeoDataFrame,
    panel: pd.DataFrame | None = None,
    years: tuple[int, int] | None = None,
) -> tuple[SpatialWeights, dict]:
    """Build the weights ``spec`` describes over ``units`` (a boundary table, one row per study unit).

    ``panel`` and ``years`` are needed by the economic kinds. Returns the weights and the facts of its making
    that the summary reports beyond the matrix itself (links gained by snapping, the band used, ...).
    """
    # Block weights are disconnected by design: their default island policy keeps the blocks apart.
    spec = {**DEFAULTS, **({"islands": {"policy": "keep"}} if spec.get("kind") == "block" else {}), **spec}
    name, kind = spec["name"], spec["kind"]
    if kind not in KINDS:
        raise InputError(
            f"unknown weights kind {kind!r}", column=f"weights.{name}.kind", fix=", ".join(KINDS)
        )
    units = units.sort_values("code", ignore_index=True)
    ids = list(units["code"])
    names = list(units["name"])
    # One projection serves the centroids, snapping and the island policy (it is the costly step for counties).
    projected = units.to_crs(crs.CHINA_ALBERS)
    lonlat = distance.centroids(projected)
    centroid_km = distance.projected_centroids_km(projected)
    facts: dict = {"centroids": "equal-area polygon centroids", "metric": spec["metric"]}

    d = None  # dense distances (km), computed once when a kind or the island policy needs them

    def distances():
        nonlocal d
        if d is None:
            d = distance.distance_matrix(lonlat, spec["metric"])
        return d

    weight_of = _unit_weight
    if kind == "contiguity":
        found = contiguity.contiguity_pairs(units, spec["criterion"], float(spec["snap_m"]), projected)
        raw = contiguity.higher_order(
            contiguity.contiguity_matrix(ids, found["pairs"]), int(spec["order"]), bool(spec["cumulative"])
        )
        facts["snapping"] = {
            "tolerance_m": float(spec["snap_m"]),
            "gained_links": [
                f"{ids[i]} {names[i]} - {ids[j]} {names[j]}" for i, j in found["gained"].tolist()
            ],
        }
    elif kind == "knn":
        raw = distance.knn(lonlat, int(_required(spec, "k")), spec["metric"])
    elif kind == "distance_band":
        threshold = spec.get("threshold_km", "auto")
        nearest = distance.nearest_distance(distances())
        if threshold == "auto":
            threshold = float(nearest.max()) * (1 + 1e-9)  # every unit gets at least one neighbour
        facts["threshold_km"] = float(threshold)
        raw = distance.band(distances(), float(threshold), spec.get("band_power"))
        power = spec.get("band_power")
        weight_of = _unit_weight if power is None else (lambda i, j: distances()[i, j] ** -power)
    elif kind == "inverse_distance":
        power = float(spec["power"])
        raw = distance.inverse(distances(), power, spec.get("cutoff_km"))
        weight_of = lambda i, j: distances()[i, j] ** -power  # noqa: E731
    elif kind == "negative_exponential":
        decay = float(_required(spec, "decay_km"))
        raw = distance.negative_exponential(distances(), decay, spec.get("cutoff_km"))
        weight_of = lambda i, j: float(np.exp(-distances()[i, j] / decay))  # noqa: E731
    elif kind in ("economic", "economic_geographic"):
        raw, notes = _economic(spec, ids, panel, years, distances)
        facts["period_mean_notes"] = notes
        weight_of = lambda i, j: float(raw[i, j]) if raw[i, j] else 1.0  # noqa: E731
    elif kind == "block":
        by = spec.get("by", "province")
        if by not in _GROUPS or _GROUPS[by] not in units.columns:
            raise InputError(
                f"block weights cannot group by {by!r} for these units",
                column=f"weights.{name}.by",
                fix="by: region or province (and prefecture for county units)",
            )
        groups = units[_GROUPS[by]].astype(str).to_numpy()
        same = groups[:, None] == groups[None, :]
        raw = sp.csr_matrix(np.where(same & ~np.eye(len(ids), dtype=bool), 1.0, 0.0))
    else:
        raw = _from_file(spec, ids)
    raw = clean(raw)

    policy = spec["islands"]
    outcome = islands.apply_policy(
        raw,
        ids,
        names,
        policy.get("policy", "nearest"),
        int(policy.get("k", 2)),
        centroid_km,
        projected.geometry.to_numpy(),
        weight_of,
        name,
    )
    raw = clean(outcome.matrix)
    matrix, scale = standardise(raw, spec["standardise"])
    parameters = {k: v for k, v in spec.items() if k in _PARAMETERS[kind] + ("islands", "standardise")}
    w = SpatialWeights(
        ids=tuple(outcome.ids),
        matrix=sp.csr_matrix(matrix),
        raw=raw,
        name=name,
        kind=kind,
        standardisation=spec["standardise"],
        scale=scale,
        actions=tuple(outcome.actions),
        parameters=parameters,
    )
    facts["names"] = [names[i] for i in outcome.kept]
    facts["added_links"] = outcome.added
    return w, facts


def _unit_weight(i: int, j: int) -> float:
    return 1.0


def _required(spec: dict, key: str):
    if spec.get(key) is None:
        raise InputError(
            f"weights {spec['name']!r} of kind {spec['kind']} needs `{key}`",
            column=f"weights.{spec['name']}.{key}",
        )
    return spec[key]


def _economic(spec, ids, panel, years, distances):
    variable = _required(spec, "variable")
    if panel is None or years is None:
        raise ValueError("economic weights need the panel and the study years")
    span = spec.get("years") or {"first": years[0], "last": years[1]}
    means, notes = economic.period_means(panel, variable, ids, int(span["first"]), int(span["last"]))
    if spec["kind"] == "economic":
        return economic.economic_distance(means, ids), notes
    inverse = distance.inverse(distances(), float(spec["power"]), spec.get("cutoff_km"))
    if spec["form"] == "product":
        return economic.nested_product(inverse, means), notes
    if spec["form"] == "mix":
        return economic.nested_mix(inverse, economic.economic_distance(means, ids), float(spec["phi"])), notes
    raise InputError(
        f"unknown nested form {spec['form']!r}", column=f"weights.{spec['name']}.form", fix="product or mix"
    )


def _from_file(spec: dict, ids: list[str]) -> sp.csr_matrix:
    path = _required(spec, "path")
    file_ids, matrix = files.read(path, spec.get("format"))
    index = {unit: i for i, unit in enumerate(file_ids)}
    unknown = sorted(set(file_ids) - set(ids))
    missing = [unit for unit in ids if unit not in index]
    if unknown or missing:
        details = []
        if unknown:
            details.append("ids in the file that are not units of the study: " + ", ".join(unknown[:30]))
        if missing:
            details.append("units of the study missing from the file: " + ", ".join(missing[:30]))
        raise InputError(
            "the weights file does not cover the study's units",
            file=str(path),
            details=details,
            fix="give one row per unit of the study, with the same codes as its boundaries",
        )
    order = [index[unit] for unit in ids]
    return sp.csr_matrix(matrix[order][:, order])


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
