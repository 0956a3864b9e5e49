"""The command line as a user and a script see it: output, exit codes, files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from generator.commands.cli import cli
from generator.notes.sources import LOCK_NAME

NOTE = "# amazon forecase\n\n- 시계열 예측 서비스이다.\n"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_version() -> None:
    assert run("--version") == (0, "cheatdeck, version 0.1.0\n", "")


def test_every_command_has_help_with_an_example() -> None:
    for command in ("build", "facts", "watch", "check", "list", "push"):
        code, out, _ = run(command, "--help")
        assert code == 0 and "Example:" in out


def test_facts_tree_shows_subject_path_and_source(notes_dir) -> None:
    folder = notes_dir({"f.md": NOTE + "\n## 사용 사례\n- 수요 예측\n"})
    code, out, err = run("facts", str(folder))
    assert code == 0 and err == ""
    assert out.splitlines() == [
        "Amazon Forecast  (service · AI services · 2 facts)",
        "  · 시계열 예측 서비스이다.  f.md:3",
        "  사용 사례",
        "    · 수요 예측  f.md:6",
        "",
    ]


def test_facts_json_follows_the_contract(notes_dir) -> None:
    folder = notes_dir({"f.md": NOTE})
    code, out, _ = run("facts", str(folder), "--json")
    document = json.loads(out)
    assert code == 0 and document["version"] == 1
    assert document["subjects"][0] == {
        "name": "Amazon Forecast",
        "kind": "service",
        "slug": "amazon-forecast",
        "category": "AI services",
    }
    fact = document["facts"][0]
    assert {k: fact[k] for k in ("subject", "subject_kind", "path", "text", "lang")} == {
        "subject": "Amazon Forecast",
        "subject_kind": "service",
        "path": [],
        "text": "시계열 예측 서비스이다.",
        "lang": "ko",
    }
    assert fact["source"]["file"] == "f.md" and fact["source"]["line"] == 3
    assert len(fact["id"]) == 12


def test_warnings_go_to_stderr_as_file_line(notes_dir) -> None:
    folder = notes_dir({"f.md": NOTE + "\n![x](https://example.com/x.png)\n"})
    code, out, err = run("facts", str(folder), "--json")
    assert code == 0 and json.loads(out)
    assert err == (
        "f.md:5: warning: remote image not fetched (no network at build time): "
        "https://example.com/x.png\n"
    )


def test_build_writes_facts_json_and_the_lock(notes_dir, tmp_path: Path) -> None:
    folder = notes_dir({"f.md": NOTE})
    code, _, err = run("build", str(folder), "-o", str(tmp_path / "out"))
    assert code == 0, err
    assert json.loads((tmp_path / "out" / "facts.json").read_text())["facts"]
    assert (folder / LOCK_NAME).is_file()
    assert "1 fact in 1 subject: 1 added, 0 updated, 0 removed, 0 moved" in err


def test_bad_note_fails_with_file_line_and_keeps_outputs(notes_dir, tmp_path: Path) -> None:
    folder = notes_dir({"f.md": NOTE})
    out = tmp_path / "out"
    assert run("build", str(folder), "-o", str(out))[0] == 0
    before = (out / "facts.json").read_bytes()
    (folder / "bad.md").write_bytes("# ok\n- caf\xe9\n".encode("latin-1"))
    code, _, err = run("build", str(folder), "-o", str(out))
    assert (code, err) == (1, "bad.md:2: not UTF-8 text; save the note as UTF-8\n")
    assert (out / "facts.json").read_bytes() == before


def test_broken_lock_is_an_error_not_a_traceback(notes_dir) -> None:
    folder = notes_dir({"f.md": NOTE, LOCK_NAME: "{not json"})
    code, _, err = run("facts", str(folder))
    assert code == 1 and err.startswith(f"{LOCK_NAME}:1: unreadable lock file")
    assert "Traceback" not in err


def test_missing_folder_is_a_usage_error(tmp_path: Path) -> None:
    code, _, err = run("facts", str(tmp_path / "nope"))
    assert code == 2 and "does not exist" in err


def test_strict_fails_on_warnings(notes_dir, tmp_path: Path) -> None:
    folder = notes_dir({"f.md": NOTE + "\n## Empty\n"})
    code, _, err = run("build", str(folder), "-o", str(tmp_path / "o"), "--strict")
    assert code == 1 and "f.md:5: warning: empty section 'Empty'" in err


def test_python_dash_m_runs_the_cli() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "generator", "--help"], capture_output=True, text=True, check=True
    )
    assert "Usage:" in result.stdout


def test_images_outside_the_notes_folder_are_never_read(notes_dir, tmp_path: Path) -> None:
    (tmp_path / "secret.png").write_bytes(b"\x89PNG")
    folder = notes_dir({"f.md": NOTE + "\n![s](../secret.png)\n\n![ok](img/a.png)\n"})
    (folder / "img").mkdir()
    (folder / "img" / "a.png").write_bytes(b"\x89PNG")
    code, out, err = run("facts", str(folder), "--json")
    assert code == 0
    images = [f for f in json.loads(out)["facts"] if f["kind"] == "image"]
    assert [f["text"] for f in images] == ["ok"]
    assert "f.md:5: warning: image outside the notes folder is not read: ../secret.png" in err


def test_paper_size_in_any_case(notes_dir, tmp_path: Path) -> None:
    folder = notes_dir({"a.md": "# Amazon Polly\n\n- 텍스트를 음성으로 바꾸는 서비스이다.\n"})
    result = CliRunner().invoke(
        cli, ["build", str(folder), "-o", str(tmp_path / "out"), "--paper", "a4", "--no-deck"]
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "sheets" / "amazon-polly.pdf").is_file()


def test_report_of_a_deck_without_cards_has_no_empty_parentheses(notes_dir, tmp_path) -> None:
    folder = notes_dir({"a.md": "# 메모\n\n그냥 문장입니다. <!-- cheatdeck: nocard -->\n"})
    result = CliRunner().invoke(
        cli, ["build", str(folder), "-o", str(tmp_path / "out"), "--no-sheets"]
    )
    assert result.exit_code == 0, result.output
    assert "deck: 0 notes, 0 cards in 0 subdecks" in result.output
    assert "()" not in result.output


def test_nothing_imports_a_unix_only_module_at_startup() -> None:
    """The build lock is portable (filelock): cheatdeck starts on Windows too."""
    code = (
        "import sys; sys.modules['fcntl'] = None; import generator.commands.cli, generator.build, "
        "generator.store.cache"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
