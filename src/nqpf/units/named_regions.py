"""Named regions that hot spots are matched to: by default the Bohai Rim, the Yangtze River Delta and the Pearl
River Delta, each defined by province and by prefecture codes with the plan that defines it.

- Bohai Rim (环渤海): provinces Beijing, Tianjin, Hebei, Liaoning, Shandong, the five around the Bohai Sea
  (the core of the NDRC's 环渤海地区合作发展纲要, 2015, whose area adds Shanxi and Inner Mongolia);
  prefectures: Beijing, Tianjin and Hebei's 11 cities (京津冀协同发展规划纲要, 2015), the 6 cities of the Liaoning
  coastal economic belt (辽宁沿海经济带发展规划, 2009) and the 6 of the Shandong Peninsula Blue Economic Zone
  (山东半岛蓝色经济区发展规划, 2011).
- Yangtze River Delta (长三角): provinces Shanghai, Jiangsu, Zhejiang, Anhui; prefectures: the 27 cities of the
  central area (中心区) of 长江三角洲区域一体化发展规划纲要 (2019).
- Pearl River Delta (珠三角): province Guangdong; prefectures: the 9 cities of 珠江三角洲地区改革发展规划纲要
  (2008-2020).
County-level units belong to a region when their prefecture does.
"""

from __future__ import annotations

import pandas as pd
from pydantic import Field, field_validator, model_validator

from nqpf.settings import Code, Settings


class NamedRegion(Settings):
    """A named region (``esda.named_regions``): its provinces and its prefectures by code, with the plan that
    defines it."""

    name: str
    name_zh: str | None = Field(default=None, description="its Chinese name (default: name)")
    provinces: list[Code] = []
    prefectures: list[Code] = []
    source: str = ""

    @model_validator(mode="before")
    @classmethod
    def _chinese_name(cls, data):
        if isinstance(data, dict) and data.get("name_zh") is None and "name" in data:
            data = {**data, "name_zh": data["name"]}
        return data

    @field_validator("provinces", "prefectures")
    @classmethod
    def _codes_as_text(cls, codes: list) -> list[str]:
        return [str(code) for code in codes]

    def members(self, units: pd.DataFrame) -> set[str]:
        """The codes of ``units`` (a study's unit table) that belong to the region."""
        codes = units["code"].astype(str)
        level_province = codes.str.endswith("0000").all()
        if level_province:
            return set(codes[codes.isin(self.provinces)])
        if "prefecture_code" in units.columns and units["prefecture_code"].notna().any():
            return set(codes[units["prefecture_code"].astype(str).isin(self.prefectures)])
        return set(codes[codes.isin(self.prefectures)])


DEFAULTS: tuple[NamedRegion, ...] = (
    NamedRegion(
        name="Bohai Rim",
        name_zh="环渤海",
        provinces=["110000", "120000", "130000", "210000", "370000"],
        prefectures=[
            "110100",
            "120100",
            "130100",
            "130200",
            "130300",
            "130400",
            "130500",
            "130600",
            "130700",
            "130800",
            "130900",
            "131000",
            "131100",
            "210200",
            "210600",
            "210700",
            "210800",
            "211100",
            "211400",
            "370200",
            "370500",
            "370600",
            "370700",
            "371000",
            "371100",
        ],
        source="京津冀协同发展规划纲要 (2015); 辽宁沿海经济带发展规划 (2009); 山东半岛蓝色经济区发展规划 (2011); provinces: the five around the Bohai Sea, core of 环渤海地区合作发展纲要 (NDRC 2015)",
    ),
    NamedRegion(
        name="Yangtze River Delta",
        name_zh="长三角",
        provinces=["310000", "320000", "330000", "340000"],
        prefectures=[
            "310100",
            "320100",
            "320200",
            "320400",
            "320500",
            "320600",
            "320900",
            "321000",
            "321100",
            "321200",
            "330100",
            "330200",
            "330300",
            "330400",
            "330500",
            "330600",
            "330700",
            "330900",
            "331000",
            "340100",
            "340200",
            "340500",
            "340700",
            "340800",
            "341100",
            "341700",
            "341800",
        ],
        source="长江三角洲区域一体化发展规划纲要 (2019): four provinces; the 27 cities of its central area",
    ),
    NamedRegion(
        name="Pearl River Delta",
        name_zh="珠三角",
        provinces=["440000"],
        prefectures=[
            "440100",
            "440300",
            "440400",
            "440600",
            "440700",
            "441200",
            "441300",
            "441900",
            "442000",
        ],
        source="珠江三角洲地区改革发展规划纲要 (2008-2020): the 9 cities",
    ),
)
