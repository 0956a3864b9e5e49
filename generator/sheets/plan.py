"""Stage 3b — sheets: facts → one print-ready HTML document per subject (Jinja2).

Input: :class:`~generator.facts.extract.Notes` and :class:`SheetOptions`. Output: one
:class:`~generator.sheets.documents.Sheet` per subject with facts — its title block and boxes as
HTML, and its CSS; :mod:`generator.sheets.documents` sets them as the documents WeasyPrint lays out
(in :mod:`generator.sheets.pdf`). Nothing here touches fonts or files: the templates are read
through :mod:`generator.resources`.

A sheet is the subject's title and one-line definition, then one box per top-level
section (its source lines in the title bar), facts as compact rows and ``term: definition``
rows, deeper sections as sub-headings, and the related subjects as "see also".
"""

from __future__ import annotations

import hashlib
import html
import re
from collections import Counter, defaultdict
from dataclasses import astuple, replace
from functools import partial
from typing import Any, TypedDict

from markupsafe import Markup

from .._version import __version__
from ..facts.catalog import Catalog
from ..facts.extract import (
    PROPERTY_LINE,
    Fact,
    Notes,
    detect_lang,
    exam_marked,
    sentence_title,
    shared_depth,
)
from ..facts.subjects import Subject
from ..lang import alternation, patterns
from ..notes.inline import (
    fenced_code,
    paragraphs,
    render_inline_html,
    sanitize,
    swap_images,
)
from ..options import SheetOptions
from ..store.memo import Memo
from .documents import Sheet, css_string, environment, labels_for, stylesheet
from .page import PageSetup

DEFINITION_MAX = 160
DEFINITION_MIN = 20
"""A definition shorter than this ("완전 관리형 서비스이다.") says too little to prefer."""
BOX_MAX_FACTS = 16
"""A section with more facts than this is split into one box per subsection."""
BOX_UNBREAKABLE_ROWS = 30
BOX_TITLE_MAX = 40
"""A list item longer than this over its details is their lead line, not a box title."""
_TOKEN = re.compile(r"[^\s<>]+")
"""A word, tag-free (a pattern that looks for the Hangul inside it would scan each long
token once per letter: 12 s for a 48 KB line)."""
_HANGUL = re.compile(r"[\uac00-\ud7a3]")
_HANGUL_WORD_MAX = 24
WORD_JOINER = "\u2060"
"""Longer tokens (identifiers, URLs with Hangul) may still wrap."""


class Row(TypedDict):
    kind: str
    depth: int
    lang: str
    html: Markup
    term: Markup
    exam: bool
    """Marked for the exam by the note (#exam-tip, ⚠️ …): printed with a mark."""


class Section(TypedDict):
    title: str
    """Plain title (the PDF bookmark)."""
    heading: Markup
    """The title as set on the page (Korean words kept whole)."""
    lang: str
    where: str
    rows: list[Row]
    long: bool
    """Too long to keep in one column: may break (a rare single list of 30+ items)."""
    only: str
    """``sheet`` or ``booklet`` for a box printed in one of them only ('' for both)."""


class SheetContext(TypedDict):
    """What ``sheet.html`` is given."""

    lang: str
    title: str
    category: str
    definition: dict[str, object] | None
    sections: list[Section]
    see_also: list[str]
    sources: str
    build_date: str
    author: str
    version: str
    labels: dict[str, str]
    body_class: str


def keep_hangul_words(fragment: str) -> str:
    """Join the letters of each Korean word with U+2060 WORD JOINER.

    WeasyPrint ignores ``word-break: keep-all`` and would break 기준으/로 mid-word. The
    joiner has no glyph, so text extraction and search see the plain word; a no-break
    span per word did the same but made layout three times slower. Tokens longer than
    :data:`_HANGUL_WORD_MAX` (identifiers, URLs) stay breakable.
    """
    parts = re.split(r"(<[^>]+>)", fragment)
    for index in range(0, len(parts), 2):
        parts[index] = _TOKEN.sub(_join_letters, parts[index])
    return "".join(parts)


_UNIT = re.compile(r"&#?\w+;|.", re.DOTALL)


