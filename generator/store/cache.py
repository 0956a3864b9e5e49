"""What the last build made, so the next one redoes only what changed.

The manifest (``OUT/.cache/manifest.json``) maps each sheet to the key it was rendered
with: a hash of its HTML and CSS (which carry its facts, templates and options), the
installed fonts and cheatdeck's version. A sheet whose key is unchanged and whose PDF is
still there is not rendered again. The booklet has a key made of all of its sheets' keys.

The stamp (``OUT/.cache/stamp.json``) goes one step further: the key of everything a build
read (notes, images, lock, options, cheatdeck's own code), the outputs it left and the
report a rebuild would print. When nothing changed, ``cheatdeck build`` checks the stamp
and answers without importing a stage: a rebuild of nothing costs what starting Python
does. The key holds the lock as the build wrote it, so the build right after one that
updated the lock has nothing to do either; its report tells that nothing changed.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from .._version import __version__
from ..errors import CheatdeckError
from ..notes.sources import NoteSet, read_lock, read_notes
from ..options import BuildOptions
from ..resources import TEMPLATES
from .files import TEMPORARY_PREFIX

CACHE = Path(".cache")
"""Where a build keeps what the next one may reuse, inside OUT (see :class:`Store`)."""
MANIFEST = Path("manifest.json")
STAMP = CACHE / "stamp.json"


class Store:
    """The one place a build keeps results for the next one and asks for them: memos of
    pure steps, the manifest, laid-out pieces, font subsets, cached documents — all in
    ``OUT/.cache``. Turned off (``--no-cache``), it is a temporary folder that starts empty
    and is deleted after the build: every result is made anew and the outputs are the same
    bytes (a test checks it). The stages never know which."""

    def __init__(self, out: Path, keep: bool = True) -> None:
        self.keep = keep
        self.folder = out / CACHE if keep else Path(tempfile.mkdtemp(prefix="cheatdeck-"))

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def __truediv__(self, name: str | Path) -> Path:
        """Where the store keeps ``name``."""
        return self.folder / name

    def close(self) -> None:
        if not self.keep:
            shutil.rmtree(self.folder, ignore_errors=True)


@dataclass(frozen=True, slots=True)
class Rendition:
    key: str
    pages: int


@dataclass
class Manifest:
    """Output file (relative to OUT) → how it was made."""

    files: dict[str, Rendition] = field(default_factory=dict)
    stylesheets: tuple[str, ...] = ()
    """The stylesheets the sheets were laid out with, fonts' first: the next build's
    workers parse them while it reads the notes (see
    :meth:`generator.sheets.pdf.Renderer.warm_up`)."""

    def fresh(self, out: Path, name: str, key: str) -> Rendition | None:
        """The recorded rendition if ``name`` exists and was made with ``key``."""
        found = self.files.get(name)
        return found if found is not None and found.key == key and (out / name).is_file() else None


def read_manifest(cache: Path) -> Manifest:
    """The last build's manifest (in the store's folder ``cache``); an unreadable one just
    means rendering everything."""
    try:
        data = json.loads((cache / MANIFEST).read_text(encoding="utf-8"))
        if data.get("version") != __version__:
            return Manifest()
        return Manifest(
            {name: Rendition(r["key"], int(r["pages"])) for name, r in data["files"].items()},
            tuple(str(text) for text in data.get("stylesheets", ())),
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return Manifest()


def manifest_json(manifest: Manifest) -> str:
    files = {
        name: {"key": rendition.key, "pages": rendition.pages}
        for name, rendition in sorted(manifest.files.items())
    }
    return json.dumps(
        {"version": __version__, "files": files, "stylesheets": manifest.stylesheets},
        ensure_ascii=False,
        indent=1,
    )


def render_key(*parts: str) -> str:
    """The key of a rendered output: its inputs, and the version of what renders them."""
    return hashlib.sha256("\x1f".join((__version__, *parts)).encode()).hexdigest()[:24]


def remove_leftovers(folder: Path, *, recursive: bool, name: str = "") -> None:
    """Delete the temporary files a killed build left in ``folder`` (only those of
    ``name``, when given)."""
    pattern = f"{TEMPORARY_PREFIX}{name}*"
    for leftover in folder.rglob(pattern) if recursive else folder.glob(pattern):
        leftover.unlink(missing_ok=True)


def remove_own_leftovers(out: Path) -> None:
    """A killed build's temporary files, looked for only where builds write: OUT itself,
    its sheets and its cache (never elsewhere in a tree another build may be writing)."""
    remove_leftovers(out, recursive=False)
    remove_leftovers(out / "sheets", recursive=False)
    remove_leftovers(out / ".cache", recursive=True)


@contextmanager
def build_lock(out: Path) -> Iterator[None]:
    """One build at a time per output folder (a second one waits for the first)."""
    from filelock import FileLock  # portable: flock on Unix, msvcrt on Windows

    out.mkdir(parents=True, exist_ok=True)
    with FileLock(out / ".cheatdeck-build.lock"):
        remove_own_leftovers(out)
        yield


def build_key(note_set: NoteSet, lock_text: str, options: BuildOptions, out: Path) -> str:
    """The key of a build: every note's text, the notes on disk, the images' sizes and
    times, the lock, the options, the output folder and the code that builds."""
    digest = hashlib.sha256()
    for part in _build_inputs(note_set, lock_text, options, out):
        digest.update(part.encode("utf-8", "surrogateescape") + b"\x1f")
    return digest.hexdigest()[:32]


def _build_inputs(
    note_set: NoteSet, lock_text: str, options: BuildOptions, out: Path
) -> Iterator[str]:
    yield __version__
    yield json.dumps(asdict(options), sort_keys=True, default=sorted, ensure_ascii=False)
    yield str(out.resolve())
    yield lock_text
    yield from (str(root) for root in note_set.roots)
    yield from sorted(note_set.present)
    for note in note_set.notes:
        yield f"{note.root}\x1e{note.file}\x1e{note.text}"
    yield from _stats((root / path for root, path in sorted(note_set.assets)))
    yield code_digest()


def code_digest(*libraries: ModuleType) -> str:
    """cheatdeck's modules, data and templates, and the ``libraries``' own files, by size
    and time: what another version of any of them made is made again."""
    files = [*_code_files(), *(Path(str(library.__file__)) for library in libraries)]
    return hashlib.sha256("\x1f".join(_stats(files)).encode()).hexdigest()[:32]


def _code_files() -> list[Path]:
    """cheatdeck's modules, data and templates (an edited install must not look fresh)."""
    package = Path(__file__).parent.parent
    return sorted(
        [*package.rglob("*.py"), *package.joinpath("data").rglob("*"), *TEMPLATES.rglob("*")]
    )


