"""Writes: one transaction per page, idempotent on the page's content hash."""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable, Sequence
from functools import cache
from itertools import chain
from typing import Any, TypeVar

from api.ingest.errors import PageError
from api.ingest.model import ParsedPage
from api.ingest.times import RANGE, first_out_of_range
from api.store.page_rows import (
    COMMENT_COLUMNS,
    FIRST_SEEN_COLUMNS,
    LINK_COLUMNS,
    QUOTE_COLUMNS,
    article_quote_count,
    block_ids,
    comment_rows,
    counters,
    quote_and_link_rows,
    quote_count,
    search_text,
    speaker_aliases,
)
from api.store.protocol import HashConflict, IngestResult, Source
from api.store.recrawl import published
from api.store.sqlite.backfill import adopt

T = TypeVar("T")


def bump_generation(conn: sqlite3.Connection) -> None:
    """Tell every worker's response cache that the data changed (migration 0015)."""
    conn.execute("UPDATE data_generation SET n = n + 1")


def _transaction(conn: sqlite3.Connection, work: Callable[[], T]) -> T:
    """Run `work` in one write transaction: all of it lands, or none of it.

    Every write of the data runs here, and here alone the data generation is bumped: cached
    responses and ETags issued before the commit stop being current with it.
    """
    conn.execute("BEGIN IMMEDIATE")
    try:
        result = work()
        bump_generation(conn)
        conn.execute("COMMIT")  # deferred foreign keys are checked here
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return result


LARGE_WRITE_ROWS = 2_000
"""A page with more comments and paragraphs than this is followed by a WAL checkpoint."""


def _checkpoint_after(conn: sqlite3.Connection, page: ParsedPage) -> None:
    """Fold the WAL back into the database after a large write, so it does not keep growing
    between SQLite's automatic checkpoints (which readers can hold off)."""
    rows = len(page.comments) + sum(len(s) for s in page.sections)
    if rows > LARGE_WRITE_ROWS:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()


def store_page(
    conn: sqlite3.Connection, page: ParsedPage, source: Source | None = None
) -> IngestResult:
    """Store a parsed page in one transaction; a page already stored is left as it is. Its
    raw source is not kept (`api.store.sqlite.crawls.ingest_crawl` keeps it, and merges re-crawls):
    the article gets one crawl, at its ingest time, without a source."""

    def work() -> IngestResult:
        result = _store_page(conn, page, source or Source())
        if result.created:
            adopt(conn, result.article_id)
        return result

    result = _transaction(conn, work)
    if result.created:
        _checkpoint_after(conn, page)
    return result


def delete_article(conn: sqlite3.Connection, article_id: int) -> bool:
    """Delete an article and everything under it; False when there was none."""

    def work() -> bool:
        # A retried create must make the article again, not replay a response naming it.
        conn.execute(
            "DELETE FROM idempotency_keys WHERE location = ?", (f"/v1/articles/{article_id}",)
        )
        return conn.execute("DELETE FROM articles WHERE id = ?", (article_id,)).rowcount > 0

    return _transaction(conn, work)


def _store_page(conn: sqlite3.Connection, page: ParsedPage, source: Source) -> IngestResult:
    existing = conn.execute(
        "SELECT id, comment_count FROM articles WHERE content_hash = ?", (page.content_hash,)
    ).fetchone()
    if existing is not None:
        return IngestResult(existing[0], False, existing[1])
    cursor = conn.execute(
        "INSERT INTO articles (content_hash, title, url, published_at, ingested_at) "
        "VALUES (?, ?, ?, ?, ?)",
        (page.content_hash, page.title, source.url, published(page, source), int(time.time())),
    )
    assert cursor.lastrowid is not None
    _write_content(conn, cursor.lastrowid, page)
    return IngestResult(cursor.lastrowid, True, len(page.comments))


def _replace_page(
    conn: sqlite3.Connection, article_id: int, page: ParsedPage, source: Source
) -> IngestResult | None:
    if conn.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone() is None:
        return None
    holder = conn.execute(
        "SELECT id FROM articles WHERE content_hash = ? AND id != ?",
        (page.content_hash, article_id),
    ).fetchone()
    if holder is not None:
        raise HashConflict(holder[0])
    conn.execute("DELETE FROM comments WHERE article_id = ?", (article_id,))
    conn.execute("DELETE FROM sections WHERE article_id = ?", (article_id,))
    conn.execute("DELETE FROM speakers WHERE article_id = ?", (article_id,))
    conn.execute("DELETE FROM articles_fts WHERE rowid = ?", (article_id,))
    conn.execute(
        "UPDATE articles SET content_hash = ?, title = ?, url = ?, published_at = ?, "
        "updated_at = ? WHERE id = ?",
        (
            page.content_hash,
            page.title,
            source.url,
            published(page, source),
            int(time.time()),
            article_id,
        ),
    )
    _write_content(conn, article_id, page)
    return IngestResult(article_id, False, len(page.comments))


