"""Dependencies handed to route handlers."""

from __future__ import annotations

import aiosqlite
from litestar.datastructures import State

from api.db import DeadlinePool
from api.parse_pool import ParsePool
from api.writer import Writer


async def provide_db(state: State) -> aiosqlite.Connection:
    """The read connection opened in the app's lifespan."""
    conn: aiosqlite.Connection = state.db
    return conn


async def provide_writer(state: State) -> Writer:
    """The process's single writer, opened in the app's lifespan."""
    writer: Writer = state.writer
    return writer


async def provide_parser(state: State) -> ParsePool:
    """The parser process pool, with the configured parse budget."""
    parser: ParsePool = state.parser
    return parser


async def provide_search_db(state: State) -> DeadlinePool:
    """Read connections for search, each query held to the search deadline."""
    pool: DeadlinePool = state.search_db
    return pool


async def provide_health_db(state: State) -> aiosqlite.Connection:
    """The health check's own read connection, so no slow read can hold it up."""
    conn: aiosqlite.Connection = state.health_db
    return conn
