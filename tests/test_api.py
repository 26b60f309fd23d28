"""The public Python API: ``import nqpf`` and the README's example; weights from files, matrices, libpysal and a
user's polygons; the spatial panel model against R spatialreg on Columbus and on the unit-effects panel, and
against the workflow's own model code; ESDA of one cross-section against spdep; ``compare``."""

from __future__ import annotations

import ast
import json
import re

import geopandas as gpd
import libpysal
import numpy as np
import pandas as pd
import pytest
import yaml

import nqpf
from nqpf.errors import InputError
from nqpf.esda import by_year, global_statistics, local_statistics
from nqpf.esda.settings import EsdaSettings
from nqpf.models import specifications
from nqpf.models.settings import ModelsSettings
from nqpf.weights import files
from tests.conftest import REPO
from tests.fixtures import make_spatialreg, make_spdep_esda

FIXTURE = json.loads((make_spatialreg.HERE / "spatialreg_models.json").read_text())
R_COLUMBUS, R_PANEL = FIXTURE["columbus"], FIXTURE["panel_unit"]
SPDEP = json.loads((make_spdep_esda.HERE / "spdep_esda.json").read_text())


@pytest.fixture(scope="module")
def columbus():
    w, data = make_spatialreg.columbus()
    return w, data


@pytest.fixture(scope="module")
def stacked_frame(columbus):
    """The fixture's seeded panel on the Columbus W (N = 49, T = 6) as a long DataFrame."""
    w, _ = columbus
    data = FIXTURE["panel_data"]
    t, n = data["T"], w.n
    return pd.DataFrame(
        {
            "code": np.tile(w.ids, t),
            "year": np.repeat(np.arange(2001, 2001 + t), n),
            "y": np.array(data["y"]).reshape(-1),
            "x1": np.array(data["x1"]).reshape(-1),
            "x2": np.array(data["x2"]).reshape(-1),
        }
    )


# --- the front door ------------------------------------------------------------------------------------------


def test_import_nqpf_exposes_the_api():
    for name in ("SpatialWeights", "SpatialPanelModel", "compare", "esda", "InputError", "__version__"):
        assert name in dir(nqpf)
        assert getattr(nqpf, name) is not None
    assert callable(nqpf.esda.moran) and callable(nqpf.esda.local_moran)
    with pytest.raises(AttributeError):
        nqpf.no_such_thing  # noqa: B018


def readme_example() -> str:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## Use from Python") :]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


def test_the_readme_example_runs_in_five_statements(tmp_path, monkeypatch, columbus, stacked_frame, capsys):
    code = readme_example()
    assert len(ast.parse(code).body) <= 5
    w, _ = columbus
    files.write_gal(list(w.ids), w.raw, tmp_path / "w.gal")
    stacked_frame.to_csv(tmp_path / "panel.csv", index=False)
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    exec(compile(code, "README.md", "exec"), namespace)
    printed = capsys.readouterr().out
    assert "SDM (spatial Durbin)" in printed and "rho" in printed and "indirect" in printed
    res = namespace["res"]
    # the same numbers as the workflow's model code on the same data and W
    settings = ModelsSettings(dependent="y", explanatory=["x1", "x2"], random_effects=False)
    reference = specifications.analyse(
        "sdm", stacked_frame, list(range(2001, 2007)), w, pd.DataFrame({"code": w.ids}), settings
    )
    main = reference.estimates[reference.estimates["spec"] == "main"]
    np.testing.assert_array_equal(res.params.to_numpy(), main["estimate"].to_numpy())
    np.testing.assert_array_equal(res.std_errors.to_numpy(), main["std_error"].to_numpy())


# --- weights ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "writer,suffix", [("write_gal", "gal"), ("write_gwt", "gwt"), ("write_stata", "txt")]
)
def test_weights_from_a_file_equal_the_weights_written(tmp_path, columbus, writer, suffix):
    w, _ = columbus
    matrix = w.raw if suffix != "txt" else w.matrix
    getattr(files, writer)(list(w.ids), matrix, tmp_path / f"w.{suffix}")
    read = nqpf.SpatialWeights.from_file(tmp_path / f"w.{suffix}")
    order = [read.ids.index(unit) for unit in w.ids]
    np.testing.assert_allclose(read.matrix.toarray()[np.ix_(order, order)], w.matrix.toarray(), rtol=1e-15)
    assert read.name == "w" and read.standardisation == "row"


