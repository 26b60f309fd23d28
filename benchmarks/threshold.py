"""Hansen's panel threshold model on a prefecture-sized panel (337 units x 12 years, two thresholds set in the
data-generating process): nqpf against pyxthreg (PyPI, a Python port of Stata's xthreg), each in a fresh process,
imports (and pyxthreg's numba compilation) included.

    python benchmarks/threshold.py --pyxthreg-python /tmp/pxenv/bin/python   # writes results/threshold.md

pyxthreg is not a dependency of the project: install it in a separate environment
(``python3 -m venv /tmp/pxenv && /tmp/pxenv/bin/pip install pyxthreg==0.0.3``) and name its interpreter; without
it only nqpf is timed. The data: y = mu_i + x b(q) + 0.3 z + e with slopes 1.0, -0.5, 0.5 of x below 0.35,
between 0.35 and 0.7 and above 0.7 of q ~ U(0, 1), e ~ N(0, 0.5^2), seeded. Contenders, both with two
thresholds, a 1% trim and 300 bootstrap draws of each test:
- nqpf ``PanelThreshold`` with the exact search over every distinct q (the default) and with ``grid=300``;
- pyxthreg ``ThresholdPanel.fit(thnum=2, trim=0.01, grid=300, bs=300, n_jobs=1)`` (its numba kernels compile in
  every new process).
The thresholds found and the F statistics of each are reported side by side.
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
UNITS, YEARS, SEED = 337, 12, 20261129
TRUTH = (0.35, 0.7)

NQPF = """
import json, sys, time
start = time.perf_counter()
import pandas as pd
from nqpf import PanelThreshold
data = pd.read_csv(sys.argv[1], dtype={"code": str})
grid = None if sys.argv[2] == "none" else int(sys.argv[2])
res = PanelThreshold(data, "y", "x", "q", ["z"], thresholds=2, trim=0.01, grid=grid, bootstrap=300, seed=1).fit()
rows = res.thresholds.set_index("threshold")["estimate"]
print(json.dumps({"seconds": time.perf_counter() - start, "g1": float(rows["g1 (refined)"]),
                  "g2": float(rows["g2"]), "f": [float(f) for f in res.tests["f"]],
                  "p": [float(p) for p in res.tests["p"]], "candidates": len(res.lr)}))
"""

PYXTHREG = """
import json, sys, time
start = time.perf_counter()
import pandas as pd
from pyxthreg import ThresholdPanel
data = pd.read_csv(sys.argv[1], dtype={"code": str})
data["id"] = data["code"].str[1:].astype(int)
model = ThresholdPanel(data, "y", "x", "q", indep=["z"], entity_col="id", time_col="year")
model.fit(thnum=2, trim=0.01, grid=300, bs=300, n_jobs=1)
cold = time.perf_counter() - start
again = time.perf_counter()
model = ThresholdPanel(data, "y", "x", "q", indep=["z"], entity_col="id", time_col="year")
model.fit(thnum=2, trim=0.01, grid=300, bs=300, n_jobs=1)
warm = time.perf_counter() - again
found = model.results
tests = found["boot_results"]
print(json.dumps({"seconds": cold, "warm": warm, "g1": float(found["thresholds"][0]),
                  "g2": float(found["thresholds"][1]), "f": [float(t["F_stat"]) for t in tests],
                  "p": [float(t["p_value"]) for t in tests], "ssr": [float(v) for v in found["ssrs"]],
                  "ssr0": float(found["ssr_linear"])}))
"""


def panel() -> pd.DataFrame:
    rng = np.random.default_rng(SEED)
    mu = rng.normal(0, 1, UNITS)
    rows = []
    for i in range(UNITS):
        for year in range(YEARS):
            q, x, z = rng.uniform(0, 1), rng.normal() + 0.3 * mu[i], rng.normal()
            slope = (1.0, -0.5, 0.5)[int(np.searchsorted(TRUTH, q, side="left"))]
            rows.append((f"u{i:03d}", 2011 + year, mu[i] + slope * x + 0.3 * z + rng.normal(0, 0.5), x, z, q))
    return pd.DataFrame(rows, columns=["code", "year", "y", "x", "z", "q"])


def run(python: str, code: str, *args: str) -> dict:
    done = subprocess.run([python, "-c", code, *args], capture_output=True, text=True, cwd=REPO, check=False)
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-3000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pyxthreg-python", help="an interpreter with pyxthreg installed")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "panel.csv"
        panel().to_csv(path, index=False)
        started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
        load = Path("/proc/loadavg").read_text().split()[0] if Path("/proc/loadavg").exists() else "n/a"
        exact = run(sys.executable, NQPF, str(path), "none")
        gridded = run(sys.executable, NQPF, str(path), "300")
        other = run(args.pyxthreg_python, PYXTHREG, str(path)) if args.pyxthreg_python else None
    lines = [
        "# Panel threshold model: nqpf against pyxthreg",
        "",
        f"Made by `python benchmarks/threshold.py` on {started}; {platform.processor() or platform.machine()}, "
        f"Python {platform.python_version()}; load at the start {load}.",
        "",
        f"Data: {UNITS} units x {YEARS} years, thresholds {TRUTH[0]} and {TRUTH[1]} of q, two thresholds "
        "estimated, trim 1%, 300 bootstrap draws of each test; each run in a fresh process, imports included.",
        "",
        "| contender | seconds | g1 | g2 | F single | F double | p single | p double |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, r in (
        (f"nqpf, exact search ({exact['candidates']} candidates)", exact),
        ("nqpf, grid 300", gridded),
    ):
        lines.append(
            f"| {name} | {r['seconds']:.2f} | {r['g1']:.4f} | {r['g2']:.4f} | {r['f'][0]:.2f} | {r['f'][1]:.2f} "
            f"| {r['p'][0]:.3f} | {r['p'][1]:.3f} |"
        )
    if other is not None:
        lines.append(
            f"| pyxthreg 0.0.3, grid 300, cold (numba compiles) | {other['seconds']:.2f} | {other['g1']:.4f} "
            f"| {other['g2']:.4f} | {other['f'][0]:.2f} | {other['f'][1]:.2f} | {other['p'][0]:.3f} "
            f"| {other['p'][1]:.3f} |"
        )
        lines.append(f"| pyxthreg 0.0.3, the same fit again, warm | {other['warm']:.2f} | | | | | | |")
        scale = (other["ssr0"] - other["ssr"][0]) / other["f"][0] / other["ssr"][0]
        lines += [
            "",
            f"pyxthreg's sums of squares: linear {other['ssr0']:.4f}, one threshold {other['ssr'][0]:.4f}, two "
            f"{other['ssr'][1]:.4f}. Its F divides by S / {1 / scale:.0f}; nqpf's by S / (N (T - 1)) = S / "
            f"{UNITS * (YEARS - 1)}, Hansen's (1999) sigma^2 (the F differ by that factor, the p-values do not "
            "depend on it).",
        ]
    (HERE / "results" / "threshold.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
