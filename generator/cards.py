"""Stage 3a — cards: facts → Anki notes that follow good flashcard practice.

Input: :class:`~generator.extract.Notes` with ids, the lock (for change times and the notes
each fact had before) and deck options. Output: :class:`DeckPlan` — plain notes with
sanitized HTML fields, GUIDs, tags and modification times; :mod:`generator.writers` turns it
into an ``.apkg`` with genanki.

Card kinds (each fact lands on at least one card):

* ``term`` — ``X: Y``, ``**X**: Y``, `` `X` → Y``, and a title with one short fact under
  it: front X (with its context), back Y;
* ``which`` — a fact only one service fits, every name of that service masked: "Which AWS
  service …?" (distinctive = it has words no other service's facts use);
* ``cloze`` — bold and code spans, ``==marked==`` spans and ``{{c1::…}}`` written in the note;
* ``list`` — 2–5 short facts under one title: name them all;
* ``item`` — every fact no card above covers: its title asks ("item 3 of 7", with item 2
  shown as a cue), the fact answers. Keyed by the fact alone, so moves update it in place.

Every front names its context (subject › path); every back ends with ``file:line``.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import lru_cache

import nh3

from .catalog import Catalog, load_catalog
from .extract import Fact, Notes
from .identity import Entry, NoteRecord
from .inline import fenced_code, inline_tokens, render_inline_html, shorten

DEFAULT_DECK = "AWS ML"
LIST_MAX_ITEMS = 5
LIST_MAX_CHARS = 240
"""A list card's answer stays under this many characters, or its items get a card each."""
CLOZE_MAX_SPANS = 4
CLOZE_SPAN_MAX_SHARE = 0.7
"""A span that is most of the fact leaves nothing to recall it from: not clozed."""
WHICH_MIN_CHARS = 15
CONTEXT_PART_MAX = 40
"""Path titles longer than this are cut on cards (the full path is on the sheet)."""
LEAD_IN_MIN_WORDS = 6
LEAD_IN_MIN_CHARS = 24
WHICH_MIN_DISTINCT_WORDS = 2
REMOVED_TAG = "cheatdeck::removed"
MOVED_TAG = "cheatdeck::moved"

ALLOWED_TAGS = {
    "a",
    "b",
    "br",
    "code",
    "del",
    "div",
    "em",
    "i",
    "img",
    "li",
    "mark",
    "ol",
    "p",
    "pre",
    "s",
    "span",
    "strong",
    "sub",
    "sup",
    "u",
    "ul",
    "hr",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt"},
    "span": {"class", "lang"},
    "div": {"class", "lang"},
}

LABELS = {
    "term": {"ko": "뜻은?", "ja": "意味は？", "en": "Meaning?"},
    "which": {
        "ko": "어떤 AWS 서비스일까요?",
        "ja": "どの AWS サービス？",
        "en": "Which AWS service?",
    },
    "cloze": {"ko": "빈칸을 채우세요", "ja": "空欄を埋めよう", "en": "Fill in the blank"},
    "list": {"ko": "{n}가지를 모두 말해 보세요", "ja": "{n}つすべて挙げよう", "en": "Name all {n}"},
    "item": {"ko": "{k}/{n}번째 항목은?", "ja": "{k}/{n}番目の項目は？", "en": "Item {k} of {n}?"},
    "complete": {
        "ko": "문장을 완성하세요",
        "ja": "文を完成させよう",
        "en": "Complete the statement",
    },
    "removed": {"ko": "노트에서 삭제됨", "ja": "ノートから削除", "en": "Removed from the notes"},
}
_MARKED = re.compile(r"==(?=\S)(.+?)(?<=\S)==")
_ANKI_CLOZE = re.compile(r"\{\{c\d+::")
_WORD = re.compile(r"[\w\-]{2,}")
_PARTICLES = re.compile(
    r"(?:으로|에서|에게|까지|부터|처럼|보다|이다|입니다|을|를|이|가|은|는|의|에|로|와|과|도|만)$"
)
_SPAN = re.compile(r"<(strong|code)>(.*?)</\1>", re.DOTALL)


