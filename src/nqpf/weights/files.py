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


def read(path, fmt: str | None = None) -> tuple[list[str], sp.csr_matrix]:
    """Read a weights file (format from ``fmt`` or the file suffix); returns its ids and matrix."""
    path = Path(path)
    if not path.exists():
        raise InputError("weights file not found", file=str(path), fix="check weights[].path in the config")
    if not path.is_file():
        raise InputError(
            "the weights path is a folder, not a file", file=str(path), fix="name the file itself"
        )
    fmt = fmt or {".gal": "gal", ".gwt": "gwt", ".csv": "csv", ".txt": "stata"}.get(path.suffix.lower())
    readers = {"gal": _read_gal, "gwt": _read_gwt, "stata": _read_stata, "csv": _read_csv}
    if fmt not in readers:
        raise InputError(
            f"unknown weights format for {path.name}",
            file=str(path),
            fix=f"set weights[].format to one of {FORMATS}",
        )
    try:
        return readers[fmt](path)
    except UnicodeDecodeError as err:
        raise InputError(
            f"the {fmt} weights file is not UTF-8 text ({err.reason} at byte {err.start})",
            file=str(path),
            fix="save it as UTF-8 text (ids and weights), or check that it is a weights file",
        ) from err
    except (ValueError, IndexError) as err:
        raise InputError(
            f"cannot read the {fmt} weights file: {err or 'it ends early'}",
            file=str(path),
            fix=f"correct the file so that it follows the {fmt.upper()} layout (see nqpf.weights.files), or "
            "set weights[].format if it is another format",
        ) from err


def _code(value: str) -> str:
    return normalise_code(value) or value


def _read_gal(path: Path):
    lines = [line.split() for line in path.read_text(encoding="utf-8").splitlines()]
    header, body = lines[0], lines[1:]
    n = int(header[1] if len(header) >= 2 and header[0] == "0" else header[0])
    ids, neighbours, row = [], [], 0
    while len(ids) < n:
        unit, k = body[row][0], int(body[row][1])
        ids.append(_code(unit))
        listed = body[row + 1] if row + 1 < len(body) else []
        if len(listed) != k:
            raise ValueError(f"unit {unit} announces {k} neighbours but lists {len(listed)} (line {row + 3})")
        neighbours.append([_code(x) for x in listed])
        row += 2
    repeated = sorted({unit for unit in ids if ids.count(unit) > 1})
    if repeated:
        raise ValueError(f"units listed twice: {', '.join(repeated[:20])}")
    index = {unit: i for i, unit in enumerate(ids)}
    rows, cols = [], []
    for i, listed in enumerate(neighbours):
        if ids[i] in listed:
            raise ValueError(f"unit {ids[i]} is listed as its own neighbour")
        twice = sorted({unit for unit in listed if listed.count(unit) > 1})
        if twice:
            raise ValueError(f"unit {ids[i]} lists the neighbour {', '.join(twice)} twice")
        for unit in listed:
            if unit not in index:
                raise ValueError(f"neighbour {unit} of {ids[i]} is not one of the file's units")
            rows.append(i)
            cols.append(index[unit])
    return ids, sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n))


def _read_gwt(path: Path):
    """A dense W of 2,848 counties has 8.1 million GWT lines: parsed by pandas' C reader in seconds, where
    splitting lines in Python takes a minute and gigabytes. Files it cannot parse as three whitespace-separated
    fields per line go to the line-by-line reader, which gives the same result or names the problem."""
    import pandas as pd  # here only: the GAL, Stata and CSV readers and most jobs do without it

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
    _check_links(ids, mapped[:m], mapped[m:], table["w"].to_numpy())
    return ids, sp.csr_matrix((table["w"].to_numpy(), (mapped[:m], mapped[m:])), shape=(n, n))


