"""The sheets as documents WeasyPrint lays out: each subject's pieces, the frame pages they
are drawn on, and the booklet's contents and cover — HTML from the Jinja2 templates, CSS in
cascade order. :mod:`generator.sheets.plan` plans a :class:`Sheet`; this module only sets it.

Kept light on purpose: the render workers import it (and nothing that reads or plans
notes), so they start sooner.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from typing import TypedDict

import jinja2
from markupsafe import Markup

from .._version import __version__
from ..facts.subjects import Subject
from ..lang import labels
from ..options import SheetOptions
from ..resources import TEMPLATES, template_text
from .impose import Box, Geometry, Imposition, Laid, stack
from .page import PageSetup

SUBJECT_KINDS = ("service", "topic")
"""A subject's sheets (the booklet also packs its decision page: counted apart)."""
LABELS = labels("sheet_labels")
"""What a sheet prints besides the notes, per language (generator/data/lang/*.toml)."""


Stylesheets = tuple[str, ...]
"""A document's CSS, in cascade order: the shared parts first, each parsed once per worker."""


@dataclass(frozen=True, slots=True)
class Sheet:
    """One subject's cheat sheet, ready to render."""

    subject: Subject
    title: str
    lang: str
    html: str
    stylesheet: str
    """The print CSS (rules and page setup): the same for every sheet of a build, so each
    render worker parses it once."""
    tight_stylesheet: str
    """The same, set tighter: used if the last page would hold only a few lines."""
    running: str
    """This sheet's own CSS: its title and sources in the page margins."""
    build_date: str
    """The date in the footer (left out of :attr:`digest`)."""
    head: Markup = field(default_factory=Markup)
    """The title block (name, category, definition), for the packed booklet."""
    boxes: tuple[Markup, ...] = ()
    """Each box of the sheet, in order, for the packed booklet."""

    def stylesheet_for(self, tight: bool) -> str:
        """The shared print CSS, normal or tight."""
        return self.tight_stylesheet if tight else self.stylesheet

    @property
    def digest(self) -> str:
        """Changes whenever the sheet's content, look or options change — not its date: a
        sheet is re-rendered when it changes, and its footer keeps the date it last did."""
        payload = "\x1f".join((self.html, self.stylesheet, self.tight_stylesheet, self.running))
        return hashlib.sha256(payload.replace(self.build_date, "").encode()).hexdigest()[:20]


class BookletEntry(TypedDict):
    name: str
    category: str
    page: int


def label_texts() -> list[str]:
    """Every label a sheet or the booklet may print (their characters need glyphs)."""
    return [text for values in LABELS.values() for text in values.values()]


def labels_for(lang: str) -> dict[str, str]:
    return {key: values.get(lang, values["en"]) for key, values in LABELS.items()}


@cache
def environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )


def css_string(text: str) -> str:
    """A CSS string literal (for running headers set from the page's own data)."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")
    return f'"{escaped}"'


def stylesheet(page: PageSetup) -> str:
    """The print CSS every sheet of a build shares: its rules and the page setup."""
    return template_text("sheets/sheet.css") + page.css()


def _subjects(sheets: list[Sheet]) -> int:
    return sum(sheet.subject.kind in SUBJECT_KINDS for sheet in sheets)


def _booklet_document(
    template: str,
    sheets: list[Sheet],
    options: SheetOptions,
    build_date: str,
    *,
    body_class: str,
    **content: object,
) -> tuple[str, Stylesheets]:
    """HTML and CSS of a booklet document: the packed booklet, or the cover and contents
    bound before the sheets of a one-per-page booklet."""
    lang = Counter(sheet.lang for sheet in sheets).most_common(1)[0][0] if sheets else "en"
    labels = labels_for(lang)
    page = (
        environment()
        .get_template(template)
        .render(
            lang=lang,
            title=labels["booklet"],
            subtitle=labels["subjects"].format(count=_subjects(sheets)) + " · cheatdeck",
            build_date=build_date,
            author=options.author,
            version=__version__,
            labels=labels,
            body_class=body_class,
            sheets=sheets,
            **content,
        )
    )
    dated = "@page { @bottom-left { content: " + css_string(build_date) + "; } }\n"
    return page, (stylesheet(PageSetup.of(options)), dated)


def pieces_document(sheet: Sheet) -> str:
    """HTML of the sheet's pieces, one to a page, to be laid out once (see
    :mod:`generator.sheets.impose`): the title block at page width, again at column width for the
    booklet, then every box at column width. A page is as tall as a column, so a box
    longer than a column goes on over the next pages (see :func:`pieces_stylesheet`)."""
    return (
        environment()
        .get_template("sheets/pieces.html")
        .render(**_document_context(sheet), head=sheet.head, boxes=sheet.boxes)
    )


def pieces_stylesheet(css: str, page: PageSetup) -> str:
    """A sheet's CSS (``css``, set as ``options`` say) with one piece to a page, a page as
    wide and as tall as a column."""
    return css + _one_piece_per_page(page.geometry)


def _document_context(sheet: Sheet) -> dict[str, object]:
    """What base.html needs: the PDF's language and metadata."""
    return {
        "lang": sheet.lang,
        "title": sheet.title,
        "author": "",
        "version": __version__,
        "build_date": sheet.build_date,
        "body_class": "",
    }


