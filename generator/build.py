"""The pipeline, top to bottom: read → parse → extract → identify → cards/sheets → write.

:func:`load` runs the pure stages and is shared by ``facts`` (which writes nothing) and
``build``. :func:`build` renders every output in memory first and only then replaces the
files, each atomically, so a failed build leaves the previous outputs whole; the lock beside
the notes is saved last.
"""

from __future__ import annotations

import hashlib
import json
import os
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from .clues import Clue
    from .deck.cards import CardHtml, DeckPlan
    from .sheets.fonts import FontSet
    from .sheets.impose import Laid
    from .sheets.pdf import DocumentJob, FrameJob, Rendered, Renderer, RenderJob, Setting, SheetJob

from .deck.apkg import apkg_bytes
from .errors import StrictError
from .facts.catalog import Catalog, load_catalog
from .facts.document import facts_json
from .facts.extract import Fact, extract
from .facts.identity import (
    NoteRecord,
    assign_ids,
    lock_from_json,
    lock_to_json,
    migrated,
    record_notes,
)
from .notes.parse import Outline, outline_from_record, outline_record, parse_note
from .notes.sources import LOCK_NAME, NoteSet, read_lock, read_notes
from .options import (
    DEFAULT_DECK,
    NO_EXTENSION,
    BuildOptions,
    CatalogExtension,
    DeckOptions,
    SheetOptions,
)
from .resources import TEMPLATES
from .results import BuildResult, Loaded, Progress, quiet
from .sheets.booklet import PieceCache, impose_booklet, plan_booklet
from .sheets.decisions import (
    DECISIONS_SLUG,
    decision_parts,
    decision_texts,
    plan_decision_sheet,
)
from .sheets.documents import (
    Sheet,
    booklet_front,
    booklet_front_alone,
    label_texts,
    pieces_document,
    pieces_stylesheet,
    sheet_frame,
    stylesheet,
)
from .sheets.page import PageSetup
from .sheets.plan import plan_sheets, plan_weak_sheet, sheet_from_record, sheet_record
from .sheets.workers import WorkerLost, WorkerPool, reporting_lost_workers
from .store.cache import (
    MANIFEST,
    Manifest,
    Rendition,
    Replay,
    Store,
    build_key,
    build_lock,
    code_digest,
    manifest_json,
    read_manifest,
    remove_leftovers,
    render_key,
    save_stamp,
)
from .store.files import replace_all, write_atomic
from .store.memo import Memo, Result, read_memo
from .store.outputs import LEDGER, read_ledger, refuse_unsafe_out, removable


def load(
    targets: list[Path],
    now: int,
    note_set: NoteSet | None = None,
    catalog: CatalogExtension = NO_EXTENSION,
    parsed: Memo[Outline] | None = None,
    deck_name: str = DEFAULT_DECK,
    kept_lock: str = "",
) -> Loaded:
    """Read, parse, extract and identify the notes named by ``targets`` (or ``note_set``,
    when they were read already), with the catalog the user's config extends; a note
    whose text ``parsed`` knows is not parsed again. ``deck_name`` is the deck a lock
    made before GUID seeds was most likely built for (see
    :func:`generator.facts.identity.migrated`). ``kept_lock``: the last build's copy of the
    lock, read when the notes have none (deleted, never committed)."""
    note_set = note_set or read_notes(targets)
    outlines = _parse_all(note_set, parsed if parsed is not None else Memo(""))
    images = frozenset(
        (note.file, path)
        for note in note_set.notes
        for root, path in note_set.assets
        if root == note.root
    )
    notes = extract(outlines, images, load_catalog(catalog))
    lock_path, lock_text = read_lock(note_set)
    beside = lock_path.exists()
    lock_text = lock_text if beside else kept_lock
    found = beside or bool(kept_lock)  # an empty lock file is an error, not none
    lock, seed = lock_from_json(lock_text, LOCK_NAME) if found else ({}, "")
    seed, lock = migrated(lock, seed, (deck_name, DEFAULT_DECK))
    read = {note.file for note in note_set.notes}
    identified = assign_ids(notes.facts, lock, now, note_set.present - read, seed)
    notes = replace(notes, facts=identified.facts, every_note=_read_everything(note_set))
    return Loaded(notes, identified, note_set, lock_path, lock_text, tuple(outlines))


PARALLEL_PARSE_BYTES = 1_000_000
"""Notes larger than this in total are parsed in worker processes (markdown-it is pure
Python; below this size starting the workers costs more than it saves)."""


