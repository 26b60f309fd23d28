"""Regional disparity: regional means and gaps, the Dagum Gini and Theil decompositions, dispersion, kernel
densities, sigma and beta convergence (spatial and club beta convergence, which estimate spatial models, are
:mod:`nqpf.models.convergence`). The functions load when first used, so that reading the settings
(:mod:`nqpf.disparity.settings`) stays light; ``theil`` is imported at once, since its module bears its name and
would stand in its place once loaded."""

from nqpf import lazy
from nqpf.disparity.theil import theil as theil  # re-exported

_FUNCTIONS = {
    "DisparitySettings": "settings",
    "SpatialConvergenceSettings": "settings",
    "analyse": "regional",
    "coefficient_of_variation": "regional",
    "dagum_gini": "dagum",
    "gaussian_density": "kernel",
    "growth_multiples": "regional",
    "regional_means": "regional",
    "scott_bandwidth": "kernel",
    "study_tables": "regional",
}
__all__ = sorted([*_FUNCTIONS, "theil"])

__getattr__ = lazy.loader(__name__, _FUNCTIONS)
