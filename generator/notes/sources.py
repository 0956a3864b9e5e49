"""The edge where notes come in from disk.

Finds the ``.md`` files under the notes folders, reads them as UTF-8 (BOM and CRLF
tolerated), and lists the image files beside them. Nothing outside a notes folder is read:
symlinks that leave the folder are ignored, and later stages only ever see relative paths.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from ..errors import CheatdeckError, NotesError, SourceError

LOCK_NAME = "cheatdeck.lock.json"
"""The identity lock, kept beside the notes (see :mod:`generator.facts.identity`)."""
IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp"})


@dataclass(frozen=True, slots=True)
class NoteFile:
    """One note, read."""

    root: Path
    """The notes folder it was found in (absolute)."""
    file: str
    """Its path relative to ``root``, with ``/`` separators."""
    text: str
    """Its content, decoded, with ``\\n`` line ends."""


@dataclass(frozen=True, slots=True)
class NoteSet:
    """Everything the stages may read: the notes and the images beside them."""

    notes: tuple[NoteFile, ...]
    assets: frozenset[tuple[Path, str]]
    """(notes folder, image path relative to it): the only images that may be embedded."""
    roots: tuple[Path, ...]
    present: frozenset[str]
    """Every note path on disk under the roots, read or not: a subset build must leave the
    lock entries of notes it did not read alone, and may retire only those of notes gone."""


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root)
    except ValueError:
        return False
    return True


INVISIBLE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b\u200e\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]"
)
"""Control characters (a terminal's escape codes would reach the warnings printed),
zero-width spaces, word joiners and bidi controls: invisible, they would make two
spellings of one name (a second, identical-looking subdeck) and two texts of one fact.
Joiners (U+200C, U+200D) are removed only between letters of the scripts notes are
written in (Latin, Hangul, kana, CJK): emoji sequences and other scripts need them."""
_STRAY_JOINER = re.compile(
    "(?<=[A-Za-z0-9\u3040-\u30ff\u3400-\u9fff\uac00-\ud7a3])[\u200c\u200d]+"
    "(?=[A-Za-z0-9\u3040-\u30ff\u3400-\u9fff\uac00-\ud7a3])"
)


def decode(file: str, data: bytes) -> str:
    """Note bytes as text, in NFC (a note re-saved on macOS, in NFD, is the same note) and
    without invisible controls; a file that is not UTF-8 is an error at its first bad line."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise NotesError(file, line, "not UTF-8 text; save the note as UTF-8") from None
    text = _STRAY_JOINER.sub("", INVISIBLE.sub("", unicodedata.normalize("NFC", text)))
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _files_under(root: Path, suffixes: frozenset[str]) -> list[Path]:
    return sorted(
        path
        for path in root.rglob("*")
        if path.suffix.lower() in suffixes
        and path.is_file()
        and _inside(path, root)
        and not any(part.startswith(".") for part in path.relative_to(root).parts)
    )


def notes_folder_of(target: Path) -> Path:
    """The notes folder a target belongs to: the nearest folder at or above it that keeps a
    lock — so one note, or one subfolder of a vault, is built with its folder's identities
    (a lock of its own would give every card a second one) — else the target's folder."""
    folder = target.resolve() if target.is_dir() else target.resolve().parent
    for candidate in (folder, *folder.parents):
        if (candidate / LOCK_NAME).is_file():
            return candidate
    return folder


def read_lock(note_set: NoteSet) -> tuple[Path, str]:
    """Where these notes' identity lock lives (the first notes folder), and its text ('' when
    there is none yet). A lock that cannot be read as text is an error, never "no lock"."""
    path = note_set.roots[0] / LOCK_NAME
    if not path.exists():
        return path, ""
    if not path.is_file():
        raise NotesError(LOCK_NAME, 1, "is not a file: move it away and restore the lock")
    return path, decode(LOCK_NAME, path.read_bytes())


def read_notes(targets: list[Path]) -> NoteSet:
    """Read every note named by ``targets`` (folders are searched for ``*.md``).

    Finding no note at all is an error: an empty or mistyped folder must never build an
    empty deck over the last good one. Two notes folders holding the same note path would
    share identities, so that is an error too.
    """
    notes: list[NoteFile] = []
    assets: set[tuple[Path, str]] = set()
    roots: list[Path] = []
    present: set[str] = set()
    owner: dict[str, Path] = {}
    unreadable: list[NotesError] = []
    for target in targets:
        root = notes_folder_of(target)
        roots.append(root)
        on_disk = _files_under(root, frozenset({".md"}))
        paths = (
            [path for path in on_disk if path.is_relative_to(target.resolve())]
            if target.is_dir()
            else [target.resolve()]
        )
        if not paths:
            raise SourceError(str(target), "no Markdown notes found (looked for *.md files)")
        for path in paths:
            relative = unicodedata.normalize("NFC", path.resolve().relative_to(root).as_posix())
            if owner.setdefault(relative, root) != root:
                raise SourceError(
                    relative,
                    f"the same note path in two notes folders ({owner[relative]} and {root}): "
                    "build them separately or rename one",
                )
            try:
                notes.append(NoteFile(root, relative, decode(relative, path.read_bytes())))
            except NotesError as error:
                unreadable.append(error)  # every such note is named, not one per build
        present |= {unicodedata.normalize("NFC", p.relative_to(root).as_posix()) for p in on_disk}
        assets |= {
            (root, p.relative_to(root).as_posix()) for p in _files_under(root, IMAGE_SUFFIXES)
        }
    if unreadable:
        raise (
            unreadable[0]
            if len(unreadable) == 1
            else CheatdeckError("\n".join(str(error) for error in unreadable))
        )
    notes = list({(note.root, note.file): note for note in notes}.values())
    return NoteSet(tuple(notes), frozenset(assets), tuple(dict.fromkeys(roots)), frozenset(present))
