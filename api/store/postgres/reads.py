"""Reads on PostgreSQL: the queries of `api.store.sqlite.reads`, in PostgreSQL's dialect.

Each list is one query (quotes and links come back in the comment's row as JSON, as on
SQLite), keyset-paginated on the same keys, so cursors mean the same on both engines.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

import msgspec

from api.store import rows
from api.store.protocol import CommentFilter, QuoteFilter
from api.threads.layout import Skeleton
from schemas import (
    Article,
    ArticleRevision,
    Author,
    Comment,
    CommentRevisions,
    CommentSort,
    Crawl,
    Link,
    Paragraph,
    Quote,
    QuoteItem,
    Revision,
    Section,
    Speaker,
    SpeakerSummary,
)
from schemas.imports import ArticleImport, ImportComment, ImportParagraph, ImportSection

Conn = Any  # an asyncpg Connection or Pool: both answer fetch / fetchval
_MARK = re.compile(r"\?")


def numbered(sql: str) -> str:
    """`?` placeholders → `$1, $2, …` (the statements here hold no other `?`)."""
    counter = iter(range(1, 10_000))
    return _MARK.sub(lambda _: f"${next(counter)}", sql)


QUOTES_JSON = """(
    SELECT coalesce(json_agg(json_build_object(
        'text', q.text, 'kind', q.kind, 'nested', q.nested = 1, 'speaker', s.name, 'cue', q.cue,
        'start', q.start, 'end', q."end", 'source_comment_id', q.source_comment_id)
        ORDER BY q.position), '[]')::text
    FROM quotes q LEFT JOIN speakers s ON s.id = q.speaker_id
    WHERE q.{owner} = {table}.id
)"""
LINKS_JSON = """(
    SELECT coalesce(json_agg(json_build_object('url', l.url, 'start', l.start, 'end', l."end")
                             ORDER BY l.position), '[]')::text
    FROM links l WHERE l.{owner} = {table}.id
)"""
COMMENT_COLUMNS = f"""
    id, article_id, position, author, author_verified, posted_at, body, parent_id,
    parent_author, parent_author_verified, parent_resolution, depth, root_id, reply_count,
    posted_text, kind,
    {QUOTES_JSON.format(owner="comment_id", table="comments")},
    {LINKS_JSON.format(owner="comment_id", table="comments")},
    first_seen_at, edited_at, removed_at
"""
"""`comment_row`'s columns."""
_quotes = msgspec.json.Decoder(list[Quote])
_links = msgspec.json.Decoder(list[Link])


def comment_row(row: Any) -> Comment:
    """A Comment from a `COMMENT_COLUMNS` row (SQLite builds its comments as JSON instead)."""
    return Comment(
        id=row[0],
        article_id=row[1],
        position=row[2],
        author=row[3],
        author_verified=bool(row[4]),
        posted_at=None if row[5] is None else rows.utc(row[5]),
        posted_text=row[14],
        comment_kind=row[15],
        body=row[6],
        parent_id=row[7],
        parent_author=row[8],
        parent_author_verified=None if row[9] is None else bool(row[9]),
        parent_resolution=row[10],
        depth=row[11],
        root_id=row[12],
        reply_count=row[13],
        quotes=_quotes.decode(row[16]),
        links=_links.decode(row[17]),
        first_seen_at=rows.utc(row[18]),
        edited_at=None if row[19] is None else rows.utc(row[19]),
        removed_at=None if row[20] is None else rows.utc(row[20]),
    )


PARAGRAPH_ATTACHMENTS = f"""
    {QUOTES_JSON.format(owner="paragraph_id", table="paragraphs")},
    {LINKS_JSON.format(owner="paragraph_id", table="paragraphs")}
"""

_COMMENT_ORDER: dict[CommentSort, tuple[str, str]] = {
    "position": ("position ASC", "position > ?"),
    "-position": ("position DESC", "position < ?"),
    "posted_at": (
        "coalesce(posted_at, -1) ASC, position ASC",
        "(coalesce(posted_at, -1), position) > (?, ?)",
    ),
    "-posted_at": (
        "coalesce(posted_at, -1) DESC, position DESC",
        "(coalesce(posted_at, -1), position) < (?, ?)",
    ),
    "thread": (
        "thread_rank ASC",
        "thread_rank > (SELECT k.thread_rank FROM comments k "
        "WHERE k.article_id = ? AND k.position = ?)",
    ),
}


