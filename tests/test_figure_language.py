"""Figures speak the study's language with the tables' words: every figure drawn in Chinese shows the study's
Chinese labels and the tables' Chinese vocabulary and no raw configuration name; in English the English ones.
The named units of a Moran scatterplot do not overlap."""

from __future__ import annotations

import itertools
import logging
import warnings

import geopandas as gpd
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure
from matplotlib.text import Text
from shapely.geometry import box

from nqpf import figures
from nqpf.figures.style import use_cjk_font
from nqpf.tables.labels import Labels
from nqpf.weights.core import SpatialWeights
from nqpf.weights.distance import centroids, knn

# a study's tables.labels: the variable, the weights matrix and the index have names in both languages
NAMES = {
    "nqpf": {"en": "NQPF index", "zh": "新质生产力"},
    "inverse_distance": {"en": "Inverse distance", "zh": "地理距离矩阵"},
    "new_infra": {"en": "New infrastructure", "zh": "新型基础设施"},
}
RAW = ("nqpf", "inverse_distance", "new_infra")  # config keys: never shown when they have labels
CODES = [f"U{k}" for k in range(12)]
ZH_NAMES = [f"{c}市" for c in "甲乙丙丁戊己庚辛壬癸子丑"]
EN_NAMES = [f"Town {c}" for c in "ABCDEFGHIJKL"]

pytestmark = pytest.mark.skipif(not use_cjk_font(), reason="the Chinese font (mplfonts) is not installed")


class _Glyphs(logging.Handler):
    """The messages of matplotlib (mathtext's included) about a glyph missing from a font."""

    def __init__(self):
        super().__init__()
        self.missing: list[str] = []

    def emit(self, record):
        if "glyph" in record.getMessage().lower():
            self.missing.append(record.getMessage())


_GLYPHS = _Glyphs()


@pytest.fixture
def drawn(monkeypatch):
    """The figures the drawing functions would have saved, kept open (nothing is written); every glyph their
    texts need must be found while they are made and drawn (mathtext, whose text is not set in the CJK font,
    parses a text once and reports a missing glyph then only)."""
    kept = []
    monkeypatch.setattr(Figure, "savefig", lambda fig, *args, **kwargs: kept.append(fig))
    monkeypatch.setattr(plt, "close", lambda fig=None: None)
    _GLYPHS.missing.clear()
    logger = logging.getLogger("matplotlib")
    logger.addHandler(_GLYPHS)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield kept
    logger.removeHandler(_GLYPHS)
    monkeypatch.undo()
    for fig in kept:
        plt.close(fig)
    missing = _GLYPHS.missing + [str(w.message) for w in caught if "glyph" in str(w.message).lower()]
    assert not missing, missing[:3]


def words(fig) -> str:
    """Every text the figure shows (titles, axis and tick labels, legends, annotations), one per line."""
    fig.canvas.draw()
    assert not _GLYPHS.missing, _GLYPHS.missing[:3]
    return "\n".join(
        t.get_text().replace("\n", " ") for t in fig.findobj(Text) if t.get_visible() and t.get_text()
    )


def labels(language: str) -> Labels:
    return Labels(language, NAMES)


@pytest.fixture(scope="module")
def grid():
    """Twelve square units away from China (no base map): a 4 x 3 grid."""
    cells = [box(10.0 + i, 45.0 + j, 11.0 + i, 46.0 + j) for j in range(3) for i in range(4)]
    return gpd.GeoDataFrame({"code": CODES, "name": ZH_NAMES, "name_en": EN_NAMES}, geometry=cells, crs=4326)


def assert_speaks(text: str, language: str, present_zh: list[str], present_en: list[str]) -> None:
    if language == "zh":
        for word in present_zh:
            assert word in text, f"{word!r} missing from the Chinese figure:\n{text}"
        for word in present_en:
            assert word not in text, f"{word!r} in the Chinese figure:\n{text}"
    else:
        for word in present_en:
            assert word in text, f"{word!r} missing from the English figure:\n{text}"
        for word in present_zh:
            assert word not in text, f"{word!r} in the English figure:\n{text}"
    for key in RAW:
        assert key not in text, f"the raw key {key!r} in the figure:\n{text}"


