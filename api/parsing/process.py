"""One parser process of the ingest's worker pool, and the two pipes to it.

Jobs go down one pipe and outcomes come back up the other, each a pickle behind its length.
The parent never blocks on either: it writes a job as far as the pipe takes it and keeps the
rest for when the pipe drains, and reads whatever has arrived. So a page larger than the
pipe's buffer can wait for a process still busy with the page before it, while the parent
goes on reading the other processes' results and watching every page's time budget. The
process reads and writes blocking: it has nothing else to do.

This is all `concurrent.futures.ProcessPoolExecutor` would do here, without its management
and queue-feeder threads, which cost the parent about twice the CPU per page and took it from
the processes parsing on the same cores.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import pickle
import struct
import time
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection
from typing import Any, BinaryIO

from api.ingest.errors import PageError
from api.parsing.pool import STARTUP_SECONDS, prepare_worker

_LENGTH = struct.Struct("!Q")
_READ_SIZE = 1 << 20

# What a process sends back for a job: the result, a PageError refusing the page, or any
# other exception `work` raised (raised again in the parent). READY comes first, once.
READY, DONE, REFUSED, FAILED = "ready", "done", "refused", "failed"


class ProcessStopped(Exception):
    """The process exited or was killed: its pipes are closed."""


class ParserProcess:
    """A parser process (spawned, its parsers imported before it says READY) and the
    parent's ends of its pipes."""

    def __init__(self) -> None:
        context = multiprocessing.get_context("spawn")
        jobs_in, jobs_out = context.Pipe(duplex=False)
        results_in, results_out = context.Pipe(duplex=False)
        self.process = context.Process(
            target=_serve, args=(jobs_in, results_out, os.getpid()), daemon=True
        )
        self.process.start()
        jobs_in.close()
        results_out.close()
        self._jobs: Connection | None = jobs_out
        self._results: Connection | None = results_in
        os.set_blocking(jobs_out.fileno(), False)
        self._outbox = bytearray()  # job bytes the pipe has not taken yet
        self._inbox = bytearray()  # outcome bytes read, not yet a whole message
        self.since = time.monotonic()
        self.ready = False

    @property
    def reads(self) -> int:
        """The descriptor that is readable when outcomes (or the end of the process) came."""
        if self._results is None:
            raise ProcessStopped()
        return self._results.fileno()

    @property
    def writes(self) -> int | None:
        """The descriptor to wait on for room in the jobs pipe, when a job is half written."""
        return self._jobs.fileno() if self._outbox and self._jobs is not None else None

    def late(self) -> bool:
        """Not READY within STARTUP_SECONDS of being started."""
        return not self.ready and time.monotonic() - self.since > STARTUP_SECONDS

    def send(self, work: Callable[..., Any], args: Sequence[object]) -> None:
        """Queue `work(*args)`; it is written as far as the pipe takes it now."""
        payload = pickle.dumps((work, tuple(args)), pickle.HIGHEST_PROTOCOL)
        self._outbox += _LENGTH.pack(len(payload))
        self._outbox += payload
        self.flush()

    def flush(self) -> None:
        """Write as much of the queued jobs as the pipe takes without waiting."""
        if not self._outbox:
            return
        if self._jobs is None:
            raise ProcessStopped()
        try:
            written = os.write(self._jobs.fileno(), self._outbox)
        except BlockingIOError:
            return
        except OSError as exc:  # BrokenPipeError: the process is gone
            raise ProcessStopped() from exc
        del self._outbox[:written]

    def receive(self) -> list[tuple[str, object]]:
        """The outcomes that have arrived, in order (call when `reads` is readable); raises
        ProcessStopped once the process has exited and every outcome it sent was taken."""
        if self._results is None:
            raise ProcessStopped()
        try:
            chunk = os.read(self._results.fileno(), _READ_SIZE)
        except OSError as exc:
            raise ProcessStopped() from exc
        if not chunk:
            raise ProcessStopped()
        self._inbox += chunk
        outcomes: list[tuple[str, object]] = []
        while len(self._inbox) >= _LENGTH.size:
            (size,) = _LENGTH.unpack_from(self._inbox)
            end = _LENGTH.size + size
            if len(self._inbox) < end:
                break
            try:
                kind, value = pickle.loads(self._inbox[_LENGTH.size : end])
            except Exception as exc:  # an exception class that cannot be rebuilt from its args
                kind, value = FAILED, RuntimeError(f"an outcome could not be read back: {exc}")
            del self._inbox[:end]
            if kind == READY:
                self.ready = True
            else:
                outcomes.append((kind, value))
        return outcomes

    def close(self, *, kill: bool) -> None:
        """Stop the process: at once with `kill`, else by closing its jobs pipe, which it
        reads as the end of its work (killed if it has not exited within a second)."""
        if kill or not self.ready:  # one still starting has nothing to finish
            self.process.kill()
        for connection in (self._jobs, self._results):
            if connection is not None:
                connection.close()
        self._jobs = self._results = None
        self.process.join(timeout=None if kill else 1.0)
        if self.process.exitcode is None:
            self.process.kill()
            self.process.join()
        self.process.close()


def _serve(jobs: Connection, results: Connection, parent: int) -> None:
    """A parser process: READY once the parsers are imported, then an outcome per job, until
    the jobs pipe closes (or the parent stops reading: it has gone, or wants nothing more)."""
    prepare_worker(parent)
    with (
        contextlib.suppress(BrokenPipeError),  # the writer's close flushes too
        os.fdopen(jobs.fileno(), "rb", closefd=False) as reader,
        os.fdopen(results.fileno(), "wb", closefd=False) as writer,
    ):
        _write(writer, (READY, None))
        while (job := _read(reader)) is not None:
            work, args = job
            try:
                outcome: tuple[str, object] = (DONE, work(*args))
            except PageError as exc:
                outcome = (REFUSED, exc)
            except Exception as exc:
                outcome = (FAILED, exc)
            _write(writer, outcome)


def _read(reader: BinaryIO) -> Any:
    """The next job, or None once the parent closed the pipe."""
    head = reader.read(_LENGTH.size)
    if len(head) < _LENGTH.size:
        return None
    (size,) = _LENGTH.unpack(head)
    return pickle.loads(reader.read(size))


def _write(writer: BinaryIO, outcome: tuple[str, object]) -> None:
    try:
        payload = pickle.dumps(outcome, pickle.HIGHEST_PROTOCOL)
    except Exception as exc:  # a result or exception that does not pickle
        failure = RuntimeError(f"{outcome[0]} outcome could not be sent back: {exc}")
        payload = pickle.dumps((FAILED, failure), pickle.HIGHEST_PROTOCOL)
    writer.write(_LENGTH.pack(len(payload)))
    writer.write(payload)
    writer.flush()
