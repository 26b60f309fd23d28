"""Publication tables: cells, the table model, its five renderings, and the tables built from study results."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from html.parser import HTMLParser

import docx
import numpy as np
import pandas as pd
import pytest
import yaml

from nqpf.errors import InputError
from nqpf.study import table_plan
from nqpf.study.settings import StudySettings
from nqpf.tables import cells, descriptive, gini, model, regression, render, spatial
from nqpf.tables.labels import Labels
from nqpf.tables.model import Block, Cell, Row, Table
from tests.conftest import REPO

EN, ZH = Labels("en"), Labels("zh")


def demo_study(name: str) -> dict:
    return yaml.safe_load((REPO / "config" / "studies" / f"{name}.yaml").read_text(encoding="utf-8"))[
        "studies"
    ][0]


def sample_table() -> Table:
    return Table(
        "sample",
        Cell("Effects of new_infrastructure (100% sample)"),
        (Cell("Variable"), Cell("I"), Cell("z"), Cell("I"), Cell("z")),
        (
            Block(
                (
                    Row(
                        Cell("x_1"),
                        (Cell("0.455", stars="***"), Cell("1.0"), Cell("-0.2", stars="*"), Cell("")),
                    ),
                    Row(cells.EMPTY, (Cell("(0.015)"), Cell(""), Cell("(0.100)"), Cell("")), kind="se"),
                )
            ),
            Block(
                (Row(Cell("ρ", latex=r"$\rho$"), (Cell("0.3"), Cell(""), Cell(""), Cell(""))),),
                title=Cell("Panel B"),
                header=(Cell("Test"), Cell("Statistic"), Cell("df"), Cell("p"), Cell("Decision")),
            ),
        ),
        ("Simulated demo data.", "Standard errors in parentheses."),
        ((Cell("queen"), 2), (Cell("inverse_distance"), 2)),
    )


# --- cells -----------------------------------------------------------------------------------------------------
def test_numbers_stars_and_decimals():
    assert cells.number(-0.0001, 3) == "0.000"  # no negative zero
    assert cells.number(float("nan")) == ""
    assert [cells.stars(p) for p in (0.009, 0.01, 0.049, 0.05, 0.099, 0.1, float("nan"))] == [
        "***",
        "**",
        "**",
        "*",
        "*",
        "",
        "",
    ]
    assert cells.estimate(0.4545, 0.001).plain == "0.455***"
    assert cells.standard_error(0.0149).text == "(0.015)"
    assert cells.decimals_to_show([7.6e-5]) == 6 and cells.decimals_to_show([0.455, -0.3]) == 3
    assert cells.decimals_to_show([0.001005]) == 4
    assert (
        cells.decimals_for([18813.2]) == 0
        and cells.decimals_for([54.5]) == 2
        and cells.decimals_for([0.25]) == 3
    )


def test_a_row_of_the_wrong_width_is_refused():
    with pytest.raises(ValueError, match="has 1 cells, not 2"):
        Table("t", Cell("t"), (Cell("a"), Cell("b"), Cell("c")), (Block((Row(Cell("x"), (Cell("1"),)),)),))
    with pytest.raises(ValueError, match="column groups span 1 of 2"):
        Table("t", Cell("t"), (Cell("a"), Cell("b"), Cell("c")), (), groups=((Cell("g"), 1),))


def test_the_table_model_round_trips_through_json():
    table = sample_table()
    assert model.from_dict(json.loads(json.dumps(model.to_dict(table)))) == table


# --- renderings ------------------------------------------------------------------------------------------------
def test_csv_is_the_printed_grid():
    rows = list(csv.reader(io.StringIO(render.to_csv(sample_table()))))
    assert rows[0][0].startswith("Effects of") and all(len(r) == 5 for r in rows)
    assert rows[1] == ["", "queen", "", "inverse_distance", ""]
    assert rows[2] == ["Variable", "I", "z", "I", "z"]
    assert rows[3] == ["x_1", "0.455***", "1.0", "-0.2*", ""]
    assert rows[4] == ["", "(0.015)", "", "(0.100)", ""]
    assert rows[5][0] == "Panel B" and rows[6][0] == "Test" and rows[7][0] == "ρ"
    assert rows[-2][0] == "Simulated demo data."


def test_latex_is_booktabs_with_escapes_stars_and_groups():
    tex = render.to_latex(sample_table())
    assert "\\toprule" in tex and "\\bottomrule" in tex and tex.count("\\midrule") == 2
    assert "\\multicolumn{2}{c}{queen} & \\multicolumn{2}{c}{inverse\\_distance}" in tex
    assert "\\cmidrule(lr){2-3} \\cmidrule(lr){4-5}" in tex
    assert "$-$0.2$^{*}$" in tex  # a minus sign, not a hyphen
    assert "0.455$^{***}$" in tex and "x\\_1" in tex and "(100\\% sample)" in tex and "$\\rho$ & 0.3" in tex
    assert "\\begin{tabular}{l*{4}{c}}" in tex and "\\label{tab:sample}" in tex
    # braces balance: the document compiles as far as grouping goes
    stripped = tex.replace("\\{", "").replace("\\}", "")
    assert stripped.count("{") == stripped.count("}")


def test_markdown_escapes_stars_and_joins_groups():
    md = render.to_markdown(sample_table())
    lines = [line for line in md.splitlines() if line.startswith("|")]
    assert lines[0] == "| Variable | queen: I | queen: z | inverse\\_distance: I | inverse\\_distance: z |"
    assert all(line.count(" | ") + 2 == lines[0].count(" | ") + 2 for line in lines[2:])
    assert "| x\\_1 | 0.455\\*\\*\\* |" in md


class _Cells(HTMLParser):
    def __init__(self):
        super().__init__()
        self.rows, self.spans = [], []

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append(0)
        if tag in ("td", "th"):
            span = int(dict(attrs).get("colspan", 1))
            self.rows[-1] += span
            self.spans.append(span)


def test_html_rows_span_the_table():
    parser = _Cells()
    parser.feed(render.to_html(sample_table()))
    assert set(parser.rows) == {5}  # the group row: an empty corner + 2 + 2
    assert "<sup>***</sup>" in render.to_html(sample_table())


def test_word_is_a_three_line_table_with_chinese_fonts_and_fixed_bytes():
    table = sample_table()
    data = render.to_docx([table])
    assert data == render.to_docx([table])  # byte-identical
    assert {i.date_time for i in zipfile.ZipFile(io.BytesIO(data)).infolist()} == {(2000, 1, 1, 0, 0, 0)}
    document = docx.Document(io.BytesIO(data))
    assert document.paragraphs[0].text == table.title.text
    word = document.tables[0]
    assert (
        len(word.rows) == 2 + 2 + 2 + 1 and len(word.columns) == 5
    )  # groups, header, 2 rows, title, header, 1
    first = word.rows[2].cells[1].paragraphs[0].runs  # the number and its stars, on the decimal tab stop
    assert [r.text for r in first] == ["0.455", "***"] and first[1].font.superscript
    assert word.rows[0].cells[1].text == "queen"  # merged over two columns
    fonts = document.styles["Normal"].element.rPr.rFonts
    assert fonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia") == "SimSun"
    xml = word._tbl.xml
    assert 'w:sz="12"' in xml and 'w:sz="6"' in xml  # thick top and bottom rules, thin rule under the header
    assert [p.text for p in document.paragraphs[1:]] == list(table.notes)


def test_written_files(tmp_path):
    paths = render.write(sample_table(), tmp_path / "sample")
    assert sorted(p.suffix for p in paths) == [".csv", ".docx", ".html", ".md", ".tex"]
    assert (tmp_path / "sample.csv").read_bytes().startswith(b"\xef\xbb\xbf")  # Excel needs the BOM
    tex = render.latex_document([sample_table()], chinese=True)
    assert "\\usepackage{ctex}" in tex and tex.count("\\begin{table}") == 1


# --- tables from results ---------------------------------------------------------------------------------------
def test_descriptive_statistics_match_numpy():
    rng = np.random.default_rng(1)
    frame = pd.DataFrame({"gdp": rng.normal(18000, 5000, 40), "share": rng.uniform(0, 1, 40)})
    frame.loc[3, "share"] = np.nan
    table = descriptive.descriptive(frame, ["gdp", "share"], Labels("en", {"gdp": {"en": "GDP"}}))
    gdp, share = table.blocks[0].rows
    assert gdp.label.text == "GDP" and share.label.text == "share"
    assert [c.text for c in gdp.cells] == [
        "40",
        f"{frame.gdp.mean():.0f}",
        f"{frame.gdp.std(ddof=1):.0f}",
        f"{frame.gdp.min():.0f}",
        f"{frame.gdp.max():.0f}",
    ]
    assert share.cells[0].text == "39" and share.cells[2].text == f"{frame.share.std(ddof=1):.3f}"


def test_index_by_region_means_and_growth():
    units = pd.DataFrame({"code": ["a", "b", "c"], "region": ["East", "East", "West"]})
    values = pd.DataFrame(
        {
            "code": ["a", "b", "c"] * 3,
            "year": [2020] * 3 + [2021] * 3 + [2022] * 3,
            "index": [1, 3, 1, 2, 4, 2, 4, 4, 4],
        }
    )
    table = descriptive.index_by_region("nqpf", values, units, ZH)
    assert [c.text for c in table.columns] == ["年份", "全国", "东部", "西部"]
    assert [c.text for c in table.blocks[0].rows[0].cells] == ["1.667", "2.000", "1.000"]
    growth = table.blocks[1].rows[0]
    assert [c.text for c in growth.cells] == [
        f"{100 * ((4 / (5 / 3)) ** 0.5 - 1):.2f}",
        f"{100 * ((4 / 2) ** 0.5 - 1):.2f}",
        "100.00",
    ]


def test_indicator_system_sums_dimension_weights():
    weights = pd.DataFrame(
        {
            "indicator": ["a", "b", "c"],
            "dimension": ["d1", "d1", "d2"],
            "direction": ["+", "-", "+"],
            "entropy": [0.9, 0.95, 0.97],
            "weight": [0.5, 0.2, 0.3],
        }
    )
    table = descriptive.indicator_system("nqpf", weights, ZH)
    assert table.blocks[0].title.text == "d1（权重 70.00%）"
    assert [c.text for c in table.blocks[0].rows[1].cells] == ["负向", "0.9500", "20.00"]


def test_moran_table_reports_randomisation_z_and_p():
    rows = []
    for w, shift in (("queen", 0.0), ("inverse_distance", 0.1)):
        for year in (2020, 2021):
            rows.append(
                dict(
                    variable="nqpf",
                    weights=w,
                    year=year,
                    statistic="moran",
                    value=0.3 + shift,
                    z_norm=9.0,
                    z_rand=2.5,
                    p_norm=0.0,
                    p_rand=0.012,
                    p_sim=0.001,
                )
            )
    table = spatial.moran_by_year("nqpf", pd.DataFrame(rows), ["queen", "inverse_distance"], EN)
    first = table.blocks[0].rows[0]
    assert [c.plain for c in first.cells] == ["0.300**", "2.500", "0.012", "0.400**", "2.500", "0.012"]
    assert [g.text for g, _ in table.groups] == ["queen", "inverse_distance"]


def results_fixture() -> regression.Results:
    est, eff, tests, fit = [], [], [], []
    for m, terms in (("sar", ["x", "rho"]), ("sem", ["x", "lambda"]), ("sdm", ["x", "W.x", "rho"])):
        for spec in ("main", "East"):
            for i, term in enumerate(terms):
                est.append(
                    dict(
                        model=m,
                        weights="queen",
                        spec=spec,
                        term=term,
                        estimate=0.5 - i,
                        std_error=0.1,
                        z=5.0,
                        p=0.001 if i == 0 else 0.2,
                    )
                )
            fit.append(
                dict(
                    model=m,
                    weights="queen",
                    spec=spec,
                    sigma2=1.2e-4,
                    loglik=100.0,
                    r2=0.8,
                    n_units=31,
                    n_periods=12,
                    n_obs=372,
                    fixed_effects="two-way",
                    bias_correction="lee_yu",
                    effects_inference="simulation",
                    effects_draws=1000,
                )
            )
    for spec, sign in (("main", 1), ("East", 2)):
        for k, effect in enumerate(("direct", "indirect", "total")):
            eff.append(
                dict(
                    model="sdm",
                    weights="queen",
                    spec=spec,
                    variable="x",
                    effect=effect,
                    estimate=sign * (0.4 - 0.3 * k),
                    std_error=0.05,
                    p=0.03,
                )
            )
    tests.append(
        dict(model="ols", weights="queen", spec="two-way", test="lm_lag", statistic=14.0, df=1, p=0.0002)
    )
    tests.append(
        dict(model="sdm", weights="queen", spec="main", test="lr_sdm_vs_sar", statistic=2.0, df=1, p=0.16)
    )
    tests.append(
        dict(model="sdm", weights="queen", spec="main", test="hausman", statistic=30.0, df=3, p=1e-6)
    )
    return regression.Results(*(pd.DataFrame(x) for x in (est, eff, tests, fit)))


def test_main_model_table_layout():
    table = regression.main_models(results_fixture(), ["sar", "sem", "sdm"], "queen", "y", EN)
    labels = [r.label.text for b in table.blocks for r in b.rows]
    assert labels == [
        "x",
        "",
        "W × x",
        "",
        "ρ",
        "",
        "λ",
        "",
        "Unit fixed effects",
        "Time fixed effects",
        "σ²",
        "Log-likelihood",
        "R²",
        "Units (N)",
        "Years (T)",
        "Observations",
    ]
    x, se = table.blocks[0].rows
    assert [c.plain for c in x.cells] == ["0.500***"] * 3 and [c.text for c in se.cells] == ["(0.100)"] * 3
    assert [c.text for c in table.blocks[1].rows[0].cells] == ["", "", "-0.500"]
    assert [c.text for c in table.blocks[2].rows[0].cells] == ["-0.500", "", "-1.500"]
    assert [c.text for c in table.blocks[3].rows[0].cells] == ["Yes"] * 3
    assert table.blocks[4].rows[0].cells[0].text == "0.00012"
    assert any("Lee and Yu (2010)" in n for n in table.notes)


def test_effects_heterogeneity_and_selection_tables():
    results = results_fixture()
    effects = regression.effects(results, "sdm", "queen", ["x"], EN)
    assert [c.plain for c in effects.blocks[0].rows[0].cells] == ["0.400**", "0.100**", "-0.200**"]
    assert "1,000 draws" in effects.notes[-1]
    table = regression.heterogeneity(results, "sdm", "queen", ["x"], {"East": 10, "Northeast": 3}, 5, ZH)
    assert [c.text for c in table.columns] == ["变量", "全样本", "东部"]
    assert [c.plain for c in table.blocks[0].rows[0].cells] == ["0.400**", "0.800**"]
    assert table.notes[-1] == "东北未单独估计：仅 3 个单元，少于配置要求的 5 个。"
    selection = regression.model_selection(results, "queen", "sdm", EN)
    lm, tests = selection.blocks
    assert [c.plain for c in lm.rows[0].cells] == ["", "", "", "14.000***"]
    assert [[c.plain for c in r.cells] for r in tests.rows] == [
        ["2.000", "1", "0.160", "Do not reject H0"],
        ["30.000***", "3", "0.000", "Reject H0"],
    ]
    # a test not made (a fit at the bound of W's interval has no covariance): no statistic, p or decision
    untested = results.tests.assign(statistic=np.where(results.tests["test"] == "hausman", np.nan, 30.0))
    untested["p"] = np.where(untested["test"] == "hausman", np.nan, untested["p"])
    made = regression.model_selection(
        regression.Results(results.estimates, results.effects, untested, results.fit), "queen", "sdm", EN
    )
    assert [c.plain for c in made.blocks[1].rows[1].cells][2:] == ["", "No test (see the notes)"]


def test_dagum_table_orders_regions_and_pairs():
    overall = pd.DataFrame(
        dict(
            variable="v",
            year=[2020],
            G=[0.3],
            share_w_percent=[20.0],
            share_nb_percent=[70.0],
            share_t_percent=[10.0],
        )
    )
    within = pd.DataFrame(dict(variable="v", year=2020, region=["West", "East"], G_jj=[0.1, 0.2]))
    between = pd.DataFrame(dict(variable="v", year=2020, region_a=["West"], region_b=["East"], G_jh=[0.4]))
    table = gini.dagum_gini("v", overall, within, between, EN)
    assert [c.text for c in table.columns] == [
        "Year",
        "G",
        "East",
        "West",
        "East-West",
        "Within",
        "Between",
        "Transvariation",
    ]
    assert [c.text for c in table.blocks[0].rows[0].cells] == [
        "0.300",
        "0.200",
        "0.100",
        "0.400",
        "20.00",
        "70.00",
        "10.00",
    ]


# --- plans -----------------------------------------------------------------------------------------------------
def test_the_demo_studies_get_the_full_table_set():
    names = table_plan.table_names(StudySettings.model_validate(demo_study("demo_province")))
    assert names == [
        "descriptive",
        "indicators_nqpf",
        "index_regions_nqpf",
        "obstacles_nqpf",
        "index_robustness_nqpf",
        "indicators_infrastructure",
        "index_regions_infrastructure",
        "obstacles_infrastructure",
        "centrography_nqpf",
        "centrography_infrastructure",
        "moran_nqpf",
        "moran_infrastructure",
        "named_clusters",
        "correlation",
        "vif",
        "baseline_regression",
        "model_selection",
        "models_main",
        "effects",
        "robustness",
        "heterogeneity",
        "threshold_tests",
        "threshold_regression",
        "mediation_digital_finance",
        "spatial_mediation_digital_finance",
        "moderation_marketisation",
        "quadratic_infrastructure",
        "policy_did",
        "policy_event_study",
        "dynamic_panel",
        "dagum_gini_nqpf",
        "dagum_gini_infrastructure",
        "dagum_gini_gdp_per_capita",
        "beta_convergence_nqpf",
        "club_convergence_nqpf",
        "beta_convergence_infrastructure",
        "club_convergence_infrastructure",
        "beta_convergence_gdp_per_capita",
        "club_convergence_gdp_per_capita",
        "geodetector_factors",
        "geodetector_interaction",
        "markov_nqpf",
        "lisa_markov_nqpf",
    ]
    city = table_plan.Plan.from_study(StudySettings.model_validate(demo_study("demo_city")))
    assert city.labels.language == "zh" and city.notes == ("模拟演示数据（simulated demo data）。",)
    assert city.labels.name("infrastructure") == "新型基础设施" and city.preferred == "sdm"


def test_a_bad_tables_setting_names_key_and_fix():
    study = demo_study("demo_province")
    study["models"]["models"] = ["ols", "sar", "sem", "sdm"]
    study["tables"]["model"] = "slx"
    with pytest.raises(InputError, match="tables.model") as err:
        table_plan.Plan.from_study(StudySettings.model_validate(study))
    assert "sdm" in str(err.value)
    with pytest.raises(InputError) as err:
        table_plan.Plan.from_study(
            StudySettings.model_validate(study), file="config/studies/demo_province.yaml", prefix="studies[0]"
        )
    assert (
        err.value.key == "studies[0].tables.model" and err.value.file == "config/studies/demo_province.yaml"
    )
    study["tables"] = {"weights": "rook"}
    with pytest.raises(InputError, match="rook"):
        table_plan.Plan.from_study(StudySettings.model_validate(study))


def test_a_parameter_at_its_bound_is_flagged_in_header_and_note():
    results = results_fixture()
    results.fit["at_bound"] = [
        m == "sem" and s == "main" for m, s in zip(results.fit["model"], results.fit["spec"], strict=True)
    ]
    table = regression.main_models(results, ["sar", "sem", "sdm"], "queen", "y", EN)
    assert [c.text for c in table.columns[1:]] == ["(1) SAR", "(2) SEM †", "(3) SDM"]
    assert table.notes[-1].startswith("† The spatial parameter of (2) SEM lies at the bound")
    assert not any("†" in n for n in regression.effects(results, "sdm", "queen", ["x"], EN).notes)


# --- the demo study's tables, from a complete run ---------------------------------------------------------------
@pytest.mark.slow
@pytest.mark.workflow
def test_the_demo_study_has_every_table_in_every_format(demo_province_run):
    folder = demo_province_run / "results" / "demo_province" / "tables"
    names = table_plan.table_names(StudySettings.model_validate(demo_study("demo_province")))
    for name in names:
        for suffix in ("csv", "tex", "md", "html", "docx", "json"):
            path = folder / f"{name}.{suffix}"
            assert path.is_file(), path
        assert "Simulated demo data." in (folder / f"{name}.csv").read_text(encoding="utf-8-sig")
        assert "Simulated demo data." in (folder / f"{name}.tex").read_text(encoding="utf-8")
        assert "Simulated demo data." in [p.text for p in docx.Document(folder / f"{name}.docx").paragraphs]
    combined = docx.Document(folder / "tables.docx")
    assert len(combined.tables) == len(names)
    # the data-generating process: a positive direct and a negative indirect effect of new infrastructure
    effects = model.from_dict(json.loads((folder / "effects.json").read_text(encoding="utf-8")))
    row = next(r for r in effects.blocks[0].rows if r.label.text == "New infrastructure")
    direct, indirect, _ = row.cells
    assert float(direct.text) > 0 and direct.stars == "***"
    assert float(indirect.text) < 0 and indirect.stars


@pytest.mark.slow
@pytest.mark.parametrize("engine, chinese", [("pdflatex", False), ("xelatex", True)])
def test_the_latex_document_compiles(tmp_path, engine, chinese):
    """Checked where TeX is installed (.ci/run installs it): every table kind in one document."""
    import shutil
    import subprocess

    if shutil.which(engine) is None:
        pytest.skip(f"{engine} is not installed")
    labels = ZH if chinese else EN
    results = results_fixture()
    tables = [
        sample_table(),
        regression.main_models(results, ["sar", "sem", "sdm"], "queen", "y", labels, (labels.term("demo"),)),
        regression.heterogeneity(results, "sdm", "queen", ["x"], {"East": 10, "Northeast": 3}, 5, labels),
        regression.model_selection(results, "queen", "sdm", labels),
    ]
    (tmp_path / "tables.tex").write_text(render.latex_document(tables, chinese=chinese), encoding="utf-8")
    result = subprocess.run(
        [engine, "-interaction=nonstopmode", "-halt-on-error", "tables.tex"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:]
    assert (tmp_path / "tables.pdf").stat().st_size > 10_000
