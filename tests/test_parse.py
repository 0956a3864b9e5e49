"""The outline parser, one construct at a time (fixtures in fixtures/outline.md)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.notes.inline import parsed_plain_text, plain_text, render_inline_html
from generator.notes.parse import (
    Block,
    ListPlace,
    Node,
    outline_from_record,
    outline_record,
    parse_note,
)
from generator.notes.sources import decode

FIXTURES = Path(__file__).parent / "fixtures" / "outline.md"


def read_fixtures(path: Path) -> list[tuple[int, str, str, str]]:
    """(line, title, input, expected) blocks separated by lines holding a single '.'."""
    lines = path.read_text(encoding="utf-8").split("\n")
    cases, index = [], 0
    while index < len(lines):
        if not lines[index].strip():
            index += 1
            continue
        title_line, title = index + 1, lines[index]
        parts, current = [], []
        index += 2  # skip the title and the first '.'
        while len(parts) < 2:
            if lines[index] == ".":
                parts.append("\n".join(current))
                current = []
            else:
                current.append(lines[index])
            index += 1
        cases.append((title_line, title, parts[0], parts[1]))
    return cases


def dump(node: Node, depth: int = 0) -> list[str]:
    out = []
    for child in node.children:
        pad = "  " * depth
        if isinstance(child, Block):
            text = child.markdown.replace("\n", "\\n")
            out.append(f'{pad}{child.kind} "{text}" L{child.line}')
        else:
            directives = f" [{', '.join(child.directives)}]" if child.directives else ""
            out.append(f'{pad}{child.kind} "{child.title}" L{child.line}{directives}')
            out.extend(dump(child, depth + 1))
    return out


@pytest.mark.parametrize(
    ("line", "title", "source", "expected"),
    read_fixtures(FIXTURES),
    ids=[case[1] for case in read_fixtures(FIXTURES)],
)
def test_outline(line: int, title: str, source: str, expected: str) -> None:
    outline = parse_note("note.md", source + "\n")
    assert "\n".join(dump(outline.root)) == expected, f"fixtures/outline.md:{line}: {title}"


def test_front_matter_values_are_read() -> None:
    outline = parse_note("n.md", "---\ntitle: My notes\nsubject: 'Amazon Bedrock'\n---\ntext\n")
    assert dict(outline.front_matter) == {"title": "My notes", "subject": "Amazon Bedrock"}


def test_bom_and_crlf_do_not_shift_lines() -> None:
    text = decode("n.md", "\ufeff# Title\r\n\r\n- fact\r\n".encode())
    outline = parse_note("n.md", text)
    heading = outline.root.children[0]
    assert isinstance(heading, Node) and heading.title == "Title" and heading.line == 1
    assert heading.children[0] == Block("item", "fact", 3, 3, ListPlace(1, 0, 1, False))


def test_rules_are_reported_as_skipped() -> None:
    outline = parse_note("n.md", "a\n\n---\n\nb\n")
    assert [(s.line, s.reason) for s in outline.skipped] == [(3, "horizontal rule")]


def test_bold_before_hangul_is_bold() -> None:
    """CommonMark leaves `**x)**하여` literal; users expect bold."""
    markdown = "목록을 **순위를 재조정(re-rank)**하여 반환"
    assert "<strong>순위를 재조정(re-rank)</strong>하여" in render_inline_html(markdown)
    assert plain_text(markdown) == "목록을 순위를 재조정(re-rank)하여 반환"


def test_unpaired_stars_stay_literal() -> None:
    assert render_inline_html("5 ** 2 and a**") == "5 ** 2 and a**"


def test_language_of_a_note() -> None:
    assert parse_note("a.md", "機械学習モデルを使う").lang == "ja"
    assert parse_note("b.md", "기계 학습 모델").lang == "ko"
    assert parse_note("c.md", "machine learning").lang == "en"


@given(st.text(alphabet=st.sampled_from(list("abcXYZ 가나다テスト漢字.,:;()-→\n\t0123456789"))))
def test_plain_text_fast_path_matches_the_parser(text: str) -> None:
    """Text without markup skips the parser; it must come out the same as through it."""
    assert plain_text(text) == parsed_plain_text(text)


@pytest.mark.parametrize(
    "note",
    [*sorted(Path("source_notes").glob("*.md")), *sorted(Path("tests/corpus").glob("*.md"))],
    ids=lambda path: path.name,
)
def test_an_outline_kept_between_builds_reads_back_whole(note: Path) -> None:
    """The outline memo (OUT/.cache/outlines.json) gives back exactly what parsing gives:
    titles, levels, lines, list places, directives, tags, front matter, skipped lines."""
    _reads_back(parse_note(note.name, decode(note.name, note.read_bytes())))


def test_an_outline_with_every_kind_of_part_reads_back_whole() -> None:
    outline = parse_note("all.md", EVERY_PART)
    assert outline.front_matter and outline.tags and outline.skipped
    nodes = list(_walk(outline.root))
    assert any(isinstance(n, Node) and n.directives for n in nodes)
    assert any(isinstance(n, Node) and n.tags for n in nodes)
    assert any(isinstance(n, Node) and n.list_place for n in nodes)
    assert any(isinstance(n, Block) and n.list_place and n.list_place.ordered for n in nodes)
    assert {n.kind for n in nodes} >= {"heading", "bold", "callout", "item", "code", "row"}
    _reads_back(outline)


EVERY_PART = """---
title: 모든 것
tags: [aws, exam]
---
# Amazon Polly
<!-- cheatdeck: subject=Amazon Polly -->
#tts #voice

**음성 합성**

- SSML로 발음을 조정한다
  - 속도와 높낮이
1. 텍스트를 보낸다
2. 음성을 받는다

> [!note] 요금
> 문자 수로 과금된다

| 엔진 | 용도 |
| --- | --- |
| neural | 자연스러운 음성 |

```python
polly.synthesize_speech(Text="hi")
```

---

<!-- 메모 -->
"""


def _walk(node: Node | Block):
    yield node
    if isinstance(node, Node):
        for child in node.children:
            yield from _walk(child)


def _reads_back(outline) -> None:
    kept = json.loads(json.dumps(outline_record(outline), ensure_ascii=False))
    assert outline_from_record(kept) == outline


@pytest.mark.parametrize(
    ("tex", "text"),
    [
        (r"\frac{TP}{TP+FP}", "TP/(TP+FP)"),  # was TP/TP+FP: another formula
        (r"2 \cdot \frac{P \cdot R}{P + R}", "2 · (P · R)/(P + R)"),
        (r"\frac{1}{1+e^{-x}}", "1/(1+e^(-x))"),
        (r"\frac{\frac{a}{b}}{c}", "(a/b)/c"),
        (r"\frac12", "1/2"),
        (r"\sum_{i=1}^{n} x_i", "∑_(i=1)^n x_i"),
        (r"x^{2} + \hat{y}_i + n_{in}", "x^2 + ŷ_i + n_in"),
    ],
)
def test_formulas_read_on_one_line_keep_their_grouping(tex: str, text: str) -> None:
    """Sheets print math as text (WeasyPrint has no MathJax): a fraction, or a script that
    is an expression, keeps its grouping, or the printed formula says something else."""
    assert plain_text(f"Precision: ${tex}$") == f"Precision: {text}"
