"""Settings kept with the notes: ``cheatdeck.toml``, or ``[tool.cheatdeck]`` in a
``pyproject.toml``, in the first notes folder.

Keys are the long options without their dashes (``deck_name = "My Exam"``, ``paper``,
``columns``, ``skip_kinds``…); an option given on the command line wins. Two tables extend
the service catalog: ``[[service]]`` entries like those cheatdeck ships (name, category,
aliases, words, parent) and ``[aliases]`` (a spelling your notes use = a catalog name).
A key no command knows is an error naming the file and line, never silently ignored.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import NotesError
from ..notes.sources import decode, notes_folder_of
from ..options import NO_EXTENSION, CatalogExtension

CONFIG_NAME = "cheatdeck.toml"
PYPROJECT = "pyproject.toml"
_CATALOG_TABLES = ("service", "aliases")
_SERVICE_KEYS = frozenset({"name", "category", "aliases", "words", "parent"})
_KEY_OR_TABLE = re.compile(r"""^\s*\[*\s*(?:tool\.cheatdeck\.?)?["']?([\w-]+)["']?\s*[=\]]""")


@dataclass(frozen=True, slots=True)
class Config:
    """What the config file says (nothing, when there is none)."""

    path: Path | None = None
    values: dict[str, Any] = field(default_factory=dict)
    """Option name (underscores) → the value as written."""
    lines: dict[str, int] = field(default_factory=dict)
    catalog: CatalogExtension = NO_EXTENSION

    def error(self, key: str, message: str) -> NotesError:
        """``FILE:LINE: message`` at the line that sets ``key``."""
        assert self.path is not None
        return NotesError(self.path.name, self.lines.get(key, 1), message)


def _config_file(targets: list[Path]) -> tuple[Path, str] | None:
    """The config of the first notes folder — the folder named (a file target: the folder
    holding it), else the notes folder it belongs to (see
    :func:`generator.notes.sources.notes_folder_of`) — and its text."""
    named = targets[0] if targets[0].is_dir() else targets[0].parent
    for folder in dict.fromkeys((named.resolve(), notes_folder_of(targets[0]))):
        own = folder / CONFIG_NAME
        if own.is_file():
            return own, decode(CONFIG_NAME, own.read_bytes())
        pyproject = folder / PYPROJECT
        text = decode(PYPROJECT, pyproject.read_bytes()) if pyproject.is_file() else ""
        if "[tool.cheatdeck" in text:
            return pyproject, text
    return None


def read_config(targets: list[Path], known: set[str]) -> Config:
    """The settings for a run on ``targets``; ``known`` holds every option name any
    command takes. Raises :class:`NotesError` for bad TOML or an unknown key."""
    found = _config_file(targets)
    if found is None:
        return Config()
    path, text = found
    try:
        table = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        line = int(match.group(1)) if (match := re.search(r"line (\d+)", str(error))) else 1
        raise NotesError(path.name, line, f"not valid TOML: {error}") from None
    if path.name == PYPROJECT:
        table = table.get("tool", {}).get("cheatdeck", {})
    lines = _key_lines(text)
    values = {key.replace("-", "_"): value for key, value in table.items()}
    config = Config(path, values, lines)
    for key in values:
        if key not in known and key not in _CATALOG_TABLES:
            from rapidfuzz import process

            hint = process.extractOne(key, sorted(known | set(_CATALOG_TABLES)))
            maybe = f" (did you mean {hint[0]}?)" if hint and hint[1] >= 70 else ""
            raise config.error(key, f"unknown setting '{key}'{maybe}")
    return Config(path, values, lines, _extension(config))


def _key_lines(text: str) -> dict[str, int]:
    """Key → the first line that sets it or opens its table (TOML keeps no positions)."""
    lines: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        match = _KEY_OR_TABLE.match(line)
        if match:
            lines.setdefault(match.group(1).replace("-", "_"), number)
    return lines


def _extension(config: Config) -> CatalogExtension:
    services = config.values.get("service", [])
    aliases = config.values.get("aliases", {})
    if not services and not aliases:
        return NO_EXTENSION
    from ..facts.catalog import entry_service, load_catalog  # only when there is something to add

    if not isinstance(services, list) or not all(isinstance(s, dict) for s in services):
        raise config.error("service", '[[service]] entries are tables: name = "…", aliases = […]')
    if not isinstance(aliases, dict) or not all(isinstance(v, str) for v in aliases.values()):
        raise config.error("aliases", '[aliases] maps a spelling to a service: "Forcast" = …')
    for entry in services:
        unknown = set(entry) - _SERVICE_KEYS
        if "name" not in entry or unknown:
            wrong = f"unknown key '{sorted(unknown)[0]}'" if unknown else "no name"
            keys = ", ".join(sorted(_SERVICE_KEYS))
            raise config.error("service", f"[[service]] {wrong} (keys: {keys})")
    extension = CatalogExtension(
        tuple(entry_service(entry) for entry in services), tuple(aliases.items())
    )
    try:
        load_catalog(extension)
    except ValueError as error:
        raise config.error("aliases" if aliases else "service", str(error)) from None
    return extension
