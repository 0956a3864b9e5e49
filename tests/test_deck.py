"""The deck, checked by importing it into real Anki and reading cards as Anki renders them."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pytest

from generator.build import BuildOptions, build
from generator.catalog import load_catalog
from generator.extract import Fact
from generator.inline import plain_text

from .anki_helpers import answer_only, import_deck, open_collection, visible_text
from .conftest import NOW

NO_SHEETS = BuildOptions(sheets=False)


@pytest.fixture(scope="session")
def seed_cards(seed_build, tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, str]]:
    """Every card of the seed deck as Anki renders it."""
    collection = open_collection(tmp_path_factory.mktemp("anki"))
    import_deck(collection, seed_build[1] / "deck.apkg")
    cards = []
    for card_id in collection.find_cards(""):
        card = collection.get_card(card_id)
        note = card.note()
        cards.append(
            {
                "deck": collection.decks.name(card.did),
                "question": card.question(),
                "answer": card.answer(),
                "kind": note["Kind"],
                "tags": " ".join(note.tags),
            }
        )
    collection.close()
    return cards


def normal(text: str) -> str:
    return "".join(text.split())


def test_one_subdeck_per_subject(seed_build, seed_cards) -> None:
    result, _ = seed_build
    subjects = {s.name for s in result.loaded.notes.subjects}
    decks = {card["deck"] for card in seed_cards}
    assert decks == {f"AWS ML::{name}" for name in subjects}


def shown_on(fact: Fact, answer: str) -> bool:
    """The fact's words are on the card: whole, or as its term and its definition."""
    if normal(fact.text) in answer:
        return True
    parts = [normal(plain_text(fact.term)), normal(plain_text(fact.definition))]
    return fact.kind == "term" and all(part in answer for part in parts)


def test_every_fact_appears_on_a_card(seed_build, seed_cards) -> None:
    answers = [normal(visible_text(card["answer"])) for card in seed_cards]
    missing = [
        f"{f.file}:{f.line}: {f.text[:40]}"
        for f in seed_build[0].loaded.notes.facts
        if f.kind != "image" and not any(shown_on(f, answer) for answer in answers)
    ]
    assert missing == []


def test_no_card_is_blank_on_either_side(seed_cards) -> None:
    for card in seed_cards:
        assert visible_text(card["question"]), card
        assert answer_only(card["answer"]), card


def test_same_question_never_has_two_answers(seed_cards) -> None:
    answers: dict[tuple[str, str], set[str]] = defaultdict(set)
    for card in seed_cards:
        answers[(card["deck"], visible_text(card["question"]))].add(answer_only(card["answer"]))
    assert [key for key, found in answers.items() if len(found) > 1] == []


def test_which_service_fronts_never_name_the_service(seed_cards) -> None:
    catalog = load_catalog()
    which = [card for card in seed_cards if card["kind"] == "which"]
    assert len(which) >= 50
    for card in which:
        service = catalog.services[card["deck"].split("::", 1)[1]]
        question = visible_text(card["question"]).casefold()
        named = [n for n in catalog.names_of(service) if n.casefold() in question]
        assert named == [], (named, question)


def test_answers_are_short(seed_cards) -> None:
    lengths = sorted(len(answer_only(card["answer"])) for card in seed_cards)
    p90 = lengths[int(len(lengths) * 0.9)]
    assert p90 <= 250


def test_every_card_kind_is_made(seed_cards) -> None:
    kinds = {card["kind"] for card in seed_cards}
    assert {"term", "which", "cloze", "list", "item"} <= kinds


def test_cards_name_their_context_and_source(seed_cards) -> None:
    for card in seed_cards:
        assert 'class="cd-context"' in card["question"]
        source = visible_text(card["answer"].split('class="cd-source"', 1)[1])
        assert ".md:" in source


def test_labels_follow_the_fact_language(seed_cards) -> None:
    japanese = [c for c in seed_cards if "時系列予測サービス" in c["answer"]]
    assert japanese and all('lang="ja"' in c["question"] for c in japanese)


def test_tags_name_subject_file_language_and_kind(seed_cards) -> None:
    tags = next(c["tags"] for c in seed_cards if "ラベリングサービス" in c["answer"])
    assert "cheatdeck::subject::Amazon_SageMaker" in tags
    assert "cheatdeck::file::sagemaker-and-ai-services.ja.md" in tags
    assert "cheatdeck::lang::ja" in tags


def test_bold_becomes_cloze(seed_cards) -> None:
    cloze = [c for c in seed_cards if c["kind"] == "cloze" and "실시간 적응성" in c["answer"]]
    assert cloze and "[...]" in visible_text(cloze[0]["question"])


def test_nothing_executable_survives(notes_dir, tmp_path: Path) -> None:
    folder = notes_dir(
        {
            "evil.md": "# Amazon Polly\n\n"
            "- **SSML** <script>alert(1)</script>: 발음 <img src=x onerror=alert(1)>\n"
            "- [click](javascript:alert(1)) 텍스트를 음성으로\n"
            '- <a href="javascript:alert(1)" onclick="x()">link</a> <u>밑줄</u>\n'
            "<div onmouseover='alert(1)'>raw block</div>\n"
        }
    )
    build([folder], tmp_path / "out", NOW, NO_SHEETS)
    collection = open_collection(tmp_path / "anki")
    import_deck(collection, tmp_path / "out" / "deck.apkg")
    fields = " ".join(
        value
        for note_id in collection.find_notes("")
        for value in collection.get_note(note_id).fields
    ).casefold()
    tags = re.findall(r"<[^>]*>", fields)
    assert not [t for t in tags if t.startswith(("<script", "<iframe", "<object", "<style"))]
    assert not [t for t in tags if re.search(r"\son\w+\s*=|javascript:", t)]
    assert "<u>밑줄</u>" in fields  # harmless markup stays
    assert "alert(1)</script>" not in fields


PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d4944415478da63f8cfc0f01f0005000201a2cf33e90000000049454e44ae426082"
)


def test_local_images_travel_with_the_deck_under_content_names(notes_dir, tmp_path: Path) -> None:
    folder = notes_dir(
        {
            "img.md": "# Amazon Rekognition\n\n- 얼굴 탐지 예시 ![face](pics/face.png)\n"
            "- 원격 ![x](https://example.com/x.png) 이미지\n"
        }
    )
    (folder / "pics").mkdir()
    (folder / "pics" / "face.png").write_bytes(PNG)
    result = build([folder], tmp_path / "out", NOW, NO_SHEETS)
    assert result.deck is not None and result.deck.media == ("pics/face.png",)
    collection = open_collection(tmp_path / "anki")
    import_deck(collection, tmp_path / "out" / "deck.apkg")
    stored = sorted(p.name for p in Path(collection.media.dir()).iterdir())
    assert len(stored) == 1 and re.fullmatch(r"cheatdeck-[0-9a-f]{16}\.png", stored[0])
    fields = " ".join(
        value for n in collection.find_notes("") for value in collection.get_note(n).fields
    )
    assert f'src="{stored[0]}"' in fields
    assert 'href="https://example.com/x.png"' in fields  # remote: a link, never fetched
    assert not any(name.startswith("_") for name in stored)  # CSS is in the note type
