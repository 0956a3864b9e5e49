"""Stage 2 — extract: outline trees → subjects and facts.

Input: one :class:`~generator.notes.parse.Outline` per note and the images beside the notes.
Output: :class:`Notes` — every fact with its subject, path, plain text, kind, language and
source line, plus what was skipped and why. The subject rules (documented in the README,
"How cheatdeck reads your notes"; :data:`SUBJECT_RULES` names them, and every fact records
which one chose its subject and the title line it read, ``subject_by``):

1. A title that names a catalog service makes it the subject of everything below; a
   feature ("SageMaker Autopilot") gives its parent service and stays in the path.
2. A title that names no service inherits the subject above it. At the top of a note, and
   for ``#``/``##`` headings under a topic, it starts a topic named by the title.
3. A top-level section between two sections on the same service belongs to that service.
4. A title naming several services ("lex & connect") splits: a fact that starts with one
   of their names ("lex: …") and the facts after it belong to that service.
5. A fact whose term is a service (``**Amazon Bedrock**: …``) is about that service; a
   service merely mentioned in a fact changes nothing.
6. ``<!-- cheatdeck: subject=NAME -->``, ``<!-- cheatdeck: topic -->`` or
   ``<!-- cheatdeck: skip -->`` under a title overrides all of the above for that section.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import PurePosixPath

from ..errors import Skipped
from ..lang import alternation, patterns
from ..notes.inline import fenced_code, inline_tokens, plain_text, tags_in
from ..notes.parse import (
    ANSWER,
    DIRECTIVE,
    QUESTION,
    Block,
    ListPlace,
    Node,
    Outline,
    script_language,
)
from ..notes.quiz import QuizReader
from ..service import Service
from .catalog import Catalog, Member, load_catalog, without_number, without_vendor
from .subjects import Subject

_EXPLICIT_PAIR = re.compile(r"^(?P<term>.+?)\s+(?P<marker>:::?)\s+(?P<definition>.+)$", re.DOTALL)
_QUESTION_ANSWER = re.compile(
    QUESTION.pattern + r"(?P<term>.+?)\n+" + ANSWER.pattern[1:] + r"(?P<definition>.+)$", re.DOTALL
)
_TERM_PATTERNS = tuple(
    re.compile(pattern, re.DOTALL)
    for pattern in (
        r"^\*\*(?P<term>[^*\n]+?)\*\*\s*[:：]\s*(?P<definition>.*)$",
        r"^\*\*(?P<term>[^*\n]+?)\s*[:：]\*\*\s*(?P<definition>.*)$",
        r"^(?P<term>`[^`\n]+`)\s*[:：]\s*(?P<definition>.*)$",
        r"^(?P<term>`[^`\n]+`|\*\*[^*\n]+\*\*)\s*(?:→|->|=>)\s*(?P<definition>.+)$",
        r"^(?P<term>`[^`\n]+`|\*\*[^*\n]+\*\*)\s+[—–-]\s+(?P<definition>.+)$",
        r"^\*\*(?P<term>[^*\n]+?)\*\*\s*<br\s*/?>\s*(?P<definition>.+)$",
        r"^(?P<term>(?:Amazon|AWS)\s[^—–\n:：]{1,40}?)\s+[—–]\s+(?P<definition>.+)$",
        r"^(?P<term>[^:：\n`*]{1,30}?)\s*(?::\s|：)\s*(?P<definition>.*)$",
    )
)
_NOT_A_TERM = re.compile(r"[.。!?]\s|https?$|[.。!?]$|" + alternation("statement_endings") + "$")
_SERVICE_LIKE = re.compile(r"^(?:amazon|aws)\s+\w", re.IGNORECASE)
_NOT_A_PRODUCT = re.compile(alternation("not_product_words", r"[^\x00-\x7f]"), re.IGNORECASE)


def _looks_like_a_product(title: str) -> bool:
    """ "Amazon Lookout Vision" may be a service the catalog lacks; "AWS ML 서비스 정리" and
    "AWS AI Services" are a note's titles (a note language's words, or a category's)."""
    return bool(_SERVICE_LIKE.match(title)) and not _NOT_A_PRODUCT.search(title)


_HAN = re.compile(r"[\u4e00-\u9fff]")
_SLUG_DROP = re.compile(r"[^\w]+")
_REMOTE = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)
_TOPIC_HEADING_LEVEL = 2
_LABEL_MAX = 20
_SENTENCE_END = (".", "。", "!", "?", "！", "？")
PROPERTY_LINE = re.compile(r"^" + alternation("property_labels") + r"\s*[:：]", re.IGNORECASE)
"""A page property line ("Tags: …", "태그: …", "Status: …", a Notion page's export): never
knowledge, never what a subject is."""
_LINKS_LINE = re.compile(
    r"^(?:[^\[\]:：\n]{1,20}[:：])?\s*\[\[[^\]\n]+\]\]"
    r"(?:\s*[·,、/|]?\s*\[\[[^\]\n]+\]\])+\s*$"
)
"""A line of links to other notes, a short label before them ("관련: [[A]] · [[B]]",
"Related: [[A]], [[B]]"): Obsidian's related-notes line, navigation."""
_ABOUT_WINDOW = 60
_ENUMERATION = re.compile(r"\s*" + alternation("enumerations", "[,、・/&]"))
_NAME_PARTS = re.compile(alternation("name_joiners", r"\s") + "+")
"""What parts a name into words: spaces, and the particles that join a feature's name to
its service's ("Amazon Bedrock용 가드레일")."""

