"""cheatdeck: Markdown study notes → Anki decks and printable cheat sheets.

The names below are imported on first use, not with the package: a command that finds
its outputs up to date should not pay for importing every stage.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from ._version import __version__

if TYPE_CHECKING:
    from .build import build, load
    from .errors import CheatdeckError, NotesError, Skipped
    from .facts.extract import Fact, Notes, extract
    from .facts.subjects import Subject
    from .notes.parse import Outline, parse_note

_HOMES = {
    "CheatdeckError": "errors",
    "Fact": "facts.extract",
    "Notes": "facts.extract",
    "NotesError": "errors",
    "Outline": "notes.parse",
    "Skipped": "errors",
    "Subject": "facts.subjects",
    "build": "build",
    "extract": "facts.extract",
    "load": "build",
    "parse_note": "notes.parse",
}

__all__ = [
    "CheatdeckError",
    "Fact",
    "Notes",
    "NotesError",
    "Outline",
    "Skipped",
    "Subject",
    "__version__",
    "build",
    "extract",
    "load",
    "parse_note",
]


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module 'generator' has no attribute {name!r}")
    return getattr(import_module(f".{_HOMES[name]}", __name__), name)
