"""The card kinds: one small rule each, deciding whether a fact makes a good card.

A card is made only where the fact's structure supports a question with one answer
(SuperMemo's "20 rules of formulating knowledge": minimum information, no sets, no
orphan context). Each rule answers "is there a good card here?" and returns a
:class:`Question` or None; :data:`RECALL_RULES` is the order in which a fact's one recall
card is looked for (the first rule that answers wins), the which-service card is a
separate skill and is added beside it, and list cards are made from whole Markdown lists.
:mod:`generator.deck.cards` runs the rules and settles conflicts (two cards asking the same).
A fact no rule takes stays on its sheet; :func:`why_no_card` says why.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from ..facts.catalog import Catalog, without_vendor
from ..facts.extract import Fact
from ..lang import alternation, labels, patterns
from ..lang import label as card_label
from ..lang import words as words_of
from ..notes.inline import html_text, plain_text
from ..service import Service

LABELS = labels("card_labels")
"""Each card kind's prompt, per language (generator/data/lang/*.toml)."""
_CATEGORIES = labels("categories")
"""A service category in the note's language (English, as the catalog has it, if none)."""
WHICH_DECK = "Which service?"
"""The shared subdeck of which-service cards: a deck named for the answer would give it away."""

TERM_MAX_CHARS = 40
"""A term longer than this is a sentence, not a term to ask about."""
CONTEXT_PART_MAX = 40
"""Heading-path parts longer than this (or that end a sentence) are left off fronts."""
CLOZE_MAX_SPANS = 3
CLOZE_SPAN_MAX_CHARS = 40
CLOZE_MIN_REST = 12
"""A cloze needs this many characters of sentence around its blanks to be answerable."""
FACT_MAX_CHARS = 250
"""Longer facts are several ideas: no inferred card (SuperMemo rule 4, minimum information)."""
LIST_MIN_ITEMS, LIST_MAX_ITEMS = 3, 7
LIST_ITEM_MAX_CHARS = 40
LIST_MAX_CHARS = 200
WHICH_MIN_CHARS = 12
"""Minimum width of what the mask leaves (CJK characters count two): "翻訳サービス" is enough."""
WHICH_MAX_CHARS = 220
WHICH_MIN_DISTINCT_WORDS = 2
MASK = "＿＿＿"

