"""What a which card asks, as plain data the deck hands to the sheets: the booklet's
decision page prints every clue with its answer (see :mod:`generator.sheets.decisions`).

Kept apart from both stages: the deck decides which clues tell a service apart, the
sheets only print them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Clue:
    """One which card's question and answer."""

    html: str
    """The clue as the card asks it (HTML), the answer's names masked."""
    answer: str
    """The canonical name of the service (or feature) it points at."""
    lang: str
    compared: tuple[str, ...] = ()
    """The sides of the comparison the clue tells apart ("Kendra vs OpenSearch"), if any."""
