"""Issue #21: nothing a learner owns is ever lost — files in the output folder, review
history in Anki, the previous outputs of a build that fails. Each test names the way it
was lost before."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from generator.build import build
from generator.commands.cli import cli
from generator.options import BuildOptions, DeckOptions

from .test_safety import snapshot

NOTE = (
    "# Amazon Polly\n\n- 텍스트를 음성으로 변환하는 딥러닝 서비스이다.\n"
    "- **SSML**: 발음을 조정하는 마크업\n"
)
NO_SHEETS = BuildOptions(sheets=False)


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stderr


def files_under(*folders: Path) -> dict[str, bytes]:
    """What a user finds in the folders (cheatdeck's cache, keyed by content, left out)."""
    return {path: data for path, data in snapshot(*folders).items() if "/.cache/" not in path}


# --- the output folder holds only what cheatdeck made -----------------------------------


def test_a_file_of_the_users_in_out_survives_every_build(notes_dir, tmp_path: Path) -> None:
    """`cheatdeck build notes -o docs` deleted docs/sheets/tax-return-2025.pdf."""
    folder = notes_dir({"polly.md": NOTE})
    docs = tmp_path / "docs"
    (docs / "sheets").mkdir(parents=True)
    (docs / "assets").mkdir()
    own = {
        docs / "sheets" / "tax-return-2025.pdf": b"%PDF-1.7 my tax return",
        docs / "index.md": b"# my site\n",
        docs / "assets" / "deck.apkg": b"a deck someone shared",
    }
    for path, data in own.items():
        path.write_bytes(data)
    assert run("build", str(folder), "-o", str(docs))[0] == 0
    (folder / "polly.md").write_text("# Amazon Lex\n\n- 챗봇을 만드는 서비스이다.\n")
    assert run("build", str(folder), "-o", str(docs))[0] == 0  # Polly's sheet goes
    assert not (docs / "sheets" / "amazon-polly.pdf").exists()
    assert (docs / "sheets" / "amazon-lex.pdf").is_file()
    assert {path: path.read_bytes() for path in own} == own


def test_a_users_file_where_an_output_goes_stops_the_build(notes_dir, tmp_path: Path) -> None:
    folder = notes_dir({"polly.md": NOTE})
    out = tmp_path / "out"
    (out / "sheets").mkdir(parents=True)
    mine = out / "sheets" / "amazon-polly.pdf"
    mine.write_bytes(b"%PDF my own Polly notes")
    code, err = run("build", str(folder), "-o", str(out))
    assert code == 1
    assert f"{mine}: not written by cheatdeck" in err
    assert mine.read_bytes() == b"%PDF my own Polly notes"
    assert not (out / "deck.apkg").exists() and not (folder / "cheatdeck.lock.json").exists()


@pytest.mark.parametrize("where", ["notes", "above", "home", "root"])
def test_an_out_among_the_notes_or_above_them_is_refused(
    notes_dir, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    """`out = ".."` deleted the user's lecture PDF; `out = "/"` deleted /sheets/my-own.pdf."""
    folder = notes_dir({"polly.md": NOTE})
    monkeypatch.setenv("HOME", str(tmp_path))
    out = {"notes": folder, "above": tmp_path, "home": Path("~").expanduser(), "root": Path("/")}
    before = files_under(tmp_path)
    code, err = run("build", str(folder), "-o", str(out[where]), "--no-sheets")
    assert code == 2
    assert len(err.strip().splitlines()) == 1
    assert "cannot be the output folder" in err or "the notes folder" in err
    assert files_under(tmp_path) == before


def test_out_in_the_config_is_a_folder_name(notes_dir, tmp_path: Path, monkeypatch) -> None:
    """`out = "~/x"` made a folder literally named `~`; `out = 5` was not an error."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    folder = notes_dir({"polly.md": NOTE, "cheatdeck.toml": 'out = "~/decks/aws"\n'})
    assert run("build", str(folder), "--no-sheets")[0] == 0
    assert (tmp_path / "home" / "decks" / "aws" / "deck.apkg").is_file()
    assert not (folder / "~").exists()
    (folder / "cheatdeck.toml").write_text("deck_name = 'X'\nout = 5\n")
    code, err = run("build", str(folder), "--no-sheets")
    assert code == 1
    assert err.strip() == (
        'cheatdeck.toml:2: out: expected a folder name in quotes, e.g. out = "build"'
    )


def test_leftovers_are_cleaned_only_in_outs_own_folders(notes_dir, tmp_path: Path) -> None:
    """With `out = "/"`, another build's .cheatdeck-tmp-* file elsewhere was deleted."""
    folder = notes_dir({"polly.md": NOTE})
    out = tmp_path / "out"
    elsewhere = out / "site" / ".cheatdeck-tmp-deck.apkg.another-build"
    elsewhere.parent.mkdir(parents=True)
    elsewhere.write_bytes(b"being written by another build")
    killed = out / ".cheatdeck-tmp-deck.apkg.killed"
    killed.write_bytes(b"half a deck")
    assert run("build", str(folder), "-o", str(out), "--no-sheets")[0] == 0
    assert elsewhere.is_file() and not killed.exists()


# --- all or nothing ---------------------------------------------------------------------


def _mount(*args: str) -> bool:
    return (
        os.geteuid() == 0 and subprocess.run(["mount", *args], capture_output=True).returncode == 0
    )


@pytest.fixture
def mounts():
    """Mounts made for a test (root only: a read-only or a full file system is what a
    failing disk looks like even to root, whom permissions do not stop)."""
    made: list[Path] = []

    def mount(*args: str) -> None:
        if not _mount(*args):
            pytest.skip("needs root and mount (a read-only or a small tmpfs mount)")
        if "remount" not in " ".join(args):
            made.append(Path(args[-1]))

    yield mount
    for point in reversed(made):
        subprocess.run(["umount", str(point)], check=True)


def test_an_unwritable_lock_leaves_every_output_as_it_was(notes_dir, tmp_path, mounts) -> None:
    """With the lock unwritable the build exited 1 but deck.apkg and facts.json were
    already replaced, and the message named a temporary file."""
    folder = notes_dir({"polly.md": NOTE})
    out = tmp_path / "out"
    assert run("build", str(folder), "-o", str(out))[0] == 0
    (folder / "polly.md").write_text(NOTE + "- 어휘 목록으로 발음을 정한다.\n", encoding="utf-8")
    mounts("--bind", str(folder), str(folder))
    mounts("-o", "remount,ro,bind", str(folder))
    before = files_under(out, folder)
    code, err = run("build", str(folder), "-o", str(out))
    assert code == 1
    assert err.strip().splitlines()[-1] == (
        f"{folder / 'cheatdeck.lock.json'}: cannot write: Read-only file system; "
        "nothing was replaced"
    )
    assert files_under(out, folder) == before


def test_a_full_disk_leaves_every_output_as_it_was(notes_dir, tmp_path, mounts) -> None:
    folder = notes_dir({"polly.md": NOTE})
    out = tmp_path / "out"
    out.mkdir()
    mounts("-t", "tmpfs", "-o", "size=3m", "tmpfs", str(out))
    assert run("build", str(folder), "-o", str(out), "--no-sheets")[0] == 0
    lines = "".join(f"- 사실 {n}: 텍스트를 음성으로 변환하는 방법 {n}번째.\n" for n in range(300))
    (folder / "polly.md").write_text(NOTE + lines, encoding="utf-8")
    free = shutil.disk_usage(out).free
    (out / "filler").write_bytes(b"\0" * (free - 16 * 1024))
    before = files_under(out, folder)
    code, err = run("build", str(folder), "-o", str(out), "--no-sheets")
    assert code == 1
    assert "cannot write: No space left on device; nothing was replaced" in err
    assert err.strip().splitlines()[-1].startswith(str(out))  # names the output, not a temp
    assert ".cheatdeck-tmp" not in err
    assert files_under(out, folder) == before


# --- identity does not depend on presentation ------------------------------------------

LISTS = """# Amazon Rekognition

## 분석 유형
- 얼굴 분석
- 객체 및 장면 감지
- 텍스트 감지
- 유명인 인식

## 개요
- 이미지와 비디오를 분석하는 컴퓨터 비전 서비스이다.
- **Custom Labels**: 사용자 지정 레이블로 객체를 감지하는 기능
"""


def _review_everything(collection) -> set[str]:
    """Answer every card once (Good); the GUIDs of the notes now carrying history."""
    for card_id in collection.find_cards(""):
        card = collection.get_card(card_id)
        card.start_timer()
        collection.sched.answerCard(card, 3)
    return {collection.get_note(nid).guid for nid in collection.find_notes("")}


def reimport(folder: Path, tmp_path: Path, change, *options: str) -> dict[str, int]:
    """Build, import into real Anki, review every card, ``change`` the notes (or the
    options), build and import again: what a learner's collection then holds."""
    from .anki_helpers import import_deck, open_collection

    out = tmp_path / "out"
    assert run("build", str(folder), "-o", str(out), "--no-sheets", *options)[0] == 0
    collection = open_collection(tmp_path / "anki")
    import_deck(collection, out / "deck.apkg")
    reviewed = _review_everything(collection)
    history = collection.db.scalar("select count() from revlog")
    more = change(folder) or ()
    code, err = run("build", str(folder), "-o", str(out), "--no-sheets", *options, *more)
    assert code == 0, err
    import_deck(collection, out / "deck.apkg")
    notes = [collection.get_note(nid) for nid in collection.find_notes("")]
    fronts = [note.fields[0] for note in notes if "cheatdeck::removed" not in note.tags]
    removed = {note.guid for note in notes if "cheatdeck::removed" in note.tags}
    counts = {
        "notes": len(notes),
        "duplicates": len(fronts) - len(set(fronts)),
        "orphaned": len(reviewed & removed),
        "added": len({note.guid for note in notes} - reviewed),
        "history": collection.db.scalar("select count() from revlog") - history,
    }
    collection.close()
    return counts


def test_renaming_the_deck_keeps_every_note(notes_dir, tmp_path: Path) -> None:
    """`deck_name = "AWS MLA"` on unchanged notes: 447 added, 447 removed."""
    folder = notes_dir({"rekognition.md": LISTS, "polly.md": NOTE})

    def rename(folder: Path) -> tuple[str, ...]:
        return ("--deck-name", "AWS MLA")

    counts = reimport(folder, tmp_path, rename)
    assert counts | {"notes": 0} == {
        "notes": 0,
        "duplicates": 0,
        "orphaned": 0,
        "added": 0,
        "history": 0,
    }


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(
            lambda text: text.replace("- 얼굴 분석\n", "").replace(
                "- 유명인 인식\n", "- 유명인 인식\n- 얼굴 분석\n"
            ),
            id="reordered",
        ),
        pytest.param(lambda text: text.replace("- 얼굴 분석", "- 감정 분석"), id="first-edited"),
    ],
)
def test_a_list_card_keeps_its_note_when_its_items_move_or_change(
    notes_dir, tmp_path: Path, edit
) -> None:
    """Reordering a list or rewriting its first item orphaned its list card."""
    folder = notes_dir({"rekognition.md": LISTS})

    def change(folder: Path) -> None:
        note = folder / "rekognition.md"
        note.write_text(edit(note.read_text(encoding="utf-8")), encoding="utf-8")

    counts = reimport(folder, tmp_path, change)
    assert (counts["duplicates"], counts["orphaned"]) == (0, 0)


