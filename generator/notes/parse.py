"""Stage 1 — parse: one note's Markdown → an outline tree with source lines.

Input: the note's text. Output: :class:`Outline`, a tree of :class:`Node` (headings,
bold-only lines, callouts, list items with children) whose leaves are :class:`Block` (the
pieces that become facts). Depth comes from Markdown structure, so tab- and space-indented
lists nest the same way. Nothing here knows about services or subjects; that is
extraction's job.

Notes written in other apps are read as their app shows them: YAML front matter (``tags``
lists), Obsidian callouts (``> [!tip] Title``) and MkDocs admonitions (``!!! note "Title"``)
as titled sections, footnote definitions as facts, and bullets indented four spaces under
a heading (an outliner's habit, which CommonMark would read as code) as a list.
"""

from __future__ import annotations

import re
from dataclasses import astuple, dataclass, field, replace
from typing import Any

import yaml
from markdown_it.tree import SyntaxTreeNode

from ..errors import Skipped
from ..lang import words
from .inline import block_parser, inline_tokens, plain_text, tags_in

DIRECTIVE = re.compile(r"<!--\s*cheatdeck:\s*(.*?)\s*-->", re.DOTALL)
_COMMENT = re.compile(r"^\s*<!--.*-->\s*$", re.DOTALL)
_BOLD_TITLE_MAX = 80
_SENTENCE_END = (*words("title_sentence_ends"), "。", ".", "!", "?")
_HANGUL = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")
_KANA = re.compile(r"[\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f]")
_TITLE_TAIL = re.compile(r"(?:\s*<br\s*/?>|\s*[:：])+\s*$", re.IGNORECASE)
_CALLOUT = re.compile(r"^\[!(?P<type>[\w-]+)\][+-]?[ \t]*(?P<title>.*)$")
_FOOTNOTE_DEFINITION = re.compile(r"^\[\^[^\]\s]+\]:\s*")
_LIST_MARKER = re.compile(r"^\s*(?:[-*+]|\d{1,9}[.)])(?:\s|$)")
_FENCE = re.compile(r"^ {0,3}(?:```|~~~)")
_ADMONITION = re.compile(r"^(?:!!!|\?\?\?)")
_OUTLINE_INDENT = 4


@dataclass(frozen=True, slots=True)
class ListPlace:
    """Where a list item sits in its Markdown list (list cards need whole, real lists)."""

    list: int
    """Ordinal of the list in its note (1-based): items with the same one are siblings."""
    index: int
    """0-based position of the item in the list."""
    size: int
    """How many items the list has."""
    ordered: bool
    """A numbered list (``1.``), whose order is part of what it says."""


@dataclass(frozen=True, slots=True)
class Block:
    """A piece of content that becomes one fact."""

    kind: str
    """``item`` (a list item), ``paragraph``, ``quote``, ``code``, ``html``, ``row`` (a
    table row) or ``image`` (a paragraph of images only)."""
    markdown: str
    """The block's Markdown, list markers and quote markers removed."""
    line: int
    """1-based first line."""
    end_line: int
    """1-based last line."""
    list_place: ListPlace | None = None
    """Set for a list item: its list and position."""
    cells: tuple[tuple[str, str], ...] = ()
    """Set for a table row: (header, cell Markdown) per column, in column order."""
    table: int = 0
    """For a table row: ordinal of its table in the note (1-based): rows of one table."""


@dataclass(frozen=True, slots=True)
class Node:
    """A titled part of the outline: everything below it is about its title."""

    kind: str
    """``document``, ``heading``, ``bold`` (a line that is only bold text), ``callout``
    (an Obsidian callout or MkDocs admonition) or ``item``."""
    title: str
    """The title's Markdown (empty for the document)."""
    line: int
    """1-based line of the title."""
    level: float
    """Heading level (bold lines sit half a level below their heading); items use 0."""
    children: tuple[Node | Block, ...]
    """Sub-nodes and blocks in note order."""
    directives: tuple[str, ...] = ()
    """``<!-- cheatdeck: … -->`` instructions written directly under the title."""
    list_place: ListPlace | None = None
    """Set for a list item with sub-items: its list and position."""
    tags: tuple[str, ...] = ()
    """Tags written on a line of their own below the title (``#aws #exam``)."""


