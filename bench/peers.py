"""The reference servers Threadbase is measured against, on the same uvicorn and workers.

    THREADBASE_DB=corpus.db BENCH_PAGE=page.json uvicorn bench.peers:app --workers 2

- `/raw`: bare ASGI returning the bytes of a Threadbase comments page (read from `BENCH_PAGE`);
  it never enters Litestar, so it is the ceiling of this server on this machine.
- `/bytes`: a Litestar route returning those same bytes, precomputed: the framework's own cost.
- `/floor/{article_id}`: the smallest honest handler for the same 50 rows, Litestar +
  aiosqlite + msgspec, eight columns (no quotes, links, cursors, ETags or middleware): the
  floor a comments page with everything else on top is compared with.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiosqlite
import msgspec
from litestar import Litestar, Response, get
from litestar.datastructures import State
from litestar.enums import ScopeType
from litestar.types import Receive, Scope, Send

PAGE = Path(os.environ.get("BENCH_PAGE", "bench/data/page.json")).read_bytes()
FLOOR_SQL = (
    "SELECT id, article_id, position, author, author_verified, posted_at, body, parent_id "
    "FROM comments WHERE article_id = ? ORDER BY position LIMIT 50"
)


class Row(msgspec.Struct):
    id: int
    article_id: int
    position: int
    author: str
    author_verified: bool
    posted_at: int
    body: str
    parent_id: int | None


class Rows(msgspec.Struct):
    items: list[Row]


@get("/bytes", media_type="application/json")
async def same_bytes() -> Response[bytes]:
    return Response(PAGE, media_type="application/json")


@get("/floor/{article_id:int}")
async def floor(state: State, article_id: int) -> Rows:
    conn: aiosqlite.Connection = state.db
    found = await conn.execute_fetchall(FLOOR_SQL, (article_id,))
    return Rows(items=[Row(*r) for r in found])


@asynccontextmanager
async def lifespan(app: Litestar) -> AsyncIterator[None]:
    app.state.db = await aiosqlite.connect(os.environ["THREADBASE_DB"])
    try:
        yield
    finally:
        await app.state.db.close()


_litestar = Litestar([same_bytes, floor], lifespan=[lifespan], openapi_config=None)


async def app(scope: Scope, receive: Receive, send: Send) -> None:
    """Route `/raw` to the bytes, everything else to the Litestar app."""
    if scope["type"] == ScopeType.HTTP and scope["path"] == "/raw":
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"application/json")],
            }
        )
        await send({"type": "http.response.body", "body": PAGE, "more_body": False})
        return
    await _litestar(scope, receive, send)
