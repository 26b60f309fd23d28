"""Provinces, NBS regions and the forms of unit names."""

import pytest

from nqpf.units.names import english_name, pinyin, short_forms, strip_suffix
from nqpf.units.regions import PROVINCES, REGIONS, region_of

# 国家统计局《东西中部和东北地区划分方法》(2011)
NBS_REGIONS = {
    "East": ["北京", "天津", "河北", "上海", "江苏", "浙江", "福建", "山东", "广东", "海南"],
    "Central": ["山西", "安徽", "江西", "河南", "湖北", "湖南"],
    "West": [
        "内蒙古",
        "广西",
        "重庆",
        "四川",
        "贵州",
        "云南",
        "西藏",
        "陕西",
        "甘肃",
        "青海",
        "宁夏",
        "新疆",
    ],
    "Northeast": ["辽宁", "吉林", "黑龙江"],
}


def test_the_31_mainland_provinces_fall_in_the_four_nbs_regions():
    mainland = [p for p in PROVINCES if p.region is not None]
    assert len(mainland) == 31
    by_short = {p.short: p.region for p in mainland}
    for region, provinces in NBS_REGIONS.items():
        assert sorted(k for k, v in by_short.items() if v == region) == sorted(provinces)
    assert set(by_short.values()) == set(REGIONS)


def test_taiwan_hong_kong_macau_have_no_region():
    assert {p.code for p in PROVINCES if p.region is None} == {"710000", "810000", "820000"}


@pytest.mark.parametrize(
    "code, region",
    [("110105", "East"), ("460400", "East"), ("150100", "West"), ("230100", "Northeast"), ("999999", None)],
)
def test_region_of_any_code_comes_from_its_province(code, region):
    assert region_of(code) == region


@pytest.mark.parametrize(
    "name, stem, suffix",
    [
        ("北京市", "北京", "市"),
        ("延边朝鲜族自治州", "延边", "自治州"),
        ("黔西南布依族苗族自治州", "黔西南", "自治州"),
        ("伊犁哈萨克自治州", "伊犁", "自治州"),
        ("内蒙古自治区", "内蒙古", "自治区"),
        ("大兴安岭地区", "大兴安岭", "地区"),
        ("阿拉善盟", "阿拉善", "盟"),
        ("互助土族自治县", "互助", "自治县"),
        ("神农架林区", "神农架", "林区"),
    ],
)
def test_strip_suffix(name, stem, suffix):
    assert strip_suffix(name) == (stem, suffix)


def test_short_forms_of_autonomous_prefectures():
    assert short_forms("延边朝鲜族自治州") == ["延边州", "延边"]
    assert short_forms("北京市") == ["北京"]


@pytest.mark.parametrize(
    "text, expected",
    [("西安", "xi'an"), ("六安", "lu'an"), ("朝阳", "chaoyang"), ("重庆", "chongqing"), ("三都", "sandu")],
)
def test_place_name_pinyin(text, expected):
    assert pinyin(text) == expected


def test_english_names_keep_the_unit_type():
    assert english_name("广州市") == "Guangzhou"
    assert english_name("朝阳区") == "Chaoyang District"
    assert english_name("阿坝藏族羌族自治州") == "Aba Autonomous Prefecture"
