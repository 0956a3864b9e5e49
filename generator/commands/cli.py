"""The ``cheatdeck`` command: parse options, call one library function, print.

Errors in the notes become ``FILE:LINE: message`` on stderr and exit code 1; usage errors
exit 2 (click's default). Data goes to stdout, everything else to stderr.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click
from click.core import ParameterSource

from .._version import __version__
from ..errors import CheatdeckError
from ..options import (
    ANKI_SECONDS,
    CARD_KINDS,
    CHECK_RULES,
    DEFAULT_ANKI_URL,
    DEFAULT_DECK,
    PAPER_SIZES,
    REMOVED_ACTIONS,
    REMOVED_TAG,
    BuildOptions,
    DeckOptions,
    SheetOptions,
)
from ..store.outputs import UnsafeOutFolder
from .building import build_and_report, problem
from .config import Config, read_config

if TYPE_CHECKING:
    from ..facts.extract import Notes
    from ..results import Loaded

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
        for note in notes:
            if not note.is_dir() and note.suffix.lower() != ".md":
                raise click.UsageError(f"{note}: not a Markdown note (.md) nor a folder of them")
        return list(notes)
    if not DEFAULT_NOTES.is_dir():
        raise click.UsageError(f"no notes given and no {DEFAULT_NOTES}/ folder here")
    return [DEFAULT_NOTES]


def _report_skipped(notes: Notes) -> None:
    """Print the warnings: skipped pieces worth a look."""
    from ..report import warning_lines

    for line in warning_lines(notes):
        click.echo(line, err=True)


def _fail(message: str) -> NoReturn:
    """Print ``FILE:LINE: message`` (no "Error:" prefix, so editors can jump) and exit 1."""
    click.echo(message, err=True)
    sys.exit(1)


def _run(step: Callable[[], Any]) -> Any:
    try:
        return step()
    except UnsafeOutFolder as error:
        click.echo(str(error), err=True)
        sys.exit(2)  # a usage error: the folder was never written to
    except (CheatdeckError, OSError) as error:
        _fail(problem(error))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="cheatdeck")
def cli() -> None:
    """Turn Markdown study notes into an Anki deck and printable cheat sheets.

    \b
    Example:
        cheatdeck build                 # source_notes/ → build/
        cheatdeck facts notes/ --json   # what cheatdeck understood, as JSON
    """


class KindList(click.ParamType):  # type: ignore[type-arg]
    """Card kinds, as ``which,reverse`` on the command line or a list in cheatdeck.toml."""

    name = "kinds"

    def convert(self, value: Any, param: Any, ctx: Any) -> frozenset[str]:
        if isinstance(value, frozenset):
            return value
        words = value.split(",") if isinstance(value, str) else value
        if not isinstance(words, list | tuple):
            self.fail(f"expected kinds like 'which,reverse', got {value!r}", param, ctx)
        kinds = frozenset(str(word).strip() for word in words if str(word).strip())
        unknown = sorted(kinds - set(CARD_KINDS))
        if unknown:
            self.fail(f"unknown card kind {unknown[0]!r} (kinds: {', '.join(CARD_KINDS)})")
        return kinds


class DeckName(click.ParamType):  # type: ignore[type-arg]
    """A deck name Anki can show: not empty, no empty part around ``::``."""

    name = "name"

    def convert(self, value: Any, param: Any, ctx: Any) -> str:
        name = str(value).strip()
        if not name or any(not part.strip() for part in name.split("::")):
            self.fail(f"{value!r} is not a deck name (e.g. 'AWS ML' or 'Exams::AWS ML')")
        return name


def _deck_options(settings: dict[str, Any]) -> DeckOptions:
    return DeckOptions(name=settings["deck_name"], skip_kinds=settings["skip_kinds"])


_OUT_OPTION = click.option(
    "-o",
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("build"),
    show_default=True,
    help="Output folder.",
)
_PRINT_OPTIONS = (
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
)
_BUILD_OPTIONS = (
    _OUT_OPTION,
    click.option("--no-deck", is_flag=True, help="Do not build deck.apkg."),
    click.option("--no-sheets", is_flag=True, help="Do not build the cheat sheets."),
    click.option(
        "--deck-name",
        type=DeckName(),
        default=DEFAULT_DECK,
        show_default=True,
        help="Parent deck: subjects become DECK::Subject subdecks.",
    ),
    *_PRINT_OPTIONS,
    click.option(
        "--booklet",
        type=click.Choice(["packed", "one-per-page"]),
        default="packed",
        show_default=True,
        help="all.pdf: subjects flowing on through the columns, or each sheet on its own pages.",
    ),
    click.option("--author", default="", help="Author written into the PDFs' metadata."),
    click.option(
        "--skip-kinds",
        type=KindList(),
        default="",
        help=f"Card kinds to leave out, comma-separated ({', '.join(CARD_KINDS)}).",
    ),
    click.option("--json", "as_json", is_flag=True, help="Print the change report as JSON."),
    click.option(
        "--no-cache",
        is_flag=True,
        help="Make everything anew and keep nothing in OUT/.cache (the same outputs, slower).",
    ),
)


def _applied(*options: Callable[..., Any]) -> Callable[..., Any]:
    """A decorator applying ``options`` in the order they are listed (and shown in --help)."""

    def decorate(function: Callable[..., Any]) -> Callable[..., Any]:
        for option in reversed(options):
            function = option(function)
        return function

    return decorate


_build_options = _applied(*_BUILD_OPTIONS)
"""The options ``build``, ``watch`` and ``push`` share."""
_deck_choices = _applied(
    click.option("--deck-name", type=DeckName(), default=DEFAULT_DECK, hidden=True),
    click.option("--skip-kinds", type=KindList(), default="", hidden=True),
)
"""For commands that plan cards without building (check, list, weak): the same choices
as ``build``, set in cheatdeck.toml."""


def _sheet_options(settings: dict[str, Any], **more: Any) -> SheetOptions:
    return SheetOptions(
        settings["paper"],
        settings["orientation"],
        settings["columns"],
        settings["large_print"],
        **more,
    )


def _options(settings: dict[str, Any], config: Config) -> BuildOptions:
    sheet_options = _sheet_options(settings, author=settings["author"], booklet=settings["booklet"])
    options = BuildOptions(
        deck=not settings["no_deck"],
        sheets=not settings["no_sheets"],
        deck_options=_deck_options(settings),
        sheet_options=sheet_options,
        strict=settings.get("strict", False),
        catalog=config.catalog,
        cache=not settings["no_cache"],
    )
    return options


def _configured(
    ctx: click.Context, notes: tuple[Path, ...], settings: dict[str, Any]
) -> tuple[list[Path], dict[str, Any], Config]:
    """The targets, and the settings with the notes folder's config filled in wherever the
    command line said nothing."""
    targets = _targets(notes)
    config = _run(lambda: read_config(targets, _setting_names()))
    for key, value in config.values.items():
        param = next((p for p in ctx.command.params if p.name == key), None)
        if param is None or ctx.get_parameter_source(key) is ParameterSource.COMMANDLINE:
            continue  # another command's setting, or overridden on the command line
        if key == "out":
            settings[key] = _configured_out(config, value)
            continue
        try:
            settings[key] = param.type_cast_value(ctx, value)
        except click.BadParameter as error:
            _fail(str(config.error(key, f"{key}: {error.message}")))
    return targets, settings, config


def _configured_out(config: Config, value: Any) -> Path:
    """``out = "…"`` in the config: ``~`` is the home folder, a relative folder is
    relative to the config's own folder."""
    if not isinstance(value, str) or not value.strip():
        _fail(str(config.error("out", 'out: expected a folder name in quotes, e.g. out = "build"')))
    assert config.path is not None
    return config.path.parent / Path(value).expanduser()


