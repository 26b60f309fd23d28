"""Index maps, coefficient and effects plots: files made, the same bytes on every run, bad input refused."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from PIL import Image

from nqpf import figures
from nqpf.errors import InputError
from nqpf.figures import choropleth
from nqpf.figures import estimates as figure_estimates
from nqpf.units import crs


@pytest.fixture(scope="module")
def province_values(province_gdf):
    """An index on the 31 provinces for two years: higher to the east and in the later year; Tibet missing in
    the first year."""
    east = province_gdf.to_crs(crs.CHINA_ALBERS).geometry.representative_point().x.to_numpy()
    base = (east - east.min()) / np.ptp(east)
    frames = [
        pd.DataFrame({"code": province_gdf["code"], "year": year, "index": base + 0.2 * k})
        for k, year in enumerate((2015, 2020))
    ]
    values = pd.concat(frames, ignore_index=True)
    values.loc[(values["code"] == "540000") & (values["year"] == 2015), "index"] = np.nan
    return values


def colours_in(path, least: int = 300) -> set[tuple[int, int, int]]:
    """Colours that fill at least ``least`` pixels (areas, not the edges of antialiased text)."""
    image = np.asarray(Image.open(path).convert("RGB")).reshape(-1, 3)
    colours, counts = np.unique(image, axis=0, return_counts=True)
    return {tuple(int(v) for v in c) for c, n in zip(colours, counts, strict=True) if n >= least}


def rgb(colour) -> tuple[int, int, int]:
    from matplotlib.colors import to_rgb

    return tuple(int(round(255 * v)) for v in to_rgb(colour))


def test_index_maps_draw_every_class_and_the_gaps_and_are_the_same_bytes_twice(
    province_gdf, province_values, tmp_path
):
    paths = []
    for run in ("a", "b"):
        files = [tmp_path / f"map_{run}.png", tmp_path / f"map_{run}.pdf"]
        figures.index_maps(
            province_gdf, province_values, files, title="test index", note="simulated demo data"
        )
        paths.append(files)
    for png, pdf in paths:
        assert png.stat().st_size > 10_000 and pdf.read_bytes().startswith(b"%PDF")
    assert paths[0][0].read_bytes() == paths[1][0].read_bytes()
    assert paths[0][1].read_bytes() == paths[1][1].read_bytes()
    shown = colours_in(paths[0][0])
    palette = plt.get_cmap(choropleth.MAP_COLOURS)(np.linspace(0.12, 1.0, 5))
    for colour in palette:
        assert rgb(colour) in shown
    assert rgb(choropleth.NO_DATA) in shown  # Tibet in 2015


def test_index_maps_of_one_year_without_gaps_show_no_grey(province_gdf, province_values, tmp_path):
    path = tmp_path / "map.png"
    figures.index_maps(province_gdf, province_values, path, years=[2020], classes=3)
    shown = colours_in(path)
    palette = [rgb(c) for c in plt.get_cmap(choropleth.MAP_COLOURS)(np.linspace(0.12, 1.0, 3))]
    assert set(palette) <= shown
    # grey only where China is outside the study (Taiwan, Hong Kong, Macau: 0.4 % of its land; Tibet is 13 %)
    image = np.asarray(Image.open(path).convert("RGB")).reshape(-1, 3)
    grey = np.all(image == rgb(choropleth.NO_DATA), axis=1).sum()
    coloured = sum(np.all(image == c, axis=1).sum() for c in palette)
    assert 0 < grey < 0.02 * coloured


def test_an_index_with_one_value_everywhere_is_one_class(province_gdf, province_values, tmp_path):
    path = tmp_path / "map.png"
    figures.index_maps(province_gdf, province_values.assign(index=0.5), path, years=[2020])
    assert rgb(plt.get_cmap(choropleth.MAP_COLOURS)(0.12)) in colours_in(path)


def test_class_breaks_are_pooled_quantiles_with_ties_merged():
    assert figures.class_breaks([1, 2, 3, 4, 5], 4).tolist() == [1, 2, 3, 4, 5]
    assert figures.class_breaks([1, 1, 1, 1, 2], 4).tolist() == [1, 2]
    assert choropleth._edge_labels([0.1234, 0.2, 0.31]) == ["0.12", "0.20", "0.31"]
    assert choropleth._edge_labels([12_000, 45_500, 80_250]) == ["12,000", "45,500", "80,250"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda v: v.drop(columns="index"), "has no column index"),
        (lambda v: v.iloc[0:0], "no rows for the years to map"),
        (lambda v: v.assign(index=np.nan), "has no values of index"),
        (lambda v: v.assign(index="high"), "is not numeric"),
        (lambda v: pd.concat([v, v.iloc[:1]]), "repeated (code, year)"),
        (lambda v: pd.concat([v, v.iloc[:1].assign(code="999999")]), "codes that the boundaries do not hold"),
    ],
)
def test_index_maps_refuse_bad_tables(province_gdf, province_values, tmp_path, change, message):
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")) as error:
        figures.index_maps(
            province_gdf, change(province_values), tmp_path / "map.png", source="indices/x.csv"
        )
    assert "indices/x.csv" in str(error.value)
    assert not (tmp_path / "map.png").exists()


def test_index_maps_refuse_years_the_table_does_not_hold(province_gdf, province_values, tmp_path):
    with pytest.raises(InputError, match="2030") as error:
        figures.index_maps(province_gdf, province_values, tmp_path / "map.png", years=[2015, 2030])
    assert "2015, 2020" in str(error.value)


def effects_table() -> pd.DataFrame:
    rows = []
    for w, shift in (("queen", 0.0), ("inverse_distance", 0.05)):
        for variable, scale in (("infrastructure", 1.0), ("openness", 1e-3)):
            for effect, value in (("direct", 0.45), ("indirect", -0.3), ("total", 0.15)):
                estimate = (value + shift) * scale
                half = 0.05 * scale if w == "queen" else 0.4 * scale
                rows.append(("sdm", w, "main", variable, effect, estimate, estimate - half, estimate + half))
    columns = ["model", "weights", "spec", "variable", "effect", "estimate", "ci_low", "ci_high"]
    return pd.DataFrame(rows, columns=columns)


def estimates_table() -> pd.DataFrame:
    rows = []
    for model, terms in (("ols", ["infrastructure"]), ("sdm", ["infrastructure", "W.infrastructure", "rho"])):
        for w in ("queen", "inverse_distance"):
            rows += [(model, w, "main", term, 0.3 + 0.1 * k, 0.05) for k, term in enumerate(terms)]
            rows.append((model, w, "random", terms[0], 0.2, 0.05))
    return pd.DataFrame(rows, columns=["model", "weights", "spec", "term", "estimate", "std_error"])


def test_effects_and_coefficient_plots_are_made_and_the_same_bytes_twice(tmp_path):
    made = {}
    for run in ("a", "b"):
        effects = [tmp_path / f"effects_{run}.png", tmp_path / f"effects_{run}.pdf"]
        coefficients = [tmp_path / f"coefficients_{run}.png", tmp_path / f"coefficients_{run}.pdf"]
        figures.effects_plot(
            effects_table(), effects, model="sdm", dependent="nqpf", note="simulated demo data"
        )
        figures.coefficient_plot(
            estimates_table(), coefficients, dependent="nqpf", note="simulated demo data"
        )
        made[run] = [p.read_bytes() for p in effects + coefficients]
    assert made["a"] == made["b"]
    assert all(len(data) > 5_000 for data in made["a"])
    assert made["a"][1].startswith(b"%PDF") and made["a"][3].startswith(b"%PDF")


def test_an_interval_far_wider_than_the_others_is_cut_and_zero_stays_in_view():
    fig, ax = plt.subplots()
    items = [
        (0, 0.40, 0.38, 0.42, "k"),
        (1, 0.41, 0.39, 0.43, "k"),
        (2, 0.45, 0.35, 0.55, "k"),
        (3, 0.4, -9, 9, "k"),
    ]
    figure_estimates._forest(ax, items)
    low, high = ax.get_xlim()
    plt.close(fig)
    assert low < 0 < high
    assert -9 < low and high < 9  # cut at 4 median widths (0.04 and 0.2: 0.48) from the estimate
    assert high < 0.4 + 4 * 0.12 + 0.1


def test_an_estimate_at_the_bound_far_from_the_others_is_an_arrow_at_the_edge_with_its_value():
    nan = float("nan")
    items = [(0, 0.40, 0.30, 0.50, "k"), (1, -67.8, nan, nan, "r", True), (2, 0.45, 0.35, 0.55, "k", False)]
    fig, ax = plt.subplots()
    figure_estimates._forest(ax, items)
    low, high = ax.get_xlim()
    texts = [t.get_text() for t in ax.texts]
    plt.close(fig)
    assert -0.2 < low < 0 < 0.55 < high < 0.7  # the range of the others and zero
    assert texts == ["\N{MINUS SIGN}67.8"]
    fig, ax = plt.subplots()  # within the others' range: a point as any other
    figure_estimates._forest(ax, [items[0], (1, 0.2, nan, nan, "r", True), items[2]])
    assert ax.get_xlim() == pytest.approx((low, high)) and not ax.texts
    plt.close(fig)
    fig, ax = plt.subplots()  # every estimate flagged: they set the range
    figure_estimates._forest(ax, [(0, -67.8, nan, nan, "r", True), (1, 12.0, nan, nan, "r", True)])
    low, high = ax.get_xlim()
    plt.close(fig)
    assert low < -67.8 and high > 12.0


@pytest.mark.parametrize(
    ("table", "kwargs", "message"),
    [
        (lambda: effects_table(), {"model": "sar"}, "no rows for model sar, spec main"),
        (lambda: effects_table().drop(columns="ci_low"), {"model": "sdm"}, "has no column ci_low"),
        (lambda: effects_table().iloc[0:0], {"model": "sdm"}, "no rows for model sdm"),
    ],
)
def test_effects_plot_refuses_tables_without_the_model_or_its_intervals(tmp_path, table, kwargs, message):
    with pytest.raises(InputError, match=message) as error:
        figures.effects_plot(table(), tmp_path / "effects.png", source="models/effects.csv", **kwargs)
    assert "models/effects.csv" in str(error.value)
    if "sar" in message:
        assert "sdm" in str(error.value)  # names the models the table holds
    assert not (tmp_path / "effects.png").exists()


def test_coefficient_plot_refuses_tables_without_standard_errors_or_the_spec(tmp_path):
    with pytest.raises(InputError, match="has no column std_error"):
        figures.coefficient_plot(estimates_table().drop(columns="std_error"), tmp_path / "c.png")
    with pytest.raises(InputError, match="no rows for spec East") as error:
        figures.coefficient_plot(estimates_table(), tmp_path / "c.png", spec="East")
    assert "main, random" in str(error.value)
    assert not (tmp_path / "c.png").exists()


def test_the_figure_modules_load_neither_scipy_stats_nor_scipy_optimize():
    """A figure job imports what it draws with: scipy.stats and scipy.optimize (about a second of a job's start)
    are left to the jobs that estimate; a kernel density is nqpf.disparity.kernel's."""
    import subprocess
    import sys
    from pathlib import Path

    modules = sorted(p.stem for p in Path(figures.__file__).parent.glob("*.py") if p.stem != "__init__")
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module('nqpf.figures.' + name)\n"
        "print(' '.join(m for m in ('scipy.stats', 'scipy.optimize') if m in sys.modules))"
    )
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert len(modules) > 10 and loaded.strip() == ""
