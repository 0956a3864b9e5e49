"""Problems found in the notes, located as ``FILE:LINE``.

Stages raise :class:`NotesError` for input that cannot be built and collect
:class:`Skipped` records for content they leave out, so nothing is dropped silently.
The CLI prints both; only errors fail the build.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Skipped:
    """A piece of a note that lands in no fact, and why."""

    file: str
    """Path of the note relative to its notes folder."""
    line: int
    """1-based line where the piece starts."""
    reason: str
    """What was left out and why, in words a user can act on."""
    warn: bool = True
    """Whether the user should hear about it (rules and comments are left out quietly)."""
    rule: str = "markup"
    """The ``cheatdeck check`` rule a warning belongs to (see :mod:`generator.commands.check`)."""

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.reason}"

    def warning(self) -> str:
        """``FILE:LINE: warning: reason``, as builds print it."""
        return f"{self.file}:{self.line}: warning: {self.reason}"


class CheatdeckError(Exception):
    """A build that cannot go on; the message says what to fix."""


class NotesError(CheatdeckError):
    """Bad input at a known place in a note."""

    def __init__(self, file: str, line: int, message: str) -> None:
        super().__init__(f"{file}:{line}: {message}")
        self.file = file
        self.line = line
        self.message = message


class SourceError(CheatdeckError):
    """A problem with a whole file or folder of notes (no line to point at)."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")


class StrictError(CheatdeckError):
    """``--strict`` and warnings: the build stopped before writing anything."""

    def __init__(self, warnings: list[str]) -> None:
        count = len(warnings)
        verdict = (
            f"{count} warning{'s' if count != 1 else ''} and --strict: nothing was written; "
            "fix them or drop --strict"
        )
        super().__init__("\n".join([*warnings, verdict]))
        self.warnings = warnings
