"""Drivers of spatial differentiation: the geographical detector (Wang et al. 2010; Wang and Xu 2017), whose
factor, interaction, risk and ecological detectors measure how much of a response's spatial variation the strata
of each factor explain, with the discretisation of continuous factors and its optimal parameters (Song et al.
2020). The functions load when first used; ``geodetector`` and ``discretise`` are imported at once, since their
modules bear their names and would stand in their place once loaded."""

from nqpf import lazy
from nqpf.drivers.discretise import discretise as discretise  # re-exported
from nqpf.drivers.geodetector import geodetector as geodetector  # re-exported

_FUNCTIONS = {
    "GeoDetectorResults": "geodetector",
    "FactorResult": "geodetector",
    "InteractionResult": "geodetector",
    "RiskResult": "geodetector",
    "EcologicalResult": "geodetector",
    "q_statistic": "geodetector",
    "factor_detector": "geodetector",
    "interaction_detector": "geodetector",
    "interaction_type": "geodetector",
    "risk_detector": "geodetector",
    "ecological_detector": "geodetector",
    "INTERACTION_TYPES": "geodetector",
    "Discretisation": "discretise",
    "OptimalDiscretisation": "discretise",
    "breaks": "discretise",
    "fisher_jenks": "discretise",
    "optimal_discretisation": "discretise",
}
__all__ = sorted([*_FUNCTIONS, "discretise", "geodetector"])

__getattr__ = lazy.loader(__name__, _FUNCTIONS)
