"""The ``cheatdeck`` command: parse options, call one library function, print.

Errors in the notes become ``FILE:LINE: message`` on stderr and exit code 1; usage errors
exit 2 (click's default). Data goes to stdout, everything else to stderr.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

import click

from ._version import __version__
from .build import BuildOptions, build, load
from .cards import DEFAULT_DECK, DeckOptions
from .errors import CheatdeckError
from .extract import Fact, Notes, shared_depth
from .inline import shorten
from .pdf import harfbuzz_subset_available
from .report import build_report, counted, report_lines, warning_lines
from .sheets import PAPER_SIZES, SheetOptions
from .watch import watch_notes
from .writers import facts_json

DEFAULT_NOTES = Path("source_notes")
_TEXT_WIDTH = 90


def _notes_argument(function: Callable[..., Any]) -> Callable[..., Any]:
    return click.argument(
        "notes",
        nargs=-1,
        type=click.Path(exists=True, path_type=Path),
    )(function)


def _targets(notes: tuple[Path, ...]) -> list[Path]:
    if notes:
        return list(notes)
    if not DEFAULT_NOTES.is_dir():
        raise click.UsageError(f"no notes given and no {DEFAULT_NOTES}/ folder here")
    return [DEFAULT_NOTES]


def _report_skipped(notes: Notes) -> None:
    """Print the warnings: skipped pieces worth a look."""
    for line in warning_lines(notes):
        click.echo(line, err=True)


def _fail(message: str) -> NoReturn:
    """Print ``FILE:LINE: message`` (no "Error:" prefix, so editors can jump) and exit 1."""
    click.echo(message, err=True)
    sys.exit(1)


def _problem(error: CheatdeckError | OSError) -> str:
    """What went wrong, as ``FILE:LINE: message`` (or ``FILE: reason`` for the disk)."""
    if isinstance(error, OSError):
        return f"{error.filename or ''}: {error.strerror}"
    return str(error)


def _run(step: Callable[[], Any]) -> Any:
    try:
        return step()
    except (CheatdeckError, OSError) as error:
        _fail(_problem(error))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="cheatdeck")
def cli() -> None:
    """Turn Markdown study notes into an Anki deck and printable cheat sheets.

    \b
    Example:
        cheatdeck build                 # source_notes/ → build/
        cheatdeck facts notes/ --json   # what cheatdeck understood, as JSON
    """


_BUILD_OPTIONS = (
    click.option(
        "-o",
        "--out",
        type=click.Path(file_okay=False, path_type=Path),
        default=Path("build"),
        show_default=True,
        help="Output folder.",
    ),
    click.option("--no-deck", is_flag=True, help="Do not build deck.apkg."),
    click.option("--no-sheets", is_flag=True, help="Do not build the cheat sheets."),
    click.option(
        "--deck-name",
        default=DEFAULT_DECK,
        show_default=True,
        help="Parent deck: subjects become DECK::Subject subdecks.",
    ),
    click.option(
        "--paper",
        type=click.Choice(sorted(PAPER_SIZES), case_sensitive=False),
        default="A4",
        show_default=True,
        help="Sheet paper size.",
    ),
    click.option(
        "--orientation",
        type=click.Choice(["landscape", "portrait"]),
        default="landscape",
        show_default=True,
        help="Sheet orientation.",
    ),
    click.option(
        "--columns",
        type=click.IntRange(1, 6),
        default=3,
        show_default=True,
        help="Columns per sheet page.",
    ),
    click.option("--large-print", is_flag=True, help="11 pt type and one column fewer."),
    click.option(
        "--booklet",
        type=click.Choice(["packed", "one-per-page"]),
        default="packed",
        show_default=True,
        help="all.pdf: subjects flowing on through the columns, or each sheet on its own pages.",
    ),
    click.option("--author", default="", help="Author written into the PDFs' metadata."),
    click.option("--json", "as_json", is_flag=True, help="Print the change report as JSON."),
)


def _build_options(function: Callable[..., Any]) -> Callable[..., Any]:
    """The options ``build`` and ``watch`` share."""
    for option in reversed(_BUILD_OPTIONS):
        function = option(function)
    return function


def _options(settings: dict[str, Any]) -> BuildOptions:
    sheet_options = SheetOptions(
        settings["paper"],
        settings["orientation"],
        settings["columns"],
        settings["large_print"],
        settings["author"],
        booklet=settings["booklet"],
    )
    options = BuildOptions(
        deck=not settings["no_deck"],
        sheets=not settings["no_sheets"],
        deck_options=DeckOptions(name=settings["deck_name"]),
        sheet_options=sheet_options,
        strict=settings.get("strict", False),
    )
    if options.sheets and not harfbuzz_subset_available():
        click.secho(
            "warning: libharfbuzz-subset is missing: every CJK sheet will take ~10 s instead "
            "of ~0.2 s. Install it: `apt-get install libharfbuzz-subset0` (or `make build`).",
            err=True,
            fg="yellow",
            bold=True,
        )
    return options


def _build_and_report(targets: list[Path], out: Path, options: BuildOptions, as_json: bool) -> int:
    """Build, print the change report; return how many warnings there were."""
    result = build(targets, out, int(time.time()), options)
    report = build_report(result)
    if as_json:
        json.dump(report, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        sys.stdout.flush()
    for line in [*report["warnings"], *report_lines(report)]:
        click.echo(line, err=True)
    click.echo(f"wrote {counted(len(result.written), 'file')} to {out}/", err=True)
    return len(report["warnings"])


@cli.command("build")
@_notes_argument
@_build_options
@click.option("--strict", is_flag=True, help="Fail (exit 1) if there are warnings.")
def build_command(notes: tuple[Path, ...], strict: bool, **settings: Any) -> None:
    """Build deck.apkg, the cheat sheets and facts.json into OUT.

    NOTES are folders or .md files (default: source_notes). The identity lock
    cheatdeck.lock.json is kept in the first notes folder: commit it with your notes,
    so that re-imported cards keep their review history. Only what changed is rebuilt.

    \b
    Example:
        cheatdeck build notes/ -o build --deck-name "AWS MLA"
    """
    targets, options = _targets(notes), _options({**settings, "strict": strict})
    _run(lambda: _build_and_report(targets, settings["out"], options, settings["as_json"]))


@cli.command("watch")
@_notes_argument
@_build_options
def watch_command(notes: tuple[Path, ...], **settings: Any) -> None:
    """Build, then rebuild whenever a note or an image beside it changes.

    A note with an error prints its FILE:LINE and the watch goes on; the last good
    outputs stay in OUT. Stop with Ctrl-C.

    \b
    Example:
        cheatdeck watch notes/ --no-sheets
    """
    targets, options = _targets(notes), _options(settings)
    out: Path = settings["out"]

    def rebuild() -> None:
        try:
            _build_and_report(targets, out, options, settings["as_json"])
        except (CheatdeckError, OSError) as error:
            click.echo(_problem(error), err=True)

    rebuild()
    for changed in watch_notes(targets, out):
        click.echo(f"changed: {', '.join(changed)}", err=True)
        rebuild()


@cli.command("facts")
@_notes_argument
@click.option("--json", "as_json", is_flag=True, help="Print facts.json to stdout.")
@click.option("--skipped", is_flag=True, help="Also list every line left out, and why.")
def facts_command(notes: tuple[Path, ...], as_json: bool, skipped: bool) -> None:
    """Show what cheatdeck understood: subject → section → fact, with FILE:LINE.

    Nothing is written. Use it to check that each fact went to the right subject.

    \b
    Example:
        cheatdeck facts source_notes/
        cheatdeck facts notes/aws.md --json | jq '.facts[0]'
    """
    targets = _targets(notes)
    loaded = _run(lambda: load(targets, int(time.time())))
    if as_json:
        sys.stdout.write(facts_json(loaded.notes))
    else:
        _print_tree(loaded.notes)
        if skipped:
            for item in loaded.notes.skipped:
                click.echo(f"{item.file}:{item.line}: skipped: {item.reason}")
    _report_skipped(loaded.notes)


def _print_tree(notes: Notes) -> None:
    for subject in notes.subjects:
        facts = notes.facts_of(subject.name)
        label = f"{subject.kind}" + (f" · {subject.category}" if subject.category else "")
        total = counted(len(facts), "fact")
        click.echo(click.style(subject.name, bold=True) + f"  ({label} · {total})")
        shown: tuple[str, ...] = ()
        for fact in facts:
            shown = _print_path(fact, shown)
            indent = "  " * (len(fact.path) + 1)
            where = click.style(f"{fact.file}:{fact.line}", dim=True)
            click.echo(f"{indent}· {shorten(fact.text, _TEXT_WIDTH)}  {where}")
        click.echo()


def _print_path(fact: Fact, shown: tuple[str, ...]) -> tuple[str, ...]:
    """Print the part of the fact's path not already printed above it."""
    for depth in range(shared_depth(shown, fact.path), len(fact.path)):
        click.echo("  " * (depth + 1) + click.style(fact.path[depth], underline=True))
    return fact.path


def main() -> None:
    cli()