def write_counters(conn: sqlite3.Connection, article_id: int, page: ParsedPage) -> None:
    """The article's counters and comment time span, from its parsed page."""
    conn.execute(
        """
        UPDATE articles SET first_comment_at = ?, last_comment_at = ?, section_count = ?,
            paragraph_count = ?, caption_count = ?, comment_count = ?, top_level_count = ?,
            commenter_count = ?
        WHERE id = ?
        """,
        (*counters(page), article_id),
    )


def _write_content(conn: sqlite3.Connection, article_id: int, page: ParsedPage) -> None:
    """Sections, paragraphs, comments, quotes, links, thread ranks, search text, counters."""
    late = first_out_of_range(page)
    if late is not None:  # the API could not encode it: refuse it before anything is written
        raise PageError(f"comment {late + 1} is dated outside {RANGE}")
    conn.execute(
        """
        UPDATE articles SET first_comment_at = ?, last_comment_at = ?, section_count = ?,
            paragraph_count = ?, caption_count = ?, comment_count = ?, top_level_count = ?,
            commenter_count = ?, quote_count = ?, byline = ?, comment_rendering = ?
        WHERE id = ?
        """,
        (
            *counters(page),
            article_quote_count(page),
            page.byline,
            page.comment_rendering,
            article_id,
        ),
    )
    write_rows(conn, article_id, page)


_COMMENT_BASE = """max(coalesce((SELECT max(id) FROM comments), 0),
    coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'comments'), 0))"""
NEXT_COMMENT_ID = f"SELECT {_COMMENT_BASE}"
"""The id before the next comment's: AUTOINCREMENT's, past the highest id ever given."""
_NEXT_IDS = f"""
    SELECT (SELECT coalesce(max(id), 0) FROM sections),
        (SELECT coalesce(max(id), 0) FROM paragraphs),
        (SELECT coalesce(max(id), 0) FROM speakers),
        {_COMMENT_BASE}
"""
"""The id before the next one each table of a page's rows hands out. Sections, paragraphs and
speakers take the highest id plus one, as SQLite's rowids do; comments are AUTOINCREMENT, past
the highest id ever given (sqlite_sequence), so a deleted article's comment ids are never
handed out again."""


def write_rows(
    conn: sqlite3.Connection,
    article_id: int,
    page: ParsedPage,
    first: tuple[int, int] | None = None,
    times: list[float | None] | None = None,
) -> None:
    """The page's rows under its article (whose own row is written): sections, paragraphs,
    comments, speakers, quotes, links and search text. With `first` (a crawl id and its time)
    the comments are written as first seen by that crawl (`FIRST_SEEN_COLUMNS`); `times`: the
    comments' `posted_times`, when the caller has them.

    Ids are assigned up front (the transaction holds the write lock), so each table is
    written in one pass (`insert_rows`, or one `executemany` for the tables without an FTS
    index), and parents that come later on the page can be referenced; the foreign key is
    deferred.
    """
    section_base, paragraph_base, speaker_base, base = conn.execute(_NEXT_IDS).fetchone()
    paragraph_ids = block_ids(page.sections, paragraph_base)
    conn.executemany(
        "INSERT INTO sections (id, article_id, position) VALUES (?, ?, ?)",
        [(section_base + 1 + i, article_id, i) for i in range(len(page.sections))],
    )
    conn.executemany(
        "INSERT INTO paragraphs (id, section_id, position, kind, text) VALUES (?, ?, ?, ?, ?)",
        [
            (pid, section_base + 1 + s, i, b.kind, b.text)
            for s, (ids, section) in enumerate(zip(paragraph_ids, page.sections, strict=True))
            for i, (pid, b) in enumerate(zip(ids, section, strict=True))
        ],
    )
    columns = COMMENT_COLUMNS if first is None else COMMENT_COLUMNS + FIRST_SEEN_COLUMNS
    insert_rows(conn, "comments", columns, comment_rows(page, article_id, base, first, times))
    comment_ids = range(base + 1, base + 1 + len(page.comments))
    speakers = list(speaker_aliases(page).items())
    conn.executemany(
        "INSERT INTO speakers (id, article_id, name, aliases) VALUES (?, ?, ?, ?)",
        [
            (speaker_base + 1 + i, article_id, name, json.dumps(forms, ensure_ascii=False))
            for i, (name, forms) in enumerate(speakers)
        ],
    )
    speaker_ids = {name: speaker_base + 1 + i for i, (name, _) in enumerate(speakers)}
    quotes, links = quote_and_link_rows(page, article_id, paragraph_ids, comment_ids, speaker_ids)
    insert_rows(conn, "quotes", QUOTE_COLUMNS, quotes)
    insert_rows(conn, "links", LINK_COLUMNS, links)
    conn.execute(
        "INSERT INTO articles_fts (rowid, title, body) VALUES (?, ?, ?)",
        (article_id, page.title, search_text(page)),
    )


