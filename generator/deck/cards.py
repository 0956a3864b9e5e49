"""Stage 3a — cards: facts → Anki notes that follow good flashcard practice.

Input: :class:`~generator.facts.extract.Notes` with ids, the lock (for change times and the notes
each fact had before) and deck options. Output: :class:`DeckPlan` — plain notes with
sanitized HTML fields, GUIDs, tags and modification times, plus, for every fact, the kinds
of its cards or why it has none; :mod:`generator.deck.apkg` turns it into an ``.apkg``.

Which facts make which cards is decided by the rules in :mod:`generator.deck.card_rules`; this
module runs them, drops questions that two cards would ask with different answers, and
gives each note its GUID (from the fact it came from, so edits and moves update it in
place). Every back ends with the note file the fact comes from — a file name, not a line,
so inserting a line elsewhere changes no card.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from rapidfuzz import fuzz

from ..clues import Clue
from ..facts.extract import Fact, Notes, shared_depth
from ..facts.identity import NAMESPACE_KINDS, Entry, NoteRecord, note_guid
from ..notes.inline import (
    fenced_code,
    html_text,
    inline_tokens,
    paragraphs,
    render_tokens_html,
    sanitize,
    swap_images,
)
from ..options import REMOVED_TAG, DeckOptions
from ..store.memo import Memo
from . import card_rules
from .card_rules import (
    EXTRA_RULES,
    GROUP_RULES,
    LABELS,
    RECALL_RULES,
    Corpus,
    Question,
    table_questions,
)

MOVED_TAG = "cheatdeck::moved"
SAME_QUESTION = "asks the same question as another card with a different answer"
KINDS_OFF = "its kind of card is turned off (skip_kinds)"


@dataclass(frozen=True, slots=True)
class CardNote:
    """One Anki note, ready to write."""

    guid: str
    model: str
    """``basic`` or ``cloze`` (the note type)."""
    kind: str
    """Card kind (see the module docstring), or ``removed``."""
    deck: str
    fields: tuple[tuple[str, str], ...]
    """(field name, sanitized HTML) in the note type's order."""
    tags: tuple[str, ...]
    modified: int
    """Modification time: kept while the note reads the same, later when it changes
    (Anki's default "update if newer" import compares it)."""
    digest: str = ""
    """Hash of the fields and tags (set with the modification time)."""
    namespace: str = ""
    """The kind of question, as GUIDs know it (see :data:`generator.facts.identity.NAMESPACES`)."""
    facts: tuple[str, ...] = ()
    """Every fact the note asks about, the first first: each one's lock entry remembers
    the note, so a list keeps its note whichever item comes first or is rewritten."""
    rule: str = ""
    """The card rule that asked its question (see :data:`generator.deck.card_rules.CARD_RULES`)."""

    @property
    def key_fact(self) -> str:
        """The first fact the note asks about."""
        return self.facts[0]

    def field(self, name: str) -> str:
        return dict(self.fields)[name]


@dataclass(frozen=True, slots=True)
class DeckPlan:
    """Everything the ``.apkg`` writer needs."""

    name: str
    notes: tuple[CardNote, ...]
    media: tuple[str, ...]
    """Image paths (relative to the notes folder) the notes use."""
    removed: tuple[CardNote, ...]
    """Notes the last build made and this one does not, suspended and tagged (kind
    ``removed``: their facts left the notes; ``retired``: no rule asks about them now;
    ``off``: their kind is turned off, and the lock keeps them)."""
    added: tuple[str, ...] = ()
    """GUIDs of notes the last build did not have."""
    updated: tuple[str, ...] = ()
    """GUIDs of notes that read differently than in the last build."""
    cards: dict[str, tuple[CardMade, ...]] = field(default_factory=dict)
    """Fact id → the cards it is on, each its kind and rule (none: not in the dict)."""
    no_card: dict[str, str] = field(default_factory=dict)
    """Fact id → why it has no card (so the user can add card syntax)."""
    clues: tuple[Clue, ...] = ()
    """Every which card's question and answer (the booklet's decision page)."""


@dataclass(frozen=True, slots=True)
class FactCards:
    """What the cards say about the facts when no deck is made (``facts``, ``check``)."""

    cards: dict[str, tuple[CardMade, ...]]
    """Fact id → the cards it is on, each its kind and rule."""
    no_card: dict[str, str]
    """Fact id → why it has no card."""
    clues: tuple[Clue, ...]


