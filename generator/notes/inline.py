"""The one Markdown dialect every stage speaks, and inline helpers over it.

Parsing (outline), extraction (plain text), cards and sheets (HTML) must agree on what a
line means, so they share one configured parser. The dialect is CommonMark plus tables,
strikethrough and front matter, with two changes for hand-written notes:

* indented code blocks are off: in study notes, deep indentation is outline depth, never code
  (fenced code still works);
* ``**bold**`` that CommonMark leaves literal because a letter follows the closing ``**``
  (``**순위를 재조정(re-rank)**하여``, common in Korean and Japanese) is made bold anyway;
* ``==highlight==`` (Obsidian, Typora) is ``<mark>`` — in text only, never inside code.

Other note apps' syntax is read as what it means, so none of it reaches a card or a sheet:

* ``[[Note]]``, ``[[Note#Heading|alias]]`` (Obsidian wikilinks) are their visible words;
  ``![[picture.png|300]]`` (an embed) is an image, ``![[Other note]]`` its name;
* ``#tag`` in text (and a code span that is only one, `` `#exam` ``) becomes a ``tag``
  token: drawn as nothing, collected by :func:`tags_in` for Anki tags;
* a trailing ``^block-id`` and footnote references ``[^1]`` vanish;
* ``$x$`` and ``$$x$$`` are math (Pandoc's rule: no space inside the dollars, no digit
  after the closing one, so "$5 and $10" stays text).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from functools import cache, lru_cache
from typing import Any

import nh3
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from mdit_py_plugins.admon import admon_plugin
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.front_matter import front_matter_plugin
from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db

_MARKER = "**"
_SPACES = re.compile(r"\s+")
_MARKUP = re.compile(r"[*_`\[\]!<>&\\~#^$]|==|\s{2,}\n")
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


def _split_text(
    content: str, pattern: re.Pattern[str], found: Callable[[str], list[Token]]
) -> list[Token]:
    """Text split at a one-group ``pattern``: the text between as text tokens, each
    match's group as the tokens ``found`` makes of it."""
    pieces: list[Token] = []
    for index, part in enumerate(pattern.split(content)):
        if index % 2:
            pieces.extend(found(part))
        elif part:
            pieces.append(_text_token(part))
    return pieces


def _marked(text: str) -> list[Token]:
    return [
        Token("mark_open", "mark", 1, markup="=="),
        _text_token(text),
        Token("mark_close", "mark", -1, markup="=="),
    ]


def _highlight_tokens(token: Token) -> list[Token]:
    """A text token with ``==marked==`` spans, as text and mark tokens."""
    return _split_text(token.content, _HIGHLIGHT, _marked)


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


_WIKILINK = re.compile(r"(!?)\[\[([^\[\]|\n]+?)(?:\|([^\[\]\n]*))?\]\]")
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".bmp", ".avif")
_TAG_NAME = r"#([\w/-]*[^\W\d][\w/-]*)"
"""Obsidian's tag: letters, digits, ``_``, ``-``, ``/``, and not only digits."""
_TAG = re.compile(r"(?<![^\s(（])" + _TAG_NAME)
_WHOLE_TAG = re.compile(_TAG_NAME + "$")
_BLOCK_ID = re.compile(r"\s+\^[A-Za-z0-9-]+\s*$")
_FOOTNOTE_REF = re.compile(r"\[\^[^\]\s]+\]")
_COMPOUND = re.compile(r"[\s+\-−±·×÷/=<>≤≥,]")
"""A term that needs parentheses when it is a fraction's numerator or denominator."""
_SCRIPT_GROUP = re.compile(r"([_^])\{([^{}]+)\}")


def _grouped(text: str) -> str:
    text = " ".join(text.split())
    return f"({text})" if _COMPOUND.search(text) else text


def _fraction(node: Any, l2tobj: LatexNodes2Text) -> str:
    """``\\frac{TP}{TP+FP}`` as ``TP/(TP+FP)``: read on one line, ``TP/TP+FP`` would be
    another formula (pylatexenc's own rendering)."""
    numerator, denominator = (l2tobj.nodelist_to_text([arg]) for arg in node.nodeargd.argnlist[-2:])
    return f"{_grouped(numerator)}/{_grouped(denominator)}"


def _latex_to_text() -> LatexNodes2Text:
    context = get_default_latex_context_db()
    macros = [MacroTextSpec(name, simplify_repl=_fraction) for name in ("frac", "dfrac", "tfrac")]
    macros += [
        MacroTextSpec("cdot", simplify_repl=" · "),
        MacroTextSpec("times", simplify_repl=" × "),
    ]
    context.add_context_category("cheatdeck", prepend=True, macros=macros)
    return LatexNodes2Text(latex_context=context, math_mode="text")


