"""Matching names and codes to boundary units: every province in three forms, codes, crosswalk, repeats."""

import pytest

from nqpf.units import crosswalk
from nqpf.units.matching import Match, UnitMatcher, Unmatched
from nqpf.units.regions import PROVINCES

MAINLAND = [p for p in PROVINCES if p.region is not None]


@pytest.fixture(scope="module")
def provinces(province_units):
    return UnitMatcher(province_units)


@pytest.fixture(scope="module")
def prefectures(prefecture_units):
    return UnitMatcher(prefecture_units)


@pytest.fixture(scope="module")
def counties(county_units):
    return UnitMatcher(county_units)


@pytest.mark.parametrize("province", MAINLAND, ids=[p.name_en for p in MAINLAND])
def test_every_province_in_short_official_and_english_form(provinces, province):
    for form, method in (
        (province.short, "short name"),
        (province.name, "official name"),
        (province.name_en, "English name"),
    ):
        result = provinces.match(form)
        assert isinstance(result, Match), (form, result)
        assert result.code == province.code and result.method == method


@pytest.mark.parametrize(
    "value, code",
    [
        ("Inner Mongolia", "150000"),
        ("Nei Mongol", "150000"),
        ("Guangxi Zhuang Autonomous Region", "450000"),
        ("Tibet", "540000"),
        ("Xizang", "540000"),
        ("Shanxi", "140000"),
        ("Shaanxi", "610000"),
        ("Shandong (province)", "370000"),
        ("北   京", "110000"),
        ("山 西", "140000"),
        ("ＢＥＩＪＩＮＧ", "110000"),
    ],
)
def test_other_forms_of_province_names(provinces, value, code):
    assert provinces.match(value).code == code


@pytest.mark.parametrize("value", ["110000", "110000.0", 110000.0, 110000, "1.1e+05"])
def test_codes_stored_as_numbers(provinces, value):
    result = provinces.match(value)
    assert result.code == "110000"


def test_municipalities_between_province_and_prefecture_level(provinces, prefectures):
    for province, prefecture in (
        ("110000", "110100"),
        ("120000", "120100"),
        ("310000", "310100"),
        ("500000", "500100"),
    ):
        down = prefectures.match(province)
        assert (down.code, down.method) == (prefecture, "crosswalk: municipality")
        up = provinces.match(prefecture)
        assert (up.code, up.method) == (province, "crosswalk: municipality")
    assert prefectures.match("北京市").code == "110100"
    assert prefectures.match("重庆").code == "500100"


@pytest.mark.parametrize(
    "old, new",
    [
        ("652100", "650400"),
        ("652200", "650500"),
        ("542400", "540600"),
        ("522400", "520500"),
        ("469003", "460400"),
        ("652100.0", "650400"),
    ],
)
def test_recoded_prefectures_map_to_their_current_code(prefectures, old, new):
    result = prefectures.match(old)
    assert result.code == new and result.method == "crosswalk: recoded"
    assert "MCA" in result.note


@pytest.mark.parametrize(
    "old_name, code",
    [
        ("襄樊", "420600"),
        ("襄樊市", "420600"),
        ("吐鲁番地区", "650400"),
        ("思茅", "530800"),
        ("伊克昭盟", "150600"),
        ("Xiangfan", "420600"),
    ],
)
def test_former_names(prefectures, old_name, code):
    result = prefectures.match(old_name)
    assert result.code == code


@pytest.mark.parametrize(
    "value, absorbed_by",
    [("371200", "370100"), ("莱芜市", "370100"), ("Laiwu(city)", "370100"), ("341400", "340100")],
)
def test_merged_and_abolished_units_are_never_matched(prefectures, value, absorbed_by):
    result = prefectures.match(value)
    assert isinstance(result, Unmatched)
    assert "cannot stand for" in result.reason
    assert any(c.startswith(absorbed_by) for c in result.candidates)


def test_short_and_autonomous_prefecture_names(prefectures):
    assert prefectures.match("延边州").code == "222400"
    assert prefectures.match("延边").code == "222400"
    assert prefectures.match("吉林").code == "220200"  # the city, at prefecture level
    assert prefectures.match("Tacheng Prefecture").code == "654200"


def test_repeated_county_names_need_a_parent(counties):
    result = counties.match("朝阳区")
    assert isinstance(result, Unmatched)
    assert "parent" in result.reason
    assert any("110105" in c for c in result.candidates) and any("220104" in c for c in result.candidates)
    assert counties.match("朝阳区", parent="北京").code == "110105"
    assert counties.match("朝阳区", parent="吉林省").code == "220104"
    assert counties.match("朝阳区", parent="220000").code == "220104"
    # Two 鼓楼区 in Jiangsu: the province is not enough, the prefecture code is.
    assert isinstance(counties.match("鼓楼区", parent="江苏"), Unmatched)
    assert counties.match("鼓楼区", parent="320300").code == "320302"


def test_unmatched_values_come_with_nearest_candidates(provinces, prefectures):
    typo = provinces.match("Hebie")
    assert isinstance(typo, Unmatched) and typo.candidates[0].startswith("130000")
    unknown_code = prefectures.match("429000")
    assert isinstance(unknown_code, Unmatched)
    assert all(c.startswith("42") for c in unknown_code.candidates)
    assert isinstance(provinces.match("全国"), Unmatched)


def test_crosswalk_rows_are_well_formed(prefecture_units):
    codes = set(prefecture_units["code"])
    rows = crosswalk.changes()
    assert len(rows) >= 60
    for row in rows:
        assert len(row.old_code) == 6 and row.old_code.isdigit()
        assert len(row.new_codes) == len(row.new_names)
        if row.change != "renamed":
            assert row.old_code not in codes or row.change == "municipality", row
        # every target of a change is a current prefecture-level unit
        assert all(code in codes for code in row.new_codes), row
