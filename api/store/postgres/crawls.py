"""Re-crawls on PostgreSQL: `api.store.sqlite.crawls` in PostgreSQL's dialect.

The merge (`api.ingest.merge`), what it decides besides the thread (`recrawl.decide`), the
stored thread (`recrawl.stored`), the rebuilt reply tree (`recrawl.rebuilt`) and the rows both
engines write (`recrawl.comment_updates` and the rest) are shared with SQLite; this module owns
the SQL. Every crawl takes the advisory locks of its page's identities (canonical URL, text
fingerprint, content hash; `api.ingest.identity.page_lock_keys`) before it looks for the page's
article, so two nodes receiving the same new page at once make one article, not two, while
different pages write in parallel. The article's own lock comes last, so a crawl merging into an
article and a PUT replacing it run one after the other; every writer takes identity locks in
ascending order and then at most one article lock, so they cannot deadlock.
"""

from __future__ import annotations

import hashlib
import time
import zlib

from api.ingest.errors import PageError
from api.ingest.identity import (
    article_fingerprint,
    article_text,
    canonical_url,
    lock_key,
    page_lock_keys,
)
from api.ingest.merge import Known, Stamp, Version, merge
from api.ingest.model import Block, ParsedPage
from api.ingest.times import RANGE, first_out_of_range
from api.ingest.version import parser_version
from api.store import recrawl
from api.store.page_rows import search_text
from api.store.postgres import writes
from api.store.postgres.schema import PgConnection
from api.store.protocol import Crawl, CrawlResult, HashConflict, Outcome, Source
from api.store.recrawl import KNOWN_COLUMNS, Stored


def _now() -> int:
    return int(time.time())


async def lock_page(conn: PgConnection, page: ParsedPage, url: str | None) -> None:
    """Hold (to the end of the transaction) the locks of every identity of `page`."""
    for key in page_lock_keys(url, page.title, page.sections, page.content_hash):
        await conn.execute("SELECT pg_advisory_xact_lock($1)", key)


async def lock_article(conn: PgConnection, article_id: int) -> None:
    """Hold (to the end of the transaction) the lock of one stored article."""
    await conn.execute("SELECT pg_advisory_xact_lock($1)", lock_key("article", str(article_id)))


async def ingest_crawl(
    conn: PgConnection, page: ParsedPage, source: Source, crawl: Crawl
) -> CrawlResult:
    """Store a crawled page in one transaction: a new article, or a merge into its own."""
    late = first_out_of_range(page)
    if late is not None:  # the API could not encode it: refuse it before anything is written
        raise PageError(f"comment {late + 1} is dated outside {RANGE}")
    async with conn.transaction():
        await lock_page(conn, page, source.url)  # before the look-up: one article per page
        article_id = await find_article(conn, page, source.url)
        if article_id is not None:
            await lock_article(conn, article_id)
        if article_id is None:
            stored = await writes.insert_page(conn, page, source)
            crawl_id = await _start(conn, stored.article_id, page, source, crawl, "created")
            result = CrawlResult(
                stored.article_id, "created", stored.comments, len(page.comments), crawl_id=crawl_id
            )
        else:
            result = await _merge_into(conn, article_id, page, source, crawl)
        await writes.bump_generation(conn)
        return result


async def replace_crawl(
    conn: PgConnection, article_id: int, page: ParsedPage, source: Source, crawl: Crawl
) -> CrawlResult | None:
    """PUT: replace an article's content; its crawl history starts again with `crawl`."""
    async with conn.transaction():
        await lock_page(conn, page, source.url)
        await lock_article(conn, article_id)
        done = await writes.replace_content(conn, article_id, page, source)
        if done is None:
            return None
        await conn.execute("DELETE FROM article_versions WHERE article_id = $1", article_id)
        await conn.execute("DELETE FROM crawls WHERE article_id = $1", article_id)
        crawl_id = await _start(conn, article_id, page, source, crawl, "replaced")
        await writes.bump_generation(conn)
        return CrawlResult(article_id, "replaced", len(page.comments), crawl_id=crawl_id)


