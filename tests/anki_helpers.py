"""Import decks into real Anki (the `anki` package) and read cards as Anki renders them."""

from __future__ import annotations

import html
import re
from pathlib import Path

from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest

_TAGS = re.compile(r"<[^>]+>")
_STYLE = re.compile(r"<style>.*?</style>", re.DOTALL)


def open_collection(folder: Path) -> Collection:
    folder.mkdir(parents=True, exist_ok=True)
    return Collection(str(folder / "collection.anki2"))


def import_deck(collection: Collection, package: Path) -> None:
    """Import as a user does: default options ("update if newer"), no scheduling."""
    options = ImportAnkiPackageOptions(merge_notetypes=True, with_scheduling=False)
    request = ImportAnkiPackageRequest(package_path=str(package), options=options)
    collection.import_anki_package(request)


def rendered_cards(package: Path, folder: Path) -> list[dict[str, str]]:
    """Every card of ``package`` as Anki renders it, imported into a new collection in
    ``folder``: deck, kind, tags, question and answer HTML."""
    collection = open_collection(folder)
    import_deck(collection, package)
    cards = []
    for card_id in collection.find_cards(""):
        card = collection.get_card(card_id)
        note = card.note()
        cards.append(
            {
                "deck": collection.decks.name(card.did),
                "question": card.question(),
                "answer": card.answer(),
                "kind": note["Kind"],
                "tags": " ".join(note.tags),
            }
        )
    collection.close()
    return cards


def visible_text(rendered: str) -> str:
    """What a learner reads: tags and CSS removed, entities decoded, spaces collapsed."""
    text = _TAGS.sub(" ", _STYLE.sub("", rendered))
    return " ".join(html.unescape(text).split())


_BELOW_THE_RULE = re.compile(r'<hr id="answer"[^>]*>')


def answer_only(rendered_answer: str) -> str:
    """The part of an answer shown after the question (below the rule, or the clozes)."""
    below = _BELOW_THE_RULE.split(rendered_answer, maxsplit=1)
    if len(below) == 2:
        return visible_text(below[1])
    clozes = re.findall(r'<span class="cloze"[^>]*>(.*?)</span>', rendered_answer, re.DOTALL)
    return " ".join(visible_text(c) for c in clozes)
