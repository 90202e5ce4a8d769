"""Dependencies handed to route handlers."""

from __future__ import annotations

from typing import TypeAlias

from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.params import SkipValidation

from api.parse_pool import ParsePool
from api.store.protocol import Store

StoreDependency: TypeAlias = NamedDependency[SkipValidation[Store]]
"""How a handler receives the store: a protocol, which no runtime check could validate."""


async def provide_store(state: State) -> Store:
    """The store opened in the app's lifespan (SQLite or PostgreSQL)."""
    store: Store = state.store
    return store


async def provide_parser(state: State) -> ParsePool:
    """The parser process pool, with the configured parse budget."""
    parser: ParsePool = state.parser
    return parser
