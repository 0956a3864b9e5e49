"""Quiz notes: a question, its options and the marked answer become one question → answer.

Part of extraction. Practice-exam notes write a question (a heading, a bold line or a
paragraph ending in ``?``), a list of options, and the answer — marked on the option
(``✅``, ``✓``, ``[x]``, ``(정답)``) or on a line of its own (``정답: B``, ``正解：ア``,
``Answer: Amazon Polly``) — often followed by an explanation. Learning the options one by
one would teach the wrong ones too, so:

* the question and its right option(s) become one ``Q:``/``A:`` block (a ``qa`` fact);
* wrong options are left out (reported, not warned about);
* the explanation is ordinary text with its ``해설:``/``解説:``/``Explanation:`` label
  removed, filed like any other fact.

A question with options but no recognisable answer is left out with a warning, so the
options never become cards of their own.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace

from ..errors import Skipped
from ..lang import alternation, words
from .inline import plain_text
from .parse import Block, ListPlace, Node

_QUESTION_LABEL = re.compile(
    r"^(?:\*\*)?" + alternation("question_labels") + r"(?![A-Za-z])\s*\d*\s*[.:)．：]?(?:\*\*)?\s*",
    re.IGNORECASE,
)
_OPTION_LABEL = re.compile(
    r"^\(?(?P<label>" + alternation("option_labels", "[A-Ha-h1-8]", "[①-⑧]") + r")[.)．、:：]\s*"
)
_TASK_BOX = re.compile(r"^\[(?P<mark>[ xX])\]\s+")
_RIGHT_MARKS = ("✅", "✔️", "✔", "✓", "☑️", "☑", "⭕", "(O)", *sorted(words("right_marks")))
_WRONG_MARKS = ("❌", "✗", "✘", "❎", "×", "(X)")
_ANSWER_LINE = re.compile(
    r"^(?:\*\*)?" + alternation("answer_labels") + r"(?:\*\*)?\s*[:：]\s*(?:\*\*)?"
    r"(?P<answer>.+?)(?:\*\*)?\s*$",
    re.IGNORECASE,
)
_EXPLANATION_LABEL = re.compile(
    r"^(?:\*\*)?" + alternation("explanation_labels") + r"(?:\*\*)?\s*[:：]\s*(?:\*\*)?\s*",
    re.IGNORECASE,
)
_ANSWER_SEPARATOR = re.compile(r"\s*" + alternation("answer_separators", ",", "、", "/") + r"\s*")
_COUNTER = re.compile(alternation("option_counters") + r"$")
"""A counter after an option's number ("2번", "3番"): the number names the option."""
_NEEDS_ITS_OPTIONS = re.compile(alternation("asks_among_options"), re.IGNORECASE)
"""A stem that asks among its options ("다음 중 올바른 조합은 무엇인가?"): it is no question
without them, so the card shows them."""
_MAX_OPTIONS = 8
_QUESTION_END = ("?", "？")


@dataclass(frozen=True, slots=True)
class _Option:
    block: Block
    label: str
    text: str
    """The option's Markdown without its label and marks."""
    mark: bool | None
    """True for a right mark, False for a wrong one, None if unmarked."""


def is_question(markdown: str) -> bool:
    """A line that asks: ends with a question mark, or opens with ``Q1.``/``문제 1``.
    Asked of every line: one with neither a label nor a question mark is not read."""
    if "\n" in markdown.strip():  # "Q: …\nA: …" already has its answer
        return False
    labelled = _QUESTION_LABEL.match(markdown) is not None
    if not labelled and not any(mark in markdown for mark in _QUESTION_END):
        return False
    text = plain_text(markdown)
    return text.endswith(_QUESTION_END) or (labelled and bool(text))


def _question_text(markdown: str) -> str:
    return _QUESTION_LABEL.sub("", markdown.strip(), count=1).strip() or markdown.strip()


def _option(block: Block) -> _Option:
    text, mark = block.markdown.strip(), None
    box = _TASK_BOX.match(text)
    if box is not None:
        text, mark = text[box.end() :], box.group("mark") != " "
    for marks, meaning in ((_RIGHT_MARKS, True), (_WRONG_MARKS, False)):
        for symbol in marks:
            if text.startswith(symbol) or text.endswith(symbol):
                text, mark = text.removeprefix(symbol).removesuffix(symbol).strip(), meaning
    found = _OPTION_LABEL.match(text)
    label = found.group("label") if found else ""
    return _Option(block, label, text[found.end() :].strip() if found else text, mark)


def _options(children: list[Node | Block], start: int) -> list[_Option]:
    """The list items right after a question, if they read as a quiz's options: labelled
    (``A.``, ``ア.``), marked (✅ ❌ ``[x]``), or followed by an answer line."""
    first = children[start] if start < len(children) else None
    if not isinstance(first, Block) or first.list_place is None:
        return []
    run: list[Block] = []
    for child in children[start:]:
        if not (isinstance(child, Block) and child.list_place is not None):
            break
        if child.list_place.list != first.list_place.list:
            break
        run.append(child)
    if not 2 <= len(run) <= _MAX_OPTIONS:
        return []
    options = [_option(block) for block in run]
    following = children[start + len(run)] if start + len(run) < len(children) else None
    answered = _answer_line(following)[0] is not None
    quiz_like = answered or any(o.label or o.mark is not None for o in options)
    return options if quiz_like else []  # else a question answered by a list of reasons