def _one_piece_per_page(geometry: Geometry) -> str:
    width, height = geometry.column_width, geometry.column_height
    return (
        f"@page {{ size: {width:.3f}pt {height:.3f}pt; margin: 0; {_NO_MARGIN_TEXT} }}\n"
        f"@page wide {{ size: {geometry.content_width:.3f}pt {height:.3f}pt; }}\n"
        ".piece { display: flow-root; break-before: page; }\n"
        ".piece.wide { page: wide; break-before: auto; }\n"
    )


_NO_MARGIN_TEXT = " ".join(
    f"@{where} {{ content: none; }}"
    for where in ("top-left", "top-right", "bottom-left", "bottom-right")
)


def sheet_frame(
    sheet: Sheet, options: SheetOptions, tight: bool, imposition: Imposition
) -> tuple[str, Stylesheets]:
    """HTML and CSS of the pages a sheet's pieces are drawn on (set normal or ``tight``):
    running title, sources and page numbers, each page otherwise empty."""
    geometry = PageSetup.of(options, tight).geometry
    context = dict(_document_context(sheet), author=options.author)
    pages = _frame_pages(imposition, geometry, booklet=False)
    page = environment().get_template("sheets/frame.html").render(**context, pages=pages)
    return page, (sheet.stylesheet_for(tight) + _frame_css(geometry), sheet.running)


def booklet_frame(
    sheets: list[Sheet],
    options: SheetOptions,
    build_date: str,
    imposition: Imposition,
    front: Laid,
) -> tuple[str, Stylesheets]:
    """HTML and CSS of the packed booklet's pages: the running title of each page (its
    first subject), page numbers, the anchors the contents link to, and over the contents
    (``front``, drawn at the top of the first page) each row's page number and link."""
    geometry = PageSetup.of(options).geometry
    pages = _frame_pages(imposition, geometry, booklet=True)
    starts = {mark.anchor: mark.page + 1 for mark in imposition.marks if mark.anchor}
    if pages:
        pages[0]["rows"] = _contents_rows(front, starts)
    html, css = _booklet_document(
        "sheets/frame.html",
        sheets,
        options,
        build_date,
        body_class=_packed_class(options),
        pages=pages,
    )
    running = "".join(
        f"@page p{index} {{ @top-left {{ content: {css_string(title)}; }} }}\n"
        for index, title in enumerate(imposition.running)
    )
    return html, (css[0] + _frame_css(geometry), *css[1:], running)


def _contents_rows(front: Laid, starts: dict[str, int]) -> list[dict[str, object]]:
    """Each contents row's link and page number, where the contents are drawn (the top of
    the first page's content box; the contents fit on that page)."""
    tops = {fragment.page: y for fragment, y in stack(front.fragments)}
    return [
        {
            "slug": slot.name,
            "page": starts.get(slot.name, ""),
            "row": _placed(slot.row, tops.get(slot.page, 0.0)),
            "number": _placed(slot.number, tops.get(slot.page, 0.0)),
        }
        for slot in front.slots
    ]


def _placed(box: Box, top: float) -> dict[str, float]:
    x, y, width, height = box
    return {"left": round(x, 3), "top": round(top + y, 3), "width": width, "height": height}


def booklet_front_alone(
    sheets: list[Sheet], options: SheetOptions, build_date: str
) -> tuple[str, Stylesheets]:
    """The booklet's contents block alone, laid out once: measured before packing, then
    drawn at the top of the first page (with no page margin texts: the frame has those)."""
    html, (stylesheet, _dated) = _booklet_document(
        "sheets/front_alone.html", sheets, options, build_date, body_class=_packed_class(options)
    )
    return html, (pieces_stylesheet(stylesheet, PageSetup.of(options)),)


def _packed_class(options: SheetOptions) -> str:
    """The packed booklet's body class: the contents must be measured as they are printed."""
    return "booklet" + (" large" if options.large_print else "")


def _frame_pages(
    imposition: Imposition, geometry: Geometry, *, booklet: bool
) -> list[dict[str, object]]:
    """Each frame page: named for its running title, and the anchors the contents link
    to, in the booklet; plain in a sheet (its bookmarks are written by the imposition)."""
    return [
        {
            "name": f"p{index}" if booklet else "auto",
            "rows": [],
            "anchors": [
                {
                    "name": mark.anchor,
                    "top": round(mark.y - geometry.top, 3),
                    "left": round(mark.x - geometry.left, 3),
                }
                for mark in imposition.marks
                if mark.page == index and mark.anchor and booklet
            ],
        }
        for index in range(imposition.pages)
    ]


def _frame_css(geometry: Geometry) -> str:
    return (
        f".frame-page {{ display: flow-root; position: relative; "
        f"height: {geometry.column_height - 1:.3f}pt; break-after: page; }}\n"
        ".frame-page:last-child { break-after: auto; }\n"
        ".mark { position: absolute; display: block; width: 0; height: 0; }\n"
    )


def booklet_front(
    sheets: list[Sheet], first_pages: list[int], options: SheetOptions, build_date: str
) -> tuple[str, Stylesheets]:
    """HTML and CSS of the booklet's cover and contents (page numbers of the booklet)."""
    entries = [
        BookletEntry(name=sheet.title, category=sheet.subject.category, page=page)
        for sheet, page in zip(sheets, first_pages, strict=True)
    ]
    return _booklet_document(
        "sheets/booklet.html", sheets, options, build_date, body_class="booklet", entries=entries
    )
