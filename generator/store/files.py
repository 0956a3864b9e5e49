"""The edge where outputs go to disk: every file written in full beside its target, then
renamed over it, all of a build's files together (:func:`replace_all`), so a build that
fails or is killed leaves the previous outputs whole.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from ..errors import CheatdeckError

TEMPORARY_PREFIX = ".cheatdeck-tmp-"
"""Every file being written starts with this: left-overs of a killed build are removed."""
_UMASK = os.umask(0o022)
os.umask(_UMASK)


class WriteFailed(CheatdeckError):
    """An output could not be written; every previous output is as it was."""


def write_atomic(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` in one rename (never a half-written file)."""
    replace_all({path: data})


def replace_all(files: dict[Path, bytes]) -> None:
    """Replace every one of ``files`` or none: each is first written in full beside its
    target (a full disk or a folder that refuses writes fails here, with nothing replaced),
    then all are renamed over their targets."""
    for path in files:
        if path.is_dir():
            raise WriteFailed(f"{path}: is a folder, not a file; nothing was replaced")
    staged: list[tuple[str, Path]] = []
    try:
        for path, data in files.items():
            staged.append((_staged(path, data), path))
    except OSError as error:
        raise WriteFailed(
            f"{path}: cannot write: {error.strerror or error}; nothing was replaced"
        ) from None
    finally:
        if len(staged) < len(files):  # failed or interrupted: leave nothing behind
            for temporary, _ in staged:
                Path(temporary).unlink(missing_ok=True)
    for temporary, path in staged:
        os.replace(temporary, path)


def _staged(path: Path, data: bytes) -> str:
    """``data`` written and flushed to disk in a temporary file beside ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f"{TEMPORARY_PREFIX}{path.name}.", dir=path.parent)
    try:
        os.chmod(temporary, 0o666 & ~_UMASK)  # mkstemp's 0600 would hide outputs from others
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return temporary
