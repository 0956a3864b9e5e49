"""The AWS service catalog and the rules that recognise a service in a title.

The catalog is data (``data/services.toml``); this module loads it once and answers three
questions for extraction and cards: does this title *name* a service (and what is left of
the title), which services does a text *mention*, and every name a service goes by.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from importlib.resources import files

from rapidfuzz import fuzz, process

from ..lang import alternation
from ..options import NO_EXTENSION, CatalogExtension
from ..service import Service

FUZZY_THRESHOLD = 85
"""Minimum rapidfuzz ratio for a misspelt title word to name a service ("forecase")."""
FUZZY_MARGIN = 4
"""The best fuzzy candidate must beat the best other service by this much."""
SUGGEST_THRESHOLD = 75
"""Minimum rapidfuzz ratio for a "did you mean" (only suggested, never applied)."""
_FUZZY_CANDIDATES = 8
_FUZZY_MIN_LENGTH = 5
_PREFIX = r"(?:(?:amazon|aws)\s+)"
_EDGE_BEFORE = r"(?<![A-Za-z0-9_])"
_EDGE_AFTER = r"(?![A-Za-z0-9_])"
_PART_SEPARATOR = re.compile(
    r"\s*" + alternation("title_conjunctions", "&", "/", ",", r"\+", "、", "・") + r"\s*",
    re.IGNORECASE,
)
_REMAINDER_SEPARATOR = re.compile(r"^[\s\-–—:：·|>→]+")
_PARTICLE = re.compile(r"\s*" + alternation("name_particles"))
"""A particle going on from a name, after a space ("Bedrock の主な機能")."""
_TRAILING_NOTE = re.compile(r"\s*[(（][^)）]*[)）]\s*$")
_LEADING_PREFIX = re.compile(rf"^{_PREFIX}", re.IGNORECASE)
_FEATURE_OF = re.compile(r"\s+(?:in|for)\s+(.+?)\s*$", re.IGNORECASE)
_OUTLINE_NUMBER = re.compile(r"^(?:\d+(?:\.\d+)*[.)]?|\(\d+\)|[\u2460-\u2473])\s+")
"""A numbered heading's number ("2.", "2.1", "(3)", "③"): not part of the name it gives."""


def without_number(title: str) -> str:
    """A title without its heading number: "2.1 SageMaker Pipelines" names the feature."""
    return _OUTLINE_NUMBER.sub("", title.strip())


def without_vendor(name: str) -> str:
    """A service's own name, "Amazon"/"AWS" left out: "Amazon Kendra" is "Kendra" in a note."""
    return _LEADING_PREFIX.sub("", name)


def bare_name(name: str) -> str:
    """A name as compared for spelling: without Amazon/AWS, spaces collapsed, casefolded."""
    return " ".join(without_vendor(name.strip(" -–—:：·|>→")).split()).casefold()


@dataclass(frozen=True, slots=True)
class TitleMatch:
    """A title that names a service."""

    service: Service
    """The service (or feature) the title names."""
    remainder: str
    """What the title says beyond the name ("콘텐츠 조정 기능"), or the whole title when the
    name is part of a phrase ("Amazon Bedrock의 모델 평가"); empty when the title is the name."""
    fuzzy: bool = False
    """The name is misspelt ("Forcast"): read as the service, reported by ``check``."""


@dataclass(frozen=True, slots=True)
class Member:
    """One service of a title that names several ("amazon lex & connect")."""

    written: str
    """The part of the title as written ("connect", "Metrics")."""
    service: Service | None
    """The service it names, or None for a part that names none ("TorchServe")."""


_Trie = dict[str, "_Trie"]


def _trie_pattern(names: set[str]) -> str:
    """One regex for many names, shaped as a trie: Python's ``re`` tries alternatives one by
    one at every position, so a flat alternation of 300 names is ~20x slower.

    Spaces inside names match any run of whitespace; letters are matched case-insensitively
    by the caller's flags.
    """
    trie: _Trie = {}
    for name in names:
        node = trie
        for char in " ".join(name.casefold().split()):
            node = node.setdefault(char, {})
        node[""] = {}
    return _trie_regex(trie)


def _trie_regex(node: _Trie) -> str:
    ends = "" in node
    branches = [
        (r"\s+" if char == " " else re.escape(char)) + _trie_regex(child)
        for char, child in sorted(node.items())
        if char
    ]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{body})?" if ends else body


def _normalize(text: str) -> str:
    return " ".join(text.casefold().replace("_", " ").split())


