"""Reading statistics tables as yearbooks give them: CSV or XLSX, long or wide, columns named in the config.

Each table becomes long records (raw unit, raw parent, year, variable, value) that keep their provenance: file,
sheet, spreadsheet row and column, so every later error can point at the cell. Yearbook missing markers (…, —,
-, NA, 无, empty cells ...) become missing values and are counted; any other non-numeric cell is an error.

Layouts:
- ``long``: one row per unit, year and variable (columns ``unit``, ``year``, ``variable``, ``value``);
- ``wide``: one row per unit and year, one column per variable (``variables`` maps columns to names);
- ``wide_years``: one row per unit, one column per year, a single variable (``variable_name``).
"""

from __future__ import annotations

import glob
import io
import re
import unicodedata
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from nqpf.errors import InputError
from nqpf.io import sha256
from nqpf.panel.settings import TableSettings

DEFAULT_MISSING_MARKERS: tuple[str, ...] = (
    "",
    "…",
    "……",
    "...",
    "—",
    "——",
    "–",
    "-",
    "--",
    "NA",
    "N/A",
    "n.a.",
    "NaN",
    "null",
    "无",
    "#N/A",
)
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_ASCII_NUMBER = re.compile(
    r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
)  # _NUMBER in ASCII digits
_GROUPED = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_YEAR = re.compile(r"^((?:19|20)\d{2})(?:\.0+|年|年度)?$")
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_MAX_LISTED = 30
# The configuration key of a statistics file's path: what an error about the whole file (missing, a folder, not a
# workbook) points at besides the file.
PATH_KEY = "statistics.files[].path"
# The columns of a long record: what was read, where it came from.
RECORD_COLUMNS = [
    "unit_raw",
    "parent_raw",
    "year",
    "variable",
    "value",
    "value_raw",
    "file",
    "sheet",
    "row",
    "column",
]


@dataclass
class FileReport:
    """What reading one file found, for the validation report."""

    path: str
    sha256: str
    sheets: list[str] = field(default_factory=list)
    rows: int = 0
    blank_rows: int = 0
    records: int = 0
    missing: Counter = field(default_factory=Counter)  # marker -> count
    ignored_columns: list[str] = field(default_factory=list)
    ignored_labels: list[str] = field(default_factory=list)
    full_width: int = 0  # values written in full-width characters (１２３．４), read as their digits
    trimmed_units: int = 0  # unit cells with spaces (NBSP, U+3000 ...) around the name, matched without them


def _clean(text: object) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text)))


def expand(spec: TableSettings) -> list[str]:
    """The files a spec names: the path itself, or every file a glob pattern matches, sorted."""
    if any(ch in spec.path for ch in "*?["):
        paths = sorted(p for p in glob.glob(spec.path) if Path(p).is_file())
        if not paths:
            raise InputError(
                "no file matches the pattern",
                file=spec.path,
                key=PATH_KEY,
                fix="check statistics.files[].path in the config",
            )
        return paths
    if not Path(spec.path).exists():
        raise InputError(
            "statistics file not found",
            file=spec.path,
            key=PATH_KEY,
            fix="check statistics.files[].path in the config",
        )
    if not Path(spec.path).is_file():
        raise InputError(
            "the path is a folder, not a file",
            file=spec.path,
            key=PATH_KEY,
            fix="name the file itself, or a pattern such as data/rd_*.xlsx for every file of the folder",
        )
    return [spec.path]


def read_table(
    spec: TableSettings, missing_markers: tuple[str, ...]
) -> tuple[pd.DataFrame, list[FileReport]]:
    """Read every file of a spec into long records with provenance; see the module docstring."""
    _check_spec(spec)
    markers = {_clean(m) for m in missing_markers}
    frames, reports = [], []
    for path in expand(spec):
        report = FileReport(path=path, sha256=sha256(path))
        for sheet_name, table, first_row in _sheets(spec, path):
            report.sheets.append(str(sheet_name))
            frames.append(_records(spec, path, sheet_name, table, first_row, markers, report))
        if report.rows == 0:
            raise InputError(
                "the file has a header but no data rows"
                if report.blank_rows == 0
                else "the file has only blank rows",
                file=path,
                row=spec.skip_rows + 2,
                fix="give the file its data rows below the header (or check skip_rows and sheet)",
            )
        reports.append(report)
    records = pd.concat(frames, ignore_index=True) if frames else _empty_records()
    _raise_bad_cells(records)
    return records.drop(columns=["bad"]), reports


