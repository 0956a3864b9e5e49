"""``push``: the built deck into a running Anki, and the cards cheatdeck no longer makes
out of the learner's way.

An ``.apkg`` cannot suspend a card the collection already has (Anki keeps its own
scheduling on import), so the notes flagged ``cheatdeck::removed`` are suspended through
AnkiConnect after the import — or deleted, only when the user asks for it.
"""

from __future__ import annotations

from pathlib import Path

from ..options import REMOVED_TAG
from ..report import counted
from .anki_connect import AnkiConnect, AnkiConnectError


def push(anki: AnkiConnect, package: Path, removed: str) -> str:
    """Import ``package``, then ``suspend``, ``delete`` or ``keep`` the flagged notes;
    what was done to them, for the report (``''`` when nothing)."""
    if anki.invoke("importPackage", path=str(package)) is not True:
        raise AnkiConnectError(f"{anki.url}: AnkiConnect could not import {package}")
    query = f"tag:{REMOVED_TAG}"
    if removed == "suspend":
        cards = anki.invoke("findCards", query=f"{query} -is:suspended")
        if cards:
            anki.invoke("suspend", cards=cards)
        return f"; suspended {counted(len(cards), 'card')} no longer made" if cards else ""
    if removed == "delete":
        notes = anki.invoke("findNotes", query=query)
        if notes:
            anki.invoke("deleteNotes", notes=notes)
        return f"; deleted {counted(len(notes), 'note')} no longer made" if notes else ""
    return ""
