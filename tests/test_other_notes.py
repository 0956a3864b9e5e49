"""Notes written the way other people write them (tests/corpus: Obsidian, MkDocs, quiz and
course notes, outliner indentation, odd titles; Korean, Japanese and English).

Each test names the pattern and the behaviour a user sees: which facts, which subjects,
which cards, and a sheet with no raw syntax and no box glyphs.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from generator.build import BuildResult, build
from generator.facts.extract import Fact
from generator.options import BuildOptions

from .anki_helpers import answer_only, rendered_cards, visible_text
from .conftest import NOW
from .pdf_helpers import drawn_glyphs, pdf_text

CORPUS = Path(__file__).parent / "corpus"
RAW_SYNTAX = re.compile(
    r"\[\[|\]\]|(?<![\w&/#])#[^\W\d][\w/-]*|\s\^[\w-]+$|\[![a-z]+\]|^!!!|\$\$?[^$\s]|```"
    r"|\[\^\d+\]|^\[[ xX]\]\s",
    re.MULTILINE,
)


@pytest.fixture(scope="module")
def corpus_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[BuildResult, Path]:
    folder = tmp_path_factory.mktemp("corpus")
    shutil.copytree(CORPUS, folder / "notes")
    result = build([folder / "notes"], folder / "out", NOW, BuildOptions())
    return result, folder / "out"


def facts_of(result: BuildResult, file: str) -> list[Fact]:
    return [fact for fact in result.loaded.notes.facts if fact.file == file]


def by_text(result: BuildResult, file: str, start: str) -> Fact:
    return next(fact for fact in facts_of(result, file) if fact.text.startswith(start))


def test_obsidian_syntax_reads_as_what_it_means(corpus_build) -> None:
    result, _ = corpus_build
    facts = facts_of(result, "obsidian-bedrock.md")
    assert {fact.subject for fact in facts} == {"Amazon Bedrock"}
    callout = by_text(result, "obsidian-bedrock.md", "Bedrock은 여러 회사의")
    assert callout.path == ("핵심 포인트",)  # "> [!tip] 핵심 포인트" is a titled section
    link = by_text(result, "obsidian-bedrock.md", "지식 기반과 함께")  # [[target|alias]]
    assert link.tags == ("aws", "genai", "exam", "rag")  # front matter, heading, inline
    assert by_text(result, "obsidian-bedrock.md", "가드레일은").path == ("가드레일",)  # ^guard
    assert by_text(result, "obsidian-bedrock.md", "온디맨드").tags[-1] == "important"
    image = next(fact for fact in facts if fact.kind == "image")
    assert image.markdown.endswith("(<bedrock-console.png>)")  # ![[embed]] found by name
    warnings = [s.reason for s in result.loaded.notes.skipped if s.file == "obsidian-bedrock.md"]
    assert warnings == ["image not found: missing-diagram.png"]


def test_mkdocs_admonitions_math_footnotes_and_code(corpus_build) -> None:
    result, _ = corpus_build
    training = by_text(result, "mkdocs-sagemaker.md", "SageMaker training jobs")
    assert (training.subject, training.path) == ("Amazon SageMaker", ("Training jobs",))
    untitled = by_text(result, "mkdocs-sagemaker.md", "Endpoints keep billing")
    assert untitled.path == ()  # "!!! warning" without a title adds no section
    loss = by_text(result, "mkdocs-sagemaker.md", "The loss is")
    assert loss.text == "The loss is L = ∑_i l(y_i, ŷ_i) + Ω(f)"
    assert by_text(result, "mkdocs-sagemaker.md", "Footnotes").text == "Footnotes work too."
    assert by_text(result, "mkdocs-sagemaker.md", "Spot instances can be").kind == "statement"
    code = next(f for f in facts_of(result, "mkdocs-sagemaker.md") if f.kind == "code")
    assert "\n\ndef train(role):\n    estimator = " in code.text


def test_a_hyperparameter_named_lambda_is_not_aws_lambda(corpus_build) -> None:
    result, _ = corpus_build
    subjects = {subject.name for subject in result.loaded.notes.subjects}
    assert "AWS Lambda" not in subjects
    assert by_text(result, "mkdocs-sagemaker.md", "lambda").also == ()
    # "Connect your VPC …" is a verb, not Amazon Connect
    assert by_text(result, "titles-en.md", "Connect your VPC").also == ()


@pytest.mark.parametrize(
    ("file", "question", "answer"),
    [
        ("quiz-ko.md", "고객 리뷰에서 감정을 분석하려면", "Amazon Comprehend"),  # ✅ / ❌
        ("quiz-ko.md", "이미지에서 얼굴을 감지하는", "Amazon Rekognition"),  # 정답: 2
        ("quiz-ja.md", "音声をテキストに変換する", "Amazon Transcribe"),  # - [x]
        ("quiz-ja.md", "文書からテキストと表を", "Amazon Textract"),  # 正解：ア
        ("quiz-en.md", "Which service converts text", "Amazon Polly"),  # ✓ and Answer:
    ],
)
def test_a_quiz_question_is_one_question_and_its_right_answer(
    corpus_build, file: str, question: str, answer: str
) -> None:
    result, _ = corpus_build
    quiz = by_text(result, file, question)
    assert quiz.kind == "qa"
    assert quiz.definition == answer
    assert quiz.also == (answer,)  # the answer's sheet shows the question
    option_words = ("Textract", "Polly", "Rekognition", "Transcribe", "Translate", "Kendra", "Lex")
    options = [
        f
        for f in facts_of(result, file)
        if f.kind == "item" and any(w in f.text for w in option_words)
    ]
    assert options == []  # no option, right or wrong, is a fact of its own


def test_quiz_explanations_are_facts_without_their_label(corpus_build) -> None:
    result, _ = corpus_build
    explained = by_text(result, "quiz-ko.md", "Amazon Comprehend는 텍스트에서")
    assert explained.also == ("Amazon Comprehend",)
    assert by_text(result, "quiz-ja.md", "Amazon Transcribe は").kind == "statement"
    assert by_text(result, "quiz-en.md", "Amazon Polly turns").kind == "statement"
    quiz_subjects = {f.subject for f in facts_of(result, "quiz-ko.md")}
    assert quiz_subjects == {"AWS AI Practitioner 모의고사"}  # "## 문제 1" starts no topic


def test_indented_outline_bullets_are_a_list(corpus_build) -> None:
    result, _ = corpus_build
    facts = facts_of(result, "outline-ja.md")
    assert [f.line for f in facts] == [4, 5, 6, 9, 10]
    assert all(f.kind == "item" and "- " not in f.text for f in facts)
    assert {f.path for f in facts} == {("特徴",), ("インデックス",)}


def test_service_names_in_odd_titles(corpus_build) -> None:
    result, _ = corpus_build
    subject = {f.line: (f.subject, f.path) for f in facts_of(result, "titles-en.md")}
    assert subject[4] == ("Amazon Comprehend", ())  # **Amazon Comprehend / Medical**:
    assert subject[5] == ("Amazon Comprehend Medical", ())  # … a fact opening with the other
    assert subject[8] == ("Amazon Bedrock", ())  # **Amazon Bedrock** <br>
    assert subject[12] == ("Amazon Kendra", ())  # ### **Amazon Kendra**
    assert subject[16] == ("Amazon Connect", ("Amazon Q in Connect",))  # X in Y
    assert subject[20] == ("AI services overview", ("Networking",))  # `#todo` is a tag
    assert by_text(result, "titles-en.md", "Connect your VPC").tags == ("todo",)


def test_facts_about_a_service_in_a_topic_note_reach_its_sheet(corpus_build) -> None:
    result, out = corpus_build
    wrangler = by_text(result, "course-ko.md", "SageMaker Data Wrangler는")
    assert (wrangler.subject, wrangler.path) == ("머신러닝 솔루션 개발", ("데이터 준비",))
    assert wrangler.also == ("Amazon SageMaker",)
    guardrails = by_text(result, "course-ko.md", "⚠️ Amazon Bedrock용 가드레일")
    assert guardrails.also == ("Amazon Bedrock",)
    assert by_text(result, "course-ko.md", "이 단계에서도").also == ()  # a passing mention
    assert by_text(result, "outline-ja.md", "S3、SharePoint").also == ()  # one of a list
    sagemaker = "".join(pdf_text(out / "sheets" / "amazon-sagemaker.pdf").split())
    assert "Fromothernotes:머신러닝솔루션개발" in sagemaker  # in the sheet's language
    assert "SageMakerDataWrangler는코드없이" in sagemaker
    comprehend = "".join(pdf_text(out / "sheets" / "amazon-comprehend.pdf").split())
    assert "고객리뷰에서감정을분석하려면어떤서비스를써야하나요?✅AmazonComprehend" in comprehend


def test_no_raw_syntax_on_any_card_or_sheet(corpus_build, tmp_path: Path) -> None:
    result, out = corpus_build
    for fact in result.loaded.notes.facts:
        if fact.kind != "code":
            assert not RAW_SYNTAX.search(fact.text), (fact.file, fact.line, fact.text)
    cards = rendered_cards(out / "deck.apkg", tmp_path)
    assert len(cards) >= 30
    for card in cards:
        for side in (visible_text(card["question"]), answer_only(card["answer"])):
            assert not RAW_SYNTAX.search(side.replace("\\(", "").replace("\\)", "")), side
    math = [c for c in cards if "\\(cost = n_{in}" in c["answer"]]
    assert math, "math goes to Anki as MathJax"
    for sheet in (out / "sheets").glob("*.pdf"):
        text = pdf_text(sheet)
        assert not RAW_SYNTAX.search(text), (sheet.name, RAW_SYNTAX.search(text))


def test_code_blocks_are_printed_whole_in_monospace(corpus_build) -> None:
    _, out = corpus_build
    sheet = out / "sheets" / "amazon-sagemaker.pdf"
    layout = pdf_text(sheet, layout=True)
    assert re.search(r"def train\(role\):\n\s+estimator = Estimator", layout)
    assert 'estimator.fit({"train": "s3://bucket/train"})' in layout
    fonts = {font for char in "estimator" for font, _ in drawn_glyphs(sheet)[char]}
    assert any("cd-mono" in font for font in fonts)


def test_emoji_and_symbols_are_drawn_with_real_glyphs(corpus_build) -> None:
    _, out = corpus_build
    seen: set[str] = set()
    for sheet in (out / "sheets").glob("*.pdf"):
        for char, shapes in drawn_glyphs(sheet).items():
            for _, outline in shapes:
                assert outline not in (("notdef",), ("missing",)), (sheet.name, char)
                if not char.isspace() and ord(char) > 0x2000 and char != "\u2060":
                    assert outline, (sheet.name, char)  # an empty outline draws nothing
            seen.add(char)
    assert {"✅", "⚠", "★", "🔥", "→"} <= seen


def test_a_nested_quote_answer_with_a_counter_marks_the_option(corpus_build) -> None:
    """Issue 22: `>> 정답: 2번` was not read: the question and its options were dropped."""
    result, _ = corpus_build
    quiz = by_text(result, "quiz-blockquote-ko.md", "텍스트에서 감정을")
    assert (quiz.kind, quiz.definition) == ("qa", "Amazon Comprehend")
    explained = by_text(result, "quiz-blockquote-ko.md", "Comprehend는 텍스트에서")
    assert not explained.text.startswith("해설")


def test_a_stem_that_asks_among_its_options_keeps_them(corpus_build) -> None:
    """ "다음 중 … 올바른 조합은 무엇인가?" → "Polly - 음성 합성" lost what it chose among."""
    result, _ = corpus_build
    quiz = by_text(result, "quiz-blockquote-ko.md", "다음 중 서비스와")
    assert quiz.kind == "qa" and quiz.definition == "Amazon Polly - 음성 합성"
    assert "B. Amazon Lex - 이미지 분석" in quiz.term and "C. Amazon Textract" in quiz.term


def test_options_written_as_plain_lines_are_options(corpus_build) -> None:
    """A new user's trial: a bold question, `A. …` lines without list markers and
    `정답: B` made a topic "문제 2" and the cards `정답 → B`, `해설 → …`."""
    result, _ = corpus_build
    quiz = by_text(result, "quiz-blockquote-ko.md", "모델의 예측 신뢰도가")
    assert (quiz.kind, quiz.definition) == ("qa", "Amazon Augmented AI (A2I)")
    assert {f.subject for f in facts_of(result, "quiz-blockquote-ko.md")} == {"ML 모의고사 2회"}
    assert not [f for f in facts_of(result, "quiz-blockquote-ko.md") if f.text.startswith("정답")]
