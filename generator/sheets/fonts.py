"""The edge where fonts are prepared: Noto Sans CJK and Symbola, pre-subset to the notes'
characters.

Noto Sans CJK draws Hangul, kana, kanji and Latin; Symbola (a monochrome outline face,
Debian's ``fonts-symbola``) draws the emoji and symbols people put in notes (✅ ❌ ⚠️ 🔥 ★),
in black so they print on a grayscale printer. Every CSS font list ends with it.

WeasyPrint keeps a font's original glyph ids when it subsets, and Hangul ids in Noto CJK
are high, so every face would cost ~150 KB in every PDF. Subsetting the faces once per
build to the characters the sheets use (HarfBuzz, via uharfbuzz: ~20 ms a face) gives
compact ids and ~20 KB faces. The subsets are cached by content under the output folder.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from ..errors import CheatdeckError
from ..store.files import write_atomic

FACES = (
    ("cd-sans-kr", "Noto Sans CJK KR:style=Regular", 400),
    ("cd-sans-kr", "Noto Sans CJK KR:style=Bold", 700),
    ("cd-sans-jp", "Noto Sans CJK JP:style=Regular", 400),
    ("cd-sans-jp", "Noto Sans CJK JP:style=Bold", 700),
    ("cd-mono", "Noto Sans Mono CJK KR:style=Regular", 400),
    ("cd-symbols", "Symbola:style=Regular", 400),
)
"""(CSS family, fontconfig pattern, weight) of each face the sheets use."""
_FILE_NAMES = {"Symbola": "Symbola"}
"""The file-name fragment that shows fontconfig found the face itself, not a stand-in."""
PACKAGES = {
    "Debian/Ubuntu": "apt-get install fonts-noto-cjk fonts-symbola",
    "Fedora": "dnf install google-noto-sans-cjk-fonts gdouros-symbola-fonts",
    "macOS": "brew install --cask font-noto-sans-cjk font-symbola",
    "Windows": "install Noto Sans CJK and Symbola from their sites",
}
_ALWAYS = "".join(map(chr, range(0x20, 0x7F))) + "▪…·–—→×“”‘’・"


@dataclass(frozen=True, slots=True)
class FontSet:
    """Subset faces on disk and the @font-face rules that load them."""

    folder: Path
    css: str
    digest: str
    """Names the installed fonts (part of each sheet's render key)."""
    files: tuple[Path, ...] = ()
    """The installed font files the faces were cut from."""


def _locate_all(patterns: list[str]) -> list[tuple[Path, int]]:
    """Each pattern's font file and face index, asked of fontconfig side by side (one
    ``fc-match`` each, ~8 ms; one after another they held up every build by ~45 ms)."""
    command = ["fc-match", "-f", "%{file}:%{index}"]
    try:
        running = [
            subprocess.Popen([*command, pattern], stdout=subprocess.PIPE, text=True)
            for pattern in patterns
        ]
    except OSError as error:
        raise CheatdeckError(f"fontconfig cannot find fonts ({error}): run `make build`") from None
    return [_located(pattern, process) for pattern, process in zip(patterns, running, strict=True)]


def _located(pattern: str, process: subprocess.Popen[str]) -> tuple[Path, int]:
    found, _ = process.communicate()
    if process.returncode != 0:
        raise CheatdeckError(
            f"fontconfig cannot find fonts (fc-match {pattern!r} failed): run `make build`"
        )
    path, _, index = found.rpartition(":")
    family = pattern.split(":")[0]
    if _FILE_NAMES.get(family, "NotoSans") not in path:
        how = "; ".join(f"{system}: {command}" for system, command in PACKAGES.items())
        raise CheatdeckError(
            f"the font {family} is not installed ({how}; or build with --no-sheets)"
        )
    return Path(path), int(index or 0)


def _subset(path: Path, index: int, characters: str) -> bytes:
    import uharfbuzz as hb

    face = hb.Face(hb.Blob.from_file_path(str(path)), index)
    request = hb.SubsetInput()
    for character in characters:
        request.unicode_set.add(ord(character))
    request.sets(hb.SubsetInputSets.LAYOUT_FEATURE_TAG).invert()  # keep every feature
    return bytes(hb.subset(face, request).blob.data)


def prepare_fonts(texts: list[str], cache: Path) -> FontSet:
    """Faces subset to at least the characters in ``texts``.

    The subset only grows: when a note brings a new character, the faces are cut again
    with every character seen so far. Sheets rendered before stay valid (each PDF embeds
    its own glyphs), so the font digest names the installed fonts, not the subset.
    """
    found = _locate_all([pattern for _, pattern, _ in FACES])
    located = [
        (family, face, weight) for (family, _, weight), face in zip(FACES, found, strict=True)
    ]
    stamp = "|".join(
        f"{family}:{path}:{index}:{path.stat().st_size}:{path.stat().st_mtime_ns}:{weight}"
        for family, (path, index), weight in located
    )
    digest = hashlib.sha256(stamp.encode()).hexdigest()[:16]
    home = cache.resolve() / digest
    known = home / "characters.txt"
    have = set(known.read_text(encoding="utf-8")) if known.is_file() else set()
    needed = set("".join(texts)) | set(_ALWAYS)
    characters = "".join(sorted(have | needed))
    folder = home / hashlib.sha256(characters.encode()).hexdigest()[:12]
    if not needed <= have or not folder.is_dir():
        _cut(located, characters, folder)
        write_atomic(known, characters.encode())
    rules = [
        f'@font-face {{ font-family: "{family}"; '
        f'src: url("{(folder / f"{family}-{weight}.otf").as_uri()}"); font-weight: {weight}; }}'
        for family, _, weight in located
    ]
    files = tuple(path for _, (path, _), _ in located)
    return FontSet(folder, "\n".join(rules) + "\n", digest, files)


def _cut(located: list[tuple[str, tuple[Path, int], int]], characters: str, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for family, (path, index), weight in located:
        target = folder / f"{family}-{weight}.otf"
        if not target.is_file():
            write_atomic(target, _subset(path, index, characters))
    for old in folder.parent.iterdir():
        if old.is_dir() and old != folder:
            shutil.rmtree(old, ignore_errors=True)
