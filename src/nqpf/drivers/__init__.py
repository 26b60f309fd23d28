"""Drivers of spatial differentiation: the geographical detector (Wang et al. 2010; Wang and Xu 2017), whose
factor, interaction, risk and ecological detectors measure how much of a response's spatial variation the strata
of each factor explain, with the discretisation of continuous factors and its optimal parameters (Song et al.
2020); ``detect_by_year`` runs them as the study's stage does. The functions load when first used, so that reading
the settings (:mod:`nqpf.drivers.settings`) stays light."""

from nqpf import lazy

_FUNCTIONS = {
    "geodetector": "detectors",
    "detect_by_year": "detectors",
    "discretise": "discretisation",
    "GeodetectorSettings": "settings",
    "GeoDetectorResults": "detectors",
    "FactorResult": "detectors",
    "InteractionResult": "detectors",
    "RiskResult": "detectors",
    "EcologicalResult": "detectors",
    "q_statistic": "detectors",
    "factor_detector": "detectors",
    "interaction_detector": "detectors",
    "interaction_type": "detectors",
    "risk_detector": "detectors",
    "ecological_detector": "detectors",
    "INTERACTION_TYPES": "detectors",
    "Discretisation": "discretisation",
    "OptimalDiscretisation": "discretisation",
    "breaks": "discretisation",
    "fisher_jenks": "discretisation",
    "optimal_discretisation": "discretisation",
}
__all__ = sorted(_FUNCTIONS)

__getattr__ = lazy.loader(__name__, _FUNCTIONS)
