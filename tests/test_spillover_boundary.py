"""The spillover boundary (nqpf.models.boundary): each distance's model is the spatial model on the W built by hand
here from the same distances, and on a process whose spillover reaches 200 km the sweep finds it near and loses it
far; distances where a unit has no neighbour are reported, not estimated."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from nqpf import InputError
from nqpf.models.boundary import distance_weights, spillover_boundary, sweep
from nqpf.models.spatial_panel import SpatialPanelModel
from nqpf.weights.core import SpatialWeights

SIDE, SPACING, YEARS = 10, 100.0, 8
XY = np.array([(r * SPACING, c * SPACING) for r in range(SIDE) for c in range(SIDE)])
N = len(XY)
IDS = [f"U{i:03d}" for i in range(N)]
DISTANCES = pd.DataFrame(np.sqrt(((XY[:, None] - XY[None]) ** 2).sum(axis=2)), index=IDS, columns=IDS)


def process(seed, reach=250.0, rho=0.4, beta=1.0, theta=0.8):
    """y_t = (I - rho W)^-1 (beta x_t + theta W x_t + mu + e_t), W inverse distance within ``reach`` km."""
    d = DISTANCES.to_numpy()
    raw = np.where((d > 0) & (d <= reach), 1 / np.where(d > 0, d, 1), 0.0)
    w = raw / raw.sum(axis=1, keepdims=True)
    rng = np.random.default_rng(seed)
    mu = rng.normal(0, 0.5, N)
    spread = np.linalg.inv(np.eye(N) - rho * w)
    rows = []
    for t in range(YEARS):
        x = rng.normal(0, 1, N)
        z = rng.normal(0, 1, N)
        y = spread @ (beta * x + theta * w @ x + 0.3 * z + mu + 0.1 * t + rng.normal(0, 0.5, N))
        rows += [(IDS[i], 2011 + t, y[i], x[i], z[i]) for i in range(N)]
    return pd.DataFrame(rows, columns=["code", "year", "y", "x", "z"])


def test_each_distance_is_the_model_on_its_own_w():
    data = process(1)
    table = spillover_boundary(
        data, "y", ["x", "z"], DISTANCES, start=100, stop=200, step=100, power=2, mode="band", draws=200
    )
    d = DISTANCES.to_numpy()
    for distance in (100.0, 200.0):
        raw = np.where((d >= distance) & (d < distance + 100), np.where(d > 0, d, 1) ** -2.0, 0.0)
        result = SpatialPanelModel(data, "y", ["x", "z"], SpatialWeights.from_matrix(raw, ids=IDS)).fit()
        expected = result.impacts(draws=200, seed=0).table.set_index(["variable", "effect"])
        got = table[table["distance_km"] == distance].set_index(["variable", "effect"])
        np.testing.assert_allclose(got["estimate"], expected.loc[got.index, "estimate"], rtol=1e-12)
        np.testing.assert_allclose(got["std_error"], expected.loc[got.index, "std_error"], rtol=1e-12)
        assert got["rho"].iloc[0] == pytest.approx(result.spatial, rel=1e-12)
    # beyond: every pair at least d apart
    beyond = distance_weights(d, 300.0, "beyond", 1.0, None)
    np.testing.assert_array_equal(beyond > 0, (d >= 300.0) & ~np.eye(N, dtype=bool))
    np.testing.assert_allclose(beyond[beyond > 0], 1 / d[beyond > 0], rtol=1e-15)


def test_the_sweep_finds_a_spillover_near_and_loses_it_far():
    """Five panels of a process whose W reaches 250 km, rings of 100 km: the indirect effect of x is significant in
    the first ring in every panel, and its mean in the rings from 500 km less than a fifth of the first ring's."""
    near, far, significant = [], [], 0
    for rep in range(5):
        table = spillover_boundary(process(10 + rep), "y", ["x", "z"], DISTANCES, variables=["x"], start=100,
                                   stop=600, step=100, mode="band", draws=100)  # fmt: skip
        indirect = table[table["effect"] == "indirect"].set_index("distance_km")
        significant += indirect.loc[100.0, "p"] < 0.01
        near.append(indirect.loc[100.0, "estimate"])
        far.append(indirect.loc[[500.0, 600.0], "estimate"].abs().mean())
    assert significant == 5
    assert np.mean(far) < 0.2 * np.mean(near)


def test_distances_without_neighbours_are_reported_not_estimated():
    data = process(2)
    table = spillover_boundary(
        data, "y", ["x"], DISTANCES, start=100, stop=200, step=100, mode="band", draws=100
    )
    # rings of 100-200 and 200-300 km: every unit of the lattice has a neighbour in each
    assert table["estimate"].notna().all() and (table["upper_km"] == table["distance_km"] + 100).all()
    farthest = DISTANCES.to_numpy().max(axis=1)
    start = float(np.sort(farthest)[-5])  # the four corners reach farther than this, the other units not
    table = spillover_boundary(data, "y", ["x"], DISTANCES, start=start + 1, stop=start + 1, mode="beyond")
    assert table["estimate"].isna().all()
    lonely = int((farthest < start + 1).sum())
    assert (
        table["note"].iloc[0].startswith(f"not estimated: {lonely} of {N} units have no other unit at least")
    )
    # a unit alone in its ring keeps an empty row of W, named in the note
    start = float(np.sort(farthest)[N // 4])
    table = spillover_boundary(data, "y", ["x"], DISTANCES, start=start, stop=start, mode="beyond", draws=100)
    assert table["estimate"].isna().all() and "Lee-Yu transformation" in table["note"].iloc[0]
    table = spillover_boundary(
        data, "y", ["x"], DISTANCES, start=start, stop=start, mode="beyond", method="direct", draws=100
    )
    lonely = int((farthest < start).sum())
    assert (
        table["estimate"].notna().all()
        and f"{lonely} units have no other unit at least" in table["note"].iloc[0]
    )
    with pytest.raises(InputError, match="not among the explanatory variables"):
        spillover_boundary(data, "y", ["x"], DISTANCES, variables=["z"])
    with pytest.raises(InputError, match="is empty"):
        sweep(100, 50, 50)
    assert sweep(50, 1000, 50)[-1] == 1000.0 and len(sweep(50, 1000, 50)) == 20