SUBJECT_RULES: dict[str, str] = {
    "service title": "the title names a catalog service: the subject of everything below it",
    "feature title": "the title names a feature: its service is the subject (the feature "
    "stays in the path)",
    "topic title": "a title at the top of the note, or a # heading under a topic (## too, "
    "unless the note has one # title: then ## are its sections), that names no service "
    "starts a topic",
    "structural title": "a title that only structures the note (overview, contents, summary, "
    "explanation, related notes …) or is a sentence starts no topic and names no section: "
    "its facts belong to the subject above it",
    "between sections": "a top-level section between two sections on one service belongs "
    "to that service",
    "several services": "the title names several services: the first, until a fact or title "
    "opens with another one's name",
    "member named": "under a title naming several services, this opens with one of their names",
    "service term": "the fact's (or its list item's) term is a service: **Amazon X**: …",
    "directive": "<!-- cheatdeck: subject=NAME --> or <!-- cheatdeck: topic --> chose it",
    "front matter": "the note's front matter names its subject",
    "note name": "above every title: a topic named after the note (its title or file name)",
}
"""The rules that choose a fact's subject, by name, and what each one says. A title that
names no service passes the subject (and its rule) above it on to what is below."""
SubjectBy = tuple[str, int]
"""The rule that chose a subject and the line of the title (or fact) it read; 0: none."""
NOTE_NAME: SubjectBy = ("note name", 0)


@dataclass(frozen=True, slots=True)
class Fact:
    """One thing the user wrote down, with where it came from."""

    id: str
    """Stable identity (see :mod:`generator.facts.identity`); empty until assigned."""
    subject: str
    """Name of the :class:`Subject` it is about."""
    subject_kind: str
    """``service`` or ``topic``."""
    path: tuple[str, ...]
    """Titles between the subject and the fact."""
    markdown: str
    """The fact's Markdown, for rendering."""
    text: str
    """The fact's words, markup removed."""
    kind: str
    """``term``, ``item``, ``lead`` (an item that titles the items below it),
    ``statement``, ``quote``, ``code``, ``row``, ``html`` or ``image``."""
    term: str
    """For a term fact, the term's Markdown (``X`` of ``X: Y``); otherwise empty."""
    definition: str
    """For a term fact, the definition's Markdown (``Y``); otherwise empty."""
    lang: str
    """``ko``, ``ja`` or ``en``."""
    file: str
    """Note path relative to its notes folder."""
    line: int
    """1-based line where the fact starts."""
    end_line: int
    """1-based line where it ends."""
    list_place: ListPlace | None = None
    """For a list item: its Markdown list and position (list cards need whole lists)."""
    cells: tuple[tuple[str, str], ...] = ()
    """For a table row: (header, cell Markdown) per column, in column order."""
    table: int = 0
    """For a table row: ordinal of its table in the note: the rows of one table."""
    about: str = ""
    """The catalog service or feature the fact opens with (``SageMaker Model Monitor를
    사용하면 …``) or whose name is its term; empty if none."""
    also: tuple[str, ...] = ()
    """Services (canonical names) the fact is about besides its subject."""
    compared: tuple[str, ...] = ()
    """The services a comparison title above it compares ("Kendra vs OpenSearch")."""
    side: str = ""
    """Which of ``compared`` the fact states: the one it opens with, or the one a title
    below the comparison names; empty for a fact on all of them ("둘 다 …")."""
    explicit: str = ""
    """Card syntax the user wrote: ``qa`` (``Q:``/``A:``), ``term`` (``X :: Y``), ``pair``
    (``X ::: Y``, both directions); empty for facts whose cards are inferred."""
    no_card: bool = False
    """``<!-- cheatdeck: nocard -->`` on the line or above the section: sheets only."""
    tags: tuple[str, ...] = ()
    """The user's tags (front matter, ``#tag`` in a title above or in the fact): Anki tags."""
    subject_by: SubjectBy = NOTE_NAME
    """Which of :data:`SUBJECT_RULES` chose the subject, and the line it read."""


_EXAM_SYMBOL = re.compile("[⚠🔥★⭐❗]")
_EXAM_MARK = re.compile(alternation("exam_marks", _EXAM_SYMBOL.pattern), re.IGNORECASE)
EXAM_WORDS_MAX_CHARS = 160
"""Words mark a fact this short ("PII の検出 ★試験に出る"); a blog's intro paragraph that says
試験 or 出題 in passing is no exam tip (a symbol or a tag marks any fact)."""
_LEADING_SYMBOLS = re.compile(r"^[^\w]+")
EXAM_TAG = "exam"
"""The Anki tag of a fact the note marks for the exam, however it marks it."""
_EXAM_TAG = re.compile(alternation("exam_tags"), re.IGNORECASE)


def exam_marked(fact: Fact) -> bool:
    """Whether the note marks the fact for the exam (see :func:`_with_exam_tag`)."""
    return EXAM_TAG in fact.tags


