"""Stage 3b — sheets: facts → one printed cheat sheet per subject and the booklet.

Input: :class:`~generator.facts.extract.Notes` and the sheet options. Output: each
subject's :class:`~generator.sheets.documents.Sheet` (HTML, planned by
:mod:`~generator.sheets.plan`), laid out and drawn to PDF by WeasyPrint in worker processes
(:mod:`~generator.sheets.pdf`, :mod:`~generator.sheets.workers`), and the booklet packed from
the laid-out pieces (:mod:`~generator.sheets.booklet`, :mod:`~generator.sheets.impose`).
"""