@dataclass(frozen=True, slots=True)
class Outline:
    """One note, parsed."""

    file: str
    """Path of the note relative to its notes folder."""
    root: Node
    """The document node."""
    front_matter: tuple[tuple[str, str], ...]
    """``key: value`` pairs (text values) from a leading ``---`` YAML block."""
    tags: tuple[str, ...]
    """The note's own tags: front matter ``tags`` (a list or a comma-separated text)."""
    skipped: tuple[Skipped, ...]
    """Lines left out of the tree (rules, comments, empty items)."""
    lang: str
    """The note's main language (``ko``, ``ja`` or ``en``), for facts in kanji only."""


@dataclass
class _Draft:
    """A node under construction; frozen into :class:`Node` when the note is done."""

    kind: str
    title: str
    line: int
    level: float
    children: list[_Draft | Block] = field(default_factory=list)
    directives: list[str] = field(default_factory=list)
    list_place: ListPlace | None = None
    tags: list[str] = field(default_factory=list)

    def freeze(self) -> Node:
        children = tuple(
            child.freeze() if isinstance(child, _Draft) else child for child in self.children
        )
        return Node(
            self.kind,
            self.title,
            self.line,
            self.level,
            children,
            tuple(self.directives),
            self.list_place,
            tuple(dict.fromkeys(self.tags)),
        )


def _lines(node: SyntaxTreeNode) -> tuple[int, int]:
    begin, end = node.map or (0, 1)
    return begin + 1, max(begin + 1, end)


def _inline_source(node: SyntaxTreeNode) -> str:
    """The raw Markdown of a paragraph or heading."""
    inline = node.children[0] if node.children else None
    return inline.content.strip() if inline is not None else ""


def _is_image_only(markdown: str) -> bool:
    if "![" not in markdown:
        return False
    tokens = inline_tokens(markdown)
    kinds = {t.type for t in tokens if not (t.type == "text" and not t.content.strip())}
    return "image" in kinds and kinds <= {"image", "softbreak", "hardbreak"}


def title_markdown(markdown: str) -> str:
    """A title without what people end one with: a colon, a ``<br>``."""
    return _TITLE_TAIL.sub("", markdown.strip())


def _is_bold_title(markdown: str) -> bool:
    """A one-line paragraph that is entirely bold and short names what follows
    (``**Amazon Bedrock**``, ``**Amazon Comprehend / Medical**:``, ``**X** <br>``)."""
    markdown = title_markdown(markdown)
    if not (markdown.startswith(("**", "__")) and markdown.endswith(("**", "__"))):
        return False
    tokens = [t for t in inline_tokens(markdown) if t.type != "text" or t.content.strip()]
    if len(tokens) < 3 or tokens[0].type != "strong_open" or tokens[-1].type != "strong_close":
        return False
    if any(t.type == "strong_open" for t in tokens[1:]) or "\n" in markdown:
        return False
    text = plain_text(markdown)
    return len(text) <= _BOLD_TITLE_MAX and not text.endswith(_SENTENCE_END)


def _paragraph_block(markdown: str, line: int, end: int, kind: str) -> Block:
    return Block("image" if _is_image_only(markdown) else kind, markdown, line, end)


_STATEMENT_END = re.compile(r"(?:[.。．!?！？]|  |\\)$")
_STATEMENT_START = re.compile(r"^(?:※|→|->|=>|•|ex\))")
QUESTION = re.compile(r"^Q\s*[:：]\s*")
ANSWER = re.compile(r"^A\s*[:：]\s*")


def _statements(markdown: str, line: int) -> list[tuple[str, int]]:
    """A paragraph's lines grouped into statements, each with its first line.

    Notes often put one statement per line without blank lines between; a line that ends a
    sentence (or with a hard break), or a line opening with ``※``/``→``, starts a new fact.
    Other lines continue the sentence above them.
    """
    groups: list[tuple[list[str], int]] = []
    for offset, text in enumerate(markdown.split("\n")):
        previous = groups[-1][0][-1] if groups else ""
        answers = bool(groups) and QUESTION.match(groups[-1][0][0]) and ANSWER.match(text)
        continues = not _STATEMENT_END.search(previous) and not _STATEMENT_START.match(text)
        if groups and (continues or answers):
            groups[-1][0].append(text)
        else:
            groups.append(([text], line + offset))
    return [("\n".join(lines).strip(), first) for lines, first in groups]


