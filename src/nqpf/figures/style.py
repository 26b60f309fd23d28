"""What every figure shares: fonts that render Chinese, region colours, and files whose bytes depend on
the figure alone."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt

from nqpf.errors import InputError

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
    """Register Noto Sans CJK SC (shipped by the mplfonts package) as matplotlib's fallback for Chinese text.

    Returns False, and figures then label units with their English names, when the font is not installed."""
    global _CJK_READY
    if _CJK_READY is not None:
        return _CJK_READY
    try:
        from importlib import resources

        from matplotlib import font_manager

        path = resources.files("mplfonts") / "fonts" / "NotoSansCJKsc-Regular.otf"
        font_manager.fontManager.addfont(str(path))
        name = font_manager.FontProperties(fname=str(path)).get_name()
        plt.rcParams["font.family"] = ["DejaVu Sans", name]
        _CJK_READY = True
    except (ImportError, FileNotFoundError, OSError, RuntimeError):
        _CJK_READY = False
    return _CJK_READY


def label_of(row, cjk: bool) -> str:
    """A unit's Chinese name when Chinese renders, else its English name."""
    return str(row["name"]) if cjk else str(row.get("name_en") or row["code"])


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
_METADATA = {"png": {"Software": None}, "pdf": {"Creator": None, "Producer": None, "CreationDate": None}}


def save(fig, paths) -> None:
    """Write a figure to one or several files (PNG, PDF) whose bytes depend on the figure alone, then close it."""
    for path in [paths] if isinstance(paths, str | Path) else list(paths):
        fig.savefig(path, metadata=_METADATA.get(Path(path).suffix.lower().lstrip("."), {}))
    plt.close(fig)


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
