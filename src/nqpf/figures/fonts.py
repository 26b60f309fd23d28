"""The Chinese font of the figures as TrueType, so that PDF figures embed TrueType outlines only.

matplotlib embeds a font in a PDF as TrueType (``pdf.fonttype`` 42) or as Type 3 bitmaps-in-procedures (the
default, 3), which journals' submission checks reject. The Chinese font the figures use, Noto Sans CJK SC
(shipped by the ``mplfonts`` package, SIL Open Font License), has cubic (CFF) outlines; matplotlib writes those
into a TrueType font dictionary, a mismatch PDF checkers report. Its outlines converted to quadratic curves (the
TrueType ``glyf`` table, at most 1 font unit from the originals; fontTools' ``cu2qu``) make a true TrueType font,
built once per environment (``make`` builds it at install; ``python -m nqpf.figures.fonts`` builds it by hand) and
read from ``<sys.prefix>/share/nqpf/fonts`` or, where that is not writable, ``~/.cache/nqpf/fonts``
(``NQPF_FONT_DIR`` overrides both). The same input font gives the same bytes.
"""

from __future__ import annotations

import fcntl
import os
import sys
from importlib import resources
from pathlib import Path

from nqpf.io import replaced

SOURCE = "NotoSansCJKsc-Regular.otf"
TRUETYPE = "NotoSansCJKsc-Regular-TrueType.ttf"
MAX_ERROR = 1.0  # font units (1/1000 em) between a cubic curve and its quadratic approximation


def source_font() -> Path:
    """The OpenType (CFF) Noto Sans CJK SC of the ``mplfonts`` package."""
    return Path(str(resources.files("mplfonts") / "fonts" / SOURCE))


def font_directories() -> list[Path]:
    """Where the TrueType font is looked for and built, in order."""
    if os.environ.get("NQPF_FONT_DIR"):
        return [Path(os.environ["NQPF_FONT_DIR"])]
    return [Path(sys.prefix) / "share" / "nqpf" / "fonts", Path.home() / ".cache" / "nqpf" / "fonts"]


def truetype_font(build: bool = True) -> Path | None:
    """The TrueType Noto Sans CJK SC: an existing one, else (``build``) one built now (about two minutes), else
    None. Raises what reading the source font raises (no ``mplfonts``: ImportError)."""
    for directory in font_directories():
        if (directory / TRUETYPE).is_file():
            return directory / TRUETYPE
    if not build:
        return None
    source = source_font()
    for directory in font_directories():
        try:
            directory.mkdir(parents=True, exist_ok=True)
            with open(directory / f"{TRUETYPE}.lock", "w") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX)  # one process builds; the others wait for its file
                if (directory / TRUETYPE).is_file():
                    return directory / TRUETYPE
                return convert(source, directory / TRUETYPE)
        except PermissionError:
            continue
    return None


def convert(source: Path, target: Path) -> Path:
    """Write ``source`` (an OpenType font with CFF outlines) to ``target`` as a TrueType font of the glyphs of its
    characters: every glyph's cubic curves as quadratic ones (within :data:`MAX_ERROR` font units), the tables
    TrueType needs (glyf, loca, maxp version 1, post version 2 with the glyph names) and the rest as they were.

    Glyphs reached only through OpenType layout features (vertical forms, regional variants), and the layout and
    vertical metrics tables, are left out: matplotlib lays out text without them, and a figure's PDF subsets the
    font on every save, which these tables would slow down several times. The file appears only when complete."""
    from fontTools import subset
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import TTFont, newTable

    font = TTFont(str(source), recalcTimestamp=False)
    dropped = ["GSUB", "GPOS", "GDEF", "BASE", "vhea", "vmtx", "VORG", "DSIG"]
    for table in dropped:  # before subsetting, which would otherwise prune them first
        if table in font:
            del font[table]
    options = subset.Options(
        layout_features=[],
        glyph_names=True,
        notdef_outline=True,
        name_IDs=["*"],
        name_languages=["*"],
        name_legacy=True,
        recalc_timestamp=False,
    )
    options.drop_tables += dropped
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=font.getBestCmap().keys())
    subsetter.subset(font)
    order = font.getGlyphOrder()
    glyphs = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyphs)
        glyphs[name].draw(Cu2QuPen(pen, MAX_ERROR, reverse_direction=True))
        glyf.glyphs[name] = pen.glyph()
    font["glyf"] = glyf
    font["loca"] = newTable("loca")
    for table in ("CFF ", "VORG"):
        if table in font:
            del font[table]
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for field in (
        "maxZones",
        "maxTwilightPoints",
        "maxStorage",
        "maxFunctionDefs",
        "maxInstructionDefs",
        "maxStackElements",
        "maxSizeOfInstructions",
        "maxComponentElements",
    ):
        setattr(maxp, field, 0)
    maxp.maxZones = 1
    maxp.maxComponentDepth = 0
    post = font["post"]
    post.formatType = 2.0  # the glyph names, so that matplotlib's subsetting need not make them from the cmap
    post.extraNames = []
    post.mapping = {}
    font.sfntVersion = "\x00\x01\x00\x00"
    with replaced(target, ".ttf") as temporary:
        font.save(temporary)
    return target


if __name__ == "__main__":
    built = truetype_font()
    print(built if built else "no writable font directory", file=sys.stderr)
