"""Writes for re-crawls: find a page's article, merge the crawl into it, keep the crawl.

One transaction per crawl. The merge itself is `api.ingest.merge` (pure); this module loads the
thread it needs, and writes back what it decided, keeping every comment id.
"""

from __future__ import annotations

import hashlib
import sqlite3
import zlib

from api.ingest.errors import PageError
from api.ingest.identity import article_fingerprint, article_text, canonical_url
from api.ingest.merge import Known, Stamp, Version, merge
from api.ingest.model import Block, ParsedPage
from api.ingest.times import RANGE
from api.ingest.version import parser_version
from api.store.page_rows import (
    article_quote_count,
    counters,
    first_out_of_range,
    posted_times,
    search_text,
)
from api.store.protocol import Crawl, CrawlResult, HashConflict, Outcome, Source
from api.store.recrawl import (
    KNOWN_COLUMNS,
    Stored,
    article_values,
    body_updates,
    comment_updates,
    decide,
    now,
    published,
    rebuilt,
    repeats_newest,
    revision_rows,
    stored,
    text_rows,
)
from api.store.sqlite import writes
from api.store.sqlite.backfill import load_blocks, start_thread


def ingest_crawl(
    conn: sqlite3.Connection, page: ParsedPage, source: Source, crawl: Crawl
) -> CrawlResult:
    """Store a crawled page in one transaction: a new article, or a merge into its own."""
    result = writes._transaction(conn, lambda: _ingest(conn, page, source, crawl))
    if result.outcome != "unchanged":
        writes._checkpoint_after(conn, page)
    return result


def replace_crawl(
    conn: sqlite3.Connection, article_id: int, page: ParsedPage, source: Source, crawl: Crawl
) -> CrawlResult | None:
    """PUT: replace an article's content (comments get new ids). Its history starts again
    with this crawl: the earlier ones no longer describe what is stored, and `reparse` must
    not merge them back in."""

    def work() -> CrawlResult | None:
        done = writes._replace_page(conn, article_id, page, source)
        if done is None:
            return None
        conn.execute("DELETE FROM article_versions WHERE article_id = ?", (article_id,))
        conn.execute("DELETE FROM crawls WHERE article_id = ?", (article_id,))
        crawl_id = _start(conn, article_id, page, source, crawl, "replaced")
        return CrawlResult(article_id, "replaced", len(page.comments), crawl_id=crawl_id)

    result = writes._transaction(conn, work)
    if result is not None:
        writes._checkpoint_after(conn, page)
    return result


def find_article(conn: sqlite3.Connection, page: ParsedPage, url: str | None) -> int | None:
    """The article a page is a crawl of: by canonical URL, else by its own text, else by the
    same content."""
    return _find(conn, page, canonical_url(url), article_fingerprint(page.title, page.sections))


def _find(
    conn: sqlite3.Connection, page: ParsedPage, canonical: str | None, fingerprint: str
) -> int | None:
    """`find_article`, the page's canonical URL and text fingerprint given."""
    if canonical is not None:
        row = conn.execute(
            "SELECT id FROM articles WHERE canonical_url = ? ORDER BY id LIMIT 1", (canonical,)
        ).fetchone()
        if row is not None:
            return int(row[0])
    row = conn.execute(
        "SELECT id FROM articles WHERE text_fingerprint = ? "
        + ("AND canonical_url IS NULL " if canonical is not None else "")
        + "ORDER BY canonical_url IS NOT NULL, id LIMIT 1",
        (fingerprint,),
    ).fetchone()
    if row is None:
        row = conn.execute(
            "SELECT id FROM articles WHERE content_hash = ?", (page.content_hash,)
        ).fetchone()
    return None if row is None else int(row[0])


def _ingest(
    conn: sqlite3.Connection, page: ParsedPage, source: Source, crawl: Crawl
) -> CrawlResult:
    times = posted_times(page)
    late = first_out_of_range(page, times)
    if late is not None:  # the API could not encode it: refuse it before anything is written
        raise PageError(f"comment {late + 1} is dated outside {RANGE}")
    canonical = canonical_url(source.url)
    fingerprint = article_fingerprint(page.title, page.sections)
    article_id = _find(conn, page, canonical, fingerprint)
    if article_id is None:  # nothing stored has its URL, text or content
        return _create(conn, page, source, crawl, canonical, fingerprint, times)
    return _merge_into(conn, article_id, page, source, crawl)


