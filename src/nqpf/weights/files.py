"""Reading and writing weights in the formats other tools exchange, every check of a file reported.

- GAL (GeoDa): a header ``0 n <source> <id variable>``, then for each unit a line ``id k`` followed by a line
  with its k neighbour ids. Read by spdep ``read.gal``, libpysal and GeoDa. Carries the links only.
- GWT (GeoDa): the same header, then one line ``id_i id_j w_ij`` per link; read with or without its header (a
  first line of exactly three fields ending in a number is a link; ``n`` alone is the old header). Written with
  the header spdep's ``read.gwt2nb(file, region.id=ids)`` demands (four fields separated by single spaces:
  ``0``, n, the source and the id variable, neither with spaces); the weights are in its ``GeoDa$dist``
  attribute. Ids must not hold spaces (every reader splits on them): :func:`write_gwt` and :func:`write_gal`
  refuse them. R's ``read.table`` turns ids that look like numbers into numbers, so codes with leading zeros
  ("007") do not survive a trip through spdep; Chinese 6-digit codes and text ids do.
- Stata ``spmatrix export`` text: a first line with n, then one line per unit, ``id w_i1 ... w_in`` (the full
  matrix); ``spmatrix import W using file`` reads it. Stata's ids are numbers: when the ids are not all positive
  whole numbers without leading zeros (names, codes such as "c01" or "007"), :func:`write_stata` writes 1..n and
  the map ``<stem>.ids.csv`` beside the file (columns ``stata_id``, ``code`` and ``name`` when names are given),
  which :func:`read` uses to give the codes back (or name it with ``ids``).
- CSV with ids (``csv``): a header ``code,id_1,...,id_n``, then one row per unit ``id_i,w_i1,...,w_in``.
- Bare N x N matrix (``matrix``), the usual file of Chinese replication packages: CSV (``.csv``), whitespace
  separated text (``.txt``, ``.dat``, as MATLAB ``save -ascii`` writes), Excel (``.xlsx``: the first sheet, or the
  one ``sheet`` names) or MATLAB ``.mat`` (``scipy.io.loadmat``: the variable ``variable`` names, or the only
  2-D numeric array with more than one row and column; dense or sparse). MATLAB v7.3 (HDF5) files are refused
  with the advice to save with ``save -v7`` or as CSV. The order of the rows comes from one of
  ``ids_from="column"`` (a first column of ids; a header row above it must repeat them), ``ids_from="header"``
  (a header row of ids; a first column below it must repeat them) or ``ids=<file>`` (a one-column CSV or TXT of
  ids, one a line, with or without a header line, or a CSV with the column ``ids_column``; a header row of the
  matrix must then repeat them). A bare matrix without ids stops with the ways to give them. Blank cells are
  read as 0 and counted; trailing blank rows and columns (spreadsheet padding) are left out.

Every matrix is checked: square, ids unique and as many as the rows, finite and non-negative weights, a zero
diagonal; each problem stops with the file, the row (line, or spreadsheet row), the column and the unit named.
A row of zeros (an island) is reported, not refused: the study's islands policy handles it. :func:`read_file`
returns, with the ids and the matrix, the facts of the reading (:func:`matrix_facts`: links, sum of the
weights, symmetry and max |w_ij - w_ji|, whether already row-standardised, islands; the ids' source, blank
cells, sheet or variable) that :meth:`nqpf.SpatialWeights.from_file` lists in ``actions`` and the weights stage
writes in ``<w>.summary.json``.

Weights are written with 17 significant digits (an .xlsx as well, where openpyxl would write 16; a .mat holds the
binary numbers), so a file read back gives the same floating-point numbers.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from nqpf.errors import InputError, listed
from nqpf.io import with_rows
from nqpf.units.codes import normalise_code

FORMATS = ("gal", "gwt", "stata", "csv", "matrix")
IDS_FROM = ("column", "header")
SUFFIXES = {
    ".gal": "gal",
    ".gwt": "gwt",
    ".csv": "csv",
    ".txt": "stata",
    ".xlsx": "matrix",
    ".xlsm": "matrix",
    ".mat": "matrix",
}
"""The format of a file from its suffix when none is given (a bare matrix in a .csv or .txt needs ``matrix``)."""
MATRIX_FILES = {
    ".csv": "csv",
    ".txt": "text",
    ".dat": "text",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".mat": "mat",
}
_STATA_ID = re.compile(r"[1-9][0-9]{0,14}")  # a whole number Stata stores exactly, read back as written


def _number(value: float) -> str:
    """A weight's text: 17 significant digits, which read back as the same double (written inline as
    ``f"{v:.17g}"`` where a file's millions of Python floats are formatted)."""
    return format(float(value), ".17g")


def _header_word(text: str) -> str:
    """A word of a GAL/GWT header: spdep splits the header on single spaces and wants exactly four fields."""
    return re.sub(r"\s+", "_", str(text).strip()) or "unknown"


def _plain_ids(ids, path) -> None:
    """Ids of a GAL or GWT file: every reader splits lines on white space, so an id must not hold any."""
    for k, unit in enumerate(ids):
        if not str(unit) or re.search(r"\s", str(unit)):
            raise InputError(
                f"the unit id {str(unit)!r} is empty or holds spaces, which GAL and GWT files cannot carry",
                file=str(path),
                unit=str(unit),
                row=k + 1,
                fix="give the units ids without spaces (codes), or export the weights as csv or a matrix",
            )


def write_gal(ids, matrix: sp.csr_matrix, path, source: str = "nqpf", id_variable: str = "code") -> None:
    _plain_ids(ids, path)
    matrix = sp.csr_matrix(matrix)
    ids = [str(unit) for unit in ids]
    # written unit by unit: a dense W (economic, 2,848 counties) has millions of links, whose text held at once
    # costs several times the file's size in memory
    with open(path, "w", encoding="utf-8") as out:
        out.write(f"0 {len(ids)} {_header_word(source)} {_header_word(id_variable)}\n")
        for i, unit in enumerate(ids):
            neighbours = matrix.indices[matrix.indptr[i] : matrix.indptr[i + 1]].tolist()
            out.write(f"{unit} {len(neighbours)}\n")
            out.write(" ".join([ids[j] for j in neighbours]) + "\n")


def write_gwt(
    ids, matrix: sp.csr_matrix, path, source: str = "nqpf", id_variable: str = "code", header: bool = True
) -> None:
    """GWT as GeoDa and spdep's ``read.gwt2nb`` read it: the header ``0 n source id_variable`` (white space in
    ``source`` or ``id_variable`` becomes _, as spdep wants four fields), then ``id_i id_j w_ij`` per link in the
    order of the rows. ``header=False`` leaves the header out (nqpf and libpysal read that; spdep does not)."""
    _plain_ids(ids, path)
    matrix = sp.csr_matrix(matrix)
    ids = [str(unit) for unit in ids]
    written = False
    # written row by row, never as one text: the 8.1 million links of a dense county W take 0.3 GB on disk but
    # about 1.4 GB as a list of lines, their join and its encoding
    with open(path, "w", encoding="utf-8") as out:
        if header:
            out.write(f"0 {len(ids)} {_header_word(source)} {_header_word(id_variable)}\n")
            written = True
        for i, unit in enumerate(ids):
            start, end = matrix.indptr[i], matrix.indptr[i + 1]
            if end > start:
                columns, values = matrix.indices[start:end].tolist(), matrix.data[start:end].tolist()
                out.write(
                    "".join([f"{unit} {ids[j]} {v:.17g}\n" for j, v in zip(columns, values, strict=True)])
                )
                written = True
        if not written:
            out.write("\n")  # as the text of no lines, joined and ended, has always been


