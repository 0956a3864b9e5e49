"""The edge where sheets become PDFs (WeasyPrint), and the one-per-page booklet is bound
(pikepdf).

Rendering is the expensive part of a build, so it runs in worker processes (one per core,
see :mod:`generator.sheets.workers`), each keeping its font configuration and parsed stylesheets
between jobs. A sheet is two jobs: its pieces laid out once and packed (the packed booklet
needs no more), then its frame pages with the pieces drawn on them (:mod:`generator.sheets.impose`).
Jobs are handed to the workers from a thread, so the build goes on (making the cards) while
the workers start. Fetching is locked down: only ``file:`` URLs inside the notes folders and
templates, and ``data:``; no network, no redirects. Every WeasyPrint warning is collected
and reported.
"""

from __future__ import annotations

import atexit
import ctypes.util
import io
import logging
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterable, Sequence, Sized
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar
from urllib.parse import unquote, urlparse

from ..options import SheetOptions
from .impose import (
    FIRST_BOX,
    PX,
    Box,
    Fragment,
    Imposition,
    Laid,
    Slot,
    compose,
    pack_sheet,
)
from .page import PageSetup
from .workers import RENDERING, WorkerPool, reporting_lost_workers

if TYPE_CHECKING:
    from .documents import Sheet, Stylesheets

TIGHTEN_BELOW = 0.2
"""A last page filled less than this is re-set tighter."""
IN_PROCESS_JOBS = 2
"""Up to this many jobs are rendered without starting worker processes."""
PARSED_STYLESHEETS = 256
"""Parsed stylesheets a worker keeps (the shared ones, and each sheet's running text)."""
MAX_PAGES = 3
"""A sheet longer than this is re-set tighter."""


@dataclass(frozen=True, slots=True)
class SheetJob:
    """A subject's sheet, first: its pieces laid out once and packed (the booklet needs
    no more of it); a sheet too long, or ending on a nearly empty page, is set again
    tighter and kept so if that saves a page. The build prepares the HTML (see
    :func:`generator.sheets.documents.pieces_document`): workers only lay out."""

    key: str
    slug: str
    title: str
    options: SheetOptions
    html: str
    stylesheet: str
    """The pieces' CSS in the normal setting."""
    tight_stylesheet: str
    """The same, set tighter."""
    font_css: str

    @property
    def size(self) -> int:
        return len(self.html)


@dataclass(frozen=True, slots=True)
class FrameJob:
    """A subject's sheet, then: its frame pages (see
    :func:`generator.sheets.documents.sheet_frame`),
    with its pieces drawn on them."""

    key: str
    html: str
    stylesheets: Stylesheets
    setting: Setting
    """The setting its :class:`SheetJob` chose."""

    @property
    def size(self) -> int:
        return len(self.html)


@dataclass(frozen=True, slots=True)
class DocumentJob:
    """An HTML document rendered as it is; with ``measure``, laid out one piece to a page
    and measured instead (the booklet's contents, before packing)."""

    key: str
    html: str
    stylesheets: Stylesheets
    """In cascade order (the fonts' first); see :class:`generator.sheets.documents.Sheet`."""
    measure: bool = False

    @property
    def size(self) -> int:
        return len(self.html)


RenderJob = SheetJob | FrameJob | DocumentJob
_Sent = TypeVar("_Sent")


@dataclass(frozen=True, slots=True)
class Rendered:
    key: str
    pdf: bytes
    pages: int
    warnings: tuple[str, ...]
    laid: Laid | None = None
    """A sheet's pieces in the normal setting (for the booklet); a measured document's."""
    setting: Setting | None = None
    """The setting a sheet's pieces were laid out and packed in (for its frame)."""


WEASYPRINT_LIBRARIES = ("gobject-2.0", "pango-1.0", "harfbuzz", "fontconfig", "pangoft2-1.0")
"""The C libraries WeasyPrint cannot do without (harfbuzz-subset is optional)."""


def import_weasyprint() -> None:
    """Import WeasyPrint with its C libraries found in one ``ldconfig -p`` listing.

    WeasyPrint tries several spellings of each library's name (one per platform), and
    cffi asks ``ctypes.util.find_library`` about every spelling that fails to load, which
    runs ldconfig, gcc and ld (~10 ms a miss; 0.15 s of the 0.45 s import). A name not in
    the listing is a miss at once; the spelling that is the library's own file name (one of
    WeasyPrint's on every Linux) is loaded by the dynamic loader as before. Only when the
    listing has every library WeasyPrint needs: elsewhere (libraries found through gcc's
    search path) the import goes the slow way, as it always did.
    """
    sonames = _ldconfig_sonames() if "weasyprint" not in sys.modules else None

    def listed(name: str) -> str | None:
        return next((s for s in sonames or () if s.startswith(f"lib{name}.so")), None)

    original = ctypes.util.find_library
    if sonames is not None and all(listed(name) for name in WEASYPRINT_LIBRARIES):
        ctypes.util.find_library = listed
    try:
        import weasyprint.text.fonts  # noqa: F401
    finally:
        ctypes.util.find_library = original


