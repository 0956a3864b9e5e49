"""Worker processes for the costly stages (parsing a large corpus, rendering the sheets),
and how they end.

They are forked from multiprocessing's fork server, not from the build itself: forked
from the build, they would inherit the build lock's descriptor and, orphaned by a killed
build, keep the output folder locked. The fork server can import WeasyPrint once, before
any worker is needed (:func:`start_fork_server`).

A pool's workers wait for work on a pipe that they themselves hold both ends of, so a
build killed before it shut its pool down (SIGKILL, SIGTERM, a closed terminal) would leave
them waiting forever, and the fork server with them. Each worker therefore also watches a
lifeline whose writing end only the build holds, and exits when it closes.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import BrokenExecutor, ProcessPoolExecutor
from multiprocessing.connection import Connection
from multiprocessing.context import ForkServerContext
from typing import Any

from ..errors import CheatdeckError


class WorkerLost(CheatdeckError):
    """A worker stopped before it finished its job (killed, out of memory, a crash in a C
    library). Builds write nothing before every job is done, so the outputs are as they
    were."""

    def __init__(self) -> None:
        super().__init__(
            "a worker process stopped before it finished (killed, or out of memory?): "
            "nothing was written; build again"
        )


@contextlib.contextmanager
def reporting_lost_workers() -> Iterator[None]:
    """Turn a pool broken by a lost worker into :class:`WorkerLost`."""
    try:
        yield
    except BrokenExecutor as error:
        raise WorkerLost() from error


RENDERING = ("generator.sheets.preload",)
"""What the fork server imports for render workers: WeasyPrint and the modules that make
the sheets' documents, once, so every worker forked from it starts with them."""


def start_fork_server(preload: tuple[str, ...] = ()) -> ForkServerContext:
    """Start the fork server now if it is not running, importing ``preload`` (WeasyPrint:
    ~0.4 s) while this process goes on. Light to call: it imports no stage."""
    from multiprocessing import forkserver

    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(list(preload))
    forkserver.ensure_running()
    return context


class WorkerPool(ProcessPoolExecutor):
    """A process pool whose workers end with the build, however it ends."""

    def __init__(
        self,
        workers: int,
        initializer: Callable[..., None] | None = None,
        initargs: tuple[Any, ...] = (),
        preload: tuple[str, ...] = (),
        starting: int = 0,
    ) -> None:
        """``starting``: how many processes may run before :meth:`allow` says more (0: all)."""
        self.lifeline_end, self.lifeline = multiprocessing.Pipe(duplex=False)
        super().__init__(
            workers,
            mp_context=start_fork_server(preload),
            initializer=_start_worker,
            initargs=(self.lifeline_end, initializer, initargs),
        )
        self.most = workers
        self._max_workers = starting or workers  # see allow()

    def allow(self, workers: int) -> None:
        """Let up to ``workers`` processes run (never more than the pool was made for).

        ProcessPoolExecutor starts a process for each job sent while none is idle, up to
        its limit (its ``_max_workers``, read on every job): a job sent while the only
        worker is busy starting would start a second one, cold, for nothing. A pool made
        with ``starting=1`` grows its limit with the jobs sent at once instead."""
        self._max_workers = max(self._max_workers, min(workers, self.most))

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        super().shutdown(wait, cancel_futures=cancel_futures)
        self.lifeline.close()
        self.lifeline_end.close()


def _start_worker(
    lifeline: Connection, initializer: Callable[..., None] | None, initargs: tuple[Any, ...]
) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the build's to handle
    threading.Thread(target=_exit_when_cut, args=(lifeline,), daemon=True).start()
    if initializer is not None:
        initializer(*initargs)


def _exit_when_cut(lifeline: Connection) -> None:
    """Wait until the build's end of the lifeline closes (nothing is ever sent), then go."""
    with contextlib.suppress(EOFError, OSError):
        lifeline.recv_bytes()
    os._exit(1)
