"""Plausibility checks of the panel (panel.checks): ranges and identities, reported cell by cell or stopping the
run, and the faults the real province panel in the shared reference data is known to have (its SOURCE.md)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from nqpf import panel
from nqpf.errors import InputError
from nqpf.panel import validation
from nqpf.panel.settings import CheckSettings, PanelSettings, StatisticsSettings, TableSettings
from nqpf.units.regions import PROVINCE_BY_CODE

IDENTITY = {"left": "gdp * 10000", "right": "gdp_per_capita * population", "tolerance": 0.1}


def spec(path, first, last, checks, derived=None, variables=None):
    table = TableSettings(
        layout="wide",
        path=str(path),
        unit="province",
        year="year",
        variables=variables or {"gdp": "gdp", "gdp_per_capita": "gdp_per_capita", "population": "population"},
    )
    return panel.PanelSpec(
        first_year=first,
        last_year=last,
        statistics=StatisticsSettings(files=[table]),
        derived=derived or {},
        rules=PanelSettings(checks=CheckSettings.model_validate(checks)),
    )


@pytest.fixture
def small(tmp_path, province_units):
    """31 provinces in 2019-2020 whose gdp agrees with gdp_per_capita x population, but for three cells."""
    rows = []
    for code in province_units["code"]:
        for year in (2019, 2020):
            population = 1000.0 + int(code[:2])
            per_capita = 50000.0 + year
            rows.append(
                [PROVINCE_BY_CODE[code].short, year, per_capita * population / 1e4, per_capita, population]
            )
    table = pd.DataFrame(rows, columns=["province", "year", "gdp", "gdp_per_capita", "population"])
    table.loc[(table.province == "江苏") & (table.year == 2020), "gdp"] *= 0.5  # 50% off: fails
    table.loc[(table.province == "浙江") & (table.year == 2019), "gdp"] *= 1.05  # 5% off: within 10%
    table.loc[(table.province == "河北") & (table.year == 2019), "population"] = -3.0  # negative: fails twice
    table.loc[(table.province == "西藏") & (table.year == 2020), "gdp"] = np.nan  # missing: not checked
    path = tmp_path / "economy.csv"
    table.to_csv(path, index=False)
    return path


def test_ranges_and_identities_report_every_failing_cell_with_its_source(small, province_units):
    checks = {"ranges": {"population": {"min": 0}}, "identities": {"gdp_identity": IDENTITY}}
    result = panel.build(province_units, spec(small, 2019, 2020, checks))
    cells = result.violations.set_index(["check", "code", "year"])
    assert sorted(cells.index) == [
        ("gdp_identity", "130000", 2019),
        ("gdp_identity", "320000", 2020),
        ("population", "130000", 2019),
    ]
    jiangsu = cells.loc[("gdp_identity", "320000", 2020)]
    assert jiangsu["deviation"] == pytest.approx(-0.5, abs=1e-12)
    assert jiangsu["reference"] == pytest.approx((50000 + 2020) * 1032)
    assert jiangsu["name"] == "江苏省"
    # the row of the file: header is row 1, Jiangsu 2020 is the 2nd Jiangsu line
    row = pd.read_csv(small).reset_index().query("province == '江苏' and year == 2020")["index"].iloc[0] + 2
    assert f"economy.csv row {row} column gdp" in jiangsu["source"]
    negative = cells.loc[("population", "130000", 2019)]
    assert (negative["value"], negative["reference"], negative["deviation"]) == (-3.0, 0.0, -3.0)
    summary = result.checks.set_index("check")
    assert summary.loc["gdp_identity", "checked"] == 61 and summary.loc["gdp_identity", "not_checked"] == 1
    assert summary.loc["population", "checked"] == 62 and summary.loc["population", "violations"] == 1
    text = validation.report(result, study="s", units=province_units, boundary_source="b")
    assert "## Checks (3 cells fail; all listed in checks.csv)" in text
    assert "| population | -3 |" in text


def test_on_violation_error_stops_naming_the_check_the_unit_and_the_fix(small, province_units):
    checks = {"identities": {"gdp_identity": IDENTITY}, "on_violation": "error"}
    with pytest.raises(InputError) as err:
        panel.build(province_units, spec(small, 2019, 2020, checks))
    assert err.value.key == "panel.checks.identities.gdp_identity"
    assert err.value.file.endswith("economy.csv")
    assert "2 cells fail the panel's checks" in err.value.problem
    assert "on_violation: report" in err.value.fix


def test_derived_variables_can_be_checked_and_a_misspelt_variable_stops(small, province_units):
    derived = {"gdp_per_person": "gdp * 10000 / population"}
    checks = {"ranges": {"gdp_per_person": {"min": 0, "max": 1e6}}}
    result = panel.build(province_units, spec(small, 2019, 2020, checks, derived=derived))
    assert list(result.violations["code"]) == ["130000"]  # the negative population gives a negative ratio
    with pytest.raises(InputError) as err:
        panel.build(province_units, spec(small, 2019, 2020, {"ranges": {"populaton": {"min": 0}}}))
    assert (
        err.value.key == "panel.checks.ranges.populaton" and "did you mean 'population'" in err.value.problem
    )
    with pytest.raises(InputError) as err:
        bad = {"identities": {"x": {"left": "gdp * 10000", "right": "gdp_pc * population"}}}
        panel.build(province_units, spec(small, 2019, 2020, bad))
    assert err.value.key == "panel.checks.identities.x.right"


def test_a_range_needs_a_bound_and_a_variable_cannot_be_named_like_a_panel_column(small, province_units):
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="give min, max or both"):
        CheckSettings.model_validate({"ranges": {"gdp": {}}})
    with pytest.raises(ValidationError, match="above max"):
        CheckSettings.model_validate({"ranges": {"gdp": {"min": 2, "max": 1}}})
    variables = {"gdp": "gdp", "gdp_per_capita": "year", "population": "population"}
    with pytest.raises(InputError) as err:
        panel.build(province_units, spec(small, 2019, 2020, {}, variables=variables))
    assert err.value.key == "statistics.files[0].variables.gdp_per_capita"
    with pytest.raises(InputError) as err:
        panel.build(province_units, spec(small, 2019, 2020, {}, derived={"name": "gdp / population"}))
    assert err.value.key == "derived.name"


def test_the_real_province_panel_faults_are_found(reference_data, province_units):
    """SOURCE.md of province_panel: gdp x 10^4 is far from gdp_per_capita x population for 山东, 江苏, 河北 and
    海南 in 2021-2022, and by 26-52% for 内蒙古 2011-2016, 吉林 2014-2015 and 广东 2012-2014. The cells found are
    exactly those a direct computation on the file finds (51 cells), and include every one SOURCE.md names."""
    path = reference_data / "province_panel" / "panel_wide.csv"
    result = panel.build(province_units, spec(path, 2011, 2022, {"identities": {"gdp_identity": IDENTITY}}))
    found = {
        (PROVINCE_BY_CODE[c].short, y)
        for c, y in zip(result.violations.code, result.violations.year, strict=True)
    }
    raw = pd.read_csv(path)
    deviation = (raw.gdp * 1e4 - raw.gdp_per_capita * raw.population) / (
        raw.gdp_per_capita * raw.population
    ).abs()
    expected = {
        (p, y)
        for p, y in zip(raw.province[deviation.abs() > 0.1], raw.year[deviation.abs() > 0.1], strict=True)
    }
    assert found == expected and len(found) == 51
    named = {(p, y) for p in ("山东", "江苏", "河北", "海南") for y in (2021, 2022)}
    # 内蒙古 2013 agrees within 5% in the file itself: SOURCE.md's "2011-2016" is a span with one good year
    named |= {("内蒙古", y) for y in (2011, 2012, 2014, 2015, 2016)} | {("吉林", 2014), ("吉林", 2015)}
    named |= {("广东", y) for y in (2012, 2013, 2014)}
    assert named <= found
    by_cell = result.violations.assign(short=[PROVINCE_BY_CODE[c].short for c in result.violations.code])
    jiangsu = by_cell[(by_cell.short == "江苏") & (by_cell.year == 2022)].iloc[0]
    raw_jiangsu = raw[(raw.province == "江苏") & (raw.year == 2022)].iloc[0]
    assert jiangsu["value"] == pytest.approx(raw_jiangsu.gdp * 1e4, rel=1e-15)
    assert jiangsu["deviation"] < -0.5
