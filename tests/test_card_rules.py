"""The card rules, one small note each (Korean, Japanese, English): which facts make which
cards, and which make none. Each test names the pattern of issue #8 it guards against."""

from __future__ import annotations

import re
from pathlib import Path

from generator.build import load
from generator.deck.card_rules import COURSE_REMARK, GENERIC_FRONT, Question
from generator.deck.cards import SAME_QUESTION, _Renderer, corpus_for, plan_questions

from .conftest import NOW

_TAG = re.compile(r"<[^>]+>")


def text(html: str) -> str:
    return " ".join(_TAG.sub(" ", html).split())


def questions(notes_dir, files: dict[str, str]) -> tuple[list[Question], dict[str, str]]:
    loaded = load([notes_dir(files)], NOW)
    corpus = corpus_for(loaded.notes, loaded.identified.lock, _Renderer({}))
    return plan_questions(loaded.notes, corpus)


def by_kind(found: list[Question], kind: str) -> list[Question]:
    return [q for q in found if q.kind == kind]


def test_term_cards_ask_the_term_in_its_context(notes_dir) -> None:
    found, _ = questions(
        notes_dir,
        {"a.md": "# Amazon Personalize\n\n## Recipes\n- `USER_SEGMENTATION`: 사용자 그룹화\n"},
    )
    (term,) = by_kind(found, "term")
    assert text(term.front) == "USER_SEGMENTATION"
    assert text(term.back) == "사용자 그룹화"
    assert text(term.context) == "Amazon Personalize › Recipes"
    assert term.label == "무엇일까요?"


def test_sentence_completion_and_positions_are_gone(notes_dir) -> None:
    """Issue #8: 393 fronts were a sentence cut at a character count; 120 asked "item k of N"
    of lists with no order."""
    note = (
        "# Responsible AI\n\n## 관행\n"
        "- 모니터링 및 감독 메커니즘을 갖추고 있어 완전히 투명하고 책임 소재가 분명함\n"
        "- 책임감 있는 AI 전략을 담당하는 리더십 팀에 의해 관리됨\n"
    )
    found, _ = questions(notes_dir, {"a.md": note})
    assert [(q.kind, text(q.front)) for q in found] == [("term", "관행")]  # the heading asks
    assert "…" not in found[0].front and "번째" not in found[0].label


def test_a_defining_sentence_asks_for_its_subject(notes_dir) -> None:
    note = (
        "# ML\n\n## 지표\n\n전환율은 구매 또는 가입으로 이어진 방문의 비율을 말합니다.\n\n"
        "그 밖의 지표도 있습니다.\n"
    )
    found, _ = questions(notes_dir, {"a.md": note})
    (term,) = by_kind(found, "term")
    assert text(term.front) == "전환율"


def test_verb_endings_are_not_taken_for_a_topic(notes_dir) -> None:
    """Issue #8: "책임감 있는 AI를 …" made a card asking for "책임감 있"."""
    note = "# AI\n\n## 원칙\n\n책임감 있는 AI를 위한 도구를 사용합니다.\n\n두 번째 문장입니다.\n"
    found, _ = questions(notes_dir, {"a.md": note})
    assert [text(q.front) for q in found] == ["원칙"]  # the heading, never "책임감 있"


def test_back_references_never_open_a_front(notes_dir) -> None:
    """Issue #8: 55 fronts began "이는…", "これは…", "또한…"."""
    note = (
        "# Amazon Kendra\n\n"
        "- 이를 통해 **검색 정확도**를 높일 수 있습니다.\n"
        "- これは**ML**を使った検索です。\n"
        "- 또한 **커넥터**를 제공합니다.\n"
    )
    found, reasons = questions(notes_dir, {"a.md": note})
    assert found == []
    assert all("pointing at an earlier sentence" in reason for reason in reasons.values())


def test_cloze_blanks_keywords_never_examples_yes_no_or_glosses(notes_dir) -> None:
    """Issue #8: blanks on "y=2x+1", True/False and "(re-rank)"."""
    note = (
        "# Amazon Personalize\n\n"
        "- 추천 결과의 순위를 재조정(**re-rank**)하여 보여 준다\n"
        "- 개발자는 `y=2x+1` 같은 규칙을 직접 짠다\n"
        "- 이 옵션의 기본값은 **True** 로 설정된다\n"
        "- 실시간 이벤트로 **실시간 적응성**을 제공한다\n"
    )
    found, _ = questions(notes_dir, {"a.md": note})
    clozes = [q.front for q in by_kind(found, "cloze")]
    assert clozes == ["실시간 이벤트로 <strong>{{c1::실시간 적응성}}</strong>을 제공한다"]


