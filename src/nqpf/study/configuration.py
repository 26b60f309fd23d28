"""Checks of a configuration before anything runs, with messages that name the file, the key and the fix.

The JSON schema (``workflow/schemas/config.schema.yaml``) checks keys and types; :func:`schema_error` turns its
violations (``jsonschema`` errors, read through their attributes only) into one :class:`InputError` that names
the configuration file holding the key, the key path (``studies[0].years.first``), what is wrong and what to
write instead. :func:`check_study` checks what a schema cannot: years inside the study's years, weights names
that exist, input files that exist.
"""

from __future__ import annotations

import difflib
import glob
import os
from collections.abc import Iterable, Sequence

from nqpf.errors import InputError

README = "config/README.md"
_TYPES = {
    "integer": "an integer (such as 2019, without quotes)",
    "number": "a number (such as 0.5)",
    "string": "a text",
    "boolean": "true or false",
    "array": "a list (such as [a, b])",
    "object": "a mapping of keys to values",
    "null": "nothing",
}
_NAME_PATTERNS = {
    "^[A-Za-z][A-Za-z0-9_-]*$": "letters, digits, _ and -, starting with a letter",
    "^[A-Za-z][A-Za-z0-9_]*$": "letters, digits and _, starting with a letter",
    "^[A-Za-z_][A-Za-z0-9_]*$": "letters, digits and _, starting with a letter or _",
}
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


def describe(error) -> tuple[list[object], str, str]:
    """(key path, problem, fix) of one schema violation (a ``jsonschema.ValidationError``)."""
    parts = list(error.absolute_path)
    here = key_path(parts)
    kind, expected, value, schema = error.validator, error.validator_value, error.instance, error.schema
    if kind == "additionalProperties" and expected is False:
        allowed = list(schema.get("properties", {}))
        unknown = [k for k in value if k not in allowed]
        key = unknown[0] if unknown else "?"
        close = difflib.get_close_matches(str(key), allowed, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        return (
            [*parts, key],
            f"unknown key {key!r} in {here}{hint}; {error.message}",
            f"remove or rename {key!r}; the keys allowed in {here} are: {', '.join(allowed)}",
        )
    if kind == "required":
        missing = [k for k in expected if isinstance(value, dict) and k not in value]
        key = missing[0] if missing else "?"
        return (
            parts,
            f"{here} lacks the required key {key!r}",
            f"add `{key}` to {here} ({README} documents it)",
        )
    if kind == "type":
        wanted = [expected] if isinstance(expected, str) else list(expected)
        text = " or ".join(_TYPES.get(t, t) for t in wanted)
        return (
            parts,
            f"{here} is {_kind(value)} ({_short(value)}), not {' or '.join(wanted)}",
            f"give {here} {text}",
        )
    if kind == "enum":
        close = difflib.get_close_matches(str(value), [str(v) for v in expected], n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        return (
            parts,
            f"{here} is {_short(value)}, which is not an allowed value{hint}",
            f"use one of: {', '.join(str(v) for v in expected)}",
        )
    if kind == "pattern":
        form = _NAME_PATTERNS.get(expected, f"the form {expected}")
        return parts, f"{here} is {_short(value)}, which does not have the required form", f"use {form}"
    limits = {
        "minimum": ">=",
        "maximum": "<=",
        "exclusiveMinimum": ">",
        "exclusiveMaximum": "<",
    }
    if kind in limits:
        return parts, f"{here} is {_short(value)}, out of range", f"give a value {limits[kind]} {expected}"
    if kind in ("minItems", "maxItems", "minProperties", "maxProperties"):
        bound = "at least" if kind.startswith("min") else "at most"
        return parts, f"{here} has {len(value)} entries", f"give {bound} {expected}"
    return parts, f"{here}: {error.message}", f"see {README} for {here}"


def schema_error(errors: Sequence, sources: Sequence[tuple[str, object]], schema_file: str) -> InputError:
    """One error for every schema violation of a configuration, located in the file that holds the first."""
    described = [describe(e) for e in errors]
    parts, problem, fix = described[0]
    details = [f"also: {text}; fix: {other_fix}" for _, text, other_fix in described[1:_LISTED]]
    if len(described) > _LISTED:
        details.append(f"... and {len(described) - _LISTED} more")
    more = " (and the other problems listed)" if len(described) > 1 else ""
    return InputError(
        f"the configuration does not follow its schema ({schema_file}): {problem}",
        file=source_of(parts, sources) or "the configuration",
        key=key_path(parts),
        details=details,
        fix=f"{fix}{more}; {README} documents every key",
    )


def _years(study: dict) -> tuple[int, int]:
    return int(study["years"]["first"]), int(study["years"]["last"])


def check_study(study: dict, file: str, prefix: str, produced: Iterable[str] = ()) -> None:
    """What the schema cannot check in one study: years inside the study's years, weights that exist, input
    files that exist (``produced``: files a rule of the workflow makes, such as the demo statistics).
    ``file`` and ``prefix`` (``studies[0]``) locate the study in its configuration file."""
    first, last = _years(study)

    def fail(key: str, problem: str, fix: str, details: list[str] | None = None) -> None:
        raise InputError(
            f"study {study['name']}: {problem}", file=file, key=f"{prefix}.{key}", fix=fix, details=details
        )

    if first > last:
        fail("years", f"years.first {first} is after years.last {last}", "swap them")
    window = f"{first}-{last}"
    spans = [("models.years", (study.get("models") or {}).get("years"))]
    spans += [(f"weights[{i}].years", spec.get("years")) for i, spec in enumerate(study.get("weights", []))]
    for key, span in spans:
        if span and not first <= span["first"] <= span["last"] <= last:
            fail(
                key,
                f"{key} {span['first']}-{span['last']} is not inside the study's years {window}",
                f"give {key} first and last years within {window} (first <= last), or widen the study's years",
            )
    lists = [
        ("esda.years", (study.get("esda") or {}).get("years")),
        ("esda.map_years", (study.get("esda") or {}).get("map_years")),
        ("disparity.kernel_years", (study.get("disparity") or {}).get("kernel_years")),
    ]
    for key, years in lists:
        outside = [y for y in years or [] if not first <= y <= last]
        if outside:
            fail(
                key,
                f"{key} lists years outside the study's years {window}: {', '.join(map(str, outside))}",
                f"list only years within {window}, or widen the study's years",
            )
    defined = [spec["name"] for spec in study.get("weights", [])]
    for stage in ("esda", "models"):
        unknown = [w for w in (study.get(stage) or {}).get("weights", []) if w not in defined]
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
    produced = set(produced)
    files = [(f"statistics.files[{i}].path", t["path"]) for i, t in enumerate(study["statistics"]["files"])]
    if study["units"].get("level") == "file":
        files.append(("units.file.path", study["units"]["file"]["path"]))
    files += [
        (f"weights[{i}].path", spec["path"])
        for i, spec in enumerate(study.get("weights", []))
        if spec.get("kind") == "file" and spec.get("path")
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
