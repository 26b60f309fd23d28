"""The analysis frame of a study: its panel, its indices as variables, and the units' attributes.

Every stage after the indices (disparity, ESDA, models) analyses variables of this frame, whether read from the
statistics, derived, or built as an index (``<index>`` and ``<index>_<dimension>``).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from nqpf.errors import InputError
from nqpf.indices import with_indices

UNIT_COLUMNS = ("region", "province_code", "prefecture_code")


def study_frame(panel_path, index_paths=(), units_path=None) -> pd.DataFrame:
    """Panel rows (time-major) with the indices of ``index_paths`` (named by their file stems) and the units'
    region and province (and prefecture) codes."""
    panel = pd.read_csv(panel_path, dtype={"code": str})
    built = {Path(p).name.removesuffix(".csv"): pd.read_csv(p, dtype={"code": str}) for p in index_paths}
    frame = with_indices(panel, built)
    if units_path is not None:
        units = pd.read_csv(units_path, dtype={c: str for c in ("code", *UNIT_COLUMNS)})
        keep = ["code", *[c for c in UNIT_COLUMNS if c in units.columns]]
        frame = frame.merge(units[keep], on="code", how="left", validate="many_to_one")
    return frame


def require(frame: pd.DataFrame, variables, where: str) -> None:
    """Stop with a clear message when a configured variable is not in the frame."""
    unknown = [v for v in variables if v not in frame.columns]
    if unknown:
        raise InputError(
            f"{where} names unknown variables: {', '.join(unknown)}",
            column=where,
            fix="name panel variables (read or derived) or indices of the study; available: "
            + ", ".join(c for c in frame.columns if c not in ("code", "name", "year")),
        )
