"""Read replicas with read-your-writes: which pool a read goes to.

With `THREADBASE_READ_DATABASE_URL` (one or more streaming standbys, comma-separated), reads go
to the standbys in turn and writes to the primary. A client that has just written gets a cookie
(`tb-primary-until`, also the `Threadbase-Primary-Until` response header, a Unix time) that
sends its reads to the primary for `STICKY_SECONDS`; standbys normally replay a write well
within that. A request carrying the cookie or the header, and every write request (whose
handler reads back what it wrote), reads from the primary. `ReadRouting` is the ASGI
middleware that decides, per request, through a context variable the store consults.
"""

from __future__ import annotations

import time
from contextvars import ContextVar
from http.cookies import SimpleCookie

import asyncpg
from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send

STICKY_SECONDS = 5
COOKIE = "tb-primary-until"
HEADER = "threadbase-primary-until"
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

read_primary: ContextVar[bool] = ContextVar("read_primary", default=False)
"""True while serving a request whose reads must see the primary."""


def _sticky_until(scope: Scope) -> float:
    """The time until which the request's client asked to read from the primary."""
    until = 0.0
    for name, value in scope.get("headers", []):
        try:
            if name == b"cookie":
                morsel = SimpleCookie(value.decode("latin-1")).get(COOKIE)
                if morsel is not None:
                    until = max(until, float(morsel.value))
            elif name == HEADER.encode():
                until = max(until, float(value.decode("latin-1")))
        except ValueError:  # a malformed value asks for nothing
            continue
    return until


class ReadRouting:
    """Sends a request's reads to the primary when it writes or has just written."""

    def __init__(self, app: ASGIApp, sticky_seconds: float = STICKY_SECONDS) -> None:
        self.app = app
        self.sticky_seconds = sticky_seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await self.app(scope, receive, send)
            return
        writes = scope["method"] in WRITE_METHODS
        token = read_primary.set(writes or _sticky_until(scope) > time.time())
        try:
            if not writes:
                await self.app(scope, receive, send)
                return

            async def mark(message: Message) -> None:
                if message["type"] == "http.response.start" and message["status"] < 400:
                    until = str(int(time.time() + self.sticky_seconds) + 1)
                    cookie = (
                        f"{COOKIE}={until}; Max-Age={int(self.sticky_seconds) + 1}; Path=/; "
                        "HttpOnly; SameSite=Lax"
                    )
                    message["headers"] = [
                        *message.get("headers", []),
                        (b"set-cookie", cookie.encode()),
                        (HEADER.encode(), until.encode()),
                    ]
                await send(message)

            await self.app(scope, receive, mark)
        finally:
            read_primary.reset(token)


async def replica_lag(primary: asyncpg.Pool, replicas: list[asyncpg.Pool]) -> tuple[float, int]:
    """The furthest-behind standby's lag: `(seconds, bytes)`. Bytes: the primary's WAL position
    now less the standby's replayed position. Seconds: since the last transaction the standby
    replayed was committed, while WAL it has received waits to be replayed (0 when it has
    replayed everything it received: an idle primary sends nothing to be behind on)."""
    position = await primary.fetchval("SELECT pg_current_wal_lsn()::text")
    seconds, behind = 0.0, 0
    for replica in replicas:
        row = await replica.fetchrow(
            "SELECT greatest(pg_wal_lsn_diff($1::text::pg_lsn, pg_last_wal_replay_lsn()), 0)"
            "::bigint, "
            "CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0 "
            "ELSE coalesce(extract(epoch FROM now() - pg_last_xact_replay_timestamp()), 0) "
            "END::float8",
            position,
        )
        assert row is not None
        behind = max(behind, int(row[0] or 0))
        seconds = max(seconds, float(row[1] or 0))
    return seconds, behind
