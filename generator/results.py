"""What the pipeline hands its callers: the notes as understood (:class:`Loaded`) and what a
build made (:class:`BuildResult`). Kept apart from :mod:`generator.build` so that the
report and the commands read them without importing the stages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from .deck.cards import DeckPlan
    from .facts.extract import Notes
    from .facts.identity import Identified
    from .notes.parse import Outline
    from .notes.sources import NoteSet
    from .sheets.documents import Sheet


class Progress(Protocol):
    """Told what a build is doing (a terminal shows it; scripts pass nothing)."""

    def __call__(self, stage: str, done: int, total: int) -> None: ...


def quiet(stage: str, done: int, total: int) -> None:
    """No progress display."""


@dataclass(frozen=True, slots=True)
class Loaded:
    """The notes, understood: facts with ids, and the lock to save after a build."""

    notes: Notes
    identified: Identified
    note_set: NoteSet
    lock_path: Path
    lock_text: str
    """The lock file as it was on disk ('' if there was none)."""
    outlines: tuple[Outline, ...] = ()
    """The notes as parsed (for ``check``, which looks at titles and directives)."""


@dataclass(frozen=True, slots=True)
class BuildResult:
    """What a build produced, for the report."""

    loaded: Loaded
    written: tuple[Path, ...]
    deck: DeckPlan | None
    sheets: tuple[Sheet, ...] = ()
    rendered: tuple[str, ...] = ()
    """Slugs of the sheets this build rendered (the others were already up to date)."""
    pages: dict[str, int] = field(default_factory=dict)
    """Pages per output PDF (``sheets/<slug>.pdf``, ``sheets/all.pdf``)."""
    warnings: tuple[str, ...] = ()
    """Problems met while rendering (WeasyPrint's warnings)."""
