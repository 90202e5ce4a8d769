"""Parsing a batch of pages (the CLI's ingest) in several processes, each page within the
time budget, the results in the pages' order.

Each worker is a process of its own that parses one page at a time, with the next page
already handed to it, so it never waits for a round trip to the parent between pages. A page's
budget counts from when its worker starts it (when the page before it on that worker is done),
never from a wait behind another page. A page that runs past the budget has its worker killed
and a fresh one started in its place; the page that waited behind it is handed to a worker
again, and the pages on the other workers are not disturbed. Results come back in the order
the jobs were given, whichever worker finishes first. At most READ_AHEAD jobs per worker are
read ahead: enough that a page slow to parse, holding back the results behind it, leaves the
other workers pages to go on with, and few enough that a directory of any size is held in
memory a few dozen pages at a time.
"""

from __future__ import annotations

import math
import os
import select
import time
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from api.ingest.errors import PageError
from api.parsing.pool import DEFAULT_BUDGET_SECONDS, STARTUP_SECONDS, ParseBudgetExceeded
from api.parsing.process import DONE, REFUSED, ParserProcess, ProcessStopped

K = TypeVar("K")
T = TypeVar("T")
READ_AHEAD = 16  # jobs read ahead per worker, waiting or done but not yet handed back
DEPTH = 2  # pages handed to a worker at once: the one it parses and the one it starts next


def default_workers() -> int:
    """One worker per core."""
    return os.cpu_count() or 1


class ParserStopped(PageError):
    """The worker parsing the page stopped (killed from outside, or out of memory)."""

    def __init__(self) -> None:
        super().__init__("the parser process stopped while parsing this page")


class _Worker:
    """One parser process, parsing one page with at most DEPTH - 1 more waiting in its pipe."""

    def __init__(self) -> None:
        self.process = ParserProcess()
        self.pages: deque[_Slot[Any, Any]] = deque()  # handed to it, the one it parses first

    def has_room(self) -> bool:
        return len(self.pages) < DEPTH

    def up(self) -> bool:
        """Started and ready for a page (one not up within STARTUP_SECONDS raises)."""
        if self.process.late():
            raise RuntimeError(f"a parser process did not start in {STARTUP_SECONDS:g} s")
        return self.process.ready

    def stop(self) -> None:
        """Let it exit when idle; kill it when a page is still in it."""
        self.process.close(kill=bool(self.pages))


@dataclass(slots=True)
class _Slot(Generic[K, T]):
    """One job, from when it is read until it is handed back."""

    key: K
    args: Sequence[object] | None  # None: nothing to parse, handed back as it is
    done: bool = False
    result: T | PageError | None = None
    deadline: float = math.inf  # set once its worker starts it


