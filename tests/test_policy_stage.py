"""The policy stage: the frames nqpf.models.did.evaluate writes (each the frame of the library function it
calls: did, event_study, placebo, spatial_did), the DID and event-study tables made of them in English and
Chinese, and the settings of models.policy."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from pydantic import ValidationError

import nqpf
from nqpf.models import did as did_module
from nqpf.models.settings import ModelsSettings
from nqpf.tables import policy as tables
from nqpf.tables.labels import Labels
from tests.test_did import simulate
from tests.test_dynamic_spatial import rook

LABELS = {"y": {"en": "Digital economy", "zh": "数字经济"}}


@pytest.fixture(scope="module")
def evaluated():
    frame, policy, _, _, _ = simulate(n=30, t=10, cohorts=(2004, 2006), share=0.2, seed=5)
    w = nqpf.SpatialWeights.from_matrix(rook(5, 6), [f"u{i:03d}" for i in range(30)])
    result = did_module.evaluate(
        frame, "y", policy, ["x"], w, leads=2, lags=3, placebo_draws=50, draws=200, seed=3
    )
    return frame, policy, w, result, result.frames()


def test_each_frame_is_the_library_functions(evaluated):
    frame, policy, w, result, frames = evaluated
    assert set(frames) == set(did_module.POLICY_FILES)
    alone = nqpf.did(frame, "y", policy, ["x"])
    assert frames["did"]["estimate"].iloc[0] == pytest.approx(alone.att, rel=1e-12)
    for method in ("twfe", "sun_abraham"):
        study = nqpf.event_study(frame, "y", policy, ["x"], leads=2, lags=3, method=method)
        mine = frames["event_study"][frames["event_study"]["method"] == method].drop(columns="method")
        pd.testing.assert_frame_equal(mine.reset_index(drop=True), study.table, rtol=1e-12)
    assert list(frames["event_att"]["method"]) == ["sun_abraham"]
    test = nqpf.placebo(frame, "y", policy, ["x"], draws=50, seed=3)
    np.testing.assert_allclose(frames["placebo"]["estimate"], test.estimates, rtol=1e-12)
    assert frames["placebo_summary"]["p_randomisation"].iloc[0] == pytest.approx(test.p_value)
    spatial = nqpf.spatial_did(frame, "y", policy, ["x"], w, draws=200, seed=3)
    pd.testing.assert_frame_equal(frames["spatial_effects"], spatial.impacts.table, rtol=1e-12)
    assert list(frames["fit"]["spec"]) == ["did", "twfe", "sun_abraham", "spatial_did"]
    assert frames["fit"].set_index("spec").loc["spatial_did", "model"] == "sdm"


def test_without_w_or_placebo_draws_the_files_are_there_and_empty(evaluated):
    frame, policy, _, _, _ = evaluated
    frames = did_module.evaluate(frame, "y", policy, ["x"], methods=["twfe"], placebo_draws=0).frames()
    assert set(frames) == set(did_module.POLICY_FILES)
    for name in ("placebo", "placebo_summary", "spatial_effects", "spatial_estimates", "event_att"):
        assert frames[name].empty
    assert list(frames["fit"]["spec"]) == ["did", "twfe"]
    table = tables.did_table(frames, "y", Labels("en", LABELS))
    assert len(table.columns) == 2  # the TWFE DID alone


@pytest.mark.parametrize("language", ["en", "zh"])
def test_the_did_and_event_study_tables(evaluated, language):
    _, _, _, result, frames = evaluated
    labels = Labels(language, LABELS)
    table = tables.did_table(frames, "y", labels)
    assert table.name == "policy_did" and len(table.columns) == 4  # variable, TWFE, Sun-Abraham, spatial DID
    first = table.blocks[0].rows[0]
    assert first.cells[0].text == f"{result.did.att:.3f}"
    assert first.cells[1].text == f"{result.event_studies['sun_abraham'].att['estimate'].iloc[0]:.3f}"
    direct = result.spatial.effects.set_index("effect").loc["direct", "estimate"]
    assert table.blocks[1].rows[0].cells[2].text == f"{direct:.3f}"
    assert LABELS["y"][language] in table.title.text
    event = tables.event_study_table(frames, "y", labels)
    periods = [row.label.text for row in event.blocks[0].rows if row.kind == "value"]
    assert periods[0] == "≤ −2" and periods[-1] == "≥ 3"
    assert any(text.startswith("−1 ") for text in periods)  # the reference year, marked
    twfe = result.event_studies["twfe"].table.set_index("period")
    zero = next(row for row in event.blocks[0].rows if row.label.text == "0")
    assert zero.cells[0].text == f"{twfe.loc[0, 'estimate']:.3f}"


def test_policy_settings_resolve_the_outcome_and_controls():
    base = {"dependent": "nqpf", "explanatory": ["x", "z"]}
    models = ModelsSettings.model_validate({**base, "policy": {"first_year": "pilot_year"}})
    assert models.policy_dependent == "nqpf" and models.policy_controls == ["x", "z"]
    assert models.policy.methods == ["twfe", "sun_abraham"] and models.policy.placebo == 500
    models = ModelsSettings.model_validate(
        {**base, "policy": {"first_year": "pilot_year", "dependent": "x", "controls": []}}
    )
    assert models.policy_dependent == "x" and models.policy_controls == []
    with pytest.raises(ValidationError):
        ModelsSettings.model_validate({**base, "policy": {"first_year": "pilot_year", "methods": ["cs"]}})
    with pytest.raises(ValidationError):
        ModelsSettings.model_validate({**base, "policy": {}})


def test_the_policy_of_a_frame_column_is_the_pilot_list(evaluated):
    """The stage reads the pilot years from the units' attribute column of the study frame (text, empty for the
    units never in the pilot): the DID on it is the DID on the mapping."""
    frame, policy, _, _, _ = evaluated
    column = frame["code"].map(lambda code: str(policy[code]) if code in policy else "")
    mapping = did_module.policy_of(frame.assign(pilot_year=column.replace("", np.nan)), "pilot_year")
    assert len(mapping) == frame["code"].nunique()
    assert {c: v for c, v in mapping.items() if v is not None} == policy
    assert all(v is None for c, v in mapping.items() if c not in policy)
    assert nqpf.did(frame, "y", mapping, ["x"]).att == pytest.approx(nqpf.did(frame, "y", policy, ["x"]).att)
    np.testing.assert_array_equal(
        did_module.treatment(frame, mapping), (frame["year"] >= frame["code"].map(policy)).astype(float)
    )


def test_a_pilot_year_that_is_not_a_year_names_the_unit_the_column_and_the_file(evaluated):
    frame, policy, _, _, _ = evaluated
    column = frame["code"].map(lambda code: "2004年" if code == "u000" else str(policy.get(code, "")))
    with pytest.raises(nqpf.InputError) as caught:
        did_module.policy_of(frame.assign(pilot_year=column), "pilot_year", source="results/s/data/units.csv")
    err = caught.value
    assert err.unit == "u000" and err.column == "pilot_year" and err.file == "results/s/data/units.csv"
    assert "'2004年', not a year" in str(err) and "units.attributes" in err.fix
