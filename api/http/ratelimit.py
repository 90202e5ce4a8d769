"""One request budget per client for the whole server, however many worker processes serve it.

Litestar's `RateLimitMiddleware` keeps its count in a `Store`, but reads it, adds the request
and writes it back: across processes those steps race, and with the default in-memory store
each worker counts alone (four workers, four budgets). Here the count is one atomic increment
in a store every worker shares: an UPSERT in a small SQLite file next to the database, or
`INCR` in Redis when `THREADBASE_REDIS_URL` is set. The window is fixed: it opens with a
client's first request and resets `window` seconds later, as Litestar's own does.
"""

from __future__ import annotations

import asyncio
import logging
import math
import sqlite3
import time
from abc import abstractmethod
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

from litestar.exceptions import ImproperlyConfiguredException, TooManyRequestsException
from litestar.middleware.rate_limit import (
    DURATION_VALUES,
    RateLimitConfig,
    RateLimitMiddleware,
)
from litestar.stores.base import Store
from litestar.stores.redis import RedisStore
from litestar.types import Message, Receive, Scope, Send
from redis.asyncio import Redis
from redis.exceptions import RedisError

from api.metrics import METRICS_PATH, RATE_LIMIT_REJECTIONS
from api.store.sqlite.connections import BUSY_TIMEOUT_MS

T = TypeVar("T")
STORE_NAME = "rate_limit"
logger = logging.getLogger("threadbase")
PURGE_EVERY = 1_000  # hits between sweeps of expired keys


class CountingStore(Store):
    """A store that can count hits in a window atomically, for every process that shares it."""

    @abstractmethod
    async def hit(self, key: str, window: int) -> tuple[int, int]:
        """Count one hit on `key`: (hits in the current window, seconds until it resets).

        A key whose window has passed starts a new one of `window` seconds.
        """


def _seconds(value: int | timedelta | None) -> float | None:
    if value is None:
        return None
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class SQLiteStore(CountingStore):
    """A Litestar store in a SQLite file; counters are single UPSERT statements.

    Every call runs on one thread of its own, so the event loop never waits on the file's lock.
    """

    def __init__(self, path: Path | str) -> None:
        self.path = str(path)
        self._conn: sqlite3.Connection | None = None
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ratelimit")
        self._hits = 0

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            _while_busy(lambda: _prepare(conn))
            self._conn = conn
        return self._conn

    async def _run(self, sql: str, params: Any = ()) -> list[Any]:
        def work() -> list[Any]:
            return self._connection().execute(sql, params).fetchall()

        return await asyncio.get_running_loop().run_in_executor(self._executor, work)

    async def hit(self, key: str, window: int) -> tuple[int, int]:
        """One UPSERT: start a window, or count one more in the current one."""
        now = time.time()
        rows = await self._run(
            """
            INSERT INTO store (key, value, expires_at) VALUES (:key, 1, :now + :window)
            ON CONFLICT (key) DO UPDATE SET
                value = CASE WHEN expires_at <= :now THEN 1 ELSE value + 1 END,
                expires_at = CASE WHEN expires_at <= :now THEN :now + :window ELSE expires_at END
            RETURNING value, expires_at
            """,
            {"key": key, "now": now, "window": window},
        )
        self._hits += 1
        if self._hits % PURGE_EVERY == 0:
            await self._run("DELETE FROM store WHERE expires_at <= ?", (now,))
        count, expires_at = rows[0]
        return int(count), max(0, math.ceil(expires_at - now))

    async def set(
        self, key: str, value: str | bytes, expires_in: int | timedelta | None = None
    ) -> None:
        """Store `value` under `key`, for `expires_in` seconds when given."""
        seconds = _seconds(expires_in)
        expires_at = None if seconds is None else time.time() + seconds
        data = value.encode() if isinstance(value, str) else value
        await self._run(
            "INSERT INTO store (key, value, expires_at) VALUES (?, ?, ?) ON CONFLICT (key) "
            "DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at",
            (key, data, expires_at),
        )

    async def get(self, key: str, renew_for: int | timedelta | None = None) -> bytes | None:
        """The value under `key` unless it expired; `renew_for` extends a value that expires."""
        now = time.time()
        rows = await self._run(
            "SELECT value FROM store WHERE key = ? AND (expires_at IS NULL OR expires_at > ?)",
            (key, now),
        )
        if not rows:
            return None
        seconds = _seconds(renew_for)
        if seconds is not None:
            await self._run(
                "UPDATE store SET expires_at = ? WHERE key = ? AND expires_at IS NOT NULL",
                (now + seconds, key),
            )
        value = rows[0][0]
        return value if isinstance(value, bytes) else str(value).encode()

    async def delete(self, key: str) -> None:
        """Forget `key`."""
        await self._run("DELETE FROM store WHERE key = ?", (key,))

    async def delete_all(self) -> None:
        """Forget every key."""
        await self._run("DELETE FROM store")

    async def exists(self, key: str) -> bool:
        """Whether `key` holds a value that has not expired."""
        return await self.get(key) is not None

    async def expires_in(self, key: str) -> int | None:
        """Seconds until `key` expires; None when it does not, or holds nothing."""
        rows = await self._run("SELECT expires_at FROM store WHERE key = ?", (key,))
        expires_at: float | None = rows[0][0] if rows else None
        if expires_at is None:
            return None
        return max(0, math.ceil(expires_at - time.time()))

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc_val: BaseException | None,
        exc_tb: TracebackType | None,
    ) -> None:
        """Close the file when the app shuts down."""

        def close() -> None:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

        await asyncio.get_running_loop().run_in_executor(self._executor, close)
        self._executor.shutdown(wait=False)