def test_kinds_turned_off_and_paper_change_no_guid(notes_dir, tmp_path: Path) -> None:
    folder = notes_dir({"rekognition.md": LISTS, "polly.md": NOTE})
    out = tmp_path / "out"
    plain = build([folder], out, 1_000, NO_SHEETS).deck
    options = BuildOptions(sheets=False, deck_options=DeckOptions(skip_kinds=frozenset({"list"})))
    fewer = build([folder], out, 1_001, options).deck
    again = build([folder], out, 1_002, NO_SHEETS).deck
    guids = {note.guid: note.kind for note in plain.notes}
    assert {note.guid for note in fewer.notes} < set(guids)  # the list card left, no other
    assert {note.guid: note.kind for note in again.notes} == guids


def test_a_note_saved_again_in_nfd_is_the_same_note(notes_dir, tmp_path: Path) -> None:
    """A note re-saved on macOS (NFD) reported 3 added and 3 removed."""
    folder = notes_dir({"polly.md": NOTE})

    def to_nfd(folder: Path) -> None:
        text = (folder / "polly.md").read_text(encoding="utf-8")
        (folder / "polly.md").unlink()
        (folder / unicodedata.normalize("NFD", "폴리.md")).write_text(
            unicodedata.normalize("NFD", text), encoding="utf-8"
        )

    counts = reimport(folder, tmp_path, to_nfd)
    assert (counts["added"], counts["orphaned"], counts["duplicates"]) == (0, 0, 0)


