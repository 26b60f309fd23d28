"""Official region sets beyond the NBS four regions, and unit attributes from a user's table.

The sets ship in ``data/region_sets.csv`` (one row per member: set, group, its Chinese name, the province or
prefecture code, the policy document and year); ``data/region_sets.md`` gives the source and the version of each:

- ``three_belts``: East / Central / West (三大地带, 7th Five-Year Plan 1986, as adjusted up to the Western
  Development scope of 2000), 11 / 8 / 12 provinces;
- ``eight_zones``: the eight comprehensive economic zones (八大综合经济区, 国务院发展研究中心 2005);
- ``yangtze_belt``: the Yangtze River Economic Belt (2016), upper / middle / lower reaches;
- ``yellow_river``: the Yellow River basin's nine provinces (2021), upper / middle / lower reaches;
- ``urban_agglomerations``: 京津冀, 长三角 (central area), 珠三角, 成渝, 长江中游, by prefecture-level city.

Each set becomes a column of a study's unit table (:func:`attach`). Province-level sets give prefecture and
county units the group of their province; the prefecture-level set gives county units the group of their
prefecture (a county-level city administered by its province is looked up by its own code) and leaves province
units without a group. Units of a mainland province outside a set that does not cover the country
(``yangtze_belt``, ``yellow_river``, ``urban_agglomerations``) get the group ``outside``; units of no mainland
province (Taiwan, Hong Kong, Macao, a user's own ids) get none.

User attributes (``units.attributes``) are columns of a CSV or XLSX table keyed by unit code or name, matched by
:class:`nqpf.units.matching.UnitMatcher` (:func:`read_attributes`).
"""

from __future__ import annotations

import csv
import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import pandas as pd

from nqpf.errors import InputError, listed
from nqpf.units.regions import MUNICIPALITIES, PROVINCE_BY_CODE, REGION_NAMES_ZH, REGIONS, province_code

SET_NAMES: tuple[str, ...] = (
    "three_belts",
    "eight_zones",
    "yangtze_belt",
    "yellow_river",
    "urban_agglomerations",
)
"""The shipped region sets, each a column of the unit table."""
OUTSIDE = "outside"
"""The group of a unit of a mainland province that a set leaves out."""
# the level each set is defined at, and whether it covers all 31 mainland provinces
_LEVEL = {
    "three_belts": "province",
    "eight_zones": "province",
    "yangtze_belt": "province",
    "yellow_river": "province",
    "urban_agglomerations": "prefecture",
}
_COMPLETE = {"three_belts", "eight_zones"}
MAINLAND: tuple[str, ...] = tuple(p.code for p in PROVINCE_BY_CODE.values() if p.region is not None)
# columns every unit table has (nqpf.units.boundaries), which attributes may not take as names
UNIT_TABLE_COLUMNS = (
    "code",
    "name",
    "name_en",
    "province_code",
    "region",
    "area_km2",
    "prefecture_code",
    "path",
)
# group names that are not taken from a set's data: the NBS regions, and the units a set leaves out
_FIXED_NAMES = {**{r: (r, REGION_NAMES_ZH[r]) for r in REGIONS}, OUTSIDE: ("Outside", "其他地区")}


@dataclass(frozen=True)
class RegionSet:
    """One region set: its groups in the order papers list them, each member code's group, and its sources."""

    name: str
    level: str  # "province" or "prefecture": the codes its members are given by
    groups: tuple[str, ...]
    names_zh: dict[str, str]
    members: dict[str, str]  # code -> group
    sources: tuple[str, ...]
    partial: frozenset[str]  # members only part of whose territory the source includes

    @property
    def complete(self) -> bool:
        """Whether every unit of a mainland province has a group other than ``outside``."""
        return self.name in _COMPLETE

    def group_of(self, code: str, prefecture: str | None = None) -> str | None:
        """The group of a unit by its code (and its prefecture's code, for a county); ``outside`` for a unit of
        a mainland province the set leaves out, None where the set says nothing."""
        code = str(code)
        province = province_code(code) if len(code) == 6 and code.isdigit() else None
        if province not in MAINLAND:
            return None
        if self.level == "province":
            return self.members.get(province, OUTSIDE)
        if code == province:
            return None  # a province-level unit: the set groups cities
        for key in (code, prefecture, _prefecture_of(code)):
            if key is not None and key in self.members:
                return self.members[key]
        return OUTSIDE