def _check_spec(spec: TableSettings) -> None:
    """What the settings model leaves open: where the years come from."""
    if spec.layout != "wide_years" and not spec.year and not spec.year_from:
        raise InputError(
            "no year column given",
            file=spec.path,
            fix="set `year` (a column) or `year_from: sheet | filename`",
        )


def _legacy_xls(path: str) -> InputError:
    return InputError(
        "a legacy Excel file (.xls) cannot be read",
        file=path,
        key=PATH_KEY,
        fix="open it in Excel or LibreOffice and save it as .xlsx (or export the sheet as CSV)",
    )


def _sheets(spec: TableSettings, path: str):
    suffix = Path(path).suffix.lower()
    if suffix in (".xlsx", ".xlsm", ".xls"):
        try:
            # keep_default_na=False: the cells are read as written ("NaN", "nan", "NA" are text, as in a CSV);
            # the missing markers are ours to apply, each counted
            book = pd.read_excel(
                path,
                sheet_name=None if spec.sheet == "*" else spec.sheet,
                header=spec.skip_rows,
                dtype=object,
                keep_default_na=False,
            )
        except ImportError as err:  # .xls needs xlrd, which nqpf does not install
            raise _legacy_xls(path) from err
        except (ValueError, zipfile.BadZipFile, OSError) as err:
            if suffix == ".xls":  # whatever its bytes, an .xls file is not read: it must be saved as .xlsx
                raise _legacy_xls(path) from err
            if "not found" in str(err) or "out of range" in str(err) or "index" in str(err).lower():
                raise InputError(
                    f"cannot read the sheet: {err}",
                    file=path,
                    key="statistics.files[].sheet",
                    fix="check `sheet` for this file",
                ) from err
            raise InputError(
                f"cannot read the file as an Excel workbook: {err}",
                file=path,
                key=PATH_KEY,
                fix="check that the file is an Excel workbook saved as .xlsx (not renamed from another format, "
                "not empty, not open in Excel while the workflow runs)",
            ) from err
        if not isinstance(book, dict):
            book = {spec.sheet: book}
        first_row = spec.skip_rows + 2
        errors = _error_cells(path, list(book)) if suffix != ".xls" else {}
        for name, table in book.items():
            _check_header(spec, path, _unmangled(list(table.columns)))
            # pandas reads an error cell (#DIV/0!, #REF!) as empty: put its text back, so it is a bad cell
            for (row, column), text in errors.get(str(name), {}).items():
                if row >= first_row and row - first_row < len(table) and column <= table.shape[1]:
                    table.iat[row - first_row, column - 1] = text
            yield name, table, first_row
    elif suffix in (".csv", ".txt", ".tsv"):
        yield None, _read_csv(spec, path, "\t" if suffix == ".tsv" else spec.delimiter), spec.skip_rows + 2
    else:
        raise InputError(
            f"unsupported file type {suffix!r}",
            file=path,
            key=PATH_KEY,
            fix="give a .csv, .tsv or .xlsx file",
        )


_ERROR_TYPE = re.compile(rb"\st\s*=\s*[\"']e[\"']")  # a cell's type attribute t="e": an error cell


def _may_hold_errors(path: str) -> bool:
    """Whether a worksheet of the .xlsx file has a cell of type error in its XML (t="e"), read as bytes: a
    workbook without one needs no second reading cell by cell (0.15 s against 2.9 s for the 556,000 cells of
    the county demo's workbook).
    Anything unexpected (not a zip archive) says yes, leaving the judgement to openpyxl."""
    try:
        with zipfile.ZipFile(path) as archive:
            return any(
                _ERROR_TYPE.search(archive.read(name))
                for name in archive.namelist()
                if name.startswith("xl/worksheets/") and name.endswith(".xml")
            )
    except (zipfile.BadZipFile, OSError, KeyError):
        return True


