"""Writes on PostgreSQL: one transaction per page, as `api.store.sqlite.writes` does on SQLite.

Page writes take transaction-level advisory locks keyed by the page's identities
(`api.store.postgres.crawls.lock_page`): two writes of one page run one after the other across
every node, so content identity is checked without races, while different pages write in
parallel. Ids come from the tables' sequences, a block of consecutive ids per page
(`reserve_ids`), which never give a number twice.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from typing import Any

from api.ingest.errors import PageError
from api.ingest.identity import lock_key
from api.ingest.model import Block, ParsedPage
from api.ingest.times import RANGE, first_out_of_range
from api.store.page_rows import (
    COMMENT_COLUMNS,
    LINK_COLUMNS,
    QUOTE_COLUMNS,
    comment_rows,
    counters,
    quote_and_link_rows,
    quote_count,
    search_text,
    speaker_aliases,
)
from api.store.postgres.schema import PgConnection
from api.store.protocol import HashConflict, IngestResult, Source
from api.store.recrawl import published


async def reserve_ids(conn: PgConnection, table: str, count: int) -> int:
    """Take `count` consecutive ids of `table`; returns the one before the first.

    Page writes run in parallel, so the sequence's two steps (take the next id, move past the
    block) hold a session advisory lock of the table for that moment only: a sequence is not
    transactional, and another writer between the two steps would get ids inside the block."""
    if count == 0:
        return 0
    key = lock_key("sequence", table)
    await conn.execute("SELECT pg_advisory_lock($1)", key)
    try:
        last = await conn.fetchval(
            "SELECT setval(pg_get_serial_sequence($1, 'id'), "
            "nextval(pg_get_serial_sequence($1, 'id')) + $2 - 1)",
            table,
            count,
        )
    finally:
        try:
            await conn.execute("SELECT pg_advisory_unlock($1)", key)
        except BaseException:
            conn.terminate()  # its session, and so the lock, ends with it
            raise
    return int(last) - count


async def bump_generation(conn: PgConnection) -> None:
    """Move the data generation on, inside the caller's write transaction."""
    await conn.execute("UPDATE data_generation SET n = n + 1")


async def data_generation(conn: PgConnection) -> int:
    """The data generation now."""
    found: int = await conn.fetchval("SELECT n FROM data_generation")
    return found


async def store_page(conn: PgConnection, page: ParsedPage, source: Source) -> IngestResult:
    """Store a parsed page in one transaction; a page already stored is left as it is. Its raw
    source is not kept (`api.store.postgres.crawls.ingest_crawl` keeps it): the article gets one
    crawl, at its ingest time, without a source."""
    from api.store.postgres.crawls import adopt, lock_page

    async with conn.transaction():
        await lock_page(conn, page, source.url)
        result = await insert_page(conn, page, source)
        if result.created:
            await adopt(conn, result.article_id)
            await bump_generation(conn)
        return result


async def insert_page(conn: PgConnection, page: ParsedPage, source: Source) -> IngestResult:
    """A new article for `page` (in the caller's transaction, under the page's locks); the one
    already holding its content when there is one."""
    existing = await conn.fetchrow(
        "SELECT id, comment_count FROM articles WHERE content_hash = $1", page.content_hash
    )
    if existing is not None:
        return IngestResult(existing[0], False, existing[1])
    late = first_out_of_range(page)
    if late is not None:  # the API could not encode it: refuse it before anything is written
        raise PageError(f"comment {late + 1} is dated outside {RANGE}")
    article_id = await conn.fetchval(
        "INSERT INTO articles (content_hash, title, url, published_at, ingested_at) "
        "VALUES ($1, $2, $3, $4, $5) RETURNING id",
        page.content_hash,
        page.title,
        source.url,
        published(page, source),
        int(time.time()),
    )
    await write_content(conn, article_id, page)
    return IngestResult(article_id, True, len(page.comments))


async def replace_content(
    conn: PgConnection, article_id: int, page: ParsedPage, source: Source
) -> IngestResult | None:
    """Replace an article's content, keeping its id (in the caller's transaction, under the
    page's locks); None when there is no such article."""
    if await conn.fetchval("SELECT 1 FROM articles WHERE id = $1", article_id) is None:
        return None
    holder = await conn.fetchval(
        "SELECT id FROM articles WHERE content_hash = $1 AND id != $2",
        page.content_hash,
        article_id,
    )
    if holder is not None:
        raise HashConflict(holder)
    for table in ("comments", "sections", "speakers", "article_search"):
        await conn.execute(f"DELETE FROM {table} WHERE article_id = $1", article_id)
    await conn.execute(
        "UPDATE articles SET content_hash = $1, title = $2, url = $3, published_at = $4, "
        "updated_at = $5 WHERE id = $6",
        page.content_hash,
        page.title,
        source.url,
        published(page, source),
        int(time.time()),
        article_id,
    )
    await write_content(conn, article_id, page)
    return IngestResult(article_id, False, len(page.comments))


