"""Stage 4b — imposition: every subject laid out once, its pieces placed on the pages of
its own sheet and of the booklet.

WeasyPrint lays out each piece of a subject — its title block, each box — alone, at column
width, one piece to a page (a box taller than a column goes on over the next pages). Here
those pieces are packed into columns by arithmetic and drawn (pikepdf, form XObjects) onto
frame pages that carry the running title, page numbers, bookmarks and links. Text stays
text and each subject's fonts are embedded once. Laying the booklet out again would cost
as much as every sheet together; packing it costs milliseconds, so an edit re-lays out one
subject and re-packs the rest.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

MM = 72 / 25.4
"""PDF points per millimetre."""
PX = 0.75
"""PDF points per CSS pixel."""
SHEET_HEAD, BOOKLET_HEAD, FIRST_BOX = 0, 1, 2
"""Piece numbers: a subject's title block at page width (its sheet), at column width
(the booklet), then its boxes."""
SUBJECT_GAP = 2.4 * MM
"""Space above a subject that does not start a column (booklet)."""


@dataclass(frozen=True, slots=True)
class Geometry:
    """A page and its columns, in PDF points from the page's top-left corner."""

    width: float
    height: float
    left: float
    top: float
    content_width: float
    column_height: float
    columns: int
    gap: float

    @property
    def column_width(self) -> float:
        return (self.content_width - (self.columns - 1) * self.gap) / self.columns

    def column_x(self, column: int) -> float:
        return self.left + column * (self.column_width + self.gap)


@dataclass(frozen=True, slots=True)
class Fragment:
    """A piece, or the part of it that fits one column, as laid out."""

    piece: int
    page: int
    """Its page in the laid-out PDF (always drawn at the page's top)."""
    height: float
    """Points, rounded to 1/1000 when measured: the pieces cache keeps it exactly, so a
    subject laid out by this build packs as one kept from an earlier build does."""


Box = tuple[float, float, float, float]
"""x, y, width, height in PDF points from a laid-out page's top-left corner."""


@dataclass(frozen=True, slots=True)
class Slot:
    """A row of the booklet's contents, as laid out: the frame prints its page number
    and links it (neither is known until the booklet is packed)."""

    name: str
    """The slug of the subject the row names."""
    page: int
    row: Box
    number: Box
    """Where the number goes (a hidden placeholder as wide as two digits)."""


@dataclass(frozen=True, slots=True)
class Laid:
    """One subject's pieces, laid out: a PDF of one fragment per page, and their sizes."""

    pdf: bytes
    fragments: tuple[Fragment, ...]
    titles: tuple[str, ...]
    """The bookmark title of each piece ('' for the title blocks)."""
    slots: tuple[Slot, ...] = ()
    """The contents' rows (the booklet's contents block only)."""
    only: tuple[str, ...] = ()
    """Where each piece is printed when not in both: ``sheet`` (facts the booklet prints
    in their topic), ``booklet`` (the box naming those topics); '' for both."""

    def of_piece(self, piece: int) -> list[Fragment]:
        return [fragment for fragment in self.fragments if fragment.piece == piece]

    def boxes(self, printed_in: str) -> list[list[Fragment]]:
        """The fragments of each box printed in the ``sheet`` or the ``booklet``, box by box."""
        found: dict[int, list[Fragment]] = {}
        for fragment in self.fragments:
            if fragment.piece >= FIRST_BOX and self._printed_in(fragment.piece, printed_in):
                found.setdefault(fragment.piece, []).append(fragment)
        return list(found.values())

    def _printed_in(self, piece: int, where: str) -> bool:
        return piece >= len(self.only) or self.only[piece] in ("", where)

    def to_json(self) -> dict[str, Any]:
        fragments = [[f.piece, f.page, f.height] for f in self.fragments]
        slots = [[s.name, s.page, list(s.row), list(s.number)] for s in self.slots]
        titles, only = list(self.titles), list(self.only)
        return {"fragments": fragments, "titles": titles, "slots": slots, "only": only}

    @classmethod
    def from_json(cls, pdf: bytes, data: dict[str, Any]) -> Laid:
        fragments = tuple(Fragment(int(p), int(g), float(h)) for p, g, h in data["fragments"])
        slots = tuple(
            Slot(str(name), int(page), _box(row), _box(number))
            for name, page, row, number in data.get("slots", [])
        )
        titles = tuple(str(title) for title in data["titles"])
        only = tuple(str(where) for where in data.get("only", []))
        return cls(pdf, fragments, titles, slots, only)


def _box(values: Sequence[float]) -> Box:
    x, y, width, height = (float(value) for value in values)
    return x, y, width, height


