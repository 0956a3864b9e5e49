"""The edge where sheets become PDFs (WeasyPrint), and the booklet is bound (pypdf).

Rendering is the expensive part of a build, so it runs in worker processes (one per core),
each keeping its font configuration and parsed stylesheets between sheets. Fetching is
locked down: only ``file:`` URLs inside the notes folders and templates, and ``data:``;
no network, no redirects. Every WeasyPrint warning is collected and reported.
"""

from __future__ import annotations

import atexit
import ctypes.util
import io
import logging
import multiprocessing
import os
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import unquote, urlparse

from .booklet import Record
from .sheets import Sheet

TIGHTEN_BELOW = 0.2
"""A last page holding less than this share of a full page's lines is re-set tighter."""
IN_PROCESS_JOBS = 2
"""Up to this many sheets are rendered without starting worker processes."""
MAX_PAGES = 3
"""A sheet longer than this is re-set tighter."""
BALANCE_SLACK = (0.5, 6.0)
"""Extra px of column height tried when the computed height is a hair short in layout."""


@dataclass(frozen=True, slots=True)
class RenderJob:
    """One document to render in a worker."""

    key: str
    html: str
    stylesheet: str
    tight_stylesheet: str
    """The same sheet set tighter, tried when the last page would be nearly empty."""
    booklet: bool = False
    """A packed booklet (or a range of it): no re-setting, and its layout is recorded."""


@dataclass(frozen=True, slots=True)
class Rendered:
    key: str
    pdf: bytes
    pages: int
    warnings: tuple[str, ...]
    record: Record | None = None
    """For a booklet: which pieces fell on which page, and its bookmarks."""


def harfbuzz_subset_available() -> bool:
    """WeasyPrint subsets fonts in ~0.2 s with libharfbuzz-subset, ~10 s per CJK PDF without."""
    return ctypes.util.find_library("harfbuzz-subset") is not None


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
        from weasyprint.text.fonts import FontConfiguration

        if not cls.state:
            atexit.register(cls.stop)  # kept across builds (watch), freed before shutdown
        cls.stop()
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
            cache[text] = CSS(
                string=text, font_config=cls.state["fonts"], url_fetcher=cls.state["fetcher"]
            )
        return cache[text]

    @classmethod
    def render(cls, job: RenderJob) -> Rendered:
        collector: _Collector = cls.state["log"]
        collector.messages.clear()
        if job.booklet:
            document = cls._layout(job.html, job.stylesheet)
            pdf = document.write_pdf()
            messages = tuple(collector.messages)
            return Rendered(job.key, pdf, len(document.pages), messages, _record(document))
        stylesheet = job.stylesheet
        document = cls._layout(job.html, stylesheet)
        if job.tight_stylesheet != job.stylesheet and (
            len(document.pages) > MAX_PAGES
            or (len(document.pages) > 1 and _last_page_share(document) < TIGHTEN_BELOW)
        ):
            tighter = cls._layout(job.html, job.tight_stylesheet)
            if len(tighter.pages) < len(document.pages):
                document, stylesheet = tighter, job.tight_stylesheet
        if len(document.pages) == 1:
            document = cls._balance(job.html, stylesheet, document)
        pdf = document.write_pdf()
        return Rendered(job.key, pdf, len(document.pages), tuple(collector.messages))

    @classmethod
    def _balance(cls, page: str, stylesheet: str, document: Any) -> Any:
        """Spread a one-page sheet over all its columns.

        ``column-fill: auto`` fills the first column before the next (``balance`` is ~5x
        slower in WeasyPrint): a short sheet would sit in one column. The boxes never
        split and keep their heights in any column, so the shortest column height that
        holds them in order is found by arithmetic; one more layout applies it.
        """
        found = _columns(document.pages[0])
        if found is None:
            return document
        boxes, count = found
        height = shortest_fill(boxes, count)
        if height is None or height >= sum(boxes):
            return document
        for slack in BALANCE_SLACK:  # rounding in the layout may need a hair more room
            trial = cls._layout(
                page, stylesheet + f".columns {{ height: {height + slack:.2f}px; }}"
            )
            fitted = _columns(trial.pages[0])
            if (
                len(trial.pages) == 1
                and fitted is not None
                and _used_columns(trial.pages[0]) <= count
            ):
                return trial
        return document

    @classmethod
    def _layout(cls, page: str, stylesheet: str) -> Any:
        from weasyprint import HTML

        html = HTML(string=page, base_url=str(Path.cwd()), url_fetcher=cls.state["fetcher"])
        return html.render(stylesheets=[cls.stylesheet(stylesheet)], font_config=cls.state["fonts"])


class _Collector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _record(document: Any) -> Record:
    """The pieces on each page (by id, in order) and the bookmarks, flattened."""
    pages: list[list[str]] = []
    for page in document.pages:
        ids: dict[str, None] = {}
        for box in page._page_box.descendants():
            element = getattr(box, "element", None)
            if element is not None and "piece" in (element.get("class") or "").split():
                ids[element.get("id")] = None
        pages.append(list(ids))
    bookmarks: list[tuple[int, str, int]] = []

    def flatten(items: list[Any], level: int) -> None:
        for label, target, children, *_ in items:
            bookmarks.append((level, label, target[0]))
            flatten(children, level + 1)

    flatten(document.make_bookmark_tree(), 1)
    return Record(pages=pages, bookmarks=bookmarks)


