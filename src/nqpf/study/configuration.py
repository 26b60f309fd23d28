"""Reading the workflow's configuration: the typed settings (:mod:`nqpf.study.settings`) filled with their
defaults, study files resolved, and every problem reported with the file, the key, what is wrong and the fix.

A value pydantic refuses becomes one :class:`InputError` that names the configuration file holding the key, the
key path (``studies[0].years.first``), what is wrong (an unknown key with the nearest allowed one, a text where
an integer belongs, a value outside the allowed ones) and what to write instead. :func:`check_study` checks
what the types cannot: years inside the study's years, weights names that exist, input files that exist.
"""

from __future__ import annotations

import difflib
import glob
import logging
import os
import sys
import types
import typing
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import BaseModel, ValidationError

from nqpf.errors import InputError
from nqpf.settings import IDENTIFIER, NAME, VARIABLE
from nqpf.study.settings import STUDY_FILE, ConfigSettings, StudySettings
from nqpf.weights.settings import LOCATED_KINDS

_log = logging.getLogger(__name__)

README = "config/README.md"
SCHEMA = "workflow/schemas/config.schema.json"
_TYPES = {
    "integer": "an integer (such as 2019, without quotes)",
    "number": "a number (such as 0.5)",
    "string": "a text",
    "boolean": "true or false",
    "array": "a list (such as [a, b])",
    "object": "a mapping of keys to values",
    "null": "nothing",
}
_TYPE_ERRORS = {
    "int_type": "integer",
    "int_parsing": "integer",
    "int_from_float": "integer",
    "float_type": "number",
    "float_parsing": "number",
    "string_type": "string",
    "bool_type": "boolean",
    "bool_parsing": "boolean",
    "list_type": "array",
    "tuple_type": "array",
    "dict_type": "object",
    "model_type": "object",
    "model_attributes_type": "object",
}
_NAME_PATTERNS = {
    NAME: "letters, digits, _ and -, starting with a letter",
    IDENTIFIER: "letters, digits and _, starting with a letter",
    VARIABLE: "letters, digits and _, starting with a letter or _",
    STUDY_FILE: "the path of a study file ending in .yaml or .yml",
}
_LIMITS = {"greater_than": ">", "greater_than_equal": ">=", "less_than": "<", "less_than_equal": "<="}
_LISTED = 10


def key_path(parts: Iterable[object]) -> str:
    """``["studies", 0, "years"]`` as ``studies[0].years``."""
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(top level)"


def source_of(parts: Sequence[object], sources: Sequence[tuple[str, object]]) -> str | None:
    """The last of the (path, loaded content) ``sources`` that holds the key path ``parts``: later files
    override earlier ones, so it is the one whose value was used. The deepest partial match counts when none
    holds the whole path (a missing key is reported at its parent)."""
    best, best_depth = None, -1
    for path, content in sources:
        node, depth = content, 0
        for part in parts:
            if isinstance(node, dict) and part in node:
                node = node[part]
            elif isinstance(node, list) and isinstance(part, int) and part < len(node):
                node = node[part]
            else:
                break
            depth += 1
        if depth >= best_depth and (depth > 0 or not parts):
            best, best_depth = path, depth
    return best


def _kind(value: object) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return "empty" if value is None else type(value).__name__


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


# -- where an error is: the key path the user wrote, and the type expected there --------------------------------


def _unwrap(annotation):
    """The type inside ``Annotated[...]`` and the metadata around it."""
    metadata = []
    while typing.get_origin(annotation) is typing.Annotated:
        annotation, *more = typing.get_args(annotation)
        metadata += more
    return annotation, metadata


def _union_members(annotation) -> list | None:
    origin = typing.get_origin(annotation)
    if origin is typing.Union or origin is types.UnionType:
        return [m for m in typing.get_args(annotation) if m is not type(None)]
    return None


def _tags(member) -> set[str]:
    """The labels pydantic may give a member of a union in an error's location."""
    inner, metadata = _unwrap(member)
    for item in metadata:
        if type(item).__name__ == "Tag":
            return {item.tag}
    if isinstance(inner, type) and issubclass(inner, BaseModel):
        return {inner.__name__}
    if typing.get_origin(inner) is typing.Literal:
        return {"literal[" + ",".join(repr(v) for v in typing.get_args(inner)) + "]"}
    if typing.get_origin(inner) is list and typing.get_args(inner):
        return {f"list[{tag}]" for tag in _tags(typing.get_args(inner)[0])}
    if isinstance(inner, type):
        return {inner.__name__, f"constrained-{inner.__name__}"}
    return {str(inner)}


