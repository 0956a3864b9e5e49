"""``cheatdeck check``: a lint of the notes, one ``FILE:LINE: message [rule]`` per finding.

It reads the notes exactly as a build does and reports what a build would quietly work
around: names it had to guess, content it could not use, cards it could not make. Each
finding names its rule, so ``grep -v '\\[no-card\\]'`` hides one kind.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

import click
from rapidfuzz.distance import Levenshtein

from ..deck.card_rules import FACT_MAX_CHARS
from ..facts.catalog import Catalog, bare_name
from ..facts.extract import DIRECTIVE_VERBS, Notes, read_directive
from ..notes.inline import plain_text
from ..notes.parse import DIRECTIVE, Node, Outline
from ..notes.sources import NoteSet
from ..report import counted
from ..service import Service

_SERVICE_IN_TEXT = re.compile(r"\b(?:amazon|aws)\s+[A-Za-z][\w-]*(?:\s+[A-Za-z][\w-]*){0,2}", re.I)
_HEADING_BELOW = re.compile(r"[ \t]*\n(?:[ \t]*\n)*( {0,3}#{1,6}(?:[ \t][^\n]*)?)(?:\n|$)")
"""The rest of a comment's line is blank, and the next line with text is a heading."""
_FOR_THE_SHEET = ("marked nocard", "is for the sheet")
_DUPLICATE_MIN_CHARS = 12
LONG_CARD_CHARS = 160
"""A card asking about more than this is hard to recall as one piece (a fact over
:data:`FACT_MAX_CHARS` gets no card at all)."""


@dataclass(frozen=True, slots=True, order=True)
class Finding:
    file: str
    line: int
    rule: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message} [{self.rule}]"


def check_notes(
    notes: Notes, outlines: tuple[Outline, ...], note_set: NoteSet, no_card: dict[str, str]
) -> list[Finding]:
    """Every finding, in file and line order. ``no_card``: fact id → why it has no card."""
    found = [Finding(s.file, s.line, s.rule, s.reason) for s in notes.skipped if s.warn]
    found += _misspelt_titles(outlines, notes.catalog)
    found += _misspelt_mentions(notes)
    found += _fact_findings(notes, no_card)
    found += _duplicates(notes)
    found += _directives(note_set, notes.catalog)
    return sorted(set(found))


def _nodes(node: Node) -> Iterator[Node]:
    for child in node.children:
        if isinstance(child, Node):
            yield child
            yield from _nodes(child)


def _misspelt_titles(outlines: tuple[Outline, ...], catalog: Catalog) -> list[Finding]:
    """Titles that name a service in a spelling of it a letter or two off: the catalog
    reads common typos ("forecase") as the service, but the notes should say its name."""
    found = []
    for outline in outlines:
        for node in _nodes(outline.root):
            title = plain_text(DIRECTIVE.sub("", node.title)).strip()
            match = catalog.match_title(title) if title else None
            if match is None:
                continue
            written = title[: len(title) - len(match.remainder)].strip() or title
            if _misspelt(written, match.service) or (
                match.fuzzy and catalog.lookup(written) is None and not catalog.is_word(written)
            ):
                message = f"'{written}' is read as {match.service.name}: spell it so"
                found.append(Finding(outline.file, node.line, "misspelt-service", message))
    return found


MISSPELT_EDITS = 2
"""A spelling this many letters (or fewer) away from a service's own name is a typo of
it; an alias further away (an abbreviation, a Korean name) is a name of its own."""


def _misspelt(written: str, service: Service) -> bool:
    spelt, own = bare_name(written), {bare_name(n) for n in (service.name, *service.words)}
    if spelt in own or not spelt.isascii():
        return False
    return any(Levenshtein.distance(spelt, name) <= MISSPELT_EDITS for name in own)