def _parse_one(note: tuple[str, str]) -> Outline:
    return parse_note(*note)


def _parse_all(note_set: NoteSet, parsed: Memo[Outline]) -> list[Outline]:
    """Every note's outline: from ``parsed`` when it knows the note's text, else parsed
    now."""
    keys = [_note_key(note.file, note.text) for note in note_set.notes]
    new = {
        key: (note.file, note.text)
        for note, key in zip(note_set.notes, keys, strict=True)
        if key not in parsed.known
    }
    fresh = dict(zip(new, _parse_many(list(new.values())), strict=True))
    return [parsed.get(key, partial(fresh.__getitem__, key)) for key in keys]


def _parse_many(notes: list[tuple[str, str]]) -> list[Outline]:
    """(file, text) notes parsed, in worker processes when there is a lot of text."""
    workers = os.cpu_count() or 1
    if workers == 1 or sum(len(text) for _, text in notes) < PARALLEL_PARSE_BYTES:
        return [parse_note(file, text) for file, text in notes]
    with reporting_lost_workers(), WorkerPool(workers) as pool:
        return list(pool.map(_parse_one, notes, chunksize=max(1, len(notes) // (workers * 4))))


def _note_key(file: str, text: str) -> str:
    return hashlib.sha256(f"{file}\x1f{text}".encode()).hexdigest()


def _media(note_set: NoteSet) -> tuple[dict[str, str], dict[str, bytes]]:
    """Image path → content-addressed media name, and media name → bytes."""
    from .deck.cards import media_name

    names: dict[str, str] = {}
    contents: dict[str, bytes] = {}
    for root, path in sorted(note_set.assets):
        content = (root / path).read_bytes()
        names[path] = media_name(path, content)
        contents[names[path]] = content
    return names, contents


@dataclass(frozen=True, slots=True)
class _Deck:
    plan: DeckPlan
    media: dict[str, bytes]
    """The media its notes use, by name."""
    memo: Memo[CardHtml]
    """The card HTML to save for the next build."""


def _plan_deck(loaded: Loaded, options: DeckOptions, now: int, store: Store, code: str) -> _Deck:
    """The deck, planned (``code``: what made the card memo, see :func:`_memo_code`)."""
    from .deck.cards import plan_deck

    names, contents = _media(loaded.note_set)
    moved = frozenset(fact_id for fact_id, _, _ in loaded.identified.changes.moved)
    made_by = hashlib.sha256(f"{code}\x1f{sorted(names.items())}".encode()).hexdigest()
    memo = read_memo(store / CARD_MEMO, made_by, lambda found: (found[0], tuple(found[1])))
    lock = loaded.identified.scoped_lock()
    plan = plan_deck(loaded.notes, lock, moved, options, names, now, memo, loaded.identified.seed)
    used = {names[path] for path in plan.media}
    return _Deck(plan, {name: contents[name] for name in used}, memo)


def _memo_code() -> str:
    """cheatdeck's code and the libraries that parse Markdown and make HTML of it: what
    the memos were made by (see :mod:`generator.store.memo`)."""
    import jinja2
    import markdown_it
    import markupsafe
    import mdit_py_plugins
    import nh3
    import pylatexenc
    import yaml

    return code_digest(jinja2, markdown_it, markupsafe, mdit_py_plugins, nh3, pylatexenc, yaml)


def _image_urls(note_set: NoteSet) -> dict[str, str]:
    return {path: (root / path).as_uri() for root, path in sorted(note_set.assets)}


@dataclass(frozen=True, slots=True)
class _SheetOutput:
    files: dict[Path, bytes]
    """Only the PDFs that changed."""
    sheets: tuple[Sheet, ...]
    rendered: tuple[str, ...]
    """Slugs of the sheets rendered by this build (the others were up to date)."""
    manifest: Manifest
    warnings: tuple[str, ...]
    fonts: tuple[Path, ...]
    """The installed font files the sheets are set in."""
    pieces: frozenset[str]
    """The slugs whose pieces the store keeps for the next booklet."""


@dataclass(frozen=True, slots=True)
class _SheetWork:
    """The sheets planned, and the ones that changed under way in the render workers."""

    sheets: list[Sheet]
    stale: list[Sheet]
    """The sheets this build renders (the others are up to date)."""
    keys: dict[str, str]
    """The render key of each sheet and part, by slug."""
    manifest: Manifest
    """The outputs that are up to date, so far."""
    previous: Manifest
    """The last build's."""
    booklet_key: str
    fonts: FontSet
    contents_key: str
    """The packed booklet's contents block, as laid out (see :data:`CONTENTS`); '' when
    no packed booklet is made."""
    jobs: int
    results: Callable[[], list[Rendered]]
    """Waits for the jobs under way."""
    memo: Memo[Sheet]
    store: Store
    decisions: Sheet | None = None
    """The booklet's decision page, once the cards are planned (see
    :func:`_start_booklet_front`)."""

    @property
    def in_booklet(self) -> list[Sheet]:
        """What the booklet holds, in order: the decision page (if any), then every sheet."""
        return ([self.decisions] if self.decisions else []) + self.sheets

    @property
    def packed(self) -> list[Sheet]:
        """What the packed booklet packs: the decision page's parts, then every sheet."""
        return (decision_parts(self.decisions) if self.decisions else []) + self.sheets


def _start_sheets(
    loaded: Loaded,
    options: SheetOptions,
    build_date: str,
    out: Path,
    store: Store,
    renderer: Renderer,
    code: str,
) -> _SheetWork:
    """Plan every subject's sheet (taken from the memo ``code`` made when unchanged) and
    start rendering the ones that changed, while this process plans the cards; the
    booklet's own pages wait for them (:func:`_start_booklet_front`)."""
    from .sheets.fonts import prepare_fonts

    memo = _sheet_memo(store, options, code)
    page = PageSetup.of(options)
    sheets = plan_sheets(loaded.notes, options, build_date, _image_urls(loaded.note_set), memo)
    texts = [text for s in sheets for text in (s.html, s.stylesheet, s.running)]
    fonts = prepare_fonts([*texts, *label_texts(), *decision_texts()], store / FONTS)
    previous = read_manifest(store.folder)
    keys = {s.subject.slug: render_key(s.digest, fonts.digest) for s in sheets}
    pieces = PieceCache(store / PIECES)
    packed = options.booklet == "packed"
    stale = [
        sheet
        for sheet in sheets
        if not previous.fresh(out, _sheet_file(sheet), keys[sheet.subject.slug])
        or (packed and not pieces.has(sheet.subject.slug, keys[sheet.subject.slug]))
    ]
    manifest = Manifest(
        {_sheet_file(s): previous.files[_sheet_file(s)] for s in sheets if s not in stale},
        (fonts.css, pieces_stylesheet(stylesheet(page), page)),
    )
    jobs: list[RenderJob] = [
        _sheet_job(sheet.subject.slug, sheet, options, fonts.css) for sheet in stale
    ]
    results = renderer.submit(jobs)
    return _SheetWork(
        sheets,
        stale,
        keys,
        manifest,
        previous,
        "",
        fonts,
        "",
        len(jobs),
        results,
        memo,
        store,
    )


def _start_booklet_front(
    work: _SheetWork,
    clues: tuple[Clue, ...],
    catalog: Catalog,
    options: SheetOptions,
    build_date: str,
    out: Path,
    renderer: Renderer,
    code: str,
) -> _SheetWork:
    """The booklet's decision page (from the which cards' ``clues``) and the packed
    booklet's contents, laid out if they changed, and whether the booklet is up to date."""
    from .sheets.pdf import DocumentJob

    page = PageSetup.of(options)
    fonts = work.fonts
    work = replace(work, decisions=plan_decision_sheet(clues, catalog, options, build_date))
    keys = {s.subject.slug: render_key(s.digest, fonts.digest) for s in work.packed}
    booklet_key = render_key(  # its frame and contents are made by cheatdeck's code
        *keys.values(), page.css(), options.booklet, fonts.digest, code
    )
    if (booklet := work.previous.fresh(out, BOOKLET, booklet_key)) is not None:
        work.manifest.files[BOOKLET] = booklet
    packing = options.booklet == "packed"
    kept = PieceCache(work.store / PIECES)
    parts = decision_parts(work.decisions) if work.decisions and packing else []
    jobs: list[RenderJob] = [
        _sheet_job(part.subject.slug, part, options, fonts.css)
        for part in parts
        if not kept.has(part.subject.slug, keys[part.subject.slug])
    ]
    contents_key = ""
    if packing and (work.stale or booklet is None):  # the booklet is made again
        front_html, front_css = booklet_front_alone(work.in_booklet, options, build_date)
        contents_key = render_key(front_html, *front_css, fonts.css)
        if not PieceCache(work.store / CONTENTS).has("contents", contents_key):
            jobs.append(DocumentJob(BOOKLET, front_html, (fonts.css, *front_css), measure=True))
    started, more = work.results, renderer.submit(jobs)
    return replace(
        work,
        keys=keys,
        booklet_key=booklet_key,
        contents_key=contents_key,
        jobs=work.jobs + len(jobs),
        results=lambda: [*started(), *more()],
    )


def _sheet_memo(store: Store, options: SheetOptions, code: str) -> Memo[Sheet]:
    """The sheets planned by the last build (see :func:`generator.sheets.plan.plan_sheets`)."""
    css = stylesheet(PageSetup.of(options))
    tight = stylesheet(PageSetup.of(options, tight=True))
    return read_memo(store / SHEET_MEMO, code, lambda found: sheet_from_record(found, css, tight))


def _finish_sheets(
    work: _SheetWork,
    options: SheetOptions,
    build_date: str,
    out: Path,
    progress: Progress,
    renderer: Renderer,
) -> _SheetOutput:
    """Every subject's PDF that changed and the booklet. Once every changed subject is
    laid out, the packed booklet's frame goes to the workers first, then each sheet's: the
    booklet is imposed here while the workers draw the sheets."""
    sheets, manifest = work.sheets, work.manifest
    kept = frozenset(work.keys)
    if not work.stale and BOOKLET in manifest.files:
        return _SheetOutput({}, tuple(sheets), (), manifest, (), work.fonts.files, kept)
    total, finished = work.jobs + len(work.stale), []

    def tick(key: str) -> None:
        finished.append(key)
        progress("rendering sheets", min(len(finished), total), total)

    progress("rendering sheets", 0, total)
    renderer.on_done = tick
    import pikepdf  # noqa: F401 (imposing needs it: imported while the workers lay out)

    laid_out = {result.key: result for result in work.results()}
    cache, fresh = PieceCache(work.store / PIECES), {}
    for slug, result in laid_out.items():
        if slug in work.keys and result.laid is not None:  # a sheet's, or the decision page's
            cache.put(slug, work.keys[slug], result.laid)
            fresh[slug] = result.laid
    booklet = _start_booklet(work, laid_out, fresh, options, build_date, out, renderer)
    framing = renderer.submit(
        [_frame_job(s.subject.slug, s, _setting(laid_out, s), work.fonts.css) for s in work.stale]
    )
    files: dict[Path, bytes] = {}
    warnings: list[str] = []
    if booklet is not None:  # packed
        result = booklet()
        files[out / BOOKLET], booklet_pages = result.pdf, result.pages
        warnings.extend(f"all.pdf: warning: {w}" for w in result.warnings)
    for sheet, framed in zip(work.stale, framing(), strict=True):
        slug = sheet.subject.slug
        files[out / _sheet_file(sheet)] = framed.pdf
        manifest.files[_sheet_file(sheet)] = Rendition(work.keys[slug], framed.pages)
        found = (*laid_out[slug].warnings, *framed.warnings)
        warnings.extend(f"{slug}.pdf: warning: {w}" for w in found)
    if booklet is None:  # one per page: bound from the sheets
        pdfs = [
            files.get(out / _sheet_file(s)) or (out / _sheet_file(s)).read_bytes() for s in sheets
        ]
        pages = [manifest.files[_sheet_file(s)].pages for s in sheets]
        files[out / BOOKLET], booklet_pages = _booklet(
            sheets, pdfs, pages, options, build_date, renderer, work
        )
    manifest.files[BOOKLET] = Rendition(work.booklet_key, booklet_pages)
    rendered_slugs = tuple(sheet.subject.slug for sheet in work.stale)
    return _SheetOutput(
        files, tuple(sheets), rendered_slugs, manifest, tuple(warnings), work.fonts.files, kept
    )


def _sheet_job(key: str, sheet: Sheet, options: SheetOptions, font_css: str) -> SheetJob:
    """The job that lays out ``sheet``'s pieces (its HTML made here: workers only lay out)."""
    from .sheets.pdf import SheetJob

    return SheetJob(
        key,
        sheet.subject.slug,
        sheet.title,
        options,
        pieces_document(sheet),
        pieces_stylesheet(sheet.stylesheet, PageSetup.of(options)),
        pieces_stylesheet(sheet.tight_stylesheet, PageSetup.of(options, tight=True)),
        font_css,
    )


def _frame_job(key: str, sheet: Sheet, setting: Setting, font_css: str) -> FrameJob:
    """The job that draws ``sheet``'s frame pages in the ``setting`` its pieces chose."""
    from .sheets.pdf import FrameJob

    html, css = sheet_frame(sheet, setting.options, setting.tight, setting.imposition)
    return FrameJob(key, html, (font_css, *css), setting)


def _setting(laid_out: dict[str, Rendered], sheet: Sheet) -> Setting:
    setting = laid_out[sheet.subject.slug].setting
    assert setting is not None
    return setting


def _start_booklet(
    work: _SheetWork,
    laid_out: dict[str, Rendered],
    fresh: dict[str, Laid],
    options: SheetOptions,
    build_date: str,
    out: Path,
    renderer: Renderer,
) -> Callable[[], Rendered] | None:
    """The packed booklet planned from the pieces this build laid out (``fresh``, by
    slug) and the others' kept ones, and its frame pages under way (or found in the
    cache); the function returned imposes it. None for a one-per-page booklet."""
    if options.booklet != "packed":
        return None
    pieces = {**_kept_pieces(work, fresh), **fresh}
    contents = PieceCache(work.store / CONTENTS)
    if BOOKLET in laid_out and (measured := laid_out[BOOKLET].laid) is not None:
        contents.put("contents", work.contents_key, measured)
    front = contents.get("contents", work.contents_key)
    assert front is not None
    plan = plan_booklet(work.packed, pieces, front, options, build_date, work.fonts.css)
    cached = _cache_file(plan.frame, work.store.folder, "frame")
    if (frame := _read_cached(plan.frame, cached)) is not None:
        return lambda: impose_booklet(plan, frame)
    waiting = renderer.submit([plan.frame])

    def impose() -> Rendered:
        (rendered,) = waiting()
        _save_cached(cached, rendered)
        return impose_booklet(plan, rendered)

    return impose


def _kept_pieces(work: _SheetWork, fresh: dict[str, Laid]) -> dict[str, Laid]:
    """The pieces of the subjects this build did not lay out again, from the cache."""
    cache, kept = PieceCache(work.store / PIECES), {}
    for sheet in work.packed:
        slug = sheet.subject.slug
        if slug not in fresh:
            laid = cache.get(slug, work.keys[slug])
            if laid is None:
                raise RuntimeError(f"the pieces of {slug} went missing during the build")
            kept[slug] = laid
    return kept


BOOKLET = "sheets/all.pdf"
FONTS = Path("fonts")
"""The font subsets, one folder per set (see :mod:`generator.sheets.fonts`)."""
PIECES = Path("pieces")
"""Each subject's pieces, as laid out for its sheet (see :mod:`generator.sheets.booklet`)."""
CONTENTS = Path("contents")
"""The packed booklet's contents block, as measured before packing."""
SHEET_MEMO = Path("sheets.json")
"""The sheets as planned (HTML), by the digest of their inputs."""
CARD_MEMO = Path("cards.json")
"""The cards' HTML, by Markdown."""
OUTLINE_MEMO = Path("outlines.json")
"""Each note as parsed, by its path and text."""


def _sheet_file(sheet: Sheet) -> str:
    return f"sheets/{sheet.subject.slug}.pdf"


def _booklet(
    sheets: list[Sheet],
    pdfs: list[bytes],
    pages: list[int],
    options: SheetOptions,
    build_date: str,
    renderer: Renderer,
    work: _SheetWork,
) -> tuple[bytes, int]:
    """Cover and contents, the decision page (laid out as one document here: it has no
    sheet file to bind), then every sheet. The contents' own length moves every page
    number after it: laid out for a one-page contents first, again if it is longer."""
    from .sheets.pdf import DocumentJob, bind_booklet

    font_css, cache, decisions = work.fonts.css, work.store.folder, work.decisions
    opening = None
    if decisions is not None:
        job = DocumentJob(
            DECISIONS_SLUG, decisions.html, (font_css, decisions.stylesheet, decisions.running)
        )
        opening = _cached(job, renderer, cache, "decisions")
    listed = work.in_booklet
    lengths = [opening.pages, *pages] if opening else pages
    front_pages = 2
    for _ in range(3):
        firsts = [front_pages + 1 + sum(lengths[:index]) for index in range(len(lengths))]
        html, css = booklet_front(listed, firsts, options, build_date)
        front = _cached(DocumentJob("front", html, (font_css, *css)), renderer, cache, "front")
        if front.pages == front_pages:
            break
        front_pages = front.pages
    bound = list(zip(sheets, pdfs, strict=True))
    booklet = bind_booklet(front.pdf, bound, "cheatdeck", opening.pdf if opening else b"")
    return booklet, front.pages + sum(lengths)


WEAK_SPOTS = "sheets/weak-spots.pdf"
"""Made by ``cheatdeck weak``, not by builds (which leave it in place)."""


def write_weak_sheet(
    loaded: Loaded,
    weak: list[tuple[Fact, int]],
    title: str,
    options: SheetOptions,
    out: Path,
    fit_one_page: bool,
) -> int:
    """Render the weak-spots sheet into ``OUT/sheets/weak-spots.pdf``; returns its pages.
    With ``fit_one_page``, the weakest facts that fit on one page are kept."""
    from .sheets.fonts import prepare_fonts
    from .sheets.pdf import Renderer

    build_date = datetime.now(UTC).date().isoformat()
    fonts_home = Store(out) / FONTS
    refuse_unsafe_out(out, loaded.note_set.roots)
    with build_lock(out), Renderer((TEMPLATES, fonts_home)) as renderer:
        while True:
            sheet = plan_weak_sheet(weak, title, options, build_date, loaded.notes.catalog)
            texts = [sheet.html, sheet.stylesheet, sheet.running, *label_texts()]
            fonts = prepare_fonts(texts, fonts_home)
            (laid_out,) = renderer.render([_sheet_job("weak", sheet, options, fonts.css)])
            if not fit_one_page or laid_out.pages == 1 or len(weak) == 1:
                break
            weak = weak[: max(1, int(len(weak) / laid_out.pages * 0.9))]
        assert laid_out.setting is not None
        (result,) = renderer.render([_frame_job("weak", sheet, laid_out.setting, fonts.css)])
        ledger = read_ledger(out)
        ledger.refuse_foreign(out, [WEAK_SPOTS])
        ledger.record({WEAK_SPOTS: result.pdf})
        replace_all({out / WEAK_SPOTS: result.pdf, out / LEDGER: ledger.to_json().encode()})
    return result.pages


def _cached(job: DocumentJob, renderer: Renderer, cache: Path, name: str) -> Rendered:
    """A document reused while it reads the same: the booklet's frame pages or its cover
    and contents (most edits move no page)."""
    cached = _cache_file(job, cache, name)
    found = _read_cached(job, cached)
    if found is not None:
        return found
    (rendered,) = renderer.render([job])
    _save_cached(cached, rendered)
    return rendered


def _cache_file(job: DocumentJob, cache: Path, name: str) -> Path:
    return cache / f"{name}-{render_key(job.html, *job.stylesheets)}.pdf"


def _read_cached(job: DocumentJob, cached: Path) -> Rendered | None:
    from .sheets.pdf import Rendered, page_count

    if not cached.is_file():
        return None
    pdf = cached.read_bytes()
    return Rendered(job.key, pdf, page_count(pdf), ())


def _save_cached(cached: Path, rendered: Rendered) -> None:
    """Keep ``rendered`` as the only document of its name (its key is in the file name)."""
    name = cached.name.rsplit("-", 1)[0]
    for old in cached.parent.glob(f"{name}-*.pdf"):
        old.unlink()
    write_atomic(cached, rendered.pdf)


def _notes_by_fact(plan: DeckPlan) -> dict[str, list[NoteRecord]]:
    found: dict[str, list[NoteRecord]] = {}
    kept = [card for card in plan.removed if card.kind == "off"]  # for when it is back on
    for card in (*plan.notes, *kept):
        record = NoteRecord(card.guid, card.model, card.digest, card.modified, card.namespace)
        for fact_id in card.facts:  # a list's note is known to each item: see cards.py
            found.setdefault(fact_id, []).append(record)
    return found


def build(
    targets: list[Path],
    out: Path,
    now: int,
    options: BuildOptions,
    progress: Progress = quiet,
    session: Session | None = None,
) -> BuildResult:
    """Build every output into ``out``, redoing only what changed; ``session`` keeps the
    render workers for the next build (``watch``).

    Outputs are rendered in memory, then all of them and the lock beside the notes are
    replaced at once (:func:`generator.store.files.replace_all`), and only files cheatdeck
    wrote are ever replaced or removed. One build at a time per ``out``.
    """
    note_set = read_notes(targets)  # no notes: fail before OUT is even created
    refuse_unsafe_out(out, note_set.roots)
    with (
        build_lock(out),
        Store(out, keep=options.cache) as store,
        _rendering(note_set, store, options, session) as renderer,
    ):
        progress("reading notes", 0, 1)
        code = _memo_code()  # what made the memos: each is read with it
        parsed = read_memo(store / OUTLINE_MEMO, code, outline_from_record)
        deck_name = options.deck_options.name
        kept = _kept_lock(store, note_set)
        loaded = load(targets, now, note_set, options.catalog, parsed, deck_name, kept)
        if options.strict:
            _refuse_warnings([s.warning() for s in loaded.notes.skipped if s.warn])
        outputs: dict[Path, bytes] = {}
        lock = loaded.identified.lock
        build_date = datetime.fromtimestamp(now, UTC).date().isoformat()
        sheet_options = options.sheet_options
        work = None
        if options.sheets:  # rendered by the workers while this process makes the cards
            work = _start_sheets(loaded, sheet_options, build_date, out, store, renderer, code)
        progress("making cards", 0, 1)
        deck = None
        if options.deck:  # before the booklet: its decision page prints the clues
            deck = _plan_deck(loaded, options.deck_options, now, store, code)
            cards, clues = deck.plan.cards, deck.plan.clues
        else:
            from .deck.cards import cards_of_facts

            made = cards_of_facts(
                loaded.notes, loaded.identified.scoped_lock(), options.deck_options
            )
            cards, clues = made.cards, made.clues
        if work is not None:
            catalog = loaded.notes.catalog
            work = _start_booklet_front(
                work, clues, catalog, sheet_options, build_date, out, renderer, code
            )
        if deck is not None:  # packed while the workers render
            outputs[out / "deck.apkg"] = apkg_bytes(deck.plan, deck.media)
            _save_memo(deck.memo, list, store, CARD_MEMO, outputs, loaded.notes.every_note)
            lock = record_notes(lock, _notes_by_fact(deck.plan), loaded.identified.scope)
        outputs[out / "facts.json"] = facts_json(loaded.notes, cards).encode()
        _save_memo(parsed, outline_record, store, OUTLINE_MEMO, outputs, loaded.notes.every_note)
        sheet_output = None
        if work is not None:
            sheet_output = _finish_sheets(work, sheet_options, build_date, out, progress, renderer)
            outputs.update(sheet_output.files)
            if store.keep:
                outputs[store / MANIFEST] = manifest_json(sheet_output.manifest).encode()
            _save_memo(work.memo, sheet_record, store, SHEET_MEMO, outputs, loaded.notes.every_note)
            if options.strict:
                _refuse_warnings(list(sheet_output.warnings))
        result = BuildResult(
            loaded,
            tuple(outputs),
            deck.plan if deck else None,
            sheet_output.sheets if sheet_output else (),
            sheet_output.rendered if sheet_output else (),
            {name: r.pages for name, r in sheet_output.manifest.files.items()}
            if sheet_output
            else {},
            (*_lost_lock(loaded, out, kept), *(sheet_output.warnings if sheet_output else ())),
        )
        lock_text = lock_to_json(lock, loaded.identified.seed) + "\n"
        if store.keep and lock_text != kept:
            copy = {"notes": str(note_set.roots[0]), "lock": lock_text}
            outputs[store / KEPT_LOCK] = json.dumps(copy, ensure_ascii=False).encode()
        if lock_text != loaded.lock_text or not loaded.lock_path.exists():
            outputs[loaded.lock_path] = lock_text.encode()
        _write_outputs(outputs, out, store, loaded, sheet_output)
        if store.keep:
            key = build_key(loaded.note_set, lock_text, options, out)
            _stamp(result, key, out, sheet_output)
    return result


KEPT_LOCK = Path("lock.json")
"""The last build's copy of the lock, in the store, with the notes folder it belongs to."""


def _kept_lock(store: Store, note_set: NoteSet) -> str:
    """The lock the last build of these notes into this OUT wrote ('' when none)."""
    try:
        kept = json.loads((store / KEPT_LOCK).read_text(encoding="utf-8"))
        return str(kept["lock"]) if kept["notes"] == str(note_set.roots[0]) else ""
    except (OSError, ValueError, KeyError, TypeError):
        return ""


def _lost_lock(loaded: Loaded, out: Path, kept: str) -> tuple[str, ...]:
    """A warning when the notes have no lock but OUT holds an earlier build of them: the
    lock was deleted or never committed. With the copy the last build kept, the cards keep
    their identities and the lock is written again; without, every card gets a new one."""
    if loaded.lock_path.exists():
        return ()
    if kept:  # said whenever it happens: the lock about to be written is the copy
        return (
            f"{LOCK_NAME}: warning: no lock beside the notes: restored from the copy the "
            f"last build kept in {out}/.cache; commit it with your notes",
        )
    if not (out / LEDGER).is_file():
        return ()
    return (
        f"{LOCK_NAME}: warning: no lock beside the notes, but {out}/ holds an earlier build: "
        "every card gets a new identity and re-importing duplicates the cards of facts "
        "edited since; restore the lock from version control (git checkout) and build again",
    )


def _write_outputs(
    outputs: dict[Path, bytes],
    out: Path,
    store: Store,
    loaded: Loaded,
    sheets: _SheetOutput | None,
) -> None:
    """Replace the outputs (and the lock) all at once, then remove the sheets of subjects
    that are gone — only files cheatdeck wrote (see :mod:`generator.store.outputs`)."""
    ledger = read_ledger(out)
    own = {
        path.relative_to(out).as_posix(): data
        for path, data in outputs.items()
        if path.is_relative_to(out) and not path.is_relative_to(store.folder)
    }
    ledger.refuse_foreign(out, sorted(own))
    stale: list[str] = []
    if sheets is not None and loaded.notes.every_note:
        made = {*sheets.manifest.files, WEAK_SPOTS}  # `weak` made that one
        gone = [name for name in ledger.files if name.startswith("sheets/") and name not in made]
        stale = removable(ledger, out, gone)
        for name in gone:
            del ledger.files[name]
    ledger.record(own)
    outputs[out / LEDGER] = ledger.to_json().encode()
    remove_leftovers(loaded.lock_path.parent, recursive=False, name=LOCK_NAME)  # cut short
    replace_all(outputs)
    for name in stale:
        (out / name).unlink(missing_ok=True)
    if sheets is not None and loaded.notes.every_note:
        PieceCache(store / PIECES).keep_only(set(sheets.pieces))


def _save_memo(
    memo: Memo[Result],
    record: Callable[[Result], Any],
    store: Store,
    name: Path,
    outputs: dict[Path, bytes],
    every_note: bool,
) -> None:
    """Save ``memo`` with the outputs when it learnt something (and the store keeps
    anything). A build of some of the notes keeps what builds of the others left in it."""
    if not every_note:
        memo.keep_known()
    if memo.changed and store.keep:
        outputs[store / name] = memo.to_json(record).encode()


def _stamp(result: BuildResult, key: str, out: Path, sheets: _SheetOutput | None) -> None:
    """Save what a rebuild of the same notes may replay: that build renders nothing."""
    from .report import build_report, report_lines, settled

    outputs = {path.relative_to(out).as_posix() for path in result.written}
    outputs |= set(sheets.manifest.files) if sheets else set()
    report = settled(build_report(replace(result, rendered=(), warnings=())))
    replay = Replay(report, report_lines(report))
    save_stamp(out, key, outputs, sheets.fonts if sheets else (), replay)


class Session:
    """Render workers kept from one build to the next (``watch``): their fonts, parsed
    stylesheets and WeasyPrint's import stay warm."""

    def __init__(self) -> None:
        self.renderer: Renderer | None = None

    def close(self) -> None:
        if self.renderer is not None:
            self.renderer.__exit__()
            self.renderer = None


@contextmanager
def _rendering(
    note_set: NoteSet, store: Store, options: BuildOptions, session: Session | None
) -> Iterator[Renderer]:
    """The build's renderer: the session's, or one of its own, closed after the build."""
    from .sheets.pdf import Renderer

    roots = (*note_set.roots, TEMPLATES, (store / FONTS).resolve())
    if session is None:
        with Renderer(roots) as renderer:
            _warm_up(renderer, store, options)
            yield renderer
        return
    if session.renderer is None or session.renderer.roots != roots:
        session.close()
        session.renderer = Renderer(roots)
        _warm_up(session.renderer, store, options)
    try:
        yield session.renderer
    except WorkerLost:
        session.close()  # its pool is broken: the next build starts new workers
        raise


def _warm_up(renderer: Renderer, store: Store, options: BuildOptions) -> None:
    """Start the workers at once, in parallel with reading the notes and making cards:
    every one when every sheet will be rendered (no earlier build in the store), else one,
    warmed with the last build's stylesheets (an edit usually changes one sheet; more
    start if needed)."""
    if not options.sheets:
        return
    previous = read_manifest(store.folder)
    if previous.files:
        renderer.warm_up(1, previous.stylesheets)
    else:
        renderer.warm_up(renderer.workers)


def _read_everything(note_set: NoteSet) -> bool:
    """A build of some notes cannot tell a vanished subject from one it did not read."""
    return note_set.present <= {note.file for note in note_set.notes}


def _refuse_warnings(warnings: list[str]) -> None:
    """``--strict``: warnings fail the build while nothing has been written yet."""
    if warnings:
        raise StrictError(warnings)
