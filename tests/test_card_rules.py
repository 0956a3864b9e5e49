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
    assert text(listed.front) == "훈련 방식" and listed.context == "ML"  # a section of ML
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


# --- issue #23: every card the blind audit deleted, verbatim --------------------------------


def fronts(found: list[Question]) -> list[str]:
    return [text(q.front) for q in found]


def test_examples_under_a_defined_term_are_no_set(notes_dir) -> None:
    """`인공지능` (3가지를 모두 말해 보세요) → 전문가 시스템 • AI 냉장고 • 항생제 처방."""
    note = (
        "# ML 1일차\n\n### AI 기술의 발전 및 계층 구조\n\n"
        "- 인공지능 : 인간의 지능 모방\n    - 전문가 시스템\n    - AI 냉장고\n    - 항생제 처방\n"
    )
    found, _ = questions(notes_dir, {"a.md": note})
    assert by_kind(found, "list") == []
    assert fronts(by_kind(found, "term")) == ["인공지능"]  # the definition stays


def test_a_list_of_named_terms_under_a_defined_term_is_a_set(notes_dir) -> None:
    """`Recipes (레시피): …` over four `RECIPE: meaning` items: AWS names, recalled whole."""
    note = (
        "# Amazon Personalize\n\n## Terminology (용어)\n"
        "- Recipes (레시피): AWS가 제공하는 사전 구성된 ML 알고리즘\n"
        "    - USER_PERSONALIZATION: 사용자별 개인화 추천\n"
        "    - PERSONALIZED_RANKING: 제공된 항목을 개인화 순위로 정렬\n"
        "    - RELATED_ITEMS: 유사 아이템 추천\n"
    )
    found, _ = questions(notes_dir, {"a.md": note})
    assert fronts(by_kind(found, "list")) == ["Recipes (레시피)"]


def test_use_case_examples_make_no_card(notes_dir) -> None:
    """`소매` (4가지…) → 제품 리뷰 요약 • …; `가격 최적화` → "AI는 …"; `뉴스 생성` → its answer
    restates it."""
    note = (
        "# Exploring AI\n\n- 실제 사용 사례의 예\n  - 소매\n"
        "    - 제품 리뷰 요약: AI는 소비자가 관련 정보를 빠르게 찾을 수 있도록 제품 리뷰 요약을 "
        "생성할 수 있습니다.\n"
        "    - 가격 최적화: AI는 다양한 가격 책정 시나리오를 모델링하여 최적의 가격 책정 전략을 "
        "결정할 수 있습니다.\n"
        "    - 가상 피팅: AI는 고객의 가상 모델을 생성하여 온라인 쇼핑 경험을 개선합니다.\n"
        "  - 미디어 및 엔터테인먼트\n"
        "    - 뉴스 생성: AI는 원시 데이터 또는 이벤트를 기반으로 기사 또는 요약을 생성할 수 "
        "있습니다.\n"
        "  - 사기 행위 탐지\n"
        "    - 사기 행위 탐지는 거래에서 사기 행위를 식별하고 방지하는 프로세스를 말합니다.\n"
    )
    found, _ = questions(notes_dir, {"a.md": note})
    assert by_kind(found, "list") == []
    assert fronts(by_kind(found, "term")) == ["사기 행위 탐지"]  # a definition is no example


def test_tasks_and_use_cases_of_models_are_no_sets(notes_dir) -> None:
    """`태스크` (6가지…) under Amazon Titan, Claude and Llama: interfering open sets."""
    models = {"Amazon Titan": ["텍스트 요약", "분류", "임베딩"], "Claude": ["콘텐츠 생성", "번역"]}
    note = "# 모델 선택\n\n" + "".join(
        f"## {name}\n- 태스크\n" + "".join(f"  - {task}\n" for task in tasks)
        for name, tasks in models.items()
    )
    found, _ = questions(notes_dir, {"a.md": note})
    assert found == []


