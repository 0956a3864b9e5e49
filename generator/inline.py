"""The one Markdown dialect every stage speaks, and inline helpers over it.

Parsing (outline), extraction (plain text), cards and sheets (HTML) must agree on what a
line means, so they share one configured parser. The dialect is CommonMark plus tables,
strikethrough and front matter, with two changes for hand-written notes:

* indented code blocks are off: in study notes, deep indentation is outline depth, never code
  (fenced code still works);
* ``**bold**`` that CommonMark leaves literal because a letter follows the closing ``**``
  (``**순위를 재조정(re-rank)**하여``, common in Korean and Japanese) is made bold anyway;
* ``==highlight==`` (Obsidian, Typora) is ``<mark>`` — in text only, never inside code.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from mdit_py_plugins.front_matter import front_matter_plugin

_MARKER = "**"
_SPACES = re.compile(r"\s+")
_MARKUP = re.compile(r"[*_`\[\]!<>&\\~]|==|\s{2,}\n")
_HIGHLIGHT = re.compile(r"==(?=\S)(.+?)(?<=\S)==")
"""Characters that can start Markdown or HTML syntax (text without them is plain)."""


def _strong_token(opening: bool) -> Token:
    if opening:
        return Token("strong_open", "strong", 1, markup=_MARKER)
    return Token("strong_close", "strong", -1, markup=_MARKER)


def _text_token(content: str) -> Token:
    return Token("text", "", 0, content=content)


def _split_at_markers(children: list[Token]) -> list[Token | None]:
    """Text tokens split at each literal ``**``; ``None`` stands for a marker."""
    pieces: list[Token | None] = []
    for token in children:
        if token.type != "text" or _MARKER not in token.content:
            pieces.append(token)
            continue
        for index, part in enumerate(token.content.split(_MARKER)):
            if index:
                pieces.append(None)
            if part:
                pieces.append(_text_token(part))
    return pieces


def _can_pair(pieces: list[Token | None], opener: int, closer: int) -> bool:
    """A pair encloses something and has no space just inside either marker."""
    if closer == opener + 1:
        return False
    first, last = pieces[opener + 1], pieces[closer - 1]
    if first is not None and first.type == "text" and first.content[:1].isspace():
        return False
    return not (last is not None and last.type == "text" and last.content[-1:].isspace())


def _merge_text(pieces: list[Token]) -> list[Token]:
    merged: list[Token] = []
    for token in pieces:
        if merged and token.type == "text" and merged[-1].type == "text":
            merged[-1] = _text_token(merged[-1].content + token.content)
        else:
            merged.append(token)
    return merged


def pair_literal_strong(children: list[Token]) -> list[Token]:
    """Turn literal ``**`` left by CommonMark into strong spans, pairing them in order."""
    pieces = _split_at_markers(children)
    markers = [index for index, piece in enumerate(pieces) if piece is None]
    replaced: dict[int, Token] = {}
    for opener, closer in zip(markers[::2], markers[1::2], strict=False):
        if _can_pair(pieces, opener, closer):
            replaced[opener] = _strong_token(opening=True)
            replaced[closer] = _strong_token(opening=False)
    resolved = [
        replaced.get(index) or (piece if piece is not None else _text_token(_MARKER))
        for index, piece in enumerate(pieces)
    ]
    return _merge_text(resolved)


def _literal_strong_rule(state: StateCore) -> None:
    for token in state.tokens:
        if (
            token.type == "inline"
            and token.children
            and any(child.type == "text" and _MARKER in child.content for child in token.children)
        ):
            token.children = pair_literal_strong(token.children)


def _highlight_tokens(token: Token) -> list[Token]:
    """A text token with ``==marked==`` spans, as text and mark tokens."""
    pieces: list[Token] = []
    for index, part in enumerate(_HIGHLIGHT.split(token.content)):
        if index % 2:
            pieces.append(Token("mark_open", "mark", 1, markup="=="))
            pieces.append(_text_token(part))
            pieces.append(Token("mark_close", "mark", -1, markup="=="))
        elif part:
            pieces.append(_text_token(part))
    return pieces


def _highlight_rule(state: StateCore) -> None:
    for token in state.tokens:
        if token.type == "inline" and token.children and "==" in token.content:
            token.children = [
                piece
                for child in token.children
                for piece in (
                    _highlight_tokens(child)
                    if child.type == "text" and "==" in child.content
                    else [child]
                )
            ]


@cache
def parser() -> MarkdownIt:
    """The shared parser (built once per process)."""
    md = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    md.disable("code")
    md.use(front_matter_plugin)
    md.core.ruler.after("text_join", "literal_strong", _literal_strong_rule)
    md.core.ruler.after("literal_strong", "highlight", _highlight_rule)
    return md


@cache
def block_parser() -> MarkdownIt:
    """The same dialect, block structure only: a note's outline needs its lines, not its
    inline markup, and inline parsing is most of markdown-it's time. Inline content is
    parsed later, only where it matters (:func:`inline_tokens`, :func:`plain_text`)."""
    md = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    md.disable(["code", "inline"])
    md.use(front_matter_plugin)
    return md


def inline_tokens(markdown: str) -> list[Token]:
    """The inline tokens of a one-paragraph Markdown snippet."""
    tokens = parser().parseInline(markdown)
    return tokens[0].children or [] if tokens else []


@lru_cache(maxsize=8192)
def plain_text(markdown: str) -> str:
    """The words of a Markdown snippet, with its syntax removed and spaces collapsed."""
    if not _MARKUP.search(markdown):  # most facts are plain prose: no parse needed
        return _SPACES.sub(" ", markdown).strip()
    return parsed_plain_text(markdown)


def parsed_plain_text(markdown: str) -> str:
    """:func:`plain_text` the long way, through the parser (for text with markup)."""
    words: list[str] = []
    for token in inline_tokens(markdown):
        if token.type in ("text", "code_inline"):
            words.append(token.content)
        elif token.type in ("softbreak", "hardbreak"):
            words.append(" ")
        elif token.type == "image":
            words.append(token.content)
    return _SPACES.sub(" ", "".join(words)).strip()


def render_inline_html(markdown: str) -> str:
    """HTML for a Markdown snippet (not yet sanitized: callers run it through nh3)."""
    md = parser()
    return str(md.renderer.render(inline_tokens(markdown), md.options, {}))


def fenced_code(markdown: str) -> str | None:
    """The code inside a fenced block (as the outline stores it), or None if not one."""
    if not markdown.startswith("```"):
        return None
    body = markdown.split("\n", 1)[1] if "\n" in markdown else ""
    return body.rsplit("```", 1)[0]


def shorten(text: str, width: int) -> str:
    """``text`` cut to ``width`` characters, an ellipsis marking the cut."""
    return text if len(text) <= width else text[: width - 1] + "…"