def _main(page: Any) -> Any:
    return next(
        (box for box in page._page_box.descendants() if getattr(box, "element_tag", "") == "main"),
        None,
    )


def _columns(page: Any) -> tuple[list[float], int] | None:
    """The heights of the boxes in the columns, in order, and the number of columns."""
    main = _main(page)
    if main is None or not main.children:
        return None
    boxes = [box.margin_height() for column in main.children for box in column.children]
    count = int(main.style["column_count"]) if main.style["column_count"] != "auto" else 1
    return boxes, count


def _used_columns(page: Any) -> int:
    main = _main(page)
    return sum(1 for column in main.children if column.children) if main is not None else 0


def shortest_fill(boxes: list[float], columns: int) -> float | None:
    """The smallest column height that holds ``boxes``, in order and unsplit, in
    ``columns`` columns (a box that does not fit goes to the next column)."""
    if not boxes:
        return None

    def columns_needed(height: float) -> int:
        used, filled = 1, 0.0
        for box in boxes:
            if filled + box > height and filled > 0:
                used, filled = used + 1, 0.0
            filled += box
        return used

    candidates = sorted(
        {sum(boxes[i:j]) for i in range(len(boxes)) for j in range(i + 1, len(boxes) + 1)}
    )
    fitting = [h for h in candidates if h >= max(boxes) and columns_needed(h) <= columns]
    return fitting[0] if fitting else None


def _line_count(page: Any) -> int:
    from weasyprint.formatting_structure.boxes import LineBox

    return sum(1 for box in page._page_box.descendants() if isinstance(box, LineBox))


def _last_page_share(document: Any) -> float:
    full = max(_line_count(page) for page in document.pages[:-1])
    return _line_count(document.pages[-1]) / max(full, 1)


class Renderer:
    """Worker processes that stay up for the whole build (sheets, then the booklet front).

    Workers are started with forkserver, not fork: forked workers would inherit the build
    lock's descriptor and, orphaned by a killed build, keep the output folder locked.
    """

    def __init__(
        self,
        roots: tuple[Path, ...],
        workers: int = 0,
        on_done: Callable[[str], None] | None = None,
    ) -> None:
        self.roots = roots
        self.workers = workers or os.cpu_count() or 1
        self.pool: ProcessPoolExecutor | None = None
        self.on_done = on_done
        """Called with each job's key as it finishes (for a progress display)."""

    def __enter__(self) -> Renderer:
        return self

    def __exit__(self, *_: object) -> None:
        if self.pool is not None:
            self.pool.shutdown()

    def render(self, jobs: list[RenderJob]) -> list[Rendered]:
        """Render every job, largest first so a long sheet does not finish alone at the end.

        A few jobs with no workers started yet (the usual edit-and-rebuild) are rendered in
        this process: starting workers would cost more than the rendering itself.
        """
        if not jobs:
            return []
        if self.pool is None and len(jobs) <= IN_PROCESS_JOBS:
            if _Worker.state.get("roots") != self.roots:
                _Worker.start(self.roots)
            return [self._done(_Worker.render(job)) for job in jobs]
        if self.pool is None:
            context = multiprocessing.get_context("forkserver")
            self.pool = ProcessPoolExecutor(
                self.workers, mp_context=context, initializer=_Worker.start, initargs=(self.roots,)
            )
        order = sorted(jobs, key=lambda job: -len(job.html))
        futures = [self.pool.submit(_Worker.render, job) for job in order]
        finished = (self._done(future.result()) for future in as_completed(futures))
        done = {result.key: result for result in finished}
        return [done[job.key] for job in jobs]

    def _done(self, result: Rendered) -> Rendered:
        if self.on_done is not None:
            self.on_done(result.key)
        return result


def sheet_job(sheet: Sheet, font_css: str) -> RenderJob:
    return RenderJob(
        sheet.subject.slug,
        sheet.html,
        font_css + sheet.stylesheet,
        font_css + sheet.tight_stylesheet,
    )


def bind_booklet(front: bytes, sheets: list[tuple[Sheet, bytes]], title: str) -> bytes:
    """Cover and contents, then every sheet; one bookmark per sheet, its sections beneath."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(front)), import_outline=False)
    for sheet, pdf in sheets:
        start = len(writer.pages)
        reader = PdfReader(io.BytesIO(pdf))
        writer.append(reader, import_outline=False)
        parent = writer.add_outline_item(title=sheet.title, page_number=start)
        for section_title, page in _sections(reader):
            writer.add_outline_item(title=section_title, page_number=start + page, parent=parent)
    writer.add_metadata({"/Title": title, "/Producer": "cheatdeck (WeasyPrint, pypdf)"})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _sections(reader: Any) -> list[tuple[str, int]]:
    """(title, page index) of the bookmarks below a sheet's own title."""
    found: list[tuple[str, int]] = []
    for item in reader.outline:
        if isinstance(item, list):
            found.extend(
                (child.title, reader.get_destination_page_number(child))
                for child in item
                if not isinstance(child, list)
            )
    return found


def page_count(pdf: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)
