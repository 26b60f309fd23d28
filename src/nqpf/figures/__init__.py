"""Figures of a study's results, drawn with matplotlib without a screen: maps in the China Albers equal-area
projection (index maps by year, LISA clusters, weights connectivity), distributions and disparity, Moran
plots, and the coefficients and effects of spatial panel models."""

import matplotlib

matplotlib.use("Agg")

from nqpf.figures.autocorrelation import lisa_cluster_maps, moran_scatter, moran_trend  # noqa: E402
from nqpf.figures.basemap import for_display, mainland_view  # noqa: E402
from nqpf.figures.choropleth import class_breaks, index_maps  # noqa: E402
from nqpf.figures.connectivity import connectivity_map  # noqa: E402
from nqpf.figures.distribution import gini_decomposition, kernel_densities, regional_trend  # noqa: E402
from nqpf.figures.regression import coefficient_plot, effects_plot, weights_colours  # noqa: E402
from nqpf.figures.style import save, use_cjk_font  # noqa: E402

__all__ = [
    "class_breaks",
    "coefficient_plot",
    "connectivity_map",
    "effects_plot",
    "for_display",
    "gini_decomposition",
    "index_maps",
    "kernel_densities",
    "lisa_cluster_maps",
    "mainland_view",
    "moran_scatter",
    "moran_trend",
    "regional_trend",
    "save",
    "use_cjk_font",
    "weights_colours",
]
