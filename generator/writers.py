"""The edge where outputs go to disk: atomic writes and the facts.json document.

Every output is written to a temporary file in the same folder and renamed over the old
one, so a build that fails or is killed leaves the previous output whole.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from .extract import Notes

FACTS_VERSION = 1


def write_atomic(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` in one rename (never a half-written file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def facts_document(notes: Notes) -> dict[str, Any]:
    """The facts.json document (CONTRACT.md), plus the skipped lines for review."""
    return {
        "version": FACTS_VERSION,
        "subjects": [
            {"name": s.name, "kind": s.kind, "slug": s.slug, "category": s.category}
            for s in notes.subjects
        ],
        "facts": [
            {
                "id": f.id,
                "subject": f.subject,
                "subject_kind": f.subject_kind,
                "path": list(f.path),
                "text": f.text,
                "kind": f.kind,
                "lang": f.lang,
                "source": {"file": f.file, "line": f.line, "end_line": f.end_line},
            }
            for f in notes.facts
        ],
        "skipped": [{"file": s.file, "line": s.line, "reason": s.reason} for s in notes.skipped],
    }


def facts_json(notes: Notes) -> str:
    return json.dumps(facts_document(notes), ensure_ascii=False, indent=2) + "\n"
