"""The outputs a journal or an Excel user opens: the Word documents (A4, the strict three-line table, numbers on
their decimal point), the study's Excel workbook (a sheet per table and the panel, Chinese text intact, the same
bytes on every write) and a quiet terminal (the default profile)."""

from __future__ import annotations

import dataclasses
import io
import re
import zipfile

import docx
import openpyxl
import pandas as pd
import pytest
import yaml

from nqpf import io as nqpf_io
from nqpf.errors import InputError
from nqpf.tables import render, workbook
from nqpf.tables.model import Cell
from tests.conftest import REPO
from tests.test_tables import sample_table

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def chinese_table():
    return dataclasses.replace(
        sample_table(),
        name="effects_of_new_infrastructure_by_region",  # longer than a sheet name may be
        title=Cell("新基建对新质生产力的空间效应"),
        notes=("注：括号内为标准误。",),
    )


def panel() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "code": ["110000", "120000", "110000", "120000"],
            "name": ["北京市", "天津市", "北京市", "天津市"],
            "year": [2012, 2012, 2013, 2013],
            "nqpf": [0.512, 0.301, float("nan"), 0.322],
        }
    )


# --- Word ------------------------------------------------------------------------------------------------------
def rules(data: bytes) -> set[tuple[int, str, str]]:
    """The rules of the first table of a document: (row, edge, size) for every cell border, and table borders."""
    table = docx.Document(io.BytesIO(data)).tables[0]._tbl
    assert table.find(f"{W}tblPr/{W}tblBorders") is None  # no table-wide borders
    found = set()
    for r, row in enumerate(table.findall(f"{W}tr")):
        for cell in row.findall(f"{W}tc"):
            for edge in cell.findall(f"{W}tcPr/{W}tcBorders/*"):
                if edge.get(f"{W}val") not in (None, "nil", "none"):
                    found.add((r, edge.tag.removeprefix(W), edge.get(f"{W}sz")))
    return found


def test_the_documents_made_in_one_pass_are_those_of_each_table_and_of_all():
    wide = dataclasses.replace(
        sample_table(), groups=(), columns=(Cell("Variable"), *(Cell("x" * 40) for _ in range(4)))
    )
    tables = [sample_table(), wide, chinese_table()]
    for settings in (render.WordSettings(), render.WordSettings(page="letter", three_line=True)):
        singles, whole = render.docx_documents(tables, settings)
        assert singles == [render.to_docx([table], settings) for table in tables]
        assert whole == render.to_docx(tables, settings)
    assert len(docx.Document(io.BytesIO(whole)).sections) == 3


def test_word_pages_are_a4_portrait_and_landscape_for_a_wide_table():
    wide = dataclasses.replace(
        sample_table(), groups=(), columns=(Cell("Variable"), *(Cell("x" * 40) for _ in range(4)))
    )
    document = docx.Document(io.BytesIO(render.to_docx([sample_table(), wide])))
    portrait, landscape = document.sections
    a4 = (11906, 16838)  # twips, as Word stores A4 (python-docx's own template is Letter)
    assert (portrait.page_width.twips, portrait.page_height.twips) == a4
    assert (landscape.page_width.twips, landscape.page_height.twips) == a4[::-1]
    letter = docx.Document(io.BytesIO(render.to_docx([sample_table()], render.WordSettings(page="letter"))))
    assert round(letter.sections[0].page_width.mm, 1) == 215.9
    # the columns fit the text width of the page
    for section, table in zip(document.sections, document.tables, strict=True):
        text_width = section.page_width - section.left_margin - section.right_margin
        assert sum(c.width for c in table.columns) <= text_width


def test_the_strict_three_line_table_has_exactly_three_rules():
    table = sample_table()  # a group row, the header, two blocks (the second with a title and a header)
    strict = rules(render.to_docx([table], render.WordSettings(three_line=True)))
    last = 2 + 2 + 1 + 1 + 1 - 1
    assert {(r, edge) for r, edge, _ in strict} == {(0, "top"), (1, "bottom"), (last, "bottom")}
    assert {(r, size) for r, _, size in strict} == {(0, "12"), (1, "6"), (last, "12")}
    # the default adds a thin rule above the second block
    assert rules(render.to_docx([table])) - strict == {(4, "top", "4")}


def test_word_numbers_align_on_their_decimal_point():
    document = docx.Document(io.BytesIO(render.to_docx([sample_table()])))
    word = document.tables[0]
    estimate, error = word.rows[2].cells[1].paragraphs[0], word.rows[3].cells[1].paragraphs[0]
    stops = [[(s.alignment, s.position) for s in p.paragraph_format.tab_stops] for p in (estimate, error)]
    assert stops[0] == stops[1] and len(stops[0]) == 1 and "DECIMAL" in str(stops[0][0][0])
    # no tab character: a cell's text aligns on the cell's decimal tab stop by itself (a tab would make
    # LibreOffice wrap the number onto a second line)
    assert estimate.text == "0.455***" and error.text == "(0.015)"
    assert (
        "<w:tab/>"
        not in zipfile.ZipFile(io.BytesIO(render.to_docx([sample_table()])))
        .read("word/document.xml")
        .decode()
    )
    assert len(word.rows[1].cells[1].paragraphs[0].paragraph_format.tab_stops) == 0  # headers centred
    assert word.rows[2].cells[4].text == ""


