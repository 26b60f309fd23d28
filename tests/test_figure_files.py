"""The files of a figure as a journal receives them: PDF with TrueType fonts only (no Type 3), SVG with its text as
outlines, PNG and TIFF at the configured resolution, a small copy for the report; the Chinese font converted to
TrueType keeps every character and its shape."""

from __future__ import annotations

import re
import zlib

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from PIL import Image

from nqpf import figures
from nqpf.figures import fonts
from nqpf.figures.settings import PREVIEW_DPI, FiguresSettings
from nqpf.figures.style import FigureFiles, use_cjk_font
from nqpf.tables.labels import Labels

pytestmark = pytest.mark.skipif(not use_cjk_font(), reason="the Chinese font (mplfonts) is not installed")

NAMES = {"nqpf": {"en": "NQPF index", "zh": "新质生产力"}, "queen": {"en": "Adjacency", "zh": "邻接矩阵"}}


def pdf_fonts(data: bytes) -> list[str]:
    """The font types of a PDF's font dictionaries (/Subtype of every /Type /Font object)."""
    return re.findall(rb"/Type\s*/Font\b[^>]*?/Subtype\s*/(\w+)", data) + re.findall(
        rb"/Subtype\s*/(\w+)[^>]*?/Type\s*/Font\b", data
    )


def embedded_font_programs(data: bytes) -> list[bytes]:
    """The first bytes of every font program a PDF embeds (the streams its /FontFile2 entries point to)."""
    objects = {int(m.group(1)): m.end() for m in re.finditer(rb"(\d+) 0 obj", data)}
    heads = []
    for number in re.findall(rb"/FontFile2 (\d+) 0 R", data):
        start = data.index(b"stream", objects[int(number)]) + len(b"stream")
        start += 2 if data[start : start + 2] == b"\r\n" else 1
        end = data.index(b"endstream", start)
        heads.append(zlib.decompress(data[start:end])[:4])
    return heads


def moran_trend(path, language="zh") -> None:
    table = pd.DataFrame(
        {
            "statistic": "moran",
            "variable": "nqpf",
            "weights": "queen",
            "year": [2018, 2019, 2020],
            "value": [0.2, 0.3, 0.35],
            "p_sim": [0.2, 0.01, 0.01],
            "p_rand": np.nan,
        }
    )
    figures.moran_trend(table, path, 0.05, labels=Labels(language, NAMES))


def test_pdf_figures_embed_truetype_fonts_only_chinese_included(tmp_path):
    moran_trend(tmp_path / "trend.pdf")
    data = (tmp_path / "trend.pdf").read_bytes()
    types = pdf_fonts(data)
    assert types and b"Type3" not in types, types
    assert set(types) == {b"Type0", b"CIDFontType2"}, types  # composite fonts of TrueType outlines
    programs = embedded_font_programs(data)
    # DejaVu Sans and Noto Sans CJK SC, each a TrueType program (sfnt version 1.0), none CFF ("OTTO")
    assert len(programs) >= 2 and all(head == b"\x00\x01\x00\x00" for head in programs), programs
    assert b"NotoSansCJKsc" in data


def test_the_check_finds_type3_fonts_in_a_figure_saved_as_matplotlib_saves_it(tmp_path):
    fig, ax = plt.subplots()
    ax.set_title("新质生产力 index")
    with plt.rc_context({"pdf.fonttype": 3}):
        fig.savefig(tmp_path / "type3.pdf")
    plt.close(fig)
    assert b"Type3" in pdf_fonts((tmp_path / "type3.pdf").read_bytes())


