"""The dynamics stage's tables (nqpf.dynamics.analyse) against giddy on the same long panel, its handling of
gaps and settings, the publication tables and the figures drawn from them."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import yaml

import nqpf
from nqpf.dynamics import DynamicsSettings, analyse
from nqpf.errors import InputError
from nqpf.study import table_plan
from nqpf.study.settings import StudySettings
from nqpf.tables import dynamics as dynamics_tables
from nqpf.tables.labels import Labels
from tests.conftest import REPO

giddy_markov = pytest.importorskip("giddy.markov")
libpysal = pytest.importorskip("libpysal")

ROWS, COLUMNS, YEARS = 6, 8, 12
FIRST = 2010


def lattice_study(seed=3):
    """A long panel (code, name, year, x) on a rook lattice whose units drift towards their neighbours, with the
    libpysal W (row-standardised) and nqpf's SpatialWeights of the same units."""
    w = libpysal.weights.lat2W(ROWS, COLUMNS, rook=True)
    dense, _ = w.full()
    w.transform = "r"
    n = ROWS * COLUMNS
    rng = np.random.default_rng(seed)
    y = np.empty((n, YEARS))
    y[:, 0] = rng.lognormal(0.0, 0.5, n)
    standardised = dense / dense.sum(axis=1, keepdims=True)
    for t in range(1, YEARS):
        y[:, t] = 0.6 * y[:, t - 1] + 0.4 * standardised @ y[:, t - 1] + rng.normal(0.05, 0.15, n)
    codes = [f"U{i:03d}" for i in range(n)]
    frame = pd.DataFrame(
        {
            "code": np.tile(codes, YEARS),
            "name": np.tile([f"unit {i}" for i in range(n)], YEARS),
            "year": np.repeat(np.arange(FIRST, FIRST + YEARS), n),
            "x": y.T.ravel(),
        }
    ).sample(frac=1.0, random_state=1)  # the stage must not rely on the frame's order
    ours = nqpf.SpatialWeights.from_matrix(dense, ids=codes, name="rook")
    return frame, y, w, ours


def chain(table, **where):
    part = table
    for key, value in where.items():
        part = part[part[key] == value]
    return part


def matrix(rows, k, value="probability"):
    out = np.zeros((k, k))
    out[rows["from_class"] - 1, rows["to_class"] - 1] = rows[value]
    return out


@pytest.mark.parametrize("scheme", ["pooled", "yearly"])
def test_the_stage_tables_match_giddy(scheme):
    frame, y, w, ours = lattice_study()
    tables = analyse(frame, DynamicsSettings(variables=["x"], classes=4, scheme=scheme), [ours])
    reference = giddy_markov.Spatial_Markov(y, w, k=4, m=4, fixed=scheme == "pooled")
    traditional = chain(tables["transitions"], chain="traditional")
    np.testing.assert_array_equal(matrix(traditional, 4, "count"), reference.T.sum(axis=0))
    np.testing.assert_allclose(matrix(traditional, 4), reference.p, atol=1e-12)
    for lag in range(1, 5):
        rows = chain(tables["transitions"], chain="spatial", weights="rook", lag_class=lag)
        np.testing.assert_array_equal(matrix(rows, 4, "count"), reference.T[lag - 1])
        np.testing.assert_allclose(matrix(rows, 4), reference.P[lag - 1], atol=1e-12)
        steady = chain(tables["steady_state"], chain="spatial", lag_class=lag)["steady_state"]
        # a chain with a transient class (no unit with neighbours this high stays low) has a steady state too
        np.testing.assert_allclose(
            steady, np.ravel(np.asarray(reference.S[lag - 1], dtype=float)), atol=1e-10
        )
        passage = chain(tables["first_passage"], chain="spatial", lag_class=lag)
        np.testing.assert_allclose(matrix(passage, 4, "years"), reference.F[lag - 1], rtol=1e-10)
    test = tables["homogeneity"].iloc[0]
    assert test["q"] == pytest.approx(reference.Q, rel=1e-10)
    assert test["lr"] == pytest.approx(reference.LR, rel=1e-10)
    assert test["dof"] == reference.dof_hom
    assert test["p_lr"] == pytest.approx(reference.LR_p_value, rel=1e-8)
    assert test["transitions"] == y.shape[0] * (YEARS - 1) and test["no_lag"] == 0
    # the classes' cut-offs: the quantiles of all years, or of each year
    classes = tables["classes"]
    first = classes[classes["year"] == FIRST]
    expected = np.quantile(y if scheme == "pooled" else y[:, 0], [0.25, 0.5, 0.75])
    np.testing.assert_allclose(first["upper"].to_numpy()[:3], expected, rtol=1e-12)
    assert np.isnan(first["lower"].iloc[0]) and np.isnan(first["upper"].iloc[-1])
    assert (classes.groupby("year")["n_units"].sum() == y.shape[0]).all()