def _setting_names() -> set[str]:
    """Every option of every command, as a config key."""
    return {
        param.name
        for command in cli.commands.values()
        for param in command.params
        if isinstance(param, click.Option) and param.name and param.name not in _PER_RUN
    }


_PER_RUN = frozenset({"as_json", "help", "quiet", "verbose", "skipped"})
"""Options that only make sense on the command line, never in a config file."""


_verbosity = _applied(
    click.option("-q", "--quiet", is_flag=True, help="Print only warnings and errors."),
    click.option("-v", "--verbose", is_flag=True, help="Also print how long each stage took."),
)


@cli.command("build")
@_notes_argument
@_build_options
@click.option("--strict", is_flag=True, help="Fail (exit 1) if there are warnings.")
@_verbosity
@click.pass_context
def build_command(ctx: click.Context, /, notes: tuple[Path, ...], **settings: Any) -> None:
    """Build deck.apkg, the cheat sheets and facts.json into OUT.

    NOTES are folders or .md files (default: source_notes). The identity lock
    cheatdeck.lock.json is kept in the first notes folder: commit it with your notes,
    so that re-imported cards keep their review history. Only what changed is rebuilt.
    Settings can live in cheatdeck.toml beside the notes (options here win).

    \b
    Example:
        cheatdeck build notes/ -o build --deck-name "AWS MLA"
    """
    targets, settings, config = _configured(ctx, notes, settings)
    options = _options(settings, config)
    _run(lambda: build_and_report(targets, options, settings))


