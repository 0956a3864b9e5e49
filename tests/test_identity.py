"""Fact ids survive edits, moves and renames (the lock beside the notes)."""

from __future__ import annotations

import json
from pathlib import Path

from generator.build import build, load
from generator.notes.sources import LOCK_NAME
from generator.options import BuildOptions

FACTS_ONLY = BuildOptions(deck=False, sheets=False)

NOTE = """# Amazon Polly

- 텍스트를 음성으로 변환하는 서비스이다.
- SSML로 발음을 조정할 수 있다.
- 어휘 목록을 업로드해서 사용한다.

## Lexicons
- 사용자 지정 발음을 만든다.
"""


def ids_after_build(folder: Path, out: Path, now: int) -> dict[str, str]:
    return {f.text: f.id for f in build([folder], out, now, FACTS_ONLY).loaded.notes.facts}


def ids_by_text(folder: Path, now: int) -> dict[str, str]:
    return {f.text: f.id for f in load([folder], now).notes.facts}


def test_ids_are_stable_across_builds(notes_dir, tmp_path: Path) -> None:
    folder = notes_dir({"polly.md": NOTE})
    first = build([folder], tmp_path / "out", 100, FACTS_ONLY).loaded.notes.facts
    second = build([folder], tmp_path / "out", 200, FACTS_ONLY).loaded.notes.facts
    assert [f.id for f in first] == [f.id for f in second]
    assert (folder / LOCK_NAME).is_file()


def test_edited_moved_and_renamed_facts_keep_their_ids(notes_dir, tmp_path: Path) -> None:
    folder = notes_dir({"polly.md": NOTE})
    before = ids_after_build(folder, tmp_path / "out", 100)
    edited = NOTE.replace(
        "SSML로 발음을 조정할 수 있다.", "SSML 태그로 발음과 억양을 조정할 수 있다."
    )
    moved = edited.replace("- 어휘 목록을 업로드해서 사용한다.\n", "").replace(
        "- 사용자 지정 발음을 만든다.",
        "- 사용자 지정 발음을 만든다.\n- 어휘 목록을 업로드해서 사용한다.",
    )
    (folder / "polly.md").unlink()
    (folder / "speech.md").write_text(moved, encoding="utf-8")
    result = build([folder], tmp_path / "out", 200, FACTS_ONLY)
    after = {f.text: f.id for f in result.loaded.notes.facts}
    assert (
        after["SSML 태그로 발음과 억양을 조정할 수 있다."]
        == before["SSML로 발음을 조정할 수 있다."]
    )
    assert after["어휘 목록을 업로드해서 사용한다."] == before["어휘 목록을 업로드해서 사용한다."]
    assert set(after.values()) == set(before.values())
    changes = result.loaded.identified.changes
    assert (len(changes.added), len(changes.removed)) == (0, 0)
    assert changes.updated  # the edit and the move change what the note shows


def test_removed_facts_are_reported_and_remembered(notes_dir, tmp_path: Path) -> None:
    folder = notes_dir({"polly.md": NOTE})
    before = ids_after_build(folder, tmp_path / "out", 100)
    (folder / "polly.md").write_text(NOTE.replace("- SSML로 발음을 조정할 수 있다.\n", ""))
    result = build([folder], tmp_path / "out", 200, FACTS_ONLY)
    gone = before["SSML로 발음을 조정할 수 있다."]
    assert result.loaded.identified.changes.removed == (gone,)
    lock = json.loads((folder / LOCK_NAME).read_text())
    assert lock["facts"][gone]["removed"] == 200
    (folder / "polly.md").write_text(NOTE)  # it comes back: same id, not "added"
    again = build([folder], tmp_path / "out", 300, FACTS_ONLY).loaded
    assert {f.text: f.id for f in again.notes.facts} == before
    assert again.identified.changes.added == ()


def test_change_times_increase_even_within_one_second(notes_dir, tmp_path: Path) -> None:
    """Anki only applies an imported note that is newer than the one it has."""
    folder = notes_dir({"polly.md": NOTE})
    build([folder], tmp_path / "out", 100, FACTS_ONLY)
    first = json.loads((folder / LOCK_NAME).read_text())["facts"]
    (folder / "polly.md").write_text(NOTE.replace("변환하는", "바꿔 주는"))
    build([folder], tmp_path / "out", 100, FACTS_ONLY)  # same second
    second = json.loads((folder / LOCK_NAME).read_text())["facts"]
    changed = [i for i in first if first[i]["changed"] != second[i]["changed"]]
    assert len(changed) == 1 and second[changed[0]]["changed"] == 101


def test_facts_command_writes_no_lock(notes_dir) -> None:
    folder = notes_dir({"polly.md": NOTE})
    assert ids_by_text(folder, 100) == ids_by_text(folder, 200)
    assert not (folder / LOCK_NAME).exists()
