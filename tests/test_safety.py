"""The everyday paths that must never cost a learner review history or good outputs
(issue #9): building one file, inserting a line, an empty folder, ``--strict``, a lock from
a newer cheatdeck. Checked with real Anki and on the bytes of every output."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.build import build
from generator.commands.cli import cli
from generator.notes.sources import LOCK_NAME
from generator.options import BuildOptions

from .anki_helpers import import_deck, open_collection
from .conftest import NOW, SOURCE_NOTES

NO_SHEETS = BuildOptions(sheets=False)
JAPANESE = "sagemaker-and-ai-services.ja.md"
LONG = "personalize-and-other-ml-services.ko.md"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stderr


def snapshot(*folders: Path) -> dict[str, bytes]:
    """Every file under the folders, by path (what a user would find on disk)."""
    return {
        str(path): path.read_bytes()
        for folder in folders
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.fixture
def seeds_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "notes"
    shutil.copytree(SOURCE_NOTES, folder, ignore=shutil.ignore_patterns(LOCK_NAME))
    return folder


def test_building_one_file_keeps_every_other_note_and_its_history(
    seeds_copy: Path, tmp_path: Path
) -> None:
    """Issue #9: building one file reported 95 % of the deck removed and five notes lost
    their GUIDs on the next full build."""
    out = tmp_path / "out"
    first = build([seeds_copy], out, NOW, NO_SHEETS)
    collection = open_collection(tmp_path / "anki")
    import_deck(collection, out / "deck.apkg")
    reviewed = collection.find_cards("")[::40]
    for card_id in reviewed:
        card = collection.get_card(card_id)
        card.start_timer()
        collection.sched.answerCard(card, 3)
    history = collection.db.scalar("select count() from revlog")
    notes_before = set(collection.find_notes(""))
    lock_before = json.loads((seeds_copy / LOCK_NAME).read_text(encoding="utf-8"))["facts"]

    single = build([seeds_copy / JAPANESE], tmp_path / "single", NOW + 10, NO_SHEETS)
    assert single.loaded.identified.changes.removed == ()
    assert single.deck is not None and single.deck.removed == ()
    assert {card.deck for card in single.deck.notes} <= {card.deck for card in first.deck.notes}
    lock_after = json.loads((seeds_copy / LOCK_NAME).read_text(encoding="utf-8"))["facts"]
    others = {i: e for i, e in lock_before.items() if e["file"] != JAPANESE}
    assert {i: lock_after[i] for i in others} == others  # untouched, byte for byte

    full = build([seeds_copy], out, NOW + 20, NO_SHEETS)
    assert full.deck is not None
    assert (full.deck.added, full.deck.removed) == ((), ())
    assert full.loaded.identified.changes.removed == ()
    import_deck(collection, out / "deck.apkg")
    assert set(collection.find_notes("")) == notes_before
    assert collection.db.scalar("select count() from revlog") == history


def test_building_one_file_adds_no_card_a_full_build_would_not_make(
    seeds_copy: Path, tmp_path: Path
) -> None:
    """A which-service card needs every note to tell that one service alone has the
    capability: building aws-ai-services.ko.md alone added 5 which cards the full build
    does not make, and the lock kept them from then on."""
    out = tmp_path / "out"
    first = build([seeds_copy], out, NOW, NO_SHEETS)
    single = build([seeds_copy / "aws-ai-services.ko.md"], out, NOW + 10, NO_SHEETS)
    assert single.deck is not None and single.deck.added == ()
    assert any(card.kind == "which" for card in single.deck.notes)  # the ones it had stay
    full = build([seeds_copy], out, NOW + 20, NO_SHEETS)
    assert first.deck is not None and full.deck is not None
    assert {card.guid for card in full.deck.notes} == {card.guid for card in first.deck.notes}


def test_inserting_a_line_updates_one_fact_and_renders_one_sheet(
    seeds_copy: Path, tmp_path: Path
) -> None:
    """Issue #9: one bullet near the top of a note updated 188 notes and re-rendered 11
    sheets, because line numbers were on cards and sheet boxes."""
    out = tmp_path / "out"
    build([seeds_copy], out, NOW, BuildOptions())
    note = seeds_copy / LONG
    lines = note.read_text(encoding="utf-8").split("\n")
    lines.insert(2, "- 새로 추가한 사실: 추천 결과를 A/B 테스트로 비교할 수 있다")
    note.write_text("\n".join(lines), encoding="utf-8")

    result = build([seeds_copy], out, NOW + 60, BuildOptions())
    changes = result.loaded.identified.changes
    assert len(changes.added) == 1 and changes.removed == ()
    assert result.deck is not None
    assert len(result.deck.updated) <= 6 and result.deck.removed == ()
    assert result.rendered == ("amazon-personalize",)


def test_an_empty_or_wrong_folder_builds_nothing(notes_dir, tmp_path: Path) -> None:
    """Issue #9: an empty folder replaced deck.apkg with an empty deck, deleted the sheets
    and dropped a lock file into the folder."""
    good = notes_dir({"a.md": "# Amazon Polly\n\n- 텍스트를 음성으로 바꾼다.\n"})
    out = tmp_path / "out"
    assert run("build", str(good), "-o", str(out), "--no-sheets")[0] == 0
    before = snapshot(out, good)
    for name, files in (("empty", {}), ("text-only", {"readme.txt": "not a note"})):
        folder = tmp_path / name
        folder.mkdir()
        for file, text in files.items():
            (folder / file).write_text(text, encoding="utf-8")
        code, err = run("build", str(folder), "-o", str(out))
        assert code == 1
        assert err == f"{folder}: no Markdown notes found (looked for *.md files)\n"
        assert snapshot(out, good) == before
        assert not (folder / LOCK_NAME).exists()
    assert run("build", str(tmp_path / "typo"), "-o", str(out))[0] == 2  # usage error


def test_strict_decides_before_anything_is_written(notes_dir, tmp_path: Path) -> None:
    """Issue #9: --strict exited 1 after the outputs and the lock were written."""
    folder = notes_dir({"a.md": "# Amazon Polly\n\n- 텍스트를 음성으로 바꾼다.\n"})
    out = tmp_path / "out"
    assert run("build", str(folder), "-o", str(out), "--no-sheets")[0] == 0
    (folder / "a.md").write_text(
        "# Amazon Polly\n\n- 음성 합성 서비스이다.\n\n## Empty\n", encoding="utf-8"
    )
    before = snapshot(out, folder)
    code, err = run("build", str(folder), "-o", str(out), "--strict")
    assert code == 1
    assert "a.md:5: warning: empty section 'Empty'" in err
    assert "1 warning and --strict: nothing was written" in err
    assert snapshot(out, folder) == before