def test_word_fonts_and_bytes_follow_the_settings():
    settings = render.WordSettings(three_line=True, font="Arial", east_asian_font="SimHei", font_size=12)
    data = render.to_docx([chinese_table()], settings)
    assert data == render.to_docx([chinese_table()], settings)
    style = docx.Document(io.BytesIO(data)).styles["Normal"]
    assert style.font.name == "Arial" and style.font.size.pt == 12
    assert style.element.rPr.rFonts.get(f"{W}eastAsia") == "SimHei"


def test_a_merged_cell_gets_each_rule_once_in_schema_order():
    data = render.to_docx([sample_table()])
    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()
    for borders in re.findall(r"<w:tcBorders>(.*?)</w:tcBorders>", xml):
        edges = re.findall(r"<w:(top|left|bottom|right) ", borders)
        assert len(edges) == len(set(edges))
        assert edges == sorted(edges, key=("top", "left", "bottom", "right").index)


# --- Excel -----------------------------------------------------------------------------------------------------
def test_the_workbook_has_a_sheet_per_table_and_the_panel_with_chinese_text_intact(tmp_path):
    tables = [sample_table(), chinese_table()]
    data = workbook.to_xlsx(tables, {"panel": panel()})
    path = tmp_path / "tables.xlsx"
    path.write_bytes(data)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["sample", "effects_of_new_infrastructure_b", "panel"]
    assert all(len(name) <= 31 for name in book.sheetnames)
    sheet = book["effects_of_new_infrastructure_b"]
    assert sheet["A1"].value == "新基建对新质生产力的空间效应"
    column = [row[0] for row in sheet.iter_rows(values_only=True)]
    assert column[-1] == "注：括号内为标准误。"
    # the printed cells: stars kept, plain numbers as numbers shown with their decimals
    values = {c.coordinate: c for row in book["sample"].iter_rows() for c in row if c.value is not None}
    assert values["B4"].value == "0.455***" and values["B5"].value == "(0.015)"
    assert values["C4"].value == 1 and values["C4"].number_format == "0.0"
    rows = list(book["panel"].iter_rows(values_only=True))
    assert rows[0] == ("code", "name", "year", "nqpf")
    assert rows[1] == ("110000", "北京市", 2012, 0.512)  # codes stay text, names Chinese
    assert rows[3][3] is None  # a missing value is an empty cell


def test_the_workbook_is_byte_identical_on_every_write():
    tables = [sample_table(), chinese_table()]
    first = workbook.to_xlsx(tables, {"panel": panel()})
    assert first == workbook.to_xlsx(tables, {"panel": panel()})
    archive = zipfile.ZipFile(io.BytesIO(first))
    assert {i.date_time for i in archive.infolist()} == {(2000, 1, 1, 0, 0, 0)}
    core = archive.read("docProps/core.xml").decode()
    assert "2000-01-01T00:00:00Z" in core and str(pd.Timestamp.now().year) not in core


def test_the_panel_sheet_holds_every_value_exactly_in_every_row(tmp_path):
    """The data frames' rows are written past openpyxl (nqpf.io._frame_rows): every double reads back as the same
    double (openpyxl's 16 significant digits read 0.1 + 0.2 back as 0.3), text and booleans as such, missing and
    non-finite values as empty cells, and rows beyond the writer's chunk of rows in their places."""
    n = 2 * nqpf_io._ROWS_PER_CHUNK + 7
    frame = pd.DataFrame(
        {
            "code": [f"{k:06d}" for k in range(n)],
            "name": [" 北京市 " if k == 5 else f"单位{k}" for k in range(n)],
            "year": [2012 + k % 3 for k in range(n)],
            "value": [0.1 + 0.2 if k == 0 else (float("inf") if k == 9 else k / 7) for k in range(n)],
            "pilot": [k % 2 == 0 for k in range(n)],
            "mixed": ["a<b&c" if k == 1 else (None if k % 4 == 0 else k) for k in range(n)],
        }
    )
    frame.loc[3, "value"] = float("nan")
    path = tmp_path / "tables.xlsx"
    path.write_bytes(workbook.to_xlsx([sample_table()], {"panel": frame}))
    sheet = openpyxl.load_workbook(path)["panel"]
    assert sheet.dimensions == f"A1:F{n + 1}"
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.bold
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == n
    assert rows[0][3] == 0.1 + 0.2 != 0.3
    assert [r[3] for r in rows[1:3]] == [1 / 7, 2 / 7]
    assert rows[3][3] is None and rows[9][3] is None  # missing, infinite
    assert rows[-1] == (
        f"{n - 1:06d}",
        f"单位{n - 1}",
        2012 + (n - 1) % 3,
        (n - 1) / 7,
        (n - 1) % 2 == 0,
        n - 1,
    )
    assert rows[5][1] == " 北京市 " and rows[1][5] == "a<b&c" and rows[4][5] is None
    assert [r[4] for r in rows[:2]] == [True, False]