def test_one_of_several_considerations_is_no_answer(notes_dir) -> None:
    """`생성형 AI 모델 선택 시 고려해야 할 요소` → 성능 요구 사항 (one of five sub-items)."""
    note = (
        "# AI\n\n- 생성형 AI 모델 선택 시 고려해야 할 요소\n  - 성능 요구 사항\n  - 기능\n"
        "    - 다양한 태스크를 수행할 수 있습니다\n  - 제약 조건\n    - 컴퓨팅 리소스\n"
    )
    found, _ = questions(notes_dir, {"a.md": note})
    assert "성능 요구 사항" not in [text(q.back) for q in found]


def test_course_aims_and_remarks_make_no_card(notes_dir) -> None:
    """`과정 목표` → "어떻게하면 … 구현할 수 있을까?의 전체 과정"; `ML기계학습 소개` →
    "사실상 SageMaker AI만 이야기함"; `개발자` → "y=2x+1 이런식으로 …"."""
    note = (
        "# ML 1일차\n\n### 과정 목표\n"
        "> 어떻게하면 AWS에서 머신러닝을 구현할 수 있을까?의 전체 과정\n\n"
        "### ML기계학습 소개\n> 사실상 SageMaker AI만 이야기함\n\n"
        "### ML 프로젝트 수명 주기\n`개발자` -> `y=2x+1` 이런식으로 1차함수를 짠다.\n\n"
        "### ML 모델 비교\n- 생성형 AI -> Foundation 기반 모델\n"
        "    - 그렇다면 Foundation 기반 모델은 `LLM`일까?\n    - 포함이다\n"
    )
    found, _ = questions(notes_dir, {"a.md": note})
    assert found == []


def test_a_which_clue_names_the_specific_service(notes_dir) -> None:
    """`＿＿＿で構築した機械学習モデル用に独自のワークフローを作成…人を介したレビュー` →
    Amazon SageMaker: wrong, it describes Amazon A2I."""
    note = (
        "# AI サービス\n\n### Amazon Augmented AI (Amazon A2I)\n\n"
        "Amazon SageMakerで構築した機械学習モデル用に独自のワークフローを作成することができ、"
        "モデルが信頼性の高い予測を作成できない場合に、人を介したレビューを行うことができる。\n\n"
        "### Amazon SageMaker\n\nフルマネージド型の機械学習サービス。\n"
    )
    found, _ = questions(notes_dir, {"a.md": note})
    (which,) = [q for q in by_kind(found, "which") if "レビュー" in q.front]
    assert text(which.back) == "Amazon Augmented AI (Amazon A2I)"
    assert "Amazon SageMaker" in text(which.front)  # the tool it names stays visible


def test_a_which_clue_that_fits_many_services_makes_no_card(notes_dir) -> None:
    """`Java, Python 지원` → Amazon CodeGuru; `이해하는 서비스이다` → Comprehend;
    `예측을 도와주는 기능이다` → Forecast; a negation; an arrow continuing the line above."""
    note = (
        "# 서비스\n\n## Amazon CodeGuru\n- Java, Python 지원\n"
        "- 자동 코드 리뷰 및 성능 문제 탐지\n\n"
        "## Amazon Comprehend\n- 이해하는 서비스이다.\n\n"
        "## Amazon Forecast\n- 예측을 도와주는 기능이다.\n\n"
        "## Amazon Rekognition\n- 画像検品ソリューションに特化したサービスではない\n\n"
        "## Amazon SageMaker\n- → sagemaker로 해결 가능함.\n"
    )
    found, _ = questions(notes_dir, {"a.md": note})
    assert fronts(by_kind(found, "which")) == ["자동 코드 리뷰 및 성능 문제 탐지"]


def test_which_back_category_is_in_the_notes_language(notes_dir) -> None:
    note = "# 서비스\n\n## Amazon Translate\n- 대량의 텍스트를 효율적으로 번역할 수 있다.\n"
    found, _ = questions(notes_dir, {"a.md": note})
    (which,) = by_kind(found, "which")
    assert text(which.extra).startswith("AI 서비스")


