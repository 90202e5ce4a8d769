"""Copy a whole database between engines (SQLite ⇄ PostgreSQL), every id kept.

Tables go in foreign-key order, in batches, each batch one transaction on the destination. A
copy resumes where it stopped: each table continues after the highest key the destination
holds, so the destination must be empty or an earlier copy of the same source. Comments move
whole articles at a time (a reply may point at a later comment of its page). Afterwards the
destination's id counters are set past every id the source ever gave, deleted or not, so ids
are never reused there either.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg

from api.store.postgres import schema
from api.store.sqlite import connections as db
from api.store.sqlite.backfill import backfill

BATCH = 2_000
ARTICLES_PER_BATCH = 50


@dataclass(frozen=True, slots=True)
class Table:
    """One table to copy: its names on each engine, its columns and its resume key."""

    sqlite: str
    postgres: str
    columns: tuple[str, ...]
    key: str = "id"
    sqlite_key: str | None = None  # the key's name on SQLite, when it differs
    by_article: bool = False  # batches of whole articles


def _cols(text: str) -> tuple[str, ...]:
    return tuple(text.split())


TABLES = [
    Table(
        "articles",
        "articles",
        _cols(
            "id content_hash title url ingested_at first_comment_at last_comment_at "
            "section_count paragraph_count caption_count comment_count top_level_count "
            "commenter_count quote_count published_at updated_at byline comment_rendering "
            "canonical_url text_fingerprint last_crawl_id"
        ),
    ),
    Table("crawl_sources", "crawl_sources", _cols("id sha256 media_type size data")),
    Table(
        "crawls",
        "crawls",
        _cols(
            "id article_id crawled_at ingested_at content_hash url source_id timezone "
            "parser_version outcome comments comments_added comments_edited comments_removed "
            "text_edited"
        ),
    ),
    Table("sections", "sections", _cols("id article_id position")),
    Table("paragraphs", "paragraphs", _cols("id section_id position kind text")),
    Table(
        "comments",
        "comments",
        _cols(
            "id article_id position author author_verified posted_at posted_text kind body "
            "parent_id parent_author parent_author_verified parent_resolution depth root_id "
            "reply_count thread_rank anchor_id page_parent_id first_crawl_id last_crawl_id "
            "body_crawl_id removed_crawl_id first_seen_at edited_at removed_at"
        ),
        key="article_id",
        by_article=True,
    ),
    Table(
        "comment_revisions",
        "comment_revisions",
        _cols("id comment_id body first_crawl_id last_crawl_id"),
    ),
    Table(
        "article_versions",
        "article_versions",
        _cols("id article_id text first_crawl_id last_crawl_id"),
    ),
    Table("speakers", "speakers", _cols("id article_id name aliases")),
    Table(
        "quotes",
        "quotes",
        _cols(
            'id article_id paragraph_id comment_id position kind nested text start "end" '
            "speaker_id cue source_comment_id"
        ),
    ),
    Table(
        "links",
        "links",
        _cols('id article_id paragraph_id comment_id position url start "end"'),
    ),
    Table(
        "articles_fts",
        "article_search",
        _cols("article_id title body"),
        key="article_id",
        sqlite_key="rowid",
    ),
    Table("api_keys", "api_keys", _cols("id name prefix secret_hash created_at revoked_at")),
]
COUNTED = ("articles", "comments", "quotes", "crawls")
"""Tables whose ids are public: never reused, so their counters travel too."""
SMALL = [  # copied whole: idempotency records added unless there, the source's secrets win
    ("idempotency_keys", "api_key_id key fingerprint status body location created_at"),
    ("secrets", "name value"),
]
SMALL_NAMES = frozenset(name for name, _ in SMALL)


class Side:
    """One end of a copy: runs `?`-placeholder SQL on its engine."""

    engine: str

    async def rows(self, sql: str, *params: object) -> list[Sequence[Any]]:
        raise NotImplementedError

    async def insert(self, table: str, columns: Sequence[str], rows: list[Sequence[Any]]) -> None:
        raise NotImplementedError

    async def close(self) -> None:
        raise NotImplementedError

    async def finish(self) -> None:
        """After a copy into this side: whatever the engine derives from the copied rows."""

    async def counter(self, table: str) -> int:
        """The highest id `table` ever gave (deleted or not)."""
        raise NotImplementedError

    async def set_counter(self, table: str, value: int) -> None:
        """Make `table` give ids after `value` from now on."""
        raise NotImplementedError

    def name(self, table: Table) -> str:
        return table.sqlite if self.engine == "sqlite" else table.postgres

    def key(self, table: Table) -> str:
        return (table.sqlite_key or table.key) if self.engine == "sqlite" else table.key

    def columns(self, table: Table) -> list[str]:
        if self.engine == "sqlite" and table.sqlite_key:
            return [table.sqlite_key, *table.columns[1:]]
        return list(table.columns)


class SqliteSide(Side):
    """A SQLite file, migrated on open."""

    engine = "sqlite"

    def __init__(self, path: Path) -> None:
        self.conn = db.connect(path)

    async def rows(self, sql: str, *params: object) -> list[Sequence[Any]]:
        return list(self.conn.execute(sql, params).fetchall())

    async def insert(self, table: str, columns: Sequence[str], rows: list[Sequence[Any]]) -> None:
        marks = ", ".join("?" * len(columns))
        verb = {"secrets": "INSERT OR REPLACE", "idempotency_keys": "INSERT OR IGNORE"}.get(
            table, "INSERT"
        )
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            self.conn.executemany(
                f"{verb} INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows
            )
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise

    async def counter(self, table: str) -> int:
        found = self.conn.execute(
            "SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = ?), 0), "
            f"coalesce((SELECT max(id) FROM {table}), 0))",
            (table,),
        ).fetchone()
        return int(found[0])

    async def set_counter(self, table: str, value: int) -> None:
        if table not in COUNTED:  # SQLite hands out max(id) + 1 on the other tables
            return
        with self.conn:
            self.conn.execute("DELETE FROM sqlite_sequence WHERE name = ?", (table,))
            self.conn.execute(
                "INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", (table, value)
            )

    async def finish(self) -> None:
        """Crawl history travels with the articles; an article that came without any (its
        identity never computed) gets one crawl at its ingest time and its identity, as
        migration 0014 adopts old articles, so re-crawls merge into it."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            backfill(self.conn)
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise

    async def close(self) -> None:
        self.conn.close()