_LATEX = _latex_to_text()


def _link_words(target: str, label: str | None) -> str:
    """What Obsidian shows for ``[[folder/Note#Heading|label]]``: the label, else the
    note's name and heading (a block reference ``#^id`` shows the note only)."""
    if label and label.strip():
        return label.strip()
    note, _, heading = target.partition("#")
    name = note.rsplit("/", 1)[-1].strip()
    if heading and not heading.startswith("^"):
        return f"{name} > {heading.strip()}" if name else heading.strip()
    return name


def _wikilink_rule(state: StateInline, silent: bool) -> bool:
    """``[[link]]`` → its words; ``![[picture.png]]`` → an image token."""
    match = _WIKILINK.match(state.src, state.pos)
    if match is None:
        return False
    if not silent:
        embed, target, label = match.groups()
        target = target.strip()
        if embed and target.casefold().endswith(IMAGE_SUFFIXES):
            token = state.push("image", "img", 0)
            token.attrs = {"src": target, "alt": ""}
            token.children = []
        else:
            token = state.push("text", "", 0)
            token.content = _link_words(target, None if embed else label)
    state.pos = match.end()
    return True


def _tag_token(name: str) -> Token:
    return Token("tag", "", 0, content=name)


def _without_note_syntax(token: Token) -> list[Token]:
    """A text token with its tags split out and footnote references removed."""
    return _split_text(_FOOTNOTE_REF.sub("", token.content), _TAG, lambda tag: [_tag_token(tag)])


def _note_syntax_rule(state: StateCore) -> None:
    """Tags, block ids and footnote references: meaningful to the note app, not to a card."""
    for token in state.tokens:
        if token.type != "inline" or not token.children:
            continue
        children = token.children
        last = children[-1]
        if last.type == "text" and "^" in last.content:
            last.content = _BLOCK_ID.sub("", last.content)
        token.children = [
            piece
            for child in children
            for piece in (
                _without_note_syntax(child)
                if child.type == "text" and ("#" in child.content or "[^" in child.content)
                else [_tag_token(child.content[1:])]
                if child.type == "code_inline" and _WHOLE_TAG.match(child.content)
                else [child]
            )
        ]


def math_text(tex: str) -> str:
    """TeX as readable Unicode on one line (``\\hat{y}_i`` → ``ŷ_i``), for sheets and plain
    text: fractions, and scripts that are expressions, keep their grouping in parentheses
    (``TP/(TP+FP)``, ``e^(-x)``, ``∑_(i=1)^n``)."""
    tex = _SCRIPT_GROUP.sub(_script, tex)
    return " ".join(_LATEX.latex_to_text(tex).split())


def _script(match: re.Match[str]) -> str:
    """``^{-x}`` as ``^(-x)``; ``_{in}`` stays ``_in`` (a name, not an expression)."""
    return match.group(1) + _grouped(match.group(2))


def _render_math(
    self: object, tokens: list[Token], idx: int, options: object, env: dict[str, str]
) -> str:
    """Cards get MathJax delimiters (Anki renders them); sheets, whose PDF renderer has no
    MathJax, get the formula as Unicode text."""
    tex = tokens[idx].content.strip()
    if env.get("math") == "text":
        return f'<span class="math">{escapeHtml(math_text(tex))}</span>'
    return f'<span class="math">\\({escapeHtml(tex)}\\)</span>'


def _use_note_apps(md: MarkdownIt) -> None:
    """The syntax of other note apps, for both parsers (admonitions are block-level)."""
    md.use(admon_plugin)
    md.use(dollarmath_plugin, allow_space=False, allow_digits=False, double_inline=True)
    md.inline.ruler.before("link", "wikilink", _wikilink_rule)
    for kind in ("math_inline", "math_inline_double"):
        md.add_render_rule(kind, _render_math)
    md.add_render_rule("tag", lambda *_: "")


@cache
def parser() -> MarkdownIt:
    """The shared parser (built once per process)."""
    md = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    md.disable("code")
    md.use(front_matter_plugin)
    md.core.ruler.after("text_join", "literal_strong", _literal_strong_rule)
    md.core.ruler.after("literal_strong", "highlight", _highlight_rule)
    md.core.ruler.after("highlight", "note_syntax", _note_syntax_rule)
    _use_note_apps(md)
    return md


@cache
def block_parser() -> MarkdownIt:
    """The same dialect, block structure only: a note's outline needs its lines, not its
    inline markup, and inline parsing is most of markdown-it's time. Inline content is
    parsed later, only where it matters (:func:`inline_tokens`, :func:`plain_text`)."""
    md = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    md.disable(["code", "inline"])
    md.use(front_matter_plugin)
    md.use(admon_plugin)
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
        elif token.type.startswith("math_inline"):
            words.append(math_text(token.content))
        elif token.type in ("softbreak", "hardbreak"):
            words.append(" ")
        elif token.type == "image":
            words.append(token.content)
    return _SPACES.sub(" ", "".join(words)).strip()


