"""Which subject each fact of the seed notes belongs to, labelled by reading the notes."""

from __future__ import annotations

import pytest

from generator.build import Loaded
from generator.facts.extract import Fact, extract
from generator.notes.parse import parse_note

AWS = "aws-ai-services.ko.md"
JA = "sagemaker-and-ai-services.ja.md"
DAY1 = "ml-engineering-day1.ko.md"
PERSONALIZE = "personalize-and-other-ml-services.ko.md"
COURSE = "ai-practitioner-course.ko.md"

# (file, a snippet of the fact's text, the subject it is about)
LABELS = [
    (AWS, "객체, 사람, 텍스트와 이미지", "Amazon Rekognition"),
    (AWS, "부적절/원하지 않는/불쾌감", "Amazon Rekognition"),
    (AWS, "amazon augmented AI를 사용하면", "Amazon Rekognition"),  # a mention only
    (AWS, "자동 음성 인식(ASR)이라는 딥러닝", "Amazon Transcribe"),
    (AWS, "transcribe의 반대이다", "Amazon Polly"),
    (AWS, "발음 어휘 목록을 사용해", "Amazon Polly"),
    (AWS, "자연스럽고 정확한 언어 번역", "Amazon Translate"),
    (AWS, "lex: alexa 장치를", "Amazon Lex"),
    (AWS, "챗봇 구축, 콜 센터 봇 구축", "Amazon Lex"),
    (AWS, "connect: 가상 고객 선터", "Amazon Connect"),
    (AWS, "초기 비용이 없고 비용이 80% 저렴", "Amazon Connect"),
    (AWS, "이해하는 서비스이다", "Amazon Comprehend"),
    (AWS, "분석중인 텍스트가 긍정인지", "Amazon Comprehend"),
    (AWS, "비정형 의료 텍스트", "Amazon Comprehend Medical"),
    (AWS, "s3에 문서를 저장하고", "Amazon Comprehend Medical"),  # mentions S3, Kinesis
    (AWS, "개발자와 데이터 과학자를 위한", "Amazon SageMaker"),
    (AWS, "예측을 도와주는 기능이다", "Amazon Forecast"),  # "amazon forecase"
    (AWS, "50% 더 정확하다", "Amazon Forecast"),
    (AWS, "완전 관리형 문서 검색 서비스", "Amazon Kendra"),
    (AWS, "실시간 맞춤화 추천", "Amazon Personalize"),
    (AWS, "손글씨, 스캔 문서", "Amazon Textract"),
    (JA, "未加工データを検証", "Amazon SageMaker"),  # SageMaker Autopilot
    (JA, "ラベリングサービス", "Amazon SageMaker"),  # Ground Truth
    (JA, "実験結果", "Amazon SageMaker"),
    (JA, "コンセプトドリフト", "Amazon SageMaker"),  # Model Monitor
    (JA, "人による機械学習予測のレビュー", "Amazon Augmented AI (Amazon A2I)"),
    (JA, "パイプ入力モード", "Amazon SageMaker"),
    (JA, "DeepAR Forecasting", "Amazon SageMaker"),
    (JA, "人物特定とかテキスト抽出", "Amazon Rekognition"),
    (JA, "ライブビデオストリーミング", "Amazon Rekognition"),  # Rekognition Video
    (JA, "テキストの音声読み上げ", "Amazon Polly"),
    (JA, "音声からテキスト変換", "Amazon Transcribe"),
    (JA, "チャットボットサービス", "Amazon Lex"),
    (JA, "時系列予測サービス", "Amazon Forecast"),  # "# Forcast"
    (JA, "レコメンデーションサービス", "Amazon Personalize"),
    (JA, "どういう感情なのか", "Amazon Comprehend"),
    (JA, "翻訳サービス", "Amazon Translate"),
    (PERSONALIZE, "완전 관리형 추천 엔진", "Amazon Personalize"),
    (PERSONALIZE, "콜드 스타트 문제 해결", "Amazon Personalize"),
    (PERSONALIZE, "주기적인 증분 데이터 가져오기", "Amazon Personalize"),  # Maintaining Relevance
    (PERSONALIZE, "PutEvents", "Amazon Personalize"),
    (PERSONALIZE, "S3 버킷 정책을 통해 Personalize", "Amazon Personalize"),  # "IAM 기반 …"
    (PERSONALIZE, "문서 OCR + 양식", "Amazon Textract"),
    (PERSONALIZE, "1/18 스케일 RC", "AWS DeepRacer"),
    (PERSONALIZE, "Equipment: 센서 데이터", "Amazon Lookout for Equipment"),
    (PERSONALIZE, "Metrics: S3, RDS", "Amazon Lookout for Metrics"),
    (PERSONALIZE, "Vision: 컴퓨터 비전", "Amazon Lookout for Vision"),
    (PERSONALIZE, "예측 유지보수", "Amazon Monitron"),
    (PERSONALIZE, "Inferentia 칩 전용 SDK", "AWS Neuron"),
    (PERSONALIZE, "AI 기반 음악 작곡용 키보드", "AWS DeepComposer"),
    (PERSONALIZE, "온라인 결제 사기", "Amazon Fraud Detector"),
    (PERSONALIZE, "자동 코드 리뷰", "Amazon CodeGuru"),
    (PERSONALIZE, "대화 분석 서비스", "Amazon Connect"),  # Contact Lens for Amazon Connect
    (PERSONALIZE, "자연어 기반 엔터프라이즈 검색", "Amazon Kendra"),
    (PERSONALIZE, "Human-in-the-loop", "Amazon Augmented AI (Amazon A2I)"),
    (PERSONALIZE, "Mechanical Turk 또는 외부 인력", "Amazon Augmented AI (Amazon A2I)"),
    (COURSE, "생성형 AI 기반 어시스턴트입니다", "Amazon Q Business"),
    (COURSE, "40개 이상의 기본 제공 커넥터", "Amazon Q Business"),
    (COURSE, "Amazon SageMaker는 완전관리형 ML", "Amazon SageMaker"),  # Responsible AI bullet
    (COURSE, "통합 API를 통해 주요 AI 스타트업", "Amazon Bedrock"),  # Responsible AI bullet
    (COURSE, "클릭 몇 번으로 사용 사례에", "Amazon Bedrock"),
    (COURSE, "SageMaker Clarify는 FM 평가를 지원", "Amazon SageMaker"),  # Clarify bullet
    (COURSE, "ML 예측의 인적 검토에 필요한", "Amazon Augmented AI (Amazon A2I)"),  # A2I bullet
    (COURSE, "모델 카드를 사용하면", "Amazon SageMaker"),
]

