"""Regional disparity: regional means and gaps, the Dagum Gini and Theil decompositions, dispersion, and sigma
and beta convergence."""

from nqpf.disparity.dagum import dagum_gini
from nqpf.disparity.regional import (
    analyse,
    coefficient_of_variation,
    growth_multiples,
    regional_means,
    study_tables,
)
from nqpf.disparity.settings import DisparitySettings
from nqpf.disparity.theil import theil

__all__ = [
    "DisparitySettings",
    "analyse",
    "coefficient_of_variation",
    "dagum_gini",
    "growth_multiples",
    "regional_means",
    "study_tables",
    "theil",
]