@cli.command("watch")
@_notes_argument
@_build_options
@_verbosity
@click.pass_context
def watch_command(ctx: click.Context, /, notes: tuple[Path, ...], **settings: Any) -> None:
    """Build, then rebuild whenever a note or an image beside it changes.

    After the first build only what changed is printed: new warnings, facts added,
    updated or removed, notes and sheets redone. A note with an error prints its
    FILE:LINE and the watch goes on; the last good outputs stay in OUT. With --json,
    one JSON report per build, one per line (JSON Lines). Stop with Ctrl-C.

    \b
    Example:
        cheatdeck watch notes/ --no-sheets
    """
    targets, settings, config = _configured(ctx, notes, settings)
    from .watch import watch_and_rebuild

    watch_and_rebuild(targets, _options(settings, config), settings)


def _load(ctx: click.Context, notes: tuple[Path, ...], settings: dict[str, Any]) -> Loaded:
    from ..build import load

    targets, settings, config = _configured(ctx, notes, settings)
    deck_name = settings.get("deck_name", DEFAULT_DECK)
    now = int(time.time())
    loaded: Loaded = _run(lambda: load(targets, now, catalog=config.catalog, deck_name=deck_name))
    return loaded


@cli.command("facts")
@_notes_argument
@click.option("--json", "as_json", is_flag=True, help="Print facts.json to stdout.")
@click.option(
    "--skipped",
    is_flag=True,
    help='Also list every line left out, and why (--json always has them, under "skipped").',
)
@_deck_choices
@click.pass_context
def facts_command(ctx: click.Context, /, notes: tuple[Path, ...], **settings: Any) -> None:
    """Show what cheatdeck understood: subject → section → fact, with FILE:LINE.

    Nothing is written. Use it to check that each fact went to the right subject.

    \b
    Example:
        cheatdeck facts source_notes/
        cheatdeck facts notes/aws.md --json | jq '.facts[0]'
    """
    from ..deck.cards import cards_of_facts
    from ..facts.document import facts_json

    loaded = _load(ctx, notes, settings)
    if settings["as_json"]:
        scoped = loaded.identified.scoped_lock()
        made = cards_of_facts(loaded.notes, scoped, _deck_options(settings))
        sys.stdout.write(facts_json(loaded.notes, made.cards))
    else:
        from .listing import print_tree

        print_tree(loaded.notes)
        if settings["skipped"]:
            for item in loaded.notes.skipped:
                click.echo(f"{item.file}:{item.line}: skipped: {item.reason}")
    _report_skipped(loaded.notes)