def test_weights_from_a_matrix_and_libpysal_round_trip(columbus):
    w, _ = columbus
    from_matrix = nqpf.SpatialWeights.from_matrix(w.raw.toarray(), w.ids)
    np.testing.assert_array_equal(from_matrix.matrix.toarray(), w.matrix.toarray())
    pysal = w.to_libpysal()
    back = nqpf.SpatialWeights.from_libpysal(pysal)
    assert back.ids == w.ids and back.standardisation == "row"
    np.testing.assert_allclose(back.matrix.toarray(), w.matrix.toarray(), rtol=1e-15)
    np.testing.assert_allclose(back.rho_bounds(), w.rho_bounds(), rtol=1e-12)


def test_a_bad_matrix_is_refused_with_the_cell(columbus):
    w, _ = columbus
    dense = w.raw.toarray()
    dense[3, 3] = 1.0
    with pytest.raises(InputError, match="to themselves") as err:
        nqpf.SpatialWeights.from_matrix(dense, w.ids)
    assert err.value.unit == w.ids[3]
    with pytest.raises(InputError, match="negative"):
        nqpf.SpatialWeights.from_matrix(-w.raw.toarray(), w.ids)
    with pytest.raises(InputError, match="ids"):
        nqpf.SpatialWeights.from_matrix(w.raw, w.ids[:-1])


def test_weights_from_a_users_geodataframe_with_its_own_columns(columbus):
    w, _ = columbus
    gdf = gpd.read_file(libpysal.examples.get_path("columbus.shp")).set_crs("EPSG:4326", allow_override=True)
    built = nqpf.SpatialWeights.from_geodataframe(gdf, "contiguity", id_column="POLYID", name="queen")
    order = [built.ids.index(unit) for unit in w.ids]
    np.testing.assert_array_equal(built.matrix.toarray()[np.ix_(order, order)], w.matrix.toarray())
    knn = nqpf.SpatialWeights.from_geodataframe(gdf, "knn", id_column="POLYID", k=4, standardise="none")
    assert set(knn.cardinalities()) == {4}
    with pytest.raises(InputError, match="no column 'code'") as err:
        nqpf.SpatialWeights.from_geodataframe(gdf, "contiguity")
    assert err.value.column == "code" and "POLYID" in err.value.fix


# --- the spatial panel model ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("model", ["sar", "sdm", "sem", "sdem"])
def test_the_model_reproduces_spatialreg_on_columbus(columbus, model):
    w, data = columbus
    res = nqpf.SpatialPanelModel(
        data, "CRIME", ["INC", "HOVAL"], w, model=model, fixed_effects="none", time=None
    ).fit()
    r = R_COLUMBUS[model]
    name = "rho" if model in ("sar", "sdm") else "lambda"
    np.testing.assert_allclose(res.params.drop(name).to_numpy(), r["coef"], rtol=1e-6)
    np.testing.assert_allclose(res.std_errors.drop(name).to_numpy(), r["se"], rtol=1e-6)
    assert res.params[name] == pytest.approx(r[name], rel=1e-6)
    assert res.std_errors[name] == pytest.approx(r[f"{name}_se"], rel=1e-6)
    assert res.loglik == pytest.approx(r["loglik"], rel=1e-9) and res.sigma2 == pytest.approx(
        r["s2"], rel=1e-6
    )
    assert list(res.params.index[:3]) == ["const", "INC", "HOVAL"]
    interval = res.conf_int(0.95)
    assert (interval["lower"] < res.params).all() and (res.params < interval["upper"]).all()
    if model in ("sar", "sdm"):
        impacts = res.impacts(draws=200, seed=0)
        for kind in ("direct", "indirect", "total"):
            np.testing.assert_allclose(impacts.estimates[kind], r["impacts"][kind], rtol=1e-6)


def test_ols_and_slx_reproduce_spatialreg_with_t_statistics(columbus):
    w, data = columbus
    for model in ("ols", "slx"):
        res = nqpf.SpatialPanelModel(
            data, "CRIME", ["INC", "HOVAL"], w, model=model, fixed_effects="none", time=None
        ).fit()
        np.testing.assert_allclose(res.params.to_numpy(), R_COLUMBUS[model]["coef"], rtol=1e-10)
        np.testing.assert_allclose(res.std_errors.to_numpy(), R_COLUMBUS[model]["se"], rtol=1e-10)
        assert "t" in res.summary.rows.columns and "P>|t|" in res.summary.rows.columns


