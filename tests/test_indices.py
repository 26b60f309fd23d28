"""Composite indices: entropy weights and TOPSIS on cases worked by hand, and the index builder."""

import numpy as np
import pandas as pd
import pytest

from nqpf import indices
from nqpf.errors import InputError
from nqpf.indices import coupling


def test_entropy_weights_worked_by_hand():
    # Indicator A = (1, 2, 3), B = (10, 10, 40) on three units.
    # Min-max: z_A = (0, 0.5, 1), z_B = (0, 0, 1). Shift s = 0.0001:
    #   A: (0.0001, 0.5001, 1.0001) / 1.5003 = (6.66533e-5, 0.333333, 0.666600)
    #   B: (0.0001, 0.0001, 1.0001) / 1.0003 = (9.99700e-5, 9.99700e-5, 0.999800)
    # e_j = -(1 / ln 3) sum p ln p:
    #   e_A = -(6.66533e-5 ln 6.66533e-5 + 0.333333 ln 0.333333 + 0.666600 ln 0.666600) / 1.098612 = 0.579999
    #   e_B = -(2 * 9.99700e-5 ln 9.99700e-5 + 0.999800 ln 0.999800) / 1.098612 = 0.001858
    # d = 1 - e = (0.420001, 0.998142); w = d / 1.418143 = (0.296162, 0.703838).
    # B is the more concentrated indicator, so it carries more weight. Index of unit 2: 0.296162 * 0.5 = 0.148081.
    x = np.array([[1.0, 10.0], [2.0, 10.0], [3.0, 40.0]])
    z = np.column_stack([indices.minmax(x[:, 0]), indices.minmax(x[:, 1])])
    entropy, weights = indices.entropy_weights(z)
    np.testing.assert_allclose(entropy, [0.579999, 0.001858], atol=1e-6)
    np.testing.assert_allclose(weights, [0.296162, 0.703838], atol=1e-6)
    index, _ = indices.entropy_index(x)
    np.testing.assert_allclose(index, [0.0, 0.148081, 1.0], atol=1e-6)


def test_negative_indicators_are_reversed():
    assert indices.minmax(np.array([1.0, 3.0, 2.0]), negative=True).tolist() == [1.0, 0.0, 0.5]


def test_a_constant_indicator_cannot_be_normalised():
    with pytest.raises(ValueError, match="constant"):
        indices.minmax(np.array([2.0, 2.0]))


def test_topsis_worked_by_hand():
    # z from the example above, weights w = (0.296162, 0.703838): v = z w; best = (0.296162, 0.703838), worst = 0.
    # Unit 2, v = (0.148081, 0): D+ = sqrt(0.148081^2 + 0.703838^2) = 0.719247, D- = 0.148081,
    # C = 0.148081 / (0.719247 + 0.148081) = 0.170732. Units 1 and 3 are the worst and the best: C = 0 and 1.
    z = np.array([[0.0, 0.0], [0.5, 0.0], [1.0, 1.0]])
    closeness = indices.topsis(z, np.array([0.296162, 0.703838]))
    np.testing.assert_allclose(closeness, [0.0, 0.170732, 1.0], atol=1e-6)


def spec(method="entropy", weights_by="pooled", missing="error"):
    return indices.IndexSettings.model_validate(
        {
            "name": "toy",
            "method": method,
            "weights_by": weights_by,
            "missing": missing,
            "dimensions": {
                "a": [{"variable": "x1", "direction": "+"}, {"variable": "x2", "direction": "-"}],
                "b": [{"variable": "x3"}],
            },
        }
    )


@pytest.fixture
def toy_panel():
    rng = np.random.default_rng(7)
    rows = []
    for year in (2020, 2021):
        for code in ("a", "b", "c", "d"):
            rows.append(
                {
                    "code": code,
                    "name": code.upper(),
                    "year": year,
                    "x1": rng.uniform(1, 9),
                    "x2": rng.uniform(1, 9),
                    "x3": rng.uniform(1, 9),
                }
            )
    return pd.DataFrame(rows)


