"""Nothing in the notes is dropped silently, and every fact points at its own line."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.build import Loaded
from generator.deck.cards import plan_deck
from generator.facts.catalog import load_catalog
from generator.facts.extract import extract
from generator.facts.identity import assign_ids
from generator.notes.inline import plain_text
from generator.notes.parse import parse_note
from generator.options import DeckOptions, SheetOptions
from generator.sheets.plan import plan_sheets

from .conftest import SOURCE_NOTES

MARKERS = re.compile(r"^\s*(?:#{1,6}\s+|[-*+]\s+|\d+[.)]\s+|>\s*)*")
NOTES = sorted(path.name for path in SOURCE_NOTES.glob("*.md"))


def normal(text: str) -> str:
    return " ".join(text.split())


def line_words(raw: str) -> str:
    return normal(plain_text(MARKERS.sub("", raw)))


def title_is_used(title: str, facts: list) -> bool:
    """A title lands in a subject name or a path element of some fact of its note."""
    match = load_catalog().match_title(title)
    named = load_catalog().owner(match.service).name if match else None
    return any(
        named == fact.subject
        or normal(title).startswith(fact.subject)
        or any(part and part in normal(title) for part in fact.path)
        for fact in facts
    )


@pytest.mark.parametrize("name", NOTES)
def test_every_content_line_lands_somewhere(seeds: Loaded, name: str) -> None:
    facts = [f for f in seeds.notes.facts if f.file == name]
    skipped = {s.line for s in seeds.notes.skipped if s.file == name}
    texts = "\n".join(normal(f.text) for f in facts)
    lost = []
    for number, raw in enumerate((SOURCE_NOTES / name).read_text().split("\n"), start=1):
        words = line_words(raw)
        if not words or number in skipped or words in texts or title_is_used(words, facts):
            continue
        lost.append(f"{name}:{number}: {raw.strip()[:60]}")
    assert lost == []


def test_skipped_lines_say_why(seeds: Loaded) -> None:
    reasons = defaultdict(list)
    for item in seeds.notes.skipped:
        reasons[item.reason.split(":")[0]].append(item.line)
    assert "remote image not fetched (no network at build time)" in reasons
    assert "image outside the notes folder is not read" in reasons
    assert "horizontal rule" in reasons
    assert any(reason.startswith("empty section 'Edge Manager'") for reason in reasons)


@pytest.mark.parametrize("name", NOTES)
def test_each_fact_starts_on_its_source_line(seeds: Loaded, name: str) -> None:
    lines = (SOURCE_NOTES / name).read_text().split("\n")
    wrong = []
    for fact in seeds.notes.facts:
        if fact.file != name or fact.kind == "image":
            continue
        words = line_words(lines[fact.line - 1])
        if not normal(fact.text).startswith(words[:20]):
            wrong.append(f"{name}:{fact.line}: {words[:30]!r} vs {fact.text[:30]!r}")
    assert wrong == []


MARKDOWNISH = st.lists(
    st.sampled_from(
        [
            "# ",
            "## ",
            "###### ",
            "- ",
            "\t- ",
            "    - ",
            "1. ",
            "> ",
            "**",
            "`",
            ": ",
            " → ",
            "amazon lex & connect",
            "Lookout for Equipment / Metrics",
            "SageMaker",
            "텍스트",
            "機械学習",
            "\n",
            "\n\n",
            "![a](../b.png)",
            "![x](https://e.com/y.png)",
            "---\n",
            "<!-- cheatdeck: subject=Amazon Bedrock -->",
            "<!-- cheatdeck: skip -->",
            "<u>x</u>",
            "| a | b |\n| - | - |\n| c | d |\n",
            "```\ncode\n```\n",
            "\r\n",
            "---\nt: 1\n---\n",
            "Q: ",
            "\nA: ",
            " :: ",
            " ::: ",
            "==",
            "{{c1::",
            "}}",
            "🔥✅⚠️★",
            "<script>alert(1)</script>",
            "<div onclick='x'>",
            "<!-- cheatdeck: nocard -->",
            "이는 ",
            "다음과 같습니다.",
            "とは",
            "은 ",
            "Amazon Q Business",
            "SageMaker Model Monitor를 ",
            "\t\t\t\t\t\t- ",
        ]
    )
    | st.text(max_size=8),
    max_size=40,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(MARKDOWNISH)
def test_parse_and_extract_never_raise_on_markdownish_text(text: str) -> None:
    notes = extract([parse_note("n.md", text)])
    assert all(fact.line >= 1 and fact.subject for fact in notes.facts)


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_parse_and_extract_never_raise_on_any_text(text: str) -> None:
    extract([parse_note("n.md", text)])


@settings(max_examples=150, deadline=None)
@given(MARKDOWNISH, MARKDOWNISH)
def test_the_whole_pipeline_never_raises(first: str, second: str) -> None:
    """Parse → extract → identify → cards → sheet HTML on generated notes with CJK, emoji,
    deep nesting, HTML fragments, card syntax and broken Markdown (issue #9)."""
    notes = extract([parse_note("a.md", first), parse_note("dir/b.md", second)])
    identified = assign_ids(notes.facts, {}, 1)
    notes = replace(notes, facts=identified.facts)
    plan = plan_deck(notes, identified.lock, frozenset(), DeckOptions(), {}, 1)
    assert len({card.guid for card in plan.notes}) == len(plan.notes)  # one note per GUID
    assert set(plan.cards) | set(plan.no_card) == {fact.id for fact in notes.facts}
    for sheet in plan_sheets(notes, SheetOptions(), "2026-01-01", {}):
        assert "<script" not in sheet.html