class Catalog:
    """Services by name, with the compiled patterns that find them in text."""

    def __init__(self, services: list[Service]) -> None:
        self.services = {service.name: service for service in services}
        self.digest = hashlib.sha256(repr(services).encode()).hexdigest()
        """Names everything in it (sheets planned with another catalog are planned again)."""
        self._by_name: dict[str, Service] = {}
        for service in services:
            for name in service.spellings:
                key = _normalize(name)
                if key in self._by_name and self._by_name[key] is not service:
                    raise ValueError(f"catalog: {name!r} names two services")
                self._by_name[key] = service
        self._pattern = self._compile(services)
        worded = {_normalize(word) for service in services for word in service.words}
        self._words = frozenset(worded)
        fuzzy_names = [
            (key, service, key in worded)
            for service in services
            for name in service.spellings
            if (key := _normalize(_LEADING_PREFIX.sub("", name)))
        ]
        self._fuzzy_choices = {
            allowed: (
                [key for key, _, is_word in fuzzy_names if allowed or not is_word],
                [service for _, service, is_word in fuzzy_names if allowed or not is_word],
            )
            for allowed in (True, False)
        }

    @staticmethod
    def _compile(services: list[Service]) -> re.Pattern[str]:
        """Names (optionally after "Amazon"/"AWS"), and word-names only after them."""
        plain = _trie_pattern({n for s in services for n in (s.name, *s.aliases)})
        worded = _trie_pattern({n for s in services for n in s.words})
        body = f"{_PREFIX}?{plain}|{_PREFIX}{worded}"
        return re.compile(f"{_EDGE_BEFORE}(?:{body}){_EDGE_AFTER}", re.IGNORECASE)

    def owner(self, service: Service) -> Service:
        """The service whose sheet and subdeck a feature's facts go to."""
        return self.services[service.parent] if service.parent else service

    def category(self, service: Service) -> str:
        return self.owner(service).category

    def lookup(self, text: str) -> Service | None:
        """The service a whole text names exactly ("Glue", "amazon lex"), if any."""
        key = _normalize(_TRAILING_NOTE.sub("", text).strip(" :：*`"))
        return self._by_name.get(key) or self._by_name.get(_normalize(_LEADING_PREFIX.sub("", key)))

    def is_word(self, text: str) -> bool:
        """Whether a text is one of the ordinary-word spellings ("Connect", "lambda")."""
        return _normalize(text) in self._words

    def mentions(self, text: str) -> list[tuple[int, int, Service]]:
        """Every (start, end, service) where the text names a service, left to right."""
        found: list[tuple[int, int, Service]] = []
        for match in self._pattern.finditer(text):
            service = self.lookup(match.group(0))
            if service is not None:
                found.append((match.start(), match.end(), service))
        return found

    def names_of(self, service: Service) -> list[str]:
        """Every spelling of a service and of its features, longest first (for masking)."""
        return list(self._names_of(service.name))

    @lru_cache(maxsize=1024)  # noqa: B019 - one catalog per process; asked once per fact
    def _names_of(self, name: str) -> tuple[str, ...]:
        family = [s for s in self.services.values() if name in (s.name, s.parent)]
        names = {n for s in family for n in s.spellings}
        names |= {_LEADING_PREFIX.sub("", n) for n in names}
        return tuple(sorted(names, key=len, reverse=True))

    @lru_cache(maxsize=16384)  # noqa: B019 - one catalog per process; titles repeat a lot
    def match_title(self, title: str) -> TitleMatch | None:
        """The service a title names: whole, at its start, or misspelt at its start (after
        the heading's number, if it has one)."""
        title = without_number(title)
        whole = self.lookup(title)
        if whole is not None:
            return TitleMatch(whole, "")
        match = self._pattern.match(title)
        if match is not None:
            service = self.lookup(match.group(0))
            if service is not None:
                host = _FEATURE_OF.match(title, match.end())
                owner = self.lookup(host.group(1)) if host else None
                if owner is not None:  # "Amazon Q in Connect": a feature of Amazon Connect
                    return TitleMatch(owner, title)
                return TitleMatch(service, _remainder(title, match.end()))
        return self._fuzzy_title(title)

    def _fuzzy_title(self, title: str) -> TitleMatch | None:
        stripped = _LEADING_PREFIX.sub("", title)
        prefixed = stripped != title
        words = stripped.split()
        for count in range(min(3, len(words)), 0, -1):
            head = " ".join(words[:count])
            service = self._fuzzy_one(head, words_allowed=prefixed or count == len(words))
            if service is not None:
                return TitleMatch(service, _remainder(stripped, len(head)), fuzzy=True)
        return None

    def suggest(self, text: str) -> tuple[str, Service] | None:
        """The service a name that is not in the catalog comes closest to, if any does, and
        the words of ``text`` that are that name (its first one to three words)."""
        words = _normalize(_LEADING_PREFIX.sub("", text)).split()
        names, services = self._fuzzy_choices[True]
        best: tuple[float, int, Service] | None = None
        for count in range(1, min(3, len(words)) + 1):
            head = " ".join(words[:count])
            if len(head) < _FUZZY_MIN_LENGTH:
                continue
            found = process.extractOne(
                head, names, scorer=fuzz.ratio, score_cutoff=SUGGEST_THRESHOLD
            )
            if found and (best is None or found[1] > best[0]):
                best = (found[1], count, services[found[2]])
        if best is None:
            return None
        prefix = len(text) - len(_LEADING_PREFIX.sub("", text))
        written = " ".join(text[prefix:].split()[: best[1]])
        return text[:prefix] + written, self.owner(best[2])

    def _fuzzy_one(self, text: str, words_allowed: bool) -> Service | None:
        """The one service a misspelt name is close to; ordinary words only when alone."""
        key = _normalize(text)
        if len(key) < _FUZZY_MIN_LENGTH or not key.isascii():
            return None
        names, services = self._fuzzy_choices[words_allowed]
        ranked = process.extract(key, names, scorer=fuzz.ratio, limit=_FUZZY_CANDIDATES)
        scored = [(score, services[index]) for _, score, index in ranked]
        best_score, best = scored[0]
        runner_up = next((score for score, s in scored if s is not best), 0.0)
        if best_score >= FUZZY_THRESHOLD and best_score - runner_up >= FUZZY_MARGIN:
            return best
        return None

    @lru_cache(maxsize=16384)  # noqa: B019 - one catalog per process; titles repeat a lot
    def members(self, title: str) -> tuple[Member, ...] | None:
        """The parts of a title that names several services, or None if it names fewer."""
        parts = [p for p in _PART_SEPARATOR.split(title.strip()) if p.strip()]
        if len(parts) < 2:
            return None
        members = [Member(parts[0], self.lookup(parts[0]))]
        stem = parts[0].rsplit(" ", 1)[0] if " " in parts[0] else ""
        for part in parts[1:]:
            # "Amazon Lex / Connect", "Amazon Comprehend / Medical" (a variant of the first)
            service = (
                self.lookup(part)
                or (self.lookup(f"{stem} {part}") if stem else None)
                or self.lookup(f"{parts[0]} {part}")
            )
            members.append(Member(part, service))
        named = [m for m in members if m.service is not None]
        return tuple(members) if named and (len(named) >= 2 or len(named) < len(members)) else None