@cli.command("check")
@_notes_argument
@click.option("--strict", is_flag=True, help="Exit 1 if there is any finding.")
@click.option(
    "--ignore",
    type=click.Choice(sorted(CHECK_RULES)),
    multiple=True,
    help="Leave out the findings of a rule (repeatable).",
)
@_deck_choices
@click.pass_context
def check_command(ctx: click.Context, /, notes: tuple[Path, ...], **settings: Any) -> None:
    """Lint the notes: one FILE:LINE: message [rule] per finding, on stdout.

    The rules are listed under --ignore. Nothing is written.

    \b
    Example:
        cheatdeck check notes/ --ignore no-card
        cheatdeck check notes/ --strict   # exit 1 on any finding (CI, pre-commit)
    """
    from ..deck.cards import cards_of_facts
    from .check import check_notes, print_findings

    loaded = _load(ctx, notes, settings)
    scoped = loaded.identified.scoped_lock()
    made = cards_of_facts(loaded.notes, scoped, _deck_options(settings))
    found = check_notes(loaded.notes, loaded.outlines, loaded.note_set, made.no_card)
    findings = [finding for finding in found if finding.rule not in settings["ignore"]]
    print_findings(findings)
    if settings["strict"] and findings:
        sys.exit(1)


@cli.command("list")
@_notes_argument
@click.option("--json", "as_json", is_flag=True, help="Print the subjects as JSON.")
@_deck_choices
@click.pass_context
def list_command(ctx: click.Context, /, notes: tuple[Path, ...], **settings: Any) -> None:
    """One line per subject: name, kind, facts, cards and the files that feed it.

    \b
    Example:
        cheatdeck list notes/
    """
    loaded = _load(ctx, notes, settings)
    from .listing import planned, print_subjects, subject_rows

    rows = subject_rows(loaded, planned(loaded, _deck_options(settings)))
    if settings["as_json"]:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        print_subjects(rows)


_ANKI_TIMEOUT = click.option(
    "--anki-timeout",
    type=click.FloatRange(1),
    default=ANKI_SECONDS,
    show_default=True,
    help="Seconds to wait for Anki to import or answer (a large collection takes longer).",
)


@cli.command("explain")
@click.argument("place", metavar="FILE:LINE")
@_deck_choices
@click.pass_context
def explain_command(ctx: click.Context, /, place: str, **settings: Any) -> None:
    """Why the fact(s) on a line got their subject, `also` and cards — or no card.

    Each decision is told by the rule that made it, by name; a title's line tells which
    facts it chose the subject of. FILE is a note (or its path inside source_notes/); the
    whole notes folder it belongs to is read, as a build reads it.

    \b
    Example:
        cheatdeck explain notes/aws.md:12
    """
    from ..notes.sources import notes_folder_of
    from .explain import explain, parse_place
    from .listing import planned

    try:
        path, line = parse_place(place, DEFAULT_NOTES)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="FILE:LINE") from None
    folder = notes_folder_of(path)
    loaded = _load(ctx, (folder,), settings)
    relative = path.resolve().relative_to(folder).as_posix()
    plan = planned(loaded, _deck_options(settings))
    lines = _run(lambda: explain(loaded, plan, relative, line))
    click.echo("\n".join(lines))


@cli.command("push")
@_notes_argument
@_build_options
@click.option(
    "--anki-url", default=DEFAULT_ANKI_URL, show_default=True, help="Where AnkiConnect listens."
)
@click.option("--anki-key", default="", help="AnkiConnect's apiKey, if you set one.")
@_ANKI_TIMEOUT
@click.option(
    "--removed",
    type=click.Choice(REMOVED_ACTIONS),
    default="suspend",
    show_default=True,
    help=f"What to do in Anki with the cards cheatdeck no longer makes (tag:{REMOVED_TAG}).",
)
@_verbosity
@click.pass_context
def push_command(ctx: click.Context, /, notes: tuple[Path, ...], **settings: Any) -> None:
    """Build, then import deck.apkg into a running Anki through AnkiConnect.

    Anki must be open with the AnkiConnect add-on (code 2055492159). Cards already in
    your collection are updated in place and keep their review history. Cards cheatdeck
    no longer makes are suspended (--removed suspend), deleted only when you ask
    (--removed delete), or left as they are (--removed keep).

    \b
    Example:
        cheatdeck push notes/ --no-sheets
        cheatdeck push notes/ --removed delete --anki-timeout 900
    """
    from .anki_connect import AnkiConnect
    from .push import push

    targets, settings, config = _configured(ctx, notes, settings)
    options = _options(settings, config)
    if not options.deck:
        raise click.UsageError("push sends the deck: --no-deck leaves nothing to send")
    url = settings["anki_url"]
    anki = _run(lambda: AnkiConnect(url, settings["anki_key"], settings["anki_timeout"]))
    _run(anki.ensure_running)  # before the build: say so at once when Anki is closed
    _run(lambda: build_and_report(targets, options, settings))
    package = (settings["out"] / "deck.apkg").resolve()
    done = _run(lambda: push(anki, package, settings["removed"]))
    if not settings["quiet"]:
        click.echo(f"imported {package} into Anki at {url}{done}", err=True)


