"""Dependencies handed to route handlers."""

from __future__ import annotations

import aiosqlite
from litestar.datastructures import State

from api.writer import Writer


async def provide_db(state: State) -> aiosqlite.Connection:
    """The read connection opened in the app's lifespan."""
    conn: aiosqlite.Connection = state.db
    return conn


async def provide_writer(state: State) -> Writer:
    """The process's single writer, opened in the app's lifespan."""
    writer: Writer = state.writer
    return writer