async def fetch(conn: Conn, sql: str, *params: object) -> list[Any]:
    """Rows of a `?`-placeholder statement."""
    found: list[Any] = await conn.fetch(numbered(sql), *params)
    return found


async def scalar(conn: Conn, sql: str, *params: object) -> int:
    """The integer a one-row, one-column query answers (0 for none)."""
    value = await conn.fetchval(numbered(sql), *params)
    return 0 if value is None else int(value)


async def count_articles(conn: Conn) -> int:
    """Number of stored articles."""
    return await scalar(conn, "SELECT count(*) FROM articles")


async def list_articles(conn: Conn, *, before_id: int | None, limit: int) -> list[Article]:
    """Articles newest first, after the keyset `before_id`."""
    sql = f"SELECT {rows.ARTICLE_COLUMNS} FROM articles"
    params: list[object] = []
    if before_id is not None:
        sql += " WHERE id < ?"
        params.append(before_id)
    sql += " ORDER BY id DESC LIMIT ?"
    params.append(limit)
    return [rows.article(r) for r in await fetch(conn, sql, *params)]


async def get_article(conn: Conn, article_id: int) -> Article | None:
    """One article, or None."""
    found = await fetch(
        conn, f"SELECT {rows.ARTICLE_COLUMNS} FROM articles WHERE id = ?", article_id
    )
    return next((rows.article(r) for r in found), None)


async def list_sections(
    conn: Conn, article_id: int, *, after_position: int | None, limit: int
) -> list[Section]:
    """Sections with their paragraphs in page order; two queries whatever the page size."""
    section_rows = await fetch(
        conn,
        "SELECT id, position FROM sections WHERE article_id = ? AND position > ? "
        "ORDER BY position LIMIT ?",
        article_id,
        -1 if after_position is None else after_position,
        limit,
    )
    if not section_rows:
        return []
    paragraph_rows = await fetch(
        conn,
        f"SELECT section_id, position, kind, text, {PARAGRAPH_ATTACHMENTS} FROM paragraphs "
        "WHERE section_id = ANY(?::bigint[]) ORDER BY section_id, position",
        [r[0] for r in section_rows],
    )
    paragraphs: dict[int, list[Paragraph]] = defaultdict(list)
    for r in paragraph_rows:
        paragraphs[r[0]].append(rows.paragraph(r[1:]))
    return [Section(position=r[1], paragraphs=paragraphs[r[0]]) for r in section_rows]


async def list_speakers(conn: Conn, article_id: int) -> list[Speaker]:
    """People quoted in an article, by name, with their speech quote counts."""
    return [
        rows.speaker(r)
        for r in await fetch(
            conn,
            "SELECT s.name, s.aliases, "
            "(SELECT count(*) FROM quotes q WHERE q.speaker_id = s.id AND q.kind = 'speech' "
            "AND q.comment_id IS NULL), "
            "(SELECT count(*) FROM quotes q WHERE q.speaker_id = s.id AND q.kind = 'speech' "
            "AND q.comment_id IS NOT NULL) "
            "FROM speakers s WHERE s.article_id = ? ORDER BY s.name",
            article_id,
        )
    ]


def _comment_where(article_id: int, filters: CommentFilter) -> tuple[list[str], list[object]]:
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
    if filters.seen_since is not None:
        where.append("first_seen_at >= ?")
        params.append(filters.seen_since)
    if filters.removed is not None:
        where.append("removed_at IS NOT NULL" if filters.removed else "removed_at IS NULL")
    return where, params


async def count_comments(conn: Conn, article_id: int, filters: CommentFilter, stored: int) -> int:
    """Rows matching `filters`; without filters, the counter `stored` with the article."""
    if filters == CommentFilter():
        return stored
    where, params = _comment_where(article_id, filters)
    return await scalar(conn, f"SELECT count(*) FROM comments WHERE {' AND '.join(where)}", *params)


async def list_comments(
    conn: Conn,
    article_id: int,
    *,
    filters: CommentFilter,
    sort: CommentSort,
    after: list[int] | None,
    limit: int,
) -> tuple[list[Comment], list[int]]:
    """A page of an article's comments, filtered and sorted, after the keyset `after`."""
    where, params = _comment_where(article_id, filters)
    order, keyset = _COMMENT_ORDER[sort]
    if after is not None:
        where.append(keyset)
        params.extend([article_id, *after] if sort == "thread" else after)
    sql = (
        f"SELECT {COMMENT_COLUMNS}, thread_rank FROM comments "
        f"WHERE {' AND '.join(where)} ORDER BY {order} LIMIT ?"
    )
    params.append(limit)
    found = await fetch(conn, sql, *params)
    return [comment_row(r) for r in found], [r[-1] for r in found]


