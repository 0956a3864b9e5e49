"""The edge where notes come in from disk.

Finds the ``.md`` files under the notes folders, reads them as UTF-8 (BOM and CRLF
tolerated), and lists the image files beside them. Nothing outside a notes folder is read:
symlinks that leave the folder are ignored, and later stages only ever see relative paths.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import NotesError

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


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root)
    except ValueError:
        return False
    return True


def decode(file: str, data: bytes) -> str:
    """Note bytes as text; a file that is not UTF-8 is an error at its first bad line."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise NotesError(file, line, "not UTF-8 text; save the note as UTF-8") from None
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


def read_notes(targets: list[Path]) -> NoteSet:
    """Read every note named by ``targets`` (folders are searched for ``*.md``)."""
    notes: list[NoteFile] = []
    assets: set[tuple[Path, str]] = set()
    roots: list[Path] = []
    for target in targets:
        root = (target if target.is_dir() else target.parent).resolve()
        roots.append(root)
        paths = _files_under(root, frozenset({".md"})) if target.is_dir() else [target]
        for path in paths:
            relative = path.resolve().relative_to(root).as_posix()
            notes.append(NoteFile(root, relative, decode(relative, path.read_bytes())))
        assets |= {
            (root, p.relative_to(root).as_posix()) for p in _files_under(root, IMAGE_SUFFIXES)
        }
    return NoteSet(tuple(notes), frozenset(assets), tuple(dict.fromkeys(roots)))
