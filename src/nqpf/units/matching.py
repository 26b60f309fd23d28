"""Matching the units named in statistics tables to the codes of a boundary table, never by hand.

A value is matched, in this order, as
1. a code of the boundary table, after normalising its form ("650100.0", 650100, a 12-digit statistical code
   ending in zeros);
2. an old code of the crosswalk (:mod:`nqpf.units.crosswalk`) whose unit is the same territory today (recoded,
   renamed, municipality: 110000 in prefecture-level data is 110100);
3. a name: the official name (北京市), the short yearbook form (北京, 延边州, 延边), a former name from the
   crosswalk (襄樊, 吐鲁番地区) or an English or pinyin name (Beijing, Inner Mongolia, Nei Mongol).
A name shared by several units (朝阳区 in Beijing, 朝阳县 in Liaoning) is resolved by a parent column (province
name or code, or prefecture code). Values that match nothing, or several units, are collected and reported
together, each with its nearest candidates.
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from dataclasses import dataclass, field

import pandas as pd

from nqpf.units import crosswalk
from nqpf.units.codes import normalise_code
from nqpf.units.names import english_name, latin_key, normalise, short_forms
from nqpf.units.regions import PROVINCE_BY_CODE, PROVINCES, province_code

_CODE_LIKE = re.compile(r"^\d{6}(\d{6})?$")
_ENGLISH_TYPES = (
    "specialadministrativeregion",
    "autonomousprefecture",
    "autonomousregion",
    "autonomouscounty",
    "autonomousbanner",
    "municipality",
    "prefecture",
    "province",
    "district",
    "county",
    "league",
    "banner",
    "city",
    "diqu",
    "shi",
    "sar",
)
# Priority of name kinds when a name matches several kinds.
_NAME_KINDS = ("official name", "short name", "former name", "English name")


@dataclass(frozen=True)
class Match:
    """How one raw value was matched: the code (None if unmatched) and the method, for the validation report."""

    raw: str
    code: str | None
    method: str
    note: str = ""


@dataclass
class Unmatched:
    raw: str
    reason: str
    candidates: list[str] = field(default_factory=list)


class UnitMatcher:
    """Matches raw unit values (codes or names, any form) to the codes of one boundary table."""

    def __init__(self, units: pd.DataFrame):
        self.units = units.set_index("code", drop=False)
        self.codes = set(self.units["code"])
        self._aliases: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        self._code_changes: dict[str, crosswalk.CodeChange] = {}
        self._gone_names: dict[str, crosswalk.CodeChange] = {}  # names of merged or abolished units
        self._build_aliases()

    # -- index -------------------------------------------------------------------------------------------
    def _add(self, kind: str, alias: str, code: str) -> None:
        key = latin_key(alias) if kind == "English name" else normalise(alias)
        if key:
            self._aliases[kind][key].add(code)

    def _build_aliases(self) -> None:
        for row in self.units.itertuples(index=False):
            code, name = row.code, str(row.name)
            self._add("official name", name, code)
            for form in short_forms(name):
                self._add("short name", form, code)
            province = PROVINCE_BY_CODE.get(code)
            if province is not None:
                self._add("short name", province.short, code)
                for alias in (province.name_en, *province.aliases):
                    self._add("English name", alias, code)
                    self._add("English name", _strip_english_type(latin_key(alias)), code)
            name_en = getattr(row, "name_en", None)
            if isinstance(name_en, str) and name_en:
                self._add("English name", name_en, code)
                self._add("English name", _strip_english_type(latin_key(name_en)), code)
            if province is None and any("\u4e00" <= ch <= "\u9fff" for ch in name):
                self._add("English name", _strip_english_type(latin_key(english_name(name))), code)
        for change in crosswalk.changes():
            if not change.one_to_one:
                self._code_changes[change.old_code] = change
                for form in (change.old_name, *short_forms(change.old_name)):
                    self._gone_names[normalise(form)] = change
                    self._gone_names[_strip_english_type(latin_key(english_name(form)))] = change
                continue
            (new_code,) = change.new_codes
            if new_code in self.codes:
                if change.old_code not in self.codes:
                    self._code_changes[change.old_code] = change
                for form in (change.old_name, *short_forms(change.old_name)):
                    if normalise(form) not in self._aliases["official name"]:
                        self._add("former name", form, new_code)
                former_en = _strip_english_type(latin_key(english_name(change.old_name)))
                if former_en not in self._aliases["English name"]:
                    self._aliases["English name"][former_en].add(new_code)
            elif change.change == "municipality" and change.old_code in self.codes:
                # Provincial data that key a municipality by its prefecture-level code (110100 for 110000).
                self._code_changes[new_code] = change

    # -- matching ----------------------------------------------------------------------------------------
    def match(self, value: object, parent: object = None, by: str = "auto") -> Match | Unmatched:
        """Match one value; ``by`` is "auto", "code" or "name"; ``parent`` disambiguates repeated names."""
        raw = "" if value is None else str(value).strip()
        text = normalise(raw)
        if not text:
            return Unmatched(raw, "empty unit cell")
        if by in ("auto", "code"):
            if text in self.codes:
                return Match(raw, text, "code")
            code = normalise_code(value)
            if code and _CODE_LIKE.match(code):
                return self._match_code(
                    raw, code[:6] if len(code) == 12 and code.endswith("000000") else code
                )
            if code and code in self.codes:
                return Match(raw, code, "code (normalised)")
            if by == "code":
                return Unmatched(raw, "not a code of the boundary table", self._nearest_codes(code or text))
        return self._match_name(raw, text, parent)

    def _match_code(self, raw: str, code: str) -> Match | Unmatched:
        if code in self.codes:
            if raw == code:
                return Match(raw, code, "code")
            return Match(raw, code, "code (normalised)", f"{raw!r} read as {code}")
        change = self._code_changes.get(code)
        if change is not None and change.one_to_one:
            target = change.new_codes[0] if change.new_codes[0] in self.codes else change.old_code
            return Match(raw, target, f"crosswalk: {change.change}", change.describe())
        if change is not None:
            return _absorbed(raw, change)
        return Unmatched(raw, "no unit with this code in the boundary table", self._nearest_codes(code))

    def _match_name(self, raw: str, text: str, parent: object) -> Match | Unmatched:
        keys = {"English name": _english_keys(raw)}
        for kind in _NAME_KINDS:
            # The first key that finds anything wins, so "Huangshi" is not cut to "Huang" when it matches whole.
            found: set[str] = set()
            for key in keys.get(kind, [text]):
                found = set(self._aliases[kind].get(key, set()))
                if found:
                    break
            if not found:
                continue
            if len(found) > 1 and parent is not None and not _blank(parent):
                within = self._within_parent(found, parent)
                if within is None:
                    return Unmatched(raw, f"parent {parent!r} is not a province or prefecture", [])
                if len(within) == 1:
                    return Match(raw, within.pop(), f"{kind} + parent")
                found = within or found
            if len(found) == 1:
                return Match(raw, next(iter(found)), kind)
            hint = "give the prefecture code as parent" if parent is not None else "add a parent column"
            return Unmatched(
                raw,
                f"{kind} shared by {len(found)} units; {hint} (statistics file key `parent`)",
                [self._label(c) for c in sorted(found)],
            )
        for key in (text, *_english_keys(raw)):
            change = self._gone_names.get(key)
            if change is not None:
                return _absorbed(raw, change)
        return Unmatched(raw, "no unit with this name", self._nearest_names(text))

    def _within_parent(self, codes: set[str], parent: object) -> set[str] | None:
        parent_code = normalise_code(parent)
        if parent_code and _CODE_LIKE.match(parent_code):
            prefix = parent_code[:2] if parent_code.endswith("0000") else parent_code[:4]
            return {c for c in codes if c.startswith(prefix)}
        key, latin = normalise(parent), _strip_english_type(latin_key(str(parent)))
        for province in PROVINCES:
            forms = {normalise(province.name), normalise(province.short)}
            latin_forms = {_strip_english_type(latin_key(a)) for a in (province.name_en, *province.aliases)}
            if key in forms or latin in latin_forms:
                return {c for c in codes if province_code(c) == province.code}
        prefectures = {
            c
            for c in self._aliases["official name"].get(key, set())
            | self._aliases["short name"].get(key, set())
        }
        if prefectures:
            return {c for c in codes if any(c.startswith(p[:4]) for p in prefectures)}
        return None

    # -- suggestions -------------------------------------------------------------------------------------
    def _label(self, code: str) -> str:
        row = self.units.loc[code]
        province = PROVINCE_BY_CODE.get(province_code(code))
        where = f", {province.name}" if province and province.code != code else ""
        return f"{code} {row['name']}{where}"

    def _nearest_codes(self, code: str, n: int = 3) -> list[str]:
        def shared_prefix(other: str) -> int:
            k = 0
            while k < min(len(code), len(other)) and code[k] == other[k]:
                k += 1
            return k

        ranked = sorted(self.codes, key=lambda c: (-shared_prefix(c), abs(_as_int(c) - _as_int(code)), c))
        return [self._label(c) for c in ranked[:n]]

    def _nearest_names(self, text: str, n: int = 3) -> list[str]:
        pool: dict[str, set[str]] = defaultdict(set)
        for kind in ("official name", "short name", "former name"):
            for alias, codes in self._aliases[kind].items():
                pool[alias] |= codes
        english = self._aliases["English name"]
        key = latin_key(text)
        if key and key.isascii():
            pool, text = english, key
        close = difflib.get_close_matches(text, list(pool), n=n * 2, cutoff=0.0)
        labels: list[str] = []
        for alias in close:
            for code in sorted(pool[alias]):
                label = self._label(code)
                if label not in labels:
                    labels.append(label)
        return labels[:n]


def _absorbed(raw: str, change: crosswalk.CodeChange) -> Unmatched:
    """A merged or abolished unit: never matched, with the units that took it over as candidates."""
    return Unmatched(
        raw,
        change.describe() + "; its figures cannot stand for the units that absorbed it",
        [f"{c} {n}" for c, n in zip(change.new_codes, change.new_names, strict=True)],
    )


def _as_int(code: str) -> int:
    return int(code) if code.isdigit() else 0


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, float) and value != value) or not str(value).strip()


def _strip_english_type(key: str) -> str:
    for suffix in _ENGLISH_TYPES:
        if key.endswith(suffix) and len(key) > len(suffix) + 2:
            return key[: -len(suffix)]
    return key


def _english_keys(raw: str) -> list[str]:
    """Keys of an English name: with and without a unit type word and any bracketed note ("Laiwu(city)")."""
    plain = re.sub(r"[(（].*?[)）]", "", raw)
    keys = [latin_key(raw), latin_key(plain)]
    keys += [_strip_english_type(k) for k in list(keys)]
    return [k for k in dict.fromkeys(keys) if k]
