"""Provinces of China and the four economic regions of the National Bureau of Statistics.

The regions follow 国家统计局《东西中部和东北地区划分方法》(2011): East (东部) 10 provinces, Central (中部) 6,
West (西部) 12, Northeast (东北) 3. Taiwan, Hong Kong and Macau belong to none of them.
"""

from __future__ import annotations

from dataclasses import dataclass

REGIONS: tuple[str, ...] = ("East", "Central", "West", "Northeast")
REGION_NAMES_ZH: dict[str, str] = {"East": "东部", "Central": "中部", "West": "西部", "Northeast": "东北"}


@dataclass(frozen=True)
class Province:
    code: str
    name: str  # official Chinese name
    short: str  # the short form used in yearbooks
    name_en: str
    region: str | None
    aliases: tuple[str, ...] = ()  # further English or Chinese forms met in data


PROVINCES: tuple[Province, ...] = (
    Province("110000", "北京市", "北京", "Beijing", "East", ("Peking",)),
    Province("120000", "天津市", "天津", "Tianjin", "East"),
    Province("130000", "河北省", "河北", "Hebei", "East"),
    Province("140000", "山西省", "山西", "Shanxi", "Central"),
    Province(
        "150000",
        "内蒙古自治区",
        "内蒙古",
        "Inner Mongolia",
        "West",
        ("Nei Mongol", "Neimenggu", "Inner Mongolia Autonomous Region", "Nei Monggol"),
    ),
    Province("210000", "辽宁省", "辽宁", "Liaoning", "Northeast"),
    Province("220000", "吉林省", "吉林", "Jilin", "Northeast"),
    Province("230000", "黑龙江省", "黑龙江", "Heilongjiang", "Northeast"),
    Province("310000", "上海市", "上海", "Shanghai", "East"),
    Province("320000", "江苏省", "江苏", "Jiangsu", "East"),
    Province("330000", "浙江省", "浙江", "Zhejiang", "East"),
    Province("340000", "安徽省", "安徽", "Anhui", "Central"),
    Province("350000", "福建省", "福建", "Fujian", "East"),
    Province("360000", "江西省", "江西", "Jiangxi", "Central"),
    Province("370000", "山东省", "山东", "Shandong", "East"),
    Province("410000", "河南省", "河南", "Henan", "Central"),
    Province("420000", "湖北省", "湖北", "Hubei", "Central"),
    Province("430000", "湖南省", "湖南", "Hunan", "Central"),
    Province("440000", "广东省", "广东", "Guangdong", "East"),
    Province("450000", "广西壮族自治区", "广西", "Guangxi", "West", ("Guangxi Zhuang Autonomous Region",)),
    Province("460000", "海南省", "海南", "Hainan", "East"),
    Province("500000", "重庆市", "重庆", "Chongqing", "West"),
    Province("510000", "四川省", "四川", "Sichuan", "West"),
    Province("520000", "贵州省", "贵州", "Guizhou", "West"),
    Province("530000", "云南省", "云南", "Yunnan", "West"),
    Province("540000", "西藏自治区", "西藏", "Tibet", "West", ("Xizang", "Tibet Autonomous Region")),
    Province("610000", "陕西省", "陕西", "Shaanxi", "West"),
    Province("620000", "甘肃省", "甘肃", "Gansu", "West"),
    Province("630000", "青海省", "青海", "Qinghai", "West"),
    Province("640000", "宁夏回族自治区", "宁夏", "Ningxia", "West", ("Ningxia Hui Autonomous Region",)),
    Province(
        "650000",
        "新疆维吾尔自治区",
        "新疆",
        "Xinjiang",
        "West",
        ("Xinjiang Uygur Autonomous Region", "Xinjiang Uyghur"),
    ),
    Province("710000", "台湾省", "台湾", "Taiwan", None),
    Province("810000", "香港特别行政区", "香港", "Hong Kong", None, ("Hong Kong SAR", "Hongkong")),
    Province("820000", "澳门特别行政区", "澳门", "Macau", None, ("Macao", "Macau SAR", "Macao SAR")),
)

PROVINCE_BY_CODE: dict[str, Province] = {p.code: p for p in PROVINCES}

# Province-level municipalities: their one prefecture-level unit carries the code <pp>0100.
MUNICIPALITIES: tuple[str, ...] = ("110000", "120000", "310000", "500000")


def province_code(code: str) -> str:
    """The province of a 6-digit administrative code: its first two digits followed by 0000."""
    return code[:2] + "0000"


def region_of(code: str) -> str | None:
    """NBS region (East / Central / West / Northeast) of the province a 6-digit code lies in, else None."""
    province = PROVINCE_BY_CODE.get(province_code(code))
    return province.region if province else None
