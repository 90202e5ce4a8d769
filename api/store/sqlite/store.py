"""The SQLite store: `Store` over the embedded database file.

The queries stay where they were (`api.store.sqlite.reads`, `writes`, `keys`, `secrets`); this class
only picks the connection each call runs on: the read connection, the event loop's own for the
comments page (a short indexed read costs less than a hand-off to a thread), the health check's
own, a search connection held to the deadline, or the process's single writer.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar, TypeVar

import aiosqlite

from api.ingest.model import ParsedPage
from api.store.api_keys import NewKey
from api.store.protocol import (
    CommentFilter,
    Crawl,
    CrawlResult,
    IngestResult,
    KeyRecord,
    QuoteFilter,
    SearchKind,
    SearchOrder,
    SearchRows,
    Source,
    StoredResponse,
)
from api.store.sqlite import connections as db
from api.store.sqlite import crawl_reads, crawls, keys, reads, secrets, writes
from api.store.sqlite.writer import Writer
from api.threads.layout import Skeleton
from schemas import (
    Article,
    ArticleRevision,
    Author,
    Comment,
    CommentRevisions,
    CommentSort,
    QuoteItem,
    Section,
    Speaker,
    SpeakerSummary,
)
from schemas import Crawl as CrawlRecord
from schemas.imports import ArticleImport
from schemas.threads import CommentNode

SEARCH_CONNECTIONS = 2
P = TypeVar("P")


class SqliteStore:
    """`Store` on one SQLite file; open it with `SqliteStore.open`."""

    engine = "sqlite"

    def __init__(
        self,
        writer: Writer,
        conn: aiosqlite.Connection,
        health_conn: aiosqlite.Connection,
        search_pool: db.DeadlinePool,
        loop_conn: sqlite3.Connection,
    ) -> None:
        self.writer = writer
        self.conn = conn
        self._loop = loop_conn
        self._health = health_conn
        self._search = search_pool
        self._common = reads.CommonWords()
        self._articles = reads.KnownArticles()

    @classmethod
    async def open(cls, path: Path, search_deadline: float) -> SqliteStore:
        """The writer (which creates the file and applies migrations), the read connection,
        and health and search connections of their own: a slow read on one never holds up
        the others."""
        writer = Writer(path)
        return cls(
            writer,
            await db.connect_reader(path),
            await db.connect_reader(path),
            await db.DeadlinePool.open(path, SEARCH_CONNECTIONS, search_deadline),
            db.connect_loop_reader(path),
        )

    CONNECTIONS: ClassVar[dict[str, int]] = {
        "writer": 1,
        "reader": 1,
        "loop": 1,
        "health": 1,
        "search": SEARCH_CONNECTIONS,
    }
    """The fixed connections, by pool, counted open by the app's lifespan."""

    async def data_generation(self) -> int:
        """The data generation (requests read it through `Generation` instead, with
        no hand-off to a thread)."""
        found = await self.conn.execute_fetchall("SELECT n FROM data_generation")
        return int(next(iter(found))[0])

    async def replica_lag(self) -> tuple[float, int] | None:
        """Nothing trails: reads and writes use one file."""
        return 0.0, 0

    def connections(self) -> dict[str, tuple[int, int]]:
        """Nothing to read: the connections are fixed (`CONNECTIONS`) and count their own use."""
        return {}

    async def close(self) -> None:
        """Close every connection."""
        await self._search.close()
        await self._health.close()
        await self.conn.close()
        self._loop.close()
        self.writer.close()

    async def schema_version(self) -> int:
        """`PRAGMA user_version`."""
        return await reads.schema_version(self.conn)

    async def count_articles(self) -> int:
        """Number of stored articles."""
        return await reads.count_articles(self.conn)

    async def health(self) -> tuple[int, int]:
        """Schema version and article count on the health connection."""
        return (
            await reads.schema_version(self._health),
            await reads.count_articles(self._health),
        )

    async def list_articles(self, *, before_id: int | None, limit: int) -> list[Article]:
        """See `reads.list_articles`."""
        return await reads.list_articles(self.conn, before_id=before_id, limit=limit)

    async def get_article(self, article_id: int) -> Article | None:
        """See `reads.get_article`."""
        return await reads.get_article(self.conn, article_id)

    async def list_sections(
        self, article_id: int, *, after_position: int | None, limit: int
    ) -> list[Section]:
        """See `reads.list_sections`."""
        return await reads.list_sections(
            self.conn, article_id, after_position=after_position, limit=limit
        )

    async def list_speakers(self, article_id: int) -> list[Speaker]:
        """See `reads.list_speakers`."""
        return await reads.list_speakers(self.conn, article_id)

    async def article_document(self, article: Article) -> ArticleImport:
        """See `reads.article_document`."""
        return await reads.article_document(self.conn, article)

    async def count_comments(self, article_id: int, filters: CommentFilter, stored: int) -> int:
        """See `reads.count_comments`."""
        return await reads.count_comments(self.conn, article_id, filters, stored)

    async def list_comments(
        self,
        article_id: int,
        *,
        filters: CommentFilter,
        sort: CommentSort,
        after: list[int] | None,
        limit: int,
    ) -> tuple[list[Comment], list[int]]:
        """See `reads.list_comments`."""
        return await reads.list_comments(
            self.conn, article_id, filters=filters, sort=sort, after=after, limit=limit
        )

    async def article_comments(
        self,
        article_id: int,
        *,
        filters: CommentFilter,
        sort: CommentSort,
        after: list[int] | None,
        limit: int,
    ) -> tuple[Article | None, list[Comment]]:
        """See `reads.article_comments`: article and page read on the event loop."""
        return await reads.article_comments(
            self._loop,
            self.conn,
            self._articles,
            article_id,
            filters=filters,
            sort=sort,
            after=after,
            limit=limit,
        )

    async def article_tree(
        self, article_id: int, plan: Callable[[list[Skeleton]], tuple[P, list[int]]]
    ) -> tuple[Article, P, dict[int, CommentNode]] | None:
        """See `reads.article_tree`: a short thread read on the event loop, a long one in
        one hand-off."""
        return await reads.article_tree(self._loop, self.conn, self._articles, article_id, plan)

    async def get_comment_nodes(self, ids: list[int]) -> dict[int, CommentNode]:
        """See `reads.get_comment_nodes`: nodes built as JSON by SQLite."""
        return await reads.get_comment_nodes(self.conn, ids)

    async def get_comment(self, comment_id: int) -> Comment | None:
        """See `reads.get_comment`."""
        return await reads.get_comment(self.conn, comment_id)

    async def get_comments(self, ids: list[int]) -> dict[int, Comment]:
        """See `reads.get_comments`."""
        return await reads.get_comments(self.conn, ids)

    async def thread_skeleton(self, article_id: int) -> list[Skeleton]:
        """See `reads.thread_skeleton`."""
        return await reads.thread_skeleton(self.conn, article_id)

    async def list_quotes(
        self, *, filters: QuoteFilter, after_id: int | None, limit: int
    ) -> list[QuoteItem]:
        """See `reads.list_quotes`."""
        return await reads.list_quotes(self.conn, filters=filters, after_id=after_id, limit=limit)

    async def list_speaker_summaries(
        self, *, after_anchor: int | None, limit: int
    ) -> list[tuple[SpeakerSummary, int]]:
        """See `reads.list_speaker_summaries`."""
        return await reads.list_speaker_summaries(self.conn, after_anchor=after_anchor, limit=limit)

    async def list_authors(
        self, *, after_anchor: int | None, limit: int
    ) -> list[tuple[Author, int]]:
        """See `reads.list_authors`."""
        return await reads.list_authors(self.conn, after_anchor=after_anchor, limit=limit)

    async def list_author_comments(
        self, author: str, *, before: list[int] | None, limit: int
    ) -> list[Comment]:
        """See `reads.list_author_comments`."""
        return await reads.list_author_comments(self.conn, author, before=before, limit=limit)

    async def search(
        self,
        kind: SearchKind,
        query: str,
        *,
        words: list[str] | None,
        order: SearchOrder,
        after: list[Any] | None,
        floor: int | None,
        limit: int,
        new_marks: Callable[[], tuple[str, str]],
    ) -> SearchRows:
        """See `reads.search`; on a search connection held to the deadline."""
        async with self._search.connection() as conn:
            return await reads.search(
                conn,
                kind,
                query,
                words=words,
                order=order,
                after=after,
                floor=floor,
                limit=limit,
                new_marks=new_marks,
                common=self._common,
            )

    async def store_page(self, page: ParsedPage, source: Source) -> IngestResult:
        """See `writes.store_page`."""
        return await self.writer.run(writes.store_page, page, source)

    async def delete_article(self, article_id: int) -> bool:
        """See `writes.delete_article`."""
        return await self.writer.run(writes.delete_article, article_id)

    async def ingest_crawl(self, page: ParsedPage, source: Source, crawl: Crawl) -> CrawlResult:
        """See `crawls.ingest_crawl`."""
        return await self.writer.run(crawls.ingest_crawl, page, source, crawl)

    async def replace_crawl(
        self, article_id: int, page: ParsedPage, source: Source, crawl: Crawl
    ) -> CrawlResult | None:
        """See `crawls.replace_crawl`."""
        return await self.writer.run(crawls.replace_crawl, article_id, page, source, crawl)

    async def list_crawls(
        self, article_id: int, *, after: list[int] | None, limit: int
    ) -> list[CrawlRecord]:
        """See `crawl_reads.list_crawls`."""
        return await crawl_reads.list_crawls(self.conn, article_id, after=after, limit=limit)

    async def article_revisions(self, article_id: int) -> list[ArticleRevision]:
        """See `crawl_reads.article_revisions`."""
        return await crawl_reads.article_revisions(self.conn, article_id)

    async def comment_revisions(self, comment_id: int) -> CommentRevisions | None:
        """See `crawl_reads.comment_revisions`."""
        return await crawl_reads.comment_revisions(self.conn, comment_id)

    async def cursor_secret(self) -> bytes:
        """See `secrets.cursor_secret`."""
        return await self.writer.run(secrets.cursor_secret)

    async def create_key(self, name: str, key: NewKey) -> KeyRecord:
        """See `keys.create_key`."""
        return await self.writer.run(keys.create_key, name, key)

    async def list_keys(self) -> list[KeyRecord]:
        """See `keys.list_keys`."""
        return await self.writer.run(keys.list_keys)

    async def revoke_key(self, prefix: str) -> bool:
        """See `keys.revoke_key`."""
        return await self.writer.run(keys.revoke_key, prefix)

    async def find_key(self, prefix: str) -> KeyRecord | None:
        """See `keys.find_key`."""
        return await keys.find_key(self.conn, prefix)

    async def claim(self, key_id: int, key: str, fingerprint: str) -> StoredResponse | None:
        """See `keys.claim`."""
        return await self.writer.run(keys.claim, key_id, key, fingerprint)

    async def release(self, key_id: int, key: str) -> None:
        """See `keys.release`."""
        await self.writer.run(keys.release, key_id, key)

    async def save_response(self, key_id: int, key: str, response: StoredResponse) -> None:
        """See `keys.save_response`."""
        await self.writer.run(keys.save_response, key_id, key, response)
