"""Indices weighted by CRITIC, the scatter degree method and game theory (``indices[].method``), and the index
rebuilt with other weightings (``indices[].robustness``): the weights against independent computations (pymcdm's
CRITIC, the first principal component of the correlation matrix, the 2 x 2 game-theory system solved by Cramer's
rule), the robustness columns against indices built with each method on its own, and the robustness table."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from pydantic import ValidationError

from nqpf import indices
from nqpf.errors import InputError
from nqpf.tables import descriptive
from nqpf.tables.labels import Labels

pymcdm_weights = pytest.importorskip("pymcdm.weights")

DIMENSIONS = {
    "one": [{"variable": "a"}, {"variable": "b", "direction": "-"}],
    "two": [{"variable": "c"}, {"variable": "d"}, {"variable": "e"}],
}
VARIABLES = ["a", "b", "c", "d", "e"]


def panel(seed=3, units=15, years=(2019, 2020, 2021, 2022)) -> pd.DataFrame:
    """Indicators sharing a common level (so that they correlate positively once b is reversed), each with
    noise of its own."""
    rng = np.random.default_rng(seed)
    rows = []
    for t, year in enumerate(years):
        level = rng.normal(0, 1, units) + 0.3 * t
        for u in range(units):
            rows.append(
                {
                    "code": f"{u:06d}",
                    "name": f"u{u}",
                    "year": year,
                    "a": 10 + 2 * level[u] + rng.normal(0, 1),
                    "b": 50 - 5 * level[u] + rng.normal(0, 4),
                    "c": 1 + 0.5 * level[u] + rng.normal(0, 0.2),
                    "d": 3 + level[u] + rng.normal(0, 1.5),
                    "e": 7 + 0.5 * level[u] + rng.normal(0, 0.3),
                }
            )
    return pd.DataFrame(rows)


def spec(**changes) -> indices.IndexSettings:
    return indices.IndexSettings(name="idx", dimensions=DIMENSIONS, **changes)


def normalised(data: pd.DataFrame) -> np.ndarray:
    """Min-max normalisation written out here, b reversed."""
    x = data[VARIABLES].to_numpy(dtype=float)
    z = (x - x.min(axis=0)) / (x.max(axis=0) - x.min(axis=0))
    z[:, 1] = 1 - z[:, 1]
    return z


def ordered(data: pd.DataFrame) -> pd.DataFrame:
    return data.sort_values(["year", "code"], ignore_index=True)


def test_critic_index_weights_are_pymcdm_critic_on_the_normalised_indicators():
    data = ordered(panel())
    result = indices.build(data, spec(method="critic"))
    z = normalised(data)
    expected = pymcdm_weights.critic_weights(z)
    np.testing.assert_allclose(result.weights["weight"], expected, rtol=0, atol=1e-12)
    np.testing.assert_allclose(result.values["index"], z @ expected, rtol=1e-12)
    assert {"sigma", "conflict", "information"} <= set(result.weights.columns)
    assert "entropy" not in result.weights.columns
    assert "CRITIC" in result.method


def test_scatter_degree_weights_are_the_first_principal_component_of_the_indicators():
    data = ordered(panel())
    result = indices.build(data, spec(method="scatter_degree"))
    z = normalised(data)
    standardised = (z - z.mean(axis=0)) / z.std(axis=0, ddof=1)
    _, _, vt = np.linalg.svd(standardised, full_matrices=False)
    loading = np.abs(vt[0])
    np.testing.assert_allclose(result.weights["weight"], loading / loading.sum(), rtol=0, atol=1e-12)
    np.testing.assert_allclose(result.weights["eigenvector"], loading / np.linalg.norm(loading), atol=1e-12)
    np.testing.assert_allclose(result.values["index"], z @ (loading / loading.sum()), rtol=1e-12)


def test_scatter_degree_by_year_uses_each_year_alone():
    data = ordered(panel())
    result = indices.build(data, spec(method="scatter_degree", weights_by="year"))
    for year, part in data.groupby("year"):
        z = normalised(part)
        standardised = (z - z.mean(axis=0)) / z.std(axis=0, ddof=1)
        loading = np.abs(np.linalg.svd(standardised, full_matrices=False)[2][0])
        weights = result.weights[result.weights["year"] == year]["weight"].to_numpy()
        np.testing.assert_allclose(weights, loading / loading.sum(), rtol=0, atol=1e-12)


def test_game_theory_combines_entropy_and_critic_by_the_two_by_two_system():
    data = ordered(panel())
    result = indices.build(data, spec(method="game_theory"))
    entropy = indices.build(data, spec()).weights["weight"].to_numpy()
    critic = indices.build(data, spec(method="critic")).weights["weight"].to_numpy()
    # sum_k alpha_k w_l w_k' = w_l w_l', l = 1, 2, by Cramer's rule
    g11, g12, g22 = entropy @ entropy, entropy @ critic, critic @ critic
    det = g11 * g22 - g12 * g12
    alpha = np.array([(g11 * g22 - g12 * g22) / det, (g11 * g22 - g12 * g11) / det])
    share = np.abs(alpha) / np.abs(alpha).sum()
    np.testing.assert_allclose(result.weights["weight"], share[0] * entropy + share[1] * critic, atol=1e-12)
    np.testing.assert_allclose(result.weights["weight_entropy"], entropy, atol=1e-15)
    np.testing.assert_allclose(result.weights["weight_critic"], critic, atol=1e-15)
    assert any("game-theory coefficients" in note for note in result.notes)


def test_game_theory_combines_the_weightings_it_is_told():
    data = ordered(panel())
    result = indices.build(data, spec(method="game_theory", combine=["critic", "scatter_degree", "equal"]))
    assert [c for c in result.weights.columns if c.startswith("weight_")] == [
        "weight_critic",
        "weight_scatter_degree",
        "weight_equal",
    ]
    vectors = result.weights[["weight_critic", "weight_scatter_degree", "weight_equal"]].to_numpy().T
    gram = vectors @ vectors.T
    alpha = np.linalg.solve(gram, np.diag(gram))
    np.testing.assert_allclose(
        result.weights["weight"], (np.abs(alpha) / np.abs(alpha).sum()) @ vectors, atol=1e-12
    )


def test_robustness_columns_are_the_index_built_with_each_method():
    data = panel()
    result = indices.build(data, spec(robustness=["critic", "equal", "entropy_topsis"]))
    assert list(result.values.columns) == [
        "code", "name", "year", "index", "one", "two", "critic", "equal", "entropy_topsis",
    ]  # fmt: skip
    main = indices.build(data, spec())
    pd.testing.assert_frame_equal(result.values[main.values.columns], main.values)
    for method in ("critic", "equal", "entropy_topsis"):
        alone = indices.build(data, spec(method=method))
        np.testing.assert_allclose(result.values[method], alone.values["index"], rtol=1e-12)
        np.testing.assert_allclose(result.weights[f"weight_{method}"], alone.weights["weight"], rtol=1e-12)
    framed = indices.with_indices(data, {"idx": result.values})
    assert {"idx", "idx_one", "idx_critic", "idx_equal", "idx_entropy_topsis"} <= set(framed.columns)
    assert "robustness check" in result.method


def test_a_constant_indicator_keeps_weight_zero_under_every_method():
    data = panel()
    data["e"] = 4.0
    result = indices.build(data, spec(method="critic", robustness=["scatter_degree", "game_theory"]))
    row = result.weights.set_index("indicator").loc["e"]
    assert row["weight"] == 0 and row["weight_scatter_degree"] == 0 and row["weight_game_theory"] == 0
    assert np.isnan(row["sigma"])
    rest = ordered(data)
    z = normalised(rest.assign(e=rest["e"] + np.arange(len(rest))))[:, :4]
    np.testing.assert_allclose(
        result.weights["weight"].to_numpy()[:4], pymcdm_weights.critic_weights(z), atol=1e-12
    )
    assert any("e is constant" in note for note in result.notes)


def test_scatter_degree_with_a_contrary_indicator_stops_naming_it():
    data = panel()
    data["b"] = -data["b"]  # now more of b goes with more of the others, but b is still flagged negative
    with pytest.raises(InputError) as caught:
        indices.build(data, spec(method="scatter_degree"))
    message = str(caught.value)
    assert "'idx'" in message and "mixed signs" in message and "(negative for b)" in message
    assert caught.value.key == "indices[idx].method"


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"robustness": ["entropy"]}, "the index's own method"),
        ({"robustness": ["critic", "critic"]}, "twice"),
        ({"combine": ["entropy", "critic"]}, "combine is read by game_theory only"),
        ({"method": "game_theory", "combine": ["critic", "critic"]}, "twice"),
        ({"method": "game_theory", "combine": ["critic"]}, "at least 2"),
        ({"method": "topsis"}, "method"),
    ],
)
def test_settings_refuse_what_cannot_be_meant(changes, words):
    with pytest.raises(ValidationError, match=words):
        spec(**changes)


def test_a_robustness_method_may_not_be_a_dimension_name():
    with pytest.raises(ValidationError, match="also a dimension"):
        indices.IndexSettings(
            name="idx",
            dimensions={"critic": [{"variable": "a"}], "two": [{"variable": "c"}]},
            robustness=["critic"],
        )


def test_settings_round_trip_through_the_configuration():
    settings = spec(method="game_theory", combine=["entropy", "scatter_degree"], robustness=["equal"])
    assert indices.IndexSettings.model_validate(settings.to_config()) == settings
    default = spec(robustness=["game_theory"])
    assert "combine" not in default.to_config()
    assert default.combined == ("entropy", "critic")


def test_the_robustness_table():
    data = panel()
    settings = spec(robustness=["critic", "game_theory"])
    result = indices.build(data, settings)
    table = descriptive.index_robustness("idx", settings, result.values, result.weights, Labels("en"))
    assert [c.text for c in table.columns] == ["Indicator", "Entropy", "CRITIC", "Game theory"]
    first = table.blocks[0]
    assert first.rows[0].label.text == "a"
    expected = [100 * result.weights.loc[0, c] for c in ("weight", "weight_critic", "weight_game_theory")]
    assert [float(c.text) for c in first.rows[0].cells] == pytest.approx(expected, abs=0.005)
    statistics = {row.label.text: [float(c.text) for c in row.cells] for row in table.blocks[-1].rows}
    values = result.values
    assert statistics["Pearson r"][0] == 1.0
    assert statistics["Pearson r"][1] == pytest.approx(
        np.corrcoef(values["index"], values["critic"])[0, 1], abs=5e-5
    )
    ranks = values[["index", "critic"]].rank()
    assert statistics["Spearman rank correlation"][1] == pytest.approx(
        np.corrcoef(ranks["index"], ranks["critic"])[0, 1], abs=5e-5
    )
    lowest = min(
        np.corrcoef(part["index"].rank(), part["critic"].rank())[0, 1] for _, part in values.groupby("year")
    )
    assert statistics["Spearman, lowest year"][1] == pytest.approx(lowest, abs=5e-5)
    zh = descriptive.index_robustness("idx", settings, result.values, result.weights, Labels("zh"))
    assert zh.title.text == "idx替换赋权方法的稳健性检验"


def test_the_indicator_table_of_game_theory_weights_shows_what_was_combined():
    data = panel()
    settings = spec(method="game_theory")
    result = indices.build(data, settings)
    table = descriptive.indicator_system("idx", result.weights, Labels("en"), spec=settings)
    assert [c.text for c in table.columns] == [
        "Indicator", "Direction", "Entropy (%)", "CRITIC (%)", "Combined weight (%)",
    ]  # fmt: skip
    assert table.title.text == "Indicator system and weights: idx"
    entropy = descriptive.indicator_system(
        "idx", indices.build(data, spec()).weights, Labels("en"), spec=spec()
    )
    assert entropy.title.text == "Indicator system and entropy weights: idx"
