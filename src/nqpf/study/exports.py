"""A study's panel and results as Stata datasets (``.dta``, format 118: Stata 14 or later, UTF-8 text), for a
reviewer who re-estimates in Stata (``xtset``, ``spxtregress``, ``xsmle``) or opens the numbers there.

Each file carries a dataset label saying what it holds and, for the panel, the study's variable labels in its
language. Names are kept as they are: a column Stata cannot name (over 32 characters, a reserved word) stops with
the column and the fix, never renamed quietly (pandas would). True/false columns are written as 1/0 (missing where
empty). Files are byte-identical from run to run (the time stamp is fixed).

The panel gets a numeric panel identifier ``_ID`` when the unit codes are positive whole numbers (administrative
codes): the code itself, the id Stata's ``spmatrix import`` reads from the weights export
(``weights/<w>.stata.txt``), so ``xtset _ID year`` and ``spset _ID`` link the two. Text codes get no ``_ID``: the
weights export numbers them in W's order, and ``weights/<w>.stata.ids.csv`` maps those numbers to the codes
(merge it on ``code``).
"""

from __future__ import annotations

import datetime
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from nqpf.errors import InputError
from nqpf.io import replaced

STAMP = datetime.datetime(2000, 1, 1)
"""The time stamp written into every .dta, so that a rerun writes the same bytes."""
VERSION = 118
LABEL_LIMIT = 80  # characters of a dataset or variable label in format 118


def stata_ready(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with true/false columns as 1/0 (missing stays missing); anything else as it is."""
    out = frame.copy()
    for column in out.columns:
        values = out[column]
        if values.dtype == bool:
            out[column] = values.astype("int8")
        elif values.dtype == object:
            present = values.dropna()
            if len(present) and present.map(lambda v: isinstance(v, bool | np.bool_)).all():
                out[column] = values.map(lambda v: np.nan if pd.isna(v) else float(bool(v)))
            elif not len(present):
                out[column] = np.nan
    return out


def write_dta(frame: pd.DataFrame, path, label: str, variable_labels: dict[str, str] | None = None) -> Path:
    """Write ``frame`` to ``path`` as a Stata 118 dataset labelled ``label`` (see the module docstring); the file
    appears only when complete. A column Stata cannot name, or a label over 80 characters, stops with an
    :class:`InputError` naming it."""
    path = Path(path)
    data = stata_ready(frame)
    labels = {k: v for k, v in (variable_labels or {}).items() if k in data.columns}
    for key, text in [("dataset label", label), *labels.items()]:
        if len(text) > LABEL_LIMIT:
            raise InputError(
                f"the Stata label of {key} has {len(text)} characters, over Stata's {LABEL_LIMIT}: {text!r}",
                column=key,
                key="tables.labels",
                fix=f"give {key} a label of at most {LABEL_LIMIT} characters",
            )
    with replaced(path, ".dta") as temporary:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            data.to_stata(
                temporary,
                write_index=False,
                version=VERSION,
                time_stamp=STAMP,
                data_label=label,
                variable_labels=labels,
            )
        renamed = [w for w in caught if type(w.message).__name__ == "InvalidColumnName"]
        if renamed:
            replacements = [
                " ".join(line.split()) for line in str(renamed[0].message).splitlines() if "->" in line
            ]
            raise InputError(
                f"Stata cannot name some columns of {path.name} (at most 32 letters, digits and _, not starting "
                "with a digit, not a reserved word such as int or float); pandas would rename them: "
                + ", ".join(replacements),
                column=", ".join(r.split("->")[0].strip() for r in replacements),
                fix="rename the variables in the study (statistics.files[].variables, derived, indices) so that "
                "Stata can name them",
            )
    return path


def panel_for_stata(panel: pd.DataFrame) -> pd.DataFrame:
    """The panel with ``_ID`` first when its codes are Stata ids (see the module docstring), sorted by year and
    unit as ``xtset`` and the spatial commands expect (time-major, as the panel is)."""
    from nqpf.weights.files import stata_ids

    out = panel.copy()
    codes = out["code"].astype(str)
    if stata_ids(codes.unique()):
        out.insert(0, "_ID", codes.astype("int64"))
    return out


def write_panel(frame: pd.DataFrame, path, study: str, variable_labels: dict[str, str] | None = None) -> Path:
    """The study's analysis frame (its panel with the indices as variables, :func:`nqpf.study.frames.study_frame`)
    as ``panel.dta``: ``_ID`` first when the codes are Stata ids, the study's variable labels (in its language) on
    the variables."""
    label = f"{study}: panel and indices, one row per unit and year"
    return write_dta(panel_for_stata(frame), path, label[:LABEL_LIMIT], variable_labels)


def write_result(csv, path, study: str, name: str) -> Path:
    """A merged result CSV (``models/estimates.csv`` ...) as a dataset labelled with what it holds."""
    frame = pd.read_csv(csv, dtype={"code": str})
    return write_dta(frame, path, f"{study}: {DESCRIPTIONS.get(name, name)}"[:LABEL_LIMIT])


DESCRIPTIONS = {
    "estimates": "model estimates (model, weights, spec, term)",
    "effects": "direct, indirect and total effects",
    "tests": "model tests (LR, Wald, Hausman, LM)",
    "fit": "model fit (rho, lambda, sigma2, log-likelihood)",
}