@pytest.mark.parametrize("model", ["sar", "sdm", "sem", "sdem"])
def test_the_model_reproduces_spatialreg_with_unit_effects(columbus, stacked_frame, model):
    w, _ = columbus
    res = nqpf.SpatialPanelModel(
        stacked_frame, "y", ["x1", "x2"], w, model=model, fixed_effects="unit", method="direct"
    ).fit()
    r = R_PANEL[model]
    name = "rho" if model in ("sar", "sdm") else "lambda"
    assert res.params[name] == pytest.approx(r[name], abs=1e-7)  # the likelihood is flat to 1e-13 there
    np.testing.assert_allclose(res.std_errors.drop(name).to_numpy(), r["se"], rtol=1e-6)
    assert res.loglik == pytest.approx(r["loglik"], rel=1e-10)


def test_the_summary_and_its_html(columbus, stacked_frame):
    w, _ = columbus
    res = nqpf.SpatialPanelModel(stacked_frame, "y", ["x1", "x2"], w, model="sdm").fit()
    text = str(res.summary)
    assert "SDM (spatial Durbin)" in text and "Lee-Yu" in text and "two-way" in text and "W.x1" in text
    assert "<table>" in res.summary._repr_html_()
    assert "49 x 6" in text


def test_a_model_stops_on_bad_input_with_the_column(columbus, stacked_frame):
    w, _ = columbus
    with pytest.raises(InputError, match="opness"):
        nqpf.SpatialPanelModel(stacked_frame, "y", ["x1", "opness"], w)
    with pytest.raises(InputError, match="no column 'unit'") as err:
        nqpf.SpatialPanelModel(stacked_frame, "y", ["x1"], w, entity="unit")
    assert err.value.column == "unit"
    with pytest.raises(InputError, match="cross-section"):
        nqpf.SpatialPanelModel(
            stacked_frame[stacked_frame.year == 2001], "y", ["x1"], w, fixed_effects="two-way", time=None
        )
    with pytest.raises(InputError, match="model is 'sdn'"):
        nqpf.SpatialPanelModel(stacked_frame, "y", ["x1"], w, model="sdn")


def test_units_outside_w_are_left_out_with_a_note(columbus, stacked_frame):
    w, _ = columbus
    extra = stacked_frame[stacked_frame.code == w.ids[0]].assign(code="999")
    res = nqpf.SpatialPanelModel(pd.concat([stacked_frame, extra]), "y", ["x1", "x2"], w, model="sar").fit()
    assert any("999" in note for note in res.notes)


def test_a_libpysal_w_goes_in(columbus):
    w, data = columbus
    res = nqpf.SpatialPanelModel(
        data, "CRIME", ["INC", "HOVAL"], w.to_libpysal(), model="sar", time=None
    ).fit()  # a cross-section: no fixed effects by default
    assert res.params["rho"] == pytest.approx(R_COLUMBUS["sar"]["rho"], rel=1e-6)


def test_compare_lines_fits_up_as_one_table(columbus, stacked_frame):
    w, _ = columbus
    model = nqpf.SpatialPanelModel(stacked_frame, "y", ["x1", "x2"], w, model="sdm")
    sdm, sar = model.fit(), model.respecify(model="sar").fit()
    table = nqpf.compare({"SDM": sdm.impacts(draws=200, seed=1), "SAR": sar})
    assert list(table.params.columns) == ["SDM", "SAR"]
    assert table.params.loc["rho", "SDM"] == sdm.params["rho"] and np.isnan(table.params.loc["W.x1", "SAR"])
    text = str(table)
    assert "(1) SDM" in text and "(2) SAR" in text and "Direct effects" in text and "ρ" in text
    assert "<table" in table._repr_html_() and "\\toprule" in table.to_latex()
    chinese = nqpf.compare({"SDM": sdm, "SAR": sar}, language="zh", labels={"x1": {"zh": "新基建"}})
    assert "新基建" in str(chinese)


# --- ESDA of one cross-section ----------------------------------------------------------------------------------


def test_moran_and_geary_equal_the_workflow_kernels_and_spdep(columbus):
    w, data = columbus
    x = data["CRIME"].to_numpy()
    moran = nqpf.esda.moran(x, w, permutations=0)
    kernel = global_statistics.moran(x, w.matrix)
    assert moran.value == kernel["value"] and moran.variance_rand == kernel["variance_rand"]
    assert np.isnan(moran.p_sim) and moran.permutations == 0
    simulated = nqpf.esda.moran(pd.Series(x[::-1], index=list(w.ids)[::-1]), w, permutations=999, seed=1)
    assert simulated.value == pytest.approx(moran.value, rel=1e-12) and 0 < simulated.p_sim < 0.01
    assert nqpf.esda.geary(x, w, 0).value == pytest.approx(
        global_statistics.geary(x, w.matrix)["value"], rel=1e-14
    )