class _Builder:
    """Walks markdown-it's block tree once, keeping a stack of open headings."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.root = _Draft("document", "", 1, 0)
        self.stack: list[_Draft] = [self.root]
        self.skipped: list[Skipped] = []
        self.front_matter: list[tuple[str, str]] = []
        self.tags: list[str] = []
        self.lists = 0
        self.tables = 0

    def skip(self, line: int, reason: str, warn: bool = False) -> None:
        self.skipped.append(Skipped(self.file, line, reason, warn))

    def top_level(self, node: SyntaxTreeNode) -> None:
        if node.type == "heading":
            self.open_section("heading", _inline_source(node), node, float(node.tag[1:]))
        elif node.type == "paragraph" and _is_bold_title(_inline_source(node)):
            level = self._heading_level() + 0.5
            self.open_section("bold", _inline_source(node), node, level)
        elif node.type == "front_matter":
            self.read_front_matter(node.content)
        else:
            self.stack[-1].children.extend(self.blocks(node))

    def _heading_level(self) -> float:
        return next((d.level for d in reversed(self.stack) if d.kind != "bold"), 0.0)

    def open_section(self, kind: str, title: str, node: SyntaxTreeNode, level: float) -> None:
        line, _ = _lines(node)
        while len(self.stack) > 1 and (
            self.stack[-1].level >= level or (kind == "heading" and self.stack[-1].kind == "bold")
        ):  # a heading also ends the bold-line groups above it
            self.stack.pop()
        draft = _Draft(kind, title_markdown(title), line, level)
        self.stack[-1].children.append(draft)
        self.stack.append(draft)
        if not plain_text(title):
            self.skip(line, "empty heading", warn=True)

    def read_front_matter(self, content: str) -> None:
        """YAML front matter: text values by key, and the note's tags."""
        try:
            data = yaml.safe_load(content)
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            line = 2 + (mark.line if mark is not None else 0)
            self.skip(line, "front matter is not valid YAML: it is ignored", warn=True)
            return
        if not isinstance(data, dict):
            return
        for key, value in data.items():
            if isinstance(value, str | int | float) and not isinstance(value, bool):
                self.front_matter.append((str(key).strip().lower(), str(value).strip()))
        self.tags.extend(_tag_list(data.get("tags", data.get("tag"))))

    def blocks(self, node: SyntaxTreeNode) -> list[_Draft | Block]:
        """The outline pieces for one block-level node below a section title."""
        line, end = _lines(node)
        if node.type == "paragraph":
            return self.paragraph(node, "paragraph")
        if node.type in ("bullet_list", "ordered_list"):
            return self.list_items(node)
        if node.type == "admonition":
            return [self.admonition(node)]
        if node.type == "blockquote":
            callout = self.callout(node)
            if callout is not None:
                return [callout]
            return [
                replace(block, kind="quote")
                if isinstance(block, Block) and block.kind == "paragraph"
                else block
                for child in node.children
                for block in self.blocks(child)
            ]
        if node.type == "fence":
            return [Block("code", f"```{node.info}\n{node.content}```", line, end)]
        if node.type == "table":
            return self.table_rows(node)
        if node.type == "html_block":
            return self.html_block(node.content, line, end)
        if node.type == "hr":
            self.skip(line, "horizontal rule")
        return []

    def admonition(self, node: SyntaxTreeNode) -> _Draft:
        """``!!! note "Title"`` (MkDocs): a section with that title; untitled, its content
        stays in the section around it (a bare "Note" or "Warning" names nothing)."""
        line, _ = _lines(node)
        title_node, *body = node.children
        titled = '"' in node.info or "'" in node.info
        draft = _Draft("callout", _inline_source(title_node) if titled else "", line, 0)
        for child in body:
            draft.children.extend(self.blocks(child))
        return draft

    def callout(self, node: SyntaxTreeNode) -> _Draft | None:
        """``> [!tip] Title`` (Obsidian): a section with that title; untitled, its content
        stays in the section around it."""
        first = node.children[0] if node.children else None
        if first is None or first.type != "paragraph":
            return None
        head, _, rest = _inline_source(first).partition("\n")
        found = _CALLOUT.match(head.strip())
        if found is None:
            return None
        line, end = _lines(first)
        draft = _Draft("callout", found.group("title").strip(), line, 0)
        for text, first_line in _statements(rest, line + 1) if rest.strip() else []:
            draft.children.append(_paragraph_block(text, first_line, end, "paragraph"))
        for child in node.children[1:]:
            draft.children.extend(self.blocks(child))
        return draft

    def paragraph(self, node: SyntaxTreeNode, kind: str) -> list[_Draft | Block]:
        line, end = _lines(node)
        inline = node.children[0] if node.children else None
        raw = _FOOTNOTE_DEFINITION.sub("", inline.content if inline is not None else "")
        tags = tags_in(raw)
        if tags and not plain_text(raw):
            self.stack[-1].tags.extend(tags)  # a line of tags tags its section
            return []
        statements = _statements(raw, line)
        return [
            _paragraph_block(text, first, end if index == len(statements) - 1 else first, kind)
            for index, (text, first) in enumerate(statements)
            if text
        ]

    def html_block(self, content: str, line: int, end: int) -> list[_Draft | Block]:
        directives = DIRECTIVE.findall(content)
        if directives:
            self.stack[-1].directives.extend(directives)
            return []
        if _COMMENT.match(content):
            self.skip(line, "HTML comment")
            return []
        return [Block("html", content.strip(), line, end)]

    def list_items(self, node: SyntaxTreeNode) -> list[_Draft | Block]:
        """Each item's pieces; an item that is one piece learns its place in the list."""
        self.lists += 1
        number = self.lists  # nested lists below take the next numbers
        items = [self.list_item(item) for item in node.children]
        ordered = node.type == "ordered_list"
        pieces: list[_Draft | Block] = []
        for index, item_pieces in enumerate(items):
            if len(item_pieces) == 1:
                place = ListPlace(number, index, len(items), ordered)
                item_pieces = [_placed(item_pieces[0], place)]
            pieces.extend(item_pieces)
        return pieces

    def list_item(self, item: SyntaxTreeNode) -> list[_Draft | Block]:
        line, end = _lines(item)
        parts = item.children
        if not parts:
            self.skip(line, "empty list item", warn=True)
            return []
        has_sublist = any(p.type in ("bullet_list", "ordered_list") for p in parts)
        if parts[0].type != "paragraph":
            return [piece for part in parts for piece in self.blocks(part)]
        if not has_sublist:
            return [self.leaf_item(parts, line, end)]
        title, *rest = _inline_source(parts[0]).split("\n")
        draft = _Draft("item", title.strip(), line, 0)
        if rest:
            draft.children.append(Block("paragraph", "\n".join(rest).strip(), line + 1, line + 1))
        for part in parts[1:]:
            draft.children.extend(self.blocks(part))
        return [draft]

    def leaf_item(self, parts: list[SyntaxTreeNode], line: int, end: int) -> Block:
        """A list item without sub-items is one fact, continuation paragraphs included."""
        if len(parts) == 1:
            return _paragraph_block(_inline_source(parts[0]), line, end, "item")
        markdown = "\n\n".join(
            _inline_source(p) if p.type == "paragraph" else p.content.strip() for p in parts
        )
        return Block("item", markdown, line, end)

    def table_rows(self, table: SyntaxTreeNode) -> list[_Draft | Block]:
        rows = [tr for section in table.children for tr in section.children]
        if not rows:
            return []
        header = [_inline_source(cell) for cell in rows[0].children]
        self.tables += 1
        blocks: list[_Draft | Block] = []
        for row in rows[1:]:
            cells = [_inline_source(cell) for cell in row.children]
            pairs = [f"**{h}**: {c}" if h else c for h, c in zip(header, cells, strict=False)]
            keyed = tuple(zip(header, cells, strict=False))
            line, end = _lines(row)
            text = " · ".join(p for p in pairs if p)
            blocks.append(Block("row", text, line, end, cells=keyed, table=self.tables))
        return blocks


