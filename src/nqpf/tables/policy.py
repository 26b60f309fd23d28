"""Tables of the policy evaluation (``policy/``, :func:`nqpf.models.did.evaluate`) as quasi-natural-experiment
papers print them: the DID estimates (双重差分估计结果) of the two-way fixed-effects DID, Sun and Abraham's
estimator and the spatial DID with the pilot's direct and spillover effects, and the event study of the
parallel-trends check (平行趋势检验)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from nqpf.models.settings import POLICY_TERM as TERM
from nqpf.tables import cells
from nqpf.tables.labels import Labels
from nqpf.tables.model import Block, Cell, Row, Table
from nqpf.tables.regression import EFFECTS as KINDS
from nqpf.tables.regression import estimate_rows

MODEL_NAMES = {"sdm": ("SDM", "空间杜宾模型"), "sar": ("SAR", "空间滞后模型")}


def _row(frame: pd.DataFrame, key: str, value) -> pd.Series | None:
    if frame is None or frame.empty or key not in frame:
        return None
    hit = frame[frame[key] == value]
    return None if hit.empty else hit.iloc[0]


def _as_estimate(row: pd.Series | None) -> pd.Series | None:
    """A result row with estimate, std_error, z and p (a DID's t read as z for the parentheses)."""
    if row is None:
        return None
    z = row["z"] if "z" in row else row.get("t", np.nan)
    return pd.Series({"estimate": row["estimate"], "std_error": row["std_error"], "z": z, "p": row["p"]})


def _pretrend(pretrend: pd.DataFrame, method: str) -> Cell:
    row = _row(pretrend, "method", method)
    if row is None or not np.isfinite(row["f"]):
        return Cell("")
    return Cell(f"{cells.number(row['f'], 3)} ({cells.number(row['p'], 3)})")


def did_table(frames: dict[str, pd.DataFrame], dependent: str, labels: Labels, notes=()) -> Table:
    """The DID estimates: (1) the two-way fixed-effects DID, (2) Sun and Abraham's ATT (when estimated), (3) the
    spatial DID (when estimated): its coefficients of D and W × D and rho, then the direct, indirect and total
    effects of the pilot; below, the fixed effects, controls, observations, the pilot's units and batches, the
    negative weights of the TWFE DID, the joint test of the leads and the placebo test's randomisation p."""
    did, fit = frames["did"].iloc[0], frames["fit"].set_index("spec")
    att = _row(frames["event_att"], "method", "sun_abraham")
    spatial = frames["spatial_estimates"]
    effects = frames["spatial_effects"]
    has_spatial = not spatial.empty
    model = str(fit.loc["spatial_did", "model"]) if has_spatial and "model" in fit.columns else "sdm"
    model_name = MODEL_NAMES.get(model, (model.upper(),) * 2)[labels.language == "zh"]
    heads = [labels.term("policy_twfe")]
    if att is not None:
        heads.append(labels.term("policy_sun_abraham"))
    if has_spatial:
        heads.append(labels.term("policy_spatial", model=model_name))
    width = len(heads)
    spatial_column = width - 1 if has_spatial else None

    def spread(values: dict[int, pd.Series | None]) -> list[pd.Series | None]:
        return [values.get(k) for k in range(width)]

    rows = estimate_rows(
        Cell(labels.term("policy_pilot")),
        spread(
            {
                0: _as_estimate(did),
                **({1: _as_estimate(att)} if att is not None else {}),
                **({spatial_column: _as_estimate(_row(spatial, "term", TERM))} if has_spatial else {}),
            }
        ),
        labels.style,
    )
    if has_spatial:
        lagged = _row(spatial, "term", f"W.{TERM}")
        if lagged is not None:
            rows += estimate_rows(
                Cell(labels.term("policy_w_pilot")),
                spread({spatial_column: _as_estimate(lagged)}),
                labels.style,
            )
        rows += estimate_rows(
            labels.symbol("rho"),
            spread({spatial_column: _as_estimate(_row(spatial, "term", "rho"))}),
            labels.style,
        )
    blocks = [Block(tuple(rows))]
    if has_spatial:
        pilot = effects[effects["variable"] == TERM]
        effect_rows = []
        for kind in KINDS:
            effect_rows += estimate_rows(
                Cell(labels.term(kind)),
                spread({spatial_column: _as_estimate(_row(pilot, "effect", kind))}),
                labels.style,
            )
        blocks.append(Block(tuple(effect_rows), title=Cell(labels.term("policy_effects_of_pilot"))))
    yes = Cell(labels.term("yes"))
    n_obs = [fit.loc[TERM, "n_obs"]]
    if att is not None:
        n_obs.append(fit.loc["sun_abraham", "n_obs"] if "sun_abraham" in fit.index else np.nan)
    if has_spatial:
        n_obs.append(fit.loc["spatial_did", "n_obs"])
    footer = [
        Row(Cell(labels.term("unit_effects_row")), (yes,) * width),
        Row(Cell(labels.term("time_effects_row")), (yes,) * width),
        Row(Cell(labels.term("policy_controls")), (yes,) * width),
        Row(
            Cell(labels.term("n_obs")), tuple(Cell(cells.integer(v) if np.isfinite(v) else "") for v in n_obs)
        ),
        Row(
            Cell(labels.term("policy_pilots")),
            (Cell(f"{int(did['n_treated'])} ({int(did['n_cohorts'])})"), *(Cell(""),) * (width - 1)),
        ),
        Row(
            Cell(labels.term("policy_never")),
            (Cell(cells.integer(did["n_never_treated"])), *(Cell(""),) * (width - 1)),
        ),
    ]
    if bool(did["staggered"]):
        footer.append(
            Row(
                Cell(labels.term("policy_negative_weights")),
                (Cell(cells.integer(did["negative_weights"])), *(Cell(""),) * (width - 1)),
            )
        )
    pretrend = frames["pretrend"]
    if not pretrend.empty:
        cells_ = [_pretrend(pretrend, "twfe")]
        if att is not None:
            cells_.append(_pretrend(pretrend, "sun_abraham"))
        cells_ += [Cell("")] * (width - len(cells_))
        footer.append(Row(Cell(labels.term("policy_pretrend")), tuple(cells_)))
    summary = frames["placebo_summary"]
    if not summary.empty:
        row = summary.iloc[0]
        footer.append(
            Row(
                Cell(labels.term("policy_placebo", draws=int(row["draws"]))),
                (Cell(cells.number(row["p_randomisation"], 3)), *(Cell(""),) * (width - 1)),
            )
        )
    blocks.append(Block(tuple(footer)))
    table_notes = [*notes, labels.term("policy_note_twfe")]
    if att is not None:
        table_notes.append(labels.term("policy_note_sun_abraham"))
    if has_spatial:
        table_notes.append(labels.term("policy_note_spatial", model=model_name))
    table_notes.append(labels.se_note())
    return Table(
        "policy_did",
        Cell(labels.term("policy_did_title", dependent=labels.name(dependent))),
        (Cell(labels.term("variable")), *(Cell(f"({k + 1}) {h}") for k, h in enumerate(heads))),
        tuple(blocks),
        tuple(table_notes),
    )


def event_study_table(frames: dict[str, pd.DataFrame], dependent: str, labels: Labels, notes=()) -> Table:
    """The event study: a row per year relative to the pilot (the end years binned, the reference year marked),
    a column per estimator, then the joint test of the leads and the observations."""
    table, pretrend, fit = frames["event_study"], frames["pretrend"], frames["fit"].set_index("spec")
    methods = list(dict.fromkeys(table["method"]))
    periods = sorted({int(p) for p in table["period"]})
    binned = bool(fit.loc[methods[0], "bin_ends"]) if "bin_ends" in fit.columns else False
    reference = int(fit.loc[methods[0], "reference"]) if "reference" in fit.columns else -1
    rows: list[Row] = []
    for period in periods:
        text = str(period).replace("-", "−")
        if binned and period == periods[0]:
            text = labels.term("policy_at_most", period=text)
        elif binned and period == periods[-1]:
            text = labels.term("policy_at_least", period=text)
        if period == reference:
            rows.append(
                Row(Cell(f"{text} {labels.term('policy_reference')}"), tuple(Cell("0") for _ in methods))
            )
            continue
        found = [_as_estimate(_row(table[table["method"] == m], "period", period)) for m in methods]
        rows += estimate_rows(Cell(text), found, labels.style)
    footer = [
        Row(Cell(labels.term("policy_pretrend")), tuple(_pretrend(pretrend, m) for m in methods)),
        Row(Cell(labels.term("unit_effects_row")), tuple(Cell(labels.term("yes")) for _ in methods)),
        Row(Cell(labels.term("time_effects_row")), tuple(Cell(labels.term("yes")) for _ in methods)),
        Row(
            Cell(labels.term("n_obs")),
            tuple(Cell(cells.integer(fit.loc[m, "n_obs"])) for m in methods),
        ),
    ]
    heads = [
        labels.term(f"policy_{m}") if m == "sun_abraham" else labels.term("policy_plot_twfe") for m in methods
    ]
    return Table(
        "policy_event_study",
        Cell(labels.term("policy_event_title", dependent=labels.name(dependent))),
        (Cell(labels.term("policy_relative")), *(Cell(f"({k + 1}) {h}") for k, h in enumerate(heads))),
        (Block(tuple(rows)), Block(tuple(footer))),
        (*notes, labels.term("policy_note_event"), labels.se_note()),
    )
