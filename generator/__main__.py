"""``python -m generator`` is the ``cheatdeck`` command."""

from .cli import main

if __name__ == "__main__":  # worker processes import this module again: do not re-run
    main()
