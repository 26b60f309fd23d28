"""Exploratory spatial data analysis: global Moran's I, Geary's C and General G, local Moran (LISA) and Gi* with
conditional permutation inference, clusters of significant units matched to named regions.

For one cross-section: ``moran(x, w)``, ``geary``, ``getis_ord``, ``local_moran``, ``gi_star``,
``bivariate_moran`` (:mod:`nqpf.esda.cross_section`); for one variable of a panel, year by year, as the workflow
runs it: ``analyse(frame, variable, w, years, settings, names)`` (:mod:`nqpf.esda.by_year`). Centrography of a
weighted point pattern, as ArcGIS's Mean Center and Directional Distribution give it: ``mean_centre``,
``standard_deviational_ellipse`` and the gravity centre's track by year, ``centre_track``
(:mod:`nqpf.esda.centrography`). The functions load when first used, so that reading the settings
(:mod:`nqpf.esda.settings`) stays light."""

from nqpf import lazy

_FUNCTIONS = {
    "moran": "cross_section",
    "geary": "cross_section",
    "getis_ord": "cross_section",
    "local_moran": "cross_section",
    "gi_star": "cross_section",
    "bivariate_moran": "cross_section",
    "GlobalStatistic": "cross_section",
    "LocalStatistic": "cross_section",
    "analyse": "by_year",
    "EsdaSettings": "settings",
    "mean_centre": "centrography",
    "standard_deviational_ellipse": "centrography",
    "StandardDeviationalEllipse": "centrography",
    "centre_track": "centrography",
}
__all__ = sorted(_FUNCTIONS)

__getattr__ = lazy.loader(__name__, _FUNCTIONS)