def test_a_lock_from_a_newer_cheatdeck_is_an_error_never_a_reset(notes_dir, tmp_path) -> None:
    folder = notes_dir({"a.md": "# Amazon Polly\n\n- 텍스트를 음성으로 바꾼다.\n"})
    lock = folder / LOCK_NAME
    lock.write_text('{"version": 99, "facts": {"x": []}}', encoding="utf-8")
    code, err = run("build", str(folder), "-o", str(tmp_path / "out"))
    assert code == 1
    assert err.startswith(f"{LOCK_NAME}:1: lock file version 99 was written by a newer")
    assert lock.read_text(encoding="utf-8") == '{"version": 99, "facts": {"x": []}}'


def test_two_folders_with_the_same_note_path_are_refused(tmp_path: Path) -> None:
    for name in ("one", "two"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "aws.md").write_text("# Amazon Polly\n\n- 음성\n", encoding="utf-8")
    code, err = run("build", str(tmp_path / "one"), str(tmp_path / "two"), "-o", "out")
    assert code == 1 and err.startswith("aws.md: the same note path in two notes folders")


def test_a_subset_build_into_the_full_output_deletes_no_other_sheet(notes_dir, tmp_path) -> None:
    folder = notes_dir(
        {
            "polly.md": "# Amazon Polly\n\n- 텍스트를 음성으로 바꾼다.\n",
            "kendra.md": "# Amazon Kendra\n\n- ML 기반 엔터프라이즈 검색 서비스이다.\n",
        }
    )
    out = tmp_path / "out"
    build([folder], out, NOW, BuildOptions())
    build([folder / "polly.md"], out, NOW + 1, BuildOptions())
    assert (out / "sheets" / "amazon-kendra.pdf").is_file()