@dataclass(frozen=True, slots=True)
class Placement:
    """A fragment drawn on an output page at (x, y), its top-left corner."""

    source: int
    """Which laid-out subject (index into the list given to :func:`compose`)."""
    fragment: Fragment
    page: int
    x: float
    y: float


UNLISTED = 0
"""The level of a mark that is only an anchor for the contents, not a bookmark."""


@dataclass(frozen=True, slots=True)
class Mark:
    """A bookmark on an output page; the anchor the contents link to, if any."""

    level: int
    title: str
    page: int
    x: float
    y: float
    anchor: str = ""


@dataclass(frozen=True, slots=True)
class Imposition:
    """Where every fragment goes, and what the frame pages carry."""

    pages: int
    placements: tuple[Placement, ...]
    marks: tuple[Mark, ...]
    running: tuple[str, ...] = ()
    """The subject at the top of each page (booklet)."""

    def filled(self, page: int) -> float:
        """Height of the fragments on ``page``."""
        return sum(p.fragment.height for p in self.placements if p.page == page)


@dataclass(frozen=True, slots=True)
class _Block:
    """Fragments that stay together in one column, with the space wanted above them."""

    source: int
    fragments: tuple[Fragment, ...]
    gap: float = 0.0
    subject: str = ""
    """Set on the block that starts a subject (its title block is the first fragment)."""

    @property
    def height(self) -> float:
        return sum(fragment.height for fragment in self.fragments)


class _Columns:
    """Fills columns top to bottom, page after page from ``page``; the first page's columns
    start ``offset`` lower (below a title block or the booklet's contents)."""

    def __init__(
        self, geometry: Geometry, offset: float, page: int = 0, room: float | None = None
    ) -> None:
        self.geometry = geometry
        self.offset = offset
        self.balanced = room
        """Less room than the page gives (evening out a last page's columns)."""
        self.page, self.column, self.y = page, 0, 0.0

    def room(self) -> float:
        if self.balanced is not None:
            return self.balanced
        return self.geometry.column_height - (self.offset if self.page == 0 else 0.0)

    def next_column(self) -> None:
        self.column, self.y = self.column + 1, 0.0
        if self.column == self.geometry.columns:
            self.page, self.column = self.page + 1, 0

    def place(self, block: _Block) -> list[tuple[Fragment, int, float, float]]:
        """(fragment, page, x, y) for each fragment of ``block``."""
        gap = block.gap if self.y > 0 else 0.0
        if self.y > 0 and self.y + gap + block.height > self.room():
            self.next_column()
            gap = 0.0
        while self.y == 0 and block.height > self.room() and self.offset and self.page == 0:
            self.next_column()  # a tall piece skips the shortened first-page columns
        self.y += gap
        top = self.geometry.top + (self.offset if self.page == 0 else 0.0)
        placed = []
        for fragment in block.fragments:
            placed.append((fragment, self.page, self.geometry.column_x(self.column), top + self.y))
            self.y += fragment.height
        return placed


def _flow(
    blocks: Sequence[_Block], columns: _Columns
) -> list[tuple[_Block, list[tuple[Fragment, int, float, float]]]]:
    return [(block, columns.place(block)) for block in blocks]


def shortest_fill(heights: Sequence[float], columns: int) -> float | None:
    """The smallest column height that holds ``heights``, in order and unsplit, in
    ``columns`` columns (an item that does not fit goes to the next column)."""
    if not heights:
        return None

    def columns_needed(height: float) -> int:
        used, filled = 1, 0.0
        for item in heights:
            if filled + item > height and filled > 0:
                used, filled = used + 1, 0.0
            filled += item
        return used

    candidates = sorted(
        {sum(heights[i:j]) for i in range(len(heights)) for j in range(i + 1, len(heights) + 1)}
    )
    fitting = [h for h in candidates if h >= max(heights) and columns_needed(h) <= columns]
    return fitting[0] if fitting else None


def _pack(
    blocks: list[_Block], geometry: Geometry, offset: float
) -> list[tuple[_Block, list[tuple[Fragment, int, float, float]]]]:
    """Blocks in columns; the last page's columns evened out, so a short last page (or a
    one-page sheet) does not sit in its first column."""
    flowed = _flow(blocks, _Columns(geometry, offset))
    last = flowed[-1][1][-1][1] if flowed else 0
    start = next(i for i, (_, placed) in enumerate(flowed) if placed[0][1] == last) if flowed else 0
    tail = blocks[start:]
    even = shortest_fill([block.gap + block.height for block in tail], geometry.columns)
    if even is None or even >= _Columns(geometry, offset, last).room():
        return flowed
    spread = _flow(tail, _Columns(geometry, offset, last, even + 0.01))
    if any(page != last for _, placed in spread for _, page, _, _ in placed):
        return flowed
    return flowed[:start] + spread