def _with_exam_tag(tags: tuple[str, ...], markdown: str, path: tuple[str, ...]) -> tuple[str, ...]:
    """The fact's tags, with ``exam`` when the note marks it for the exam: a tag
    (``#exam-tip``, ``#important``, ``#시험``), a mark (⚠️ 🔥 ★), words ("시험에 나온다",
    "試験に出る", "Exam tip") in it or in a title above (``!!! tip "Exam tip"``). One tag
    in facts.json and Anki, however the note marked it."""
    marked = (
        any(_EXAM_TAG.search(tag) for tag in tags)
        or _EXAM_SYMBOL.search(markdown)
        or (len(markdown) <= EXAM_WORDS_MAX_CHARS and _EXAM_MARK.search(markdown))
        or any(_EXAM_MARK.search(title) for title in path)
    )
    return _merged(tags, (EXAM_TAG,)) if marked and EXAM_TAG not in tags else tags


@dataclass(frozen=True, slots=True)
class Notes:
    """Everything extraction found in a set of notes."""

    subjects: tuple[Subject, ...]
    facts: tuple[Fact, ...]
    skipped: tuple[Skipped, ...]
    catalog: Catalog = field(default_factory=load_catalog, compare=False, repr=False)
    """The service catalog the notes were read with (the shipped one plus the user's)."""
    every_note: bool = True
    """False when these are some of the notes in their folders (``build notes/aws.md``):
    what only all of them can tell — that one service alone has a capability — is not
    judged from these."""

    def facts_of(self, subject: str) -> list[Fact]:
        return [fact for fact in self.facts if fact.subject == subject]


@dataclass(frozen=True, slots=True)
class _Context:
    """What the facts below a title are about."""

    subject: Subject | None
    path: tuple[str, ...]
    anchors: tuple[int, ...]
    """Lines of the titles that gave this subject and path (to tell which titles were used)."""
    by: SubjectBy
    """The rule that chose the subject, and the line it read (see :data:`SUBJECT_RULES`)."""
    members: tuple[Member, ...] = ()
    no_card: bool = False
    """Set below ``<!-- cheatdeck: nocard -->``."""
    tags: tuple[str, ...] = ()
    """Tags of the note and of every title above."""


def shared_depth(first: tuple[str, ...], second: tuple[str, ...]) -> int:
    """How many leading titles two paths share."""
    depth = 0
    while depth < min(len(first), len(second)) and first[depth] == second[depth]:
        depth += 1
    return depth


def slugify(name: str) -> str:
    """``Amazon Augmented AI (Amazon A2I)`` → ``amazon-augmented-ai-amazon-a2i``."""
    return _SLUG_DROP.sub("-", name.casefold()).strip("-_") or "subject"


def detect_lang(text: str, default: str) -> str:
    """``ko`` if Hangul dominates, ``ja`` if kana does, the note's language for kanji only."""
    return script_language(text) or (default if _HAN.search(text) else "en")


def split_term(markdown: str) -> tuple[str, str] | None:
    """``(term, definition)`` Markdown for ``X: Y``, ``**X**: Y``, `` `X` → Y``, and the
    explicit ``Q: X`` / ``A: Y`` and ``X :: Y``; else None."""
    for explicit in (_QUESTION_ANSWER, _EXPLICIT_PAIR):
        found = explicit.match(markdown.strip())
        if found is not None:
            return found.group("term").strip(), found.group("definition").strip()
    for pattern in _TERM_PATTERNS:
        match = pattern.match(markdown.strip())
        if match is None:
            continue
        term = match.group("term").strip()
        words = plain_text(term)
        if not words or _NOT_A_TERM.search(words) or not _balanced(words):
            return None
        return term, match.group("definition").strip()
    return None


def explicit_kind(markdown: str) -> str:
    """``qa``, ``pair`` or ``term`` for card syntax written by the user, else empty."""
    if _QUESTION_ANSWER.match(markdown.strip()):
        return "qa"
    match = _EXPLICIT_PAIR.match(markdown.strip())
    if match is None:
        return ""
    return "pair" if match.group("marker") == ":::" else "term"


def _join_questions(children: tuple[Node | Block, ...]) -> list[Node | Block]:
    """A ``Q:`` item or paragraph followed by an ``A:`` one is one question with its answer."""
    joined: list[Node | Block] = []
    for child in children:
        previous = joined[-1] if joined else None
        if (
            isinstance(child, Block)
            and isinstance(previous, Block)
            and QUESTION.match(previous.markdown)
            and "\n" not in previous.markdown
            and ANSWER.match(child.markdown)
        ):
            markdown = f"{previous.markdown}\n{child.markdown}"
            joined[-1] = replace(previous, markdown=markdown, end_line=child.end_line)
            continue
        joined.append(child)
    return joined


_NO_CARD = "nocard"
DIRECTIVE_VERBS = ("subject", "topic", "skip", _NO_CARD)


def _without_directives(markdown: str) -> tuple[str, bool]:
    """A block's Markdown without inline directives, and whether one said ``nocard``."""
    found = [verb.strip().casefold() for verb in DIRECTIVE.findall(markdown)]
    if not found:
        return markdown, False
    return DIRECTIVE.sub("", markdown).strip(), _NO_CARD in found


def _is_statement(title: str) -> bool:
    """An item title that says something (a fact too), not a label ("사용 사례", "API:")."""
    if split_term(title) is not None:
        return False
    text = plain_text(title).rstrip()
    return not text.endswith((":", "：")) and (
        len(text) > _LABEL_MAX or text.endswith(_SENTENCE_END)
    )


def _merged(*groups: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(tag for group in groups for tag in group))


def _balanced(text: str) -> bool:
    """``공급자(예: Okta)`` is not a term ending inside its parenthesis."""
    return all(text.count(a) == text.count(b) for a, b in ("()", "（）", "[]"))