# (file, snippet, topic name) for facts about no service
TOPICS = [
    (DAY1, "인간의 지능 모방", "Machine_Learning_Engineering 1일차"),  # ML basics
    (DAY1, "정답레이블 데이터를 수동으로", "Machine_Learning_Engineering 1일차"),
    (DAY1, "Amazon Rekognition", "Machine_Learning_Engineering 1일차"),  # a list of services
    (COURSE, "레이블이 지정된 데이터를 기반으로 알고리즘을", "Exploring Artificial Intelligence"),
    (COURSE, "생성형 AI는 딥 러닝의 하위 집합입니다. 딥 러닝을 사용하여 구축한", "Exploring"),
    (COURSE, "편향은 개발자가 AI 시스템에서 직면하는", "Responsible AI Practices"),
    (COURSE, "가드레일은 원치 않는 유해 콘텐츠를", "Responsible AI Practices"),
    (COURSE, "ML 워크로드를 프로덕션 환경으로", "Developing Machine Learning Solutions"),  # MLOps
    (PERSONALIZE, "PyTorch용 모델 서빙 프레임워크", "Other AWS ML Services"),  # TorchServe
    (PERSONALIZE, "산업 장비 및 비즈니스 메트릭의 이상 징후", "Other AWS ML Services"),
]


def find(loaded: Loaded, file: str, snippet: str) -> Fact:
    found = [f for f in loaded.notes.facts if f.file == file and snippet in f.text]
    assert len(found) == 1, f"{file}: {len(found)} facts contain {snippet!r}"
    return found[0]


@pytest.mark.parametrize(("file", "snippet", "subject"), LABELS)
def test_service_attribution(seeds: Loaded, file: str, snippet: str, subject: str) -> None:
    fact = find(seeds, file, snippet)
    assert (fact.subject, fact.subject_kind) == (subject, "service"), f"{file}:{fact.line}"


@pytest.mark.parametrize(("file", "snippet", "topic"), TOPICS)
def test_topic_attribution(seeds: Loaded, file: str, snippet: str, topic: str) -> None:
    fact = find(seeds, file, snippet)
    assert fact.subject_kind == "topic" and fact.subject.startswith(topic), f"{file}:{fact.line}"


