"""Tables are data (issue 22): one fact per row with its cells keyed by header, printed as
a real table on the sheet, and cards only where a row is a question."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

from generator.build import build
from generator.options import BuildOptions

from .anki_helpers import answer_only, rendered_cards, visible_text
from .conftest import NOW

NOTE = """# AI services cheat sheet

## Quick Service Comparison

| Service | Category | Input | Output |
|---|---|---|---|
| Amazon Translate | NLP | Text | Text in another language |
| Amazon Polly | Speech | Text | Lifelike speech audio |
| Amazon Transcribe | Speech | Audio | Text transcript |

## When to use what?

| Scenario | Service |
|---|---|
| Convert call-center recordings into searchable text | Amazon Transcribe |
| Detect the sentiment of customer reviews | Amazon Comprehend |
| Add human review to low-confidence predictions | Amazon A2I |
| Give Amazon Polly a custom lexicon | Amazon Polly |

## 용어

| 용어 | 설명 |
|---|---|
| 과적합 | 훈련 데이터에는 잘 맞지만 새로운 데이터에는 성능이 떨어지는 상태 |
| 정밀도 | 양성으로 예측한 것 중 실제 양성의 비율 |
"""


def _build(notes_dir, tmp_path: Path, sheets: bool = False) -> Path:
    out = tmp_path / "out"
    build([notes_dir({"services.md": NOTE})], out, NOW, BuildOptions(sheets=sheets))
    return out


def test_a_row_is_one_fact_with_its_cells_keyed_by_header(notes_dir, tmp_path: Path) -> None:
    facts = json.loads((_build(notes_dir, tmp_path) / "facts.json").read_text())["facts"]
    rows = [fact for fact in facts if "cells" in fact]
    assert len(rows) == 9
    assert list(rows[0]["cells"].items()) == [
        ("Service", "Amazon Translate"),
        ("Category", "NLP"),
        ("Input", "Text"),
        ("Output", "Text in another language"),
    ]
    assert rows[0]["also"] == ["Amazon Translate"]  # the row reaches the service's sheet
    assert {fact["kind"] for fact in rows} == {"row"}  # never "Service: …" as a term


def test_rows_that_ask_make_cards_a_comparison_matrix_does_not(notes_dir, tmp_path: Path) -> None:
    out = _build(notes_dir, tmp_path)
    cards = rendered_cards(out / "deck.apkg", tmp_path / "anki")
    which = {
        visible_text(card["question"].split('class="cd-front"', 1)[1]).lstrip("> "): answer_only(
            card["answer"]
        ).split(" ")[:2]
        for card in cards
        if card["kind"] == "which"
    }
    assert which == {
        "Convert call-center recordings into searchable text": ["Amazon", "Transcribe"],
        "Detect the sentiment of customer reviews": ["Amazon", "Comprehend"],
        "Add human review to low-confidence predictions": ["Amazon", "Augmented"],
    }  # "Give Amazon Polly a custom lexicon" names its answer: no card
    terms = sorted(
        visible_text(card["question"].split('class="cd-front"', 1)[1]).lstrip("> ")
        for card in cards
        if card["kind"] == "term"
    )
    assert terms == ["과적합", "정밀도"]
    assert not [card for card in cards if "Translate" in answer_only(card["answer"])]


def test_a_table_prints_as_a_table(notes_dir, tmp_path: Path) -> None:
    """Each row's cells side by side on one line of the page, not "Service: … · …"."""
    sheet = _build(notes_dir, tmp_path, sheets=True) / "sheets" / "ai-services-cheat-sheet.pdf"
    words = subprocess.run(
        ["pdftotext", "-bbox", str(sheet), "-"], capture_output=True, text=True, check=True
    ).stdout
    top: dict[str, float] = {}  # each word's first line: "Polly" is in a later table too
    for y, word in re.findall(r'yMin="([\d.]+)"[^>]*>([^<]+)</word>', words):
        top.setdefault(word, float(y))
    assert abs(top["Polly"] - top["Lifelike"]) < 1
    assert abs(top["Transcribe"] - top["transcript"]) < 1
    assert abs(top["Category"] - top["Output"]) < 1  # the header row
    assert top["Category"] < top["Polly"]
    assert "Service:" not in words


EXAM_NOTE = """# Amazon SageMaker

## Clarify
- SageMaker Clarify는 편향을 탐지하고 예측을 설명한다. #exam-tip
- ⚠️ Clarify는 학습 전과 학습 후 편향 지표를 모두 계산한다.
- 시험에 자주 나옴: Clarify는 SHAP 값으로 특성 기여도를 보여준다.
- Clarify 보고서는 SageMaker Studio에서 볼 수 있다.
"""


def test_exam_marks_reach_the_sheet_and_the_deck(notes_dir, tmp_path: Path) -> None:
    """Issue 22, item 8: 330 facts tagged #exam-tip or marked ⚠️ looked like every other
    line; now they carry a mark on the sheet and an `exam` tag in Anki."""
    from .pdf_helpers import drawn_glyphs, pdf_text

    out = tmp_path / "out"
    build([notes_dir({"c.md": EXAM_NOTE})], out, NOW, BuildOptions())
    cards = rendered_cards(out / "deck.apkg", tmp_path / "anki")
    marked = {visible_text(card["question"]): "exam" in card["tags"].split() for card in cards}
    assert len(marked) >= 4 and all(marked.values())  # the Studio line makes no card
    fronts = " ".join(marked)
    assert "⚠" not in fronts and "시험에 자주 나옴" not in fronts  # marks, never a front
    sheet = out / "sheets" / "amazon-sagemaker.pdf"
    assert pdf_text(sheet).count("★") == 3
    assert all(program != ("notdef",) for _, program in drawn_glyphs(sheet)["★"])


def test_a_use_case_column_asks_with_the_row_s_other_cells(notes_dir, tmp_path: Path) -> None:
    """A new user's trial: "Content moderation" → Rekognition and "Voice for apps and IVR" →
    Polly were ambiguous without the Input/Output cells of their row; and the note's own
    title "AWS AI Services" was warned about as a service missing from the catalog."""
    note = (
        "# AWS AI Services\n\n## Comparison\n\n| Service | Input | Output | Use case |\n"
        "|---|---|---|---|\n| Amazon Rekognition | Images, video | Labels | Content moderation |\n"
        "| Amazon Polly | Text or SSML | Audio stream | Voice for apps and IVR |\n"
    )
    out = tmp_path / "out"
    result = build([notes_dir({"t.md": note})], out, NOW, BuildOptions(sheets=False))
    assert not [w for w in result.warnings if "looks like an AWS service" in w]
    cards = rendered_cards(out / "deck.apkg", tmp_path / "anki")
    fronts = sorted(
        visible_text(card["question"].split('class="cd-front"', 1)[1]).lstrip("> ")
        for card in cards
        if card["kind"] == "which"
    )
    assert fronts == [
        "Content moderation (Input: Images, video; Output: Labels)",
        "Voice for apps and IVR (Input: Text or SSML; Output: Audio stream)",
    ]
