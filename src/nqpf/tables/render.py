"""Renderings of a ``Table``: CSV (for Excel, with a byte-order mark so Chinese text opens correctly), LaTeX
(booktabs), Markdown, HTML (for the report) and Word (a three-line table, 三线表, as Chinese journals set them,
on A4 pages; ``WordSettings`` for the strict form and the fonts). The Excel workbook of a study is
``nqpf.tables.workbook``.

Every renderer is deterministic: equal tables give byte-identical files, Word files included (fixed document
properties and zip timestamps).
"""

from __future__ import annotations

import csv
import datetime
import html
import io
import re
import unicodedata
import zipfile
from collections.abc import Sequence
from pathlib import Path

from nqpf.io import fixed_member
from nqpf.tables.labels import escape_latex
from nqpf.tables.model import Block, Cell, Row, Table
from nqpf.tables.settings import PAGES, WordSettings

FORMATS = ("csv", "tex", "md", "html", "docx")  # and to_text, for a terminal
WIDE = 95  # tables wider than this many characters are scaled to the text width (LaTeX), landscape (Word)
_FIXED_TIME = datetime.datetime(2000, 1, 1)  # no timezone: Word stores local time
# a number as tables print it, stars aside: 0.455, -1.2, (0.015), 1,234, 12.5%, 372
_NUMBER = re.compile(r"^\(?[-−+]?\d[\d,]*(\.\d+)?%?\)?$")


def _columns_of(text: str) -> int:
    """Display width: Chinese characters take two columns."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def estimated_width(table: Table) -> int:
    """The width of the table in character columns, padding included."""
    return sum(column_widths(table)) + 3 * table.width


def column_widths(table: Table) -> list[int]:
    """The display width of each column: its longest text (spanning titles and notes aside)."""
    widths = [_columns_of(c.text) for c in table.columns]
    for block in table.blocks:
        for row in block.rows:
            if row.kind == "note":
                continue
            for i, c in enumerate((row.label, *row.cells)):
                widths[i] = max(widths[i], _columns_of(c.plain))
        for i, c in enumerate(block.header or ()):
            widths[i] = max(widths[i], _columns_of(c.text))
    return widths


def row_count(table: Table) -> int:
    return sum(len(b.rows) + (b.title is not None) + (b.header is not None) for b in table.blocks)


# --- CSV ------------------------------------------------------------------------------------------------------
def to_csv(table: Table) -> str:
    """The table as a grid: the title, column groups and headers, every row, then the notes."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    blank = [""] * (table.width - 1)
    writer.writerow([table.title.text] + blank)
    if table.groups:
        row = [""]
        for text, span in table.groups:
            row += [text.text] + [""] * (span - 1)
        writer.writerow(row)
    writer.writerow([c.text for c in table.columns])
    for block in table.blocks:
        if block.title is not None:
            writer.writerow([block.title.text] + blank)
        if block.header is not None:
            writer.writerow([c.text for c in block.header])
        for row in block.rows:
            writer.writerow(
                [row.label.text] + ([c.plain for c in row.cells] if row.kind != "note" else blank)
            )
    for note in table.notes:
        writer.writerow([note] + blank)
    return out.getvalue()


# --- plain text -----------------------------------------------------------------------------------------------
def _pad(text: str, width: int, left: bool) -> str:
    space = " " * max(width - _columns_of(text), 0)
    return text + space if left else space + text


def to_text(table: Table) -> str:
    """The table for a terminal: monospaced columns (Chinese characters two wide), rules between blocks, the
    notes below, as esttab or a statsmodels summary prints it."""
    widths = column_widths(table)
    total = sum(widths) + 2 * (table.width - 1)

    def line(cells: Sequence[str]) -> str:
        parts = [_pad(cells[0], widths[0], True)] + [
            _pad(c, w, False) for c, w in zip(cells[1:], widths[1:], strict=True)
        ]
        return "  ".join(parts).rstrip()

    lines = [table.title.text, "=" * total, line([c.text for c in table.columns]), "-" * total]
    for k, block in enumerate(table.blocks):
        if k:
            lines.append("-" * total)
        if block.title is not None:
            lines.append(block.title.text)
        if block.header is not None:
            lines.append(line([c.text for c in block.header]))
        for row in block.rows:
            lines.append(
                row.label.text
                if row.kind == "note"
                else line([row.label.text, *(c.plain for c in row.cells)])
            )
    lines.append("=" * total)
    lines += list(table.notes)
    return "\n".join(lines) + "\n"


