"""The ``cheatdeck`` command: parse options, call one library function, print.

Errors in the notes become ``FILE:LINE: message`` on stderr and exit code 1; usage errors
exit 2 (click's default). Data goes to stdout, everything else to stderr.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections import Counter
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
from ..store.cache import up_to_date
from ..store.outputs import UnsafeOutFolder
from .config import Config, read_config
from .terminal import TerminalProgress

if TYPE_CHECKING:
    from ..build import Session
    from ..deck.cards import DeckPlan
    from ..facts.extract import Fact, Notes
    from ..results import BuildResult, Loaded
    from .weak import CardHistory, Ranking, Sources, Weak

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


def _problem(error: CheatdeckError | OSError) -> str:
    """What went wrong, as ``FILE:LINE: message`` (or ``FILE: reason`` for the disk)."""
    if isinstance(error, OSError):
        return f"{error.filename or ''}: {error.strerror}"
    return str(error)


def _run(step: Callable[[], Any]) -> Any:
    try:
        return step()
    except UnsafeOutFolder as error:
        click.echo(str(error), err=True)
        sys.exit(2)  # a usage error: the folder was never written to
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
    click.option("--deck-name", default=DEFAULT_DECK, hidden=True),
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
    )
    return options


def _warn_if_slow(options: BuildOptions) -> None:
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


class _Stages:
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


def _built(
    targets: list[Path],
    options: BuildOptions,
    settings: dict[str, Any],
    session: Session | None = None,
) -> tuple[BuildResult, list[str]]:
    """Build with a progress display; the result, and ``-v``'s lines on the stages."""
    from ..build import build

    with TerminalProgress(enabled=not settings["quiet"] and not settings["as_json"]) as display:
        stages = _Stages(display)
        result = build(targets, settings["out"], int(time.time()), options, stages, session)
    return result, ["took:", *stages.lines()] if settings["verbose"] else []


def _build_and_report(targets: list[Path], options: BuildOptions, settings: dict[str, Any]) -> None:
    """Build and print the change report — the last build's, when nothing has changed
    since (see :mod:`generator.store.cache`: no stage is even imported then)."""
    out, started = settings["out"], time.perf_counter()
    replay = up_to_date(targets, out, options)
    if replay is not None:
        took = f"  checking for changes: {time.perf_counter() - started:.2f} s"
        timings = ["took:", took] if settings["verbose"] else []
        done = f"nothing to rebuild: every output in {out}/ is up to date"
        _print_report(replay.report, replay.lines, done, timings, settings)
        return
    if options.sheets:
        from ..sheets.workers import RENDERING, start_fork_server

        start_fork_server(RENDERING)  # WeasyPrint's import, in parallel with the stages'
    _warn_if_slow(options)
    result, timings = _built(targets, options, settings)
    from ..report import build_report, counted, report_lines  # after: cards are imported late

    report = build_report(result)
    done = f"wrote {counted(len(result.written), 'file')} to {out}/"
    _print_report(report, report_lines(report), done, timings, settings)


def _print_report(
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
    _run(lambda: _build_and_report(targets, options, settings))


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
    options = _options(settings, config)
    from ..build import Session
    from ..report import build_report, change_lines, report_lines
    from .watch import watch_notes

    _warn_if_slow(options)
    previous: dict[str, Any] | None = None

    def rebuild() -> None:
        nonlocal previous
        try:
            result, timings = _built(targets, options, settings, session)
        except (CheatdeckError, OSError) as error:
            click.echo(_problem(error), err=True)
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
        cards, _ = cards_of_facts(loaded.notes, scoped, _deck_options(settings))
        sys.stdout.write(facts_json(loaded.notes, cards))
    else:
        _print_tree(loaded.notes)
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
    from ..report import counted
    from .check import check_notes

    loaded = _load(ctx, notes, settings)
    scoped = loaded.identified.scoped_lock()
    _, no_card = cards_of_facts(loaded.notes, scoped, _deck_options(settings))
    findings = [
        finding
        for finding in check_notes(loaded.notes, loaded.outlines, loaded.note_set, no_card)
        if finding.rule not in settings["ignore"]
    ]
    for finding in findings:
        click.echo(str(finding))
    counts = Counter(finding.rule for finding in findings)
    summary = ", ".join(f"{rule} {count}" for rule, count in sorted(counts.items()))
    click.echo(
        f"{counted(len(findings), 'finding')}" + (f" ({summary})" if summary else ""), err=True
    )
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
    rows = _subject_rows(loaded, _planned(loaded, settings))
    if settings["as_json"]:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    from rich.cells import cell_len  # a Korean or Japanese name is twice as wide

    width = max((cell_len(row["name"]) for row in rows), default=7)
    click.echo(f"{'SUBJECT':<{width}}  KIND     FACTS  CARDS  FILES")
    for row in rows:
        name = row["name"] + " " * (width - cell_len(row["name"]))
        counts = f"{row['kind']:<7}  {row['facts']:>5}  {row['cards']:>5}"
        click.echo(f"{name}  {counts}  {', '.join(row['files'])}")


def _planned(loaded: Loaded, settings: dict[str, Any]) -> DeckPlan:
    """The notes a build would make (without media or files)."""
    from ..deck.cards import plan_deck

    scoped = loaded.identified.scoped_lock()
    options, seed = _deck_options(settings), loaded.identified.seed
    return plan_deck(loaded.notes, scoped, frozenset(), options, {}, 0, seed=seed)


def _subject_rows(loaded: Loaded, plan: DeckPlan) -> list[dict[str, Any]]:
    """Facts, cards and files per subject, in the order the notes give them."""
    from ..report import card_count

    subject_of = {fact.id: fact.subject for fact in loaded.notes.facts}
    cards = Counter(
        subject_of[note.key_fact]
        for note in plan.notes
        for _ in range(card_count(note))
        if note.key_fact in subject_of and note.kind != "removed"
    )
    return [
        {
            "name": subject.name,
            "kind": subject.kind,
            "slug": subject.slug,
            "facts": len(facts),
            "cards": cards[subject.name],
            "files": list(dict.fromkeys(fact.file for fact in facts)),
        }
        for subject in loaded.notes.subjects
        if (facts := loaded.notes.facts_of(subject.name))
    ]


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

    try:
        path, line = parse_place(place, DEFAULT_NOTES)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="FILE:LINE") from None
    folder = notes_folder_of(path)
    loaded = _load(ctx, (folder,), settings)
    relative = path.resolve().relative_to(folder).as_posix()
    lines = _run(lambda: explain(loaded, _planned(loaded, settings), relative, line))
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
    _run(lambda: _build_and_report(targets, options, settings))
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
    from .weak import grouped, rank

    loaded = _load(ctx, notes, settings)
    cards = _run(lambda: _histories(settings))
    now_ms = int(time.time() * 1000)
    since = now_ms - settings["since"] * 86_400_000 if settings["since"] else 0
    ranking = _run(lambda: rank(cards, _sources(loaded, cards, settings), since, now_ms))
    top = settings["top"] or WEAK_TOP
    chosen = grouped(ranking.weak[:top])
    pages = 0
    if chosen:
        options = _sheet_options(settings)
        title = _weak_title(settings["since"])
        facts = [(item.fact, item.fails) for item in chosen]
        fit = settings["top"] is None
        pages = _run(lambda: write_weak_sheet(loaded, facts, title, options, settings["out"], fit))
    _print_ranking(ranking, chosen, settings, pages)


