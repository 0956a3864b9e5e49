"""The edge that waits for the user to save: file events under the notes folders.

Rebuilding on every raw event would run a build per keystroke-save burst; watchfiles
(Rust ``notify``) groups events and debounces them. The lock file the build itself writes,
the output folder and hidden files are ignored, so a build never triggers the next.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click

from ..errors import CheatdeckError
from ..notes.sources import IMAGE_SUFFIXES, LOCK_NAME
from ..options import BuildOptions
from .building import built, problem, warn_if_slow

DEBOUNCE_MS = 300
WATCHED_SUFFIXES = frozenset({".md", *IMAGE_SUFFIXES})


def _relevant(path: Path, roots: list[Path], out: Path) -> bool:
    if path.name == LOCK_NAME or path.suffix.lower() not in WATCHED_SUFFIXES:
        return False
    if out == path or out in path.parents:
        return False
    return not any(
        part.startswith(".")
        for root in roots
        if root in path.parents
        for part in path.relative_to(root).parts
    )


def watch_notes(targets: list[Path], out: Path) -> Iterator[list[str]]:
    """Yield the changed note and image paths (relative to their notes folder), one list
    per burst of saves."""
    import logging

    from watchfiles import watch

    logging.getLogger("watchfiles").setLevel(logging.ERROR)  # Ctrl-C is no news: we stop
    roots = [(t if t.is_dir() else t.parent).resolve() for t in targets]
    output = out.resolve()
    for changes in watch(*roots, debounce=DEBOUNCE_MS, raise_interrupt=False):
        changed = sorted(
            _shown(Path(p), roots) for _, p in changes if _relevant(Path(p), roots, output)
        )
        if changed:
            yield changed


def _shown(path: Path, roots: list[Path]) -> str:
    """The path as the user knows it: relative to its notes folder."""
    root = next((r for r in roots if r in path.parents), None)
    return path.relative_to(root).as_posix() if root else str(path)


def watch_and_rebuild(targets: list[Path], options: BuildOptions, settings: dict[str, Any]) -> None:
    """Build, then rebuild on every burst of saves until Ctrl-C: the first report whole,
    then only what changed (``--json``: one report per line). A note with an error prints
    its FILE:LINE and the watch goes on; the render workers stay warm between builds."""
    from ..build import Session
    from ..report import build_report, change_lines, report_lines

    warn_if_slow(options)
    previous: dict[str, Any] | None = None

    def rebuild() -> None:
        nonlocal previous
        try:
            result, timings = built(targets, options, settings, session)
        except (CheatdeckError, OSError) as error:
            click.echo(problem(error), err=True)
            return
        report = build_report(result)
        if settings["as_json"]:
            click.echo(json.dumps(report, ensure_ascii=False))
        else:
            lines = (
                [*report["warnings"], *report_lines(report)]
                if previous is None
                else change_lines(previous, report)
            )
            if settings["quiet"]:
                lines = [line for line in lines if ": warning: " in line]
            click.echo("\n".join([*lines, *timings]), err=True)
        previous = report

    session = Session()  # the render workers stay warm between builds
    try:
        rebuild()
        folders = ", ".join(f"{t}/" if t.is_dir() else str(t) for t in targets)
        click.echo(f"watching {folders} (notes and images) — press Ctrl-C to stop", err=True)
        for changed in watch_notes(targets, settings["out"]):
            click.echo(f"changed: {', '.join(changed)}", err=True)
            rebuild()
    finally:
        session.close()
    click.echo("stopped watching", err=True)