def test_invisible_characters_make_no_second_subject(notes_dir, tmp_path: Path) -> None:
    folder = notes_dir(
        {
            "a.md": "# Amazon Polly\n\n- 텍스트를 음성으로 바꾼다.\n",
            "b.md": "# Ama\u200bzon Po\u200dlly\u200f\n\n- **SSML**: 발음을 조정하는 마크업\n",
        }
    )
    facts = json.loads(CliRunner().invoke(cli, ["facts", str(folder), "--json"]).stdout)
    assert [s["name"] for s in facts["subjects"]] == ["Amazon Polly"]
    assert "\u200b" not in json.dumps(facts, ensure_ascii=False)


@pytest.mark.parametrize(
    ("lock", "message"),
    [
        ("", "cheatdeck.lock.json:1: the lock file is empty"),
        (
            '{"version": 2, "facts": {\n<<<<<<< HEAD\n "a": {}\n=======\n "b": {}\n'
            ">>>>>>> theirs\n}}\n",
            "cheatdeck.lock.json:2: merge conflict markers",
        ),
        (
            '{"version": 2, "facts": {\n "abc": {"subject": "Amazon Polly", "file": "p.md",'
            ' "text": "t", "digest": "d", "changed": "yesterday"}}}',
            "cheatdeck.lock.json:2: unreadable entry abc ('changed' is not an int)",
        ),
        ('{"version": 2, "facts": []}', "cheatdeck.lock.json:1: unreadable lock file"),
    ],
    ids=["empty", "conflict", "wrong-type", "facts-a-list"],
)
def test_a_damaged_lock_stops_the_build_and_stays(
    notes_dir, tmp_path: Path, lock: str, message: str
) -> None:
    """A 0-byte lock was read as no lock: 806 notes added, every card's history cut off."""
    folder = notes_dir({"polly.md": NOTE, "cheatdeck.lock.json": lock})
    code, err = run("build", str(folder), "-o", str(tmp_path / "out"), "--no-sheets")
    assert code == 1
    assert err.startswith(message) and len(err.strip().splitlines()) == 1
    assert "Traceback" not in err
    assert (folder / "cheatdeck.lock.json").read_text(encoding="utf-8") == lock
    assert not (tmp_path / "out" / "deck.apkg").exists()


def test_a_lock_of_version_1_keeps_its_guids(notes_dir, tmp_path: Path) -> None:
    """Locks written before GUID seeds: the deck name of the day made the GUIDs. The first
    build finds which name it was and keeps every note, whatever the deck is called now."""
    from generator.facts.identity import note_guid

    folder = notes_dir({"rekognition.md": LISTS})
    first = build([folder], tmp_path / "out", 1_000, NO_SHEETS).deck
    lock_file = folder / "cheatdeck.lock.json"
    lock = json.loads(lock_file.read_text(encoding="utf-8"))
    assert lock["version"] == 2 and lock["guid_seed"] == "AWS ML"
    for fact_id, entry in lock["facts"].items():  # as version 1 wrote it, deck "Old name"
        notes = [n for n in entry.get("notes", []) if note_guid("AWS ML", n[4], fact_id) == n[0]]
        entry["notes"] = [[note_guid("Old name", n[4], fact_id), *n[1:4]] for n in notes]
    del lock["guid_seed"]
    lock["version"] = 1
    lock_file.write_text(json.dumps(lock), encoding="utf-8")
    options = BuildOptions(sheets=False, deck_options=DeckOptions(name="Old name"))
    again = build([folder], tmp_path / "out", 1_001, options).deck
    assert (len(again.added), len(again.removed)) == (0, 0)
    assert len(again.notes) == len(first.notes)
    migrated = json.loads(lock_file.read_text(encoding="utf-8"))
    assert migrated["version"] == 2 and migrated["guid_seed"] == "Old name"
    renamed = build([folder], tmp_path / "out", 1_002, NO_SHEETS).deck
    assert {n.guid for n in renamed.notes} == {n.guid for n in again.notes}


