"""The study panel: matching across files, reports, duplicates, fills, balance and the validation report."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from nqpf import io, panel
from nqpf.errors import InputError
from nqpf.panel import validation
from nqpf.panel.settings import FillRule, PanelSettings, StatisticsSettings, TableSettings


def write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return str(path)


def spec(files, first=2019, last=2020, derived=None, fill=None, require_complete=(), **statistics):
    return panel.PanelSpec(
        first_year=first,
        last_year=last,
        statistics=StatisticsSettings(files=files, **statistics),
        derived=derived or {},
        rules=PanelSettings(
            fill={k: FillRule.model_validate(v) for k, v in (fill or {}).items()},
            require_complete=list(require_complete),
        ),
    )


def short_name_table(tmp_path, provinces, years=(2019, 2020), skip=()):
    """A wide table of all provinces by short name: gdp = code/10000 + year, pop = 100."""
    lines = ["地区,年份,GDP,人口"]
    for p in provinces:
        for year in years:
            if (p.short, year) not in skip:
                lines.append(f"{p.short},{year},{int(p.code) / 10000 + year},100")
    lines.append("全国,2019,1,1")
    return write(tmp_path, "economy.csv", "\n".join(lines) + "\n")


@pytest.fixture
def mainland():
    from nqpf.units.regions import PROVINCES

    return [p for p in PROVINCES if p.region is not None]


def economy_spec(path):
    return TableSettings(
        layout="wide", path=path, unit="地区", year="年份", variables={"GDP": "gdp", "人口": "pop"}
    )


def test_panel_is_time_major_with_every_unit_and_year(tmp_path, province_units, mainland):
    path = short_name_table(tmp_path, mainland)
    result = panel.build(province_units, spec([economy_spec(path)], derived={"gdp_pc": "gdp / pop"}))
    frame = result.panel
    assert list(frame.columns) == ["code", "name", "year", "gdp", "pop", "gdp_pc"]
    assert len(frame) == 62
    assert frame["year"].tolist() == [2019] * 31 + [2020] * 31
    assert frame["code"].tolist()[:31] == sorted(province_units["code"])
    beijing = frame[(frame.code == "110000") & (frame.year == 2020)].iloc[0]
    assert beijing["gdp"] == pytest.approx(11 + 2020) and beijing["name"] == "北京市"
    assert result.notes[0].startswith("skipped 2 records of aggregate rows (全国)")  # its GDP and population
    assert result.dropped["aggregate rows"] == 2
    assert result.gaps.empty and result.filled.empty


def test_gaps_are_explicit_and_reported(tmp_path, province_units, mainland):
    path = short_name_table(tmp_path, mainland, skip={("西藏", 2020)})
    result = panel.build(province_units, spec([economy_spec(path)]))
    assert result.gaps[["variable", "code", "year"]].values.tolist() == [
        ["gdp", "540000", 2020],
        ["pop", "540000", 2020],
    ]
    text = validation.report(result, study="t", units=province_units, boundary_source="test")
    assert "| gdp | 540000 | 西藏自治区 | 2020 |" in text
    assert "complete (balanced) variables: none" in text


def test_all_unmatched_values_are_reported_in_one_error(tmp_path, province_units):
    path = write(tmp_path, "t.csv", "地区,年份,GDP\n北京,2019,1\nHebie,2019,2\n湖比,2019,3\n北京,2020,1\n")
    with pytest.raises(InputError, match="2 unit values match no unit") as err:
        panel.build(
            province_units,
            spec(
                [TableSettings(layout="wide", path=path, unit="地区", year="年份", variables={"GDP": "gdp"})]
            ),
        )
    message = str(err.value)
    assert "'Hebie' in" in message and "row 3" in message and "nearest: 130000 河北省" in message
    assert "'湖比' in" in message and "row 4" in message and "湖北省" in message
    assert "statistics.drop_units" in err.value.fix


def test_a_value_matching_no_unit_is_dropped_when_listed_in_drop_units(tmp_path, province_units, mainland):
    """The unmatched-values error suggests statistics.drop_units: a listed value that matches no unit is left out
    too, with the others it lists, and reported."""
    path = short_name_table(tmp_path, mainland)
    text = Path(path).read_text(encoding="utf-8") + "Atlantis,2019,5,1\nAtlantis,2020,5,1\n"
    Path(path).write_text(text, encoding="utf-8")
    result = panel.build(province_units, spec([economy_spec(path)], drop_units=["Atlantis"]))
    assert result.dropped["statistics.drop_units"] == 4 and result.dropped["unmatched units"] == 0
    assert any("statistics.drop_units: Atlantis" in note for note in result.notes)
    assert "Atlantis" not in set(result.panel["name"])


def test_unmatched_values_can_be_dropped_with_a_report(tmp_path, province_units):
    path = write(tmp_path, "t.csv", "地区,年份,GDP\n北京,2019,1\nAtlantis,2019,2\n")
    result = panel.build(
        province_units,
        spec(
            [TableSettings(layout="wide", path=path, unit="地区", year="年份", variables={"GDP": "gdp"})],
            last=2019,
            unmatched="drop",
        ),
    )
    assert result.dropped["unmatched units"] == 1
    assert any("Atlantis" in note for note in result.notes)
    assert (result.matches["method"] == "unmatched").sum() == 1


def test_duplicates_across_files_name_both_places(tmp_path, province_units):
    a = write(tmp_path, "a.csv", "地区,年份,GDP\n北京,2019,1\n")
    b = write(tmp_path, "b.csv", "code,year,GDP\n110000.0,2019,2\n")
    files = [
        TableSettings(layout="wide", path=a, unit="地区", year="年份", variables={"GDP": "gdp"}),
        TableSettings(layout="wide", path=b, unit="code", year="year", variables={"GDP": "gdp"}),
    ]
    with pytest.raises(InputError, match="1 duplicate") as err:
        panel.build(province_units, spec(files, last=2019))
    message = str(err.value)
    assert "unit 110000, year 2019, variable gdp" in message
    assert "a.csv row 2" in message and "b.csv row 2" in message


def test_fills_are_explicit_and_flagged(tmp_path, province_units, mainland):
    lines = ["地区,年份,x,bs5g"]
    for p in mainland:
        for year, x, bs in ((2017, 1, "—"), (2018, "…", "—"), (2019, 3, 5), (2020, 4, 9)):
            lines.append(f"{p.short},{year},{x},{bs}")
    path = write(tmp_path, "t.csv", "\n".join(lines) + "\n")
    table = TableSettings(
        layout="wide", path=path, unit="地区", year="年份", variables={"x": "x", "bs5g": "bs5g"}
    )
    fill = {"x": {"method": "linear"}, "bs5g": {"method": "constant", "value": 0, "until": 2018}}
    result = panel.build(province_units, spec([table], first=2017, last=2020, fill=fill))
    beijing = result.panel[result.panel.code == "110000"].set_index("year")
    assert beijing.loc[2018, "x"] == pytest.approx(2.0)
    assert beijing.loc[[2017, 2018], "bs5g"].tolist() == [0.0, 0.0]
    assert len(result.filled) == 31 * 3
    assert set(result.filled["method"]) == {"linear", "constant"}
    assert result.gaps.empty


def test_linear_fill_never_extrapolates(tmp_path, province_units):
    path = write(tmp_path, "t.csv", "地区,年份,x\n北京,2018,…\n北京,2019,1\n北京,2020,…\n北京,2021,3\n")
    table = TableSettings(layout="wide", path=path, unit="地区", year="年份", variables={"x": "x"})
    codes = ["110000"]
    result = panel.build(
        province_units, spec([table], first=2018, last=2021, fill={"x": {"method": "linear"}}), codes
    )
    assert np.isnan(result.panel["x"].iloc[0])  # 2018, before the first observation, stays missing
    assert result.panel["x"].tolist()[1:] == [1.0, 2.0, 3.0]


def test_required_balance_stops_with_the_gaps(tmp_path, province_units, mainland):
    path = short_name_table(tmp_path, mainland, skip={("西藏", 2020)})
    with pytest.raises(InputError, match="not balanced") as err:
        panel.build(province_units, spec([economy_spec(path)], require_complete=["gdp"]))
    assert "540000 西藏自治区 2020" in str(err.value)
    assert "panel.fill" in err.value.fix


def test_a_variable_missing_everywhere_is_an_error(tmp_path, province_units):
    path = write(tmp_path, "t.csv", "地区,年份,GDP,R&D\n北京,2019,1,…\n天津,2019,2,\n")
    table = TableSettings(
        layout="wide", path=path, unit="地区", year="年份", variables={"GDP": "gdp", "R&D": "rd"}
    )
    with pytest.raises(InputError, match="without any value") as err:
        panel.build(province_units, spec([table], last=2019))
    assert "rd: " in str(err.value) and "column R&D" in str(err.value)


def test_years_outside_the_study_and_drop_units_are_reported(tmp_path, province_units, mainland):
    path = short_name_table(tmp_path, mainland, years=(2018, 2019, 2020))
    result = panel.build(province_units, spec([economy_spec(path)], drop_units=["西藏"]))
    assert result.dropped["years outside the study"] == 62
    assert result.dropped["statistics.drop_units"] == 4
    assert "540000" not in set(result.panel["code"])  # a dropped unit leaves the study, not a gap in it


def test_study_units_by_province():
    units = pd.DataFrame({"code": ["440100", "440300", "450100", "110100"]})
    assert panel.study_units(units, ["广东", 450000]) == ["440100", "440300", "450100"]
    assert panel.study_units(units, None) == ["110100", "440100", "440300", "450100"]
    with pytest.raises(InputError, match="not provinces"):
        panel.study_units(units, ["Guangdongg"])


def test_csv_output_is_stable(tmp_path, province_units, mainland):
    path = short_name_table(tmp_path, mainland)
    result = panel.build(province_units, spec([economy_spec(path)], derived={"r": "gdp / 3"}))
    io.write_csv(result.panel, tmp_path / "a.csv")
    io.write_csv(result.panel.copy(), tmp_path / "b.csv")
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()
    back = pd.read_csv(tmp_path / "a.csv", dtype={"code": str})
    np.testing.assert_array_equal(back["r"].to_numpy(), result.panel["r"].to_numpy())  # floats round-trip
