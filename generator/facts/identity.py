"""Stable fact identity: the lock file beside the notes.

A fact's id (and so its Anki note GUID) must survive edits to its text, moves to another
section or subject, and renamed files — otherwise every edit would make Anki add a new note
and drop the review history. Ids cannot come from the content alone, so they are recorded in
``cheatdeck.lock.json`` in the notes folder, to be committed with the notes.

Re-linking a fact to its recorded id, in order:

1. the same text (after whitespace is normalised) — a moved fact or a renamed file;
2. a term fact whose term is unchanged in the same subject (its definition rewritten);
3. the most similar recorded text of the same subject or the same file, if the rapidfuzz
   ratio is at least :data:`RELINK_THRESHOLD` — an edited fact;
4. the most similar recorded text anywhere, if the ratio is at least
   :data:`RELINK_ANYWHERE_THRESHOLD` — a fact moved to another note and edited;
5. otherwise a new id, hashed from subject and text (so two clean builds agree).

Recorded facts that match nothing are *removed*; they stay in the lock, marked, so the deck
can flag them once and a fact that comes back gets its old id.

Each fact's entry also remembers the Anki notes made from it, with the *namespace* of each
(the kind of question: term, cloze, which, list…): a note keeps the GUID recorded for its
namespace on its facts, so nothing about presentation — the deck's name, the paper, the
kinds turned off, the order of a list's items — can give it a new one. A new note's GUID is
hashed from the lock's *seed* (the deck name when the lock was made, never changed after),
its namespace and its first fact.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import Any

from rapidfuzz import fuzz, process

from .extract import Fact

LOCK_VERSION = 2
"""2: note records name their namespace and the lock keeps its GUID seed (1 hashed GUIDs
from the deck name of the day: renaming the deck re-keyed every note)."""
NAMESPACE_KINDS = {
    "term": ("term", "qa"),
    "item": ("term",),
    "reverse": ("reverse",),
    "cloze": ("cloze",),
    "which": ("which",),
    "list": ("list", "ordered"),
}
"""The kinds of question a GUID is made for, and the card kinds of each (qa shares term's,
ordered shares list's; ``item``: a defining sentence asked as a term)."""
NAMESPACES = tuple(NAMESPACE_KINDS)
_CONFLICT_MARKER = re.compile(r"^(<{7}|={7}|>{7})(\s|$)", re.MULTILINE)
RELINK_THRESHOLD = 70
"""Minimum rapidfuzz ratio (0–100) for an edited fact to keep its recorded id."""
RELINK_ANYWHERE_THRESHOLD = 90
"""The same, for a fact that moved to another note and subject as well as being edited."""
ANYWHERE_MAX = 200
"""Above this many unmatched facts (a rewrite, not an edit) no fact is looked for in
other notes and subjects: each look compares it with every free entry."""
TERM_KEY_MAX = 60
"""Longer "terms" are sentences with a colon in them, not terms."""


@dataclass(frozen=True, slots=True, order=True)
class NoteRecord:
    """An Anki note made from a fact, as the last build wrote it."""

    guid: str
    model: str
    """``basic`` or ``cloze``."""
    digest: str
    """Hash of the note's fields and tags."""
    modified: int
    """The modification time it was given: kept while the note reads the same, so Anki's
    "update if newer" applies exactly the notes that changed."""
    namespace: str = ""
    """The kind of question it asks (see :data:`NAMESPACES`); '' in a version 1 lock until
    :func:`migrated` names it."""


@dataclass(frozen=True, slots=True)
class Entry:
    """What the lock remembers of one fact."""

    subject: str
    file: str
    line: int
    path: tuple[str, ...]
    text: str
    digest: str
    """Hash of the fact's Markdown and path: a change means the note must be updated."""
    changed: int
    """Unix time the fact last changed; becomes the Anki note's modification time."""
    removed: int = 0
    """Unix time the fact disappeared from the notes (0 while it is there)."""
    notes: tuple[NoteRecord, ...] = ()
    """The Anki notes the last build made from this fact."""


@dataclass(frozen=True, slots=True)
class Changes:
    """How the facts differ from what the lock recorded."""

    added: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    moved: tuple[tuple[str, str, str], ...] = ()
    """(id, old subject, new subject) for facts that changed subject."""
    removed: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Identified:
    """Facts with their ids, the lock to save and what changed."""

    facts: tuple[Fact, ...]
    lock: dict[str, Entry]
    """The whole lock to save: this build's entries and, untouched, those of notes it did
    not read."""
    changes: Changes
    scope: frozenset[str] = frozenset()
    """Ids of the entries this build read, changed or retired: the deck speaks only of these."""
    seed: str = ""
    """What new notes' GUIDs are hashed from (see :func:`note_guid`)."""

    def scoped_lock(self) -> dict[str, Entry]:
        return {fact_id: self.lock[fact_id] for fact_id in self.scope}


def _normal(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split()).casefold()


def note_guid(seed: str, namespace: str, fact_id: str, *more: str) -> str:
    """A new note's GUID: the lock's seed, the question's namespace, its first fact."""
    digest = hashlib.sha256("\x1f".join((seed, namespace, fact_id, *more)).encode()).hexdigest()
    return f"cd{digest[:18]}"


def migrated(
    lock: dict[str, Entry], seed: str, deck_names: tuple[str, ...]
) -> tuple[str, dict[str, Entry]]:
    """The lock's GUID seed, and its note records each with its namespace.

    A version 1 lock has neither: its GUIDs were hashed from the deck name of the build
    that made them, so the first of ``deck_names`` (this build's, then the default) that
    gives back recorded GUIDs becomes the seed for good, and each record is named by the
    namespace whose hash it is. A new lock's seed is this build's deck name."""
    unnamed = [(fact_id, n) for fact_id, e in lock.items() for n in e.notes if not n.namespace]
    if seed or not unnamed:
        return seed or deck_names[0], lock
    for candidate in dict.fromkeys(deck_names):
        namespace_of = {
            note_guid(candidate, namespace, fact_id): namespace
            for fact_id, _ in unnamed
            for namespace in NAMESPACES
        }
        if any(note.guid in namespace_of for _, note in unnamed):
            return candidate, {
                fact_id: replace(
                    entry,
                    notes=tuple(
                        n if n.namespace else replace(n, namespace=namespace_of.get(n.guid, ""))
                        for n in entry.notes
                    ),
                )
                for fact_id, entry in lock.items()
            }
    return deck_names[0], lock


def digest(fact: Fact) -> str:
    payload = "\x1f".join((fact.subject, *fact.path, fact.markdown, fact.kind))
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


def new_id(fact: Fact, taken: set[str]) -> str:
    """A fresh id from subject and text, unique among ``taken``."""
    base = f"{fact.subject}\x1f{_normal(fact.text)}"
    for counter in range(1000):
        candidate = hashlib.sha256(f"{base}\x1f{counter}".encode()).hexdigest()[:12]
        if candidate not in taken:
            return candidate
    raise RuntimeError("no free fact id")  # pragma: no cover - 1000 hash collisions


@dataclass
class _Matcher:
    facts: list[Fact]
    lock: dict[str, Entry]
    matched: dict[int, str] = field(default_factory=dict)
    """Fact index → recorded id."""

    def free(self) -> set[str]:
        return set(self.lock) - set(self.matched.values())

    def by_text(self) -> None:
        pending: dict[str, list[str]] = defaultdict(list)
        for fact_id in sorted(self.lock, key=lambda i: (self.lock[i].file, self.lock[i].line)):
            pending[_normal(self.lock[fact_id].text)].append(fact_id)
        for index, fact in enumerate(self.facts):
            candidates = pending.get(_normal(fact.text))
            if candidates:
                best = min(candidates, key=lambda i: self._distance(fact, self.lock[i]))
                candidates.remove(best)
                self.matched[index] = best

    @staticmethod
    def _distance(fact: Fact, entry: Entry) -> tuple[bool, bool, int]:
        return (entry.subject != fact.subject, entry.file != fact.file, abs(entry.line - fact.line))

    def by_similarity(self) -> None:
        """Rule 2: the most similar free entry of the same subject or file; then, at a
        higher bar, of any subject and file (a fact moved to another note and edited) —
        for at most :data:`ANYWHERE_MAX` facts, so the cost stays linear in the notes."""
        groups: dict[str, list[str]] = defaultdict(list)
        for fact_id in sorted(self.free()):
            entry = self.lock[fact_id]
            groups["s:" + entry.subject].append(fact_id)
            groups["f:" + entry.file].append(fact_id)
        near = {
            index: groups["s:" + fact.subject] + groups["f:" + fact.file]
            for index, fact in enumerate(self.facts)
            if index not in self.matched
        }
        self._pair(near, RELINK_THRESHOLD)
        unmatched = [index for index in range(len(self.facts)) if index not in self.matched]
        if len(unmatched) <= ANYWHERE_MAX:
            anywhere = sorted(self.free())
            self._pair(dict.fromkeys(unmatched, anywhere), RELINK_ANYWHERE_THRESHOLD)

    def _pair(self, candidates: dict[int, list[str]], threshold: float) -> None:
        """Match each fact (by index) to the most similar of its free ``candidates``."""
        scored: list[tuple[float, int, str]] = []
        for index, ids in candidates.items():
            texts = [_normal(self.lock[fact_id].text) for fact_id in ids]
            found = process.extract(
                _normal(self.facts[index].text),
                texts,
                scorer=fuzz.ratio,
                score_cutoff=threshold,
                limit=None,
            )
            scored.extend((score, index, ids[position]) for _, score, position in found)
        taken: set[str] = set()
        for _, index, fact_id in sorted(scored, key=lambda s: (-s[0], s[1], s[2])):
            if index not in self.matched and fact_id not in taken:
                self.matched[index] = fact_id
                taken.add(fact_id)

    def by_term(self) -> None:
        """A term fact whose term is unchanged in the same subject is the same fact, however
        its definition was rewritten (``Slot :: …``): when one free entry and one fact
        alone share the subject and the term."""
        free: dict[tuple[str, str], list[str]] = defaultdict(list)
        for fact_id in sorted(self.free()):
            entry = self.lock[fact_id]
            free[(entry.subject, _term_key(entry.text))].append(fact_id)
        wanting: dict[tuple[str, str], list[int]] = defaultdict(list)
        for index, fact in enumerate(self.facts):
            if index not in self.matched and fact.kind in ("term", "qa"):
                wanting[(fact.subject, _term_key(fact.text))].append(index)
        for key, indexes in wanting.items():
            if key[1] and len(indexes) == 1 and len(free.get(key, ())) == 1:
                self.matched[indexes[0]] = free[key][0]


def _term_key(text: str) -> str:
    """The term of ``term: definition`` text, normalised; '' when there is none."""
    term, separator, _ = text.partition(": ")
    return _normal(term) if separator and len(term) <= TERM_KEY_MAX else ""


def assign_ids(
    facts: tuple[Fact, ...],
    lock: dict[str, Entry],
    now: int,
    untouched: frozenset[str] = frozenset(),
    seed: str = "",
) -> Identified:
    """Give every fact its id, re-linking edited, moved and renamed facts to the lock.

    ``untouched`` names note files on disk that this build did not read (a build of one
    file): their entries are neither matched, nor changed, nor reported removed.
    """
    kept = {i: e for i, e in lock.items() if e.file in untouched}
    lock = {i: e for i, e in lock.items() if e.file not in untouched}
    matcher = _Matcher(list(facts), lock)
    matcher.by_text()
    matcher.by_term()
    matcher.by_similarity()
    taken = set(lock) | set(kept)
    result: list[Fact] = []
    new_lock: dict[str, Entry] = {}
    added: list[str] = []
    updated: list[str] = []
    moved: list[tuple[str, str, str]] = []
    for index, fact in enumerate(facts):
        fact_id = matcher.matched.get(index) or new_id(fact, taken)
        taken.add(fact_id)
        old = lock.get(fact_id)
        changed = _changed_time(fact, old, now)
        if old is None:
            added.append(fact_id)
        elif changed != old.changed:
            updated.append(fact_id)
        if old is not None and not old.removed and old.subject != fact.subject:
            moved.append((fact_id, old.subject, fact.subject))
        new_lock[fact_id] = Entry(
            fact.subject,
            fact.file,
            fact.line,
            fact.path,
            fact.text,
            digest(fact),
            changed,
            notes=old.notes if old else (),
        )
        result.append(replace(fact, id=fact_id))
    removed = []
    for fact_id, entry in lock.items():
        if fact_id not in new_lock:
            if not entry.removed:
                removed.append(fact_id)
            new_lock[fact_id] = replace(entry, removed=entry.removed or now)
    changes = Changes(tuple(added), tuple(updated), tuple(moved), tuple(sorted(removed)))
    return Identified(tuple(result), {**kept, **new_lock}, changes, frozenset(new_lock), seed)


def record_notes(
    lock: dict[str, Entry], notes: dict[str, list[NoteRecord]], scope: frozenset[str]
) -> dict[str, Entry]:
    """The lock with the current Anki notes of each fact in ``scope`` remembered (the
    entries of notes this build did not read keep theirs)."""
    return {
        fact_id: replace(entry, notes=tuple(sorted(notes.get(fact_id, []))))
        if fact_id in scope
        else entry
        for fact_id, entry in lock.items()
    }


def _changed_time(fact: Fact, old: Entry | None, now: int) -> int:
    """Keep the recorded time while the fact is unchanged; otherwise a strictly later one.

    Anki applies an imported note only if it is newer than the one it has, so two builds
    in the same second must still produce increasing times.
    """
    if old is None:
        return now
    if old.digest == digest(fact) and not old.removed:
        return old.changed
    return max(now, old.changed + 1)


def lock_from_json(text: str, where: str) -> tuple[dict[str, Entry], str]:
    """Parse a lock file: its entries and its GUID seed ('' for version 1); ``where`` names
    it in errors. A lock this version cannot read is an error, never a silent reset: every
    card would lose its review history."""
    from ..errors import NotesError

    def unreadable(reason: str, line: int = 1) -> NotesError:
        return NotesError(where, line, f"{reason}; restore it from version control")

    if not text.strip():
        raise unreadable("the lock file is empty (a new one would give every card a new identity)")
    if (marker := _CONFLICT_MARKER.search(text)) is not None:
        line = text.count("\n", 0, marker.start()) + 1
        raise NotesError(
            where,
            line,
            "merge conflict markers: keep both sides' facts (each is one block) and delete "
            "the <<<<<<< ======= >>>>>>> lines, or take one side with git checkout --ours/--theirs",
        )
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise unreadable(f"unreadable lock file ({error.msg})", error.lineno) from None
    except RecursionError:
        raise unreadable("unreadable lock file (nested too deep)") from None
    try:
        version = int(data.get("version", 1))
        facts = data["facts"]
        seed = data.get("guid_seed", "")
        if not isinstance(facts, dict) or not isinstance(seed, str):
            raise TypeError("'facts' is not an object or 'guid_seed' not a string")
    except (ValueError, TypeError, AttributeError, KeyError) as error:
        raise unreadable(f"unreadable lock file ({error})") from None
    if version > LOCK_VERSION:
        raise NotesError(
            where,
            1,
            f"lock file version {version} was written by a newer cheatdeck (this one reads "
            f"version {LOCK_VERSION}): upgrade cheatdeck; the lock was left as it is",
        )
    entries = {}
    for fact_id, stored in facts.items():
        try:
            entries[fact_id] = _entry(stored)
        except (ValueError, KeyError, TypeError) as error:
            line = text.count("\n", 0, max(0, text.find(json.dumps(fact_id)))) + 1
            raise unreadable(f"unreadable entry {fact_id} ({error})", line) from None
    return entries, seed


def _entry(stored: object) -> Entry:
    """One fact's entry, every value of the type it must have."""
    if not isinstance(stored, dict):
        raise TypeError("not an object")
    path = _typed(stored, "path", list, [])
    notes = _typed(stored, "notes", list, [])
    if not all(isinstance(part, str) for part in path):
        raise TypeError("'path' holds a non-string")
    return Entry(
        subject=_typed(stored, "subject", str),
        file=_typed(stored, "file", str),
        line=_typed(stored, "line", int, 0),
        path=tuple(path),
        text=_typed(stored, "text", str),
        digest=_typed(stored, "digest", str),
        changed=_typed(stored, "changed", int),
        removed=_typed(stored, "removed", int, 0),
        notes=tuple(_note_record(note) for note in notes),
    )


_MISSING = object()


def _typed(stored: dict[str, object], key: str, kind: type, default: object = _MISSING) -> Any:
    value = stored.get(key, default)
    if value is _MISSING:
        raise KeyError(key)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise TypeError(f"'{key}' is not a{'n' if kind is int else ''} {kind.__name__}")
    return value


def _note_record(stored: object) -> NoteRecord:
    """A note as the lock stores it: [guid, model, digest, modified, namespace]."""
    if not isinstance(stored, list) or len(stored) < 2:
        raise TypeError("a note is not [guid, model, digest, modified, namespace]")
    guid, model, *rest = stored
    digest = rest[0] if rest else ""
    modified = rest[1] if len(rest) > 1 else 0
    namespace = rest[2] if len(rest) > 2 else ""
    if not all(isinstance(v, str) for v in (guid, model, digest, namespace)) or not isinstance(
        modified, int
    ):
        raise TypeError("a note's values are not [text, text, text, number, text]")
    return NoteRecord(guid, model, digest, modified, namespace)


def lock_to_json(lock: dict[str, Entry], seed: str) -> str:
    """The lock as stable, diff-friendly JSON (sorted ids, one fact per block)."""
    entries = {}
    for fact_id in sorted(lock):
        entry = lock[fact_id]
        record: dict[str, object] = {
            "subject": entry.subject,
            "file": entry.file,
            "line": entry.line,
            "path": list(entry.path),
            "text": entry.text,
            "digest": entry.digest,
            "changed": entry.changed,
        }
        if entry.removed:
            record["removed"] = entry.removed
        if entry.notes:
            record["notes"] = [
                [n.guid, n.model, n.digest, n.modified, n.namespace] for n in entry.notes
            ]
        entries[fact_id] = record
    document = {"version": LOCK_VERSION, "guid_seed": seed, "facts": entries}
    return json.dumps(document, ensure_ascii=False, indent=1)
