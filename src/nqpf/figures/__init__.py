"""Figures of a study's results, drawn with matplotlib without a screen: maps in the units' equal-area
projection or a study's own (index maps by year, LISA clusters, weights connectivity; maps of China as its
standard base maps draw the country, :mod:`nqpf.figures.basemap`), distributions and
disparity, Moran plots, and the coefficients and effects of spatial panel models. What the maps of a set of units
draw whatever the data is their display geometry (:mod:`nqpf.figures.display`), made once and reused.

The drawing functions are loaded when first used, so that reading the figures' settings
(:mod:`nqpf.figures.settings`) does not import the plotting stack. Figures are written to files and closed; the
workflow's jobs draw with matplotlib's Agg backend (MPLBACKEND=Agg, set by the Snakefile), a notebook keeps
its own."""

from nqpf import lazy

_FUNCTIONS = {
    "lisa_cluster_maps": "autocorrelation",
    "moran_scatter": "autocorrelation",
    "moran_trend": "autocorrelation",
    "china_context": "basemap",
    "for_display": "basemap",
    "frame_map": "basemap",
    "mainland_view": "basemap",
    "connectivity_map": "connectivity",
    "ellipse_map": "centrography",
    "geodetector_figure": "drivers",
    "DisplayGeometry": "display",
    "kernel_surface": "dynamics",
    "markov_heatmaps": "dynamics",
    "display_geometry": "display",
    "gini_decomposition": "distribution",
    "kernel_densities": "distribution",
    "regional_trend": "distribution",
    "class_breaks": "choropleth",
    "fisher_jenks": "choropleth",
    "index_maps": "choropleth",
    "coefficient_plot": "estimates",
    "effects_plot": "estimates",
    "lr_plot": "threshold",
    "marginal_plot": "mechanisms",
    "event_study_plot": "policy",
    "placebo_plot": "policy",
    "boundary_plot": "boundary",
    "weights_colours": "estimates",
    "save": "style",
    "use_cjk_font": "style",
}
__all__ = sorted(_FUNCTIONS)

__getattr__ = lazy.loader(__name__, _FUNCTIONS)