def _error_cells(path: str, sheets: list) -> dict[str, dict[tuple[int, int], str]]:
    """The error cells (#DIV/0!, #REF!, #N/A ...) of the sheets of an .xlsx file: sheet -> (row, column) -> text,
    1-based as Excel counts."""
    import openpyxl

    found: dict[str, dict[tuple[int, int], str]] = {}
    if not _may_hold_errors(path):
        return found
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        for sheet in book.worksheets:
            if sheet.title not in {str(s) for s in sheets} and not any(isinstance(s, int) for s in sheets):
                continue
            key = sheet.title
            for row in sheet.iter_rows():
                for cell in row:
                    if getattr(cell, "data_type", None) == "e":
                        found.setdefault(key, {})[(cell.row, cell.column)] = str(cell.value)
    finally:
        book.close()
    if any(isinstance(s, int) for s in sheets):  # a sheet given by position: map positions to titles
        titles = book.sheetnames
        found = {
            str(s): found.get(titles[s], {}) for s in sheets if isinstance(s, int) and s < len(titles)
        } | found
    return found


def _read_csv(spec: TableSettings, path: str, delimiter: str) -> pd.DataFrame:
    """A CSV as text cells; an empty file, a file shorter than ``skip_rows``, a row with more fields than the
    header and a header naming a configured column twice stop with the row."""
    import warnings

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", pd.errors.ParserWarning)
            table = pd.read_csv(
                path,
                dtype=str,
                keep_default_na=False,
                skiprows=spec.skip_rows,
                encoding=spec.encoding,
                sep=delimiter,
                skip_blank_lines=False,
                index_col=False,
            )
    except UnicodeError as err:  # UnicodeDecodeError, or UTF-16 text without its byte order mark
        raise _not_in_encoding(path, spec.encoding) from err
    except pd.errors.EmptyDataError as err:
        empty = spec.skip_rows == 0
        raise InputError(
            "the file is empty" if empty else f"the file has no header row after skip_rows {spec.skip_rows}",
            file=path,
            row=spec.skip_rows + 1,
            fix="give the file its header row and data" if empty else "lower skip_rows for this file",
        ) from err
    except (pd.errors.ParserError, pd.errors.ParserWarning) as err:
        row, width, fields = _long_row(path, spec, delimiter)
        raise InputError(
            f"row {row} has {fields} fields but the header {width}",
            file=path,
            row=row,
            fix="quote fields that hold the delimiter, remove stray delimiters at the ends of rows, or set "
            "`delimiter` for this file",
        ) from err
    _check_header(spec, path, _csv_header(path, spec, delimiter))
    _check_cut_short(path, spec, delimiter)
    return table


def _not_in_encoding(path: str, encoding: str) -> InputError:
    """The error of a file that does not decode: the row and byte where decoding fails."""
    data = Path(path).read_bytes()
    try:
        data.decode(encoding)
        where, row = "", None
    except UnicodeDecodeError as err:
        where, row = f" ({err.reason} at byte {err.start})", data[: err.start].count(b"\n") + 1
    except UnicodeError as err:
        where, row = f" ({err})", 1
    return InputError(
        f"the file is not in the {encoding} encoding{where}",
        file=path,
        row=row,
        key="statistics.files[].encoding",
        fix="set `encoding` for this file (Chinese CSV files are often gbk or gb18030; utf-16 from Excel's "
        "Unicode text)",
    )


def _check_cut_short(path: str, spec: TableSettings, delimiter: str) -> None:
    """A file whose last row has fewer fields than the header and no line end was cut in the middle of that row
    (a copy or download broken off): its last field may be a number cut short, so it is not read."""
    import csv

    with open(path, encoding=spec.encoding, newline="") as handle:
        text = handle.read()
    if not text or text.endswith(("\n", "\r")):
        return
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    if len(rows) <= spec.skip_rows + 1:
        return
    width, last = len(rows[spec.skip_rows]), rows[-1]
    if len(last) < width:
        raise InputError(
            f"the file ends in the middle of row {len(rows)} ({len(last)} of {width} fields, no line end): it "
            "looks cut short",
            file=path,
            row=len(rows),
            fix="copy or download the file again in full (its last row must be complete and end with a line end)",
        )


