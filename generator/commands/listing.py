"""What the notes hold, for a person: ``list``'s subjects with their facts, cards and
files, and ``facts``' tree of subject → section → fact with FILE:LINE."""

from __future__ import annotations

from collections import Counter
from typing import Any

import click

from ..deck.cards import DeckPlan
from ..facts.extract import Fact, Notes, shared_depth
from ..notes.inline import shorten
from ..options import DeckOptions
from ..report import card_count, counted
from ..results import Loaded

_TEXT_WIDTH = 90


def planned(loaded: Loaded, options: DeckOptions) -> DeckPlan:
    """The notes a build would make (without media or files)."""
    from ..deck.cards import plan_deck

    scoped, seed = loaded.identified.scoped_lock(), loaded.identified.seed
    return plan_deck(loaded.notes, scoped, frozenset(), options, {}, 0, seed=seed)


def subject_rows(loaded: Loaded, plan: DeckPlan) -> list[dict[str, Any]]:
    """Facts, cards and files per subject, in the order the notes give them."""
    subject_of = {fact.id: fact.subject for fact in loaded.notes.facts}
    cards = Counter(
        subject_of[note.key_fact]
        for note in plan.notes
        for _ in range(card_count(note))
        if note.key_fact in subject_of and note.kind != "removed"
    )
    return [
        {
            "name": subject.name,
            "kind": subject.kind,
            "slug": subject.slug,
            "facts": len(facts),
            "cards": cards[subject.name],
            "files": list(dict.fromkeys(fact.file for fact in facts)),
        }
        for subject in loaded.notes.subjects
        if (facts := loaded.notes.facts_of(subject.name))
    ]


def print_tree(notes: Notes) -> None:
    for subject in notes.subjects:
        facts = notes.facts_of(subject.name)
        label = f"{subject.kind}" + (f" · {subject.category}" if subject.category else "")
        total = counted(len(facts), "fact")
        click.echo(click.style(subject.name, bold=True) + f"  ({label} · {total})")
        shown: tuple[str, ...] = ()
        for fact in facts:
            shown = _print_path(fact, shown)
            indent = "  " * (len(fact.path) + 1)
            where = click.style(f"{fact.file}:{fact.line}", dim=True)
            click.echo(f"{indent}· {shorten(fact.text, _TEXT_WIDTH)}  {where}")
        click.echo()


def _print_path(fact: Fact, shown: tuple[str, ...]) -> tuple[str, ...]:
    """Print the part of the fact's path not already printed above it."""
    for depth in range(shared_depth(shown, fact.path), len(fact.path)):
        click.echo("  " * (depth + 1) + click.style(fact.path[depth], underline=True))
    return fact.path


def print_subjects(rows: list[dict[str, Any]]) -> None:
    """The subjects as an aligned table (a Korean or Japanese name is twice as wide)."""
    from rich.cells import cell_len

    width = max((cell_len(row["name"]) for row in rows), default=7)
    click.echo(f"{'SUBJECT':<{width}}  KIND     FACTS  CARDS  FILES")
    for row in rows:
        name = row["name"] + " " * (width - cell_len(row["name"]))
        counts = f"{row['kind']:<7}  {row['facts']:>5}  {row['cards']:>5}"
        click.echo(f"{name}  {counts}  {', '.join(row['files'])}")
