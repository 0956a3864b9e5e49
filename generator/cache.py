"""What the last build made, so the next one redoes only what changed.

The manifest (``OUT/.cache/manifest.json``) maps each sheet to the key it was rendered
with: a hash of its HTML and CSS (which carry its facts, templates and options), the
installed fonts and cheatdeck's version. A sheet whose key is unchanged and whose PDF is
still there is not rendered again. The booklet has a key made of all of its sheets' keys.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from ._version import __version__

MANIFEST = Path(".cache") / "manifest.json"
TEMPORARY_PREFIX = ".cheatdeck-tmp-"
"""Every file being written starts with this: left-overs of a killed build are removed."""


@dataclass(frozen=True, slots=True)
class Rendition:
    key: str
    pages: int


@dataclass
class Manifest:
    """Output file (relative to OUT) → how it was made."""

    files: dict[str, Rendition] = field(default_factory=dict)

    def fresh(self, out: Path, name: str, key: str) -> Rendition | None:
        """The recorded rendition if ``name`` exists and was made with ``key``."""
        found = self.files.get(name)
        return found if found is not None and found.key == key and (out / name).is_file() else None


def read_manifest(out: Path) -> Manifest:
    """The last build's manifest; an unreadable one just means rendering everything."""
    try:
        data = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
        if data.get("version") != __version__:
            return Manifest()
        return Manifest(
            {name: Rendition(r["key"], int(r["pages"])) for name, r in data["files"].items()}
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return Manifest()


def manifest_json(manifest: Manifest) -> str:
    files = {
        name: {"key": rendition.key, "pages": rendition.pages}
        for name, rendition in sorted(manifest.files.items())
    }
    return json.dumps({"version": __version__, "files": files}, ensure_ascii=False, indent=1)


def render_key(*parts: str) -> str:
    """The key of a rendered output: its inputs, and the version of what renders them."""
    return hashlib.sha256("\x1f".join((__version__, *parts)).encode()).hexdigest()[:24]


def remove_leftovers(folder: Path, *, recursive: bool) -> None:
    """Delete the temporary files a killed build left in ``folder``."""
    pattern = f"{TEMPORARY_PREFIX}*"
    for leftover in folder.rglob(pattern) if recursive else folder.glob(pattern):
        leftover.unlink(missing_ok=True)


@contextmanager
def build_lock(out: Path) -> Iterator[None]:
    """One build at a time per output folder (a second one waits for the first)."""
    from filelock import FileLock  # portable: flock on Unix, msvcrt on Windows

    out.mkdir(parents=True, exist_ok=True)
    with FileLock(out / ".cheatdeck-build.lock"):
        remove_leftovers(out, recursive=True)
        yield
