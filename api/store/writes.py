"""Writes: one transaction per page, idempotent on the page's content hash."""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass

from api.ingest.model import ParsedPage


@dataclass(frozen=True, slots=True)
class IngestResult:
    """Outcome of storing one page."""

    article_id: int
    created: bool
    comments: int


def _epoch(page: ParsedPage, index: int) -> int:
    return int(page.comments[index].posted_at.timestamp())


def store_page(
    conn: sqlite3.Connection, page: ParsedPage, *, url: str | None = None
) -> IngestResult:
    """Store a parsed page in one transaction; a page already stored is left as it is."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        result = _store_page(conn, page, url)
        conn.execute("COMMIT")  # deferred foreign keys are checked here
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return result


def _store_page(conn: sqlite3.Connection, page: ParsedPage, url: str | None) -> IngestResult:
    existing = conn.execute(
        "SELECT id, comment_count FROM articles WHERE content_hash = ?", (page.content_hash,)
    ).fetchone()
    if existing is not None:
        return IngestResult(existing[0], False, existing[1])

    times = [_epoch(page, i) for i in range(len(page.comments))]
    blocks = [block for section in page.sections for block in section]
    captions = sum(1 for block in blocks if block.kind == "caption")
    cursor = conn.execute(
        """
        INSERT INTO articles (
            content_hash, title, url, ingested_at, first_comment_at, last_comment_at,
            section_count, paragraph_count, caption_count, comment_count, top_level_count,
            commenter_count
        ) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """,
        (
            page.content_hash,
            page.title,
            url,
            int(time.time()),
            min(times, default=None),
            max(times, default=None),
            len(page.sections),
            len(blocks) - captions,
            captions,
            len(page.comments),
            sum(1 for c in page.comments if c.parent_author is None),
            len({c.author for c in page.comments}),
        ),
    )
    article_id = cursor.lastrowid
    assert article_id is not None

    for position, section in enumerate(page.sections):
        section_id = conn.execute(
            "INSERT INTO sections (article_id, position) VALUES (?, ?)", (article_id, position)
        ).lastrowid
        conn.executemany(
            "INSERT INTO paragraphs (section_id, position, kind, text) VALUES (?, ?, ?, ?)",
            [(section_id, i, block.kind, block.text) for i, block in enumerate(section)],
        )

    # Ids are assigned up front (the transaction holds the write lock), so parents that come
    # later on the page can be referenced in the same pass; the foreign key is deferred.
    base: int = conn.execute("SELECT coalesce(max(id), 0) FROM comments").fetchone()[0]
    rows = []
    for comment, link, posted in zip(page.comments, page.threads, times, strict=True):
        rows.append(
            (
                base + comment.position + 1,
                article_id,
                comment.position,
                comment.author,
                comment.author_verified,
                posted,
                comment.body,
                None if link.parent is None else base + link.parent + 1,
                comment.parent_author,
                comment.parent_author_verified,
                link.resolution,
                link.depth,
                base + link.root + 1,
                link.reply_count,
            )
        )
    conn.executemany(
        """
        INSERT INTO comments (
            id, article_id, position, author, author_verified, posted_at, body, parent_id,
            parent_author, parent_author_verified, parent_resolution, depth, root_id, reply_count
        ) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """,
        rows,
    )
    return IngestResult(article_id, True, len(rows))
