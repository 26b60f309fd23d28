"""What every figure shares: fonts that render Chinese, region colours, and files whose bytes depend on
the figure alone."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from nqpf.errors import InputError
from nqpf.figures.settings import PREVIEW_DPI
from nqpf.tables.labels import Labels

REGION_COLOURS = {
    "East": "#c53030",
    "Central": "#dd6b20",
    "West": "#2f855a",
    "Northeast": "#2b6cb0",
    "National": "#1a202c",
}


def region_colour(name: str, k: int) -> str:
    return REGION_COLOURS.get(name, plt.get_cmap("tab20")(k % 20))


_CJK_READY: bool | None = None


def use_cjk_font() -> bool:
    """Register Noto Sans CJK SC (shipped by the mplfonts package), as TrueType
    (:func:`nqpf.figures.fonts.truetype_font`, built on first use where ``make`` has not built it), as matplotlib's
    fallback for Chinese text.

    Returns False, and figures then label units with their English names, when the font is not installed."""
    global _CJK_READY
    if _CJK_READY is not None:
        return _CJK_READY
    try:
        from matplotlib import font_manager

        from nqpf.figures.fonts import truetype_font

        path = truetype_font()
        if path is None:
            raise FileNotFoundError("no writable directory for the TrueType Chinese font")
        font_manager.fontManager.addfont(str(path))
        name = font_manager.FontProperties(fname=str(path)).get_name()
        plt.rcParams["font.family"] = ["DejaVu Sans", name]
        # bold text (a map's north arrow) is set in DejaVu Sans Bold; the Chinese fallback has one weight, which
        # matplotlib would report on every figure with bold text
        logging.getLogger("matplotlib.font_manager").addFilter(_OneWeight(name))
        _CJK_READY = True
    except (ImportError, FileNotFoundError, OSError, RuntimeError):
        _CJK_READY = False
    return _CJK_READY


class _OneWeight(logging.Filter):
    """Drops matplotlib's note that the Chinese font has no bold weight (its regular weight is used)."""

    def __init__(self, family: str):
        super().__init__()
        self.family = family

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return not (message.startswith("findfont: Failed to find font weight") and self.family in message)


def label_of(row, cjk: bool) -> str:
    """A unit's Chinese name when Chinese renders, else its English name."""
    return str(row["name"]) if cjk else str(row.get("name_en") or row["code"])


def as_labels(labels: Labels | dict | None) -> Labels:
    """The words of a figure: ``labels`` (the study's :class:`~nqpf.tables.labels.Labels`, as its tables use
    them), by default the English vocabulary; a plain dict of key -> English name is taken as the study's
    English labels."""
    if labels is None:
        return Labels()
    if isinstance(labels, dict):
        return Labels("en", {key: {"en": str(name)} for key, name in labels.items()})
    return labels


def given_name(labels: Labels, key: str, fallback: str) -> str:
    """The name the study gives ``key`` in its language (``tables.labels``), else ``fallback`` (an index's title)."""
    return labels.name(key) if labels.language in labels.names.get(key, {}) else fallback


def chinese(labels: Labels) -> bool:
    """Whether a figure names units in Chinese: a Chinese study with a font that renders it."""
    return labels.language == "zh" and use_cjk_font()


def in_parentheses(text: str, labels: Labels) -> str:
    """`` (text)`` in English, ``（text）`` in Chinese; nothing for no text."""
    if not text:
        return ""
    return f"（{text}）" if labels.language == "zh" else f" ({text})"


def term_or(labels: Labels, key: str, fallback: str) -> str:
    """A word of the vocabulary, or ``fallback`` when the vocabulary has none of that key."""
    from nqpf.tables.labels import TERMS

    return labels.term(key) if key in TERMS else fallback