def _placed(piece: _Draft | Block, place: ListPlace) -> _Draft | Block:
    if isinstance(piece, Block):
        return replace(piece, list_place=place)
    piece.list_place = place
    return piece


def script_language(text: str) -> str | None:
    """``ko`` if Hangul outnumbers kana, ``ja`` if not, None if neither appears."""
    hangul, kana = len(_HANGUL.findall(text)), len(_KANA.findall(text))
    if not (hangul or kana):
        return None
    return "ko" if hangul >= kana else "ja"


def main_language(text: str) -> str:
    """A note's language: by its scripts, ``en`` when it has no Hangul or kana."""
    return script_language(text) or "en"


def _tag_list(value: object) -> list[str]:
    """Front matter tags: ``[a, b]``, a YAML list, or ``"a, b"`` / ``"#a #b"`` text."""
    items = value if isinstance(value, list) else str(value or "").replace(",", " ").split()
    return [str(item).strip().lstrip("#") for item in items if str(item).strip().lstrip("#")]


def _width(line: str) -> int:
    """Columns of leading whitespace, a tab counting as four."""
    indent = line[: len(line) - len(line.lstrip(" \t"))]
    return len(indent.expandtabs(_OUTLINE_INDENT))


def _dedented(line: str, columns: int) -> str:
    stripped = line.lstrip(" \t")
    return " " * max(0, _width(line) - columns) + stripped


