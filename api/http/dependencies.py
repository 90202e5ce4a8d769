"""Dependencies handed to route handlers."""

from __future__ import annotations

from typing import TypeAlias

from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.params import SkipValidation

from api.parsing.pool import ParsePool
from api.store.protocol import Store

StoreDependency: TypeAlias = NamedDependency[SkipValidation[Store]]
"""How a handler receives the store: a protocol, which no runtime check could validate."""


class Provided:
    """What the app's lifespan opens (the store, the parser pool), read from the app's state.

    The providers take no parameters, so Litestar calls them without building and checking
    their arguments from the request first: a store costs a handler one attribute read.
    """

    def __init__(self, state: State) -> None:
        self._state = state

    async def store(self) -> Store:
        """The store opened in the app's lifespan (SQLite or PostgreSQL)."""
        store: Store = self._state.store
        return store

    async def parser(self) -> ParsePool:
        """The parser process pool, with the configured parse budget."""
        parser: ParsePool = self._state.parser
        return parser