def render_inline_html(markdown: str, math: str = "mathjax") -> str:
    """HTML for a Markdown snippet (not yet sanitized: callers run it through nh3).

    ``math`` is ``mathjax`` (``\\(…\\)`` for Anki) or ``text`` (Unicode, for sheets)."""
    return render_tokens_html(inline_tokens(markdown), math)


def render_tokens_html(tokens: list[Token], math: str = "mathjax") -> str:
    """:func:`render_inline_html` of a snippet's :func:`inline_tokens` (parsed once)."""
    md = parser()
    return str(md.renderer.render(tokens, md.options, {"math": math}))


def tags_in(markdown: str) -> tuple[str, ...]:
    """The ``#tags`` a Markdown snippet carries, in order, without the ``#``."""
    if "#" not in markdown:
        return ()
    found = [token.content for token in inline_tokens(markdown) if token.type == "tag"]
    return tuple(dict.fromkeys(found))


def paragraphs(markdown: str) -> list[str]:
    """A fact's Markdown split at blank lines — but never inside a fenced code block,
    whose blank lines are part of the code."""
    pieces: list[str] = []
    current: list[str] = []
    fenced = False
    for line in markdown.split("\n"):
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        if not line.strip() and not fenced:
            if current:
                pieces.append("\n".join(current))
            current = []
            continue
        current.append(line)
    if current:
        pieces.append("\n".join(current))
    return [piece for piece in pieces if piece.strip()]


def fenced_code(markdown: str) -> str | None:
    """The code inside a fenced block (as the outline stores it), or None if not one."""
    if not markdown.startswith("```"):
        return None
    body = markdown.split("\n", 1)[1] if "\n" in markdown else ""
    return body.rsplit("```", 1)[0]


_ANY_TAG = re.compile(r"<[^>]+>")


def html_text(rendered: str) -> str:
    """What a reader sees of HTML: tags as spaces, entities decoded, spaces collapsed."""
    return " ".join(html.unescape(_ANY_TAG.sub(" ", rendered)).split())


def shorten(text: str, width: int) -> str:
    """``text`` cut to ``width`` characters, an ellipsis marking the cut."""
    return text if len(text) <= width else text[: width - 1] + "…"


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


HTML_DEPTH_MAX = 12
"""Elements nested deeper than this in one fact are unwrapped (their text kept): 200
nested ``<div>`` or 1,000 ``*`` made WeasyPrint's layout recurse past Python's limit."""
_ELEMENT_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)\b[^>]*>")
_VOID = frozenset({"br", "hr", "img", "wbr"})


def sanitize(fragment: str) -> str:
    """Only harmless HTML survives: no scripts, handlers, styles or javascript: links, and
    no nesting deeper than :data:`HTML_DEPTH_MAX`."""
    clean = nh3.clean(
        fragment,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https"},
        link_rel="noopener noreferrer",
    )
    return _shallow(str(clean))


def _shallow(clean: str) -> str:
    """``clean`` (balanced, as nh3 writes it) with the elements below
    :data:`HTML_DEPTH_MAX` unwrapped, in one pass."""
    kept: list[bool] = []  # for each open element: whether its tags are kept
    depth = 0

    def visit(match: re.Match[str]) -> str:
        nonlocal depth
        closing, name = match.group(1), match.group(2).lower()
        if name in _VOID:
            return match.group(0)
        if closing:
            keep = kept.pop() if kept else True
            depth -= keep
            return match.group(0) if keep else ""
        keep = depth < HTML_DEPTH_MAX
        kept.append(keep)
        depth += keep
        return match.group(0) if keep else ""

    return _ELEMENT_TAG.sub(visit, clean) if clean.count("<") > 2 * HTML_DEPTH_MAX else clean


def swap_images(rendered: str, swap: Callable[[str, str], str]) -> str:
    """Every ``<img>`` of sanitized HTML — from Markdown or written as raw HTML, its
    attributes in any order — replaced by ``swap(src, alt)``."""

    def each(match: re.Match[str]) -> str:
        attributes = dict(_ATTRIBUTE.findall(match.group(0)))
        return swap(
            html.unescape(attributes.get("src", "")), html.unescape(attributes.get("alt", ""))
        )

    return _IMAGE.sub(each, rendered)


_IMAGE = re.compile(r"<img\b[^>]*>")
_ATTRIBUTE = re.compile(r'\s([a-z]+)="([^"]*)"')