def _service_subject(service: Service, catalog: Catalog) -> Subject:
    owner = catalog.owner(service)
    return Subject(owner.name, "service", slugify(owner.name), owner.category)


def _topic(name: str) -> Subject:
    return Subject(name, "topic", slugify(name))


def _directive(node: Node) -> tuple[str, str] | None:
    """The last ``cheatdeck:`` directive of a node as (verb, argument); a verb cheatdeck
    does not know does nothing (``check`` reports it)."""
    found = [read_directive(body) for body in (*node.directives, *DIRECTIVE.findall(node.title))]
    known = [directive for directive in found if directive[0] in DIRECTIVE_VERBS]
    return known[-1] if known else None


def read_directive(body: str) -> tuple[str, str]:
    """``subject=Amazon Bedrock`` → ("subject", "Amazon Bedrock")."""
    verb, _, argument = body.partition("=")
    return verb.strip().casefold(), argument.strip().strip("\"'")


@dataclass
class _Extractor:
    """Walks one note's outline, emitting facts under the subject each title sets."""

    outline: Outline
    catalog: Catalog
    images: frozenset[str]
    fallback_topic: Subject
    """Subject of facts above every title: the note's front matter title or file name."""
    facts: list[Fact] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    used_titles: set[int] = field(default_factory=set)
    subjects_seen: dict[str, Subject] = field(default_factory=dict)
    last_named: tuple[tuple[str, tuple[str, ...]], str] = (("", ()), "")
    """The section and the service or feature the last fact there opened with."""
    compared: tuple[str, ...] = ()
    """The services a comparison title above compares ("Kendra vs OpenSearch"): every
    fact below is about all of them, so the comparison prints whole on each one's sheet."""
    compared_at: int = 0
    """The line of that comparison title: a subject a title below it chose is a side."""
    quizzes: QuizReader = field(init=False)
    topic_level: int = field(init=False)
    """The deepest heading that starts a topic under a topic (see :meth:`_topic_level`)."""

    def __post_init__(self) -> None:
        self.quizzes = QuizReader(self.outline.file, self.skipped)
        self.topic_level = self._topic_level(self.outline.root)

    @staticmethod
    def _topic_level(root: Node) -> int:
        """1 when the note opens with its one # heading — its title: "# MLOps 정리" over
        "## 데이터 준비" is one topic in sections, not two topics and a lost title. A note
        of several # headings (course modules pasted one after another) or of none keeps
        its ## headings as topics."""
        headings = [child for child in root.children if isinstance(child, Node)]
        ones = [node for node in headings if node.kind == "heading" and node.level == 1]
        return 1 if len(ones) == 1 and headings[0] is ones[0] else _TOPIC_HEADING_LEVEL

    def warn(self, line: int, reason: str, warn: bool = True, rule: str = "markup") -> None:
        self.skipped.append(Skipped(self.outline.file, line, reason, warn, rule))

    def run(self) -> None:
        root = self.outline.root
        front = dict(self.outline.front_matter)
        subject = self._named_subject(front["subject"]) if "subject" in front else None
        by = ("front matter", 1) if subject else NOTE_NAME
        tags = (*self.outline.tags, *root.tags)
        self.walk(root, _Context(subject, (), (), by, tags=tags), self._top_level_services(root))

    def _top_level_services(self, root: Node) -> dict[int, Subject]:
        """Rule 3: unnamed top-level headings between two sections on one service."""
        headings = [child for child in root.children if isinstance(child, Node)]
        named = [self._title_service(node) for node in headings]
        found: dict[int, Subject] = {}
        for index in range(1, len(headings) - 1):
            before, after = named[index - 1], named[index + 1]
            if named[index] is None and before is not None and before == after:
                found[headings[index].line] = before
        return found

    def _title_service(self, node: Node) -> Subject | None:
        if _directive(node) is not None:
            return None
        match = self.catalog.match_title(plain_text(node.title))
        return _service_subject(match.service, self.catalog) if match else None

    def _term_service(self, term: str, context: _Context) -> Service | None:
        """The service a term or title names, read the way people mean it (rule 5): a name
        written as code (`` `lambda` ``) is code, and an ordinary word ("lambda",
        "Connect") inside another service's section is a word of that section."""
        if term.lstrip().startswith("`"):
            return None
        words = plain_text(term)
        service = self.catalog.lookup(words) or self._first_member(words)
        if service is None or context.subject is None or context.subject.kind != "service":
            return service
        if self.catalog.is_word(words) and self.catalog.owner(service).name != context.subject.name:
            return None
        return service

    def _compares(self, title: str) -> tuple[str, ...]:
        """The services or features a title compares ("Kendra vs OpenSearch", "A와 B의 차이",
        "AとBの違い", "Model Monitor와 Clarify의 차이"), when each side names a different one."""
        written = _sides(plain_text(title).strip())
        sides = [self.catalog.match_title(side) for side in written]
        named = [side.service.name for side in sides if side is not None]
        return tuple(named) if len(written) > 1 and len(set(named)) == len(written) else ()

    def _first_member(self, words: str) -> Service | None:
        """ "Amazon Comprehend / Medical": an entry on several services is the first's."""
        members = self.catalog.members(words)
        named = [member.service for member in members or () if member.service is not None]
        return named[0] if named else None

    def _named_subject(self, name: str) -> Subject:
        service = self.catalog.lookup(name)
        return _service_subject(service, self.catalog) if service else _topic(name)

    def walk(
        self,
        node: Node,
        context: _Context,
        neighbours: dict[int, Subject],
        question: Block | None = None,
    ) -> None:
        current: _Context | None = None  # rule 4: the member a term switched to
        for child in self.quizzes.read(_join_questions(node.children), question):
            if isinstance(child, Block) and child.kind == "row":
                self.emit(child, current or context, None)  # its cells, not "Header: cell"
                continue
            if isinstance(child, Block):
                term = split_term(child.markdown)
                opening = term[0] if term else self._opening(child, context)
                switched = self._switch(opening, context, child.line)
                current = switched or current
                self.emit(child, current or context, term)
                continue
            title_term = split_term(child.title) if child.kind == "item" else None
            switched = self._switch(
                title_term[0] if title_term else child.title, context, child.line
            )
            current = switched or current
            self.enter(child, current or context, neighbours)

    def _opening(self, block: Block, context: _Context) -> str:
        """Under a multi-service title, the service name a block opens with ("Comprehend
        Medical extracts …"), which may switch the subject (rule 4); else nothing to look
        for, so no search is made."""
        if not context.members:
            return ""
        text = plain_text(block.markdown)[:_ABOUT_WINDOW]
        found = self.catalog.mentions(text)
        return text[found[0][0] : found[0][1]] if found and found[0][0] == 0 else ""

    def _switch(self, term: str, context: _Context, line: int) -> _Context | None:
        """Within a multi-service title, the context a leading member name switches to."""
        if not context.members or not term:
            return None
        wanted = " ".join(plain_text(term).casefold().split())
        for member in context.members:
            written = " ".join(member.written.casefold().split())
            if (
                wanted == written
                or written.endswith(" " + wanted)
                or (member.service is not None and self.catalog.lookup(wanted) == member.service)
            ):
                subject = (
                    _service_subject(member.service, self.catalog)
                    if member.service
                    else context.subject
                )
                return replace(context, subject=subject, members=(), by=("member named", line))
        return None

    def enter(self, node: Node, context: _Context, neighbours: dict[int, Subject]) -> None:
        directive = _directive(node)
        if directive is not None and directive[0] == "skip":
            self.warn(node.line, "section skipped by <!-- cheatdeck: skip -->", warn=False)
            return
        if node.kind in ("heading", "bold") and _NAVIGATION.match(plain_text(node.title).strip()):
            self.warn(
                node.line,
                "section skipped: links to other notes (contents, related notes)",
                warn=False,
            )
            return
        question = self.quizzes.starts_quiz(node)
        if question is not None or self.quizzes.numbers_quiz(node):
            self.used_titles.add(node.line)  # "### Q1. …?" or "## 문제 1": no new section
            self.walk(node, context, {}, question)
            return
        if node.kind == "item" and _is_statement(node.title):
            lead = Block("lead", node.title, node.line, node.line, node.list_place)
            self.emit(lead, context, None)
        if directive is not None and directive[0] == _NO_CARD:
            inner = replace(self.context_for(node, context, None, neighbours), no_card=True)
        else:
            inner = self.context_for(node, context, directive, neighbours)
        if context.no_card:
            inner = replace(inner, no_card=True)
        inner = replace(inner, tags=_merged(context.tags, tags_in(node.title), node.tags))
        before, outer = len(self.facts), (self.compared, self.compared_at)
        compares = self._compares(node.title)
        if compares:
            self.compared, self.compared_at = compares, node.line
        self.walk(node, inner, {})
        self.compared, self.compared_at = outer
        if node.line not in self.used_titles and node.title:
            if len(self.facts) == before:
                title = plain_text(node.title)
                self.warn(
                    node.line, f"empty section '{title}': no facts below it", rule="empty-section"
                )
            else:
                reason = "title of a group whose facts all belong to other subjects"
                self.warn(node.line, reason, warn=False)

    def context_for(
        self,
        node: Node,
        context: _Context,
        directive: tuple[str, str] | None,
        neighbours: dict[int, Subject],
    ) -> _Context:
        """The subject and path a node sets for what is below it (rules 1–4 and 6)."""
        title = plain_text(DIRECTIVE.sub("", node.title))
        here = (node.line,)
        if not title and directive is None:
            return replace(context, members=())
        if directive is not None:
            verb, argument = directive
            subject = self._named_subject(argument) if verb == "subject" else _topic(title)
            return _Context(subject, (), here, ("directive", node.line))
        if node.kind == "item":
            term = split_term(node.title)
            if term is not None:
                return self._item_term_context(node, context, term)
        members = self.catalog.members(title)
        if members is not None:
            return self._multi_context(title, members, context, here)
        match = self.catalog.match_title(title)
        if (
            match is not None
            and not match.remainder
            and not match.fuzzy
            and self._term_service(without_number(title), context) is None
        ):
            match = None  # "#### lambda" under SageMaker: a hyperparameter, not AWS Lambda
        if match is not None and not (node.kind == "item" and match.remainder):
            if match.service.parent:
                path: tuple[str, ...] = (title,)
            else:
                path = (match.remainder,) if match.remainder else ()
            rule = "feature title" if match.service.parent else "service title"
            subject = _service_subject(match.service, self.catalog)
            return _Context(subject, path, here, (rule, node.line))
        if node.kind in ("heading", "bold") and _looks_like_a_product(title):
            closest = self.catalog.suggest(title)
            hint = f" (closest: {closest[1].name})" if closest else ""
            self.warn(
                node.line,
                f"'{title}' looks like an AWS service but is not in the catalog{hint}: it is "
                "treated as a section (add <!-- cheatdeck: subject=NAME --> to choose, or a "
                "[[service]] to cheatdeck.toml)",
                rule="unknown-service",
            )
        if node.line in neighbours:
            return _Context(neighbours[node.line], (title,), here, ("between sections", node.line))
        if node.kind in ("heading", "bold") and structural_title(title):
            return replace(context, anchors=context.anchors + here)  # "## 개요", "# 最後に"
        if context.subject is None or (
            node.kind == "heading"
            and node.level <= self.topic_level
            and context.subject.kind == "topic"
        ):
            return _Context(_topic(title), (), here, ("topic title", node.line))
        return _Context(
            context.subject,
            (*context.path, title.rstrip(":：")),
            context.anchors + here,
            context.by,
        )

    def _item_term_context(self, node: Node, context: _Context, term: tuple[str, str]) -> _Context:
        """``- **X**: Y`` with sub-items: X names the section and ``X: Y`` is a fact."""
        name = plain_text(term[0])
        service = self._term_service(term[0], context)
        if service is not None:
            inner = _Context(
                _service_subject(service, self.catalog),
                (name,) if service.parent else (),
                (node.line,),
                ("service term", node.line),
            )
        else:
            inner = replace(
                context, path=(*context.path, name), anchors=(*context.anchors, node.line)
            )
        if term[1]:
            title = Block("item", node.title, node.line, node.line, node.list_place)
            self.emit(title, inner, term)
        return inner

    def _multi_context(
        self, title: str, members: tuple[Member, ...], context: _Context, here: tuple[int, ...]
    ) -> _Context:
        complete = all(member.service is not None for member in members)
        if complete:
            first = members[0].service
            assert first is not None
            subject = _service_subject(first, self.catalog)
            return _Context(subject, (), here, ("several services", here[0]), tuple(members))
        subject = context.subject or _topic(title)
        path = (*context.path, title) if context.subject else ()
        by = context.by if context.subject else ("topic title", here[0])
        return _Context(subject, path, context.anchors + here, by, tuple(members))

    def emit(self, block: Block, context: _Context, term: tuple[str, str] | None) -> None:
        """Turn a block into a fact (or a report of why not)."""
        if block.kind == "image":
            self.emit_images(block, context)
            return
        markdown, no_card = _without_directives(block.markdown)
        if markdown != block.markdown:
            block = replace(block, markdown=markdown)
        if block.kind == "paragraph" and (reason := _page_furniture(markdown)):
            self.warn(block.line, reason, warn=False)
            return
        if term is not None and _EXAM_MARK.fullmatch(
            _LEADING_SYMBOLS.sub("", plain_text(term[0]).strip())
        ):  # "💡 Exam tip: …" too
            # "시험에 자주 나옴: Clarify는 …", "Exam tip: …": a mark on the fact, not its term
            block, term = replace(block, markdown=term[1]), None
            context = replace(context, tags=_merged(context.tags, (EXAM_TAG,)))
        subject, path, by = context.subject, context.path, context.by
        if term is not None and block.kind != "code":
            service = self._term_service(term[0], context)
            if service is not None:
                subject = _service_subject(service, self.catalog)
                path = (plain_text(term[0]),) if service.parent else ()
                by = ("service term", block.line)
        code = fenced_code(block.markdown) if block.kind == "code" else None
        text = plain_text(block.markdown) if code is None else code.strip()
        if not text.strip():
            self.warn(block.line, "nothing to learn here (no text)", warn=False)
            return
        explicit = explicit_kind(markdown) if block.kind != "code" else ""
        if explicit and term is not None:  # the card syntax is not part of the words
            separator = " " if explicit == "qa" else ": "
            text = f"{plain_text(term[0])}{separator}{plain_text(term[1])}"
        kind = "term" if term and term[1] and block.kind != "code" else _KINDS[block.kind]
        kind = "qa" if explicit == "qa" else kind
        no_card = context.no_card or no_card
        if (subject, path, no_card) != (context.subject, context.path, context.no_card):
            context = replace(context, subject=subject, path=path, no_card=no_card, by=by)
        self._add(block, context, kind, term, text, explicit)

    def _add(
        self,
        block: Block,
        context: _Context,
        kind: str,
        term: tuple[str, str] | None,
        text: str,
        explicit: str = "",
    ) -> None:
        subject = context.subject or self.fallback_topic
        self.used_titles.update(context.anchors)
        about = (
            self._row_service(block)
            if block.cells
            else self._about(text, term if kind in ("term", "qa") else None, context, kind)
        )
        about = self._followed(about, text, (subject.name, context.path))
        also = () if not about else (self.catalog.owner(self.catalog.services[about]).name,)
        compared = (self.catalog.owner(self.catalog.services[name]).name for name in self.compared)
        also = tuple(dict.fromkeys((*also, *compared)))  # the sheets: a feature's is its owner's
        by = context.by if context.subject else NOTE_NAME
        self.facts.append(
            Fact(
                id="",
                subject=subject.name,
                subject_kind=subject.kind,
                path=tuple(p for p in context.path if p),
                markdown=block.markdown,
                text=text,
                kind=kind,
                term=term[0] if term and kind in ("term", "qa") else "",
                definition=term[1] if term and kind in ("term", "qa") else "",
                lang=detect_lang(text, self.outline.lang),
                file=self.outline.file,
                line=block.line,
                end_line=block.end_line,
                list_place=block.list_place,
                cells=block.cells,
                table=block.table,
                about=about,
                also=tuple(name for name in also if name != subject.name),
                compared=self.compared,
                side="" if block.cells else self._side(about, text, context.path, subject.name, by),
                explicit=explicit,
                no_card=context.no_card,
                tags=_with_exam_tag(
                    _merged(context.tags, tags_in(block.markdown)), block.markdown, context.path
                ),
                subject_by=by,
            )
        )
        self.subjects_seen.setdefault(subject.name, subject)

    def _about(self, text: str, term: tuple[str, str] | None, context: _Context, kind: str) -> str:
        """The service or feature a fact is about: its term, the name it opens with (after
        symbols such as ⚠️), or for a question, the service that is its answer.

        Conservative on purpose: a name further into the sentence is a passing mention.
        A short form of the subject ("Amazon Q" in an Amazon Q Business note) is the subject.
        """
        service: Service | None = None
        if term is not None:
            service = self._term_service(term[0], context)
            if service is None and kind == "qa":
                service = self.catalog.lookup(plain_text(term[1]))  # the answer is a service
        else:
            found = self.catalog.mentions(text[:_ABOUT_WINDOW])
            opens = found and not any(char.isalnum() for char in text[: found[0][0]])
            listed = found and _ENUMERATION.match(text, found[0][1])  # "S3、SharePoint など"
            service = found[0][2] if opens and not listed else None
        subject = (context.subject or self.fallback_topic).name
        if service is None:
            return ""
        return subject if subject.startswith(service.name + " ") else service.name

    def _side(
        self, about: str, text: str, path: tuple[str, ...], subject: str, by: SubjectBy
    ) -> str:
        """The side of the comparison above that a fact states: the compared service it
        opens with — by its bare name too, "Comprehend は…" under "Comprehend と Translate
        の違い", where the title says which Comprehend is meant — or its subject when a
        title (or term) below the comparison chose it ("### Kendra" under "## Kendra vs
        OpenSearch"; "### SageMaker JumpStart", a feature, names its section). The
        comparison's own title makes its first side the subject of everything under it: that
        says no side. (A table row is no side: a table stays whole.)"""
        if about in self.compared:
            return about
        opening = [name for name in self.compared if self._opens_with(text, name)]
        if len(opening) == 1:
            return opening[0]
        if subject in self.compared and by[1] > self.compared_at:
            return subject
        titled = {  # a title that is a side's name, not the comparison's own title
            m.service.name
            for title in path
            if (m := self.catalog.match_title(title)) and not (m.remainder or m.fuzzy)
        }
        named = [name for name in self.compared if name in titled]
        return named[0] if len(named) == 1 else ""

    def _opens_with(self, text: str, name: str) -> bool:
        """Whether ``text`` opens with one of the service's spellings, the vendor left out."""
        for spelling in self.catalog.services[name].spellings:
            bare = without_vendor(spelling)
            after = text[len(bare) : len(bare) + 1]
            if text.startswith(bare) and not (after.isascii() and after.isalnum()):
                return True
        return False

    def _followed(self, about: str, text: str, section: tuple[str, tuple[str, ...]]) -> str:
        """A sentence that goes on about the feature the one before it opened with, by its
        own word ("Amazon Bedrock용 가드레일을 사용하면 …" then "가드레일은 …"): about it too."""
        if about:
            self.last_named = (section, about)
            return about
        where, named = self.last_named
        if where != section or not named:
            return ""
        return named if any(text.startswith(word) for word in self._own_words(named)) else ""

    def _own_words(self, name: str) -> set[str]:
        """The words of a feature's names that its parent's do not share ("가드레일",
        "Guardrails" of Guardrails for Amazon Bedrock)."""
        service = self.catalog.services[name]
        owner = self.catalog.owner(service)
        shared = {w.casefold() for n in (owner.name, *owner.aliases) for w in n.split()}
        words = {w for n in (service.name, *service.aliases) for w in _NAME_PARTS.split(n)}
        return {
            w
            for w in words
            if len(w) >= 2 and w.casefold() not in shared | {"for", "amazon", "aws"}
        }

    def _row_service(self, block: Block) -> str:
        """The service a table row is about: the first cell that is a service's name."""
        for _, cell in block.cells:
            service = self.catalog.lookup(plain_text(cell))
            if service is not None:
                return service.name
        return ""

    def emit_images(self, block: Block, context: _Context) -> None:
        """Local images inside the notes folder become image facts; others are reported."""
        for token in inline_tokens(block.markdown):
            if token.type != "image":
                continue
            source = str(token.attrs.get("src", ""))
            problem = self.image_problem(source)
            if problem:
                self.warn(block.line, problem, rule="image")
                continue
            resolved = self._resolve(source)
            markdown = f"![{token.content}](<{resolved}>)"
            image = Block("image", markdown, block.line, block.end_line)
            self._add(image, context, "image", None, token.content or resolved)

    def _resolve(self, source: str) -> str:
        """The image's path in the notes folder: relative to the note, or — for Obsidian's
        ``![[name.png]]`` — the image of that name anywhere in the folder (the shortest path,
        as Obsidian picks)."""
        relative = self._relative(source)
        if relative in self.images or "/" in source:
            return relative
        named = sorted((p for p in self.images if PurePosixPath(p).name == source), key=len)
        return named[0] if named else relative

    def _relative(self, source: str) -> str:
        joined = PurePosixPath(self.outline.file).parent / source
        parts: list[str] = []
        for part in joined.parts:
            if part == "..":
                if not parts:
                    return ""
                parts.pop()
            elif part not in (".", ""):
                parts.append(part)
        return "/".join(parts)

    def image_problem(self, source: str) -> str:
        if _REMOTE.match(source) and not source.startswith("data:"):
            return f"remote image not fetched (no network at build time): {source}"
        if source.startswith(("/", "data:")):
            return f"image not embedded (only relative paths inside the notes folder): {source}"
        resolved = self._resolve(source)
        if not resolved:
            return f"image outside the notes folder is not read: {source}"
        if resolved not in self.images:
            return f"image not found: {source}"
        return ""