def test_a_control_character_in_the_panel_stops_the_workbook_naming_column_and_row():
    frame = pd.DataFrame({"code": ["110000", "120000"], "name": ["北京市", "天津\x01市"]})
    with pytest.raises(InputError, match=r"column 'name', row 3: .*control character") as raised:
        workbook.to_xlsx([sample_table()], {"panel": frame})
    assert (
        raised.value.column == "name" and raised.value.row == 3 and "remove the character" in raised.value.fix
    )


def test_sheet_names_are_valid_and_unique():
    names = workbook.sheet_names(["a" * 40, "a" * 40, "x/y:z", "Panel", "panel"])
    assert names == ["a" * 31, "a" * 29 + "~2", "x_y_z", "Panel", "panel~2"]


def test_the_rule_writes_the_workbook_next_to_the_word_document():
    rules_text = (REPO / "workflow" / "rules" / "common.smk").read_text(encoding="utf-8")
    assert (
        'f"tables_{ext}": f"results/{{study}}/tables/tables.{ext}" for ext in ("docx", "tex", "xlsx")'
        in rules_text
    )
    assert 'files = {"panel": f"{base}/data/panel.csv"' in rules_text
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "tables.xlsx" in readme


# --- the terminal ----------------------------------------------------------------------------------------------
def test_the_default_profile_is_quiet():
    profile = yaml.safe_load((REPO / "profiles" / "default" / "config.yaml").read_text(encoding="utf-8"))
    assert profile["printshellcmds"] is False  # no "Shell command: None" for every script job
    assert {"reason", "host"} <= set(profile["quiet"])
    # progress and errors stay: the tests count "N of M steps" and read a failing job's messages
    assert not {"all", "progress", "rules"} & set(profile["quiet"])
    assert profile["show-failed-logs"] is True
    # cores belong to the command line: this profile wins over profiles/slurm, which needs cores: 1
    assert "cores" not in profile and "jobs" not in profile


def test_every_rule_prints_one_line_and_a_run_says_where_its_results_are():
    snakefile = (REPO / "Snakefile").read_text(encoding="utf-8")
    assert "_rule.message = " in snakefile and "onsuccess:" in snakefile
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^CORES\s*\?=\s*\$\(shell nproc", makefile, re.M)


@pytest.mark.parametrize("study", ["demo_province"])
def test_a_dry_run_lists_one_line_per_job(study, tmp_path):
    from tests.conftest import snakemake

    result = snakemake(
        tmp_path, "-n", "--cores", "1", configfile=REPO / "config" / "studies" / f"{study}.yaml"
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-3000:]
    assert "Shell command" not in output and "Reason:" not in output
    assert re.search(rf"Job \d+: tables_{study}: study={study}\n", output)
    assert "    input:" not in output  # no job block with its list of inputs


def test_a_job_prints_its_warnings_and_logs_everything(tmp_path, capsys):
    from nqpf.study.logs import step

    with step(tmp_path / "job.log", "table demo/effects") as log:
        log.info("16 columns")
        log.warning("a unit without neighbours")
    printed = capsys.readouterr().err
    assert "a unit without neighbours" in printed and "WARNING" in printed
    assert "16 columns" not in printed and "started" not in printed  # the terminal stays quiet
    logged = (tmp_path / "job.log").read_text(encoding="utf-8")
    assert "16 columns" in logged and "a unit without neighbours" in logged and "finished" in logged


def test_a_library_warning_in_a_job_is_a_warning_naming_the_job(tmp_path, capsys):
    import warnings

    import numpy as np

    from nqpf.study.logs import step

    with step(tmp_path / "job.log", "demo: sdm on queen"):
        with np.errstate(invalid="warn"):
            np.sqrt(np.array([-1.0]))
        warnings.warn("the likelihood is flat", UserWarning, stacklevel=1)
    printed = capsys.readouterr().err
    lines = [line for line in printed.splitlines() if "WARNING" in line]
    assert len(lines) == 2, printed
    assert all("demo: sdm on queen: " in line for line in lines)
    assert "RuntimeWarning: invalid value encountered in sqrt" in lines[0]
    assert "UserWarning: the likelihood is flat (test_outputs_office.py" in lines[1]
    assert "sdm on queen: RuntimeWarning" in (tmp_path / "job.log").read_text(encoding="utf-8")
    assert warnings.showwarning.__name__ != "show"  # restored after the job
