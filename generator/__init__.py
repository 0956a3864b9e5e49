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
    from .extract import Fact, Notes, extract
    from .parse import Outline, parse_note
    from .subjects import Subject

_HOMES = {
    "CheatdeckError": "errors",
    "Fact": "extract",
    "Notes": "extract",
    "NotesError": "errors",
    "Outline": "parse",
    "Skipped": "errors",
    "Subject": "subjects",
    "build": "build",
    "extract": "extract",
    "load": "build",
    "parse_note": "parse",
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
