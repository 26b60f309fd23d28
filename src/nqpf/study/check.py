"""Check configuration files without running a study: ``python -m nqpf.study.check [file ...]``.

The files are merged as Snakemake merges them for ``snakemake --configfile <file> ...``: ``config/config.yaml``
first when it exists in the working directory, then the files in the order given (a later file's keys replace an
earlier one's, mappings merged key by key); then they are read and checked as the workflow
reads them: YAML syntax and keys given twice (with the file, line and column), unknown keys, types, allowed
values, the names a study uses and the files it reads. Snakemake itself reads a ``--configfile`` before the
workflow can, and reports a YAML syntax error in it without the file or the line; this command names both.
Prints one line per study, or the problem and its fix; exit status 0 when every file is valid, 1 otherwise.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from nqpf.errors import InputError
from nqpf.study.configuration import load, load_yaml

DEFAULT = "config/config.yaml"


def merged(files: Sequence[str]) -> tuple[dict, list[tuple[str, object]]]:
    """The configuration of ``files`` merged in order, and each file with its content (the sources that
    :func:`nqpf.study.configuration.load` names in its messages)."""
    data: dict = {}
    sources = []
    for path in files:
        content = load_yaml(path)
        if content is None:
            content = {}
        if not isinstance(content, dict):
            raise InputError(
                f"the configuration file holds a {type(content).__name__}, not a mapping of keys",
                file=path,
                row=1,
                fix="write the configuration as keys and values (studies: [...], boundaries: {...})",
            )
        _update(data, content)
        sources.append((path, content))
    return data, sources


def _update(base: dict, extra: dict) -> None:
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            _update(base[key], value)
        else:
            base[key] = value


def main(argv: Sequence[str] | None = None) -> int:
    given = list(sys.argv[1:] if argv is None else argv)
    files = ([DEFAULT] if os.path.exists(DEFAULT) and DEFAULT not in given else []) + given
    try:
        data, sources = merged(files)
        _, studies = load(data, sources)
    except InputError as err:
        print(f"not valid: {', '.join(files)}\n{err}", file=sys.stderr)
        return 1
    except OSError as err:
        print(f"cannot read {err.filename}: {err.strerror}", file=sys.stderr)
        return 1
    for study in studies:
        settings = study.settings
        print(
            f"{settings.name}: {settings.units.level} units, {settings.years.first}-{settings.years.last} ({study.file})"
        )
    print(f"valid: {', '.join(files)} ({len(studies)} {'study' if len(studies) == 1 else 'studies'})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