def _store_quotes_and_links(
    conn: sqlite3.Connection,
    page: ParsedPage,
    article_id: int,
    paragraph_ids: list[list[int]],
    comment_ids: Sequence[int],
) -> None:
    """Speakers, quotes and links of the page; `comment_ids` are its comments' ids."""
    speaker_ids: dict[str, int] = {}
    for name, forms in speaker_aliases(page).items():
        cursor = conn.execute(
            "INSERT INTO speakers (article_id, name, aliases) VALUES (?, ?, ?)",
            (article_id, name, json.dumps(forms, ensure_ascii=False)),
        )
        assert cursor.lastrowid is not None
        speaker_ids[name] = cursor.lastrowid

    quotes, links = quote_and_link_rows(page, article_id, paragraph_ids, comment_ids, speaker_ids)
    insert_rows(conn, "quotes", QUOTE_COLUMNS, quotes)
    insert_rows(conn, "links", LINK_COLUMNS, links)
    conn.execute(
        "UPDATE articles SET quote_count = ? WHERE id = ?", (quote_count(quotes), article_id)
    )


ROWS_PER_STATEMENT = (256, 128, 64, 32, 16, 8, 4, 2, 1)
"""How `insert_rows` splits rows into statements: as many of the largest as fit, then the
next size down for the rest: a page's comments take a statement per binary digit of their
number, and each statement is one FTS5 segment (each size is one prepared statement, kept in
the connection's statement cache)."""


def insert_rows(
    conn: sqlite3.Connection, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """INSERT `rows` into `table`'s `columns`, in order, up to 256 rows per statement.

    Comments and quotes have FTS5 indexes kept up to date by triggers. FTS5 writes the index
    entries it holds in memory to disk, as a new segment, whenever a statement opens a
    savepoint, which every statement of a transaction that fires a trigger does: with
    `executemany` (a statement per row) that is a segment per row, then merged into the
    others; it cost half of storing a comment. The rows and what is indexed are the same.
    """
    limit = conn.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    done = 0
    for size in ROWS_PER_STATEMENT:
        if size > 1 and size * len(columns) > limit:
            continue
        sql = _insert(table, tuple(columns), size)
        while len(rows) - done >= size:
            conn.execute(sql, list(chain.from_iterable(rows[done : done + size])))
            done += size


def update_rows(
    conn: sqlite3.Connection, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """`UPDATE table SET columns = ? WHERE id = ?` for each row (its values, then its id), up
    to 256 rows per statement, as `insert_rows` inserts them (an UPDATE of a comment's body
    fires its FTS5 trigger)."""
    limit = conn.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    done = 0
    for size in ROWS_PER_STATEMENT:
        if size > 1 and size * (len(columns) + 1) > limit:
            continue
        sql = _update(table, tuple(columns), size)
        while len(rows) - done >= size:
            conn.execute(sql, list(chain.from_iterable(rows[done : done + size])))
            done += size


@cache
def _update(table: str, columns: tuple[str, ...], rows: int) -> str:
    """An UPDATE of `rows` rows by id from a VALUES list of (values..., id)."""
    sets = ", ".join(f'"{c}" = v.column{i + 1}' for i, c in enumerate(columns))
    row = f"({', '.join('?' * (len(columns) + 1))})"
    return (
        f"UPDATE {table} SET {sets} FROM (VALUES {', '.join([row] * rows)}) AS v "
        f"WHERE {table}.id = v.column{len(columns) + 1}"
    )


@cache
def _insert(table: str, columns: tuple[str, ...], rows: int = 1) -> str:
    """An INSERT of `rows` rows into these columns (quoted: `end` is a keyword)."""
    names = ", ".join(f'"{c}"' for c in columns)
    row = f"({', '.join('?' * len(columns))})"
    return f"INSERT INTO {table} ({names}) VALUES {', '.join([row] * rows)}"
