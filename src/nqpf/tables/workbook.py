"""A study's tables as one Excel workbook (``tables.xlsx``): a sheet per table, named after it, and a sheet per
data frame given (the panel). Excel reads the workbook's text as Unicode, so Chinese names and labels open
correctly in any Excel, which a plain UTF-8 CSV without a byte-order mark does not (Chinese Excel reads it as
GBK); the machine-readable CSVs of the results stay plain UTF-8 for scripts.

Written with openpyxl; deterministic: equal inputs give byte-identical files (fixed document properties and zip
timestamps, as the Word documents of ``nqpf.tables.render``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import pandas as pd

from nqpf.io import with_rows
from nqpf.tables.model import Table
from nqpf.tables.render import _columns_of

SHEET_NAME_LENGTH = 31  # Excel's limit
_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_PLAIN_NUMBER = re.compile(r"^-?\d+(\.(\d+))?$")


def sheet_names(names: Sequence[str]) -> list[str]:
    """Excel sheet names for ``names``: characters Excel refuses replaced by _, at most 31 characters, unique
    (a clipped name that repeats one before it ends in ~2, ~3 ...)."""
    taken: set[str] = set()
    result = []
    for name in names:
        base = _FORBIDDEN.sub("_", name)[:SHEET_NAME_LENGTH] or "sheet"
        candidate, k = base, 1
        while candidate.lower() in taken:
            k += 1
            suffix = f"~{k}"
            candidate = base[: SHEET_NAME_LENGTH - len(suffix)] + suffix
        taken.add(candidate.lower())
        result.append(candidate)
    return result


def table_grid(table: Table) -> list[tuple[list[str], str]]:
    """The rows of a table's sheet as (cells, kind): the printed grid of ``render.to_csv``, stars kept with their
    numbers. Kinds: title, group, header, block, body, note."""
    blank = [""] * (table.width - 1)
    rows: list[tuple[list[str], str]] = [([table.title.text, *blank], "title")]
    if table.groups:
        row = [""]
        for text, span in table.groups:
            row += [text.text] + [""] * (span - 1)
        rows.append((row, "group"))
    rows.append(([c.text for c in table.columns], "header"))
    for block in table.blocks:
        if block.title is not None:
            rows.append(([block.title.text, *blank], "block"))
        if block.header is not None:
            rows.append(([c.text for c in block.header], "header"))
        for row in block.rows:
            if row.kind == "note":
                rows.append(([row.label.text, *blank], "block"))
            else:
                rows.append(([row.label.text, *(c.plain for c in row.cells)], "body"))
    rows += [([note, *blank], "note") for note in table.notes]
    return rows


def to_xlsx(tables: Sequence[Table], frames: Mapping[str, pd.DataFrame] | None = None) -> bytes:
    """One workbook: a sheet per table (in order), then a sheet per data frame (``{"panel": panel}``).

    Table cells are the printed text; a cell that is a plain number (no stars, no parentheses) is stored as a
    number with as many decimals as printed, so Excel can compute with it and still shows it as printed.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, Side
    from openpyxl.utils import get_column_letter

    frames = dict(frames or {})
    workbook = Workbook()
    workbook.remove(workbook.active)
    properties = workbook.properties
    properties.creator = properties.lastModifiedBy = "nqpf"
    properties.title = "Tables"
    names = sheet_names([t.name for t in tables] + list(frames))
    thick, thin = Side(style="medium"), Side(style="thin")
    centre = Alignment(horizontal="center")

    for table, name in zip(tables, names, strict=False):
        sheet = workbook.create_sheet(name)
        grid = table_grid(table)
        widths = [0] * table.width
        for r, (cells, kind) in enumerate(grid, start=1):
            for c, text in enumerate(cells, start=1):
                if not text:
                    continue
                cell = sheet.cell(row=r, column=c)
                _set_value(cell, text if kind == "body" and c > 1 else None, text)
                if kind in ("title", "note", "block"):
                    cell.font = Font(bold=kind == "title", italic=kind == "block")
                    continue  # spanning text: no column widths from it
                if c > 1:
                    cell.alignment = centre
                widths[c - 1] = max(widths[c - 1], _columns_of(text))
        # the three rules of the printed table: above the header, under it, under the last row
        first_header = next(r for r, (_, kind) in enumerate(grid, start=1) if kind in ("group", "header"))
        last_header = next(r for r, (_, kind) in enumerate(grid, start=1) if kind == "header")
        last_row = max(r for r, (_, kind) in enumerate(grid, start=1) if kind not in ("title", "note"))
        for c in range(1, table.width + 1):
            _border(sheet.cell(row=first_header, column=c), top=thick)
            _border(sheet.cell(row=last_header, column=c), bottom=thin)
            _border(sheet.cell(row=last_row, column=c), bottom=thick)
        for c, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(c)].width = min(max(width, 6) + 2, 60)
        sheet.freeze_panes = sheet.cell(row=last_header + 1, column=2)

    for frame, name in zip(frames.values(), names[len(tables) :], strict=True):
        sheet = workbook.create_sheet(name)
        sheet.append([str(c) for c in frame.columns])
        for c in range(1, frame.shape[1] + 1):
            sheet.cell(row=1, column=c).font = Font(bold=True)
            _border(sheet.cell(row=1, column=c), bottom=thin)
        for c, column in enumerate(frame.columns, start=1):
            longest = max([_columns_of(str(column))] + [_columns_of(str(v)) for v in frame.iloc[:200, c - 1]])
            sheet.column_dimensions[get_column_letter(c)].width = min(longest + 2, 40)
        sheet.freeze_panes = "A2"

    # the frames' rows are written into their sheets' XML below the header openpyxl holds (_frame_rows)
    bodies = {name: (frame, 2) for frame, name in zip(frames.values(), names[len(tables) :], strict=True)}
    return with_rows(workbook, bodies)


def _set_value(cell, number_text: str | None, text: str) -> None:
    match = _PLAIN_NUMBER.match(number_text) if number_text is not None else None
    if match is None:
        cell.value = text
        cell.data_type = "s"  # text stays text: 001 or 1e5 are not numbers here
        return
    decimals = len(match.group(2) or "")
    cell.value = float(text) if decimals else int(text)
    cell.number_format = "0." + "0" * decimals if decimals else "0"


def _border(cell, top=None, bottom=None) -> None:
    from openpyxl.styles import Border

    cell.border = Border(top=top or cell.border.top, bottom=bottom or cell.border.bottom)
