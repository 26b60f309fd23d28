"""Shortcuts in drawing maps against what they replace: a leader line cut at the name's box by hand against
matplotlib's own cut, outlines as one path against a line collection, and China's context cut to the view
against the whole of it, pixel for pixel."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import shapely  # noqa: E402
from matplotlib.collections import LineCollection  # noqa: E402
from matplotlib.text import Text  # noqa: E402
from PIL import Image  # noqa: E402

from nqpf.figures import basemap  # noqa: E402
from nqpf.figures.display import draw_lines  # noqa: E402
from nqpf.figures.style import leader_start, name_point  # noqa: E402


def pixels(fig) -> np.ndarray:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100)
    plt.close(fig)
    return np.asarray(Image.open(buffer).convert("RGB"), dtype=int)


@pytest.mark.parametrize("offset", [(30.0, 12.0), (-25.0, 0.0), (0.0, -18.0), (-40.0, 30.0), (8.0, 3.0)])
def test_leader_starts_where_matplotlib_cuts_the_arrow(offset):
    fig, ax = plt.subplots(figsize=(4, 4), dpi=100)
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 10)
    note = ax.annotate(
        "Inner Mongolia",
        (5, 5),
        xytext=offset,
        textcoords="offset points",
        ha="center",
        va="center",
        fontsize=7,
        arrowprops={"arrowstyle": "-", "shrinkA": 0, "shrinkB": 0},
    )
    renderer = fig.canvas.get_renderer()
    fig.canvas.draw()
    box = Text.get_window_extent(note, renderer)  # the text alone, as matplotlib cuts the arrow at it
    scale = 72.0 / fig.dpi
    start = leader_start(offset, box.width * scale, box.height * scale)
    anchor = ax.transData.transform((5, 5))
    arrow = note.arrow_patch.get_path().vertices  # pixels, from the box to the point
    grown = box.padded(2.0 / scale)  # matplotlib cuts at the text's box grown by 2 points on each side
    if start is None:  # the point lies in that box: no leader (matplotlib would draw one through the name)
        assert grown.contains(*anchor)
    else:
        expected = anchor + np.asarray(start) / scale
        np.testing.assert_allclose(arrow[0], expected, atol=0.05)  # pixels; matplotlib bisects to 0.01
    plt.close(fig)


def test_leader_start_by_hand():
    # a box of 20 x 10 points grown by 2: half sizes 12 and 7; the point 24 points left and 7 below the centre
    assert leader_start((24.0, 7.0), 20.0, 10.0) == pytest.approx((12.0, 3.5))
    assert leader_start((10.0, 0.0), 20.0, 10.0) is None  # within the box
    assert leader_start((0.0, 30.0), 20.0, 10.0) == pytest.approx((0.0, 23.0))


def test_name_point_draws_the_name_and_its_leader():
    fig, ax = plt.subplots()
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 10)
    name_point(ax, "Hebei", (5, 5), (30.0, 10.0), {"arrowstyle": "-"}, fontsize=7)
    name_point(ax, "Beijing", (2, 2), (0.0, 0.0), {"arrowstyle": "-"}, fontsize=7)
    assert [t.get_text() for t in ax.texts] == ["Hebei", "Beijing"]
    (line,) = ax.lines  # Hebei's leader: from its box's edge to the point, in pixels
    fig.canvas.draw()
    drawn = line.get_transform().transform(line.get_xydata())
    anchor = ax.transData.transform((5, 5))
    np.testing.assert_allclose(drawn[1], anchor, atol=1e-9)
    direction = (drawn[0] - anchor) / np.hypot(*(drawn[0] - anchor))
    np.testing.assert_allclose(direction, np.array([30.0, 10.0]) / np.hypot(30.0, 10.0), atol=1e-9)
    plt.close(fig)


def test_outlines_as_one_path_look_as_a_line_collection():
    rng = np.random.default_rng(3)
    rings = []
    for row in range(8):
        for column in range(
            8
        ):  # apart, so that no two lines cross (where antialiasing would add up differently)
            angles = np.linspace(0, 2 * np.pi, int(rng.integers(4, 40)))
            radius = rng.uniform(1, 5)
            rings.append(
                np.array([12.0 * column, 12.0 * row]) + radius * np.c_[np.cos(angles), np.sin(angles)]
            )
    images = []
    for collection in (True, False):
        fig, ax = plt.subplots(figsize=(4, 4))
        if collection:
            ax.add_collection(LineCollection(rings, color="#222222", linewidth=0.6))
            ax.set_aspect("equal")
            ax.autoscale_view()
        else:
            draw_lines(ax, rings, None, color="#222222", linewidth=0.6)
        ax.set_axis_off()
        images.append(pixels(fig))
    assert np.array_equal(images[0], images[1])


def test_context_cut_to_the_view_draws_the_same_pixels():
    context = basemap.china_context()
    bounds = tuple(context.land.total_bounds)
    width, height = bounds[2] - bounds[0], bounds[3] - bounds[1]
    inset = (bounds[0] + 0.45 * width, bounds[1], bounds[0] + 0.75 * width, bounds[1] + 0.35 * height)
    images = []
    for cut in (None, inset):
        fig, ax = plt.subplots(figsize=(3, 3.5))
        basemap._draw_context(ax, context, "#d9d9d9", maritime=True, bounds=cut)
        ax.set_xlim(inset[0], inset[2])
        ax.set_ylim(inset[1], inset[3])
        ax.set_aspect("equal")
        ax.set_axis_off()
        images.append(pixels(fig))
    # the same territory within the view, to the square metre
    view = shapely.box(*inset)
    cut = shapely.union_all(shapely.clip_by_rect(np.asarray(context.land), *inset))
    assert shapely.area(cut) == pytest.approx(
        shapely.area(shapely.intersection(context.land.union_all(), view))
    )
    # the same pixels but where the outline of a small island starts at another vertex (antialiasing)
    difference = np.abs(images[0] - images[1]).max(axis=2)
    assert (difference > 32).mean() < 0.005 and difference.mean() < 1.0
    whole = len(context.paths["land"].vertices)
    assert len(context.paths_within(inset)["land"].vertices) < whole / 2
