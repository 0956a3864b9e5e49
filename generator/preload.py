"""What the render workers' fork server imports before it forks them (see
:data:`generator.workers.RENDERING`): WeasyPrint and the modules that make the sheets'
documents, imported once, so every worker starts with them. pikepdf is left to the jobs
that draw pieces on frames: a one-line edit's first job only lays its sheet out."""

from . import documents  # noqa: F401
from .pdf import import_weasyprint, parse_c_types_at_once

import_weasyprint()
parse_c_types_at_once()
