"""Shared fixtures: the seed notes, loaded once, and helpers to write small note folders."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.build import BuildResult, Loaded, build, load
from generator.options import BuildOptions

ROOT = Path(__file__).resolve().parent.parent
SOURCE_NOTES = ROOT / "source_notes"
NOW = 1_800_000_000


@pytest.fixture(scope="session")
def seeds() -> Loaded:
    """The bundled notes, understood (read-only: nothing is written)."""
    return load([SOURCE_NOTES], NOW)


@pytest.fixture
def notes_dir(tmp_path: Path):
    """A function that writes {name: text} into a fresh notes folder and returns it."""

    def write(files: dict[str, str | bytes]) -> Path:
        folder = tmp_path / "notes"
        folder.mkdir(exist_ok=True)
        for name, content in files.items():
            path = folder / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
        return folder

    return write


@pytest.fixture(scope="session")
def seed_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[BuildResult, Path]:
    """A full build (deck and sheets) of a copy of the bundled notes, made once."""
    folder = tmp_path_factory.mktemp("seeds")
    notes = folder / "notes"
    shutil.copytree(SOURCE_NOTES, notes, ignore=shutil.ignore_patterns("cheatdeck.lock.json"))
    result = build([notes], folder / "out", NOW, BuildOptions())
    return result, folder / "out"