# --- Markdown -------------------------------------------------------------------------------------------------
def _md(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("*", "\\*").replace("_", "\\_")


def to_markdown(table: Table) -> str:
    """A pipe table under its bold title; column groups joined into the headers, block titles as bold rows."""
    headers = [_md(table.columns[0].text)]
    if table.groups:
        position = 1
        for group, span in table.groups:
            for column in table.columns[position : position + span]:
                headers.append(_md(f"{group.text}: {column.text}"))
            position += span
    else:
        headers += [_md(c.text) for c in table.columns[1:]]
    lines = [f"**{_md(table.title.text)}**", "", "| " + " | ".join(headers) + " |"]
    lines.append("|" + "|".join([":---"] + [":---:"] * (table.width - 1)) + "|")
    empty = [""] * (table.width - 1)
    for block in table.blocks:
        if block.title is not None:
            lines.append("| " + " | ".join([f"**{_md(block.title.text)}**", *empty]) + " |")
        if block.header is not None:
            lines.append("| " + " | ".join(f"*{_md(c.text)}*" if c.text else "" for c in block.header) + " |")
        for row in block.rows:
            cells = [_md(c.plain) for c in row.cells] if row.kind != "note" else empty
            label = f"*{_md(row.label.text)}*" if row.kind == "note" else _md(row.label.text)
            lines.append("| " + " | ".join([label, *cells]) + " |")
    lines.append("")
    lines += [_md(note) for note in table.notes]
    return "\n".join(lines).rstrip("\n") + "\n"


# --- LaTeX ----------------------------------------------------------------------------------------------------
def _tex(cell: Cell) -> str:
    text = cell.latex if cell.latex is not None else escape_latex(cell.text)
    if cell.latex is None and text[:1] == "-" and text[1:2].isdigit():
        text = "$-$" + text[1:]  # a minus sign, not a hyphen
    return text + (f"$^{{{cell.stars}}}$" if cell.stars else "")


def to_latex(table: Table) -> str:
    """A booktabs table (needs \\usepackage{booktabs}; graphicx for wide tables; Chinese text XeLaTeX with ctex)."""
    n = table.width
    lines = [
        "% Needs \\usepackage{booktabs} (and graphicx for wide tables); Chinese text needs XeLaTeX with ctex.",
        "\\begin{table}[htbp]",
        "  \\centering",
        f"  \\caption{{{_tex(table.title)}}}",
        f"  \\label{{tab:{table.name}}}",
    ]
    # long tables in a smaller type so they fit a page; wide ones scaled to the text width
    rows = row_count(table)
    if rows > 40:
        lines += ["  \\footnotesize", "  \\renewcommand{\\arraystretch}{0.85}"]
    elif rows > 28:
        lines.append("  \\small")
    wide = estimated_width(table) > WIDE
    if wide:
        lines.append("  \\resizebox{\\linewidth}{!}{%")
    lines += [f"  \\begin{{tabular}}{{l*{{{n - 1}}}{{c}}}}", "    \\toprule"]
    if table.groups:
        cells, rules, position = [""], [], 2
        for group, span in table.groups:
            cells.append(f"\\multicolumn{{{span}}}{{c}}{{{_tex(group)}}}")
            rules.append(f"\\cmidrule(lr){{{position}-{position + span - 1}}}")
            position += span
        lines += ["    " + " & ".join(cells) + " \\\\", "    " + " ".join(rules)]
    lines += ["    " + " & ".join(_tex(c) for c in table.columns) + " \\\\", "    \\midrule"]
    for index, block in enumerate(table.blocks):
        if index:
            lines.append("    \\midrule")
        if block.title is not None:
            lines.append(f"    \\multicolumn{{{n}}}{{l}}{{\\textit{{{_tex(block.title)}}}}} \\\\")
        if block.header is not None:
            lines += [
                "    " + " & ".join(_tex(c) for c in block.header) + " \\\\",
                f"    \\cmidrule(lr){{2-{n}}}",
            ]
        for row in block.rows:
            if row.kind == "note":
                lines.append(f"    \\multicolumn{{{n}}}{{l}}{{\\textit{{{_tex(row.label)}}}}} \\\\")
            else:
                lines.append("    " + " & ".join([_tex(row.label), *(_tex(c) for c in row.cells)]) + " \\\\")
    lines += ["    \\bottomrule", "  \\end{tabular}"]
    if wide:
        lines.append("  }")
    if table.notes:
        lines += ["  \\par\\smallskip", "  \\begin{minipage}{\\linewidth}\\footnotesize"]
        lines += [f"    {escape_latex(note)}\\par" for note in table.notes]
        lines.append("  \\end{minipage}")
    lines.append("\\end{table}")
    return "\n".join(lines) + "\n"


# --- HTML -----------------------------------------------------------------------------------------------------
_CSS = (
    "body{font-family:'Times New Roman','Noto Serif CJK SC','SimSun',serif;margin:1.5em}"
    "table{border-collapse:collapse;border-top:2px solid #000;border-bottom:2px solid #000}"
    "caption{font-weight:bold;padding:0.4em;caption-side:top}"
    "th,td{padding:0.15em 0.8em;text-align:center;white-space:nowrap}"
    "th:first-child,td:first-child{text-align:left}"
    "thead tr:last-child th{border-bottom:1px solid #000}"
    "tbody+tbody tr:first-child td{border-top:1px solid #000}"
    "td.block{font-style:italic}tr.se td{color:#333}"
    "p.note{font-size:0.85em;max-width:60em}"
)


def _h(cell: Cell) -> str:
    return html.escape(cell.text) + (f"<sup>{cell.stars}</sup>" if cell.stars else "")


def _html_block(block: Block, width: int) -> list[str]:
    lines = ["<tbody>"]
    if block.title is not None:
        lines.append(f'<tr><td class="block" colspan="{width}">{_h(block.title)}</td></tr>')
    if block.header is not None:
        lines.append("<tr>" + "".join(f"<th>{_h(c)}</th>" for c in block.header) + "</tr>")
    for row in block.rows:
        lines.append(_html_row(row, width))
    lines.append("</tbody>")
    return lines


def _html_row(row: Row, width: int) -> str:
    if row.kind == "note":
        return f'<tr><td class="block" colspan="{width}">{_h(row.label)}</td></tr>'
    css = ' class="se"' if row.kind == "se" else ""
    return f"<tr{css}>" + "".join(f"<td>{_h(c)}</td>" for c in (row.label, *row.cells)) + "</tr>"


def to_html(table: Table) -> str:
    """A standalone HTML page with the table (as the report shows it)."""
    lines = [
        "<!DOCTYPE html>",
        '<html lang="zh"><head><meta charset="utf-8">',
        f"<title>{html.escape(table.title.text)}</title><style>{_CSS}</style></head><body>",
        f'<table id="{html.escape(table.name)}"><caption>{_h(table.title)}</caption><thead>',
    ]
    if table.groups:
        lines.append(
            "<tr><th></th>"
            + "".join(f'<th colspan="{span}">{_h(group)}</th>' for group, span in table.groups)
            + "</tr>"
        )
    lines.append("<tr>" + "".join(f"<th>{_h(c)}</th>" for c in table.columns) + "</tr></thead>")
    for block in table.blocks:
        lines += _html_block(block, table.width)
    lines.append("</table>")
    lines += [f'<p class="note">{html.escape(note)}</p>' for note in table.notes]
    lines.append("</body></html>")
    return "\n".join(lines) + "\n"


# --- Word -----------------------------------------------------------------------------------------------------
_MARGINS = (25.4, 31.7)  # top and bottom, left and right, mm: Word's Chinese defaults (2.54 cm, 3.17 cm)
_CELL_MARGIN = 5.4  # Word's default left and right cell margins, pt


def to_docx(tables: Sequence[Table], settings: WordSettings | None = None) -> bytes:
    """One Word document holding the tables in order, each a three-line table with its title and notes, on A4
    pages (``settings.page``); a table too wide for a portrait page gets a landscape section of its own."""
    settings = settings or WordSettings()
    document = _docx_document(tables, settings)
    for index, table in enumerate(tables):
        _docx_table(document, table, settings, first=index == 0)
    return _docx_bytes(document)


def docx_documents(
    tables: Sequence[Table], settings: WordSettings | None = None
) -> tuple[list[bytes], bytes]:
    """Each table's Word document (:func:`to_docx` of the table alone) and the one holding them all
    (:func:`to_docx` of ``tables``), the same bytes as those calls give: each table is filled once, in its own
    document, and copied into the whole."""
    import copy

    settings = settings or WordSettings()
    whole = _docx_document(tables, settings)
    singles = []
    for index, table in enumerate(tables):
        alone = _docx_document([table], settings)
        elements = _docx_table(alone, table, settings, first=True)
        singles.append(_docx_bytes(alone))
        _docx_section(whole, table, settings, first=index == 0)
        body = whole.element.body
        sentinel = body.sectPr  # the last section's properties stay last
        for element in elements:
            sentinel.addprevious(copy.deepcopy(element))
    return singles, _docx_bytes(whole)


def _docx_document(tables: Sequence[Table], settings: WordSettings):
    """An empty Word document with the fonts of ``settings`` and fixed properties (the same bytes every run)."""
    import docx

    document = docx.Document()
    _set_fonts(document.styles["Normal"], settings)
    properties = document.core_properties
    properties.author = properties.last_modified_by = "nqpf"
    properties.title = tables[0].title.text if len(tables) == 1 else "Tables"
    properties.created = properties.modified = properties.last_printed = _FIXED_TIME
    properties.revision = 1
    return document


def _docx_bytes(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return fixed_zip(buffer.getvalue())


def _docx_section(document, table: Table, settings: WordSettings, first: bool):
    """The section of ``table``: the document's first, or a new one; landscape when the table is wide."""
    if not first:
        document.add_section()
    section = document.sections[-1]
    _set_page(section, settings.page, landscape=estimated_width(table) > WIDE)
    return section


def _docx_table(document, table: Table, settings: WordSettings, first: bool) -> list:
    """Add ``table`` (its title, the three-line table and its notes) in a section of its own; returns the body
    elements added."""
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    section = _docx_section(document, table, settings, first)
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.keep_with_next = True
    title.add_run(table.title.text).bold = True
    grid = _docx_grid(table)
    word = document.add_table(rows=len(grid), cols=table.width)
    word.alignment = WD_TABLE_ALIGNMENT.CENTER
    word.autofit = False
    # columns as wide as their text, the whole at most the text width of the page
    text_width = section.page_width - section.left_margin - section.right_margin
    widths = [w + 3 for w in column_widths(table)]
    unit = min(text_width // sum(widths), Pt(settings.font_size * 0.62))
    column_widths_emu = [unit * width for width in widths]
    for column, width in zip(word.columns, column_widths_emu, strict=True):
        column.width = width  # the grid, which LibreOffice reads
    for row in word.rows:  # and every cell, which Word reads (row by row: a column's cells walk the table)
        for each, width in zip(row.cells, column_widths_emu, strict=True):
            each.width = width
    tabs = _decimal_tabs(grid, column_widths_emu, Pt(settings.font_size / 2))
    header = next(r for r, (_, style) in enumerate(grid) if style == "header")
    for r, (cells, style) in enumerate(grid):
        borders: dict[str, int] = {}
        if r == 0:
            borders["top"] = 12  # 1.5 pt
        if r == header:
            borders["bottom"] = 6  # 0.75 pt
        if r == len(grid) - 1:
            borders["bottom"] = 12
        if style.endswith("-first") and not settings.three_line:
            borders["top"] = 4  # 0.5 pt between the blocks of a table
        _fill_docx_row(word.rows[r], cells, style, borders, tabs[r], keep=r < len(grid) - 1)
    elements = [title._p, word._tbl]
    for note in table.notes:
        paragraph = document.add_paragraph()
        run = paragraph.add_run(note)
        run.font.size = Pt(max(settings.font_size - 1.5, 5))
        elements.append(paragraph._p)
    return elements


def _set_page(section, page: str, landscape: bool) -> None:
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm

    width, height = PAGES[page]
    if landscape:
        width, height = height, width
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(width), Mm(height)
    vertical, horizontal = _MARGINS
    section.top_margin = section.bottom_margin = Mm(vertical)
    section.left_margin = section.right_margin = Mm(horizontal)


def _docx_grid(table: Table) -> list[tuple[list, str]]:
    """Rows of (cells, style); a cell is (text, stars, span). Styles: group, header, title, blockheader, body,
    and their ``-first`` forms for the first row of a block after the first (a thin rule above it)."""
    grid: list[tuple[list, str]] = []
    if table.groups:
        grid.append(([("", "", 1)] + [(g.text, "", span) for g, span in table.groups], "group"))
    grid.append(([(c.text, "", 1) for c in table.columns], "header"))
    for index, block in enumerate(table.blocks):
        first = index > 0
        if block.title is not None:
            grid.append(([(block.title.text, "", table.width)], "title-first" if first else "title"))
            first = False
        if block.header is not None:
            grid.append(
                ([(c.text, "", 1) for c in block.header], "blockheader-first" if first else "blockheader")
            )
            first = False
        for row in block.rows:
            if row.kind == "note":
                cells = [(row.label.text, "", table.width)]
            else:
                cells = [(row.label.text, "", 1)] + [(c.text, c.stars, 1) for c in row.cells]
            grid.append((cells, "body-first" if first else "body"))
            first = False
    return grid


def _decimal_tabs(grid: list[tuple[list, str]], widths: list[int], digit: int) -> list[list[int | None]]:
    """For each row of the grid, where in each cell a decimal tab aligns its number (None: the cell is centred).

    The numbers of a column line up on their decimal point (a number without one ends there), the block of
    them centred in the column. A block with a header of its own starts a new alignment, since its columns
    hold other quantities. Positions are from the cell's text edge, in EMU; ``digit`` is the width of a figure.
    """
    from docx.shared import Pt

    tabs: list[list[int | None]] = [[None] * len(widths) for _ in grid]
    segments: list[list[int]] = [[]]
    for r, (_, style) in enumerate(grid):
        if style.startswith("blockheader"):
            segments.append([])
        elif style.startswith("body"):
            segments[-1].append(r)
    for rows in segments:
        for column in range(1, len(widths)):
            numbers = {}
            for r in rows:
                cells = grid[r][0]
                if len(cells) != len(widths):  # a row spanning the table
                    continue
                text, stars, _ = cells[column]
                if _NUMBER.match(text):
                    whole, _, fraction = text.partition(".")
                    numbers[r] = (len(whole), len(fraction) + len(stars) * 0.6 + bool(fraction))
            if not numbers:
                continue
            left = max(w for w, _ in numbers.values())
            right = max(f for _, f in numbers.values())
            inner = widths[column] - 2 * Pt(_CELL_MARGIN)
            start = max((inner - (left + right) * digit) // 2, 0)
            for r in numbers:
                tabs[r][column] = int(start + left * digit)
    return tabs


def _fill_docx_row(row, cells, style: str, borders: dict[str, int], tabs: list, keep: bool) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
    from docx.shared import Pt

    position = 0
    row_cells = row.cells  # once: each call walks the row; a merge only joins the cells of its own span
    for text, stars, span in cells:
        target = row_cells[position]
        if span > 1:
            target = target.merge(row_cells[position + span - 1])
        paragraph = target.paragraphs[0]
        paragraph.paragraph_format.space_after = Pt(0)
        paragraph.paragraph_format.space_before = Pt(0)
        paragraph.paragraph_format.keep_with_next = keep  # a table is not split from its bottom rule
        tab = tabs[position] if span == 1 else None
        if tab is not None:
            # a decimal tab stop aligns the number of a table cell on its point, in Word and LibreOffice alike,
            # without a tab character (with one, LibreOffice wraps the number onto a second line)
            paragraph.paragraph_format.tab_stops.add_tab_stop(tab, WD_TAB_ALIGNMENT.DECIMAL)
        elif position > 0 or style == "group":
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(text)
        if style.startswith("title"):
            run.italic = True
        if stars:
            star = paragraph.add_run(stars)
            star.font.superscript = True
        position += span
    done = set()
    for c in row.cells:  # merged cells appear once per column they span
        if id(c._tc) not in done:
            done.add(id(c._tc))
            _cell_borders(c, borders)


_EDGES = ("top", "left", "bottom", "right")  # the order the schema requires


def _cell_borders(cell, borders: dict[str, int]) -> None:
    """Rules on a cell's edges, sizes in eighths of a point (12 = 1.5 pt)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    if not borders:
        return
    properties = cell._tc.get_or_add_tcPr()
    element = properties.find(qn("w:tcBorders"))
    if element is None:
        element = OxmlElement("w:tcBorders")
        properties.append(element)
    for edge in _EDGES:
        if edge not in borders:
            continue
        line = OxmlElement(f"w:{edge}")
        line.set(qn("w:val"), "single")
        line.set(qn("w:sz"), str(borders[edge]))
        line.set(qn("w:space"), "0")
        line.set(qn("w:color"), "000000")
        element.append(line)


def _set_fonts(style, settings: WordSettings) -> None:
    """Times New Roman for Latin text and SimSun (宋体) for Chinese by default, as Chinese journals ask."""
    from docx.oxml.ns import qn
    from docx.shared import Pt

    style.font.name = settings.font
    style.font.size = Pt(settings.font_size)
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), settings.east_asian_font)


def fixed_zip(data: bytes) -> bytes:
    """The same archive (a .docx or .xlsx) with fixed member timestamps, so equal documents are byte-identical."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(fixed_member(info.filename), source.read(info.filename))
    return out.getvalue()


def latex_document(tables: Sequence[Table], chinese: bool) -> str:
    """A compilable document with every table (pdflatex; XeLaTeX when ``chinese``, for ctex)."""
    preamble = [
        "% Compile with " + ("xelatex (Chinese text needs ctex)." if chinese else "pdflatex or xelatex."),
        "\\documentclass[11pt]{article}",
        "\\usepackage[margin=1.5cm]{geometry}",
        "\\usepackage{booktabs,graphicx}",
    ]
    if chinese:
        preamble.append("\\usepackage{ctex}")
    else:
        preamble += ["\\usepackage[T1]{fontenc}", "\\usepackage[utf8]{inputenc}", "\\usepackage{textcomp}"]
    body = ["\\begin{document}"] + [to_latex(t) + "\\clearpage" for t in tables] + ["\\end{document}"]
    return "\n".join(preamble + body) + "\n"


# --- files ----------------------------------------------------------------------------------------------------
def write(
    table: Table, stem: str | Path, word: WordSettings | None = None, docx: bytes | None = None
) -> list[Path]:
    """Write ``<stem>.csv, .tex, .md, .html, .docx``; returns the paths. ``docx``: the table's Word document when
    made already (:func:`docx_documents`)."""
    stem = Path(stem)
    paths = []
    texts = {"csv": to_csv(table), "tex": to_latex(table), "md": to_markdown(table), "html": to_html(table)}
    for suffix, text in texts.items():
        path = stem.with_suffix(f".{suffix}")
        # utf-8-sig: Excel opens a CSV with Chinese text correctly only with a byte-order mark.
        path.write_text(text, encoding="utf-8-sig" if suffix == "csv" else "utf-8", newline="\n")
        paths.append(path)
    docx_path = stem.with_suffix(".docx")
    docx_path.write_bytes(to_docx([table], word) if docx is None else docx)
    return paths + [docx_path]
