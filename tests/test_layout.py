"""The library's house: one package per stage, imports running one way only (units -> panel -> indices,
disparity, weights -> esda, models -> dynamics -> tables -> figures -> study; figures speak the tables' vocabulary), shared
leaves below them all, no cycles."""

from __future__ import annotations

import ast
from pathlib import Path

import nqpf

ROOT = Path(nqpf.__file__).parent
LEAVES = {"errors", "io", "lazy", "seeds", "settings"}
RANK = {
    "units": 1,
    "panel": 2,
    "indices": 3,
    "disparity": 3,
    "weights": 3,
    "esda": 4,
    "models": 4,
    "drivers": 4,
    "dynamics": 5,
    "tables": 6,
    "figures": 7,
    "study": 8,
}


def imports(path: Path) -> set[str]:
    """The nqpf modules a file imports (at its top or inside functions)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("nqpf"):
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("nqpf"))
    return found


def stage(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else None


def test_the_folders_are_the_stages():
    packages = sorted(p.name for p in ROOT.iterdir() if p.is_dir() and (p / "__init__.py").exists())
    assert packages == sorted(RANK)
    modules = sorted(p.stem for p in ROOT.glob("*.py") if p.stem != "__init__")
    assert set(modules) == LEAVES


def test_imports_run_one_way():
    wrong = []
    for path in ROOT.rglob("*.py"):
        if path.parent == ROOT:
            here = None if path.stem in LEAVES else "top"
        else:
            here = path.relative_to(ROOT).parts[0]
        for module in imports(path):
            target = stage(module)
            if target is None or target in LEAVES or target not in RANK:
                continue
            if here == "top":
                continue  # nqpf/__init__ names the public API of every stage
            if here is None:
                wrong.append(f"{path.relative_to(ROOT)} (a shared leaf) imports {module}")
            elif target != here and RANK[target] >= RANK[here]:
                wrong.append(f"{path.relative_to(ROOT)} ({here}) imports {module} ({target})")
    assert not wrong, "\n".join(sorted(wrong))


def test_the_shared_leaves_import_no_stage():
    for name in LEAVES:
        assert not {stage(m) for m in imports(ROOT / f"{name}.py")} & set(RANK), name