async def find_article(conn: PgConnection, page: ParsedPage, url: str | None) -> int | None:
    """The article a page is a crawl of: by canonical URL, else by its own text, else by the
    same content."""
    canonical = canonical_url(url)
    if canonical is not None:
        found = await conn.fetchval(
            "SELECT id FROM articles WHERE canonical_url = $1 ORDER BY id LIMIT 1", canonical
        )
        if found is not None:
            return int(found)
    fingerprint = article_fingerprint(page.title, page.sections)
    found = await conn.fetchval(
        "SELECT id FROM articles WHERE text_fingerprint = $1 "
        + ("AND canonical_url IS NULL " if canonical is not None else "")
        + "ORDER BY canonical_url IS NOT NULL, id LIMIT 1",
        fingerprint,
    )
    if found is None:
        found = await conn.fetchval(
            "SELECT id FROM articles WHERE content_hash = $1", page.content_hash
        )
    return None if found is None else int(found)


async def store_source(conn: PgConnection, raw: bytes, media_type: str) -> int:
    """Keep a raw page, compressed, once however many crawls share it; its id."""
    digest = hashlib.sha256(raw).hexdigest()
    await conn.execute(
        "INSERT INTO crawl_sources (sha256, media_type, size, data) VALUES ($1, $2, $3, $4) "
        "ON CONFLICT (sha256) DO NOTHING",
        digest,
        media_type,
        len(raw),
        zlib.compress(raw, 6),
    )
    return int(await conn.fetchval("SELECT id FROM crawl_sources WHERE sha256 = $1", digest))


async def _insert_crawl(
    conn: PgConnection,
    article_id: int,
    page: ParsedPage,
    source: Source,
    crawl: Crawl,
    outcome: Outcome,
    crawled_at: int,
) -> int:
    source_id = None if crawl.raw is None else await store_source(conn, crawl.raw, crawl.media_type)
    # A replacement with the time and content of a crawl already stored replaces that record.
    await conn.execute(
        "DELETE FROM crawls WHERE article_id = $1 AND crawled_at = $2 AND content_hash = $3",
        article_id,
        crawled_at,
        page.content_hash,
    )
    found: int = await conn.fetchval(
        "INSERT INTO crawls (article_id, crawled_at, ingested_at, content_hash, url, source_id, "
        "timezone, parser_version, outcome, comments, comments_added) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
        article_id,
        crawled_at,
        _now(),
        page.content_hash,
        source.url,
        source_id,
        crawl.timezone,
        parser_version() if crawl.raw is not None else None,
        outcome,
        len(page.comments),
        len(page.comments) if outcome != "unchanged" else 0,
    )
    return found


async def _start(
    conn: PgConnection,
    article_id: int,
    page: ParsedPage,
    source: Source,
    crawl: Crawl,
    outcome: Outcome,
) -> int:
    """The first crawl of an article (or its replacement): every comment first seen then."""
    crawled_at = source.crawled_at
    if crawled_at is None:
        crawled_at = int(
            await conn.fetchval(
                "SELECT coalesce(updated_at, ingested_at) FROM articles WHERE id = $1", article_id
            )
        )
    crawl_id = await _insert_crawl(conn, article_id, page, source, crawl, outcome, crawled_at)
    await start_thread(
        conn, article_id, crawl_id, crawled_at, article_text(page.title, page.sections)
    )
    await conn.execute(
        "UPDATE articles SET canonical_url = $1, text_fingerprint = $2 WHERE id = $3",
        canonical_url(source.url),
        article_fingerprint(page.title, page.sections),
        article_id,
    )
    return crawl_id


