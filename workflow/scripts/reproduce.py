"""Reproduce studies: rerun each from scratch in a fresh working directory and compare every file with the
study's results/<study>/manifest.json (`make reproduce`, or STUDY=<name> for one).

    python workflow/scripts/reproduce.py [--study NAME ...] [--directory DIR] [--cores N]

Checks, for every study: that the files in DIR (default: here) still match the manifest, that the configuration
files it records are unchanged, and that a rerun of the recorded configuration with this checkout gives the same
files, seeds, software and code. Prints each difference, or "no difference: N files identical"; exits 1 on any
difference, 2 when a study cannot be checked (no manifest, the rerun fails). The results in DIR are not touched.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "src"))  # the library of this checkout, as the Snakefile gives it to every job

from nqpf.study import manifest  # noqa: E402


def default_studies(directory: Path) -> list[str]:
    """The names of the studies config/config.yaml runs by default (inline, or listed as study files)."""
    config_file = directory / "config" / "config.yaml"
    if not config_file.is_file():
        config_file = REPO / "config" / "config.yaml"
    names = []
    for entry in yaml.safe_load(config_file.read_text(encoding="utf-8")).get("studies") or []:
        if isinstance(entry, str):
            path = next((p for p in (directory / entry, REPO / entry) if p.is_file()), None)
            if path is None:
                raise SystemExit(f"{config_file} lists {entry}, which does not exist")
            names += [s["name"] for s in yaml.safe_load(path.read_text(encoding="utf-8"))["studies"]]
        else:
            names.append(entry["name"])
    return names


def rerun(recorded: dict, source: Path, workdir: Path, cores: int) -> tuple[bool, str]:
    """Run the recorded configuration of a study from scratch in ``workdir``, with the user's input files copied
    from ``source`` to the same relative paths; returns success and the end of Snakemake's output."""
    study = recorded["study"]
    workdir.mkdir(parents=True, exist_ok=True)
    config_file = workdir / "config.json"
    config_file.write_text(json.dumps(recorded["config"], ensure_ascii=False, indent=2), encoding="utf-8")
    for path in recorded["inputs"]:
        if not Path(path).is_absolute() and (source / path).is_file():
            (workdir / path).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source / path, workdir / path)
    command = [
        sys.executable,
        "-m",
        "snakemake",
        "--snakefile",
        str(REPO / "Snakefile"),
        "--directory",
        str(workdir),
        "--configfile",
        str(config_file),
        "--cores",
        str(cores),
        f"results/{study}/{manifest.NAME}",
    ]
    with open(workdir / "reproduce.log", "w", encoding="utf-8") as log:
        done = subprocess.run(command, stdout=log, stderr=subprocess.STDOUT, cwd=workdir)
    lines = (workdir / "reproduce.log").read_text(encoding="utf-8", errors="replace").splitlines()
    return done.returncode == 0, "\n".join(lines[-40:])


def report(title: str, differences: list[manifest.Difference]) -> None:
    print(f"  {title}: {len(differences)} difference{'s' if len(differences) != 1 else ''}")
    for difference in differences:
        print(f"    {difference}")


def reproduce(study: str, directory: Path, cores: int, workdir: Path | None, check_only: bool) -> int:
    path = directory / "results" / study / manifest.NAME
    if not path.is_file():
        print(f"{study}: no manifest at {path}; run the study first (snakemake --cores 8)")
        return 2
    recorded = manifest.read(path)
    files = sum(len(recorded.get(section, {})) for section in manifest.FILE_SECTIONS)
    here = manifest.compare_directory(recorded, directory)
    found: list[manifest.Difference] = []
    if not check_only:
        target = workdir / study if workdir else Path(tempfile.mkdtemp(prefix=f"nqpf-reproduce-{study}-"))
        if target.exists() and any(target.iterdir()):
            print(f"{study}: {target} is not empty; a rerun from scratch needs an empty or new directory")
            return 2
        print(f"{study}: rerunning from scratch in {target} (--cores {cores}) ...", flush=True)
        start = time.monotonic()
        ok, tail = rerun(recorded, directory, target, cores)
        if not ok:
            print(f"{study}: the rerun failed (its log: {target / 'reproduce.log'}):\n{tail}")
            return 2
        print(f"{study}: rerun finished in {time.monotonic() - start:.0f} s")
        found = manifest.compare_settings(recorded, manifest.read(target / "results" / study / manifest.NAME))
        found += manifest.compare_directory(recorded, target, sections=("outputs",))
        if not found and workdir is None:
            shutil.rmtree(target)
    if not here and not found:
        print(f"{study}: no difference: {files} files identical")
        return 0
    print(f"{study}: differences from {path}")
    if here:
        report(f"the files in {directory.resolve()}", here)
    if found:
        report(f"the rerun in {target} (kept for inspection)", found)
    elif not check_only:
        print("  the rerun: no difference")
    return 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--study", action="append", help="a study to reproduce (default: those of config/config.yaml)"
    )
    parser.add_argument("--directory", type=Path, default=Path("."), help="where results/ is (default: here)")
    parser.add_argument("--cores", type=int, default=8, help="cores of the rerun (default: 8)")
    parser.add_argument(
        "--workdir", type=Path, help="rerun in WORKDIR/<study> and keep it (default: a temporary one)"
    )
    parser.add_argument(
        "--check-only", action="store_true", help="only check the files in --directory against the manifest"
    )
    args = parser.parse_args(argv)
    studies = args.study or default_studies(args.directory)
    codes = [reproduce(s, args.directory, args.cores, args.workdir, args.check_only) for s in studies]
    return max(codes, default=0)


if __name__ == "__main__":
    sys.exit(main())
