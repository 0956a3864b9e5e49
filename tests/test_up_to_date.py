"""A rebuild with nothing to do answers from the last build's stamp — and only then.

Each test builds through the command line as a user does, then changes one thing a user
might change and checks the next build notices (it writes files) or, when nothing changed,
that it reports exactly what a full rebuild would and writes nothing.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.commands.cli import cli
from generator.notes.sources import LOCK_NAME

NOTE = "# Amazon Forecast\n\n- 시계열 예측 서비스이다.\n- Forecast :: 시계열 예측\n"
FRESH = "nothing to rebuild"


def build(folder: Path, out: Path, *more: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["build", str(folder), "-o", str(out), *more])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def built(notes_dir, tmp_path: Path) -> tuple[Path, Path]:
    """Notes built twice (the first build writes the lock; the second leaves it as is)."""
    folder = notes_dir({"f.md": NOTE, "g.md": "# Amazon Polly\n\n- 음성 합성 서비스이다.\n"})
    out = tmp_path / "out"
    for _ in range(2):
        assert build(folder, out, "--no-sheets")[0] == 0
    return folder, out


def test_nothing_changed_reports_as_a_full_rebuild_would(built) -> None:
    folder, out = built
    code, fast_json, fast = build(folder, out, "--no-sheets", "--json")
    assert code == 0 and FRESH in fast
    deck = (out / "deck.apkg").stat().st_mtime_ns
    (out / ".cache" / "stamp.json").unlink()  # the same build, the long way
    code, full_json, full = build(folder, out, "--no-sheets", "--json")
    assert code == 0 and FRESH not in full and "wrote 2 files" in full
    assert json.loads(fast_json) == json.loads(full_json)
    assert fast.splitlines()[:-1] == full.splitlines()[:-1]
    assert (out / "deck.apkg").stat().st_mtime_ns != deck  # only the long way rewrote it


def _edit_note(folder: Path, out: Path) -> None:
    with (folder / "f.md").open("a", encoding="utf-8") as note:
        note.write("- 새 사실 하나.\n")


def _touch_lock(folder: Path, out: Path) -> None:
    lock = folder / LOCK_NAME
    lock.write_text(lock.read_text(encoding="utf-8").replace("Forecast", "Forecastt", 1))


def _delete_output(folder: Path, out: Path) -> None:
    (out / "facts.json").unlink()


def _edit_output(folder: Path, out: Path) -> None:
    (out / "deck.apkg").write_bytes(b"not a deck")


def _new_note(folder: Path, out: Path) -> None:
    (folder / "h.md").write_text("# Amazon Lex\n\n- 챗봇 서비스이다.\n", encoding="utf-8")


def _new_image(folder: Path, out: Path) -> None:
    (folder / "diagram.png").write_bytes(b"\x89PNG\r\n\x1a\n")


def _older_image(folder: Path, out: Path) -> None:
    _new_image(folder, out)
    assert build(folder, out, "--no-sheets")[0] == 0
    os.utime(folder / "diagram.png", ns=(1, 1))


@pytest.mark.parametrize(
    "change",
    [_edit_note, _touch_lock, _delete_output, _new_note, _new_image, _older_image],
)
def test_any_change_builds_again(built, change) -> None:
    folder, out = built
    change(folder, out)
    code, _, err = build(folder, out, "--no-sheets")
    assert code == 0 and FRESH not in err and "wrote" in err
    assert json.loads((out / "facts.json").read_text(encoding="utf-8"))["facts"]


def test_other_options_or_another_selection_build_again(built) -> None:
    folder, out = built
    assert FRESH not in build(folder, out, "--no-sheets", "--deck-name", "Exam")[2]
    assert FRESH not in build(folder / "f.md", out, "--no-sheets", "--deck-name", "Exam")[2]
    assert FRESH in build(folder / "f.md", out, "--no-sheets", "--deck-name", "Exam")[2]


def test_strict_still_fails_on_warnings(notes_dir, tmp_path: Path) -> None:
    folder = notes_dir({"f.md": NOTE + "\n## 빈 섹션\n"})
    out = tmp_path / "out"
    for _ in range(2):
        build(folder, out, "--no-sheets")
    assert FRESH in build(folder, out, "--no-sheets")[2]
    code, _, err = build(folder, out, "--no-sheets", "--strict")
    assert code == 1 and "empty section" in err


def test_the_build_after_one_that_wrote_the_lock_has_nothing_to_do(
    notes_dir, tmp_path: Path
) -> None:
    """Issue #21: the stamp was keyed on the lock as read, so the build after every build
    that wrote the lock took 0.5 s and said 'wrote 3 files'."""
    folder = notes_dir({"f.md": NOTE})
    out = tmp_path / "out"
    code, _, first = build(folder, out, "--no-sheets")  # the first build writes the lock
    assert code == 0 and "2 added" in first
    deck = (out / "deck.apkg").read_bytes()
    code, replay, second = build(folder, out, "--no-sheets", "--json")
    assert code == 0 and FRESH in second
    assert "0 added, 0 updated, 0 removed" in second  # not the first build's news again
    assert json.loads(replay)["facts"]["added"] == []
    assert (out / "deck.apkg").read_bytes() == deck


def test_an_output_changed_by_hand_is_never_overwritten(built) -> None:
    """A sheet annotated or a deck replaced by hand is the user's now: the build says so and
    writes nothing; once it is moved away, the build makes it again."""
    folder, out = built
    (out / "deck.apkg").write_bytes(b"my own deck")
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    code, _, err = build(folder, out, "--no-sheets")
    assert code == 1
    assert err.strip() == (
        f"{out / 'deck.apkg'}: changed since cheatdeck wrote it; move it away or build into "
        "another folder (-o): nothing was written"
    )
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    (out / "deck.apkg").unlink()
    assert build(folder, out, "--no-sheets")[0] == 0


def test_a_deleted_sheet_is_rendered_again(notes_dir, tmp_path: Path) -> None:
    folder = notes_dir({"f.md": NOTE})
    out = tmp_path / "out"
    for _ in range(2):
        assert build(folder, out)[0] == 0
    sheet = out / "sheets" / "amazon-forecast.pdf"
    sheet.unlink()
    code, _, err = build(folder, out)
    assert code == 0 and "1 rendered (amazon-forecast)" in err and sheet.read_bytes()[:4] == b"%PDF"
    assert FRESH in build(folder, out)[2]


def test_another_cheatdeck_makes_the_booklet_again(notes_dir, tmp_path: Path, monkeypatch) -> None:
    """The booklet's contents and frame are cheatdeck's own words (the cover line, the
    labels): an upgrade that changes only them must not leave the old booklet in place."""
    import generator.build

    folder = notes_dir({"f.md": NOTE})
    out = tmp_path / "out"
    assert build(folder, out)[0] == 0
    booklet = out / "sheets" / "all.pdf"
    before = booklet.stat().st_mtime_ns
    upgraded = generator.build._memo_code() + "-next"
    monkeypatch.setattr(generator.build, "_memo_code", lambda: upgraded)
    monkeypatch.setattr("generator.store.cache.code_digest", lambda *_: upgraded)
    code, _, err = build(folder, out)
    assert code == 0 and FRESH not in err
    assert booklet.stat().st_mtime_ns != before
