"""Rebuilding: only what changed is redone, the report says what changed, outputs are never
left half-written, and the watcher keeps going through broken notes."""

from __future__ import annotations

import json
import os
import queue
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from generator.build import build
from generator.commands.cli import cli
from generator.options import BuildOptions

from .conftest import NOW, SOURCE_NOTES

CHEATDECK = [sys.executable, "-m", "generator"]
POLLY = (
    "# Amazon Polly\n\n- 텍스트를 음성으로 변환하는 딥러닝 서비스이다.\n- SSML로 발음을 조정한다.\n"
)
LEX = (
    "# Amazon Lex\n\n- 챗봇을 만드는 대화형 인터페이스 서비스이다.\n"
    "- 음성과 텍스트로 말한 의도를 이해한다.\n"
)


def mtimes(out: Path) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in (out / "sheets").glob("*.pdf")}


def test_no_change_build_renders_nothing(notes_dir, tmp_path: Path) -> None:
    folder = notes_dir({"polly.md": POLLY, "lex.md": LEX})
    out = tmp_path / "out"
    first = build([folder], out, NOW, BuildOptions())
    assert sorted(first.rendered) == ["amazon-lex", "amazon-polly"]
    before = mtimes(out)
    second = build([folder], out, NOW + 86_400, BuildOptions())  # a day later, too
    assert second.rendered == ()
    assert mtimes(out) == before  # not even rewritten


def test_an_edit_renders_exactly_the_affected_sheet(notes_dir, tmp_path: Path) -> None:
    folder = notes_dir({"polly.md": POLLY, "lex.md": LEX})
    out = tmp_path / "out"
    build([folder], out, NOW, BuildOptions())
    before = mtimes(out)
    (folder / "polly.md").write_text(
        POLLY.replace("조정한다", "세밀하게 조정한다"), encoding="utf-8"
    )
    result = build([folder], out, NOW + 10, BuildOptions())
    assert result.rendered == ("amazon-polly",)
    after = mtimes(out)
    assert after["amazon-lex.pdf"] == before["amazon-lex.pdf"]
    assert after["amazon-polly.pdf"] != before["amazon-polly.pdf"]
    assert after["all.pdf"] != before["all.pdf"]  # the booklet is bound again


def test_a_build_of_one_note_keeps_what_builds_of_the_others_learnt(notes_dir, tmp_path) -> None:
    """The memos (parsed notes, sheet and card HTML) keep the other notes' results when
    one note is built alone: the next full build does not parse or plan them again."""
    folder = notes_dir({"polly.md": POLLY, "lex.md": LEX})
    out = tmp_path / "out"
    build([folder], out, NOW, BuildOptions(sheets=False))
    build([folder / "polly.md"], out, NOW, BuildOptions(sheets=False))
    kept = json.loads((out / ".cache" / "outlines.json").read_text(encoding="utf-8"))
    assert sorted(outline["file"] for outline in kept["results"].values()) == [
        "lex.md",
        "polly.md",
    ]


def _with_results(text: str, results: object) -> bytes:
    return json.dumps({"code": json.loads(text)["code"], "results": results}).encode()