def _csv_header(path: str, spec: TableSettings, delimiter: str) -> list[str]:
    import csv

    with open(path, encoding=spec.encoding, newline="") as handle:
        for number, row in enumerate(csv.reader(handle, delimiter=delimiter)):
            if number == spec.skip_rows:
                return [cell.strip() for cell in row]
    return []


def _long_row(path: str, spec: TableSettings, delimiter: str) -> tuple[int, int, int]:
    """(file row, header width, fields) of the first row with more fields than the header."""
    import csv

    with open(path, encoding=spec.encoding, newline="") as handle:
        rows = list(csv.reader(handle, delimiter=delimiter))
    width = len(rows[spec.skip_rows]) if len(rows) > spec.skip_rows else 0
    for number, row in enumerate(rows[spec.skip_rows + 1 :], start=spec.skip_rows + 2):
        if len(row) > width:
            return number, width, len(row)
    return spec.skip_rows + 2, width, width


def _unmangled(columns: list) -> list[str]:
    """Column names as the header wrote them: pandas renames a repeated name X to X.1, X.2 ..."""
    names = [str(c) for c in columns]
    out = []
    for name in names:
        match = re.match(r"^(.*)\.(\d+)$", name)
        out.append(match.group(1) if match and match.group(1) in names else name)
    return out


def _check_header(spec: TableSettings, path: str, header: list[str]) -> None:
    """A column the spec reads must be named once: pandas would rename a second one (GDP.1) and read the first."""
    wanted = [spec.unit, spec.parent, spec.year, spec.variable, spec.value, *(spec.variables or {})]
    names = [_clean(name) for name in header]
    for column in wanted:
        if column is not None and names.count(_clean(column)) > 1:
            raise InputError(
                f"the header names the column {column!r} {names.count(_clean(column))} times",
                file=path,
                row=spec.skip_rows + 1,
                column=column,
                fix="give each column its own name (rename or delete the repeated one)",
            )


def _column(table: pd.DataFrame, wanted: str, path: str, key: str) -> str:
    lookup = {_clean(c): c for c in table.columns}
    found = lookup.get(_clean(wanted))
    if found is None:
        available = ", ".join(str(c) for c in table.columns)
        raise InputError(
            f"column {wanted!r} not found",
            file=path,
            column=wanted,
            fix=f"set `{key}` to one of the columns: {available}",
        )
    return found