BACK_REFERENCE = re.compile("^" + alternation("back_references"), re.IGNORECASE)
"""Openings that lean on a sentence the card would not show (rule: no orphan context)."""
_NEGATION = re.compile(alternation("negations"), re.IGNORECASE)
"""What a service is not ("…に特化したサービスではない"): never a clue to it."""
_POINTS_BACK = re.compile(alternation("points_back"), re.IGNORECASE)
"""A pronoun inside a clue ("… 데이터를 이를 사용해 구조화한다"): it needs a sentence the card
does not show."""
_LEADING_MARKS = re.compile(r"^(?:[\u2600-\u27bf\ufe0f\U0001f300-\U0001faff]\s*)+")
"""Symbols a line opens with (⚠️, ★, 🔥): a mark on the fact, never part of its words."""
_CONTINUES = re.compile(r"^\s*(?:→|-+>|=>)")
"""An arrow that carries on from the line above: no clue to a service on its own."""
_BOILERPLATE = re.compile(alternation("boilerplate"), re.IGNORECASE)
"""What many services share (pricing, logging, security plumbing): never a which-card clue
(the answer's own name aside: "IAM" in "IAM Identity Center")."""
_THIS_SERVICE = re.compile("^" + alternation("this_service"), re.IGNORECASE)
"""An opening that names the service the fact sits under: masked like its name."""
_SENTENCE_END = re.compile(alternation("sentence_ends", "[.。!?！？]") + "$")
_STEP_WORDS = re.compile(alternation("step_words"), re.IGNORECASE)
_SEQUENCE_WORDS = re.compile(alternation("sequence_words"), re.IGNORECASE)
"""Step words a sentence must use to announce a sequence ("포함되는 단계는 다음과 같습니다");
"ML 수명 주기 전체에서 … 다음과 같은 접점이 필요합니다" announces a set."""
_INTRODUCES = re.compile(alternation("introduces", "[:：]") + "[.。]?$", re.IGNORECASE)
"""A first list item that announces the others: the question, not a member."""
_ANNOUNCES = re.compile(alternation("announces"), re.IGNORECASE)
"""A sentence that announces what follows ("… 다음과 같은 접점이 필요합니다."): alone on a
card it answers nothing."""
_QUESTION_END = re.compile(r"[?？]\s*$")
"""A note's own musing ("… LLM 일까?"): a question is never an answer."""
_EXAMPLE_VALUE = re.compile(r"[=<>+*/^]|^[\d\s.,%:-]+$")
_YES_NO = words_of("yes_no")
_WORD = re.compile(r"[\u30a0-\u30ff\u4e00-\u9fff]{2,}|[^\W\u3040-\u30ff\u4e00-\u9fff][\w\-]+")
"""Words: spaced words, and in unspaced Japanese the katakana and kanji runs between kana."""
_CJK = re.compile(
    r"[\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u4e00-\u9fff\uac00-\ud7a3\uff00-\uffef]"
)
_PARTICLES = re.compile(alternation("particles") + "$")
_SPAN = re.compile(r"<(strong|code|mark)>(.*?)</\1>", re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
_ANKI_CLOZE = re.compile(r"\{\{c\d+::")
_MAY_BLANK = re.compile(r"\{\{c\d|==|<mark", re.IGNORECASE)
"""What a fact's Markdown must hold for the user to have written a blank."""
_MAY_STAND_OUT = re.compile(r"\*\*|__|`|==|<(?:b|strong|code|mark)\b", re.IGNORECASE)
"""What a fact's Markdown must hold for a word of it to be bold, code or marked."""
_DEFINES = tuple(re.compile(pattern) for pattern in patterns("definitions"))
"""Defining sentences: "RAG란 …", "推論パイプラインとは…", "Precision is the …"."""
_LOOSE_DEFINES = tuple(re.compile(pattern) for pattern in patterns("loose_definitions"))
"""Statements that define only when no other opens with their subject."""
_NOT_A_NOUN = re.compile(alternation("not_a_topic") + "$")
"""Korean "는" after these is a verb ending or a particle ("있는", "에는"), not a topic."""
_STATEMENT_KINDS = ("item", "statement", "lead", "quote")
"""Fact kinds that say something in a sentence (not a term, code, image, table row or Q&A)."""
_GENERIC_TERMS = words_of("generic_terms")
"""Sentence subjects too generic to ask about ("사용자는 …" is not a definition)."""
_GENERIC_HEADINGS = words_of("generic_headings")
"""Attribute headings ("위험", "Purpose") that repeat under many subjects: a front that
only its breadcrumb tells apart from others with other answers."""
_GENERIC_SPELLINGS = frozenset(heading.replace(" ", "") for heading in _GENERIC_HEADINGS)
_COURSE_REMARK = re.compile(alternation("course_remarks"), re.IGNORECASE)
_URL = re.compile(r"https?://|www\.", re.IGNORECASE)
_CLOSED_SET = re.compile(alternation("closed_sets"), re.IGNORECASE)
_OPEN_SET = re.compile(alternation("open_sets"), re.IGNORECASE)
_EXAMPLES = re.compile(alternation("example_headings"), re.IGNORECASE)
_USE_CASES = re.compile(alternation("use_case_headings"), re.IGNORECASE)
_BENEFITS = re.compile(alternation("benefit_headings"), re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Question:
    """A card a rule found worth making, before it becomes an Anki note."""

    kind: str
    """``qa``, ``term``, ``reverse``, ``cloze``, ``which``, ``list`` or ``ordered``."""
    facts: tuple[Fact, ...]
    front: str
    """HTML: the question (basic cards) or the text with ``{{c1::…}}`` (cloze cards)."""
    back: str
    """HTML answer; empty for cloze cards."""
    label: str
    context: str
    """HTML: the short heading path the question is asked in."""
    extra: str = ""
    deck: str = ""
    """Subdeck; empty for the subject's own."""
    explicit: bool = False
    """Written with card syntax by the user: never dropped by the planner."""
    rule: str = ""
    """The name of the rule that asked it (see :data:`CARD_RULES`), for ``explain``."""
    answer: str = ""
    """A which card's answer: the canonical name of the service it points at."""

    @property
    def model(self) -> str:
        return "cloze" if self.kind == "cloze" else "basic"


@dataclass(frozen=True, slots=True)
class Corpus:
    """What the rules may consult beyond the fact itself."""

    catalog: Catalog
    render: Callable[[str], str]
    """Markdown → sanitized card HTML."""
    words_by_service: dict[str, set[str]]
    """Which services' facts use each word (to tell a distinctive capability)."""
    file_langs: dict[str, str]
    """Each note file's language: labels follow the note, not the words of one fact."""
    had_which: Callable[[Fact], bool]
    """Whether the last build gave the fact a which card: corpus-wide distinctiveness may
    change with any edit, but a card once made is never taken away."""
    defined_titles: frozenset[tuple[str, str, tuple[str, ...]]] = frozenset()
    """(file, subject, path) of list items that define themselves and hold a list
    ("인공지능 : 인간의 지능 모방" over its examples): the list elaborates a term."""
    topics: Counter[str] = field(default_factory=Counter)
    """How many statements open with each topic ("생성형 AI 모델은 …" five times): a term
    several sentences open with is what they talk about, not what one of them defines."""
    every_note: bool = True
    """Whether the facts are all the notes' (see :attr:`generator.facts.extract.Notes.every_note`):
    a build of some notes cannot tell a distinctive capability, and makes no new which
    card (it keeps those it had)."""


def label(kind: str, lang: str, **numbers: int) -> str:
    return card_label("card_labels", kind, lang).format(**numbers)


def is_sentence(text: str) -> bool:
    """Too long for a heading, or it ends a sentence: never shown as context."""
    return len(text) > CONTEXT_PART_MAX or bool(_SENTENCE_END.search(text.rstrip()))


def context_html(parts: tuple[str, ...]) -> str:
    """The heading path as a front shows it: short headings only, never a sentence."""
    return " › ".join(html.escape(part) for part in parts if part and not is_sentence(part))


def fact_context(fact: Fact) -> str:
    return context_html((fact.subject, *fact.path))


def _lang(fact: Fact, corpus: Corpus) -> str:
    return corpus.file_langs.get(fact.file, fact.lang)


def leans_on_context(text: str) -> bool:
    """An opening that points back ("이는 …") or an arrow carrying on from the line above."""
    return bool(BACK_REFERENCE.match(text.strip()) or _CONTINUES.match(text))


def _ask(kind: str, fact: Fact, corpus: Corpus, front: str, back: str, **more: object) -> Question:
    return Question(
        kind,
        (fact,),
        front,
        back,
        label(kind, _lang(fact, corpus)),
        fact_context(fact),
        explicit=bool(fact.explicit),
        **more,  # type: ignore[arg-type]
    )


# --- recall rules: the first that answers gives the fact its card ----------------------------


def question_answer(fact: Fact, corpus: Corpus) -> Question | None:
    """``Q: …`` / ``A: …`` written by the user: exactly that card."""
    if fact.kind != "qa":
        return None
    return _ask("qa", fact, corpus, corpus.render(fact.term), corpus.render(fact.definition))


def written_cloze(fact: Fact, corpus: Corpus) -> Question | None:
    """``{{c1::…}}`` or ``==highlight==`` written by the user: every span is a blank."""
    if fact.kind in ("image", "code", "qa") or not _MAY_BLANK.search(fact.markdown):
        return None  # most facts: no need to render them to know
    rendered = corpus.render(fact.markdown)
    if _ANKI_CLOZE.search(rendered):
        text = rendered
    elif "<mark>" in rendered:
        text = _blanks(rendered, lambda tag, _inner: tag == "mark", limit=None)
    else:
        return None
    return Question(
        "cloze",
        (fact,),
        text,
        "",
        label("cloze", _lang(fact, corpus)),
        fact_context(fact),
        explicit=True,
    )


def term(fact: Fact, corpus: Corpus) -> Question | None:
    """``X: Y``, ``**X**: Y``, `` `X` → Y``, ``X :: Y``: X asks, Y answers (one idea each)."""
    if fact.kind != "term" or not fact.definition:
        return None
    words = plain_text(fact.term)
    if not fact.explicit and (
        len(words) > TERM_MAX_CHARS
        or leans_on_context(words)
        or _names_subject(fact, corpus)
        or generic_heading(words)
        or restates(words, plain_text(fact.definition))
        or only_an_example(fact.path, words, plain_text(fact.definition))
        or open_enumeration(plain_text(fact.definition))
    ):
        return None
    back = corpus.render(fact.definition)
    if not html_text(back).strip():
        return None  # "Tip: #exam-tip": the tag is the card's, the answer would be empty
    return _ask("term", fact, corpus, f"<b>{corpus.render(fact.term)}</b>", back)


def _names_subject(fact: Fact, corpus: Corpus) -> bool:
    """``lex: …`` in the Amazon Lex deck: the deck gives the term away (a which card asks
    the useful question instead)."""
    words = plain_text(fact.term).casefold()
    named = corpus.catalog.lookup(words)
    if named is not None:
        return corpus.catalog.owner(named).name == fact.subject
    return fact.subject_kind == "service" and words in fact.subject.casefold()


def definition(fact: Fact, corpus: Corpus) -> Question | None:
    """A sentence that defines its own subject ("효율성 지표는 …", "XとはY", "X is Y"):
    the subject asks, the sentence answers."""
    found = defined_term(fact)
    if found is None:
        return None
    subject, whole, strict = found
    named = corpus.catalog.lookup(subject)
    if (not strict and corpus.topics[subject] > 1) or (
        named is not None and _names_service(fact.subject, named, corpus.catalog)
    ):  # "Amazon Q Business는 …" ten times over: that is the which card's job
        return None
    markdown = fact.markdown if whole else _first_sentence_of(fact.markdown)
    return _ask("term", fact, corpus, f"<b>{html.escape(subject)}</b>", corpus.render(markdown))


_TOPIC = tuple(re.compile(pattern) for pattern in patterns("topics"))


def topic(fact: Fact) -> str | None:
    """What a statement opens by talking about ("생성형 AI 모델은 …" → 생성형 AI 모델)."""
    if fact.kind not in _STATEMENT_KINDS:
        return None
    found = next((m for p in _TOPIC if (m := p.match(fact.text))), None)
    return found.group("term").strip() if found else None


def defined_term(fact: Fact) -> tuple[str, bool, bool] | None:
    """The term a statement defines; whether all of it is the definition (or, shorter,
    its first sentence: "과대 적합은 … 경우입니다. 과대 적합과 과소 적합은 …"); and whether it
    says so in words that always define ("…을 말합니다", "…입니다"), not only a verb."""
    if fact.kind not in _STATEMENT_KINDS or len(fact.text) > FACT_MAX_CHARS:
        return None
    first = _FIRST_SENTENCE.match(fact.text)
    sentences = (*([(first.group(0), False)] if first else []), (fact.text, True))
    tried = [(p, s, True) for s in sentences for p in _DEFINES]
    tried += [(p, s, False) for s in sentences for p in _LOOSE_DEFINES]
    for pattern, (sentence, whole), strict in tried:
        match = pattern.match(sentence)
        if match is None:
            continue
        subject = _LEADING_MARKS.sub("", match.group("term")).strip()
        if (
            subject.casefold() in _GENERIC_TERMS
            or _NOT_A_NOUN.search(subject)
            or leans_on_context(subject)
        ):
            return None
        return subject, whole, strict
    return None


def _first_sentence_of(markdown: str) -> str:
    first = _FIRST_SENTENCE.match(markdown)
    return first.group(0) if first else markdown


_EQUATES = re.compile(r"[^=＝]{1,40}?\s*[=＝]\s*[^=＝]{1,40}")
"""Two names set equal ("**특성 저장소** ＝ Feature Store"): a blank on one side is read off
the other."""
_FIRST_SENTENCE = re.compile(r".+?[.。](?=\s+\S)")
"""The first of several sentences: "과대 적합은 … 경우입니다. 과대 적합과 과소 적합은 …"
defines by its first."""


def keyword_cloze(fact: Fact, corpus: Corpus) -> Question | None:
    """Bold and code spans that name a keyword become blanks (never an example value, a
    yes/no, a gloss in parentheses, or most of the sentence)."""
    if fact.kind not in _STATEMENT_KINDS or len(fact.text) > FACT_MAX_CHARS:
        return None
    if (
        leans_on_context(fact.text)
        or _POINTS_BACK.search(fact.text)
        or _EQUATES.fullmatch(fact.text.strip())
        or _is_title(fact)
        or not _MAY_STAND_OUT.search(fact.markdown)
    ):
        return None
    rendered = corpus.render(fact.markdown)
    spans = [(tag, inner) for tag, inner in _SPAN.findall(rendered) if _is_keyword(tag, inner)]
    if not spans or _ENUMERATED.search(rendered):
        return None
    rest = len(fact.text) - sum(len(_words_of(inner)) for _, inner in spans)
    if rest < CLOZE_MIN_REST:
        return None
    chosen = {inner for _, inner in spans[:CLOZE_MAX_SPANS]}
    text = _blanks(rendered, lambda _tag, inner: inner in chosen and not _in_gloss(rendered, inner))
    if "{{c" not in text:
        return None
    return Question(
        "cloze", (fact,), text, "", label("cloze", _lang(fact, corpus)), fact_context(fact)
    )


RECALL_RULES: tuple[tuple[str, Callable[[Fact, Corpus], Question | None]], ...] = (
    ("qa", question_answer),
    ("written cloze", written_cloze),
    ("term", term),
    ("definition", definition),
    ("keyword cloze", keyword_cloze),
)


def reverse(fact: Fact, corpus: Corpus) -> Question | None:
    """``X ::: Y``: the user asked for both directions; Y asks for X too."""
    if fact.explicit != "pair":
        return None
    front = corpus.render(fact.definition)
    back = f"<b>{corpus.render(fact.term)}</b>"
    return _ask("reverse", fact, corpus, front, back)


def _is_title(fact: Fact) -> bool:
    """An item that titles the items below it ("Amazon Q Business의 이점", "다음과 같습니다.")
    announces; it states nothing to recall."""
    return fact.kind == "lead" and (
        not _SENTENCE_END.search(fact.text.rstrip()) or bool(_INTRODUCES.search(fact.text))
    )


def _words_of(inner: str) -> str:
    return html.unescape(_TAG.sub("", inner))


def _is_keyword(tag: str, inner: str) -> bool:
    words = _words_of(inner).strip()
    return (
        2 <= len(words) <= CLOZE_SPAN_MAX_CHARS
        and not words.startswith(("(", "（"))
        and not _EXAMPLE_VALUE.search(words)
        and words.casefold() not in _YES_NO
        and (tag != "code" or not words.isupper() or len(words) > 3)
    )


def _in_gloss(rendered: str, inner: str) -> bool:
    """``재조정(<b>re-rank</b>)``: a gloss repeats the word before it; blanking it asks nothing."""
    for match in re.finditer(r"<(strong|code|mark)>" + re.escape(inner), rendered):
        if rendered[: match.start()].rstrip().endswith(("(", "（")):
            return True
    return False


def _blanks(
    rendered: str, chosen: Callable[[str, str], bool], limit: int | None = CLOZE_MAX_SPANS
) -> str:
    """Chosen spans become ``{{c1::…}}``, ``{{c2::…}}`` … (one card each)."""
    counter = 0

    def wrap(match: re.Match[str]) -> str:
        nonlocal counter
        tag, inner = match.group(1), match.group(2)
        if not chosen(tag, inner) or (limit is not None and counter >= limit):
            return match.group(0)
        counter += 1
        return f"<{tag}>{{{{c{counter}::{inner}}}}}</{tag}>"

    return _SPAN.sub(wrap, rendered)


_ENUMERATED = re.compile(
    r"</(?:strong|code|mark)>\s*"
    + alternation("joins", "[,、・/&]")
    + r"?\s*<(?:strong|code|mark)>",
    re.IGNORECASE,
)
"""Two keywords side by side ("`a`, `b`", "**법적인**, **인간의 윤리**"): members of a set.
Blanked one at a time each card shows the other; blanked together the sentence is gone."""


# --- which service ------------------------------------------------------------------------


def answer_service(fact: Fact, catalog: Catalog) -> Service | None:
    """The service — or feature, where the note names one — a fact is a capability of."""
    if fact.about and not _tool_it_opens_with(fact, catalog):
        return catalog.services[fact.about]
    if fact.subject_kind != "service":
        return None
    feature = catalog.lookup(fact.path[0]) if len(fact.path) == 1 else None
    if feature is not None and feature.parent == fact.subject:
        return feature
    return catalog.services.get(fact.subject) if _own_description(fact) else None


def _own_description(fact: Fact) -> bool:
    """Right under the service's title, or under sentences of its description ("머신 러닝을
    사용하여 텍스트에서 인사이트와 관계를 파악한다." over what it extracts): the note
    describing the service itself, not one of its sections."""
    return all(is_sentence(part) for part in fact.path)


_TOOL_PARTICLE = re.compile(r"\s*" + alternation("tool_particles"), re.IGNORECASE)


def _tool_it_opens_with(fact: Fact, catalog: Catalog) -> str:
    """The other service a sentence right under a service's title opens with as a tool
    ("Amazon SageMakerで構築した…モデル用に…人を介したレビュー" under Amazon A2I): the
    sentence describes the title's service, not the one it opens with."""
    if fact.subject_kind != "service" or fact.path:
        return ""
    first = catalog.mentions(fact.text)[:1]
    if not first or first[0][0] > 0 or first[0][2].name == fact.subject:
        return ""
    return first[0][2].name if _TOOL_PARTICLE.match(fact.text, first[0][1]) else ""


def which_service(fact: Fact, corpus: Corpus) -> Question | None:
    """A capability only one service fits, its names masked: "Which AWS service …?".

    Only statements that open with the service's name or sit right under its title (the
    note's own description of it); never boilerplate many services share, never a fact
    that leans on an earlier sentence. Answered at feature level where the note names one.
    """
    if fact.kind not in (*_STATEMENT_KINDS, "term") or (
        fact.kind == "term" and not (fact.about or _names_subject(fact, corpus))
    ):  # "Equipment: 센서 데이터 이상 감지" under Lookout for Equipment: the term is the name
        return None
    catalog = corpus.catalog
    service = answer_service(fact, catalog)
    direct = bool(fact.about) or _own_description(fact)
    source = plain_text(fact.definition) if fact.kind == "term" else fact.text
    source = _THIS_SERVICE.sub(MASK, _LEADING_MARKS.sub("", source))
    if (
        service is None
        or _scenario(fact, catalog) is not None  # the scenario rule asks it
        or fact.compared  # the comparison rule asks it (a remark on both: no one answer)
        or leans_on_context(source)
        or (
            _BOILERPLATE.search(source)  # checked again once its own name is masked
            and _BOILERPLATE.search(mask_names(source, answer_names(service, catalog)))
        )
        or _CONTINUES.match(source)
        or source.rstrip().endswith((",", "、", "，"))  # "의사 소견서, 퇴원서,": cut off
        or _NEGATION.search(source)
        or _POINTS_BACK.search(source)
        or says_nothing_alone(fact)
    ):
        return None
    owner = catalog.owner(service)
    tool = _tool_it_opens_with(fact, catalog)
    if any(
        not _names_service(service.name, named, catalog) and named.name != tool
        for _, _, named in catalog.mentions(source)
    ):
        return None  # another service or feature named: a mask there would mislead
    features = {named.name for _, _, named in catalog.mentions(source)} - {owner.name}
    if len(features) > 1:
        return None  # "＿＿＿ 을 ＿＿＿ 와 통합하여": two blanks, one answer
    names = answer_names(service, catalog)
    masked = mask_names(source, names)
    if (
        _titles_the_service(fact, masked)
        or _TWO_MASKS.search(masked)
        or _says_its_name(masked, service, catalog)
    ):
        return None  # "＿＿＿ 을 ＿＿＿ 와 통합하여": two names side by side, one answer
    left = masked.replace(MASK, "").strip(" :：,、")
    if not WHICH_MIN_CHARS <= _width(left) <= 2 * WHICH_MAX_CHARS or _names_any(masked, names):
        return None
    if not clue_words(left) or not says_what_it_does(left, service):
        return None  # "이해하는 서비스이다": nothing that tells this service from another
    if not service.clues and not _distinctive(
        fact, owner.name, corpus, 1 if direct else WHICH_MIN_DISTINCT_WORDS
    ):  # no word of what it does to check the clue by: words only its notes use, then
        return None
    titles = fact.path[:-1] if service is not owner else fact.path  # "› 파이프라인"
    context = context_html(tuple(p for p in titles if not _names_any(p, names)))
    front = html.escape(masked).replace(MASK, f'<span class="mask">{MASK}</span>')
    back = f"<b>{html.escape(service.name)}</b>"
    if service is not owner:
        back += f" · {html.escape(owner.name)}"
    extra = html.escape(_category(owner, fact, corpus)) + "<br>" + corpus.render(fact.markdown)
    return Question(
        "which",
        (fact,),
        front,
        back,
        label("which", _lang(fact, corpus)),
        context,
        extra=extra,
        deck=WHICH_DECK,
        answer=service.name,
    )


def _category(owner: Service, fact: Fact, corpus: Corpus) -> str:
    return _CATEGORIES.get(owner.category, {}).get(_lang(fact, corpus), owner.category)


def _titles_the_service(fact: Fact, masked: str) -> bool:
    """A title about the service, "＿＿＿ 에 대해 염두에 두어야 할 점", "＿＿＿ 의 이점": it
    names what follows, it describes nothing."""
    if fact.kind != "lead" or not masked.startswith(MASK) or _SENTENCE_END.search(masked):
        return False
    last = masked.split()[-1]
    return last in _TITLE_NOUNS or generic_heading(last)


_TITLE_NOUNS = words_of("title_nouns")


def _says_its_name(clue: str, service: Service, catalog: Catalog) -> bool:
    """A clue holding a word of the answer's own name, outside its masked spellings ("＿＿＿
    은 … 비동기식으로 처리하는 SageMaker의 기능" → SageMaker 비동기 추론): it gives itself away.
    The parent's name ("SageMaker") and words every name shares ("추론") do not."""
    owner = catalog.owner(service)
    shared = {w.casefold() for n in (owner.name, *owner.aliases) for w in n.split()}
    own = {
        w.casefold()
        for name in (service.name, *service.aliases)
        for w in name.split()
        if len(w) >= NAME_WORD_MIN_CHARS
    }
    telling = own - shared - _GENERIC_NAME_WORDS
    folded = clue.casefold()
    return any(word in folded for word in telling)


NAME_WORD_MIN_CHARS = 2
_GENERIC_NAME_WORDS = words_of("generic_clue_words") | words_of("generic_name_words")


@lru_cache(maxsize=1024)
def answer_names(service: Service, catalog: Catalog) -> tuple[str, ...]:
    """Every spelling that gives a which card's answer away: the service's (with its
    features) and its leading short forms ("Amazon Q" of "Amazon Q Business"). For a
    feature, its parent's own name stays: "＿＿＿ 는 … Amazon SageMaker 모델의 품질을
    모니터링합니다" asks which SageMaker feature, and the title above its description
    ("MLOps용 AWS 서비스 › 파이프라인") is its name in the note's words."""
    names = catalog.names_of(service)
    owner = catalog.owner(service)
    if service is owner:
        return (*names, *_short_forms(names))
    parent = {n.casefold() for n in owner.spellings}
    parent |= {without_vendor(n) for n in parent}
    return (*names, *(f for f in _short_forms(names) if f.casefold() not in parent))


def _names_service(name: str, named: Service, catalog: Catalog) -> bool:
    """Whether a name found in text stands for the service ``name`` (or its parent): itself,
    its owner, or a short form of it ("Amazon Q" in an Amazon Q Business note)."""
    service = catalog.services.get(name)
    owner = catalog.owner(service) if service is not None else None
    return any(
        candidate is not None
        and (named is candidate or candidate.name.startswith(named.name + " "))
        for candidate in (service, owner)
    )


def _distinctive(fact: Fact, service: str, corpus: Corpus, needed: int) -> bool:
    """Words no other service's facts use: the capability singles the service out."""
    if corpus.had_which(fact):
        return True
    if not corpus.every_note:  # the other notes' services may use these words too
        return False
    unique = [w for w in clue_words(fact.text) if corpus.words_by_service.get(w) == {service}]
    return len(unique) >= needed


def says_what_it_does(clue: str, service: Service) -> bool:
    """Whether a clue holds a word of what the service does (its catalog ``clues``): "관리
    제어 및 가드레일에 대한 간단한 구성을 제공합니다" fits many services, not Amazon Q Business."""
    folded = clue.casefold()
    return not service.clues or any(word.casefold() in folded for word in service.clues)


_GENERIC_CLUE_WORDS = words_of("generic_clue_words")
_VERB_FORM = re.compile(
    "[\uac00-\ud7a3]*(?:" + "|".join(map(re.escape, sorted(words_of("verb_endings")))) + ")"
)


def clue_words(text: str) -> set[str]:
    """The words of a clue that can tell a service apart: not a verb form, not a word most
    services' descriptions share ("지원", "Java")."""
    return {w for w in words(text) if w not in _GENERIC_CLUE_WORDS and not _VERB_FORM.fullmatch(w)}


def _width(text: str) -> int:
    """Length as read: a Hangul, kana or kanji character says as much as two letters."""
    return len(text) + len(_CJK.findall(text))


def _short_forms(names: list[str]) -> list[str]:
    """ "Amazon Q" of "Amazon Q Business": a leading part of a name gives it away too."""
    forms: list[str] = []
    for name in names:
        parts = name.split()
        if parts[0].casefold() in ("amazon", "aws") and len(parts) > 2:
            forms.extend(" ".join(parts[:count]) for count in range(2, len(parts)))
    return forms


def _names_any(text: str, names: Sequence[str]) -> bool:
    """A name left in the text, e.g. inside a longer word ("GetPersonalizedRanking")."""
    folded = text.casefold()
    return any(name.casefold() in folded for name in names)


def mask_names(text: str, names: Sequence[str]) -> str:
    """Replace every spelling of a service (case-insensitive, whole words) with ＿＿＿."""
    masked = _mask_pattern(tuple(sorted(set(names), key=len, reverse=True))).sub(MASK, text)
    return _PREFIXED_MASK.sub(MASK, masked)


_TWO_MASKS = re.compile(MASK + r"\s*\S{0,3}\s*" + MASK)
_PREFIXED_MASK = re.compile(r"(?:(?:amazon|aws)\s*)+" + MASK, re.IGNORECASE)
_MASK_PATTERNS: dict[tuple[str, ...], re.Pattern[str]] = {}


def _mask_pattern(names: tuple[str, ...]) -> re.Pattern[str]:
    if names not in _MASK_PATTERNS:
        pattern = "|".join(r"\s+".join(re.escape(w) for w in name.split()) for name in names)
        _MASK_PATTERNS[names] = re.compile(
            rf"(?<![A-Za-z0-9])(?:{pattern})(?![A-Za-z0-9])", re.IGNORECASE
        )
    return _MASK_PATTERNS[names]


def words(text: str) -> set[str]:
    return {_PARTICLES.sub("", w.casefold()) for w in _WORD.findall(text)} - {""}


# --- lists -------------------------------------------------------------------------------


_SCENARIO = re.compile(
    r"^(?P<scenario>.+?)\s*"
    + alternation("scenario_joins", "→", "-+>", "=>", "⇒")
    + r"\s*(?P<answer>[^→>]+?)\s*[.。]?$"
)
"""A scenario and the service for it ("실시간 추천이 필요하다 → Amazon Personalize")."""
SCENARIO_MIN_WIDTH = 8


def scenario_service(fact: Fact, corpus: Corpus) -> Question | None:
    """ "Scenario → Service", the shape exam-cram notes write the most: the scenario asks,
    the service answers (a which card, unless the scenario names the service)."""
    found = _scenario(fact, corpus.catalog)
    if found is None:
        return None
    clue, service = found
    if _names_any(clue, _family_names(service, corpus.catalog)):
        return None
    return _service_question(fact, corpus, clue, service)


def _family_names(service: Service, catalog: Catalog) -> list[str]:
    """Every spelling of a service's family: a clue naming any of them names its answer."""
    owner = catalog.owner(service)
    return [*catalog.names_of(owner), *_short_forms([owner.name])]


def _service_question(fact: Fact, corpus: Corpus, clue: str, service: Service) -> Question:
    """A which card whose clue is written apart from its service (a scenario line, a table
    row): the clue as written, the service (and its parent) as the answer."""
    owner = corpus.catalog.owner(service)
    back = f"<b>{html.escape(service.name)}</b>"
    if service is not owner:
        back += f" · {html.escape(owner.name)}"
    return Question(
        "which",
        (fact,),
        html.escape(clue),
        back,
        label("which", _lang(fact, corpus)),
        context_html(
            tuple(p for p in fact.path if not _names_any(p, _telling(fact, service, corpus)))
        ),
        extra=html.escape(_category(owner, fact, corpus)),
        deck=WHICH_DECK,
        answer=service.name,
    )


def _telling(fact: Fact, service: Service, corpus: Corpus) -> list[str]:
    """Names a title above a which card may not show: the answer's, and in a comparison
    every side's ("Kendra vs OpenSearch › 違い" over "「社内文書に…」なら ＿＿＿")."""
    compared = _compared_services(fact, corpus.catalog)
    return [n for side in (service, *compared) for n in answer_names(side, corpus.catalog)]


def _compared_services(fact: Fact, catalog: Catalog) -> list[Service]:
    return [catalog.services[name] for name in fact.compared if name in catalog.services]


def _scenario(fact: Fact, catalog: Catalog) -> tuple[str, Service] | None:
    if fact.kind not in _STATEMENT_KINDS or len(fact.text) > FACT_MAX_CHARS:
        return None
    found = _SCENARIO.match(fact.text)
    if found is None or _width(found.group("scenario")) < SCENARIO_MIN_WIDTH:
        return None
    service = catalog.lookup(found.group("answer").strip())
    return (found.group("scenario").strip(), service) if service is not None else None


def comparison_side(fact: Fact, corpus: Corpus) -> Question | None:
    """A statement of one side of a comparison ("Kendra vs OpenSearch"), the compared names
    masked: which of the two is it? The learner tells apart what the exam confuses."""
    side = fact.side
    if not side or fact.kind not in (*_STATEMENT_KINDS, "term"):
        return None
    if _scenario(fact, corpus.catalog) is not None:
        return None  # "「…」なら Kendra": the scenario rule asks it
    source = _LEADING_MARKS.sub("", fact.text)
    if leans_on_context(source) or says_nothing_alone(fact):
        return None
    catalog = corpus.catalog
    named = _compared_services(fact, catalog)
    masked = mask_names(source, [n for service in named for n in answer_names(service, catalog)])
    if (
        _width(masked.replace(MASK, "").strip(" :：,、")) < WHICH_MIN_CHARS
        or _TWO_MASKS.search(masked)  # "(＿＿＿, ＿＿＿)": Titan and Nova, two questions
        or _says_a_name(masked, named)
    ):
        return None
    sides = " · ".join(fact.compared)  # both named: the question is which of them
    return Question(
        "which",
        (fact,),
        html.escape(masked).replace(MASK, f'<span class="mask">{MASK}</span>'),
        f"<b>{html.escape(side)}</b>",
        f"{sides} — {label('compare' if len(named) == 2 else 'compare_many', _lang(fact, corpus))}",
        "",
        extra=corpus.render(fact.markdown),
        deck=WHICH_DECK,
        answer=side,
    )


def _says_a_name(masked: str, sides: list[Service]) -> bool:
    """Whether a statement says what a side's name says ("＿＿＿ はテキストを翻訳する" with
    Translate one of the two choices): the name answers it."""
    folded = masked.casefold()
    return any(word.casefold() in folded for side in sides for word in side.says)


EXTRA_RULES: tuple[tuple[str, Callable[[Fact, Corpus], Question | None]], ...] = (
    ("reverse", reverse),
    ("scenario", scenario_service),
    ("comparison", comparison_side),
    ("which service", which_service),
)
"""Cards a fact gets beside its recall card: other skills than recalling it."""


def list_question(items: list[Fact], corpus: Corpus) -> Question | None:
    """A whole Markdown list of 3–7 short siblings: name them all (in order, for numbered
    lists and steps). Never sentences of a paragraph, never a list with an item missing."""
    first = items[0]
    place = first.list_place
    if place is None or len(items) != place.size:
        return None
    path = _list_path(first)
    title = path[-1] if path else first.subject
    if _INTRODUCES.search(first.text):  # "- … 단계는 다음과 같습니다." and the steps below
        title, items = first.text, items[1:]
    if not LIST_MIN_ITEMS <= len(items) <= LIST_MAX_ITEMS:
        return None
    first = items[0]
    if (not path and first.subject_kind == "service") or any(
        f.no_card or (f.subject, _list_path(f)) != (first.subject, path) for f in items
    ):  # a heading names the set; under a bare service "name all 4" asks "4 what?"
        return None
    terms = all(f.kind == "term" for f in items)
    labels = [plain_text(f.term) if terms else f.text for f in items]
    if (
        any(
            len(text) > LIST_ITEM_MAX_CHARS
            or f.kind in ("image", "code")
            or _SENTENCE_END.search(text.rstrip())
            for text, f in zip(labels, items, strict=True)
        )
        or sum(map(len, labels)) > LIST_MAX_CHARS
    ):  # statements are not members of a set (SuperMemo rule 9: avoid sets)
        return None
    elaborates = not terms and (first.file, first.subject, path) in corpus.defined_titles
    if terms and all(_AWS_NAME.fullmatch(plain_text(f.term)) for f in items):
        pass  # USER_PERSONALIZATION, PERSONALIZED_RANKING …: names to recall, whatever the title
    elif is_sentence(title):
        if not announces_a_closed_set(title):
            return None  # "… 관리하려면 다음과 같은 접점이 필요합니다.": touch points, no set
    elif not closed_set(title, path[-1:] if elaborates else path):
        return None  # "인공지능 : 인간의 지능 모방" over three examples: not a set of "계층"
    ordered = bool(
        place.ordered or (_SEQUENCE_WORDS if is_sentence(title) else _STEP_WORDS).search(title)
    )
    kind = "ordered" if ordered else "list"
    tag = "ol" if ordered else "ul"
    shown = [corpus.render(f.term) if terms else corpus.render(f.markdown) for f in items]
    back = f"<{tag}>" + "".join(f"<li>{item}</li>" for item in shown) + f"</{tag}>"
    lang = _lang(first, corpus)
    return Question(
        kind,
        tuple(items),
        f"<b>{html.escape(title)}</b>",
        back,
        label(kind, lang, n=len(items)),
        context_html((first.subject, *path[:-1])) if path else "",
    )


_AWS_NAME = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|(?:[A-Z][a-z0-9]+){2,}")
"""An API or constant name ("USER_PERSONALIZATION", "GetRecommendations"): a list of
them under a service is the set of its names, recalled whole."""


GENERIC_FRONT = (
    "its term repeats under many subjects (위험, Purpose…): a card would interfere; "
    "write Q:/A: to ask something specific"
)


def generic_heading(title: str) -> bool:
    """An attribute heading that repeats under many subjects ("위험", "사용사례", "Purpose")."""
    return title.casefold().strip(" :：").replace(" ", "") in _GENERIC_SPELLINGS


RESTATED_MIN_CHARS = 2


def restates(front: str, answer: str) -> bool:
    """Whether the answer only restates the front: the front's words, whole, inside it
    ("제품 리뷰 요약" → "AI는 … 제품 리뷰 요약을 생성할 수 있습니다") — it teaches nothing the
    front did not say (SuperMemo: a card must make the learner recall something)."""
    said = " ".join(front.split()).casefold()
    if len(said) < RESTATED_MIN_CHARS or _LATIN_TOKEN.fullmatch(said):
        return False  # "SSML" in "SSML로 발음을 조정한다" names the term, it does not restate it
    return said in " ".join(answer.split()).casefold()


_LATIN_TOKEN = re.compile(r"[a-z0-9_.\-]+")


_OPEN_END = re.compile(alternation("open_enumerations"), re.IGNORECASE)
"""The word an open list ends with ("등", "など", "etc.")."""
_CLAUSE_END = re.compile(r"[.。!?！？]\s")
OPEN_ENUMERATION_SHARE = 0.4
"""An open list this much of an answer is what the answer is ("… .PDF, .CSV … 등 여러
문서 유형을 지원합니다"); less, and it is an example inside a definition."""


def open_enumeration(answer: str) -> bool:
    """Whether the answer is mostly a list left open: three or more items separated by
    commas, then "등"/"など"/"etc." (read in one pass: a nested pattern took 0.35 ms a
    sentence)."""
    for end in _OPEN_END.finditer(answer):
        clause = _CLAUSE_END.split(answer[: end.start()])[-1]
        listed = clause.count(",") + clause.count("、") >= 2
        if listed and len(clause) + len(end.group(0)) >= OPEN_ENUMERATION_SHARE * len(answer):
            return True
    return False


def only_an_example(path: tuple[str, ...], front: str, answer: str) -> bool:
    """A use case under "실제 사용 사례의 예 › 소매" ("가격 최적화" → "AI는 … 결정할 수
    있습니다") or a benefit under "MLOps의 이점" ("신뢰성" → "CI/CD 사례를 통합하면 …"): one
    of many, not a term the answer defines (SuperMemo rule 9: examples are not sets to
    memorise). "사기 행위 탐지는 …를 말합니다" defines: kept."""
    under_examples = any(_EXAMPLES.search(part) or _BENEFITS.search(part) for part in path) or bool(
        path and _USE_CASES.search(path[-1].strip())
    )
    return under_examples and not answer.strip().startswith(front)


def closed_set(title: str, path: tuple[str, ...]) -> bool:
    """Whether a list titled ``title`` (under ``path``, which ends with it) is a set a
    learner recalls whole — its heading, or the one above, names types, kinds, steps,
    components, "N가지" — and not examples, use cases, benefits or tasks anywhere above it
    (SuperMemo rule 9: avoid sets, unless they are closed)."""
    if _OPEN_SET.search(" ".join((*path, title))):
        return False
    named = (title, *path[-2:-1])  # or the heading above it: "組み込みアルゴリズム › 分類・回帰"
    return any(_CLOSED_SET.search(head) or _STEP_WORDS.search(head) for head in named)


ANNOUNCED_WINDOW = 12
"""Characters around "다음과 같습니다" where a sentence names what it announces."""


def announces_a_closed_set(sentence: str) -> bool:
    """Whether a sentence announcing a list names a closed set right before or after its
    announcing words ("포함되는 단계는 다음과 같습니다"), not a topic in passing ("ML 수명 주기
    전체에서 … 다음과 같은 접점이 필요합니다")."""
    found = _INTRODUCES.search(sentence) or _ANNOUNCES.search(sentence)
    if found is None:
        return False
    window = sentence[max(0, found.start() - ANNOUNCED_WINDOW) : found.end() + ANNOUNCED_WINDOW]
    named = _CLOSED_SET.search(window) or _SEQUENCE_WORDS.search(window)
    return bool(named) and not _OPEN_SET.search(window)


HEADING_MAX_FACTS = 3
HEADING_RESTATES_WITHIN = 4
"""A heading's sentences may name it ("배치 변환" → "… 경우 배치 변환을 사용합니다."); they
only restate it when they say little else (under this many times its length)."""
_SAYS_WHAT_IT_IS = re.compile(alternation("says_what_it_is"))
"""A first sentence that says what the heading is ("…를 감지하는 기능이다."): it answers
the heading even when more sentences follow."""
HEADING_MAX_CHARS = 200


def _defines_its_heading(fact: Fact, title: str) -> bool:
    """ "책임감 있는 AI의 개인 정보 보호 및 보안은 … 방지를 의미합니다" under "개인 정보 보호 및
    보안": the heading, defined — whatever its words, not a restatement."""
    sentence = _first_sentence_of(fact.text)
    return bool(re.search(re.escape(title) + _NAMES_ITS_TERM + ".{4,}" + _DEFINING_END, sentence))


_NAMES_ITS_TERM = alternation("defined_markers")
_DEFINING_END = alternation("defining_ends") + r"[.。]?\s*$"


def _as_topic(title: str, said: str) -> bool:
    """Whether the sentences only comment on the heading as their subject ("공정성이 매우
    중요합니다"), rather than define or use it ("… 경우 배치 변환을 사용합니다")."""
    return bool(re.search(re.escape(title) + _TOPIC_PARTICLE, said))


_TOPIC_PARTICLE = alternation("topic_particles")


def _first_says_what_it_is(facts: list[Fact]) -> bool:
    """Too much under a heading for one card, but its first sentence says what the heading
    is ("…를 감지하는 기능이다.") or names it ("배치 변환" → "… 배치 변환을 사용합니다.")."""
    first = facts[0]
    too_much = len(facts) > HEADING_MAX_FACTS or sum(len(f.text) for f in facts) > HEADING_MAX_CHARS
    title = first.path[-1] if first.path else ""
    return (
        too_much
        and len(first.text) <= HEADING_MAX_CHARS
        and bool(_SAYS_WHAT_IT_IS.search(first.text) or (title and title in first.text))
    )


def heading_question(facts: list[Fact], corpus: Corpus) -> Question | None:
    """What the note says right under a short heading, asked for by the heading ("투명성" →
    its one or two sentences): a node with a short child is a term and its definition.
    A sentence that points back ("이를 통해 …") is answered together with the one before."""
    first = facts[0]
    says_what_it_is = _first_says_what_it_is(facts)
    if says_what_it_is:
        facts = facts[:1]  # "콘텐츠 조정 기능" → "… 콘텐츠를 감지하는 기능이다." and more
    if (
        len(facts) > HEADING_MAX_FACTS
        or (not first.path and first.subject_kind == "service")
        or any(f.no_card or f.kind not in _STATEMENT_KINDS for f in facts)
        or any(_is_title(f) or says_nothing_alone(f) for f in facts)
        or sum(len(f.text) for f in facts) > HEADING_MAX_CHARS
        or leans_on_context(first.text)
        or (_part_of_a_list(facts) and not says_what_it_is)
        or (first.compared and not first.side)  # "共通点", "차이점": the comparison's own words
    ):
        return None
    title = first.path[-1] if first.path else first.subject
    if is_sentence(title) or title.casefold() in _GENERIC_TERMS or generic_heading(title):
        return None
    said = " ".join(f.text for f in facts)
    if (
        (
            restates(title, said)
            and not _defines_its_heading(first, title)
            and (len(said) < HEADING_RESTATES_WITHIN * len(title) or _as_topic(title, said))
        )
        or only_an_example(first.path[:-1], title, said)
        or open_enumeration(said)
    ):
        return None
    shown = [corpus.render(f.markdown) for f in facts]
    back = (
        shown[0] if len(shown) == 1 else "<ul>" + "".join(f"<li>{s}</li>" for s in shown) + "</ul>"
    )
    return Question(
        "term",
        tuple(facts),
        f"<b>{html.escape(title)}</b>",
        back,
        label("term", _lang(first, corpus)),
        context_html((first.subject, *first.path[:-1])) if first.path else "",
    )


def says_nothing_alone(fact: Fact) -> bool:
    """A course remark, a sentence announcing what follows, or the note's own question."""
    return course_remark(fact) or bool(
        _ANNOUNCES.search(fact.text) or _QUESTION_END.search(fact.text)
    )


def _part_of_a_list(facts: list[Fact]) -> bool:
    """Items that are only some of their list ("성능 요구 사항" beside three siblings with
    bullets of their own): one of four considerations is not what the heading asks for."""
    shown = Counter(f.list_place.list for f in facts if f.list_place is not None)
    return any(
        f.list_place is not None and shown[f.list_place.list] < f.list_place.size for f in facts
    )


def holds_its_list(fact: Fact) -> bool:
    """An item with sub-items: its own name ends its path (see :func:`_list_path`)."""
    return bool(fact.path) and fact.path[-1] == plain_text(fact.term)


def _list_path(fact: Fact) -> tuple[str, ...]:
    """The path of the list a fact is an item of: an item with sub-items (``- 비지도 학습 :
    …`` over its own bullets) puts its own name on its path; the list is one level up."""
    if fact.kind == "term" and holds_its_list(fact):
        return fact.path[:-1]
    return fact.path


# --- tables ------------------------------------------------------------------------------


SERVICE_COLUMN_SHARE = 0.6
"""A column this much of whose cells are service names is the table's answer column."""
_CLUE_HEADER = re.compile(alternation("clue_headers"), re.IGNORECASE)
_MEANING_HEADER = re.compile(alternation("meaning_headers"), re.IGNORECASE)


def table_questions(rows: list[Fact], corpus: Corpus) -> list[Question]:
    """Cards from a table where a row is a question: a column of services beside a column
    of scenarios or use cases ("When to use what?") asks "which service?" per row; a
    two-column table of terms and meanings asks each term. A comparison matrix (services
    × attributes) makes no card per cell: it is read as a table, on the sheet."""
    headers = [header for header, _ in rows[0].cells]
    if any(len(row.cells) != len(headers) for row in rows):
        return []
    columns = [[plain_text(row.cells[i][1]) for row in rows] for i in range(len(headers))]
    services = [i for i, column in enumerate(columns) if _service_column(column, corpus.catalog)]
    if len(services) == 1:
        clues = [i for i in range(len(headers)) if i != services[0]]
        named = [i for i in clues if _CLUE_HEADER.search(plain_text(headers[i]))]
        clue = named[0] if named else clues[0] if len(clues) == 1 else None
        if clue is None:
            return []
        found = (_table_which(row, clue, services[0], corpus) for row in rows)
    elif not services and (
        len(headers) == 2 or _MEANING_HEADER.fullmatch(plain_text(headers[1]).strip())
    ):  # | term | meaning | (| 지표 | 의미 | 공식 |: the formula goes with the meaning)
        found = (_table_term(row, corpus) for row in rows)
    else:
        return []
    return [question for question in found if question is not None]


def _service_column(column: list[str], catalog: Catalog) -> bool:
    named = sum(catalog.lookup(cell) is not None for cell in column)
    return named >= SERVICE_COLUMN_SHARE * len(column)


def _table_which(row: Fact, clue: int, answer: int, corpus: Corpus) -> Question | None:
    """One row of a scenario → service table: the scenario asks for the service."""
    service = corpus.catalog.lookup(plain_text(row.cells[answer][1]))
    text = plain_text(row.cells[clue][1])
    if service is None or _width(text) < SCENARIO_MIN_WIDTH:
        return None
    names = _family_names(service, corpus.catalog)
    if _names_any(text, names):
        return None  # the scenario names its service
    others = [
        f"{plain_text(header)}: {plain_text(cell)}"
        for n, (header, cell) in enumerate(row.cells)
        if n not in (clue, answer) and plain_text(cell) and not _names_any(plain_text(cell), names)
    ]  # "Content moderation" alone fits two services; with "Input: Image" it fits one
    clue_text = f"{text} ({'; '.join(others)})" if others else text
    return _service_question(row, corpus, clue_text, service)


def _table_term(row: Fact, corpus: Corpus) -> Question | None:
    """One row of a term | meaning (| more …) table: the term asks its meaning, and the
    row's other cells are part of the answer, each under its header."""
    (_, term_cell), (_, meaning), *more = row.cells
    words, said = plain_text(term_cell), plain_text(meaning)
    if (
        not words
        or not said
        or len(words) > TERM_MAX_CHARS
        or generic_heading(words)
        or restates(words, said)
    ):
        return None
    front = f"<b>{corpus.render(term_cell)}</b>"
    back = corpus.render(meaning) + "".join(
        f"<br>{html.escape(plain_text(header))}: {corpus.render(cell)}"
        for header, cell in more
        if plain_text(cell)
    )
    return _ask("term", row, corpus, front, back)


# --- why not -----------------------------------------------------------------------------


def course_remark(fact: Fact) -> bool:
    """A course remark or aside ("등등등… 서비스들이있음"), or a URL: nothing to recall."""
    return bool(_COURSE_REMARK.search(fact.text) or _URL.search(plain_text(fact.term or "")))


TABLE_ROW = (
    "a table row is for the sheet: it makes a card only in a table of scenarios and services "
    "(and not when its scenario names the service) or of terms and meanings (two columns)"
)
COURSE_REMARK = "a course remark, an aside or a link, not knowledge: write Q:/A: if it is"


def why_no_card(fact: Fact) -> str:
    """Why a fact got no card, in words that say what to write to get one."""
    if fact.no_card:
        return "marked nocard"
    if course_remark(fact):
        return COURSE_REMARK
    if fact.kind == "row":
        return TABLE_ROW
    if fact.kind in ("image", "code", "html"):
        return f"a {fact.kind} is for the sheet"
    if leans_on_context(fact.text):
        return "starts by pointing at an earlier sentence (이는/これは/This…)"
    if fact.kind == "term" and generic_heading(plain_text(fact.term)):
        return GENERIC_FRONT
    if len(fact.text) > FACT_MAX_CHARS:
        return "too long for one card: split it, or write Q:/A:"
    return "no term, keyword or short list to ask about: write Q:/A:, X :: Y or ==keyword=="


GROUP_RULES: tuple[tuple[str, Callable[[list[Fact], Corpus], Question | None]], ...] = (
    ("list", list_question),
    ("heading", heading_question),
)
"""Cards about several facts at once: a whole Markdown list, the facts under one heading."""
CARD_RULES = (*(name for name, _ in (*RECALL_RULES, *EXTRA_RULES, *GROUP_RULES)), "table")
"""Every card rule's name, in the order the planner asks them."""
