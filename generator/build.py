"""The pipeline, top to bottom: read → parse → extract → identify → cards/sheets → write.

:func:`load` runs the pure stages and is shared by ``facts`` (which writes nothing) and
``build``. :func:`build` renders every output in memory first and only then replaces the
files, each atomically, so a failed build leaves the previous outputs whole; the lock beside
the notes is saved last.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
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
from .sources import NoteSet, read_notes
from .writers import apkg_bytes, facts_json, write_atomic


@dataclass(frozen=True, slots=True)
class BuildOptions:
    """What to build and how."""

    deck: bool = True
    sheets: bool = True
    deck_options: DeckOptions = field(default_factory=DeckOptions)


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
    for path, data in outputs.items():
        write_atomic(path, data)
    lock_text = lock_to_json(lock) + "\n"
    if lock_text != loaded.lock_text:
        write_atomic(loaded.lock_path, lock_text.encode())
    return BuildResult(loaded, tuple(outputs), plan)