def deck_id(name: str) -> int:
    """Anki deck/model ids derived from names (never random at build time)."""
    return (1 << 30) + int(hashlib.sha256(name.encode()).hexdigest()[:7], 16)


def media_name(path: str, content: bytes) -> str:
    """Content-addressed media file name: edits to an image give a new name."""
    suffix = path.rsplit(".", 1)[-1].lower() if "." in path else "bin"
    return f"cheatdeck-{hashlib.sha256(content).hexdigest()[:16]}.{suffix}"


CardMade = tuple[str, str]
"""A card a fact is on: its kind and the rule that asked it."""
CardHtml = tuple[str, tuple[str, ...]]
"""A card's HTML and the images (note paths) it shows."""


class _Renderer:
    """Markdown → card HTML, with images pointed at media files or turned into links.

    Each fact is on several cards and its HTML is made once; with a ``memo``, once across
    builds (a memo made with other ``media`` must not be given: see :func:`plan_deck`)."""

    def __init__(self, media: dict[str, str], memo: Memo[CardHtml] | None = None) -> None:
        self.media = media
        self.memo: Memo[CardHtml] = memo if memo is not None else Memo("")
        self.used: set[str] = set()

    def html(self, markdown: str) -> str:
        """Card HTML for a fact's Markdown."""
        found, images = self.memo.get(markdown, lambda: self._render(markdown))
        self.used.update(images)
        return found

    def _render(self, markdown: str) -> CardHtml:
        images: list[str] = []
        parts = [self._paragraph(part, images) for part in paragraphs(markdown)]
        return sanitize("<br><br>".join(parts)), tuple(images)

    def _paragraph(self, markdown: str, images: list[str]) -> str:
        code = fenced_code(markdown)
        if code is not None:
            return f"<pre><code>{html.escape(code)}</code></pre>"
        tokens = inline_tokens(markdown)
        for token in tokens:
            source = str(token.attrs.get("src", "")) if token.type == "image" else ""
            if source in self.media:
                images.append(source)
        rendered = render_tokens_html(tokens).replace("\n", "<br>")
        return self._rewrite_images(rendered)

    def _rewrite_images(self, rendered: str) -> str:
        """Images beside the notes become media files; any other one, Markdown or raw
        HTML, a link (Anki would fetch a remote one: no network, no tracking pixel)."""

        def swap(source: str, alt: str) -> str:
            if source in self.media:
                return f'<img src="{html.escape(self.media[source])}" alt="{html.escape(alt)}">'
            label = html.escape(alt or "image")
            if source.startswith(("http://", "https://")):
                return f'<a href="{html.escape(source)}">🖼 {label}</a>'
            return f"🖼 {label}"

        return swap_images(rendered, swap)


def _source(facts: tuple[Fact, ...]) -> str:
    return ", ".join(dict.fromkeys(html.escape(f.file) for f in facts))


def _tag(text: str) -> str:
    return "_".join(text.split()).replace('"', "")


def _tags(facts: tuple[Fact, ...], kind: str, moved: frozenset[str]) -> tuple[str, ...]:
    first = facts[0]
    tags = {
        f"cheatdeck::subject::{_tag(first.subject)}",
        f"cheatdeck::kind::{kind}",
        f"cheatdeck::lang::{first.lang}",
        *(f"cheatdeck::file::{_tag(f.file)}" for f in facts),
        *(_tag(tag) for f in facts for tag in f.tags),  # the user's own, as written
    }
    if any(f.id in moved for f in facts):
        tags.add(MOVED_TAG)
    return tuple(sorted(tags))


_NAMESPACES = {"qa": "term", "ordered": "list"}
"""GUID namespaces: kinds that replace each other for one fact keep one note."""


def _namespace(question: Question) -> str:
    if question.kind == "term" and question.facts[0].kind != "term":
        return "item"  # a defining sentence: the note its fact had before
    return _NAMESPACES.get(question.kind, question.kind)


