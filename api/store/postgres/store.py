"""The PostgreSQL store: `Store` over an asyncpg connection pool.

asyncpg rather than psycopg 3: it speaks PostgreSQL's binary protocol natively with prepared
statements cached per connection, has `copy_records_to_table` for bulk ingest and copies, and
its pool is built for asyncio; typed stubs exist (asyncpg-stubs). Every node opens its own pool;
nothing is kept in the process that another node would need. Reads may go to streaming
standbys (`api.store.postgres.replicas`); writes, keys and idempotency records always use the
primary.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import asyncpg
import msgspec

from api.ingest.model import ParsedPage
from api.store.api_keys import NewKey
from api.store.postgres import crawls, keys, reads, schema, search, writes
from api.store.postgres.replicas import read_primary, replica_lag
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
    StoreBusy,
    StoredResponse,
)
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

POOL_SIZE = 10
P = TypeVar("P")


async def keep_session(conn: asyncpg.Connection) -> None:
    """What a connection does on its way back to the pool: nothing more than asyncpg always
    does (roll back a transaction left open, drop listeners).

    asyncpg's default also sends `SELECT pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *; RESET
    ALL` on every release, one more round trip for each query made through the pool: about 1.9
    ms of a 2.5 ms `pool.fetchval("SELECT 1")` on the bench machine. Nothing here leaves session
    state behind: settings are `set_config(…, true)` (this transaction only), there are no
    cursors or LISTENs, and the one session advisory lock (`writes.reserve_ids`) is released in
    the same call, or its connection is closed."""


class PostgresStore:
    """`Store` on a PostgreSQL database; open it with `PostgresStore.open`."""

    engine = "postgresql"

    def __init__(
        self,
        pool: asyncpg.Pool,
        health: asyncpg.Connection,
        search_deadline: float,
        replicas: list[asyncpg.Pool] | None = None,
        url: str = "",
    ) -> None:
        self.url = url
        self.pool = pool
        self.replicas = replicas or []
        self._next_replica = itertools.cycle(self.replicas)
        self._health = health
        self._health_lock = asyncio.Lock()
        self._deadline_ms = max(1, int(search_deadline * 1000))

    @classmethod
    async def open(
        cls, url: str, *, search_deadline: float, read_urls: Sequence[str] = ()
    ) -> PostgresStore:
        """Migrate the database at `url`, then open the pool and the health connection, and a
        pool per read replica in `read_urls`."""
        conn = await asyncpg.connect(url)
        try:
            await schema.migrate(conn)
        finally:
            await conn.close()
        pool = await asyncpg.create_pool(url, min_size=1, max_size=POOL_SIZE, reset=keep_session)
        replicas = [
            await asyncpg.create_pool(read, min_size=1, max_size=POOL_SIZE, reset=keep_session)
            for read in read_urls
        ]
        return cls(pool, await asyncpg.connect(url), search_deadline, replicas, url)

    def _read(self) -> asyncpg.Pool:
        """Where a read goes: the next replica, or the primary when there is none or the
        request must see its own writes (`replicas.read_primary`)."""
        if not self.replicas or read_primary.get():
            return self.pool
        return next(self._next_replica)

    async def data_generation(self) -> int:
        """The data generation, on the primary (every write bumps it there)."""
        async with self.pool.acquire() as conn:
            return await writes.data_generation(conn)

    async def replica_lag(self) -> tuple[float, int] | None:
        """See `replicas.replica_lag`; None when a database cannot be reached now."""
        if not self.replicas:
            return 0.0, 0
        try:
            return await replica_lag(self.pool, self.replicas)
        except (
            OSError,
            asyncpg.PostgresConnectionError,
            asyncpg.exceptions.OperatorInterventionError,
        ):
            return None

    def connections(self) -> dict[str, tuple[int, int]]:
        """The primary pool, the replicas' pools together, and the health connection."""
        found = {
            "primary": (self.pool.get_size(), self.pool.get_size() - self.pool.get_idle_size()),
            "health": (0 if self._health.is_closed() else 1, int(self._health_lock.locked())),
        }
        if self.replicas:
            found["replica"] = (
                sum(r.get_size() for r in self.replicas),
                sum(r.get_size() - r.get_idle_size() for r in self.replicas),
            )
        return found

    async def close(self) -> None:
        """Close the pools and the health connection."""
        await self._health.close()
        for replica in self.replicas:
            await replica.close()
        await self.pool.close()

    async def schema_version(self) -> int:
        """The newest PostgreSQL migration applied."""
        return await schema.applied_version(self._read())  # type: ignore[arg-type]

    async def count_articles(self) -> int:
        """Number of stored articles."""
        return await reads.count_articles(self._read())

    async def health(self) -> tuple[int, int]:
        """Schema version and article count on the health connection."""
        async with self._health_lock:
            if self._health.is_closed() and self.url:  # the database went away and is back
                self._health = await asyncpg.connect(self.url)
            try:
                return (
                    await schema.applied_version(self._health),
                    await reads.count_articles(self._health),
                )
            except (OSError, asyncpg.PostgresConnectionError, asyncpg.InterfaceError):
                self._health.terminate()  # the next check connects again
                raise

    async def list_articles(self, *, before_id: int | None, limit: int) -> list[Article]:
        """See `reads.list_articles`."""
        return await reads.list_articles(self._read(), before_id=before_id, limit=limit)

    async def get_article(self, article_id: int) -> Article | None:
        """See `reads.get_article`."""
        return await reads.get_article(self._read(), article_id)

    async def list_sections(
        self, article_id: int, *, after_position: int | None, limit: int
    ) -> list[Section]:
        """See `reads.list_sections`."""
        async with self._read().acquire() as conn:
            return await reads.list_sections(
                conn, article_id, after_position=after_position, limit=limit
            )

    async def list_speakers(self, article_id: int) -> list[Speaker]:
        """See `reads.list_speakers`."""
        return await reads.list_speakers(self._read(), article_id)

    async def article_document(self, article: Article) -> ArticleImport:
        """See `reads.article_document`."""
        async with self._read().acquire() as conn:
            return await reads.article_document(conn, article)

    async def count_comments(self, article_id: int, filters: CommentFilter, stored: int) -> int:
        """See `reads.count_comments`."""
        return await reads.count_comments(self._read(), article_id, filters, stored)

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
            self._read(), article_id, filters=filters, sort=sort, after=after, limit=limit
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
        """`get_article`, then `list_comments` when there is one."""
        article = await self.get_article(article_id)
        if article is None:
            return None, []
        found, _ = await self.list_comments(
            article_id, filters=filters, sort=sort, after=after, limit=limit
        )
        return article, found

    async def article_tree(
        self, article_id: int, plan: Callable[[list[Skeleton]], tuple[P, list[int]]]
    ) -> tuple[Article, P, dict[int, CommentNode]] | None:
        """`get_article`, `thread_skeleton`, `plan` and the nodes it picks, on one connection
        (one replica's view of the data)."""
        async with self._read().acquire() as conn:
            article = await reads.get_article(conn, article_id)
            if article is None:
                return None
            planned, ids = plan(await reads.thread_skeleton(conn, article_id))
            found = await reads.get_comments(conn, ids)
        return article, planned, {i: _node(c) for i, c in found.items()}

    async def get_comment_nodes(self, ids: list[int]) -> dict[int, CommentNode]:
        """`get_comments`, each as a node with no replies yet."""
        return {i: _node(c) for i, c in (await self.get_comments(ids)).items()}

    async def get_comment(self, comment_id: int) -> Comment | None:
        """See `reads.get_comment`."""
        return await reads.get_comment(self._read(), comment_id)

    async def get_comments(self, ids: list[int]) -> dict[int, Comment]:
        """See `reads.get_comments`."""
        return await reads.get_comments(self._read(), ids)

    async def thread_skeleton(self, article_id: int) -> list[Skeleton]:
        """See `reads.thread_skeleton`."""
        return await reads.thread_skeleton(self._read(), article_id)

    async def list_quotes(
        self, *, filters: QuoteFilter, after_id: int | None, limit: int
    ) -> list[QuoteItem]:
        """See `reads.list_quotes`."""
        return await reads.list_quotes(
            self._read(), filters=filters, after_id=after_id, limit=limit
        )

    async def list_speaker_summaries(
        self, *, after_anchor: int | None, limit: int
    ) -> list[tuple[SpeakerSummary, int]]:
        """See `reads.list_speaker_summaries`."""
        async with self._read().acquire() as conn:
            return await reads.list_speaker_summaries(conn, after_anchor=after_anchor, limit=limit)

    async def list_authors(
        self, *, after_anchor: int | None, limit: int
    ) -> list[tuple[Author, int]]:
        """See `reads.list_authors`."""
        async with self._read().acquire() as conn:
            return await reads.list_authors(conn, after_anchor=after_anchor, limit=limit)

    async def list_author_comments(
        self, author: str, *, before: list[int] | None, limit: int
    ) -> list[Comment]:
        """See `reads.list_author_comments`."""
        return await reads.list_author_comments(self._read(), author, before=before, limit=limit)

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
        """See `search.search`; every statement held to the search deadline."""
        async with self._read().acquire() as conn, conn.transaction(readonly=True):
            await conn.execute(
                "SELECT set_config('statement_timeout', $1, true)", f"{self._deadline_ms}ms"
            )
            try:
                return await search.search(
                    conn,
                    kind,
                    query,
                    order=order,
                    after=after,
                    floor=floor,
                    limit=limit,
                    new_marks=new_marks,
                )
            except asyncpg.exceptions.QueryCanceledError as exc:
                raise StoreBusy("The query ran past its time limit.") from exc

    async def store_page(self, page: ParsedPage, source: Source) -> IngestResult:
        """See `writes.store_page`."""
        async with self.pool.acquire() as conn:
            return await writes.store_page(conn, page, source)

    async def delete_article(self, article_id: int) -> bool:
        """See `writes.delete_article`."""
        async with self.pool.acquire() as conn:
            return await writes.delete_article(conn, article_id)

    async def ingest_crawl(self, page: ParsedPage, source: Source, crawl: Crawl) -> CrawlResult:
        """See `crawls.ingest_crawl`."""
        async with self.pool.acquire() as conn:
            return await crawls.ingest_crawl(conn, page, source, crawl)

    async def replace_crawl(
        self, article_id: int, page: ParsedPage, source: Source, crawl: Crawl
    ) -> CrawlResult | None:
        """See `crawls.replace_crawl`."""
        async with self.pool.acquire() as conn:
            return await crawls.replace_crawl(conn, article_id, page, source, crawl)

    async def list_crawls(
        self, article_id: int, *, after: list[int] | None, limit: int
    ) -> list[CrawlRecord]:
        """See `reads.list_crawls`."""
        return await reads.list_crawls(self._read(), article_id, after=after, limit=limit)

    async def article_revisions(self, article_id: int) -> list[ArticleRevision]:
        """See `reads.article_revisions`."""
        return await reads.article_revisions(self._read(), article_id)

    async def comment_revisions(self, comment_id: int) -> CommentRevisions | None:
        """See `reads.comment_revisions`."""
        return await reads.comment_revisions(self._read(), comment_id)

    async def cursor_secret(self) -> bytes:
        """See `keys.cursor_secret`."""
        async with self.pool.acquire() as conn:
            return await keys.cursor_secret(conn)

    async def create_key(self, name: str, key: NewKey) -> KeyRecord:
        """See `keys.create_key`."""
        async with self.pool.acquire() as conn:
            return await keys.create_key(conn, name, key)

    async def list_keys(self) -> list[KeyRecord]:
        """See `keys.list_keys`."""
        async with self.pool.acquire() as conn:
            return await keys.list_keys(conn)

    async def revoke_key(self, prefix: str) -> bool:
        """See `keys.revoke_key`."""
        async with self.pool.acquire() as conn:
            return await keys.revoke_key(conn, prefix)

    async def find_key(self, prefix: str) -> KeyRecord | None:
        """See `keys.find_key`."""
        async with self.pool.acquire() as conn:
            return await keys.find_key(conn, prefix)

    async def claim(self, key_id: int, key: str, fingerprint: str) -> StoredResponse | None:
        """See `keys.claim`."""
        async with self.pool.acquire() as conn:
            return await keys.claim(conn, key_id, key, fingerprint)

    async def release(self, key_id: int, key: str) -> None:
        """See `keys.release`."""
        async with self.pool.acquire() as conn:
            await keys.release(conn, key_id, key)

    async def save_response(self, key_id: int, key: str, response: StoredResponse) -> None:
        """See `keys.save_response`."""
        async with self.pool.acquire() as conn:
            await keys.save_response(conn, key_id, key, response)


def _node(comment: Comment) -> CommentNode:
    """A comment as a reply-tree node with no replies yet."""
    return CommentNode(**msgspec.structs.asdict(comment), replies=[])
