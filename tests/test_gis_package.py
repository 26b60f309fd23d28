"""The study's GeoPackage for GIS users (nqpf.study.gis, rule gis) and the replication package for a reviewer
(workflow/scripts/package.py, `make package`)."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import yaml
from shapely.geometry import box

from nqpf.errors import InputError
from nqpf.study import gis
from nqpf.study import manifest as manifest_module
from tests.conftest import REPO, snakemake

STUDY = "demo_province"
PACKAGE_SCRIPT = REPO / "workflow" / "scripts" / "package.py"


def load_package():
    spec = importlib.util.spec_from_file_location("package_script", PACKAGE_SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- the GeoPackage from small inputs -------------------------------------------------------------------------


def small_inputs():
    boundaries = gpd.GeoDataFrame(
        {"code": ["A", "B", "C", "Z"], "name": ["a", "b", "c", "z"]},
        geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1), box(2, 0, 3, 1), box(9, 9, 10, 10)],
        crs=4326,
    )
    units = pd.DataFrame(
        {"code": ["C", "A", "B"], "name": ["c", "a", "b"], "region": ["East", "West", "East"]}
    )
    index = pd.DataFrame(
        {
            "code": ["A", "B", "C"] * 2,
            "year": [2020] * 3 + [2021] * 3,
            "index": [0.1, 0.2, 0.3, 0.4, 0.5, 0.6],
        }
    )
    local = pd.DataFrame(
        {
            "variable": "x",
            "weights": "my-w",
            "statistic": "lisa",
            "code": ["A", "B", "C", "A", "B"],  # C left out in 2021
            "year": [2020, 2020, 2020, 2021, 2021],
            "quadrant": ["HH", "LL", "HL", "LH", "HH"],
            "significant": [True, False, True, False, True],
            "p_sim": [0.01, 0.5, 0.02, 0.3, 0.001],
            "p_adjusted": [0.03, 0.5, 0.03, 0.3, 0.003],
        }
    )
    return boundaries, units, {"nqpf": index}, local


def test_layers_from_small_inputs_hold_every_unit_and_year(tmp_path):
    boundaries, units, indices, local = small_inputs()
    path = gis.write(gis.layers(boundaries, units, indices, local, "small"), tmp_path / "small.gpkg")
    names = [name for name, _ in pyogrio.list_layers(path)]
    assert names[:3] == ["units", "indices", "lisa_x_my_w"] and "about" in names  # - becomes _
    found = gpd.read_file(path, layer="lisa_x_my_w").set_index("code")
    assert list(found.index) == ["A", "B", "C"] and found.crs.to_epsg() == 4326  # the study's units, not Z
    assert list(found["class_2020"]) == ["HH", "ns", "HL"]
    assert found.loc["C", "quadrant_2020"] == "HL" and pd.isna(found.loc["C", "quadrant_2021"])
    assert found.loc["B", "p_adj_2021"] == pytest.approx(0.003) and found.loc["A", "p_2021"] == pytest.approx(
        0.3
    )
    assert found["significant_2020"].tolist() == [True, False, True]
    assert found.loc["A", "region"] == "West"
    assert found.geometry.iloc[0].equals(boundaries.geometry.iloc[0])
    values = gpd.read_file(path, layer="indices").set_index("code")
    assert values.loc["C", "nqpf_2021"] == pytest.approx(0.6) and values.loc["A", "nqpf_2020"] == 0.1
    info = pyogrio.read_info(path, layer="lisa_x_my_w")
    assert "EPSG:4326" in info["layer_metadata"]["DESCRIPTION"]
    about = pyogrio.read_dataframe(path, layer="about")
    assert set(about["layer"]) == {"units", "indices", "lisa_x_my_w"}


def test_the_same_inputs_give_the_same_bytes(tmp_path):
    boundaries, units, indices, local = small_inputs()
    first = gis.write(gis.layers(boundaries, units, indices, local), tmp_path / "a.gpkg").read_bytes()
    second = gis.write(gis.layers(boundaries, units, indices, local), tmp_path / "b.gpkg").read_bytes()
    assert first == second
    changed = local.assign(quadrant=["LL", "LL", "HL", "LH", "HH"])
    assert (
        gis.write(gis.layers(boundaries, units, indices, changed), tmp_path / "c.gpkg").read_bytes() != first
    )


def test_a_unit_without_a_polygon_stops(tmp_path):
    boundaries, units, indices, local = small_inputs()
    with pytest.raises(InputError, match="no polygon") as caught:
        gis.layers(boundaries[boundaries["code"] != "B"], units, indices, local)
    assert "B" in str(caught.value)


# --- the GeoPackage of a workflow run -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def gis_run(tmp_path_factory) -> Path:
    """demo_province up to its GeoPackage, with fewer permutations and one W to keep it short."""
    config = yaml.safe_load((REPO / "config" / "studies" / f"{STUDY}.yaml").read_text(encoding="utf-8"))
    esda = config["studies"][0]["esda"]
    esda.update(permutations=199, weights=["queen"])
    esda.pop("bivariate", None)
    workdir = tmp_path_factory.mktemp("gis_run")
    (workdir / "study.yaml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    result = snakemake(
        workdir, "--cores", "2", f"results/{STUDY}/gis/{STUDY}.gpkg", configfile=workdir / "study.yaml"
    )
    assert result.returncode == 0, result.stderr[-4000:]
    return workdir


@pytest.mark.workflow
def test_the_geopackage_holds_the_indices_and_local_results_of_the_study(gis_run):
    results = gis_run / "results" / STUDY
    path = results / "gis" / f"{STUDY}.gpkg"
    layers = dict(pyogrio.list_layers(path))
    local = pd.read_csv(results / "esda" / "local.csv", dtype={"code": str})
    expected = {"units", "indices"} | {
        f"{s}_{v}_{w}" for s, v, w in local[["statistic", "variable", "weights"]].drop_duplicates().to_numpy()
    }
    assert {"lisa_nqpf_queen", "gi_star_infrastructure_queen"} <= expected
    assert expected <= {name for name, kind in layers.items() if kind == "MultiPolygon"}
    units = pd.read_csv(results / "data" / "units.csv", dtype={"code": str})
    for name in expected:
        layer = gpd.read_file(path, layer=name)
        assert len(layer) == len(units) == 31 and layer["code"].is_unique, name
        assert layer.crs.to_epsg() == 4326 and layer.geometry.notna().all(), name
    # every index value of every unit and year
    indices = gpd.read_file(path, layer="indices").set_index("code")
    for index in ("nqpf", "infrastructure"):
        values = pd.read_csv(results / "indices" / f"{index}.csv", dtype={"code": str})
        assert len(values) == 31 * 12
        found = [indices.loc[row.code, f"{index}_{row.year}"] for row in values.itertuples()]
        np.testing.assert_array_equal(found, values["index"].to_numpy())
    # every LISA and Gi* quadrant, significance and p-value of every unit and year
    for (statistic, variable, weights), rows in local.groupby(["statistic", "variable", "weights"]):
        layer = gpd.read_file(path, layer=f"{statistic}_{variable}_{weights}").set_index("code")
        for row in rows.itertuples():
            assert layer.loc[row.code, f"quadrant_{row.year}"] == row.quadrant
            assert bool(layer.loc[row.code, f"significant_{row.year}"]) == bool(row.significant)
            assert layer.loc[row.code, f"p_{row.year}"] == row.p_sim
            assert layer.loc[row.code, f"class_{row.year}"] == (row.quadrant if row.significant else "ns")
        assert layer.filter(like="quadrant_").notna().to_numpy().sum() == len(rows)
    # a rerun writes the same bytes
    again = gis.write_study(
        gis_run / "resources" / "boundaries" / "province.gpkg",
        results / "data" / "units.csv",
        [results / "indices" / f"{index}.csv" for index in ("nqpf", "infrastructure")],
        results / "esda" / "local.csv",
        gis_run / "again.gpkg",
        STUDY,
    )
    assert again.read_bytes() == path.read_bytes()


@pytest.mark.workflow
def test_a_study_without_polygons_asks_for_no_geopackage(tmp_path):
    from tests.test_elsewhere import STUDY as FILE_STUDY
    from tests.test_elsewhere import TABLE_STUDY, iberia

    gdf = iberia(tmp_path)
    pd.DataFrame({"id": gdf["ID"], "name": gdf["NAME"], "zone": "North"}).to_csv(
        tmp_path / "data/units.csv", index=False
    )
    pd.DataFrame(np.eye(len(gdf))[::-1]).to_csv(tmp_path / "data/W.csv", index=False, header=False)
    pd.DataFrame({"id": gdf["ID"]}).to_csv(tmp_path / "data/W.ids.csv", index=False)
    config = {"studies": [TABLE_STUDY, FILE_STUDY]}
    (tmp_path / "study.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    result = snakemake(
        tmp_path, "-n", "--cores", "1", configfile=tmp_path / "study.yaml", env={"NQPF_JOB_DETAILS": "1"}
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "results/iberia/gis/iberia.gpkg" in result.stdout
    assert "results/grid_table/gis" not in result.stdout


# --- the replication package --------------------------------------------------------------------------------


def fake_study(root: Path) -> None:
    """A study's working folder as a run leaves it: a config, a user's statistics and polygons, generated
    boundaries, results and the manifest recording them."""
    files = {
        "config/config.yaml": "studies:\n  - config/studies/s.yaml\n",
        "config/studies/s.yaml": "studies:\n  - name: s\n",
        "data/stats.csv": "region,year,x\nA,2020,1\n",
        "data/regions.shp": "shp",
        "data/regions.dbf": "dbf",
        "resources/boundaries/custom/s.gpkg": "made by the workflow",
        "results/s/tables/t.csv": "a,b\n1,2\n",
        "results/s/esda/lisa_x.queen.png": "png",
        "results/s/gis/s.gpkg": "gpkg",
    }
    for path, text in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text, encoding="utf-8")
    record = {
        "study": "s",
        "config": {"studies": [{"name": "s"}]},
        "config_files": manifest_module.file_hashes(["config/config.yaml", "config/studies/s.yaml"], root),
        "inputs": manifest_module.file_hashes(
            ["data/stats.csv", "data/regions.dbf", "data/regions.shp"], root
        ),
        "outputs": manifest_module.file_hashes(
            [p for p in files if p.startswith(("results/", "resources/"))], root
        ),
        "code": {"commit": "0123abc", "dirty": False},
        "software": {"python": "3.11.9"},
    }
    (root / "results/s/manifest.json").write_text(json.dumps(record), encoding="utf-8")


def test_the_package_holds_config_inputs_results_and_manifest_and_is_the_same_bytes_twice(tmp_path):
    package = load_package()
    fake_study(tmp_path)
    first = package.package("s", tmp_path)
    assert first == tmp_path / "results/s-replication.zip"
    data = first.read_bytes()
    assert package.package("s", tmp_path).read_bytes() == data
    with zipfile.ZipFile(first) as archive:
        names = archive.namelist()
        assert names == sorted(names)
        assert {
            "config/config.yaml",
            "config/studies/s.yaml",
            "data/stats.csv",
            "data/regions.shp",
            "data/regions.dbf",
            "results/s/tables/t.csv",
            "results/s/esda/lisa_x.queen.png",
            "results/s/gis/s.gpkg",
            "results/s/manifest.json",
            "REPLICATION-s.md",
        } == set(names)
        assert archive.read("data/stats.csv") == (tmp_path / "data/stats.csv").read_bytes()
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        text = archive.read("REPLICATION-s.md").decode("utf-8")
    assert "make reproduce STUDY=s" in text and "--configfile config/studies/s.yaml" in text
    assert "resources/boundaries/custom/s.gpkg" in text and "0123abc" in text


def test_the_package_refuses_results_changed_since_the_manifest(tmp_path):
    package = load_package()
    fake_study(tmp_path)
    (tmp_path / "results/s/tables/t.csv").write_text("a,b\n1,3\n", encoding="utf-8")
    with pytest.raises(SystemExit, match="changed  results/s/tables/t.csv"):
        package.package("s", tmp_path)
    assert not (tmp_path / "results/s-replication.zip").exists()


def test_the_package_command_line(tmp_path):
    fake_study(tmp_path)
    command = [sys.executable, str(PACKAGE_SCRIPT), "--study", "s", "--directory", str(tmp_path)]
    done = subprocess.run(command, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "results/s-replication.zip").is_file() and "s-replication.zip" in done.stdout
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    assert "package:" in makefile and "workflow/scripts/package.py" in makefile
