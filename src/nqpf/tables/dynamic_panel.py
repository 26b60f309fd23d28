"""The table of the dynamic spatial panel model (``dynamic_panel/``, :class:`nqpf.DynamicSpatialPanelModel`) as
papers print a dynamic SDM (动态空间杜宾模型): the bias-corrected coefficients of y(t-1), W y(t-1), the regressors,
their spatial lags and rho beside the QML estimates and the bias removed, then the short- and long-run direct,
indirect and total effects, and the stability of the process."""

from __future__ import annotations

import numpy as np
import pandas as pd

from nqpf.models.settings import POLICY_TERM as TERM
from nqpf.models.settings import spacetime_lag, time_lag
from nqpf.tables import cells
from nqpf.tables.labels import Labels
from nqpf.tables.model import Block, Cell, Row, Table
from nqpf.tables.regression import EFFECTS as KINDS
from nqpf.tables.regression import estimate_rows

MODEL_NAMES = {"sdm": ("SDM", "空间杜宾模型"), "sar": ("SAR", "空间滞后模型")}


def _name(term: str, dependent: str, labels: Labels) -> Cell:
    if term == "rho":
        return labels.symbol("rho")
    if term == time_lag(dependent):
        return Cell(labels.term("dynamic_time_lag", dependent=labels.name(dependent)))
    if term == spacetime_lag(dependent):
        return Cell("W × " + labels.term("dynamic_time_lag", dependent=labels.name(dependent)))
    if term.startswith("W."):
        return Cell("W × " + _name(term[2:], dependent, labels).text)
    if term == TERM:
        return Cell(labels.term("policy_pilot"))
    return Cell(labels.name(term))


def dynamic_panel(
    estimates: pd.DataFrame, effects: pd.DataFrame, fit: pd.DataFrame, labels: Labels, notes=()
) -> Table:
    """Three columns: the coefficients (bias-corrected with standard errors, the QML estimates, the bias
    removed); then the short- and long-run effects of each explanatory variable (direct, indirect, total, each
    with its standard error); then the stability, the fixed effects and the observations."""
    facts = fit.iloc[0]
    dependent = str(facts["dependent"])
    rows: list[Row] = []
    for row in estimates.itertuples():
        corrected = pd.Series({"estimate": row.estimate, "std_error": row.std_error, "z": row.z, "p": row.p})
        pair = estimate_rows(_name(row.term, dependent, labels), [corrected], labels.style)
        places = labels.style.decimals_of([row.estimate])
        rows.append(
            Row(
                pair[0].label,
                (
                    pair[0].cells[0],
                    Cell(cells.number(row.qml, places)),
                    Cell(cells.number(row.qml - row.estimate, places)),
                ),
            )
        )
        rows.append(Row(pair[1].label, (pair[1].cells[0], Cell(""), Cell("")), kind="se"))
    blocks = [Block(tuple(rows))]
    heads = tuple(Cell(labels.term(k)) for k in KINDS)
    variables = list(dict.fromkeys(effects["variable"]))
    for horizon in ("short_run", "long_run"):
        part = effects[effects["horizon"] == horizon]
        effect_rows: list[Row] = []
        for variable in variables:
            found = [part[(part["variable"] == variable) & (part["effect"] == k)] for k in KINDS]
            found = [None if f.empty or not np.isfinite(f["estimate"].iloc[0]) else f.iloc[0] for f in found]
            effect_rows += estimate_rows(_name(variable, dependent, labels), found, labels.style)
        blocks.append(
            Block(
                tuple(effect_rows),
                header=(Cell(labels.term(f"dynamic_{horizon}")), *heads),
            )
        )
    footer = [
        Row(
            Cell(labels.term("dynamic_stability")),
            (
                Cell(f"{cells.number(facts['sum'], 3)} ({cells.number(facts['sum_std_error'], 3)})"),
                Cell(""),
                Cell(""),
            ),
        ),
        Row(
            Cell(labels.term("dynamic_modulus")),
            (Cell(cells.number(facts["max_modulus"], 3)), Cell(""), Cell("")),
        ),
        Row(Cell(labels.term("unit_effects_row")), (Cell(labels.term("yes")), Cell(""), Cell(""))),
        Row(
            Cell(labels.term("time_effects_row")),
            (Cell(labels.term("yes" if facts["fixed_effects"] == "two-way" else "no")), Cell(""), Cell("")),
        ),
        Row(Cell(labels.term("n_units")), (Cell(cells.integer(facts["n_units"])), Cell(""), Cell(""))),
        Row(Cell(labels.term("n_periods")), (Cell(cells.integer(facts["n_periods"])), Cell(""), Cell(""))),
        Row(Cell(labels.term("n_obs")), (Cell(cells.integer(facts["n_obs"])), Cell(""), Cell(""))),
    ]
    blocks.append(Block(tuple(footer)))
    model = str(facts["model"])
    name = MODEL_NAMES.get(model, (model.upper(),) * 2)[labels.language == "zh"]
    table_notes = [*notes, labels.term("dynamic_note", model=name, draws=int(facts["draws"]))]
    if not bool(facts["stable"]):
        table_notes.append(labels.term("dynamic_unstable"))
    table_notes.append(labels.se_note())
    title = "dynamic_title" if model == "sdm" else "dynamic_title_sar"
    return Table(
        "dynamic_panel",
        Cell(
            labels.term(title, dependent=labels.name(dependent), weights=labels.name(str(facts["weights"])))
        ),
        (
            Cell(labels.term("variable")),
            Cell(labels.term("dynamic_corrected")),
            Cell(labels.term("dynamic_qml")),
            Cell(labels.term("dynamic_bias")),
        ),
        tuple(blocks),
        tuple(table_notes),
    )