def test_lisa_markov_matches_giddy():
    frame, y, w, ours = lattice_study(seed=5)
    tables = analyse(frame, DynamicsSettings(variables=["x"]), [ours])
    reference = giddy_markov.LISA_Markov(y, w)
    # giddy numbers the quadrants HH, LH, LL, HL as 1..4, the order of the stage's table
    counts = tables["lisa_transitions"].pivot(index="from_quadrant", columns="to_quadrant", values="count")
    order = ["HH", "LH", "LL", "HL"]
    np.testing.assert_array_equal(counts.loc[order, order].to_numpy(), reference.transitions)
    moves = tables["lisa_moves"].set_index("type")["count"]
    assert moves.sum() == y.shape[0] * (YEARS - 1)
    assert moves["0"] == np.trace(reference.transitions)


def test_gaps_stop_the_stage_or_are_left_out_and_counted():
    frame, y, _, ours = lattice_study()
    gap = frame.index[(frame["code"] == "U007") & (frame["year"] == FIRST + 3)]
    frame.loc[gap, "x"] = np.nan
    with pytest.raises(InputError) as error:
        analyse(frame, DynamicsSettings(variables=["x"]), [ours])
    assert "U007 unit 7 2013" in str(error.value.unit) and error.value.key == "dynamics.missing"
    tables = analyse(frame, DynamicsSettings(variables=["x"], missing="drop_per_year"), [ours])
    assert tables["left_out"][["code", "year"]].values.tolist() == [["U007", FIRST + 3]]
    test = tables["homogeneity"].iloc[0]
    assert test["skipped"] == 2  # the moves into and out of the gap
    # the gap's neighbours have no complete lag that year: their moves from it leave the spatial chain
    assert test["no_lag"] == 2  # U007 is a corner of the lattice: two rook neighbours, U006 and U015
    traditional = chain(tables["transitions"], chain="traditional")["count"].sum()
    assert traditional == y.shape[0] * (YEARS - 1) - 2
    assert test["transitions"] == traditional - 2


def test_tied_quantiles_and_unknown_units_name_the_variable():
    frame, _, _, ours = lattice_study()
    frame["flat"] = np.where(frame["code"] < "U040", 1.0, frame["x"])
    with pytest.raises(InputError, match="classes of flat"):
        analyse(frame, DynamicsSettings(variables=["flat"]), [ours])
    with pytest.raises(InputError, match="not in the study's panel"):
        analyse(frame[frame["code"] != "U001"], DynamicsSettings(variables=["x"]), [ours])


def test_cut_offs_are_checked_and_used():
    with pytest.raises(ValueError, match="need 3"):
        DynamicsSettings(variables=["x"], scheme="cutoffs", cutoffs={"x": [1.0, 2.0]})
    with pytest.raises(ValueError, match="gives none for x"):
        DynamicsSettings(variables=["x"], scheme="cutoffs")
    with pytest.raises(ValueError, match="must increase"):
        DynamicsSettings(variables=["x"], scheme="cutoffs", cutoffs={"x": [1.0, 0.5, 2.0]})
    frame, y, _, ours = lattice_study()
    settings = DynamicsSettings(variables=["x"], scheme="cutoffs", cutoffs={"x": [0.6, 1.0, 1.4]})
    classes = analyse(frame, settings, [ours])["classes"]
    assert (classes["upper"].dropna().unique() == [0.6, 1.0, 1.4]).all()
    last = classes[classes["year"] == FIRST + YEARS - 1]["n_units"].to_numpy()
    expected = np.bincount(np.searchsorted([0.6, 1.0, 1.4], y[:, -1], side="left"), minlength=4)
    np.testing.assert_array_equal(last, expected)


def test_the_markov_table_prints_every_chain():
    frame, _, _, ours = lattice_study()
    tables = analyse(frame, DynamicsSettings(variables=["x"]), [ours])
    labels = Labels("en", {"rook": {"en": "Rook"}})
    table = dynamics_tables.markov("x", tables["transitions"], tables["homogeneity"], "pooled", labels)
    assert len(table.blocks) == 1 + 4
    assert [row.label.text for row in table.blocks[0].rows] == ["Low", "Lower-middle", "Upper-middle", "High"]
    traditional = chain(tables["transitions"], chain="traditional", from_class=2)
    assert [c.text for c in table.blocks[0].rows[1].cells] == [
        str(traditional["count"].sum()),
        *(f"{p:.4f}" for p in traditional["probability"]),
    ]
    assert table.blocks[4].title.text == "Spatial Markov chain (Rook), neighbours high"
    q = tables["homogeneity"]["q"].iloc[0]
    assert any(f"Q = {q:.3f}" in note for note in table.notes)
    chinese = dynamics_tables.markov(
        "x", tables["transitions"], tables["homogeneity"], "pooled", Labels("zh", {"x": {"zh": "指数"}})
    )
    assert chinese.title.text == "指数的传统与空间马尔可夫转移概率矩阵"
    assert chinese.blocks[0].rows[0].label.text == "低水平"
    lisa = dynamics_tables.lisa_markov("x", tables["lisa_transitions"], tables["lisa_moves"], labels)
    assert len(lisa.blocks) == 2 and len(lisa.blocks[1].rows) == 5
    shares = [float(row.cells[1].text) for row in lisa.blocks[1].rows]
    assert sum(shares) == pytest.approx(100.0, abs=0.03)


