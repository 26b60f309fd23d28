"""The obstacle degrees the index stage writes and the table made of them: the index's own normalised values
and weights, and the means and ranks of a hand-checked case."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from nqpf import indices
from nqpf.tables import descriptive
from nqpf.tables.labels import Labels


def panel(seed=8):
    rng = np.random.default_rng(seed)
    rows = [
        {"code": f"{c:06d}", "name": f"u{c}", "year": year, "a": rng.uniform(1, 5), "b": rng.uniform(0, 9),
         "c": rng.uniform(2, 3), "d": rng.uniform(0, 1)}
        for year in (2020, 2021, 2022)
        for c in range(12)
    ]  # fmt: skip
    return pd.DataFrame(rows)


SPEC = indices.IndexSettings(
    name="idx",
    dimensions={"one": [{"variable": "a"}, {"variable": "b", "direction": "-"}], "two": [{"variable": "c"}, {"variable": "d"}]},
)  # fmt: skip


def test_the_obstacles_use_the_index_own_normalisation_and_weights():
    data = panel()
    result = indices.build(data, SPEC)
    z = result.normalised.set_index(["code", "year"])
    # the index is the weighted sum of its normalised indicators: the x' of the obstacle model
    weights = result.weights.set_index("indicator")["weight"]
    index = result.values.set_index(["code", "year"])["index"]
    np.testing.assert_allclose((z[list(weights.index)] * weights).sum(axis=1), index.loc[z.index], rtol=1e-12)
    table = indices.obstacle_table(indices.index_obstacles(data, SPEC, result), SPEC)
    assert list(table.columns) == ["code", "year", "a", "b", "c", "d", "idx_one", "idx_two"]
    np.testing.assert_allclose(table[["a", "b", "c", "d"]].sum(axis=1), 100.0, rtol=1e-12)
    np.testing.assert_allclose(table["idx_one"], table["a"] + table["b"], rtol=1e-12)
    # O_ij = 100 w_j (1 - z_ij) / (1 - index_i)
    first = table.iloc[0]
    key = (first["code"], first["year"])
    expected = 100 * weights["b"] * (1 - z.loc[key, "b"]) / (1 - index.loc[key])
    assert first["b"] == pytest.approx(expected, rel=1e-12)


def test_the_obstacle_table_by_year():
    data = panel()
    table = indices.obstacle_table(indices.index_obstacles(data, SPEC), SPEC)
    printed = descriptive.obstacles("idx", SPEC, table, Labels("en", {"a": {"en": "Alpha"}}))
    assert [row.label.text for row in printed.blocks[0].rows] == ["2020", "2021", "2022"]
    last = table[table["year"] == 2022]
    means = last[["a", "b", "c", "d"]].mean()
    cells = [c.text for c in printed.blocks[0].rows[-1].cells]
    assert cells[0] == f"{last['idx_one'].mean():.2f}" and cells[1] == f"{last['idx_two'].mean():.2f}"
    ranked = means.sort_values(ascending=False, kind="stable")
    name = {"a": "Alpha"}.get(ranked.index[0], ranked.index[0])
    assert cells[2] == f"{name} ({ranked.iloc[0]:.2f})"
    assert len(cells) == 2 + 4  # four indicators: all of them ranked
    assert printed.groups[0][1] == 2 and printed.groups[1][1] == 4


def test_the_obstacle_table_by_region_in_the_last_year():
    data = panel()
    table = indices.obstacle_table(indices.index_obstacles(data, SPEC), SPEC)
    regions = ["East"] * 5 + ["West"] * 4 + ["Central"] * 2 + [None]  # the last unit has no region
    units = pd.DataFrame({"code": [f"{c:06d}" for c in range(12)], "region": regions})
    printed = descriptive.obstacles("idx", SPEC, table, Labels("zh"), units=units)
    block = printed.blocks[1]
    assert block.title.text == "分区域（2022年）"
    assert [row.label.text for row in block.rows] == ["东部", "中部", "西部"]  # the NBS order
    last = table[table["year"] == 2022].merge(units, on="code")
    west = last[last["region"] == "West"]
    cells = [c.text for c in block.rows[2].cells]
    assert cells[:2] == [f"{west['idx_one'].mean():.2f}", f"{west['idx_two'].mean():.2f}"]
    top = west[["a", "b", "c", "d"]].mean().sort_values(ascending=False, kind="stable")
    assert cells[2] == f"{top.index[0]} ({top.iloc[0]:.2f})"
    assert len(descriptive.obstacles("idx", SPEC, table, Labels("en")).blocks) == 1
