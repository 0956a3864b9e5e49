"""The command line: ``cheatdeck build | watch | push | check | list | weak | facts``.

Input: the arguments and the config file beside the notes
(:mod:`~generator.commands.config`). Output: what each command prints and exits with;
the work itself is the pipeline's (:func:`generator.build.build`, :func:`generator.build.load`).
The Anki end (:mod:`~generator.commands.anki_connect`, :mod:`~generator.commands.push`,
:mod:`~generator.commands.weak`) is only reached by the commands that name it.
"""
