"""Writing results in a fixed layout, so that equal results give byte-identical files: CSV, JSON, and the members
of a zip archive (Word, Excel) and the rows of a workbook's sheets written with fixed times."""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import re
import tempfile
import zipfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from io import BytesIO
from pathlib import Path
from xml.sax.saxutils import escape

import numpy as np
import pandas as pd

from nqpf.errors import InputError

_FIXED_TIME = datetime.datetime(2000, 1, 1)  # the time fixed into archives and workbooks


def sha256(path: str | Path) -> str:
    """The SHA-256 digest of a file, read in blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_csv(frame: pd.DataFrame, path) -> None:
    """CSV with a fixed layout: UTF-8, \\n line ends, no index, shortest round-trip floats."""
    frame.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")


def write_json(data, path) -> None:
    """Indented JSON, UTF-8 (Chinese names kept), NaN refused, numpy numbers converted."""
    text = json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False, default=_plain)
    Path(path).write_text(text + "\n", encoding="utf-8")


@contextmanager
def replaced(path, suffix: str = "", create: bool = True) -> Iterator[str]:
    """A temporary file beside ``path`` to write in full; ``path`` becomes it, an ordinary file (read and write as
    the umask allows, not a temporary file's owner-only mode), only when the block ends without an error, so that a
    failed or killed job leaves no partial file. ``create=False`` leaves the temporary name free for a writer that
    creates the file itself (GDAL)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(suffix=suffix, dir=path.parent)
    os.close(handle)
    if not create:
        os.unlink(temporary)
    try:
        yield temporary
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(temporary, 0o666 & ~mask)
        os.replace(temporary, path)
    finally:
        Path(temporary).unlink(missing_ok=True)


def _plain(value):
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    if isinstance(value, np.bool_):
        return bool(value)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def fixed_member(name: str) -> zipfile.ZipInfo:
    """An archive member ``name`` with a fixed time and permissions, compressed (a .docx or .xlsx whose bytes
    depend on its content alone)."""
    fixed = zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0))
    fixed.compress_type = zipfile.ZIP_DEFLATED
    fixed.external_attr = 0o644 << 16
    return fixed


def with_rows(book, bodies: Mapping[str, tuple[pd.DataFrame, int]]) -> bytes:
    """The bytes of the openpyxl workbook ``book`` with, in each sheet named in ``bodies``, the rows of a data
    frame from the given row on, after the rows the sheet holds (a title, a header): sheets of many rows are
    written this way rather than cell by cell (:func:`_frame_rows`). The same book gives the same bytes: its
    creation and modification times and its members' times are fixed (:func:`fixed_member`)."""
    from openpyxl.utils import get_column_letter
    from openpyxl.writer.excel import ExcelWriter

    book.properties.created = book.properties.modified = _FIXED_TIME
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        # ExcelWriter rather than Workbook.save, which stamps the current time as the modification date
        ExcelWriter(book, archive).write_data()
    bodies = {
        book[name].path.lstrip("/"): (frame, first)
        for name, (frame, first) in bodies.items()
        if len(frame) and frame.shape[1]
    }
    source = zipfile.ZipFile(buffer)
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = fixed_member(info.filename)
            content = source.read(info.filename)
            if info.filename not in bodies:
                target.writestr(fixed, content)
                continue
            frame, first = bodies[info.filename]
            head, end, tail = content.partition(b"</sheetData>")
            if not end:
                raise ValueError(f"{info.filename}: no <sheetData> to write the rows of the data frame into")
            last = f"{get_column_letter(frame.shape[1])}{len(frame) + first - 1}"
            head = re.sub(rb'<dimension ref="[^"]*"', f'<dimension ref="A1:{last}"'.encode(), head, count=1)
            with target.open(fixed, "w", force_zip64=True) as member:
                member.write(head)
                for chunk in _frame_rows(frame, first):
                    member.write(chunk)
                member.write(end + tail)
    return out.getvalue()


_ROWS_PER_CHUNK = 2000
_ILLEGAL = re.compile(r"[\000-\010\013\014\016-\037]")  # control characters XML 1.0 cannot hold


def _frame_rows(frame: pd.DataFrame, first_row: int = 2):
    """The rows of ``frame`` as the cells of an Excel sheet's ``<sheetData>``, from row ``first_row``, in chunks of
    UTF-8 bytes: numbers as numbers (exactly: the shortest text that reads back as the same double), text as
    inline strings, missing and non-finite values as empty cells, booleans as booleans.

    openpyxl writes the same cells one object at a time, six times slower on a county panel (42,720 rows x 61
    columns), and prints numbers with 16 significant digits, which can change a double's last bit."""
    from openpyxl.utils import get_column_letter

    letters = [get_column_letter(c) for c in range(1, frame.shape[1] + 1)]
    for start in range(0, len(frame), _ROWS_PER_CHUNK):
        part = frame.iloc[start : start + _ROWS_PER_CHUNK]
        numbers = range(first_row + start, first_row + start + len(part))
        columns = [
            _column_cells(part.iloc[:, k], letter, numbers, str(frame.columns[k]))
            for k, letter in enumerate(letters)
        ]
        rows = [
            f'<row r="{r}">' + "".join(cells) + "</row>" for r, *cells in zip(numbers, *columns, strict=True)
        ]
        yield "".join(rows).encode("utf-8")


def _column_cells(values: pd.Series, letter: str, numbers: range, name: str) -> list[str]:
    """The cells of one column of :func:`_frame_rows` (empty text for an empty cell)."""
    array = values.to_numpy()
    if array.dtype.kind == "b":
        return [f'<c r="{letter}{r}" t="b"><v>{int(v)}</v></c>' for r, v in zip(numbers, array, strict=True)]
    if array.dtype.kind in "iu":
        return [f'<c r="{letter}{r}" t="n"><v>{int(v)}</v></c>' for r, v in zip(numbers, array, strict=True)]
    if array.dtype.kind == "f":
        finite = np.isfinite(array)
        return [
            f'<c r="{letter}{r}" t="n"><v>{float(v)!r}</v></c>' if ok else ""
            for r, v, ok in zip(numbers, array, finite, strict=True)
        ]
    return [_cell(letter, r, v, name) for r, v in zip(numbers, array, strict=True)]


def _cell(letter: str, row: int, value, name: str) -> str:
    """One cell of a column of mixed or text values."""
    value = _cell_value(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return f'<c r="{letter}{row}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int):
        return f'<c r="{letter}{row}" t="n"><v>{value}</v></c>'
    if isinstance(value, float):
        return f'<c r="{letter}{row}" t="n"><v>{value!r}</v></c>' if np.isfinite(value) else ""
    if not isinstance(value, str):
        raise TypeError(
            f"column {name!r}, row {row}: {type(value).__name__} values cannot go into the workbook"
        )
    if _ILLEGAL.search(value):
        raise InputError(
            f"column {name!r}, row {row}: {value!r} holds a control character that an Excel file cannot hold",
            column=name,
            row=row,
            fix="remove the character from the input the value came from (a unit's name in the boundaries or the "
            "unit attributes, or a cell of the statistics)",
        )
    space = ' xml:space="preserve"' if value != value.strip() else ""
    return f'<c r="{letter}{row}" t="inlineStr"><is><t{space}>{escape(value)}</t></is></c>'


def _cell_value(value):
    """A value of a data frame as openpyxl stores it: missing values empty, numpy scalars as Python ones."""
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.generic):
        return value.item()
    return value