async def delete_article(conn: PgConnection, article_id: int) -> bool:
    """Delete an article and everything under it; False when there was none."""
    async with conn.transaction():
        await conn.execute(
            "DELETE FROM idempotency_keys WHERE location = $1", f"/v1/articles/{article_id}"
        )
        status = await conn.execute("DELETE FROM articles WHERE id = $1", article_id)
        if status != "DELETE 0":
            await bump_generation(conn)
    return bool(status != "DELETE 0")


async def write_counters(conn: PgConnection, article_id: int, page: ParsedPage) -> None:
    """The article's counters and comment time span, from its parsed page."""
    await conn.execute(
        """
        UPDATE articles SET first_comment_at = $1, last_comment_at = $2, section_count = $3,
            paragraph_count = $4, caption_count = $5, comment_count = $6, top_level_count = $7,
            commenter_count = $8
        WHERE id = $9
        """,
        *counters(page),
        article_id,
    )


async def write_sections(
    conn: PgConnection, article_id: int, sections: list[list[Block]]
) -> list[list[int]]:
    """An article's sections and paragraphs; the paragraph ids, section by section."""
    section_ids = await conn.fetch(
        "INSERT INTO sections (article_id, position) "
        "SELECT $1, p FROM generate_series(0, $2 - 1) p RETURNING id, position",
        article_id,
        len(sections),
    )
    section_of = {r[1]: r[0] for r in section_ids}
    next_paragraph = await reserve_ids(conn, "paragraphs", sum(len(s) for s in sections))
    paragraph_ids: list[list[int]] = []
    paragraph_rows: list[tuple[Any, ...]] = []
    for position, section in enumerate(sections):
        ids = list(range(next_paragraph + 1, next_paragraph + 1 + len(section)))
        next_paragraph += len(section)
        paragraph_ids.append(ids)
        paragraph_rows += [
            (pid, section_of[position], i, b.kind, b.text)
            for i, (pid, b) in enumerate(zip(ids, section, strict=True))
        ]
    await conn.copy_records_to_table(
        "paragraphs",
        records=paragraph_rows,
        columns=["id", "section_id", "position", "kind", "text"],
    )
    return paragraph_ids


async def write_search(conn: PgConnection, article_id: int, title: str, text: str) -> None:
    """The article's searchable text."""
    await conn.execute(
        "INSERT INTO article_search (article_id, title, body) VALUES ($1, $2, $3)",
        article_id,
        title,
        text,
    )


async def write_content(conn: PgConnection, article_id: int, page: ParsedPage) -> None:
    """Sections, paragraphs, comments, quotes, links, thread ranks, search text, counters."""
    late = first_out_of_range(page)
    if late is not None:
        raise PageError(f"comment {late + 1} is dated outside {RANGE}")
    await write_counters(conn, article_id, page)
    await conn.execute(
        "UPDATE articles SET byline = $1, comment_rendering = $2 WHERE id = $3",
        page.byline,
        page.comment_rendering,
        article_id,
    )
    paragraph_ids = await write_sections(conn, article_id, page.sections)

    base = await reserve_ids(conn, "comments", len(page.comments))
    await conn.copy_records_to_table(
        "comments", records=comment_rows(page, article_id, base), columns=COMMENT_COLUMNS
    )
    comment_ids = range(base + 1, base + 1 + len(page.comments))
    await store_quotes_and_links(conn, page, article_id, paragraph_ids, comment_ids)
    await write_search(conn, article_id, page.title, search_text(page))


async def store_quotes_and_links(
    conn: PgConnection,
    page: ParsedPage,
    article_id: int,
    paragraph_ids: list[list[int]],
    comment_ids: Sequence[int],
) -> None:
    """Speakers, quotes and links of the page; `comment_ids` are its comments' ids."""
    aliases = speaker_aliases(page)
    names = list(aliases)
    speaker_rows = await conn.fetch(
        "INSERT INTO speakers (article_id, name, aliases) "
        "SELECT $1, n, a FROM unnest($2::text[], $3::text[]) AS t (n, a) RETURNING id, name",
        article_id,
        names,
        [json.dumps(aliases[n], ensure_ascii=False) for n in names],
    )
    speaker_ids: dict[str, int] = {r[1]: r[0] for r in speaker_rows}

    quote_rows, link_rows = quote_and_link_rows(
        page, article_id, paragraph_ids, comment_ids, speaker_ids
    )
    if quote_rows:
        # quotes.id is a public id: taken from its sequence in page order.
        first = await reserve_ids(conn, "quotes", len(quote_rows))
        await conn.copy_records_to_table(
            "quotes",
            records=[(first + 1 + i, *row) for i, row in enumerate(quote_rows)],
            columns=["id", *QUOTE_COLUMNS],
        )
    if link_rows:
        await conn.copy_records_to_table("links", records=link_rows, columns=LINK_COLUMNS)
    await conn.execute(
        "UPDATE articles SET quote_count = $1 WHERE id = $2",
        quote_count(quote_rows),
        article_id,
    )