def _misspelt_mentions(notes: Notes) -> list[Finding]:
    """ "amazon forecase" in a fact's text: no service is credited with it."""
    catalog = notes.catalog
    found = []
    for fact in notes.facts:
        known = [(start, end) for start, end, _ in catalog.mentions(fact.text)]
        for match in _SERVICE_IN_TEXT.finditer(fact.text):
            if any(start <= match.start() < end for start, end in known):
                continue
            closest = catalog.suggest(match.group(0))
            if closest is not None:
                message = (
                    f"'{closest[0]}' is not a service cheatdeck knows: "
                    f"did you mean {closest[1].name}?"
                )
                found.append(Finding(fact.file, fact.line, "unknown-service", message))
    return found


def _fact_findings(notes: Notes, no_card: dict[str, str]) -> list[Finding]:
    found = []
    for fact in notes.facts:
        reason = no_card.get(fact.id)
        if reason is not None and any(part in reason for part in _FOR_THE_SHEET):
            continue  # an image, code or a nocard fact: meant for the sheet only
        limit = FACT_MAX_CHARS if reason is not None else LONG_CARD_CHARS
        if len(fact.text) > limit:
            verdict = "no card" if reason is not None else "one long card"
            message = (
                f"{len(fact.text)} characters, {verdict} (over {limit}): split it into "
                "shorter facts, or ask one thing with Q:/A:"
            )
            found.append(Finding(fact.file, fact.line, "long-fact", message))
        elif reason is not None:
            found.append(Finding(fact.file, fact.line, "no-card", f"no card: {reason}"))
    return found


def _duplicates(notes: Notes) -> list[Finding]:
    first: dict[str, tuple[str, int]] = {}
    found = []
    for fact in notes.facts:
        key = " ".join(fact.text.casefold().split())
        if len(key) < _DUPLICATE_MIN_CHARS:
            continue
        where = first.setdefault(key, (fact.file, fact.line))
        if where[0] != fact.file:
            message = f"same fact as {where[0]}:{where[1]}: keep one"
            found.append(Finding(fact.file, fact.line, "duplicate-fact", message))
    return found


def _directives(note_set: NoteSet, catalog: Catalog) -> list[Finding]:
    found = []
    for note in note_set.notes:
        line, counted_to = 1, 0
        for match in DIRECTIVE.finditer(note.text):
            line += note.text.count("\n", counted_to, match.start())
            counted_to = match.start()
            problem = _directive_problem(match.group(1), catalog) or _above_heading(
                note.text, match.end()
            )
            if problem:
                found.append(Finding(note.file, line, "directive", problem))
    return found


def _above_heading(text: str, end: int) -> str:
    """A directive written above a heading applies to the section it is in, not to that
    heading: the habit of other tools, silently wrong here."""
    heading = _HEADING_BELOW.match(text, end)
    if heading is None:
        return ""
    return (
        f"this comment applies to the section above it, not to '{heading.group(1).strip()}': "
        "put it on the line under that title"
    )


def _directive_problem(body: str, catalog: Catalog) -> str:
    verb, argument = read_directive(body)
    if verb not in DIRECTIVE_VERBS:
        known = ", ".join(("subject=NAME", *DIRECTIVE_VERBS[1:]))
        return f"unknown directive 'cheatdeck: {body}' (known: {known}): it does nothing"
    if verb == "subject" and not argument:
        return "'cheatdeck: subject=' names no subject"
    if verb == "subject" and catalog.lookup(argument) is None:
        closest = catalog.suggest(argument)
        if closest is not None:
            return (
                f"subject '{argument}' is not in the catalog, so it is a topic: "
                f"did you mean {closest[1].name}?"
            )
    return ""


def print_findings(findings: list[Finding]) -> None:
    """One ``FILE:LINE: message [rule]`` per finding on stdout, a count per rule on stderr."""
    for finding in findings:
        click.echo(str(finding))
    counts = Counter(finding.rule for finding in findings)
    summary = ", ".join(f"{rule} {count}" for rule, count in sorted(counts.items()))
    total = counted(len(findings), "finding")
    click.echo(total + (f" ({summary})" if summary else ""), err=True)
