"""Balancing a model's panel by dropping units (models.balance: drop_units): the estimates equal those on the
hand-made balanced subpanel with W restricted and row-standardised again by hand, every dropped unit is reported
with its cells, and balance: error still stops naming the unit, the year and the variable, with drop_units among
the fixes."""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd
import pytest

from nqpf.errors import InputError
from nqpf.models import specifications
from nqpf.models.settings import ModelsSettings
from nqpf.models.spatial_panel import SpatialPanelModel
from nqpf.panel.assembly import check_model_balance
from nqpf.study import frames
from nqpf.tables import regression
from nqpf.tables.labels import Labels
from nqpf.weights.core import SpatialWeights
from tests.test_model_methods import panel_frame  # noqa: F401  (a fixture)

# unit index -> (variable, year) cells taken out of the panel; unit 30 also loses its whole 2004 row
GAPS = {5: [("x1", 2001)], 17: [("y", 2003), ("y", 2004)], 30: [("x2", 2002)]}
MISSING_ROW = (30, 2004)


def with_gaps(w, frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    frame["name"] = [f"unit {code}" for code in frame["code"]]
    for unit, cells in GAPS.items():
        for variable, year in cells:
            frame.loc[(frame["code"] == w.ids[unit]) & (frame["year"] == year), variable] = np.nan
    unit, year = MISSING_ROW
    return frame[~((frame["code"] == w.ids[unit]) & (frame["year"] == year))].reset_index(drop=True)


def settings_of(balance: str, **more) -> ModelsSettings:
    return ModelsSettings.model_validate(
        {"dependent": "y", "explanatory": ["x1", "x2"], "balance": balance, "effects": {"draws": 200}, **more}
    )


def hand_made(w, frame: pd.DataFrame):
    """The balanced subpanel and W restricted to its units and row-standardised again, by hand."""
    keep = [k for k in range(len(w.ids)) if k not in GAPS]
    ids = [w.ids[k] for k in keep]
    raw = w.raw.toarray()[np.ix_(keep, keep)]
    assert (raw.sum(axis=1) > 0).all()  # no unit of the subpanel loses all its neighbours
    hand_w = SpatialWeights.from_matrix(
        raw / raw.sum(axis=1, keepdims=True), ids, standardise="none", name=w.name
    )
    return frame[frame["code"].isin(ids)], hand_w


@pytest.mark.parametrize("model", ["sdm", "sem", "sar"])
def test_drop_units_equals_the_balanced_subpanel_with_w_restricted_by_hand(panel_frame, model, caplog):  # noqa: F811
    w, frame, units, years = panel_frame
    gappy = with_gaps(w, frame)
    with caplog.at_level(logging.WARNING, logger="nqpf"):
        result = specifications.analyse(model, gappy, years, w, units, settings_of("drop_units"))
    balanced, hand_w = hand_made(w, frame)
    hand = specifications.analyse(model, balanced, years, hand_w, units, settings_of("error"))
    for table in ("estimates", "effects"):
        got, want = getattr(result, table), getattr(hand, table)
        pd.testing.assert_frame_equal(got[["spec", *want.columns[1:3]]], want[["spec", *want.columns[1:3]]])
        numbers = [c for c in want.columns if want[c].dtype.kind == "f"]
        np.testing.assert_allclose(got[numbers], want[numbers], rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(result.tests["statistic"], hand.tests["statistic"], rtol=1e-6)
    main = next(r for r in result.fit["specs"] if r["spec"] == "main")
    assert main["n_units"] == len(w.ids) - len(GAPS)
    # every dropped unit reported with the variable-years that made it drop
    cells = pd.DataFrame(result.fit["dropped_units"])
    expected = {(w.ids[u], v, y) for u, c in GAPS.items() for v, y in c}
    expected |= {(w.ids[MISSING_ROW[0]], v, MISSING_ROW[1]) for v in ("y", "x1", "x2")}
    assert set(zip(cells["code"], cells["variable"], cells["year"], strict=True)) == expected
    assert cells.loc[cells["code"] == w.ids[5], "name"].iloc[0] == f"unit {w.ids[5]}"
    note = next(n for n in result.fit["notes"] if n.startswith("balance: 3 units dropped for gaps"))
    assert f"{w.ids[17]} unit {w.ids[17]} (y 2003, 2004)" in note and "x2 2002, 2004" in note
    assert any(
        r.levelno == logging.WARNING and "3 units dropped for gaps" in r.getMessage() for r in caplog.records
    )


def test_heterogeneity_groups_leave_the_dropped_units_out(panel_frame):  # noqa: F811
    w, frame, units, years = panel_frame
    settings = settings_of("drop_units", heterogeneity={"by": "zone"}, random_effects=False)
    result = specifications.analyse("sar", with_gaps(w, frame), years, w, units, settings)
    sizes = {r["spec"]: r["n_units"] for r in result.fit["specs"]}
    north = sum(1 for k in range(25) if k not in GAPS)
    assert sizes == {"main": len(w.ids) - len(GAPS), "north": north, "south": len(w.ids) - len(GAPS) - north}


def test_a_unit_left_without_neighbours_is_linked_as_for_heterogeneity(panel_frame):  # noqa: F811
    w, frame, _, years = panel_frame
    raw = w.raw.toarray()
    lonely = int(np.flatnonzero(raw.sum(axis=1) == raw.sum(axis=1).min())[0])
    drop = np.flatnonzero(raw[lonely])  # every neighbour of one unit loses a value
    gappy = frame.copy()
    gappy.loc[gappy["code"].isin([w.ids[k] for k in drop]) & (gappy["year"] == 2001), "x1"] = np.nan
    model = SpatialPanelModel(gappy, "y", ["x1", "x2"], w, model="sar", balance="drop_units")
    assert set(model.dropped["code"]) == {w.ids[k] for k in drop}
    assert any(f"{w.ids[lonely]} has no neighbour in the subsample; linked to" in n for n in model.notes)
    sums = np.asarray(model.operator.w.sum(axis=1)).ravel()
    np.testing.assert_allclose(sums, 1.0)


def test_balance_error_names_the_unit_year_and_variable_and_offers_drop_units(panel_frame):  # noqa: F811
    w, frame, units, years = panel_frame
    with pytest.raises(InputError) as err:
        specifications.analyse("sar", with_gaps(w, frame), years, w, units, settings_of("error"))
    text = str(err.value)
    assert "the model needs a balanced panel" in text
    assert f"unit {w.ids[5]} unit {w.ids[5]}, year 2001: no value of x1" in text
    assert "models.balance: drop_units" in err.value.fix


def test_too_few_units_left_stop_with_the_key(panel_frame):  # noqa: F811
    w, frame, units, years = panel_frame
    gappy = frame.copy()
    gappy.loc[gappy["code"].isin(w.ids[2:]) & (gappy["year"] == 2003), "y"] = np.nan
    with pytest.raises(InputError, match="leaves 2 of 49 units") as err:
        specifications.analyse("sar", gappy, years, w, units, settings_of("drop_units"))
    assert err.value.key == "models.balance"


def test_the_balance_check_stops_or_notes_from_the_panels_gaps():
    """check_model_balance reads the panel's table of gaps (data/gaps.csv, as the model jobs read it): a gap in a
    model variable stops naming its file, row, unit and column, unless the models drop its unit."""
    gaps = pd.DataFrame(
        {
            "variable": ["investment", "output", "other"],
            "code": ["540000"] * 3,
            "name": ["西藏"] * 3,
            "year": [2021] * 3,
            "file": ["data/stats.csv", "data/stats.csv", "data/stats.csv"],
            "row": ["none for 2021", "12", "12"],
            "column": ["investment", "产出", "其他"],
            "where": ["no row for it in data/stats.csv", "data/stats.csv row 12, column 产出: '…'", "-"],
        }
    )
    with pytest.raises(InputError) as err:
        check_model_balance(gaps, ["output", "investment"], (2019, 2021), False, dependent="output")
    assert err.value.problem.startswith("the models need a balanced panel, but 2 cells of their variables")
    assert "the first investment of unit 540000 西藏 in 2021" in err.value.problem
    assert (err.value.file, err.value.row, err.value.column) == (
        "data/stats.csv",
        "none for 2021",
        "investment",
    )
    assert err.value.key == "models.explanatory"
    assert "unit 540000 西藏, year 2021, output: data/stats.csv row 12, column 产出: '…'" in err.value.details
    assert "models.balance: drop_units" in err.value.fix
    (note,) = check_model_balance(gaps, ["output", "investment"], (2019, 2021), True, dependent="output")
    assert note.startswith("1 units have gaps in the models' variables in 2019-2021 (2 cells")
    assert note.endswith("leaves them out of the models: 540000 西藏")
    # outside the models' years or variables a gap does not matter
    assert check_model_balance(gaps, ["output", "investment"], (2019, 2020), False) == []
    assert check_model_balance(gaps, ["x"], (2019, 2021), False) == []


def test_the_regression_tables_name_the_dropped_units():
    dropped = pd.DataFrame(
        {
            "code": ["110000", "110000", "540000"],
            "name": ["北京", "北京", "西藏"],
            "variable": ["y", "y", "x"],
            "year": [2015, 2016, 2020],
        }
    )
    empty = pd.DataFrame(columns=["model", "weights", "spec"])
    results = regression.Results(empty, empty, empty, empty, dropped)
    labels = Labels("en", {"y": {"en": "NQPF"}})
    assert regression.dropped_notes(results, labels) == [
        "2 units dropped for gaps: 110000 北京 (NQPF 2015, 2016), 540000 西藏 (x 2020); the models are estimated on "
        "the other units, W restricted to them and standardised again."
    ]
    none = regression.Results(empty, empty, empty, empty, dropped.iloc[:0])
    assert regression.dropped_notes(none, labels) == []


def test_an_index_with_a_gap_drops_its_unit_in_the_model_job(panel_frame, tmp_path):  # noqa: F811
    """An index value is missing where an indicator is: the model job reads the index with the panel (as
    frames.study_frame does) and drops that unit like any other with a gap."""
    w, frame, units, years = panel_frame
    panel = frame[["code", "year", "x1", "x2"]].assign(name=lambda f: "unit " + f["code"])
    panel[["code", "name", "year", "x1", "x2"]].to_csv(tmp_path / "panel.csv", index=False)
    index = frame[["code", "year", "y"]].rename(columns={"y": "index"})
    index.loc[(index["code"] == w.ids[8]) & (index["year"] == 2002), "index"] = np.nan
    index.to_csv(tmp_path / "potential.csv", index=False)
    study_frame = frames.study_frame(tmp_path / "panel.csv", [tmp_path / "potential.csv"])
    settings = ModelsSettings.model_validate(
        {
            "dependent": "potential",
            "explanatory": ["x1", "x2"],
            "balance": "drop_units",
            "random_effects": False,
        }
    )
    result = specifications.analyse("sar", study_frame, years, w, units, settings)
    assert result.fit["dropped_units"] == [
        {"code": w.ids[8], "name": f"unit {w.ids[8]}", "variable": "potential", "year": 2002}
    ]
    assert result.fit["specs"][0]["n_units"] == len(w.ids) - 1
    with pytest.raises(InputError, match="no value of potential"):
        specifications.analyse(
            "sar", study_frame, years, w, units, settings.model_copy(update={"balance": "error"})
        )