WEAK_TOP = 40
"""Facts on the weak-spots sheet unless --top says otherwise (trimmed to fit one page)."""


@cli.command("weak")
@_notes_argument
@click.option(
    "--collection",
    type=click.Path(dir_okay=False, path_type=Path),
    help="An Anki collection file (collection.anki2); read from a copy, never changed.",
)
@click.option("--profile", help="An Anki profile's name: its collection is read (see README).")
@click.option("--anki-url", help=f"A running Anki's AnkiConnect, e.g. {DEFAULT_ANKI_URL}.")
@click.option("--anki-key", default="", help="AnkiConnect's apiKey, if you set one.")
@_OUT_OPTION
@click.option(
    "--top", type=click.IntRange(1), help=f"How many facts (default: up to {WEAK_TOP}, one page)."
)
@click.option("--since", type=click.IntRange(1), help="Only answers of the last DAYS days.")
@_applied(*_PRINT_OPTIONS)
@click.option("--json", "as_json", is_flag=True, help="Print the ranking as JSON.")
@_deck_choices
@click.pass_context
def weak_command(ctx: click.Context, /, notes: tuple[Path, ...], **settings: Any) -> None:
    """A sheet of the facts you keep failing in Anki: OUT/sheets/weak-spots.pdf.

    Reads the review history of cheatdeck's cards from a collection file (--collection,
    or --profile NAME) or from a running Anki (--anki-url), maps each card to its fact
    through the lock beside the notes and ranks the facts by failures (README: the score).

    \b
    Example:
        cheatdeck weak notes/ --profile "User 1"
        cheatdeck weak notes/ --anki-url http://127.0.0.1:8765 --since 14
    """
    from ..build import write_weak_sheet
    from .weak import card_sources, grouped, histories, print_ranking, rank, weak_title

    loaded = _load(ctx, notes, settings)
    cards = _run(lambda: histories(settings))
    now_ms = int(time.time() * 1000)
    since = now_ms - settings["since"] * 86_400_000 if settings["since"] else 0
    sources = card_sources(loaded, cards, _deck_options(settings))
    ranking = _run(lambda: rank(cards, sources, since, now_ms))
    top = settings["top"] or WEAK_TOP
    chosen = grouped(ranking.weak[:top])
    pages = 0
    if chosen:
        options = _sheet_options(settings)
        title = weak_title(settings["since"])
        facts = [(item.fact, item.fails) for item in chosen]
        fit = settings["top"] is None
        pages = _run(lambda: write_weak_sheet(loaded, facts, title, options, settings["out"], fit))
    print_ranking(ranking, chosen, settings, pages)


def main() -> NoReturn:
    """The installed command: ends without tearing the interpreter down."""
    try:
        cli()
    except SystemExit as done:
        _leave(done.code)
    _leave(0)


def _leave(code: int | str | None) -> NoReturn:
    """Exit at once. Every output is written and closed by now; freeing each object one by
    one (WeasyPrint's fonts, the notes as parsed) only held the prompt back by ~0.25 s after
    a build (mypy ends the same way)."""
    if isinstance(code, str):
        click.echo(code, err=True)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code if isinstance(code, int) else int(code is not None))
