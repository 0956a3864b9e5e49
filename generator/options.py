"""What a user chooses — on the command line or in ``cheatdeck.toml`` — as plain data.

Kept apart from the stages, and light to import: ``cheatdeck build`` with nothing to redo
answers from these choices and the last build's stamp without importing any stage.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .service import Service

PAPER_SIZES = {"A4": (297, 210), "Letter": (279.4, 215.9)}
"""Long and short side of each paper, in mm."""
DEFAULT_DECK = "AWS ML"
CARD_KINDS = ("qa", "term", "reverse", "cloze", "which", "list", "ordered")
DEFAULT_ANKI_URL = "http://127.0.0.1:8765"
"""Where AnkiConnect listens unless told otherwise."""
ANKI_SECONDS = 300.0
"""How long an import or a history query may take on a large collection, unless the user
says otherwise (``--anki-timeout``)."""
REMOVED_TAG = "cheatdeck::removed"
"""Carried by the notes of cards cheatdeck no longer makes (see :mod:`generator.deck.cards`)."""
REMOVED_ACTIONS = ("suspend", "delete", "keep")
"""What ``push --removed`` does with them in Anki."""
CHECK_RULES = {
    "unknown-service": "a name that looks like an AWS service but is not in the catalog",
    "misspelt-service": "a misspelt service name, read as the service it is closest to",
    "empty-section": "a title with nothing to learn below it",
    "long-fact": "a fact too long for a good card (minimum information principle)",
    "no-card": "a fact no card could be made from, and what to write to get one",
    "duplicate-fact": "the same fact in two files",
    "image": "an image that cannot be embedded",
    "directive": "a <!-- cheatdeck: … --> comment that does nothing or names no service",
    "quiz": "a quiz question whose answer is not marked",
    "markup": "Markdown that says nothing (empty heading or list item, bad front matter)",
}
"""The rules of ``cheatdeck check``, each with what it finds."""


@dataclass(frozen=True, slots=True)
class DeckOptions:
    """Choices a user makes about the deck."""

    name: str = DEFAULT_DECK
    """Parent deck; subjects become ``<name>::<subject>``."""
    skip_kinds: frozenset[str] = frozenset()
    """Card kinds the user turned off (see :data:`CARD_KINDS`)."""


@dataclass(frozen=True, slots=True)
class SheetOptions:
    """Page and type choices (the command line's --paper, --columns, …)."""

    paper: str = "A4"
    orientation: str = "landscape"
    columns: int = 3
    large_print: bool = False
    author: str = ""
    booklet: str = "packed"
    """``packed`` (subjects flow on through the columns) or ``one-per-page`` (each subject's
    sheet as printed alone, one after another)."""


@dataclass(frozen=True, slots=True)
class CatalogExtension:
    """The user's additions (``cheatdeck.toml``): services AWS added after this release, and
    spellings of known services that their notes use."""

    services: tuple[Service, ...] = ()
    aliases: tuple[tuple[str, str], ...] = ()
    """(spelling, canonical name of a service in the catalog)."""


NO_EXTENSION = CatalogExtension()


@dataclass(frozen=True, slots=True)
class BuildOptions:
    """What to build and how."""

    deck: bool = True
    sheets: bool = True
    deck_options: DeckOptions = field(default_factory=DeckOptions)
    sheet_options: SheetOptions = field(default_factory=SheetOptions)
    strict: bool = False
    """Any warning fails the build before anything is written."""
    catalog: CatalogExtension = NO_EXTENSION
    """Services and spellings the user's config adds to the catalog."""
    cache: bool = True
    """Keep results for the next build in OUT/.cache (``--no-cache``: make everything anew,
    keep nothing; the outputs are the same bytes)."""
