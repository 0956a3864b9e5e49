"""Stage 1 — notes: the Markdown files, read and parsed.

Input: the notes folders (and single ``.md`` files) a command names. Output: a
:class:`~generator.notes.sources.NoteSet` (each note's text, NFC, and the images beside
it) and, per note, an :class:`~generator.notes.parse.Outline` — headings, outline nodes
and leaf blocks with their source lines. :mod:`~generator.notes.inline` is the Markdown
dialect every later stage renders with (note-app syntax, literal bold, sanitizing);
:mod:`~generator.notes.quiz` reads quiz questions and their marked answers.
"""
