"""Names of Chinese administrative units: normalising, short forms and romanised (pinyin) forms.

Short forms follow the usage of the statistical yearbooks: the administrative suffix (省, 市, 自治区, 地区, 盟 ...)
is dropped, and for ethnic autonomous units the ethnic names too (延边朝鲜族自治州 -> 延边州, 延边).
Pinyin follows GB/T 16159 for place names: syllables joined, an apostrophe before a syllable that starts with
a, o or e (Xi'an, Lu'an), with the readings of common polyphonic characters in place names fixed by hand.
"""

from __future__ import annotations

import re
import unicodedata

# The 55 minority nationalities as they appear in the names of autonomous units (longest first when matching).
ETHNIC_GROUPS: tuple[str, ...] = tuple(
    sorted(
        (
            "蒙古族 回族 藏族 维吾尔族 苗族 彝族 壮族 布依族 朝鲜族 满族 侗族 瑶族 白族 土家族 哈尼族 哈萨克族 傣族 黎族 "
            "傈僳族 佤族 畲族 高山族 拉祜族 水族 东乡族 纳西族 景颇族 柯尔克孜族 土族 达斡尔族 仫佬族 羌族 布朗族 "
            "撒拉族 毛南族 仡佬族 锡伯族 阿昌族 普米族 塔吉克族 怒族 乌孜别克族 俄罗斯族 鄂温克族 德昂族 保安族 "
            "裕固族 京族 塔塔尔族 独龙族 鄂伦春族 赫哲族 门巴族 珞巴族 基诺族 各族"
        ).split()
        # Names also use the longer nationality names without 族 (伊犁哈萨克自治州, 博尔塔拉蒙古自治州).
        + [
            g[:-1]
            for g in "蒙古族 维吾尔族 哈萨克族 柯尔克孜族 塔吉克族 锡伯族 达斡尔族 鄂温克族 鄂伦春族".split()
        ],
        key=len,
        reverse=True,
    )
)

# Administrative suffixes, longest first, so that 自治州 is tried before 州.
_SUFFIXES: tuple[str, ...] = (
    "特别行政区",
    "自治区",
    "自治州",
    "自治县",
    "自治旗",
    "地区",
    "林区",
    "特区",
    "新区",
    "省",
    "市",
    "盟",
    "县",
    "区",
    "旗",
)
_AUTONOMOUS = {"自治州": "州", "自治县": "县", "自治旗": "旗", "自治区": ""}

# Polyphonic characters whose reading in place names differs from the common one.
_PLACE_READINGS: dict[str, str] = {
    "朝阳": "chaoyang",
    "单县": "shanxian",
    "蚌埠": "bengbu",
    "六安": "lu'an",
    "六合": "luhe",
    "乐亭": "laoting",
    "长治": "changzhi",
    "长沙": "changsha",
    "重庆": "chongqing",
    "番禺": "panyu",
    "铅山": "yanshan",
    "莘县": "shenxian",
    "大冶": "daye",
    "尉氏": "weishi",
    "厦门": "xiamen",
    "荥阳": "xingyang",
    "费县": "feixian",
    "洪洞": "hongtong",
    "会同": "huitong",
    "歙县": "shexian",
    "黟县": "yixian",
    "台州": "taizhou",
    "丽水": "lishui",
    "丽江": "lijiang",
}

_LATIN_DROP = re.compile(r"[^a-z0-9']")


def normalise(text: object) -> str:
    """Canonical form for comparing names: NFKC (full-width to half-width), no whitespace, Latin lower-cased."""
    value = unicodedata.normalize("NFKC", str(text))
    value = re.sub(r"\s+", "", value)
    return value.lower()


def latin_key(text: str) -> str:
    """Comparison key for romanised names: lower-case letters and digits only ("Xi'an" -> "xian")."""
    return _LATIN_DROP.sub("", normalise(text)).replace("'", "")


def strip_suffix(name: str) -> tuple[str, str]:
    """Split a unit name into stem and administrative suffix, dropping ethnic names of autonomous units.

    >>> strip_suffix("延边朝鲜族自治州")
    ('延边', '自治州')
    >>> strip_suffix("北京市")
    ('北京', '市')
    """
    name = normalise(name)
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            stem = name[: -len(suffix)]
            if suffix in _AUTONOMOUS:
                stem = _strip_ethnic(stem)
            if len(stem) >= 1:
                return stem, suffix
    return name, ""


def _strip_ethnic(stem: str) -> str:
    changed = True
    while changed:
        changed = False
        for group in ETHNIC_GROUPS:
            # Keep at least two characters, so 内蒙古 is never cut to 内.
            if stem.endswith(group) and len(stem) - len(group) >= 2:
                stem = stem[: -len(group)]
                changed = True
                break
    return stem


def short_forms(name: str) -> list[str]:
    """Forms of a unit name met in yearbooks besides the official one (延边朝鲜族自治州 -> 延边州, 延边)."""
    stem, suffix = strip_suffix(name)
    forms = []
    if suffix in ("自治州", "自治县", "自治旗"):
        forms.append(stem + _AUTONOMOUS[suffix])
    if suffix and len(stem) >= 2:
        forms.append(stem)
    return [f for f in dict.fromkeys(forms) if f != normalise(name)]


def pinyin(text: str) -> str:
    """Place-name pinyin of Chinese text, syllables joined with apostrophes where GB/T 16159 needs them."""
    # Imported here: pypinyin's phrase tables take about a second to load, which every Snakemake start and every
    # job importing this module would pay, while only romanising needs them.
    from pypinyin import Style, lazy_pinyin

    for chars, reading in _PLACE_READINGS.items():
        if text.startswith(chars):
            rest = text[len(chars) :]
            return reading + (
                _join_syllables(lazy_pinyin(rest, style=Style.NORMAL), first=False) if rest else ""
            )
    syllables = lazy_pinyin(text, style=Style.NORMAL)
    syllables = [_CHAR_READINGS.get(char, s) for char, s in zip(text, syllables, strict=False)]
    return _join_syllables(syllables, first=True)


# Characters whose place-name reading pypinyin gets wrong outside its phrase list (三都 is Sandu, not Sandou).
_CHAR_READINGS: dict[str, str] = {"都": "du"}


def _join_syllables(syllables: list[str], *, first: bool) -> str:
    out = []
    for i, syllable in enumerate(syllables):
        if (i > 0 or not first) and syllable[:1] in ("a", "o", "e"):
            out.append("'")
        out.append(syllable)
    return "".join(out)


_SUFFIX_EN: dict[str, str] = {
    "市": "",
    "地区": "Prefecture",
    "盟": "League",
    "自治州": "Autonomous Prefecture",
    "自治县": "Autonomous County",
    "自治旗": "Autonomous Banner",
    "县": "County",
    "区": "District",
    "旗": "Banner",
    "林区": "Forestry District",
    "特区": "Special District",
    "新区": "New District",
}


def english_name(name: str) -> str:
    """English rendering of a prefecture- or county-level name: pinyin stem plus an English unit type.

    Cities are given by their pinyin alone (广州市 -> Guangzhou); other units keep their type
    (阿坝藏族羌族自治州 -> Aba Autonomous Prefecture, 朝阳区 -> Chaoyang District).
    """
    stem, suffix = strip_suffix(name)
    romanised = pinyin(stem)
    romanised = romanised[:1].upper() + romanised[1:]
    kind = _SUFFIX_EN.get(suffix, "")
    return f"{romanised} {kind}".strip()
