"""What a build changed, as data: for people (text) and for scripts (``--json``).

Facts added, updated, removed and moved between subjects, each with ``file:line``; Anki
notes per kind and per subdeck, with what to do about removed and moved ones; sheets
re-rendered and reused; every warning.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING, Any

from .deck.cards import MOVED_TAG, CardNote
from .facts.extract import Fact, Notes
from .notes.inline import shorten
from .options import REMOVED_TAG

if TYPE_CHECKING:
    from .results import BuildResult

_TEXT_WIDTH = 70
_CLOZE_NUMBER = re.compile(r"\{\{c(\d+)::")


def counted(number: int, noun: str) -> str:
    """``1 fact``, ``2 facts``."""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def _fact(fact: Fact) -> dict[str, Any]:
    return {
        "id": fact.id,
        "subject": fact.subject,
        "file": fact.file,
        "line": fact.line,
        "text": fact.text,
    }


def card_count(note: CardNote) -> int:
    """Cards Anki makes from a note: one, or one per cloze number."""
    if note.model != "cloze":
        return 1
    return len(set(_CLOZE_NUMBER.findall(note.field("Text")))) or 1


def warning_lines(notes: Notes) -> list[str]:
    """``FILE:LINE: warning: …`` for every skipped piece worth the user's attention."""
    return [s.warning() for s in notes.skipped if s.warn]


def build_report(result: BuildResult) -> dict[str, Any]:
    """The change report of one build (plain JSON-ready data)."""
    loaded = result.loaded
    changes = loaded.identified.changes
    by_id = {fact.id: fact for fact in loaded.notes.facts}
    lock = loaded.identified.lock
    report: dict[str, Any] = {
        "facts": {
            "total": len(loaded.notes.facts),
            "subjects": len(loaded.notes.subjects),
            "added": [_fact(by_id[i]) for i in changes.added],
            "updated": [_fact(by_id[i]) for i in changes.updated if i not in changes.added],
            "removed": [
                {
                    "id": i,
                    "subject": lock[i].subject,
                    "file": lock[i].file,
                    "line": lock[i].line,
                    "text": lock[i].text,
                }
                for i in changes.removed
            ],
            "moved": [dict(_fact(by_id[i]), **{"from": old}) for i, old, _ in changes.moved],
        },
        "warnings": warning_lines(loaded.notes) + list(result.warnings),
    }
    if result.deck is not None:
        notes = result.deck.notes
        report["deck"] = {
            "notes": len(notes),
            "cards": sum(card_count(note) for note in notes),
            "by_kind": dict(sorted(Counter(n.kind for n in notes).items())),
            "by_deck": dict(sorted(Counter(n.deck for n in notes).items())),
            "added_notes": len(result.deck.added),
            "updated_notes": len(result.deck.updated),
            "removed_notes": sum(1 for n in result.deck.removed if n.kind == "removed"),
            "retired_notes": sum(1 for n in result.deck.removed if n.kind == "retired"),
            "off_notes": sum(1 for n in result.deck.removed if n.kind == "off"),
            "moved_notes": sum(1 for n in notes if MOVED_TAG in n.tags),
            "facts_without_card": dict(Counter(result.deck.no_card.values()).most_common()),
        }
    if result.sheets:
        report["sheets"] = {
            "rendered": list(result.rendered),
            "up_to_date": len(result.sheets) - len(result.rendered),
            "pages": result.pages,
        }
    return report


def settled(report: dict[str, Any]) -> dict[str, Any]:
    """``report`` as a rebuild of the same notes tells it: everything is as this build
    left it, nothing added, updated, removed or moved."""
    facts = {**report["facts"], "added": [], "updated": [], "removed": [], "moved": []}
    settled = {**report, "facts": facts}
    if "deck" in report:
        changes = (*_NOTE_CHANGES, "moved_notes")
        settled["deck"] = {**report["deck"], **dict.fromkeys(changes, 0)}
    return settled


def _fact_line(fact: dict[str, Any], before_text: str = "") -> str:
    return f"{fact['file']}:{fact['line']}: {before_text}{shorten(fact['text'], _TEXT_WIDTH)}"


def report_lines(report: dict[str, Any]) -> list[str]:
    """The report as a person reads it after a build."""
    facts = report["facts"]
    lines = [
        f"{counted(facts['total'], 'fact')} in {counted(facts['subjects'], 'subject')}: "
        f"{len(facts['added'])} added, "
        f"{len(facts['updated'])} updated, {len(facts['removed'])} removed, "
        f"{len(facts['moved'])} moved",
        *_fact_change_lines(facts),
    ]
    if "deck" in report:
        lines.extend(_deck_lines(report["deck"]))
    if "sheets" in report:
        lines.append(_sheet_line(report["sheets"]))
    return lines


