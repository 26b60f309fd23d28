"""Stata datasets of a study (nqpf.study.exports): read back by pandas' Stata reader with the same values, labels
and a numeric panel id where the codes allow one; byte-identical reruns; names Stata cannot carry stop."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from nqpf.errors import InputError
from nqpf.study import exports


def frame(codes) -> pd.DataFrame:
    rows = [
        {
            "code": c,
            "name": f"单位{c}",
            "year": y,
            "gdp": 1.5 * i + y / 1000,
            "share": np.nan if i == 1 else 0.5,
        }
        for y in (2020, 2021)
        for i, c in enumerate(codes)
    ]
    return pd.DataFrame(rows)


def test_the_panel_reads_back_with_its_labels_and_id(tmp_path):
    data = frame(["110000", "120000", "130000"])
    path = exports.write_panel(data, tmp_path / "panel.dta", "demo", {"gdp": "地区生产总值", "other": "x"})
    with pd.io.stata.StataReader(path) as reader:
        assert reader.data_label == "demo: panel and indices, one row per unit and year"
        labels = reader.variable_labels()
        back = reader.read()
    assert labels["gdp"] == "地区生产总值" and "other" not in labels
    assert list(back.columns) == ["_ID", *data.columns]
    assert back["_ID"].tolist() == [110000, 120000, 130000] * 2
    assert back["name"].tolist() == data["name"].tolist()  # Chinese text intact
    np.testing.assert_array_equal(back["gdp"].to_numpy(), data["gdp"].to_numpy())
    assert np.isnan(back.loc[1, "share"]) and back.loc[0, "share"] == 0.5
    again = exports.write_panel(data, tmp_path / "again.dta", "demo", {"gdp": "地区生产总值"})
    assert path.read_bytes() == again.read_bytes()  # no time stamp of the run


def test_text_codes_get_no_panel_id(tmp_path):
    path = exports.write_panel(frame(["ES11", "ES12"]), tmp_path / "panel.dta", "iberia")
    assert "_ID" not in pd.read_stata(path).columns
    # leading zeros would be lost in a number: no _ID either
    assert "_ID" not in exports.panel_for_stata(frame(["0101", "0102"])).columns


def test_true_false_columns_become_one_and_zero(tmp_path):
    fit = pd.DataFrame({"model": ["sar", "sem", "ols"], "converged": [True, False, True]})
    fit["at_bound"] = pd.Series([False, True, None], dtype=object)
    back = pd.read_stata(exports.write_dta(fit, tmp_path / "fit.dta", "fit"))
    assert back["converged"].tolist() == [1, 0, 1]
    assert back["at_bound"].tolist()[:2] == [0.0, 1.0] and np.isnan(back["at_bound"].iloc[2])


def test_names_stata_cannot_carry_stop_and_leave_no_file(tmp_path):
    bad = pd.DataFrame({"int": [1.0], "a_very_long_variable_name_over_32_chars": [2.0]})
    with pytest.raises(InputError, match="Stata cannot name") as err:
        exports.write_dta(bad, tmp_path / "bad.dta", "bad")
    assert "int -> _int" in str(err.value) and "a_very_long" in err.value.column
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(InputError, match="over Stata's 80"):
        exports.write_dta(pd.DataFrame({"x": [1.0]}), tmp_path / "x.dta", "x", {"x": "很长" * 41})
    assert list(tmp_path.iterdir()) == []


def test_a_file_written_through_replaced_appears_whole_or_not_at_all(tmp_path):
    import os
    import stat

    from nqpf.io import replaced

    target = tmp_path / "out" / "result.dta"
    with pytest.raises(RuntimeError):
        with replaced(target, ".dta") as temporary:
            Path(temporary).write_bytes(b"half")
            raise RuntimeError("the writer failed")
    assert not target.exists() and list(target.parent.iterdir()) == []
    with replaced(target, ".dta") as temporary:
        Path(temporary).write_bytes(b"whole")
    assert target.read_bytes() == b"whole" and list(target.parent.iterdir()) == [target]
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~mask  # an ordinary file, not owner-only