def stata_ids(ids) -> bool:
    """Whether Stata's spmatrix can carry these ids as they are: positive whole numbers without leading zeros
    (up to 15 digits, which a Stata double holds exactly)."""
    return all(_STATA_ID.fullmatch(str(unit)) for unit in ids)


def stata_id_map(path) -> Path:
    """The id map beside a Stata export: ``<stem>.ids.csv`` (``W.stata.txt`` -> ``W.stata.ids.csv``)."""
    path = Path(path)
    return path.with_name(f"{path.stem}.ids.csv")


def write_stata(ids, matrix: sp.csr_matrix, path, names=None) -> Path | None:
    """Stata's ``spmatrix export`` text of the full matrix. Ids that Stata cannot carry (see :func:`stata_ids`)
    are written as 1..n, with the map ``<stem>.ids.csv`` (stata_id, code, and name when ``names`` are given)
    beside the file; returns the map's path, or None when the ids are written as they are (a stale map from an
    earlier export is then removed, so that a map beside the file always belongs to it)."""
    ids = [str(unit) for unit in ids]
    mapped = not stata_ids(ids)
    written = [str(k + 1) for k in range(len(ids))] if mapped else ids
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(f"{len(ids)}\n")
        for unit, row in zip(written, _dense_rows(matrix), strict=True):
            handle.write(unit + " " + " ".join(row) + "\n")
    id_map = stata_id_map(path)
    if not mapped:
        id_map.unlink(missing_ok=True)
        return None
    with open(id_map, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["stata_id", "code"] + (["name"] if names is not None else []))
        for k, unit in enumerate(ids):
            writer.writerow([k + 1, unit] + ([names[k]] if names is not None else []))
    return id_map


def write_csv(ids, matrix: sp.csr_matrix, path) -> None:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["code", *ids])
        for unit, row in zip(ids, _dense_rows(matrix), strict=True):
            writer.writerow([unit, *row])


def _dense_rows(matrix):
    """Each row of ``matrix`` written out in full, as the texts of its n numbers (:func:`_number`): the links a
    row holds formatted one by one, every other entry the text of 0.0, so that a sparse W is not formatted entry
    by entry (8.1 million for 2,848 counties)."""
    csr = sp.csr_matrix(matrix, dtype=float, copy=True)
    csr.sum_duplicates()
    csr.data += 0.0  # the entries toarray() gives, which adds each to 0.0 (a stored -0.0 is 0.0 there)
    zeros = np.full(csr.shape[1], _number(0.0), dtype=object)
    for i in range(csr.shape[0]):
        start, end = csr.indptr[i], csr.indptr[i + 1]
        row = zeros.copy()
        row[csr.indices[start:end]] = [f"{value:.17g}" for value in csr.data[start:end].tolist()]
        yield row.tolist()