def test_lists_are_whole_short_sets_of_siblings(notes_dir) -> None:
    """Issue #8: 111 list cards had two items, 98 were sentences of a paragraph."""
    note = (
        "# ML\n\n## 훈련 방식\n- 지도 학습\n- 비지도 학습\n- 강화 학습\n\n"
        "## 두 개\n- 하나\n- 둘\n\n"
        "## 문단\n첫 문장입니다. 둘째 문장입니다.\n셋째 문장입니다.\n"
    )
    found, _ = questions(notes_dir, {"a.md": note})
    (listed,) = by_kind(found, "list")
    assert text(listed.front) == "훈련 방식" and listed.context == ""
    assert listed.back.count("<li>") == 3
    assert listed.label == "3가지를 모두 말해 보세요"


def test_a_list_with_a_nested_item_is_named_by_its_terms(notes_dir) -> None:
    note = (
        "# ML\n\n### 카테고리\n\n- 지도학습 : 정답 레이블 데이터\n"
        "- 비지도 학습 : 정답이 없는 데이터\n    - 은닉 패턴을 찾는다\n"
        "- 강화학습(RL) : 피드백으로 학습\n"
    )
    found, _ = questions(notes_dir, {"a.md": note})
    (listed,) = by_kind(found, "list")
    assert [text(item) for item in re.findall(r"<li>(.*?)</li>", listed.back)] == [
        "지도학습",
        "비지도 학습",
        "강화학습(RL)",
    ]


def test_numbered_lists_and_steps_are_asked_in_order(notes_dir) -> None:
    note = (
        "# MLOps\n\n## 배포 파이프라인\n"
        "- 이 파이프라인에 포함되는 단계는 다음과 같습니다.\n- 소스\n- 빌드\n- 테스트\n\n"
    )
    found, _ = questions(
        notes_dir, {"a.md": note, "b.md": "# MLOps\n\n## 手順\n1. データ収集\n2. 前処理\n3. 学習\n"}
    )
    ordered = by_kind(found, "ordered")
    assert [text(q.front) for q in ordered] == [
        "이 파이프라인에 포함되는 단계는 다음과 같습니다.",
        "手順",
    ]
    assert ordered[1].label == "3つを順番に挙げよう" and "<ol>" in ordered[1].back


def test_which_cards_single_the_service_out(notes_dir) -> None:
    note = (
        "# Amazon Transcribe\n\n- 자동 음성 인식(ASR)으로 음성을 텍스트로 바꿔준다.\n"
        "- GB당 과금된다.\n\n"
        "# Amazon Polly\n\n- 딥러닝으로 텍스트를 음성으로 합성한다.\n"
    )
    found, _ = questions(notes_dir, {"a.md": note})
    which = by_kind(found, "which")
    assert sorted(text(q.back) for q in which) == ["Amazon Polly", "Amazon Transcribe"]
    assert all(q.deck == "Which service?" for q in which)  # never the deck it answers
    assert not any("과금" in q.front for q in which)  # boilerplate fits every service


def test_which_cards_mask_short_forms_and_answer_features(notes_dir) -> None:
    """Issue #8: "Amazon Q" left in fronts of Amazon Q Business; Model Monitor answered only
    by "Amazon SageMaker"."""
    note = (
        "# Amazon Q Business\n\n"
        "- Amazon Q는 기업 데이터로 질문에 답하는 생성형 AI 어시스턴트이다.\n\n"
        "# MLOps\n\n- SageMaker Model Monitor를 사용하면 프로덕션 모델의 품질 편차를 감지한다.\n"
    )
    found, _ = questions(notes_dir, {"a.md": note})
    which = {text(q.back): q for q in by_kind(found, "which")}
    assert "Amazon Q" not in which["Amazon Q Business"].front
    monitor = which["Amazon SageMaker Model Monitor · Amazon SageMaker"]
    assert "Monitor" not in monitor.front and "SageMaker" not in monitor.front


def test_same_front_different_answers_are_dropped(notes_dir) -> None:
    """Issue #8: "비즈니스 가치 — 뜻은?" on 12 cards with 4 answers."""
    note = "# AI\n\n## 예\n- 비즈니스 가치: 운영 개선\n- 비즈니스 가치: 고객 참여\n"
    found, reasons = questions(notes_dir, {"a.md": note})
    assert by_kind(found, "term") == []
    assert set(reasons.values()) == {GENERIC_FRONT}  # a generic heading is no front


def test_same_front_under_two_subjects_with_two_answers_interferes(notes_dir) -> None:
    """Issue #23: a front only its breadcrumb told apart from another with another answer."""
    note = (
        "# Amazon Titan\n\n- 임베딩: 텍스트를 벡터로\n\n"
        "# Amazon Kendra\n\n- 임베딩: 문서 검색용 표현\n"
    )
    found, reasons = questions(notes_dir, {"a.md": note})
    assert by_kind(found, "term") == []
    assert set(reasons.values()) >= {SAME_QUESTION}


