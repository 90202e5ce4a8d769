"""Reads for request handlers: async, keyset-paginated, one query per list (no N+1)."""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypeVar, cast

import aiosqlite
import msgspec

from api.store import rows
from api.thread_view import Skeleton
from schemas import (
    Article,
    Author,
    Comment,
    Paragraph,
    QuoteItem,
    Section,
    Speaker,
    SpeakerSummary,
)
from schemas.imports import ArticleImport, ImportComment, ImportParagraph, ImportSection
from schemas.threads import CommentNode

T = TypeVar("T")
CommentSort = Literal["position", "-position", "posted_at", "-posted_at", "thread"]
Owner = Literal["paragraph_id", "comment_id"]

# Allowlisted ORDER BY and keyset predicates: the only identifiers that reach SQL.
_COMMENT_ORDER: dict[CommentSort, tuple[str, str]] = {
    "position": ("position ASC", "position > ?"),
    "-position": ("position DESC", "position < ?"),
    "posted_at": ("posted_at ASC, position ASC", "(posted_at, position) > (?, ?)"),
    "-posted_at": ("posted_at DESC, position DESC", "(posted_at, position) < (?, ?)"),
    "thread": ("thread_path ASC", "thread_path > ?"),
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


async def _scalar(conn: aiosqlite.Connection, sql: str, params: Sequence[object] = ()) -> int:
    """The integer a one-row, one-column query answers, in one call."""
    found = await conn.execute_fetchall(sql, params)
    return next((int(r[0]) for r in found), 0)


async def schema_version(conn: aiosqlite.Connection) -> int:
    """`PRAGMA user_version` of the database."""
    return await _scalar(conn, "PRAGMA user_version")


async def count_articles(conn: aiosqlite.Connection) -> int:
    """Number of stored articles."""
    return await _scalar(conn, "SELECT count(*) FROM articles")


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
    found = await conn.execute_fetchall(
        f"SELECT {rows.ARTICLE_COLUMNS} FROM articles WHERE id = ?", (article_id,)
    )
    return next((rows.article(r) for r in found), None)


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
    paragraph_rows = await conn.execute_fetchall(
        f"SELECT section_id, position, kind, text, {rows.PARAGRAPH_ATTACHMENTS} FROM paragraphs "
        f"WHERE section_id IN ({_marks(ids)}) ORDER BY section_id, position",
        ids,
    )
    paragraphs: dict[int, list[Paragraph]] = defaultdict(list)
    for r in paragraph_rows:
        paragraphs[r[0]].append(rows.paragraph(r[1:]))
    return [Section(position=r[1], paragraphs=paragraphs[r[0]]) for r in section_rows]


def _marks(values: list[int]) -> str:
    return ",".join("?" * len(values))


async def list_speakers(conn: aiosqlite.Connection, article_id: int) -> list[Speaker]:
    """People quoted in an article, by name, with their speech quote counts."""
    return [
        rows.speaker(r)
        for r in await conn.execute_fetchall(
            "SELECT s.name, s.aliases, (SELECT count(*) FROM quotes q "
            "WHERE q.speaker_id = s.id AND q.kind = 'speech') "
            "FROM speakers s WHERE s.article_id = ? ORDER BY s.name",
            (article_id,),
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
    return where, params


async def count_comments(
    conn: aiosqlite.Connection, article_id: int, filters: CommentFilter, stored: int
) -> int:
    """Rows matching `filters`; without filters, the counter `stored` with the article."""
    if filters == CommentFilter():
        return stored
    where, params = _comment_where(article_id, filters)
    return await _scalar(conn, f"SELECT count(*) FROM comments WHERE {' AND '.join(where)}", params)


def _comment_page_sql(
    article_id: int,
    filters: CommentFilter,
    sort: CommentSort,
    after: list[int] | list[str] | None,
    limit: int,
) -> tuple[str, list[object]]:
    where, params = _comment_where(article_id, filters)
    order, keyset = _COMMENT_ORDER[sort]
    if after is not None:
        where.append(keyset)
        params.extend(after)
    sql = (
        f"SELECT {rows.COMMENT_JSON} AS c, thread_path AS p FROM comments "
        f"WHERE {' AND '.join(where)} ORDER BY {order} LIMIT ?"
    )
    params.append(limit)
    return sql, params


def _one_row(sql: str) -> str:
    """`sql` (rows of a JSON object `c` and a thread path `p`, in order) as one row: a JSON
    array of the objects and the paths joined by commas. One step of SQLite hands back the
    whole page, so the reading thread takes the GIL once rather than once per row."""
    return f"SELECT '[' || group_concat(c, ',') || ']', group_concat(p, ',') FROM ({sql})"


def _paths(joined: str | None) -> list[str]:
    return joined.split(",") if joined else []


async def list_comments(
    conn: aiosqlite.Connection,
    article_id: int,
    *,
    filters: CommentFilter,
    sort: CommentSort,
    after: list[int] | list[str] | None,
    limit: int,
) -> tuple[list[Comment], list[str]]:
    """A page of an article's comments, filtered and sorted, after the keyset `after`,
    with each row's thread path (the keyset of `sort=thread`)."""
    sql, params = _comment_page_sql(article_id, filters, sort, after, limit)
    found = list(await conn.execute_fetchall(_one_row(sql), params))
    return rows.comment_array(found[0][0]), _paths(found[0][1])


async def article_comments(
    conn: aiosqlite.Connection,
    article_id: int,
    *,
    filters: CommentFilter,
    sort: CommentSort,
    after: list[int] | list[str] | None,
    limit: int,
) -> tuple[Article | None, list[Comment], list[str]]:
    """The article (None when there is none) and a page of its comments as `list_comments`
    reads it, both in one hand-off to the connection's thread."""
    sql, params = _comment_page_sql(article_id, filters, sort, after, limit)

    def work(db: sqlite3.Connection) -> tuple[list[Any], list[Any]]:
        article = db.execute(
            f"SELECT {rows.ARTICLE_COLUMNS} FROM articles WHERE id = ?", (article_id,)
        ).fetchall()
        return article, db.execute(_one_row(sql), params).fetchall() if article else []

    article, found = await in_thread(conn, work)
    if not article:
        return None, [], []
    return rows.article(article[0]), rows.comment_array(found[0][0]), _paths(found[0][1])


async def in_thread(conn: aiosqlite.Connection, work: Callable[[sqlite3.Connection], T]) -> T:
    """Run `work(sqlite3 connection)` on the connection's own thread: several statements for
    the price of one hand-off between the event loop and that thread."""
    run: Callable[..., Awaitable[T]] = cast(Any, conn)._execute
    return await run(work, cast(Any, conn)._conn)


async def get_comment(conn: aiosqlite.Connection, comment_id: int) -> Comment | None:
    """One comment, or None."""
    found = await conn.execute_fetchall(
        f"SELECT {rows.COMMENT_JSON} FROM comments WHERE id = ?", (comment_id,)
    )
    return next(iter(rows.comments(found)), None)


# Both in one row (see `_one_row`): the skeleton as a JSON array of `Skeleton` arrays, the
# nodes as a JSON array of objects.
_SKELETON_SQL = (
    "SELECT json_group_array(json_array(id, parent_id, parent_author, parent_author_verified, "
    "parent_resolution, posted_at, position, reply_count)) FROM comments WHERE article_id = ?"
)
_NODES_SQL = (
    "SELECT '[' || group_concat(c, ',') || ']' FROM "
    "(SELECT {json} AS c FROM comments WHERE article_id = ? AND id IN ({marks}))"
)
_skeleton = msgspec.json.Decoder(list[Skeleton])


async def thread_skeleton(conn: aiosqlite.Connection, article_id: int) -> list[Skeleton]:
    """The tree-shaping columns of every comment of an article (no bodies)."""
    found = list(await conn.execute_fetchall(_SKELETON_SQL, (article_id,)))
    return _skeleton.decode(found[0][0])


async def article_thread(
    conn: aiosqlite.Connection,
    article_id: int,
    plan: Callable[[list[Skeleton]], tuple[T, list[int]]],
) -> tuple[Article | None, T | None, dict[int, CommentNode]]:
    """An article (None when there is none), `plan` run over its comments' skeleton, and the
    comments the plan names as reply-tree nodes: one hand-off to the connection's thread,
    where the (pure) plan runs between the two reads."""

    def work(db: sqlite3.Connection) -> tuple[list[Any], T | None, list[Any]]:
        article = db.execute(
            f"SELECT {rows.ARTICLE_COLUMNS} FROM articles WHERE id = ?", (article_id,)
        ).fetchall()
        if not article:
            return article, None, []
        skeleton = _skeleton.decode(db.execute(_SKELETON_SQL, (article_id,)).fetchall()[0][0])
        planned, ids = plan(skeleton)
        if not ids:
            return article, planned, []
        sql = _NODES_SQL.format(json=rows.COMMENT_NODE_JSON, marks=_marks(ids))
        return article, planned, db.execute(sql, [article_id, *ids]).fetchall()

    article, planned, found = await in_thread(conn, work)
    if not article:
        return None, None, {}
    nodes = rows.comment_node_array(found[0][0] if found else None)
    return rows.article(article[0]), planned, {c.id: c for c in nodes}


async def get_comments(conn: aiosqlite.Connection, ids: list[int]) -> dict[int, Comment]:
    """Full comments by id, with quotes and links: three queries whatever the count."""
    if not ids:
        return {}
    found = await conn.execute_fetchall(
        f"SELECT {rows.COMMENT_JSON} FROM comments WHERE id IN ({_marks(ids)})", ids
    )
    return {c.id: c for c in rows.comments(found)}


class SearchSyntaxError(ValueError):
    """SQLite rejected a raw FTS5 query."""


SearchKind = Literal["article", "comment", "quote"]
# Per kind: the FTS table, its bm25 column weights, and the query that adds the hit's own
# columns and its snippet for a handful of rowids. FTS5 cannot seek a `rowid IN (...)` list
# (it walks every match and filters), so a rowid range bounds the walk and `+rowid` filters.
_FTS: dict[str, tuple[str, str]] = {
    "article": ("articles_fts", "5.0, 1.0"),
    "comment": ("comments_fts", "1.0, 2.0"),
    "quote": ("quotes_fts", "1.0"),
}
_DETAILS: dict[str, str] = {
    "article": """
        SELECT a.id, a.title, snippet(articles_fts, -1, :open, :close, '…', 24)
        FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid
        WHERE articles_fts MATCH :query AND articles_fts.rowid BETWEEN :lo AND :hi
          AND +articles_fts.rowid IN ({ids})
    """,
    "comment": """
        SELECT c.id, c.article_id, c.author, c.posted_at,
               snippet(comments_fts, -1, :open, :close, '…', 24)
        FROM comments_fts JOIN comments c ON c.id = comments_fts.rowid
        WHERE comments_fts MATCH :query AND comments_fts.rowid BETWEEN :lo AND :hi
          AND +comments_fts.rowid IN ({ids})
    """,
    "quote": """
        SELECT q.id, q.article_id, q.comment_id, s.name,
               snippet(quotes_fts, 0, :open, :close, '…', 24)
        FROM quotes_fts JOIN quotes q ON q.id = quotes_fts.rowid
        LEFT JOIN speakers s ON s.id = q.speaker_id
        WHERE quotes_fts MATCH :query AND quotes_fts.rowid BETWEEN :lo AND :hi
          AND +quotes_fts.rowid IN ({ids})
    """,
}
RANK_WINDOW = 2_000
"""bm25 ranks at most this many of the newest matches: the cost of ranking grows with the
matches, and a word in most documents would otherwise take hundreds of milliseconds."""
COMMON_SHARE = 0.1
"""A word found in at least this share of the newest documents is very common. Like a stopword
it must still match, but it does not score: bm25 would count every document holding it (a walk
over hundreds of thousands of entries in a large corpus) to give it an IDF of ln 10 or less,
a fraction of what a rarer word of the same query weighs. When every word of a query is very
common, its matches come newest first, each with score 0."""
PROBE = 64
"""Matches read, newest first, to estimate how common a word is."""


@dataclass(frozen=True, slots=True)
class SearchRows:
    """A page of hits in order: `(rowid, score, detail row)`; `floor` bounds the rank window."""

    hits: list[tuple[int, float, Any]]
    floor: int | None


def _phrase(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


def _scored_query(db: sqlite3.Connection, table: str, words: list[str]) -> str | None:
    """The words that are not very common, as the FTS5 query bm25 scores; None if none."""
    newest = db.execute(f"SELECT rowid FROM {table} ORDER BY rowid DESC LIMIT 1").fetchall()
    rare: list[str] = []
    for word in words:
        probe = db.execute(
            f"SELECT rowid FROM {table} WHERE {table} MATCH ? ORDER BY rowid DESC LIMIT 1 OFFSET ?",
            (_phrase(word), PROBE - 1),
        ).fetchall()
        if not probe or PROBE / (newest[0][0] - probe[0][0] + 1) < COMMON_SHARE:
            rare.append(_phrase(word))
    return " ".join(rare) or None


def _search(
    db: sqlite3.Connection,
    kind: SearchKind,
    query: str,
    words: list[str] | None,
    order: Literal["rank", "newest"],
    after: list[Any] | None,
    floor: int | None,
    limit: int,
    marks: tuple[str, str],
) -> SearchRows:
    table, weights = _FTS[kind]
    scored = query if words is None else _scored_query(db, table, words)
    params: dict[str, Any] = {"query": query, "scored": scored, "n": limit}
    ranked: list[tuple[int, float]]
    if order == "newest" or scored is None:
        # Newest first: asked for, or a rank order in which no word scores (all score 0).
        keyset = ""
        if after and order == "newest":
            keyset, params["k0"] = " AND rowid < :k0", after[0]
        elif after:
            if after[0] > 0:
                return SearchRows([], floor)
            if after[0] == 0:
                keyset, params["k1"] = " AND rowid < :k1", after[1]
        ids = [
            r[0]
            for r in db.execute(
                f"SELECT rowid FROM {table} WHERE {table} MATCH :query{keyset} "
                "ORDER BY rowid DESC LIMIT :n",
                params,
            )
        ]
        scores: dict[int, float] = {}
        if scored is not None and ids:
            scores = dict(
                db.execute(
                    f"SELECT rowid, bm25({table}, {weights}) FROM {table} "
                    f"WHERE {table} MATCH :scored AND rowid BETWEEN :lo AND :hi "
                    f"AND +rowid IN ({','.join(map(str, ids))})",
                    {**params, "lo": min(ids), "hi": max(ids)},
                ).fetchall()
            )
        ranked = [(i, scores.get(i, 0.0)) for i in ids]
    else:
        if after is None:
            bound = db.execute(
                f"SELECT rowid FROM {table} WHERE {table} MATCH :query "
                "ORDER BY rowid DESC LIMIT 1 OFFSET :skip",
                {"query": query, "skip": RANK_WINDOW - 1},
            ).fetchall()
            floor = bound[0][0] if bound else None
        params["floor"] = floor or 0
        # bm25 scores the words that are not very common; the whole query must still match.
        matching = (
            ""
            if scored == query
            else f" AND +rowid IN (SELECT rowid FROM {table} WHERE {table} MATCH :query "
            "AND rowid >= :floor)"
        )
        keyset = ""
        if after:
            keyset = " WHERE score > :k0 OR (score = :k0 AND rowid < :k1)"
            params.update(k0=after[0], k1=after[1])
        ranked = db.execute(
            f"SELECT * FROM (SELECT rowid, bm25({table}, {weights}) AS score FROM {table} "
            f"WHERE {table} MATCH :scored AND rowid >= :floor{matching}){keyset} "
            "ORDER BY score, rowid DESC LIMIT :n",
            params,
        ).fetchall()
    if not ranked:
        return SearchRows([], floor)
    ids = [int(r[0]) for r in ranked]
    details = db.execute(
        _DETAILS[kind].format(ids=",".join(map(str, ids))),
        {"query": query, "open": marks[0], "close": marks[1], "lo": min(ids), "hi": max(ids)},
    ).fetchall()
    by_id = {row[0]: row for row in details}
    return SearchRows([(r[0], float(r[1]), by_id[r[0]]) for r in ranked if r[0] in by_id], floor)


async def search(
    conn: aiosqlite.Connection,
    kind: SearchKind,
    query: str,
    *,
    words: list[str] | None = None,
    order: Literal["rank", "newest"],
    after: list[Any] | None,
    floor: int | None,
    limit: int,
    marks: tuple[str, str],
) -> SearchRows:
    """Matches in rank order (bm25 within the newest RANK_WINDOW matches, ties newest first) or
    newest first, read in one hand-off to the connection's thread.

    `words` are the plain words `query` is made of (None for raw FTS5 syntax): those that are
    very common (`COMMON_SHARE`) must match but do not score. The first rank page finds the
    window's lowest rowid; later pages pass it back (`floor`) so every page ranks the same set.
    """

    def work(db: sqlite3.Connection) -> SearchRows:
        return _search(db, kind, query, words, order, after, floor, limit, marks)

    try:
        return await in_thread(conn, work)
    except sqlite3.OperationalError as exc:
        if "fts5" in str(exc) or "syntax" in str(exc):
            raise SearchSyntaxError(str(exc)) from exc
        raise


@dataclass(frozen=True, slots=True)
class QuoteFilter:
    """Filters of the quote lists; None means not filtered."""

    article_id: int | None = None
    speaker: str | None = None
    in_comments: bool | None = None
    kind: str | None = None


async def list_quotes(
    conn: aiosqlite.Connection, *, filters: QuoteFilter, after_id: int | None, limit: int
) -> list[QuoteItem]:
    """Quotes in ingest order with where they were found."""
    where: list[str] = []
    params: list[object] = []
    if filters.article_id is not None:
        where.append("q.article_id = ?")
        params.append(filters.article_id)
    if filters.speaker is not None:
        where.append(
            "q.speaker_id IN (SELECT id FROM speakers WHERE name = ? "
            "OR EXISTS (SELECT 1 FROM json_each(speakers.aliases) WHERE value = ?))"
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
    return [rows.quote_item(r) for r in await conn.execute_fetchall(sql, params)]


async def list_speaker_summaries(
    conn: aiosqlite.Connection, *, after_name: str | None, limit: int
) -> list[SpeakerSummary]:
    """People quoted across articles, by name."""
    return [
        rows.speaker_summary(r)
        for r in await conn.execute_fetchall(
            """
            SELECT s.name,
                   (SELECT json_group_array(DISTINCT a.value) FROM speakers s2,
                           json_each(s2.aliases) a WHERE s2.name = s.name),
                   count(DISTINCT s.article_id),
                   (SELECT count(*) FROM quotes q JOIN speakers s3 ON s3.id = q.speaker_id
                    WHERE s3.name = s.name AND q.kind = 'speech')
            FROM speakers s WHERE s.name > ? GROUP BY s.name ORDER BY s.name LIMIT ?
            """,
            ("" if after_name is None else after_name, limit),
        )
    ]


async def list_authors(
    conn: aiosqlite.Connection, *, after_name: str | None, limit: int
) -> list[Author]:
    """Commenters across articles, by name."""
    return [
        rows.author(r)
        for r in await conn.execute_fetchall(
            "SELECT author, count(*), count(DISTINCT article_id), sum(1 - author_verified), "
            "min(posted_at), max(posted_at) FROM comments WHERE author > ? "
            "GROUP BY author ORDER BY author LIMIT ?",
            ("" if after_name is None else after_name, limit),
        )
    ]


async def list_author_comments(
    conn: aiosqlite.Connection, author: str, *, before: list[int] | None, limit: int
) -> list[Comment]:
    """One author's comments across articles, newest first."""
    sql = f"SELECT {rows.COMMENT_JSON} FROM comments WHERE author = ?"
    params: list[object] = [author]
    if before is not None:
        sql += " AND (posted_at, id) < (?, ?)"
        params += before
    sql += " ORDER BY posted_at DESC, id DESC LIMIT ?"
    params.append(limit)
    return rows.comments(await conn.execute_fetchall(sql, params))


async def article_document(conn: aiosqlite.Connection, article: Article) -> ArticleImport:
    """An article in the structured form that POST and PUT accept."""
    sections = await list_sections(
        conn, article.id, after_position=None, limit=max(article.counts.sections, 1)
    )
    comment_rows = await conn.execute_fetchall(
        "SELECT author, author_verified, posted_at, body, parent_author, parent_author_verified "
        "FROM comments WHERE article_id = ? ORDER BY position",
        (article.id,),
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
                posted_at=rows.utc(r[2]),
                body=r[3],
                parent_author=r[4],
                parent_author_verified=None if r[5] is None else bool(r[5]),
            )
            for r in comment_rows
        ],
    )
