"""The Snakemake report of a study, built as `make report` builds it and read in headless Chromium as a reader
reads it: every table and figure listed in its category; every entry's caption, table and figure as the report
holds them (its record of its entries); the first and the last of each category opened in the browser, and every
text result opened as a page."""

from __future__ import annotations

import base64
import html
import io
import json
import re
import shutil
from pathlib import Path

import pytest
from PIL import Image

from tests.conftest import REPO, snakemake, study_file

pytestmark = [pytest.mark.slow, pytest.mark.workflow]

STUDY = "demo_province"
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
CATEGORIES = ("Data", "Indices", "Disparity", "Weights", "ESDA", "Dynamics", "Drivers", "Models", "Tables")
# Results besides the figures that a reader of the study looks for, and the category they belong in: each is
# a page of the report (nqpf.study.pages), report/pages/<category>/<result>.html.
TABLES = {
    "data/panel.csv": "Data",
    "data/validation.md": "Data",
    "indices/nqpf.csv": "Indices",
    "indices/nqpf.weights.csv": "Indices",
    "indices/nqpf.method.md": "Indices",
    "indices/coupling/nqpf_infrastructure.csv": "Indices",
    "disparity/dagum_gini.csv": "Disparity",
    "disparity/theil.csv": "Disparity",
    "disparity/convergence.csv": "Disparity",
    "esda/global.csv": "ESDA",
    "esda/named_clusters.csv": "ESDA",
    "esda/centrography.csv": "ESDA",
    "dynamics/transitions.csv": "Dynamics",
    "dynamics/homogeneity.csv": "Dynamics",
    "drivers/factor.csv": "Drivers",
    "drivers/interaction.csv": "Drivers",
    "models/estimates.csv": "Models",
    "models/effects.csv": "Models",
    "models/tests.csv": "Models",
    "models/fit.csv": "Models",
}
FIGURE_CATEGORIES = {
    "report/figures/map_": "Indices",
    "report/figures/effects_": "Models",
    "report/figures/coefficients": "Models",
    "report/esda/lisa_": "ESDA",
    "report/esda/ellipse_": "ESDA",
    "report/dynamics/markov_": "Dynamics",
    "report/dynamics/surface_": "Dynamics",
    "report/drivers/geodetector": "Drivers",
}


def page_of(result: str, category: str) -> str:
    """The report page of a text result."""
    return f"report/pages/{category}/{result.rsplit('.', 1)[0]}.html"


def report_arguments(study: str) -> list[str]:
    """The Snakemake arguments with which `make report` builds one study's report."""
    return [
        "--report",
        f"results/{study}/report.html",
        "--report-after-run",
        f"results/{study}/manifest.json",
    ]


def test_make_report_builds_each_report_with_these_arguments():
    recipe = (REPO / "Makefile").read_text(encoding="utf-8").split("\nreport:", 1)[1].split("\n\n", 1)[0]
    assert " ".join(report_arguments("$$study")) in re.sub(r"\s*\\\n\s*", " ", recipe)


@pytest.fixture(scope="module")
def built(demo_province_run, tmp_path_factory):
    """A copy of the complete demo_province run with its report built there; the run's files before and after."""
    workdir = tmp_path_factory.mktemp("report") / "run"
    shutil.copytree(demo_province_run, workdir, symlinks=True)
    results = workdir / "results" / STUDY
    before = {p: p.stat().st_mtime_ns for p in results.rglob("*") if p.is_file()}
    result = snakemake(workdir, "--cores", "2", *report_arguments(STUDY), configfile=study_file(workdir))
    assert result.returncode == 0, result.stderr[-5000:]
    after = {p: p.stat().st_mtime_ns for p in results.rglob("*") if p.is_file()}
    return workdir, results / "report.html", result.stdout + result.stderr, before, after


def test_the_report_is_made_from_the_existing_results_without_rerunning_anything(built):
    _, report, output, before, after = built
    assert "Nothing to be done" in output
    assert report.stat().st_size > 1_000_000
    changed = sorted(str(p) for p in before if after.get(p) != before[p])
    assert not changed
    assert set(after) - set(before) == {report}


@pytest.fixture(scope="module")
def browser(built):
    if not Path(CHROMEDRIVER).exists():
        pytest.fail(f"{CHROMEDRIVER} is missing: apt-get install chromium chromium-driver")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1600,1000"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.get(built[1].as_uri())
    yield driver
    driver.quit()


def wait(driver, condition, seconds: float = 60):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, seconds, poll_frequency=0.1).until(condition)


def link(driver, text: str):
    from selenium.webdriver.common.by import By

    return next((a for a in driver.find_elements(By.CSS_SELECTOR, "nav a") if a.text.strip() == text), None)


def click(driver, element) -> None:
    """Click ``element`` as a reader would: scrolled to the middle of the menu first, so that the menu's sticky
    header, over the top of a long list, does not take the click."""
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
    element.click()