def write_matrix(
    ids, matrix, path, *, ids_to: str = "file", ids_path=None, sheet: str = "W", variable: str = "W"
) -> Path | None:
    """A bare N x N matrix as co-authors exchange it, the kind from the suffix (.csv, .txt, .xlsx, .mat), with
    the ids where ``ids_to`` says: ``file`` (a one-column CSV ``code`` beside it, ``<stem>.ids.csv`` unless
    ``ids_path`` names it; returned), ``header`` (a first row of ids) or ``column`` (a first column of ids). A .mat
    holds numbers only: ids in it need numeric codes. :func:`read` with ``ids``/``ids_from`` reads it back."""
    path = Path(path)
    kind = MATRIX_FILES.get(path.suffix.lower())
    if kind is None:
        raise InputError(
            f"a bare matrix is written as .csv, .txt, .xlsx or .mat, not {path.suffix or 'a file without suffix'}",
            file=str(path),
            fix="name the file with one of these suffixes",
        )
    if ids_to not in ("file", "header", "column"):
        raise InputError(f"ids_to is {ids_to!r}", key="ids_to", fix="use file, header or column")
    ids = [str(unit) for unit in ids]
    if kind == "mat":
        dense = sp.csr_matrix(matrix, dtype=float).toarray()
        from scipy.io import savemat

        if ids_to != "file" and not stata_ids(ids):
            raise InputError(
                "a .mat matrix holds numbers only: ids in its first row or column must be numeric codes",
                file=str(path),
                fix="write the ids to a file (ids_to='file')",
            )
        numbers = np.array([float(unit) for unit in ids]) if ids_to != "file" else None
        if ids_to == "header":
            dense = np.vstack([numbers[None, :], dense])
        elif ids_to == "column":
            dense = np.hstack([numbers[:, None], dense])
        savemat(path, {variable: dense}, do_compression=True)
    elif kind == "xlsx":
        _write_xlsx(ids, matrix, path, sheet, ids_to)
    else:
        cells = list(_dense_rows(matrix))
        if ids_to == "column":
            cells = [[unit, *row] for unit, row in zip(ids, cells, strict=True)]
        elif ids_to == "header":
            cells = [list(ids), *cells]
        if kind == "csv":
            with open(path, "w", encoding="utf-8", newline="") as handle:
                csv.writer(handle, lineterminator="\n").writerows(cells)
        else:
            path.write_text("".join(" ".join(row) + "\n" for row in cells), encoding="utf-8")
    if ids_to != "file":
        return None
    ids_path = Path(ids_path) if ids_path is not None else path.with_name(f"{path.stem}.ids.csv")
    with open(ids_path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows([["code"], *([unit] for unit in ids)])
    return ids_path


def _write_xlsx(ids, matrix, path: Path, sheet: str, ids_to: str) -> None:
    """The matrix as one sheet: the weights as numbers (every double exact), the ids as text in a first row or
    column (``ids_to``: header, column; none with file); the same matrix gives the same bytes."""
    import pandas as pd
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    table = book.create_sheet(sheet)
    if ids_to == "header":
        table.append(list(ids))
    frame = pd.DataFrame(sp.csr_matrix(matrix, dtype=float).toarray())
    if ids_to == "column":
        frame.insert(0, "id", pd.Series(list(ids), dtype=object))
    Path(path).write_bytes(with_rows(book, {sheet: (frame, 2 if ids_to == "header" else 1)}))


def matrix_facts(matrix) -> dict:
    """What a reviewer checks of a weights matrix before using it: its links (non-zero weights), the sum of the
    weights, whether it is symmetric and its largest asymmetry max |w_ij - w_ji|, whether its rows already sum to
    1 (every row with a link, within 1e-10) and its rows without any link (islands)."""
    m = sp.csr_matrix(matrix, dtype=float, copy=True)
    m.eliminate_zeros()
    difference = abs(m - m.T)
    asymmetry = float(difference.max()) if difference.nnz else 0.0
    sums = np.asarray(m.sum(axis=1)).ravel()
    linked = np.diff(m.indptr) > 0
    return {
        "links": int(m.nnz),
        "sum_of_weights": float(sums.sum()),
        "symmetric": asymmetry == 0.0,
        "max_asymmetry": asymmetry,
        "row_standardised": bool(linked.any() and np.all(np.abs(sums[linked] - 1.0) <= 1e-10)),
        "islands": int((~linked).sum()),
    }


def describe(facts: dict) -> str:
    """The facts of a file read (:func:`read_file`) in one line, for ``SpatialWeights.actions`` and logs."""
    parts = [f"read {facts['file']} ({facts['format']}"]
    for key in ("sheet", "variable"):
        if facts.get(key):
            parts.append(f", {key} {facts[key]}")
    if facts.get("ids"):
        parts.append(f", ids from {facts['ids']}")
    parts.append(
        f"): {facts['n']} units, {facts['links']} links, sum of weights {facts['sum_of_weights']:.17g}, "
        + (
            "symmetric"
            if facts["symmetric"]
            else f"not symmetric (max |w_ij - w_ji| = {facts['max_asymmetry']:.6g})"
        )
        + (", already row-standardised" if facts["row_standardised"] else ", not row-standardised")
    )
    if facts.get("blank_cells"):
        parts.append(f"; {facts['blank_cells']} blank cells read as 0")
    if facts.get("island_ids"):
        parts.append(f"; {len(facts['island_ids'])} islands (rows of zeros): {listed(facts['island_ids'])}")
    return "".join(parts)


@dataclass
class FileRead:
    """A weights file as read: its ids, its matrix (rows and columns in the order of ``ids``) and the facts of
    the reading (format, where the ids came from, :func:`matrix_facts`, ...) for the summary."""

    ids: list[str]
    matrix: sp.csr_matrix
    facts: dict = field(default_factory=dict)


class _Problem(ValueError):
    """A problem of a weights file at a line (1-based, the header is line 1) and, where known, a unit or link,
    a column; ``file``, ``key`` and ``fix`` when the problem lies in another file (the ids) or a setting."""

    def __init__(
        self,
        message: str,
        line: int | str | None = None,
        unit: str | None = None,
        *,
        column: str | None = None,
        file: str | None = None,
        key: str | None = None,
        fix: str | None = None,
    ):
        super().__init__(message)
        self.line = line
        self.unit = unit
        self.column = column
        self.file = file
        self.key = key
        self.fix = fix


OPTIONS = ("ids", "ids_from", "ids_column", "sheet", "variable")


def read(path, fmt: str | None = None, **options) -> tuple[list[str], sp.csr_matrix]:
    """Read a weights file (format from ``fmt`` or the file suffix); returns its ids and matrix. ``options``
    (ids, ids_from, ids_column, sheet, variable) as :func:`read_file` takes them."""
    result = read_file(path, fmt, **options)
    return result.ids, result.matrix


def read_file(
    path,
    fmt: str | None = None,
    *,
    ids=None,
    ids_from: str | None = None,
    ids_column: str | None = None,
    sheet: str | None = None,
    variable: str | None = None,
) -> FileRead:
    """Read a weights file in any of :data:`FORMATS` (from ``fmt`` or the suffix: .gal, .gwt, .csv, .txt
    Stata, .xlsx and .mat a bare matrix) with its ids, matrix and the facts of the reading. A bare matrix takes
    its ids from ``ids`` (a file) or ``ids_from`` (column or header); ``sheet`` picks the sheet of an .xlsx,
    ``variable`` the array of a .mat; ``ids`` of a Stata file names its id map (by default ``<stem>.ids.csv``
    beside it, when there). Every problem stops with an :class:`~nqpf.errors.InputError` that names the file,
    the row, column or unit, and the fix."""
    path = Path(path)
    if not path.exists():
        raise InputError(
            "weights file not found", file=str(path), key=PATH_KEY, fix="check weights[].path in the config"
        )
    if not path.is_file():
        raise InputError(
            "the weights path is a folder, not a file",
            file=str(path),
            key=PATH_KEY,
            fix="name the file itself",
        )
    fmt = fmt or SUFFIXES.get(path.suffix.lower())
    readers = {
        "gal": _read_gal,
        "gwt": _read_gwt,
        "stata": _read_stata,
        "csv": _read_csv,
        "matrix": _read_matrix,
    }
    if fmt not in readers:
        raise InputError(
            f"unknown weights format for {path.name}",
            file=str(path),
            key="weights[].format",
            fix=f"set weights[].format to one of {FORMATS}"
            + ("; save an .xls workbook as .xlsx" if path.suffix.lower() == ".xls" else ""),
        )
    given = {"ids": ids, "ids_from": ids_from, "ids_column": ids_column, "sheet": sheet, "variable": variable}
    given = {k: v for k, v in given.items() if v is not None}
    _check_options(path, fmt, given)
    layout = (
        f"correct the file so that it follows the {fmt.upper()} layout (see nqpf.weights.files), or set "
        "weights[].format if it is another format"
    )
    if fmt == "matrix":
        layout = (
            "give a square N x N matrix of numbers, its ids in a first column, a header row or the ids file "
            "(see nqpf.weights.files), or set weights[].format if it is another format"
        )
    if path.stat().st_size == 0:
        raise InputError(f"the {fmt} weights file is empty", file=str(path), row=1, fix=layout)
    try:
        if fmt == "matrix":
            file_ids, matrix, facts = _read_matrix(path, given)
        elif fmt == "stata":
            file_ids, matrix, facts = _read_stata(path, given.get("ids"))
        else:
            file_ids, matrix = readers[fmt](path)
            facts = {}
    except UnicodeDecodeError as err:
        data = path.read_bytes()
        try:  # the position in the file, not in the chunk a reader decoded
            data.decode("utf-8")
            reason, start = err.reason, err.start
        except UnicodeDecodeError as whole:
            reason, start = whole.reason, whole.start
        raise InputError(
            f"the {fmt} weights file is not UTF-8 text ({reason} at byte {start})",
            file=str(path),
            row=data[:start].count(b"\n") + 1,
            fix="save it as UTF-8 text (ids and weights), or check that it is a weights file",
        ) from err
    except _Problem as err:
        where = "" if err.file is None else "the ids file of "
        raise InputError(
            f"cannot read {where}the {fmt} weights file: {err}",
            file=err.file or str(path),
            row=err.line,
            unit=err.unit,
            column=err.column,
            key=err.key,
            fix=err.fix or layout,
        ) from err
    matrix = sp.csr_matrix(matrix)
    described = matrix_facts(matrix)
    card = np.diff(matrix.indptr)
    facts = {
        "file": str(path),
        "format": fmt,
        **facts,
        "n": len(file_ids),
        **{k: v for k, v in described.items() if k != "islands"},
        "island_ids": [file_ids[i] for i in np.flatnonzero(card == 0)] if fmt != "gwt" else [],
    }
    return FileRead(list(file_ids), matrix, facts)


PATH_KEY = "weights[].path"


def _check_options(path: Path, fmt: str, given: dict) -> None:
    """The options a format takes: ids (matrix: the ids file; stata: the id map), ids_from, ids_column (with
    ids), sheet (.xlsx), variable (.mat); and a bare matrix needs its ids."""
    kind = MATRIX_FILES.get(path.suffix.lower()) if fmt == "matrix" else None
    allowed = {
        "matrix": {"ids", "ids_from", "ids_column"}
        | {"xlsx": {"sheet"}, "mat": {"variable"}}.get(kind, set()),
        "stata": {"ids"},
    }.get(fmt, set())
    for key in given:
        if key not in allowed:
            raise InputError(
                f"weights[].{key} does not apply to {path.name} (format {fmt})",
                file=str(path),
                key=f"weights[].{key}",
                fix=f"remove {key}"
                + (", or set format: matrix" if key in OPTIONS and fmt != "matrix" and key != "ids" else "")
                + " (sheet is for .xlsx matrices, variable for .mat, ids_from and ids_column for bare matrices)",
            )
    if "ids_from" in given and given["ids_from"] not in IDS_FROM:
        raise InputError(
            f"ids_from is {given['ids_from']!r}", key="weights[].ids_from", fix="use column or header"
        )
    if "ids" in given and "ids_from" in given:
        raise InputError(
            "both ids (a file) and ids_from are given for the ids of the matrix",
            file=str(path),
            key="weights[].ids",
            fix="give one: ids (a file of ids) or ids_from (column or header of the matrix file)",
        )
    if "ids_column" in given and "ids" not in given:
        raise InputError(
            "ids_column names a column of the ids file, but no ids file is given",
            file=str(path),
            key="weights[].ids_column",
            fix="give the ids file with ids, or remove ids_column",
        )
    if fmt == "matrix" and "ids" not in given and "ids_from" not in given:
        raise InputError(
            f"the bare matrix {path.name} has no ids: its rows cannot be matched to units",
            file=str(path),
            key="weights[].ids",
            fix="say where the ids are: ids: <a one-column CSV or TXT of ids, one a line, in the order of the rows> "
            "(SpatialWeights.from_file(..., ids=...)), or ids_from: column (the first column holds them) or "
            "ids_from: header (the first row holds them)",
        )
    if fmt == "matrix" and kind is None:
        raise InputError(
            f"a bare matrix is read from .csv, .txt, .dat, .xlsx or .mat, not {path.suffix or 'a file without suffix'}",
            file=str(path),
            key="weights[].format",
            fix="save it in one of these forms (an .xls workbook as .xlsx)",
        )


def _code(value: str) -> str:
    return normalise_code(value) or value


def _number_at(text: str, line: int, what: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise _Problem(f"line {line}: {what} {text!r} is not a number", line) from None


def _count_at(text: str, line: int, what: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise _Problem(f"line {line}: {what} {text!r} is not a whole number", line) from None


def _read_gal(path: Path):
    """Line 1 is the header; unit k (from 0) has its line ``id count`` at line 2 + 2k and its neighbours on the
    next line."""
    lines = [line.split() for line in path.read_text(encoding="utf-8").splitlines()]
    header = lines[0] if lines else []
    if not header:
        raise _Problem("line 1: the header (0 n source id-variable, or n) is blank", 1)
    n = _count_at(header[1] if len(header) >= 2 and header[0] == "0" else header[0], 1, "the number of units")
    ids, neighbours, places = [], [], []
    for k in range(n):
        at = 2 + 2 * k  # the line of unit k
        if at > len(lines) or not lines[at - 1]:
            raise _Problem(
                f"the header announces {n} units but the file ends after {k} (line {at}): it is cut short or the "
                "header's count is wrong",
                at,
            )
        if len(lines[at - 1]) != 2:
            raise _Problem(f"line {at}: expected `id count`, found {' '.join(lines[at - 1])!r}", at)
        unit, count = lines[at - 1][0], _count_at(lines[at - 1][1], at, "the neighbour count")
        named = lines[at] if at < len(lines) else []
        if len(named) != count:
            raise _Problem(
                f"unit {unit} announces {count} neighbours but lists {len(named)} (line {at + 1})",
                at + 1,
                unit,
            )
        ids.append(_code(unit))
        neighbours.append([_code(x) for x in named])
        places.append(at)
    extra = next((k + 1 for k in range(2 * n + 1, len(lines)) if lines[k]), None)
    if extra is not None:
        raise _Problem(
            f"the header announces {n} units but the file goes on at line {extra}: a unit beyond the count, or the "
            "header's count is wrong",
            extra,
        )
    seen: dict[str, int] = {}
    for unit, at in zip(ids, places, strict=True):
        if unit in seen:
            raise _Problem(f"units listed twice: {unit} (lines {seen[unit]} and {at})", at, unit)
        seen[unit] = at
    index = {unit: i for i, unit in enumerate(ids)}
    rows, cols = [], []
    for i, named in enumerate(neighbours):
        at = places[i] + 1
        if ids[i] in named:
            raise _Problem(f"unit {ids[i]} is listed as its own neighbour (line {at})", at, ids[i])
        twice = sorted({unit for unit in named if named.count(unit) > 1})
        if twice:
            raise _Problem(
                f"unit {ids[i]} lists the neighbour {', '.join(twice)} twice (line {at})", at, ids[i]
            )
        for unit in named:
            if unit not in index:
                raise _Problem(
                    f"neighbour {unit} of {ids[i]} is not one of the file's units (line {at})",
                    at,
                    f"{ids[i]} -> {unit}",
                )
            rows.append(i)
            cols.append(index[unit])
    return ids, sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n))


def _gwt_header(path: Path) -> tuple[bool, int | None]:
    """Whether a GWT has a header line, and the number of units it announces: ``0 n source id-variable``
    (GeoDa), ``n`` alone (the old form spdep still reads), or none when the first line is a link (exactly three
    fields, the last a number)."""
    with open(path, encoding="utf-8") as handle:
        first = handle.readline().split()
    if len(first) == 3:
        try:
            float(first[2])
            return False, None
        except ValueError:
            pass
    if len(first) >= 2 and first[0] == "0" and first[1].isdigit():
        return True, int(first[1])
    if len(first) == 1 and first[0].isdigit():
        return True, int(first[0])
    return True, None


def _check_count(ids: list[str], count: int | None, lines: np.ndarray) -> None:
    """A GWT names at most the units its header counts (units without links are absent from it); ``lines``
    gives, for each id, the line it first appears on."""
    if count is not None and len(ids) > count:
        raise _Problem(
            f"the header announces {count} units but the links name {len(ids)}: {ids[count]} (line "
            f"{lines[count]}) is one too many, a wrong id or the header's count is wrong",
            int(lines[count]),
            ids[count],
        )


def _read_gwt(path: Path):
    """A dense W of 2,848 counties has 8.1 million GWT lines (300 MB): parsed by pandas' C reader in seconds with
    the ids read as categories (a few thousand strings, not millions), where splitting lines in Python takes a
    minute and gigabytes. Files it cannot parse as three whitespace-separated fields per line, and files with
    blank lines (whose line numbers only the line reader keeps), go to the line-by-line reader, which gives the
    same result or names the problem."""
    import pandas as pd  # here only: the GAL, Stata and CSV readers and most jobs do without it

    has_header, count = _gwt_header(path)
    start = 2 if has_header else 1  # the line of the first link
    try:
        table = pd.read_csv(
            path,
            sep=r"\s+",
            header=None,
            skiprows=start - 1,
            names=["a", "b", "w"],
            dtype={"a": "category", "b": "category", "w": np.float64},
            encoding="utf-8",
            skip_blank_lines=False,  # a blank line becomes a row of missing values: the line reader takes over
        )
    except pd.errors.EmptyDataError:
        if has_header:
            raise _Problem("the file has a header but no links (line 2)", 2) from None
        return _read_gwt_lines(path)
    except (pd.errors.ParserError, ValueError):
        return _read_gwt_lines(path)
    if table.empty:
        raise _Problem("the file has a header but no links (line 2)", 2)
    if table.isna().any().any():
        return _read_gwt_lines(path)
    # ids in the order they first appear among the origins, then the destinations (as the line reader)
    m = len(table)
    names = table["a"].cat.categories.union(table["b"].cat.categories)
    origins = names.get_indexer(table["a"].cat.categories)[table["a"].cat.codes.to_numpy()]
    destinations = names.get_indexer(table["b"].cat.categories)[table["b"].cat.codes.to_numpy()]
    del table["a"], table["b"]
    positions, seen = pd.factorize(np.concatenate([origins, destinations]))
    del origins, destinations
    codes = [_code(str(value)) for value in names[seen]]
    ids = list(dict.fromkeys(codes))
    index = {unit: i for i, unit in enumerate(ids)}
    mapped = np.array([index[code] for code in codes], dtype=np.int64)[positions]
    del positions
    n = len(ids)
    first = np.full(n, m + start, dtype=np.int64)  # the line each id first appears on
    np.minimum.at(first, mapped, np.concatenate([np.arange(m), np.arange(m)]) + start)
    _check_count(ids, count, first)
    values = table["w"].to_numpy()
    _check_links(ids, mapped[:m], mapped[m:], values, np.arange(m) + start)
    return ids, sp.csr_matrix((values, (mapped[:m], mapped[m:])), shape=(n, n))


def _check_links(
    ids: list[str], origins: np.ndarray, destinations: np.ndarray, values: np.ndarray, lines=None
) -> None:
    """The links of a GWT, as positions into ``ids``, in the order of its lines (``lines``: their line numbers,
    by default 2, 3, ...): each pair once (a repeated line would add its weight), no unit its own neighbour,
    finite non-negative weights; a problem names its lines."""
    import pandas as pd

    if len(origins) == 0:
        return
    lines = np.arange(len(origins)) + 2 if lines is None else np.asarray(lines)
    self_links = np.flatnonzero(origins == destinations)
    if len(self_links):
        k = self_links[0]
        raise _Problem(
            f"line {lines[k]} links unit {ids[origins[k]]} to itself ({len(self_links)} such lines); a unit is not "
            "its own neighbour: remove those lines",
            int(lines[k]),
            ids[origins[k]],
        )
    bad = np.flatnonzero(~np.isfinite(values) | (values < 0))
    if len(bad):
        k = bad[0]
        raise _Problem(
            f"line {lines[k]}: the weight {values[k]} of {ids[origins[k]]} -> {ids[destinations[k]]} is not a "
            "finite non-negative number",
            int(lines[k]),
            f"{ids[origins[k]]} -> {ids[destinations[k]]}",
        )
    keys = pd.Series(origins.astype(np.int64) * len(ids) + destinations.astype(np.int64))
    twice = keys.duplicated(keep=False).to_numpy()
    if twice.any():
        first = np.flatnonzero(twice)[0]
        same = lines[np.flatnonzero(keys.to_numpy() == keys.iloc[first])]
        raise _Problem(
            f"the link {ids[origins[first]]} -> {ids[destinations[first]]} is given on {len(same)} lines "
            f"({', '.join(map(str, same[:10]))}); {int(twice.sum())} lines repeat a link: give each link once "
            "(repeated weights are not added up)",
            int(same[1]),
            f"{ids[origins[first]]} -> {ids[destinations[first]]}",
        )


def _read_gwt_lines(path: Path):
    has_header, count = _gwt_header(path)
    numbered = [
        (number, line.split())
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if line.strip() and (number > 1 or not has_header)
    ]
    triples, lines = [], []
    for number, fields in numbered:
        if len(fields) < 3:
            raise _Problem(f"line {number}: expected `id id weight`, found {' '.join(fields)!r}", number)
        a, b, w = fields[:3]
        triples.append((_code(a), _code(b), _number_at(w, number, "the weight")))
        lines.append(number)
    if not triples:
        raise _Problem("the file has a header but no links (line 2)", 2)
    ids = list(dict.fromkeys([t[0] for t in triples] + [t[1] for t in triples]))
    index = {unit: i for i, unit in enumerate(ids)}
    rows = [index[a] for a, _, _ in triples]
    cols = [index[b] for _, b, _ in triples]
    first = np.full(len(ids), lines[-1], dtype=np.int64)  # the line each id first appears on
    np.minimum.at(first, np.array(rows + cols, np.int64), np.array(lines + lines, np.int64))
    _check_count(ids, count, first)
    values = np.array([w for *_, w in triples])
    _check_links(ids, np.array(rows, np.int64), np.array(cols, np.int64), values, lines)
    n = len(ids)
    return ids, sp.csr_matrix(([w for *_, w in triples], (rows, cols)), shape=(n, n))


def _matrix_rows(rows: list[list[str]], first_line: int, n: int, label: str) -> tuple[list[str], np.ndarray]:
    """Ids and weights of the rows of a full matrix (``id w_1 ... w_n``); row k is on line first_line + k."""
    ids, values = [], []
    for k, row in enumerate(rows):
        line = first_line + k
        if len(row) != n + 1:
            raise _Problem(
                f"line {line}: {label} {row[0] if row else ''} has {max(len(row) - 1, 0)} weights, not {n}",
                line,
                _code(row[0]) if row else None,
            )
        ids.append(_code(row[0]))
        values.append([_number_at(v, line, "the weight") if v.strip() else 0.0 for v in row[1:]])
    return ids, np.array(values, dtype=float).reshape(len(rows), n)


def _read_stata(path: Path, id_map=None):
    """Stata's spmatrix text; its numeric ids become the codes of the id map (``id_map``, or
    ``<stem>.ids.csv`` beside the file when it is there), as :func:`write_stata` writes it."""
    ids, matrix = _read_stata_matrix(path)
    given = id_map is not None
    id_map = Path(id_map) if given else stata_id_map(path)
    if not id_map.is_file():
        if given:
            raise _Problem(
                "the id map of the Stata file is not found",
                file=str(id_map),
                key="weights[].ids",
                fix="check weights[].ids: the CSV (stata_id, code) written beside the Stata export",
            )
        return ids, matrix, {"ids": "the Stata file"}
    codes = _read_id_map(id_map, ids)
    return codes, matrix, {"ids": f"{id_map} (stata_id -> code)"}


def _read_id_map(path: Path, stata: list[str]) -> list[str]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = [row for row in csv.reader(handle) if any(cell.strip() for cell in row)]
    header = [cell.strip() for cell in rows[0]] if rows else []
    where = {"file": str(path), "key": "weights[].ids"}
    if "stata_id" not in header or "code" not in header:
        raise _Problem(
            f"the id map's header is {', '.join(header) or 'empty'}, not stata_id, code",
            1,
            column=", ".join(header),
            fix="give the map as written beside the export: columns stata_id and code (name optional)",
            **where,
        )
    a, b = header.index("stata_id"), header.index("code")
    mapping: dict[str, str] = {}
    for line, row in enumerate(rows[1:], start=2):
        if len(row) <= max(a, b) or not row[a].strip() or not row[b].strip():
            raise _Problem(f"line {line} of the id map lacks its stata_id or code", line, **where)
        key = _code(row[a])
        if key in mapping:
            raise _Problem(f"the stata_id {key} is mapped twice (line {line})", line, key, **where)
        mapping[key] = _code(row[b])
    missing = [unit for unit in stata if unit not in mapping]
    if missing:
        raise _Problem(
            f"{len(missing)} ids of the Stata file are not in its id map: {listed(missing)}",
            len(rows) + 1,
            missing[0],
            fix="give the id map written with this export (one line per stata_id)",
            **where,
        )
    codes = [mapping[unit] for unit in stata]
    twice = sorted(code for code, count in Counter(codes).items() if count > 1)
    if twice:
        raise _Problem(f"codes mapped from two stata ids: {listed(twice)}", None, twice[0], **where)
    return codes


def _read_stata_matrix(path: Path):
    numbered = [
        (number, line.split())
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if line.strip()
    ]
    if not numbered:
        raise _Problem("the file holds only blank lines", 1)
    n = _count_at(numbered[0][1][0], numbered[0][0], "the number of units")
    body = numbered[1:]
    if len(body) < n:
        at = body[-1][0] + 1 if body else numbered[0][0] + 1
        raise _Problem(
            f"the first line announces {n} units but the file has {len(body)} rows (it ends at line {at - 1}): it "
            "is cut short or the count is wrong",
            at,
        )
    if len(body) > n:
        raise _Problem(
            f"the first line announces {n} units but the file goes on at line {body[n][0]}: a row beyond the "
            "count, or the count is wrong",
            body[n][0],
        )
    if any(number != body[0][0] + k for k, (number, _) in enumerate(body)):
        raise _Problem("blank lines between the rows of the matrix", body[0][0])
    ids, values = _matrix_rows([fields for _, fields in body], body[0][0], n, "the row of unit")
    _check_matrix(ids, values, body[0][0])
    return ids, sp.csr_matrix(values)


def _read_csv(path: Path):
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise _Problem("line 1: no header (code, then the ids of the columns)", 1)
    header = [_code(x) for x in rows[0][1:]]
    if len(rows) < 2:
        raise _Problem("the file has a header but no rows (line 2)", 2)
    ids, values = _matrix_rows(rows[1:], 2, len(header), "the row of unit")
    if header != ids:
        k = next(
            (k for k, (a, b) in enumerate(zip(header, ids, strict=False)) if a != b),
            min(len(header), len(ids)),
        )
        raise _Problem(
            "the column ids must repeat the row ids in the same order: "
            + (
                f"line {k + 2} is unit {ids[k]}, column {k + 2} of the header is {header[k]}"
                if k < min(len(header), len(ids))
                else f"{len(ids)} rows for {len(header)} columns"
            ),
            k + 2,
            ids[k] if k < len(ids) else None,
        )
    _check_matrix(ids, values, 2)
    return ids, sp.csr_matrix(values)


def _check_matrix(ids: list[str], values: np.ndarray, first_line: int) -> None:
    """A full matrix of weights: every id once, finite non-negative weights, a zero diagonal (the row of unit k
    is on line first_line + k)."""
    seen: dict[str, int] = {}
    for k, unit in enumerate(ids):
        if unit in seen:
            raise _Problem(
                f"units listed twice: {unit} (lines {first_line + seen[unit]} and {first_line + k})",
                first_line + k,
                unit,
            )
        seen[unit] = k
    bad = np.argwhere(~np.isfinite(values) | (values < 0))
    if len(bad):
        i, j = bad[0]
        raise _Problem(
            f"line {first_line + i}: the weight of {ids[i]} -> {ids[j]} is {values[i, j]}, not a finite "
            "non-negative number",
            first_line + int(i),
            f"{ids[i]} -> {ids[j]}",
        )
    diagonal = np.flatnonzero(np.diagonal(values) != 0)
    if len(diagonal):
        raise _Problem(
            f"{len(diagonal)} units are their own neighbours (non-zero diagonal), the first {ids[diagonal[0]]} "
            f"(line {first_line + diagonal[0]}): set the diagonal to 0",
            first_line + int(diagonal[0]),
            ids[diagonal[0]],
        )


# -- bare matrices --------------------------------------------------------------------------------------------


@dataclass
class _Grid:
    """The cells of a matrix file (2-D, object or float) with what names a cell in a message: the file's row
    of each grid row and the label of each grid column; ``where`` names the sheet or variable."""

    cells: np.ndarray
    rows: list[int | str]
    columns: list[str]
    where: dict = field(default_factory=dict)
    spreadsheet: bool = False  # rows and columns missing at its end are blank cells (an .xlsx stores none)

    def cell(self, r: int, c: int) -> str:
        return f"row {self.rows[r]}, column {self.columns[c]}"


def _column_letter(c: int) -> str:
    letters = ""
    c += 1
    while c:
        c, rest = divmod(c - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _grid_from_rows(path: Path, rows: list[list], numbers: list[int], where: dict, letters: bool) -> _Grid:
    if not rows:
        raise _Problem("the file holds no cells", 1)
    width = Counter(len(row) for row in rows).most_common(1)[0][0]
    if letters:  # a spreadsheet: every row as wide as the widest, blank cells where it has none
        width = max(len(row) for row in rows)
        rows = [list(row) + [None] * (width - len(row)) for row in rows]
    for row, number in zip(rows, numbers, strict=True):
        if len(row) != width:
            raise _Problem(
                f"line {number} has {len(row)} cells where the other rows have {width}: the matrix is not square "
                "(a cell missing or one too many)",
                number,
                column=str(min(len(row), width) + 1),
            )
    cells = np.empty((len(rows), width), dtype=object)
    for r, row in enumerate(rows):
        cells[r, :] = row
    columns = [_column_letter(c) if letters else str(c + 1) for c in range(width)]
    return _Grid(cells, list(numbers), columns, where)


def _grid_csv(path: Path, text: bool) -> _Grid:
    rows, numbers = [], []
    with open(path, encoding="utf-8-sig", newline="") as handle:
        if text:
            for number, line in enumerate(handle, start=1):
                if line.strip():
                    rows.append(line.split())
                    numbers.append(number)
        else:
            reader = csv.reader(handle)
            for row in reader:
                if row:
                    rows.append(row)
                    numbers.append(reader.line_num)
    return _grid_from_rows(path, rows, numbers, {}, letters=False)


def _grid_xlsx(path: Path, sheet: str | None) -> _Grid:
    import zipfile

    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as err:
        raise _Problem(
            f"not a readable .xlsx workbook ({type(err).__name__}: {err})",
            1,
            fix="save the matrix from Excel as .xlsx (or as CSV), or set weights[].format if it is another format",
        ) from None
    try:
        names = book.sheetnames
        if sheet is None:
            chosen = names[0]
        elif str(sheet) in names:
            chosen = str(sheet)
        else:
            raise _Problem(
                f"the workbook has no sheet {sheet!r}; its sheets: {', '.join(names)}",
                key="weights[].sheet",
                column=None,
                fix=f"set sheet to one of: {', '.join(names)}",
            )
        rows, numbers = [], []
        for number, row in enumerate(book[chosen].iter_rows(values_only=True), start=1):
            rows.append(list(row))
            numbers.append(number)
    finally:
        book.close()
    grid = _grid_from_rows(path, rows, numbers, {"sheet": chosen}, letters=True)
    grid.rows = [f"{r} (sheet {chosen})" for r in grid.rows]
    grid.spreadsheet = True
    return grid


MAT_73 = "save it from MATLAB with save('W.mat', 'W', '-v7') (or as CSV: writematrix(W, 'W.csv'))"


def _grid_mat(path: Path, variable: str | None) -> _Grid:
    from scipy.io import loadmat

    with open(path, "rb") as handle:
        head = handle.read(128)
    if b"MATLAB 7.3" in head or head[:8] == b"\x89HDF\r\n\x1a\n":
        raise _Problem(
            "a MATLAB v7.3 (HDF5) .mat file, which scipy cannot read",
            1,
            fix=MAT_73,
        )
    try:
        content = loadmat(path)
    except NotImplementedError as err:  # scipy's word for v7.3
        raise _Problem(f"a MATLAB v7.3 (HDF5) .mat file ({err})", 1, fix=MAT_73) from None
    except (ValueError, TypeError, OSError) as err:
        raise _Problem(
            f"not a readable MATLAB .mat file ({type(err).__name__}: {err})",
            1,
            fix="save it from MATLAB with save -v7 (or as CSV), or set weights[].format if it is another format",
        ) from None
    arrays = {k: v for k, v in content.items() if not k.startswith("__")}

    def numeric(value) -> bool:
        if sp.issparse(value):
            return value.ndim == 2
        return isinstance(value, np.ndarray) and value.ndim == 2 and value.dtype.kind in "biuf"

    if variable is not None:
        if variable not in arrays:
            raise _Problem(
                f"the .mat file has no variable {variable!r}; its variables: {', '.join(arrays) or 'none'}",
                key="weights[].variable",
                fix=f"set variable to one of: {', '.join(arrays) or 'none'}",
            )
        if not numeric(arrays[variable]):
            value = arrays[variable]
            raise _Problem(
                f"the variable {variable!r} is not a 2-D numeric array (a {type(value).__name__} of shape "
                f"{getattr(value, 'shape', '?')}, dtype {getattr(value, 'dtype', '?')})",
                key="weights[].variable",
                fix="name the variable that holds W",
            )
        chosen = variable
    else:
        candidates = [k for k, v in arrays.items() if numeric(v) and min(v.shape) > 1]
        if len(candidates) != 1:
            shapes = ", ".join(f"{k} {getattr(v, 'shape', '')}" for k, v in arrays.items()) or "none"
            raise _Problem(
                f"the .mat file holds {len(candidates)} 2-D numeric arrays, so which is W is not clear "
                f"(variables: {shapes})",
                key="weights[].variable",
                fix="name the array that holds W with weights[].variable (SpatialWeights.from_file(..., "
                "variable=...))",
            )
        chosen = candidates[0]
    value = arrays[chosen]
    cells = value.toarray() if sp.issparse(value) else np.asarray(value)
    cells = cells.astype(np.float64)
    return _Grid(
        cells,
        [f"{r + 1} (variable {chosen})" for r in range(cells.shape[0])],
        [str(c + 1) for c in range(cells.shape[1])],
        {"variable": chosen},
    )


ID_HEADERS = {
    "code", "codes", "id", "ids", "name", "names", "unit", "units", "region", "province", "city", "county",
    "代码", "编码", "地区", "名称", "省份", "城市", "县", "区县", "行政区划代码",
}  # fmt: skip
"""A first line of a one-column ids file that is one of these words is its header, not an id."""


def _read_ids_file(path: Path, column: str | None) -> tuple[list[str], list[int]]:
    """Ids from a one-column CSV or TXT (one a line; the first line is a header when it is one of
    :data:`ID_HEADERS`; name another header with ``ids_column``) or the column ``column`` of a CSV; returns the
    ids and their line numbers."""
    where = {"file": str(path), "key": "weights[].ids"}
    if not path.is_file():
        raise _Problem(
            "the ids file of the matrix is not found" if not path.exists() else "the ids path is a folder",
            fix="check weights[].ids: a one-column CSV or TXT of the ids, in the order of the matrix's rows",
            **where,
        )
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            if path.suffix.lower() in (".txt", ".dat"):
                rows = [[line.strip()] for line in handle.read().splitlines()]
            else:
                rows = list(csv.reader(handle))
    except UnicodeDecodeError as err:
        raise _Problem(
            f"the ids file is not UTF-8 text ({err.reason})", 1, fix="save it as UTF-8 text", **where
        ) from None
    numbered = [(k + 1, row) for k, row in enumerate(rows) if any(cell.strip() for cell in row)]
    if not numbered:
        raise _Problem("the ids file is empty", 1, fix="give one id a line", **where)
    if column is not None:
        header = [cell.strip() for cell in numbered[0][1]]
        if column not in header:
            raise _Problem(
                f"the ids file has no column {column!r}; its columns: {', '.join(header)}",
                numbered[0][0],
                column=column,
                fix=f"set ids_column to one of: {', '.join(header)}",
                **where,
            )
        j = header.index(column)
        body = [(line, row[j] if j < len(row) else "") for line, row in numbered[1:]]
    else:
        wide = next(((line, row) for line, row in numbered if len([c for c in row if c.strip()]) > 1), None)
        if wide is not None:
            raise _Problem(
                f"the ids file has several columns (line {wide[0]}: {', '.join(wide[1])})",
                wide[0],
                fix="name the column of ids with ids_column, or give a file with one id a line",
                **where,
            )
        body = [(line, next(c for c in row if c.strip())) for line, row in numbered]
        first = body[0][1].strip().casefold()
        if first in ID_HEADERS:  # a header line above the ids
            body = body[1:]
    ids, lines = [], []
    for line, value in body:
        code = normalise_code(value)
        if code is None:
            raise _Problem(f"line {line} of the ids file has no id", line, column=column, **where)
        ids.append(code)
        lines.append(line)
    return ids, lines


def _ids_of(grid: _Grid, r0: int, c0: int, axis: str) -> list[str]:
    """The ids in grid row r0 (``axis`` header, from column c0) or column c0 (from row r0); a blank one stops."""
    values = grid.cells[r0, c0:] if axis == "header" else grid.cells[r0:, c0]
    ids = []
    for k, value in enumerate(values):
        code = normalise_code(value)
        if code is None:
            r, c = (r0, c0 + k) if axis == "header" else (r0 + k, c0)
            raise _Problem(
                f"the id at {grid.cell(r, c)} is blank",
                grid.rows[r],
                column=grid.columns[c],
                fix="give every row and column of the matrix its id",
            )
        ids.append(code)
    return ids


def _same_ids(grid: _Grid, ids: list[str], other: list[str], what: str, r0: int, c0: int, axis: str) -> None:
    """The ids of the header (``axis`` header) or first column must be ``ids``, in the same order."""
    for k, (a, b) in enumerate(zip(ids, other, strict=False)):
        if a != b:
            r, c = (r0, c0 + k) if axis == "header" else (r0 + k, c0)
            raise _Problem(
                f"{what} must repeat the ids in the same order: {grid.cell(r, c)} is {b}, where {a} is expected",
                grid.rows[r],
                b,
                column=grid.columns[c],
                fix="give the header row and the first column the same ids in the same order, or delete the "
                "header row",
            )


def _codes(values) -> list[str | None]:
    return [normalise_code(value) for value in values]


def _fit(grid: _Grid, height: int, width: int, n_ids: int) -> tuple[int, int]:
    """The grid cut or padded to ``height`` x ``width`` cells: rows and columns beyond must be blank (spreadsheet
    padding, left out and counted); a spreadsheet's missing trailing rows and columns are blank cells (an island
    at the end of an .xlsx has no cells at all). Returns the blank rows and columns left out."""
    rows, cols = grid.cells.shape
    cut = [0, 0]
    for axis, (have, want) in enumerate(((rows, height), (cols, width))):
        if have > want:
            extra = grid.cells[want:, :] if axis == 0 else grid.cells[:, want:]
            filled = (
                np.argwhere(~np.frompyfunc(_blank, 1, 1)(extra).astype(bool))
                if extra.dtype == object
                else (np.argwhere(np.ones(extra.shape, bool)))
            )
            if len(filled):
                r, c = filled[0]
                r, c = (r + want, c) if axis == 0 else (r, c + want)
                what = f"{have - want} rows" if axis == 0 else f"{have - want} columns"
                raise _Problem(
                    f"the matrix is not square: the ids give {height if axis == 0 else width} "
                    f"{'rows' if axis == 0 else 'columns'}, but the file has {what} more ({grid.cell(r, c)} holds "
                    f"{grid.cells[r, c]!r})",
                    grid.rows[r],
                    column=grid.columns[c],
                    fix="give exactly one row and one column per id (check the ids, or remove the extra cells)",
                )
            cut[axis] = have - want
        elif have < want and grid.spreadsheet:
            pad = np.full(
                (want - have, grid.cells.shape[1]) if axis == 0 else (grid.cells.shape[0], want - have), None
            )
            grid.cells = np.concatenate([grid.cells, pad], axis=axis)
            if axis == 0:
                sheet = grid.where.get("sheet")
                grid.rows += [f"{rows + k + 1} (sheet {sheet})" for k in range(want - have)]
            else:
                grid.columns += [_column_letter(c) for c in range(cols, want)]
        elif have < want:
            what = "rows" if axis == 0 else "columns"
            raise _Problem(
                f"the matrix is not square: {n_ids} ids need {want} {what} (with the ids' own), the file has "
                f"{have}",
                grid.rows[-1],
                column=grid.columns[-1],
                fix="give exactly one row and one column per id (check the ids, or the rows or columns missing)",
            )
    grid.cells = grid.cells[:height, :width]
    grid.rows, grid.columns = grid.rows[:height], grid.columns[:width]
    return cut[0], cut[1]


def _last_filled(values) -> int:
    filled = [k for k, value in enumerate(values) if not _blank(value)]
    return filled[-1] + 1 if filled else 0


def _read_matrix(path: Path, options: dict):
    kind = MATRIX_FILES[path.suffix.lower()]
    if kind == "xlsx":
        grid = _grid_xlsx(path, options.get("sheet"))
    elif kind == "mat":
        grid = _grid_mat(path, options.get("variable"))
    else:
        grid = _grid_csv(path, text=kind == "text")
    ids_from = options.get("ids_from")
    facts: dict = dict(grid.where)
    locations = None
    cells = grid.cells
    if ids_from == "header":
        header = list(cells[0])[: _last_filled(cells[0])]
        below = _codes(cells[1 : len(header), 0])
        # a label cell above a first column that repeats the ids: blank, or the column equals the header's ids
        corner = len(header) > 1 and (_blank(header[0]) or below == _codes(header[1:]))
        c0, r0 = int(corner), 1
        n = len(header) - c0
        facts["ids"] = "the header row" + (" (the first column repeats them)" if corner else "")
    elif ids_from == "column":
        column = list(cells[:, 0])[: _last_filled(cells[:, 0])]
        right = _codes(cells[0, 1 : len(column)]) if cells.shape[1] > 1 else []
        corner = len(column) > 1 and (_blank(column[0]) or right == _codes(column[1:]))
        r0, c0 = int(corner), 1
        n = len(column) - r0
        facts["ids"] = "the first column" + (" (the header row repeats them)" if corner else "")
    else:
        ids_path = Path(options["ids"])
        ids, lines = _read_ids_file(ids_path, options.get("ids_column"))
        locations = (str(ids_path), lines)
        n = len(ids)
        first = list(cells[0])
        rows, cols = cells.shape
        # a header row above the weights: one row more than the ids and holding some of them (then checked to
        # repeat them all), or (a spreadsheet, whose trailing blank rows may be absent) a first row of the ids
        header = set(_codes(first)) & set(ids)
        r0 = int((rows == n + 1 and bool(header)) or (grid.spreadsheet and _codes(first[:n]) == ids))
        c0 = 0
        facts["ids"] = str(ids_path) + (
            f" (column {options['ids_column']})" if options.get("ids_column") else ""
        )
        if n != rows - r0 and n != cols and not grid.spreadsheet:
            raise _Problem(
                f"the ids file gives {n} ids (the last on line {lines[-1]}) for a matrix of {rows - r0} rows and "
                f"{cols} columns",
                lines[-1],
                file=str(ids_path),
                key="weights[].ids",
                column=options.get("ids_column"),
                fix="give one id per row and column of the matrix, in the order of its rows (a header line of "
                "the ids file other than code, id or name: name it with ids_column)",
            )
    if n < 1:
        raise _Problem(
            "the matrix has no ids where they were said to be", grid.rows[0], column=grid.columns[0]
        )
    left_rows, left_cols = _fit(grid, r0 + n, c0 + n, n)
    if ids_from == "header":
        ids = _ids_of(grid, 0, c0, "header")
        if c0:
            _same_ids(grid, ids, _ids_of(grid, 1, 0, "column"), "the first column", 1, 0, "column")
    elif ids_from == "column":
        ids = _ids_of(grid, r0, 0, "column")
        if r0:
            _same_ids(grid, ids, _ids_of(grid, 0, 1, "header"), "the header row", 0, 1, "header")
    elif r0:
        _same_ids(grid, ids, _ids_of(grid, 0, 0, "header"), "the header row", 0, 0, "header")
    if left_rows or left_cols:
        facts["left_out"] = {"blank_rows": left_rows, "blank_columns": left_cols}
    _unique(ids, grid, ids_from, r0, c0, locations)
    body = grid.cells[r0:, c0:]
    values, blanks = _numbers(grid, body, r0, c0, ids)
    facts["blank_cells"] = blanks
    _check_full(grid, ids, values, r0, c0)
    return ids, sp.csr_matrix(values), facts


def _unique(ids: list[str], grid: _Grid, ids_from, r0: int, c0: int, locations) -> None:
    """Every id once; a repeated one is named with where it stands (the header, the first column or the line of
    the ids file)."""
    seen: dict[str, int] = {}
    for k, unit in enumerate(ids):
        if unit not in seen:
            seen[unit] = k
            continue
        if locations is not None:
            path, lines = locations
            row, column, file = lines[k], None, path
        elif ids_from == "header":
            row, column, file = grid.rows[0], grid.columns[c0 + k], None
        else:
            row, column, file = grid.rows[r0 + k], grid.columns[0], None
        raise _Problem(
            f"the id {unit} is given twice (rows {seen[unit] + 1} and {k + 1} of the matrix)",
            row,
            unit,
            column=column,
            file=file,
            key="weights[].ids" if file else None,
            fix="give every unit its own id, once",
        )


def _numbers(grid: _Grid, body: np.ndarray, r0: int, c0: int, ids: list[str]) -> tuple[np.ndarray, int]:
    """The weights as floats (correctly rounded, as Python reads them); blank cells are 0 and counted; a cell that
    is not a number stops with its row and column."""
    if body.dtype.kind == "f":
        return np.array(body, dtype=np.float64), 0
    blank = np.frompyfunc(_blank, 1, 1)(body).astype(bool)
    filled = np.where(blank, 0.0, body)
    try:
        return filled.astype(np.float64), int(blank.sum())
    except (TypeError, ValueError):
        pass
    for (i, j), value in np.ndenumerate(filled):
        try:
            float(value)
        except (TypeError, ValueError):
            raise _Problem(
                f"the weight of {ids[i]} -> {ids[j]} at {grid.cell(r0 + i, c0 + j)} is {value!r}, not a number",
                grid.rows[r0 + i],
                f"{ids[i]} -> {ids[j]}",
                column=grid.columns[c0 + j],
                fix="give every weight as a number (0 for no link)"
                + ("; if the first row or column holds ids, set ids_from" if (i == 0 or j == 0) else ""),
            ) from None
    raise AssertionError("unreachable")  # pragma: no cover


def _check_full(grid: _Grid, ids: list[str], values: np.ndarray, r0: int, c0: int) -> None:
    """Every id once; finite, non-negative weights; a zero diagonal; each problem names its cell and unit."""
    for test, what in ((~np.isfinite(values), "not a finite number"), (values < 0, "negative")):
        bad = np.argwhere(test)
        if len(bad):
            i, j = (int(x) for x in bad[0])
            raise _Problem(
                f"{len(bad)} weights are {what}, the first {ids[i]} -> {ids[j]} = {values[i, j]} at "
                f"{grid.cell(r0 + i, c0 + j)}",
                grid.rows[r0 + i],
                f"{ids[i]} -> {ids[j]}",
                column=grid.columns[c0 + j],
                fix="give every weight as a finite non-negative number (0 for no link)",
            )
    diagonal = np.flatnonzero(np.diagonal(values) != 0)
    if len(diagonal):
        k = int(diagonal[0])
        raise _Problem(
            f"{len(diagonal)} units are their own neighbours (non-zero diagonal), the first {ids[k]} "
            f"({values[k, k]} at {grid.cell(r0 + k, c0 + k)})",
            grid.rows[r0 + k],
            ids[k],
            column=grid.columns[c0 + k],
            fix="set the diagonal to 0: a unit is not its own neighbour",
        )
