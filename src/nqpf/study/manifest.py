"""Provenance of a study (results/<study>/manifest.json): the sha256 of every input and output, the resolved
configuration and its seeds, the software versions and the code (git commit, source digest); and the comparison
of files, or of a rerun, with a recorded manifest.

The JSON is deterministic (sorted keys, no timestamps, paths relative to the working directory), so a rerun of the
same configuration with the same code and software writes the same bytes. The configuration alone keeps the order
its files gave it: that order is part of the study (the order of columns, and of random draws over a mapping).
"""

from __future__ import annotations

import glob
import hashlib
import json
import os
import platform
import subprocess
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import yaml
from packaging.markers import default_environment
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from nqpf.io import sha256

FORMAT = 1
NAME = "manifest.json"
# Files of a study's results folder that the manifest does not record: itself, and the HTML report, which is
# built separately and embeds the time it was made.
UNRECORDED = (NAME, "report.html")
# The code that makes the results, digested so that an uncommitted change is seen too.
SOURCES = ("Snakefile", "workflow", "src/nqpf", "pyproject.toml")
FILE_SECTIONS = ("config_files", "inputs", "outputs")


def relative(path: str | Path, root: str | Path) -> str:
    """A path as the manifest records it: relative to ``root`` (POSIX separators) when inside it, else absolute."""
    # Symbolic links are kept as they are: a results/ or data/ folder linked to another disk is still inside.
    root = Path(os.path.abspath(root))
    absolute = Path(os.path.normpath(root / path))
    try:
        return absolute.relative_to(root).as_posix()
    except ValueError:
        return absolute.as_posix()


def file_hashes(paths: Iterable[str | Path], root: str | Path) -> dict[str, str]:
    """sha256 of each file, keyed by its recorded path."""
    root = Path(root)
    hashes = {}
    for path in paths:
        key = relative(path, root)
        hashes[key] = sha256(_located(key, root))
    return dict(sorted(hashes.items()))


def files_under(directory: str | Path, exclude: Iterable[str] = UNRECORDED) -> list[Path]:
    """Every file below ``directory`` (sorted), except the names in ``exclude`` directly inside it."""
    directory = Path(directory)
    if not directory.is_dir():
        return []
    skipped = {directory / name for name in exclude}
    return sorted(p for p in directory.rglob("*") if p.is_file() and p not in skipped)


def with_sidecars(path: str | Path) -> list[Path]:
    """A data file and the files read with it: a shapefile's .shx, .dbf, .prj, .cpg ... (same stem, same folder)."""
    path = Path(path)
    if path.suffix.lower() != ".shp":
        return [path]
    return sorted(p for p in path.parent.glob(f"{glob.escape(path.stem)}.*") if p.is_file())


def study_config_files(config_files: Iterable[str | Path], study: str) -> list[str]:
    """The configuration files a study was read from: the files given to the run and, among the study files
    they list under ``studies`` (paths relative to the working directory), those that define ``study``."""
    files = [str(path) for path in config_files]
    for path in list(files):
        listed = (_yaml_file(path) or {}).get("studies") or []
        for entry in listed:
            if isinstance(entry, str) and Path(entry).is_file():
                defined = (_yaml_file(entry) or {}).get("studies") or []
                if any(isinstance(s, Mapping) and s.get("name") == study for s in defined):
                    files.append(entry)
    return sorted(set(files))


def _yaml_file(path: str | Path):
    with open(path, encoding="utf-8") as handle:
        return yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def seeds(config: Mapping, prefix: str = "") -> dict[str, int]:
    """Every ``seed`` key of a configuration, by its path (``esda.seed``, ``models.effects.seed``, ``weights[2].seed``)."""
    found: dict[str, int] = {}

    def walk(node, path: str) -> None:
        if isinstance(node, Mapping):
            for key, value in node.items():
                child = f"{path}.{key}" if path else str(key)
                if key == "seed" and not isinstance(value, Mapping | list):
                    found[child] = value
                else:
                    walk(value, child)
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, f"{path}[{i}]")

    walk(config, prefix)
    return dict(sorted(found.items()))


def project_requirements(repo: str | Path, extras: Iterable[str] = ("workflow",)) -> list[str]:
    """The direct dependencies a checkout declares in its pyproject.toml, with those of the given extras."""
    with open(Path(repo) / "pyproject.toml", "rb") as handle:
        project = tomllib.load(handle)["project"]
    requirements = list(project.get("dependencies", []))
    for extra in extras:
        requirements += project.get("optional-dependencies", {}).get(extra, [])
    return requirements