CLOZE_SPAN = re.compile(r"\{\{c\d+::([^{}]*?)(?:::[^{}]*)?\}\}")
"""A blank, ``{{c1::answer::hint}}``; no braces inside, so a line of unclosed openings
is read in one pass (``.*?`` scanned to its end from each: 8 s for 1,000)."""
ANSWER_MIN_CHARS = 2
"""Shorter answers (a letter, a digit) are not looked for in the context."""


def _visible(rendered: str) -> str:
    return html_text(rendered).casefold()


def _answers(question: Question) -> list[str]:
    """What the card asks for, as a learner reads it: each blank of a cloze, or the back
    (a which card's: the service, before its category)."""
    if question.model == "cloze":
        found = [_visible(blank) for blank in CLOZE_SPAN.findall(question.front)]
    else:
        found = [
            _visible(question.back.split(" · ")[0] if question.kind == "which" else question.back)
        ]
    glossed = [answer for answer in found if len(answer) <= GLOSSED_MAX_CHARS]
    found += [part for answer in glossed for part in _GLOSS.split(answer)]  # 입력(input)
    return [answer.strip() for answer in found if len(answer.strip()) >= ANSWER_MIN_CHARS]


GLOSSED_MAX_CHARS = 60
"""A name or keyword with a gloss; a longer answer is a sentence, whose parentheses hold
asides (a subject named in the context must stay)."""
_GLOSS = re.compile(r"[()（）]")
"""An answer with a gloss, ``비정형 텍스트 입력(Unstructured text input)``, shows itself by
either of its parts."""


_TELLING_WORD = re.compile(r"[a-z][a-z0-9]{4,}")
"""A word of a cloze's blank long enough to give it away on its own ("exploration" in the
title ``exploration_weight`` above the blank "탐색(Exploration)")."""
_NOT_TELLING = frozenset({"amazon", "service", "services"})


def _gives_away(part: str, answers: list[str], blanks: bool) -> bool:
    """Whether a title shows an answer: whole, or for a cloze, one telling word of it."""
    shown = _visible(part)
    return any(
        answer in shown
        or (blanks and any(w in shown for w in set(_TELLING_WORD.findall(answer)) - _NOT_TELLING))
        for answer in answers
    )


def _context_keeping_the_answer_back(question: Question) -> str:
    """The heading path without the titles that show the answer or repeat the front (a
    front never shows its answer: `Amazon Comprehend` above "… Which service?",
    ``exploration_weight`` above the blank "탐색(Exploration)" give it away)."""
    answers = _answers(question)
    parts = question.context.split(" › ") if question.context else []
    if parts and _visible(parts[-1]) == _visible(question.front):
        parts.pop()  # "… › 분류" above the front "분류" says it twice
    blanks = question.model == "cloze"
    return " › ".join(part for part in parts if not _gives_away(part, answers, blanks))


def _note(question: Question, guid: str, options: DeckOptions, moved: frozenset[str]) -> CardNote:
    """The Anki note for a question, with the GUID :func:`_guids` gave it."""
    first = question.facts[0]
    shared = (
        ("Context", question.context),
        ("Label", html.escape(question.label)),
        ("Source", _source(question.facts)),
        ("Kind", question.kind),
        ("Lang", first.lang),
        ("Extra", question.extra),
    )
    if question.model == "cloze":
        fields: tuple[tuple[str, str], ...] = (("Text", question.front), *shared)
    else:
        fields = (("Front", question.front), ("Back", question.back), *shared)
    return CardNote(
        guid=guid,
        model=question.model,
        kind=question.kind,
        deck=f"{options.name}::{question.deck or first.subject}",
        fields=fields,
        tags=_tags(question.facts, question.kind, moved),
        modified=0,
        namespace=_namespace(question),
        facts=tuple(fact.id for fact in question.facts),
        rule=question.rule,
    )