def _join_letters(match: re.Match[str]) -> str:
    word = match.group(0)
    if len(word) > 10 * _HANGUL_WORD_MAX or not _HANGUL.search(word):  # &#x1F600; is one
        return word  # no Korean, or far too long to be a word
    units = _UNIT.findall(word)
    return word if len(units) > _HANGUL_WORD_MAX else WORD_JOINER.join(units)


def fact_html(markdown: str, images: dict[str, str]) -> Markup:
    """A fact's Markdown as sheet HTML: sanitized, images resolved, Korean kept whole."""
    pieces = []
    for paragraph in paragraphs(markdown):
        code = fenced_code(paragraph)
        if code is not None:
            pieces.append(f"<code class='block'>{html.escape(code.rstrip())}</code>")
            continue
        rendered = render_inline_html(paragraph, math="text").replace("\n", "<br>")
        rendered = sanitize(rendered)
        pieces.append(_images(rendered, images))
    return Markup(keep_hangul_words("<br>".join(pieces)))


def _images(rendered: str, images: dict[str, str]) -> str:
    """Local images point at their file (the fetcher allows only the notes folders);
    any other image, Markdown or raw HTML, becomes a small placeholder with its link —
    nothing is fetched."""

    def swap(source: str, _alt: str) -> str:
        if source in images:
            return f'<img src="{html.escape(images[source])}" alt="">'
        return f'<span class="image-missing">[image] {html.escape(source)}</span>'

    return swap_images(rendered, swap)


def _where(facts: list[Fact], single_source: bool) -> str:
    """The notes a box comes from, by file name only: nothing when the sheet has one note
    (named in the footer). Never line numbers: inserting a line elsewhere in a note must
    not change, and re-render, every sheet below it."""
    if single_source:
        return ""
    return " · ".join(dict.fromkeys(fact.file for fact in facts))


def _rows(facts: list[Fact], depth: int, images: dict[str, str]) -> list[Row]:
    """Facts in order, with a sub-heading wherever the path below the box's changes.

    A ``lead`` fact is itself the heading of the items below it, so its title is not
    printed a second time.
    """
    rows: list[Row] = []
    shown: tuple[str, ...] = ()
    lead = ""  # the text of the lead fact just printed, if the last row was one
    table = ("", 0)  # the table of the last row printed, if it was a table's
    for fact in facts:
        sub = fact.path[depth:]
        for level in range(shared_depth(shown, sub), len(sub)):
            if lead and lead == sub[level]:
                continue
            heading = Markup(keep_hangul_words(html.escape(sub[level])))
            rows.append(
                Row(
                    kind="heading",
                    depth=level,
                    lang=detect_lang(sub[level], fact.lang),
                    html=heading,
                    term=Markup(""),
                    exam=False,
                )
            )
        shown = sub
        if fact.cells and rows and rows[-1]["kind"] == "table" and table == (fact.file, fact.table):
            rows[-1]["html"] += _table_row(fact, images)  # the next row of the same table
        else:
            rows.append(
                _table(fact, len(sub), images) if fact.cells else _row(fact, len(sub), images)
            )
        table = (fact.file, fact.table)
        lead = fact.text if fact.kind == "lead" else ""
    return rows


def _table(fact: Fact, depth: int, images: dict[str, str]) -> Row:
    """A table's header and its first row; the rows after it are added as they come."""
    header = "".join(f"<th>{fact_html(name, images)}</th>" for name, _ in fact.cells)
    return Row(
        kind="table",
        depth=depth,
        lang=fact.lang,
        html=Markup(f"<thead><tr>{header}</tr></thead>") + _table_row(fact, images),
        term=Markup(""),
        exam=False,
    )


def _table_row(fact: Fact, images: dict[str, str]) -> Markup:
    cells = "".join(f"<td>{fact_html(cell, images)}</td>" for _, cell in fact.cells)
    marked = ' class="exam"' if exam_marked(fact) else ""
    return Markup(f"<tr{marked}>{cells}</tr>")


