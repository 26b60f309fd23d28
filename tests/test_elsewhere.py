"""A study of units outside China, on its own polygons with text ids: the workflow runs end to end, projects the
units with a projection centred on them (not China's), leaves China's captions out, and gives the library's
numbers (the weights and the model the notebook API makes from the same files)."""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
import yaml
from shapely.geometry import box

import nqpf
from nqpf.units import crs
from tests.conftest import snakemake

pytestmark = [pytest.mark.workflow, pytest.mark.slow]

STUDY = {
    "name": "iberia",
    "units": {"level": "file", "file": {"path": "data/regions.gpkg", "id_field": "ID", "name_field": "NAME"}},
    "years": {"first": 2015, "last": 2020},
    "statistics": {
        "files": [
            {
                "path": "data/stats.csv",
                "layout": "wide",
                "unit": "region",
                "year": "year",
                "variables": {"output": "output", "invest": "invest", "open": "open"},
            }
        ]
    },
    "weights": [{"name": "queen", "kind": "contiguity", "export": ["csv"]}],
    "esda": {"variables": ["output"], "weights": ["queen"], "permutations": 99, "seed": 1},
    "models": {
        "dependent": "output",
        "explanatory": ["invest", "open"],
        "models": ["sar"],
        "weights": ["queen"],
    },
}


def iberia(root):
    """30 rectangular regions over Iberia (ids R01 ...) and six years of statistics in which output depends on
    investment, openness and the neighbours' output."""
    cells = [
        (
            i,
            j,
            shapely.segmentize(box(-8 + i * 1.8, 37 + j * 1.2, -8 + (i + 1) * 1.8, 37 + (j + 1) * 1.2), 0.05),
        )
        for i in range(6)
        for j in range(5)
    ]
    ids = [f"R{k + 1:02d}" for k in range(len(cells))]
    gdf = gpd.GeoDataFrame(
        {"ID": ids, "NAME": [f"Región {k}" for k in ids]}, geometry=[c for *_, c in cells], crs="EPSG:4326"
    )
    (root / "data").mkdir(parents=True)
    gdf.to_file(root / "data/regions.gpkg", driver="GPKG")
    w = nqpf.SpatialWeights.from_geodataframe(gdf, "contiguity", id_column="ID")
    dense = w.matrix.toarray()
    rng = np.random.default_rng(20261127)
    rows = []
    for year in range(2015, 2021):
        invest, openness = rng.normal(10, 2, len(ids)), rng.normal(5, 1, len(ids))
        effect = rng.normal(0, 1, len(ids))
        y = np.linalg.solve(np.eye(len(ids)) - 0.4 * dense, 1 + 0.5 * invest - 0.3 * openness + effect)
        rows += [
            {"region": unit, "year": year, "output": y[k], "invest": invest[k], "open": openness[k]}
            for k, unit in enumerate(ids)
        ]
    pd.DataFrame(rows).to_csv(root / "data/stats.csv", index=False)
    (root / "study.yaml").write_text(
        yaml.safe_dump({"studies": [STUDY]}, allow_unicode=True), encoding="utf-8"
    )
    return gdf


def test_a_study_outside_china_runs_and_gives_the_librarys_numbers(tmp_path):
    gdf = iberia(tmp_path)
    run = snakemake(tmp_path, "--cores", "2", configfile=tmp_path / "study.yaml")
    assert run.returncode == 0, run.stderr[-4000:]
    results = tmp_path / "results/iberia"

    # the projection is centred on the units; China's would turn the map by tens of degrees
    projection = crs.equal_area(gdf)
    assert projection is not crs.CHINA_ALBERS and projection.to_dict()["lon_0"] == pytest.approx(-2.6)

    # the weights are those of the library, ids as the file gives them
    w = nqpf.SpatialWeights.from_geodataframe(gdf, "contiguity", id_column="ID")
    written = nqpf.SpatialWeights.from_file(results / "weights/queen.gwt")
    assert list(written.ids) == list(w.ids) and (written.matrix != w.matrix).nnz == 0
    summary = json.loads((results / "weights/queen.summary.json").read_text(encoding="utf-8"))
    # 25 east-west, 24 north-south and 40 corner neighbour pairs of a 6 x 5 grid, each pair two links
    assert summary["links"] == 2 * 89

    # the model is the one the API fits on the same panel and W
    panel = pd.read_csv(results / "data/panel.csv", dtype={"code": str})
    fit = nqpf.SpatialPanelModel(
        panel, dependent="output", explanatory=["invest", "open"], w=w, model="sar"
    ).fit()
    estimates = pd.read_csv(results / "models/queen/estimates.csv").query("model == 'sar' and spec == 'main'")
    pipeline = estimates.set_index("term")["estimate"]
    for term in ("invest", "open", "rho"):
        assert pipeline[term] == pytest.approx(fit.params[term], rel=1e-10, abs=1e-12)
    assert 0.25 < pipeline["rho"] < 0.55 and pipeline["invest"] == pytest.approx(0.5, abs=0.1)

    # no caption speaks of China's islands; no report stops on China's boundaries
    logs = "\n".join(p.read_text(encoding="utf-8") for p in (tmp_path / "logs/iberia").rglob("*.log"))
    assert "South China Sea" not in logs
    assert (results / "esda/lisa_output.queen.png").exists()
    assert "South China Sea" not in (results / "data/validation.md").read_text(encoding="utf-8")