def test_explicit_syntax_always_makes_its_card(notes_dir) -> None:
    note = (
        "# Quiz\n\nQ: What does Amazon Kendra do?\nA: Intelligent enterprise search.\n\n"
        "- Q：Polly は何をする？\n- A：テキストを音声に変換する\n\n"
        "- 지도학습 :: 정답 레이블이 있는 데이터로 학습\n"
        "- Precision ::: TP / (TP + FP)\n"
        "- 이는 ==중요한 키워드==입니다\n"
        "- 그냥 **문장**입니다. <!-- cheatdeck: nocard -->\n"
    )
    found, reasons = questions(notes_dir, {"a.md": note})
    kinds = sorted(q.kind for q in found)
    assert kinds == ["cloze", "qa", "qa", "reverse", "term", "term"]
    qa = by_kind(found, "qa")
    assert [text(q.front) for q in qa] == ["What does Amazon Kendra do?", "Polly は何をする？"]
    assert text(by_kind(found, "reverse")[0].back) == "Precision"
    assert "{{c1::중요한 키워드}}" in by_kind(found, "cloze")[0].front
    assert list(reasons.values()) == ["marked nocard"]


def test_labels_follow_the_note_file_language(notes_dir) -> None:
    """Issue #8: Korean and Japanese notes got English labels when a fact was all Latin."""
    found, _ = questions(
        notes_dir,
        {
            "a.md": "# SageMaker\n\n## アルゴリズム\n"
            "- XGBoost: gradient boosted trees\n"
            "- 日本語のノートです。\n",
            "b.md": "# 한국어 노트\n\n- 한국어 문장입니다.\n",
        },
    )
    (term,) = [q for q in by_kind(found, "term") if "XGBoost" in q.front]
    assert term.label == "何でしょう？"


def test_highlight_never_marks_inside_code(notes_dir, tmp_path: Path) -> None:
    found, _ = questions(notes_dir, {"a.md": "# T\n\n- 연산자 `a == b == c` 를 쓴다\n"})
    assert not any("<mark>" in q.front for q in found)


def test_bullets_that_are_sentences_make_no_list_card(notes_dir) -> None:
    """Statements are not members of a set: "name all 3" of three claims asks for prose."""
    note = "# Forecast\n\n## 특징\n- 매우 정확하다.\n- 시간을 줄여준다.\n- 완전 관리형이다.\n"
    found, _ = questions(notes_dir, {"a.md": note})
    assert by_kind(found, "list") == []


def test_a_course_remark_makes_no_card(notes_dir) -> None:
    """Issue #23: cloze `등등등.... 검색,챗봇,…,[...],예측에 제공하는 서비스들이있음` → 생성형AI."""
    note = (
        "# AI 서비스\n\n## 개념\n"
        "- 등등등.... 검색,챗봇,추천,**생성형AI**,예측에 제공하는 서비스들이있음\n"
        "- **RAG**: 검색한 문서로 답을 보강하는 기법\n"
    )
    found, reasons = questions(notes_dir, {"a.md": note})
    assert [text(q.front) for q in found if q.kind == "cloze"] == []
    assert COURSE_REMARK in reasons.values()
    assert [text(q.front) for q in by_kind(found, "term")] == ["RAG"]


def test_a_which_clue_with_two_features_masked_makes_no_card(notes_dir) -> None:
    """Issue #23: `＿＿＿ 을 ＿＿＿ 와 통합하여 …` asked for one of two masked features."""
    note = (
        "# Amazon Bedrock\n\n- Guardrails for Amazon Bedrock을 Agents for Amazon Bedrock와 "
        "통합하여 책임감 있는 AI 정책에 부합하는 생성형 AI 애플리케이션을 구축할 수 있다.\n"
    )
    found, _ = questions(notes_dir, {"a.md": note})
    assert by_kind(found, "which") == []


def test_a_cloze_breadcrumb_holding_the_blank_is_left_out(notes_dir) -> None:
    """Issue #23: `Features › 비정형 텍스트 입력 가능` above the blank
    `비정형 텍스트 입력(Unstructured text input)`."""
    note = (
        "# Amazon Personalize\n\n## Features\n\n### 비정형 텍스트 입력 가능\n"
        "- 항목의 설명이나 제목과 같은 **비정형 텍스트 입력(Unstructured text input)** "
        "을 지원한다\n"
    )
    found, _ = questions(notes_dir, {"a.md": note})
    (cloze,) = by_kind(found, "cloze")
    assert "비정형" not in text(cloze.context) and "Features" in text(cloze.context)