def test_one_subject_per_service_whatever_the_spelling(seeds: Loaded) -> None:
    names = [s.name for s in seeds.notes.subjects]
    assert len(names) == len(set(names))
    lowered = {n.casefold() for n in names}
    for spelling in ("amazon forecase", "forcast", "rekognition", "kendra", "aws comprehend"):
        assert spelling not in lowered
    forecast = seeds.notes.facts_of("Amazon Forecast")
    assert {f.file for f in forecast} == {AWS, JA}


def test_subjects_merge_across_files(seeds: Loaded) -> None:
    rekognition = seeds.notes.facts_of("Amazon Rekognition")
    assert {f.file for f in rekognition} == {AWS, JA}


def test_features_keep_their_name_in_the_path(seeds: Loaded) -> None:
    assert find(seeds, JA, "未加工データを検証").path == ("SageMaker Autopilot",)
    assert find(seeds, COURSE, "SageMaker Clarify는").path == ("Amazon SageMaker Clarify",)
    assert find(seeds, JA, "ライブビデオ").path == ("Amazon Rekognition Video",)


def test_path_is_what_the_title_adds_to_the_subject(seeds: Loaded) -> None:
    """CONTRACT.md's example: line 11 sits under "rekognition - 콘텐츠 조정 기능"."""
    fact = find(seeds, AWS, "이미지나 비디오에서 부적절")
    assert (fact.subject, fact.path, fact.line) == ("Amazon Rekognition", ("콘텐츠 조정 기능",), 11)
    assert find(seeds, PERSONALIZE, "사용자 행동이 발생할 때마다").path == (
        "Maintaining Relevance (추천 정확도 유지)",
        "PutEvents API로 실시간 사용자 행동 반영",
    )


@pytest.mark.parametrize(
    ("file", "snippet", "lang"),
    [
        (AWS, "자동으로 음성을 텍스트로", "ko"),
        (JA, "ラベリングサービス", "ja"),
        (JA, "時系列予測サービス", "ja"),  # kanji only: the note's language
        (JA, "Linear Learner", "en"),
        (PERSONALIZE, "Amazon S3를 통한 배치", "ko"),
        (JA, "XGBoost Algorithm", "en"),
    ],
)
def test_language_per_fact(seeds: Loaded, file: str, snippet: str, lang: str) -> None:
    assert find(seeds, file, snippet).lang == lang


def test_term_facts(seeds: Loaded) -> None:
    api = find(seeds, PERSONALIZE, "GetPersonalizedRanking → 제공된")
    assert (api.kind, api.term, api.definition.startswith("제공된 항목")) == (
        "term",
        "`GetPersonalizedRanking`",
        True,
    )
    datasets = find(seeds, PERSONALIZE, "Datasets: Personalize에 업로드하는")
    assert (datasets.kind, datasets.term) == ("term", "Datasets")


def test_code_facts_keep_the_code_without_fences() -> None:
    notes = extract([parse_note("c.md", "# Amazon Polly\n\n```python\nsynthesize_speech()\n```\n")])
    assert [(f.kind, f.text) for f in notes.facts] == [("code", "synthesize_speech()")]


@pytest.mark.parametrize(
    ("snippet", "topic", "service"),
    [
        (
            "SageMaker Data Wrangler는 웹 인터페이스를",
            "Developing Machine Learning Solutions",
            "Amazon SageMaker",
        ),
        (
            "SageMaker Feature Store를 사용하면",
            "Developing Machine Learning Solutions",
            "Amazon SageMaker",
        ),
        (
            "Amazon Bedrock용 가드레일은 제한된 주제에",
            "Responsible AI Practices (Korean)",
            "Amazon Bedrock",
        ),
    ],
)
def test_mentions_keep_their_topic_and_name_the_service(
    seeds: Loaded, snippet: str, topic: str, service: str
) -> None:
    """A sentence about a service inside a topic note stays in the topic and lists the
    service in ``also``, so that service's sheet shows it too."""
    fact = next(f for f in seeds.notes.facts if f.text.startswith(snippet))
    assert (fact.subject, fact.also) == (topic, (service,))


