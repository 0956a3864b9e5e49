"""The edge to a person at a terminal: a progress display while a build works.

Shown only when stderr is a terminal (never in pipes, CI logs or ``--json`` runs) and
gone once the build ends, so what remains on screen is the report.
"""

from __future__ import annotations

import sys
from types import TracebackType
from typing import Any


class TerminalProgress:
    """A transient bar per build stage (rich), or nothing when stderr is not a terminal."""

    def __init__(self, enabled: bool = True) -> None:
        self.enabled = enabled and sys.stderr.isatty()
        self.display: Any = None
        self.task: Any = None
        self.stage = ""

    def __enter__(self) -> TerminalProgress:
        if self.enabled:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

            self.display = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            self.display.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self.display is not None:
            self.display.stop()
            self.display = None

    def __call__(self, stage: str, done: int, total: int) -> None:
        if self.display is None:
            return
        if stage != self.stage:
            if self.task is not None:
                self.display.remove_task(self.task)
            self.task = self.display.add_task(stage, total=total)
            self.stage = stage
        self.display.update(self.task, completed=done, total=total)