def _histories(settings: dict[str, Any]) -> list[CardHistory]:
    """The cards' history from the one place the options name."""
    from .anki_connect import AnkiConnect
    from .weak import profile_collection, read_anki_connect, read_collection

    if settings["collection"] or settings["profile"]:
        path = settings["collection"] or profile_collection(settings["profile"])
        return read_collection(path)
    if settings["anki_url"]:
        anki = AnkiConnect(settings["anki_url"], settings["anki_key"])
        anki.ensure_running()
        return read_anki_connect(anki)
    raise click.UsageError(
        "say where your reviews are: --collection PATH, --profile NAME or --anki-url URL"
    )


def _sources(loaded: Loaded, cards: list[CardHistory], settings: dict[str, Any]) -> Sources:
    """What maps the cards to facts; cards read without their GUID (AnkiConnect) are
    matched by their fields to the notes this build would make."""
    from .weak import Sources, guid_facts

    lock = loaded.identified.lock
    fields: dict[tuple[str, ...], str] = {}
    if any(not card.guid for card in cards):
        plan = _planned(loaded, settings)
        fields = {tuple(value for _, value in note.fields): note.guid for note in plan.notes}
    return Sources({fact.id: fact for fact in loaded.notes.facts}, lock, guid_facts(lock), fields)


def _weak_title(since: int | None) -> str:
    today = time.strftime("%Y-%m-%d")
    return f"Weak spots · {today}" + (f" · last {since} days" if since else "")


def _print_ranking(
    ranking: Ranking, chosen: list[Weak], settings: dict[str, Any], pages: int
) -> None:
    from ..build import WEAK_SPOTS
    from ..notes.inline import shorten
    from ..report import counted

    pdf = settings["out"] / WEAK_SPOTS
    if settings["as_json"]:
        document = {
            "cards": ranking.cards,
            "reviews": ranking.reviews,
            "weak": [
                {
                    "id": w.fact.id,
                    "subject": w.fact.subject,
                    "file": w.fact.file,
                    "line": w.fact.line,
                    "text": w.fact.text,
                    "score": round(w.score, 2),
                    "fails": w.fails,
                    "lapses": w.lapses,
                }
                for w in ranking.weak
            ],
            "gone": [{"text": g.text, "where": g.where, "fails": g.fails} for g in ranking.gone],
            "sheet": {"path": str(pdf), "facts": len(chosen), "pages": pages} if chosen else None,
        }
        click.echo(json.dumps(document, ensure_ascii=False, indent=2))
        return
    click.echo(
        f"{counted(len(ranking.weak), 'fact')} failed in {counted(ranking.reviews, 'review')} "
        f"of {counted(ranking.cards, 'card')} (score, times failed, fact):"
    )
    for item in ranking.weak:
        where = " › ".join((item.fact.subject, *item.fact.path[-1:]))
        click.echo(
            f"{item.score:6.1f}  ✗{item.fails:<3} {where}: {shorten(item.fact.text, 60)}  "
            f"{item.fact.file}:{item.fact.line}"
        )
    if ranking.gone:
        click.echo("failed but removed from your notes:")
        for gone in ranking.gone:
            click.echo(f"        ✗{gone.fails:<3} {shorten(gone.text, 70)}  {gone.where}".rstrip())
    if chosen:
        click.echo(
            f"wrote {pdf}: the {counted(len(chosen), 'weakest fact')} on {counted(pages, 'page')}",
            err=True,
        )
    else:
        click.echo("no card failed: no weak spots to print", err=True)


def _print_tree(notes: Notes) -> None:
    from ..notes.inline import shorten
    from ..report import counted

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
    from ..facts.extract import shared_depth

    for depth in range(shared_depth(shown, fact.path), len(fact.path)):
        click.echo("  " * (depth + 1) + click.style(fact.path[depth], underline=True))
    return fact.path


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