def pack_sheet(laid: Laid, geometry: Geometry, slug: str, title: str) -> Imposition:
    """A subject's own sheet: the title block across the top of the first page, then the
    boxes in columns."""
    head = laid.of_piece(SHEET_HEAD)
    offset = sum(fragment.height for fragment in head)
    blocks = [_Block(0, (fragment,)) for box in laid.boxes("sheet") for fragment in box]
    flowed = _pack(blocks, geometry, offset)
    placements = [Placement(0, f, 0, geometry.left, geometry.top + y) for f, y in stack(head)]
    marks = [Mark(1, title, 0, geometry.left, geometry.top, slug)]
    for _, placed in flowed:
        placements += [Placement(0, f, page, x, y) for f, page, x, y in placed]
        fragment, page, x, y = placed[0]
        if laid.titles[fragment.piece] and _starts_piece(laid, fragment):
            marks.append(Mark(2, laid.titles[fragment.piece], page, x, y))
    pages = max((p.page for p in placements), default=0) + 1
    return Imposition(pages, tuple(placements), tuple(marks))


def stack(fragments: Sequence[Fragment]) -> list[tuple[Fragment, float]]:
    """Each fragment with how far below the first one it starts, one under the other."""
    y, stacked = 0.0, []
    for fragment in fragments:
        stacked.append((fragment, y))
        y += fragment.height
    return stacked


def _starts_piece(laid: Laid, fragment: Fragment) -> bool:
    return laid.of_piece(fragment.piece)[0] == fragment


def pack_booklet(
    subjects: Sequence[tuple[str, str, Laid]],
    geometry: Geometry,
    front: Laid,
    unlisted: frozenset[str] = frozenset(),
) -> Imposition:
    """The contents (``front``) across the top of the first page, then every subject
    (slug, title, pieces) flowing on through the columns after the one before, its title
    block kept with its first box. The contents are source ``len(subjects)``. The
    ``unlisted`` slugs (the decision page) get no bookmark: the contents link to them."""
    offset = sum(fragment.height for fragment in front.fragments)
    blocks: list[_Block] = []
    for source, (slug, _, laid) in enumerate(subjects):
        head = laid.of_piece(BOOKLET_HEAD)
        boxes = [list(box) for box in laid.boxes("booklet")] or [[]]
        first = tuple(head + boxes[0][:1])
        if sum(f.height for f in first) > geometry.column_height:  # never keep what cannot fit
            blocks.append(_Block(source, tuple(head), SUBJECT_GAP, slug))
            first = ()
        else:
            blocks.append(_Block(source, first, SUBJECT_GAP, slug))
        rest = [f for box in boxes for f in box if f not in first]
        blocks += [_Block(source, (fragment,)) for fragment in rest]
    flowed = _pack(blocks, geometry, offset)
    placements = [
        Placement(len(subjects), fragment, 0, geometry.left, geometry.top + y)
        for fragment, y in stack(front.fragments)
    ]
    marks: list[Mark] = []
    for block, placed in flowed:
        slug, title, laid = subjects[block.source]
        placements += [Placement(block.source, f, page, x, y) for f, page, x, y in placed]
        listed = slug not in unlisted
        for fragment, page, x, y in placed:
            if block.subject and fragment.piece == BOOKLET_HEAD:
                marks.append(Mark(1 if listed else UNLISTED, title, page, x, y, slug))
            elif listed and laid.titles[fragment.piece] and _starts_piece(laid, fragment):
                marks.append(Mark(2, laid.titles[fragment.piece], page, x, y))
    pages = max((p.page for p in placements), default=0) + 1
    return Imposition(pages, tuple(placements), tuple(marks), _running(marks, subjects, pages))


def _running(
    marks: list[Mark], subjects: Sequence[tuple[str, str, Laid]], pages: int
) -> tuple[str, ...]:
    """Each page's running title: the first subject starting on it, else the one going on."""
    titles: list[str] = []
    current = subjects[0][1] if subjects else ""
    for page in range(pages):
        starting = [mark.title for mark in marks if mark.level == 1 and mark.page == page]
        titles.append(starting[0] if starting else current)
        current = starting[-1] if starting else current
    return tuple(titles)


