"""`cheatdeck explain FILE:LINE` (issue #24): each decision told by the rule that made it —
a term card, a which card, a fact with no card, a title that chose a subject."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from generator.commands.cli import cli

NOTES = """# Amazon Polly

- Polly turns ==text== into lifelike speech
- **SSML**: markup that controls pronunciation and pauses
- This is why many voices sound natural

# Responsible AI

- **Amazon Bedrock**: builds generative AI apps on foundation models
- Fairness means similar outcomes across groups of people
"""


def explain(place: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["explain", place])
    return result.exit_code, result.output


def test_a_term_card_and_its_rule(notes_dir) -> None:
    folder = notes_dir({"polly.md": NOTES})
    code, out = explain(f"{folder / 'polly.md'}:4")
    assert code == 0
    assert out.splitlines() == [
        "polly.md:4: SSML: markup that controls pronunciation and pauses",
        '  subject  Amazon Polly (service) — rule "service title", line 1 "# Amazon Polly": '
        "the title names a catalog service: the subject of everything below it",
        '  card     term, rule "term", deck Amazon Polly',
        "             front: Amazon Polly · What is it? │ SSML",
        "             back:  markup that controls pronunciation and pauses",
    ]


def test_a_which_card_names_its_rule_and_shows_the_masked_front(notes_dir) -> None:
    folder = notes_dir({"polly.md": NOTES})
    code, out = explain(f"{folder / 'polly.md'}:3")
    assert code == 0
    assert '  card     which, rule "which service", deck Which service?' in out
    assert "front: Which AWS service? │ ＿＿＿ turns text into lifelike speech" in out
    assert '  card     cloze, rule "written cloze", deck Amazon Polly' in out


def test_a_fact_without_a_card_says_why(notes_dir) -> None:
    folder = notes_dir({"polly.md": NOTES})
    code, out = explain(f"{folder / 'polly.md'}:5")
    assert code == 0
    assert out.splitlines()[-1] == (
        "  no card  starts by pointing at an earlier sentence (이는/これは/This…)"
    )


def test_a_subject_from_a_term_and_from_a_title_line(notes_dir) -> None:
    folder = notes_dir({"polly.md": NOTES})
    code, out = explain(f"{folder / 'polly.md'}:9")
    assert code == 0
    assert '  subject  Amazon Bedrock (service) — rule "service term", line 9' in out
    code, out = explain(f"{folder / 'polly.md'}:7")
    assert code == 0
    assert out.splitlines() == [
        "polly.md:7: # Responsible AI",
        '  a title: rule "topic title" (a title at the top of the note, or a # heading under '
        "a topic (## too, unless the note has one # title: then ## are its sections), that "
        "names no service starts a topic)",
        "  it chose Responsible AI for 1 fact, line 10",
    ]


def test_a_line_without_a_fact_or_a_wrong_place_is_one_line(notes_dir, tmp_path: Path) -> None:
    folder = notes_dir({"polly.md": NOTES})
    code, out = explain(f"{folder / 'polly.md'}:2")
    assert code == 1 and out.startswith("polly.md:2: no fact is on this line")
    code, out = explain(f"{folder / 'polly.md'}")
    assert code == 2 and "expected FILE:LINE" in out
    code, out = explain(f"{tmp_path / 'missing.md'}:3")
    assert code == 2 and "no such note" in out
