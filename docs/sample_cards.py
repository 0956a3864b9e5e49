"""Draw cards from a built deck as real Anki renders them, to rate them blind.

The deck is imported into a throw-away Anki collection and every card is read through
``card.question()``/``card.answer()``, so what is printed is what a learner sees. The
procedure (../shared/CARD_RUBRIC.md): after any change to card generation, draw 20 cards of
each kind with the day's date as the seed (not chosen), write them as TSV, and hand the TSV
and the rubric — nothing else — to a rater who has not seen the code.

    .venv/bin/python docs/sample_cards.py build/deck.apkg --per-kind 20 --tsv > sample.tsv
    .venv/bin/python docs/sample_cards.py build/deck.apkg --count 100 --seed 8   # to read
"""

from __future__ import annotations

import argparse
import csv
import random
import re
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.anki_helpers import answer_only, rendered_cards, visible_text


def _drawn(cards: list[dict[str, str]], arguments: argparse.Namespace) -> list[dict[str, str]]:
    """``--per-kind N``: N of each kind (all when fewer), kinds in order; else ``--count``."""
    chance = random.Random(arguments.seed)
    if not arguments.per_kind:
        return chance.sample(cards, min(arguments.count, len(cards)))
    by_kind: dict[str, list[dict[str, str]]] = defaultdict(list)
    for card in cards:
        by_kind[card["kind"]].append(card)
    return [
        card
        for kind in sorted(by_kind)
        for card in chance.sample(by_kind[kind], min(arguments.per_kind, len(by_kind[kind])))
    ]


_SOURCE = re.compile(r'<div class="cd-source">(.*?)</div>', re.DOTALL)


def _marked(answer: str) -> str:
    """The note file printed small under every answer, said for what it is: in text
    alone it reads as part of the answer."""
    return _SOURCE.sub(r"<div>[source note: \1]</div>", answer)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("package", type=Path)
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--per-kind", type=int, default=0, help="draw this many of each kind")
    parser.add_argument(
        "--seed", type=int, default=int(time.strftime("%Y%m%d")), help="default: today"
    )
    parser.add_argument("--kind", default="", help="only cards of this kind")
    parser.add_argument("--tsv", action="store_true", help="kind, deck, front, back as TSV")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        found = rendered_cards(arguments.package, Path(folder))
    cards = [card for card in found if not arguments.kind or card["kind"] == arguments.kind]
    cards = [card for card in cards if "cheatdeck::removed" not in card["tags"]]
    cards.sort(key=lambda card: (card["kind"], card["deck"], card["question"]))
    sample = _drawn(cards, arguments)
    if arguments.tsv:
        writer = csv.writer(sys.stdout, delimiter="\t", lineterminator="\n")
        writer.writerow(["n", "kind", "deck", "front", "back"])
        for number, card in enumerate(sample, 1):
            front, back = visible_text(card["question"]), answer_only(_marked(card["answer"]))
            writer.writerow([number, card["kind"], card["deck"], front, back])
    else:
        for number, card in enumerate(sample, 1):
            print(f"#{number} [{card['kind']}] {card['deck']}")
            print(f"  Q: {visible_text(card['question'])}")
            print(f"  A: {answer_only(_marked(card['answer']))}")
    print(f"{len(sample)} of {len(cards)} cards (seed {arguments.seed})", file=sys.stderr)


if __name__ == "__main__":
    main()
