"""The by-hand alternative to cheatdeck's sheets, the yardstick of `bench/run.py`.

What a user would otherwise do: every note through markdown-it (CommonMark plus tables)
into HTML, all of it laid out by WeasyPrint as one PDF, in one process, with the same
fonts and page size cheatdeck prints with. No deck, no outline, no columns.

    .venv/bin/python bench/by_hand.py NOTES_FOLDER OUT.pdf
"""

from __future__ import annotations

import sys
from pathlib import Path

from markdown_it import MarkdownIt
from weasyprint import CSS, HTML

STYLE = """
@page { size: 297mm 210mm; margin: 12mm 8mm 11mm 8mm; }
html { font-family: "Noto Sans CJK KR", sans-serif; font-size: 7.5pt; line-height: 1.2; }
:lang(ja) { font-family: "Noto Sans CJK JP", sans-serif; }
body { column-count: 3; column-gap: 4mm; column-fill: auto; }
article { break-before: page; }
code, pre { font-family: "Noto Sans Mono CJK KR", monospace; }
"""


def main() -> None:
    notes, target = Path(sys.argv[1]), Path(sys.argv[2])
    markdown = MarkdownIt("commonmark", {"html": False}).enable("table")
    body = "".join(
        f'<article lang="{"ja" if ".ja." in note.name else "ko"}">'
        + markdown.render(note.read_text(encoding="utf-8"))
        + "</article>"
        for note in sorted(notes.glob("*.md"))
    )
    page = f'<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>{body}</body></html>'
    HTML(string=page).write_pdf(target, stylesheets=[CSS(string=STYLE)])


if __name__ == "__main__":
    main()
