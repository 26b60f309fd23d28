"""Region sets beyond the NBS four regions (three belts, eight zones, the Yangtze belt and Yellow River reaches,
urban agglomerations) and unit attributes from a user's table: membership checked against the policy documents
one name at a time, their reach into the disparity decomposition, heterogeneity and tables, and the errors."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from nqpf.disparity import study_tables
from nqpf.disparity.settings import DisparitySettings
from nqpf.errors import InputError
from nqpf.models.settings import ModelsSettings
from nqpf.study import configuration, frames
from nqpf.study.settings import StudySettings
from nqpf.tables.gini import dagum_gini as gini_table
from nqpf.tables.labels import Labels
from nqpf.units import region_sets
from nqpf.units.named_regions import DEFAULTS as NAMED_REGIONS
from nqpf.units.settings import AttributeTable
from tests.test_configuration import demo

# -- the documents, written out by name (short yearbook forms), independently of region_sets.csv --------------------

MAINLAND = (
    "北京 天津 河北 山西 内蒙古 辽宁 吉林 黑龙江 上海 江苏 浙江 安徽 福建 江西 山东 河南 湖北 湖南 广东 广西 海南 "
    "重庆 四川 贵州 云南 西藏 陕西 甘肃 青海 宁夏 新疆"
).split()

DOCUMENTS = {
    # 七五计划 (1986) as adjusted by 国发〔2000〕33号 (Western Development scope: + 内蒙古, 广西; 重庆 1997; 海南 1988)
    "three_belts": {
        "East": "北京 天津 河北 辽宁 上海 江苏 浙江 福建 山东 广东 海南",
        "Central": "山西 吉林 黑龙江 安徽 江西 河南 湖北 湖南",
        "West": "内蒙古 广西 重庆 四川 贵州 云南 西藏 陕西 甘肃 青海 宁夏 新疆",
    },
    # 国务院发展研究中心 (2005)
    "eight_zones": {
        "Northeast": "辽宁 吉林 黑龙江",
        "North Coast": "北京 天津 河北 山东",
        "East Coast": "上海 江苏 浙江",
        "South Coast": "福建 广东 海南",
        "Middle Yellow River": "陕西 山西 河南 内蒙古",
        "Middle Yangtze": "湖北 湖南 江西 安徽",
        "Southwest": "云南 贵州 四川 重庆 广西",
        "Northwest": "甘肃 青海 宁夏 西藏 新疆",
    },
    # 长江经济带发展规划纲要 (2016)
    "yangtze_belt": {
        "Upper reaches": "重庆 四川 贵州 云南",
        "Middle reaches": "江西 湖北 湖南",
        "Lower reaches": "上海 江苏 浙江 安徽",
    },
    # 黄河流域生态保护和高质量发展规划纲要 (2021), reaches by province as shipped
    "yellow_river": {
        "Upper reaches": "青海 四川 甘肃 宁夏 内蒙古",
        "Middle reaches": "山西 陕西",
        "Lower reaches": "河南 山东",
    },
}
SIZES = {
    "three_belts": {"East": 11, "Central": 8, "West": 12},
    "eight_zones": {
        "Northeast": 3,
        "North Coast": 4,
        "East Coast": 3,
        "South Coast": 3,
        "Middle Yellow River": 4,
        "Middle Yangtze": 4,
        "Southwest": 5,
        "Northwest": 5,
    },
    "yangtze_belt": {"Upper reaches": 4, "Middle reaches": 3, "Lower reaches": 4, "outside": 20},
    "yellow_river": {"Upper reaches": 5, "Middle reaches": 2, "Lower reaches": 2, "outside": 22},
}
# each agglomeration's cities as its plan names them: (province, city) with the prefecture's full name
AGGLOMERATIONS = {
    "Beijing-Tianjin-Hebei": [("北京", "北京市"), ("天津", "天津市")]
    + [("河北", c + "市") for c in "石家庄 唐山 秦皇岛 邯郸 邢台 保定 张家口 承德 沧州 廊坊 衡水".split()],
    "Yangtze River Delta": [("上海", "上海市")]
    + [("江苏", c + "市") for c in "南京 无锡 常州 苏州 南通 扬州 镇江 盐城 泰州".split()]
    + [("浙江", c + "市") for c in "杭州 宁波 温州 湖州 嘉兴 绍兴 金华 舟山 台州".split()]
    + [("安徽", c + "市") for c in "合肥 芜湖 马鞍山 铜陵 安庆 滁州 池州 宣城".split()],
    "Pearl River Delta": [("广东", c + "市") for c in "广州 深圳 珠海 佛山 江门 肇庆 惠州 东莞 中山".split()],
    "Chengdu-Chongqing": [("重庆", "重庆市")]
    + [
        ("四川", c + "市")
        for c in "成都 自贡 泸州 德阳 绵阳 遂宁 内江 乐山 南充 眉山 宜宾 广安 达州 雅安 资阳".split()
    ],
    "Middle Yangtze River": [
        ("湖北", c + "市") for c in "武汉 黄石 鄂州 黄冈 孝感 咸宁 仙桃 潜江 天门 襄阳 宜昌 荆州 荆门".split()
    ]
    + [("湖南", c + "市") for c in "长沙 株洲 湘潭 岳阳 益阳 常德 衡阳 娄底".split()]
    + [("江西", c + "市") for c in "南昌 九江 景德镇 鹰潭 新余 宜春 萍乡 上饶 抚州 吉安".split()],
}


@pytest.fixture(scope="module")
def provinces(province_units):
    return province_units.assign(
        short=[n.removesuffix("市").removesuffix("省") for n in province_units["name"]]
    )


def _code_of_province(provinces, short: str) -> str:
    (code,) = provinces.loc[provinces["name"].str.startswith(short), "code"]
    return code


@pytest.mark.parametrize("name", list(DOCUMENTS))
def test_province_sets_match_their_documents_name_by_name(name, provinces):
    attached = region_sets.attach(provinces[["code", "name", "province_code", "region"]], [name])
    assert len(attached) == 31  # the 31 mainland provinces of the boundaries
    group = attached.set_index("code")[name]
    for expected, members in DOCUMENTS[name].items():
        for short in members.split():
            assert group[_code_of_province(provinces, short)] == expected, (name, short)
    assert attached[name].value_counts().to_dict() == SIZES[name]
    listed = [s for members in DOCUMENTS[name].values() for s in members.split()]
    assert len(listed) == len(set(listed))  # a province in one group only
    if region_sets.sets()[name].complete:
        assert sorted(listed) == sorted(MAINLAND)
        assert attached[name].notna().all() and region_sets.OUTSIDE not in set(attached[name])


def test_three_belts_differ_from_the_nbs_regions_by_the_northeast_only(provinces):
    attached = region_sets.attach(provinces, ["three_belts"]).set_index("name")
    moved = attached[attached["region"] != attached["three_belts"]]
    assert dict(zip(moved.index, moved["three_belts"], strict=True)) == {
        "辽宁省": "East",
        "吉林省": "Central",
        "黑龙江省": "Central",
    }


def test_urban_agglomerations_match_their_plans_city_by_city(prefecture_units):
    codes = {}
    by_name = prefecture_units.set_index(["province_code", "name"])["code"]
    for group, cities in AGGLOMERATIONS.items():
        for province, city in cities:
            province_code = next(p.code for p in region_sets.PROVINCE_BY_CODE.values() if p.short == province)
            if city in ("仙桃市", "潜江市", "天门市"):  # county-level cities the province administers
                codes[{"仙桃市": "429004", "潜江市": "429005", "天门市": "429006"}[city]] = group
            else:
                codes[by_name[(province_code, city)]] = group
    members = region_sets.sets()["urban_agglomerations"].members
    assert members == codes
    sizes = pd.Series(list(members.values())).value_counts().to_dict()
    assert sizes == {
        "Beijing-Tianjin-Hebei": 13,
        "Yangtze River Delta": 27,
        "Pearl River Delta": 9,
        "Chengdu-Chongqing": 16,
        "Middle Yangtze River": 31,
    }
    # the Yangtze River Delta is the same 27 central-area cities as the named region of the hot-spot matching
    yrd = next(r for r in NAMED_REGIONS if r.name == "Yangtze River Delta")
    assert sorted(c for c, g in members.items() if g == "Yangtze River Delta") == sorted(yrd.prefectures)
    partial = region_sets.sets()["urban_agglomerations"].partial
    assert partial == {"500100", "510700", "511700", "511800", "361000", "360800"}


def test_prefecture_and_county_units_take_their_province_or_prefecture_group(prefecture_units, county_units):
    pref = region_sets.attach(prefecture_units).set_index("code")
    county = region_sets.attach(county_units).set_index("code")
    for name in ("three_belts", "eight_zones", "yangtze_belt", "yellow_river"):
        province_group = region_sets.sets()[name].members
        expected = pref["province_code"].map(province_group).fillna(region_sets.OUTSIDE)
        assert (pref[name] == expected).all()
        expected = county["province_code"].map(province_group).fillna(region_sets.OUTSIDE)
        assert (county[name] == expected).all()
    # named units, checked by hand
    assert pref.loc["420100", "eight_zones"] == "Middle Yangtze"  # 武汉市
    assert pref.loc["210200", "three_belts"] == "East"  # 大连市 (Liaoning: East belt, NBS Northeast)
    assert county.loc["510104", "yellow_river"] == "Upper reaches"  # 锦江区, 成都 (Sichuan)
    assert county.loc["440104", "yangtze_belt"] == "outside"  # 越秀区, 广州
    ua = "urban_agglomerations"
    assert pref.loc["440300", ua] == "Pearl River Delta"  # 深圳
    assert pref.loc["445100", ua] == "outside"  # 潮州
    assert county.loc["440304", ua] == "Pearl River Delta"  # 福田区, 深圳
    assert county.loc["420102", ua] == "Middle Yangtze River"  # 江岸区, 武汉
    assert county.loc["429004", ua] == "Middle Yangtze River"  # 仙桃市, by its own code
    assert county.loc["429021", ua] == "outside"  # 神农架林区
    assert county.loc["110101", ua] == "Beijing-Tianjin-Hebei"  # 东城区: Beijing's one prefecture-level unit
    assert county.loc["500229", ua] == "Chengdu-Chongqing"  # 城口县 counted in with Chongqing (documented)
    in_ua = county[county[ua] != "outside"]
    assert (
        in_ua["prefecture_code"]
        .fillna(pd.Series(in_ua.index, index=in_ua.index))
        .isin(region_sets.sets()[ua].members)
        .all()
    )
    provinces = region_sets.attach(prefecture_units.head(0))  # no units, every column
    assert set(region_sets.SET_NAMES) <= set(provinces.columns)


def test_province_units_have_no_urban_agglomeration(province_units):
    assert region_sets.attach(province_units)["urban_agglomerations"].isna().all()


def test_units_outside_the_mainland_have_no_group():
    units = pd.DataFrame({"code": ["710000", "810000", "A01"], "name": ["台湾省", "香港", "zone"]})
    attached = region_sets.attach(units)
    assert attached[list(region_sets.SET_NAMES)].isna().all().all()


# -- disparity by a region set ---------------------------------------------------------------------------------


def _dagum_by_hand(y: np.ndarray, g: np.ndarray) -> dict:
    """Dagum (1997) from its definitions with explicit double sums (no sorting, no shortcut for D_jh)."""
    n, mu = len(y), y.mean()
    names = sorted(set(g))
    part = {j: y[g == j] for j in names}
    mean = {j: part[j].mean() for j in names}
    p = {j: len(part[j]) / n for j in names}
    s = {j: len(part[j]) * mean[j] / (n * mu) for j in names}
    total = sum(abs(a - b) for a in y for b in y) / (2 * n**2 * mu)
    within = {
        j: sum(abs(a - b) for a in part[j] for b in part[j]) / (2 * len(part[j]) ** 2 * mean[j])
        for j in names
    }
    g_w = sum(within[j] * p[j] * s[j] for j in names)
    g_nb = g_t = 0.0
    between = {}
    for j, h in itertools.combinations(names, 2):
        if mean[j] < mean[h]:
            j, h = h, j
        pairs = len(part[j]) * len(part[h])
        gjh = sum(abs(a - b) for a in part[j] for b in part[h]) / (pairs * (mean[j] + mean[h]))
        d = sum(max(a - b, 0.0) for a in part[j] for b in part[h]) / pairs
        pp = sum(max(b - a, 0.0) for a in part[j] for b in part[h]) / pairs
        big_d = (d - pp) / (d + pp)
        between[frozenset((j, h))] = gjh
        g_nb += gjh * (p[j] * s[h] + p[h] * s[j]) * big_d
        g_t += gjh * (p[j] * s[h] + p[h] * s[j]) * (1 - big_d)
    return {"G": total, "G_w": g_w, "G_nb": g_nb, "G_t": g_t, "within": within, "between": between}


@pytest.fixture(scope="module")
def belt_frame(tmp_path_factory, province_units):
    folder = tmp_path_factory.mktemp("belts")
    rng = np.random.default_rng(7)
    codes = province_units["code"].tolist()
    years = [2020, 2021]
    panel = pd.DataFrame(
        {
            "code": codes * len(years),
            "name": province_units["name"].tolist() * len(years),
            "year": np.repeat(years, len(codes)),
            "y": rng.lognormal(0.0, 0.5, len(codes) * len(years)).round(6),
        }
    )
    panel.to_csv(folder / "panel.csv", index=False)
    region_sets.attach(province_units).to_csv(folder / "units.csv", index=False)
    return frames.study_frame(folder / "panel.csv", (), folder / "units.csv")


def test_dagum_gini_by_three_belts_equals_the_definitions(belt_frame):
    settings = DisparitySettings(variables=["y"], groups="three_belts", convergence=False)
    tables = study_tables(belt_frame, settings)
    overall = tables["dagum_gini"].set_index("year")
    within = tables["dagum_gini_within"]
    between = tables["dagum_gini_between"]
    for year, data in belt_frame.groupby("year"):
        expected = _dagum_by_hand(data["y"].to_numpy(), data["three_belts"].to_numpy())
        for key in ("G", "G_w", "G_nb", "G_t"):
            np.testing.assert_allclose(overall.loc[year, key], expected[key], rtol=1e-12)
        got = within[within["year"] == year].set_index("region")["G_jj"].to_dict()
        assert got.keys() == expected["within"].keys()
        for group, value in expected["within"].items():
            np.testing.assert_allclose(got[group], value, rtol=1e-12)
        got_between = {
            frozenset((r.region_a, r.region_b)): r.G_jh for r in between[between["year"] == year].itertuples()
        }
        assert got_between.keys() == expected["between"].keys()
        for pair, value in expected["between"].items():
            np.testing.assert_allclose(got_between[pair], value, rtol=1e-12)
    # the groups reach the decomposition in their source's order, with their sizes
    dispersion = tables["dispersion"]
    sizes = dispersion[(dispersion["year"] == 2020) & (dispersion["region"] != "National")]
    assert sizes["region"].tolist() == ["East", "Central", "West"]
    assert sizes["n"].tolist() == [11, 8, 12]


def test_the_gini_table_names_the_groups_in_the_tables_language(belt_frame):
    tables = study_tables(
        belt_frame, DisparitySettings(variables=["y"], groups="eight_zones", convergence=False)
    )
    args = ("y", tables["dagum_gini"], tables["dagum_gini_within"], tables["dagum_gini_between"])
    zh = [c.text for c in gini_table(*args, Labels("zh")).columns]
    assert zh[2:10] == ["东北", "北部沿海", "东部沿海", "南部沿海", "黄河中游", "长江中游", "西南", "大西北"]
    en = [c.text for c in gini_table(*args, Labels("en")).columns]
    assert en[2:10] == list(SIZES["eight_zones"])
    assert Labels("zh").name("outside") == "其他地区" and Labels("en").name("outside") == "Outside"
    assert Labels("zh").name("Upper reaches") == "上游" and Labels("zh").name("Chengdu-Chongqing") == "成渝"


def test_a_yangtze_belt_decomposition_keeps_outside_as_a_group(belt_frame):
    tables = study_tables(
        belt_frame, DisparitySettings(variables=["y"], groups="yangtze_belt", convergence=False)
    )
    groups = tables["dispersion"].query("year == 2020 and region != 'National'")
    assert dict(zip(groups["region"], groups["n"], strict=True)) == {
        "Upper reaches": 4,
        "Middle reaches": 3,
        "Lower reaches": 4,
        "outside": 20,
    }


def test_kernel_figure_draws_a_region_set(belt_frame, tmp_path):
    from nqpf import figures

    path = tmp_path / "kernel.png"
    figures.kernel_densities(belt_frame, "y", "three_belts", ["West", "East", "Central"], [2020], path)
    assert path.stat().st_size > 0


# -- heterogeneity by a region set -----------------------------------------------------------------------------


def test_heterogeneity_by_a_region_set_groups_its_own_groups():
    settings = ModelsSettings(dependent="y", explanatory=["x"], heterogeneity={"by": "yangtze_belt"})
    assert settings.groups == {g: (g,) for g in ("Upper reaches", "Middle reaches", "Lower reaches")}
    settings = ModelsSettings(
        dependent="y",
        explanatory=["x"],
        heterogeneity={
            "by": "yangtze_belt",
            "groups": {"belt": ["Upper reaches", "Lower reaches"], "rest": ["outside"]},
        },
    )
    assert settings.groups == {"belt": ("Upper reaches", "Lower reaches"), "rest": ("outside",)}


# -- user attribute tables -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def guangdong(prefecture_units):
    return prefecture_units[prefecture_units["province_code"] == "440000"].reset_index(drop=True)


def _table(folder, rows, name="city_types.csv"):
    path = folder / name
    pd.DataFrame(rows, columns=["city", "资源型城市", "规模"]).to_csv(path, index=False)
    return str(path)


def _spec(path, **more):
    return AttributeTable(
        path=path, id_field="city", columns={"资源型城市": "resource_based", "规模": "size_class"}, **more
    )


def _rows(guangdong):
    # codes for some units, names (short and full) for others, as a spreadsheet mixes them
    rows = []
    for i, unit in enumerate(guangdong.itertuples()):
        ident = unit.code if i % 3 == 0 else (unit.name if i % 3 == 1 else unit.name.removesuffix("市"))
        rows.append([ident, "yes" if unit.code == "440200" else "no", "large" if i < 5 else "small"])
    return rows


def test_an_attribute_table_joins_by_code_and_name(guangdong, prefecture_units, tmp_path):
    rows = _rows(guangdong)
    path = _table(tmp_path, rows)
    units = region_sets.attach(guangdong, attributes=[_spec(path)], known=prefecture_units)
    assert len(units) == 21
    indexed = units.set_index("code")
    assert indexed.loc["440200", "resource_based"] == "yes"  # 韶关市 (listed resource-based city)
    assert (indexed.drop(index="440200")["resource_based"] == "no").all()
    assert indexed["size_class"].tolist() == ["large"] * 5 + ["small"] * 16
    assert units["three_belts"].eq("East").all() and units["urban_agglomerations"].notna().all()


def test_a_unit_given_twice_stops_with_both_rows(guangdong, tmp_path):
    rows = _rows(guangdong) + [["韶关", "yes", "small"]]
    path = _table(tmp_path, rows)
    with pytest.raises(InputError) as err:
        region_sets.attach(guangdong, attributes=[_spec(path)])
    e = err.value
    assert e.file == path and e.row == 23 and e.column == "city" and e.unit == "440200"
    assert "rows 3 and 23" in e.problem and e.fix


def test_an_unknown_unit_name_stops_with_the_nearest(guangdong, tmp_path):
    rows = _rows(guangdong)
    rows[4][0] = "韶光市"
    path = _table(tmp_path, rows)
    with pytest.raises(InputError) as err:
        region_sets.attach(guangdong, attributes=[_spec(path)])
    e = err.value
    assert e.file == path and e.row == 6 and e.column == "city"
    assert "韶光市" in e.problem and any("韶关市" in line for line in e.details) and e.fix


def test_a_missing_unit_stops_or_is_left_empty(guangdong, tmp_path):
    rows = [r for r in _rows(guangdong) if r[0] not in ("440200", "韶关市", "韶关")]
    assert len(rows) == 20
    path = _table(tmp_path, rows)
    with pytest.raises(InputError) as err:
        region_sets.attach(guangdong, attributes=[_spec(path)])
    e = err.value
    assert e.file == path and e.row == 22 and "440200 韶关市" in e.problem and "missing: none" in e.fix
    units = region_sets.attach(guangdong, attributes=[_spec(path, missing="none")]).set_index("code")
    assert pd.isna(units.loc["440200", "resource_based"]) and units["size_class"].notna().sum() == 20


def test_a_missing_column_stops_with_the_header(guangdong, tmp_path):
    path = _table(tmp_path, _rows(guangdong))
    spec = AttributeTable(path=path, id_field="city", columns={"资源城市": "resource_based"})
    with pytest.raises(InputError) as err:
        region_sets.attach(guangdong, attributes=[spec])
    assert err.value.row == 1 and "did you mean '资源型城市'" in err.value.problem


# -- the configuration -----------------------------------------------------------------------------------------


def _read(edit):
    config = demo()
    edit(config["studies"][0])
    return configuration.read_settings(config, [("study.yaml", config)])


def _groups(study, disparity=None, by=None, attributes=None):
    if disparity:
        study["disparity"]["groups"] = disparity
    if by:
        study["models"]["heterogeneity"] = {"by": by}
    if attributes:
        study["units"]["attributes"] = attributes


def test_region_sets_validate_as_disparity_groups_and_heterogeneity():
    config = _read(lambda s: _groups(s, "eight_zones", "yangtze_belt"))
    study = config.studies[0]
    assert study.disparity.groups == "eight_zones" and study.disparity.group_column == "eight_zones"
    assert study.models.heterogeneity.by == "yangtze_belt"
    frames.check_groupings(study)


@pytest.mark.parametrize(
    ("disparity", "by", "key", "nearest"),
    [
        ("eigth_zones", None, "studies[0].disparity.groups", "eight_zones"),
        (None, "yangtze_blet", "studies[0].models.heterogeneity.by", "yangtze_belt"),
    ],
)
def test_a_misspelt_set_stops_when_the_configuration_loads(disparity, by, key, nearest):
    with pytest.raises(InputError) as err:
        _read(lambda s: _groups(s, disparity, by))
    assert err.value.key == key and err.value.file == "study.yaml"
    assert f"did you mean {nearest!r}" in str(err.value)


def test_user_attributes_are_groupings_and_a_misspelt_one_stops():
    table = {"path": "data/city_types.csv", "id_field": "code", "columns": {"规模": "size_class"}}
    study = _read(lambda s: _groups(s, "size_class", "size_class", [table])).studies[0]
    frames.check_groupings(study)
    typo = _read(lambda s: _groups(s, "size_clas", None, [table])).studies[0]
    with pytest.raises(InputError) as err:
        frames.check_groupings(typo, "study.yaml", "studies[0].")
    assert err.value.key == "studies[0].disparity.groups" and "did you mean 'size_class'" in str(err.value)


def test_attribute_names_must_not_shadow_unit_columns_or_sets():
    for name in ("region", "three_belts", "three_belt"):
        table = {"path": "t.csv", "id_field": "code", "columns": {"x": name}}
        with pytest.raises(InputError) as err:
            _read(lambda s, t=table: _groups(s, attributes=[t]))
        assert err.value.key == "studies[0].units.attributes"


def test_study_settings_read_the_attributes():
    study = StudySettings.model_validate(
        demo()["studies"][0]
        | {
            "units": {
                "level": "province",
                "attributes": [{"path": "a.xlsx", "id_field": "名称", "columns": {"类型": "kind"}}],
            }
        }
    )
    assert study.units.attribute_names == ["kind"] and study.units.attributes[0].missing == "error"