def test_members_of_an_enumeration_are_no_cloze(notes_dir) -> None:
    """`[...] , item_metadata_hidden_dim` and `item_id_hidden_dim , [...]`: each card showed
    the other member beside its blank; blanked together, `[...] , [...] 범위안에서의 훈련이
    필요하다` was all blank."""
    note = (
        "# Personalize\n\n"
        "- `item_id_hidden_dim`, `item_metadata_hidden_dim` 은 학습 차원 수를 정한다\n"
        "- **법적인**, **인간의 윤리** 범위안에서의 훈련이 필요하다.\n"
        "- 추천의 **관련성**을 높이려면 최신 상호 작용 데이터를 계속 넣는다\n"
    )
    found, _ = questions(notes_dir, {"a.md": note})
    (cloze,) = by_kind(found, "cloze")
    assert "{{c1::관련성}}" in cloze.front


def test_scenario_lines_ask_for_their_service(notes_dir) -> None:
    """All ten `scenario → service` lines of a cram note got no card (a new user's trial)."""
    note = (
        "# 시험 직전\n\n## 시나리오\n"
        "- 실시간 추천이 필요하다 → Amazon Personalize\n"
        "- 신뢰도 낮은 예측을 사람이 검토 -> Amazon Augmented AI (A2I)\n"
        "- 工場の製品の傷検出 → Lookout for Vision\n"
        "- Personalize로 추천 → Amazon Personalize\n"
    )
    found, _ = questions(notes_dir, {"a.md": note})
    asked = {text(q.front): text(q.back) for q in by_kind(found, "which")}
    assert asked == {
        "실시간 추천이 필요하다": "Amazon Personalize",
        "신뢰도 낮은 예측을 사람이 검토": "Amazon Augmented AI (Amazon A2I)",
        "工場の製品の傷検出": "Amazon Lookout for Vision",
    }  # a scenario naming its service gives itself away


def test_a_definition_is_its_first_sentence(notes_dir) -> None:
    """Overfitting had no card (underfitting had one): its sentence went on."""
    note = (
        "# ML\n\n- 기계 학습 모델 성능 평가\n"
        "  - 과대 적합은 모델이 훈련 데이터에서 제대로 작동하지만 평가 데이터에서는 제대로 "
        "작동하지 않는 경우입니다. 과대 적합과 과소 적합은 모델의 편향 및 분산과 관련이 "
        "있습니다.\n"
    )
    found, _ = questions(notes_dir, {"a.md": note})
    (term,) = by_kind(found, "term")
    assert text(term.front) == "과대 적합" and text(term.back).endswith("경우입니다.")


def test_a_sentence_about_a_repeated_topic_defines_nothing(notes_dir) -> None:
    """`생성형 AI 모델은 …` opens five statements: none defines it; their headings ask."""
    note = "# AI\n\n## 생성형 AI\n" + "".join(
        f"- {head}\n  - 생성형 AI 모델은 {body} 가능하게 합니다.\n"
        for head, body in (("응답성", "실시간 상호 작용을"), ("확장성", "대규모 제작을"))
    )
    found, _ = questions(notes_dir, {"a.md": note})
    assert sorted(fronts(by_kind(found, "term"))) == ["응답성", "확장성"]


def test_lookout_members_get_which_cards(notes_dir) -> None:
    """Lookout for Equipment/Metrics/Vision had no card: `Equipment: …` names its service."""
    note = (
        "# 기타 ML 서비스\n\n**Amazon Lookout 시리즈**\n\n- **Lookout for Equipment / Vision**\n"
        "    - Equipment: 센서 데이터 이상 감지, 설비 이상 예측\n"
        "    - Vision: 컴퓨터 비전을 사용하여 반도체, 회로 기판 결함 탐지\n"
    )
    found, _ = questions(notes_dir, {"a.md": note})
    answers = sorted(text(q.back) for q in by_kind(found, "which"))
    assert answers == ["Amazon Lookout for Equipment", "Amazon Lookout for Vision"]


