"""``python -m generator`` is the ``cheatdeck`` command."""

if __name__ == "__main__":  # render workers import this module again, as __mp_main__
    from .commands.cli import main

    main()