@pytest.mark.parametrize("language", ["zh", "en"])
def test_index_maps(grid, drawn, language):
    values = pd.DataFrame(
        {
            "code": CODES * 2,
            "year": [2015] * 12 + [2020] * 12,
            "index": np.r_[np.arange(12.0), np.arange(12.0)],
        }
    )
    values.loc[0, "index"] = np.nan
    note = labels(language).term("simulated")
    figures.index_maps(
        grid, values, "unused.png", note=note, labels=labels(language), title=labels(language).name("nqpf")
    )
    (fig,) = drawn
    text = words(fig)
    assert_speaks(
        text,
        language,
        ["新质生产力", "2020年", "甲市", "无数据", "分位数分级", "模拟数据"],
        ["NQPF index", "Town A", "no data", "quantiles", "simulated demo data"],
    )


def test_an_index_map_without_a_title_is_named_by_the_label_of_its_column(grid, drawn):
    values = pd.DataFrame({"code": CODES, "year": 2020, "nqpf": np.arange(12.0)})
    figures.index_maps(grid, values, "unused.png", column="nqpf", labels=labels("zh"))
    assert fig_title(drawn[0]) == "新质生产力"


def fig_title(fig) -> str:
    return fig._suptitle.get_text()


@pytest.mark.parametrize("language", ["zh", "en"])
def test_lisa_cluster_maps(grid, drawn, language):
    quadrants = ["HH", "HH", "LH", "LL", "HL", "HH", "LL", "LL", "HL", "LH", "HH", "LL"]
    local = pd.DataFrame(
        {
            "code": CODES * 2,
            "year": [2019] * 12 + [2020] * 12,
            "quadrant": quadrants * 2,
            "significant": [True, True, True, True, True, False] * 4,
        }
    )
    local.loc[23, "quadrant"] = "no data"
    words_ = labels(language)
    title = words_.term(
        "lisa_title",
        variable=words_.name("nqpf"),
        weights=words_.name("inverse_distance"),
        method=words_.term("correction_fdr"),
    )
    regions = {"Yangtze River Delta": ("长三角", set(CODES[:4]))}
    figures.lisa_cluster_maps(grid, local, [2019, 2020], "unused.png", title, regions, labels=words_)
    (fig,) = drawn
    assert_speaks(
        words(fig),
        language,
        [
            "新质生产力",
            "地理距离矩阵",
            "高-高",
            "低-低",
            "高-低",
            "低-高",
            "不显著",
            "无数据",
            "长三角",
            "2020年",
        ],
        ["NQPF index", "Inverse distance", "High-High", "Low-Low", "not significant", "no data", "Yangtze"],
    )


def scatter_inputs(n: int = 30):
    """A variable whose highest values sit close together, all High-High: many names in one corner."""
    rng = np.random.default_rng(3)
    x = np.r_[np.full(10, 3.0) + rng.normal(0, 0.02, 10), rng.normal(0, 1, n - 10)]
    w = np.zeros((n, n))
    w[:10, :10] = 1.0
    w[10:, 10:] = 1.0
    np.fill_diagonal(w, 0.0)
    w /= w.sum(axis=1, keepdims=True)
    quadrant = np.array(["HH"] * 10 + ["LL"] * (n - 10), dtype=object)
    names = [(f"长长的城市名称{k}", f"A rather long city name {k}") for k in range(n)]
    return x, w, names, quadrant, np.ones(n, dtype=bool)


