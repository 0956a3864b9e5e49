"""The deck as an ``.apkg``: cheatdeck's two note types and the notes of a
:class:`~generator.deck.cards.DeckPlan`, written with genanki."""

from __future__ import annotations

import io
import tempfile
import time
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .cards import DeckPlan


BASIC_MODEL_ID = 1_716_523_401
"""Hard-coded: Anki keys note types by id, so it must never change. A change to the fields
needs a new id and a new name (``v2``): Anki copies a note type whose fields differ."""
CLOZE_MODEL_ID = 1_716_523_402
BASIC_FIELDS = ("Front", "Back", "Context", "Label", "Source", "Kind", "Lang", "Extra")
CLOZE_FIELDS = ("Text", "Context", "Label", "Source", "Kind", "Lang", "Extra")
FIELDS = {"basic": BASIC_FIELDS, "cloze": CLOZE_FIELDS}
"""Each note type's fields, in the order Anki stores them: a note's values are placed by
these names, never by the order a planner happened to list them in."""


def field_values(model: str, fields: dict[str, str]) -> list[str]:
    """A note's values in its note type's order; every field named, none unknown."""
    names = FIELDS[model]
    if set(fields) != set(names):
        raise ValueError(f"{model} note fields {sorted(fields)} are not {sorted(names)}")
    return [fields[name] for name in names]


def _model(model_id: int, name: str, fields: tuple[str, ...], template: str, cloze: bool) -> Any:
    """A note type from ``templates/anki/<template>_front.html`` and ``…_back.html``."""
    import genanki

    from ..resources import template_text

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
            fields=field_values(card.model, dict(card.fields)),
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
        return _dated(target.read_bytes(), stamp)


def _dated(package: bytes, stamp: int) -> bytes:
    """``package`` with every member dated ``stamp``: genanki dates them by the clock (the
    time its temporary files were written), so the same notes made two seconds apart
    gave two different decks."""
    when = time.gmtime(max(stamp, ZIP_EPOCH))[:6]
    packed = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as source, zipfile.ZipFile(packed, "w") as target:
        for member in source.infolist():
            dated = zipfile.ZipInfo(member.filename, date_time=when)
            dated.compress_type, dated.external_attr = member.compress_type, member.external_attr
            target.writestr(dated, source.read(member))
    return packed.getvalue()


ZIP_EPOCH = 315_532_800
"""1980-01-01: the first time a zip member can be dated."""