def _ldconfig_sonames() -> list[str] | None:
    """The shared libraries the dynamic loader knows (None off Linux or without ldconfig)."""
    ldconfig = shutil.which("ldconfig") or shutil.which("ldconfig", path="/sbin:/usr/sbin")
    if not sys.platform.startswith("linux") or ldconfig is None:
        return None
    try:
        listing = subprocess.run([ldconfig, "-p"], capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return None
    return [line.split()[0] for line in listing.stdout.splitlines()[1:] if line.strip()]


def harfbuzz_subset_available() -> bool:
    """WeasyPrint subsets fonts in ~0.2 s with libharfbuzz-subset, ~10 s per CJK PDF without.
    Asked before every build with sheets: the ldconfig listing answers in 2 ms; only when
    the library is not in it does ``find_library`` (~20 ms: ldconfig, gcc, ld) look further."""
    if any(soname.startswith("libharfbuzz-subset.so") for soname in _ldconfig_sonames() or ()):
        return True
    return ctypes.util.find_library("harfbuzz-subset") is not None


SIZED_ARRAY = re.compile(r"(?P<item>[\w ]+)\[(?P<length>\d+)\]")


def parse_array_types_once() -> None:
    """Spare cffi a C parse per font per PDF: a third of the time spent writing a sheet.

    WeasyPrint 70 subsets each font with ``ffi.new(f"hb_codepoint_t[{len(glyphs)}]",
    glyphs)``: every new length is a new C type to cffi, parsed by pycparser (~10 ms),
    so each PDF paid ~30 ms a font. ``hb_codepoint_t[]`` with the same initializer is the
    same array, and cffi parses that spelling once. Only a length that equals the
    initializer's is rewritten, so no array changes size.
    """
    from weasyprint.text.ffi import ffi

    new = ffi.new
    if getattr(new, "parses_once", False):
        return

    def new_array(cdecl: Any, init: Any = None) -> Any:
        match = SIZED_ARRAY.fullmatch(cdecl) if isinstance(cdecl, str) else None
        if match and isinstance(init, Sized) and len(init) == int(match["length"]):
            cdecl = f"{match['item']}[]"
        return new(cdecl, init)

    new_array.parses_once = True  # type: ignore[attr-defined]
    ffi.new = new_array


RENDERING_C_TYPES = (
    "PangoFcFontMap *",
    "FcChar8 **",
    "char[]",
    "char[4]",
    "PangoRectangle *",
    "PangoLogAttr[]",
    "unsigned int *",
    "hb_tag_t[100]",
    "hb_codepoint_t[]",
)
"""The C types WeasyPrint asks cffi for while it lays out and writes a sheet (traced with
``FFI._typeof`` over every seed sheet, its frame and the booklet)."""


def parse_c_types_at_once(types: Sequence[str] = RENDERING_C_TYPES) -> None:
    """Parse ``types`` in one pass of cffi's C parser, before the first document.

    cffi parses each new type string on its own, and every parse re-reads a declaration of
    each of the ~600 type names WeasyPrint declared: ~4 ms a type, 33 ms of a worker's
    first sheet. Declared together they cost one such parse (3 ms). The types are then made by
    cffi's own ``typeof``, as they would have been. A type this WeasyPrint does not
    declare leaves them all to be parsed when used, as before.
    """
    from cffi import CDefError, FFIError
    from weasyprint.text.ffi import ffi

    parser = ffi._parser
    wanted = [cdecl for cdecl in types if cdecl not in ffi._parsed_types]
    source = "".join(f"void __dummy{index}(\n{cdecl}\n);\n" for index, cdecl in enumerate(wanted))
    try:
        declarations = parser._parse(source)[0].ext[-len(wanted) :] if wanted else []
        parsed = {
            cdecl: parser._get_type_and_quals(declaration.type.args.params[0].type)
            for cdecl, declaration in zip(wanted, declarations, strict=True)
        }
    except (CDefError, FFIError, AttributeError):
        return
    parser.parse_type_and_quals = parsed.__getitem__  # cffi's typeof, answered from them
    try:
        for cdecl in wanted:
            ffi.typeof(cdecl)
    finally:
        del parser.parse_type_and_quals


def _inside(path: Path, roots: Iterable[Path]) -> bool:
    return any(path == root or root in path.parents for root in roots)


def _fetcher(roots: tuple[Path, ...]) -> Any:
    from weasyprint.urls import URLFetcher

    class NotesOnlyFetcher(URLFetcher):  # type: ignore[misc]
        """``file:`` inside the allowed folders and ``data:``; nothing else, ever."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            if url.startswith("file:"):
                path = Path(unquote(urlparse(url).path)).resolve()
                if not _inside(path, roots):
                    raise ValueError(f"outside the notes folders, not read: {url}")
            return super().fetch(url, headers)

    return NotesOnlyFetcher(allowed_protocols={"file", "data"}, allow_redirects=False, timeout=1)


class _Worker:
    """Per-process state: fonts, fetcher and parsed stylesheets are reused across sheets."""

    state: ClassVar[dict[str, Any]] = {}

    @classmethod
    def start(cls, roots: tuple[Path, ...]) -> None:
        import_weasyprint()
        from weasyprint.text.fonts import FontConfiguration

        if not cls.state:
            atexit.register(cls.stop)  # kept across builds (watch), freed before shutdown
        cls.stop()
        parse_array_types_once()
        logger = logging.getLogger("weasyprint")
        cls.state.update(
            roots=roots,
            fonts=FontConfiguration(),
            fetcher=_fetcher(roots),
            css={},
            log=_Collector(),
        )
        logger.setLevel(logging.WARNING)
        logger.addHandler(cls.state["log"])

    @classmethod
    def warm(cls, stylesheets: Stylesheets) -> None:
        """Parse ``stylesheets`` (the last build's; the fonts' @font-face rules load the
        faces) while the build reads the notes: the first sheet finds them parsed (~30 ms).
        Laying out a sample as well was measured to cost more than it saves."""
        for text in stylesheets:
            cls.stylesheet(text)

    @classmethod
    def stop(cls) -> None:
        """Free the fonts and stylesheets while the interpreter still runs: left to its
        shutdown, Pango's font objects are torn down out of order and the process dies
        with SIGSEGV after a successful build."""
        if "log" in cls.state:
            logging.getLogger("weasyprint").removeHandler(cls.state["log"])
        cls.state.clear()

    @classmethod
    def stylesheet(cls, text: str) -> Any:
        from weasyprint import CSS

        cache: dict[str, Any] = cls.state["css"]
        if text not in cache:
            if len(cache) >= PARSED_STYLESHEETS:  # a long watch session: forget old ones
                cache.clear()
            cache[text] = CSS(
                string=text, font_config=cls.state["fonts"], url_fetcher=cls.state["fetcher"]
            )
        return cache[text]

    @classmethod
    def render(cls, job: RenderJob) -> Rendered:
        collector: _Collector = cls.state["log"]
        collector.messages.clear()
        if isinstance(job, SheetJob):
            return cls._pieces(job)
        if isinstance(job, FrameJob):
            return cls._frame(job)
        document = cls._layout(job.html, job.stylesheets)
        if job.measure:  # the booklet's contents: its rows are placed by the frame too
            laid = replace(cls._measured(document), slots=tuple(_slots(document)))
            return Rendered(job.key, laid.pdf, 0, tuple(collector.messages), laid)
        pdf = document.write_pdf()
        return Rendered(job.key, pdf, len(document.pages), tuple(collector.messages))

    @classmethod
    def _pieces(cls, job: SheetJob) -> Rendered:
        normal = cls._set(job, tight=False)
        chosen = normal
        if normal.too_long():
            tight = cls._set(job, tight=True)
            if tight.imposition.pages < normal.imposition.pages:
                chosen = tight
        messages = tuple(cls.state["log"].messages)
        pages = chosen.imposition.pages
        return Rendered(job.key, b"", pages, messages, laid=normal.laid, setting=chosen)

    @classmethod
    def _frame(cls, job: FrameJob) -> Rendered:
        setting = job.setting
        frame = cls._layout(job.html, job.stylesheets).write_pdf()
        pdf = compose(frame, [setting.laid.pdf], setting.imposition)
        messages = tuple(cls.state["log"].messages)
        return Rendered(job.key, pdf, setting.imposition.pages, messages)

    @classmethod
    def _set(cls, job: SheetJob, tight: bool) -> Setting:
        """The sheet's pieces laid out and packed in one setting (normal or tight)."""
        css = job.tight_stylesheet if tight else job.stylesheet
        laid = cls._measured(cls._layout(job.html, (job.font_css, css)))
        geometry = PageSetup.of(job.options, tight).geometry
        imposition = pack_sheet(laid, geometry, job.slug, job.title)
        return Setting(job.options, tight, laid, imposition)

    @staticmethod
    def _measured(document: Any) -> Laid:
        """A laid-out document of pieces (``data-piece``), one to a page, and each one's
        size."""
        fragments = []
        printed: dict[int, str] = {}
        for index, page_layout in enumerate(document.pages):
            box = next(
                (
                    box
                    for box in page_layout._page_box.descendants()
                    if getattr(box, "element", None) is not None
                    and box.element.get("data-piece") is not None
                ),
                None,
            )
            if box is not None:
                piece = int(box.element.get("data-piece"))
                height = round(box.margin_height() * PX, 3)  # see Fragment.height
                fragments.append(Fragment(piece, index, height))
                inner = next(iter(box.element), None)  # the box: printed where?
                printed[piece] = inner.get("data-only", "") if inner is not None else ""
        titles = [""] * (max((f.piece for f in fragments), default=-1) + 1)
        only = tuple(printed.get(piece, "") for piece in range(len(titles)))
        on_page = {fragment.page: fragment.piece for fragment in fragments}
        for level, label, page_index in _bookmarks(document.make_bookmark_tree(), 1):
            piece = on_page.get(page_index, 0)
            if level == 2 and piece >= FIRST_BOX and not titles[piece]:
                titles[piece] = label
        return Laid(document.write_pdf(), tuple(fragments), tuple(titles), only=only)

    @classmethod
    def _layout(cls, page: str, stylesheets: Stylesheets) -> Any:
        from weasyprint import HTML

        html = HTML(string=page, base_url=str(Path.cwd()), url_fetcher=cls.state["fetcher"])
        parsed = [cls.stylesheet(text) for text in stylesheets]
        return html.render(stylesheets=parsed, font_config=cls.state["fonts"])


class _Collector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@dataclass(frozen=True, slots=True)
class Setting:
    """A sheet set one way: its options, tight or not, its pieces as laid out, and where
    they go."""

    options: SheetOptions
    tight: bool
    laid: Laid
    imposition: Imposition

    @property
    def page(self) -> PageSetup:
        return PageSetup.of(self.options, self.tight)

    def too_long(self) -> bool:
        """More pages than a sheet should take, or a last page nearly empty."""
        pages, geometry = self.imposition.pages, self.page.geometry
        full = geometry.columns * geometry.column_height
        return pages > MAX_PAGES or (
            pages > 1 and self.imposition.filled(pages - 1) / full < TIGHTEN_BELOW
        )


def _slots(document: Any) -> Iterable[Slot]:
    """The contents' rows (``data-slot``) and the number placeholder in each (the first
    box of an element: the anonymous boxes inside it carry its element too)."""
    seen: set[int] = set()
    for index, page in enumerate(document.pages):
        for box in page._page_box.descendants():
            element = getattr(box, "element", None)
            if element is None or element.get("data-slot") is None or id(element) in seen:
                continue
            seen.add(id(element))
            number = next((inner for inner in box.descendants() if _is_number(inner)), None)
            if number is not None:
                yield Slot(element.get("data-slot"), index, _border_box(box), _border_box(number))


def _is_number(box: Any) -> bool:
    element = getattr(box, "element", None)
    return element is not None and "toc-number" in element.get("class", "").split()


def _border_box(box: Any) -> Box:
    return (
        box.border_box_x() * PX,
        box.border_box_y() * PX,
        box.border_width() * PX,
        box.border_height() * PX,
    )


def _bookmarks(items: list[Any], level: int) -> Iterable[tuple[int, str, int]]:
    """(level, label, page index) of WeasyPrint's bookmark tree, flattened."""
    for label, target, children, *_ in items:
        yield level, label, target[0]
        yield from _bookmarks(children, level + 1)


class Renderer:
    """Worker processes that stay up for the whole build (sheets, then the booklet's frame);
    see :mod:`generator.sheets.workers` for how they start and end."""

    def __init__(
        self,
        roots: tuple[Path, ...],
        workers: int = 0,
        on_done: Callable[[str], None] | None = None,
    ) -> None:
        self.roots = roots
        self.workers = workers or os.cpu_count() or 1
        self.pool: WorkerPool | None = None
        self.on_done = on_done
        """Called with each job's key as it finishes (for a progress display)."""
        self.sender: ThreadPoolExecutor | None = None
        """Hands jobs to the pool (see :meth:`_send`)."""

    def __enter__(self) -> Renderer:
        return self

    def __exit__(self, *_: object) -> None:
        if self.sender is not None:
            self.sender.shutdown()
        if self.pool is not None:
            self.pool.shutdown()

    def render(self, jobs: list[RenderJob]) -> list[Rendered]:
        """Render every job (see :meth:`submit`)."""
        return self.submit(jobs)()

    def submit(self, jobs: list[RenderJob]) -> Callable[[], list[Rendered]]:
        """Start rendering ``jobs``, largest first so a long sheet does not finish alone at
        the end; the function returned waits for their results, in the jobs' order.

        A few jobs with no workers started (``weak``'s one sheet) are rendered in this
        process, when the results are asked for: starting workers would cost more.
        """
        if self.sender is None and len(jobs) <= IN_PROCESS_JOBS:
            return lambda: [self._done(self._in_process(job)) for job in jobs]
        order = sorted(jobs, key=lambda job: -job.size)
        sent = self._send(
            lambda pool: [pool.submit(_Worker.render, job) for job in order], len(jobs)
        )

        def results() -> list[Rendered]:
            with reporting_lost_workers():
                finished = (self._done(f.result()) for f in as_completed(sent.result()))
                done = {result.key: result for result in finished}
            return [done[job.key] for job in jobs]

        return results

    def warm_up(self, workers: int, stylesheets: Stylesheets = ()) -> None:
        """Start ``workers`` workers now, while this process reads the notes and makes the
        cards (more start later if there are more jobs than workers), and warm them with
        ``stylesheets`` (see :meth:`_Worker.warm`)."""
        self._send(
            lambda pool: [pool.submit(_Worker.warm, stylesheets) for _ in range(workers)], workers
        )

    def _send(self, task: Callable[[WorkerPool], _Sent], jobs: int) -> Future[_Sent]:
        """Hand ``task`` (``jobs`` jobs) to the sender thread: starting a worker waits for
        the fork server to import WeasyPrint (~0.5 s, once), and this process has other
        work meanwhile."""
        if self.sender is None:
            self.sender = ThreadPoolExecutor(1, thread_name_prefix="cheatdeck-sender")
        return self.sender.submit(lambda: task(self._pool(jobs)))

    def _pool(self, jobs: int) -> WorkerPool:
        """The worker pool (made on the sender thread, on first use), allowed a worker per
        job up to one per core: a one-sheet edit's pieces and frame are both rendered by
        the worker that started first, warm, not by a second one started for the frame."""
        if self.pool is None:
            self.pool = WorkerPool(
                self.workers, _Worker.start, (self.roots,), RENDERING, starting=1
            )
        self.pool.allow(jobs)
        return self.pool

    def _in_process(self, job: RenderJob) -> Rendered:
        if _Worker.state.get("roots") != self.roots:
            _Worker.start(self.roots)
        return _Worker.render(job)

    def _done(self, result: Rendered) -> Rendered:
        if self.on_done is not None:
            self.on_done(result.key)
        return result


def bind_booklet(
    front: bytes, sheets: list[tuple[Sheet, bytes]], title: str, opening: bytes = b""
) -> bytes:
    """Cover and contents, the ``opening`` pages (the decision page: no bookmark, the
    contents list it), then every sheet; one bookmark per sheet, its sections beneath."""
    import pikepdf

    booklet = pikepdf.new()
    opened = [pikepdf.open(io.BytesIO(pdf)) for pdf in (front, opening) if pdf]
    for document in opened:  # open until saved: streams are copied then
        booklet.pages.extend(document.pages)
    bookmarks = []
    for sheet, pdf in sheets:
        start = len(booklet.pages)
        source = pikepdf.open(io.BytesIO(pdf))
        opened.append(source)
        bookmark = pikepdf.OutlineItem(sheet.title, start)
        bookmark.children.extend(
            pikepdf.OutlineItem(section, start + page) for section, page in _sections(source)
        )
        bookmarks.append(bookmark)
        booklet.pages.extend(source.pages)
    with booklet.open_outline() as outline:
        outline.root.extend(bookmarks)
    booklet.docinfo["/Title"] = title
    booklet.docinfo["/Producer"] = "cheatdeck (WeasyPrint, pikepdf)"
    buffer = io.BytesIO()
    booklet.save(buffer, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return buffer.getvalue()


def _sections(source: Any) -> list[tuple[str, int]]:
    """(title, page index) of the bookmarks below a sheet's own title."""
    import pikepdf

    with source.open_outline() as outline:
        return [
            (child.title, pikepdf.Page(child.destination[0]).index)
            for item in outline.root
            for child in item.children
        ]


def page_count(pdf: bytes) -> int:
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf)) as opened:
        return len(opened.pages)