def _row(fact: Fact, depth: int, images: dict[str, str]) -> Row:
    exam = exam_marked(fact)
    if fact.kind == "qa":  # a question (a quiz's, or Q:/A:) with its right answer marked
        return Row(
            kind="qa",
            depth=depth,
            lang=fact.lang,
            html=Markup("✅ ") + fact_html(fact.definition, images),
            term=fact_html(fact.term, images),
            exam=exam,
        )
    if fact.kind == "term" and fact.definition:
        return Row(
            kind="term",
            depth=depth,
            lang=fact.lang,
            html=fact_html(fact.definition, images),
            term=fact_html(fact.term, images),
            exam=exam,
        )
    kind = fact.kind if fact.kind in ("image", "lead", "code") else "fact"
    place = fact.list_place
    number = f"{place.index + 1}." if place and place.ordered and kind == "fact" else ""
    return Row(
        kind="step" if number else kind,  # a numbered list's item keeps its number
        depth=depth,
        lang=fact.lang,
        html=fact_html(fact.markdown, images),
        term=Markup(number),
        exam=exam,
    )


def _group_by(
    facts: list[Fact], depth: int, long_leads: set[str]
) -> dict[tuple[str, ...], list[Fact]]:
    """Facts by their section at ``depth``; a section titled by a sentence, or by a long
    list item ("문서 OCR + 양식(Form), 표(Table), 필드(Field) 인식 지원" over its details), is
    no box of its own (a second "개요" box): its facts join the box above, under its lead
    line (``long_leads``: see :func:`_long_leads`)."""
    grouped: dict[tuple[str, ...], list[Fact]] = defaultdict(list)
    for fact in facts:
        titled = len(fact.path) <= depth or _box_title(fact.path[depth], long_leads)
        grouped[fact.path[: depth + 1] if titled else fact.path[:depth]].append(fact)
    return grouped


def _long_leads(facts: list[Fact]) -> set[str]:
    """The long list items among ``facts`` that lead details of their own."""
    return {f.text for f in facts if f.kind == "lead" and len(f.text) > BOX_TITLE_MAX}


def _box_title(title: str, long_leads: set[str]) -> bool:
    return not sentence_title(title) and title not in long_leads


def _sections(
    facts: list[Fact], lang: str, images: dict[str, str], single_source: bool, depth: int = 0
) -> list[Section]:
    """One box per section; a section too long for a column is split into its subsections
    (a box never splits across columns, so a huge one would leave whole columns empty)."""
    sections: list[Section] = []
    long_leads = _long_leads(facts)
    titled = {
        f.path[depth]
        for f in facts
        if len(f.path) > depth and _box_title(f.path[depth], long_leads)
    }
    # A lead fact names the section boxed below it: that box's title says it already.
    facts = [
        f for f in facts if not (f.kind == "lead" and len(f.path) == depth and f.text in titled)
    ]
    for path, group in _group_by(facts, depth, long_leads).items():
        deeper = [f for f in group if len(f.path) > depth + 1]
        if (
            len(group) > BOX_MAX_FACTS
            and deeper
            and len(_group_by(group, depth + 1, _long_leads(group))) > 1
        ):
            sections.extend(_sections(group, lang, images, single_source, depth + 1))
            continue
        title = " › ".join(path) or labels_for(lang)["overview"]
        rows = _rows(group, len(path), images)
        box_lang = detect_lang(title, Counter(f.lang for f in group).most_common(1)[0][0])
        where = _where(group, single_source)
        sections.append(box(title, box_lang, where, rows, len(rows) > BOX_UNBREAKABLE_ROWS))
    return sections


def box(
    title: str, lang: str, where: str, rows: list[Row], long: bool = False, only: str = ""
) -> Section:
    """A box, its title set with Korean words kept whole."""
    return Section(
        title=title,
        heading=Markup(keep_hangul_words(html.escape(title))),
        lang=lang,
        where=where,
        rows=rows,
        long=long,
        only=only,
    )


