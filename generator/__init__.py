"""cheatdeck: Markdown study notes → Anki decks and printable cheat sheets."""

from ._version import __version__
from .build import build, load
from .errors import CheatdeckError, NotesError, Skipped
from .extract import Fact, Notes, Subject, extract
from .parse import Outline, parse_note

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