def _create(
    conn: sqlite3.Connection,
    page: ParsedPage,
    source: Source,
    crawl: Crawl,
    canonical: str | None,
    fingerprint: str,
    times: list[float | None],
) -> CrawlResult:
    """A new article and its first crawl: what `writes._store_page` and `_start` store, each
    row written once. The article row is complete when inserted (counters, identity), and its
    comments are inserted as first seen by the crawl, which is stored before them (a crawl
    without a time was fetched when the article was stored)."""
    ingested_at = now()
    crawled_at = ingested_at if source.crawled_at is None else source.crawled_at
    cursor = conn.execute(
        "INSERT INTO articles (content_hash, title, url, published_at, ingested_at, "
        "first_comment_at, last_comment_at, section_count, paragraph_count, caption_count, "
        "comment_count, top_level_count, commenter_count, quote_count, byline, "
        "comment_rendering, canonical_url, text_fingerprint) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            page.content_hash,
            page.title,
            source.url,
            published(page, source),
            ingested_at,
            *counters(page, times),
            article_quote_count(page),
            page.byline,
            page.comment_rendering,
            canonical,
            fingerprint,
        ),
    )
    article_id = cursor.lastrowid
    assert article_id is not None
    crawl_id = _insert_crawl(
        conn, article_id, page, source, crawl, "created", crawled_at, fresh=True
    )
    writes.write_rows(conn, article_id, page, (crawl_id, crawled_at), times)
    conn.execute(
        "INSERT INTO article_versions (article_id, text, first_crawl_id, last_crawl_id) "
        "VALUES (?, ?, ?, ?)",
        (article_id, article_text(page.title, page.sections), crawl_id, crawl_id),
    )
    conn.execute("UPDATE articles SET last_crawl_id = ? WHERE id = ?", (crawl_id, article_id))
    n = len(page.comments)
    return CrawlResult(article_id, "created", n, n, crawl_id=crawl_id)


SOURCE_LEVEL = 1
"""zlib level of kept sources: a crawled page compresses at about twice the speed of the
default level 6 for about a tenth more bytes, and ingest compresses every page it stores."""


def store_source(conn: sqlite3.Connection, raw: bytes, media_type: str) -> int:
    """Keep a raw page, compressed, once however many crawls share it; its id. A page kept
    already is not compressed again."""
    digest = hashlib.sha256(raw).hexdigest()
    row = conn.execute("SELECT id FROM crawl_sources WHERE sha256 = ?", (digest,)).fetchone()
    if row is not None:
        return int(row[0])
    cursor = conn.execute(
        "INSERT INTO crawl_sources (sha256, media_type, size, data) VALUES (?, ?, ?, ?)",
        (digest, media_type, len(raw), zlib.compress(raw, SOURCE_LEVEL)),
    )
    assert cursor.lastrowid is not None
    return cursor.lastrowid


def _insert_crawl(
    conn: sqlite3.Connection,
    article_id: int,
    page: ParsedPage,
    source: Source,
    crawl: Crawl,
    outcome: Outcome,
    crawled_at: int,
    *,
    fresh: bool = False,
) -> int:
    """The crawl's record (and its source); `fresh`: the article's first, just stored."""
    source_id = None if crawl.raw is None else store_source(conn, crawl.raw, crawl.media_type)
    if not fresh:  # a replacement with the time and content of a crawl stored replaces it
        conn.execute(
            "DELETE FROM crawls WHERE article_id = ? AND crawled_at = ? AND content_hash = ?",
            (article_id, crawled_at, page.content_hash),
        )
    cursor = conn.execute(
        "INSERT INTO crawls (article_id, crawled_at, ingested_at, content_hash, url, source_id, "
        "timezone, parser_version, outcome, comments, comments_added) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            article_id,
            crawled_at,
            now(),
            page.content_hash,
            source.url,
            source_id,
            crawl.timezone,
            parser_version() if crawl.raw is not None else None,
            outcome,
            len(page.comments),
            len(page.comments) if outcome != "unchanged" else 0,
        ),
    )
    assert cursor.lastrowid is not None
    return cursor.lastrowid


