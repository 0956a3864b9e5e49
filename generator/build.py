"""The pipeline, top to bottom: read → parse → extract → identify → write.

:func:`load` runs the pure stages and is shared by ``facts`` (which writes nothing) and
``build``. :func:`build` adds the outputs; every file it writes is replaced atomically and
only after every stage has succeeded, so a failed build leaves the previous outputs whole.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from .extract import Notes, extract
from .identity import LOCK_NAME, Identified, assign_ids, lock_from_json, lock_to_json
from .parse import parse_note
from .sources import read_notes
from .writers import facts_json, write_atomic


@dataclass(frozen=True, slots=True)
class Loaded:
    """The notes, understood: facts with ids, and the lock to save after a build."""

    notes: Notes
    identified: Identified
    lock_path: Path
    lock_text: str
    """The lock file as it was on disk ('' if there was none)."""


@dataclass(frozen=True, slots=True)
class BuildResult:
    """What a build produced, for the report."""

    loaded: Loaded
    written: tuple[Path, ...]


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
    return Loaded(replace(notes, facts=identified.facts), identified, lock_path, lock_text)


def build(targets: list[Path], out: Path, now: int) -> BuildResult:
    """Build every output into ``out``; the lock beside the notes is saved last."""
    loaded = load(targets, now)
    written = [out / "facts.json"]
    write_atomic(written[0], facts_json(loaded.notes).encode())
    lock_text = lock_to_json(loaded.identified.lock) + "\n"
    if lock_text != loaded.lock_text:
        write_atomic(loaded.lock_path, lock_text.encode())
    return BuildResult(loaded, tuple(written))