@pytest.mark.parametrize("language", ["zh", "en"])
def test_moran_scatter(drawn, language):
    x, w, names, quadrant, significant = scatter_inputs()
    words_ = labels(language)
    title = words_.term(
        "scatter_title", variable=words_.name("nqpf"), weights=words_.name("inverse_distance"), year=2020
    )
    figures.moran_scatter(x, w, names, quadrant, significant, 0.41, "unused.png", title, labels=words_)
    (fig,) = drawn
    assert_speaks(
        words(fig),
        language,
        ["新质生产力", "地理距离矩阵", "2020年", "莫兰指数", "标准化值", "长长的城市名称0"],
        ["NQPF index", "Inverse distance", "Moran's I", "standardised value", "A rather long city name 0"],
    )


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_named_units_of_a_moran_scatter_do_not_overlap(drawn, language):
    x, w, names, quadrant, significant = scatter_inputs()
    figures.moran_scatter(
        x, w, names, quadrant, significant, 0.41, "unused.png", "t", labels=labels(language)
    )
    (fig,) = drawn
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    ax = fig.axes[0]
    boxes = [Text.get_window_extent(t, renderer) for t in ax.texts]
    assert len(boxes) == 8  # the eight strongest High-High units are named
    for a, b in itertools.combinations(boxes, 2):
        assert not a.overlaps(b), (a, b)
    frame = ax.get_window_extent(renderer)
    for extent in boxes:  # no name runs past the axes
        assert (
            frame.x0 <= extent.x0
            and extent.x1 <= frame.x1
            and frame.y0 <= extent.y0
            and extent.y1 <= frame.y1
        ), extent


@pytest.mark.parametrize("language", ["zh", "en"])
def test_moran_trend(drawn, language):
    table = pd.DataFrame(
        {
            "statistic": "moran",
            "variable": "nqpf",
            "weights": "inverse_distance",
            "year": [2018, 2019, 2020],
            "value": [0.2, 0.3, 0.35],
            "p_sim": [0.2, 0.01, 0.01],
            "p_rand": np.nan,
        }
    )
    figures.moran_trend(
        table, "unused.png", 0.05, labels(language).term("simulated"), labels=labels(language)
    )
    (fig,) = drawn
    assert_speaks(
        words(fig),
        language,
        ["新质生产力 / 地理距离矩阵", "全局莫兰指数", "年份", "模拟数据"],
        ["NQPF index / Inverse distance", "Global Moran's I", "year", "simulated demo data"],
    )


@pytest.mark.parametrize("language", ["zh", "en"])
def test_connectivity_map(grid, drawn, language):
    w = SpatialWeights.from_matrix(knn(centroids(grid), 2), CODES, name="inverse_distance")
    figures.connectivity_map(grid, w, "unused.png", labels=labels(language))
    (fig,) = drawn
    assert_speaks(
        words(fig),
        language,
        ["空间权重 地理距离矩阵", "个单元", "全部连接"],
        ["W Inverse distance", "12 units", "all links"],
    )


@pytest.fixture(scope="module")
def frame():
    rng = np.random.default_rng(5)
    regions = ["East", "Central", "West", "Northeast"] * 5
    rows = [
        {"code": f"C{k}", "year": year, "region": region, "nqpf": rng.lognormal(0.0, 0.4)}
        for year in (2015, 2020)
        for k, region in enumerate(regions)
    ]
    return pd.DataFrame(rows)


@pytest.mark.parametrize("language", ["zh", "en"])
def test_kernel_densities_and_regional_trend(frame, drawn, language):
    words_ = labels(language)
    figures.kernel_densities(
        frame,
        "nqpf",
        "region",
        ["East", "Central", "West", "Northeast"],
        [2015, 2020],
        "unused.png",
        labels=words_,
    )
    means = frame.groupby(["region", "year"], as_index=False)["nqpf"].mean().rename(columns={"nqpf": "mean"})
    national = frame.groupby("year", as_index=False)["nqpf"].mean().rename(columns={"nqpf": "mean"})
    means = pd.concat([national.assign(region="National"), means], ignore_index=True)
    figures.regional_trend(means, "nqpf", "unused.png", labels=words_)
    kernel, trend = drawn
    assert_speaks(
        words(kernel),
        language,
        ["新质生产力的核密度估计", "全国", "东部", "中部", "西部", "东北", "核密度", "2020年"],
        ["Kernel density of NQPF index", "National", "East", "Northeast", "density"],
    )
    assert_speaks(
        words(trend),
        language,
        ["新质生产力分区域均值", "全国", "东部", "年份"],
        ["NQPF index by region", "East"],
    )