def _remainder(title: str, end: int) -> str:
    rest = title[end:]
    if rest[:1].isalpha() or _PARTICLE.match(rest):  # a particle goes on from the name:
        return title  # "Amazon Bedrock의 모델 평가", "Bedrock の主な機能"
    return _REMAINDER_SEPARATOR.sub("", rest).strip()


def entry_service(entry: dict[str, object]) -> Service:
    """A service from a catalog table (``[[service]]``: name, category, aliases, words,
    parent, clues, says)."""

    def strings(key: str) -> tuple[str, ...]:
        value = entry.get(key, [])
        return tuple(str(v) for v in value) if isinstance(value, list) else ()

    parent = entry.get("parent")
    return Service(
        name=str(entry["name"]),
        category=str(entry.get("category", "")),
        aliases=strings("aliases"),
        words=strings("words"),
        parent=str(parent) if parent else None,
        clues=strings("clues"),
        says=strings("says"),
    )


@cache
def _shipped() -> tuple[Service, ...]:
    text = (files("generator") / "data" / "services.toml").read_text(encoding="utf-8")
    return tuple(entry_service(entry) for entry in tomllib.loads(text)["service"])


@cache
def load_catalog(extension: CatalogExtension = NO_EXTENSION) -> Catalog:
    """The catalog shipped with cheatdeck plus the user's extension (built once per process).

    Raises ValueError when an alias names no service or a name would mean two services.
    """
    services = {service.name: service for service in _shipped()}
    for service in extension.services:
        services[service.name] = service
    for spelling, name in extension.aliases:
        found = services.get(name) or next(
            (s for s in services.values() if _normalize(s.name) == _normalize(name)), None
        )
        if found is None:
            raise ValueError(f"alias {spelling!r}: no service named {name!r} in the catalog")
        services[found.name] = replace(found, aliases=(*found.aliases, spelling))
    return Catalog(list(services.values()))
