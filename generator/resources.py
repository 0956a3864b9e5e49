"""Where the templates live: ``templates/`` at the top of the project.

Jinja templates, print CSS and the Anki card templates are data, not code; every stage that
needs one asks here, so there is one place to change if they move. ``generator/templates``
is a link to that folder, so the package carries them when installed as a wheel, and
``importlib.resources`` finds them either way.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

TEMPLATES = Path(str(files("generator") / "templates")).resolve()


def template_text(name: str) -> str:
    """The text of ``templates/<name>``."""
    return (TEMPLATES / name).read_text(encoding="utf-8")