def _records(spec, path, sheet, table, first_row, markers, report) -> pd.DataFrame:
    table = table.reset_index(drop=True)
    table.index = table.index + first_row  # spreadsheet row numbers
    empty = table.astype(str).apply(lambda col: col.str.strip().isin(("", "nan", "None")))
    blank = pd.Series((table.isna().to_numpy() | empty.to_numpy(dtype=bool)).all(axis=1), index=table.index)
    report.blank_rows += int(blank.sum())
    table = table[~blank]
    report.rows += len(table)
    unit_col = _column(table, spec.unit, path, "unit")
    report.trimmed_units += sum(isinstance(v, str) and v != v.strip() for v in table[unit_col])
    parent_col = _column(table, spec.parent, path, "parent") if spec.parent else None
    used = {unit_col} | ({parent_col} if parent_col else set())
    if spec.layout == "wide_years":
        value_cols = {}
        for col in table.columns:
            match = _YEAR.match(_clean(col))
            if match and col not in used:
                value_cols[col] = spec.variable_name
        long = _melt(table, unit_col, parent_col, value_cols)
        long["year_raw"] = long["column"].map(lambda c: int(_YEAR.match(_clean(c)).group(1)))
    else:
        if spec.year:
            year_col = _column(table, spec.year, path, "year")
            used.add(year_col)
        if spec.layout == "wide":
            value_cols = {
                _column(table, src, path, "variables"): name for src, name in spec.variables.items()
            }
            long = _melt(table, unit_col, parent_col, value_cols, year_col if spec.year else None)
        else:
            var_col = _column(table, spec.variable, path, "variable")
            val_col = _column(table, spec.value, path, "value")
            used |= {var_col, val_col}
            long = pd.DataFrame(
                {
                    "unit_raw": table[unit_col],
                    "parent_raw": table[parent_col] if parent_col else None,
                    "year_raw": table[year_col] if spec.year else None,
                    "label": table[var_col].map(lambda v: "" if v is None else str(v).strip()),
                    "value_raw": table[val_col],
                    "column": str(val_col),
                    "row": table.index,
                }
            )
            long["variable"] = _long_variables(long["label"], spec, path, report)
            long = long[long["variable"].notna()].drop(columns="label")
        used |= set(value_cols) if spec.layout == "wide" else set()
        if spec.layout == "wide":
            report.ignored_columns += [str(c) for c in table.columns if c not in used]
        if spec.year_from == "sheet":
            long["year_raw"] = sheet
        elif spec.year_from == "filename":
            found = re.search(r"(19|20)\d{2}", Path(path).stem)
            if not found:
                raise InputError(
                    "no year in the file name", file=path, fix="name the file with its year, or set `year`"
                )
            long["year_raw"] = found.group(0)
    # Years repeat across rows: parse each distinct (value, first row) once, so an error names a real row.
    first_rows = long.drop_duplicates("year_raw")[["year_raw", "row"]]
    years = {
        v: _parse_year(v, path, r, spec.year or spec.year_from) for v, r in first_rows.itertuples(index=False)
    }
    long["year"] = long["year_raw"].map(years)
    long["value"], long["bad"] = _parse_values(long["value_raw"].to_numpy(dtype=object), markers, report)
    long["file"] = path
    long["sheet"] = None if sheet is None else str(sheet)
    report.records += len(long)
    return long[RECORD_COLUMNS + ["bad"]]


def _melt(table, unit_col, parent_col, value_cols: dict, year_col=None) -> pd.DataFrame:
    pieces = []
    for col, name in value_cols.items():
        pieces.append(
            pd.DataFrame(
                {
                    "unit_raw": table[unit_col],
                    "parent_raw": table[parent_col] if parent_col else None,
                    "year_raw": table[year_col] if year_col else None,
                    "variable": name,
                    "value_raw": table[col],
                    "column": str(col),
                    "row": table.index,
                }
            )
        )
    if not pieces:
        return pd.DataFrame(
            columns=["unit_raw", "parent_raw", "year_raw", "variable", "value_raw", "column", "row"]
        )
    return pd.concat(pieces, ignore_index=True)


def _long_variables(labels: pd.Series, spec: TableSettings, path: str, report: FileReport) -> pd.Series:
    if spec.variables:
        mapping = {_clean(k): v for k, v in spec.variables.items()}
        names = labels.map(lambda label: mapping.get(_clean(label)))
        report.ignored_labels += sorted(set(labels[names.isna()]))
        return names
    invalid = sorted({label for label in labels if not _NAME.match(label)})
    if invalid:
        raise InputError(
            "variable labels that are not valid names: " + ", ".join(invalid[:_MAX_LISTED]),
            file=path,
            column=spec.variable,
            fix="map the labels to names with `variables: {label: name}` for this file",
        )
    return labels


def _parse_year(value: object, path: str, row: int, column: str | None) -> int:
    if isinstance(value, (int, np.integer)) and 1900 <= int(value) <= 2100:
        return int(value)
    if isinstance(value, (float, np.floating)) and float(value).is_integer() and 1900 <= value <= 2100:
        return int(value)
    match = _YEAR.match(_clean(value)) if value is not None else None
    if match:
        return int(match.group(1))
    raise InputError(
        f"not a year: {value!r}",
        file=path,
        row=row,
        column=column,
        fix="years must be four-digit numbers such as 2019 or 2019年",
    )


_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def _value_text(value: object) -> tuple[str, bool]:
    """A cell's text as a number is read from it: whitespace removed and full-width characters (１２３．４, the
    same digits in the width of Chinese text) read as their ASCII forms, which is said (True). Nothing else is
    changed: a footnote marker (① ² *) stays and makes the cell a bad one, never a digit of the number."""
    text = re.sub(r"\s+", "", str(value))
    plain = text.translate(_FULL_WIDTH)
    return plain, plain != text


