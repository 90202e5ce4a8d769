"""The one writer of a server process: a connection, a lock, and work run off the event loop.

SQLite allows one writer at a time; serialising writes here keeps them from waiting on each
other's locks inside SQLite, and running them in a thread keeps reads flowing meanwhile.
Across processes, `BEGIN IMMEDIATE` with a busy timeout does the same job.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from api.metrics import connection_in_use
from api.store.sqlite import connections as db

T = TypeVar("T")


class Writer:
    """Serialised access to the database's write connection."""

    def __init__(self, path: Path | str) -> None:
        self._conn = db.connect(path)
        self._lock = asyncio.Lock()

    async def run(self, work: Callable[..., T], *args: object) -> T:
        """Call `work(connection, *args)` in a worker thread, one call at a time."""
        async with self._lock:
            with connection_in_use("writer"):
                return await asyncio.to_thread(work, self._conn, *args)

    def close(self) -> None:
        """Close the connection."""
        self._conn.close()