class PostgresSide(Side):
    """A PostgreSQL database, migrated on open."""

    engine = "postgresql"

    def __init__(self, conn: asyncpg.Connection[Any]) -> None:
        self.conn = conn

    @classmethod
    async def open(cls, url: str) -> PostgresSide:
        conn = await asyncpg.connect(url)
        await schema.migrate(conn)
        return cls(conn)

    async def rows(self, sql: str, *params: object) -> list[Sequence[Any]]:
        from api.store.postgres.reads import numbered

        return list(await self.conn.fetch(numbered(sql), *params))

    async def insert(self, table: str, columns: Sequence[str], rows: list[Sequence[Any]]) -> None:
        names = [c.strip('"') for c in columns]
        async with self.conn.transaction():
            if table in SMALL_NAMES:
                marks = ", ".join(f"${i}" for i in range(1, len(columns) + 1))
                await self.conn.executemany(
                    f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks}) "
                    + (
                        "ON CONFLICT (name) DO UPDATE SET value = excluded.value"
                        if table == "secrets"
                        else "ON CONFLICT DO NOTHING"
                    ),
                    [tuple(r) for r in rows],
                )
            else:
                await self.conn.copy_records_to_table(
                    table, records=[tuple(r) for r in rows], columns=names
                )

    async def counter(self, table: str) -> int:
        found = await self.conn.fetchval(
            f"SELECT greatest((SELECT last_value FROM {table}_id_seq WHERE is_called), "
            f"(SELECT max(id) FROM {table}))"
        )
        return int(found or 0)

    async def set_counter(self, table: str, value: int) -> None:
        if value > 0:
            await self.conn.execute(
                "SELECT setval(pg_get_serial_sequence($1, 'id'), $2)", table, value
            )

    async def finish(self) -> None:
        """As `SqliteSide.finish`: adopt any article that came without an identity."""
        from api.store.postgres.crawls import backfill as adopt_all

        async with self.conn.transaction():
            await adopt_all(self.conn)

    async def close(self) -> None:
        await self.conn.close()