DAMAGES = {
    "empty": lambda text: b"",
    "cut": lambda text: text[: len(text) // 2].encode(),
    "binary": lambda text: b"\x00\xff",
    "results a list": lambda text: _with_results(text, []),
    "results malformed": lambda text: _with_results(
        text, {key: [] for key in json.loads(text)["results"]}
    ),
}


@pytest.mark.parametrize("damage", DAMAGES)
def test_damaged_memos_only_mean_making_everything_again(
    notes_dir, tmp_path: Path, damage: str
) -> None:
    """Whatever is in OUT/.cache/*.json (a cut write, a disk error, a hand edit), the
    build makes what it cannot read and writes what a build from nothing writes."""
    folder = notes_dir({"polly.md": POLLY, "lex.md": LEX})
    out = tmp_path / "out"
    build([folder], out, NOW, BuildOptions(sheets=False))
    for memo in ("outlines.json", "cards.json"):
        path = out / ".cache" / memo
        path.write_bytes(DAMAGES[damage](path.read_text(encoding="utf-8")))
    (folder / "polly.md").write_text(POLLY + "- 뉴스 읽기에 쓰인다.\n", encoding="utf-8")
    again = build([folder], out, NOW, BuildOptions(sheets=False))
    fresh = build([folder], tmp_path / "fresh", NOW, BuildOptions(sheets=False))
    assert again.deck is not None and fresh.deck is not None
    assert again.deck.notes == fresh.deck.notes


def report_of(folder: Path, out: Path) -> dict:
    result = CliRunner().invoke(
        cli, ["build", str(folder), "-o", str(out), "--no-sheets", "--json"]
    )
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_change_report_for_add_edit_delete_move(notes_dir, tmp_path: Path) -> None:
    folder = notes_dir({"speech.md": POLLY + "\n" + LEX})
    out = tmp_path / "out"
    first = report_of(folder, out)["facts"]
    assert len(first["added"]) == 4 and first["updated"] == first["removed"] == []
    edited = (
        POLLY.replace("SSML로 발음을 조정한다.", "SSML 태그로 발음을 조정한다.")
        + "- 뉴스 기사를 음성으로 읽어 준다.\n"
        + "\n"
        + LEX.replace("- 음성과 텍스트로 말한 의도를 이해한다.\n", "")
        + "- 텍스트를 음성으로 변환하는 딥러닝 서비스이다.\n"  # moved from Polly to Lex
    ).replace("- 텍스트를 음성으로 변환하는 딥러닝 서비스이다.\n", "", 1)
    (folder / "speech.md").write_text(edited, encoding="utf-8")
    report = report_of(folder, out)
    facts = report["facts"]
    deck = report["deck"]
    assert deck["added_notes"] >= 1 and deck["updated_notes"] >= 1 and deck["removed_notes"] >= 1
    assert [(f["file"], f["line"], f["text"]) for f in facts["added"]] == [
        ("speech.md", 4, "뉴스 기사를 음성으로 읽어 준다.")
    ]
    assert [f["text"] for f in facts["updated"]] == [
        "SSML 태그로 발음을 조정한다.",
        "텍스트를 음성으로 변환하는 딥러닝 서비스이다.",
    ]
    assert [(f["file"], f["text"]) for f in facts["removed"]] == [
        ("speech.md", "음성과 텍스트로 말한 의도를 이해한다.")
    ]
    assert [(f["from"], f["subject"], f["line"]) for f in facts["moved"]] == [
        ("Amazon Polly", "Amazon Lex", 9)
    ]


def valid_outputs(out: Path) -> None:
    """Every output there is whole: JSON parses, the package opens, PDFs read."""
    if (out / "facts.json").exists():
        json.loads((out / "facts.json").read_text())
    if (out / "deck.apkg").exists():
        with zipfile.ZipFile(out / "deck.apkg") as package:
            assert "collection.anki2" in package.namelist()
            assert package.testzip() is None
    for pdf in (out / "sheets").glob("*.pdf") if (out / "sheets").exists() else []:
        assert len(PdfReader(str(pdf)).pages) >= 1, pdf


def test_killed_builds_never_leave_broken_outputs(tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    shutil.copytree(SOURCE_NOTES, notes, ignore=shutil.ignore_patterns("cheatdeck.lock.json"))
    out = tmp_path / "out"
    chance = random.Random(20261122)
    for attempt in range(8):
        note = notes / "aws-ai-services.ko.md"
        note.write_text(note.read_text() + f"\n- 추가 사실 {attempt}\n", encoding="utf-8")
        process = subprocess.Popen(
            [*CHEATDECK, "build", str(notes), "-o", str(out)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(chance.uniform(0.3, 4.0))
        process.send_signal(signal.SIGKILL)
        process.wait()
        valid_outputs(out)
        lock = notes / "cheatdeck.lock.json"
        if lock.exists():
            json.loads(lock.read_text())  # the identity lock is whole too
    finished = subprocess.run(
        [*CHEATDECK, "build", str(notes), "-o", str(out)], capture_output=True
    )
    assert finished.returncode == 0, finished.stderr
    valid_outputs(out)
    assert not list(out.rglob(".cheatdeck-tmp-*"))


@pytest.mark.parametrize("stop", [signal.SIGKILL, signal.SIGTERM])
def test_a_killed_build_leaves_no_process_behind(tmp_path: Path, stop: signal.Signals) -> None:
    """Render workers (and the fork server they come from) go with the build, even when it
    is killed before it can stop them."""
    notes = tmp_path / "notes"
    shutil.copytree(SOURCE_NOTES, notes, ignore=shutil.ignore_patterns("cheatdeck.lock.json"))
    mark = f"cheatdeck-test-{os.getpid()}-{stop.name}"
    errors = tmp_path / "errors.txt"
    with errors.open("w") as stderr:
        process = subprocess.Popen(
            [*CHEATDECK, "build", str(notes), "-o", str(tmp_path / "out")],
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            env={**os.environ, "CHEATDECK_TEST_MARK": mark},
        )
    _wait_for_workers(mark, process, errors)
    time.sleep(0.5)  # rendering
    process.send_signal(stop)
    process.wait()
    deadline = time.monotonic() + 10
    while _marked(mark) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert list(_marked(mark)) == []


def test_a_worker_killed_mid_build_fails_the_build_cleanly(tmp_path: Path) -> None:
    """A render worker killed (out of memory, say) fails the build with a message, not a
    traceback, and leaves the previous outputs as they were."""
    notes = tmp_path / "notes"
    shutil.copytree(SOURCE_NOTES, notes, ignore=shutil.ignore_patterns("cheatdeck.lock.json"))
    out = tmp_path / "out"
    assert subprocess.run([*CHEATDECK, "build", str(notes), "-o", str(out)]).returncode == 0
    booklet = (out / "sheets" / "all.pdf").read_bytes()
    (out / ".cache" / "manifest.json").unlink()  # every sheet is rendered again
    mark = f"cheatdeck-test-{os.getpid()}-lost"
    process = subprocess.Popen(
        [*CHEATDECK, "build", str(notes), "-o", str(out)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "CHEATDECK_TEST_MARK": mark},
    )
    _wait_for_workers(mark, process)
    time.sleep(0.5)  # rendering
    os.kill(_workers(mark, process.pid)[0], signal.SIGKILL)
    _, errors = process.communicate(timeout=60)
    assert process.returncode == 1
    assert "a worker process stopped before it finished" in errors
    assert "Traceback" not in errors
    assert (out / "sheets" / "all.pdf").read_bytes() == booklet


def _wait_for_workers(mark: str, process: subprocess.Popen, errors: Path | None = None) -> None:
    """Wait until the build has render workers; fail with what it said if it ended first.

    The wait is long (a loaded CI machine), and ends as soon as the workers show."""
    deadline = time.monotonic() + 90
    while not _workers(mark, process.pid):
        ended = process.poll()
        said = errors.read_text()[-2000:] if errors else ""
        assert ended is None, f"the build ended ({ended}) before any worker started: {said}"
        assert time.monotonic() < deadline, f"no render worker after 90 s: {said}"
        time.sleep(0.05)


def _workers(mark: str, build: int) -> list[int]:
    """The marked processes that are not the build's own children: workers, forked from
    the fork server."""
    found = _marked(mark)
    return [pid for pid, parent in found.items() if parent in found and parent != build]


def _marked(mark: str) -> dict[int, int]:
    """Live processes started with ``mark`` in their environment, and their parents."""
    found = {}
    for entry in Path("/proc").iterdir():
        try:
            environment = (entry / "environ").read_bytes()
            state, parent = (entry / "stat").read_text().rsplit(")", 1)[1].split()[:2]
        except (OSError, ValueError):
            continue
        if f"CHEATDECK_TEST_MARK={mark}".encode() in environment and state != "Z":
            found[int(entry.name)] = int(parent)
    return found


def test_two_builds_on_one_folder_do_not_collide(notes_dir, tmp_path: Path) -> None:
    folder = notes_dir({"polly.md": POLLY, "lex.md": LEX})
    out = tmp_path / "out"
    command = [*CHEATDECK, "build", str(folder), "-o", str(out)]
    runs = [subprocess.Popen(command, stderr=subprocess.PIPE) for _ in range(2)]
    assert [run.wait() for run in runs] == [0, 0]
    valid_outputs(out)


def test_help_and_facts_do_not_load_the_renderers(notes_dir) -> None:
    folder = notes_dir({"polly.md": POLLY})
    probe = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from generator.commands.cli import cli\n"
        "CliRunner().invoke(cli, ['--help'])\n"
        f"CliRunner().invoke(cli, ['facts', {str(folder)!r}])\n"
        "print(sorted(m for m in ('weasyprint', 'genanki') if m in sys.modules))\n"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert loaded.stdout.strip() == "[]"


class Output:
    """Lines a background process writes, readable with a timeout."""

    def __init__(self, stream) -> None:
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self.pump, args=(stream,), daemon=True).start()

    def pump(self, stream) -> None:
        for line in stream:
            self.lines.put(line)

    def wait_for(self, text: str, seconds: float = 20) -> list[str]:
        seen, deadline = [], time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.2)
            except queue.Empty:
                continue
            seen.append(line)
            if text in line:
                return seen
        pytest.fail(f"no {text!r} in {seen}")


def test_watch_rebuilds_on_save_and_survives_a_broken_note(notes_dir, tmp_path: Path) -> None:
    folder = notes_dir({"polly.md": POLLY})
    out = tmp_path / "out"
    process = subprocess.Popen(
        [*CHEATDECK, "watch", str(folder), "-o", str(out), "--no-sheets"],
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    output = Output(process.stderr)
    try:
        output.wait_for("press Ctrl-C to stop")
        time.sleep(0.5)
        (folder / "polly.md").write_text(POLLY.replace("조정한다", "바꾼다"), encoding="utf-8")
        lines = output.wait_for("deck: 0 added, 1 updated, 0 removed")
        assert lines[0] == "changed: polly.md\n"  # only what changed: no summary, no subdecks
        assert lines[1:] == ["  ~ polly.md:4: SSML로 발음을 바꾼다.\n", lines[-1]]
        good = (out / "facts.json").read_bytes()
        (folder / "bad.md").write_bytes("# ok\n- caf\xe9\n".encode("latin-1"))
        output.wait_for("bad.md:2: not UTF-8 text")
        assert (out / "facts.json").read_bytes() == good  # the last good output stays
        (folder / "bad.md").unlink()
        output.wait_for("nothing changed")
        assert process.poll() is None  # still watching
    finally:
        process.terminate()
        process.wait(timeout=10)