def _guids(questions: list[Question], lock: dict[str, Entry], seed: str) -> list[str]:
    """Each question's note GUID: the one recorded for a question of its namespace on the
    most of its facts (a list whose items were reordered, or one of them rewritten, keeps
    its note), else a new one from the seed, its namespace and its first fact."""
    namespaces = [_namespace(question) for question in questions]
    claims: list[tuple[int, int, int, str]] = []
    for index, (question, namespace) in enumerate(zip(questions, namespaces, strict=True)):
        votes: Counter[str] = Counter()
        first_seen: dict[str, int] = {}
        for position, fact in enumerate(question.facts):
            entry = lock.get(fact.id)
            for note in entry.notes if entry is not None else ():
                if note.namespace == namespace:
                    votes[note.guid] += 1
                    first_seen.setdefault(note.guid, position)
        claims.extend((-count, index, first_seen[guid], guid) for guid, count in votes.items())
    guids: dict[int, str] = {}
    for _, index, _, guid in sorted(claims):
        if index not in guids and guid not in guids.values():
            guids[index] = guid
    taken = {*guids.values(), *(note.guid for entry in lock.values() for note in entry.notes)}
    for index, (question, namespace) in enumerate(zip(questions, namespaces, strict=True)):
        if index not in guids:
            guid, extra = note_guid(seed, namespace, question.facts[0].id), 0
            while guid in taken:
                extra += 1
                guid = note_guid(seed, namespace, question.facts[0].id, str(extra))
            guids[index] = guid
            taken.add(guid)
    return [guids[index] for index in range(len(questions))]


def _service_words(notes: Notes) -> dict[str, set[str]]:
    """Which services' facts use each word (to tell distinctive facts): facts filed under a
    service, or, in a topic, about one (``also``). Other topic prose is left out: course
    notes use every word once, and a word only one *service* uses still singles it out."""
    found: dict[str, set[str]] = defaultdict(set)
    for fact in notes.facts:
        services = {fact.subject} if fact.subject_kind == "service" else set(fact.also)
        for word in card_rules.words(fact.text):
            found[word].update(services)
    return found


def _file_languages(facts: tuple[Fact, ...]) -> dict[str, str]:
    """Each file's language: the script most of its facts are in (English if neither)."""
    counted: dict[str, Counter[str]] = defaultdict(Counter)
    for fact in facts:
        counted[fact.file][fact.lang] += 1
    languages = {}
    for file, counts in counted.items():
        cjk = [(count, lang) for lang, count in counts.items() if lang != "en"]
        languages[file] = max(cjk)[1] if cjk else "en"
    return languages


def _had_which(lock: dict[str, Entry]) -> Callable[[Fact], bool]:
    """Whether the last build made a which card of the fact: an unrelated edit elsewhere
    must never take it (and its review history) away."""

    def had(fact: Fact) -> bool:
        entry = lock.get(fact.id)
        return entry is not None and any(note.namespace == "which" for note in entry.notes)

    return had


def plan_questions(
    notes: Notes, corpus: Corpus, skip_kinds: frozenset[str] = frozenset()
) -> tuple[list[Question], dict[str, str]]:
    """Every good question the facts support, and why the others have none.

    A fact whose first recall rule makes a kind the user turned off gets the next rule's
    card (no term cards: a cloze instead)."""
    questions: list[Question] = []
    recalled: set[str] = set()
    turned_off: set[str] = set()

    def asked(name: str, question: Question | None) -> Question | None:
        """The question, named by its rule, unless its kind is turned off."""
        if question is None:
            return None
        if question.kind in skip_kinds:
            turned_off.update(fact.id for fact in question.facts)
            return None
        context = _context_keeping_the_answer_back(question)  # before clashes are judged
        return replace(question, rule=name, context=context)

    for fact in notes.facts:
        if fact.no_card or (not fact.explicit and card_rules.course_remark(fact)):
            continue
        recall = next(
            (q for name, rule in RECALL_RULES if (q := asked(name, rule(fact, corpus)))), None
        )
        if recall is not None:
            recalled.add(fact.id)
        extra = [asked(name, rule(fact, corpus)) for name, rule in EXTRA_RULES]
        questions.extend(q for q in (recall, *extra) if q is not None)
    (list_rule, whole_list), (heading_rule, under_heading) = GROUP_RULES
    for items in _lists(notes.facts):
        found = asked(list_rule, whole_list(items, corpus))
        if found is not None:
            questions.append(found)
            recalled.update(fact.id for fact in items)
    for rows in _tables(notes.facts):
        questions.extend(
            q for found in table_questions(rows, corpus) if (q := asked("table", found))
        )
    for facts in _under_headings(notes.facts):
        if not any(fact.id in recalled for fact in facts):
            found = asked(heading_rule, under_heading(facts, corpus))
            questions.extend([found] if found is not None else [])
    kept, clashes = _one_answer_per_question(_merged_definitions(questions))
    on_cards = {fact.id for question in kept for fact in question.facts}
    reasons = {
        fact.id: _why_not(fact, clashes, turned_off)
        for fact in notes.facts
        if fact.id not in on_cards
    }
    return kept, reasons


