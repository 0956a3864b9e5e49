"""The line under a sheet's title (issue 22, item 6): a sentence that says what the subject
is, never a property line or another entry's sentence deep in a section."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

from generator.build import build
from generator.options import BuildOptions, DeckOptions

from .conftest import NOW
from .pdf_helpers import pdf_text

NOTE = """# Amazon SageMaker

태그: AIF-C01, MLA-C01

## 연동
### AWS Glue
- Glue는 서버리스 데이터 통합 서비스입니다.

## 훈련
- 훈련 작업은 스크립트가 끝나면 멈춘다.
"""


def _built(notes_dir, tmp_path: Path, notes: dict[str, str], **options: Any) -> Path:
    """The output folder of a build of ``notes`` (BuildOptions ``options``)."""
    out = tmp_path / "out"
    build([notes_dir(notes)], out, NOW, BuildOptions(**options))
    return out


def test_the_definition_line_names_what_the_service_is(notes_dir, tmp_path: Path) -> None:
    out = _built(notes_dir, tmp_path, {"s.md": NOTE}, deck=False)
    text = pdf_text(out / "sheets" / "amazon-sagemaker.pdf")
    lines = [line for line in text.splitlines() if line.strip()]
    title = lines.index("Amazon SageMaker Machine learning platform")  # not the running head
    under = lines[title + 1]  # no sentence says what SageMaker is: no definition line
    assert "Glue" not in under and "태그" not in under


def test_navigation_sections_are_no_facts_and_exam_titles_mark_their_facts(
    notes_dir, tmp_path: Path
) -> None:
    """A new user's trial: the 目次 list of links and the 関連ノート links printed as facts
    (and one reached SageMaker's sheet); facts inside `!!! tip "Exam tip"` carried no mark;
    "「…」なら Kendra" made no card."""
    note = (
        "# 検索と自然言語処理\n\n## 目次\n- [[#概要]]\n- [[#まとめ]]\n\n## 概要\n"
        "- Amazon Kendra は機械学習を使ったエンタープライズ検索サービスです。\n\n"
        '!!! tip "Exam tip"\n    Kendra は FAQ を登録すると質問に直接答えられる。\n\n'
        "- 試験に出る：「社内文書に自然言語で質問」なら Kendra\n\n"
        "## 関連ノート\n- [[SageMaker の基本]]\n"
    )
    out = _built(notes_dir, tmp_path, {"k.md": note}, sheets=False)
    facts = json.loads((out / "facts.json").read_text())["facts"]
    texts = [fact["text"] for fact in facts]
    assert not [t for t in texts if t in ("概要", "まとめ", "SageMaker の基本")]
    faq = next(fact for fact in facts if "FAQ" in fact["text"])
    assert "exam" in faq["tags"]
    scenario = next(fact for fact in facts if "なら" in fact["text"])
    assert "which" in scenario["cards"] and "exam" in scenario["tags"]


COMPARISON = """# 検索サービス

## Kendra vs OpenSearch

### Amazon Kendra
- 自然言語の質問に対して、文書の中から答えの箇所を返す

### Amazon OpenSearch Service
- インデックスやクエリを自分で設計する検索・分析エンジン

## Comprehend와 SageMaker의 차이
- Amazon Comprehend는 사전 학습된 NLP API를 제공한다.
"""


def test_a_comparison_prints_whole_on_each_compared_service_s_sheet(
    notes_dir, tmp_path: Path
) -> None:
    """Issue 22, item 2: "Kendra vs OpenSearch" was cut across two sheets, each keeping its
    own half; a comparison's facts are about every side it compares."""
    out = _built(notes_dir, tmp_path, {"c.md": COMPARISON})
    for sheet in ("amazon-kendra.pdf", "amazon-opensearch-service.pdf"):
        words = subprocess.run(
            ["pdftotext", "-bbox", str(out / "sheets" / sheet), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        tops = re.findall(r'yMin="([\d.]+)"[^>]*>([^<]+)</word>', words)
        kendra = [float(y) for y, word in tops if "文書の" in word]
        opensearch = [float(y) for y, word in tops if "自分で" in word]
        assert kendra and opensearch, sheet  # both sides on each side's sheet
        assert min(abs(k - o) for k in kendra for o in opensearch) < 1, sheet  # side by side
    facts = json.loads((out / "facts.json").read_text())["facts"]
    comprehend = next(fact for fact in facts if "NLP API" in fact["text"])
    assert comprehend["also"] == ["Amazon Comprehend", "Amazon SageMaker"]  # "A와 B의 차이" too


def test_each_side_of_a_comparison_asks_which_of_the_two(notes_dir, tmp_path: Path) -> None:
    """Discrimination cards: a statement of one side, the compared names masked, asked as
    "Amazon Kendra · Amazon OpenSearch Service — which of the two?"."""
    from .anki_helpers import answer_only, rendered_cards, visible_text

    out = _built(notes_dir, tmp_path, {"c.md": COMPARISON}, sheets=False)
    asked = {
        visible_text(card["question"]): answer_only(card["answer"]).split(" ")[:2]
        for card in rendered_cards(out / "deck.apkg", tmp_path / "anki")
        if card["kind"] == "which"
    }
    both = "Amazon Kendra · Amazon OpenSearch Service — どちらでしょう？"
    assert asked == {
        f"{both} 自然言語の質問に対して、文書の中から答えの箇所を返す": ["Amazon", "Kendra"],
        f"{both} インデックスやクエリを自分で設計する検索・分析エンジン": ["Amazon", "OpenSearch"],
        "Amazon Comprehend · Amazon SageMaker — どちらでしょう？ ＿＿＿ 는 사전 학습된 NLP API를 "
        "제공한다.": ["Amazon", "Comprehend"],
    }


def test_the_booklet_s_decision_page_tells_each_comparison_s_sides_apart(
    notes_dir, tmp_path: Path
) -> None:
    """Issue 22, item 9: the comparisons follow the clues on the decision page, each
    statement with the side it belongs to; the bookmarks stay one per sheet."""
    from pypdf import PdfReader

    from .pdf_helpers import outline

    out = _built(notes_dir, tmp_path, {"c.md": COMPARISON})
    booklet = out / "sheets" / "all.pdf"
    first_page = "".join(pdf_text(booklet).split("\f")[0].split()).replace("\u2060", "")
    assert "どのサービス？" in first_page  # in the language most clues are in
    assert "AmazonKendravsAmazonOpenSearchService" in first_page
    assert "文書の中から答えの箇所を返す→Kendra" in first_page
    assert "インデックスやクエリを自分で設計する検索・分析エンジン→OpenSearchService" in first_page
    titles = [title for title, _, _ in outline(PdfReader(str(booklet)))]
    assert len(titles) == len(list((out / "sheets").glob("*.pdf"))) - 1  # all.pdf
    assert not {"どのサービス？", "어떤 서비스일까?", "Which service?"} & set(titles)
    options = BuildOptions(deck_options=DeckOptions(skip_kinds=frozenset({"which"})))
    build([notes_dir({"c.md": COMPARISON})], out, NOW, options)  # no which cards, no page
    first_page = "".join(pdf_text(booklet).split("\f")[0].split())
    assert "→Kendra" not in first_page and "サービス？" not in first_page


UNHEADED_SIDES = """# Amazon Kendra

## Kendra vs OpenSearch

- Kendra는 자연어 질문으로 사내 문서를 검색하는 지능형 검색 서비스입니다.
- OpenSearch는 로그 분석과 전문 검색을 위한 검색 엔진 클러스터를 관리합니다.
- 둘 다 검색에 쓰이지만 용도가 다릅니다.
"""


def test_a_comparison_in_a_service_s_note_sides_each_fact_by_the_name_it_opens_with(
    notes_dir, tmp_path: Path
) -> None:
    """In Kendra's own note every fact's subject is Kendra: "OpenSearch는 …" was asked
    with the answer Kendra and printed in both columns, and "둘 다 …", a remark on both,
    was asked as Kendra's."""
    from .anki_helpers import answer_only, rendered_cards, visible_text

    out = _built(notes_dir, tmp_path, {"kendra.md": UNHEADED_SIDES})
    asked = {
        re.split(r"[?？] ", visible_text(card["question"]), maxsplit=1)[1]: answer_only(
            card["answer"]
        )
        for card in rendered_cards(out / "deck.apkg", tmp_path / "anki")
        if card["kind"] == "which"
    }
    assert {clue: answer.split(" ")[1] for clue, answer in asked.items()} == {
        "＿＿＿ 는 자연어 질문으로 사내 문서를 검색하는 지능형 검색 서비스입니다.": "Kendra",
        "＿＿＿ 는 로그 분석과 전문 검색을 위한 검색 엔진 클러스터를 관리합니다.": "OpenSearch",
    }
    sheet = pdf_text(out / "sheets" / "amazon-kendra.pdf")
    assert sheet.count("로그 분석과") == 1  # in OpenSearch's column only


NOTION = """# When to use what? 🤔

Created: March 5, 2025 10:14 PM
Tags: AWS, Cheatsheet
Status: In progress

Quick lookup table I built while doing practice tests.

## When to use what?

| Scenario | Service |
| --- | --- |
| Read articles aloud in a natural voice | Amazon Polly |

## Gotchas

- Kendra finds documents; Bedrock generates answers.
"""


def test_a_notion_page_is_one_topic_and_its_properties_are_no_fact(
    notes_dir, tmp_path: Path
) -> None:
    """A new user's Notion export: the page properties printed as a fact, and the page's
    title and its "## When to use what?" became two subjects of near-identical names."""
    from click.testing import CliRunner

    from generator.commands.cli import cli

    folder = notes_dir({"when.md": NOTION})
    out = tmp_path / "out"
    build([folder], out, NOW, BuildOptions(sheets=False))
    document = json.loads((out / "facts.json").read_text())
    assert [s["name"] for s in document["subjects"]] == ["When to use what? 🤔"]
    texts = [fact["text"] for fact in document["facts"]]
    assert not [text for text in texts if "Created" in text or "Status" in text]
    gotcha = next(f for f in document["facts"] if f["text"].startswith("Kendra finds"))
    assert gotcha["path"] == ["Gotchas"]
    said = CliRunner().invoke(cli, ["explain", f"{folder / 'when.md'}:3"])
    assert said.exit_code == 0 and "page properties" in said.output


def test_a_topic_s_line_is_a_paragraph_of_its_own(notes_dir, tmp_path: Path) -> None:
    """A new user's trial: under "# 1. ML 수명 주기" the first step of the list printed as
    the topic's definition, cut off from its list; a quiz topic was "defined" by its first
    answer about Amazon Comprehend."""
    notes = {
        "steps.md": "# ML 수명 주기\n\n1. 비즈니스 목표 정의\n2. 데이터 수집\n3. 모델 학습\n",
        "quiz.md": "# 모의고사\n\nAmazon Comprehend는 텍스트에서 감정을 추출하는 서비스입니다.\n",
        "intro.md": "# 생성형 AI\n\n생성형 AI 강의 2주차 정리입니다.\n\n- 토큰은 읽는 단위다.\n",
    }
    out = tmp_path / "out"
    build([notes_dir(notes)], out, NOW, BuildOptions(deck=False))

    def under_title(slug: str, title: str) -> str:
        lines = [line for line in pdf_text(out / "sheets" / f"{slug}.pdf").splitlines() if line]
        return lines[lines.index(title, 1) + 1]  # the line under the title, not the running head

    assert "비즈니스 목표 정의" not in under_title("ml-수명-주기", "ML 수명 주기")
    assert "Comprehend" not in under_title("모의고사", "모의고사")
    assert under_title("생성형-ai", "생성형 AI") == "생성형 AI 강의 2주차 정리입니다."


BARE_SIDES = """# 言語系サービス

## Comprehend と Translate の違い

- Comprehend はテキストの感情やエンティティを分析する
- Translate はカスタム用語で製品名の訳し方を固定できる
- Translate はテキストをある言語から別の言語へ翻訳する
- どちらもテキストを入力とするAPIサービス

| シナリオ | サービス |
| --- | --- |
| 商品レビューの感情を判定したい | Amazon Comprehend |
| マニュアルを10言語に翻訳したい | Amazon Translate |
"""


def test_a_comparison_s_sides_are_read_by_their_bare_names_and_its_table_stays_whole(
    notes_dir, tmp_path: Path
) -> None:
    """A new user's trial: under "Comprehend と Translate の違い" both columns were empty
    ("Comprehend は…" names no service alone: "comprehend" is a word) and no card asked
    which of the two; a scenario table under a comparison was cut into the two columns."""
    out = _built(notes_dir, tmp_path, {"n.md": BARE_SIDES})
    facts = json.loads((out / "facts.json").read_text())["facts"]
    sided = {f["text"][:15]: f["cards"] for f in facts if f["text"].startswith(("Comp", "Tran"))}
    assert sided == {
        "Comprehend はテキス": ["which"],
        "Translate はカスタム": ["which"],
        "Translate はテキスト": [],  # says what the name says: "Translate" answers it
    }
    words = subprocess.run(
        ["pdftotext", "-bbox", str(out / "sheets" / "言語系サービス.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    tops = re.findall(r'yMin="([\d.]+)"[^>]*>([^<]+)</word>', words)
    heads = [
        (float(a), float(b))
        for a, x in tops
        for b, y in tops
        if (x, y) == ("Comprehend", "Translate")
    ]
    assert len([p for p in heads if abs(p[0] - p[1]) < 1]) >= 2  # box title, column heads
    analyse = next(float(y) for y, w in tops if "分析する" in w)
    translate = next(float(y) for y, w in tops if "カスタム" in w)
    assert abs(analyse - translate) < 12  # side by side, each under its name
    review = next(float(y) for y, w in tops if "商品レビュー" in w)
    manual = next(float(y) for y, w in tops if "マニュアル" in w)
    assert review < manual  # the table's rows one under the other, not split into columns


def test_a_numbered_heading_names_its_service_without_a_misspelling(notes_dir) -> None:
    """A new user's lecture notes: `check` called "## 2. SageMaker 운영 기능" and
    "### 2.1 SageMaker Pipelines" misspelt service names."""
    from click.testing import CliRunner

    from generator.commands.cli import cli

    note = (
        "# MLOps 강의 노트\n\n## 2. SageMaker 운영 기능\n\n### 2.1 SageMaker Pipelines\n"
        "- ML 워크플로를 자동화하는 CI/CD 서비스\n\n## (3) Amazon Kendra\n- 지능형 검색\n"
    )
    folder = notes_dir({"n.md": note})
    said = CliRunner().invoke(cli, ["check", str(folder)])
    assert "misspelt" not in said.output and "unknown-service" not in said.output
    facts = json.loads(CliRunner().invoke(cli, ["facts", str(folder), "--json"]).output)
    subjects = {f["text"]: f["subject"] for f in facts["facts"]}
    assert subjects == {
        "ML 워크플로를 자동화하는 CI/CD 서비스": "Amazon SageMaker",
        "지능형 검색": "Amazon Kendra",
    }


FEATURES_COMPARED = """# Amazon SageMaker

## SageMaker Model Monitor와 Clarify의 차이

- Model Monitor는 데이터 드리프트가 생기면 CloudWatch 경보로 알려준다
- Model Monitor는 배포된 엔드포인트의 데이터 품질을 지속적으로 감시한다
- Clarify는 학습 데이터와 모델 예측의 편향을 탐지한다
- 둘 다 함께 쓸 수 있다: Model Monitor가 Clarify를 이용해 편향 드리프트를 감시

## Bedrock vs SageMaker JumpStart

- **Bedrock**: 하나의 API로 파운데이션 모델을 쓰는 서버리스 서비스
- **SageMaker JumpStart**: 사전 학습된 모델을 엔드포인트에 배포하는 모델 허브
"""


def test_a_comparison_of_features_answers_by_the_feature(notes_dir, tmp_path: Path) -> None:
    """A new user's trial: "Model Monitor와 Clarify의 차이" (two SageMaker features) was no
    comparison, and "Bedrock vs SageMaker JumpStart" answered "Amazon SageMaker"."""
    from .anki_helpers import answer_only, rendered_cards, visible_text

    out = _built(notes_dir, tmp_path, {"s.md": FEATURES_COMPARED})
    asked = {
        visible_text(card["question"]).split("？ ")[-1].split("? ")[-1]: answer_only(
            card["answer"]
        ).split(" 어떤")[0]
        for card in rendered_cards(out / "deck.apkg", tmp_path / "anki")
        if card["kind"] == "which"
    }
    assert asked["＿＿＿ 는 데이터 드리프트가 생기면 CloudWatch 경보로 알려준다"].startswith(
        "Amazon SageMaker Model Monitor"
    )
    assert not [q for q in asked if "감시" in q]  # "monitors": the name "Model Monitor" says it
    assert asked["＿＿＿ 는 학습 데이터와 모델 예측의 편향을 탐지한다"].startswith(
        "Amazon SageMaker Clarify"
    )
    jumpstart = next(q for q in asked if "모델 허브" in q)
    assert asked[jumpstart].startswith("Amazon SageMaker JumpStart")
    assert not [q for q in asked if q.startswith("둘 다")]  # about both: no one answer
    sheet = "".join(pdf_text(out / "sheets" / "amazon-sagemaker.pdf").split())
    assert "AmazonSageMakerModelMonitorvsAmazonSageMakerClarify" in sheet


def test_an_obsidian_related_notes_line_is_no_fact(notes_dir, tmp_path: Path) -> None:
    """A new user's Obsidian note: "관련: [[AWS AI 서비스 총정리]] · [[Comprehend]] ·
    [[A2I]]" became a term card "관련" → "AWS AI 서비스 총정리 · Comprehend · A2I"."""
    note = (
        "# Amazon Rekognition\n\n관련: [[AWS AI 서비스 총정리]] · [[Comprehend]] · [[A2I]]\n\n"
        "See also: [[Textract]], [[Kendra]]\n\n"
        "- Rekognition은 [[Custom Labels]]로 자사 로고를 인식하도록 학습할 수 있다.\n"
    )
    out = _built(notes_dir, tmp_path, {"r.md": note}, sheets=False)
    texts = [f["text"] for f in json.loads((out / "facts.json").read_text())["facts"]]
    assert texts == ["Rekognition은 Custom Labels로 자사 로고를 인식하도록 학습할 수 있다."]


METRICS = """# 평가 지표

| 지표 | 의미 | 공식 |
| --- | --- | --- |
| 정밀도 (Precision) | 양성으로 예측한 것 중 실제 양성의 비율 | TP / (TP + FP) |
| 재현율 (Recall) | 실제 양성 중 모델이 양성으로 찾아낸 비율 | TP / (TP + FN) |
"""


def test_a_meaning_table_with_more_columns_asks_each_term(notes_dir, tmp_path: Path) -> None:
    """A new user's trial: "| 지표 | 의미 | 공식 |" (precision, recall, F1 …) made no card,
    as only two-column tables were read as terms and meanings."""
    from .anki_helpers import answer_only, rendered_cards, visible_text

    out = _built(notes_dir, tmp_path, {"m.md": METRICS}, sheets=False)
    cards = {
        visible_text(card["question"]).split("무엇일까요? ")[-1]: answer_only(card["answer"])
        for card in rendered_cards(out / "deck.apkg", tmp_path / "anki")
    }
    precision = cards["정밀도 (Precision)"]
    assert (
        "양성으로 예측한 것 중 실제 양성의 비율" in precision
        and "공식: TP / (TP + FP)" in precision
    )
    assert "재현율 (Recall)" in cards


BLOG = """# Bedrock を徹底解説

## ナレッジベースとエージェントの違い

- ナレッジベースは RAG をフルマネージドで実現する機能です。

## Bedrock の主な機能

| 機能 | 説明 |
| --- | --- |
| ナレッジベース | 社内ドキュメントを使った RAG を構築する |

こんにちは！最近 AWS の勉強を始めたのですが、
試験範囲の中でも特に出題が多いと言われているのが Amazon Bedrock です。公式ドキュメントを読んでいても
機能がたくさんあって最初は混乱してしまったので、
自分の理解を整理する意味も込めてこの記事を書くことにしました。

> 💡 Exam tip: "human in the loop" → Amazon Augmented AI (A2I)
"""


def test_a_blog_s_definitions_merge_and_its_chatter_is_no_exam_tip(
    notes_dir, tmp_path: Path
) -> None:
    """A new user's trial: a term defined in a paragraph and in a features table clashed,
    and neither had a card; "Bedrock の主な機能" was titled "の主な機能"; a chatty paragraph
    that says 試験 and 出題 in passing was starred; "💡 Exam tip" became a card's front."""
    out = _built(notes_dir, tmp_path, {"b.md": BLOG}, sheets=False)
    facts = json.loads((out / "facts.json").read_text())["facts"]
    knowledge = [f for f in facts if "RAG" in f["text"]]
    assert [f["cards"] for f in knowledge] == [["term"], ["term"]]  # one card, both answers
    assert knowledge[1]["path"] == ["Bedrock の主な機能"]
    chatter = next(f for f in facts if "試験範囲" in f["text"])
    assert "exam" not in chatter["tags"]
    tip = next(f for f in facts if "human in the loop" in f["text"])
    assert "exam" in tip["tags"] and "Exam tip" not in tip["text"]
    from .anki_helpers import rendered_cards, visible_text

    (term,) = [
        visible_text(card["question"])
        for card in rendered_cards(out / "deck.apkg", tmp_path / "anki")
        if card["kind"] == "term"
    ]
    assert "ナレッジベース" in term and "Amazon Bedrock" in term  # what the term belongs to


def test_a_comparison_of_three_keeps_all_three(notes_dir, tmp_path: Path) -> None:
    """A new user's Notion note: "Clarify vs Model Monitor vs A2I" was read as a comparison
    of two (A2I lost), and over its table the box printed an empty two-column header."""
    note = (
        "# Responsible AI\n\n## Clarify vs Model Monitor vs A2I\n\n"
        "| Feature | Clarify | Model Monitor | A2I |\n| --- | --- | --- | --- |\n"
        "| Main purpose | Detect bias | Watch for drift | Human review |\n"
    )
    out = _built(notes_dir, tmp_path, {"r.md": note}, deck=False)
    (row,) = json.loads((out / "facts.json").read_text())["facts"]
    assert {row["subject"], *row["also"]} == {
        "Amazon SageMaker",
        "Amazon Augmented AI (Amazon A2I)",
    }
    sheet = "".join(pdf_text(out / "sheets" / "amazon-sagemaker.pdf").split())
    assert "ClarifyvsAmazonSageMakerModelMonitor" in sheet and "vsAmazonAugmentedAI" in sheet
    assert all(cell in sheet for cell in ("Detectbias", "Watchfordrift", "Humanreview"))
    assert sheet.count("AmazonSageMakerModelMonitor") == 1  # in the title: no empty columns


def test_a_comparison_s_common_ground_is_no_term(notes_dir, tmp_path: Path) -> None:
    """A blind rating deleted "何でしょう？ 共通点" → two loose remarks: the heading over
    what both sides share names no concept."""
    note = (
        "# 検索\n\n## Kendra vs OpenSearch\n\n### Kendra\n- 自然言語の質問に答える検索サービス\n\n"
        "### 共通点\n- どちらもマネージドサービスで、インデックスを作って検索する\n"
    )
    out = _built(notes_dir, tmp_path, {"k.md": note}, sheets=False)
    facts = json.loads((out / "facts.json").read_text())["facts"]
    common = next(f for f in facts if f["text"].startswith("どちらも"))
    assert common["path"][-1] == "共通点" and common["cards"] == []
    blog = (
        "# ブログ\n\n## AとBの違い\n\n### 共通点\n"
        "- どちらもコードを書かずに作れる。\n- AからBを呼べる。\n"
    )
    build([notes_dir({"b.md": blog})], out, NOW, BuildOptions(sheets=False))
    facts = json.loads((out / "facts.json").read_text())["facts"]
    mine = [f["cards"] for f in facts if f["source"]["file"].endswith("b.md")]
    assert mine == [[], []]  # not a catalog comparison: still no term


def test_a_numbered_list_keeps_its_numbers_on_the_sheet(notes_dir, tmp_path: Path) -> None:
    """A new user's trial: the ML lifecycle's steps 1–7 printed as plain bullets; their
    order is part of what they say."""
    note = "# ML 수명 주기\n\n1. 비즈니스 목표 정의\n2. 데이터 수집\n3. 모델 학습\n\n- 그냥 항목\n"
    out = _built(notes_dir, tmp_path, {"s.md": note}, deck=False)
    lines = pdf_text(out / "sheets" / "ml-수명-주기.pdf").replace("\u2060", "").splitlines()
    assert [line for line in lines if line.startswith(("1.", "2.", "3.", "▪"))] == [
        "1. 비즈니스 목표 정의",
        "2. 데이터 수집",
        "3. 모델 학습",
        "▪ 그냥 항목",
    ]