async def start_thread(
    conn: PgConnection, article_id: int, crawl_id: int, crawled_at: int, text: str
) -> None:
    """Mark an article's stored comments and text as seen by one crawl, its first."""
    await conn.execute(
        """
        UPDATE comments c SET first_crawl_id = $1, last_crawl_id = $1, body_crawl_id = $1,
            removed_crawl_id = NULL, first_seen_at = $2, edited_at = NULL, removed_at = NULL,
            anchor_id = (SELECT c2.id FROM comments c2 WHERE c2.article_id = c.article_id
                         AND c2.position = c.position - 1)
        WHERE c.article_id = $3
        """,
        crawl_id,
        crawled_at,
        article_id,
    )
    await conn.execute(
        "INSERT INTO article_versions (article_id, text, first_crawl_id, last_crawl_id) "
        "VALUES ($1, $2, $3, $3)",
        article_id,
        text,
        crawl_id,
    )
    await conn.execute("UPDATE articles SET last_crawl_id = $1 WHERE id = $2", crawl_id, article_id)


async def adopt(conn: PgConnection, article_id: int) -> None:
    """Give one article its identity and, when it has none, a first crawl at its ingest time,
    without a stored source (`store_page`, and articles from before migration 0003)."""
    row = await conn.fetchrow(
        "SELECT title, url, ingested_at, content_hash, comment_count FROM articles WHERE id = $1",
        article_id,
    )
    assert row is not None
    title, url, ingested_at, content_hash, count = row
    blocks = await load_blocks(conn, article_id)
    has_crawl = await conn.fetchval("SELECT 1 FROM crawls WHERE article_id = $1", article_id)
    if has_crawl is None:
        crawl_id = await conn.fetchval(
            "INSERT INTO crawls (article_id, crawled_at, ingested_at, content_hash, url, "
            "outcome, comments, comments_added) VALUES ($1, $2, $2, $3, $4, 'created', $5, $5) "
            "RETURNING id",
            article_id,
            ingested_at,
            content_hash,
            url,
            count,
        )
        await start_thread(conn, article_id, crawl_id, ingested_at, article_text(title, blocks))
    await conn.execute(
        "UPDATE articles SET canonical_url = $1, text_fingerprint = $2 WHERE id = $3",
        canonical_url(url),
        article_fingerprint(title, blocks),
        article_id,
    )


async def backfill(conn: PgConnection) -> int:
    """Adopt every article without an identity, inside the caller's transaction; how many."""
    pending = [
        r[0] for r in await conn.fetch("SELECT id FROM articles WHERE text_fingerprint IS NULL")
    ]
    for article_id in pending:
        await adopt(conn, article_id)
    return len(pending)


async def load_blocks(conn: PgConnection, article_id: int) -> list[list[Block]]:
    """An article's stored sections as parser blocks (text and kind)."""
    sections: dict[int, list[Block]] = {}
    for r in await conn.fetch(
        "SELECT s.position, p.kind, p.text FROM sections s JOIN paragraphs p "
        "ON p.section_id = s.id WHERE s.article_id = $1 ORDER BY s.position, p.position",
        article_id,
    ):
        sections.setdefault(r[0], []).append(Block(r[1], r[2]))
    return [sections[k] for k in sorted(sections)]


async def load_thread(conn: PgConnection, article_id: int) -> Stored:
    """Everything of an article a merge reads: crawls, comments with versions, text."""
    article = await conn.fetchrow(
        "SELECT title, content_hash FROM articles WHERE id = $1", article_id
    )
    assert article is not None
    return recrawl.stored(
        await conn.fetch(
            "SELECT id, crawled_at, content_hash FROM crawls WHERE article_id = $1", article_id
        ),
        await conn.fetch(
            "SELECT r.comment_id, r.body, r.first_crawl_id, r.last_crawl_id "
            "FROM comment_revisions r JOIN comments c ON c.id = r.comment_id "
            "WHERE c.article_id = $1 ORDER BY r.id",
            article_id,
        ),
        await conn.fetch(
            f"SELECT {KNOWN_COLUMNS} FROM comments WHERE article_id = $1 ORDER BY position",
            article_id,
        ),
        await conn.fetch(
            "SELECT text, first_crawl_id, last_crawl_id FROM article_versions "
            "WHERE article_id = $1 ORDER BY id",
            article_id,
        ),
        article,
        await load_blocks(conn, article_id),
    )


