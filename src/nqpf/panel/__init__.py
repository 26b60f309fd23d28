"""The study panel: statistics files read (``ingest``), unit labels matched to codes, derived variables
(``formulas``), gaps filled by rule, one tidy table checked and assembled (``assembly``) and its validation
report (``validation``). The functions load when first used, so that reading the settings
(:mod:`nqpf.panel.settings`) stays light."""

from nqpf import lazy

_FUNCTIONS = {
    "PanelResult": "assembly",
    "PanelSpec": "assembly",
    "build": "assembly",
    "check_model_balance": "assembly",
    "study_units": "assembly",
}
__all__ = sorted(_FUNCTIONS)

__getattr__ = lazy.loader(__name__, _FUNCTIONS)
