"""Reading and writing weights in the formats other tools exchange.

- GAL (GeoDa): a header ``0 n <source> <id variable>``, then for each unit a line ``id k`` followed by a line
  with its k neighbour ids. Read by spdep ``read.gal``, libpysal and GeoDa. Carries the links only.
- GWT (GeoDa): the same header, then one line ``id_i id_j w_ij`` per link. Read by spdep ``read.gwt2nb``
  (weights in its ``GeoDa$dist`` attribute), libpysal and GeoDa.
- Stata ``spmatrix export`` text: a first line with n, then one line per unit, ``id w_i1 ... w_in`` (the full
  matrix, ids numeric); ``spmatrix import W using file`` reads it.
- CSV matrix: a header ``code,id_1,...,id_n``, then one row per unit ``id_i,w_i1,...,w_in``.
Weights are written with 17 significant digits, so a file read back gives the same floating-point numbers.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from nqpf.errors import InputError
from nqpf.units.codes import normalise_code

FORMATS = ("gal", "gwt", "stata", "csv")


def _number(value: float) -> str:
    return format(float(value), ".17g")


def write_gal(ids, matrix: sp.csr_matrix, path, source: str = "nqpf", id_variable: str = "code") -> None:
    matrix = sp.csr_matrix(matrix)
    lines = [f"0 {len(ids)} {source} {id_variable}"]
    for i, unit in enumerate(ids):
        neighbours = matrix.indices[matrix.indptr[i] : matrix.indptr[i + 1]]
        lines.append(f"{unit} {len(neighbours)}")
        lines.append(" ".join(ids[j] for j in neighbours))
    Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_gwt(ids, matrix: sp.csr_matrix, path, source: str = "nqpf", id_variable: str = "code") -> None:
    matrix = sp.csr_matrix(matrix)
    lines = [f"0 {len(ids)} {source} {id_variable}"]
    for i, unit in enumerate(ids):
        start, end = matrix.indptr[i], matrix.indptr[i + 1]
        for j, value in zip(matrix.indices[start:end], matrix.data[start:end], strict=True):
            lines.append(f"{unit} {ids[j]} {_number(value)}")
    Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_stata(ids, matrix: sp.csr_matrix, path) -> None:
    if not all(str(i).isdigit() for i in ids):
        raise InputError(
            "Stata's spmatrix needs numeric unit ids",
            file=str(path),
            fix="export this weights matrix as csv instead (weights[].export)",
        )
    dense = sp.csr_matrix(matrix).toarray()
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(f"{len(ids)}\n")
        for unit, row in zip(ids, dense, strict=True):
            handle.write(unit + " " + " ".join(_number(v) for v in row) + "\n")


def write_csv(ids, matrix: sp.csr_matrix, path) -> None:
    dense = sp.csr_matrix(matrix).toarray()
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["code", *ids])
        for unit, row in zip(ids, dense, strict=True):
            writer.writerow([unit, *(_number(v) for v in row)])


class _Problem(ValueError):
    """A problem of a weights file at a line (1-based, the header is line 1) and, where known, a unit or link."""

    def __init__(self, message: str, line: int | None = None, unit: str | None = None):
        super().__init__(message)
        self.line = line
        self.unit = unit


def read(path, fmt: str | None = None) -> tuple[list[str], sp.csr_matrix]:
    """Read a weights file (format from ``fmt`` or the file suffix); returns its ids and matrix."""
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
    fmt = fmt or {".gal": "gal", ".gwt": "gwt", ".csv": "csv", ".txt": "stata"}.get(path.suffix.lower())
    readers = {"gal": _read_gal, "gwt": _read_gwt, "stata": _read_stata, "csv": _read_csv}
    if fmt not in readers:
        raise InputError(
            f"unknown weights format for {path.name}",
            file=str(path),
            key="weights[].format",
            fix=f"set weights[].format to one of {FORMATS}",
        )
    layout = (
        f"correct the file so that it follows the {fmt.upper()} layout (see nqpf.weights.files), or set "
        "weights[].format if it is another format"
    )
    if path.stat().st_size == 0:
        raise InputError(f"the {fmt} weights file is empty", file=str(path), row=1, fix=layout)
    try:
        return readers[fmt](path)
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
        raise InputError(
            f"cannot read the {fmt} weights file: {err}",
            file=str(path),
            row=err.line,
            unit=err.unit,
            fix=layout,
        ) from err


PATH_KEY = "weights[].path"


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


def _gwt_count(path: Path) -> int | None:
    """The number of units a GWT header announces (``0 n source id-variable``), if it has one."""
    with open(path, encoding="utf-8") as handle:
        header = handle.readline().split()
    if len(header) >= 2 and header[0] == "0" and header[1].isdigit():
        return int(header[1])
    return None


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
    """A dense W of 2,848 counties has 8.1 million GWT lines: parsed by pandas' C reader in seconds, where
    splitting lines in Python takes a minute and gigabytes. Files it cannot parse as three whitespace-separated
    fields per line go to the line-by-line reader, which gives the same result or names the problem."""
    import pandas as pd  # here only: the GAL, Stata and CSV readers and most jobs do without it

    with open(path, encoding="utf-8") as handle:
        header, _, body = handle.read().partition("\n")
    if not body.strip():
        raise _Problem("the file has a header but no links (line 2)", 2)
    if body.startswith(("\n", "\r\n")) or "\n\n" in body or "\n\r\n" in body:
        return _read_gwt_lines(path)  # blank lines: the line reader numbers the lines as the file does
    try:
        table = pd.read_csv(
            path,
            sep=r"\s+",
            header=None,
            skiprows=1,
            names=["a", "b", "w"],
            dtype={"a": str, "b": str, "w": np.float64},
            encoding="utf-8",
        )
    except (pd.errors.EmptyDataError, pd.errors.ParserError, ValueError):
        return _read_gwt_lines(path)
    if table.isna().any().any():
        return _read_gwt_lines(path)
    # ids in the order they first appear among the origins, then the destinations (as the line reader)
    m = len(table)
    positions, raw = pd.factorize(np.concatenate([table["a"].to_numpy(object), table["b"].to_numpy(object)]))
    codes = [_code(value) for value in raw]
    ids = list(dict.fromkeys(codes))
    index = {unit: i for i, unit in enumerate(ids)}
    mapped = np.array([index[code] for code in codes], dtype=np.int64)[positions]
    n = len(ids)
    first = np.full(n, m + 2, dtype=np.int64)  # the line each id first appears on
    np.minimum.at(first, mapped, np.concatenate([np.arange(m), np.arange(m)]) + 2)
    _check_count(ids, _gwt_count(path), first)
    _check_links(ids, mapped[:m], mapped[m:], table["w"].to_numpy())
    return ids, sp.csr_matrix((table["w"].to_numpy(), (mapped[:m], mapped[m:])), shape=(n, n))


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
    numbered = [
        (number, line.split())
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if line.strip() and number > 1
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
    _check_count(ids, _gwt_count(path), first)
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


def _read_stata(path: Path):
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
