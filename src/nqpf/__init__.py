"""nqpf: spatial econometrics of China's new quality productive forces (新质生产力).

The library behind the nqpf Snakemake workflow, one package per stage: ``units`` (codes, names, boundaries),
``panel`` (statistics read, matched and checked), ``indices`` and ``disparity``, ``weights``, ``esda``, ``models``,
``drivers`` (the geographical detector), ``dynamics`` (Markov chains), ``tables`` and ``figures``, with ``study``
for what only the workflow needs. It never imports Snakemake.

From Python::

    import nqpf
    w = nqpf.SpatialWeights.from_file("w.gal")
    res = nqpf.SpatialPanelModel(df, dependent="y", explanatory=["x1", "x2"], w=w, model="sdm").fit()
    print(res.summary)
    res.impacts(draws=1000, seed=0)
    nqpf.compare({"queen": res, "distance": other})
    nqpf.esda.moran(x, w, permutations=9999, seed=0)

The names load when first used, so that a workflow job imports only the stages it needs.
"""

import importlib

__version__ = "0.1.0"

_API = {
    "SpatialWeights": "nqpf.weights.core",
    "SpatialPanelModel": "nqpf.models.spatial_panel",
    "SpatialPanelResults": "nqpf.models.spatial_panel",
    "Impacts": "nqpf.models.spatial_panel",
    "DynamicSpatialPanelModel": "nqpf.models.dynamic",
    "spatial_beta": "nqpf.models.convergence",
    "PanelRegression": "nqpf.models.baseline",
    "PanelThreshold": "nqpf.models.threshold",
    "mediation": "nqpf.models.mechanisms",
    "moderation": "nqpf.models.mechanisms",
    "quadratic": "nqpf.models.mechanisms",
    "did": "nqpf.models.did",
    "event_study": "nqpf.models.did",
    "placebo": "nqpf.models.did",
    "spatial_did": "nqpf.models.did",
    "spillover_boundary": "nqpf.models.boundary",
    "compare": "nqpf.tables.comparison",
    "Comparison": "nqpf.tables.comparison",
    "InputError": "nqpf.errors",
}
_PACKAGES = (
    "disparity",
    "drivers",
    "dynamics",
    "esda",
    "figures",
    "indices",
    "models",
    "panel",
    "study",
    "tables",
    "units",
    "weights",
)
__all__ = sorted([*_API, *_PACKAGES, "__version__"])


def __getattr__(name: str):
    if name in _API:
        return getattr(importlib.import_module(_API[name]), name)
    if name in _PACKAGES:
        return importlib.import_module(f"nqpf.{name}")
    raise AttributeError(f"module 'nqpf' has no attribute {name!r}")


def __dir__():
    return __all__