async def _merge_into(
    conn: PgConnection, article_id: int, page: ParsedPage, source: Source, crawl: Crawl
) -> CrawlResult:
    crawled_at = source.crawled_at if source.crawled_at is not None else _now()
    stamp: Stamp = (crawled_at, page.content_hash)
    seen_again = await _seen_again(conn, article_id, page, source, crawl, stamp)
    if seen_again is not None:
        return seen_again
    stored = await load_thread(conn, article_id)
    result = merge(stored.comments, list(stored.crawls.values()), stamp, page.comments)
    total = len(stored.comments) + len(result.added)
    if result.repeated:
        return CrawlResult(article_id, "unchanged", total)
    plan = recrawl.decide(stored, page, stamp, result)
    crawl_id = await _insert_crawl(conn, article_id, page, source, crawl, plan.outcome, crawled_at)
    await conn.execute(
        "UPDATE crawls SET comments_added = $1, comments_edited = $2, comments_removed = $3, "
        "text_edited = $4 WHERE id = $5",
        len(result.added),
        len(result.edited),
        len(result.removed),
        int(plan.text_edited),
        crawl_id,
    )
    crawl_ids = {**stored.stamp_ids(), stamp: crawl_id}
    await save_thread(
        conn,
        article_id,
        result.comments,
        crawl_ids,
        stored.bodies,
        title=plan.title,
        blocks=plan.blocks if plan.structural else None,
        digest=plan.digest,
    )
    await save_texts(conn, article_id, plan.texts, crawl_ids)
    if plan.newest:
        await _update_article(
            conn, article_id, page, source, crawl_ids[result.crawls[-1]], plan.outcome
        )
    elif plan.outcome == "merged":
        await conn.execute("UPDATE articles SET updated_at = $1 WHERE id = $2", _now(), article_id)
    return plan.result(article_id, total, result, crawl_id)


async def _seen_again(
    conn: PgConnection,
    article_id: int,
    page: ParsedPage,
    source: Source,
    crawl: Crawl,
    stamp: Stamp,
) -> CrawlResult | None:
    """The fast path for the page of the newest crawl seen again (`recrawl.repeats_newest`)."""
    newest = await conn.fetchrow(
        "SELECT c.id, c.crawled_at, c.content_hash, c.parser_version, a.comment_count "
        "FROM articles a JOIN crawls c ON c.id = a.last_crawl_id WHERE a.id = $1",
        article_id,
    )
    if newest is None or not recrawl.repeats_newest(newest, page, stamp, parser_version()):
        return None
    crawl_id = await _insert_crawl(conn, article_id, page, source, crawl, "unchanged", stamp[0])
    for table in ("comments", "article_versions"):
        await conn.execute(
            f"UPDATE {table} SET last_crawl_id = $1 WHERE article_id = $2 AND last_crawl_id = $3",
            crawl_id,
            article_id,
            newest[0],
        )
    await conn.execute("UPDATE articles SET last_crawl_id = $1 WHERE id = $2", crawl_id, article_id)
    return CrawlResult(article_id, "unchanged", newest[4], crawl_id=crawl_id)


async def _update_article(
    conn: PgConnection,
    article_id: int,
    page: ParsedPage,
    source: Source,
    crawl_id: int,
    outcome: Outcome,
) -> None:
    holder = await conn.fetchval(
        "SELECT id FROM articles WHERE content_hash = $1 AND id != $2",
        page.content_hash,
        article_id,
    )
    if holder is not None:
        raise HashConflict(holder)
    await conn.execute(
        "UPDATE articles SET content_hash = $1, title = $2, last_crawl_id = $3, "
        "url = coalesce(url, $4), canonical_url = coalesce(canonical_url, $5), "
        "published_at = coalesce($6, published_at), text_fingerprint = $7, "
        "byline = $8, comment_rendering = coalesce($9, comment_rendering), "
        "updated_at = CASE WHEN $10 THEN $11 ELSE updated_at END WHERE id = $12",
        *recrawl.article_values(article_id, page, source, crawl_id, outcome),
    )


