"""Reads for request handlers: async, keyset-paginated, one query per list (no N+1)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Literal

import aiosqlite

from api.store import rows
from schemas import Article, Comment, Section

CommentSort = Literal["position", "-position", "posted_at", "-posted_at"]

# Allowlisted ORDER BY and keyset predicates: the only identifiers that reach SQL.
_COMMENT_ORDER: dict[CommentSort, tuple[str, str]] = {
    "position": ("position ASC", "position > ?"),
    "-position": ("position DESC", "position < ?"),
    "posted_at": ("posted_at ASC, position ASC", "(posted_at, position) > (?, ?)"),
    "-posted_at": ("posted_at DESC, position DESC", "(posted_at, position) < (?, ?)"),
}


@dataclass(frozen=True, slots=True)
class CommentFilter:
    """Filters of the comment list; None means not filtered."""

    author: str | None = None
    verified: bool | None = None
    parent_id: int | None = None
    top_level: bool | None = None
    since: int | None = None
    until: int | None = None


async def schema_version(conn: aiosqlite.Connection) -> int:
    """`PRAGMA user_version` of the database."""
    async with conn.execute("PRAGMA user_version") as cur:
        row = await cur.fetchone()
    return int(row[0]) if row else 0


async def count_articles(conn: aiosqlite.Connection) -> int:
    """Number of stored articles."""
    async with conn.execute("SELECT count(*) FROM articles") as cur:
        row = await cur.fetchone()
    return int(row[0]) if row else 0


async def list_articles(
    conn: aiosqlite.Connection, *, before_id: int | None, limit: int
) -> list[Article]:
    """Articles newest first (by ingest order), after the keyset `before_id`; `limit` rows."""
    sql = f"SELECT {rows.ARTICLE_COLUMNS} FROM articles"
    params: list[object] = []
    if before_id is not None:
        sql += " WHERE id < ?"
        params.append(before_id)
    sql += " ORDER BY id DESC LIMIT ?"
    params.append(limit)
    return [rows.article(r) for r in await conn.execute_fetchall(sql, params)]


async def get_article(conn: aiosqlite.Connection, article_id: int) -> Article | None:
    """One article, or None."""
    async with conn.execute(
        f"SELECT {rows.ARTICLE_COLUMNS} FROM articles WHERE id = ?", (article_id,)
    ) as cur:
        row = await cur.fetchone()
    return None if row is None else rows.article(row)


async def list_sections(
    conn: aiosqlite.Connection, article_id: int, *, after_position: int | None, limit: int
) -> list[Section]:
    """Sections with their paragraphs in page order; two queries whatever the page size."""
    section_rows = await conn.execute_fetchall(
        "SELECT id, position FROM sections WHERE article_id = ? AND position > ? "
        "ORDER BY position LIMIT ?",
        (article_id, -1 if after_position is None else after_position, limit),
    )
    if not section_rows:
        return []
    ids = [r[0] for r in section_rows]
    marks = ",".join("?" * len(ids))
    paragraphs: dict[int, list[object]] = defaultdict(list)
    for r in await conn.execute_fetchall(
        f"SELECT section_id, position, kind, text FROM paragraphs "
        f"WHERE section_id IN ({marks}) ORDER BY section_id, position",
        ids,
    ):
        paragraphs[r[0]].append(rows.paragraph(r[1:]))
    return [
        Section(position=r[1], paragraphs=paragraphs[r[0]])  # type: ignore[arg-type]
        for r in section_rows
    ]


async def list_comments(
    conn: aiosqlite.Connection,
    article_id: int,
    *,
    filters: CommentFilter,
    sort: CommentSort,
    after: list[int] | None,
    limit: int,
) -> list[Comment]:
    """A page of an article's comments, filtered and sorted, after the keyset `after`."""
    where = ["article_id = ?"]
    params: list[object] = [article_id]
    if filters.author is not None:
        where.append("author = ?")
        params.append(filters.author)
    if filters.verified is not None:
        where.append("author_verified = ?")
        params.append(int(filters.verified))
    if filters.parent_id is not None:
        where.append("parent_id = ?")
        params.append(filters.parent_id)
    if filters.top_level is not None:
        where.append("parent_author IS NULL" if filters.top_level else "parent_author IS NOT NULL")
    if filters.since is not None:
        where.append("posted_at >= ?")
        params.append(filters.since)
    if filters.until is not None:
        where.append("posted_at < ?")
        params.append(filters.until)
    order, keyset = _COMMENT_ORDER[sort]
    if after is not None:
        where.append(keyset)
        params.extend(after)
    sql = (
        f"SELECT {rows.COMMENT_COLUMNS} FROM comments WHERE {' AND '.join(where)} "
        f"ORDER BY {order} LIMIT ?"
    )
    params.append(limit)
    return [rows.comment(r) for r in await conn.execute_fetchall(sql, params)]


async def get_comment(conn: aiosqlite.Connection, comment_id: int) -> Comment | None:
    """One comment, or None."""
    async with conn.execute(
        f"SELECT {rows.COMMENT_COLUMNS} FROM comments WHERE id = ?", (comment_id,)
    ) as cur:
        row = await cur.fetchone()
    return None if row is None else rows.comment(row)
