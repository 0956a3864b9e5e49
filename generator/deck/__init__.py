"""Stage 3a — deck: facts → cards → ``deck.apkg``.

Input: :class:`~generator.facts.extract.Notes` with ids, the lock and the deck options.
Output: a :class:`~generator.deck.cards.DeckPlan` — notes with their fields, GUIDs, tags and
times, the kinds of each fact's cards or why it has none — and the package's bytes
(:mod:`~generator.deck.apkg`). Which facts make which cards is decided by the rules of
:mod:`~generator.deck.card_rules`.
"""
