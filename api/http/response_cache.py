"""Encoded responses kept per worker, keyed by URL and content coding, dropped on any write.

A read's bytes depend only on the data, the URL and the coding the client accepts, so a worker
can keep the finished response (compressed, headers and all) and answer the same request again
without routing, querying or encoding. Every write transaction bumps the database's data
generation (migration 0015); each request reads it first, a changed value empties the cache, and
the generation is part of the ETag, so a validator never outlives the data it was issued for.

The generation is read with a plain `sqlite3` call on the event loop: a one-row read of a WAL
database costs a few microseconds, less than handing it to a thread.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import api
import schemas
from api.store.protocol import Store
from api.store.sqlite import connections as db

CODE_SUFFIXES = frozenset({".py", ".sql", ".html", ".js", ".css"})
ENTRY_OVERHEAD = 256
"""Bytes counted per entry on top of its body and headers (key, tuples, bookkeeping)."""


def code_digest() -> str:
    """A digest of the code that shapes responses (the `api` and `schemas` packages, reader
    included): part of every ETag, so a deploy that changes a representation issues new
    validators even when the data has not changed."""
    digest = hashlib.blake2b(digest_size=8)
    for package in (Path(api.__file__).parent, Path(schemas.__file__).parent):
        for path in sorted(package.rglob("*")):
            if path.suffix in CODE_SUFFIXES and "vendor" not in path.parts:
                digest.update(path.relative_to(package).as_posix().encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


class Generation:
    """The data generation of one SQLite file, read on a connection of its own."""

    def __init__(self, path: Path | str) -> None:
        self._path = path
        self._conn: sqlite3.Connection | None = None

    def open(self) -> None:
        """Open the connection (the schema must already be migrated)."""
        conn = sqlite3.connect(self._path, isolation_level=None, check_same_thread=False)
        conn.execute(f"PRAGMA busy_timeout = {db.BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA query_only = ON")
        self._conn = conn

    def close(self) -> None:
        """Close the connection."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def current(self) -> int:
        """The generation now; `fetchall` ends the read transaction, so the next call sees
        every commit made in between, by any process."""
        if self._conn is None:
            raise RuntimeError("the data generation is read before the app started")
        found: list[tuple[int]] = self._conn.execute("SELECT n FROM data_generation").fetchall()
        return found[0][0]

    async def read(self) -> int:
        """`current`, as the middleware awaits it (no hand-off: a few microseconds)."""
        return self.current()


class StoreGeneration:
    """The data generation of a store that must be asked over the network (PostgreSQL):
    one query on the primary per request, so every node sees every node's writes."""

    def __init__(self) -> None:
        self.store: Store | None = None

    def open(self, store: Store) -> None:
        """Read from `store` from now on."""
        self.store = store

    def close(self) -> None:
        """Stop reading."""
        self.store = None

    async def read(self) -> int:
        """The generation now."""
        if self.store is None:
            raise RuntimeError("the data generation is read before the app started")
        return await self.store.data_generation()


@dataclass(frozen=True, slots=True)
class Entry:
    """A complete 200 response as it was sent: headers (with its ETag) and body."""

    headers: list[tuple[bytes, bytes]]
    body: bytes
    size: int

    @classmethod
    def of(cls, headers: list[tuple[bytes, bytes]], body: bytes) -> Entry:
        size = ENTRY_OVERHEAD + len(body) + sum(len(k) + len(v) for k, v in headers)
        return cls(headers, body, size)


class ResponseCache:
    """An LRU of encoded responses, bounded by bytes, valid for one data generation."""

    def __init__(self, max_bytes: int, seed: str) -> None:
        self.max_bytes = max_bytes
        self.bytes = 0
        self.generation = -1
        self._seed = seed.encode()
        self._entries: OrderedDict[tuple[bytes, bytes], Entry] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def sync(self, generation: int) -> None:
        """Drop every entry when the data has moved on from the one they were made from."""
        if generation != self.generation:
            self._entries.clear()
            self.bytes = 0
            self.generation = generation

    def etag(self, generation: int, key: tuple[bytes, bytes]) -> bytes:
        """The strong validator of the response to `key` (URL, accepted codings) at
        `generation`: the same data, URL and coding always give the same bytes."""
        digest = hashlib.blake2b(b"\0".join((self._seed, *key)), digest_size=8)
        return b'"g%d-%s"' % (generation, digest.hexdigest().encode())

    def get(self, key: tuple[bytes, bytes]) -> Entry | None:
        """The stored response to `key`, now the most recently used, or None."""
        entry = self._entries.get(key)
        if entry is not None:
            self._entries.move_to_end(key)
        return entry

    def put(self, key: tuple[bytes, bytes], entry: Entry, generation: int) -> None:
        """Keep `entry` if it was made at the current generation and fits; evict the least
        recently used entries to stay within `max_bytes`."""
        size = entry.size
        if generation != self.generation or size > self.max_bytes // 4:
            return
        old = self._entries.pop(key, None)
        if old is not None:
            self.bytes -= old.size
        self._entries[key] = entry
        self.bytes += size
        while self.bytes > self.max_bytes:
            _, evicted = self._entries.popitem(last=False)
            self.bytes -= evicted.size