def compose(frame: bytes, sources: Sequence[bytes], imposition: Imposition) -> bytes:
    """The frame PDF with every placed fragment drawn on its page (links included) and
    the bookmarks. Bookmarks are written here, not laid out: as positioned elements in the
    frame they cost WeasyPrint more than the rest of a booklet frame together."""
    import pikepdf

    target = pikepdf.open(io.BytesIO(frame))
    opened: dict[int, Any] = {}
    forms: dict[tuple[int, int], Any] = {}
    drawn: dict[int, list[bytes]] = {}
    for placement in imposition.placements:
        if placement.source not in opened:
            opened[placement.source] = pikepdf.open(io.BytesIO(sources[placement.source]))
        source = opened[placement.source].pages[placement.fragment.page]
        page = target.pages[placement.page]
        key = (placement.source, placement.fragment.page)
        if key not in forms:
            forms[key] = target.copy_foreign(_form(source, placement.fragment.height))
        name = page.add_resource(forms[key], pikepdf.Name.XObject)
        top = _to_pdf_y(target, placement.page, placement.y)
        dx, dy = placement.x, top - float(source.mediabox[3])
        drawn.setdefault(placement.page, []).append(
            f"q 1 0 0 1 {dx:.3f} {dy:.3f} cm {name} Do Q\n".encode()
        )
        _copy_links(target, page, source, placement, dx, dy)
    for index, commands in drawn.items():
        page = target.pages[index]
        page.contents_add(b"q\n", prepend=True)  # the frame's own transform ends here
        page.contents_add(b"Q\n" + b"".join(commands))
    _bookmark(target, imposition.marks)
    buffer = io.BytesIO()
    target.save(buffer, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return buffer.getvalue()


def _bookmark(target: Any, marks: Sequence[Mark]) -> None:
    """The outline: each level-1 mark (a subject) with the level-2 marks (its boxes) after
    it, in page order, each pointing at its place on the page."""
    import pikepdf

    subjects: list[Any] = []
    listed = [mark for mark in marks if mark.level != UNLISTED]
    for mark in sorted(listed, key=lambda mark: mark.page):  # stable: flow order on a page
        top = _to_pdf_y(target, mark.page, mark.y)
        item = pikepdf.OutlineItem(
            mark.title, mark.page, pikepdf.PageLocation.XYZ, left=mark.x, top=top, zoom=0
        )
        if mark.level == 1 or not subjects:
            subjects.append(item)
        else:
            subjects[-1].children.append(item)
    with target.open_outline() as outline:
        outline.root.extend(subjects)


def _form(source: Any, height: float) -> Any:
    """The top ``height`` points of a laid-out page, as a form XObject."""
    import pikepdf

    form = source.as_form_xobject()
    width, top = float(source.mediabox[2]), float(source.mediabox[3])
    form.BBox = pikepdf.Array([0, top - height, width, top])
    images = form.Resources.get("/XObject")
    if images:  # a document's pages share one set: keep the images this piece draws
        drawn = {
            str(instruction.operands[0])
            for instruction in pikepdf.parse_content_stream(form, "Do")
            if isinstance(instruction, pikepdf.ContentStreamInstruction)
        }
        resources = pikepdf.Dictionary({key: form.Resources[key] for key in form.Resources})
        resources.XObject = pikepdf.Dictionary({k: images[k] for k in images if k in drawn})
        form.Resources = resources
    return form


def _to_pdf_y(target: Any, page: int, y: float) -> float:
    """``y`` points below the top of ``page``, in PDF coordinates (up from the bottom)."""
    return float(target.pages[page].mediabox[3]) - y


def _copy_links(
    target: Any, page: Any, source: Any, placement: Placement, dx: float, dy: float
) -> None:
    """Links inside the fragment (a URL in a fact), moved to where it is drawn."""
    import pikepdf

    top = float(source.mediabox[3])
    bottom = top - placement.fragment.height
    for annotation in source.obj.get("/Annots", []):
        action = annotation.get("/A")
        if (
            annotation.get("/Subtype") != pikepdf.Name.Link
            or action is None
            or "/URI" not in action
        ):
            continue  # only links out (a URL in a fact); the pieces link nowhere else
        left, low, right, high = (float(value) for value in annotation.Rect)
        x0, x1, y0, y1 = min(left, right), max(left, right), min(low, high), max(low, high)
        if y0 < bottom - 0.5 or y1 > top + 0.5:
            continue  # on the part of the page this fragment does not show
        link = pikepdf.Dictionary(
            Type=pikepdf.Name.Annot,
            Subtype=pikepdf.Name.Link,
            Rect=pikepdf.Array([x0 + dx, y0 + dy, x1 + dx, y1 + dy]),
            Border=pikepdf.Array([0, 0, 0]),
            A=pikepdf.Dictionary(S=pikepdf.Name.URI, URI=pikepdf.String(str(action.URI))),
        )
        if "/Annots" not in page.obj:
            page.obj.Annots = target.make_indirect(pikepdf.Array())
        page.obj.Annots.append(target.make_indirect(link))