def entries(driver, category: str):
    """Open a category from the menu or the breadcrumbs (and the study's subcategory, where there are several
    studies); its rows, each the entry's path or labels."""
    from selenium.webdriver.common.by import By

    if link(driver, category) is None:  # the list of another category is open: back to the menu
        click(driver, wait(driver, lambda d: link(d, "Results")))
    click(driver, wait(driver, lambda d: link(d, category)))
    study = link(driver, STUDY)
    if study is not None and not driver.find_elements(By.CSS_SELECTOR, "nav table"):
        click(driver, study)
    return wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "nav table tbody tr"))


def row_texts(driver, category: str) -> list[str]:
    return [" ".join(row.text.split()) for row in entries(driver, category)]


def open_row(driver, category: str, text: str, button: str) -> None:
    """Click the eye (open) or information button of the entry whose row reads ``text``."""
    from selenium.webdriver.common.by import By

    row = next(r for r in entries(driver, category) if " ".join(r.text.split()) == text)
    click(driver, row.find_element(By.CSS_SELECTOR, f"a[iconname='{button}']"))


def caption(driver) -> str:
    from selenium.webdriver.common.by import By

    return wait(driver, lambda d: d.find_element(By.CSS_SELECTOR, "nav li.prose")).text


@pytest.fixture(scope="module")
def listing(browser):
    """Every category of the report with the rows it lists."""
    return {category: row_texts(browser, category) for category in CATEGORIES}


def test_every_figure_and_result_table_is_listed_in_its_category(built, listing):
    workdir = built[0]
    results = workdir / "results" / STUDY
    pngs = sorted(p.relative_to(results).as_posix() for p in results.rglob("*.png"))
    figures = [f for f in pngs if f.startswith("report/")]  # the report shows each figure's copy
    assert len(figures) >= 20 and any(f.startswith("report/figures/map_") for f in figures)
    assert sorted(f"report/{f}" for f in pngs if not f.startswith("report/")) == figures
    listed = {text: category for category, rows in listing.items() for text in rows}
    for figure in figures:
        path = f"results/{STUDY}/{figure}"
        assert path in listed, f"{path} is not in the report"
        for prefix, category in FIGURE_CATEGORIES.items():
            if figure.startswith(prefix):
                assert listed[path] == category, path
    for table, category in TABLES.items():
        assert listed.get(f"results/{STUDY}/{page_of(table, category)}") == category, table
        assert f"results/{STUDY}/{table}" not in listed  # the page, not the file to download


def test_the_tables_category_lists_every_publication_table_in_the_papers_order_with_its_title(built, listing):
    from nqpf.study import configuration, table_plan

    tables = built[0] / "results" / STUDY / "tables"
    _, studies = configuration.load({"studies": [str(REPO / "config" / "studies" / f"{STUDY}.yaml")]}, [])
    order = table_plan.table_names(studies[0].settings)
    assert len(order) >= 5 and sorted(order) == sorted(p.stem for p in tables.glob("*.csv"))
    rows = listing["Tables"]
    assert [row.split()[:2] for row in rows] == [[f"{k:02d}", name] for k, name in enumerate(order, 1)]
    for row, name in zip(rows, order, strict=True):
        title = json.loads((tables / f"{name}.json").read_text(encoding="utf-8"))["title"]["text"]
        assert row.endswith(" ".join(title.split())), (row, title)


@pytest.fixture(scope="module")
def embedded(built) -> tuple[dict, dict]:
    """What the report shows, as it holds it: its entries by path (name, labels, caption as HTML, ...) and the
    paths of each category by study."""
    text = built[1].read_text(encoding="utf-8")
    decoder = json.JSONDecoder()

    def value(name: str):
        start = text.index(f"var {name} = {{") + len(f"var {name} = ")
        return decoder.raw_decode(text, start)[0]

    return value("results"), value("categories")


def plain(markup: str) -> str:
    """The text of an HTML caption as a browser shows it, spaces collapsed: blocks apart, inline markup joined."""
    blocks = re.sub(r"</?(?:p|br|div|li|ul|ol|dl|dt|dd|pre|blockquote|h[1-6])\b[^>]*>", " ", markup)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", blocks)).split())


def test_every_entry_has_its_caption(browser, listing, embedded):
    results, categories = embedded
    assert sorted(categories) == sorted(CATEGORIES)
    assert {c: len(s[STUDY]) for c, s in categories.items()} == {c: len(rows) for c, rows in listing.items()}
    captions = {}
    for category, studies in categories.items():
        for path in studies[STUDY]:
            described = plain(results[path]["caption"])
            assert len(described) > 60, (category, path, described)
            assert "{{" not in described and "None" not in described, (category, path, described)
            if path.startswith(f"results/{STUDY}/report/figures/"):
                assert STUDY in described, (path, described)
            captions[path] = described
    # as a reader opens them: the first and the last entry of each category, their captions shown in the menu
    # (a row reads the entry's path, or a table's number, name and title)
    for category, rows in listing.items():
        for text in dict.fromkeys([rows[0], rows[-1]]):
            open_row(browser, category, text, "information-circle")
            shown = " ".join(caption(browser).split())
            assert shown == captions[text] if text in captions else shown in captions.values(), (text, shown)