def _prefecture_of(code: str) -> str:
    if province_code(code) in MUNICIPALITIES:
        return code[:2] + "0100"
    return code[:4] + "00"


@cache
def sets() -> dict[str, RegionSet]:
    """Every shipped region set by name, read from ``data/region_sets.csv``."""
    text = (resources.files("nqpf.units") / "data" / "region_sets.csv").read_text(encoding="utf-8")
    rows: dict[str, list[dict]] = {name: [] for name in SET_NAMES}
    for row in csv.DictReader(text.splitlines()):
        if row["set"] not in rows:
            raise ValueError(f"region_sets.csv: unknown set {row['set']!r}")
        rows[row["set"]].append(row)
    out = {}
    for name, members in rows.items():
        codes = [r["code"] for r in members]
        if len(set(codes)) != len(codes):
            raise ValueError(f"region_sets.csv: a code is listed twice in {name}")
        out[name] = RegionSet(
            name=name,
            level=_LEVEL[name],
            groups=tuple(dict.fromkeys(r["group"] for r in members)),
            names_zh={r["group"]: r["group_zh"] for r in members},
            members={r["code"]: r["group"] for r in members},
            sources=tuple(dict.fromkeys(r["source"] for r in members)),
            partial=frozenset(r["code"] for r in members if r["note"]),
        )
    return out


def region_set(name: str, key: str | None = None) -> RegionSet:
    """The shipped set ``name``; an unknown name stops with the nearest one (``key``: the configuration key)."""
    if name not in SET_NAMES:
        close = difflib.get_close_matches(name, SET_NAMES, n=1)
        raise InputError(
            f"{name!r} is not a region set" + (f" (did you mean {close[0]!r}?)" if close else ""),
            key=key,
            fix="use one of: " + ", ".join(SET_NAMES),
        )
    return sets()[name]


def group_names() -> dict[str, tuple[str, str]]:
    """Every known group with its English and Chinese names (NBS regions, every set's groups, ``outside``)."""
    names = dict(_FIXED_NAMES)
    for region_set_ in sets().values():
        for group in region_set_.groups:
            names.setdefault(group, (group, region_set_.names_zh[group]))
    return names


def display_name(group: str, language: str = "en") -> str:
    """How a table or figure names a group: its English or Chinese name; an unknown group as it is."""
    names = group_names().get(str(group))
    if names is None:
        return str(group)
    return names[1] if language == "zh" else names[0]


def group_order(values: Iterable) -> list:
    """``values`` (groups present in a result) in the order papers list them: the NBS regions, then each set's
    groups as its source lists them, ``outside`` last but one, then any other value sorted."""
    known = list(dict.fromkeys([*REGIONS, *(g for s in sets().values() for g in s.groups), OUTSIDE]))
    present = list(dict.fromkeys(v for v in values if not _missing(v)))
    listed_ = [g for g in known if g in present]
    return listed_ + sorted((v for v in present if v not in known), key=str)


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and value != value) or value is pd.NA


def assign(units: pd.DataFrame, name: str) -> pd.Series:
    """The group of each unit of ``units`` (a unit table with ``code`` and, for counties, ``prefecture_code``)
    in the shipped set ``name``, aligned with ``units``."""
    region_set_ = region_set(name)
    prefectures = (
        units["prefecture_code"] if "prefecture_code" in units.columns else pd.Series(None, index=units.index)
    )
    groups = [
        region_set_.group_of(str(code), None if _missing(prefecture) else str(prefecture))
        for code, prefecture in zip(units["code"], prefectures, strict=True)
    ]
    return pd.Series(groups, index=units.index, name=name, dtype="object")