def _mention_sections(
    mentioned: list[Fact], lang: str, images: dict[str, str], names: set[str]
) -> list[Section]:
    """Facts filed elsewhere that are about this service (``also``): on the sheet, one box
    per topic they came from, labelled in the sheet's language, its sections as
    sub-headings (a box per section made a page of one-fact boxes). The booklet prints
    those facts in their topics already: there, one box names the topics instead. A fact
    that is only the service's name ("- Amazon Comprehend" under "텍스트") says nothing."""
    sections: list[Section] = []
    telling = [fact for fact in mentioned if fact.text.strip().casefold() not in names]
    label = labels_for(lang)["mentioned"]
    by_topic = _group_by_topic(telling)
    for topic, group in by_topic.items():
        where = _where(group, single_source=False)
        sections.append(
            box(f"{label}: {topic}", lang, where, _rows(group, 0, images), only="sheet")
        )
    if sections:
        topics = [_topic_row(topic, lang) for topic in by_topic]
        sections.append(box(label, lang, "", topics, only="booklet"))
    return sections


def _topic_row(topic: str, lang: str) -> Row:
    return Row(
        kind="fact",
        depth=0,
        lang=detect_lang(topic, lang),
        html=Markup(keep_hangul_words(html.escape(topic))),
        term=Markup(""),
        exam=False,
    )


def _comparison_sections(facts: list[Fact], lang: str, images: dict[str, str]) -> list[Section]:
    """A comparison ("Kendra vs OpenSearch") as one box on each compared service's sheet:
    a column per side, each side's statements under its name, the rest below."""
    by_comparison: dict[tuple[str, ...], list[Fact]] = defaultdict(list)
    for fact in facts:
        by_comparison[fact.compared].append(fact)
    sections: list[Section] = []
    for sides, group in by_comparison.items():
        title = " vs ".join(sides)
        columns = {side: [f for f in group if f.side == side] for side in sides}
        sided = {id(f) for column in columns.values() for f in column}
        rest = [f for f in group if id(f) not in sided]
        head = "".join(f"<th>{html.escape(side)}</th>" for side in sides)
        cells = "".join(
            "<td>" + "".join(_cell_line(f, images) for f in column) + "</td>"
            for column in columns.values()
        )
        table = Markup(f"<thead><tr>{head}</tr></thead><tr>{cells}</tr>")
        side_by_side = Row(
            kind="table", depth=0, lang=lang, html=table, term=Markup(""), exam=False
        )
        rows = [side_by_side] if sided else []  # a comparison written as a table has no sides
        rows += _rows(rest, _common_depth(rest), images)  # its tables and titles kept
        sections.append(box(title, lang, _where(group, single_source=False), rows))
    return sections


def _common_depth(facts: list[Fact]) -> int:
    """How many titles every one of ``facts`` shares: below them, the titles are printed."""
    return min((shared_depth(facts[0].path, fact.path) for fact in facts), default=0)


def _cell_line(fact: Fact, images: dict[str, str]) -> str:
    marked = " exam" if exam_marked(fact) else ""
    return f"<p class='fact{marked}'>{fact_html(fact.markdown, images)}</p>"


def _group_by_topic(facts: list[Fact]) -> dict[str, list[Fact]]:
    grouped: dict[str, list[Fact]] = defaultdict(list)
    for fact in facts:
        grouped[fact.subject].append(fact)
    return grouped


_SAYS_WHAT_IT_IS = re.compile(
    alternation("kind_nouns")
    + alternation("copulas")
    + "?[.。]?$|"
    + "|".join(patterns("defines")),
    re.IGNORECASE,
)


