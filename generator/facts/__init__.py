"""Stage 2 — facts: what each line of the notes is about, with an identity that lasts.

Input: the outlines of :mod:`generator.notes`. Output: :class:`~generator.facts.extract.Notes`
— subjects (an AWS service from the :mod:`~generator.facts.catalog`, or a topic) and facts
with their subject, path, text and source line — each given its id by
:mod:`~generator.facts.identity` from the lock beside the notes; and the facts.json
document (:mod:`~generator.facts.document`).
"""