def _continues_block(previous: str) -> bool:
    """An indented line after this one belongs to it (a list item, an admonition body)."""
    return bool(_LIST_MARKER.match(previous) or _ADMONITION.match(previous)) or _width(previous) > 0


def outline_lists(text: str) -> str:
    """Bullets indented four or more spaces (or a tab) right under a heading or paragraph
    are moved left, keeping every line where it is: outliners write them so, and
    CommonMark would read them as one paragraph of literal ``- ``."""
    lines = text.split("\n")
    fenced, previous, index = False, "", 0
    while index < len(lines):
        line = lines[index]
        if _FENCE.match(line):
            fenced = not fenced
        elif (
            not fenced
            and _width(line) >= _OUTLINE_INDENT
            and _LIST_MARKER.match(line)
            and not _continues_block(previous)
        ):
            columns, start = _width(line), index
            while index < len(lines) and (
                not lines[index].strip() or _width(lines[index]) >= columns
            ):
                lines[index] = _dedented(lines[index], columns)
                index += 1
            previous = next((x for x in reversed(lines[start:index]) if x.strip()), previous)
            continue
        if line.strip():
            previous = line
        index += 1
    return "\n".join(lines)


NESTING_MAX = 8
"""Deeper lists and blockquotes are kept at this depth: markdown-it drops whatever lies
below its nesting limit, and with it the rest of the note (a list 10 levels deep lost
every fact after it)."""
_DEEPER = f"{{{NESTING_MAX + 1},}}"  # a regex count: more than NESTING_MAX
_MARKER = r"(?:[-*+]|\d{1,9}[.)])[ \t]+"
"""One list marker opening a list on a line ("- ", "1. ")."""
_MARKER_RUN = re.compile(rf"^([ \t]*)((?:{_MARKER}){_DEEPER})(?=\S)")
_QUOTE_RUN = re.compile(rf"^([ \t]*)((?:>[ \t]?){_DEEPER})")