TABLE_STUDY = {
    "name": "grid_table",
    "units": {
        "level": "table",
        "table": {"path": "data/units.csv", "id_field": "id", "name_field": "name", "region_field": "zone"},
    },
    "years": {"first": 2015, "last": 2020},
    "statistics": STUDY["statistics"],
    "weights": [
        # a bare N x N matrix as replication packages ship it, the ids in a file of their own
        {
            "name": "authors",
            "kind": "file",
            "path": "data/W.csv",
            "format": "matrix",
            "ids": "data/W.ids.csv",
        },
    ],
    "disparity": {"variables": ["output"]},
    "esda": {"variables": ["output"], "weights": ["authors"], "permutations": 99, "seed": 1},
    "models": {
        "dependent": "output",
        "explanatory": ["invest", "open"],
        "models": ["sar"],
        "weights": ["authors"],
    },
}


def test_a_study_without_polygons_runs_on_a_table_of_units_and_a_w_file(tmp_path):
    """No polygons at all: the units come from a table, W from the authors' file; everything that needs no
    geometry runs (panel, disparity, ESDA, models, tables, non-map figures) and no map is asked for."""
    gdf = iberia(tmp_path)
    zone = np.where(gdf.bounds["miny"] > 40, "North", "South")
    units = pd.DataFrame({"id": gdf["ID"], "name": gdf["NAME"], "zone": zone}).iloc[::-1]  # not W's order
    units.to_csv(tmp_path / "data/units.csv", index=False)
    w = nqpf.SpatialWeights.from_geodataframe(gdf, "contiguity", id_column="ID", standardise="none")
    nqpf.weights.files.write_matrix(list(w.ids), w.raw, tmp_path / "data/W.csv", ids_to="file")
    assert (tmp_path / "data/W.csv").read_text().splitlines()[0].startswith("0,")  # no ids in the matrix
    (tmp_path / "study.yaml").write_text(yaml.safe_dump({"studies": [TABLE_STUDY]}), encoding="utf-8")
    run = snakemake(tmp_path, "--cores", "2", configfile=tmp_path / "study.yaml")
    assert run.returncode == 0, run.stderr[-4000:]
    results = tmp_path / "results/grid_table"
    assert not list(results.rglob("lisa_*.png")) and not list(results.rglob("map_*"))
    assert (results / "esda/scatter_output.authors.png").exists()
    stata = (results / "weights/authors.stata.txt").read_text().splitlines()
    assert stata[0] == "30" and stata[1].startswith("1 ")  # text ids numbered for Stata, with their map
    id_map = pd.read_csv(results / "weights/authors.stata.ids.csv")
    assert list(id_map["code"]) == sorted(gdf["ID"]) and list(id_map["stata_id"]) == list(range(1, 31))
    assert not (tmp_path / "resources/boundaries/custom/grid_table.contiguity.md").exists()
    from_file = nqpf.SpatialWeights.from_file(
        tmp_path / "data/W.csv", format="matrix", ids=tmp_path / "data/W.ids.csv"
    )
    panel = pd.read_csv(results / "data/panel.csv", dtype={"code": str})
    fit = nqpf.SpatialPanelModel(
        panel, dependent="output", explanatory=["invest", "open"], w=from_file, model="sar"
    ).fit()
    estimates = pd.read_csv(results / "models/authors/estimates.csv").query(
        "model == 'sar' and spec == 'main'"
    )
    pipeline = estimates.set_index("term")["estimate"]
    for term in ("invest", "open", "rho"):
        assert pipeline[term] == pytest.approx(fit.params[term], rel=1e-10, abs=1e-12)
    moran = pd.read_csv(results / "esda/global.csv").query("statistic == 'moran' and year == 2020")
    expected = nqpf.esda.moran(panel.query("year == 2020").set_index("code")["output"], from_file)
    assert moran["value"].iloc[0] == pytest.approx(expected.value, rel=1e-12)
    manifest = json.loads((results / "manifest.json").read_text(encoding="utf-8"))
    assert any(
        path.endswith("data/units.csv") and "results" not in path for path in json.dumps(manifest).split('"')
    )


def test_geometry_weights_on_a_table_of_units_stop_before_anything_runs(tmp_path):
    iberia(tmp_path)
    pd.DataFrame({"id": ["R01", "R02"], "name": ["a", "b"], "zone": ["N", "S"]}).to_csv(
        tmp_path / "data/units.csv", index=False
    )
    study = {**TABLE_STUDY, "weights": [{"name": "queen", "kind": "contiguity"}]}
    study["esda"] = {**TABLE_STUDY["esda"], "weights": ["queen"]}
    study["models"] = {**TABLE_STUDY["models"], "weights": ["queen"]}
    (tmp_path / "study.yaml").write_text(yaml.safe_dump({"studies": [study]}), encoding="utf-8")
    run = snakemake(tmp_path, "-n", configfile=tmp_path / "study.yaml")
    assert run.returncode == 1
    assert "contiguity weights, which need polygons" in run.stderr and "kind: file" in run.stderr
    assert "Traceback" not in run.stderr
