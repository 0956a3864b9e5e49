"""``python -m generator`` is the ``cheatdeck`` command."""

from .cli import main

main()
