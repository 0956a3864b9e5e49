"""What a catalog entry is, as plain data: the services cheatdeck ships
(:mod:`generator.facts.catalog`) and those a user adds in cheatdeck.toml
(:class:`generator.options.CatalogExtension`) are the same kind of thing."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Service:
    """One catalog entry."""

    name: str
    """Canonical display name, e.g. "Amazon Forecast"."""
    category: str
    """What kind of service it is; features inherit their parent's."""
    aliases: tuple[str, ...]
    """Other spellings that always name the service."""
    words: tuple[str, ...]
    """Spellings that are ordinary words: they name the service only alone or prefixed."""
    parent: str | None
    """For a feature, the service it belongs to."""
    clues: tuple[str, ...] = ()
    """Words of what it does ("번역", "translat", "翻訳"): a which card's clue must hold one,
    or it describes what many services do. Empty: not checked."""
    says: tuple[str, ...] = ()
    """What its name itself says ("translat", "번역", "翻訳" for Translate): a statement
    holding one is answered by the name alone when the name is one of two choices."""

    @property
    def spellings(self) -> tuple[str, ...]:
        """Every way a note may write it: its name, its aliases and its words."""
        return (self.name, *self.aliases, *self.words)