def test_benefits_and_comments_on_a_heading_make_no_card(notes_dir) -> None:
    """Round two of the blind audit: "MLOps의 이점 › 신뢰성 → CI/CD 사례를 통합하면 …" (one of
    several benefits), "공정성 → … 공정성이 매우 중요합니다" (says it matters, not what it is)."""
    note = (
        "# MLOps\n\n- MLOps의 이점\n  - 신뢰성\n"
        "    - CI/CD 사례를 통합하면 개발자는 향상된 품질과 일관성으로 빠르게 배포할 수 있습니다.\n"
        "- 핵심 요소\n  - 공정성\n"
        "    - 책임감 있는 AI 시스템을 개발하기 위해서는 공정성이 매우 중요합니다.\n"
        "  - 투명성\n"
        "    - 투명성은 AI 시스템에 대한 정보를 전달하므로 이해 관계자가 사용 여부를 선택할 수 "
        "있습니다.\n"
        "- 배포 옵션\n  - 배치 변환\n"
        "    - 대규모 데이터세트에서 추론해야 하고 영구 엔드포인트가 필요하지 않은 경우 배치 "
        "변환을 사용합니다.\n"
    )
    found, _ = questions(notes_dir, {"a.md": note})
    assert sorted(fronts(by_kind(found, "term"))) == ["배치 변환", "투명성"]


def test_a_feature_clue_keeps_its_parent_and_drops_its_own_heading(notes_dir) -> None:
    """`MLOps용 AWS 서비스 › 파이프라인` above "＿＿＿ 를 사용하여 ＿＿＿ 작업을 …" gave
    Pipelines away and hid the SageMaker the clue is about."""
    note = (
        "# ML 솔루션\n\n- MLOps용 AWS 서비스\n  - 파이프라인\n"
        "    - Amazon SageMaker Pipelines를 사용하여 SageMaker 작업을 관리하고 배포하는 엔드 투 "
        "엔드 워크플로를 생성할 수 있습니다.\n"
    )
    found, _ = questions(notes_dir, {"a.md": note})
    (which,) = by_kind(found, "which")
    assert text(which.front).count("＿＿＿") == 1 and "SageMaker 작업" in text(which.front)
    assert "파이프라인" not in text(which.context)
    assert text(which.back) == "Amazon SageMaker Pipelines · Amazon SageMaker"


def test_a_cloze_whose_sentence_points_back_makes_no_card(notes_dir) -> None:
    """`사용자는 … 없이 [...] 을 통해 이 기능을 활용할 수 있다` → API 접근."""
    note = (
        "# Amazon Personalize\n\n## 실시간 적응성\n"
        "- 사용자는 복잡한 인프라 관리나 ML 모델 개발 없이 **API 접근**을 통해 이 기능을 활용할 "
        "수 있다.\n"
    )
    found, _ = questions(notes_dir, {"a.md": note})
    assert by_kind(found, "cloze") == []


def test_a_which_clue_must_say_what_its_service_does(notes_dir) -> None:
    """Round three: "＿＿＿ 는 관리 제어 및 가드레일에 대한 간단한 구성을 제공합니다" → Amazon Q
    Business taught the wrong link (guardrails are Bedrock's); the catalog says what each
    service does, and a clue holds one of those words or makes no card."""
    note = (
        "# Amazon Q Business\n\n"
        "- Amazon Q Business는 관리 제어 및 가드레일에 대한 간단한 구성을 제공합니다.\n"
        "- Amazon Q Business는 기업 데이터에 연결된 생성형 AI 어시스턴트입니다.\n"
    )
    found, _ = questions(notes_dir, {"a.md": note})
    assert fronts(by_kind(found, "which")) == [
        "＿＿＿ 는 기업 데이터에 연결된 생성형 AI 어시스턴트입니다."
    ]