def place_apart(ax, anchors, texts, fontsize: float, **text_kwargs) -> list:
    """Name points (``anchors`` in data coordinates, in order of importance) so that no two names overlap: each
    name goes to the first position, nearest first on rings of eight directions around its point, where its box
    stays inside the axes and meets neither a name already placed nor another named point; a leader line joins a
    name set away from its point. Deterministic; call it once the axes have their final size (after ``tight_layout``)."""
    from matplotlib.text import Text
    from matplotlib.transforms import Bbox

    fig = ax.figure
    renderer = fig.canvas.get_renderer()
    scale = fig.dpi / 72.0  # pixels per point
    points = ax.transData.transform(np.asarray(anchors, dtype=float).reshape(-1, 2))
    pad = 1.0 * scale
    placed: list = []
    made = []
    directions = [(1, 1), (-1, 1), (1, -1), (-1, -1), (1, 0), (-1, 0), (0, 1), (0, -1)]
    for k, ((x, y), text) in enumerate(zip(points, texts, strict=True)):
        probe = Text(0, 0, text, fontsize=fontsize, figure=fig)
        box = probe.get_window_extent(renderer)
        width, height = box.width / scale, box.height / scale  # points
        others = [p for j, p in enumerate(points) if j != k]
        chosen, ring = None, 0
        for ring in range(40):
            step = 5.0 * ring
            for dx, dy in directions:
                offset = (dx * (width / 2 + 2.5 + step), dy * (height / 2 + 1.5 + step))
                cx, cy = x + offset[0] * scale, y + offset[1] * scale
                candidate = Bbox.from_extents(
                    cx - width * scale / 2 - pad,
                    cy - height * scale / 2 - pad,
                    cx + width * scale / 2 + pad,
                    cy + height * scale / 2 + pad,
                )
                if any(candidate.overlaps(b) for b in placed):
                    continue
                if not (
                    ax.bbox.contains(candidate.x0, candidate.y0)
                    and ax.bbox.contains(candidate.x1, candidate.y1)
                ):
                    continue  # a name stays inside the axes
                if any(candidate.contains(px, py) for px, py in others):
                    continue
                chosen = offset
                break
            if chosen is not None:
                break
        if chosen is None:  # no room within reach: the last ring's first position
            chosen = (width / 2 + 2.5 + 5.0 * ring, height / 2 + 1.5 + 5.0 * ring)
        cx, cy = x + chosen[0] * scale, y + chosen[1] * scale
        placed.append(
            Bbox.from_extents(
                cx - width * scale / 2,
                cy - height * scale / 2,
                cx + width * scale / 2,
                cy + height * scale / 2,
            )
        )
        made.append(
            name_point(
                ax, text, anchors[k], chosen, None if ring == 0 else _LEADER, fontsize=fontsize, **text_kwargs
            )
        )
    return made


_LEADER = {"arrowstyle": "-", "linewidth": 0.3, "color": "#555555", "shrinkA": 0, "shrinkB": 1.5}


def name_point(ax, text: str, anchor, offset, leader: dict | None = None, **text_kwargs):
    """Name a point: ``text`` centred ``offset`` (x, y in points) from ``anchor`` (data coordinates), and where it
    is set away, a leader line (``leader``: ``linewidth``, ``color``, ``shrinkB`` in points at the point's end)
    from the edge of the text's box grown by 2 points, where matplotlib cuts an annotation's arrow, to the point.
    The cut is computed here once (:func:`leader_start`) and the leader drawn as a plain line, instead of
    matplotlib bisecting an annotation's arrow against the box at every draw: on a map naming 31 provinces in
    twelve panels that took a sixth of the figure's time."""
    from matplotlib.lines import Line2D
    from matplotlib.text import Text
    from matplotlib.transforms import Affine2D, ScaledTranslation

    if leader is not None and tuple(offset) != (0.0, 0.0):
        fig = ax.figure
        probe = Text(0, 0, text, figure=fig, **{k: v for k, v in text_kwargs.items() if k in _TEXT_SIZE})
        box = probe.get_window_extent(fig.canvas.get_renderer())
        scale = 72.0 / fig.dpi
        start = leader_start(offset, box.width * scale, box.height * scale)
        if start is not None:
            length = float(np.hypot(*start))
            shrink = min(float(leader.get("shrinkB", 0.0)), length)
            end = (start[0] * shrink / length, start[1] * shrink / length)
            # in points from the anchor, at whatever resolution the figure is drawn
            points = (
                Affine2D().scale(1 / 72.0) + fig.dpi_scale_trans + ScaledTranslation(*anchor, ax.transData)
            )
            ax.add_line(
                Line2D(
                    [start[0], end[0]],
                    [start[1], end[1]],
                    transform=points,
                    linewidth=leader.get("linewidth", 0.5),
                    color=leader.get("color", "black"),
                    solid_capstyle="butt",
                )
            )
    return ax.annotate(
        text, anchor, xytext=offset, textcoords="offset points", ha="center", va="center", **text_kwargs
    )