# --- push -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("trouble", "message"),
    [
        ("http-500", "AnkiConnect importPackage: HTTP 500"),
        ("redirect", "answered with a redirect (HTTP 307"),
        ("false", "AnkiConnect could not import"),
        ("hang", "Anki did not answer importPackage within 1 s"),
    ],
)
def test_push_says_what_went_wrong_with_anki(
    notes_dir, tmp_path: Path, trouble: str, message: str
) -> None:
    """HTTP 500 was 'not reachable', a redirect was followed, `result: false` exited 0 and
    a hung import waited 300 s to say 'not reachable'."""
    from .anki_connect_stand_in import StandIn
    from .anki_helpers import open_collection

    folder = notes_dir({"polly.md": NOTE})
    collection = open_collection(tmp_path / "anki")
    with StandIn(collection, trouble) as anki:
        code, err = run(
            "push",
            str(folder),
            "-o",
            str(tmp_path / "out"),
            "--anki-url",
            anki.url,
            "--anki-timeout",
            "1",
            "-q",
        )
        actions = [request["action"] for request in anki.requests]
    collection.close()
    assert code == 1
    assert message in err and "not reachable" not in err and "Traceback" not in err
    assert actions == ["version", "findCards", "importPackage"]  # nothing sent anywhere else


def test_push_suspends_the_cards_no_longer_made(notes_dir, tmp_path: Path) -> None:
    """Notes shipped to mark a removal arrived as new, studyable cards."""
    from .anki_connect_stand_in import StandIn
    from .anki_helpers import open_collection

    folder = notes_dir({"polly.md": NOTE})
    out = tmp_path / "out"
    collection = open_collection(tmp_path / "anki")

    def push(*more: str) -> str:
        with StandIn(collection) as anki:
            code, err = run("push", str(folder), "-o", str(out), "--anki-url", anki.url, *more)
        assert code == 0, err
        return err

    push()
    (folder / "polly.md").write_text(NOTE.replace("- **SSML**: 발음을 조정하는 마크업\n", ""))
    assert "suspended 1 card no longer made" in push()
    flagged = collection.find_cards("tag:cheatdeck::removed")
    assert len(flagged) == 1 and collection.get_card(flagged[0]).queue == -1  # suspended
    assert "suspended" not in push()  # already suspended: nothing to say
    assert "deleted 1 note no longer made" in push("--removed", "delete")
    assert collection.find_cards("tag:cheatdeck::removed") == []
    assert collection.note_count() >= 1  # the others stay
    collection.close()


def test_removed_notes_arrive_suspended_in_the_package(notes_dir, tmp_path: Path) -> None:
    from anki.collection import ImportAnkiPackageOptions, ImportAnkiPackageRequest

    from .anki_helpers import open_collection

    folder = notes_dir({"polly.md": NOTE})
    out = tmp_path / "out"
    build([folder], out, 1_000, NO_SHEETS)
    (folder / "polly.md").write_text(NOTE.replace("- **SSML**: 발음을 조정하는 마크업\n", ""))
    plan = build([folder], out, 1_001, NO_SHEETS).deck
    assert [note.kind for note in plan.removed] == ["removed"]
    collection = open_collection(tmp_path / "anki")
    options = ImportAnkiPackageOptions(merge_notetypes=True, with_scheduling=True)
    collection.import_anki_package(
        ImportAnkiPackageRequest(package_path=str(out / "deck.apkg"), options=options)
    )
    flagged = collection.find_cards("tag:cheatdeck::removed")
    assert [collection.get_card(card).queue for card in flagged] == [-1]
    assert collection.find_cards("-tag:cheatdeck::removed is:suspended") == []
    collection.close()
    from .anki_helpers import import_deck

    fresh = open_collection(tmp_path / "default-import")  # Anki's default: no scheduling
    import_deck(fresh, out / "deck.apkg")
    (card,) = fresh.find_cards("tag:cheatdeck::removed")
    assert fresh.decks.name(fresh.get_card(card).did) == "AWS ML::No longer made"
    fresh.close()


# --- no front names its answer ----------------------------------------------------------

EXPLICIT = """# Amazon Comprehend

Q: Customer emails must be sorted by sentiment before an agent reads them. Which service?
A: Amazon Comprehend

- **Key phrases**: extracts the main phrases of a text

# 수요 예측

## Amazon Forecast
Q: 과거 판매 데이터로 다음 달 수요를 예측해야 한다. 어떤 서비스?
A: Forecast

- 시계열 데이터로 ==수요 예측==을 한다.
"""


def _fronts_naming_their_answer(package: Path, folder: Path) -> list[str]:
    from .anki_helpers import answer_only, rendered_cards, visible_text

    found = []
    for card in rendered_cards(package, folder):
        question = visible_text(card["question"]).casefold()
        answer = answer_only(card["answer"])
        if card["kind"] == "which":
            answer = answer.split(" · ")[0].split("  ")[0]
        short = card["kind"] in ("qa", "cloze", "which") and 2 <= len(answer) <= 40
        if short and answer.casefold() in question:
            found.append(f"{card['kind']}: {question} → {answer}")
    return found


