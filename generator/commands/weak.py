"""Stage: review history → the facts a learner keeps failing (``cheatdeck weak``).

Anki knows which cards fail; the lock beside the notes knows which fact each card's GUID
came from. The history is read from a copy of ``collection.anki2`` (the file itself is
never opened by SQLite, so it cannot be changed or locked, even while Anki runs) or from a
running Anki through AnkiConnect, which reports no GUIDs: there a card is matched to the
note this build would make by its fields.

The score of a card, over the answers in the window (``--since``, default all):

* each "Again" answer: 1 point, 2 if it forgot a card that was in review (a lapse);
  doubled when it is from the last :data:`RECENT_DAYS` days;
* a card relearning right now: +2; a review card's ease below 250 %: +1 per 40 points
  below (Anki lowers the ease on every lapse).

Only cards with at least one "Again" in the window count; a fact's score is the sum over
its cards. Facts gone from the notes are listed apart, never on the sheet.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import sqlite3
import sys
import tempfile
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..deck.apkg import BASIC_FIELDS, CLOZE_FIELDS
from ..deck.card_rules import LABELS
from ..errors import CheatdeckError
from ..facts.extract import Fact
from ..facts.identity import Entry
from .anki_connect import AnkiConnect

RECENT_DAYS = 7
DEFAULT_EASE = 2500
EASE_STEP = 400
AGAIN = 1
_LAPSE, _MANUAL = 1, 4  # revlog types: 0 learn, 1 review, 2 relearn, 3 filtered, 4 manual
_RELEARNING = 3  # card type
_TAGS = re.compile(r"<[^>]+>")
_CLOZE = re.compile(r"\{\{c\d+::(.*?)(?:::[^}]*)?\}\}")
_CHEATDECK_CARDS = "tag:cheatdeck::*"


@dataclass(frozen=True, slots=True)
class Answer:
    at: int
    """Unix time in milliseconds (revlog ids are answer times)."""
    ease: int
    """The button: 1 Again, 2 Hard, 3 Good, 4 Easy."""
    kind: int
    """revlog type: 0 learn, 1 review, 2 relearn, 3 filtered, 4 manual."""


@dataclass(frozen=True, slots=True)
class CardHistory:
    """One cheatdeck card as Anki has it, and every answer it got."""

    guid: str
    """The note's GUID ('' when read through AnkiConnect, which does not report it)."""
    fields: tuple[str, ...]
    card_type: int
    factor: int
    answers: tuple[Answer, ...]


@dataclass(frozen=True, slots=True)
class Weak:
    """A fact the learner keeps failing."""

    fact: Fact
    score: float
    fails: int
    lapses: int


@dataclass(frozen=True, slots=True)
class Gone:
    """A failed card whose fact is no longer in the notes."""

    text: str
    where: str
    fails: int


@dataclass(frozen=True, slots=True)
class Ranking:
    weak: tuple[Weak, ...]
    gone: tuple[Gone, ...]
    cards: int
    """cheatdeck cards found in the collection."""
    reviews: int
    """Answers to them in the window."""


class WeakError(CheatdeckError):
    """Nothing to rank: no cheatdeck cards, or no reviews of them."""


def profile_collection(
    profile: str, platform: str = sys.platform, home: Path | None = None
) -> Path:
    """Where Anki keeps a profile's collection on this system."""
    home = home or Path.home()
    if platform.startswith("win"):
        base = Path(os.environ.get("APPDATA", home / "AppData" / "Roaming")) / "Anki2"
    elif platform == "darwin":
        base = home / "Library" / "Application Support" / "Anki2"
    else:
        data = os.environ.get("XDG_DATA_HOME") or str(home / ".local" / "share")
        base = Path(data) / "Anki2"
    return base / profile / "collection.anki2"


def read_collection(path: Path) -> list[CardHistory]:
    """Every cheatdeck card of a collection file, read from a copy of it."""
    if not path.is_file():
        raise WeakError(f"{path}: no Anki collection here")
    with tempfile.TemporaryDirectory(prefix="cheatdeck-weak-") as folder:
        copy = Path(folder) / "collection.anki2"
        shutil.copyfile(path, copy)
        wal = path.with_name(path.name + "-wal")  # Anki's latest changes, while it runs
        if wal.is_file():
            shutil.copyfile(wal, copy.with_name(copy.name + "-wal"))
        try:
            return _read(sqlite3.connect(copy))
        except sqlite3.DatabaseError as error:
            raise WeakError(f"{path}: not an Anki collection ({error})") from None


def _read(connection: sqlite3.Connection) -> list[CardHistory]:
    with connection:
        cards = connection.execute(
            "select c.id, n.guid, n.flds, c.type, c.factor from cards c "
            "join notes n on n.id = c.nid where n.tags like '%cheatdeck::%'"
        ).fetchall()
        answers: dict[int, list[Answer]] = defaultdict(list)
        for card_id, at, ease, kind in connection.execute(
            "select cid, id, ease, type from revlog order by id"
        ):
            answers[card_id].append(Answer(at, ease, kind))
    connection.close()
    return [
        CardHistory(guid, tuple(fields.split("\x1f")), card_type, factor, tuple(answers[card_id]))
        for card_id, guid, fields, card_type, factor in cards
    ]


