"""Display geometry made once per boundary set: the same bytes on every run, read back as written, and maps drawn
from it the same, byte for byte, as maps drawn from the boundaries alone."""

from __future__ import annotations

import hashlib
import zipfile

import numpy as np
import pandas as pd
import pytest
import shapely

from nqpf import figures
from nqpf.figures import display as display_module
from nqpf.figures.display import DisplayGeometry, display_geometry, for_units, read, write
from nqpf.units import crs
from nqpf.weights.core import SpatialWeights

YEARS = (2015, 2020)
EAST_CHINA = ("310000", "320000", "330000", "340000")  # the Yangtze delta: 41 units, more than maps name


@pytest.fixture(scope="module")
def prefectures():
    """The prefectures of four provinces: a set whose maps outline provinces rather than name units."""
    from nqpf.units import boundaries
    from nqpf.units.regions import PROVINCE_BY_CODE

    others = sorted(set(PROVINCE_BY_CODE) - set(EAST_CHINA))
    gdf, _ = boundaries.build_cnmaps("prefecture", exclude_provinces=others)
    assert len(gdf) > 40 and set(gdf["province_code"]) == set(EAST_CHINA)
    return gdf


@pytest.fixture(scope="module")
def province_display(province_gdf):
    return display_geometry(province_gdf)


@pytest.fixture(scope="module")
def province_file(province_display, tmp_path_factory):
    path = tmp_path_factory.mktemp("display") / "province.display.default.npz"
    write(province_display, path)
    return path


def values_of(gdf) -> pd.DataFrame:
    """A variable rising to the east and over the years, one unit missing in the first year."""
    east = gdf.to_crs(crs.CHINA_ALBERS).geometry.representative_point().x.to_numpy()
    frames = [
        pd.DataFrame({"code": gdf["code"], "year": year, "index": east / 1e6 + 0.3 * k})
        for k, year in enumerate(YEARS)
    ]
    values = pd.concat(frames, ignore_index=True)
    values.loc[0, "index"] = np.nan
    return values


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_file_has_the_same_bytes_on_every_run_and_reads_back_as_written(
    province_gdf, province_display, province_file, tmp_path
):
    again = tmp_path / "again.npz"
    write(display_geometry(province_gdf), again)
    assert again.read_bytes() == province_file.read_bytes()
    with zipfile.ZipFile(province_file) as archive:
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    made, kept = province_display, read(province_file)
    assert kept.wkt == made.wkt and kept.outlined == made.outlined
    assert list(kept.units.index) == list(made.units.index) == province_gdf["code"].tolist()
    pd.testing.assert_frame_equal(
        pd.DataFrame(kept.units.drop(columns="geometry")), pd.DataFrame(made.units.drop(columns="geometry"))
    )
    assert shapely.equals_exact(kept.units.geometry.to_numpy(), made.units.geometry.to_numpy(), 0.0).all()
    assert kept.provinces is None and made.provinces is None  # provinces are their own provinces
    for name in ("land", "maritime"):
        assert shapely.equals_exact(
            getattr(kept.context, name).to_numpy(), getattr(made.context, name).to_numpy(), 0.0
        ).all()
    assert kept.context.regions[["code", "name"]].equals(made.context.regions[["code", "name"]])
    assert not kept.units["label_room"].isna().any()  # provinces are named on maps: anchors made
    rewritten = tmp_path / "rewritten.npz"
    write(kept, rewritten)
    assert rewritten.read_bytes() == province_file.read_bytes()


def test_prefectures_keep_their_province_outlines(prefectures, tmp_path):
    path = tmp_path / "prefectures.npz"
    write(display_geometry(prefectures), path)
    kept = read(path)
    assert list(kept.provinces.index) == sorted(EAST_CHINA)
    assert shapely.equals_exact(
        kept.provinces.to_numpy(), display_module.province_outlines(_projected(prefectures)).to_numpy(), 0.0
    ).all()
    assert kept.units["label_room"].isna().all()  # more than 40 units: not named, no anchors made