@dataclass(frozen=True, slots=True)
class DeckOptions:
    """Choices a user makes about the deck."""

    name: str = DEFAULT_DECK
    """Parent deck; subjects become ``<name>::<subject>``."""


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
    key_fact: str
    """The fact whose lock entry remembers this note."""
    digest: str = ""
    """Hash of the fields and tags (set with the modification time)."""

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
    """Notes that existed before and have no fact any more (tagged, emitted once)."""
    added: tuple[str, ...] = ()
    """GUIDs of notes the last build did not have."""
    updated: tuple[str, ...] = ()
    """GUIDs of notes that read differently than in the last build."""


def note_guid(deck: str, *parts: str) -> str:
    """A GUID namespaced by the deck name, stable for the same parts."""
    digest = hashlib.sha256("\x1f".join((deck, *parts)).encode()).hexdigest()
    return f"cd{digest[:18]}"


def deck_id(name: str) -> int:
    """Anki deck/model ids derived from names (never random at build time)."""
    return (1 << 30) + int(hashlib.sha256(name.encode()).hexdigest()[:7], 16)


def media_name(path: str, content: bytes) -> str:
    """Content-addressed media file name: edits to an image give a new name."""
    suffix = path.rsplit(".", 1)[-1].lower() if "." in path else "bin"
    return f"cheatdeck-{hashlib.sha256(content).hexdigest()[:16]}.{suffix}"


def sanitize(fragment: str) -> str:
    """Only harmless HTML survives: no scripts, handlers, styles or javascript: links."""
    return str(
        nh3.clean(
            fragment,
            tags=ALLOWED_TAGS,
            attributes=ALLOWED_ATTRIBUTES,
            url_schemes={"http", "https"},
            link_rel="noopener noreferrer",
        )
    )


class _Renderer:
    """Markdown → card HTML, with images pointed at media files or turned into links."""

    def __init__(self, media: dict[str, str]) -> None:
        self.media = media
        self.used: set[str] = set()
        self.rendered: dict[str, str] = {}

    def html(self, markdown: str) -> str:
        """Card HTML for a fact's Markdown (each fact is on several cards: made once)."""
        if markdown not in self.rendered:
            paragraphs = [p for p in markdown.split("\n\n") if p.strip()]
            joined = "<br><br>".join(self._paragraph(p) for p in paragraphs)
            self.rendered[markdown] = sanitize(joined)
        return self.rendered[markdown]

    def _paragraph(self, markdown: str) -> str:
        code = fenced_code(markdown)
        if code is not None:
            return f"<pre><code>{html.escape(code)}</code></pre>"
        markdown = _MARKED.sub(r"<mark>\1</mark>", markdown)
        for token in inline_tokens(markdown):
            if token.type == "image":
                self._image(str(token.attrs.get("src", "")))
        rendered = render_inline_html(markdown).replace("\n", "<br>")
        return self._rewrite_images(rendered)

    def _image(self, source: str) -> None:
        if source in self.media:
            self.used.add(source)

    def _rewrite_images(self, rendered: str) -> str:
        def swap(match: re.Match[str]) -> str:
            source, alt = html.unescape(match.group("src")), html.unescape(match.group("alt"))
            if source in self.media:
                return f'<img src="{html.escape(self.media[source])}" alt="{html.escape(alt)}">'
            label = html.escape(alt or "image")
            if source.startswith(("http://", "https://")):
                return f'<a href="{html.escape(source)}">🖼 {label}</a>'
            return f"🖼 {label}"

        return re.sub(r'<img src="(?P<src>[^"]*)" alt="(?P<alt>[^"]*)"\s*/?>', swap, rendered)


def _label(kind: str, lang: str, **numbers: int) -> str:
    return LABELS[kind].get(lang, LABELS[kind]["en"]).format(**numbers)


def _context(fact: Fact) -> str:
    return " › ".join(
        html.escape(shorten(part, CONTEXT_PART_MAX)) for part in (fact.subject, *fact.path)
    )


