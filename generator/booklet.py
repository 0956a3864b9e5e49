"""The packed booklet: every subject flowing on through the columns, laid out whole once,
afterwards only over the pages an edit touches.

Laying out the whole booklet costs seconds; an edit changes a box or two. So every build
records, page by page, which pieces (a subject's title with its first box, then each
further box) the booklet holds, with a digest of each. The next build finds the pages
whose pieces changed, lays out only the pieces from the first of those pages to the last,
and splices the result into the last booklet — if it fills exactly those pages, ends with
the same piece, and moves no subject's first page (the contents list those). Anything
else (a subject added, a page more or less) lays the booklet out whole.
"""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypedDict

from markupsafe import Markup

from .options import SheetOptions
from .sheets import Sheet, css_string, packed_booklet


@dataclass(frozen=True, slots=True)
class Piece:
    """What the booklet never splits: a subject's title with its first box, or one box."""

    id: str
    html: Markup
    lang: str
    first: bool
    """The subject's title block and first box (its id is the subject's slug)."""

    @property
    def digest(self) -> str:
        return hashlib.sha256(f"{self.lang}\x1f{self.html}".encode()).hexdigest()[:16]


class Record(TypedDict):
    """How a laid-out booklet (or range of it) fell on its pages."""

    pages: list[list[str]]
    """Piece ids on each page, in order (a piece split over two pages is on both)."""
    bookmarks: list[tuple[int, str, int]]
    """(level, title, page index) in document order."""


class Layout(TypedDict, total=False):
    """The record kept between builds, beside the booklet it describes."""

    pdf: str
    """Digest of the booklet's bytes: the record is used only with that very file."""
    key: str
    digests: dict[str, str]
    order: list[str]
    record: Record


def pieces(sheets: list[Sheet]) -> list[Piece]:
    """Every sheet's pieces, in booklet order."""
    found: list[Piece] = []
    for sheet in sheets:
        slug = sheet.subject.slug
        first = sheet.boxes[0] if sheet.boxes else Markup("")
        found.append(Piece(slug, Markup(sheet.head + first), sheet.lang, True))
        found += [
            Piece(f"{slug}--{index}", box, sheet.lang, False)
            for index, box in enumerate(sheet.boxes[1:], start=1)
        ]
    return found


def whole(
    sheets: list[Sheet], found: list[Piece], options: SheetOptions, build_date: str
) -> tuple[str, str]:
    """HTML and CSS of the whole booklet: contents first, then every piece."""
    return packed_booklet(sheets, found, options, build_date, front=True)


@dataclass(frozen=True, slots=True)
class Patch:
    """A range of pages to lay out again, and what it must come out as."""

    first_page: int
    last_page: int
    html: str
    css: str


def plan_patch(
    sheets: list[Sheet],
    new: list[Piece],
    options: SheetOptions,
    build_date: str,
    layout: Layout | None,
    key: str,
) -> Patch | None:
    """The pages an edit touched, laid out alone; None when only a whole layout will do."""
    if layout is None or layout["key"] != key:
        return None
    order = [piece.id for piece in new]
    if order != layout["order"]:
        return None  # a box or subject added or removed: page starts may all move
    changed = {p.id for p in new if layout["digests"].get(p.id) != p.digest}
    pages = layout["record"]["pages"]
    touched = [index for index, ids in enumerate(pages) if changed & set(ids)]
    if not touched or touched[0] == 0:
        return None  # nothing to patch, or the contents page: lay out whole
    first, last = touched[0], touched[-1]
    start = order.index(pages[first][0])
    end = order.index(pages[last][-1])
    if first > 0 and pages[first - 1] and pages[first - 1][-1] == pages[first][0]:
        return None  # the range would start inside a piece split over two pages
    if last + 1 < len(pages) and pages[last + 1] and pages[last + 1][0] == pages[last][-1]:
        return None
    html, css = packed_booklet(sheets, new[start : end + 1], options, build_date, front=False)
    css += _page_margins(layout["record"], first, last, sheets, len(pages))
    return Patch(first, last, html, css)


def _page_margins(record: Record, first: int, last: int, sheets: list[Sheet], total: int) -> str:
    """Running header and page number of each patched page, as the whole booklet has them
    (a range laid out alone knows neither its subject at the top nor its page numbers)."""
    titles = {sheet.subject.slug: sheet.title for sheet in sheets}
    rules = []
    for offset, page in enumerate(range(first, last + 1), start=1):
        slug = record["pages"][page][0].split("--")[0]
        rules.append(
            f"@page :nth({offset}) {{ @top-left {{ content: {css_string(titles.get(slug, ''))}; }}"
            f" @bottom-right {{ content: {css_string(f'{page + 1} / {total}')}; }} }}"
        )
    return "\n".join(rules) + "\n"


def accepts(patch: Patch, layout: Layout, result: Record) -> bool:
    """Whether a patched range fills exactly the pages it replaces, with the same pieces
    at both ends and the same subjects starting on each page."""
    old = layout["record"]["pages"][patch.first_page : patch.last_page + 1]
    new = result["pages"]
    if len(new) != len(old) or not new or new[0][0] != old[0][0] or new[-1][-1] != old[-1][-1]:
        return False
    starts = [[i for i in ids if "--" not in i] for ids in new]
    return starts == [[i for i in ids if "--" not in i] for ids in old]


def splice(
    booklet: bytes, patch: Patch, patched: bytes, layout: Layout, result: Record
) -> tuple[bytes, Record]:
    """The last booklet with the patched pages in place, and its new record."""
    from pypdf import PdfReader, PdfWriter

    old, new = PdfReader(io.BytesIO(booklet)), PdfReader(io.BytesIO(patched))
    writer = PdfWriter()
    for index, old_page in enumerate(old.pages):
        if index == patch.first_page:
            for fresh in new.pages:
                writer.add_page(fresh)
        if not patch.first_page <= index <= patch.last_page:
            writer.add_page(old_page)
    record = layout["record"]
    bookmarks = [b for b in record["bookmarks"] if b[2] < patch.first_page]
    bookmarks += [
        (level, title, page + patch.first_page) for level, title, page in result["bookmarks"]
    ]
    bookmarks += [b for b in record["bookmarks"] if b[2] > patch.last_page]
    parents: dict[int, Any] = {}
    for level, title, number in bookmarks:
        parent = parents.get(level - 1)
        parents[level] = writer.add_outline_item(title=title, page_number=number, parent=parent)
    writer.add_metadata(old.metadata or {})
    buffer = io.BytesIO()
    writer.write(buffer)
    pages = record["pages"][: patch.first_page] + result["pages"]
    pages += record["pages"][patch.last_page + 1 :]
    return buffer.getvalue(), Record(pages=pages, bookmarks=bookmarks)


def new_layout(found: list[Piece], key: str, record: Record, pdf: bytes) -> Layout:
    """What the next build needs to patch the booklet ``pdf`` laid out as ``record``."""
    return Layout(
        pdf=pdf_digest(pdf),
        key=key,
        digests={piece.id: piece.digest for piece in found},
        order=[piece.id for piece in found],
        record=record,
    )


def pdf_digest(pdf: bytes) -> str:
    return hashlib.sha256(pdf).hexdigest()[:20]


def read_layout(path: Path) -> Layout | None:
    try:
        data: Layout = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data


def layout_json(layout: Layout) -> str:
    return json.dumps(layout, ensure_ascii=False)