@pytest.mark.parametrize("language", ["zh", "en"])
def test_gini_decomposition(drawn, language):
    table = pd.DataFrame(
        {
            "variable": "nqpf",
            "year": [2018, 2019, 2020],
            "G": [0.3, 0.28, 0.27],
            "G_w": [0.05, 0.05, 0.04],
            "G_nb": [0.2, 0.19, 0.19],
            "G_t": [0.05, 0.04, 0.04],
        }
    )
    figures.gini_decomposition(table, "nqpf", "unused.png", labels=labels(language))
    (fig,) = drawn
    assert_speaks(
        words(fig),
        language,
        ["新质生产力的 Dagum 基尼系数分解", "区域内差异", "区域间净差异", "超变密度"],
        [
            "Dagum Gini decomposition of NQPF index",
            "within regions",
            "between regions (net)",
            "transvariation",
        ],
    )


def effects_table() -> pd.DataFrame:
    rows = [
        ("sdm", w, "main", "new_infra", effect, value, value - 0.1, value + 0.1)
        for w in ("queen", "inverse_distance")
        for effect, value in (("direct", 0.4), ("indirect", -0.3), ("total", 0.1))
    ]
    columns = ["model", "weights", "spec", "variable", "effect", "estimate", "ci_low", "ci_high"]
    return pd.DataFrame(rows, columns=columns).assign(method="lee_yu")


@pytest.mark.parametrize("language", ["zh", "en"])
def test_effects_plot(drawn, language):
    words_ = labels(language)
    figures.effects_plot(
        effects_table(),
        "unused.png",
        model="sdm",
        dependent="nqpf",
        labels=words_,
        inference="normal",
        note=words_.term("simulated"),
    )
    (fig,) = drawn
    text = words(fig)
    if language == "zh":  # the effects as the effects table names them
        assert all(words_.term(k) in text for k in ("direct", "indirect", "total"))
    assert_speaks(
        text,
        language,
        [
            "直接效应",
            "间接效应",
            "总效应",
            "新质生产力",
            "新型基础设施",
            "地理距离矩阵",
            "Lee-Yu 变换法",
            "基准设定",
            "置信区间",
        ],
        [
            "direct",
            "indirect (spillover)",
            "NQPF index",
            "New infrastructure",
            "Inverse distance",
            "Lee-Yu transformation",
            "main specification",
            "intervals",
        ],
    )
    assert "lee_yu" not in text


@pytest.mark.parametrize("language", ["zh", "en"])
def test_coefficient_plot(drawn, language):
    rows = []
    for model, terms in (
        ("sar", ["new_infra", "rho"]),
        ("sdm", ["new_infra", "W.new_infra", "rho"]),
    ):
        for w in ("queen", "inverse_distance"):
            rows += [(model, w, "main", term, 0.3 + 0.1 * k, 0.05) for k, term in enumerate(terms)]
    table = pd.DataFrame(rows, columns=["model", "weights", "spec", "term", "estimate", "std_error"])
    figures.coefficient_plot(table, "unused.png", dependent="nqpf", labels=labels(language))
    (fig,) = drawn
    assert_speaks(
        words(fig),
        language,
        ["新质生产力的系数估计", "新型基础设施", "地理距离矩阵", "基准设定", "估计值 ± 1.96 倍标准误"],
        ["Coefficients of NQPF index", "New infrastructure", "Inverse distance", "main specification"],
    )


def test_a_dict_of_english_names_still_names_the_effects_plot(drawn):
    figures.effects_plot(effects_table(), "unused.png", model="sdm", labels={"new_infra": "New infra"})
    text = words(drawn[0])
    assert "New infra" in text and "direct" in text