async def open_side(url: str) -> SqliteSide | PostgresSide:
    """The end named by `url`: `sqlite:///path` or `postgresql://…`."""
    if url.startswith("sqlite:///"):
        return SqliteSide(Path(url.removeprefix("sqlite:///")))
    if url.startswith(("postgresql://", "postgres://")):
        return await PostgresSide.open(url)
    raise ValueError(f"not a database URL: {url!r} (sqlite:///path or postgresql://…)")


Progress = Callable[[str, int, int], None]
"""Told `(table, rows copied now, rows the table holds in the source)`."""


async def _count(side: Side, table: Table) -> int:
    found = await side.rows(f"SELECT count(*) FROM {side.name(table)}")
    return int(found[0][0])


async def _resume_point(side: Side, table: Table) -> int:
    found = await side.rows(f"SELECT max({side.key(table)}) FROM {side.name(table)}")
    return int(found[0][0] or 0)


async def copy_table(source: Side, dest: Side, table: Table, progress: Progress) -> int:
    """Copy the rows of `table` past the destination's resume point; returns how many."""
    total = await _count(source, table)
    after = await _resume_point(dest, table)
    done_before = await _count(dest, table)
    progress(table.postgres, done_before, total)
    src_key = source.key(table)
    select = f"SELECT {', '.join(source.columns(table))} FROM {source.name(table)}"
    copied = 0
    while True:
        if table.by_article:
            ids = await source.rows(
                f"SELECT DISTINCT {src_key} FROM {source.name(table)} WHERE {src_key} > ? "
                f"ORDER BY {src_key} LIMIT ?",
                after,
                ARTICLES_PER_BATCH,
            )
            if not ids:
                break
            last = int(ids[-1][0])
            batch = await source.rows(
                f"{select} WHERE {src_key} > ? AND {src_key} <= ? ORDER BY {src_key}, id",
                after,
                last,
            )
        else:
            batch = await source.rows(
                f"{select} WHERE {src_key} > ? ORDER BY {src_key} LIMIT ?", after, BATCH
            )
            if not batch:
                break
            last = int(batch[-1][0])
        await dest.insert(dest.name(table), dest.columns(table), batch)
        copied += len(batch)
        after = last
        progress(table.postgres, done_before + copied, total)
    return copied


async def copy_database(source_url: str, dest_url: str, progress: Progress) -> dict[str, int]:
    """Copy everything from `source_url` to `dest_url`; returns rows copied per table."""
    source = await open_side(source_url)
    try:
        dest = await open_side(dest_url)
        try:
            copied = {t.postgres: await copy_table(source, dest, t, progress) for t in TABLES}
            for name, columns in SMALL:
                rows = await source.rows(f"SELECT {', '.join(columns.split())} FROM {name}")
                if rows:
                    await dest.insert(name, columns.split(), rows)
                copied[name] = len(rows)
            for table in TABLES:
                if table.columns[0] != "id":
                    continue
                name = table.postgres
                mine = await dest.counter(name)
                theirs = await source.counter(name) if name in COUNTED else 0
                await dest.set_counter(name, max(mine, theirs))
            await dest.finish()
            return copied
        finally:
            await dest.close()
    finally:
        await source.close()
