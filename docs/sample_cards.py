"""Draw random cards from a built deck as real Anki renders them, to rate them by hand.

The deck is imported into a throw-away Anki collection and every card is read through
``card.question()``/``card.answer()``, so what is printed is what a learner sees. Use it
after any change to card generation: rate each card keep / fix / delete against the
"20 rules of formulating knowledge" and keep the counts.

    .venv/bin/python docs/sample_cards.py build/deck.apkg --count 100 --seed 8
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.anki_helpers import answer_only, rendered_cards, visible_text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("package", type=Path)
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--kind", default="", help="only cards of this kind")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        found = rendered_cards(arguments.package, Path(folder))
    cards = [card for card in found if not arguments.kind or card["kind"] == arguments.kind]
    sample = random.Random(arguments.seed).sample(cards, min(arguments.count, len(cards)))
    for number, card in enumerate(sample, 1):
        print(f"#{number} [{card['kind']}] {card['deck']}")
        print(f"  Q: {visible_text(card['question'])}")
        print(f"  A: {answer_only(card['answer'])}")
    print(f"{len(sample)} of {len(cards)} cards", file=sys.stderr)


if __name__ == "__main__":
    main()