def package_versions(requirements: Iterable[str]) -> dict[str, str]:
    """Installed version of each required distribution and of everything it requires in turn (the runtime
    closure, markers evaluated for this interpreter); "not installed" where a requirement is missing."""
    environment = default_environment()
    versions: dict[str, str] = {}
    seen: set[tuple[str, frozenset[str]]] = set()
    queue = [Requirement(r) for r in requirements]
    while queue:
        requirement = queue.pop()
        name = canonicalize_name(requirement.name)
        key = (name, frozenset(requirement.extras))
        if key in seen:
            continue
        seen.add(key)
        try:
            distribution = metadata.distribution(requirement.name)
        except metadata.PackageNotFoundError:
            versions.setdefault(name, "not installed")
            continue
        versions[name] = distribution.version
        for text in distribution.requires or []:
            try:
                child = Requirement(text)
            except InvalidRequirement:
                continue
            wanted = child.marker is None or any(
                child.marker.evaluate({**environment, "extra": extra}) for extra in ("", *requirement.extras)
            )
            if wanted:
                queue.append(child)
    return dict(sorted(versions.items()))


def software(requirements: Iterable[str]) -> dict:
    return {"python": platform.python_version(), "packages": package_versions(requirements)}


def source_digest(repo: str | Path, sources: Iterable[str] = SOURCES) -> str:
    """sha256 over the paths and bytes of the code that makes the results (compiled caches left out)."""
    repo = Path(repo)
    digest = hashlib.sha256()
    for source in sources:
        top = repo / source
        files = [top] if top.is_file() else sorted(p for p in top.rglob("*") if p.is_file())
        for path in files:
            if "__pycache__" in path.parts or path.suffix == ".pyc":
                continue
            digest.update(path.relative_to(repo).as_posix().encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def git_state(repo: str | Path) -> dict:
    """The commit of the checkout at ``repo`` and whether its tree differs from it; a checkout that is not a git
    repository (a release archive) is said to be so, and is then known by its source digest only."""
    repo = Path(repo).resolve()

    def git(*args: str) -> str:
        # --no-optional-locks: reading the state must not take the index lock from a concurrent git command.
        command = ["git", "--no-optional-locks", "-C", str(repo), *args]
        return subprocess.run(command, capture_output=True, text=True, check=True).stdout.strip()

    try:
        top = Path(git("rev-parse", "--show-toplevel")).resolve()
        if top != repo:
            raise ValueError(f"{repo} lies inside another repository ({top})")
        return {"commit": git("rev-parse", "HEAD"), "dirty": bool(git("status", "--porcelain"))}
    except (OSError, subprocess.CalledProcessError, ValueError):
        return {"commit": None, "dirty": None, "note": "not a git checkout (or git is not installed)"}


def build(
    *,
    study: str,
    config: Mapping,
    config_files: Iterable[str | Path],
    inputs: Iterable[str | Path],
    outputs: Iterable[str | Path],
    boundaries: Mapping,
    root: str | Path,
    repo: str | Path,
    requirements: Iterable[str] | None = None,
) -> dict:
    """The manifest of one study run in working directory ``root`` with the code of the checkout ``repo``.

    ``config`` is the resolved configuration: the shared settings and ``studies`` holding this study alone, with
    defaults filled in (on its own a configuration that reruns the study); its seeds are recorded by their path
    in the study. ``inputs`` are the files the study reads that the workflow does not make (paths as the config
    gives them, relative to ``root``); ``outputs`` every file the workflow made for it.
    """
    requirements = project_requirements(repo) if requirements is None else list(requirements)
    config = json.loads(json.dumps(config, default=str))  # plain JSON types, as the file will hold them
    return {
        "format": FORMAT,
        "study": study,
        "config": config,
        "seeds": {
            **seeds({k: v for k, v in config.items() if k != "studies"}),
            **seeds(config["studies"][0]),
        },
        "config_files": file_hashes(config_files, root),
        "inputs": file_hashes(inputs, root),
        "outputs": file_hashes(outputs, root),
        "boundaries": dict(boundaries),
        "software": software(requirements),
        "code": {**git_state(repo), "source_sha256": source_digest(repo)},
    }


def dumps(manifest: Mapping) -> str:
    """The manifest as JSON text: keys sorted, but for the configuration's own."""
    ordered = {key: value if key == "config" else _sorted(value) for key, value in sorted(manifest.items())}
    return json.dumps(ordered, ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def _sorted(value):
    if isinstance(value, Mapping):
        return {key: _sorted(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        return [_sorted(v) for v in value]
    return value


def write(manifest: Mapping, path: str | Path) -> None:
    Path(path).write_text(dumps(manifest), encoding="utf-8")


def read(path: str | Path) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Difference:
    """One difference from a recorded manifest: a file ``changed``, ``missing`` or ``extra``, or a setting that
    ``differs`` (config, seeds, software, code)."""

    kind: str
    what: str
    recorded: object = None
    found: object = None

    def __str__(self) -> str:
        if self.kind == "changed":
            return (
                f"changed  {self.what}  (sha256 recorded {_short(self.recorded)}, found {_short(self.found)})"
            )
        if self.kind == "missing":
            return f"missing  {self.what}  (recorded, not found)"
        if self.kind == "extra":
            return f"extra    {self.what}  (found, not recorded)"
        return f"differs  {self.what}: recorded {_show(self.recorded)}, found {_show(self.found)}"


def compare_directory(
    manifest: Mapping, root: str | Path, sections: Iterable[str] = FILE_SECTIONS
) -> list[Difference]:
    """Check the files under working directory ``root`` against a manifest: every recorded file of ``sections``
    must exist with its recorded sha256, and the study's results folder must hold no unrecorded file."""
    root = Path(root)
    differences = []
    recorded_paths: set[str] = set()
    for section in sections:
        for path, recorded in manifest.get(section, {}).items():
            recorded_paths.add(path)
            located = _located(path, root)
            if not located.is_file():
                differences.append(Difference("missing", path))
            elif (found := sha256(located)) != recorded:
                differences.append(Difference("changed", path, recorded, found))
    if "outputs" in sections:
        results = root / "results" / manifest["study"]
        for path in files_under(results):
            key = relative(os.path.abspath(path), root)
            if key not in recorded_paths:
                differences.append(Difference("extra", key))
    return sorted(differences, key=lambda d: (d.what, d.kind))


SETTINGS = ("format", "study", "config", "seeds", "boundaries", "software", "code")


def compare_settings(recorded: Mapping, found: Mapping) -> list[Difference]:
    """Differences between two manifests in everything but their files, key by key: configuration, seeds,
    boundary source, software versions and code."""
    differences = []
    for section in SETTINGS:
        old, new = recorded.get(section, _ABSENT), found.get(section, _ABSENT)
        differences += _compare_values(section, old, new, ordered=section == "config")
    return differences


def compare(recorded: Mapping, found: Mapping, sections: Iterable[str] = FILE_SECTIONS) -> list[Difference]:
    """Differences between two manifests: their settings and the files of ``sections``."""
    differences = compare_settings(recorded, found)
    for section in sections:
        old, new = recorded.get(section, {}), found.get(section, {})
        for path in sorted(set(old) | set(new)):
            if path not in new:
                differences.append(Difference("missing", path))
            elif path not in old:
                differences.append(Difference("extra", path))
            elif old[path] != new[path]:
                differences.append(Difference("changed", path, old[path], new[path]))
    return differences


def _compare_values(path: str, old, new, ordered: bool = False) -> list[Difference]:
    """Differences key by key and item by item; with ``ordered``, in the order of keys too."""
    if isinstance(old, Mapping) and isinstance(new, Mapping):
        differences = []
        for key in sorted(set(old) | set(new), key=str):
            differences += _compare_values(
                f"{path}.{key}", old.get(key, _ABSENT), new.get(key, _ABSENT), ordered
            )
        if ordered and not differences and list(old) != list(new):
            differences.append(Difference("differs", f"{path} (order of keys)", list(old), list(new)))
        return differences
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        differences = []
        for i, (a, b) in enumerate(zip(old, new, strict=True)):
            differences += _compare_values(f"{path}[{i}]", a, b, ordered)
        return differences
    return [] if old == new else [Difference("differs", path, old, new)]


class _Absent:
    def __repr__(self) -> str:
        return "(absent)"


_ABSENT = _Absent()


def _located(path: str, root: Path) -> Path:
    return Path(path) if Path(path).is_absolute() else root / path


def _short(digest) -> str:
    return f"{digest[:12]}…" if isinstance(digest, str) else str(digest)


def _show(value) -> str:
    if isinstance(value, _Absent):
        return "(absent)"
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return text if len(text) <= 80 else text[:77] + "..."