def test_svg_text_is_drawn_as_outlines_and_rasters_have_the_configured_resolution(tmp_path):
    files = FigureFiles(
        tuple(str(tmp_path / f"trend.{suffix}") for suffix in ("png", "svg", "tiff")),
        450,
        str(tmp_path / "r.png"),
    )
    moran_trend(files)
    svg = (tmp_path / "trend.svg").read_text(encoding="utf-8")
    assert "<path" in svg and "<text" not in svg
    sizes = {}
    for name, dpi in (("trend.png", 450), ("trend.tiff", 450), ("r.png", PREVIEW_DPI)):
        with Image.open(tmp_path / name) as image:
            # PNG stores whole dots per metre: 450 dpi is 17,717 per metre, 450.012 dpi
            assert image.info["dpi"] == pytest.approx((dpi, dpi), abs=0.02), name
            sizes[name] = image.size
    assert sizes["trend.png"] == sizes["trend.tiff"]
    assert sizes["r.png"][0] == pytest.approx(sizes["trend.png"][0] * PREVIEW_DPI / 450, abs=1)
    with Image.open(tmp_path / "trend.tiff") as image:
        assert image.info["compression"] == "tiff_lzw"


def test_figure_files_are_read_from_a_rules_named_outputs():
    outputs = {"lisa": "a/l.png", "lisa_pdf": "a/l.pdf", "lisa_svg": "a/l.svg", "lisa_preview": "r/a/l.png"}

    class Outputs(dict):  # snakemake's named outputs: keys() and item access
        pass

    files = FigureFiles.of(Outputs(outputs), "lisa", 600)
    assert files == FigureFiles(("a/l.png", "a/l.pdf", "a/l.svg"), 600, "r/a/l.png")


def test_the_same_figure_gives_the_same_bytes_in_every_format(tmp_path):
    for run in ("a", "b"):
        moran_trend(
            FigureFiles(tuple(str(tmp_path / f"{run}.{s}") for s in ("png", "pdf", "svg", "tiff")), 300)
        )
    for suffix in ("png", "pdf", "svg", "tiff"):
        assert (tmp_path / f"a.{suffix}").read_bytes() == (tmp_path / f"b.{suffix}").read_bytes(), suffix


def test_formats_and_resolution_are_checked():
    assert FiguresSettings().formats == ["pdf"] and FiguresSettings().dpi == 300
    with pytest.raises(ValueError, match="twice"):
        FiguresSettings(formats=["pdf", "pdf"])
    with pytest.raises(ValueError):
        FiguresSettings(formats=["eps"])
    with pytest.raises(ValueError):
        FiguresSettings(dpi=50)


def test_the_truetype_chinese_font_keeps_every_character_and_its_shape():
    from fontTools.pens.boundsPen import BoundsPen
    from fontTools.ttLib import TTFont

    source = TTFont(str(fonts.source_font()), lazy=True)
    converted = TTFont(str(fonts.truetype_font()), lazy=True)
    assert "glyf" in converted and "CFF " not in converted and converted.sfntVersion == "\x00\x01\x00\x00"
    # every character keeps its glyph; only glyphs no character maps to (layout variants) are left out
    cmaps = [font.getBestCmap() for font in (source, converted)]
    assert len(cmaps[0]) > 40_000 and cmaps[0].keys() == cmaps[1].keys()
    assert converted["post"].formatType == 2.0 and not any(t in converted for t in ("GSUB", "GPOS", "vmtx"))
    sample = "新质生产力基础设施邻接矩阵莫兰指数濉溪郫都犍为AZaz0129（），。"
    sample += "".join(map(chr, np.random.default_rng(20261128).choice(sorted(cmaps[0]), 300, replace=False)))
    for character in sample:
        bounds, widths = [], []
        for font in (source, converted):
            glyphs = font.getGlyphSet()
            name = font.getBestCmap()[ord(character)]
            pen = BoundsPen(glyphs)
            glyphs[name].draw(pen)
            bounds.append(np.array(pen.bounds if pen.bounds else (0, 0, 0, 0)))  # a space has no outline
            widths.append(glyphs[name].width)
        # quadratic curves within 1 font unit of the cubic ones: the bounds move by at most a unit or two
        assert np.abs(bounds[0] - bounds[1]).max() <= 2, (character, bounds)
        assert widths[0] == widths[1]
