"""Where the templates live: ``templates/`` at the top of the project.

Jinja templates, print CSS and the Anki card templates are data, not code; every stage that
needs one asks here, so there is one place to change if they move.
"""

from __future__ import annotations

from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def template_text(name: str) -> str:
    """The text of ``templates/<name>``."""
    return (TEMPLATES / name).read_text(encoding="utf-8")
