"""Bringing articles into the crawl model, and the `threadbase doctor` checks over it.

An article stored without a crawl (a database from before migration 0014, or a page written by
`store_page`, which keeps no source) gets one crawl at its ingest time, with no stored source;
its comments are all first seen then, and its identity (canonical URL, text fingerprint) is
computed.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from api.ingest.identity import article_fingerprint, article_text, canonical_url
from api.ingest.model import Block


def backfill(conn: sqlite3.Connection) -> int:
    """Adopt every article without a crawl, inside the caller's transaction; how many."""
    pending = [r[0] for r in conn.execute("SELECT id FROM articles WHERE text_fingerprint IS NULL")]
    for article_id in pending:
        adopt(conn, article_id)
    return len(pending)


def adopt(conn: sqlite3.Connection, article_id: int) -> None:
    """Give one article its identity and, when it has none, a first crawl."""
    title, url, ingested_at, content_hash, comments = conn.execute(
        "SELECT title, url, ingested_at, content_hash, comment_count FROM articles WHERE id = ?",
        (article_id,),
    ).fetchone()
    blocks = load_blocks(conn, article_id)
    has_crawl = conn.execute(
        "SELECT 1 FROM crawls WHERE article_id = ? LIMIT 1", (article_id,)
    ).fetchone()
    if has_crawl is None:
        cursor = conn.execute(
            "INSERT INTO crawls (article_id, crawled_at, ingested_at, content_hash, url, "
            "outcome, comments, comments_added) VALUES (?, ?, ?, ?, ?, 'created', ?, ?)",
            (article_id, ingested_at, ingested_at, content_hash, url, comments, comments),
        )
        assert cursor.lastrowid is not None
        start_thread(conn, article_id, cursor.lastrowid, ingested_at, article_text(title, blocks))
    conn.execute(
        "UPDATE articles SET canonical_url = ?, text_fingerprint = ? WHERE id = ?",
        (canonical_url(url), article_fingerprint(title, blocks), article_id),
    )


def start_thread(
    conn: sqlite3.Connection, article_id: int, crawl_id: int, crawled_at: int, text: str
) -> None:
    """Mark an article's stored comments and text as seen by one crawl, its first."""
    conn.execute(
        """
        UPDATE comments SET first_crawl_id = :crawl, last_crawl_id = :crawl,
            body_crawl_id = :crawl, removed_crawl_id = NULL, first_seen_at = :at,
            edited_at = NULL, removed_at = NULL,
            anchor_id = (SELECT c2.id FROM comments c2 WHERE c2.article_id = comments.article_id
                         AND c2.position = comments.position - 1)
        WHERE article_id = :article
        """,
        {"crawl": crawl_id, "at": crawled_at, "article": article_id},
    )
    conn.execute(
        "INSERT INTO article_versions (article_id, text, first_crawl_id, last_crawl_id) "
        "VALUES (?, ?, ?, ?)",
        (article_id, text, crawl_id, crawl_id),
    )
    conn.execute("UPDATE articles SET last_crawl_id = ? WHERE id = ?", (crawl_id, article_id))


def load_blocks(conn: sqlite3.Connection, article_id: int) -> list[list[Block]]:
    """An article's stored sections as parser blocks (text and kind)."""
    sections: dict[int, list[Block]] = {}
    for r in conn.execute(
        "SELECT s.position, p.kind, p.text FROM sections s JOIN paragraphs p "
        "ON p.section_id = s.id WHERE s.article_id = ? ORDER BY s.position, p.position",
        (article_id,),
    ):
        sections.setdefault(r[0], []).append(Block(r[1], r[2]))
    return [sections[k] for k in sorted(sections)]


@dataclass(frozen=True, slots=True)
class Duplicate:
    """Articles sharing one identity: crawls of one page stored apart, before merging."""

    identity: str
    article_ids: list[int]


def duplicate_articles(conn: sqlite3.Connection) -> list[Duplicate]:
    """Groups of articles with the same canonical URL, then with the same text (no URL)."""
    found = [
        Duplicate(r[0], [int(i) for i in r[1].split(",")])
        for r in conn.execute(
            "SELECT canonical_url, group_concat(id) FROM (SELECT canonical_url, id FROM articles "
            "WHERE canonical_url IS NOT NULL ORDER BY id) GROUP BY canonical_url "
            "HAVING count(*) > 1 ORDER BY min(id)"
        )
    ]
    found += [
        Duplicate(f"text:{r[0][:16]}", [int(i) for i in r[1].split(",")])
        for r in conn.execute(
            "SELECT text_fingerprint, group_concat(id) FROM (SELECT text_fingerprint, id "
            "FROM articles WHERE canonical_url IS NULL AND text_fingerprint IS NOT NULL "
            "ORDER BY id) GROUP BY text_fingerprint HAVING count(*) > 1 ORDER BY min(id)"
        )
    ]
    return found


def articles_without_source(conn: sqlite3.Connection) -> list[int]:
    """Articles with a crawl whose raw page was not kept (ingested before sources were)."""
    return [
        r[0]
        for r in conn.execute(
            "SELECT DISTINCT article_id FROM crawls WHERE source_id IS NULL ORDER BY article_id"
        )
    ]
