"""Building from the command line: the progress display, the stage timings of ``-v``, the
change report (``--json`` on stdout, the rest on stderr) and the stamp's short cut when
nothing changed. Shared by ``build``, ``watch`` and ``push``.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ..errors import CheatdeckError
from ..options import BuildOptions
from ..store.cache import up_to_date
from .terminal import TerminalProgress

if TYPE_CHECKING:
    from ..build import Session
    from ..results import BuildResult


class Stages:
    """Progress on a terminal, and the time each build stage took (for ``-v``)."""

    def __init__(self, display: TerminalProgress) -> None:
        self.display = display
        self.started: dict[str, float] = {}

    def __call__(self, stage: str, done: int, total: int) -> None:
        self.started.setdefault(stage, time.perf_counter())
        self.display(stage, done, total)

    def lines(self) -> list[str]:
        ends = [*list(self.started.values())[1:], time.perf_counter()]
        took = [end - start for start, end in zip(self.started.values(), ends, strict=True)]
        return [
            f"  {stage}: {seconds:.2f} s" for stage, seconds in zip(self.started, took, strict=True)
        ]


def built(
    targets: list[Path],
    options: BuildOptions,
    settings: dict[str, Any],
    session: Session | None = None,
) -> tuple[BuildResult, list[str]]:
    """Build with a progress display; the result, and ``-v``'s lines on the stages."""
    from ..build import build

    with TerminalProgress(enabled=not settings["quiet"] and not settings["as_json"]) as display:
        stages = Stages(display)
        result = build(targets, settings["out"], int(time.time()), options, stages, session)
    return result, ["took:", *stages.lines()] if settings["verbose"] else []


def build_and_report(targets: list[Path], options: BuildOptions, settings: dict[str, Any]) -> None:
    """Build and print the change report — the last build's, when nothing has changed
    since (see :mod:`generator.store.cache`: no stage is even imported then)."""
    out, started = settings["out"], time.perf_counter()
    replay = up_to_date(targets, out, options) if options.cache else None
    if replay is not None:
        took = f"  checking for changes: {time.perf_counter() - started:.2f} s"
        timings = ["took:", took] if settings["verbose"] else []
        done = f"nothing to rebuild: every output in {out}/ is up to date"
        print_report(replay.report, replay.lines, done, timings, settings)
        return
    if options.sheets:
        from ..sheets.workers import RENDERING, start_fork_server

        start_fork_server(RENDERING)  # WeasyPrint's import, in parallel with the stages'
    warn_if_slow(options)
    result, timings = built(targets, options, settings)
    from ..report import build_report, counted, report_lines  # after: cards are imported late

    report = build_report(result)
    done = f"wrote {counted(len(result.written), 'file')} to {out}/"
    print_report(report, report_lines(report), done, timings, settings)


def print_report(
    report: dict[str, Any], lines: list[str], done: str, timings: list[str], settings: Any
) -> None:
    """The report on stdout as JSON (``--json``); on stderr, the warnings and, unless
    ``-q``, the summary; the stage timings with ``-v``."""
    if settings["as_json"]:
        json.dump(report, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        sys.stdout.flush()
    summary = [] if settings["quiet"] else [*lines, done]
    for line in [*report["warnings"], *summary, *timings]:
        click.echo(line, err=True)


def warn_if_slow(options: BuildOptions) -> None:
    """Say so when rendering will crawl for want of a system library."""
    from ..sheets.pdf import harfbuzz_subset_available

    if options.sheets and not harfbuzz_subset_available():
        click.secho(
            "warning: libharfbuzz-subset is missing: every CJK sheet will take ~10 s instead "
            "of ~0.2 s. Install it: `apt-get install libharfbuzz-subset0` (or `make build`).",
            err=True,
            fg="yellow",
            bold=True,
        )


def problem(error: CheatdeckError | OSError) -> str:
    """What went wrong, as ``FILE:LINE: message`` (or ``FILE: reason`` for the disk)."""
    if isinstance(error, OSError):
        return f"{error.filename or ''}: {error.strerror}"
    return str(error)