def _why_not(fact: Fact, clashes: set[str], turned_off: set[str]) -> str:
    if fact.id in clashes:
        return SAME_QUESTION
    return KINDS_OFF if fact.id in turned_off else card_rules.why_no_card(fact)


def _lists(facts: tuple[Fact, ...]) -> list[list[Fact]]:
    """The items of each Markdown list, in note order."""
    found: dict[tuple[str, int], list[Fact]] = defaultdict(list)
    for fact in facts:
        if fact.list_place is not None:
            found[(fact.file, fact.list_place.list)].append(fact)
    return list(found.values())


def _tables(facts: tuple[Fact, ...]) -> list[list[Fact]]:
    """The rows of each Markdown table, in note order."""
    found: dict[tuple[str, int], list[Fact]] = defaultdict(list)
    for fact in facts:
        if fact.cells:
            found[(fact.file, fact.table)].append(fact)
    return list(found.values())


def _under_headings(facts: tuple[Fact, ...]) -> list[list[Fact]]:
    """The facts right under each heading of each note."""
    found: dict[tuple[str, str, tuple[str, ...]], list[Fact]] = defaultdict(list)
    for fact in facts:
        found[(fact.file, fact.subject, fact.path)].append(fact)
    return list(found.values())


def _question_key(question: Question) -> str:
    return "\x1f".join(
        (question.deck, question.facts[0].subject, question.context, question.label, question.front)
    )


def _one_answer_per_question(questions: list[Question]) -> tuple[list[Question], set[str]]:
    """Questions two cards would ask with different answers are dropped (unless the user
    wrote them): the learner could not tell which answer is wanted — nor when the only
    difference is the breadcrumb above the same front ("비즈니스 가치" under six subjects:
    studied in a mixed review, they interfere)."""
    answers: dict[str, set[str]] = defaultdict(set)
    bare: dict[tuple[str, str], set[str]] = defaultdict(set)
    for question in questions:
        answers[_question_key(question)].add(question.back)
        if question.model != "cloze":
            bare[_bare_front(question)].add(question.back)
    kept: list[Question] = []
    clashes: set[str] = set()
    seen: set[tuple[str, str]] = set()
    for question in questions:
        cloze, front = question.model == "cloze", _bare_front(question)
        if question.explicit:
            kept.append(question)
        elif _several(answers[_question_key(question)]) or (not cloze and _several(bare[front])):
            clashes.update(fact.id for fact in question.facts)
        elif cloze or front not in seen:
            kept.append(question)  # not the same card twice (a paragraph in two sections)
        seen.add(front)
    return kept, clashes


MERGED_MAX_CHARS = 200
"""Two definitions of one term are one card only while they stay short together."""


def _merged_definitions(questions: list[Question]) -> list[Question]:
    """A term two notes define in their own words ("비지도 학습" → "레이블 미지정 데이터로 학습
    하는 알고리즘" here, "은닉 패턴이나 구조를 찾는다" there) is one card with both answers,
    not two cards that interfere (or none)."""
    groups: dict[tuple[str, str], list[Question]] = defaultdict(list)
    for question in questions:
        if question.kind == "term" and not question.explicit:
            groups[_bare_front(question)].append(question)
    merged: dict[int, Question | None] = {}
    for first, *rest in groups.values():
        answers = [first.back, *(q.back for q in rest)]
        if len(rest) != 1 or not _several(set(answers)):
            continue
        if sum(len(html_text(answer)) for answer in answers) > MERGED_MAX_CHARS:
            continue
        (second,) = rest
        if not _one_concept(first, second):
            continue
        merged[id(first)] = replace(
            first,
            facts=first.facts + second.facts,
            back="<ul>" + "".join(f"<li>{answer}</li>" for answer in answers) + "</ul>",
            context=_shared_context(first.context, second.context)
            or _service_context(first, second),
        )
        merged[id(second)] = None
    found = (merged.get(id(question), question) for question in questions)
    return [question for question in found if question is not None]