def _definition(
    subject: Subject, facts: list[Fact], images: dict[str, str], catalog: Catalog
) -> tuple[dict[str, object], Fact] | None:
    """The subject's one-line definition. For a service, a short sentence that says what
    it is ("… 완전관리형 서비스입니다", "X is a …", "XとはY"), best one that names it and says
    more than "a managed service", above every section if possible; else (and for topics)
    the first short fact above every section (see :func:`_may_define`)."""
    short = [
        fact
        for fact in facts
        if fact.kind in ("item", "statement", "term")
        and len(fact.text) <= DEFINITION_MAX
        and not PROPERTY_LINE.match(fact.text)
    ]
    found = next((fact for fact in short if not fact.path and _may_define(fact, subject)), None)
    if subject.kind == "service":
        service = catalog.lookup(subject.name)
        names = [n.casefold() for n in service.spellings] if service else []
        defining = [
            fact
            for fact in short
            if _SAYS_WHAT_IT_IS.search(fact.text.rstrip())
            and (not fact.path or any(name in fact.text.casefold() for name in names))
        ]  # Seq2Seq's "Input is a sequence of tokens…" deep in SageMaker's sheet is not it
        found = max(
            defining,
            key=lambda f: (
                any(name in f.text.casefold() for name in names),
                len(f.text) >= DEFINITION_MIN,
                -len(f.path),
            ),
            default=found,
        )
    if found is None:
        return None
    return {"lang": found.lang, "html": fact_html(found.markdown, images)}, found


def _may_define(fact: Fact, subject: Subject) -> bool:
    """A topic's line is a paragraph of its own: not step 1 of a list cut off from the
    rest, nor a sentence about a service (a quiz's first answer)."""
    return subject.kind == "service" or (fact.kind == "statement" and not fact.also)


def _see_also(
    subject: Subject, facts: list[Fact], sheet_names: set[str], catalog: Catalog
) -> list[str]:
    related: dict[str, None] = {}
    for fact in facts:
        for _, _, service in catalog.mentions(fact.text):
            name = catalog.owner(service).name
            if name != subject.name and name in sheet_names:
                related[name] = None
    return list(related)


def _running(title: str, category: str, sources: str, build_date: str) -> str:
    running = f"{title} · {category}" if category else title
    return (
        "@page { @top-left { content: "
        + css_string(running)
        + "; }\n"
        + "  @bottom-left { content: "
        + css_string(f"{sources} · {build_date}")
        + "; } }\n"
    )


def plan_sheet(
    subject: Subject,
    facts: list[Fact],
    mentioned: list[Fact],
    options: SheetOptions,
    build_date: str,
    images: dict[str, str],
    sheet_names: set[str],
    catalog: Catalog,
) -> Sheet:
    """The sheet for one subject: its facts from every note, in note order, then the facts
    filed elsewhere that are about it (``mentioned``)."""
    lang = Counter(f.lang for f in facts).most_common(1)[0][0]
    found = _definition(subject, facts, images, catalog)
    compared = [f for f in (*facts, *mentioned) if f.compared]  # its own, a topic's too
    body_facts = [f for f in facts if (found is None or f is not found[1]) and not f.compared]
    sources = tuple(dict.fromkeys(f.file for f in facts))
    sections = _sections(body_facts, lang, images, single_source=len(sources) == 1)
    sections += _comparison_sections(compared, lang, images)
    service = catalog.lookup(subject.name) if subject.kind == "service" else None
    names = {n.casefold() for n in catalog.names_of(service)} if service else set()
    others = [f for f in mentioned if not f.compared]
    sections += _mention_sections(others, lang, images, names)
    context = SheetContext(
        lang=lang,
        title=subject.name,
        category=subject.category,
        definition=found[0] if found else None,
        sections=sections,
        see_also=_see_also(subject, facts, sheet_names, catalog),
        sources=", ".join(sources),
        build_date=build_date,
        author=options.author,
        version=__version__,
        labels=labels_for(lang),
        body_class="large" if options.large_print else "",
    )
    running = _running(subject.name, subject.category, ", ".join(sources), build_date)
    return render_sheet(subject, context, options, running)


def render_sheet(
    subject: Subject, context: SheetContext, options: SheetOptions, running: str
) -> Sheet:
    """The sheet's HTML from its context: the title block, a box per section (and "see
    also", if any), and the whole document."""
    templates = environment()
    head = Markup(templates.get_template("sheets/head.html").render(**context))
    boxes = [
        Markup(templates.get_template("sheets/section.html").render(section=section))
        for section in context["sections"]
    ]
    if context["see_also"]:
        boxes.append(Markup(templates.get_template("sheets/see_also.html").render(**context)))
    page = templates.get_template("sheets/sheet.html").render(**context, head=head, boxes=boxes)
    return Sheet(
        subject=subject,
        title=subject.name,
        lang=context["lang"],
        html=page,
        stylesheet=stylesheet(PageSetup.of(options)),
        tight_stylesheet=stylesheet(PageSetup.of(options, tight=True)),
        running=running,
        build_date=context["build_date"],
        head=head,
        boxes=tuple(boxes),
    )


