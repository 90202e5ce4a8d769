"""Parsing in a separate process, within a time budget.

Parsing is CPU work: on the event loop a costly page would stall every other request of the
worker, health checks included. Pages are parsed in a child process; one that runs past the
budget has its process killed (Python cannot interrupt a running regex or loop otherwise) and
a fresh one takes its place. The budget counts from submission once the process is up, so it
includes any wait behind another page; a page over budget is refused, and requests whose
parse was waiting in the killed process are told to retry. A parser process whose parent
dies exits too.
"""

from __future__ import annotations

import asyncio
import importlib
import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

from api.ingest.errors import PageError
from api.metrics import parse_timer

T = TypeVar("T")
DEFAULT_BUDGET_SECONDS = 10.0


class ParseBudgetExceeded(PageError):
    """The page's parse ran past the budget and was stopped."""

    def __init__(self, budget: float) -> None:
        super().__init__(f"page took longer than {budget:g} s to parse and was refused")
        self.budget = budget


class ParserRestarted(Exception):
    """The parser process was replaced while this parse waited in it: retry."""


class _Processes:
    """The process pool of this process, shared by every ParsePool, replaced when killed."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._executor: ProcessPoolExecutor | None = None
        self._started: Future[bool] | None = None

    def current(self) -> tuple[ProcessPoolExecutor, Future[bool]]:
        """The pool, started if need be, and a future done once its process is up (the
        budget of a parse counts from then, not from a cold start)."""
        with self._lock:
            if self._executor is None or self._started is None:
                self._executor, self._started = start_process()
            return self._executor, self._started

    def kill(self, executor: ProcessPoolExecutor) -> None:
        """Stop `executor`'s processes now, and start a fresh pool for the next parse."""
        with self._lock:
            if self._executor is executor:
                self._executor = self._started = None
        kill_processes(executor)
        self.current()


def start_process() -> tuple[ProcessPoolExecutor, Future[bool]]:
    """A new parser process (an executor of one), and a future done once it is up."""
    executor = ProcessPoolExecutor(
        max_workers=1,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=prepare_worker,
        initargs=(os.getpid(),),
    )
    return executor, executor.submit(_ready)


def kill_processes(executor: ProcessPoolExecutor) -> None:
    """Stop `executor`'s processes now (a running parse cannot be interrupted otherwise)."""
    processes = dict(getattr(executor, "_processes", None) or {})
    for process in processes.values():
        process.kill()
    executor.shutdown(wait=False, cancel_futures=True)


def prepare_worker(parent: int) -> None:
    """A new parser process's initializer, run before it reads any task: watch `parent` (the
    process that started it), so the process never outlives a server worker that was killed
    — not even one killed before its first task reached the process, which would then wait
    for tasks forever — and import the parsers, so no page pays for that."""
    threading.Thread(target=_exit_with, args=(parent,), daemon=True).start()
    importlib.import_module("api.ingest.page")
    importlib.import_module("api.ingest.structured")


def _ready() -> bool:
    """The first task of a new parser process: done once `prepare_worker` has run."""
    return True


def _exit_with(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(ORPHAN_CHECK_SECONDS)
    os._exit(0)


_PROCESSES = _Processes()
STARTUP_SECONDS = 60.0
ORPHAN_CHECK_SECONDS = 1.0


class ParsePool:
    """Runs parse functions in the shared parser process, each within `budget` seconds."""

    def __init__(self, budget: float = DEFAULT_BUDGET_SECONDS) -> None:
        self.budget = budget

    def warm(self) -> None:
        """Start the parser process now, in the background, so no page waits for it."""
        _PROCESSES.current()

    def run(self, work: Callable[..., T], *args: object) -> T:
        """`work(*args)` in the parser process, blocking; for the CLI."""
        executor, started = _PROCESSES.current()
        try:
            started.result(timeout=STARTUP_SECONDS)
            future = executor.submit(work, *args)
        except (BrokenProcessPool, RuntimeError) as exc:
            raise ParserRestarted() from exc
        try:
            return future.result(timeout=self.budget)
        except FutureTimeout:
            _PROCESSES.kill(executor)
            raise ParseBudgetExceeded(self.budget) from None
        except BrokenProcessPool as exc:
            raise ParserRestarted() from exc

    async def run_async(self, work: Callable[..., T], *args: object) -> T:
        """`work(*args)` in the parser process, awaited without blocking the event loop."""
        with parse_timer():
            return await self._run_async(work, *args)

    async def _run_async(self, work: Callable[..., T], *args: object) -> T:
        executor, started = _PROCESSES.current()
        try:
            await asyncio.wait_for(asyncio.wrap_future(started), STARTUP_SECONDS)
            future = executor.submit(work, *args)
        except (BrokenProcessPool, RuntimeError) as exc:  # killed, or shut down meanwhile
            raise ParserRestarted() from exc
        try:
            return await asyncio.wait_for(asyncio.wrap_future(future), self.budget)
        except TimeoutError:
            _PROCESSES.kill(executor)
            raise ParseBudgetExceeded(self.budget) from None
        except BrokenProcessPool as exc:
            raise ParserRestarted() from exc