def _start(
    conn: sqlite3.Connection,
    article_id: int,
    page: ParsedPage,
    source: Source,
    crawl: Crawl,
    outcome: Outcome,
) -> int:
    """The first crawl of an article (or its replacement): every comment first seen then (a
    crawl without a time was fetched when the article was stored)."""
    crawled_at = source.crawled_at
    if crawled_at is None:
        (crawled_at,) = conn.execute(
            "SELECT coalesce(updated_at, ingested_at) FROM articles WHERE id = ?", (article_id,)
        ).fetchone()
    crawl_id = _insert_crawl(conn, article_id, page, source, crawl, outcome, crawled_at)
    start_thread(conn, article_id, crawl_id, crawled_at, article_text(page.title, page.sections))
    conn.execute(
        "UPDATE articles SET canonical_url = ?, text_fingerprint = ? WHERE id = ?",
        (
            canonical_url(source.url),
            article_fingerprint(page.title, page.sections),
            article_id,
        ),
    )
    return crawl_id


# --- Loading a thread -------------------------------------------------------------------


def load_thread(conn: sqlite3.Connection, article_id: int) -> Stored:
    """Everything of an article a merge reads: crawls, comments with versions, text."""
    return stored(
        conn.execute(
            "SELECT id, crawled_at, content_hash FROM crawls WHERE article_id = ?", (article_id,)
        ),
        conn.execute(
            "SELECT r.comment_id, r.body, r.first_crawl_id, r.last_crawl_id "
            "FROM comment_revisions r JOIN comments c ON c.id = r.comment_id "
            "WHERE c.article_id = ? ORDER BY r.id",
            (article_id,),
        ),
        conn.execute(
            f"SELECT {KNOWN_COLUMNS} FROM comments WHERE article_id = ? ORDER BY position",
            (article_id,),
        ),
        conn.execute(
            "SELECT text, first_crawl_id, last_crawl_id FROM article_versions "
            "WHERE article_id = ? ORDER BY id",
            (article_id,),
        ),
        conn.execute(
            "SELECT title, content_hash FROM articles WHERE id = ?", (article_id,)
        ).fetchone(),
        load_blocks(conn, article_id),
    )


# --- Merging ----------------------------------------------------------------------------


def _merge_into(
    conn: sqlite3.Connection, article_id: int, page: ParsedPage, source: Source, crawl: Crawl
) -> CrawlResult:
    crawled_at = source.crawled_at if source.crawled_at is not None else now()
    stamp: Stamp = (crawled_at, page.content_hash)
    seen_again = _seen_again(conn, article_id, page, source, crawl, stamp)
    if seen_again is not None:
        return seen_again
    stored = load_thread(conn, article_id)
    result = merge(stored.comments, list(stored.crawls.values()), stamp, page.comments)
    total = len(stored.comments) + len(result.added)
    if result.repeated:
        return CrawlResult(article_id, "unchanged", total)

    plan = decide(stored, page, stamp, result)
    crawl_id = _insert_crawl(conn, article_id, page, source, crawl, plan.outcome, crawled_at)
    conn.execute(
        "UPDATE crawls SET comments_added = ?, comments_edited = ?, comments_removed = ?, "
        "text_edited = ? WHERE id = ?",
        (len(result.added), len(result.edited), len(result.removed), plan.text_edited, crawl_id),
    )
    crawl_ids = {**stored.stamp_ids(), stamp: crawl_id}
    save_thread(
        conn,
        article_id,
        result.comments,
        crawl_ids,
        stored.bodies,
        title=plan.title,
        blocks=plan.blocks if plan.structural else None,
        digest=plan.digest,
    )
    save_texts(conn, article_id, plan.texts, crawl_ids)
    if plan.newest:
        _update_article(conn, article_id, page, source, crawl_ids[result.crawls[-1]], plan.outcome)
    elif plan.outcome == "merged":
        conn.execute("UPDATE articles SET updated_at = ? WHERE id = ?", (now(), article_id))
    return plan.result(article_id, total, result, crawl_id)