def _projected(gdf):
    return gdf.to_crs(crs.equal_area(gdf)).assign(code=gdf["code"].astype(str)).set_index("code")


def test_a_map_drawn_from_the_file_is_the_map_drawn_from_the_boundaries(
    province_gdf, province_file, tmp_path
):
    values = values_of(province_gdf)
    kept = read(province_file)
    given, made = tmp_path / "given.png", tmp_path / "made.png"
    figures.index_maps(province_gdf, values, given, years=list(YEARS), display=kept)
    figures.index_maps(province_gdf, values, made, years=list(YEARS))
    assert digest(given) == digest(made)
    local = values.assign(
        quadrant=np.resize(["HH", "LH", "LL", "HL", "island"], len(values)),
        significant=np.resize([True, False, True], len(values)),
    )
    regions = {"east": ("东部", {"320000", "330000", "310000"})}
    for path, extra in ((given, {"display": kept}), (made, {})):
        figures.lisa_cluster_maps(province_gdf, local, list(YEARS), path, "LISA", regions, **extra)
    assert digest(given) == digest(made)
    w = SpatialWeights.from_geodataframe(province_gdf, "contiguity", islands={"policy": "nearest"})
    for path, extra in ((given, {"display": kept}), (made, {})):
        figures.connectivity_map(province_gdf, w, path, **extra)
    assert digest(given) == digest(made)


def test_a_prefecture_map_from_the_file_is_the_map_from_the_boundaries(prefectures, tmp_path, monkeypatch):
    path = tmp_path / "prefectures.npz"
    write(display_geometry(prefectures), path)
    kept = read(path)
    values = values_of(prefectures)
    made = tmp_path / "made.png"
    figures.index_maps(prefectures, values, made, years=[2020])
    # with the file at hand the map job neither simplifies nor merges polygons
    monkeypatch.setattr(display_module, "display_geometry", _refused)
    given = tmp_path / "given.png"
    figures.index_maps(prefectures, values, given, years=[2020], display=kept)
    assert digest(given) == digest(made)


def _refused(*args, **kwargs):
    raise AssertionError("display geometry made again although the file fits")


def test_display_geometry_that_does_not_fit_the_units_is_made_again(province_gdf, province_file, prefectures):
    kept = read(province_file)
    assert kept.fits(province_gdf)
    assert (
        for_units(kept, province_gdf.iloc[::-1]).units.index.tolist() == province_gdf["code"].tolist()[::-1]
    )
    fewer = province_gdf.iloc[:20]
    assert not kept.fits(fewer)  # another extent: another simplification
    made = for_units(kept, fewer)
    assert made is not kept and len(made.units) == 20
    assert not kept.fits(province_gdf, "EPSG:3857")
    outlined = display_geometry(prefectures)
    assert outlined.fits(prefectures, provinces=True)
    moved = prefectures.assign(
        province_code=np.where(prefectures.index < 3, "340000", prefectures["province_code"])
    )
    assert not outlined.fits(moved, provinces=True)  # other provinces: other outlines
    without = display_geometry(prefectures, provinces=False)
    assert without.fits(prefectures) and not without.fits(prefectures, provinces=True)


def test_frame_map_takes_plain_polygons_or_display_geometry(province_gdf, province_display):
    import matplotlib.pyplot as plt

    from nqpf.figures.basemap import for_display, frame_map

    shown = for_display(province_gdf).set_index("code")
    limits = []
    for projected in (shown, province_display):
        fig, ax = plt.subplots()
        try:
            framed = frame_map(ax, projected, lambda target, keep: None, background="#d9d9d9")
            limits.append((ax.get_xlim(), ax.get_ylim(), framed["inset"] is not None, framed["context"]))
        finally:
            plt.close(fig)
    assert limits[0] == limits[1] and limits[0][2:] == (True, True)
    assert isinstance(province_display, DisplayGeometry)
