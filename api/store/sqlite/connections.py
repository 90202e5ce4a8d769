"""SQLite connections, PRAGMAs and versioned migrations."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import aiosqlite

from api.metrics import connection_in_use
from api.store.migrations import Migration, shipped

BUSY_TIMEOUT_MS = 5_000
JOURNAL_SIZE_LIMIT = 64 * 1024 * 1024


def migrations() -> list[Migration]:
    """All migrations shipped with the package, in version order."""
    return shipped("api.store.sqlite.migrations")


def latest_version() -> int:
    """Version the code expects the database to be at."""
    return migrations()[-1].version


def _configure(conn: sqlite3.Connection) -> None:
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA synchronous = NORMAL")


def connect(path: Path | str) -> sqlite3.Connection:
    """A writer connection in autocommit mode (transactions are explicit), schema migrated."""
    if str(path) != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    _configure(conn)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute(f"PRAGMA journal_size_limit = {JOURNAL_SIZE_LIMIT}")  # truncate after checkpoints
    migrate(conn)
    return conn


def migrate(conn: sqlite3.Connection) -> int:
    """Apply every migration newer than the database's `user_version`, each atomically.

    Foreign keys are off meanwhile, as SQLite's table-rebuild procedure requires (dropping a
    table would otherwise cascade); each migration is checked with `foreign_key_check`
    before it commits.
    """
    current: int = conn.execute("PRAGMA user_version").fetchone()[0]
    pending = [m for m in migrations() if m.version > current]
    if not pending:
        return current
    conn.execute("PRAGMA foreign_keys = OFF")
    try:
        for migration in pending:
            try:
                conn.executescript(f"BEGIN IMMEDIATE;\n{migration.sql}\n")
                _python_step(conn, migration.version)
                conn.execute(f"PRAGMA user_version = {migration.version}")
                broken = conn.execute("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise sqlite3.IntegrityError(
                        f"{migration.name} breaks foreign keys: {broken[:5]}"
                    )
                conn.execute("COMMIT")
            except sqlite3.Error:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            current = migration.version
    finally:
        conn.execute("PRAGMA foreign_keys = ON")
    return current


def _python_step(conn: sqlite3.Connection, version: int) -> None:
    """What a migration needs beyond SQL, run in its transaction."""
    if version == 10:
        from api.store.sqlite.rehash import rehash_articles

        rehash_articles(conn)
    elif version == 14:
        from api.store.sqlite.backfill import backfill

        backfill(conn)


async def connect_reader(path: Path | str) -> aiosqlite.Connection:
    """An async connection for request handlers; the schema must already be migrated."""
    conn = await aiosqlite.connect(path, isolation_level=None)
    await conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    await conn.execute("PRAGMA foreign_keys = ON")
    await conn.execute("PRAGMA query_only = ON")
    return conn


def connect_loop_reader(path: Path | str) -> sqlite3.Connection:
    """A read connection used on the event loop itself, for short indexed reads: handing a
    read to a connection's thread and back costs more CPU than a page of comments takes to
    read. It never waits for a lock (`busy_timeout` 0), so it can never stall the loop: a
    read it finds busy is handed to a threaded connection instead (`reads.on_loop`)."""
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA busy_timeout = 0")
    conn.execute("PRAGMA query_only = ON")
    return conn


PROGRESS_STEPS = 1_000  # SQLite VM steps between deadline checks


class DeadlinePool:
    """A few read connections for costly queries (search), each query held to a deadline.

    SQLite's progress handler interrupts a statement past its deadline (an OperationalError
    "interrupted", answered as a 503). Having its own connections, a slow query never holds up
    the reads on the main connection, and `size` of them run side by side.
    """

    def __init__(self, conns: list[aiosqlite.Connection], deadline: float) -> None:
        self.deadline = deadline
        self._conns = conns
        self._free: asyncio.Queue[tuple[aiosqlite.Connection, list[float]]] = asyncio.Queue()
        self._ready = False

    @classmethod
    async def open(cls, path: Path | str, size: int, deadline: float) -> DeadlinePool:
        """`size` read connections on the database at `path`."""
        pool = cls([await connect_reader(path) for _ in range(size)], deadline)
        for conn in pool._conns:
            until = [float("inf")]
            await conn.set_progress_handler(_past(until), PROGRESS_STEPS)
            pool._free.put_nowait((conn, until))
        return pool

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[aiosqlite.Connection]:
        """A free connection whose statements are interrupted once the deadline passes."""
        conn, until = await self._free.get()
        until[0] = time.monotonic() + self.deadline
        try:
            with connection_in_use("search"):
                yield conn
        finally:
            until[0] = float("inf")
            self._free.put_nowait((conn, until))

    async def close(self) -> None:
        """Close every connection."""
        for conn in self._conns:
            await conn.close()


def _past(until: list[float]) -> Callable[[], int]:
    def check() -> int:
        return 1 if time.monotonic() > until[0] else 0

    return check
