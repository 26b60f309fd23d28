"""Corrupted real inputs, generated: every kind of defect x where it lands x file format, with its expected outcome.

The clean inputs are small slices of the real files in ../shared/reference-data, read at test time (never copied
into the repository): the province panel (31 provinces by NBS short names, 2019-2021, four variables, Chinese
headers), Hunan_2012.csv (88 counties), Hunan.shp and the queen weights of its 88 counties, and the study
configuration config/studies/demo_province.yaml.

A :class:`Case` is an id (``kind-where-format``), a builder that writes the corrupted inputs into a temporary
folder and returns the call to make, and the outcome that call must have:

- :class:`Stop`: it raises :class:`nqpf.errors.InputError` (no other exception) with ``fix`` set, the file named
  (or, for a configuration error, the key) and every locator the case lists;
- :class:`Same`: it gives the clean result exactly, and the report (validation report, notes, drops, unit
  matches, file reports, weights summary, boundary actions) matches ``report`` when the defect needs a word;
- :class:`Gap`: the panel equals the clean one but for the cells the defect made missing, each listed in the
  gaps, with the marker counted in the report;
- :class:`Changed`: weights or boundaries that differ from the clean ones exactly as the input says (an
  asymmetric link, an island, a repaired polygon), with the difference reported.

Combinations a format cannot express (an NBSP in GBK, a real error cell in a CSV) are not generated.
tests/test_corruption.py runs the cases; :func:`default_cases` is the stratified subset of the default suite.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp
import yaml

# -- outcomes -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Stop:
    """The call stops with an InputError naming the file (or key), these locators, and saying ``says``."""

    where: tuple[str, ...]
    says: str


@dataclass(frozen=True)
class Same:
    """The clean result; ``report`` (a regex) must match the report text when not None."""

    report: str | None = None


@dataclass(frozen=True)
class Gap:
    """The clean panel but for the corrupted cells, which are missing and listed in the gaps; ``report`` (a
    regex) must match the report text."""

    report: str


@dataclass(frozen=True)
class Changed:
    """Weights or boundaries that differ from the clean ones as the input says; ``report`` must match."""

    report: str


Outcome = Stop | Same | Gap | Changed


@dataclass
class Call:
    """What a builder gives back: the call to make, and what the corruption touched (the panel cells a Gap
    expects missing as (variable, raw unit, year); the expected weights matrix of a Changed case)."""

    run: Callable[[], object]
    domain: str  # panel, weights, boundaries, configuration
    dataset: str = ""
    cells: list[tuple[str, str, int]] = field(default_factory=list)
    expected: object = None


@dataclass(frozen=True)
class Case:
    id: str
    kind: str
    where: str
    format: str
    build: Callable[[Path, Sources], Call]
    expect: Outcome
    # the exact reason, for a defect of the project outside the files this suite may fix (none at present)
    xfail: str | None = None


# -- the clean inputs ---------------------------------------------------------------------------------------

PROVINCE_YEARS = (2019, 2021)
PROVINCE_COLUMNS = {
    "地区生产总值(亿元)": "gdp",
    "年末常住人口(万人)": "population",
    "R&D经费内部支出(亿元)": "rd_expenditure",
    "专利授权数(件)": "patents_total",
}
HUNAN_COLUMNS = {"GDP": "gdp", "GDPPC": "gdppc", "FAI": "fai", "Pop_T": "pop_t"}


@dataclass
class Dataset:
    """A clean table as text cells (header first), the columns the config maps, and how to read it."""

    name: str
    grid: list[list[str]]
    unit: str
    year: str | None
    variables: dict[str, str]
    years: tuple[int, int]
    stem: str

    @property
    def header(self) -> list[str]:
        return self.grid[0]

    def col(self, name: str) -> int:
        return self.header.index(name)


@dataclass
class Sources:
    """Everything the cases start from, built once per test module."""

    root: Path  # a temporary folder holding the clean Hunan files
    reference: Path
    datasets: dict[str, Dataset]
    units: dict[str, pd.DataFrame]  # dataset -> boundary attribute table
    codes: dict[str, dict[str, str]]  # dataset -> raw unit value -> code (from the clean run)
    panels: dict[str, pd.DataFrame]  # dataset -> clean panel
    hunan_gdf: object
    w_ids: list[str]
    w_raw: sp.csr_matrix
    config_text: str


def _number(value: float) -> str:
    return str(float(value))


def province_dataset(reference: Path) -> Dataset:
    table = pd.read_csv(reference / "province_panel" / "panel_wide.csv")
    table = table[table["year"].between(*PROVINCE_YEARS)]
    names = {"province": "地区", "year": "年份"} | {v: k for k, v in PROVINCE_COLUMNS.items()}
    grid = [list(names.values())]
    for row in table.itertuples(index=False):
        grid.append(
            [row.province, str(row.year)] + [_number(getattr(row, v)) for v in PROVINCE_COLUMNS.values()]
        )
    return Dataset("province", grid, "地区", "年份", dict(PROVINCE_COLUMNS), PROVINCE_YEARS, "province_stats")


def hunan_dataset(reference: Path) -> Dataset:
    table = pd.read_csv(reference / "hunan" / "Hunan_2012.csv")
    grid = [["County", *HUNAN_COLUMNS]]
    for row in table.itertuples(index=False):
        grid.append([row.County] + [_number(getattr(row, c)) for c in HUNAN_COLUMNS])
    # no year column: the year comes from the file name, as in the real file
    return Dataset("hunan", grid, "County", None, dict(HUNAN_COLUMNS), (2012, 2012), "Hunan_2012")


def build_sources(reference: Path, province_units: pd.DataFrame, root: Path) -> Sources:
    from nqpf import SpatialWeights
    from nqpf.units import boundaries

    hunan = root / "hunan"
    hunan.mkdir(parents=True, exist_ok=True)
    for suffix in (".shp", ".shx", ".dbf", ".prj"):
        shutil.copy(reference / "hunan" / f"Hunan{suffix}", hunan / f"Hunan{suffix}")
    gdf, _ = boundaries.read_file(hunan / "Hunan.shp", id_field="County", name_field="County")
    w_gdf, _ = boundaries.read_file(hunan / "Hunan.shp", id_field="ID_3", name_field="County")
    w = SpatialWeights.from_geodataframe(w_gdf, "contiguity", name="queen", criterion="queen")
    datasets = {"province": province_dataset(reference), "hunan": hunan_dataset(reference)}
    units = {"province": province_units, "hunan": pd.DataFrame(gdf.drop(columns="geometry"))}
    sources = Sources(
        root=root,
        reference=reference,
        datasets=datasets,
        units=units,
        codes={},
        panels={},
        hunan_gdf=gdf,
        w_ids=list(w.ids),
        w_raw=w.raw,
        config_text=(Path(__file__).resolve().parents[1] / "config/studies/demo_province.yaml").read_text(
            encoding="utf-8"
        ),
    )
    for name, data in datasets.items():
        clean = root / f"clean_{name}"
        clean.mkdir()
        call = panel_call(clean, sources, data, data.grid, "csv-utf8")
        result = call.run()
        sources.panels[name] = result.panel
        sources.codes[name] = {str(r.raw): r.code for r in result.matches.itertuples()}
    return sources


# -- writing a table in each format -------------------------------------------------------------------------

ENCODINGS = {"csv-utf8": "utf-8", "csv-bom": "utf-8-sig", "csv-gbk": "gbk", "csv-utf16": "utf-16"}
TABLE_FORMATS = (*ENCODINGS, "xlsx")
_CLEAN_NUMBER = re.compile(r"^-?\d+\.\d+$")
_CLEAN_YEAR = re.compile(r"^\d{4}$")


class ErrorCell(str):
    """A spreadsheet error (#DIV/0!): an error cell in XLSX, its text in a CSV."""


def encodable(grid: list[list[str]], fmt: str) -> bool:
    if fmt not in ENCODINGS:
        return True
    try:
        "\n".join(",".join(row) for row in grid).encode(ENCODINGS[fmt])
    except UnicodeEncodeError:
        return False
    return True


def write_csv(grid, path: Path, encoding: str, delimiter: str = ",") -> None:
    with open(path, "w", encoding=encoding, newline="") as handle:
        csv.writer(handle, delimiter=delimiter, lineterminator="\n").writerows(grid)


def write_xlsx(grid, path: Path, title: str | None = None) -> None:
    """Clean numbers as numbers, years as integers, error cells as real error cells, the rest as text."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    offset = 0
    if title is not None:
        sheet.cell(1, 1).value = title
        offset = 1
    for i, row in enumerate(grid, start=1 + offset):
        for j, text in enumerate(row, start=1):
            cell = sheet.cell(i, j)
            if isinstance(text, ErrorCell):
                cell.value = str(text)
                cell.data_type = "e"
            elif text == "":
                continue
            elif i > 1 + offset and _CLEAN_YEAR.match(text):
                cell.value = int(text)
            elif i > 1 + offset and _CLEAN_NUMBER.match(text):
                cell.value = float(text)
            else:
                cell.value = text
    book.save(path)


def write_table(directory: Path, data: Dataset, grid, fmt: str, title: str | None = None) -> Path:
    if fmt == "xlsx":
        path = directory / f"{data.stem}.xlsx"
        write_xlsx(grid, path, title)
        return path
    path = directory / f"{data.stem}.csv"
    rows = ([[title]] if title is not None else []) + grid
    write_csv(rows, path, ENCODINGS[fmt])
    return path


def table_settings(data: Dataset, path: Path, fmt: str, **overrides):
    from nqpf.panel.settings import TableSettings

    options = {
        "path": str(path),
        "layout": "wide",
        "unit": data.unit,
        "variables": dict(data.variables),
    }
    if data.year is not None:
        options["year"] = data.year
    else:
        options["year_from"] = "filename"
    if fmt in ENCODINGS:
        options["encoding"] = ENCODINGS[fmt]
    return TableSettings(**(options | overrides))


def panel_run(sources: Sources, data: Dataset, table) -> Callable[[], object]:
    """The panel as the pipeline's panel job builds it (workflow/scripts/build_panel.py)."""
    from nqpf import panel
    from nqpf.panel.assembly import PanelSpec
    from nqpf.panel.settings import StatisticsSettings

    units = sources.units[data.name]
    spec = PanelSpec(data.years[0], data.years[1], statistics=StatisticsSettings(files=[table]))

    def run():
        return panel.build(units, spec, panel.study_units(units, None), boundary_source="boundaries.gpkg")

    return run


def panel_call(
    directory: Path, sources: Sources, data: Dataset, grid, fmt: str, title=None, **overrides
) -> Call:
    path = write_table(directory, data, grid, fmt, title)
    table = table_settings(data, path, fmt, **overrides)
    return Call(panel_run(sources, data, table), "panel", data.name)


# -- where a defect lands -----------------------------------------------------------------------------------

ROWS = ("first", "middle", "last")


def row_index(grid, where: str) -> int:
    """Index into the grid (0 is the header) of the data row a defect lands on."""
    n = len(grid) - 1
    return {"first": 1, "middle": 1 + n // 2, "last": n}[where]


def value_column(data: Dataset, where: str) -> str:
    """The mapped column a value defect lands in: a different one for each row position."""
    columns = list(data.variables)
    return columns[{"first": 0, "middle": len(columns) - 1, "last": 1}[where]]


def cell_id(data: Dataset, grid, i: int, column: str) -> tuple[str, str, int]:
    row = grid[i]
    year = int(row[data.col(data.year)]) if data.year else data.years[0]
    return data.variables[column], row[data.col(data.unit)], year


def copy_grid(grid) -> list[list[str]]:
    return [list(row) for row in grid]


# -- panel defects ------------------------------------------------------------------------------------------

_FULL = str.maketrans("0123456789.", "０１２３４５６７８９．")


def _superscript(text: str) -> str:
    return text.split(".")[0] + "²"


@dataclass(frozen=True)
class ValueKind:
    name: str
    corrupt: Callable[[str], str]
    expect: Outcome
    column: str | None = None  # a fixed column (thousands separators need values >= 1000)


BAD_CELL = Stop(("file", "row", "column"), r"non-numeric cells")
VALUE_KINDS = [
    ValueKind("footnote-circled", lambda v: v + "①", BAD_CELL),
    ValueKind("footnote-superscript", _superscript, BAD_CELL),
    ValueKind("footnote-star", lambda v: v + "*", BAD_CELL),
    ValueKind("excel-div0", lambda v: ErrorCell("#DIV/0!"), BAD_CELL),
    ValueKind("excel-ref", lambda v: ErrorCell("#REF!"), BAD_CELL),
    # #N/A is one of the yearbook missing markers (nqpf.panel.ingest.DEFAULT_MISSING_MARKERS): a counted gap
    ValueKind("excel-na", lambda v: ErrorCell("#N/A"), Gap(r"'#N/A' x1")),
    ValueKind("overflow", lambda v: "1e309", BAD_CELL),
    ValueKind("inf-text", lambda v: "inf", BAD_CELL),
    ValueKind("minus-inf-text", lambda v: "-inf", BAD_CELL),
    # markers are compared as written: "NaN" is one, pandas' lower-case "nan" is not and stops
    ValueKind("nan-text", lambda v: "nan", BAD_CELL),
    ValueKind("NaN-marker", lambda v: "NaN", Gap(r"'NaN' x1")),
    ValueKind("text", lambda v: "未公布", BAD_CELL),
    ValueKind("full-width", lambda v: v.translate(_FULL), Same(r"full-width characters .*\(1\)")),
    # a grouped number is the number as written: nothing to report
    ValueKind("thousands", lambda v: f"{float(v):,}", Same(None), column="first"),
    ValueKind("empty", lambda v: "", Gap(r"'\(empty\)' x1")),
    ValueKind("ellipsis-marker", lambda v: "…", Gap(r"'…' x1")),
    ValueKind("padded", lambda v: f"  {v} ", Same(None)),
]


def value_case(kind: ValueKind, dataset: str, where: str, fmt: str) -> Callable:
    def build(tmp: Path, sources: Sources) -> Call:
        data = sources.datasets[dataset]
        grid = copy_grid(data.grid)
        i = row_index(grid, where)
        column = value_column(data, kind.column or where)
        j = data.col(column)
        grid[i][j] = kind.corrupt(grid[i][j])
        assert grid[i][j] != data.grid[i][j]
        if kind.name == "thousands":
            assert "," in grid[i][j], "a grouped number needs a value >= 1000"
        call = panel_call(tmp, sources, data, grid, fmt)
        call.cells = [cell_id(data, grid, i, column)]
        return call

    return build


def _misspelt(name: str) -> str:
    return name[0] + "口" + name[1:] if any("\u4e00" <= ch <= "\u9fff" for ch in name) else name + "qx"


@dataclass(frozen=True)
class RowKind:
    """A defect of one data row: its unit cell, its year cell, or the row itself."""

    name: str
    corrupt: Callable  # (grid, i, data, sources) -> None, edits the grid
    expect: Outcome
    datasets: tuple[str, ...] = ("province", "hunan")
    formats: tuple[str, ...] = TABLE_FORMATS
    xfail: str | None = None


def _set_unit(make):
    def corrupt(grid, i, data, sources):
        grid[i][data.col(data.unit)] = make(grid[i][data.col(data.unit)], sources, data)

    return corrupt


def _set_year(text):
    def corrupt(grid, i, data, sources):
        grid[i][data.col(data.year)] = text

    return corrupt


def _insert_copy(change):
    def corrupt(grid, i, data, sources):
        row = list(grid[i])
        change(row, data)
        grid.insert(i + 1 if i == len(grid) - 1 else i, row)

    return corrupt


def _aggregate(row, data):
    row[data.col(data.unit)] = "全国"


def _year_before(row, data):
    row[data.col(data.year)] = str(data.years[0] - 1)


def _year_after(row, data):
    row[data.col(data.year)] = str(data.years[1] + 1)


def _english(raw, sources, data):
    units = sources.units[data.name].set_index("code")
    return units.loc[sources.codes[data.name][raw], "name_en"]


def _official(raw, sources, data):
    units = sources.units[data.name].set_index("code")
    return units.loc[sources.codes[data.name][raw], "name"]


# spaces around a unit name are left out for matching and counted in validation.md (FileReport.trimmed_units)
TRIMMED = r"unit cells with spaces around the name .*\(1\)"
UNIT_STOP = Stop(("file", "row", "unit", "column"), r"match no unit of the boundaries")
ROW_KINDS = [
    RowKind("misspelt-unit", _set_unit(lambda raw, s, d: _misspelt(raw)), UNIT_STOP),
    RowKind("empty-unit", _set_unit(lambda raw, s, d: ""), Stop(("file", "row", "column"), r"match no unit")),
    RowKind(
        "spaces-unit",
        _set_unit(lambda raw, s, d: f"  {raw} "),
        Same(TRIMMED),
    ),
    RowKind(
        "nbsp-unit",
        _set_unit(lambda raw, s, d: f"\u00a0{raw}\u00a0"),
        Same(TRIMMED),
    ),
    RowKind(
        "ideographic-space-unit",
        _set_unit(lambda raw, s, d: f"{raw}\u3000"),
        Same(TRIMMED),
    ),
    RowKind("english-unit", _set_unit(_english), Same(r"English name"), datasets=("province",)),
    RowKind("official-unit", _set_unit(_official), Same(r"official name"), datasets=("province",)),
    RowKind("aggregate-row", _insert_copy(_aggregate), Same(r"skipped 4 records of aggregate rows \(全国\)")),
    RowKind(
        "duplicate-row",
        _insert_copy(lambda row, data: None),
        Stop(("file", "row", "unit", "column"), r"duplicate \(unit, year, variable\) entries"),
    ),
    RowKind(
        "year-suffix",
        lambda grid, i, data, s: _set_year(grid[i][data.col(data.year)] + "年")(grid, i, data, s),
        Same(None),  # the yearbook form of a year: read as the year it says
        datasets=("province",),
    ),
    RowKind(
        "year-float",
        lambda grid, i, data, s: _set_year(grid[i][data.col(data.year)] + ".0")(grid, i, data, s),
        Same(None),
        datasets=("province",),
    ),
    RowKind(
        "year-chinese",
        _set_year("二〇二〇"),
        Stop(("file", "row", "column"), r"not a year: '二〇二〇'"),
        datasets=("province",),
    ),
    RowKind(
        "year-text", _set_year("abc"), Stop(("file", "row", "column"), r"not a year"), datasets=("province",)
    ),
    RowKind(
        "year-empty", _set_year(""), Stop(("file", "row", "column"), r"not a year"), datasets=("province",)
    ),
    RowKind(
        "year-before-study",
        _insert_copy(_year_before),
        Same(r"skipped 4 records of years outside 2019-2021 \(2018-2018\)"),
        datasets=("province",),
    ),
    RowKind(
        "year-after-study",
        _insert_copy(_year_after),
        Same(r"skipped 4 records of years outside 2019-2021 \(2022-2022\)"),
        datasets=("province",),
    ),
]


def row_case(kind: RowKind, dataset: str, where: str, fmt: str) -> Callable:
    def build(tmp: Path, sources: Sources) -> Call:
        data = sources.datasets[dataset]
        grid = copy_grid(data.grid)
        kind.corrupt(grid, row_index(grid, where), data, sources)
        assert grid != data.grid
        return panel_call(tmp, sources, data, grid, fmt)

    return build


# Defects of the header: where = the column they hit (the unit, the year, or a mapped value column).
HEADER_WHERE = ("unit-column", "year-column", "value-column")


def header_column(data: Dataset, where: str) -> str:
    return {"unit-column": data.unit, "year-column": data.year, "value-column": list(data.variables)[1]}[
        where
    ]


def _rename(grid, j):
    grid[0][j] = grid[0][j] + "_旧"


def _drop(grid, j):
    for row in grid:
        del row[j]


def _duplicate(grid, j):
    for row in grid:
        row.append(row[j])


def _pad(grid, j):
    grid[0][j] = f" {grid[0][j]}\u3000"  # an ideographic space: GBK has no NBSP


HEADER_KINDS = {
    "column-renamed": (_rename, Stop(("file", "column"), r"column .* not found")),
    "column-missing": (_drop, Stop(("file", "column"), r"column .* not found")),
    "column-duplicated": (_duplicate, Stop(("file", "row", "column"), r"the header names the column")),
    "header-padded": (_pad, Same(None)),  # column names are compared without spaces
}


def header_case(kind: str, dataset: str, where: str, fmt: str) -> Callable:
    edit, _ = HEADER_KINDS[kind]

    def build(tmp: Path, sources: Sources) -> Call:
        data = sources.datasets[dataset]
        grid = copy_grid(data.grid)
        edit(grid, data.col(header_column(data, where)))
        return panel_call(tmp, sources, data, grid, fmt)

    return build


# Defects of the whole file or of how it is configured.
def _csv_text(data: Dataset, grid, delimiter=",") -> str:
    lines = []
    for row in grid:
        out = []
        for cell in row:
            text = str(cell)
            out.append(f'"{text}"' if delimiter in text or '"' in text else text)
        lines.append(delimiter.join(out))
    return "\n".join(lines) + "\n"


def _write_bytes(tmp: Path, name: str, payload: bytes) -> Path:
    path = tmp / name
    path.write_bytes(payload)
    return path


def _raw_call(sources, data, path, fmt, **overrides) -> Call:
    return Call(panel_run(sources, data, table_settings(data, path, fmt, **overrides)), "panel", data.name)


def file_truncated(where: str):
    """Cut the file in the middle of a row: the last row (where = last), or the row at the middle of the file;
    the rest is lost."""

    def build(tmp: Path, sources: Sources, fmt: str) -> Call:
        data = sources.datasets["province"]
        grid = copy_grid(data.grid)
        i = row_index(grid, where)
        if fmt == "xlsx":
            path = write_table(tmp, data, grid, fmt)
            payload = path.read_bytes()
            path.write_bytes(payload[: len(payload) // 2 if where == "middle" else len(payload) - 200])
            return _raw_call(sources, data, path, fmt)
        text = _csv_text(data, grid[:i]) + _csv_text(data, [grid[i]])[: len(",".join(grid[i])) // 2]
        path = _write_bytes(tmp, f"{data.stem}.csv", text.encode(ENCODINGS[fmt]))
        return _raw_call(sources, data, path, fmt)

    return build


def file_extra_field(where: str):
    def build(tmp: Path, sources: Sources, fmt: str) -> Call:
        data = sources.datasets["province"]
        grid = copy_grid(data.grid)
        grid[row_index(grid, where)].append("12.5")
        return panel_call(tmp, sources, data, grid, fmt)

    return build


def file_empty(where: str):
    def build(tmp: Path, sources: Sources, fmt: str) -> Call:
        data = sources.datasets["province"]
        suffix = "xlsx" if fmt == "xlsx" else "csv"
        payload = (
            b"" if where == "zero-bytes" else {"csv-utf8": b"\n\n", "csv-bom": b"\xef\xbb\xbf"}.get(fmt, b"")
        )
        return _raw_call(sources, data, _write_bytes(tmp, f"{data.stem}.{suffix}", payload), fmt)

    return build


def file_header_only(where: str):
    def build(tmp: Path, sources: Sources, fmt: str) -> Call:
        data = sources.datasets["province"]
        return panel_call(tmp, sources, data, [list(data.header)], fmt)

    return build


def file_directory(where: str):
    def build(tmp: Path, sources: Sources, fmt: str) -> Call:
        data = sources.datasets["province"]
        path = tmp / f"{data.stem}.{'xlsx' if fmt == 'xlsx' else 'csv'}"
        path.mkdir()
        return _raw_call(sources, data, path, fmt)

    return build


def file_missing(where: str):
    def build(tmp: Path, sources: Sources, fmt: str) -> Call:
        data = sources.datasets["province"]
        return _raw_call(sources, data, tmp / f"{data.stem}.{'xlsx' if fmt == 'xlsx' else 'csv'}", fmt)

    return build


def file_skip_rows(where: str):
    """too-many: skip_rows 1 for a file whose header is its first row; too-few: skip_rows 0 for a file with a
    title row above its header; right: skip_rows 1 with the title row (the clean panel)."""

    def build(tmp: Path, sources: Sources, fmt: str) -> Call:
        data = sources.datasets["province"]
        title = None if where == "too-many" else "表 2-1 各地区主要经济指标"
        skip = {"too-many": 1, "too-few": 0, "right": 1}[where]
        return panel_call(tmp, sources, data, copy_grid(data.grid), fmt, title=title, skip_rows=skip)

    return build


WRONG_ENCODINGS = {  # where: (bytes written, encoding declared)
    "gbk-read-as-utf8": ("gbk", "utf-8"),
    "gbk-read-as-utf8-sig": ("gbk", "utf-8-sig"),
    "utf16-read-as-utf8": ("utf-16", "utf-8-sig"),
    "utf8-read-as-gbk": ("utf-8", "gbk"),
    "utf8-read-as-utf16": ("utf-8", "utf-16"),
}


def file_wrong_encoding(where: str):
    def build(tmp: Path, sources: Sources, fmt: str) -> Call:
        data = sources.datasets["province"]
        written, declared = WRONG_ENCODINGS[where]
        path = tmp / f"{data.stem}.csv"
        write_csv(data.grid, path, written)
        return _raw_call(sources, data, path, fmt, encoding=declared)

    return build


WRONG_DELIMITERS = {
    "semicolon-file": (";", ","),
    "tab-file": ("\t", ","),
    "comma-file-semicolon-set": (",", ";"),
}


def file_wrong_delimiter(where: str):
    def build(tmp: Path, sources: Sources, fmt: str) -> Call:
        data = sources.datasets["province"]
        written, declared = WRONG_DELIMITERS[where]
        path = tmp / f"{data.stem}.csv"
        write_csv(data.grid, path, ENCODINGS[fmt], delimiter=written)
        return _raw_call(sources, data, path, fmt, delimiter=declared)

    return build


def file_fake_xlsx(where: str):
    """A CSV (or any other bytes) saved under an .xlsx name."""

    def build(tmp: Path, sources: Sources, fmt: str) -> Call:
        data = sources.datasets["province"]
        payload = {
            "csv-text": _csv_text(data, data.grid).encode("utf-8"),
            "html-table": "<html><body><table><tr><td>地区</td></tr></table></body></html>".encode(),
        }[where]
        return _raw_call(sources, data, _write_bytes(tmp, f"{data.stem}.xlsx", payload), "xlsx")

    return build


OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def file_legacy_xls(where: str):
    """A legacy .xls: an OLE2 compound file, other bytes, or a CSV under an .xls name."""

    def build(tmp: Path, sources: Sources, fmt: str) -> Call:
        data = sources.datasets["province"]
        payload = {
            "ole2": OLE2 + b"\0" * 504,
            "random-bytes": bytes(range(256)) * 4,
            "csv-text": _csv_text(data, data.grid).encode("gbk"),
        }[where]
        return _raw_call(sources, data, _write_bytes(tmp, f"{data.stem}.xls", payload), "xls")

    return build


WHOLE_FILE = ("file", "key")  # nothing in the file to point at: the file and the key that names it
CSV_FORMATS = tuple(ENCODINGS)
FILE_KINDS = {
    # kind: (builder, where values, formats, expected outcome per format kind)
    "truncated": (
        file_truncated,
        ("last", "middle"),
        TABLE_FORMATS,
        {
            "csv": Stop(("file", "row"), r"cut short|ends in the middle"),
            "xlsx": Stop(WHOLE_FILE, r"cannot read the file as an Excel workbook"),
        },
    ),
    "extra-field": (
        file_extra_field,
        ROWS,
        TABLE_FORMATS,
        {
            "csv": Stop(("file", "row"), r"fields but the header"),
            # a cell right of the header is a column without a name: ignored, and reported as ignored
            "xlsx": Same(r"Unnamed: 6"),
        },
    ),
    "empty-file": (
        file_empty,
        ("zero-bytes", "blank-lines"),
        TABLE_FORMATS,
        {
            "csv": Stop(("file", "row"), r"the file is empty"),
            "xlsx": Stop(WHOLE_FILE, r"cannot read the file as an Excel workbook"),
        },
    ),
    "header-only": (
        file_header_only,
        ("file",),
        TABLE_FORMATS,
        {"csv": Stop(("file", "row"), r"a header but no data rows"), "xlsx": None},
    ),
    "directory": (
        file_directory,
        ("file",),
        ("csv-utf8", "xlsx"),
        {"csv": Stop(WHOLE_FILE, r"folder, not a file"), "xlsx": None},
    ),
    "missing-file": (
        file_missing,
        ("file",),
        ("csv-utf8", "xlsx"),
        {"csv": Stop(WHOLE_FILE, r"statistics file not found"), "xlsx": None},
    ),
    "skip-rows": (
        file_skip_rows,
        ("too-many", "too-few"),
        TABLE_FORMATS,
        {
            "csv": Stop(("file", "column"), r"column .* not found"),
            # the one-cell title row taken for the header: the rows below it have more fields
            "csv:too-few": Stop(("file", "row"), r"row 2 has 6 fields but the header 1"),
            "xlsx": Stop(("file", "column"), r"column .* not found"),
        },
    ),
    "skip-rows-right": (file_skip_rows, ("right",), TABLE_FORMATS, {"csv": Same(None), "xlsx": None}),
    "wrong-encoding": (
        file_wrong_encoding,
        tuple(WRONG_ENCODINGS),
        ("csv-utf8",),
        # decoding fails (a row named) or gives other text: a header without the configured columns
        {"csv": Stop(("file",), r"not in the .* encoding|column .* not found|match no unit"), "xlsx": None},
    ),
    "wrong-delimiter": (
        file_wrong_delimiter,
        tuple(WRONG_DELIMITERS),
        ("csv-utf8", "csv-gbk"),
        {"csv": Stop(("file", "column"), r"column .* not found"), "xlsx": None},
    ),
    "xlsx-not-a-workbook": (
        file_fake_xlsx,
        ("csv-text", "html-table"),
        ("xlsx",),
        {"xlsx": Stop(WHOLE_FILE, r"cannot read the file as an Excel workbook")},
    ),
    "legacy-xls": (
        file_legacy_xls,
        ("ole2", "random-bytes", "csv-text"),
        ("xls",),
        {"xls": Stop(WHOLE_FILE, r"legacy Excel file \(\.xls\)")},
    ),
}


def file_outcome(outcomes: dict, fmt: str, where: str) -> Outcome:
    family = "xls" if fmt == "xls" else ("xlsx" if fmt == "xlsx" else "csv")
    return outcomes.get(f"{family}:{where}") or outcomes.get(family) or outcomes["csv"]


def _with_format(builder, where, fmt):
    make = builder(where)

    def build(tmp: Path, sources: Sources) -> Call:
        return make(tmp, sources, fmt)

    return build


def clean_case(dataset: str, fmt: str) -> Callable:
    def build(tmp: Path, sources: Sources) -> Call:
        data = sources.datasets[dataset]
        return panel_call(tmp, sources, data, copy_grid(data.grid), fmt)

    return build


def panel_cases() -> list[Case]:
    cases = []
    for dataset in ("province", "hunan"):
        tag = "" if dataset == "province" else "hunan-"
        formats = TABLE_FORMATS if dataset == "province" else ("csv-utf8", "xlsx")
        for fmt in formats:
            cases.append(
                Case(f"{tag}clean-table-{fmt}", "clean", "table", fmt, clean_case(dataset, fmt), Same())
            )
        for kind in VALUE_KINDS:
            for where in ROWS:
                for fmt in formats:
                    if kind.name.startswith("excel-") and fmt != "xlsx" and dataset == "hunan":
                        continue
                    if not encodable([[kind.corrupt("6468.0")]], fmt):
                        continue  # GBK has no superscript two
                    cases.append(
                        Case(
                            f"{tag}{kind.name}-{where}-{fmt}",
                            kind.name,
                            where,
                            fmt,
                            value_case(kind, dataset, where, fmt),
                            kind.expect,
                        )
                    )
        for kind in ROW_KINDS:
            if dataset not in kind.datasets:
                continue
            for where in ROWS:
                for fmt in formats:
                    if kind.name == "nbsp-unit" and fmt == "csv-gbk":
                        continue  # GBK has no NBSP: a GBK file holds U+3000 (ideographic-space-unit)
                    cases.append(
                        Case(
                            f"{tag}{kind.name}-{where}-{fmt}",
                            kind.name,
                            where,
                            fmt,
                            row_case(kind, dataset, where, fmt),
                            kind.expect,
                            xfail=kind.xfail,
                        )
                    )
        if dataset == "hunan":
            continue
        for kind, (_, expect) in HEADER_KINDS.items():
            for where in HEADER_WHERE:
                for fmt in formats:
                    cases.append(
                        Case(
                            f"{kind}-{where}-{fmt}",
                            kind,
                            where,
                            fmt,
                            header_case(kind, dataset, where, fmt),
                            expect,
                        )
                    )
    for kind, (builder, wheres, formats, outcomes) in FILE_KINDS.items():
        for where in wheres:
            for fmt in formats:
                cases.append(
                    Case(
                        f"{kind}-{where}-{fmt}",
                        kind,
                        where,
                        fmt,
                        _with_format(builder, where, fmt),
                        file_outcome(outcomes, fmt, where),
                    )
                )
    return cases


# -- weights files ------------------------------------------------------------------------------------------

W_FORMATS = {"gal": ".gal", "gwt": ".gwt", "stata": ".txt", "csv": ".csv"}


def write_weights(path: Path, fmt: str, ids, matrix) -> None:
    from nqpf.weights import files

    writer = {
        "gal": files.write_gal,
        "gwt": files.write_gwt,
        "stata": files.write_stata,
        "csv": files.write_csv,
    }
    writer[fmt](list(ids), sp.csr_matrix(matrix), path)


def w_unit(sources: Sources, where: str) -> int:
    n = len(sources.w_ids)
    return {"first": 0, "middle": n // 2, "last": n - 1}[where]


def weights_call(path: Path, fmt: str) -> Call:
    from nqpf import SpatialWeights

    return Call(lambda: SpatialWeights.from_file(path, format=fmt), "weights")


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def _save_lines(path: Path, lines: list[str], end: str = "\n") -> None:
    path.write_text("\n".join(lines) + end, encoding="utf-8")


def _gal_block(lines: list[str], unit: str) -> int:
    """Index of the line ``unit k`` of a GAL file."""
    for k in range(1, len(lines), 2):
        if lines[k].split()[0] == unit:
            return k
    raise AssertionError(unit)


def _gwt_line(lines: list[str], unit: str) -> int:
    return next(k for k, line in enumerate(lines) if k and line.split()[0] == unit)


def _matrix_row(lines: list[str], fmt: str, i: int) -> int:
    return i + 1  # Stata: the count line first; CSV: the header first


def _set_weight(path: Path, fmt: str, sources: Sources, i: int, text: str) -> None:
    """Write ``text`` as the weight of unit i's first link."""
    lines = _lines(path)
    j = int(sources.w_raw[i].indices[0])
    if fmt == "gwt":
        k = _gwt_line(lines, sources.w_ids[i])
        a, b, _ = lines[k].split()
        lines[k] = f"{a} {b} {text}"
    else:
        sep = "," if fmt == "csv" else " "
        k = _matrix_row(lines, fmt, i)
        cells = lines[k].split(sep)
        cells[j + 1] = text
        lines[k] = sep.join(cells)
    _save_lines(path, lines)


def w_clean(path, fmt, sources, i):
    pass


def w_repeated_link(path, fmt, sources, i):
    lines = _lines(path)
    unit = sources.w_ids[i]
    if fmt == "gal":
        k = _gal_block(lines, unit)
        a, count = lines[k].split()
        named = lines[k + 1].split()
        lines[k] = f"{a} {int(count) + 1}"
        lines[k + 1] = " ".join([*named, named[0]])
    else:
        k = _gwt_line(lines, unit)
        lines.insert(k + 1, lines[k])
    _save_lines(path, lines)


def w_self_link(path, fmt, sources, i):
    lines = _lines(path)
    unit = sources.w_ids[i]
    if fmt == "gal":
        k = _gal_block(lines, unit)
        a, count = lines[k].split()
        lines[k] = f"{a} {int(count) + 1}"
        lines[k + 1] = lines[k + 1] + f" {unit}"
        _save_lines(path, lines)
    elif fmt == "gwt":
        k = _gwt_line(lines, unit)
        lines.insert(k, f"{unit} {unit} 1")
        _save_lines(path, lines)
    else:
        _set_weight_at(path, fmt, i, i, "1")


def _set_weight_at(path, fmt, i, j, text):
    lines = _lines(path)
    sep = "," if fmt == "csv" else " "
    k = _matrix_row(lines, fmt, i)
    cells = lines[k].split(sep)
    cells[j + 1] = text
    lines[k] = sep.join(cells)
    _save_lines(path, lines)


def w_weight(text):
    def corrupt(path, fmt, sources, i):
        _set_weight(path, fmt, sources, i, text)

    return corrupt


def w_unknown_id(path, fmt, sources, i):
    """A neighbour (or, in a matrix, a row) whose id is none of the units the header counts."""
    lines = _lines(path)
    unit = sources.w_ids[i]
    if fmt == "gal":
        k = _gal_block(lines, unit)
        a, count = lines[k].split()
        lines[k] = f"{a} {int(count) + 1}"
        lines[k + 1] = lines[k + 1] + " 99999"
    elif fmt == "gwt":
        k = _gwt_line(lines, unit)
        lines.insert(k + 1, f"{unit} 99999 1")
    else:
        k = i + 1
        lines[k] = "99999," + lines[k].split(",", 1)[1]
    _save_lines(path, lines)


def w_extra_unit(path, fmt, sources, i):
    """A unit block (GAL) or row (Stata) after the number of units the header announces."""
    lines = _lines(path)
    if fmt == "gal":
        lines += ["99999 1", sources.w_ids[i]]
    else:
        lines.append("99999 " + " ".join(["0"] * len(sources.w_ids)))
    _save_lines(path, lines)


def w_truncated(path, fmt, sources, i):
    """Cut in the middle of the line of unit i (GAL: its neighbour line); the rest is lost."""
    lines = _lines(path)
    unit = sources.w_ids[i]
    if fmt == "gal":
        k = _gal_block(lines, unit) + 1
    elif fmt == "gwt":
        k = _gwt_line(lines, unit)
    else:
        k = _matrix_row(lines, fmt, i)
    cut = lines[:k] + [lines[k][: max(1, len(lines[k]) // 2)]]
    _save_lines(path, cut, end="")


def w_header_count(delta):
    def corrupt(path, fmt, sources, i):
        lines = _lines(path)
        if fmt == "gal":
            parts = lines[0].split()
            parts[1] = str(int(parts[1]) + delta)
            lines[0] = " ".join(parts)
        else:
            lines[0] = str(int(lines[0]) + delta)
        _save_lines(path, lines)

    return corrupt


def w_empty(path, fmt, sources, i):
    path.write_bytes(b"")


def w_header_only(path, fmt, sources, i):
    _save_lines(path, _lines(path)[:1])


def island_matrix(sources: Sources, i: int) -> sp.csr_matrix:
    dense = sources.w_raw.toarray()
    dense[i, :] = 0
    dense[:, i] = 0
    return sp.csr_matrix(dense)


def asymmetric_matrix(sources: Sources, i: int) -> sp.csr_matrix:
    dense = sources.w_raw.toarray()
    dense[i, int(sources.w_raw[i].indices[0])] = 0
    return sp.csr_matrix(dense)


def w_island(path, fmt, sources, i):
    write_weights(path, fmt, sources.w_ids, island_matrix(sources, i))


def w_asymmetric(path, fmt, sources, i):
    write_weights(path, fmt, sources.w_ids, asymmetric_matrix(sources, i))


def w_diagonal(path, fmt, sources, i):
    _set_weight_at(path, fmt, i, i, "0.5")


def w_not_square(path, fmt, sources, i):
    """A matrix with one weight too few in row i (Stata) or one column too few (CSV)."""
    lines = _lines(path)
    if fmt == "stata":
        k = _matrix_row(lines, fmt, i)
        lines[k] = lines[k].rsplit(" ", 1)[0]
    else:
        lines = [line.rsplit(",", 1)[0] for line in lines]
    _save_lines(path, lines)


def w_repeated_unit(path, fmt, sources, i):
    """Unit i's block (GAL) or row (matrix) given a second time in place of its successor."""
    lines = _lines(path)
    if fmt == "gal":
        k = _gal_block(lines, sources.w_ids[i])
        j = k + 2 if k + 2 < len(lines) else k - 2
        lines[j], lines[j + 1] = lines[k], lines[k + 1]
    else:
        sep = "," if fmt == "csv" else " "
        k = _matrix_row(lines, fmt, i)
        j = k + 1 if k + 1 < len(lines) else k - 1
        lines[j] = lines[k].split(sep, 1)[0] + sep + lines[j].split(sep, 1)[1]
    _save_lines(path, lines)


# kind: (corrupt, formats, outcome, expected matrix for Changed)
W_KINDS = {
    "clean": (w_clean, tuple(W_FORMATS), Same(), None),
    "repeated-link": (w_repeated_link, ("gal", "gwt"), Stop(("file", "row"), r"twice|repeat"), None),
    "self-link": (w_self_link, ("gal", "gwt"), Stop(("file", "row"), r"own neighbour|itself"), None),
    "diagonal": (w_diagonal, ("stata", "csv"), Stop(("file", "row", "unit"), r"non-zero diagonal"), None),
    "text-weight": (
        w_weight("abc"),
        ("gwt", "stata", "csv"),
        Stop(("file", "row"), r"abc|not a number"),
        None,
    ),
    "negative-weight": (
        w_weight("-1"),
        ("gwt", "stata", "csv"),
        Stop(("file", "row", "unit"), r"-1\.0|negative"),
        None,
    ),
    "nan-weight": (
        w_weight("nan"),
        ("gwt", "stata", "csv"),
        Stop(("file", "row", "unit"), r"not a finite"),
        None,
    ),
    "inf-weight": (
        w_weight("inf"),
        ("gwt", "stata", "csv"),
        Stop(("file", "row", "unit"), r"not a finite"),
        None,
    ),
    "unknown-id": (
        w_unknown_id,
        ("gal", "gwt", "csv"),  # a Stata file has no list of ids to check a row id against
        Stop(("file", "row"), r"99999|not one of the file's units|column ids"),
        None,
    ),
    "extra-unit": (w_extra_unit, ("gal", "stata"), Stop(("file", "row"), r"announces|more"), None),
    "repeated-unit": (
        w_repeated_unit,
        ("gal", "stata", "csv"),
        Stop(("file", "row"), r"twice|column ids"),
        None,
    ),
    "truncated": (w_truncated, tuple(W_FORMATS), Stop(("file", "row"), r"."), None),
    "count-too-high": (w_header_count(1), ("gal", "stata"), Stop(("file", "row"), r"."), None),
    "count-too-low": (w_header_count(-1), ("gal", "stata"), Stop(("file", "row"), r"."), None),
    "empty-file": (w_empty, tuple(W_FORMATS), Stop(("file", "row"), r"empty"), None),
    "header-only": (
        w_header_only,
        tuple(W_FORMATS),
        Stop(("file", "row"), r"header but no (links|rows)|announces \d+ units but the file (ends|has 0)"),
        None,
    ),
    # a unit without neighbours: allowed (islands are reported in the weights summary)
    "island": (w_island, ("gal", "stata", "csv"), Changed(r'"islands": \[\{"code"'), island_matrix),
    # one direction of a link removed: allowed (k-nearest-neighbour W are asymmetric), reported as not symmetric
    "asymmetric-link": (w_asymmetric, tuple(W_FORMATS), Changed(r'"symmetric": false'), asymmetric_matrix),
    "not-square": (w_not_square, ("stata", "csv"), Stop(("file", "row"), r"."), None),
}
W_WHERE = {"clean": ("file",), "empty-file": ("file",), "header-only": ("file",), "count-too-high": ("file",)}
W_WHERE |= {"count-too-low": ("file",), "extra-unit": ("file",)}


def weights_case(kind: str, where: str, fmt: str) -> Callable:
    corrupt, _, _, expected = W_KINDS[kind]

    def build(tmp: Path, sources: Sources) -> Call:
        path = tmp / f"queen{W_FORMATS[fmt]}"
        write_weights(path, fmt, sources.w_ids, sources.w_raw)
        i = w_unit(sources, where if where in ROWS else "middle")
        corrupt(path, fmt, sources, i)
        call = weights_call(path, fmt)
        if expected is not None:
            call.expected = expected(sources, i)
        return call

    return build


def weights_cases() -> list[Case]:
    cases = []
    for kind, (_, formats, expect, _) in W_KINDS.items():
        for where in W_WHERE.get(kind, ROWS):
            for fmt in formats:
                cases.append(
                    Case(
                        f"w-{kind}-{where}-{fmt}",
                        f"w-{kind}",
                        where,
                        fmt,
                        weights_case(kind, where, fmt),
                        expect,
                    )
                )
    cases += [
        Case(
            "w-missing-file-gal", "w-missing-file", "file", "gal", _w_missing, Stop(WHOLE_FILE, r"not found")
        ),
        Case("w-directory-gwt", "w-directory", "file", "gwt", _w_directory, Stop(WHOLE_FILE, r"folder")),
        Case("w-gbk-text-gal", "w-encoding", "file", "gal", _w_gbk, Stop(("file", "row"), r"UTF-8")),
    ]
    return cases + matrix_cases()


# -- bare matrices (format matrix): CSV, XLSX and MAT with an ids file ------------------------------------------

M_FORMATS = {"matrix-csv": ".csv", "matrix-xlsx": ".xlsx", "matrix-mat": ".mat"}


def _m_cells(path: Path, fmt: str) -> np.ndarray:
    """The matrix file's cells as an object array (CSV, XLSX) or floats (MAT)."""
    if fmt == "matrix-csv":
        with open(path, encoding="utf-8", newline="") as handle:
            return np.array(list(csv.reader(handle)), dtype=object)
    if fmt == "matrix-xlsx":
        from openpyxl import load_workbook

        book = load_workbook(path)
        cells = np.array([list(row) for row in book.active.iter_rows(values_only=True)], dtype=object)
        book.close()
        return cells
    from scipy.io import loadmat

    return loadmat(path)["W"]


def _m_save(path: Path, fmt: str, cells) -> None:
    if fmt == "matrix-csv":
        with open(path, "w", encoding="utf-8", newline="") as handle:
            csv.writer(handle, lineterminator="\n").writerows([[str(v) for v in row] for row in cells])
    elif fmt == "matrix-xlsx":
        from openpyxl import Workbook

        book = Workbook()
        for row in cells:
            book.active.append([_xlsx_value(v) for v in row])
        book.save(path)
    else:
        from scipy.io import savemat

        savemat(path, {"W": np.asarray(cells, dtype=float)})


def _xlsx_value(value):
    """A number as a number cell; text (and "nan", which an .xlsx cannot hold as a number) as text."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return value
    return number if np.isfinite(number) else str(value)


def _m_set(value):
    """Write ``value`` as the weight of unit i's first link (text where the format holds text)."""

    def corrupt(path, ids_path, fmt, sources, i):
        cells = _m_cells(path, fmt)
        j = int(sources.w_raw[i].indices[0])
        if fmt == "matrix-mat":
            cells = cells.astype(float)
            cells[i, j] = float(value)
        else:
            cells = cells.astype(object)
            cells[i, j] = value
        _m_save(path, fmt, cells)

    return corrupt


def m_clean(path, ids_path, fmt, sources, i):
    pass


def m_diagonal(path, ids_path, fmt, sources, i):
    cells = _m_cells(path, fmt).astype(float if fmt == "matrix-mat" else object)
    cells[i, i] = 0.5 if fmt == "matrix-mat" else "0.5"
    _m_save(path, fmt, cells)


def m_not_square(path, ids_path, fmt, sources, i):
    """One column too many (a weight in it at row i)."""
    cells = _m_cells(path, fmt)
    extra = (
        np.zeros((cells.shape[0], 1)) if fmt == "matrix-mat" else np.full((cells.shape[0], 1), "0", object)
    )
    extra[i, 0] = 1 if fmt == "matrix-mat" else "1"
    _m_save(path, fmt, np.hstack([cells, extra]))


def m_repeated_id(path, ids_path, fmt, sources, i):
    lines = _lines(ids_path)
    j = i + 1 if i + 1 < len(sources.w_ids) else i - 1
    lines[j + 1] = lines[i + 1]  # line 1 is the header ``code``
    _save_lines(ids_path, lines)


def m_ids_short(path, ids_path, fmt, sources, i):
    lines = _lines(ids_path)
    del lines[i + 1]
    _save_lines(ids_path, lines)


def m_ids_missing(path, ids_path, fmt, sources, i):
    ids_path.unlink()


def m_island(path, ids_path, fmt, sources, i):
    _m_rewrite(path, fmt, sources, island_matrix(sources, i))


def m_asymmetric(path, ids_path, fmt, sources, i):
    _m_rewrite(path, fmt, sources, asymmetric_matrix(sources, i))


def _m_rewrite(path, fmt, sources, matrix) -> None:
    from nqpf.weights import files

    files.write_matrix(sources.w_ids, matrix, path)


def m_v73(path, ids_path, fmt, sources, i):
    head = b"MATLAB 7.3 MAT-file, Platform: GLNXA64, Created on: Mon Jan  1 00:00:00 2024 HDF5 schema 1.00 ."
    data = head.ljust(116, b" ") + b"\x00" * 8 + b"\x00\x02IM"
    path.write_bytes(data.ljust(512, b"\x00") + b"\x89HDF\r\n\x1a\n" + b"\x00" * 64)


ALL_M = tuple(M_FORMATS)
M_KINDS = {
    "clean": (m_clean, ALL_M, Same(), None),
    "nan-weight": (_m_set("nan"), ALL_M, Stop(("file", "row", "column", "unit"), r"not a finite"), None),
    "negative-weight": (_m_set("-1"), ALL_M, Stop(("file", "row", "column", "unit"), r"negative"), None),
    "text-weight": (
        _m_set("abc"),
        ("matrix-csv", "matrix-xlsx"),
        Stop(("file", "row", "column", "unit"), r"'abc', not a number"),
        None,
    ),
    "diagonal": (m_diagonal, ALL_M, Stop(("file", "row", "column", "unit"), r"non-zero diagonal"), None),
    "not-square": (m_not_square, ALL_M, Stop(("file", "row", "column"), r"not square"), None),
    "repeated-id": (m_repeated_id, ALL_M, Stop(("file", "row", "unit", "key"), r"given twice"), None),
    "ids-short": (m_ids_short, ALL_M, Stop(("file", "row"), r"not square|ids"), None),
    "ids-missing": (
        m_ids_missing,
        ALL_M,
        Stop(("file", "key"), r"ids file of the matrix is not found"),
        None,
    ),
    "v73": (m_v73, ("matrix-mat",), Stop(("file", "row"), r"v7\.3"), None),
    "island": (m_island, ALL_M, Changed(r'"islands": \[\{"code"'), island_matrix),
    "asymmetric-link": (m_asymmetric, ALL_M, Changed(r'"symmetric": false'), asymmetric_matrix),
}
M_WHERE = {"clean": ("file",), "ids-missing": ("file",), "v73": ("file",)}


def matrix_case(kind: str, where: str, fmt: str) -> Callable:
    corrupt, _, _, expected = M_KINDS[kind]

    def build(tmp: Path, sources: Sources) -> Call:
        from nqpf import SpatialWeights
        from nqpf.weights import files

        path = tmp / f"queen{M_FORMATS[fmt]}"
        ids_path = files.write_matrix(sources.w_ids, sources.w_raw, path)
        i = w_unit(sources, where if where in ROWS else "middle")
        corrupt(path, ids_path, fmt, sources, i)
        call = Call(lambda: SpatialWeights.from_file(path, format="matrix", ids=ids_path), "weights")
        if expected is not None:
            call.expected = expected(sources, i)
        return call

    return build


def matrix_cases() -> list[Case]:
    return [
        Case(
            f"w-matrix-{kind}-{where}-{fmt}",
            f"w-matrix-{kind}",
            where,
            fmt,
            matrix_case(kind, where, fmt),
            expect,
        )
        for kind, (_, formats, expect, _) in M_KINDS.items()
        for where in M_WHERE.get(kind, ROWS)
        for fmt in formats
    ]


def _w_missing(tmp: Path, sources: Sources) -> Call:
    return weights_call(tmp / "queen.gal", "gal")


def _w_directory(tmp: Path, sources: Sources) -> Call:
    (tmp / "queen.gwt").mkdir()
    return weights_call(tmp / "queen.gwt", "gwt")


def _w_gbk(tmp: Path, sources: Sources) -> Call:
    path = tmp / "queen.gal"
    write_weights(path, "gal", sources.w_ids, sources.w_raw)
    lines = _lines(path)
    lines[0] = "0 88 湖南县界 ID_3"
    path.write_bytes(("\n".join(lines) + "\n").encode("gbk"))
    return weights_call(path, "gal")


# -- polygons -----------------------------------------------------------------------------------------------

POLYGON_FORMATS = {"shp": "Hunan.shp", "gpkg": "hunan.gpkg"}


def polygons_call(path: Path, **options) -> Call:
    from nqpf.units import boundaries

    def run():
        gdf, report = boundaries.read_file(path, id_field="County", name_field="County", **options)
        return gdf, report

    return Call(run, "boundaries")


def _hunan_frame(sources: Sources, tmp: Path):
    """The Hunan polygons as the file holds them (County id, other fields) for editing."""
    import geopandas as gpd

    return gpd.read_file(sources.root / "hunan" / "Hunan.shp")


def _save_polygons(gdf, tmp: Path, fmt: str) -> Path:
    path = tmp / POLYGON_FORMATS[fmt]
    gdf.to_file(path, driver="ESRI Shapefile" if fmt == "shp" else "GPKG")
    return path


def polygon_position(gdf, where: str) -> int:
    return {"first": 0, "middle": len(gdf) // 2, "last": len(gdf) - 1}[where]


def _edit_geometry(make):
    def corrupt(gdf, k):
        geometries = list(gdf.geometry)
        geometries[k] = make(geometries[k])
        return gdf.set_geometry(geometries, crs=gdf.crs)

    return corrupt


def _bowtie(geometry):
    from shapely.geometry import Polygon

    x0, y0, x1, y1 = geometry.bounds
    return Polygon([(x0, y0), (x1, y1), (x1, y0), (x0, y1), (x0, y0)])


def _points(gdf, k):
    """Unit k as a point (in a GeoPackage, which mixes geometry types), or every unit (k None: a point
    shapefile)."""
    geometries = list(gdf.geometry)
    for i in range(len(geometries)) if k is None else [k]:
        geometries[i] = geometries[i].representative_point()
    return gdf.set_geometry(geometries, crs=gdf.crs)


def _repeated_id(gdf, k):
    gdf = gdf.copy()
    gdf.loc[k, "County"] = gdf.loc[(k + 1) % len(gdf), "County"]
    return gdf


def _empty_id(gdf, k):
    gdf = gdf.copy()
    gdf.loc[k, "County"] = None
    return gdf


def _empty_geometry(geometry):
    from shapely.geometry import Polygon

    return Polygon()


POLYGON_KINDS = {
    "null-geometry": (
        _edit_geometry(lambda g: None),
        Stop(("file", "unit", "column"), r"empty or missing geometry"),
    ),
    "empty-geometry": (
        _edit_geometry(_empty_geometry),
        Stop(("file", "unit", "column"), r"empty or missing geometry"),
    ),
    "bowtie": (_edit_geometry(_bowtie), Stop(("file", "row", "unit", "column"), r"invalid polygons")),
    "repeated-id": (_repeated_id, Stop(("file", "row", "unit", "column"), r"duplicate ids")),
    "empty-id": (_empty_id, Stop(("file", "row", "column"), r"without an id")),
    "points": (_points, Stop(("file", "unit", "column"), r"without any polygon")),
}


def polygon_case(kind: str, where: str, fmt: str) -> Callable:
    corrupt, _ = POLYGON_KINDS[kind]

    def build(tmp: Path, sources: Sources) -> Call:
        gdf = _hunan_frame(sources, tmp)
        gdf = corrupt(gdf, None if where == "file" else polygon_position(gdf, where))
        return polygons_call(_save_polygons(gdf, tmp, fmt))

    return build


def _shapefile_without(suffix: str, **options):
    def build(tmp: Path, sources: Sources) -> Call:
        for other in (".shp", ".shx", ".dbf", ".prj"):
            if other != suffix:
                shutil.copy(sources.root / "hunan" / f"Hunan{other}", tmp / f"Hunan{other}")
        return polygons_call(tmp / "Hunan.shp", **options)

    return build


def _bowtie_repaired(tmp: Path, sources: Sources) -> Call:
    gdf = _hunan_frame(sources, tmp)
    k = polygon_position(gdf, "middle")
    gdf = _edit_geometry(_bowtie)(gdf, k)
    call = polygons_call(_save_polygons(gdf, tmp, "shp"), repair_invalid=True)
    call.expected = gdf.loc[k, "County"]
    return call


def _clean_polygons(fmt):
    def build(tmp: Path, sources: Sources) -> Call:
        if fmt == "shp":
            return _shapefile_without(".none")(tmp, sources)
        return polygons_call(_save_polygons(_hunan_frame(sources, tmp), tmp, fmt))

    return build


def polygon_cases() -> list[Case]:
    cases = [
        Case(f"poly-clean-file-{fmt}", "poly-clean", "file", fmt, _clean_polygons(fmt), Same())
        for fmt in POLYGON_FORMATS
    ]
    for kind, (_, expect) in POLYGON_KINDS.items():
        for where in ("file", *ROWS) if kind == "points" else ROWS:
            for fmt in POLYGON_FORMATS:
                if kind == "points" and (where == "file") != (fmt == "shp"):
                    continue  # a shapefile holds one geometry type: all points, or none
                cases.append(
                    Case(
                        f"poly-{kind}-{where}-{fmt}",
                        f"poly-{kind}",
                        where,
                        fmt,
                        polygon_case(kind, where, fmt),
                        expect,
                    )
                )
    cases += [
        Case(
            "poly-missing-dbf-file-shp",
            "poly-missing-dbf",
            "file",
            "shp",
            _shapefile_without(".dbf"),
            Stop(("file", "column"), r"no field 'County'"),
        ),
        Case(
            "poly-missing-shx-file-shp",
            "poly-missing-shx",
            "file",
            "shp",
            _shapefile_without(".shx"),
            Stop(WHOLE_FILE, r"cannot read the boundary file"),
        ),
        Case(
            "poly-missing-shp-file-shp",
            "poly-missing-shp",
            "file",
            "shp",
            _shapefile_without(".shp"),
            Stop(WHOLE_FILE, r"not found|cannot read"),
        ),
        Case(
            "poly-missing-prj-file-shp",
            "poly-missing-prj",
            "file",
            "shp",
            _shapefile_without(".prj"),
            Stop(("file", "unit", "column"), r"no coordinate reference system"),
        ),
        Case(
            "poly-missing-prj-assumed-shp",
            "poly-missing-prj-assumed",
            "file",
            "shp",
            _shapefile_without(".prj", assume_crs="EPSG:4326"),
            Same(r"no CRS in the file; assumed EPSG:4326"),
        ),
        Case(
            "poly-bowtie-repaired-shp",
            "poly-bowtie-repaired",
            "middle",
            "shp",
            _bowtie_repaired,
            Changed(r"repaired invalid polygons with shapely.make_valid"),
        ),
    ]
    return cases


# -- study configurations -----------------------------------------------------------------------------------

CONFIG_FORMATS = ("yaml", "json")


def configuration_call(path: Path) -> Call:
    from nqpf.study import configuration

    def run():
        data = configuration.load_yaml(path)
        # the names a study uses are checked against its panel's variables when the configuration is read
        return configuration.load(data, [(str(path), data)])

    return Call(run, "configuration")


def _yaml_edit(text: str, kind: str) -> str:
    lines = text.splitlines()

    def replace(old: str, new: str) -> None:
        k = next(k for k, line in enumerate(lines) if old in line)
        lines[k] = lines[k].replace(old, new, 1)

    years = next(k for k, line in enumerate(lines) if line.strip().startswith("years:"))
    if kind == "key-twice":
        lines.insert(years + 1, lines[years].replace("2012", "2015"))
    elif kind == "syntax-error":
        replace("years: {first: 2012, last: 2023}", "years: {first: 2012, last: 2023")
    elif kind == "tab":
        lines[years] = "\t" + lines[years].lstrip(" ")
    elif kind == "unknown-key":
        replace("years:", "yeras:")
    elif kind == "wrong-type":
        replace("first: 2012", "first: 2012年")
    elif kind == "misspelt-variable":
        replace("explanatory: [infrastructure, urbanisation", "explanatory: [infrastructure, urbanisaton")
    elif kind == "wrong-value":
        replace("level: province", "level: provinces")
    return "\n".join(lines) + "\n"


def _json_edit(text: str, kind: str) -> str:
    """The same study as JSON (which the loader reads as YAML), with the defect of this kind."""
    data = yaml.safe_load(
        _yaml_edit(text, kind) if kind not in ("key-twice", "syntax-error", "tab") else text
    )
    body = json.dumps(data, ensure_ascii=False, indent=2)
    if kind == "key-twice":
        body = body.replace('"years": {', '"years": {"first": 2015, "last": 2023},\n    "years": {', 1)
    elif kind == "syntax-error":
        body = body.replace('"last": 2023', '"last": 2023,,', 1)
    elif kind == "tab":
        body = json.dumps(data, ensure_ascii=False, indent="\t")
    return body


CONFIG_KINDS = {
    "clean": Same(),
    "key-twice": Stop(("file", "row"), r"given twice"),
    "syntax-error": Stop(("file", "row"), r"not valid YAML"),
    "tab": Stop(("file", "row"), r"not valid YAML"),
    "unknown-key": Stop(("file", "key"), r"unknown key 'yeras'.*did you mean 'years'"),
    "wrong-type": Stop(("file", "key"), r"studies\[0\]\.years\.first is a text"),
    "wrong-value": Stop(("file", "key"), r"units\.level is 'provinces'"),
    "misspelt-variable": Stop(("key", "column"), r"urbanisaton.*|does not have"),
}


def configuration_case(kind: str, fmt: str) -> Callable:
    def build(tmp: Path, sources: Sources) -> Call:
        path = tmp / f"study.{fmt}"
        edit = _yaml_edit if fmt == "yaml" else _json_edit
        path.write_text(edit(sources.config_text, kind), encoding="utf-8")
        return configuration_call(path)

    return build


def configuration_cases() -> list[Case]:
    cases = []
    for kind, expect in CONFIG_KINDS.items():
        for fmt in CONFIG_FORMATS:
            if kind == "tab" and fmt == "json":
                expect_here: Outcome = Same()  # a tab is whitespace in JSON (and in YAML's flow style)
            else:
                expect_here = expect
            cases.append(
                Case(
                    f"config-{kind}-study-{fmt}",
                    f"config-{kind}",
                    "study",
                    fmt,
                    configuration_case(kind, fmt),
                    expect_here,
                )
            )
    return cases


# -- all cases, and the default subset ----------------------------------------------------------------------


def all_cases() -> list[Case]:
    cases = panel_cases() + weights_cases() + polygon_cases() + configuration_cases()
    ids = [c.id for c in cases]
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
    return cases


def default_cases(cases: list[Case] | None = None) -> list[Case]:
    """A deterministic stratified subset: one case of every kind, taking the formats and positions in turn so
    every format and position is met; plus one more case of each format not yet met."""
    cases = cases if cases is not None else all_cases()
    by_kind: dict[str, list[Case]] = {}
    for case in cases:
        key = ("hunan-" if case.id.startswith("hunan-") else "") + case.kind
        by_kind.setdefault(key, []).append(case)
    chosen: list[Case] = []
    for k, (_, group) in enumerate(sorted(by_kind.items())):
        formats = sorted({c.format for c in group})
        fmt = formats[k % len(formats)]
        candidates = [c for c in group if c.format == fmt]
        chosen.append(candidates[k % len(candidates)])
    met = {c.format for c in chosen}
    for case in cases:
        if case.format not in met:
            chosen.append(case)
            met.add(case.format)
    return chosen


def numbers_equal(a: np.ndarray, b: np.ndarray) -> bool:
    return a.shape == b.shape and bool(np.array_equal(a, b))