def _one_concept(first: Question, second: Question) -> bool:
    """Both define one concept: under one subject, in topics (course notes), or in a topic
    and a service (a blog's "ナレッジベース" paragraph and its Bedrock features table). Under
    two services ("임베딩" of Titan, of Kendra) the same word means two things: no merged
    card."""
    one, other = first.facts[0], second.facts[0]
    return one.subject == other.subject or not one.subject_kind == other.subject_kind == "service"


def _service_context(first: Question, second: Question) -> str:
    """A topic's and a service's definitions merged and sharing no title: the service's
    context says what the term belongs to ("エージェント" of Amazon Bedrock)."""
    return next((q.context for q in (first, second) if q.facts[0].subject_kind == "service"), "")


def _shared_context(first: str, second: str) -> str:
    """The titles two contexts start with (either card's own would mislead for the other)."""
    one, other = tuple(first.split(" › ")), tuple(second.split(" › "))
    return " › ".join(one[: shared_depth(one, other)])


def _bare_front(question: Question) -> tuple[str, str]:
    """A front as read without its breadcrumb: `생성형 AI` bold or in code is one question."""
    return question.label, html_text(question.front).casefold()


SAME_ANSWER_RATIO = 90
"""Answers this similar (rapidfuzz ratio, 0–100) are one answer written twice."""


def _several(backs: set[str]) -> bool:
    """Whether the answers differ, beyond a word changed in a copied paragraph."""
    texts = sorted(html_text(back) for back in backs)
    return any(fuzz.ratio(texts[0], text) < SAME_ANSWER_RATIO for text in texts[1:])


def corpus_for(notes: Notes, lock: dict[str, Entry], renderer: _Renderer) -> Corpus:
    return Corpus(
        notes.catalog,
        renderer.html,
        _service_words(notes),
        _file_languages(notes.facts),
        _had_which(lock),
        frozenset(
            (fact.file, fact.subject, fact.path)
            for fact in notes.facts
            if fact.kind == "term" and fact.definition and card_rules.holds_its_list(fact)
        ),
        Counter(found for fact in notes.facts if (found := card_rules.topic(fact))),
        notes.every_note,
    )


def cards_of_facts(notes: Notes, lock: dict[str, Entry], options: DeckOptions) -> FactCards:
    """Each fact's cards, or why it has none, and the which cards' clues (no deck is made)."""
    corpus = corpus_for(notes, lock, _Renderer({}))
    questions, reasons = plan_questions(notes, corpus, options.skip_kinds)
    return FactCards(_cards_by_fact(questions), reasons, _clues(questions))


def _clues(questions: list[Question]) -> tuple[Clue, ...]:
    """The which cards' questions and answers; a comparison's say which sides it is between."""
    return tuple(
        Clue(
            question.front,
            question.answer,
            question.facts[0].lang,
            question.facts[0].compared if question.rule == "comparison" else (),
        )
        for question in questions
        if question.kind == "which" and question.answer
    )


def _cards_by_fact(questions: list[Question]) -> dict[str, tuple[CardMade, ...]]:
    found: dict[str, list[CardMade]] = defaultdict(list)
    for question in questions:
        for fact in question.facts:
            found[fact.id].append((question.kind, question.rule))
    return {fact_id: tuple(cards) for fact_id, cards in found.items()}