def test_every_figure_is_drawn_when_opened(built, browser, listing, embedded):
    from selenium.webdriver.common.by import By

    results = built[0]
    # every figure the report holds is the PNG of its copy for the report, which opens as an image
    entries, _ = embedded
    figures = [path for path in entries if path.endswith(".png")]
    assert len(figures) >= 20 and len(figures) == sum(
        t.endswith(".png") for rows in listing.values() for t in rows
    )
    for path in figures:
        image = base64.b64decode(entries[path]["data_uri"].split(";base64,", 1)[1])
        assert image == (results / path).read_bytes(), path
        with Image.open(io.BytesIO(image)) as png:
            assert png.width > 0 and png.height > 0, path
    # and is drawn when a reader opens it: the first and the last figure of each category in the browser
    opened = 0
    for category, rows in listing.items():
        shown = [text for text in rows if text.endswith(".png")]
        for text in dict.fromkeys(shown[:1] + shown[-1:]):
            open_row(browser, category, text, "eye")
            image = wait(
                browser,
                lambda d, name=Path(text).name: next(
                    (
                        i
                        for i in d.find_elements(By.CSS_SELECTOR, "img[src^='data:image/png']")
                        if f"filename={name};" in i.get_attribute("src")[:200]
                    ),
                    None,
                ),
            )
            width = wait(browser, lambda d, i=image: d.execute_script("return arguments[0].naturalWidth", i))
            with Image.open(results / text) as png:
                assert width == png.width > 0, text
            opened += 1
    assert opened >= 8


def test_every_table_opens_as_a_table(built, browser, listing, embedded):
    from selenium.webdriver.common.by import By

    # every table of the category is its HTML file as the tables job wrote it, a table of at least four cells
    results, categories = embedded
    paths = categories["Tables"][STUDY]
    assert len(paths) == len(listing["Tables"])
    for path in paths:
        page = base64.b64decode(results[path]["data_uri"].split(";base64,", 1)[1])
        assert page == (built[0] / path).read_bytes(), path
        assert page.count(b"<td") >= 4, path
    # and opens as one: the first and the last in the browser
    rows = listing["Tables"]
    for text in dict.fromkeys([rows[0], rows[-1]]):
        open_row(browser, "Tables", text, "eye")
        selector = f"iframe[src*='filename={text.split()[1]}.html;']"
        frame = wait(browser, lambda d, s=selector: d.find_element(By.CSS_SELECTOR, s))
        browser.switch_to.frame(frame)
        try:
            cells = wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "table td"))
            assert len(cells) >= 4, text
        finally:
            browser.switch_to.default_content()


def csv_rows(path: Path) -> int:
    with open(path, encoding="utf-8") as handle:
        return sum(1 for _ in handle) - 1


def test_every_text_result_opens_as_a_page_with_its_rows(built, browser, listing, embedded):
    from selenium.webdriver.common.by import By

    results = built[0] / "results" / STUDY
    # every page as the report holds it: the file the job wrote, headed, naming the study, a CSV's every row
    entries, _ = embedded
    for table, category in TABLES.items():
        path = f"results/{STUDY}/{page_of(table, category)}"
        text = base64.b64decode(entries[path]["data_uri"].split(";base64,", 1)[1])
        assert text == (built[0] / path).read_bytes(), path
        text = text.decode("utf-8")
        heading = re.search(r"<h1\b[^>]*>(.*?)</h1>", text, re.S)
        assert heading and re.sub(r"<[^>]+>", "", heading.group(1)).strip() and STUDY in text, table
        if table.endswith(".csv"):
            rows = sum(body.count("<tr") for body in re.findall(r"<tbody\b[^>]*>(.*?)</tbody>", text, re.S))
            assert rows == csv_rows(results / table), table
    # and opens as one: the first and the last in the browser
    shown = list(TABLES.items())
    for table, category in dict.fromkeys([shown[0], shown[-1]]):
        page = page_of(table, category)
        open_row(browser, category, f"results/{STUDY}/{page}", "eye")
        name = page.rsplit("/", 1)[1]  # the report names an opened file by its base name
        frame = wait(
            browser, lambda d, n=name: d.find_element(By.CSS_SELECTOR, f"iframe[src*='filename={n};']")
        )
        browser.switch_to.frame(frame)
        try:
            heading = wait(browser, lambda d: d.find_element(By.CSS_SELECTOR, "h1")).text
            assert heading and STUDY in browser.page_source, table
            if table.endswith(".csv"):
                rows = browser.find_elements(By.CSS_SELECTOR, "table tbody tr")
                assert len(rows) == csv_rows(results / table), table
        finally:
            browser.switch_to.default_content()


def test_the_report_stays_small(built):
    # figures at screen resolution in the report, the full-resolution files beside the results
    assert built[1].stat().st_size < 25_000_000
