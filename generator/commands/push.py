"""``push``: the built deck into a running Anki, and the cards cheatdeck no longer makes
out of the learner's way — and back in when it makes them again.

An ``.apkg`` cannot suspend a card the collection already has (Anki keeps its own
scheduling on import), so the notes flagged ``cheatdeck::removed`` are suspended through
AnkiConnect after the import — or deleted, only when the user asks for it. A flagged card
that is suspended before the import and no longer flagged after it is made again (its fact
came back, its kind was turned on again): it is unsuspended, so no card cheatdeck makes
stays hidden with nothing pointing at it.
"""

from __future__ import annotations

from pathlib import Path

from ..options import REMOVED_TAG
from ..report import counted
from .anki_connect import AnkiConnect, AnkiConnectError

FLAGGED = f"tag:{REMOVED_TAG}"


def push(anki: AnkiConnect, package: Path, removed: str) -> str:
    """Import ``package``, unsuspend the cards made again, then ``suspend``, ``delete`` or
    ``keep`` the flagged notes; what was done, for the report (``''`` when nothing)."""
    hidden = set(anki.invoke("findCards", query=f"{FLAGGED} is:suspended"))
    if anki.invoke("importPackage", path=str(package)) is not True:
        raise AnkiConnectError(f"{anki.url}: AnkiConnect could not import {package}")
    done = []
    if hidden:
        revived = sorted(hidden - set(anki.invoke("findCards", query=FLAGGED)))
        if revived:
            anki.invoke("unsuspend", cards=revived)
            done.append(f"unsuspended {counted(len(revived), 'card')} made again")
    if removed == "suspend":
        cards = anki.invoke("findCards", query=f"{FLAGGED} -is:suspended")
        if cards:
            anki.invoke("suspend", cards=cards)
            done.append(f"suspended {counted(len(cards), 'card')} no longer made")
    elif removed == "delete":
        notes = anki.invoke("findNotes", query=FLAGGED)
        if notes:
            anki.invoke("deleteNotes", notes=notes)
            done.append(f"deleted {counted(len(notes), 'note')} no longer made")
    return "".join(f"; {item}" for item in done)