def plan_deck(
    notes: Notes,
    lock: dict[str, Entry],
    moved: frozenset[str],
    options: DeckOptions,
    media: dict[str, str],
    now: int,
    memo: Memo[CardHtml] | None = None,
    seed: str = "",
) -> DeckPlan:
    """Every note of the deck, plus the ones whose facts are gone (to flag once).

    ``lock`` is this build's lock (with the notes of the last build); ``now`` the time
    given to notes that are new or changed;
    ``moved`` the ids of facts that changed subject; ``media`` maps image paths to
    content-addressed media names; ``memo`` has the card HTML of an earlier build, by
    Markdown (its code must name ``media`` too: the HTML points at them); ``seed`` what
    new GUIDs are hashed from (the lock's: see :mod:`generator.facts.identity`).
    """
    renderer = _Renderer(media, memo)
    corpus = corpus_for(notes, lock, renderer)
    questions, reasons = plan_questions(notes, corpus, options.skip_kinds)
    previous = {note.guid: note for entry in lock.values() for note in entry.notes}
    guids = _guids(questions, lock, seed or options.name)
    cards = [
        _note(question, guid, options, moved)
        for question, guid in zip(questions, guids, strict=True)
    ]
    cards = [_stamp(card, previous.get(card.guid), now) for card in cards]
    removed = tuple(
        _stamp(card, previous.get(card.guid), now) for card in _removed_notes(cards, lock, options)
    )
    return DeckPlan(
        options.name,
        tuple(cards),
        tuple(sorted(renderer.used)),
        removed,
        added=tuple(card.guid for card in cards if card.guid not in previous),
        updated=tuple(
            card.guid
            for card in cards
            if card.guid in previous and previous[card.guid].digest != card.digest
        ),
        cards=_cards_by_fact(questions),
        no_card=reasons,
        clues=_clues(questions),
    )


def _stamp(card: CardNote, before: NoteRecord | None, now: int) -> CardNote:
    """Give the note its modification time: the last one while it reads the same, a later
    one (even within the same second) when it changed."""
    payload = "\x1f".join((card.model, *(value for _, value in card.fields), *card.tags))
    digest = hashlib.sha256(payload.encode()).hexdigest()[:16]
    if before is not None and before.digest == digest:
        return replace(card, digest=digest, modified=before.modified)
    modified = max(now, before.modified + 1) if before is not None else now
    return replace(card, digest=digest, modified=modified)


NO_LONGER_MADE_DECK = "No longer made"
"""Where a note marking a card cheatdeck no longer makes lands if Anki does not have it
yet (a card Anki has stays in its deck): one subdeck to delete, never mixed with cards
to study."""


def _removed_notes(
    cards: list[CardNote], lock: dict[str, Entry], options: DeckOptions
) -> tuple[CardNote, ...]:
    """Notes the last build had and this one does not: suspended and tagged for deletion.
    A list's note is on each item's entry: it is shown as its first item."""
    made = {card.guid for card in cards}
    entries: dict[str, list[tuple[str, Entry, NoteRecord]]] = defaultdict(list)
    for fact_id, entry in sorted(lock.items(), key=lambda item: (item[1].file, item[1].line)):
        for note in entry.notes:
            if note.guid not in made:
                entries[note.guid].append((fact_id, entry, note))
    return tuple(_removed_note(found, options) for found in entries.values())


def _why_gone(found: list[tuple[str, Entry, NoteRecord]], skipped: frozenset[str]) -> str:
    """``off``: its kind is turned off (the lock keeps it, for when it is turned on again);
    ``retired``: its facts are still in the notes, no rule asks about them now;
    ``removed``: its facts left the notes (emitted once)."""
    if set(NAMESPACE_KINDS.get(found[0][2].namespace, ())) & skipped:
        return "off"
    return "retired" if any(not entry.removed for _, entry, _ in found) else "removed"


def _removed_note(found: list[tuple[str, Entry, NoteRecord]], options: DeckOptions) -> CardNote:
    """The note marking that a card is no longer made, and why (see :func:`_why_gone`)."""
    _, entry, note = found[0]
    kind = _why_gone(found, options.skip_kinds)
    label = html.escape(LABELS[kind]["en"])
    text = html.escape(entry.text)
    context = " › ".join(html.escape(p) for p in (entry.subject, *entry.path))
    source = html.escape(f"{entry.file}:{entry.line}")
    common = (
        ("Context", context),
        ("Label", label),
        ("Source", source),
        ("Kind", kind),
        ("Lang", "en"),
        ("Extra", ""),
    )
    if note.model == "cloze":
        fields: tuple[tuple[str, str], ...] = (("Text", f"{{{{c1::{text}}}}}"), *common)
    else:
        fields = (("Front", text), ("Back", label), *common)
    return CardNote(
        guid=note.guid,
        model=note.model,
        kind=kind,
        deck=f"{options.name}::{NO_LONGER_MADE_DECK}",
        fields=fields,
        tags=(REMOVED_TAG,),
        modified=0,
        namespace=note.namespace,
        facts=tuple(fact for fact, _, _ in found),
    )
