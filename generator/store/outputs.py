"""The output folder holds only what cheatdeck made: which files it may replace or remove.

A user points ``-o`` (or ``out`` in cheatdeck.toml) at folders that hold their own files:
``docs/`` with a tax return in ``docs/sheets/``, a cloned notes repository's ``..``. A
build therefore keeps a ledger of the outputs it wrote (``OUT/.cheatdeck-outputs.json``:
each file's path and the digest of what was written; outside the cache, which a user may
clear) and touches no other file: an output path
holding a file cheatdeck did not write, or one changed since it wrote it, stops the build
before anything is written; a sheet of a vanished subject is removed only while it is the
file cheatdeck wrote. Folders that must never be an output folder — the notes folder, a
folder above it, the home folder, a filesystem root — are refused outright.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import CheatdeckError

LEDGER = Path(".cheatdeck-outputs.json")
_EARLIER_CACHE = (".cache/manifest.json", ".cache/outlines.json", ".cache/cards.json")
"""Files an earlier cheatdeck (before the ledger) left in every OUT it built."""
_EARLIER_OUTPUTS = ("deck.apkg", "facts.json", "sheets/weak-spots.pdf")


class UnsafeOutFolder(CheatdeckError):
    """An output folder a build must never write into (a usage error: exit 2)."""


class ForeignFile(CheatdeckError):
    """An output path holds a file cheatdeck did not write: nothing is written."""


def refuse_unsafe_out(out: Path, notes_roots: tuple[Path, ...]) -> None:
    """Raise :class:`UnsafeOutFolder` when ``out`` is a filesystem root, the home folder,
    or a notes folder or a folder above one (a build would write among the notes)."""
    folder = out.expanduser().resolve()
    if folder == Path(folder.anchor):
        raise UnsafeOutFolder(f"{out}: a filesystem root cannot be the output folder")
    if folder == Path.home().resolve():
        raise UnsafeOutFolder(f"{out}: the home folder cannot be the output folder")
    for root in notes_roots:
        if folder == root or folder in root.parents:
            where = "is" if folder == root else "contains"
            raise UnsafeOutFolder(
                f"{out}: the output folder {where} the notes folder {root}: "
                "choose another, e.g. -o build"
            )


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class Ledger:
    """Output path (relative to OUT, ``/`` separators) → digest of the bytes written."""

    files: dict[str, str] = field(default_factory=dict)
    damaged: bool = False
    """The ledger file could not be read: nothing in OUT is known to be cheatdeck's."""

    def owns(self, out: Path, name: str) -> bool:
        """Whether ``OUT/name`` is absent or still the file cheatdeck wrote there."""
        path = out / name
        if not path.exists():
            return True
        recorded = self.files.get(name)
        return recorded is not None and path.is_file() and digest(path.read_bytes()) == recorded

    def refuse_foreign(self, out: Path, names: list[str]) -> None:
        """Raise :class:`ForeignFile` naming the first of ``names`` cheatdeck may not
        replace (checked before anything is written)."""
        for name in names:
            if not self.owns(out, name):
                why = (
                    "changed since cheatdeck wrote it"
                    if name in self.files
                    else ("not written by cheatdeck")
                )
                if self.damaged:
                    why += f" (its record of what it wrote, {LEDGER}, is unreadable)"
                raise ForeignFile(
                    f"{out / name}: {why}; move it away or build into another folder "
                    "(-o): nothing was written"
                )

    def record(self, written: dict[str, bytes]) -> None:
        self.files.update({name: digest(data) for name, data in written.items()})

    def to_json(self) -> str:
        return json.dumps({"version": 1, "files": dict(sorted(self.files.items()))}, indent=1)


def read_ledger(out: Path) -> Ledger:
    """The outputs cheatdeck wrote in ``out``. An OUT an earlier cheatdeck built (its cache
    is there, the ledger never was) is trusted with the outputs it always wrote — only
    those that read as cheatdeck's own (a sheet whose PDF names cheatdeck its creator, a
    deck that is an Anki package, facts.json of cheatdeck's shape)."""
    try:
        data = json.loads((out / LEDGER).read_text(encoding="utf-8"))
        return Ledger({str(name): str(value) for name, value in data["files"].items()})
    except FileNotFoundError:
        return _earlier_ledger(out)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return Ledger(damaged=True)  # nothing in OUT is known to be cheatdeck's


def _earlier_ledger(out: Path) -> Ledger:
    if not any((out / name).is_file() for name in _EARLIER_CACHE):
        return Ledger()
    names = list(_EARLIER_OUTPUTS)
    try:
        manifest = json.loads((out / ".cache" / "manifest.json").read_text(encoding="utf-8"))
        names += [str(name) for name in manifest["files"]]
    except (OSError, ValueError, KeyError, TypeError):
        pass
    present = {name: (out / name).read_bytes() for name in names if (out / name).is_file()}
    return Ledger({name: digest(data) for name, data in present.items() if _made_here(name, data)})


def _made_here(name: str, data: bytes) -> bool:
    """Whether an output of an earlier cheatdeck reads as one: what its files always hold."""
    if name.endswith(".pdf"):
        return data.startswith(b"%PDF") and _made_by_cheatdeck(data)
    if name.endswith(".apkg"):
        return data.startswith(b"PK") and b"collection.anki2" in data
    return data.lstrip().startswith(b'{"version"') and b'"facts"' in data


def removable(ledger: Ledger, out: Path, names: list[str]) -> list[str]:
    """Of ``names`` (outputs a build no longer makes), those still as cheatdeck wrote
    them: the others became the user's and stay."""
    return [name for name in names if (out / name).is_file() and ledger.owns(out, name)]


def _made_by_cheatdeck(pdf: bytes) -> bool:
    """A PDF whose document information names cheatdeck (its creator or producer)."""
    import io

    import pikepdf  # only for an OUT an earlier cheatdeck built

    try:
        with pikepdf.open(io.BytesIO(pdf)) as document:
            info = document.docinfo
            said = " ".join(str(info.get(key, "")) for key in ("/Creator", "/Producer"))
    except (pikepdf.PdfError, ValueError):
        return False
    return "cheatdeck" in said