def _seen_again(
    conn: sqlite3.Connection,
    article_id: int,
    page: ParsedPage,
    source: Source,
    crawl: Crawl,
    stamp: Stamp,
) -> CrawlResult | None:
    """The fast path for the page of the newest crawl seen again (`repeats_newest`)."""
    newest = conn.execute(
        "SELECT c.id, c.crawled_at, c.content_hash, c.parser_version, a.comment_count "
        "FROM articles a JOIN crawls c ON c.id = a.last_crawl_id WHERE a.id = ?",
        (article_id,),
    ).fetchone()
    if newest is None or not repeats_newest(newest, page, stamp, parser_version()):
        return None
    crawl_id = _insert_crawl(conn, article_id, page, source, crawl, "unchanged", stamp[0])
    for table in ("comments", "article_versions"):
        conn.execute(
            f"UPDATE {table} SET last_crawl_id = ? WHERE article_id = ? AND last_crawl_id = ?",
            (crawl_id, article_id, newest[0]),
        )
    conn.execute("UPDATE articles SET last_crawl_id = ? WHERE id = ?", (crawl_id, article_id))
    return CrawlResult(article_id, "unchanged", newest[4], crawl_id=crawl_id)


def _update_article(
    conn: sqlite3.Connection,
    article_id: int,
    page: ParsedPage,
    source: Source,
    crawl_id: int,
    outcome: Outcome,
) -> None:
    holder = conn.execute(
        "SELECT id FROM articles WHERE content_hash = ? AND id != ?",
        (page.content_hash, article_id),
    ).fetchone()
    if holder is not None:
        raise HashConflict(holder[0])
    conn.execute(
        "UPDATE articles SET content_hash = ?, title = ?, last_crawl_id = ?, "
        "url = coalesce(url, ?), canonical_url = coalesce(canonical_url, ?), "
        "published_at = coalesce(?, published_at), text_fingerprint = ?, "
        "byline = ?, comment_rendering = coalesce(?, comment_rendering), "
        "updated_at = iif(?, ?, updated_at) WHERE id = ?",
        article_values(article_id, page, source, crawl_id, outcome),
    )


def save_texts(
    conn: sqlite3.Connection, article_id: int, texts: list[Version], crawl_ids: dict[Stamp, int]
) -> None:
    """Replace an article's text versions."""
    conn.execute("DELETE FROM article_versions WHERE article_id = ?", (article_id,))
    conn.executemany(
        "INSERT INTO article_versions (article_id, text, first_crawl_id, last_crawl_id) "
        "VALUES (?, ?, ?, ?)",
        text_rows(article_id, texts, crawl_ids),
    )


_NEW_COMMENT_COLUMNS = (
    "id",
    "article_id",
    "position",
    "author",
    "author_verified",
    "posted_at",
    "body",
    "parent_resolution",
    "depth",
    "root_id",
    "posted_text",
    "kind",
)


_TREE_COLUMNS = ("parent_id", "parent_resolution", "depth", "root_id", "reply_count", "thread_rank")
"""Each comment's place in the rebuilt reply tree (`recrawl.rebuilt`): written by
`writes.update_rows`, in a few statements, at about half the cost of a statement per row."""


