"""Read PDFs with real tools: poppler's pdftotext, pypdf, and fontTools for glyph outlines."""

from __future__ import annotations

import io
import re
import subprocess
from pathlib import Path

from fontTools.pens.recordingPen import RecordingPen
from fontTools.ttLib import TTFont
from pypdf import PdfReader

_BFCHAR = re.compile(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>")


def pdf_text(path: Path, *, layout: bool = False) -> str:
    command = ["pdftotext", *(["-layout"] if layout else []), str(path), "-"]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def _to_unicode(font) -> dict[int, str]:
    cmap = font["/ToUnicode"].get_object().get_data().decode("latin-1")
    mapping = {}
    for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.DOTALL):
        for code, text in _BFCHAR.findall(block):
            mapping[int(code, 16)] = bytes.fromhex(text).decode("utf-16-be")
    return mapping


def _outlines(font) -> dict[int, tuple]:
    """CID → the glyph's outline (pen commands) from the embedded OpenType font."""
    descendant = font["/DescendantFonts"][0].get_object()
    descriptor = descendant["/FontDescriptor"].get_object()
    stream = next(descriptor[key] for key in ("/FontFile3", "/FontFile2") if key in descriptor)
    embedded = TTFont(io.BytesIO(stream.get_object().get_data()))
    glyphs = embedded.getGlyphSet()
    outlines = {}
    for gid, name in enumerate(embedded.getGlyphOrder()):
        pen = RecordingPen()
        glyphs[name].draw(pen)
        outlines[gid] = tuple((op, tuple(args)) for op, args in pen.value)
    return outlines


def drawn_glyphs(path: Path) -> dict[str, set[tuple[str, tuple]]]:
    """Each character drawn in the PDF → the (font, outline) it was drawn with.

    An outline of ``("notdef",)`` means CID 0: the font had no glyph (a tofu box).
    """
    drawn: dict[str, set[tuple[str, tuple]]] = {}
    for page in PdfReader(str(path)).pages:
        for font in _fonts(page["/Resources"]):
            if font.get("/Subtype") != "/Type0":
                continue
            outlines = _outlines(font)
            name = str(font["/BaseFont"]).split("+")[-1]
            for cid, char in _to_unicode(font).items():
                program = ("notdef",) if cid == 0 else outlines.get(cid, ("missing",))
                drawn.setdefault(char, set()).add((name, program))
    return drawn


def _fonts(resources) -> list:
    """The fonts a page's resources use, also inside its form XObjects (imposed pieces)."""
    found = [ref.get_object() for ref in resources.get("/Font", {}).values()]
    for ref in resources.get("/XObject", {}).values():
        xobject = ref.get_object()
        if xobject.get("/Subtype") == "/Form" and "/Resources" in xobject:
            found += _fonts(xobject["/Resources"].get_object())
    return found


def outline(reader: PdfReader) -> list[tuple[str, int, list[tuple[str, int]]]]:
    """(title, page index, [(child title, page index)]) for each top-level bookmark."""
    result = []
    items = reader.outline
    for index, item in enumerate(items):
        if isinstance(item, list):
            continue
        children = (
            items[index + 1]
            if index + 1 < len(items) and isinstance(items[index + 1], list)
            else []
        )
        result.append(
            (
                item.title,
                reader.get_destination_page_number(item),
                [
                    (c.title, reader.get_destination_page_number(c))
                    for c in children
                    if not isinstance(c, list)
                ],
            )
        )
    return result


def column_text(path: Path, columns: int = 3, margin_mm: float = 8, gap_mm: float = 4) -> str:
    """The text of each column, in reading order (pdftotext reads across columns).

    Each page is cropped to each column (with a few points of slack for the tighter
    setting), so lines of neighbouring columns never interleave.
    """
    reader = PdfReader(str(path))
    pieces = []
    for number, page in enumerate(reader.pages, start=1):
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        margin, gap = margin_mm * 72 / 25.4, gap_mm * 72 / 25.4
        column = (width - 2 * margin - (columns - 1) * gap) / columns
        for index in range(columns):
            left = margin + index * (column + gap) - 6
            command = [
                "pdftotext",
                "-f",
                str(number),
                "-l",
                str(number),
                "-x",
                str(int(left)),
                "-y",
                "0",
                "-W",
                str(int(column + 12)),
                "-H",
                str(int(height)),
                str(path),
                "-",
            ]
            pieces.append(
                subprocess.run(command, capture_output=True, text=True, check=True).stdout
            )
    return "\n".join(pieces)


_PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', re.DOTALL)
_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)"')
_MM = 72 / 25.4


def column_fill(path: Path, columns: int = 3, margins_mm: tuple[float, float, float] = (12, 11, 8)):
    """How far down each page's columns the text reaches (0–1, mean of the columns), from
    the word boxes poppler finds (``pdftotext -bbox``) — not from the layout's numbers."""
    top_mm, bottom_mm, side_mm = margins_mm
    xml = subprocess.run(
        ["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    fills = []
    for width, height, body in _PAGE.findall(xml):
        top, bottom = top_mm * _MM, float(height) - bottom_mm * _MM
        left, span = side_mm * _MM, (float(width) - 2 * side_mm * _MM) / columns
        deepest = [top] * columns
        for x0, y0, y1 in _WORD.findall(body):
            if float(y0) < top or float(y1) > bottom:
                continue  # running header and footer
            column = min(columns - 1, max(0, int((float(x0) - left) / span)))
            deepest[column] = max(deepest[column], float(y1))
        fills.append(sum((d - top) / (bottom - top) for d in deepest) / columns)
    return fills
