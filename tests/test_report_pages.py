"""The text results of a study as pages of its report: every CSV a table with its numbers, every Markdown
statement as text, each under its title and caption with the study named; the tables in the paper's order."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from nqpf.study import pages
from tests.conftest import REPO

CAPTIONS = REPO / "workflow" / "report"


def every_page():
    return pages.study_pages(
        indices=["nqpf"], couplings=["nqpf_infra"], esda=True, disparity=True, models=True
    )


def test_every_page_has_a_caption_and_its_own_place():
    plan = every_page()
    assert len(plan) == 2 + 3 + 1 + 4 + 2 + 5
    assert len({p.target for p in plan}) == len(plan)
    for page in plan:
        assert (CAPTIONS / page.caption).is_file(), page.caption
        assert page.target.startswith(f"{page.category}/") and page.target.endswith(".html")
    categories = [p.category for p in plan]
    order = ["Data", "Indices", "Disparity", "ESDA", "Models"]
    assert categories == sorted(categories, key=order.index)  # the order of the chain


def test_a_study_without_models_or_esda_gets_no_pages_for_them():
    plan = pages.study_pages(indices=["nqpf"])
    assert {p.category for p in plan} == {"Data", "Indices"}


def test_a_csv_page_shows_every_row_and_number_under_its_caption(tmp_path):
    frame = pd.DataFrame(
        {
            "model": ["sdm", "sdm", "sar"],
            "term": ["infrastructure", "W.infrastructure", "rho"],
            "estimate": [0.123456789, -0.00001234567, 0.3],
            "p_value": [1e-9, 0.5, float("nan")],
            "n": [372, 372, 372],
        }
    )
    source = tmp_path / "effects.csv"
    frame.to_csv(source, index=False)
    page = next(p for p in every_page() if p.path == "models/effects.csv")
    target = pages.write_page(page, source, tmp_path / "out" / page.target, "demo_x", CAPTIONS)
    text = target.read_text(encoding="utf-8")
    assert "<h1>Direct, indirect and total effects</h1>" in text
    assert "demo_x" in text and "{{" not in text and "LeSage" in text  # the caption, with the study filled in
    rows = re.findall(r"<tr>(.*?)</tr>", text)
    assert len(rows) == 1 + 3
    assert "0.123457" in rows[1] and "-1.23457e-05" in rows[2] and "1e-09" in rows[1]
    assert rows[3].count('<td class="n"></td>') == 1  # the missing p-value stays empty
    assert "3 rows, 5 columns" in text and "results/demo_x/models/effects.csv" in text


def test_a_markdown_page_shows_headings_lists_and_tables(tmp_path):
    source = tmp_path / "validation.md"
    source.write_text(
        "# Validation of demo_x\n\nThe files read:\n\n- `a.csv` sha256 **abc**\n- b.xlsx\n\n"
        "| variable | cells | gaps |\n|---|---:|---:|\n| gdp | 372 | 0 |\n| rd | 372 | 4 |\n\n"
        "A paragraph\nover two lines.\n",
        encoding="utf-8",
    )
    page = next(p for p in every_page() if p.path == "data/validation.md")
    text = pages.write_page(page, source, tmp_path / page.target, "demo_x", CAPTIONS).read_text(
        encoding="utf-8"
    )
    assert "<h2>Validation of demo_x</h2>" in text
    assert "<li><code>a.csv</code> sha256 <b>abc</b></li>" in text
    assert "<th>variable</th><th>cells</th><th>gaps</th>" in text
    assert "<tr><td>rd</td><td>372</td><td>4</td></tr>" in text and "---" not in text
    assert "<p>A paragraph over two lines.</p>" in text


def test_markup_in_results_is_shown_as_text(tmp_path):
    source = tmp_path / "x.csv"
    pd.DataFrame({"name": ["<script>alert(1)</script>", "A & B"]}).to_csv(source, index=False)
    page = pages.Page("x.csv", "Data", "X", "panel.rst")
    text = pages.write_page(page, source, tmp_path / "x.html", "s", CAPTIONS).read_text(encoding="utf-8")
    assert "<script>" not in text and "&lt;script&gt;" in text and "A &amp; B" in text


@pytest.mark.parametrize("digits", [pages.DIGITS])
def test_numbers_are_rounded_only_on_the_page(digits):
    html = pages.table_html(pd.DataFrame({"x": [1 / 3]}))
    assert f"{1 / 3:.{digits}g}" in html and str(1 / 3) not in html
