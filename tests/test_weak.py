"""`cheatdeck weak`: the facts of the cards a learner fails, from real Anki review history
(a collection file, or a running Anki through a stand-in AnkiConnect)."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.build import build
from generator.commands.cli import cli
from generator.commands.weak import profile_collection
from generator.notes.sources import LOCK_NAME
from generator.options import BuildOptions
from tests.anki_connect_stand_in import StandIn
from tests.anki_helpers import import_deck, open_collection
from tests.conftest import NOW, SOURCE_NOTES

AGAIN, GOOD = 1, 3


@pytest.fixture(scope="module")
def studied(tmp_path_factory: pytest.TempPathFactory):
    """The seed deck built, imported into real Anki and studied: three facts' cards failed
    three times each, three others answered Good. Returns (notes, collection, failed ids,
    passed ids)."""
    folder = tmp_path_factory.mktemp("weak")
    notes = folder / "notes"
    shutil.copytree(SOURCE_NOTES, notes, ignore=shutil.ignore_patterns(LOCK_NAME))
    build([notes], folder / "out", NOW, BuildOptions(sheets=False))
    fact_of = _guid_facts(notes / LOCK_NAME)
    collection = open_collection(folder / "anki")
    import_deck(collection, folder / "out" / "deck.apkg")
    cards = sorted(collection.find_cards("-tag:cheatdeck::kind::which"))
    by_fact: dict[str, list[int]] = {}
    for card_id in cards:
        by_fact.setdefault(fact_of[collection.get_card(card_id).note().guid], []).append(card_id)
    alone = _single_fact_notes(notes / LOCK_NAME)  # a list's note has several facts
    one_card_facts = [
        fact
        for fact, ids in by_fact.items()
        if len(ids) == 1 and collection.get_card(ids[0]).note().guid in alone
    ]
    failed, passed = one_card_facts[5:8], one_card_facts[40:43]
    for fact, answers in [*((f, [AGAIN] * 3) for f in failed), *((f, [GOOD]) for f in passed)]:
        for ease in answers:
            card = collection.get_card(by_fact[fact][0])
            card.start_timer()
            collection.sched.answerCard(card, ease)
    collection.close()
    return notes, folder / "anki" / "collection.anki2", failed, passed


def _single_fact_notes(lock: Path) -> set[str]:
    """GUIDs of the notes made from one fact only."""
    facts = json.loads(lock.read_text(encoding="utf-8"))["facts"]
    carried = Counter(n[0] for entry in facts.values() for n in entry.get("notes", []))
    return {guid for guid, count in carried.items() if count == 1}


def _guid_facts(lock: Path) -> dict[str, str]:
    """Each note's fact (a list's: its first item, the entry of the lowest line)."""
    facts = json.loads(lock.read_text(encoding="utf-8"))["facts"]
    last_first = sorted(facts.items(), key=lambda i: (i[1]["file"], i[1]["line"]), reverse=True)
    return {n[0]: fact_id for fact_id, entry in last_first for n in entry.get("notes", [])}


def _texts(notes: Path, ids: list[str]) -> list[str]:
    facts = json.loads(CliRunner().invoke(cli, ["facts", str(notes), "--json"]).stdout)["facts"]
    return [fact["text"] for fact in facts if fact["id"] in ids]


def _pdf_text(pdf: Path) -> str:
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return " ".join(text.split())


def _weak(notes: Path, collection: Path, out: Path, *more: str):
    return CliRunner().invoke(
        cli, ["weak", str(notes), "--collection", str(collection), "-o", str(out), *more]
    )


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_weak_from_a_collection_file_prints_the_failed_facts_and_nothing_else(
    studied, tmp_path
) -> None:
    notes, collection, failed, passed = studied
    before = _digest(collection)
    out = tmp_path / "out"
    result = _weak(notes, collection, out, "--json")
    assert result.exit_code == 0, result.output
    ranking = json.loads(result.stdout)
    assert sorted(w["id"] for w in ranking["weak"]) == sorted(failed)
    assert all(w["fails"] == 3 for w in ranking["weak"])
    assert ranking["reviews"] == 12 and ranking["gone"] == []
    assert ranking["sheet"]["pages"] == 1
    sheet = _pdf_text(out / "sheets" / "weak-spots.pdf")
    for text in _texts(notes, failed):
        assert " ".join(text.split())[:25] in sheet
    for text in _texts(notes, passed):
        assert " ".join(text.split())[:25] not in sheet
    assert "✗3" in sheet
    assert _digest(collection) == before  # read from a copy: the collection is untouched


def test_weak_through_ankiconnect_finds_the_same_facts(studied, tmp_path) -> None:
    notes, collection_path, failed, _ = studied
    copy = tmp_path / "anki" / "collection.anki2"
    copy.parent.mkdir()
    shutil.copyfile(collection_path, copy)
    from anki.collection import Collection

    collection = Collection(str(copy))
    with StandIn(collection) as anki:
        result = CliRunner().invoke(
            cli, ["weak", str(notes), "--anki-url", anki.url, "-o", str(tmp_path / "o"), "--json"]
        )
        actions = [request["action"] for request in anki.requests]
    collection.close()
    assert result.exit_code == 0, result.output
    assert actions == ["version", "findCards", "cardsInfo", "getReviewsOfCards"]
    assert sorted(w["id"] for w in json.loads(result.stdout)["weak"]) == sorted(failed)


def test_a_failed_fact_removed_from_the_notes_is_listed_apart(studied, tmp_path) -> None:
    notes, collection, failed, _ = studied
    edited = tmp_path / "notes"
    shutil.copytree(notes, edited)
    facts = json.loads((edited / LOCK_NAME).read_text(encoding="utf-8"))["facts"]
    gone = facts[failed[0]]
    note = edited / gone["file"]
    lines = note.read_text(encoding="utf-8").splitlines(keepends=True)
    del lines[gone["line"] - 1]
    note.write_text("".join(lines), encoding="utf-8")
    build([edited], tmp_path / "b", NOW, BuildOptions(sheets=False))  # the lock learns it
    result = _weak(edited, collection, tmp_path / "o")
    assert result.exit_code == 0, result.output
    removed = result.stdout.split("failed but removed from your notes:\n", 1)[1]
    assert gone["file"] in removed  # the card's own note file, as Anki has it
    assert gone["text"][:15] in removed or gone["path"][-1][:8] in removed
    ranked = result.stdout.split("failed but removed", 1)[0]
    assert gone["text"][:20] not in ranked


def test_no_reviews_or_no_cheatdeck_cards_is_a_clear_failure(studied, tmp_path) -> None:
    notes = studied[0]
    empty = open_collection(tmp_path / "empty")
    empty.close()
    result = _weak(notes, tmp_path / "empty" / "collection.anki2", tmp_path / "o")
    assert result.exit_code == 1
    assert "no cheatdeck cards in this collection: import deck.apkg first" in result.stderr
    fresh = open_collection(tmp_path / "fresh")
    build([notes], tmp_path / "b", NOW, BuildOptions(sheets=False))
    import_deck(fresh, tmp_path / "b" / "deck.apkg")
    fresh.close()
    result = _weak(notes, tmp_path / "fresh" / "collection.anki2", tmp_path / "o")
    assert result.exit_code == 1 and "no reviews of cheatdeck cards yet" in result.stderr
    assert not (tmp_path / "o").exists()  # never an empty PDF


def test_weak_needs_to_be_told_where_the_reviews_are(studied) -> None:
    result = CliRunner().invoke(cli, ["weak", str(studied[0])])
    assert result.exit_code == 2 and "--collection PATH, --profile NAME or --anki-url" in (
        result.stderr
    )


@pytest.mark.parametrize(
    ("platform", "expected"),
    [
        ("linux", ".local/share/Anki2/User 1/collection.anki2"),
        ("darwin", "Library/Application Support/Anki2/User 1/collection.anki2"),
        ("win32", "AppData/Roaming/Anki2/User 1/collection.anki2"),
    ],
)
def test_profiles_are_found_where_anki_keeps_them(platform, expected, monkeypatch) -> None:
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    monkeypatch.delenv("APPDATA", raising=False)
    found = profile_collection("User 1", platform, Path("/home/me"))
    assert found.as_posix() == f"/home/me/{expected}"
