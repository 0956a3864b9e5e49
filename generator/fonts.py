"""The edge where fonts are prepared: Noto Sans CJK, pre-subset to the notes' characters.

WeasyPrint keeps a font's original glyph ids when it subsets, and Hangul ids in Noto CJK
are high, so every face would cost ~150 KB in every PDF. Subsetting the faces once per
build to the characters the sheets use (HarfBuzz, via uharfbuzz: ~20 ms a face) gives
compact ids and ~20 KB faces. The subsets are cached by content under the output folder.
"""

from __future__ import annotations

import hashlib
import subprocess
from dataclasses import dataclass
from pathlib import Path

from .errors import CheatdeckError

FACES = (
    ("cd-sans-kr", "Noto Sans CJK KR:style=Regular", 400),
    ("cd-sans-kr", "Noto Sans CJK KR:style=Bold", 700),
    ("cd-sans-jp", "Noto Sans CJK JP:style=Regular", 400),
    ("cd-sans-jp", "Noto Sans CJK JP:style=Bold", 700),
    ("cd-mono", "Noto Sans Mono CJK KR:style=Regular", 400),
)
"""(CSS family, fontconfig pattern, weight) of each face the sheets use."""
_ALWAYS = "".join(map(chr, range(0x20, 0x7F))) + "▪…·–—→×“”‘’・"


@dataclass(frozen=True, slots=True)
class FontSet:
    """Subset faces on disk and the @font-face rules that load them."""

    folder: Path
    css: str
    digest: str
    """Changes when the characters or the installed fonts change (part of a sheet's key)."""


def _locate(pattern: str) -> tuple[Path, int]:
    try:
        found = subprocess.run(
            ["fc-match", "-f", "%{file}:%{index}", pattern],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError) as error:
        raise CheatdeckError(f"fontconfig cannot find fonts ({error}): run `make build`") from None
    path, _, index = found.rpartition(":")
    if "NotoSans" not in path:
        raise CheatdeckError(
            f"{pattern.split(':')[0]} is not installed: run `make build` or "
            "`apt-get install fonts-noto-cjk` (or build with --no-sheets)"
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
    """Subset every face to the characters in ``texts`` (cached by content)."""
    characters = "".join(sorted(set("".join(texts)) | set(_ALWAYS)))
    located = [(family, _locate(pattern), weight) for family, pattern, weight in FACES]
    stamp = "|".join(
        f"{family}:{path}:{index}:{path.stat().st_size}:{path.stat().st_mtime_ns}:{weight}"
        for family, (path, index), weight in located
    )
    digest = hashlib.sha256(f"{stamp}\x1f{characters}".encode()).hexdigest()[:16]
    folder = cache.resolve() / digest
    rules = []
    for family, (path, index), weight in located:
        target = folder / f"{family}-{weight}.otf"
        if not target.is_file():
            folder.mkdir(parents=True, exist_ok=True)
            partial = target.with_suffix(".part")
            partial.write_bytes(_subset(path, index, characters))
            partial.replace(target)
        rules.append(
            f'@font-face {{ font-family: "{family}"; src: url("{target.as_uri()}"); '
            f"font-weight: {weight}; }}"
        )
    return FontSet(folder, "\n".join(rules) + "\n", digest)