def test_no_front_names_its_answer(notes_dir, tmp_path: Path, seed_build) -> None:
    """A Q:/A: card showed `Amazon Comprehend` above "… Which service?"."""
    folder = notes_dir({"explicit.md": EXPLICIT})
    out = tmp_path / "out"
    assert build([folder], out, 1_000, NO_SHEETS).deck.notes
    assert _fronts_naming_their_answer(out / "deck.apkg", tmp_path / "anki") == []
    _, seed_out = seed_build
    assert _fronts_naming_their_answer(seed_out / "deck.apkg", tmp_path / "seeds") == []


# --- hostile input ----------------------------------------------------------------------


def _deep_list(depth: int) -> str:
    items = "".join("  " * level + f"- 항목 {level}\n" for level in range(depth))
    return f"# Amazon Polly\n\n{items}\n## 이후\n- 이 사실은 남아야 한다.\n"


@pytest.mark.parametrize(
    ("note", "warned"),
    [
        (_deep_list(12), 11),
        ("# Amazon Polly\n\n" + "* " * 1000 + "깊은 항목\n\n- 이 사실은 남아야 한다.\n", 3),
        ("# Amazon Polly\n\n" + "> " * 500 + "깊은 인용\n\n- 이 사실은 남아야 한다.\n", 3),
    ],
    ids=["12-levels", "1000-markers", "500-quotes"],
)
def test_deep_nesting_is_flattened_and_loses_no_fact(notes_dir, note: str, warned: int) -> None:
    """A list 10 levels deep silently dropped the rest of the file; 1,000 nested `*` raised
    RecursionError."""
    folder = notes_dir({"deep.md": note})
    result = CliRunner().invoke(cli, ["facts", str(folder), "--json"])
    assert result.exit_code == 0, result.output
    facts = json.loads(result.stdout)["facts"]
    assert "이 사실은 남아야 한다." in [fact["text"] for fact in facts]
    content = [line.strip(" ->*#") for line in note.splitlines()[2:] if line.strip(" ->*#")]
    texts = " ".join(fact["text"] + " " + " ".join(fact["path"]) for fact in facts)
    assert all(words in texts for words in content)  # every line landed somewhere
    assert f"deep.md:{warned}: warning: nested deeper than 8 levels" in result.stderr


