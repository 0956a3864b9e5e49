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

import json
import os
import re
import shutil
import sqlite3
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from ..deck.apkg import BASIC_FIELDS, CLOZE_FIELDS, field_values
from ..deck.card_rules import LABELS
from ..errors import CheatdeckError
from ..facts.extract import Fact
from ..facts.identity import Entry
from ..notes.inline import html_text, shorten
from ..options import DeckOptions
from ..report import counted
from ..results import Loaded
from .anki_connect import AnkiConnect
from .listing import planned

RECENT_DAYS = 7
DEFAULT_EASE = 2500
EASE_STEP = 400
AGAIN = 1
_LAPSE, _MANUAL = 1, 4  # revlog types: 0 learn, 1 review, 2 relearn, 3 filtered, 4 manual
_RELEARNING = 3  # card type
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
            fields = {
                name: html_text(value) for name, value in zip(names, card.fields, strict=True)
            }
            answer = fields.get("Back", "")
            flagged = {
                label for kind in ("removed", "retired", "off") for label in LABELS[kind].values()
            }
            answer = "" if answer in flagged else answer  # flagged no longer made
            text = " → ".join(f for f in (fields.get("Front"), answer) if f)
            return Gone(text or _CLOZE.sub(r"\1", fields["Text"]), fields["Source"], fails)
    return Gone(html_text(card.fields[0] if card.fields else ""), "", fails)


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


# --- the command's ends: where the reviews come from, what it prints ------------------


def histories(settings: dict[str, Any]) -> list[CardHistory]:
    """The cards' history from the one place the options name."""
    if settings["collection"] or settings["profile"]:
        path = settings["collection"] or profile_collection(settings["profile"])
        return read_collection(path)
    if settings["anki_url"]:
        anki = AnkiConnect(settings["anki_url"], settings["anki_key"])
        anki.ensure_running()
        return read_anki_connect(anki)
    raise click.UsageError(
        "say where your reviews are: --collection PATH, --profile NAME or --anki-url URL"
    )


def card_sources(loaded: Loaded, cards: list[CardHistory], options: DeckOptions) -> Sources:
    """What maps the cards to facts; cards read without their GUID (AnkiConnect) are
    matched by their fields to the notes this build would make."""
    lock = loaded.identified.lock
    fields: dict[tuple[str, ...], str] = {}
    if any(not card.guid for card in cards):
        plan = planned(loaded, options)
        fields = {tuple(field_values(n.model, dict(n.fields))): n.guid for n in plan.notes}
    return Sources({fact.id: fact for fact in loaded.notes.facts}, lock, guid_facts(lock), fields)


def weak_title(since: int | None) -> str:
    today = time.strftime("%Y-%m-%d")
    return f"Weak spots · {today}" + (f" · last {since} days" if since else "")


def print_ranking(
    ranking: Ranking, chosen: list[Weak], settings: dict[str, Any], pages: int
) -> None:
    from ..build import WEAK_SPOTS

    pdf = settings["out"] / WEAK_SPOTS
    if settings["as_json"]:
        document = {
            "cards": ranking.cards,
            "reviews": ranking.reviews,
            "weak": [
                {
                    "id": w.fact.id,
                    "subject": w.fact.subject,
                    "file": w.fact.file,
                    "line": w.fact.line,
                    "text": w.fact.text,
                    "score": round(w.score, 2),
                    "fails": w.fails,
                    "lapses": w.lapses,
                }
                for w in ranking.weak
            ],
            "gone": [{"text": g.text, "where": g.where, "fails": g.fails} for g in ranking.gone],
            "sheet": {"path": str(pdf), "facts": len(chosen), "pages": pages} if chosen else None,
        }
        click.echo(json.dumps(document, ensure_ascii=False, indent=2))
        return
    click.echo(
        f"{counted(len(ranking.weak), 'fact')} failed in {counted(ranking.reviews, 'review')} "
        f"of {counted(ranking.cards, 'card')} (score, times failed, fact):"
    )
    for item in ranking.weak:
        where = " › ".join((item.fact.subject, *item.fact.path[-1:]))
        click.echo(
            f"{item.score:6.1f}  ✗{item.fails:<3} {where}: {shorten(item.fact.text, 60)}  "
            f"{item.fact.file}:{item.fact.line}"
        )
    if ranking.gone:
        click.echo("failed but removed from your notes:")
        for gone in ranking.gone:
            click.echo(f"        ✗{gone.fails:<3} {shorten(gone.text, 70)}  {gone.where}".rstrip())
    if chosen:
        click.echo(
            f"wrote {pdf}: the {counted(len(chosen), 'weakest fact')} on {counted(pages, 'page')}",
            err=True,
        )
    else:
        click.echo("no card failed: no weak spots to print", err=True)
