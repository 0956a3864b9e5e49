"""The facts.json document (CONTRACT.md): the facts as data, for scripts and for a look at
what cheatdeck understood (``cheatdeck facts --json`` prints the same)."""

from __future__ import annotations

import json
from typing import Any

from ..notes.inline import plain_text
from .extract import Notes

FACTS_VERSION = 1
CardsOfFacts = dict[str, tuple[tuple[str, str], ...]]
"""Fact id → the cards it is on, each as (kind, rule): what the deck stage decided."""


def facts_document(notes: Notes, cards: CardsOfFacts | None = None) -> dict[str, Any]:
    """The facts.json document (CONTRACT.md), plus the skipped lines for review.

    ``cards`` adds each fact's ``cards`` (its card kinds, ``[]`` for none) and
    ``card_rules`` (each card's kind and the rule that made it)."""
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
                "subject_by": {"rule": f.subject_by[0], "line": f.subject_by[1]},
                **({"cells": _cells(f.cells)} if f.cells else {}),
                **(_cards(cards.get(f.id, ())) if cards is not None else {}),
            }
            for f in notes.facts
        ],
        "skipped": [{"file": s.file, "line": s.line, "reason": s.reason} for s in notes.skipped],
    }


def _cells(cells: tuple[tuple[str, str], ...]) -> dict[str, str]:
    """A table row's cells as plain text, keyed by header in column order (an unnamed
    column is keyed by its number)."""
    return {
        (header and plain_text(header)) or str(n): plain_text(cell)
        for n, (header, cell) in enumerate(cells, 1)
    }


def _cards(made: tuple[tuple[str, str], ...]) -> dict[str, Any]:
    return {
        "cards": sorted({kind for kind, _ in made}),
        "card_rules": [{"kind": kind, "rule": rule} for kind, rule in made],
    }


def facts_json(notes: Notes, cards: CardsOfFacts | None = None) -> str:
    """facts.json with one subject, fact or skipped line per line: readable, diff-friendly,
    and fast (``json.dumps`` with ``indent`` falls back to a pure-Python encoder)."""
    document = facts_document(notes, cards)
    parts = [f'{{"version": {document["version"]}']
    for key in ("subjects", "facts", "skipped"):
        items = ",\n  ".join(json.dumps(item, ensure_ascii=False) for item in document[key])
        parts.append(f'"{key}": [\n  {items}\n]' if items else f'"{key}": []')
    return ",\n".join(parts) + "}\n"
