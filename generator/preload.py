"""What the render workers' fork server imports before it forks them (see
:data:`generator.workers.RENDERING`): WeasyPrint and the modules that make the sheets'
documents, imported once, so every worker starts with them."""

import pikepdf  # noqa: F401

from . import documents  # noqa: F401
from .pdf import import_weasyprint

import_weasyprint()