def _title(fact: Fact) -> str:
    """The title a fact sits under (its last path part, or its subject), as card HTML."""
    return html.escape(shorten(fact.path[-1] if fact.path else fact.subject, CONTEXT_PART_MAX))


def lead_in(text: str, fifths: int = 2) -> str | None:
    """The opening of a statement, as the cue for recalling the rest; None if too short.

    Spaced text (Korean, English) keeps its first ``fifths``/5 of words; unspaced Japanese
    is cut at the first 、 past a third of the text, or at ``fifths``/5 of it.
    """
    words = text.split()
    if len(words) >= LEAD_IN_MIN_WORDS:
        return " ".join(words[: max(2, len(words) * fifths // 5)])
    if len(words) <= 2 and len(text) >= LEAD_IN_MIN_CHARS:
        comma = text.find("、", len(text) // 3) if fifths == 2 else -1
        cut = comma + 1 if 0 < comma < len(text) * 2 // 3 else len(text) * fifths // 5
        return text[:cut]
    return None


def _source(facts: Iterable[Fact]) -> str:
    return ", ".join(dict.fromkeys(html.escape(f"{f.file}:{f.line}") for f in facts))


def _shared_fields(
    kind: str, facts: list[Fact], label: str, extra: str
) -> tuple[tuple[str, str], ...]:
    """The fields both note types have, after their question fields."""
    first = facts[0]
    return (
        ("Context", _context(first)),
        ("Label", html.escape(label)),
        ("Source", _source(facts)),
        ("Kind", kind),
        ("Lang", first.lang),
        ("Extra", extra),
    )


def _tag(text: str) -> str:
    return "_".join(text.split()).replace('"', "")


def _tags(facts: list[Fact], kind: str) -> tuple[str, ...]:
    first = facts[0]
    tags = {
        f"cheatdeck::subject::{_tag(first.subject)}",
        f"cheatdeck::kind::{kind}",
        f"cheatdeck::lang::{first.lang}",
        *(f"cheatdeck::file::{_tag(f.file)}" for f in facts),
    }
    return tuple(sorted(tags))


class _Planner:
    """Builds the notes for one build: all kinds, then de-duplicated fronts."""

    def __init__(
        self,
        notes: Notes,
        lock: dict[str, Entry],
        moved: frozenset[str],
        options: DeckOptions,
        media: dict[str, str],
        catalog: Catalog,
    ) -> None:
        self.notes = notes
        self.lock = lock
        self.moved = moved
        self.options = options
        self.renderer = _Renderer(media)
        self.catalog = catalog
        self.subjects = {s.name: s for s in notes.subjects}
        self.words_by_service = _service_words(notes)
        self.lead_ins: set[tuple[str, str | None]] = set()

    def deck(self, fact: Fact) -> str:
        return f"{self.options.name}::{fact.subject}"

    def basic(
        self,
        kind: str,
        facts: list[Fact],
        front: str,
        back: str,
        *,
        key: str,
        label: str,
        extra: str = "",
        namespace: str = "",
    ) -> CardNote:
        fields = (("Front", front), ("Back", back), *_shared_fields(kind, facts, label, extra))
        return self._note("basic", kind, facts, fields, key, namespace)

    def cloze(
        self, kind: str, facts: list[Fact], text: str, *, key: str, label: str, extra: str = ""
    ) -> CardNote:
        fields = (("Text", text), *_shared_fields(kind, facts, label, extra))
        return self._note("cloze", kind, facts, fields, key)

    def _note(
        self,
        model: str,
        kind: str,
        facts: list[Fact],
        fields: tuple[tuple[str, str], ...],
        key: str,
        namespace: str = "",
    ) -> CardNote:
        """``namespace`` (default: the kind) and ``key`` make the GUID."""
        first = facts[0]
        tags = _tags(facts, kind)
        if any(f.id in self.moved for f in facts):
            tags = (*tags, MOVED_TAG)
        return CardNote(
            guid=note_guid(self.options.name, namespace or kind, key),
            model=model,
            kind=kind,
            deck=self.deck(first),
            fields=fields,
            tags=tags,
            modified=0,
            key_fact=first.id,
        )

    # --- the kinds ---------------------------------------------------------------------

    def term(self, fact: Fact) -> CardNote | None:
        if fact.kind != "term" or not fact.definition:
            return None
        front = self.renderer.html(fact.term)
        back = self.renderer.html(fact.definition)
        label = _label("term", fact.lang)
        return self.basic("term", [fact], f"<b>{front}</b>", back, key=fact.id, label=label)

    def which(self, fact: Fact) -> CardNote | None:
        if fact.subject_kind != "service" or fact.kind in ("image", "code"):
            return None
        service = self.catalog.services.get(fact.subject)
        if service is None or not self._keeps_which(fact):
            return None
        names = [*self.catalog.names_of(service), fact.subject]
        masked = mask_names(fact.text, names)
        context = " › ".join(mask_names(part, names) for part in fact.path)
        if len(masked.replace("＿＿＿", "").strip()) < WHICH_MIN_CHARS or any(
            name.casefold() in f"{masked} {context}".casefold() for name in names
        ):  # too little left, or a name inside a longer word ("GetPersonalizedRanking")
            return None
        front = html.escape(masked).replace("＿＿＿", '<span class="mask">＿＿＿</span>')
        category = self.subjects[fact.subject].category
        back = f"<b>{html.escape(fact.subject)}</b>"
        extra = html.escape(category) + "<br>" + self.renderer.html(fact.markdown)
        card = self.basic(
            "which", [fact], front, back, key=fact.id, label=_label("which", fact.lang), extra=extra
        )
        # The subject would give the answer away: only the (masked) section path is shown.
        fields = tuple(
            (name, html.escape(context) if name == "Context" else value)
            for name, value in card.fields
        )
        return replace(card, fields=fields)

    def _keeps_which(self, fact: Fact) -> bool:
        """Distinctiveness is decided once per fact: it depends on every other fact, and an
        unrelated edit must not make which-service cards appear or vanish."""
        entry = self.lock.get(fact.id)
        if entry is not None and entry.notes:
            guid = note_guid(self.options.name, "which", fact.id)
            return any(note.guid == guid for note in entry.notes)
        return self._distinctive(fact)

    def _distinctive(self, fact: Fact) -> bool:
        own = _words(fact.text)
        unique = [w for w in own if self.words_by_service.get(w) == {fact.subject}]
        return len(unique) >= WHICH_MIN_DISTINCT_WORDS

    def cloze_card(self, fact: Fact) -> CardNote | None:
        if fact.kind in ("image", "code"):
            return None
        body = fact.definition if fact.kind == "term" else fact.markdown
        rendered = self.renderer.html(body)
        text = rendered if _ANKI_CLOZE.search(rendered) else _cloze_spans(rendered, len(fact.text))
        if text is None:
            return None
        if fact.kind == "term":
            text = f"<b>{self.renderer.html(fact.term)}</b>: {text}"
        return self.cloze("cloze", [fact], text, key=fact.id, label=_label("cloze", fact.lang))

    def list_card(self, facts: list[Fact]) -> CardNote:
        first = facts[0]
        items = "".join(f"<li>{self.renderer.html(f.markdown)}</li>" for f in facts)
        title = _title(first)
        label = _label("list", first.lang, n=len(facts))
        return self.basic(
            "list", facts, f"<b>{title}</b>", f"<ul>{items}</ul>", key=first.id, label=label
        )

    def _unique_lead_in(self, fact: Fact) -> str | None:
        """A lead-in no other card of the subject starts with (longer if it must be)."""
        for fifths in (2, 3, 4):
            opening = lead_in(fact.text, fifths)
            key = (fact.subject, opening)
            if opening is None or key not in self.lead_ins:
                self.lead_ins.add(key)
                return opening
        return None

    def fact_card(self, facts: list[Fact], index: int) -> CardNote:
        """The fact's own card: a statement's opening asks for the rest; a short item is
        asked for by its title and position, with the item before it as a cue.

        Keyed by the fact alone, so moving the fact to another list updates this note.
        """
        fact = facts[index]
        title = _title(fact)
        front, kind = f"<b>{title}</b>", "item"
        opening = self._unique_lead_in(fact)
        if opening is not None:
            front = f"{html.escape(opening)} …"
            label = _label("complete", fact.lang)
        elif len(facts) == 1:  # a title with one short fact: the title is a term
            label, kind = _label("term", fact.lang), "term"
        else:
            label = _label("item", fact.lang, k=index + 1, n=len(facts))
            if index:
                previous = self.renderer.html(facts[index - 1].markdown)
                front += f'<div class="cd-previous">{index}. {previous}</div>'
        back = self.renderer.html(fact.markdown)
        return self.basic(kind, [fact], front, back, key=fact.id, label=label, namespace="item")


def mask_names(text: str, names: Iterable[str]) -> str:
    """Replace every spelling of a service (case-insensitive, whole words) with ＿＿＿."""
    masked = _mask_pattern(frozenset(n for n in names if n)).sub("＿＿＿", text)
    return _PREFIXED_MASK.sub("＿＿＿", masked)


_PREFIXED_MASK = re.compile(r"(?:(?:amazon|aws)\s*)+＿＿＿", re.IGNORECASE)


@lru_cache(maxsize=256)
def _mask_pattern(names: frozenset[str]) -> re.Pattern[str]:
    ordered = sorted(names, key=len, reverse=True)
    pattern = "|".join(r"\s+".join(re.escape(w) for w in name.split()) for name in ordered)
    return re.compile(rf"(?<![A-Za-z0-9])(?:{pattern})(?![A-Za-z0-9])", re.IGNORECASE)


def _words(text: str) -> set[str]:
    return {_PARTICLES.sub("", w.casefold()) for w in _WORD.findall(text)} - {""}


def _service_words(notes: Notes) -> dict[str, set[str]]:
    """Which service subjects use each word (to tell distinctive facts)."""
    found: dict[str, set[str]] = defaultdict(set)
    for fact in notes.facts:
        for word in _words(fact.text):
            found[word].add(fact.subject if fact.subject_kind == "service" else "")
    return found


def _cloze_spans(rendered: str, plain_length: int) -> str | None:
    """Bold and code spans (and <mark>) become c1, c2, …; None if none is worth it."""
    counter = 0

    def wrap(match: re.Match[str]) -> str:
        nonlocal counter
        inner = match.group(2)
        text_length = len(html.unescape(re.sub(r"<[^>]+>", "", inner)))
        if (
            counter >= CLOZE_MAX_SPANS
            or text_length < 2
            or (text_length > CLOZE_SPAN_MAX_SHARE * max(plain_length, 1))
        ):
            return match.group(0)
        counter += 1
        tag = match.group(1)
        return f"<{tag}>{{{{c{counter}::{inner}}}}}</{tag}>"

    text = re.sub(r"<(strong|code|mark)>(.*?)</\1>", wrap, rendered, flags=re.DOTALL)
    return text if counter else None


def _groups(facts: Iterable[Fact]) -> list[list[Fact]]:
    """Facts sharing subject and path, in note order (across files)."""
    grouped: dict[tuple[str, tuple[str, ...]], list[Fact]] = defaultdict(list)
    for fact in facts:
        grouped[(fact.subject, fact.path)].append(fact)
    return list(grouped.values())


def _is_short_list(group: list[Fact]) -> bool:
    return 2 <= len(group) <= LIST_MAX_ITEMS and sum(len(f.text) for f in group) <= LIST_MAX_CHARS


def plan_deck(
    notes: Notes,
    lock: dict[str, Entry],
    moved: frozenset[str],
    options: DeckOptions,
    media: dict[str, str],
    now: int,
) -> DeckPlan:
    """Every note of the deck, plus the ones whose facts are gone (to flag once).

    ``lock`` is this build's lock (with the notes of the last build); ``now`` the time
    given to notes that are new or changed;
    ``moved`` the ids of facts that changed subject; ``media`` maps image paths to
    content-addressed media names.
    """
    planner = _Planner(notes, lock, moved, options, media, load_catalog())
    cards: list[CardNote] = []
    covered: set[str] = set()
    for fact in notes.facts:
        for make in (planner.term, planner.which, planner.cloze_card):
            card = make(fact)
            if card is not None:
                cards.append(card)
                covered.add(fact.id)
    for group in _groups(notes.facts):
        if _is_short_list(group):
            cards.append(planner.list_card(group))
        cards.extend(
            planner.fact_card(group, index)
            for index, fact in enumerate(group)
            if fact.id not in covered
        )
    previous = {note.guid: note for entry in lock.values() for note in entry.notes}
    unique = [_stamp(card, previous.get(card.guid), now) for card in _merge_same_fronts(cards)]
    removed = tuple(
        _stamp(card, previous.get(card.guid), now) for card in _removed_notes(unique, lock, options)
    )
    return DeckPlan(
        options.name,
        tuple(unique),
        tuple(sorted(planner.renderer.used)),
        removed,
        added=tuple(card.guid for card in unique if card.guid not in previous),
        updated=tuple(
            card.guid
            for card in unique
            if card.guid in previous and previous[card.guid].digest != card.digest
        ),
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


def front_key(card: CardNote) -> str:
    """What the learner sees before answering (context, label and question)."""
    question = card.field("Front") if card.model == "basic" else card.field("Text")
    return "\x1f".join((card.deck, card.field("Context"), card.field("Label"), question))


def _merge_same_fronts(cards: list[CardNote]) -> list[CardNote]:
    """Two cards asking the same question get one note whose answer lists both."""
    merged: dict[str, CardNote] = {}
    for card in cards:
        key = front_key(card) if card.model == "basic" else card.guid
        if key not in merged:
            merged[key] = card
            continue
        kept = merged[key]
        back = f"<ul><li>{kept.field('Back')}</li><li>{card.field('Back')}</li></ul>"
        sources = f"{kept.field('Source')}, {card.field('Source')}"
        fields = tuple(
            (name, back if name == "Back" else sources if name == "Source" else value)
            for name, value in kept.fields
        )
        merged[key] = replace(
            kept,
            fields=fields,
            tags=tuple(sorted(set(kept.tags) | set(card.tags))),
        )
    return list(merged.values())


def _removed_notes(
    cards: list[CardNote], lock: dict[str, Entry], options: DeckOptions
) -> tuple[CardNote, ...]:
    """Notes the last build had and this one does not: emitted once, tagged for deletion."""
    current = {card.guid for card in cards}
    removed = []
    for fact_id, entry in sorted(lock.items()):
        for note in entry.notes:
            if note.guid not in current:
                removed.append(_removed_note(note.guid, note.model, fact_id, entry, options))
    return tuple(removed)


def _removed_note(
    guid: str, model: str, fact_id: str, entry: Entry, options: DeckOptions
) -> CardNote:
    label = html.escape(LABELS["removed"]["en"])
    text = html.escape(entry.text)
    context = " › ".join(html.escape(p) for p in (entry.subject, *entry.path))
    source = html.escape(f"{entry.file}:{entry.line}")
    common = (
        ("Context", context),
        ("Label", label),
        ("Source", source),
        ("Kind", "removed"),
        ("Lang", "en"),
        ("Extra", ""),
    )
    if model == "cloze":
        fields: tuple[tuple[str, str], ...] = (("Text", f"{{{{c1::{text}}}}}"), *common)
    else:
        fields = (("Front", text), ("Back", label), *common)
    return CardNote(
        guid=guid,
        model=model,
        kind="removed",
        deck=f"{options.name}::{entry.subject}",
        fields=fields,
        tags=(REMOVED_TAG,),
        modified=0,
        key_fact=fact_id,
    )
