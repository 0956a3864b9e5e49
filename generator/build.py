"""The pipeline, top to bottom: read → parse → extract → identify → cards/sheets → write.

:func:`load` runs the pure stages and is shared by ``facts`` (which writes nothing) and
``build``. :func:`build` renders every output in memory first and only then replaces the
files, each atomically, so a failed build leaves the previous outputs whole; the lock beside
the notes is saved last.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from .cards import DeckOptions, DeckPlan, media_name, plan_deck
from .extract import Notes, extract
from .identity import (
    LOCK_NAME,
    Identified,
    assign_ids,
    lock_from_json,
    lock_to_json,
    record_notes,
)
from .parse import parse_note
from .resources import TEMPLATES
from .sheets import Sheet, SheetOptions, booklet_front, label_texts, plan_sheets
from .sources import NoteSet, read_notes
from .writers import apkg_bytes, facts_json, write_atomic


@dataclass(frozen=True, slots=True)
class BuildOptions:
    """What to build and how."""

    deck: bool = True
    sheets: bool = True
    deck_options: DeckOptions = field(default_factory=DeckOptions)
    sheet_options: SheetOptions = field(default_factory=SheetOptions)


@dataclass(frozen=True, slots=True)
class Loaded:
    """The notes, understood: facts with ids, and the lock to save after a build."""

    notes: Notes
    identified: Identified
    note_set: NoteSet
    lock_path: Path
    lock_text: str
    """The lock file as it was on disk ('' if there was none)."""


@dataclass(frozen=True, slots=True)
class BuildResult:
    """What a build produced, for the report."""

    loaded: Loaded
    written: tuple[Path, ...]
    deck: DeckPlan | None
    sheets: tuple[Sheet, ...] = ()
    pages: dict[str, int] = field(default_factory=dict)
    """Pages per sheet slug (and ``all`` for the booklet)."""
    warnings: tuple[str, ...] = ()
    """Problems met while rendering (WeasyPrint's warnings)."""


def load(targets: list[Path], now: int) -> Loaded:
    """Read, parse, extract and identify the notes named by ``targets``."""
    note_set = read_notes(targets)
    outlines = [parse_note(note.file, note.text) for note in note_set.notes]
    images = frozenset(
        (note.file, path)
        for note in note_set.notes
        for root, path in note_set.assets
        if root == note.root
    )
    notes = extract(outlines, images)
    lock_path = note_set.roots[0] / LOCK_NAME
    lock_text = lock_path.read_text(encoding="utf-8") if lock_path.is_file() else ""
    lock = lock_from_json(lock_text, LOCK_NAME) if lock_text else {}
    identified = assign_ids(notes.facts, lock, now)
    notes = replace(notes, facts=identified.facts)
    return Loaded(notes, identified, note_set, lock_path, lock_text)


def _media(note_set: NoteSet) -> tuple[dict[str, str], dict[str, bytes]]:
    """Image path → content-addressed media name, and media name → bytes."""
    names: dict[str, str] = {}
    contents: dict[str, bytes] = {}
    for root, path in sorted(note_set.assets):
        content = (root / path).read_bytes()
        names[path] = media_name(path, content)
        contents[names[path]] = content
    return names, contents


def _deck(loaded: Loaded, options: DeckOptions) -> tuple[DeckPlan, bytes]:
    names, contents = _media(loaded.note_set)
    moved = frozenset(fact_id for fact_id, _, _ in loaded.identified.changes.moved)
    plan = plan_deck(loaded.notes, loaded.identified.lock, moved, options, names)
    used = {names[path] for path in plan.media}
    return plan, apkg_bytes(plan, {name: contents[name] for name in used})


def _image_urls(note_set: NoteSet) -> dict[str, str]:
    return {path: (root / path).as_uri() for root, path in sorted(note_set.assets)}


@dataclass(frozen=True, slots=True)
class _SheetOutput:
    files: dict[Path, bytes]
    sheets: tuple[Sheet, ...]
    pages: dict[str, int]
    warnings: tuple[str, ...]


def _sheets(loaded: Loaded, options: SheetOptions, build_date: str, out: Path) -> _SheetOutput:
    """Every subject's PDF and the booklet, rendered in worker processes."""
    from .fonts import prepare_fonts
    from .pdf import bind_booklet, render_all, sheet_job

    sheets = plan_sheets(loaded.notes, options, build_date, _image_urls(loaded.note_set))
    texts = [text for sheet in sheets for text in (sheet.html, sheet.stylesheet)]
    fonts = prepare_fonts([*texts, *label_texts()], out / ".cache" / "fonts")
    roots = (*loaded.note_set.roots, TEMPLATES, fonts.folder)
    rendered = render_all([sheet_job(sheet, fonts.css) for sheet in sheets], roots)
    pages = {r.key: r.pages for r in rendered}
    files = {out / "sheets" / f"{r.key}.pdf": r.pdf for r in rendered}
    front, front_pages = _booklet_front(
        sheets, [r.pages for r in rendered], options, build_date, roots, fonts.css
    )
    booklet = bind_booklet(
        front, [(s, r.pdf) for s, r in zip(sheets, rendered, strict=True)], "cheatdeck"
    )
    files[out / "sheets" / "all.pdf"] = booklet
    pages["all"] = front_pages + sum(r.pages for r in rendered)
    warnings = tuple(
        f"{s.subject.slug}.pdf: {w}"
        for s, r in zip(sheets, rendered, strict=True)
        for w in r.warnings
    )
    return _SheetOutput(files, tuple(sheets), pages, warnings)


def _booklet_front(
    sheets: list[Sheet],
    pages: list[int],
    options: SheetOptions,
    build_date: str,
    roots: tuple[Path, ...],
    font_css: str,
) -> tuple[bytes, int]:
    """Cover and contents; laid out twice, since the contents' length moves every page."""
    from .pdf import RenderJob, render_all

    front_pages = 0
    for _ in range(2):
        firsts, page = [], front_pages + 1
        for count in pages:
            firsts.append(page)
            page += count
        html, css = booklet_front(sheets, firsts, options, build_date)
        css = font_css + css
        (front,) = render_all([RenderJob("front", html, css, css)], roots, workers=1)
        if front.pages == front_pages:
            break
        front_pages = front.pages
    return front.pdf, front.pages


def _notes_by_fact(plan: DeckPlan) -> dict[str, list[tuple[str, str]]]:
    found: dict[str, list[tuple[str, str]]] = {}
    for card in plan.notes:
        found.setdefault(card.key_fact, []).append((card.guid, card.model))
    return found


def build(targets: list[Path], out: Path, now: int, options: BuildOptions) -> BuildResult:
    """Build every output into ``out``; the lock beside the notes is saved last."""
    loaded = load(targets, now)
    outputs: dict[Path, bytes] = {out / "facts.json": facts_json(loaded.notes).encode()}
    lock = loaded.identified.lock
    plan = None
    if options.deck:
        plan, package = _deck(loaded, options.deck_options)
        outputs[out / "deck.apkg"] = package
        lock = record_notes(lock, _notes_by_fact(plan))
    sheet_output = None
    if options.sheets:
        build_date = datetime.fromtimestamp(now, UTC).date().isoformat()
        sheet_output = _sheets(loaded, options.sheet_options, build_date, out)
        outputs.update(sheet_output.files)
    for path, data in outputs.items():
        write_atomic(path, data)
    if sheet_output is not None:
        _remove_stale_sheets(out / "sheets", set(sheet_output.files))
    lock_text = lock_to_json(lock) + "\n"
    if lock_text != loaded.lock_text:
        write_atomic(loaded.lock_path, lock_text.encode())
    if sheet_output is None:
        return BuildResult(loaded, tuple(outputs), plan)
    return BuildResult(
        loaded, tuple(outputs), plan, sheet_output.sheets, sheet_output.pages, sheet_output.warnings
    )


def _remove_stale_sheets(folder: Path, keep: set[Path]) -> None:
    """Sheets of subjects that no longer exist would mislead: remove them."""
    if folder.is_dir():
        for path in folder.glob("*.pdf"):
            if path not in keep:
                path.unlink()
