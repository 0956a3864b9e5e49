"""The booklet's decision page: every which card's clue with the service it points at,
grouped by category, then the clues that tell a comparison's sides apart — the
"which service?" questions the exam asks, on paper, where no sheet of one service can
show them side by side.

Input: the which cards' :class:`~generator.clues.Clue` s. Output: a :class:`Sheet` laid
out and packed like a subject's, first in the booklet (after the contents), with no file
of its own and no bookmark: the booklet's bookmarks are one per sheet (CONTRACT.md), so
the contents link to it instead.
"""

from __future__ import annotations

import html
from collections import Counter, defaultdict
from dataclasses import replace

from markupsafe import Markup

from .._version import __version__
from ..clues import Clue
from ..facts.catalog import Catalog, without_vendor
from ..facts.subjects import Subject
from ..lang import labels
from ..options import SheetOptions
from .documents import Sheet, css_string, labels_for
from .plan import Row, Section, SheetContext, box, keep_hangul_words, render_sheet

DECISIONS_SLUG = "_which-service"
"""No subject's slug starts with "_" (see :func:`generator.facts.extract.slugify`)."""
CATEGORIES = labels("categories")
"""The catalog's categories in each language (generator/data/lang/*.toml)."""
PART_BOXES = 3
"""Boxes laid out together (see :func:`decision_parts`)."""
BOX_ROWS = 12
"""At most this many clues to a box (see :func:`_boxfuls`)."""
KIND = "decisions"
"""The decision page's subject kind: not a service or a topic, not counted as a sheet."""


MARKS = "＿→"
"""What the page prints besides the notes' words and the labels: the which cards' blank
(card_rules.MASK) and the arrow to the answer."""


def decision_texts() -> list[str]:
    """Every word the decision page may print that no sheet does (the fonts are cut from
    the sheets' texts before the cards, and so this page, are planned)."""
    return [MARKS, *(text for names in CATEGORIES.values() for text in names.values())]


def plan_decision_sheet(
    clues: tuple[Clue, ...], catalog: Catalog, options: SheetOptions, build_date: str
) -> Sheet | None:
    """The decision page, in the language most clues are in; None without clues."""
    if not clues:
        return None
    lang = Counter(clue.lang for clue in clues).most_common(1)[0][0]
    words = labels_for(lang)
    sections = _category_sections(
        [clue for clue in clues if not clue.compared], catalog, lang
    ) + _comparison_sections([clue for clue in clues if clue.compared], lang)
    subject = Subject(words["decisions"], KIND, DECISIONS_SLUG)
    context = SheetContext(
        lang=lang,
        title=subject.name,
        category="",
        definition={"lang": lang, "html": words["decisions_hint"]},
        sections=sections,
        see_also=[],
        sources="",
        build_date=build_date,
        author=options.author,
        version=__version__,
        labels=words,
        body_class="large" if options.large_print else "",
    )
    running = f"@page {{ @top-left {{ content: {css_string(subject.name)}; }} }}\n"
    return render_sheet(subject, context, options, running)


def decision_parts(page: Sheet) -> list[Sheet]:
    """The page cut into parts of :data:`PART_BOXES` boxes, each laid out and kept on its
    own, packed one after another: an edited clue lays out its part again, not the whole
    page (a second, not a third of one). Only the first part carries the title block and
    the page's slug (the contents link to it)."""
    parts = []
    for start in range(0, len(page.boxes), PART_BOXES):
        boxes = page.boxes[start : start + PART_BOXES]
        head = page.head if start == 0 else Markup()
        slug = page.subject.slug if start == 0 else f"{page.subject.slug}-{start // PART_BOXES}"
        subject = replace(page.subject, slug=slug)
        html = str(head) + "".join(boxes)  # what the part's key is made from
        parts.append(replace(page, subject=subject, html=html, head=head, boxes=boxes))
    return parts


def _category_sections(clues: list[Clue], catalog: Catalog, lang: str) -> list[Section]:
    """A box per category (its name in the page's language), categories and the services
    in them A–Z by their own names, each service's clues in note order."""
    by_category: dict[str, dict[str, list[Clue]]] = defaultdict(lambda: defaultdict(list))
    for clue in clues:
        service = catalog.lookup(clue.answer)
        category = catalog.owner(service).category if service else ""
        by_category[category][clue.answer].append(clue)
    sections = []
    for category in sorted(by_category, key=lambda name: (not name, name.casefold())):
        answers = by_category[category]
        groups = [
            [_clue_row(clue) for clue in answers[answer]]
            for answer in sorted(answers, key=lambda name: without_vendor(name).casefold())
        ]
        title = CATEGORIES.get(category, {}).get(lang, category) or labels_for(lang)["other"]
        sections += [box(title, lang, "", rows) for rows in _boxfuls(groups)]
    return sections


def _boxfuls(groups: list[list[Row]]) -> list[list[Row]]:
    """Rows in boxes of at most :data:`BOX_ROWS`, a service's rows kept together where
    they fit: a category's one long box would start at the top of a column (it cannot
    fit under the contents) and leave the space above it empty."""
    boxes: list[list[Row]] = [[]]
    for group in groups:
        if boxes[-1] and len(boxes[-1]) + len(group) > BOX_ROWS:
            boxes.append([])
        if len(group) <= BOX_ROWS:
            boxes[-1] += group
            continue
        parts = -(-len(group) // BOX_ROWS)  # 13 rows: 7 and 6, not 12 and a lone one
        size = -(-len(group) // parts)
        boxes[-1] += group[:size]
        boxes += [group[start : start + size] for start in range(size, len(group), size)]
    return boxes


def _comparison_sections(clues: list[Clue], lang: str) -> list[Section]:
    """A box per comparison ("Kendra vs OpenSearch"): each statement with the side it
    belongs to."""
    by_comparison: dict[tuple[str, ...], list[Clue]] = defaultdict(list)
    for clue in clues:
        by_comparison[clue.compared].append(clue)
    return [
        box(" vs ".join(sides), lang, "", rows)
        for sides, group in by_comparison.items()
        for rows in _boxfuls([[_clue_row(clue) for clue in group]])
    ]


def _clue_row(clue: Clue) -> Row:
    """The clue, then the answer by its own name ("Kendra", not "Amazon Kendra")."""
    return Row(
        kind="clue",
        depth=0,
        lang=clue.lang,
        html=Markup(keep_hangul_words(clue.html)),
        term=Markup(keep_hangul_words(html.escape(without_vendor(clue.answer)))),
        exam=False,
    )