_KINDS = {
    "item": "item",
    "lead": "lead",
    "paragraph": "statement",
    "quote": "quote",
    "code": "code",
    "row": "row",
    "html": "html",
}


def _whole_heading(kind: str) -> re.Pattern[str]:
    """A heading that is one of the language data's ``kind`` titles and nothing more, after
    a number or a symbol ("2. Overview", "📌 まとめ") and before a colon."""
    return re.compile(
        r"^(?:[#\d.)\s]*|[^\w\s]+\s*)" + alternation(kind) + r"[\s:：]*$", re.IGNORECASE
    )


_STRUCTURAL = _whole_heading("structural_headings")
_COMPARISON = tuple(re.compile(p, re.IGNORECASE) for p in patterns("comparisons"))
"""Titles that compare two things: "A vs B", "A와 B의 차이", "AとBの違い"."""
_NAVIGATION = _whole_heading("navigation_headings")
"""A section that only links elsewhere (목차, 関連ノート, Further reading): no facts."""
_SENTENCE_TITLE = re.compile(alternation("sentence_ends", "[.。!！]") + r"\s*$")


def _sides(title: str) -> list[str]:
    """The sides a comparison title names, as written: "A vs B vs C" has three ([title]
    when it compares nothing)."""
    found = next((m for p in _COMPARISON for m in [p.fullmatch(title)] if m), None)
    if found is None:
        return [title]
    return [found.group("a").strip(), *_sides(found.group("b").strip())]