_TEXT_SIZE = ("fontsize", "fontfamily", "fontweight", "fontproperties", "family", "size", "weight")


def leader_start(offset, width: float, height: float, pad: float = 2.0) -> tuple[float, float] | None:
    """Where a leader line leaves a name's box: the name centred ``offset`` (points) from its point, its text
    ``width`` by ``height`` points, the box grown by ``pad`` points on each side. The line runs from the box's
    centre to the point and leaves the box at the fraction t = min(half width / |dx|, half height / |dy|) of the
    way; None when the point lies within the box (no line)."""
    dx, dy = float(offset[0]), float(offset[1])
    limits = [(width / 2 + pad) / abs(dx) if dx else np.inf, (height / 2 + pad) / abs(dy) if dy else np.inf]
    t = min(limits)
    if t >= 1.0:
        return None
    return (dx * (1.0 - t), dy * (1.0 - t))


def subplots(*args, **kwargs):
    """``plt.subplots`` for a figure that is drawn once, when it is saved. geopandas asks the canvas for a redraw
    after every layer it adds (``GeoSeries.plot`` calls ``draw_idle``), and a non-interactive canvas then draws the
    whole figure each time: a map of twelve panels was drawn some a hundred times. The figure's bytes are the
    same."""
    fig, axes = plt.subplots(*args, **kwargs)
    fig.canvas.draw_idle = _drawn_when_saved
    return fig, axes


def _drawn_when_saved(*args, **kwargs) -> None:
    """A figure's ``draw_idle`` until it is saved (:func:`subplots`)."""


# -- Saving ----------------------------------------------------------------------------------------------------------

# No dates, versions or software names in the files, so that the same figure gives the same bytes on every run.
_METADATA = {
    "png": {"Software": None},
    "pdf": {"Creator": None, "Producer": None, "CreationDate": None},
    "svg": {"Creator": None, "Date": None},
}
# Fonts a journal's checks accept: TrueType outlines embedded in PDF (not Type 3), text drawn as outlines in SVG
# (it then looks the same where the font is not installed).
_FONTS = {"pdf.fonttype": 42, "ps.fonttype": 42, "svg.fonttype": "path", "svg.hashsalt": "nqpf"}
RASTER = ("png", "tif", "tiff")


@dataclass(frozen=True)
class FigureFiles:
    """The files of one figure: ``paths`` (PNG, TIFF, PDF, SVG, by their suffix) with the PNG and TIFF at ``dpi``,
    and ``preview``, a PNG at :data:`~nqpf.figures.settings.PREVIEW_DPI` for the study's report."""

    paths: tuple[str, ...]
    dpi: int | None = None
    preview: str | None = None

    @classmethod
    def of(cls, outputs, name: str, dpi: int | None = None) -> FigureFiles:
        """The files a rule's outputs name for figure ``name``: ``name`` (the PNG), ``<name>_<format>`` (the other
        formats) and ``<name>_preview``."""
        keys = list(outputs.keys())
        others = [outputs[k] for k in keys if k.startswith(f"{name}_") and k != f"{name}_preview"]
        preview = outputs[f"{name}_preview"] if f"{name}_preview" in keys else None
        return cls((str(outputs[name]), *map(str, others)), dpi, preview)