def shallow_nesting(text: str) -> tuple[str, list[int]]:
    """``text`` with lists nested deeper than :data:`NESTING_MAX` moved up to that depth
    (their items become siblings there, their continuation lines follow them), and runs
    of more list markers or ``>`` on one line cut to it; and the 1-based lines where a
    deep block begins, to warn about. Every line stays where it is."""
    lines = text.split("\n")
    flattened: list[int] = []
    open_items: list[int] = []  # the indent of each list item open above the line
    fenced, shift, deep_item = False, 0, -1
    for index, line in enumerate(lines):
        if _FENCE.match(line):
            fenced = not fenced
        if fenced or not line.strip():
            continue
        width, cut = _width(line), _cut_runs(line)
        if cut != line:
            lines[index], line = cut, cut
            flattened.append(index + 1)
        if not _LIST_MARKER.match(line):
            if deep_item >= 0 and width > deep_item:
                lines[index] = _dedented(line, shift)
            elif width == 0:
                open_items, deep_item = [], -1
            continue
        while open_items and open_items[-1] >= width:
            open_items.pop()
        open_items.append(width)
        if len(open_items) <= NESTING_MAX:
            deep_item = -1
            continue
        if deep_item < 0 and (not flattened or flattened[-1] != index + 1):
            flattened.append(index + 1)
        deep_item, shift = width, width - open_items[NESTING_MAX - 1]
        lines[index] = _dedented(line, shift)
    return "\n".join(lines), flattened


def _cut_runs(line: str) -> str:
    """A line opening more than :data:`NESTING_MAX` lists or quotes at once, cut to it."""
    markers = _MARKER_RUN.match(line)
    if markers:
        kept = "".join(re.findall(_MARKER, markers.group(2))[:NESTING_MAX])
        line = markers.group(1) + kept + line[markers.end() :]
    quotes = _QUOTE_RUN.match(line)
    if quotes:
        line = quotes.group(1) + "> " * NESTING_MAX + line[quotes.end() :]
    return line


def parse_note(file: str, text: str) -> Outline:
    """Parse one note's text (already decoded, newlines normalized) into its outline."""
    builder = _Builder(file)
    text, flattened = shallow_nesting(text)
    for line in flattened:
        builder.skip(
            line, f"nested deeper than {NESTING_MAX} levels: kept at level {NESTING_MAX}", True
        )
    for node in SyntaxTreeNode(block_parser().parse(outline_lists(text))).children:
        builder.top_level(node)
    return Outline(
        file,
        builder.root.freeze(),
        tuple(builder.front_matter),
        tuple(dict.fromkeys(builder.tags)),
        tuple(builder.skipped),
        main_language(text),
    )


def outline_record(outline: Outline) -> dict[str, Any]:
    """An outline as JSON, to be kept between builds (see :mod:`generator.store.memo`)."""
    return {
        "file": outline.file,
        "root": _record(outline.root),
        "front_matter": outline.front_matter,
        "tags": outline.tags,
        "skipped": [astuple(skipped) for skipped in outline.skipped],
        "lang": outline.lang,
    }


def outline_from_record(record: dict[str, Any]) -> Outline:
    """The outline :func:`outline_record` wrote."""
    root = _from_record(record["root"])
    if not isinstance(root, Node):
        raise ValueError("an outline's root is a node")
    return Outline(
        record["file"],
        root,
        tuple((key, value) for key, value in record["front_matter"]),
        tuple(record["tags"]),
        tuple(Skipped(*skipped) for skipped in record["skipped"]),
        record["lang"],
    )


def _record(part: Node | Block) -> list[Any]:
    place = astuple(part.list_place) if part.list_place else None
    if isinstance(part, Block):
        cells = [list(cell) for cell in part.cells]
        return [
            "block",
            part.kind,
            part.markdown,
            part.line,
            part.end_line,
            place,
            cells,
            part.table,
        ]
    children = [_record(child) for child in part.children]
    return [
        "node",
        part.kind,
        part.title,
        part.line,
        part.level,
        children,
        part.directives,
        place,
        part.tags,
    ]


def _from_record(record: list[Any]) -> Node | Block:
    if record[0] == "block":
        _, kind, markdown, line, end_line, place, cells, table = record
        keyed = tuple((header, cell) for header, cell in cells)
        return Block(kind, markdown, line, end_line, _list_place(place), keyed, table)
    _, kind, title, line, level, children, directives, place, tags = record
    parts = tuple(_from_record(child) for child in children)
    return Node(kind, title, line, level, parts, tuple(directives), _list_place(place), tuple(tags))


def _list_place(record: list[Any] | None) -> ListPlace | None:
    return ListPlace(*record) if record else None