@pytest.mark.parametrize(
    "fact",
    [
        "<div>" * 200 + "깊은 블록" + "</div>" * 200,
        "*" * 1000 + "깊은 강조" + "*" * 1000,
        "<span>" * 300 + "깊은 span" + "</span>" * 300,
        "[" * 500 + "깊은 링크" + "]" * 500,
    ],
    ids=["200-divs", "1000-stars", "300-spans", "500-brackets"],
)
def test_deep_inline_nesting_builds_sheets_and_cards(notes_dir, tmp_path: Path, fact) -> None:
    """200 nested <div> or 1,000 `*` made a RecursionError traceback, no FILE:LINE."""
    folder = notes_dir({"deep.md": f"# Amazon Polly\n\n- {fact}\n- **SSML**: 발음 마크업\n"})
    code, err = run("build", str(folder), "-o", str(tmp_path / "out"))
    assert code == 0, err
    text = subprocess.run(
        ["pdftotext", str(tmp_path / "out" / "sheets" / "amazon-polly.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "깊은" in text and "SSML" in text


def test_a_line_of_unclosed_blanks_is_read_in_one_pass(notes_dir, tmp_path: Path) -> None:
    """`{{c1::` 2,000 times on a line took 63 s in "making cards"."""
    folder = notes_dir({"a.md": "# Amazon Polly\n\n- " + "{{c1::" * 2000 + "\n"})
    _builds_within_a_minute(folder, tmp_path / "o")


def test_a_megabyte_line_builds_in_seconds(notes_dir, tmp_path: Path) -> None:
    """A 50 KB line without spaces took 13 s; a 1 MB line did not finish in 300 s (the
    pattern that kept Korean words whole scanned each long token once per letter). Timed
    by a generous limit only: bench/ measures speed."""
    line = "abcdefgh" * 60_000 + "가나다라" * 100_000
    folder = notes_dir({"long.md": f"# Amazon Polly\n\n- 설명 {line}\n- **SSML**: 발음\n"})
    _builds_within_a_minute(folder, tmp_path / "o")


def _builds_within_a_minute(folder: Path, out: Path) -> None:
    """A build as a user runs it, stopped (and failed) if it takes over a minute."""
    finished = subprocess.run(
        [sys.executable, "-m", "generator", "build", str(folder), "-o", str(out)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert finished.returncode == 0, finished.stderr


def test_a_raw_remote_image_never_reaches_a_card(notes_dir, tmp_path: Path) -> None:
    """`<img src="http://…">` written as HTML survived onto cards: Anki would fetch it."""
    from .anki_helpers import rendered_cards

    note = (
        '# Amazon Polly\n\n- **SSML**: 발음 조정 <img alt="diagram" src="http://example.com/'
        'x.png"> 마크업\n- **Lexicon**: 발음 <img src="https://example.com/y.png"> 사전\n'
    )
    folder = notes_dir({"polly.md": note})
    out = tmp_path / "out"
    build([folder], out, 1_000, NO_SHEETS)
    cards = rendered_cards(out / "deck.apkg", tmp_path / "anki")
    shown = " ".join(card["question"] + card["answer"] for card in cards)
    assert "<img" not in shown
    assert 'href="http://example.com/x.png"' in shown  # a link the learner may follow


# --- rebuilds, watch, check, facts ------------------------------------------------------


def test_facts_json_is_what_build_writes(notes_dir, tmp_path: Path) -> None:
    """`facts --json` lacked the `cards` field the README documents."""
    folder = notes_dir({"rekognition.md": LISTS, "polly.md": NOTE})
    out = tmp_path / "out"
    assert run("build", str(folder), "-o", str(out), "--no-sheets")[0] == 0
    printed = CliRunner().invoke(cli, ["facts", str(folder), "--json"]).stdout
    assert printed == (out / "facts.json").read_text(encoding="utf-8")
    assert all("cards" in fact for fact in json.loads(printed)["facts"])


def test_a_file_that_is_not_a_note_is_a_usage_error(tmp_path: Path) -> None:
    """`cheatdeck build Makefile` made 10 cards from a Makefile and left a lock beside it."""
    makefile = tmp_path / "Makefile"
    makefile.write_text("build:\n\tcheatdeck build\n")
    code, err = run("build", str(makefile), "-o", str(tmp_path / "out"))
    assert code == 2 and "Makefile: not a Markdown note (.md)" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Makefile"]


def test_check_flags_every_misspelt_title(notes_dir) -> None:
    """`# amazon forecase` and `## Forcast` (typos the catalog reads) were not flagged."""
    folder = notes_dir(
        {"n.md": "# amazon forecase\n\n- 시계열 예측 서비스이다.\n\n## Forcast\n\n- 수요 예측\n"}
    )
    result = CliRunner().invoke(cli, ["check", str(folder), "--ignore", "no-card"])
    assert result.stdout.splitlines() == [
        "n.md:1: 'amazon forecase' is read as Amazon Forecast: spell it so [misspelt-service]",
        "n.md:5: 'Forcast' is read as Amazon Forecast: spell it so [misspelt-service]",
    ]
    assert result.stderr == "2 findings (misspelt-service 2)\n"


def test_watch_stops_on_ctrl_c_without_a_traceback_and_moved_warnings_are_old(
    notes_dir, tmp_path: Path
) -> None:
    """Ctrl-C printed a ForkServerProcess traceback; a warning that only moved down a line
    was reported as new."""
    folder = notes_dir({"polly.md": NOTE + "\n## 비어 있음\n"})
    watch = subprocess.Popen(
        [sys.executable, "-m", "generator", "watch", str(folder), "-o", str(tmp_path / "o")],
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        start_new_session=True,  # its own process group, as a terminal gives it
    )
    try:
        lines = []
        for line in watch.stderr:
            lines.append(line)
            if "press Ctrl-C to stop" in line:
                break
        assert any("polly.md:6: warning: empty section" in line for line in lines)
        time.sleep(0.5)
        (folder / "polly.md").write_text("<!-- 메모 -->\n" + NOTE + "\n## 비어 있음\n")
        changed = [watch.stderr.readline() for _ in range(2)]
        assert changed[0] == "changed: polly.md\n"
        assert "warning" not in changed[1]  # the same warning, a line lower
        os.killpg(watch.pid, signal.SIGINT)  # Ctrl-C reaches every process of the group
        rest = watch.stderr.read()
        assert watch.wait(timeout=20) in (0, 1)
    finally:
        if watch.poll() is None:
            os.killpg(watch.pid, signal.SIGKILL)
    assert "Traceback" not in rest and "KeyboardInterrupt" not in rest, rest


# --- the bundled notes are current ------------------------------------------------------


def test_the_committed_lock_is_current(tmp_path: Path) -> None:
    """A fresh clone's first build reported 114 added, 335 updated, 693 removed, shipped
    693 'removed' cards and rewrote the committed lock (7,254 lines of diff). When this
    fails, run `make build` and commit source_notes/cheatdeck.lock.json."""
    from .conftest import SOURCE_NOTES

    notes = tmp_path / "notes"
    shutil.copytree(SOURCE_NOTES, notes)
    result = build([notes], tmp_path / "out", 1_900_000_000, NO_SHEETS)
    assert result.deck is not None
    changes = result.loaded.identified.changes
    assert (changes.added, changes.updated, changes.removed) == ((), (), ())
    assert (result.deck.added, result.deck.updated, result.deck.removed) == ((), (), ())
    committed = (SOURCE_NOTES / "cheatdeck.lock.json").read_bytes()
    assert (notes / "cheatdeck.lock.json").read_bytes() == committed


def test_a_card_made_again_is_unsuspended_by_push(notes_dir, tmp_path: Path) -> None:
    """push suspended the cards of kinds turned off; turned on again, they stayed suspended
    with no tag left to find them by."""
    from .anki_connect_stand_in import StandIn
    from .anki_helpers import open_collection

    folder = notes_dir({"rekognition.md": LISTS, "polly.md": NOTE})
    out = tmp_path / "out"
    collection = open_collection(tmp_path / "anki")

    def push(*more: str) -> str:
        with StandIn(collection) as anki:
            code, err = run(
                "push", str(folder), "-o", str(out), "--anki-url", anki.url, "--no-sheets", *more
            )
        assert code == 0, err
        return err

    push()
    reviewed = _review_everything(collection)
    off = push("--skip-kinds", "list")
    assert "1 card of kinds you turned off (skip_kinds)" in off
    assert "suspended 1 card no longer made" in off
    assert len(collection.find_cards("is:suspended")) == 1
    again = push()
    assert "unsuspended 1 card made again" in again
    assert collection.find_cards("is:suspended") == []
    assert {collection.get_note(n).guid for n in collection.find_notes("")} == reviewed
    collection.close()


def test_a_kind_turned_off_and_on_keeps_its_notes(notes_dir, tmp_path: Path) -> None:
    """While list cards were off the lock forgot their notes: turned on again, a list whose
    order had changed got a new GUID and its reviewed note stayed flagged removed."""
    folder = notes_dir({"rekognition.md": LISTS})
    lists = folder / "rekognition.md"

    def off_reorder_on(folder: Path) -> None:
        options = BuildOptions(
            sheets=False, deck_options=DeckOptions(skip_kinds=frozenset({"list", "ordered"}))
        )
        build([folder], tmp_path / "out", 2_000, options)
        text = lists.read_text(encoding="utf-8")
        lists.write_text(
            text.replace("- 얼굴 분석\n", "").replace(
                "- 유명인 인식\n", "- 유명인 인식\n- 얼굴 분석\n"
            )
        )
        build([folder], tmp_path / "out", 2_001, options)

    counts = reimport(folder, tmp_path, off_reorder_on)
    assert (counts["duplicates"], counts["orphaned"], counts["added"]) == (0, 0, 0)


def test_building_a_subfolder_uses_the_vaults_lock(notes_dir, tmp_path: Path) -> None:
    """`build vault/obsidian` wrote a second lock in the subfolder: every fact edited since
    got a new GUID."""
    folder = notes_dir({"obsidian/polly.md": NOTE, "mkdocs/rekognition.md": LISTS})
    first = build([folder], tmp_path / "out", 1_000, NO_SHEETS)
    part = build([folder / "obsidian"], tmp_path / "part", 1_001, NO_SHEETS)
    assert not (folder / "obsidian" / "cheatdeck.lock.json").exists()
    assert part.loaded.identified.changes.added == ()
    assert {n.guid for n in part.deck.notes} <= {n.guid for n in first.deck.notes}
    assert {n.file for n in part.loaded.note_set.notes} == {"obsidian/polly.md"}
    both = build([folder / "obsidian", folder / "mkdocs"], tmp_path / "both", 1_002, NO_SHEETS)
    assert {n.guid for n in both.deck.notes} == {n.guid for n in first.deck.notes}


def test_a_term_whose_definition_is_rewritten_keeps_its_note(notes_dir, tmp_path) -> None:
    """Rewording only the definition of `Slot :: …` made a second card with the same front."""
    folder = notes_dir({"lex.md": "# Amazon Lex\n\n- Slot :: 의도를 채우는 데 필요한 정보\n"})

    def reword(folder: Path) -> None:
        (folder / "lex.md").write_text("# Amazon Lex\n\n- Slot :: 사용자가 말해야 하는 값들\n")

    counts = reimport(folder, tmp_path, reword)
    assert (counts["duplicates"], counts["orphaned"], counts["added"]) == (0, 0, 0)


def test_a_fact_moved_to_another_note_and_edited_keeps_its_id(notes_dir, tmp_path) -> None:
    """Moved to another file and subject with one word added: removed plus added (its
    cards then asked anew, their history lost)."""
    sentence = "텍스트에서 핵심 구문과 감정을 추출하는 관리형 자연어 처리 서비스이다."
    folder = notes_dir(
        {
            "a.md": f"# Amazon Comprehend\n\n- {sentence}\n- **PII**: 개인 식별 정보\n",
            "b.md": "# Amazon Textract\n\n- 문서에서 텍스트와 표를 추출한다.\n",
        }
    )
    first = build([folder], tmp_path / "out", 1_000, NO_SHEETS)
    (folder / "a.md").write_text("# Amazon Comprehend\n\n- **PII**: 개인 식별 정보\n")
    edited = sentence.replace("관리형", "완전 관리형")
    (folder / "b.md").write_text(
        f"# Amazon Textract\n\n- 문서에서 텍스트와 표를 추출한다.\n\n# NLP\n\n- {edited}\n"
    )
    changes = build([folder], tmp_path / "out", 1_001, NO_SHEETS).loaded.identified.changes
    assert (changes.added, changes.removed) == ((), ())
    moved = {fact.id for fact in first.loaded.notes.facts if fact.text == sentence}
    assert {fact_id for fact_id, _, _ in changes.moved} == moved


def test_a_topic_named_all_or_weak_spots_gets_its_own_sheet(notes_dir, tmp_path) -> None:
    """A topic `# All` became sheets/all.pdf, so there was no booklet; `# Weak spots` was
    overwritten by `weak`."""
    folder = notes_dir({"a.md": "# All\n\n- 모든 것\n\n# Weak spots\n\n- 약점\n"})
    result = build([folder], tmp_path / "out", 1_000, BuildOptions(deck=False))
    assert [s.slug for s in result.loaded.notes.subjects] == ["all-2", "weak-spots-2"]
    assert set(result.pages) == {"sheets/all.pdf", "sheets/all-2.pdf", "sheets/weak-spots-2.pdf"}
    outline = PdfReader(str(tmp_path / "out" / "sheets" / "all.pdf")).outline
    assert [item.title for item in outline if not isinstance(item, list)] == ["All", "Weak spots"]


@pytest.mark.parametrize(
    ("lock", "message"),
    [
        (
            b'{\n  "version": 2,\n' + "한국어".encode("cp949"),
            "cheatdeck.lock.json:3: not UTF-8",
        ),
        (b"[" * 100_000 + b"]" * 100_000, "cheatdeck.lock.json:1: unreadable lock file (nested"),
        (
            b'{"version": 2,\n "facts": {\n  "a": {"subject": "x"',
            "cheatdeck.lock.json:3: unreadable lock file",
        ),
    ],
    ids=["cp949", "nested", "truncated"],
)
def test_a_lock_that_is_not_json_text_is_one_line(notes_dir, tmp_path, lock, message) -> None:
    folder = notes_dir({"polly.md": NOTE, "cheatdeck.lock.json": lock})
    code, err = run("build", str(folder), "-o", str(tmp_path / "out"), "--no-sheets")
    assert code == 1 and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert err.startswith(message)
    assert (folder / "cheatdeck.lock.json").read_bytes() == lock


def test_a_lock_that_is_a_folder_or_a_config_not_in_utf8(notes_dir, tmp_path) -> None:
    folder = notes_dir({"polly.md": NOTE})
    (folder / "cheatdeck.lock.json").mkdir()
    code, err = run("build", str(folder), "-o", str(tmp_path / "out"), "--no-sheets")
    assert (code, err) == (
        1,
        "cheatdeck.lock.json:1: is not a file: move it away and restore the lock\n",
    )
    assert not (tmp_path / "out" / "deck.apkg").exists()
    (folder / "cheatdeck.lock.json").rmdir()
    (folder / "cheatdeck.toml").write_bytes('deck_name = "시험"\n'.encode("cp949"))
    code, err = run("build", str(folder), "-o", str(tmp_path / "out"), "--no-sheets")
    assert (code, err) == (1, "cheatdeck.toml:1: not UTF-8 text; save the note as UTF-8\n")


def test_without_its_ledger_an_out_trusts_only_what_reads_as_cheatdecks(
    notes_dir, tmp_path: Path
) -> None:
    """With OUT/.cheatdeck-outputs.json gone but OUT/.cache there, a user's own sheet was
    overwritten, and an annotated one deleted when its subject went."""
    folder = notes_dir({"polly.md": NOTE})
    out = tmp_path / "out"
    assert run("build", str(folder), "-o", str(out))[0] == 0
    mine = out / "sheets" / "amazon-polly.pdf"
    mine.write_bytes(b"my own precious sheet")
    (out / ".cheatdeck-outputs.json").unlink()
    (folder / "polly.md").write_text(NOTE + "- 어휘 목록으로 발음을 정한다.\n", encoding="utf-8")
    code, err = run("build", str(folder), "-o", str(out))
    assert code == 1 and f"{mine}: not written by cheatdeck" in err
    assert mine.read_bytes() == b"my own precious sheet"
    mine.unlink()
    assert run("build", str(folder), "-o", str(out))[0] == 0  # the others were its own


def test_an_unreadable_ledger_is_named(notes_dir, tmp_path: Path) -> None:
    folder = notes_dir({"polly.md": NOTE})
    out = tmp_path / "out"
    assert run("build", str(folder), "-o", str(out), "--no-sheets")[0] == 0
    (out / ".cheatdeck-outputs.json").write_text("{")
    (folder / "polly.md").write_text(NOTE + "- 어휘 목록으로 발음을 정한다.\n", encoding="utf-8")
    code, err = run("build", str(folder), "-o", str(out), "--no-sheets")
    assert (
        code == 1 and "(its record of what it wrote, .cheatdeck-outputs.json, is unreadable)" in err
    )


def test_a_lost_lock_is_restored_from_the_last_builds_copy(notes_dir, tmp_path) -> None:
    """A deleted (or never committed) lock gave 8 duplicate notes and no word about it."""
    folder = notes_dir({"polly.md": NOTE, "rekognition.md": LISTS})
    out = tmp_path / "out"
    first = build([folder], out, 1_000, NO_SHEETS).deck
    lock = (folder / "cheatdeck.lock.json").read_bytes()
    (folder / "cheatdeck.lock.json").unlink()
    (folder / "polly.md").write_text(NOTE.replace("딥러닝", "최신 딥러닝"), encoding="utf-8")
    code, err = run("build", str(folder), "-o", str(out), "--no-sheets")
    assert code == 0
    assert "cheatdeck.lock.json: warning: no lock beside the notes: restored from the copy" in err
    assert (folder / "cheatdeck.lock.json").is_file()
    again = build([folder], out, 1_002, NO_SHEETS).deck
    assert {n.guid for n in again.notes} == {n.guid for n in first.notes}
    assert (
        json.loads((folder / "cheatdeck.lock.json").read_bytes())["guid_seed"]
        == (json.loads(lock)["guid_seed"])
    )
    (folder / "cheatdeck.lock.json").unlink()
    (out / ".cheatdeck-outputs.json").unlink()  # the copy alone is still said to be used
    code, err = run("build", str(folder), "-o", str(out), "--no-sheets")
    assert "cheatdeck.lock.json: warning: no lock beside the notes: restored from the copy" in err
    (folder / "cheatdeck.lock.json").unlink()
    shutil.rmtree(out / ".cache")  # no copy either: a warning before new identities
    code, err = run("build", str(folder), "-o", str(out), "--no-sheets")
    assert code == 0
    assert "cheatdeck.lock.json: warning: no lock beside the notes, but" in err


def test_every_note_not_in_utf8_is_named_at_once(notes_dir, tmp_path: Path) -> None:
    """With a cp949 and a Shift-JIS note, each build named only the first of them."""
    folder = notes_dir(
        {
            "a.md": NOTE,
            "b.md": "# Amazon Lex\n- 한국어\n".encode("cp949"),
            "c.md": "# Amazon Kendra\n\n- 日本語\n".encode("shift_jis"),
        }
    )
    code, err = run("build", str(folder), "-o", str(tmp_path / "out"), "--no-sheets")
    assert code == 1
    assert err.splitlines() == [
        "b.md:2: not UTF-8 text; save the note as UTF-8",
        "c.md:3: not UTF-8 text; save the note as UTF-8",
    ]
    assert not (tmp_path / "out").exists()