def change_lines(previous: dict[str, Any], report: dict[str, Any]) -> list[str]:
    """What a rebuild changed since the ``previous`` report (``watch``): new warnings, the
    facts that changed, notes and sheets redone — nothing that merely stayed the same."""
    old = Counter(map(_unplaced, previous.get("warnings", [])))
    now = Counter(map(_unplaced, report["warnings"]))
    lines = _new_warnings(report["warnings"], now - old)
    fixed = (old - now).total()
    if fixed:
        lines.append(f"{counted(fixed, 'warning')} gone")
    lines.extend(_fact_change_lines(report["facts"]))
    deck = report.get("deck")
    if deck and any(deck[key] for key in _NOTE_CHANGES):
        lines.append(f"deck: {_note_changes(deck)} ({counted(deck['notes'], 'note')})")
    sheets = report.get("sheets")
    if sheets and sheets["rendered"]:
        lines.append(_sheet_line(sheets))
    return lines or ["nothing changed"]


_LINE = re.compile(r"^([^:]*):\d+: ")


def _new_warnings(warnings: list[str], unseen: Counter[str]) -> list[str]:
    """The ``warnings`` that are new: as many of each as ``unseen`` counts (a warning that
    only moved down a line is not new), the last ones of equal warnings."""
    new = []
    for warning in reversed(warnings):
        if unseen[_unplaced(warning)] > 0:
            unseen[_unplaced(warning)] -= 1
            new.append(warning)
    return new[::-1]


def _unplaced(warning: str) -> str:
    """``FILE:LINE: warning: …`` without its line: lines above it come and go."""
    return _LINE.sub(r"\1: ", warning, count=1)


def _fact_change_lines(facts: dict[str, Any]) -> list[str]:
    lines = [
        f"  {mark} {_fact_line(fact)}"
        for mark, key in (("+", "added"), ("~", "updated"), ("-", "removed"))
        for fact in facts[key]
    ]
    lines.extend(
        "  > " + _fact_line(fact, f"{fact['from']} → {fact['subject']}: ")
        for fact in facts["moved"]
    )
    return lines


def _deck_lines(deck: dict[str, Any]) -> list[str]:
    kinds = ", ".join(f"{kind} {count}" for kind, count in deck["by_kind"].items())
    subdecks = " · ".join(
        f"{name.split('::', 1)[-1]} {count}" for name, count in deck["by_deck"].items()
    )
    lines = [
        f"deck: {counted(deck['notes'], 'note')}, {counted(deck['cards'], 'card')} "
        f"{f'({kinds}) ' if kinds else ''}in {counted(len(deck['by_deck']), 'subdeck')}: "
        f"{deck['added_notes']} added, {deck['updated_notes']} updated, "
        f"{deck['removed_notes']} removed",
        f"  {subdecks}",
    ]
    without = deck["facts_without_card"]
    if without:
        reasons = "; ".join(f"{count} {reason}" for reason, count in without.items())
        lines.append(
            f"  {counted(sum(without.values()), 'fact')} on sheets only, no card: {reasons} "
            '(facts.json: "cards": []; `cheatdeck check` lists them)'
        )
    if deck["removed_notes"]:
        lines.append(
            f"  {counted(deck['removed_notes'], 'note')} no longer in your notes: {_FLAGGED}"
        )
    if deck["off_notes"]:
        lines.append(
            f"  {counted(deck['off_notes'], 'card')} of kinds you turned off (skip_kinds): "
            f"{_FLAGGED}; turned on again, they come back with their history"
        )
    if deck["retired_notes"]:
        lines.append(
            f"  {counted(deck['retired_notes'], 'card')} no longer made (the card rules changed; "
            f"their facts are still in your notes): {_FLAGGED}"
        )
    if deck["moved_notes"]:
        lines.append(
            f"  {counted(deck['moved_notes'], 'note')} changed subject; Anki keeps cards in "
            f"their old deck on import: search tag:{MOVED_TAG} and use Change Deck"
        )
    return lines


_NOTE_CHANGES = ("added_notes", "updated_notes", "removed_notes", "retired_notes", "off_notes")
_FLAGGED = (
    f"they arrive suspended and tagged {REMOVED_TAG} (`cheatdeck push` suspends them "
    "in Anki too); delete them in Anki's browser when you like"
)


def _note_changes(deck: dict[str, Any]) -> str:
    """``3 added, 1 updated, 0 removed`` (and ``2 retired`` when some were)."""
    words = ("added", "updated", "removed", "retired", "turned off")
    return ", ".join(
        f"{deck[key]} {word}"
        for key, word in zip(_NOTE_CHANGES, words, strict=True)
        if word in ("added", "updated", "removed") or deck[key]
    )


def _sheet_line(sheets: dict[str, Any]) -> str:
    pages = sheets["pages"]
    one_page = sum(1 for name, n in pages.items() if n == 1 and name != "sheets/all.pdf")
    rendered = (
        ", ".join(sheets["rendered"])
        if len(sheets["rendered"]) <= 6
        else f"{len(sheets['rendered'])} sheets"
    )
    return (
        f"sheets: {len(sheets['rendered'])} rendered ({rendered or 'none'}), "
        f"{sheets['up_to_date']} up to date; {one_page} on one page; booklet "
        f"{counted(pages.get('sheets/all.pdf', 0), 'page')}"
    )
