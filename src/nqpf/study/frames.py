"""The analysis frame of a study: its panel, its indices as variables, and the units' attributes.

Every stage after the indices (disparity, ESDA, models) analyses variables of this frame, whether read from the
statistics, derived, or built as an index (``<index>``, ``<index>_<dimension>`` and ``<index>_<method>``, the
index under a robustness weighting).
"""

from __future__ import annotations

import difflib
from pathlib import Path

import pandas as pd

from nqpf.errors import InputError
from nqpf.indices.composite import with_indices
from nqpf.study.settings import StudySettings
from nqpf.units import region_sets

UNIT_COLUMNS = ("region", "province_code", "prefecture_code", *region_sets.SET_NAMES)
# columns of data/units.csv that are not groupings of units
_NOT_GROUPINGS = ("name", "name_en", "area_km2", "path")


def study_frame(panel_path, index_paths=(), units_path=None) -> pd.DataFrame:
    """Panel rows (time-major) with the indices of ``index_paths`` (named by their file stems) and the units'
    groupings: region, province (and prefecture) codes, the region sets and the user attributes
    (``units.attributes``), each read as text."""
    panel = pd.read_csv(panel_path, dtype={"code": str})
    built = {Path(p).name.removesuffix(".csv"): pd.read_csv(p, dtype={"code": str}) for p in index_paths}
    frame = with_indices(panel, built)
    if units_path is not None:
        units = pd.read_csv(units_path, dtype=str)
        keep = ["code", *[c for c in units.columns if c not in ("code", *_NOT_GROUPINGS, *frame.columns)]]
        frame = frame.merge(units[keep], on="code", how="left", validate="many_to_one")
    return frame


def check_groupings(study: StudySettings, file: str | None = None, prefix: str = "") -> None:
    """Stop when ``disparity.groups`` or ``models.heterogeneity.by`` names neither a built-in grouping (the NBS
    regions, provinces, a region set) nor a user attribute of ``units.attributes``, with the nearest name.
    ``file`` and ``prefix`` (``studies[0]``) locate the study in its configuration."""
    from nqpf.disparity.settings import GROUPINGS as DISPARITY
    from nqpf.models.settings import GROUPINGS as HETEROGENEITY

    attributes = study.units.attribute_names
    wanted = [(f"{prefix}disparity.groups", study.disparity.groups, DISPARITY)]
    if study.models is not None and study.models.heterogeneity is not None:
        wanted.append((f"{prefix}models.heterogeneity.by", study.models.heterogeneity.by, HETEROGENEITY))
    for key, name, builtin in wanted:
        try:
            region_sets.check_grouping(name, key, builtin, attributes)
        except InputError as err:
            err.file = file
            raise


def require(frame: pd.DataFrame, variables, where: str) -> None:
    """Stop with a clear message when a configured variable is not in the frame."""
    unknown = [v for v in variables if v not in frame.columns]
    if unknown:
        raise InputError(
            f"{where} names unknown variables: {', '.join(unknown)}",
            column=where,
            fix="name panel variables (read or derived) or indices of the study; available: "
            + ", ".join(c for c in frame.columns if c not in ("code", "name", "year")),
        )


def check_names(study: StudySettings, variables: list[str]) -> None:
    """Stop when a later stage of a study names a variable its frame will not have: ``variables`` are the
    panel's (read and derived); indices add ``<index>``, ``<index>_<dimension>`` and ``<index>_<method>`` (a
    robustness weighting). Checked when the panel is
    built, so a misspelt name stops the run before any weights, index or model is computed. (The groupings are
    checked when the configuration is read, :func:`check_groupings`.)"""
    index_names = [spec.name for spec in study.indices]
    frame = list(variables) + index_names
    frame += [f"{spec.name}_{dimension}" for spec in study.indices for dimension in spec.dimensions]
    frame += [f"{spec.name}_{method}" for spec in study.indices for method in spec.robustness]
    wanted: list[tuple[str, str, list[str]]] = []  # (key, name, the names it may take)
    for spec in study.indices:
        for dimension, items in spec.dimensions.items():
            key = f"indices[{spec.name}].dimensions.{dimension}"
            wanted += [(key, item.variable, list(variables)) for item in items]
    for spec in study.coupling:
        wanted += [(f"coupling[{spec.name}].indices", name, index_names) for name in spec.indices]
    for i, spec in enumerate(study.weights):
        if spec.variable:
            wanted.append((f"weights[{i}].variable", spec.variable, list(variables)))
    wanted += [("disparity.variables", v, frame) for v in study.disparity.variables]
    if study.disparity.spatial_convergence is not None:
        controls = study.disparity.spatial_convergence.controls
        wanted += [("disparity.spatial_convergence.controls", v, frame) for v in controls]
    wanted += [("dynamics.variables", v, frame) for v in study.dynamics.variables]
    wanted += [("centrography.variables", v, frame) for v in study.centrography.variables]
    if study.geodetector.active:
        groupings = frame + list(UNIT_COLUMNS) + list(study.units.attribute_names)
        wanted.append(("geodetector.dependent", study.geodetector.dependent, frame))
        wanted += [("geodetector.factors", v, groupings) for v in study.geodetector.factors]
    wanted += [("esda.variables", v, frame) for v in study.esda.variables]
    wanted += [("esda.bivariate", v, frame) for pair in study.esda.bivariate for v in pair]
    if study.models is not None:
        wanted.append(("models.dependent", study.models.dependent, frame))
        wanted += [("models.explanatory", v, frame) for v in study.models.explanatory]
        if study.models.threshold is not None:
            wanted.append(("models.threshold.variable", study.models.threshold.variable, frame))
            wanted += [
                ("models.threshold.regime", v, study.models.explanatory)
                for v in study.models.threshold_regime
            ]
        if study.models.boundary is not None:
            wanted += [
                ("models.boundary.variables", v, study.models.explanatory)
                for v in study.models.boundary_variables
            ]
        mechanisms = study.models.mechanisms
        if mechanisms is not None:
            if mechanisms.treatment:
                wanted.append(("models.mechanisms.treatment", mechanisms.treatment, frame))
            for key in ("mediators", "moderators", "quadratic"):
                wanted += [(f"models.mechanisms.{key}", v, frame) for v in getattr(mechanisms, key)]
        policy = study.models.policy
        if policy is not None:
            if policy.dependent:
                wanted.append(("models.policy.dependent", policy.dependent, frame))
            wanted += [("models.policy.controls", v, frame) for v in policy.controls or []]
        dynamic = study.models.dynamic
        if dynamic is not None:
            if dynamic.dependent:
                wanted.append(("models.dynamic.dependent", dynamic.dependent, frame))
            wanted += [("models.dynamic.explanatory", v, frame) for v in dynamic.explanatory or []]
    unknown = [(key, name, pool) for key, name, pool in wanted if name not in pool]
    if not unknown:
        return
    lines = []
    for key, name, pool in unknown:
        close = difflib.get_close_matches(name, pool, n=1)
        lines.append(f"{key}: {name!r}" + (f" (did you mean {close[0]!r}?)" if close else ""))
    key, name, _ = unknown[0]
    raise InputError(
        f"the study names {len(unknown)} variables it does not have: "
        + ", ".join(dict.fromkeys(n for _, n, _ in unknown)),
        key=key,
        column=name,
        details=lines,
        fix="correct the names; variables read or derived: "
        + ", ".join(variables)
        + (f"; indices: {', '.join(frame[len(variables) :])}" if index_names else ""),
    )