class ParseWorkers:
    """`workers` parser processes (default: one per core), each page within `budget` s.

    `map` starts the processes and stops them when it is done; used as a context manager,
    the processes are started (and waited for) on entry and kept for every `map` until exit.
    """

    def __init__(self, budget: float = DEFAULT_BUDGET_SECONDS, workers: int | None = None):
        self.budget = budget
        self.workers = max(1, workers if workers is not None else default_workers())
        self._kept: list[_Worker] | None = None

    def __enter__(self) -> ParseWorkers:
        kept = [_Worker() for _ in range(self.workers)]
        try:
            while not all(worker.up() for worker in kept):
                self._wait(kept, deque())
        except BaseException:
            _stop(kept)
            raise
        self._kept = kept
        return self

    def __exit__(self, *exc: object) -> None:
        kept, self._kept = self._kept or [], None
        _stop(kept)

    def map(
        self, work: Callable[..., T], jobs: Iterable[tuple[K, Sequence[object] | None]]
    ) -> Generator[tuple[K, T | PageError | None], None, None]:
        """`(key, work(*args))` for each `(key, args)` of `jobs`, in their order; a PageError
        raised by `work` (or a page over the budget) is handed back in place of its result,
        and a job whose args are None is handed back with None, unparsed. Any other
        exception `work` raises is raised here."""
        kept = self._kept
        workers = kept if kept is not None else [_Worker() for _ in range(self.workers)]
        try:
            yield from self._map(work, iter(jobs), workers)
        finally:
            if kept is None:
                _stop(workers)
            elif self._kept is kept:  # a worker left busy (the caller stopped early) is replaced
                for worker in list(workers):
                    if worker.pages:
                        _replace(workers, worker)
            # else the pool was left before the batch was closed, and stopped every worker

    def _map(
        self,
        work: Callable[..., T],
        jobs: Iterator[tuple[K, Sequence[object] | None]],
        workers: list[_Worker],
    ) -> Iterator[tuple[K, T | PageError | None]]:
        window: deque[_Slot[K, T]] = deque()  # every job read and not yet handed back
        queued: deque[_Slot[K, T]] = deque()  # jobs waiting for a worker
        exhausted = False
        while True:
            while not exhausted and len(window) < READ_AHEAD * len(workers):
                job = next(jobs, None)
                if job is None:
                    exhausted = True
                    break
                slot: _Slot[K, T] = _Slot(job[0], job[1], done=job[1] is None)
                window.append(slot)
                if not slot.done:
                    queued.append(slot)
            for _ in range(DEPTH):  # one page to each worker with room, then a second
                for worker in list(workers):
                    if queued and worker.has_room() and worker.up():
                        self._start(work, queued.popleft(), worker, workers, queued)
            while window and window[0].done:
                done = window.popleft()
                yield done.key, done.result
            if not window:
                if exhausted:
                    return
                continue
            self._wait(workers, queued)

    def _start(
        self,
        work: Callable[..., T],
        slot: _Slot[K, T],
        worker: _Worker,
        workers: list[_Worker],
        queued: deque[_Slot[K, T]],
    ) -> None:
        assert slot.args is not None
        if not worker.pages:  # it starts this page now; otherwise when the one before is done
            slot.deadline = time.monotonic() + self.budget
        worker.pages.append(slot)
        try:
            worker.process.send(work, slot.args)
        except ProcessStopped:
            self._stopped(worker, workers, queued)

    def _wait(self, workers: list[_Worker], queued: deque[_Slot[Any, Any]]) -> None:
        """Until a worker sends something back or has room for more of a page, or a page
        runs out of time (at most a second); then take what came back. A worker whose page
        ran out of time (or which stopped) is replaced, and the pages that waited behind it
        go back to the front of the queue."""
        now = time.monotonic()
        deadline = min((w.pages[0].deadline for w in workers if w.pages), default=now + 1.0)
        poll = select.poll()
        by_fd: dict[int, _Worker] = {}
        for worker in workers:
            by_fd[worker.process.reads] = worker
            poll.register(worker.process.reads, select.POLLIN)
            if (writes := worker.process.writes) is not None:
                by_fd[writes] = worker
                poll.register(writes, select.POLLOUT)
        timeout = max(0.0, min(deadline, now + 1.0) - now)
        events = poll.poll(math.ceil(timeout * 1000))
        for fd, _ in events:
            worker = by_fd[fd]
            if worker not in workers:  # replaced while an earlier event was handled
                continue
            try:
                if fd == worker.process.reads:
                    self._collect(worker, worker.process.receive())
                else:
                    worker.process.flush()
            except ProcessStopped:
                self._stopped(worker, workers, queued)
        now = time.monotonic()
        for worker in list(workers):
            if worker.pages and worker.pages[0].deadline <= now:
                slot = worker.pages.popleft()
                slot.done, slot.result = True, ParseBudgetExceeded(self.budget)
                _replace(workers, worker, queued)

    def _collect(self, worker: _Worker, outcomes: list[tuple[str, object]]) -> None:
        """Hand `outcomes` (in the order the worker parses its pages) to its pages."""
        for kind, value in outcomes:
            slot = worker.pages.popleft()
            slot.done = True
            if kind in (DONE, REFUSED):
                slot.result = value
            else:
                assert isinstance(value, BaseException)
                raise value
            if worker.pages:  # the worker has started the next page by now
                worker.pages[0].deadline = time.monotonic() + self.budget

    def _stopped(
        self, worker: _Worker, workers: list[_Worker], queued: deque[_Slot[Any, Any]]
    ) -> None:
        """The worker's process exited: the page it was parsing is refused, and it is
        replaced."""
        if worker.pages:
            slot = worker.pages.popleft()
            slot.done, slot.result = True, ParserStopped()
        elif not worker.process.ready:
            raise RuntimeError("a parser process stopped before it was ready")
        _replace(workers, worker, queued)


def _stop(workers: list[_Worker]) -> None:
    """Let idle workers exit; kill busy ones."""
    for worker in workers:
        worker.stop()


def _replace(
    workers: list[_Worker], worker: _Worker, queued: deque[_Slot[Any, Any]] | None = None
) -> None:
    """Kill `worker` and put a fresh one in its place; the pages that waited in it go back
    to the front of `queued`, in their order."""
    if worker not in workers:
        return
    worker.process.close(kill=True)
    workers[workers.index(worker)] = _Worker()
    for slot in reversed(worker.pages):
        slot.deadline = math.inf
        if queued is not None:
            queued.appendleft(slot)
    worker.pages.clear()
