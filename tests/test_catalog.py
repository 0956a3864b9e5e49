"""The service catalog: names, features, typos and look-alikes."""

from __future__ import annotations

import pytest

from generator.facts.catalog import load_catalog


@pytest.mark.parametrize(
    ("title", "service", "remainder"),
    [
        ("amazon Rekognition", "Amazon Rekognition", ""),
        ("rekognition - 콘텐츠 조정 기능", "Amazon Rekognition", "콘텐츠 조정 기능"),
        ("amazon forecase", "Amazon Forecast", ""),
        ("Forcast", "Amazon Forecast", ""),
        ("Forcst", "Amazon Forecast", ""),  # not in the aliases: fuzzy
        ("Rekognitoin", "Amazon Rekognition", ""),
        ("Comprehend", "Amazon Comprehend", ""),
        ("aws comprehend", "Amazon Comprehend", ""),
        ("amazon comprehend medical", "Amazon Comprehend Medical", ""),
        ("Amazon Augmented AI (A2I)", "Amazon Augmented AI (Amazon A2I)", ""),
        ("Lookout for Vision", "Amazon Lookout for Vision", ""),
        ("SageMaker Autopilot", "Amazon SageMaker Autopilot", ""),
        ("Amazon Bedrock의 모델 평가", "Amazon Bedrock Model Evaluation", ""),
        ("Amazon SageMakerで構築", "Amazon SageMaker", "Amazon SageMakerで構築"),
        ("Glue", "AWS Glue", ""),
    ],
)
def test_titles_that_name_a_service(title: str, service: str, remainder: str) -> None:
    match = load_catalog().match_title(title)
    assert match is not None and (match.service.name, match.remainder) == (service, remainder)


@pytest.mark.parametrize(
    "title",
    [
        "Connect to your data",  # an ordinary word, not alone
        "Translate your notes",
        "Maintaining Relevance (추천 정확도 유지)",
        "Amazon Lookout 시리즈",  # a family, not one service
        "ML기계학습 소개",
        "Personal notes",
    ],
)
def test_titles_that_name_no_service(title: str) -> None:
    assert load_catalog().match_title(title) is None


def test_features_belong_to_their_parent() -> None:
    catalog = load_catalog()
    for feature, parent in [
        ("Amazon SageMaker Autopilot", "Amazon SageMaker"),
        ("Guardrails for Amazon Bedrock", "Amazon Bedrock"),
        ("Amazon Rekognition Video", "Amazon Rekognition"),
    ]:
        assert catalog.owner(catalog.services[feature]).name == parent
    for separate in ["Amazon Comprehend Medical", "Amazon Augmented AI (Amazon A2I)"]:
        assert catalog.owner(catalog.services[separate]).name == separate


def test_several_services_in_one_title() -> None:
    catalog = load_catalog()
    lex_connect = catalog.members("amazon lex & connect")
    assert lex_connect is not None
    assert [m.service.name for m in lex_connect if m.service] == ["Amazon Lex", "Amazon Connect"]
    lookout = catalog.members("Lookout for Equipment / Metrics / Vision")
    assert lookout is not None
    assert [m.service.name for m in lookout if m.service] == [
        "Amazon Lookout for Equipment",
        "Amazon Lookout for Metrics",
        "Amazon Lookout for Vision",
    ]
    assert catalog.members("비즈니스 규칙 및 필터 설정 가능") is None


def test_mentions_find_every_service_in_a_sentence() -> None:
    text = "s3에 저장하고 comprehend medical api를 실행 / amazon transcribe를 사용"
    found = [service.name for _, _, service in load_catalog().mentions(text)]
    assert found == ["Amazon S3", "Amazon Comprehend Medical", "Amazon Transcribe"]


def test_ordinary_words_are_not_mentions_unless_prefixed() -> None:
    found = [s.name for _, _, s in load_catalog().mentions("connect the glue; amazon connect")]
    assert found == ["Amazon Connect"]


def test_catalog_covers_the_exam_guides() -> None:
    names = set(load_catalog().services)
    for required in [
        "Amazon SageMaker",
        "Amazon Bedrock",
        "Amazon Q Business",
        "Amazon Kendra",
        "Amazon Lex",
        "Amazon Polly",
        "Amazon Transcribe",
        "Amazon Translate",
        "Amazon Comprehend",
        "Amazon Textract",
        "Amazon Rekognition",
        "Amazon Personalize",
        "Amazon Forecast",
        "Amazon Fraud Detector",
        "Amazon Augmented AI (Amazon A2I)",
        "Amazon S3",
        "AWS Lambda",
        "Amazon Kinesis Data Streams",
        "AWS Glue",
        "AWS IAM",
        "AWS KMS",
        "Amazon CloudWatch",
        "AWS CloudTrail",
        "Amazon Athena",
        "Amazon EMR",
    ]:
        assert required in names