def sheet_record(sheet: Sheet) -> dict[str, object]:
    """A planned sheet as JSON, without its CSS (it comes with the options, in the
    memo's key)."""
    return {
        "subject": astuple(sheet.subject),
        "title": sheet.title,
        "lang": sheet.lang,
        "html": sheet.html,
        "running": sheet.running,
        "build_date": sheet.build_date,
        "head": str(sheet.head),
        "boxes": [str(box) for box in sheet.boxes],
    }


def sheet_from_record(record: dict[str, Any], css: str, tight: str) -> Sheet:
    return Sheet(
        subject=Subject(*record["subject"]),
        title=record["title"],
        lang=record["lang"],
        html=record["html"],
        stylesheet=css,
        tight_stylesheet=tight,
        running=record["running"],
        build_date=record["build_date"],
        head=Markup(record["head"]),
        boxes=tuple(Markup(box) for box in record["boxes"]),
    )


def plan_sheets(
    notes: Notes,
    options: SheetOptions,
    build_date: str,
    images: dict[str, str],
    memo: Memo[Sheet] | None = None,
) -> list[Sheet]:
    """One sheet per subject that has facts; ``images`` maps note image paths to file URLs.
    With ``memo``, a sheet is taken from an earlier build when everything it is made of
    is the same: the subject, its facts, the facts about it filed elsewhere, the options,
    the date, the images, every subject's name and the catalog. An edit re-plans the
    sheets it touches, not all of them.

    Facts are grouped by subject, and by the services they are also about, in one pass:
    looking them up per subject would cost subjects × facts."""
    by_subject: dict[str, list[Fact]] = defaultdict(list)
    mentioned: dict[str, list[Fact]] = defaultdict(list)
    for fact in notes.facts:
        by_subject[fact.subject].append(fact)
        for service in fact.also:
            mentioned[service].append(fact)
    names = {s.name for s in notes.subjects}
    shared = (repr(options), build_date, repr(sorted(images.items())), repr(sorted(names)))
    sheets = []
    for subject in sorted(notes.subjects, key=_booklet_order):
        facts, about = by_subject[subject.name], mentioned[subject.name]
        if not facts:
            continue
        plan = partial(
            plan_sheet, subject, facts, about, options, build_date, images, names, notes.catalog
        )
        inputs = (*shared, notes.catalog.digest, repr(subject), repr(facts), repr(about))
        digest = hashlib.sha256("\x1f".join(inputs).encode()).hexdigest()
        sheets.append(memo.get(digest, plan) if memo is not None else plan())
    return sheets


def plan_weak_sheet(
    weak: list[tuple[Fact, int]],
    title: str,
    options: SheetOptions,
    build_date: str,
    catalog: Catalog,
) -> Sheet:
    """The weak-spots sheet: the given facts, one box per subject, each marked with how often
    it was failed (✗3) and, unless it is a term, the title of its section."""
    marked = []
    for fact, fails in weak:
        mark = f"**✗{fails}**"
        where = f"*{fact.path[-1]}* · " if fact.path else ""
        if fact.kind in ("term", "qa") and fact.term:
            fact = replace(fact, term=f"{mark} {fact.term}")
        else:
            fact = replace(fact, markdown=f"{mark} {where}{fact.markdown}")
        marked.append(replace(fact, path=(fact.subject,)))
    subject = Subject(title, "topic", "weak-spots")
    return plan_sheet(subject, marked, [], options, build_date, {}, set(), catalog)


def _booklet_order(subject: Subject) -> tuple[bool, str]:
    """Services A–Z by their own name (Bedrock under B, not under "Amazon"), then topics."""
    name = re.sub(r"^(?:amazon|aws)\s+", "", subject.name, flags=re.IGNORECASE)
    return subject.kind != "service", name.casefold()
