"""The workflow's configuration schema (``workflow/schemas/config.schema.json``), generated from the typed
settings (:mod:`nqpf.study.settings`) so that it never drifts from them: editors and Snakemake's ``validate`` read
it, the settings models decide. Regenerate it with ``make schema`` (``python -m nqpf.study.schema``); a test
fails when the file is out of date.

The JSON schema pydantic makes is tidied for reading: no generated titles, an optional key written as its type
(its absence is the default), a choice of plain types as one ``type`` list. It is written as JSON, which
Snakemake reads at once, where a YAML file of its size takes a noticeable part of a start in a new working
directory.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from nqpf.study.settings import ConfigSettings

COMMENT = (
    "The configuration schema of the nqpf workflow: every key, its type, allowed values and default. Generated "
    "from the settings models (src/nqpf/*/settings.py, composed in src/nqpf/study/settings.py) by `make schema`; "
    "do not edit by hand. config/README.md documents every key."
)


def _tidy(node, names: bool = False):
    """``names``: ``node`` maps names to schemas (properties, definitions), whose keys are kept as they are."""
    if isinstance(node, list):
        return [_tidy(item) for item in node]
    if not isinstance(node, dict):
        return node
    if names:
        return {key: _tidy(value) for key, value in node.items()}
    node = {
        key: _tidy(value, names=key in ("properties", "$defs"))
        for key, value in node.items()
        if key != "title"
    }
    options = node.get("anyOf")
    if options is not None:
        kept = [option for option in options if option != {"type": "null"}]
        if len(kept) < len(options) and node.get("default", "absent") is None:
            node.pop("default")
        if (
            all(set(option) == {"type"} and isinstance(option["type"], str) for option in kept)
            and len(kept) > 1
        ):
            node.pop("anyOf")
            node = {"type": [option["type"] for option in kept], **node}
        elif len(kept) == 1:
            node.pop("anyOf")
            node = {**kept[0], **node}
        else:
            node["anyOf"] = kept
    return node


def config_schema() -> dict:
    """The JSON schema (draft 2020-12) of a configuration, tidied for reading."""
    schema = _tidy(ConfigSettings.model_json_schema(by_alias=True))
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$comment": COMMENT,
        "title": "nqpf configuration",
        **schema,
    }


def schema_text() -> str:
    return json.dumps(config_schema(), ensure_ascii=False, indent=1) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write the schema to the path given (default: stdout)."""
    argv = sys.argv[1:] if argv is None else argv
    if argv:
        Path(argv[0]).write_text(schema_text(), encoding="utf-8")
    else:
        sys.stdout.write(schema_text())
    return 0


if __name__ == "__main__":
    sys.exit(main())
