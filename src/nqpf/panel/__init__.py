"""The study panel: statistics files read (``ingest``), unit labels matched to codes, derived variables
(``formulas``), gaps filled by rule, one tidy table checked and assembled (``assembly``) and its validation
report (``validation``)."""

from nqpf.panel.assembly import PanelResult, PanelSpec, build, study_units

__all__ = ["PanelResult", "PanelSpec", "build", "study_units"]