def _hide_axes_turned_off(fig) -> None:
    """Hide the x and y axes of every panel turned off (maps): matplotlib still lays out their ticks to place
    each panel's title, a fifth of the time of a map of twelve years, for axes that are not drawn."""
    panels = list(fig.get_axes())
    while panels:
        ax = panels.pop()
        panels += list(ax.child_axes)
        if not ax.axison:
            ax.xaxis.set_visible(False)
            ax.yaxis.set_visible(False)


# zlib's fastest level: a 300 dpi map of twelve years is written in 0.8 s instead of 1.3 s, and its file is as
# large (the flat colours of a figure compress alike at every level)
PNG_OPTIONS = {"compress_level": 1}


def save(fig, paths, dpi: int | None = None) -> None:
    """Write a figure to one or several files (PNG, TIFF, PDF, SVG, by their suffix) whose bytes depend on the figure
    alone, then close it: PDF with TrueType fonts, SVG with text as outlines, PNG and TIFF (LZW-compressed) at
    ``dpi`` dots per inch (default the figure's own). ``paths`` may be a :class:`FigureFiles`, which brings its
    resolution and the report's copy."""
    preview = None
    if isinstance(paths, FigureFiles):
        files = [(path, paths.dpi or dpi) for path in paths.paths]
        preview = paths.preview
    else:
        files = [(path, dpi) for path in ([paths] if isinstance(paths, str | Path) else list(paths))]
    _hide_axes_turned_off(fig)
    with plt.rc_context(_FONTS):
        for path, resolution in files:
            suffix = Path(path).suffix.lower().lstrip(".")
            options = {"dpi": resolution} if resolution and suffix in RASTER else {}
            if suffix in ("tif", "tiff"):
                options["pil_kwargs"] = {"compression": "tiff_lzw"}
            elif suffix == "png":
                options["pil_kwargs"] = dict(PNG_OPTIONS)  # matplotlib adds the metadata to it
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            fig.savefig(path, metadata=_METADATA.get(suffix), **options)
        if preview:
            source = _finer_png(files, fig.dpi)
            if source is None:
                Path(preview).parent.mkdir(parents=True, exist_ok=True)
                fig.savefig(preview, metadata=_METADATA["png"], dpi=PREVIEW_DPI)
            else:
                _reduce(*source, preview)
    plt.close(fig)


def _finer_png(files, default_dpi: float) -> tuple[str, float] | None:
    """The PNG among ``files`` (path, dpi) drawn at :data:`PREVIEW_DPI` or finer, with its resolution, if any."""
    for path, resolution in files:
        if Path(path).suffix.lower() == ".png" and (resolution or default_dpi) >= PREVIEW_DPI:
            return str(path), float(resolution or default_dpi)
    return None


def _reduce(source: str, resolution: float, preview: str) -> None:
    """The report's copy of a figure: its PNG scaled down to :data:`PREVIEW_DPI` (the mean of each block of pixels
    when the resolution is a whole multiple of it, else a Lanczos filter) rather than drawn
    a third time, which for a map of twelve years took as long as the PNG itself (the per-artist work of a draw
    does not shrink with the resolution)."""
    from PIL import Image

    with Image.open(source) as image:
        image.load()
        scale = PREVIEW_DPI / resolution
        size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
        factor = resolution / PREVIEW_DPI
        if size == image.size:
            smaller = image
        elif factor == int(factor):  # 300 dpi: the mean of each 3 x 3 block, in a third of Lanczos's time
            smaller = image.reduce(int(factor))
        else:
            smaller = image.resize(size, Image.Resampling.LANCZOS)
        Path(preview).parent.mkdir(parents=True, exist_ok=True)
        smaller.save(preview, format="png", dpi=(PREVIEW_DPI, PREVIEW_DPI), **PNG_OPTIONS)


def require_columns(table, columns, source: str, fix: str) -> None:
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise InputError(
            f"{source} has no column {', '.join(missing)}",
            file=source,
            column=", ".join(missing),
            fix=f"{fix}; its columns are {', '.join(map(str, table.columns)) or 'none'}",
        )


# -- Maps of a variable by year --------------------------------------------------------------------------------------
