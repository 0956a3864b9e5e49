"""The everyday commands: check (every rule), list, the config file, push, watch, -q."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.commands.cli import cli
from tests.anki_connect_stand_in import StandIn
from tests.anki_helpers import open_collection

LINTED = {
    "a.md": (
        "# Amazon Forecst\n"  # 1 misspelt-service
        "\n"
        "- Forecast predicts demand from time series with ==quantiles==\n"  # 3
        "- It is used by retailers for planning stock across many shops\n"  # 4 no-card
        "\n"
        "## Empty part\n"  # 6 empty-section
        "\n"
        "# Textract\n"
        "\n"
        "- ![scan](missing.png)\n"  # 10 image
        "- amazon textrakt reads forms and tables from scanned pages\n"  # 11 unknown-service
        "- Textract keeps the layout of tables as cells and rows ==AnalyzeDocument== "
        + "and more words to make this one fact far longer than a good card can hold, "
        * 2
        + "\n"  # 12 long-fact
        "\n"
        "# Guardrails\n"
        "<!-- cheatdeck: subjet=Amazon Bedrock -->\n"  # 15 directive: unknown verb
        "\n"
        "- Guardrails filter harmful content in prompts and in ==answers==\n"
        "\n"
        "## Filters\n"
        "<!-- cheatdeck: subject=Amazon Bedrok -->\n"  # 20 directive: not a service
        "\n"
        "- Content filters have strengths from ==none== to high\n"
        "\n"
        "<!-- cheatdeck: topic -->\n"  # 24 directive: above a heading
        "# Exam tips\n"
        "\n"
        "- Read every ==option== first\n"
    ),
    "b.md": "# Forecast notes\n\n- Forecast predicts demand from time series with ==quantiles==\n",
}
EXPECTED = {
    ("a.md", 1, "misspelt-service"),
    ("a.md", 4, "no-card"),
    ("a.md", 6, "empty-section"),
    ("a.md", 10, "image"),
    ("a.md", 11, "unknown-service"),
    ("a.md", 12, "long-fact"),
    ("a.md", 15, "directive"),
    ("a.md", 20, "directive"),
    ("a.md", 24, "directive"),
    ("b.md", 3, "duplicate-fact"),
}


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), env=env)
    return result.exit_code, result.stdout, result.stderr


def findings(out: str) -> set[tuple[str, int, str]]:
    found = set()
    for line in out.splitlines():
        file, number, rest = line.split(":", 2)
        found.add((file, int(number), rest.rsplit("[", 1)[1].rstrip("]")))
    return found


def test_check_reports_every_rule_at_its_line(notes_dir) -> None:
    folder = notes_dir(LINTED)
    code, out, err = run("check", str(folder))
    assert code == 0
    assert findings(out) == EXPECTED
    assert "'Amazon Forecst' is read as Amazon Forecast" in out
    assert "did you mean Amazon Textract?" in out
    assert "did you mean Amazon Bedrock?" in out
    assert "unknown directive 'cheatdeck: subjet=Amazon Bedrock'" in out
    assert "this comment applies to the section above it, not to '# Exam tips'" in out
    assert "same fact as a.md:3" in out
    assert err.strip().startswith("10 findings")


def test_check_strict_fails_on_findings_and_passes_clean_notes(notes_dir, tmp_path) -> None:
    assert run("check", str(notes_dir(LINTED)), "--strict")[0] == 1
    clean = tmp_path / "clean"
    clean.mkdir()
    (clean / "c.md").write_text("# Amazon Polly\n\n- Polly turns ==text== into speech\n")
    code, out, err = run("check", str(clean), "--strict")
    assert (code, out, err) == (0, "", "0 findings\n")


def test_check_ignore_leaves_a_rule_out(notes_dir) -> None:
    code, out, _ = run("check", str(notes_dir(LINTED)), "--ignore", "no-card", "--ignore", "image")
    rules = {rule for _, _, rule in findings(out)}
    assert code == 0 and "no-card" not in rules and "image" not in rules and "directive" in rules


def test_list_has_one_line_per_subject_with_counts_and_files(notes_dir) -> None:
    folder = notes_dir(LINTED)
    code, out, _ = run("list", str(folder))
    lines = out.splitlines()
    assert code == 0 and lines[0].split() == ["SUBJECT", "KIND", "FACTS", "CARDS", "FILES"]
    rows = {line.split("  ")[0]: line.split() for line in lines[1:]}
    # "# Forecast notes" is a Forecast title; the topic comment above "# Exam tips" is the
    # last word on "## Filters" (check reports it)
    assert rows["Amazon Forecast"][-5:] == ["service", "3", "3", "a.md,", "b.md"]
    assert list(rows) == [
        "Amazon Forecast",
        "Amazon Textract",
        "Guardrails",
        "Filters",
        "Exam tips",
    ]
    listed = json.loads(run("list", str(folder), "--json")[1])
    assert {
        "name": "Exam tips",
        "kind": "topic",
        "slug": "exam-tips",
        "facts": 1,
        "cards": 1,
        "files": ["a.md"],
    } in listed


def test_config_sets_options_and_the_command_line_wins(notes_dir, tmp_path) -> None:
    folder = notes_dir(
        {
            "n.md": "# Amazon Polly\n\n- Polly turns ==text== into speech\n",
            "cheatdeck.toml": 'deck_name = "My Exam"\nno_sheets = true\nout = "made"\n',
        }
    )
    code, _, _ = run("build", str(folder))
    assert code == 0 and (folder / "made" / "deck.apkg").is_file()
    assert not (folder / "made" / "sheets").exists()
    cards = _deck_names(folder / "made" / "deck.apkg", tmp_path / "a")
    assert cards == {"My Exam::Amazon Polly", "My Exam::Which service?"}
    code, _, _ = run("build", str(folder), "--deck-name", "Other", "-o", str(tmp_path / "o"))
    assert code == 0 and _deck_names(tmp_path / "o" / "deck.apkg", tmp_path / "b") == {
        "Other::Amazon Polly",
        "Other::Which service?",
    }


def _deck_names(package: Path, folder: Path) -> set[str]:
    from tests.anki_helpers import rendered_cards

    return {card["deck"] for card in rendered_cards(package, folder)}


def test_pyproject_tool_table_and_catalog_extension(notes_dir) -> None:
    folder = notes_dir(
        {
            "n.md": "# Amazon Nova Act\n\n- Nova Act builds ==agents== that use a browser\n\n"
            "# Textrakt\n\n- reads ==forms==\n",
            "pyproject.toml": '[project]\nname = "notes"\n\n[tool.cheatdeck]\ndeck_name = "X"\n\n'
            '[[tool.cheatdeck.service]]\nname = "Amazon Nova Act"\ncategory = "AI"\n\n'
            '[tool.cheatdeck.aliases]\n"Textrakt" = "Amazon Textract"\n',
        }
    )
    listed = json.loads(run("list", str(folder), "--json")[1])
    assert [(row["name"], row["kind"]) for row in listed] == [
        ("Amazon Nova Act", "service"),
        ("Amazon Textract", "service"),
    ]


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (
            'paper = "A4"\n\ndek_name = "x"\n',
            "cheatdeck.toml:3: unknown setting 'dek_name' (did you mean deck_name?)",
        ),
        ('columns = "many"\n', "cheatdeck.toml:1: columns: 'many' is not a valid integer range."),
        ("columns = \n", "cheatdeck.toml:1: not valid TOML"),
        ('skip_kinds = ["whch"]\n', "cheatdeck.toml:1: skip_kinds: unknown card kind 'whch'"),
        (
            '[aliases]\n"Forcst" = "Amazon Nothing"\n',
            "cheatdeck.toml:1: alias 'Forcst': no service named 'Amazon Nothing'",
        ),
    ],
)
def test_bad_config_is_a_file_line_error(notes_dir, tmp_path, config, message) -> None:
    folder = notes_dir({"n.md": "# Amazon Polly\n\n- text to speech\n", "cheatdeck.toml": config})
    code, _, err = run("build", str(folder), "-o", str(tmp_path / "out"))
    assert code == 1 and err.startswith(message) and "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_skip_kinds_turns_a_card_kind_off(notes_dir, tmp_path) -> None:
    note = "# Amazon Polly\n\n- Polly turns ==text== into lifelike speech in many voices\n"
    folder = notes_dir({"n.md": note})
    on = json.loads(run("build", str(folder), "--json", "-o", str(tmp_path / "a"))[1])
    off = json.loads(
        run("build", str(folder), "--json", "--skip-kinds", "which", "-o", str(tmp_path / "b"))[1]
    )
    assert "which" in on["deck"]["by_kind"] and "which" not in off["deck"]["by_kind"]
    assert off["deck"]["by_kind"]["cloze"] == on["deck"]["by_kind"]["cloze"]


def test_push_builds_and_imports_through_ankiconnect(notes_dir, tmp_path) -> None:
    folder = notes_dir({"n.md": "# Amazon Polly\n\n- Polly turns ==text== into speech\n"})
    collection = open_collection(tmp_path / "anki")
    out = tmp_path / "out"
    with StandIn(collection) as anki:
        code, _, err = run("push", str(folder), "-o", str(out), "--anki-url", anki.url)
        assert code == 0, err
        actions = [request["action"] for request in anki.requests]
        assert actions == ["version", "findCards", "importPackage", "findCards"]
        assert anki.requests[2]["params"] == {"path": str((out / "deck.apkg").resolve())}
        assert all(request["version"] == 6 for request in anki.requests)
        assert collection.note_count() == 2  # the cloze and the which card
    collection.close()
    assert f"imported {(out / 'deck.apkg').resolve()}" in err


def test_push_without_anki_says_so_in_one_sentence(notes_dir, tmp_path) -> None:
    folder = notes_dir({"n.md": "# Amazon Polly\n\n- Polly turns ==text== into speech\n"})
    code, out, err = run(
        "push", str(folder), "-o", str(tmp_path / "o"), "--anki-url", "http://127.0.0.1:9"
    )
    assert code == 1 and out == ""
    assert err == (
        "http://127.0.0.1:9: Anki is not reachable: start Anki with the AnkiConnect add-on "
        "(code 2055492159) and try again\n"
    )
    assert not (tmp_path / "o").exists()  # nothing built for nothing


def test_quiet_prints_only_warnings(notes_dir, tmp_path) -> None:
    folder = notes_dir({"n.md": "# Amazon Lex\n\n## Empty\n\n## Bots\n\n- chat ==bots==\n"})
    code, out, err = run("build", str(folder), "-q", "--no-sheets", "-o", str(tmp_path / "o"))
    assert code == 0 and out == ""
    assert err.splitlines() == ["n.md:3: warning: empty section 'Empty': no facts below it"]


def test_verbose_says_how_long_each_stage_took(notes_dir, tmp_path) -> None:
    folder = notes_dir({"n.md": "# Amazon Lex\n\n- chat ==bots==\n"})
    _, _, err = run("build", str(folder), "-v", "--no-sheets", "-o", str(tmp_path / "o"))
    assert "took:" in err and "  making cards: " in err


def test_no_colour_or_progress_when_not_a_terminal(notes_dir, tmp_path) -> None:
    # check=True: a small build once died with SIGSEGV at exit (Pango torn down late)
    folder = notes_dir({"n.md": "# Amazon Lex\n\n- chat ==bots==\n"})
    result = subprocess.run(
        [sys.executable, "-m", "generator", "build", str(folder), "-o", str(tmp_path / "o")],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "\x1b[" not in result.stderr and "\x1b[" not in result.stdout
    facts = subprocess.run(
        [sys.executable, "-m", "generator", "facts", str(folder)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "\x1b[" not in facts.stdout and facts.stdout.startswith("Amazon Lex  (service")


def test_facts_json_with_skipped_lists_what_was_left_out(notes_dir) -> None:
    folder = notes_dir({"n.md": "# Amazon Lex\n\n## Empty\n\n## Bots\n\n---\n\n- chat ==bots==\n"})
    code, out, _ = run("facts", str(folder), "--json", "--skipped")
    skipped = json.loads(out)["skipped"]
    assert code == 0
    assert {"file": "n.md", "line": 3, "reason": "empty section 'Empty': no facts below it"} in (
        skipped
    )
    assert {"file": "n.md", "line": 7, "reason": "horizontal rule"} in skipped


def test_watch_prints_json_lines_and_only_what_changed(notes_dir, tmp_path) -> None:
    folder = notes_dir({"n.md": "# Amazon Lex\n\n- chat ==bots==\n"})
    command = [
        sys.executable,
        "-m",
        "generator",
        "watch",
        str(folder),
        "--no-sheets",
        "-o",
        str(tmp_path / "o"),
    ]
    with subprocess.Popen(
        [*command, "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    ) as watch:
        first = json.loads(watch.stdout.readline())
        _wait_for(watch.stderr, "press Ctrl-C to stop")
        time.sleep(0.5)
        (folder / "n.md").write_text("# Amazon Lex\n\n- chat ==bots==\n- voice ==bots==\n")
        second = json.loads(watch.stdout.readline())
        watch.terminate()
    assert first["facts"]["total"] == 1 and second["facts"]["total"] == 2
    assert [fact["text"] for fact in second["facts"]["added"]] == ["voice bots"]
    with subprocess.Popen(
        command, stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"}
    ) as watch:
        watching = _wait_for(watch.stderr, "press Ctrl-C to stop")
        time.sleep(0.5)
        (folder / "n.md").write_text("# Amazon Lex\n\n- chat ==bots==\n")
        changed = [watch.stderr.readline() for _ in range(3)]
        watch.terminate()
    assert watching == f"watching {folder}/ (notes and images) — press Ctrl-C to stop\n"
    assert changed[0] == "changed: n.md\n"
    assert changed[1].startswith("  - n.md:4: voice bots")
    assert changed[2].startswith("deck: 0 added, 0 updated, 1 removed")


def _wait_for(stream, text: str) -> str:
    for line in stream:
        if text in line:
            return line
    raise AssertionError(f"never printed {text!r}")


def test_equals_signs_inside_inline_code_stay_code_on_cards(notes_dir, tmp_path) -> None:
    from tests.anki_helpers import rendered_cards

    note = "# Python\n\n- Chained comparison `a == b == c` tests ==equality== of all three\n"
    folder = notes_dir({"n.md": note})
    assert run("build", str(folder), "--no-sheets", "-o", str(tmp_path / "o"))[0] == 0
    (card,) = rendered_cards(tmp_path / "o" / "deck.apkg", tmp_path / "anki")
    assert "<code>a == b == c</code>" in card["question"]
    assert card["question"].count("<mark>") == 1  # only ==equality==, not the code


def test_report_counts_one_removed_note_in_the_singular(notes_dir, tmp_path) -> None:
    folder = notes_dir({"n.md": "# Amazon Lex\n\n- chat ==bots==\n- voice ==bots== too\n"})
    out = str(tmp_path / "o")
    assert run("build", str(folder), "--no-sheets", "--skip-kinds", "which", "-o", out)[0] == 0
    (folder / "n.md").write_text("# Amazon Lex\n\n- chat ==bots==\n", encoding="utf-8")
    _, _, err = run("build", str(folder), "--no-sheets", "--skip-kinds", "which", "-o", out)
    assert "  1 note no longer in your notes: they arrive suspended and tagged" in err