def test_a_term_two_notes_define_is_one_card_with_both_answers(notes_dir) -> None:
    """ "비지도 학습" was defined in two notes: two cards that interfered, so neither was made."""
    found, _ = questions(
        notes_dir,
        {
            "a.md": "# 기계 학습\n\n## 기법\n"
            "- 비지도 학습은 레이블 미지정 데이터로 학습하는 알고리즘을 말합니다.\n",
            "b.md": "# 1일차\n\n## 훈련 방식\n- 비지도 학습 : 은닉 패턴이나 구조를 찾는다\n",
        },
    )
    (term,) = by_kind(found, "term")
    assert text(term.front) == "비지도 학습"
    assert "레이블 미지정" in term.back and "은닉 패턴" in term.back and len(term.facts) == 2


def test_other_authors_shapes_from_the_audit(notes_dir) -> None:
    """Issue #23 on other authors' notes: a term whose only content is a tag (an empty
    answer), a bare URL as a front, `Purpose` as the front of 16 cards, a cloze on the
    mnemonic side of `[...] ＝ Feature Store`, quiz options turned into "4단계를 순서대로"."""
    note = (
        "# Amazon SageMaker\n\n## Feature Store\n- Purpose: store and share features\n"
        "- Tip: #exam-tip\n- https://docs.aws.amazon.com/sagemaker/: the developer guide\n"
        "- **특성 저장소** ＝ Feature Store\n\n"
        "## Clarify\n- Purpose: detect bias and explain predictions\n\n"
        "## 퀴즈\n### 문제 1\n모델 배포 단계로 옳은 것은?\n\n"
        "1. 데이터 수집\n2. 모델 훈련\n3. 엔드포인트 배포\n4. 모니터링\n\n정답: 3\n"
    )
    found, _ = questions(notes_dir, {"a.md": note})
    assert [q for q in found if not text(q.back) and q.model != "cloze"] == []
    assert not [q for q in found if "http" in text(q.front)]
    assert "Purpose" not in fronts(found)
    assert not [q for q in found if "＝" in q.front and q.model == "cloze"]
    assert by_kind(found, "ordered") == [] and by_kind(found, "list") == []
    (quiz,) = by_kind(found, "qa")
    assert text(quiz.back) == "엔드포인트 배포"


def test_a_which_clue_without_a_word_of_what_the_service_does(notes_dir) -> None:
    """`＿＿＿ 모델을 훈련하고 … 데이터를 서비스에 제공해야 한다` → Personalize: nothing in it
    says recommendation."""
    note = (
        "# Amazon Personalize\n\n"
        "- Personalize 모델을 훈련하고 실시간으로 업데이트하기 위해 다양한 유형의 데이터를 "
        "서비스에 제공해야 한다\n"
        "- 완전 관리형 추천 엔진 서비스로 실시간 개인화 추천을 만든다.\n"
    )
    found, _ = questions(notes_dir, {"a.md": note})
    assert fronts(by_kind(found, "which")) == [
        "완전 관리형 추천 엔진 서비스로 실시간 개인화 추천을 만든다."
    ]


def test_a_scenario_under_a_comparison_shows_no_side_above_it(notes_dir) -> None:
    """The 30 new cards' blind rating: "vs OpenSearch › 違い" above "「社内文書に自然言語で
    質問」" told the learner the answer was the other side."""
    note = (
        "# 検索\n\n## Kendra vs OpenSearch\n\n### 違い\n- 「社内文書に自然言語で質問」なら Kendra\n"
    )
    found, _ = questions(notes_dir, {"a.md": note})
    (which,) = by_kind(found, "which")
    assert text(which.back) == "Amazon Kendra"
    assert "OpenSearch" not in text(which.context) and "Kendra" not in text(which.context)
