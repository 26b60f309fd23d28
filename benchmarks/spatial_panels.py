"""The SAC and dynamic spatial panel models, each in a fresh process, imports included:

- SAC (lag and error on one W) with unit fixed effects by the direct method on a prefecture-sized panel (a 17 x 20
  rook lattice, 340 units x 12 years): nqpf ``SpatialPanelModel(model="sac")`` against R spatialreg ``sacsarlm``
  on the same within-transformed data stacked with W_NT = I_T (x) W (the same likelihood: the reference of the
  tests), ``method = "LU"`` (sparse LU log-determinants of the NT x NT W; ``eigen`` cannot take 4,080 x 4,080
  in reasonable time), with the estimates of each;
- the dynamic SDM (two-way effects, Yu, de Jong and Lee's correction, 1,000 draws of the short- and long-run
  effects) on a county-sized panel (a 53 x 54 rook lattice, 2,862 units, 15 years after the initial one), with
  the SAC on the same data; the eigenvalues of W (computed once per W by the weights stage) timed apart.
No other package estimates the dynamic model (R's SDPDmod is not in Debian and cannot be installed here).

    python benchmarks/spatial_panels.py            # writes results/spatial_panels.md (R optional)
"""

from __future__ import annotations

import json
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.linalg import splu

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SEED = 20261129

NQPF_SAC = """
import json, sys, time
start = time.perf_counter()
import pandas as pd, nqpf
data = pd.read_csv(sys.argv[1], dtype={"code": str})
w = nqpf.SpatialWeights.from_file(sys.argv[2])
res = nqpf.SpatialPanelModel(data, "y", ["x1", "x2"], w, model="sac", fixed_effects="unit", method="direct").fit()
p = res.params
print(json.dumps({"seconds": time.perf_counter() - start, "x1": p["x1"], "x2": p["x2"], "lambda": p["lambda"],
                  "rho": p["rho"], "loglik": res.loglik}))
"""

NQPF_DYNAMIC = """
import json, sys, time
start = time.perf_counter()
import pandas as pd, nqpf
data = pd.read_csv(sys.argv[1], dtype={"code": str})
w = nqpf.SpatialWeights.from_file(sys.argv[2])
loaded = time.perf_counter()
w.spectrum()
spectrum = time.perf_counter()
res = nqpf.DynamicSpatialPanelModel(data, "y", ["x"], w).fit()
fitted = time.perf_counter()
effects = res.impacts(draws=1000, seed=0)
done = time.perf_counter()
sac = nqpf.SpatialPanelModel(data, "y", ["x"], w, model="sac").fit()
print(json.dumps({"load": loaded - start, "spectrum": spectrum - loaded, "fit": fitted - spectrum,
                  "effects": done - fitted, "sac": time.perf_counter() - done,
                  "params": res.params.to_dict(), "stable": res.stability["stable"]}))
"""

R_SAC = r"""
start <- Sys.time()
suppressMessages({library(spdep); library(spatialreg)})
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1])
nb <- read.gal(args[2], override.id = TRUE)
m <- sacsarlm(y ~ x1 + x2 - 1, data = d, listw = nb2listw(nb, style = "W"), method = "LU")
cat(jsonlite::toJSON(list(seconds = as.numeric(difftime(Sys.time(), start, units = "secs")),
    x1 = unname(coef(m)["x1"]), x2 = unname(coef(m)["x2"]), lambda = unname(m$lambda), rho = unname(m$rho),
    loglik = as.numeric(logLik(m))), auto_unbox = TRUE, digits = NA))
"""


def rook(rows: int, columns: int) -> sp.csr_matrix:
    n = rows * columns
    i, j = [], []
    for r in range(rows):
        for c in range(columns):
            k = r * columns + c
            if r + 1 < rows:
                i += [k, k + columns]
                j += [k + columns, k]
            if c + 1 < columns:
                i += [k, k + 1]
                j += [k + 1, k]
    return sp.csr_matrix((np.ones(len(i)), (i, j)), shape=(n, n))


def sac_panel(raw: sp.csr_matrix, years: int, rng) -> pd.DataFrame:
    """y_t = (I - 0.4 W)^-1 (x1 - 0.5 x2 + mu + (I - 0.3 W)^-1 e_t), W row-standardised."""
    n = raw.shape[0]
    w = sp.diags(1 / np.asarray(raw.sum(axis=1)).ravel()) @ raw
    lag, error = splu(sp.csc_matrix(sp.eye(n) - 0.4 * w)), splu(sp.csc_matrix(sp.eye(n) - 0.3 * w))
    mu = rng.normal(0, 1, n)
    frames = []
    for t in range(years):
        x1, x2 = rng.normal(0, 1, n) + 0.5 * mu, rng.normal(0, 1, n)
        y = lag.solve(x1 - 0.5 * x2 + mu + error.solve(rng.normal(0, 1, n)))
        frames.append(
            pd.DataFrame(
                {"code": [f"U{k:04d}" for k in range(n)], "year": 2011 + t, "y": y, "x1": x1, "x2": x2}
            )
        )
    return pd.concat(frames, ignore_index=True)