def attach(
    units: pd.DataFrame,
    region_sets: Sequence[str] = SET_NAMES,
    attributes: Sequence = (),
    known: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """``units`` with one column per region set (its group of each unit) and the columns of each user
    attribute table (``attributes``: :class:`nqpf.units.settings.AttributeTable`, as ``units.attributes``
    gives them). ``known``: the units a table may name (the whole boundary set, of which ``units`` are the
    study's), ``units`` by default. The pipeline writes ``data/units.csv`` with this function."""
    out = units.copy()
    for name in region_sets:
        out[name] = assign(out, name)
    for spec in attributes:
        table = read_attributes(out, spec, known)
        clash = [c for c in table.columns if c != "code" and c in out.columns]
        if clash:
            raise InputError(
                f"the attribute table gives columns the unit table already has: {', '.join(clash)}",
                file=spec.path,
                column=", ".join(clash),
                fix="rename them in units.attributes[].columns (each attribute name once, none of: "
                + ", ".join([*UNIT_TABLE_COLUMNS, *SET_NAMES])
                + ")",
            )
        out = out.merge(table, on="code", how="left", validate="one_to_one")
    return out


# -- user attribute tables ----------------------------------------------------------------------------------------


def _read_table(path: str, sheet: str | None) -> pd.DataFrame:
    suffix = Path(path).suffix.lower()
    if not Path(path).is_file():
        raise InputError(
            "the attribute table does not exist",
            file=path,
            fix="correct units.attributes[].path (relative to the directory Snakemake runs in)",
        )
    if suffix == ".xls":
        raise InputError(
            "a legacy .xls attribute table cannot be read",
            file=path,
            fix="save it as .xlsx (or CSV, UTF-8) and point units.attributes[].path to that file",
        )
    if suffix in (".xlsx", ".xlsm"):
        return pd.read_excel(path, sheet_name=sheet or 0, dtype=object)
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(
            "the attribute table is not UTF-8 text",
            file=path,
            fix="save the CSV as UTF-8 (or as .xlsx)",
        ) from None


def _text(value) -> str | None:
    if _missing(value):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


def read_attributes(units: pd.DataFrame, spec, known: pd.DataFrame | None = None) -> pd.DataFrame:
    """The attribute columns of one user table (``spec``: :class:`nqpf.units.settings.AttributeTable`) for the
    units of ``units``: ``code`` and one column per attribute, one row per unit of ``units``. The table may
    also name units of ``known`` (the whole boundary set, say) outside ``units``: their rows are left out.

    Ids are matched by code or by name (:class:`~nqpf.units.matching.UnitMatcher`, with ``parent_field`` for
    names several units share). A unit given twice, an id that matches no unit of the study and a missing
    column stop with the file, the row (as a spreadsheet numbers it, the header being row 1), the column and the
    fix. Units the table leaves out stop too (``missing: error``) or get empty attributes (``missing: none``)."""
    from nqpf.units.matching import Match, UnitMatcher

    table = _read_table(spec.path, getattr(spec, "sheet", None))
    header = [str(c).strip() for c in table.columns]
    table.columns = header
    wanted = [spec.id_field, *spec.columns]
    if spec.parent_field:
        wanted.append(spec.parent_field)
    absent = [c for c in wanted if c not in header]
    if absent:
        close = [difflib.get_close_matches(c, header, n=1) for c in absent]
        hint = "; ".join(f"{a!r}: did you mean {c[0]!r}?" for a, c in zip(absent, close, strict=True) if c)
        raise InputError(
            f"the attribute table has no column {', '.join(map(repr, absent))}"
            + (f" ({hint})" if hint else ""),
            file=spec.path,
            row=1,
            column=", ".join(absent),
            fix="name columns of the table's header in units.attributes[] (id_field, parent_field, columns); "
            "the header has: " + ", ".join(header),
        )
    known = units if known is None else known
    matcher = UnitMatcher(known[[c for c in ("code", "name", "name_en") if c in known.columns]])
    seen: dict[str, int] = {}
    codes, unmatched = [], []
    for i, raw in enumerate(table[spec.id_field]):
        row = i + 2
        value = _text(raw)
        if value is None:
            raise InputError(
                "a row of the attribute table has no unit id",
                file=spec.path,
                row=row,
                column=spec.id_field,
                fix="give the unit's code or name, or delete the row",
            )
        parent = table[spec.parent_field].iloc[i] if spec.parent_field else None
        found = matcher.match(value, parent=parent, by=spec.match_by)
        if not isinstance(found, Match):
            unmatched.append((row, value, found))
            continue
        if found.code in seen:
            raise InputError(
                f"the attribute table gives unit {found.code} twice (rows {seen[found.code]} and {row})",
                file=spec.path,
                row=row,
                unit=found.code,
                column=spec.id_field,
                fix=f"keep one row per unit: delete or merge row {row} or row {seen[found.code]}",
            )
        seen[found.code] = row
        codes.append((i, found.code))
    if unmatched:
        row, value, first = unmatched[0]
        details = [
            f"row {r}: {v!r}: {u.reason}" + (f"; nearest: {', '.join(u.candidates)}" if u.candidates else "")
            for r, v, u in unmatched[:20]
        ]
        if len(unmatched) > 20:
            details.append(f"... and {len(unmatched) - 20} more")
        raise InputError(
            f"the attribute table names {len(unmatched)} units that match no unit of the boundaries: "
            + listed(v for _, v, _ in unmatched),
            file=spec.path,
            row=row,
            column=spec.id_field,
            details=details,
            fix="correct the codes or names (the nearest units are listed), add a parent column "
            "(units.attributes[].parent_field) for names several units share, or delete these rows",
        )
    study = set(units["code"])
    codes = [(i, code) for i, code in codes if code in study]
    rows = [i for i, _ in codes]
    out = pd.DataFrame({"code": [code for _, code in codes]})
    for column, name in spec.columns.items():
        out[name] = [_text(v) for v in table[column].iloc[rows]]
    missing = [code for code in units["code"] if code not in seen]
    if missing and spec.missing == "error":
        labels = units.set_index("code")["name"] if "name" in units.columns else None
        shown = [f"{c} {labels[c]}" if labels is not None else c for c in missing]
        raise InputError(
            f"the attribute table leaves out {len(missing)} units of the study: {listed(shown)}",
            file=spec.path,
            row=len(table) + 2,
            unit=listed(missing, 5),
            column=spec.id_field,
            fix="add a row for each of these units (from row "
            f"{len(table) + 2} on), or set units.attributes[].missing: none to leave their attributes empty",
        )
    return out.reset_index(drop=True)


# -- groupings named by the configuration ---------------------------------------------------------------------


def check_grouping(name: str, key: str, builtin: Sequence[str], attributes: Sequence[str] = ()) -> None:
    """Stop unless ``name`` (the value of the configuration key ``key``) is a built-in grouping (``builtin``:
    such as ``region``, ``province`` and the region sets) or a user attribute column (``attributes``)."""
    allowed = [*builtin, *attributes]
    if name in allowed:
        return
    close = difflib.get_close_matches(name, allowed, n=1)
    raise InputError(
        f"{key} is {name!r}, which is neither a region set nor a unit attribute"
        + (f" (did you mean {close[0]!r}?)" if close else ""),
        key=key,
        fix="use one of: "
        + ", ".join(allowed)
        + " (user attributes are the column names units.attributes[].columns gives)",
    )


def refuse_misspelt(name: str, builtin: Sequence[str], what: str = "a region set") -> str:
    """``name`` itself, unless it is a likely misspelling of a built-in grouping (a settings validator; a user
    attribute is checked against units.attributes with the whole study, :func:`nqpf.study.frames.check_groupings`,
    and units.attributes refuses names close to built-in ones)."""
    near = near_builtin(name, builtin)
    if near:
        raise ValueError(
            f"{name!r} is not {what} (did you mean {near!r}?); use one of: {', '.join(builtin)} or a unit attribute "
            "of units.attributes"
        )
    return name


def near_builtin(name: str, builtin: Sequence[str]) -> str | None:
    """The built-in grouping ``name`` is a likely misspelling of (None when it is one, or is far from all)."""
    if name in builtin:
        return None
    close = difflib.get_close_matches(name, builtin, n=1, cutoff=0.8)
    return close[0] if close else None
