"""Language knowledge as data: ``generator/data/lang/<code>.toml``, one file per language.

Each file holds what cheatdeck prints in that language (``card_labels``, ``sheet_labels``)
and what it knows of how notes are written in it: ``patterns`` (regular expressions, one
alternative per entry, tried in order: openings that lean on an earlier sentence, quiz
labels, defining sentences…) and ``words`` (plain text: generic sentence subjects, yes/no
answers…). A stage asks for one kind across every language; adding a language is adding a
file. English is the fallback for a label a language lacks.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib.resources import files
from typing import Any

FALLBACK = "en"


@cache
def _languages() -> dict[str, dict[str, Any]]:
    """Language code → its file, parsed (codes in file-name order)."""
    folder = files("generator") / "data" / "lang"
    found = sorted(
        (entry.name.removesuffix(".toml"), tomllib.loads(entry.read_text(encoding="utf-8")))
        for entry in folder.iterdir()
        if entry.name.endswith(".toml")
    )
    return dict(found)


def languages() -> tuple[str, ...]:
    return tuple(_languages())


@cache
def labels(table: str) -> dict[str, dict[str, str]]:
    """``card_labels`` or ``sheet_labels``: label key → language → text."""
    found: dict[str, dict[str, str]] = {}
    for code, data in _languages().items():
        for key, text in data.get(table, {}).items():
            found.setdefault(key, {})[code] = text
    return found


def label(table: str, key: str, lang: str) -> str:
    """One label in ``lang``, or in English when the language has none."""
    texts = labels(table)[key]
    return texts.get(lang, texts[FALLBACK])


def patterns(name: str) -> tuple[str, ...]:
    """Every language's regular expressions of one kind, each language's in its order."""
    return tuple(p for data in _languages().values() for p in data["patterns"].get(name, ()))


def alternation(name: str, *neutral: str) -> str:
    """``patterns(name)`` as one group of alternatives, ``(?:a|b|…)``, after the
    ``neutral`` ones every language shares (punctuation)."""
    return "(?:" + "|".join((*neutral, *patterns(name))) + ")"


def words(name: str) -> frozenset[str]:
    """Every language's words of one kind."""
    return frozenset(w for data in _languages().values() for w in data["words"].get(name, ()))
