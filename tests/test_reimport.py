"""Rebuild after edits and re-import into the same Anki collection: nothing is duplicated,
edits show, review history stays, removed facts can be found."""

from __future__ import annotations

from pathlib import Path

from generator.build import build
from generator.options import REMOVED_TAG, BuildOptions

from .anki_helpers import import_deck, open_collection

NO_SHEETS = BuildOptions(sheets=False)

SERVICES = """# Amazon Polly
- 텍스트를 음성으로 변환하는 딥러닝 서비스이다.
- **SSML**을 사용해 발음과 억양을 조정할 수 있다.
- 어휘 목록(lexicon)을 업로드해 사용자 지정 발음을 만든다.

## 사용 사례
- 뉴스 기사 낭독
- 전화 자동 응답
- 오디오북 제작

# Amazon Transcribe
- 음성을 텍스트로 변환하는 자동 음성 인식(ASR) 서비스이다.
- Redaction으로 개인 식별 정보를 자동으로 제거한다.
- 사용 사례: 콜센터 통화 자막, 미디어 아카이브 검색
"""

TERMS = """# Amazon Personalize
- **Recipes**: AWS가 제공하는 사전 구성된 알고리즘
- **Campaigns**: 실시간 추천을 위한 배포된 솔루션 버전
- **Datasets**: 사용자, 아이템, 상호작용 데이터
"""


def write(folder: Path, files: dict[str, str]) -> None:
    for name in [p.name for p in folder.glob("*.md")]:
        if name not in files:
            (folder / name).unlink()
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")


def notes_by_guid(collection) -> dict[str, str]:
    return {
        collection.get_note(nid).guid: " ".join(collection.get_note(nid).fields)
        for nid in collection.find_notes("")
    }


def test_rebuild_and_reimport_updates_in_place(tmp_path: Path) -> None:
    folder = tmp_path / "notes"
    folder.mkdir()
    write(folder, {"speech.md": SERVICES, "terms.md": TERMS})
    first = build([folder], tmp_path / "out", 1_000, NO_SHEETS)
    collection = open_collection(tmp_path / "anki")
    import_deck(collection, tmp_path / "out" / "deck.apkg")
    before = notes_by_guid(collection)

    reviewed = collection.find_cards("")[:6]
    for card_id in reviewed:
        card = collection.get_card(card_id)
        card.start_timer()
        collection.sched.answerCard(card, 3)
    history = collection.db.scalar("select count() from revlog")
    intervals = {cid: collection.get_card(cid).ivl for cid in reviewed}

    edited = SERVICES.replace(
        "텍스트를 음성으로 변환하는 딥러닝 서비스이다.",
        "텍스트를 자연스러운 음성으로 변환하는 딥러닝 서비스이다.",
    ).replace(
        "Redaction으로 개인 식별 정보를 자동으로 제거한다.",
        "Redaction으로 개인 식별 정보(PII)를 자동으로 가린다.",
    )
    moved = edited.replace("- 전화 자동 응답\n", "").replace(
        "# Amazon Transcribe", "## 활용\n- 전화 자동 응답\n\n# Amazon Transcribe"
    )
    deleted = TERMS.replace("- **Datasets**: 사용자, 아이템, 상호작용 데이터\n", "")
    write(folder, {"speech.md": moved, "personalize-terms.md": deleted})  # terms.md renamed
    second = build([folder], tmp_path / "out", 1_000, NO_SHEETS)  # the same second
    import_deck(collection, tmp_path / "out" / "deck.apkg")
    after = notes_by_guid(collection)

    first_guids = {card.guid for card in first.deck.notes}
    added = set(after) - set(before)
    assert added == {card.guid for card in second.deck.notes} - first_guids
    changed_facts = {
        f.id for f in second.loaded.notes.facts if f.id in second.loaded.identified.changes.updated
    }
    assert changed_facts  # the edits, the move, the rename
    kept = {c.guid for c in second.deck.notes}
    lost = [c for c in first.deck.notes if c.key_fact in changed_facts and c.guid not in kept]
    assert lost == []  # edited, moved and renamed facts keep every note they had

    texts = " ".join(after.values())
    assert "자연스러운 음성으로" in texts and "PII" in texts
    assert collection.db.scalar("select count() from revlog") == history
    assert {cid: collection.get_card(cid).ivl for cid in reviewed} == intervals

    assert len(second.loaded.identified.changes.removed) == 1
    removed = {collection.get_note(n).guid for n in collection.find_notes(f"tag:{REMOVED_TAG}")}
    assert removed == {card.guid for card in second.deck.removed}
    assert removed == first_guids - {card.guid for card in second.deck.notes}
    assert any("Datasets" in after[guid] for guid in removed)

    third = build([folder], tmp_path / "out", 1_001, NO_SHEETS)
    assert third.deck.removed == ()  # flagged once, not re-added after the user deletes it


def test_a_list_card_updates_when_an_item_is_removed(tmp_path: Path) -> None:
    """Catches a bug: a list note's time came from its facts' change times, so dropping an
    item (no remaining fact changed) left Anki's copy showing the old list."""
    folder = tmp_path / "notes"
    folder.mkdir()
    items = (
        "# Amazon Polly\n\n## 음성 유형\n- 뉴스 낭독\n- 전화 응답\n- 오디오북 제작\n- 안내 방송\n"
    )
    write(folder, {"polly.md": items})
    build([folder], tmp_path / "out", 1_000, NO_SHEETS)
    collection = open_collection(tmp_path / "anki")
    import_deck(collection, tmp_path / "out" / "deck.apkg")
    write(folder, {"polly.md": items.replace("- 전화 응답\n", "")})
    build([folder], tmp_path / "out", 1_000, NO_SHEETS)  # the same second
    import_deck(collection, tmp_path / "out" / "deck.apkg")
    lists = [collection.get_note(n) for n in collection.find_notes("tag:cheatdeck::kind::list")]
    assert len(lists) == 1 and "전화 응답" not in lists[0]["Back"]
    assert "오디오북 제작" in lists[0]["Back"]
