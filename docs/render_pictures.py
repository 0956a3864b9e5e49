"""Render the README's pictures from a build: sheet pages and cards as Anki shows them.

Cards are imported into a throw-away Anki collection and rendered with Anki's own
``card.question()``/``card.answer()``; WeasyPrint lays the HTML out and poppler's pdftoppm
turns pages into PNGs. Run with ``make pictures`` after ``make build``.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from weasyprint import HTML

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.anki_helpers import import_deck, open_collection

BUILD = Path("build")
DOCS = Path("docs")
CARDS = [
    ("which", "tag:cheatdeck::kind::which tag:cheatdeck::subject::Amazon_Polly"),
    ("cloze", "tag:cheatdeck::kind::cloze tag:cheatdeck::subject::Amazon_Personalize"),
    ("term", "tag:cheatdeck::kind::term tag:cheatdeck::subject::Amazon_Personalize"),
    ("list", "tag:cheatdeck::kind::list tag:cheatdeck::subject::Amazon_SageMaker"),
    ("ordered", "tag:cheatdeck::kind::ordered"),
]
SHEETS = [("sheet-ko", "amazon-personalize"), ("sheet-ja", "amazon-sagemaker")]
BOOKLET_PAGE = 4
"""A packed booklet page where several small subjects share the columns."""
DECISION_PAGE = 1
"""The contents, and the decision page starting under them."""
PANEL = """<div class="panel {mode}"><div class="side">{label}</div>
<div class="card {mode}">{html}</div></div>"""


def png(pdf: Path, target: Path, resolution: int, page: int = 1) -> None:
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            str(resolution),
            "-png",
            "-singlefile",
            "-f",
            str(page),
            "-l",
            str(page),
            str(pdf),
            str(target),
        ],
        check=True,
    )


def card_picture(question: str, answer: str, target: Path, night: bool) -> None:
    mode = "nightMode" if night else ""
    panels = PANEL.format(mode=mode, label="Front", html=question) + PANEL.format(
        mode=mode, label="Back", html=answer
    )
    page = f"""<html><head><style>
      @page {{ size: 250mm 105mm; margin: 4mm; }}
      body {{ display: flex; gap: 4mm; margin: 0; font-family: sans-serif; }}
      .panel {{ flex: 1; border: 1px solid #ccc; border-radius: 3mm; padding: 3mm;
               background: white; }}
      .panel.nightMode {{ background: #1e1e1e; }}
      .side {{ font: 9pt sans-serif; color: #888; margin-bottom: 2mm; }}
    </style></head><body>{panels}</body></html>"""
    with tempfile.TemporaryDirectory() as folder:
        pdf = Path(folder) / "card.pdf"
        HTML(string=page).write_pdf(pdf)
        png(pdf, target, 110)


def main() -> None:
    collection = open_collection(Path(tempfile.mkdtemp()))
    import_deck(collection, BUILD / "deck.apkg")
    for name, query in CARDS:
        card = collection.get_card(collection.find_cards(query)[0])
        card_picture(card.question(), card.answer(), DOCS / f"card-{name}", night=False)
    card = collection.get_card(collection.find_cards(CARDS[0][1])[0])
    card_picture(card.question(), card.answer(), DOCS / "card-which-night", night=True)
    for name, slug in SHEETS:
        png(BUILD / "sheets" / f"{slug}.pdf", DOCS / name, 80)
    png(BUILD / "sheets" / "all.pdf", DOCS / "booklet-page", 80, page=BOOKLET_PAGE)
    png(BUILD / "sheets" / "all.pdf", DOCS / "decision-page", 80, page=DECISION_PAGE)


if __name__ == "__main__":
    main()