def test_dimension_sub_indices_add_up_to_the_index(toy_panel):
    result = indices.build(toy_panel, spec())
    values = result.values
    np.testing.assert_allclose(values["a"] + values["b"], values["index"], rtol=1e-12)
    assert result.weights["weight"].sum() == pytest.approx(1.0)
    assert list(result.weights["direction"]) == ["+", "-", "+"]
    # pooled: the lowest x2 (a negative indicator) of all unit-years gets z = 1
    z2 = 1 - (toy_panel["x2"] - toy_panel["x2"].min()) / np.ptp(toy_panel["x2"])
    z1 = (toy_panel["x1"] - toy_panel["x1"].min()) / np.ptp(toy_panel["x1"])
    w = result.weights.set_index("indicator")["weight"]
    np.testing.assert_allclose(values["a"], w["x1"] * z1 + w["x2"] * z2, rtol=1e-12)


def test_weights_by_year_normalise_within_each_year(toy_panel):
    result = indices.build(toy_panel, spec(weights_by="year"))
    assert set(result.weights["year"]) == {2020, 2021}
    for _, values in result.values.groupby("year"):
        assert values["index"].between(0, 1).all()
    assert result.weights.groupby("year")["weight"].sum().tolist() == pytest.approx([1.0, 1.0])


def test_equal_weights_and_topsis_methods(toy_panel):
    equal = indices.build(toy_panel, spec("equal"))
    assert equal.weights["weight"].tolist() == pytest.approx([1 / 3] * 3)
    topsis = indices.build(toy_panel, spec("entropy_topsis"))
    assert topsis.values["index"].between(0, 1).all() and "TOPSIS" in topsis.method


def test_constant_indicators_get_no_weight_and_gaps_no_index(toy_panel):
    toy_panel["x3"] = 5.0
    toy_panel.loc[0, "x1"] = np.nan
    with pytest.raises(InputError, match="1 unit-years lack an indicator") as err:
        indices.build(toy_panel, spec())
    assert err.value.key == "indices[toy].missing" and "drop_per_year" in err.value.fix
    result = indices.build(toy_panel, spec(missing="drop_per_year"))
    assert result.weights.set_index("indicator").loc["x3", "weight"] == pytest.approx(0.0, abs=1e-12)
    assert any("x3 is constant" in note for note in result.notes)
    assert np.isnan(result.values.loc[0, "index"]) and any("1 unit-years lack" in n for n in result.notes)
    first = toy_panel.loc[0]
    assert result.left_out.to_dict("records") == [
        {
            "code": str(first["code"]),
            "name": str(first["name"]),
            "year": int(first["year"]),
            "indicator": "x1",
        }
    ]
    # the weights come from the complete unit-years alone: as if the incomplete one were not in the panel
    alone = indices.build(toy_panel.drop(index=0), spec())
    pd.testing.assert_frame_equal(result.weights, alone.weights)
    kept = result.values.dropna(subset=["index"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(kept, alone.values.reset_index(drop=True))


def test_index_needs_its_variables(toy_panel):
    with pytest.raises(InputError, match="does not have: x3"):
        indices.build(toy_panel.drop(columns="x3"), spec())


def test_indices_join_the_panel_as_variables(toy_panel):
    result = indices.build(toy_panel, spec())
    merged = indices.with_indices(toy_panel, {"toy": result.values})
    assert {"toy", "toy_a", "toy_b"} <= set(merged.columns) and len(merged) == len(toy_panel)


def test_coupling_coordination_worked_by_hand():
    # U1 = 0.4, U2 = 0.1: C = 2 sqrt(0.04) / 0.5 = 0.8, T = 0.25, D = sqrt(0.2) = 0.447214: 濒临失调 (0.4-0.5).
    out = coupling.coupling_coordination(np.array([0.4, 0.5, np.nan]), np.array([0.1, 0.5, 0.2]))
    np.testing.assert_allclose(out.loc[0, ["C", "T", "D"]].to_numpy(float), [0.8, 0.25, np.sqrt(0.2)])
    assert out.loc[0, "grade"] == "濒临失调" and out.loc[1, "D"] == pytest.approx(np.sqrt(0.5))
    assert np.isnan(out.loc[2, "D"]) and pd.isna(out.loc[2, "grade"])
