"""The edge where outputs go to disk: atomic writes and the facts.json document.

Every output is written to a temporary file in the same folder and renamed over the old
one, so a build that fails or is killed leaves the previous output whole.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .cache import TEMPORARY_PREFIX
from .errors import CheatdeckError
from .extract import Notes

if TYPE_CHECKING:
    from .cards import DeckPlan

FACTS_VERSION = 1
_UMASK = os.umask(0o022)
os.umask(_UMASK)


class WriteFailed(CheatdeckError):
    """An output could not be written; every previous output is as it was."""


def write_atomic(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` in one rename (never a half-written file)."""
    replace_all({path: data})


def replace_all(files: dict[Path, bytes]) -> None:
    """Replace every one of ``files`` or none: each is first written in full beside its
    target (a full disk or a folder that refuses writes fails here, with nothing replaced),
    then all are renamed over their targets."""
    staged: list[tuple[str, Path]] = []
    try:
        for path, data in files.items():
            staged.append((_staged(path, data), path))
    except OSError as error:
        raise WriteFailed(
            f"{path}: cannot write: {error.strerror or error}; nothing was replaced"
        ) from None
    finally:
        if len(staged) < len(files):  # failed or interrupted: leave nothing behind
            for temporary, _ in staged:
                Path(temporary).unlink(missing_ok=True)
    for temporary, path in staged:
        os.replace(temporary, path)


def _staged(path: Path, data: bytes) -> str:
    """``data`` written and flushed to disk in a temporary file beside ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f"{TEMPORARY_PREFIX}{path.name}.", dir=path.parent)
    try:
        os.chmod(temporary, 0o666 & ~_UMASK)  # mkstemp's 0600 would hide outputs from others
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return temporary


def facts_document(notes: Notes, cards: dict[str, tuple[str, ...]] | None = None) -> dict[str, Any]:
    """The facts.json document (CONTRACT.md), plus the skipped lines for review.

    ``cards`` (fact id → card kinds) adds each fact's ``cards`` list, ``[]`` for none."""
    return {
        "version": FACTS_VERSION,
        "subjects": [
            {"name": s.name, "kind": s.kind, "slug": s.slug, "category": s.category}
            for s in notes.subjects
        ],
        "facts": [
            {
                "id": f.id,
                "subject": f.subject,
                "subject_kind": f.subject_kind,
                "path": list(f.path),
                "text": f.text,
                "kind": f.kind,
                "lang": f.lang,
                "source": {"file": f.file, "line": f.line, "end_line": f.end_line},
                "also": list(f.also),
                "tags": list(f.tags),
                **({"cards": sorted(set(cards.get(f.id, ())))} if cards is not None else {}),
            }
            for f in notes.facts
        ],
        "skipped": [{"file": s.file, "line": s.line, "reason": s.reason} for s in notes.skipped],
    }


def facts_json(notes: Notes, cards: dict[str, tuple[str, ...]] | None = None) -> str:
    """facts.json with one subject, fact or skipped line per line: readable, diff-friendly,
    and fast (``json.dumps`` with ``indent`` falls back to a pure-Python encoder)."""
    document = facts_document(notes, cards)
    parts = [f'{{"version": {document["version"]}']
    for key in ("subjects", "facts", "skipped"):
        items = ",\n  ".join(json.dumps(item, ensure_ascii=False) for item in document[key])
        parts.append(f'"{key}": [\n  {items}\n]' if items else f'"{key}": []')
    return ",\n".join(parts) + "}\n"


BASIC_MODEL_ID = 1_716_523_401
"""Hard-coded: Anki keys note types by id, so it must never change. A change to the fields
needs a new id and a new name (``v2``): Anki copies a note type whose fields differ."""
CLOZE_MODEL_ID = 1_716_523_402
BASIC_FIELDS = ("Front", "Back", "Context", "Label", "Source", "Kind", "Lang", "Extra")
CLOZE_FIELDS = ("Text", "Context", "Label", "Source", "Kind", "Lang", "Extra")


def _model(model_id: int, name: str, fields: tuple[str, ...], template: str, cloze: bool) -> Any:
    """A note type from ``templates/anki/<template>_front.html`` and ``…_back.html``."""
    import genanki

    from .resources import template_text

    return genanki.Model(
        model_id,
        name,
        fields=[{"name": field} for field in fields],
        templates=[
            {
                "name": "Cloze" if cloze else "Card",
                "qfmt": template_text(f"anki/{template}_front.html"),
                "afmt": template_text(f"anki/{template}_back.html"),
            }
        ],
        css=template_text("anki/card.css"),
        model_type=genanki.Model.CLOZE if cloze else genanki.Model.FRONT_BACK,
    )


def _models() -> dict[str, Any]:
    return {
        "basic": _model(BASIC_MODEL_ID, "cheatdeck basic v1", BASIC_FIELDS, "basic", cloze=False),
        "cloze": _model(CLOZE_MODEL_ID, "cheatdeck cloze v1", CLOZE_FIELDS, "cloze", cloze=True),
    }


def apkg_bytes(plan: DeckPlan, media_files: dict[str, bytes]) -> bytes:
    """The deck as an .apkg; ``media_files`` maps media names to their bytes."""
    import genanki

    from .cards import deck_id

    class TimedNote(genanki.Note):  # type: ignore[misc]
        """A note whose modification time is its facts' change time, not the build's."""

        def __init__(self, modified: int, **fields: Any) -> None:
            super().__init__(**fields)
            self.modified = modified

        def write_to_db(self, cursor: Any, _build_time: float, deck_id: int, id_gen: Any) -> None:
            super().write_to_db(cursor, self.modified, deck_id, id_gen)

    models = _models()
    decks: dict[str, Any] = {}
    shipped = [*((card, False) for card in plan.notes), *((card, True) for card in plan.removed)]
    for card, no_longer_made in shipped:
        deck = decks.get(card.deck)
        if deck is None:
            deck = decks[card.deck] = genanki.Deck(deck_id(card.deck), card.deck)
        note = TimedNote(
            card.modified,
            model=models[card.model],
            fields=[value for _, value in card.fields],
            tags=list(card.tags),
            guid=card.guid,
        )
        for made in note.cards:  # a card no longer made is never studied
            made.suspend = no_longer_made
        deck.add_note(note)
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for name, content in sorted(media_files.items()):
            (Path(folder) / name).write_bytes(content)
            paths.append(str(Path(folder) / name))
        target = Path(folder) / "deck.apkg"
        stamp = max((card.modified for card in plan.notes), default=0)
        genanki.Package(list(decks.values()), media_files=paths).write_to_file(
            str(target), timestamp=stamp
        )
        return target.read_bytes()
