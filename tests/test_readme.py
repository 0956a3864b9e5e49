"""The README's examples stay true: every ```console session runs and prints what it
shows, and every command and option the README names exists."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from generator.commands.cli import cli

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
SESSIONS = re.findall(r"```console\n(.*?)```", README, re.DOTALL)


def _steps(session: str) -> list[tuple[str, str]]:
    """(command, expected output) pairs of one console session."""
    steps: list[tuple[str, list[str]]] = []
    for line in session.splitlines():
        if line.startswith("$ "):
            steps.append((line[2:], []))
        else:
            steps[-1][1].append(line)
    return [(command, "".join(f"{line}\n" for line in lines)) for command, lines in steps]


STEPS = [step for session in SESSIONS for step in _steps(session)]


def test_the_readme_has_console_sessions() -> None:
    assert len(STEPS) >= 3


@pytest.mark.parametrize(("command", "expected"), STEPS, ids=[c for c, _ in STEPS])
def test_readme_command_prints_what_the_readme_shows(command: str, expected: str) -> None:
    words = shlex.split(command)
    assert words[0] == "cheatdeck"
    result = subprocess.run(
        [sys.executable, "-m", "generator", *words[1:]],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1", "COLUMNS": "200"},
    )
    assert result.stdout + result.stderr == expected


def test_every_command_and_option_in_the_readme_exists() -> None:
    usage = README.split("## Commands", 1)[1].split("NOTES are folders", 1)[0]
    joined = re.sub(r"\n\s+\[", " [", usage)  # continuation lines belong to the command above
    checked = 0
    for line in joined.splitlines():
        words = line.split()
        if len(words) > 1 and words[0] == "cheatdeck" and not words[1].startswith("-"):
            command = cli.commands[words[1]]
            options = {name for param in command.params for name in getattr(param, "opts", [])}
            for option in re.findall(r"\[(--?[a-z-]+)", line):
                assert option in options, f"{words[1]} {option}"
                checked += 1
    assert checked >= 20