async def get_comment(conn: Conn, comment_id: int) -> Comment | None:
    """One comment, or None."""
    found = await fetch(conn, f"SELECT {COMMENT_COLUMNS} FROM comments WHERE id = ?", comment_id)
    return next((comment_row(r) for r in found), None)


async def thread_skeleton(conn: Conn, article_id: int) -> list[Skeleton]:
    """The tree-shaping columns of every comment of an article (no bodies)."""
    return [
        Skeleton(r[0], r[1], r[2], None if r[3] is None else bool(r[3]), r[4], r[5], r[6], r[7])
        for r in await fetch(
            conn,
            "SELECT id, parent_id, parent_author, parent_author_verified, parent_resolution, "
            "coalesce(posted_at, -1), position, reply_count FROM comments WHERE article_id = ?",
            article_id,
        )
    ]


async def get_comments(conn: Conn, ids: list[int]) -> dict[int, Comment]:
    """Full comments by id, with quotes and links."""
    if not ids:
        return {}
    found = await fetch(
        conn, f"SELECT {COMMENT_COLUMNS} FROM comments WHERE id = ANY(?::bigint[])", ids
    )
    return {c.id: c for c in map(comment_row, found)}


async def list_quotes(
    conn: Conn, *, filters: QuoteFilter, after_id: int | None, limit: int
) -> list[QuoteItem]:
    """Quotes in ingest order with where they were found."""
    where: list[str] = []
    params: list[object] = []
    if filters.article_id is not None:
        where.append("q.article_id = ?")
        params.append(filters.article_id)
    if filters.speaker is not None:
        where.append(
            "q.speaker_id IN (SELECT id FROM speakers WHERE name = ? OR EXISTS ("
            "SELECT 1 FROM json_array_elements_text(speakers.aliases::json) a WHERE a = ?))"
        )
        params += [filters.speaker, filters.speaker]
    if filters.in_comments is not None:
        where.append("q.comment_id IS NOT NULL" if filters.in_comments else "q.comment_id IS NULL")
    if filters.kind is not None:
        where.append("q.kind = ?")
        params.append(filters.kind)
    if after_id is not None:
        where.append("q.id > ?")
        params.append(after_id)
    sql = (
        f"SELECT q.id, q.article_id, q.comment_id, sec.position, p.position, {rows.QUOTE_COLUMNS} "
        "FROM quotes q LEFT JOIN speakers s ON s.id = q.speaker_id "
        "LEFT JOIN paragraphs p ON p.id = q.paragraph_id "
        "LEFT JOIN sections sec ON sec.id = p.section_id"
        + (f" WHERE {' AND '.join(where)}" if where else "")
        + " ORDER BY q.id LIMIT ?"
    )
    params.append(limit)
    return [rows.quote_item(r) for r in await fetch(conn, sql, *params)]


async def list_speaker_summaries(
    conn: Conn, *, after_anchor: int | None, limit: int
) -> list[tuple[SpeakerSummary, int]]:
    """People quoted across articles, by name, each with its anchor (lowest speaker id)."""
    after_name = ""
    if after_anchor is not None:
        found = await fetch(conn, "SELECT name FROM speakers WHERE id = ?", after_anchor)
        if not found:
            raise LookupError(after_anchor)
        after_name = found[0][0]
    return [
        (rows.speaker_summary(r), r[4])
        for r in await fetch(
            conn,
            """
            SELECT s.name,
                   (SELECT json_agg(DISTINCT a)::text FROM speakers s2,
                           json_array_elements_text(s2.aliases::json) a WHERE s2.name = s.name),
                   count(DISTINCT s.article_id),
                   (SELECT count(*) FROM quotes q JOIN speakers s3 ON s3.id = q.speaker_id
                    WHERE s3.name = s.name AND q.kind = 'speech'),
                   min(s.id)
            FROM speakers s WHERE s.name > ? GROUP BY s.name ORDER BY s.name LIMIT ?
            """,
            after_name,
            limit,
        )
    ]