def test_a_study_with_dynamics_lists_its_tables():
    text = (REPO / "config" / "studies" / "demo_province.yaml").read_text(encoding="utf-8")
    study = StudySettings.model_validate(yaml.safe_load(text)["studies"][0])
    names = table_plan.table_names(study)
    assert names[-2:] == ["markov_nqpf", "lisa_markov_nqpf"] and "centrography_nqpf" in names
    assert study.dynamics_weights == ["queen"]


def test_the_figures_draw_the_tables(tmp_path, monkeypatch):
    from nqpf.disparity.kernel import gaussian_density
    from nqpf.figures import dynamics as dynamics_figures

    drawn = []
    monkeypatch.setattr(dynamics_figures, "save", lambda fig, path: drawn.append(fig))
    frame, _, _, ours = lattice_study()
    tables = analyse(frame, DynamicsSettings(variables=["x"]), [ours])
    dynamics_figures.markov_heatmaps(
        tables["transitions"], tables["homogeneity"], "x", "rook", tmp_path / "m.png"
    )
    panels = [ax for ax in drawn[0].axes if ax.images]
    assert len(panels) == 5
    shown = [float(t.get_text()) for t in panels[1].texts if "=" not in t.get_text()]  # neighbours lowest
    expected = chain(tables["transitions"], chain="spatial", lag_class=1)["probability"].dropna()
    np.testing.assert_allclose(shown, expected, atol=5e-4)
    dynamics_figures.kernel_surface(frame, "x", range(FIRST, FIRST + YEARS), tmp_path / "s.png")
    surface = drawn[1].axes[0]
    top = max(
        gaussian_density(frame.loc[frame["year"] == year, "x"].to_numpy(), np.array([v]))[0]
        for year in range(FIRST, FIRST + YEARS)
        for v in np.linspace(frame["x"].min(), frame["x"].max(), 50)
    )
    assert surface.get_zlim()[1] >= top * 0.99


def test_the_time_homogeneity_row_tests_the_periods_of_the_traditional_chain():
    frame, y, _, ours = lattice_study()
    tables = analyse(frame, DynamicsSettings(variables=["x"], classes=4, periods=[2014, 2018]), [ours])
    timed = tables["homogeneity"][tables["homogeneity"]["test"] == "time"].iloc[0]
    # transitions starting 2010-2013, 2014-2017, 2018-2020: the years each period's transitions join
    assert timed["periods"] == "2010-2014; 2014-2018; 2018-2021" and timed["weights"] == ""
    ids = nqpf.dynamics.classify(y, k=4).ids
    counts = [
        np.sum(
            [np.histogram2d(ids[:, t], ids[:, t + 1], bins=4, range=[[0, 4], [0, 4]])[0] for t in span],
            axis=0,
        )
        for span in (range(0, 4), range(4, 8), range(8, 11))
    ]
    reference = giddy_markov.homogeneity(counts)
    assert timed["q"] == pytest.approx(reference.Q, rel=1e-10)
    assert timed["lr"] == pytest.approx(reference.LR, rel=1e-10)
    assert timed["dof"] == reference.dof and timed["transitions"] == y.shape[0] * (YEARS - 1)
    halves = analyse(frame, DynamicsSettings(variables=["x"], classes=4), [ours])["homogeneity"]
    assert list(halves["test"]) == ["spatial", "time"]
    assert halves["periods"].iloc[1] == "2010-2015; 2015-2021"
    table = dynamics_tables.markov("x", tables["transitions"], tables["homogeneity"], "pooled", Labels("en"))
    assert any(
        note.startswith("Time homogeneity (2010-2014, 2014-2018, 2018-2021): Q = ") for note in table.notes
    )


def test_periods_outside_the_transitions_are_an_error_naming_the_key():
    frame, _, _, ours = lattice_study()
    with pytest.raises(InputError, match="dynamics.periods lists 2010") as caught:
        analyse(frame, DynamicsSettings(variables=["x"], periods=[2010]), [ours])
    assert caught.value.key == "dynamics.periods"
    with pytest.raises(ValueError, match="must increase"):
        DynamicsSettings(variables=["x"], periods=[2016, 2014])