def _answer_line(block: Node | Block | None) -> tuple[str | None, Block | None]:
    """The answer a ``정답: B`` line gives, and the explanation written below it."""
    if not isinstance(block, Block):
        return None, None
    head, _, tail = block.markdown.partition("\n")
    found = _ANSWER_LINE.match(head.strip())
    if found is None:
        return None, None
    rest = replace(block, markdown=_explanation(tail.strip()), line=block.line + 1)
    return found.group("answer"), rest if tail.strip() else None


def _options_read(children: Iterable[Node | Block]) -> list[Node | Block]:
    """``children`` with each paragraph of option lines read as a list (:func:`_as_options`)."""
    return [piece for child in children for piece in _as_options(child)]


def _as_options(child: Node | Block) -> list[Node | Block]:
    """A paragraph of option lines ("A. Amazon SageMaker Ground Truth" one per line, no
    list markers) read as the list of options it is."""
    if not isinstance(child, Block) or child.kind != "paragraph" or child.list_place:
        return [child]
    lines = [line.strip() for line in child.markdown.splitlines() if line.strip()]
    if len(lines) < 2 or not all(_OPTION_LABEL.match(line) for line in lines):
        return [child]
    return [
        Block(
            "item",
            line,
            child.line + n,
            child.line + n,
            ListPlace(-child.line, n, len(lines), False),
        )
        for n, line in enumerate(lines)
    ]


def _has_quiz(children: list[Node | Block]) -> bool:
    return any(
        isinstance(child, Block) and is_question(child.markdown) and _options(children, i + 1)
        for i, child in enumerate(children)
    )


def _by_answer_line(options: list[_Option], answer: str) -> list[_Option]:
    """The options an answer line names, by label ("B", "2", "ア") or by their words."""
    chosen: list[_Option] = []
    split = (_COUNTER.sub("", w.strip(" .)")) for w in _ANSWER_SEPARATOR.split(answer))
    for wanted in (w for w in split if w):
        for index, option in enumerate(options):
            by_label = wanted.casefold() in (option.label.casefold(), str(index + 1))
            by_text = plain_text(wanted).casefold() == plain_text(option.text).casefold()
            if (by_label or by_text) and option not in chosen:
                chosen.append(option)
    return chosen


@dataclass
class QuizReader:
    """Rewrites one section's children: each quiz question becomes one ``qa`` block."""

    file: str
    skipped: list[Skipped]

    def read(self, children: list[Node | Block], title: Block | None = None) -> list[Node | Block]:
        """``children`` with quizzes rewritten; ``title`` is a question written as the
        section's title (``### Q1. …?``), asked by the options right below it."""
        if title is not None:
            children = [title, *children]
        children = _options_read(children)
        result: list[Node | Block] = []
        index, quizzes = 0, 0
        while index < len(children):
            child = children[index]
            asks = isinstance(child, Block) and is_question(child.markdown)
            options = _options(children, index + 1) if asks else []  # only after a question
            if isinstance(child, Block) and options:
                index = self._quiz(child, options, children, index + 1 + len(options), result)
                quizzes += 1
                continue
            if quizzes and isinstance(child, Block):
                child = replace(child, markdown=_explanation(child.markdown))
            result.append(child)
            index += 1
        return result

    def numbers_quiz(self, node: Node) -> bool:
        """A title that only numbers a question ("문제 1", "Q3"): it adds no section."""
        label = _QUESTION_LABEL.match(node.title.strip())
        children = _options_read(node.children)
        return (
            node.kind in ("heading", "bold")
            and label is not None
            and label.end() == len(node.title.strip())
            and (
                _has_quiz(children)
                or any(isinstance(c, Node) and self.starts_quiz(c) for c in children)
            )
        )

    def starts_quiz(self, node: Node) -> Block | None:
        """The node's title as a question block, if its first children are its options."""
        children = _options_read(node.children)
        if node.kind == "document" or not is_question(node.title) or not _options(children, 0):
            return None
        return Block("paragraph", node.title, node.line, node.line)

    def _quiz(
        self,
        question: Block,
        options: list[_Option],
        children: list[Node | Block],
        after: int,
        result: list[Node | Block],
    ) -> int:
        """Append the quiz's blocks to ``result``; return the index after what it used."""
        right = [option for option in options if option.mark]
        answer, rest = _answer_line(children[after] if after < len(children) else None)
        if answer is not None:
            right = right or _by_answer_line(options, answer)
        if answer is not None:
            after += 1
        if not right:
            self.skipped.append(
                Skipped(
                    self.file,
                    question.line,
                    "quiz question without a marked answer: its options are left out (mark the "
                    "right one with ✅ or add a line '정답: B' / '正解: B' / 'Answer: B')",
                    True,
                    "quiz",
                )
            )
            return after
        for option in options:
            if option not in right:
                self.skipped.append(
                    Skipped(self.file, option.block.line, "wrong option of a quiz question", False)
                )
        answers = ", ".join(option.text for option in right)
        end = max(option.block.end_line for option in right)
        asked = _question_text(question.markdown)
        if _NEEDS_ITS_OPTIONS.search(plain_text(asked)):  # "다음 중 올바른 조합은?"
            listed = " / ".join(f"{o.label or n}. {o.text}" for n, o in enumerate(options, 1))
            asked = f"{asked} ({listed})"
        markdown = f"Q: {asked}\nA: {answers}"
        result.append(Block("paragraph", markdown, question.line, end))
        if rest is not None:
            result.append(rest)
        return after


def _explanation(markdown: str) -> str:
    """Text after a quiz without its ``해설:``/``Explanation:`` label."""
    return _EXPLANATION_LABEL.sub("", markdown, count=1)
