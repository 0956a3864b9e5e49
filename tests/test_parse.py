"""The outline parser, one construct at a time (fixtures in fixtures/outline.md)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.inline import parsed_plain_text, plain_text, render_inline_html
from generator.parse import Block, ListPlace, Node, parse_note
from generator.sources import decode

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