def _parse_values(values: np.ndarray, markers: set[str], report) -> tuple[np.ndarray, np.ndarray]:
    """The numbers of ``values`` and which cells are bad, as :func:`_parse_value` reads each, counting the missing
    markers met and the numbers read from full-width characters in ``report``. Cells a spreadsheet reader gives as
    Python floats or integers (most of a workbook's), and texts that are plain ASCII numbers and no missing marker
    (most of a CSV file's), are read together; the others one by one."""
    kinds = [type(v) for v in values]
    plain = np.fromiter((k is float or k is int for k in kinds), dtype=bool, count=len(values))
    numbers = np.full(len(values), np.nan)
    bad = np.zeros(len(values), dtype=bool)
    given = values[plain].astype(float)
    empty = np.isnan(given)
    bad[plain] = ~empty & ~np.isfinite(given)
    numbers[plain] = np.where(np.isfinite(given), given, np.nan)
    if empty.any():
        report.missing["(empty)"] += int(empty.sum())
    texts = np.flatnonzero(np.fromiter((k is str for k in kinds), dtype=bool, count=len(values)))
    strings = pd.Series(values[texts], dtype=object)
    # an ASCII number has no whitespace or full-width characters to take off, so its normalised text is itself
    simple = texts[
        strings.str.fullmatch(_ASCII_NUMBER).to_numpy(dtype=bool) & ~strings.isin(markers).to_numpy()
    ]
    read = values[simple].astype(float)  # as float() reads each text
    bad[simple] = ~np.isfinite(read)
    numbers[simple] = np.where(np.isfinite(read), read, np.nan)
    rest = ~plain
    rest[simple] = False
    for k in np.flatnonzero(rest):
        number, marker, bad[k], wide = _parse_value(values[k], markers)
        numbers[k] = number
        if marker is not None:
            report.missing[marker] += 1
        report.full_width += wide
    return numbers, bad


def _parse_value(value: object, markers: set[str]) -> tuple[float, str | None, bool, bool]:
    """(number, missing marker met or None, bad cell, read from full-width characters)."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return np.nan, "(empty)", False, False
    if isinstance(value, bool):
        return np.nan, None, True, False
    if isinstance(value, (int, float, np.integer, np.floating)):
        number = float(value)
        return (number, None, False, False) if np.isfinite(number) else (np.nan, None, True, False)
    if _clean(value) in markers:  # markers are labels: compared as normalised text
        return np.nan, str(value).strip() or "(empty)", False, False
    text, wide = _value_text(value)
    if _NUMBER.match(text):
        number = float(text)
    elif _GROUPED.match(text):
        number = float(text.replace(",", ""))
    else:
        return np.nan, None, True, False
    if not np.isfinite(number):  # 1e309 overflows to inf: not a value any statistic can use
        return np.nan, None, True, False
    return number, None, False, wide


def _raise_bad_cells(records: pd.DataFrame) -> None:
    bad = records[records["bad"]]
    if bad.empty:
        return
    details = [
        f"{r.file}{f' [sheet {r.sheet}]' if r.sheet else ''} row {r.row}, column {r.column}: {r.value_raw!r}"
        for r in bad.head(_MAX_LISTED).itertuples()
    ]
    if len(bad) > _MAX_LISTED:
        details.append(f"... and {len(bad) - _MAX_LISTED} more")
    first = bad.iloc[0]
    raise InputError(
        f"{len(bad)} non-numeric cells",
        file=first["file"],
        row=first["row"],
        column=first["column"],
        details=details,
        fix="correct these cells: remove footnote markers (① ² * a) from the numbers, correct spreadsheet errors "
        "(#DIV/0!, #REF!) or leave those cells empty; a missing value may be left empty or written as one of the "
        "missing markers (…, —, -, NA, 无), or add the marker to statistics.missing_markers",
    )


def _empty_records() -> pd.DataFrame:
    return pd.DataFrame({c: [] for c in RECORD_COLUMNS + ["bad"]})
