"""The code a pipeline job runs: its script and the nqpf modules the script imports, directly or through other
nqpf modules, with the data files of their packages; and a digest of them.

A rule passes :func:`digest` of its script as a parameter, so Snakemake reruns its jobs when that code changes and
only then: an edit to the tables' code reruns the table jobs, not the permutations of the ESDA. Imports are read
from the source (:mod:`ast`), wherever they stand in a file (a function's own imports count), so the digest needs
nothing imported and costs milliseconds.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
from functools import cache
from pathlib import Path

PACKAGE = "nqpf"
ROOT = Path(__file__).resolve().parent.parent  # src/nqpf
# Files a module may read at run time besides its code: the data/ folder of its package (region sets, code
# crosswalk).
DATA_FOLDER = "data"
# The mapping a package's __init__ keeps of the names it loads when first used (name -> submodule).
LAZY_MAP = "_FUNCTIONS"


@cache
def _module_file(name: str) -> Path | None:
    """The source file of nqpf module ``name`` (a package's __init__.py), or None when there is none."""
    parts = name.split(".")
    if parts[0] != PACKAGE:
        return None
    base = ROOT.joinpath(*parts[1:])
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _module_name(path: Path) -> str:
    relative = path.relative_to(ROOT).with_suffix("")
    parts = [PACKAGE, *relative.parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _stat(path: Path) -> tuple[int, int]:
    stat = path.stat()
    return stat.st_mtime_ns, stat.st_size


def _parsed(path: Path) -> ast.Module:
    return _parsed_at(path, _stat(path))


@cache
def _parsed_at(path: Path, stamp: tuple[int, int]) -> ast.Module:
    return ast.parse(path.read_bytes(), filename=str(path))


@cache
def _lazy_names(package: str) -> dict[str, str]:
    """A package whose names load when first used (its ``__init__`` maps them to submodules in ``_FUNCTIONS``, read
    by its ``__getattr__``): name -> the submodule that defines it."""
    init = _module_file(package)
    if init is None or init.name != "__init__.py":
        return {}
    for node in _parsed(init).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == LAZY_MAP for t in node.targets):
            mapping = ast.literal_eval(node.value)
            return {name: f"{package}.{module}" for name, module in mapping.items()}
    return {}


def _with_parents(module: str) -> list[str]:
    parts = module.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts) + 1)]


def _imported(path: Path) -> tuple[str, ...]:
    return _imported_at(path, _stat(path))


@cache
def _imported_at(path: Path, stamp: tuple[int, int]) -> tuple[str, ...]:
    """The nqpf modules that importing or running one file executes: each module it imports with the packages
    above it (Python runs their ``__init__`` first); for a name imported from a package that loads its names when
    first used, the submodule defining it; for such a package imported whole, every submodule it can load.
    Imports anywhere in the file count (a function's own too); relative imports inside the package are resolved."""
    inside = path.is_relative_to(ROOT)
    package = _module_name(path).split(".") if inside else []
    if inside and path.name != "__init__.py":
        package = package[:-1]
    references: list[tuple[str, str | None]] = []  # (module, a name imported from it, or None)
    for node in ast.walk(_parsed(path)):
        if isinstance(node, ast.Import):
            references += [(alias.name, None) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                if not inside:
                    continue
                base = package[: len(package) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            references += [(module, alias.name) for alias in node.names]
    modules: list[str] = []
    for module, name in references:
        if module.split(".")[0] != PACKAGE:
            continue
        modules += _with_parents(module)
        targets = [module] if name is None else []
        if name is not None:
            submodule = f"{module}.{name}"
            if _module_file(submodule) is not None:
                modules.append(submodule)
                targets.append(submodule)
            elif name in _lazy_names(module):
                modules.append(_lazy_names(module)[name])
        for target in targets:  # a lazy package used whole: any of its names may load
            modules += _lazy_names(target).values()
    return tuple(m for m in dict.fromkeys(modules) if _module_file(m) is not None)


def _closure_of(path: Path) -> tuple[Path, ...]:
    seen: dict[Path, None] = {}
    stack = [path]
    while stack:
        current = stack.pop()
        if current in seen:
            continue
        seen[current] = None
        stack += [_module_file(name) for name in _imported(current)]
    return tuple(seen)


def files(script: str | Path) -> list[Path]:
    """The files whose content a job running ``script`` depends on: the script, every nqpf module it reaches
    through imports, and the files of the data/ folder of each package those modules belong to; sorted."""
    found = set(_closure_of(Path(script).resolve()))
    for module in list(found):
        if module.is_relative_to(ROOT):
            data = module.parent / DATA_FOLDER
            if data.is_dir():
                found.update(p for p in data.iterdir() if p.is_file())
    return sorted(found)


def _stamp(paths: list[Path]) -> list:
    stats = [[p.as_posix(), p.stat().st_mtime_ns, p.stat().st_size] for p in paths]
    return sorted(stats)


def _sources() -> list[Path]:
    return sorted(p for p in ROOT.rglob("*") if p.is_file() and "__pycache__" not in p.parts)


def digests(scripts: list[str | Path], cache: str | Path | None = None) -> dict[str, str]:
    """:func:`digest` of each script, keyed by the script as given. With ``cache``, the file lists are kept in that
    JSON file and read again while no source file or script has changed (modification time and size), so that a
    workflow computes them once rather than at every start."""
    paths = {str(script): Path(script).resolve() for script in scripts}
    stamp = _stamp(_sources() + sorted(set(paths.values())))
    lists = None
    if cache is not None and Path(cache).is_file():
        try:
            stored = json.loads(Path(cache).read_text(encoding="utf-8"))
        except ValueError:
            stored = {}
        if stored.get("stamp") == stamp and set(stored.get("files", {})) >= {
            p.as_posix() for p in paths.values()
        }:
            lists = {name: [Path(f) for f in files] for name, files in stored["files"].items()}
    if lists is None:
        lists = {p.as_posix(): files(p) for p in paths.values()}
        if cache is not None:
            text = json.dumps(
                {"stamp": stamp, "files": {k: [f.as_posix() for f in v] for k, v in lists.items()}}, indent=0
            )
            temporary = Path(f"{cache}.{os.getpid()}.tmp")
            try:
                Path(cache).parent.mkdir(parents=True, exist_ok=True)
                temporary.write_text(text, encoding="utf-8")
                os.replace(temporary, cache)
            except OSError:  # a checkout one may not write to: the lists are made again next time
                temporary.unlink(missing_ok=True)
    return {name: _digest_of(lists[path.as_posix()]) for name, path in paths.items()}


def _digest_of(paths: list[Path]) -> str:
    h = hashlib.sha256()
    for path in paths:
        name = path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else path.name
        h.update(name.encode() + b"\0" + _content(path) + b"\n")
    return h.hexdigest()[:16]


def _content(path: Path) -> bytes:
    """The sha256 of a file's bytes (each file read and hashed once while it is unchanged)."""
    return _content_at(path, _stat(path))


@cache
def _content_at(path: Path, stamp: tuple[int, int]) -> bytes:
    return hashlib.sha256(path.read_bytes()).digest()


def digest(script: str | Path) -> str:
    """A digest of the code a job running ``script`` depends on (:func:`files`): each file's path relative to
    the package, or the script's name, and the sha256 of its bytes. Moving the checkout leaves it as it is."""
    return _digest_of(files(script))
