"""What the render workers' fork server imports before it forks them (see
:data:`generator.sheets.workers.RENDERING`): WeasyPrint, imported once, so every worker starts
with it. Workers lay out HTML the build prepared (no Jinja here), and pikepdf is left to
the jobs that draw pieces on frames: a one-line edit's first job only lays its sheet out.

WeasyPrint imports fontTools, whose table compiler imports uharfbuzz if it can, for its
GSUB/GPOS packer: 80 ms, a sixth of this import, before any worker can start. Workers
never compile those tables — WeasyPrint subsets fonts with libharfbuzz-subset, and only
saves a font through fontTools for variable or colour-emoji faces — so uharfbuzz is kept
out while WeasyPrint is imported; fontTools then packs in Python (its documented
fallback) if it is ever asked to. The main process, which cuts the font subsets with
uharfbuzz (:mod:`generator.sheets.fonts`), is not affected.
"""

import signal
import sys

from .pdf import import_weasyprint, parse_c_types_at_once

signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the build's to handle (see workers)

sys.modules.setdefault("uharfbuzz", None)  # type: ignore[arg-type]  # import fails at once
try:
    import_weasyprint()
finally:
    if sys.modules.get("uharfbuzz", False) is None:
        del sys.modules["uharfbuzz"]
parse_c_types_at_once()