def read_anki_connect(anki: AnkiConnect) -> list[CardHistory]:
    """Every cheatdeck card of the collection open in a running Anki."""
    card_ids = anki.invoke("findCards", query=_CHEATDECK_CARDS)
    infos = anki.invoke("cardsInfo", cards=card_ids) if card_ids else []
    reviews = anki.invoke("getReviewsOfCards", cards=card_ids) if card_ids else {}
    found = []
    for info in infos:
        fields = sorted(info["fields"].values(), key=lambda field: field["order"])
        answers = tuple(
            Answer(int(r["id"]), int(r["ease"]), int(r["type"]))
            for r in reviews.get(str(info["cardId"]), [])
        )
        found.append(
            CardHistory(
                "", tuple(f["value"] for f in fields), info["type"], info["factor"], answers
            )
        )
    return found


def card_score(card: CardHistory, since: int, now_ms: int) -> tuple[float, int, int]:
    """(score, fails, lapses) of one card over the answers after ``since`` (ms)."""
    recent = now_ms - RECENT_DAYS * 86_400_000
    score, fails, lapses = 0.0, 0, 0
    for answer in card.answers:
        if answer.at < since or answer.kind == _MANUAL or answer.ease != AGAIN:
            continue
        fails += 1
        lapses += answer.kind == _LAPSE
        score += (2 if answer.kind == _LAPSE else 1) * (2 if answer.at >= recent else 1)
    if not fails:
        return 0.0, 0, 0
    if card.card_type == _RELEARNING:
        score += 2
    if card.factor and card.factor < DEFAULT_EASE:
        score += (DEFAULT_EASE - card.factor) / EASE_STEP
    return score, fails, lapses


@dataclass(frozen=True, slots=True)
class Sources:
    """What maps a card to its fact: the lock's GUIDs, and (AnkiConnect) this build's
    notes by their fields."""

    facts: dict[str, Fact]
    lock: dict[str, Entry]
    guid_fact: dict[str, str]
    fields_guid: dict[tuple[str, ...], str]


def rank(cards: list[CardHistory], sources: Sources, since: int, now_ms: int) -> Ranking:
    """The weakest facts first; failed cards of facts no longer in the notes apart."""
    if not cards:
        raise WeakError("no cheatdeck cards in this collection: import deck.apkg first")
    reviews = sum(1 for c in cards for a in c.answers if a.at >= since and a.kind != _MANUAL)
    if not reviews:
        raise WeakError("no reviews of cheatdeck cards yet" + (" in that time" if since else ""))
    weak: dict[str, Weak] = {}
    gone: dict[str, Gone] = {}
    for card in cards:
        score, fails, lapses = card_score(card, since, now_ms)
        if not fails:
            continue
        guid = card.guid or sources.fields_guid.get(card.fields, "")
        fact_id = sources.guid_fact.get(guid, "")
        if fact_id in sources.facts:
            so_far = weak.get(fact_id) or Weak(sources.facts[fact_id], 0.0, 0, 0)
            weak[fact_id] = Weak(
                so_far.fact, so_far.score + score, so_far.fails + fails, so_far.lapses + lapses
            )
        else:
            gone[fact_id or card.fields[0]] = _gone(card, sources.lock.get(fact_id), fails)
    ranked = sorted(weak.values(), key=lambda w: (-w.score, -w.fails, w.fact.file, w.fact.line))
    return Ranking(tuple(ranked), tuple(gone.values()), len(cards), reviews)


def _gone(card: CardHistory, entry: Entry | None, fails: int) -> Gone:
    """The fact as the lock remembers it, or else (the lock forgets a removed fact's notes
    after one build) the card as Anki has it: question → answer, and its note file."""
    if entry is not None:
        return Gone(entry.text, f"{entry.file}:{entry.line}", fails)
    for names in (BASIC_FIELDS, CLOZE_FIELDS):
        if len(names) == len(card.fields):
            fields = {name: _plain(value) for name, value in zip(names, card.fields, strict=True)}
            answer = fields.get("Back", "")
            flagged = {*LABELS["removed"].values(), *LABELS["retired"].values()}
            answer = "" if answer in flagged else answer  # flagged no longer made
            text = " → ".join(f for f in (fields.get("Front"), answer) if f)
            return Gone(text or _CLOZE.sub(r"\1", fields["Text"]), fields["Source"], fails)
    return Gone(_plain(card.fields[0] if card.fields else ""), "", fails)


def _plain(value: str) -> str:
    return " ".join(html.unescape(_TAGS.sub(" ", value)).split())


def guid_facts(lock: dict[str, Entry]) -> dict[str, str]:
    """Each note's fact: a list's note is on each item's entry, and stands for its first."""
    in_note_order = sorted(
        lock.items(), key=lambda item: (item[1].file, item[1].line), reverse=True
    )
    return {note.guid: fact_id for fact_id, entry in in_note_order for note in entry.notes}


def grouped(weak: Iterable[Weak]) -> list[Weak]:
    """Subjects in the order of their weakest fact, facts weakest first within each."""
    by_subject: dict[str, list[Weak]] = defaultdict(list)
    for item in weak:
        by_subject[item.fact.subject].append(item)
    return [item for items in by_subject.values() for item in items]
