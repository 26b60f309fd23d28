"""The code a job depends on (nqpf.study.code): the nqpf modules each workflow script reaches through its imports,
checked against the modules Python loads when the script's imports run, and the digest every rule passes as a
parameter, which changes with that code and nothing else."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

from nqpf.study import code

REPO = Path(__file__).resolve().parent.parent
# one script of each kind of job: the panel, ESDA permutations, models, tables, a map, the report's pages
SCRIPTS = [
    REPO / "workflow" / "scripts" / f"{name}.py"
    for name in ("build_panel", "esda_part", "model", "make_tables", "plot_index_map", "report_pages")
]


def relative(paths) -> set[str]:
    return {p.relative_to(code.ROOT).as_posix() for p in paths if p.is_relative_to(code.ROOT)}


def loaded_by_imports(script: Path) -> set[str]:
    """The nqpf source files Python loads when the import statements of ``script`` run (in a new process)."""
    tree = ast.parse(script.read_text(encoding="utf-8"))
    imports = [ast.unparse(node) for node in ast.walk(tree) if isinstance(node, (ast.Import, ast.ImportFrom))]
    program = "\n".join(
        [
            *imports,
            "import sys, json",
            "print(json.dumps(sorted(m.__file__ for n, m in sys.modules.items() "
            "if n.split('.')[0] == 'nqpf' and getattr(m, '__file__', None))))",
        ]
    )
    out = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, check=True, cwd=REPO
    )
    return {Path(f).resolve().relative_to(code.ROOT).as_posix() for f in json.loads(out.stdout)}


@pytest.mark.parametrize("script", SCRIPTS, ids=[s.stem for s in SCRIPTS])
def test_every_module_a_script_loads_is_in_its_code(script):
    """Sound: whatever the imports of a script load is part of its digest (the reverse need not hold: a name
    imported from a package that loads its names when first used counts its submodule before it loads)."""
    assert loaded_by_imports(script) <= relative(code.files(script))


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_a_name_from_a_lazy_package_counts_its_submodule_only(tmp_path):
    one = relative(code.files(write(tmp_path / "one.py", "from nqpf.indices import coupling_coordination\n")))
    assert one == {"__init__.py", "lazy.py", "indices/__init__.py", "indices/coupling.py"}
    # the package itself imported: any of its names may load
    whole = relative(code.files(write(tmp_path / "whole.py", "from nqpf import indices\nindices.build\n")))
    assert {"indices/coupling.py", "indices/composite.py", "indices/settings.py"} <= whole
    # a function's own import counts, and so does a relative import inside the package
    inner = relative(code.files(write(tmp_path / "inner.py", "def f():\n    from nqpf.units import crs\n")))
    assert "units/crs.py" in inner


def test_stages_do_not_depend_on_each_others_code():
    """The permutations of the ESDA do not rerun for a change to figures or models, nor models for a change to
    the tables' rendering; the tables and figures do depend on their code."""
    esda = relative(code.files(REPO / "workflow/scripts/esda_part.py"))
    model = relative(code.files(REPO / "workflow/scripts/model.py"))
    assert not {"figures/style.py", "figures/choropleth.py", "models/estimation.py"} & esda
    assert not {"tables/render.py", "figures/style.py"} & model
    assert "models/estimation.py" in model and "esda/permutation.py" in esda
    assert "tables/render.py" in relative(code.files(REPO / "workflow/scripts/make_tables.py"))
    assert "figures/style.py" in relative(code.files(REPO / "workflow/scripts/plot_index_map.py"))
    # the data files of a package the code reaches count too
    assert "units/data/region_sets.csv" in relative(code.files(REPO / "workflow/scripts/build_panel.py"))


def test_the_digest_follows_the_code_and_the_cache_follows_the_files(tmp_path):
    script = write(tmp_path / "job.py", "from nqpf import io\n")
    cache = tmp_path / "cache" / "code.json"
    first = code.digests([script], cache=cache)[str(script)]
    assert first == code.digest(script) and cache.is_file()
    assert code.digests([script], cache=cache)[str(script)] == first  # read from the cache
    write(script, "from nqpf import io\nfrom nqpf.units import crs\n")
    changed = code.digests([script], cache=cache)[str(script)]
    assert changed != first and changed == code.digest(script)
    # the digest names files relative to the package: the same code elsewhere has the same digest
    other = tmp_path / "elsewhere"
    other.mkdir()
    assert code.digest(write(other / "job.py", script.read_text(encoding="utf-8"))) == changed


@pytest.mark.parametrize("package", ["disparity", "esda", "figures", "indices", "panel", "weights"])
def test_a_lazy_packages_names_are_its_functions_once_every_module_is_loaded(package):
    """A name a package loads when first used stays the function it names after its submodules are imported
    (a submodule bearing the name of one of its functions would stand in its place)."""
    import importlib
    import pkgutil

    module = importlib.import_module(f"nqpf.{package}")
    for info in pkgutil.iter_modules(module.__path__):
        importlib.import_module(f"nqpf.{package}.{info.name}")
    for name, submodule in module._FUNCTIONS.items():
        assert getattr(module, name) is getattr(importlib.import_module(f"nqpf.{package}.{submodule}"), name)