async def save_texts(
    conn: PgConnection, article_id: int, texts: list[Version], crawl_ids: dict[Stamp, int]
) -> None:
    """Replace an article's text versions."""
    await conn.execute("DELETE FROM article_versions WHERE article_id = $1", article_id)
    await conn.executemany(
        "INSERT INTO article_versions (article_id, text, first_crawl_id, last_crawl_id) "
        "VALUES ($1, $2, $3, $4)",
        recrawl.text_rows(article_id, texts, crawl_ids),
    )


async def save_thread(
    conn: PgConnection,
    article_id: int,
    thread: list[Known],
    crawl_ids: dict[Stamp, int],
    bodies: dict[int, str],
    *,
    title: str,
    blocks: list[list[Block]] | None,
    digest: str,
) -> list[int]:
    """Write a merged thread (in page order) back, as SQLite's `save_thread` does; new
    comments (negative keys) get ids from the comments' sequence. Returns the ids in page
    order."""
    ids: dict[int, int] = {k.key: k.key for k in thread if k.key > 0}
    await conn.execute(
        "UPDATE comments SET position = -1 - position WHERE article_id = $1", article_id
    )
    new = [k for k in thread if k.key < 0]
    base = await writes.reserve_ids(conn, "comments", len(new))
    for n, k in enumerate(new):
        ids[k.key] = base + 1 + n
        bodies[base + 1 + n] = k.current.body
    await conn.executemany(
        "INSERT INTO comments (id, article_id, position, author, author_verified, posted_at, "
        "body, parent_resolution, depth, root_id, posted_text, kind) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, 'none', 0, 0, $8, $9)",
        [
            (
                ids[k.key],
                article_id,
                len(thread) + n,
                k.author,
                int(k.author_verified),
                None if k.posted_at is None else int(k.posted_at.timestamp()),
                k.current.body,
                k.posted_text,
                k.kind,
            )
            for n, k in enumerate(new)
        ],
    )
    order = [ids[k.key] for k in thread]
    await conn.executemany(
        "UPDATE comments SET body = $1 WHERE id = $2", recrawl.body_updates(thread, ids, bodies)
    )
    await conn.executemany(
        """
        UPDATE comments SET position = $1, anchor_id = $2, parent_author = $3,
            parent_author_verified = $4, first_crawl_id = $5, last_crawl_id = $6,
            body_crawl_id = $7, removed_crawl_id = $8, first_seen_at = $9, edited_at = $10,
            removed_at = $11, page_parent_id = $12, posted_at = $13, posted_text = $14,
            kind = $15
        WHERE id = $16
        """,
        recrawl.comment_updates(thread, ids, crawl_ids),
    )
    await conn.execute(
        "DELETE FROM comment_revisions WHERE comment_id IN "
        "(SELECT id FROM comments WHERE article_id = $1)",
        article_id,
    )
    await conn.executemany(
        "INSERT INTO comment_revisions (comment_id, body, first_crawl_id, last_crawl_id) "
        "VALUES ($1, $2, $3, $4)",
        recrawl.revision_rows(thread, ids, crawl_ids),
    )
    if blocks is not None:
        await _rewrite_derived(conn, article_id, thread, order, title, blocks, digest)
    return order


async def _rewrite_derived(
    conn: PgConnection,
    article_id: int,
    thread: list[Known],
    ids: list[int],
    title: str,
    blocks: list[list[Block]],
    digest: str,
) -> None:
    """The article's text and the reply tree over the whole merged thread, with quotes,
    links, speakers, search text and counters."""
    page, tree = recrawl.rebuilt(thread, ids, title, blocks, digest)
    for table in ("quotes", "links", "speakers", "sections", "article_search"):
        await conn.execute(f"DELETE FROM {table} WHERE article_id = $1", article_id)
    paragraph_ids = await writes.write_sections(conn, article_id, page.sections)
    await conn.executemany(
        "UPDATE comments SET parent_id = $1, parent_resolution = $2, depth = $3, root_id = $4, "
        "reply_count = $5, thread_rank = $6 WHERE id = $7",
        tree,
    )
    await writes.store_quotes_and_links(conn, page, article_id, paragraph_ids, ids)
    await writes.write_counters(conn, article_id, page)
    await writes.write_search(conn, article_id, title, search_text(page))
