"""Derived variables: the safe evaluator, its functions, missing values and rejected input."""

import numpy as np
import pandas as pd
import pytest

from nqpf.errors import InputError
from nqpf.panel import formulas


@pytest.fixture
def panel():
    index = pd.MultiIndex.from_product([["a", "b"], [2019, 2020, 2021]], names=["code", "year"])
    return pd.DataFrame(
        {
            "gdp": [100.0, 110.0, 121.0, 50.0, np.nan, 60.0],
            "pop": [10.0, 10.0, 11.0, 5.0, 5.0, 5.0],
            "zero": [0.0, 1.0, 1.0, 1.0, 1.0, 1.0],
        },
        index=index,
    )


def test_ratios_logs_and_constants(panel):
    per_capita = formulas.evaluate("gdp_pc", "gdp / pop * 10000", panel)
    assert per_capita[("a", 2019)] == pytest.approx(100000.0)
    assert np.isnan(per_capita[("b", 2020)])  # a missing input gives a missing result
    log_gdp = formulas.evaluate("lg", "log(gdp) - log10(100) + sqrt(4) ** 2 - abs(-1)", panel)
    assert log_gdp[("a", 2019)] == pytest.approx(np.log(100) - 2 + 4 - 1)


def test_lags_follow_the_year_not_the_row(panel):
    lag = formulas.evaluate("l", "lag(gdp)", panel)
    assert np.isnan(lag[("a", 2019)])  # no earlier year in the panel
    assert lag[("a", 2020)] == 100.0
    assert lag[("b", 2021)] != lag[("b", 2021)]  # 2020 is missing for b
    two = formulas.evaluate("l2", "lag(gdp, 2)", panel)
    assert two[("a", 2021)] == 100.0
    growth = formulas.evaluate("g", "growth(gdp)", panel)
    assert growth[("a", 2020)] == pytest.approx(0.1) and growth[("a", 2021)] == pytest.approx(0.1)
    assert formulas.evaluate("d", "diff(gdp)", panel)[("a", 2021)] == pytest.approx(11.0)


def test_share_of_the_year_total(panel):
    share = formulas.evaluate("s", "share(pop)", panel)
    assert share[("a", 2019)] == pytest.approx(10 / 15)
    assert share.groupby(level="year").sum().to_numpy() == pytest.approx([1.0, 1.0, 1.0])
    incomplete = formulas.evaluate("s", "share(gdp)", panel)
    assert incomplete.xs(2020, level="year").isna().all()  # one unit missing: no share that year


def test_non_finite_results_from_finite_inputs_are_errors(panel):
    with pytest.raises(InputError, match="non-finite") as err:
        formulas.evaluate("bad", "gdp / zero", panel)
    assert "unit a, year 2019: inf" in str(err.value)
    with pytest.raises(InputError, match="non-finite"):
        formulas.evaluate("bad", "log(zero)", panel)
    assert formulas.evaluate("ok", "log1p(zero)", panel)[("a", 2019)] == 0.0


@pytest.mark.parametrize(
    "formula, part",
    [
        ("__import__('os').system('echo hacked')", "a call of \"__import__('os').system\""),
        ("gdp.__class__", "Attribute"),
        ("gdp[0]", "Subscript"),
        ("(lambda: 1)()", "a call of"),
        ("'text'", "the constant 'text'"),
        ("open('/etc/passwd')", "a call of 'open'"),
        ("gdp if pop else 1", "IfExp"),
        ("gdp > 1", "Compare"),
        ("log(gdp, base=2)", "keyword arguments"),
        ("lag(gdp, 1.5)", "not a whole number"),
        ("lag(gdp, 100)", "allowed 1 to 50"),
        ("gdp // pop", "FloorDiv"),
        ("[gdp]", "List"),
        ("True + gdp", "the constant True"),
        ("log", "without a call"),
    ],
)
def test_unsafe_or_unsupported_input_is_rejected(panel, formula, part):
    with pytest.raises(InputError) as err:
        formulas.evaluate("x", formula, panel)
    assert part in str(err.value)
    assert "derived.x" in str(err.value)


def test_syntax_errors_and_unknown_names(panel):
    with pytest.raises(InputError, match="not valid"):
        formulas.evaluate("x", "gdp /", panel)
    with pytest.raises(InputError, match="unknown variables: gpd"):
        formulas.evaluate("x", "gpd / pop", panel)


def test_derive_in_order_and_no_overwrites(panel):
    out = formulas.derive(panel, {"gdp_pc": "gdp / pop", "log_gdp_pc": "log(gdp_pc)"})
    assert out.loc[("a", 2019), "log_gdp_pc"] == pytest.approx(np.log(10.0))
    with pytest.raises(InputError, match="already exists"):
        formulas.derive(panel, {"gdp": "pop * 2"})
    with pytest.raises(InputError, match="unknown variables"):
        formulas.derive(panel, {"b": "a + 1", "a": "gdp"})
