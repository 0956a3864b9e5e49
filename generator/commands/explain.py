"""``cheatdeck explain FILE:LINE``: why the fact(s) on a line got their subject, their
``also`` and their cards — or no card — told by the rules that decided, by name.

Every decision is recorded where it is made (a fact's ``subject_by``, a card's ``rule``,
a card-less fact's reason), so this only reads them back; nothing is guessed again here.
A title's line answers for the facts whose subject that title chose.
"""

from __future__ import annotations

from pathlib import Path

from ..deck.cards import CLOZE_SPAN, CardNote, DeckPlan
from ..errors import CheatdeckError
from ..facts.extract import SUBJECT_RULES, Fact
from ..notes.inline import html_text, shorten
from ..report import counted
from ..results import Loaded

_WIDTH = 96


def explain(loaded: Loaded, plan: DeckPlan, file: str, line: int) -> list[str]:
    """What to print for ``file:line`` (``file`` relative to its notes folder)."""
    facts = [f for f in loaded.notes.facts if f.file == file and f.line <= line <= f.end_line]
    if facts:
        return [text for fact in facts for text in _fact(fact, loaded, plan)]
    chosen = [f for f in loaded.notes.facts if f.file == file and f.subject_by[1] == line]
    if chosen:
        return _title(chosen, loaded, file, line)
    skipped = [s for s in loaded.notes.skipped if s.file == file and s.line == line]
    if skipped:
        return [f"{file}:{line}: no fact: {item.reason}" for item in skipped]
    raise CheatdeckError(
        f"{file}:{line}: no fact is on this line, and no title here chose a subject "
        "(`cheatdeck facts` lists every fact with its line)"
    )


def _fact(fact: Fact, loaded: Loaded, plan: DeckPlan) -> list[str]:
    lines = [f"{fact.file}:{fact.line}: {shorten(fact.text, _WIDTH)}"]
    lines.append(f"  subject  {fact.subject} ({fact.subject_kind}) — {_why_subject(fact, loaded)}")
    if fact.path:
        lines.append(f"  path     {' › '.join(fact.path)}")
    for name in fact.also:
        how = "its term names it" if fact.term else "the fact opens with its name"
        lines.append(f"  also     {name} — {how}: it is printed on that sheet too")
    cards = [note for note in plan.notes if fact.id in note.facts]
    for note in cards:
        lines.extend(_card(note, plan))
    if not cards:
        reason = plan.no_card.get(fact.id, "no rule made a card of it")
        lines.append(f"  no card  {reason}")
    return lines


def _why_subject(fact: Fact, loaded: Loaded) -> str:
    rule, line = fact.subject_by
    said = SUBJECT_RULES[rule]
    if not line:
        return f'rule "{rule}": {said}'
    return f'rule "{rule}", line {line} {_quoted(_source_line(loaded, fact.file, line))}: {said}'


def _title(facts: list[Fact], loaded: Loaded, file: str, line: int) -> list[str]:
    rule = facts[0].subject_by[0]
    subjects = sorted({fact.subject for fact in facts})
    return [
        f"{file}:{line}: {shorten(_source_line(loaded, file, line), _WIDTH)}",
        f'  a title: rule "{rule}" ({SUBJECT_RULES[rule]})',
        f"  it chose {', '.join(subjects)} for {counted(len(facts), 'fact')}, {_lines(facts)}",
    ]


def _lines(facts: list[Fact]) -> str:
    first, last = facts[0].line, facts[-1].line
    return f"line {first}" if first == last else f"lines {first}–{last}"


def _card(note: CardNote, plan: DeckPlan) -> list[str]:
    fields = dict(note.fields)
    context = _visible(fields.get("Context", ""))
    label = _visible(fields.get("Label", ""))
    if note.model == "cloze":
        front = CLOZE_SPAN.sub("[...]", fields["Text"])
        back = CLOZE_SPAN.sub(r"\1", fields["Text"])
    else:
        front, back = fields["Front"], fields["Back"]
    deck = note.deck.split("::", 1)[-1]
    shown = " · ".join(part for part in (context, label) if part)
    question = (shown + " │ " if shown else "") + _visible(front)
    return [
        f'  card     {note.kind}, rule "{note.rule}", deck {deck}',
        f"             front: {shorten(question, _WIDTH)}",
        f"             back:  {shorten(_visible(back), _WIDTH)}",
    ]


def _source_line(loaded: Loaded, file: str, line: int) -> str:
    note = next((n for n in loaded.note_set.notes if n.file == file), None)
    lines = note.text.split("\n") if note is not None else []
    return lines[line - 1].strip() if 0 < line <= len(lines) else ""


def _quoted(text: str) -> str:
    return f'"{shorten(text, 50)}"' if text else ""


def _visible(rendered: str) -> str:
    return html_text(rendered.replace("<br>", " / ").replace("<li>", " • "))


def parse_place(place: str, default_notes: Path) -> tuple[Path, int]:
    """``FILE:LINE`` as a note's path and a line; FILE may be relative to the default notes
    folder (``source_notes/``) when it is not found from here."""
    file, _, number = place.rpartition(":")
    if not file or not number.isdigit() or int(number) < 1:
        raise ValueError(f"{place}: expected FILE:LINE, e.g. notes/aws.md:12")
    path = Path(file)
    if not path.is_file() and (default_notes / file).is_file():
        path = default_notes / file
    if not path.is_file() or path.suffix.lower() != ".md":
        raise ValueError(f"{file}: no such note (.md)")
    return path, int(number)