def save_thread(
    conn: sqlite3.Connection,
    article_id: int,
    thread: list[Known],
    crawl_ids: dict[Stamp, int],
    bodies: dict[int, str],
    *,
    title: str,
    blocks: list[list[Block]] | None,
    digest: str,
) -> list[int]:
    """Write a merged thread (in page order) back; new comments (negative keys) get ids.

    With `blocks`, the article's text and everything derived from the thread (order, reply
    tree, quotes, links, speakers, search text, counters) is rewritten too; without, only what
    the crawls say about each comment. Returns the ids in page order.
    """
    ids: dict[int, int] = {k.key: k.key for k in thread if k.key > 0}
    conn.execute("UPDATE comments SET position = -1 - position WHERE article_id = ?", (article_id,))
    # New comments take the ids AUTOINCREMENT would give them, one after the other, and go in
    # as a few statements (`writes.insert_rows`: a statement, not a row, per FTS5 segment).
    base: int = conn.execute(writes.NEXT_COMMENT_ID).fetchone()[0]
    new = [k for k in thread if k.key < 0]
    rows = []
    for n, k in enumerate(new):
        ids[k.key] = base + 1 + n
        bodies[base + 1 + n] = k.current.body
        rows.append(
            (
                base + 1 + n,
                article_id,
                len(thread) + n,
                k.author,
                k.author_verified,
                None if k.posted_at is None else int(k.posted_at.timestamp()),
                k.current.body,
                "none",
                0,
                0,
                k.posted_text,
                k.kind,
            )
        )
    writes.insert_rows(conn, "comments", _NEW_COMMENT_COLUMNS, rows)
    order = [ids[k.key] for k in thread]
    writes.update_rows(conn, "comments", ("body",), body_updates(thread, ids, bodies))
    conn.executemany(
        """
        UPDATE comments SET position = ?, anchor_id = ?, parent_author = ?,
            parent_author_verified = ?, first_crawl_id = ?, last_crawl_id = ?, body_crawl_id = ?,
            removed_crawl_id = ?, first_seen_at = ?, edited_at = ?, removed_at = ?,
            page_parent_id = ?, posted_at = ?, posted_text = ?, kind = ?
        WHERE id = ?
        """,
        comment_updates(thread, ids, crawl_ids),
    )
    conn.execute(
        "DELETE FROM comment_revisions WHERE comment_id IN "
        "(SELECT id FROM comments WHERE article_id = ?)",
        (article_id,),
    )
    conn.executemany(
        "INSERT INTO comment_revisions (comment_id, body, first_crawl_id, last_crawl_id) "
        "VALUES (?, ?, ?, ?)",
        revision_rows(thread, ids, crawl_ids),
    )
    if blocks is not None:
        _rewrite_derived(conn, article_id, thread, order, title, blocks, digest)
    return order


def _rewrite_derived(
    conn: sqlite3.Connection,
    article_id: int,
    thread: list[Known],
    ids: list[int],
    title: str,
    blocks: list[list[Block]],
    digest: str,
) -> None:
    """The article's text and the reply tree over the whole merged thread, with quotes,
    links, speakers, search text and counters."""
    page, tree = rebuilt(thread, ids, title, blocks, digest)
    conn.execute("DELETE FROM quotes WHERE article_id = ?", (article_id,))
    conn.execute("DELETE FROM links WHERE article_id = ?", (article_id,))
    conn.execute("DELETE FROM speakers WHERE article_id = ?", (article_id,))
    conn.execute("DELETE FROM sections WHERE article_id = ?", (article_id,))
    conn.execute("DELETE FROM articles_fts WHERE rowid = ?", (article_id,))
    paragraph_ids: list[list[int]] = []
    for position, section in enumerate(page.sections):
        section_id = conn.execute(
            "INSERT INTO sections (article_id, position) VALUES (?, ?)", (article_id, position)
        ).lastrowid
        found = []
        for i, b in enumerate(section):
            cursor = conn.execute(
                "INSERT INTO paragraphs (section_id, position, kind, text) VALUES (?, ?, ?, ?)",
                (section_id, i, b.kind, b.text),
            )
            assert cursor.lastrowid is not None
            found.append(cursor.lastrowid)
        paragraph_ids.append(found)
    writes.update_rows(conn, "comments", _TREE_COLUMNS, tree)
    writes._store_quotes_and_links(conn, page, article_id, paragraph_ids, ids)
    writes.write_counters(conn, article_id, page)
    conn.execute(
        "INSERT INTO articles_fts (rowid, title, body) VALUES (?, ?, ?)",
        (article_id, title, search_text(page)),
    )