async def list_authors(
    conn: Conn, *, after_anchor: int | None, limit: int
) -> list[tuple[Author, int]]:
    """Commenters across articles, by name, each with its anchor (their first comment's id)."""
    after_name = ""
    if after_anchor is not None:
        found = await fetch(conn, "SELECT author FROM comments WHERE id = ?", after_anchor)
        if not found:
            raise LookupError(after_anchor)
        after_name = found[0][0]
    return [
        (rows.author(r), r[6])
        for r in await fetch(
            conn,
            "SELECT author, count(*), count(DISTINCT article_id), sum(1 - author_verified), "
            "min(posted_at), max(posted_at), min(id) FROM comments WHERE author > ? "
            "GROUP BY author ORDER BY author LIMIT ?",
            after_name,
            limit,
        )
    ]


async def list_author_comments(
    conn: Conn, author: str, *, before: list[int] | None, limit: int
) -> list[Comment]:
    """One author's comments across articles, newest first."""
    sql = f"SELECT {COMMENT_COLUMNS} FROM comments WHERE author = ?"
    params: list[object] = [author]
    if before is not None:
        sql += " AND (coalesce(posted_at, -1), id) < (?, ?)"
        params += before
    sql += " ORDER BY coalesce(posted_at, -1) DESC, id DESC LIMIT ?"
    params.append(limit)
    return [comment_row(r) for r in await fetch(conn, sql, *params)]


async def article_document(conn: Conn, article: Article) -> ArticleImport:
    """An article in the structured form that POST and PUT accept."""
    sections = await list_sections(
        conn, article.id, after_position=None, limit=max(article.counts.sections, 1)
    )
    comment_rows = await fetch(
        conn,
        "SELECT author, author_verified, posted_at, body, parent_author, parent_author_verified "
        "FROM comments WHERE article_id = ? ORDER BY position",
        article.id,
    )
    return ArticleImport(
        title=article.title,
        url=article.url,
        published_at=article.published_at,
        sections=[
            ImportSection(
                paragraphs=[ImportParagraph(text=p.text, kind=p.kind) for p in s.paragraphs]
            )
            for s in sections
        ],
        comments=[
            ImportComment(
                author=r[0],
                author_verified=bool(r[1]),
                posted_at=None if r[2] is None else rows.utc(r[2]),
                body=r[3],
                parent_author=r[4],
                parent_author_verified=None if r[5] is None or r[5] else False,
            )
            for r in comment_rows
        ],
    )


async def list_crawls(
    conn: Conn, article_id: int, *, after: list[int] | None, limit: int
) -> list[Crawl]:
    """An article's crawls in `crawled_at` order (then id), after the keyset `after`."""
    sql = f"SELECT {rows.CRAWL_COLUMNS} FROM crawls WHERE article_id = ?"
    params: list[object] = [article_id]
    if after is not None:
        sql += " AND (crawled_at, id) > (?, ?)"
        params += after
    sql += " ORDER BY crawled_at, id LIMIT ?"
    params.append(limit)
    return [rows.crawl(r) for r in await fetch(conn, sql, *params)]


async def comment_revisions(conn: Conn, comment_id: int) -> CommentRevisions | None:
    """A comment's current body and earlier ones, oldest first; None when there is none."""
    found = await fetch(conn, "SELECT body, edited_at FROM comments WHERE id = ?", comment_id)
    if not found:
        return None
    earlier = await fetch(
        conn,
        "SELECT r.body, f.crawled_at, l.crawled_at FROM comment_revisions r "
        "JOIN crawls f ON f.id = r.first_crawl_id JOIN crawls l ON l.id = r.last_crawl_id "
        "WHERE r.comment_id = ? ORDER BY f.crawled_at, r.id",
        comment_id,
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


async def article_revisions(conn: Conn, article_id: int) -> list[ArticleRevision]:
    """An article's earlier texts (every version but the one seen last), oldest first."""
    found = await fetch(
        conn,
        "SELECT v.text, f.crawled_at, l.crawled_at, f.content_hash, l.content_hash "
        "FROM article_versions v JOIN crawls f ON f.id = v.first_crawl_id "
        "JOIN crawls l ON l.id = v.last_crawl_id WHERE v.article_id = ?",
        article_id,
    )
    ordered = sorted(found, key=lambda r: ((r[2], r[4]), r[0]))
    return [
        ArticleRevision(text=r[0], first_seen_at=rows.utc(r[1]), last_seen_at=rows.utc(r[2]))
        for r in sorted(ordered[:-1], key=lambda r: (r[1], r[3]))
    ]
