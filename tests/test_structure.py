"""The line under a sheet's title (issue 22, item 6): a sentence that says what the subject
is, never a property line or another entry's sentence deep in a section."""

from __future__ import annotations

from pathlib import Path

from generator.build import build
from generator.options import BuildOptions

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


def test_the_definition_line_names_what_the_service_is(notes_dir, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build([notes_dir({"s.md": NOTE})], out, NOW, BuildOptions(deck=False))
    text = pdf_text(out / "sheets" / "amazon-sagemaker.pdf")
    lines = [line for line in text.splitlines() if line.strip()]
    title = lines.index("Amazon SageMaker Machine learning platform")  # not the running head
    under = lines[title + 1]  # no sentence says what SageMaker is: no definition line
    assert "Glue" not in under and "태그" not in under