def dynamic_panel(raw: sp.csr_matrix, years: int, rng) -> pd.DataFrame:
    """The dynamic SDM of the tests (gamma 0.4, eta -0.1, rho 0.3, beta 1, theta 0.5), 30 years of burn-in."""
    n = raw.shape[0]
    w = sp.diags(1 / np.asarray(raw.sum(axis=1)).ravel()) @ raw
    lag = splu(sp.csc_matrix(sp.eye(n) - 0.3 * w))
    mu = rng.normal(0, 1, n)
    y = np.zeros(n)
    frames = []
    for t in range(30 + years + 1):
        x = rng.normal(0, 1, n) + 0.5 * mu
        y = lag.solve(0.4 * y - 0.1 * (w @ y) + x + 0.5 * (w @ x) + mu + rng.normal() + rng.normal(0, 1, n))
        if t >= 30:
            frames.append(
                pd.DataFrame({"code": [f"U{k:04d}" for k in range(n)], "year": 2000 + t, "y": y, "x": x})
            )
    return pd.concat(frames, ignore_index=True)


def run(command: list[str]) -> dict:
    done = subprocess.run(command, capture_output=True, text=True, cwd=REPO, check=False)
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-3000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    from nqpf.weights import files

    rng = np.random.default_rng(SEED)
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    load = Path("/proc/loadavg").read_text().split()[0] if Path("/proc/loadavg").exists() else "n/a"
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        small = rook(17, 20)
        ids = [f"U{k:04d}" for k in range(small.shape[0])]
        data = sac_panel(small, 12, rng)
        data.to_csv(tmp / "sac.csv", index=False)
        files.write_gal(ids, small, tmp / "sac.gal")
        ours = run([sys.executable, "-c", NQPF_SAC, str(tmp / "sac.csv"), str(tmp / "sac.gal")])
        theirs = None
        if shutil.which("Rscript"):
            # unit effects by the direct method: the within-transformed data stacked with I_T (x) W
            within = data.copy()
            for column in ("y", "x1", "x2"):
                within[column] -= within.groupby("code")[column].transform("mean")
            within[["y", "x1", "x2"]].to_csv(tmp / "within.csv", index=False)
            years = data["year"].nunique()
            stacked = sp.kron(sp.eye(years), small, format="csr")
            files.write_gal([f"{t}_{c}" for t in range(years) for c in ids], stacked, tmp / "stacked.gal")
            theirs = run(["Rscript", "-e", R_SAC, str(tmp / "within.csv"), str(tmp / "stacked.gal")])
        large = rook(53, 54)
        dynamic_panel(large, 15, rng).to_csv(tmp / "dynamic.csv", index=False)
        files.write_gal([f"U{k:04d}" for k in range(large.shape[0])], large, tmp / "dynamic.gal")
        dynamic = run(
            [sys.executable, "-c", NQPF_DYNAMIC, str(tmp / "dynamic.csv"), str(tmp / "dynamic.gal")]
        )
    lines = [
        "# SAC and dynamic spatial panel models",
        "",
        f"Made by `python benchmarks/spatial_panels.py` on {started}; {platform.processor() or platform.machine()}, "
        f"Python {platform.python_version()}; load at the start {load}. Each run in a fresh process, imports "
        "included.",
        "",
        "## SAC, unit fixed effects (direct), 340 units x 12 years",
        "",
        "| contender | seconds | x1 | x2 | lambda | rho | log-likelihood |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, r in (("nqpf", ours), ("R spatialreg sacsarlm (LU, stacked within data)", theirs)):
        if r is not None:
            lines.append(
                f"| {name} | {r['seconds']:.2f} | {r['x1']:.6f} | {r['x2']:.6f} | {r['lambda']:.6f} | {r['rho']:.6f} "
                f"| {r['loglik']:.4f} |"
            )
    if theirs is not None:
        lines += [
            "",
            f"nqpf is {theirs['seconds'] / ours['seconds']:.1f}x faster than R on the same likelihood.",
        ]
    params = ", ".join(f"{k} {v:.4f}" for k, v in dynamic["params"].items())
    lines += [
        "",
        "## Dynamic SDM, two-way effects, 2,862 units x 15 years (after the initial one)",
        "",
        "| step | seconds |",
        "|---|---:|",
        f"| start, imports and reading the data and W | {dynamic['load']:.2f} |",
        f"| eigenvalues of W (once per W, by the weights stage) | {dynamic['spectrum']:.2f} |",
        f"| dynamic SDM, bias-corrected | {dynamic['fit']:.2f} |",
        f"| short- and long-run effects, 1,000 draws | {dynamic['effects']:.2f} |",
        f"| SAC, two-way (Lee-Yu), on the same data | {dynamic['sac']:.2f} |",
        "",
        f"Estimates (truth gamma 0.4, eta -0.1, beta 1, theta 0.5, rho 0.3): {params}; stable: {dynamic['stable']}.",
    ]
    (HERE / "results" / "spatial_panels.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
