"""Reads of the crawl history: an article's crawls, and earlier texts. Async, like reads.py."""

from __future__ import annotations

import aiosqlite

from api.store import rows
from schemas import ArticleRevision, CommentRevisions, Crawl, Revision


async def list_crawls(
    conn: aiosqlite.Connection, article_id: int, *, after: list[int] | None, limit: int
) -> list[Crawl]:
    """An article's crawls in `crawled_at` order (then id), after the keyset `after`."""
    sql = f"SELECT {rows.CRAWL_COLUMNS} FROM crawls WHERE article_id = ?"
    params: list[object] = [article_id]
    if after is not None:
        sql += " AND (crawled_at, id) > (?, ?)"
        params += after
    sql += " ORDER BY crawled_at, id LIMIT ?"
    params.append(limit)
    return [rows.crawl(r) for r in await conn.execute_fetchall(sql, params)]


async def comment_revisions(conn: aiosqlite.Connection, comment_id: int) -> CommentRevisions | None:
    """A comment's current body and earlier ones, oldest first; None when there is none."""
    found = list(
        await conn.execute_fetchall(
            "SELECT body, edited_at FROM comments WHERE id = ?", (comment_id,)
        )
    )
    if not found:
        return None
    earlier = await conn.execute_fetchall(
        "SELECT r.body, f.crawled_at, l.crawled_at FROM comment_revisions r "
        "JOIN crawls f ON f.id = r.first_crawl_id JOIN crawls l ON l.id = r.last_crawl_id "
        "WHERE r.comment_id = ? ORDER BY f.crawled_at, r.id",
        (comment_id,),
    )
    return CommentRevisions(
        comment_id=comment_id,
        body=found[0][0],
        edited_at=None if found[0][1] is None else rows.utc(found[0][1]),
        items=[
            Revision(body=r[0], first_seen_at=rows.utc(r[1]), last_seen_at=rows.utc(r[2]))
            for r in earlier
        ],
    )


async def article_revisions(conn: aiosqlite.Connection, article_id: int) -> list[ArticleRevision]:
    """An article's earlier texts (every version but the one seen last), oldest first."""
    found = await conn.execute_fetchall(
        "SELECT v.text, f.crawled_at, l.crawled_at, f.content_hash, l.content_hash "
        "FROM article_versions v JOIN crawls f ON f.id = v.first_crawl_id "
        "JOIN crawls l ON l.id = v.last_crawl_id WHERE v.article_id = ?",
        (article_id,),
    )
    ordered = sorted(found, key=lambda r: ((r[2], r[4]), r[0]))
    return [
        ArticleRevision(text=r[0], first_seen_at=rows.utc(r[1]), last_seen_at=rows.utc(r[2]))
        for r in sorted(ordered[:-1], key=lambda r: (r[1], r[3]))
    ]