def test_passing_mentions_are_not_about_the_service(seeds: Loaded) -> None:
    listed = next(f for f in seeds.notes.facts if f.text.startswith("Amazon Textract, Rekognition"))
    assert listed.also == ()  # an enumeration of integrations
    later = next(f for f in seeds.notes.facts if f.text.startswith("이러한 보호 기능 외에도"))
    assert later.also == ()  # the name comes late in the sentence


def test_structural_headings_and_sentences_are_never_subjects() -> None:
    """Issue 22: Overview, 목차, 関連ノート, Section 2, 例, 先生のコメント and a whole title
    sentence were subjects: sheets, decks and bookmarks of their own."""
    notes = extract(
        [
            parse_note(
                "a.md",
                "# MLOps 정리\n\n## 개요\n- 모델 운영을 자동화한다.\n\n## 목차\n- 데이터\n\n"
                "## 데이터 준비\n- 결측값을 처리한다.\n",
            ),
            parse_note(
                "b.md",
                "# 第3回 画像サービス\n\n## 例\n- 工場の製品の傷検出\n\n## 先生のコメント\n"
                "- 試験によく出る。\n\n# AWS 認定に合格できます！\n- 毎日復習する。\n",
            ),
            parse_note(
                "c.md", "# Overview\n\n- Study plan for the exam.\n\n## Section 2\n- More.\n"
            ),
        ]
    )
    subjects = {subject.name for subject in notes.subjects}
    assert subjects == {"MLOps 정리", "第3回 画像サービス", "b", "c"}
    by_text = {fact.text: fact for fact in notes.facts}
    assert by_text["모델 운영을 자동화한다."].subject == "MLOps 정리"
    # a note's one # title is its topic; its ## headings are sections (issue 22, item 4)
    assert by_text["결측값을 처리한다."].subject == "MLOps 정리"
    assert by_text["결측값을 처리한다."].path == ("데이터 준비",)
    assert by_text["毎日復習する。"].subject == "b"  # the note's own topic, not the sentence
    assert by_text["試験によく出る。"].path == ()  # no box titled 先生のコメント


def test_service_entries_in_a_topic_list_belong_to_their_service() -> None:
    """Issue 22, item 3: `**Amazon Bedrock** <br> …` with `**Knowledge Bases for Bedrock**: …`
    under it, `**Amazon Comprehend / Medical**: …` and `Amazon Kendra — …` stayed facts of
    the topic "1. 生成AI・大規模言語モデル（LLM）関連"."""
    note = (
        "# 1. 生成AI・大規模言語モデル（LLM）関連\n\n"
        "*   **Amazon Bedrock** <br> 基盤モデルをAPIで使えるフルマネージドサービス。\n"
        "    *   **Knowledge Bases for Bedrock**: 社内データを読み込ませてRAGを構築できる。\n"
        "*   **Amazon Comprehend / Medical**: テキストから感情やエンティティを抽出する。\n"
        "*   Amazon Kendra — 機械学習を使ったエンタープライズ検索サービス。\n"
        "*   生成AIは新しいコンテンツを作る。\n"
    )
    facts = extract([parse_note("n.md", note)]).facts
    by_start = {fact.text[:12]: fact for fact in facts}
    assert by_start["Amazon Bedro"].subject == "Amazon Bedrock"
    knowledge = by_start["Knowledge Ba"]
    assert (knowledge.subject, knowledge.path) == (
        "Amazon Bedrock",
        ("Knowledge Bases for Bedrock",),
    )
    assert by_start["Amazon Compr"].subject == "Amazon Comprehend"
    assert by_start["Amazon Kendr"].subject == "Amazon Kendra"
    assert by_start["生成AIは新しいコンテン"].subject == "1. 生成AI・大規模言語モデル（LLM）関連"


def test_the_bedrock_guardrail_sentence_reaches_bedrock(seeds: Loaded) -> None:
    """Issue 22, item 3 (bundled notes): "가드레일은 원치 않는 유해 콘텐츠를 필터링하고…", the
    sentence after "Amazon Bedrock용 가드레일을 사용하면 …", did not reach Bedrock's sheet."""
    (fact,) = [f for f in seeds.notes.facts if f.text.startswith("가드레일은 원치 않는")]
    assert fact.about == "Guardrails for Amazon Bedrock"
    assert "Amazon Bedrock" in fact.also
    unrelated = next(f for f in seeds.notes.facts if f.text.startswith("생성형 AI는 딥 러닝"))
    assert unrelated.also == ()
