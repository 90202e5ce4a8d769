"""Dependencies handed to route handlers."""

from __future__ import annotations

import aiosqlite
from litestar.datastructures import State


async def provide_db(state: State) -> aiosqlite.Connection:
    """The read connection opened in the app's lifespan."""
    conn: aiosqlite.Connection = state.db
    return conn