def test_the_cross_section_functions_agree_with_spdep():
    units, values = make_spdep_esda.lattice_case()
    w = nqpf.SpatialWeights.from_geodataframe(units, "contiguity", name="lattice")
    x = pd.Series(values, index=list(units["code"]))  # aligned to W's ids by the index
    expected = SPDEP["lattice"]
    moran, geary, g = nqpf.esda.moran(x, w, 99), nqpf.esda.geary(x, w, 99), nqpf.esda.getis_ord(x, w, 99)
    assert moran.value == pytest.approx(expected["moran"]["I"], rel=1e-10)
    assert moran.z_rand == pytest.approx(expected["moran"]["z_rand"], rel=1e-10)
    assert geary.value == pytest.approx(expected["geary"]["C"], rel=1e-10)
    assert g.value == pytest.approx(expected["general_g"]["G"], rel=1e-10)
    local = nqpf.esda.local_moran(x, w, 0)
    np.testing.assert_allclose(local.values.to_numpy(), expected["localmoran"]["Ii"], rtol=1e-10)
    gi = nqpf.esda.gi_star(x, w, 0)
    np.testing.assert_allclose(gi.table["z"].to_numpy(), np.array(expected["localG"]["z"], float), rtol=1e-9)


def test_local_moran_uses_the_workflows_conditional_permutations(columbus):
    w, data = columbus
    x = data["CRIME"].to_numpy()
    result = nqpf.esda.local_moran(x, w, permutations=499, seed=np.random.default_rng(5))
    from nqpf.esda import permutation

    draws = permutation.draws_for(w.matrix, 499, np.random.default_rng(5))
    kernel = local_statistics.local_moran(x, w.matrix, draws)
    np.testing.assert_array_equal(result.values.to_numpy(), kernel["value"].to_numpy())
    np.testing.assert_array_equal(result.p_sim.to_numpy(), kernel["p_sim"].to_numpy())
    assert set(result.quadrant) <= {"HH", "LH", "LL", "HL"}
    # the year-by-year analysis of the workflow gives the same analytic statistics
    frame = pd.DataFrame({"code": list(w.ids), "year": 2000, "v": x})
    _, local, _ = by_year.analyse(frame, "v", w, [2000], EsdaSettings(permutations=0), {})
    lisa = local[local["statistic"] == "lisa"]
    np.testing.assert_array_equal(lisa["value"].to_numpy(), result.values.to_numpy())


@pytest.mark.slow
def test_the_api_reproduces_the_workflows_model_files(demo_province_run):
    """From the files a run of demo_province wrote (its panel, its indices and the queen W as GAL), the API gives
    the numbers of the SDM in models/queen: estimates, and effects with the workflow's seed for them."""
    from nqpf.seeds import rng_for
    from nqpf.study import frames

    base = demo_province_run / "results" / "demo_province"
    study = yaml.safe_load((REPO / "config/studies/demo_province.yaml").read_text(encoding="utf-8"))[
        "studies"
    ][0]
    models = study["models"]
    indices = [base / "indices" / f"{spec['name']}.csv" for spec in study["indices"]]
    frame = frames.study_frame(base / "data/panel.csv", indices)
    w = nqpf.SpatialWeights.from_file(base / "weights/queen.gal", name="queen")
    res = nqpf.SpatialPanelModel(frame, models["dependent"], models["explanatory"], w, model="sdm").fit()
    written = pd.read_csv(base / "models/queen/estimates.csv")
    main = written[(written["model"] == "sdm") & (written["spec"] == "main")]
    assert list(main["term"]) == list(res.params.index)
    np.testing.assert_array_equal(res.params.to_numpy(), main["estimate"].to_numpy())
    np.testing.assert_array_equal(res.std_errors.to_numpy(), main["std_error"].to_numpy())
    seed = models["effects"]["seed"]
    impacts = res.impacts(draws=models["effects"]["draws"], seed=rng_for(seed, "sdm", "queen", "main"))
    effects = pd.read_csv(base / "models/queen/effects.csv")
    effects = effects[(effects["model"] == "sdm") & (effects["spec"] == "main")].reset_index(drop=True)
    for column in ("estimate", "std_error", "ci_low", "ci_high"):
        np.testing.assert_array_equal(impacts.table[column].to_numpy(), effects[column].to_numpy())