def structural_title(title: str) -> bool:
    """A heading that structures the note ("Overview", "목차", "関連ノート", "Section 2") or
    a sentence ("AWS 認定 … 合格できます！"): never a subject, a sheet or a box title."""
    return bool(_STRUCTURAL.match(title.strip())) or sentence_title(title)


def _page_furniture(markdown: str) -> str:
    """Why a paragraph is the page's furniture, not knowledge ('' when it is knowledge):
    a Notion page's properties, or a line of links to related notes."""
    lines = [line for line in plain_text(markdown).splitlines() if line.strip()]
    if lines and all(PROPERTY_LINE.match(line) for line in lines):
        return "page properties (Created:, Tags:, Status: …), not knowledge"
    if _LINKS_LINE.match(markdown.strip()):
        return "links to other notes (관련: [[…]] · [[…]]), not knowledge"
    return ""


def sentence_title(title: str) -> bool:
    """A title that is a sentence ("또한 가드레일에서 … 분석할 수 있습니다."): printed as the
    lead line of what is below it, never as a box title or a subject."""
    return bool(_SENTENCE_TITLE.search(title.strip()))


def _fallback_topic(outline: Outline) -> Subject:
    front = dict(outline.front_matter)
    return _topic(front.get("title") or PurePosixPath(outline.file).stem)


