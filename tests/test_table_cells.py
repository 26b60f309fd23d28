"""Table cells by configuration (``tables`` settings): decimals, stars (thresholds and symbols), the standard
error or t statistic in parentheses, and the observation count with the note saying which count it is. The
defaults print what the tables printed before the settings existed."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from pydantic import ValidationError

from nqpf.tables import cells, regression, spatial
from nqpf.tables.labels import Labels
from nqpf.tables.settings import TablesSettings


def results(n_obs: int = 330) -> regression.Results:
    """An SDM on one W (31 units, 11 years): coefficients of very different sizes, effects, and its fit with
    ``n_obs`` observations in the likelihood (330 = (N - 1)(T - 1): Lee-Yu with two-way effects)."""
    terms = [("x", 0.4567, 0.1, 0.0004), ("tiny", 7.6e-5, 2.1e-5, 0.03), ("W.x", -0.2, 0.15, 0.18)]
    terms.append(("rho", 0.35, 0.05, 1e-9))
    estimates = pd.DataFrame(
        [dict(term=t, estimate=e, std_error=s, z=e / s, p=p) for t, e, s, p in terms]
    ).assign(model="sdm", weights="queen", spec="main")
    effects = pd.DataFrame(
        [
            dict(variable=v, effect=k, estimate=e, std_error=0.05, z=e / 0.05, p=p)
            for v in ("x", "tiny")
            for k, e, p in (("direct", 0.41, 0.004), ("indirect", -0.09, 0.07), ("total", 0.32, 0.2))
        ]
    ).assign(model="sdm", weights="queen", spec="main")
    fit = pd.DataFrame(
        [
            dict(
                model="sdm",
                weights="queen",
                spec="main",
                sigma2=0.01,
                loglik=10.0,
                r2=0.5,
                n_units=31,
                n_periods=11,
                n_obs=n_obs,
                fixed_effects="two-way",
                bias_correction="lee_yu",
                effects_inference="simulation",
                effects_interval="normal",
                effects_draws=1000,
                at_bound=False,
            )
        ]
    )
    return regression.Results(estimates, effects, pd.DataFrame(columns=["model", "weights", "spec"]), fit)


def labels(language: str = "en", **settings) -> Labels:
    return Labels(language, {}, TablesSettings.model_validate(settings).style())


def value_rows(table):
    return [row for block in table.blocks for row in block.rows if row.kind == "value"]


def se_rows(table):
    return [row for block in table.blocks for row in block.rows if row.kind == "se"]


def test_defaults_print_as_before():
    assert TablesSettings().style() == cells.Style()
    assert Labels("en").se_note() == "Standard errors in parentheses; *** p < 0.01, ** p < 0.05, * p < 0.1."
    assert Labels("zh").se_note() == "括号内为标准误；***、**、* 分别表示在 1%、5%、10% 的水平上显著。"
    assert Labels("en").stars_note() == "*** p < 0.01, ** p < 0.05, * p < 0.1."
    assert Labels("zh").stars_note() == "***、**、* 分别表示在 1%、5%、10% 的水平上显著。"
    table = regression.main_models(results(), ["sdm"], "queen", "y", Labels("en"))
    texts = [row.cells[0].plain for row in value_rows(table)[:4]]
    # decimals by row (at least 3, more for a coefficient of 7.6e-5), the standard errors alike
    assert texts == ["0.457***", "0.000076**", "-0.200", "0.350***"]
    assert [row.cells[0].text for row in se_rows(table)] == ["(0.100)", "(0.000021)", "(0.150)", "(0.050)"]


def test_stars_thresholds_and_symbols_from_the_settings():
    custom = labels(stars=[{"p": 0.05, "symbol": "*"}, {"p": 0.01, "symbol": "**"}])
    assert custom.style.stars == ((0.01, "**"), (0.05, "*"))
    table = regression.effects(results(), "sdm", "queen", ["x", "tiny"], custom)
    assert [c.stars for c in value_rows(table)[0].cells] == ["**", "", ""]
    assert "Standard errors in parentheses; ** p < 0.01, * p < 0.05." in table.notes
    zh = labels("zh", stars=[{"p": 0.05, "symbol": "†"}])
    assert zh.se_note() == "括号内为标准误；† 表示在 5% 的水平上显著。"
    none = labels(stars=[])
    table = regression.effects(results(), "sdm", "queen", ["x"], none)
    assert all(not c.stars for row in value_rows(table) for c in row.cells)
    assert "Standard errors in parentheses." in table.notes


def test_t_statistics_in_parentheses():
    table = regression.main_models(results(), ["sdm"], "queen", "y", labels(parentheses="t"))
    assert [row.cells[0].text for row in se_rows(table)] == ["(4.567)", "(3.619)", "(-1.333)", "(7.000)"]
    assert table.notes[0].startswith("t statistics in parentheses (z for the maximum-likelihood models); ***")


def test_fixed_decimals_are_the_same_in_every_row_and_column():
    table = regression.main_models(results(), ["sdm"], "queen", "y", labels(decimals=2, fixed_decimals=True))
    printed = [row.cells[0].text for row in (*value_rows(table)[:4], *se_rows(table))]
    assert all(re.fullmatch(r"\(?-?\d+\.\d{2}\)?", text) for text in printed), printed
    assert printed[1] == "0.00" and value_rows(table)[1].cells[0].stars == "**"


def test_the_observation_count_and_its_note():
    en = regression.main_models(results(), ["sdm"], "queen", "y", Labels("en"))
    count = next(row for block in en.blocks for row in block.rows if row.label.text == "Observations")
    assert count.cells[0].text == "330"
    assert any(note.startswith("Observations are those the likelihood counts") for note in en.notes)
    nt = regression.main_models(results(), ["sdm"], "queen", "y", labels(observations="nt"))
    count = next(row for block in nt.blocks for row in block.rows if row.label.text == "Observations")
    assert count.cells[0].text == "341"
    assert any(note.startswith("Observations are the N T unit-years") for note in nt.notes)
    same = regression.main_models(results(n_obs=341), ["sdm"], "queen", "y", Labels("en"))
    assert not any(note.startswith("Observations") for note in same.notes)
    zh = regression.main_models(results(), ["sdm"], "queen", "y", Labels("zh"))
    assert any(note.startswith("观测值为似然函数实际计入的样本数") for note in zh.notes)


def test_moran_table_uses_the_configured_stars():
    frame = pd.DataFrame(
        [
            dict(
                variable="v",
                weights="queen",
                year=2020,
                statistic="moran",
                value=0.3,
                z_rand=2.2,
                p_rand=0.03,
            )
        ]
    )
    table = spatial.moran_by_year("v", frame, ["queen"], labels(stars=[{"p": 0.05, "symbol": "+"}]))
    assert table.blocks[0].rows[0].cells[0].stars == "+"
    assert table.notes[-1] == "+ p < 0.05."


@pytest.mark.parametrize(
    "settings, message",
    [
        ({"stars": [{"p": 0.05, "symbol": "*"}, {"p": 0.05, "symbol": "**"}]}, "gives a p more than once"),
        (
            {"stars": [{"p": 0.05, "symbol": "*"}, {"p": 0.01, "symbol": "*"}]},
            "gives a symbol more than once",
        ),
        ({"stars": [{"p": 1.5, "symbol": "*"}]}, "less than 1"),
        ({"parentheses": "p"}, "std_error"),
        ({"decimals": 9}, "less than or equal to 8"),
    ],
)
def test_bad_cell_settings_are_refused(settings, message):
    with pytest.raises(ValidationError, match=message):
        TablesSettings.model_validate(settings)