def _check_links(ids: list[str], origins: np.ndarray, destinations: np.ndarray, values: np.ndarray) -> None:
    """The links of a GWT, as positions into ``ids``, in the order of its lines (line 2 is the first link):
    each pair once (a repeated line would add its weight), no unit its own neighbour, finite non-negative
    weights; a problem names its lines."""
    import pandas as pd

    if len(origins) == 0:
        return
    self_links = np.flatnonzero(origins == destinations)
    if len(self_links):
        k = self_links[0]
        raise ValueError(
            f"line {k + 2} links unit {ids[origins[k]]} to itself ({len(self_links)} such lines); a unit is not "
            "its own neighbour: remove those lines"
        )
    bad = np.flatnonzero(~np.isfinite(values) | (values < 0))
    if len(bad):
        k = bad[0]
        raise ValueError(
            f"line {k + 2}: the weight {values[k]} of {ids[origins[k]]} -> {ids[destinations[k]]} is not a finite "
            "non-negative number"
        )
    keys = pd.Series(origins.astype(np.int64) * len(ids) + destinations.astype(np.int64))
    twice = keys.duplicated(keep=False).to_numpy()
    if twice.any():
        first = np.flatnonzero(twice)[0]
        same = np.flatnonzero(keys.to_numpy() == keys.iloc[first]) + 2
        raise ValueError(
            f"the link {ids[origins[first]]} -> {ids[destinations[first]]} is given on {len(same)} lines "
            f"({', '.join(map(str, same[:10]))}); {int(twice.sum())} lines repeat a link: give each link once "
            "(repeated weights are not added up)"
        )


def _read_gwt_lines(path: Path):
    lines = [line.split() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    triples = [(_code(a), _code(b), float(w)) for a, b, w in (line[:3] for line in lines[1:])]
    ids = list(dict.fromkeys([t[0] for t in triples] + [t[1] for t in triples]))
    index = {unit: i for i, unit in enumerate(ids)}
    rows = [index[a] for a, _, _ in triples]
    cols = [index[b] for _, b, _ in triples]
    _check_links(ids, np.array(rows, np.int64), np.array(cols, np.int64), np.array([w for *_, w in triples]))
    n = len(ids)
    return ids, sp.csr_matrix(([w for *_, w in triples], (rows, cols)), shape=(n, n))


def _read_stata(path: Path):
    lines = [line.split() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    n = int(lines[0][0])
    ids = [_code(line[0]) for line in lines[1 : n + 1]]
    values = np.array([[float(v) for v in line[1:]] for line in lines[1 : n + 1]])
    if values.shape != (n, n):
        raise ValueError(f"expected {n} rows of {n} weights, found {values.shape}")
    _check_matrix(ids, values)
    return ids, sp.csr_matrix(values)


def _read_csv(path: Path):
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    header = [_code(x) for x in rows[0][1:]]
    ids = [_code(r[0]) for r in rows[1:]]
    if header != ids:
        raise ValueError("the column ids must repeat the row ids in the same order")
    values = np.array([[float(v) if v.strip() else 0.0 for v in r[1:]] for r in rows[1:]])
    if values.shape != (len(ids), len(header)):
        raise ValueError(f"expected {len(ids)} rows of {len(header)} weights, found {values.shape}")
    _check_matrix(ids, values)
    return ids, sp.csr_matrix(values)


def _check_matrix(ids: list[str], values: np.ndarray) -> None:
    """A full matrix of weights: every id once, finite non-negative weights, a zero diagonal (row numbers count
    the units from 1)."""
    repeated = sorted({unit for unit in ids if ids.count(unit) > 1})
    if repeated:
        raise ValueError(f"units listed twice: {', '.join(repeated[:20])}")
    bad = np.argwhere(~np.isfinite(values) | (values < 0))
    if len(bad):
        i, j = bad[0]
        raise ValueError(
            f"the weight of {ids[i]} -> {ids[j]} is {values[i, j]}, not a finite non-negative number"
        )
    diagonal = np.flatnonzero(np.diagonal(values) != 0)
    if len(diagonal):
        raise ValueError(
            f"{len(diagonal)} units are their own neighbours (non-zero diagonal), the first {ids[diagonal[0]]}: "
            "set the diagonal to 0"
        )