def _fields(model: type[BaseModel]) -> dict[str, object]:
    """The keys of a model as a configuration writes them (aliases where given), with their types."""
    return {(info.alias or name): info.annotation for name, info in model.model_fields.items()} | {
        name: info.annotation for name, info in model.model_fields.items()
    }


def allowed_keys(model: type[BaseModel]) -> list[str]:
    return [info.alias or name for name, info in model.model_fields.items()]


def locate(root: type[BaseModel], loc: Sequence[object]) -> tuple[list[object], object, object]:
    """The key path the user wrote for an error location (union labels and dict-key markers left out), the type
    expected there and the type declared there (the whole union, where the location names one member)."""
    annotation, parts = root, []
    declared = annotation
    for item in loc:
        annotation, _ = _unwrap(annotation)
        members = _union_members(annotation)
        if members is not None:
            if len(members) == 1:
                annotation, _ = _unwrap(members[0])
                members = _union_members(annotation)
            if members is not None:
                chosen = next((m for m in members if item in _tags(m)), None)
                if chosen is not None:
                    annotation = chosen
                    continue
        if item == "[key]":
            annotation = str
            continue
        parts.append(item)
        declared = None
        origin = typing.get_origin(annotation)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            annotation = _fields(annotation).get(item, typing.Any)
        elif origin in (list, tuple):
            annotation = (typing.get_args(annotation) or (typing.Any,))[0]
        elif origin is dict:
            annotation = (typing.get_args(annotation) or (typing.Any, typing.Any))[-1]
        else:
            annotation = typing.Any
        declared = annotation
    return parts, annotation, declared


def _model_at(annotation) -> type[BaseModel] | None:
    inner, _ = _unwrap(annotation)
    for candidate in _union_members(inner) or [inner]:
        candidate, _ = _unwrap(candidate)
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate
    return None


def _literals(annotation) -> list:
    inner, _ = _unwrap(annotation)
    values = []
    for candidate in _union_members(inner) or [inner]:
        candidate, _ = _unwrap(candidate)
        if typing.get_origin(candidate) is typing.Literal:
            values += list(typing.get_args(candidate))
    return values


