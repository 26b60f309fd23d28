"""The drivers stage: the geographical detector year by year as the stage runs it, its gaps and settings, and
the tables and figure made of its results."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from nqpf import drivers
from nqpf.drivers import GeodetectorSettings, detect_by_year
from nqpf.errors import InputError
from nqpf.tables import drivers as tables
from nqpf.tables.labels import Labels

YEARS = (2018, 2019, 2020)


def frame(seed=12, n=60):
    """y driven by a continuous factor a and a region, b noise."""
    rng = np.random.default_rng(seed)
    region = np.array(["East", "Central", "West", "Northeast"])[np.arange(n) % 4]
    rows = []
    for year in YEARS:
        a = rng.uniform(0, 10, n)
        b = rng.normal(0, 1, n)
        y = 0.5 * a + np.select([region == "East", region == "West"], [2.0, -1.0], 0.0) + rng.normal(0, 1, n)
        rows.append(pd.DataFrame({"code": [f"U{i:02d}" for i in range(n)], "name": "u", "year": year,
                                  "y": y, "a": a, "b": b, "region": region}))  # fmt: skip
    return pd.concat(rows, ignore_index=True)


SETTINGS = GeodetectorSettings(
    dependent="y", factors=["a", "b", "region"], categorical=["region"], pooled=True
)


def test_each_period_is_the_detector_on_its_rows():
    data = frame()
    out = detect_by_year(data, SETTINGS, YEARS)
    assert list(dict.fromkeys(out["factor"]["period"])) == ["2018", "2019", "2020", "pooled"]
    for period, rows in [*((str(y), data[data["year"] == y]) for y in YEARS), ("pooled", data)]:
        alone = drivers.geodetector(
            rows[["y", "a", "b", "region"]].reset_index(drop=True),
            "y",
            ["a", "b", "region"],
            discretise=["a", "b"],
        )
        mine = out["factor"][out["factor"]["period"] == period].drop(columns="period").reset_index(drop=True)
        pd.testing.assert_frame_equal(mine, alone.factor)
        pairs = out["interaction"][out["interaction"]["period"] == period].drop(columns="period")
        pd.testing.assert_frame_equal(pairs.reset_index(drop=True), alone.interaction)
    q = out["factor"].set_index(["period", "factor"])["q"]
    assert (
        q.xs("a", level="factor") > q.xs("b", level="factor")
    ).all()  # the driver explains more than noise
    assert set(out["discretisation"]["factor"]) == {"a", "b"}  # region is used as it is
    assert out["left_out"].empty


def test_gaps_stop_the_stage_or_are_listed():
    data = frame()
    data.loc[(data["code"] == "U03") & (data["year"] == 2019), "b"] = np.nan
    with pytest.raises(InputError) as error:
        detect_by_year(data, SETTINGS, YEARS)
    assert "U03 2019" in str(error.value.unit) and error.value.column == "b"
    settings = SETTINGS.model_copy(update={"missing": "drop_per_year"})
    out = detect_by_year(data, settings, YEARS)
    assert out["left_out"][["period", "code", "reason"]].values.tolist() == [
        ["2019", "U03", "no value of b"],
        ["pooled", "U03", "no value of b"],
    ]
    n = out["factor"].set_index(["period", "factor"])["n"]
    assert n[("2019", "a")] == 59 and n[("2018", "a")] == 60


def test_settings_are_checked():
    with pytest.raises(ValueError, match="name the response"):
        GeodetectorSettings(factors=["a"])
    with pytest.raises(ValueError, match="both the response and a factor"):
        GeodetectorSettings(dependent="a", factors=["a", "b"])
    with pytest.raises(ValueError, match="which factors does not list"):
        GeodetectorSettings(dependent="y", factors=["a"], categorical=["region"])
    assert GeodetectorSettings(dependent="y", factors=["a"]).years_of([2010, 2011, 2012, 2013]) == [
        2010,
        2012,
        2013,
    ]


def test_the_tables_and_the_figure(tmp_path, monkeypatch):
    out = detect_by_year(frame(), SETTINGS, YEARS)
    labels = Labels("en", {"a": {"en": "Alpha"}})
    printed = tables.factors("y", out["factor"], labels)
    first = out["factor"].iloc[0]
    assert printed.blocks[0].rows[0].label.text == "Alpha"
    cell = printed.blocks[0].rows[0].cells[0]
    assert cell.text == f"{first['q']:.4f}" and cell.stars == (
        "***" if first["p_value"] < 0.01 else cell.stars
    )
    assert [c.text for c, _ in printed.groups] == ["2018", "2019", "2020", "Years pooled"]
    matrix = tables.interactions("y", out["interaction"], labels)
    pooled = out["interaction"][out["interaction"]["period"] == "pooled"]
    ab = pooled[(pooled["factor_1"] == "a") & (pooled["factor_2"] == "b")].iloc[0]
    assert matrix.blocks[0].rows[1].cells[0].text.startswith(f"{ab['q_12']:.4f} (")
    assert (
        matrix.blocks[0].rows[0].cells[0].text == f"{ab['q_1']:.4f}"
        and matrix.blocks[0].rows[0].cells[1].text == ""
    )
    from nqpf.figures import drivers as figure

    drawn = []
    monkeypatch.setattr(figure, "save", lambda fig, path: drawn.append(fig))
    figure.geodetector_figure(out["factor"], out["interaction"], "y", tmp_path / "g.png", labels=labels)
    bars, heat = drawn[0].axes[:2]
    widths = sorted(p.get_width() for p in bars.patches if p.get_fill())
    np.testing.assert_allclose(widths, sorted(out["factor"]["q"]), rtol=1e-12)
    assert heat.images[0].get_array()[1, 0] == pytest.approx(ab["q_12"])
