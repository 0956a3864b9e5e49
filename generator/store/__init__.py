"""The output folder, and what one build leaves for the next.

Input: bytes to write, results worth keeping. Output: files in OUT, replaced all at once
(:mod:`~generator.store.files`), only where cheatdeck wrote before
(:mod:`~generator.store.outputs`); the memos of pure, costly steps
(:mod:`~generator.store.memo`); the manifest of rendered sheets and the stamp a build with
nothing to do answers from (:mod:`~generator.store.cache`).
"""