def describe(errors: list[dict], root: type[BaseModel]) -> tuple[list[object], str, str]:
    """(key path, problem, fix) of the errors pydantic reports at one place of a configuration (the members of a
    union each report one)."""
    first = errors[0]
    parts, annotation, declared = locate(root, first["loc"])
    here = key_path(parts)
    kind, value, ctx = first["type"], first.get("input"), first.get("ctx") or {}
    if kind == "extra_forbidden":
        key = parts[-1]
        parent_parts = parts[:-1]
        parent = key_path(parent_parts)
        model = _model_at(locate(root, first["loc"][:-1])[1]) or root
        allowed = allowed_keys(model)
        close = difflib.get_close_matches(str(key), allowed, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        return (
            parts,
            f"unknown key {key!r} in {parent}{hint}; Additional properties are not allowed ({key!r} was "
            "unexpected)",
            f"remove or rename {key!r}; the keys allowed in {parent} are: {', '.join(allowed)}",
        )
    if kind in ("missing", "missing_for_kind"):
        key = ctx.get("key") if kind == "missing_for_kind" else parts[-1]
        parent_parts = parts if kind == "missing_for_kind" else parts[:-1]
        parent = key_path(parent_parts)
        reason = f" (its {ctx['kind_field']} is {ctx['kind']})" if kind == "missing_for_kind" else ""
        return (
            parent_parts,
            f"{parent} lacks the required key {key!r}{reason}",
            f"add `{key}` to {parent} ({README} documents it)",
        )
    literals = _literals(declared) if any(e["type"] == "literal_error" for e in errors) else []
    # a single value where one value or a list of them is allowed (models.method) is a wrong value, not a
    # missing list
    scalar = literals and not isinstance(value, (list, dict))
    wanted = [
        _TYPE_ERRORS[e["type"]]
        for e in errors
        if e["type"] in _TYPE_ERRORS and not (scalar and e["type"] in ("list_type", "tuple_type"))
    ]
    if wanted:
        wanted = list(dict.fromkeys(wanted))
        text = " or ".join([_TYPES.get(t, t) for t in wanted] + [repr(v) for v in dict.fromkeys(literals)])
        return (
            parts,
            f"{here} is {_kind(value)} ({_short(value)}), not {' or '.join(wanted)}",
            f"give {here} {text}",
        )
    if kind == "literal_error":
        allowed = [str(v) for v in _literals(declared)] or [ctx.get("expected", "")]
        close = difflib.get_close_matches(str(value), allowed, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        return (
            parts,
            f"{here} is {_short(value)}, which is not an allowed value{hint}",
            f"use one of: {', '.join(allowed)}",
        )
    if kind == "string_pattern_mismatch":
        pattern = ctx.get("pattern", "")
        form = _NAME_PATTERNS.get(pattern, f"the form {pattern}")
        return parts, f"{here} is {_short(value)}, which does not have the required form", f"use {form}"
    if kind in _LIMITS:
        bound = next(iter(ctx.values()), "")
        return parts, f"{here} is {_short(value)}, out of range", f"give a value {_LIMITS[kind]} {bound}"
    if kind in ("too_short", "too_long"):
        bound = "at least" if kind == "too_short" else "at most"
        limit = ctx.get("min_length" if kind == "too_short" else "max_length")
        size = ctx.get("actual_length", len(value) if hasattr(value, "__len__") else "?")
        return parts, f"{here} has {size} entries", f"give {bound} {limit}"
    if kind == "value_error":
        return parts, f"{here}: {first['msg'].removeprefix('Value error, ')}", f"see {README} for {here}"
    return parts, f"{here}: {first['msg']}", f"see {README} for {here}"


def settings_error(
    error: ValidationError, sources: Sequence[tuple[str, object]], root: type[BaseModel] = ConfigSettings
) -> InputError:
    """One error for every problem of a configuration, located in the file that holds the first."""
    places: dict[tuple, list[dict]] = {}
    items = error.errors()
    # a list where one value or a list of values is allowed (models.method): what is wrong is in the list, not
    # that the list is not one allowed value
    items = [e for e in items if not (e["type"] == "literal_error" and isinstance(e["input"], list))] or items
    for item in items:
        parts = locate(root, item["loc"])[0]
        places.setdefault(tuple(parts), []).append(item)
    ordered = sorted(places.items(), key=lambda entry: [str(p) for p in entry[0]])
    described = [describe(items, root) for _, items in ordered]
    parts, problem, fix = described[0]
    details = [f"also: {text}; fix: {other_fix}" for _, text, other_fix in described[1:_LISTED]]
    if len(described) > _LISTED:
        details.append(f"... and {len(described) - _LISTED} more")
    more = " (and the other problems listed)" if len(described) > 1 else ""
    return InputError(
        f"the configuration does not follow its schema ({SCHEMA}): {problem}",
        file=source_of(parts, sources) or "the configuration",
        key=key_path(parts),
        details=details,
        fix=f"{fix}{more}; {README} documents every key",
    )


def read_settings(data: object, sources: Sequence[tuple[str, object]]) -> ConfigSettings:
    """The typed configuration of ``data`` (the merged configuration files ``sources``), defaults filled in."""
    try:
        return ConfigSettings.model_validate(data)
    except ValidationError as err:
        raise settings_error(err, sources) from None


# -- studies -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Study:
    """A study of the configuration, the file it came from and its key there (``studies[0]``)."""

    settings: StudySettings
    file: str
    key: str


class _StrictLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """YAML's safe loader (its C parser where PyYAML has libyaml) that refuses a key given twice in one mapping
    (YAML itself keeps the last one)."""


def _mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen: dict = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                "while reading a mapping",
                node.start_mark,
                f"the key {key!r} is given twice (first on line {seen[key] + 1})",
                key_node.start_mark,
            )
        seen[key] = key_node.start_mark.line
    return loader.construct_mapping(node, deep=deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


def load_yaml(path: str | Path):
    """The content of a YAML (or JSON) configuration file. A syntax error or a key given twice in one mapping
    stops with the file, the line and the column: YAML would otherwise keep the last of two keys silently."""
    with open(path, encoding="utf-8") as handle:
        try:
            return yaml.load(handle, Loader=_StrictLoader)  # noqa: S506 (a safe loader)
        except yaml.MarkedYAMLError as err:
            if Path(path).suffix.lower() == ".json":  # valid JSON that YAML refuses (tabs indent it)
                content = _json_content(path)
                if content is not None:
                    return content
            mark = err.problem_mark
            twice = "given twice" in str(err.problem)
            raise InputError(
                f"the configuration file is not valid YAML: {err.problem}"
                + (f" ({err.context})" if err.context and not twice else ""),
                file=str(path),
                row=mark.line + 1 if mark is not None else None,
                column=f"{mark.column + 1} (characters from the left)" if mark is not None else None,
                fix="give each key once (remove or merge the repeated one)"
                if twice
                else "correct the YAML at that line: indent with spaces, not tabs; close every bracket and quote",
            ) from None


def _json_content(path: str | Path):
    """The content of a JSON file, or None when it is not valid JSON or gives a key twice in one object."""
    import json

    def unique(pairs):
        keys = [key for key, _ in pairs]
        if len(set(keys)) < len(keys):
            raise ValueError("a key given twice")
        return dict(pairs)

    try:
        return json.loads(Path(path).read_text(encoding="utf-8"), object_pairs_hook=unique)
    except ValueError:
        return None


def resolve_studies(config: ConfigSettings, sources: Sequence[tuple[str, object]]) -> list[Study]:
    """The studies of a configuration: given inline, or as the path of a study file (itself a complete
    configuration, checked the same way); each with the file it came from and its key there. Two studies of
    one name are an error."""
    studies = []
    for i, entry in enumerate(config.studies):
        where = source_of(["studies", i], sources) or "the configuration"
        if not isinstance(entry, str):
            studies.append(Study(entry, where, f"studies[{i}]"))
            continue
        if not os.path.exists(entry):
            raise InputError(
                f"studies[{i}] names the study file {entry!r}, which does not exist",
                file=where,
                key=f"studies[{i}]",
                fix="correct the path (relative to the directory Snakemake runs in) or give the study inline",
            )
        content = load_yaml(entry)
        included = read_settings(content, [(entry, content)])
        if any(isinstance(s, str) for s in included.studies):
            raise InputError(
                f"the study file {entry} lists further study files",
                file=entry,
                key="studies",
                fix="list studies there, not files (or list every study file in the top configuration)",
            )
        studies += [Study(s, entry, f"studies[{j}]") for j, s in enumerate(included.studies)]
    names = [study.settings.name for study in studies]
    twice = sorted({name for name in names if names.count(name) > 1})
    if twice:
        raise InputError(
            f"two studies share the name {', '.join(twice)}",
            file=", ".join(sorted({s.file for s in studies if s.settings.name in twice})),
            key="studies[].name",
            fix="give every study its own `name` (it is the folder of its results)",
        )
    return studies


def check_study(study: StudySettings, file: str, prefix: str, produced: Iterable[str] = ()) -> None:
    """What the types cannot check in one study: years inside the study's years, weights that exist, input
    files that exist (``produced``: files a rule of the workflow makes, such as the demo statistics).
    ``file`` and ``prefix`` (``studies[0]``) locate the study in its configuration file."""
    first, last = study.years.first, study.years.last

    def fail(key: str, problem: str, fix: str, details: list[str] | None = None) -> None:
        raise InputError(
            f"study {study.name}: {problem}", file=file, key=f"{prefix}.{key}", fix=fix, details=details
        )

    if first > last:
        fail("years", f"years.first {first} is after years.last {last}", "swap them")
    window = f"{first}-{last}"
    spans = [("models.years", study.models.years if study.models else None)]
    spans += [(f"weights[{i}].years", spec.years) for i, spec in enumerate(study.weights)]
    for key, span in spans:
        if span and not first <= span.first <= span.last <= last:
            fail(
                key,
                f"{key} {span.first}-{span.last} is not inside the study's years {window}",
                f"give {key} first and last years within {window} (first <= last), or widen the study's years",
            )
    lists = [
        ("esda.years", study.esda.years),
        ("esda.map_years", study.esda.map_years),
        ("disparity.kernel_years", study.disparity.kernel_years),
        ("centrography.map_years", study.centrography.map_years),
        ("geodetector.years", study.geodetector.years),
    ]
    for key, years in lists:
        outside = [y for y in years or [] if not first <= y <= last]
        if outside:
            fail(
                key,
                f"{key} lists years outside the study's years {window}: {', '.join(map(str, outside))}",
                f"list only years within {window}, or widen the study's years",
            )
    defined = study.weights_names
    for stage, named in (
        ("esda", study.esda.weights),
        ("dynamics", study.dynamics.weights),
        ("models", study.models.weights if study.models else None),
        (
            "disparity.spatial_convergence",
            [study.disparity.spatial_convergence.weights]
            if study.disparity.spatial_convergence and study.disparity.spatial_convergence.weights
            else None,
        ),
        (
            "models.mechanisms",
            [study.models.mechanisms.weights]
            if study.models and study.models.mechanisms and study.models.mechanisms.weights
            else None,
        ),
        (
            "models.dynamic",
            [study.models.dynamic.weights]
            if study.models and study.models.dynamic and study.models.dynamic.weights
            else None,
        ),
        (
            "models.policy",
            [study.models.policy.weights]
            if study.models and study.models.policy and study.models.policy.weights
            else None,
        ),
    ):
        unknown = [w for w in named or [] if w not in defined]
        if unknown:
            close = [difflib.get_close_matches(w, defined, n=1) for w in unknown]
            hint = "; ".join(
                f"{w!r}: did you mean {c[0]!r}?" for w, c in zip(unknown, close, strict=True) if c
            )
            fail(
                f"{stage}.weights",
                f"{stage}.weights names {', '.join(unknown)}, which the study's weights do not define"
                + (f" ({hint})" if hint else ""),
                f"name weights the study defines ({', '.join(defined) or 'none'}), or add them to `weights`",
            )
    if study.disparity.spatial_convergence is not None and study.disparity.variables and not defined:
        fail(
            "disparity.spatial_convergence",
            "disparity.spatial_convergence estimates spatial models, but the study defines no weights",
            "add a W to `weights`, or remove disparity.spatial_convergence",
        )
    mechanisms = study.models.mechanisms if study.models else None
    if mechanisms is not None and mechanisms.spatial and not defined:
        fail(
            "models.mechanisms.spatial",
            "models.mechanisms estimates spatial lag models, but the study defines no weights",
            "add a W to `weights`, or set models.mechanisms.spatial: false",
        )
    policy = study.models.policy if study.models else None
    if policy is not None and policy.spatial and not defined:
        fail(
            "models.policy.spatial",
            "models.policy estimates a spatial DID, but the study defines no weights",
            "add a W to `weights`, or set models.policy.spatial: false",
        )
    if study.models is not None and study.models.dynamic is not None and not defined:
        fail(
            "models.dynamic",
            "models.dynamic estimates a dynamic spatial panel model, but the study defines no weights",
            "add a W to `weights`, or remove models.dynamic",
        )
    if policy is not None and policy.first_year not in study.units.attribute_names:
        attributes = study.units.attribute_names
        close = difflib.get_close_matches(policy.first_year, attributes, n=1)
        fail(
            "models.policy.first_year",
            f"models.policy.first_year names {policy.first_year!r}, which is not a unit attribute of the study"
            + (f" (did you mean {close[0]!r}?)" if close else ""),
            "give the pilot list as a table of units.attributes (one row per pilot unit, its first pilot year "
            "as a column, missing: none for the other units) and name that column's attribute here; the "
            f"study's attributes: {', '.join(attributes) or 'none'}",
        )
    from nqpf.study.frames import check_groupings

    check_groupings(study, file, f"{prefix}.")  # disparity.groups and heterogeneity.by name known groupings
    units = study.units
    if units.projection is not None:
        _check_projection(study, fail)
    for i, spec in enumerate(study.weights):
        geometric = spec.kind in LOCATED_KINDS or (spec.kind != "file" and spec.islands.policy == "nearest")
        if spec.kind == "contiguity" and not units.has_polygons:
            fail(
                f"weights[{i}].kind",
                f"weights {spec.name!r} are contiguity weights, which need polygons; the units of a table have none",
                "read W from a file (kind: file), use distance weights with units.table.lon_field and lat_field, or "
                "give the units' polygons (units.level: file)",
            )
        if geometric and not units.has_coordinates:
            what = (
                f"{spec.kind} weights need the units' locations"
                if spec.kind in LOCATED_KINDS
                else "the islands policy nearest links an island to its nearest units and needs their locations"
            )
            fail(
                f"weights[{i}]" + ("" if spec.kind in LOCATED_KINDS else ".islands.policy"),
                f"weights {spec.name!r}: {what}; the units table gives no longitude and latitude",
                "set units.table.lon_field and lat_field, read W from a file (kind: file, islands: {policy: "
                "keep} or error), or give the units' polygons",
            )
    if study.centrography.variables and not units.has_coordinates:
        fail(
            "centrography.variables",
            "the gravity centre and ellipse need the units' locations; the units table gives no longitude and "
            "latitude",
            "set units.table.lon_field and lat_field, give the units' polygons, or drop the centrography block",
        )
    if study.models is not None and study.models.boundary is not None and not units.has_coordinates:
        fail(
            "models.boundary",
            "the spillover boundary measures the distances between the units; the units table gives no longitude "
            "and latitude",
            "set units.table.lon_field and lat_field, give the units' polygons, or drop models.boundary",
        )
    produced = set(produced)
    files = [(f"statistics.files[{i}].path", t.path) for i, t in enumerate(study.statistics.files)]
    if study.units.file is not None and study.units.level == "file":
        files.append(("units.file.path", study.units.file.path))
    if study.units.table is not None and study.units.level == "table":
        files.append(("units.table.path", study.units.table.path))
    files += [
        (f"weights[{i}].path", spec.path)
        for i, spec in enumerate(study.weights)
        if spec.kind == "file" and spec.path
    ]
    for key, path in files:
        if path in produced:
            continue
        pattern = any(ch in path for ch in "*?[")
        if (pattern and not glob.glob(path)) or (not pattern and not os.path.exists(path)):
            what = "no file matches the pattern" if pattern else "the file does not exist"
            fail(
                key,
                f"{key}: {what}: {path} (paths are relative to the directory Snakemake runs in, {os.getcwd()})",
                "correct the path (or run Snakemake with --directory where the relative paths hold), or give an "
                "absolute path",
            )


def _check_projection(study: StudySettings, fail) -> None:
    """A study's own projection (units.projection): one pyproj reads, projected and in metres, or a stop. Where
    the units' extent is known before any file is read (China's boundary sets, all provinces), a projection whose
    area of use does not cover it, or one that is not equal-area, gets a warning (the weights' summaries record
    the same notes for the units' actual extent)."""
    from nqpf.units import crs

    try:
        projection = crs.given(study.units.projection)
    except InputError as err:
        fail("units.projection", err.problem, err.fix)
    whole_of_china = study.units.boundary_set is not None and study.units.provinces is None
    for note in crs.notes(projection, crs.CHINA_EXTENT if whole_of_china else None):
        _log.warning("study %s: %s", study.name, note)


def demo_files(study: StudySettings) -> set[str]:
    """The statistics files of a demo study that the workflow simulates (resources/demo/<study>/)."""
    if study.demo is None:
        return set()
    return {t.path for t in study.statistics.files if t.path.startswith(f"resources/demo/{study.name}/")}


def stop(err: InputError) -> None:
    """End a workflow that cannot start: the message (file, key, fix) on stderr, exit status 1, no traceback."""
    print(f"The workflow did not start: bad input.\n{err}", file=sys.stderr)
    raise SystemExit(1)


def load(data: dict, sources: Sequence[tuple[str, object]]) -> tuple[ConfigSettings, list[Study]]:
    """Read and check a configuration: the typed settings, and every study with its file and key, each checked
    (:func:`check_study`) and its table plan resolved. Stops with an :class:`InputError` at the first problem."""
    from nqpf.study.table_plan import Plan

    config = read_settings(data, sources)
    studies = resolve_studies(config, sources)
    for study in studies:
        check_study(study.settings, study.file, study.key, produced=demo_files(study.settings))
        check_study_names(study)
        Plan.from_study(study.settings, file=study.file, prefix=study.key)  # its tables settings
    return config, studies


def panel_variables(study: StudySettings) -> list[str] | None:
    """The variables a study's panel will have, as its configuration declares them (each statistics file's
    ``variables`` or ``variable_name``, then ``derived``); None when a long file reads its variables' names from
    its labels, so that only the panel knows them."""
    declared: list[str] = []
    for table in study.statistics.files:
        if table.variables is None and table.variable_name is None:
            return None
        declared += list((table.variables or {}).values()) + (
            [table.variable_name] if table.variable_name else []
        )
    return list(dict.fromkeys(declared + list(study.derived)))


def check_study_names(study: Study) -> None:
    """Stop when a stage of a study names a variable its frame will not have (:func:`nqpf.study.frames.check_names`),
    before any job runs, so that no stage waits for the panel to find a misspelt name; the error names the study's
    configuration file."""
    variables = panel_variables(study.settings)
    if variables is None:
        return
    from nqpf.study import frames

    try:
        frames.check_names(study.settings, variables)
    except InputError as err:
        err.file = err.file or study.file
        if err.key and not err.key.startswith(study.key):
            err.key = f"{study.key}.{err.key}"
        raise