def _stats(paths: Iterable[Path]) -> Iterator[str]:
    for path in paths:
        size, modified = _stat(path)
        yield f"{path}\x1e{size}\x1e{modified}"


@dataclass(frozen=True, slots=True)
class Replay:
    """What a build with nothing to do reports: as data (``--json``) and as text."""

    report: dict[str, Any]
    lines: list[str]


def save_stamp(
    out: Path, key: str, outputs: Iterable[str], fonts: Iterable[Path], replay: Replay
) -> None:
    """Record a finished build: its key, what it left in ``out`` (relative paths), the font
    files its sheets were set in, and what a rebuild with nothing to do reports."""
    from .files import write_atomic

    stamp = {
        "key": key,
        "outputs": {name: _stat(out / name) for name in sorted(outputs)},
        "fonts": {str(path): _stat(path) for path in sorted(fonts)},
        "report": replay.report,
        "lines": replay.lines,
    }
    write_atomic(out / STAMP, json.dumps(stamp, ensure_ascii=False).encode())


def _stat(path: Path) -> list[int]:
    found = path.stat()
    return [found.st_size, found.st_mtime_ns]


def up_to_date(targets: list[Path], out: Path, options: BuildOptions) -> Replay | None:
    """The report of the last build if building ``targets`` into ``out`` again would
    change nothing — same inputs, every output untouched since — else None."""
    try:
        stamp = json.loads((out / STAMP).read_text(encoding="utf-8"))
        note_set = read_notes(targets)
        _, lock_text = read_lock(note_set)
        if stamp["key"] != build_key(note_set, lock_text, options, out):
            return None
        files = [(out / name, seen) for name, seen in stamp["outputs"].items()]
        files += [(Path(name), seen) for name, seen in stamp["fonts"].items()]
        if any(_stat(path) != seen for path, seen in files):
            return None
    except (OSError, ValueError, KeyError, TypeError, CheatdeckError):
        return None  # no stamp, or the build proper has something to say
    replay = Replay(stamp["report"], stamp["lines"])
    return None if options.strict and replay.report["warnings"] else replay
