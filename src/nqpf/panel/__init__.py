"""The study panel: statistics files read (``ingest``), unit labels matched to codes, derived variables
(``formulas``), gaps filled by rule, one tidy table checked and assembled (``assembly``) and its validation
report (``validation``). The functions load when first used, so that reading the settings
(:mod:`nqpf.panel.settings`) stays light."""

import importlib

_FUNCTIONS = {
    "PanelResult": "assembly",
    "PanelSpec": "assembly",
    "build": "assembly",
    "check_model_balance": "assembly",
    "study_units": "assembly",
}
__all__ = sorted(_FUNCTIONS)


def __getattr__(name: str):
    if name in _FUNCTIONS:
        return getattr(importlib.import_module(f"nqpf.panel.{_FUNCTIONS[name]}"), name)
    raise AttributeError(f"module 'nqpf.panel' has no attribute {name!r}")