def extract(
    outlines: list[Outline],
    images: frozenset[tuple[str, str]] = frozenset(),
    catalog: Catalog | None = None,
) -> Notes:
    """Facts and subjects of all notes.

    ``images`` holds (note file, image path) for each image a note may embed: paths are
    relative to the notes folder, and only images inside it are listed.
    """
    catalog = catalog or load_catalog()
    facts: list[Fact] = []
    skipped: list[Skipped] = []
    subjects: dict[str, Subject] = {}
    for outline in outlines:
        allowed = frozenset(path for file, path in images if file == outline.file)
        extractor = _Extractor(outline, catalog, allowed, _fallback_topic(outline))
        extractor.run()
        facts.extend(extractor.facts)
        skipped.extend(outline.skipped)
        skipped.extend(extractor.skipped)
        for name, subject in extractor.subjects_seen.items():
            subjects.setdefault(name, subject)
    return Notes(_unique_slugs(list(subjects.values())), tuple(facts), _sorted(skipped), catalog)


RESERVED_SLUGS = frozenset({"all", "weak-spots"})
"""Sheet names the booklet (``sheets/all.pdf``) and ``cheatdeck weak`` use: a topic named
"All" or "Weak spots" gets ``all-2.pdf``, never the booklet's file."""


def _unique_slugs(subjects: list[Subject]) -> tuple[Subject, ...]:
    seen: dict[str, int] = dict.fromkeys(RESERVED_SLUGS, 1)
    unique: list[Subject] = []
    for subject in subjects:
        count = seen.get(subject.slug, 0)
        seen[subject.slug] = count + 1
        unique.append(replace(subject, slug=f"{subject.slug}-{count + 1}") if count else subject)
    return tuple(unique)


def _sorted(skipped: list[Skipped]) -> tuple[Skipped, ...]:
    return tuple(sorted(skipped, key=lambda s: (s.file, s.line)))