# INCR, then give a new key its window; both in one script, so no client sees a key without TTL.
_REDIS_HIT = """
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('TTL', KEYS[1])
if ttl < 0 then redis.call('EXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {count, ttl}
"""


def _prepare(conn: sqlite3.Connection) -> None:
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = OFF")  # counters need not survive a power cut
    conn.execute(
        "CREATE TABLE IF NOT EXISTS store ("
        "key TEXT PRIMARY KEY, value BLOB NOT NULL, expires_at REAL) WITHOUT ROWID"
    )


def _while_busy(work: Callable[[], None]) -> None:
    """`work`, again while the file is busy, for up to the busy timeout. Workers starting
    together all set up the new file at once, and SQLite answers some of them SQLITE_BUSY at
    once rather than wait (two connections each waiting to switch its journal to WAL would
    wait on each other), so the busy timeout does not cover this."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            work()
            return
        except sqlite3.OperationalError as exc:
            if exc.sqlite_errorcode != sqlite3.SQLITE_BUSY or time.monotonic() > deadline:
                raise
        time.sleep(0.005)


class RedisCountingStore(RedisStore, CountingStore):
    """Litestar's `RedisStore`, counting with `INCR` + `EXPIRE` in one server-side script."""

    async def hit(self, key: str, window: int) -> tuple[int, int]:
        """Count one hit on `key` in Redis: (hits in the window, seconds until it resets)."""
        count, ttl = await self._redis.eval(_REDIS_HIT, 1, self._make_key(key), window)
        return int(count), int(ttl)


def rate_limit_store(db_path: Path, redis_url: str | None) -> CountingStore:
    """Redis when a URL is configured, else a SQLite file beside the database."""
    if redis_url:
        client = Redis.from_url(redis_url, decode_responses=False)
        return RedisCountingStore(client, namespace="threadbase", handle_client_shutdown=True)
    if str(db_path) == ":memory:":
        return SQLiteStore(":memory:")
    return SQLiteStore(db_path.with_name(db_path.name + "-ratelimit"))


class SharedRateLimitMiddleware(RateLimitMiddleware):
    """`RateLimitMiddleware` whose count is one atomic `hit` on a `CountingStore`."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Count the request; past the budget, a 429 with the RateLimit-* headers."""
        app = scope["litestar_app"]
        request = app.request_class(scope)
        if not await self.should_check_request(request=request):
            await self.app(scope, receive, send)
            return
        store = self.config.get_store_from_app(app)
        if not isinstance(store, CountingStore):
            raise ImproperlyConfiguredException("the rate-limit store must be a CountingStore")
        window = DURATION_VALUES[self.unit]
        # The policy is part of the key: a changed budget starts a fresh count.
        key = f"{self.cache_key_from_request(request)}::{self.max_requests}/{window}"
        try:
            count, reset_in = await store.hit(key, window)
        except (sqlite3.Error, RedisError, OSError) as exc:
            # The budget is a guard for the service, not the service: when its store is
            # unreachable, requests go through uncounted and the failure is logged.
            logger.error("rate-limit store failed; request not counted", exc_info=exc)
            await self.app(scope, receive, send)
            return
        headers = self._headers(count, reset_in)
        if count > self.max_requests:
            RATE_LIMIT_REJECTIONS.inc()
            raise TooManyRequestsException(headers=headers)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [
                    *message.get("headers", []),
                    *((k.lower().encode(), v.encode()) for k, v in headers.items()),
                ]
            await send(message)

        await self.app(scope, receive, send_with_headers)

    def _headers(self, count: int, reset_in: int) -> dict[str, str]:
        config = self.config
        window = DURATION_VALUES[self.unit]
        return {
            config.rate_limit_policy_header_key: f"{self.max_requests}; w={window}",
            config.rate_limit_limit_header_key: str(self.max_requests),
            config.rate_limit_remaining_header_key: str(max(0, self.max_requests - count)),
            config.rate_limit_reset_header_key: str(reset_in),
        }


def rate_limit_config(per_minute: int) -> RateLimitConfig:
    """Per-client request budget shared by all workers, with RateLimit-* headers.

    Health checks and the metrics scrape are exempt.
    """
    return RateLimitConfig(
        rate_limit=("minute", per_minute),
        exclude=[r"^/healthz$", rf"^{METRICS_PATH}$"],
        middleware_class=SharedRateLimitMiddleware,
        store=STORE_NAME,
    )
