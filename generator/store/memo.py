"""Results of the pure, costly steps of a build, kept for the next build (a sheet's HTML,
a card's HTML): an edit changes a few of them, and the rest are taken as they were.

A memo is valid for one version of the code that made it (``code``: cheatdeck's files and
the libraries that render, see :func:`generator.store.cache.code_digest`); each result is found
by a key that names all of its inputs. What a build used is what it saves, so results no
longer asked for do not pile up.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

Result = TypeVar("Result")


@dataclass
class Memo(Generic[Result]):
    """Results by key: ``known`` from the last build, ``used`` by this one."""

    code: str
    known: dict[str, Result] = field(default_factory=dict)
    used: dict[str, Result] = field(default_factory=dict)

    def get(self, key: str, make: Callable[[], Result]) -> Result:
        """The result made under ``key`` by this build or an earlier one, else the one
        ``make`` makes now."""
        found = self.used.get(key)
        if found is None:
            found = self.known.get(key)
        if found is None:
            found = make()
        self.used[key] = found
        return found

    def keep_known(self) -> None:
        """Save what is known too, used or not (a build that read only some notes)."""
        self.used = {**self.known, **self.used}

    @property
    def changed(self) -> bool:
        """Something new was made, or something known was not used: worth saving."""
        return self.used.keys() != self.known.keys()

    def to_json(self, record: Callable[[Result], Any]) -> str:
        used = {key: record(result) for key, result in self.used.items()}
        return json.dumps({"code": self.code, "results": used}, ensure_ascii=False)


def read_memo(path: Path, code: str, result: Callable[[Any], Result]) -> Memo[Result]:
    """The memo saved at ``path`` by the same ``code`` (else an empty one: a memo that
    cannot be read, whatever is wrong with it, only means making everything again)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data["code"] != code:
            return Memo(code)
        return Memo(code, {key: result(found) for key, found in data["results"].items()})
    except (OSError, ValueError, LookupError, TypeError, AttributeError):
        return Memo(code)
