"""Reads for request handlers: async, keyset-paginated, one query per list (no N+1)."""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Literal, NamedTuple, TypeVar, cast

import aiosqlite
import msgspec

from api.store import rows
from api.store.protocol import (
    RANK_WINDOW,
    CommentFilter,
    QuoteFilter,
    SearchKind,
    SearchRows,
    SearchSyntaxError,
)
from api.threads.layout import Skeleton
from schemas import (
    Article,
    Author,
    Comment,
    CommentSort,
    Paragraph,
    QuoteItem,
    Section,
    Speaker,
    SpeakerSummary,
)
from schemas.imports import ArticleImport, ImportComment, ImportParagraph, ImportSection
from schemas.threads import CommentNode

T = TypeVar("T")
Owner = Literal["paragraph_id", "comment_id"]

# Allowlisted ORDER BY and keyset predicates: the only identifiers that reach SQL.
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
    # The key is the last row's position, so a cursor stays short however deep the thread.
    "thread": (
        "thread_rank ASC",
        "thread_rank > (SELECT k.thread_rank FROM comments k "
        "WHERE k.article_id = ? AND k.position = ?)",
    ),
}


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


def _marks(values: Sequence[int]) -> str:
    return ",".join("?" * len(values))


async def list_speakers(conn: aiosqlite.Connection, article_id: int) -> list[Speaker]:
    """People quoted in an article, by name, with their speech quote counts."""
    return [
        rows.speaker(r)
        for r in await conn.execute_fetchall(
            "SELECT s.name, s.aliases, "
            "(SELECT count(*) FROM quotes q WHERE q.speaker_id = s.id AND q.kind = 'speech' "
            "AND q.comment_id IS NULL), "
            "(SELECT count(*) FROM quotes q WHERE q.speaker_id = s.id AND q.kind = 'speech' "
            "AND q.comment_id IS NOT NULL) "
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
    if filters.seen_since is not None:
        where.append("first_seen_at >= ?")
        params.append(filters.seen_since)
    if filters.removed is not None:
        where.append("removed_at IS NOT NULL" if filters.removed else "removed_at IS NULL")
    return where, params


async def count_comments(
    conn: aiosqlite.Connection, article_id: int, filters: CommentFilter, stored: int
) -> int:
    """Rows matching `filters`; without filters, the counter `stored` with the article."""
    if filters == CommentFilter():
        return stored
    where, params = _comment_where(article_id, filters)
    return await _scalar(conn, f"SELECT count(*) FROM comments WHERE {' AND '.join(where)}", params)


def _page_sql(
    article_id: int,
    filters: CommentFilter,
    sort: CommentSort,
    after: list[int] | None,
    limit: int,
    *,
    ranks: bool = True,
) -> tuple[str, list[object]]:
    """One row for a page of comments: a JSON array of `COMMENT_JSON` objects, and (with
    `ranks`) the rows' thread ranks and ids joined by commas. One step of SQLite hands back the
    whole page, so the reading thread takes the GIL once rather than once per row."""
    where, params = _comment_where(article_id, filters)
    order, keyset = _COMMENT_ORDER[sort]
    if after is not None:
        where.append(keyset)
        params.extend([article_id, *after] if sort == "thread" else after)
    ranked = ", group_concat(r, ','), group_concat(i, ',')" if ranks else ""
    sql = (
        f"SELECT '[' || group_concat(c, ',') || ']'{ranked} "
        f"FROM (SELECT {rows.COMMENT_JSON} AS c, thread_rank AS r, id AS i FROM comments "
        f"WHERE {' AND '.join(where)} ORDER BY {order} LIMIT ?)"
    )
    params.append(limit)
    return sql, params


class _Found(NamedTuple):
    """Comments as SQLite hands them over: a JSON array, and their quote and link rows."""

    objects: str | None
    quotes: list[Any]
    links: list[Any]


DENSE = 2
"""Comment ids spanning less than this many times their count are read as one range."""


def _with_attachments(db: sqlite3.Connection, objects: str | None, ids: Sequence[int]) -> _Found:
    """`objects` with the quote and link rows of the comments `ids`: two indexed queries for
    any number of comments. A page's ids are mostly consecutive (an article's comments are
    stored together), so there one seek and a short walk of their range replace a seek per
    id; `rows.attach` looks rows up by comment, so those of comments in the range but not in
    `ids` are never used."""
    if not ids:
        return _Found(objects, [], [])
    low, high = min(ids), max(ids)
    if high - low < DENSE * len(ids):
        among, params = "BETWEEN ? AND ?", [low, high]
    else:
        among, params = f"IN ({_marks(ids)})", list(ids)
    return _Found(
        objects,
        db.execute(rows.QUOTES_OF.format(among=among), params).fetchall(),
        db.execute(rows.LINKS_OF.format(among=among), params).fetchall(),
    )


def _decoded(found: _Found) -> list[Comment]:
    comments = rows.comment_array(found.objects)
    rows.attach(comments, found.quotes, found.links)
    return comments


_ints = msgspec.json.Decoder(list[int])


def _int_list(joined: str | None) -> list[int]:
    """Integers `group_concat` joined with commas, parsed in one call (None: no rows)."""
    return _ints.decode(f"[{joined}]") if joined else []


def _read_page(db: sqlite3.Connection, sql: str, params: list[object]) -> tuple[_Found, str]:
    objects, ranks, ids = db.execute(sql, params).fetchone()
    return _with_attachments(db, objects, _int_list(ids)), ranks or ""


def _page(found: _Found, ranks: str) -> tuple[list[Comment], list[int]]:
    return _decoded(found), _int_list(ranks)


async def list_comments(
    conn: aiosqlite.Connection,
    article_id: int,
    *,
    filters: CommentFilter,
    sort: CommentSort,
    after: list[int] | None,
    limit: int,
) -> tuple[list[Comment], list[int]]:
    """A page of an article's comments, filtered and sorted, after the keyset `after`,
    (`sort=thread`: the position of the last row), with each row's thread rank."""
    sql, params = _page_sql(article_id, filters, sort, after, limit)
    return _page(*await in_thread(conn, lambda db: _read_page(db, sql, params)))


async def article_comments(
    loop_db: sqlite3.Connection,
    conn: aiosqlite.Connection,
    known: KnownArticles,
    article_id: int,
    *,
    filters: CommentFilter,
    sort: CommentSort,
    after: list[int] | None,
    limit: int,
) -> tuple[Article | None, list[Comment]]:
    """The article (None when there is none) and a page of its comments as `list_comments`
    reads it, on the event loop (`on_loop`): a few indexed statements, bounded by `limit`.
    The page is decoded inside the read, its ids then picking its quotes and links: SQLite
    joining the ids (and thread ranks) into text as well cost more than reading them back."""
    sql, params = _page_sql(article_id, filters, sort, after, limit, ranks=False)

    def work(db: sqlite3.Connection) -> tuple[Article | None, list[Comment]]:
        article = known.get(db, article_id)
        if article is None:
            return None, []
        comments = rows.comment_array(db.execute(sql, params).fetchone()[0])
        found = _with_attachments(db, None, [c.id for c in comments])
        rows.attach(comments, found.quotes, found.links)
        return article, comments

    return await on_loop(loop_db, conn, work)


class KnownArticles:
    """Articles (and ids with none) as read for one data generation, so a page or a tree
    skips the article's row and its two quote counts: reading the generation inside the
    request's read transaction costs a few microseconds, the article a few tens, and every
    write moves the generation on, so a remembered article is always the one the data now
    holds. Each dict belongs to one generation (a read still on an older snapshot starts
    its own), and a full one starts again. Callers get a copy: routes add to an Article."""

    def __init__(self, size: int = 4096) -> None:
        self.size = size
        self._known: tuple[int, dict[int, Article | None]] = (-1, {})

    def get(self, db: sqlite3.Connection, article_id: int) -> Article | None:
        """The article `article_id` in `db`'s read transaction now, or None."""
        generation = db.execute("SELECT n FROM data_generation").fetchall()[0][0]
        known = self._known
        if known[0] != generation or len(known[1]) >= self.size:
            known = self._known = (generation, {})
        articles = known[1]
        if article_id in articles:
            found = articles[article_id]
        else:
            row = db.execute(
                f"SELECT {rows.ARTICLE_COLUMNS} FROM articles WHERE id = ?", (article_id,)
            ).fetchall()
            found = articles[article_id] = rows.article(row[0]) if row else None
        return None if found is None else msgspec.structs.replace(found)


async def in_thread(conn: aiosqlite.Connection, work: Callable[[sqlite3.Connection], T]) -> T:
    """Run `work(sqlite3 connection)` on the connection's own thread: several statements for
    the price of one hand-off between the event loop and that thread."""
    run: Callable[..., Awaitable[T]] = cast(Any, conn)._execute
    return await run(work, cast(Any, conn)._conn)


BUSY = frozenset({sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED})


async def on_loop(
    loop_db: sqlite3.Connection,
    conn: aiosqlite.Connection,
    work: Callable[[sqlite3.Connection], T],
) -> T:
    """Run `work` on `loop_db`, the event loop's own connection: no hand-off to a thread and
    back, which costs more CPU than a short read. For reads bounded by an index and a
    `limit` only. `loop_db` never waits for a lock; should SQLite find the file busy (WAL
    recovery, a checkpoint resetting the log), `work` runs again on `conn`'s thread, which
    waits for it."""
    try:
        return in_one_read(loop_db, work)
    except sqlite3.OperationalError as exc:
        if exc.sqlite_errorcode not in BUSY:
            raise
    return await in_thread(conn, lambda db: in_one_read(db, work))


def in_one_read(db: sqlite3.Connection, work: Callable[[sqlite3.Connection], T]) -> T:
    """`work`'s statements in one read transaction: they see one snapshot of the data (no
    write lands between a page and its quotes), and SQLite takes and drops its file locks
    once rather than once per statement."""
    db.execute("BEGIN")
    try:
        return work(db)
    finally:
        db.execute("COMMIT")


async def _comments_where(
    conn: aiosqlite.Connection, sql: str, params: Sequence[object]
) -> list[Comment]:
    """Comments selected by `sql` (rows of `COMMENT_JSON` and id), with quotes and links,
    in one hand-off."""

    def work(db: sqlite3.Connection) -> _Found:
        found = db.execute(sql, params).fetchall()
        objects = "[" + ",".join([r[0] for r in found]) + "]"
        return _with_attachments(db, objects, [r[1] for r in found])

    return _decoded(await in_thread(conn, work))


async def get_comment(conn: aiosqlite.Connection, comment_id: int) -> Comment | None:
    """One comment, or None."""
    found = await _comments_where(
        conn, f"SELECT {rows.COMMENT_JSON}, id FROM comments WHERE id = ?", (comment_id,)
    )
    return next(iter(found), None)


# The skeleton in one row: a JSON array of `Skeleton` arrays, decoded by msgspec. The verified
# flag comes as SQLite stores it (0, 1 or null), read as a boolean by the lenient decoder:
# SQLite turning it into JSON `true`/`false` (a CASE and a json() per row) cost a fifth of the
# skeleton's read.
_SKELETON_SQL = (
    "SELECT json_group_array(json_array(id, parent_id, parent_author, parent_author_verified, "
    "parent_resolution, coalesce(posted_at, -1), position, reply_count)) "
    "FROM comments WHERE article_id = ?"
)
_skeleton = msgspec.json.Decoder(list[Skeleton], strict=False)


async def thread_skeleton(conn: aiosqlite.Connection, article_id: int) -> list[Skeleton]:
    """The tree-shaping columns of every comment of an article (no bodies), in one step."""
    found = list(await conn.execute_fetchall(_SKELETON_SQL, (article_id,)))
    return _skeleton.decode(found[0][0])


LOOP_TREE_COMMENTS = 300
"""Threads of at most this many comments are read and laid out on the event loop (about a
millisecond for the largest); a longer one goes to a thread, whose skeleton read and layout
grow with it (5,000 comments take tens of milliseconds)."""


class _LongThread(Exception):
    """The article has more comments than a read on the event loop may take on."""


def _longer_than(db: sqlite3.Connection, article_id: int, bound: int) -> bool:
    """Whether the article has more than `bound` comment rows (counted in the index, at most
    `bound + 1` of them; its counters count only the newest crawl's comments)."""
    found = db.execute(
        "SELECT count(*) FROM (SELECT 1 FROM comments WHERE article_id = ? LIMIT ?)",
        (article_id, bound + 1),
    ).fetchall()
    return bool(found[0][0] > bound)


async def article_tree(
    loop_db: sqlite3.Connection,
    conn: aiosqlite.Connection,
    known: KnownArticles,
    article_id: int,
    plan: Callable[[list[Skeleton]], tuple[T, list[int]]],
) -> tuple[Article, T, dict[int, CommentNode]] | None:
    """The article, what `plan` makes of its thread skeleton, and the comments it picks as
    reply-tree nodes; None when there is no such article. The reads and `plan` run in one
    read transaction: on the event loop (`on_loop`) for a thread of at most
    `LOOP_TREE_COMMENTS` comments, else in one hand-off to the connection's thread."""

    def work(db: sqlite3.Connection, bound: int | None) -> tuple[Article, T, _Found] | None:
        article = known.get(db, article_id)
        if article is None:
            return None
        if bound is not None and _longer_than(db, article_id, bound):
            raise _LongThread
        skeleton = _skeleton.decode(db.execute(_SKELETON_SQL, (article_id,)).fetchone()[0])
        planned, ids = plan(skeleton)
        return article, planned, _read_nodes(db, ids)

    try:
        found = await on_loop(loop_db, conn, lambda db: work(db, LOOP_TREE_COMMENTS))
    except _LongThread:
        found = await in_thread(conn, lambda db: in_one_read(db, lambda d: work(d, None)))
    if found is None:
        return None
    article, planned, nodes = found
    return article, planned, _nodes(nodes)


async def get_comments(conn: aiosqlite.Connection, ids: list[int]) -> dict[int, Comment]:
    """Full comments by id, with quotes and links: one query whatever the count."""
    if not ids:
        return {}
    found = await _comments_where(
        conn, f"SELECT {rows.COMMENT_JSON}, id FROM comments WHERE id IN ({_marks(ids)})", ids
    )
    return {c.id: c for c in found}


def _read_nodes(db: sqlite3.Connection, ids: list[int]) -> _Found:
    """The comments `ids` as `COMMENT_NODE_JSON` objects in one SQLite step, with their quote
    and link rows."""
    if not ids:
        return _Found(None, [], [])
    found = db.execute(
        "SELECT '[' || group_concat(c, ',') || ']' FROM "
        f"(SELECT {rows.COMMENT_NODE_JSON} AS c FROM comments WHERE id IN ({_marks(ids)}))",
        ids,
    ).fetchone()
    return _with_attachments(db, found[0], ids)


def _nodes(found: _Found) -> dict[int, CommentNode]:
    nodes = rows.comment_node_array(found.objects)
    rows.attach(nodes, found.quotes, found.links)
    return {c.id: c for c in nodes}


async def get_comment_nodes(conn: aiosqlite.Connection, ids: list[int]) -> dict[int, CommentNode]:
    """Comments by id as reply-tree nodes (replies still empty), in one SQLite step and one
    hand-off."""
    if not ids:
        return {}
    return _nodes(await in_thread(conn, lambda db: _read_nodes(db, ids)))


# Per kind: the FTS table, its bm25 column weights, and the query that adds the hit's own
# columns and its snippet for a handful of rowids. FTS5 cannot seek a `rowid IN (...)` list
# (it walks every match and filters), so a rowid range bounds the walk and `+rowid` filters.
_FTS: dict[str, tuple[str, str]] = {
    "article": ("articles_fts", "5.0, 1.0"),
    "comment": ("comments_fts", "1.0, 2.0"),
    "quote": ("quotes_fts", "1.0"),
}
_HIT_COLUMNS: dict[str, str] = {
    "article": """
        SELECT a.id, a.title,
               instr(a.title, :open) OR instr(a.title, :close)
               OR instr(articles_fts.body, :open) OR instr(articles_fts.body, :close),
               snippet(articles_fts, -1, :open, :close, '…', 24)
        FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid
    """,
    "comment": """
        SELECT c.id, c.article_id, c.author, c.posted_at,
               instr(c.body, :open) OR instr(c.body, :close)
               OR instr(c.author, :open) OR instr(c.author, :close),
               snippet(comments_fts, -1, :open, :close, '…', 24)
        FROM comments_fts JOIN comments c ON c.id = comments_fts.rowid
    """,
    "quote": """
        SELECT q.id, q.article_id, q.comment_id, s.name,
               instr(q.text, :open) OR instr(q.text, :close),
               snippet(quotes_fts, 0, :open, :close, '…', 24)
        FROM quotes_fts JOIN quotes q ON q.id = quotes_fts.rowid
        LEFT JOIN speakers s ON s.id = q.speaker_id
    """,
}
"""Per kind, the hit's own columns, whether its text holds the marks, and its snippet."""
_DETAILS: dict[str, str] = {
    kind: f"{columns} WHERE {_FTS[kind][0]} MATCH :query "
    f"AND {_FTS[kind][0]}.rowid BETWEEN :lo AND :hi AND +{_FTS[kind][0]}.rowid IN ({{ids}})"
    for kind, columns in _HIT_COLUMNS.items()
}
"""Per kind, the hits `ids` (a list of rowids) of a page already chosen."""
_NEWEST: dict[str, str] = {
    kind: f"{columns} WHERE {_FTS[kind][0]} MATCH :query{{keyset}} "
    f"ORDER BY {_FTS[kind][0]}.rowid DESC LIMIT :n"
    for kind, columns in _HIT_COLUMNS.items()
}
"""Per kind, a page of the newest hits in the same walk of the index that finds them: FTS5
hands its matches over newest first, so the snippets are made only for the page's rows."""
COMMON_SHARE = 0.1
"""A word found in at least this share of the newest documents is very common. Like a stopword
it must still match, but it does not score: bm25 would count every document holding it (a walk
over hundreds of thousands of entries in a large corpus) to give it an IDF of ln 10 or less,
a fraction of what a rarer word of the same query weighs. When every word of a query is very
common, its matches come newest first, each with score 0."""
PROBE = 64
"""Matches read, newest first, to estimate how common a word is."""


# OperationalErrors that are the database's state, not the query's fault; every other error a
# MATCH raises (syntax, unknown column filter, special query) is about the query text.
_NOT_THE_QUERY = ("locked", "busy", "interrupt", "disk", "malformed", "no such table", "memory")


def _phrase(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


class CommonWords:
    """Which words are very common (`COMMON_SHARE`), per table, remembered for one data
    generation: a probe walks a word's newest matches (about 150 µs for a word in 40% of a
    million comments), and every write moves the generation on, so a remembered answer is
    always the one the data now gives. At most `size` words; a full memory starts again."""

    def __init__(self, size: int = 4096) -> None:
        self.size = size
        self._generation = -1
        self._known: dict[tuple[str, str], bool] = {}

    def scored_query(self, db: sqlite3.Connection, table: str, words: list[str]) -> str | None:
        """`_scored_query`, probing only the words not known for the data generation now."""
        generation = db.execute("SELECT n FROM data_generation").fetchall()[0][0]
        if generation != self._generation or len(self._known) >= self.size:
            self._known = {}
            self._generation = generation
        known = self._known  # the two search threads may start again meanwhile: keep this one
        unknown = [w for w in dict.fromkeys(words) if (table, w) not in known]
        if unknown:
            newest = _newest(db, table)
            for word in unknown:
                known[(table, word)] = _common(db, table, word, newest)
        return " ".join(_phrase(w) for w in words if not known[(table, w)]) or None


def _newest(db: sqlite3.Connection, table: str) -> int:
    found = db.execute(f"SELECT rowid FROM {table} ORDER BY rowid DESC LIMIT 1").fetchall()
    return int(found[0][0]) if found else 0


def _common(db: sqlite3.Connection, table: str, word: str, newest: int) -> bool:
    """Whether `word` is in at least `COMMON_SHARE` of the documents up to its `PROBE`th
    newest match (rowid `newest` the newest document)."""
    probe = db.execute(
        f"SELECT rowid FROM {table} WHERE {table} MATCH ? ORDER BY rowid DESC LIMIT 1 OFFSET ?",
        (_phrase(word), PROBE - 1),
    ).fetchall()
    return bool(probe) and PROBE / (newest - probe[0][0] + 1) >= COMMON_SHARE


def _scored_query(db: sqlite3.Connection, table: str, words: list[str]) -> str | None:
    """The words that are not very common, as the FTS5 query bm25 scores; None if none."""
    newest = _newest(db, table)
    return " ".join(_phrase(w) for w in words if not _common(db, table, w, newest)) or None


def _ranked(
    db: sqlite3.Connection,
    kind: SearchKind,
    query: str,
    scored: str,
    order: Literal["rank", "newest"],
    after: list[Any] | None,
    floor: int | None,
    limit: int,
) -> tuple[list[tuple[int, float]], int | None]:
    """The page's `(rowid, score)` pairs in order, and the rank window's floor, when the FTS5
    query `scored` (the words that are not very common) scores them."""
    table, weights = _FTS[kind]
    params: dict[str, Any] = {"query": query, "scored": scored, "n": limit}
    if order == "newest":
        keyset = ""
        if after:
            keyset, params["k0"] = " AND rowid < :k0", after[0]
        ids = [
            r[0]
            for r in db.execute(
                f"SELECT rowid FROM {table} WHERE {table} MATCH :query{keyset} "
                "ORDER BY rowid DESC LIMIT :n",
                params,
            )
        ]
        scores: dict[int, float] = {}
        if ids:
            # FTS5 cannot seek a `rowid IN (...)` list (it walks every match and filters), so
            # a rowid range bounds the walk and `+rowid` filters.
            scores = dict(
                db.execute(
                    f"SELECT rowid, bm25({table}, {weights}) FROM {table} "
                    f"WHERE {table} MATCH :scored AND rowid BETWEEN :lo AND :hi "
                    f"AND +rowid IN ({','.join(map(str, ids))})",
                    {**params, "lo": min(ids), "hi": max(ids)},
                ).fetchall()
            )
        return [(i, scores.get(i, 0.0)) for i in ids], floor
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
    return [(int(r[0]), float(r[1])) for r in ranked], floor


def _newest_keyset(
    table: str, order: Literal["rank", "newest"], after: list[Any] | None
) -> tuple[str, dict[str, Any]] | None:
    """Where a newest-first page of unscored hits resumes: after the cursor's rowid (a rank
    cursor's key is `(score, rowid)`, its scores all 0); None when a rank cursor was issued
    for scored hits, whose unscored rest is already past."""
    if not after:
        return "", {}
    if order == "newest":
        return f" AND {table}.rowid < :k", {"k": after[0]}
    if after[0] > 0:
        return None
    if after[0] == 0:
        return f" AND {table}.rowid < :k", {"k": after[1]}
    return "", {}


def _marked(
    db: sqlite3.Connection,
    sql: str,
    params: dict[str, Any],
    new_marks: Callable[[], tuple[str, str]],
) -> tuple[list[Any], tuple[str, str]]:
    """The rows of a hits query (`_HIT_COLUMNS`) and the marks its snippets carry, drawn again
    until none of the texts holds them."""
    while True:
        marks = new_marks()
        found = db.execute(sql, {**params, "open": marks[0], "close": marks[1]}).fetchall()
        if not any(row[-2] for row in found):
            return found, marks


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
    new_marks: Callable[[], tuple[str, str]],
    common: CommonWords | None = None,
) -> SearchRows:
    """Matches in rank order (bm25 within the newest RANK_WINDOW matches, ties newest first) or
    newest first, read in one hand-off to the connection's thread.

    `words` are the plain words `query` is made of (None for raw FTS5 syntax): those that are
    very common (`COMMON_SHARE`) must match but do not score. The first rank page finds the
    window's lowest rowid; later pages pass it back (`floor`) so every page ranks the same set.
    Snippets wrap matches in marks from `new_marks`, drawn again until none of the texts holds
    them. `common` remembers which words are very common between searches.
    """

    def work(db: sqlite3.Connection) -> SearchRows:
        table = _FTS[kind][0]
        if words is None:
            scored: str | None = query
        elif common is None:
            scored = _scored_query(db, table, words)
        else:
            scored = common.scored_query(db, table, words)
        if scored is None:
            # No word scores (all score 0): newest first, the page and its snippets in one walk.
            keyset = _newest_keyset(table, order, after)
            if keyset is None:
                return SearchRows([], floor)
            clause, params = keyset
            sql = _NEWEST[kind].format(keyset=clause)
            details, marks = _marked(db, sql, {"query": query, "n": limit, **params}, new_marks)
            return SearchRows([(row[0], 0.0, row) for row in details], floor, marks)
        ranked, bound = _ranked(db, kind, query, scored, order, after, floor, limit)
        if not ranked:
            return SearchRows([], bound)
        ids = [r[0] for r in ranked]
        sql = _DETAILS[kind].format(ids=",".join(map(str, ids)))
        details, marks = _marked(
            db, sql, {"query": query, "lo": min(ids), "hi": max(ids)}, new_marks
        )
        by_id = {row[0]: row for row in details}
        hits = [(r[0], r[1], by_id[r[0]]) for r in ranked if r[0] in by_id]
        return SearchRows(hits, bound, marks)

    try:
        return await in_thread(conn, work)
    except sqlite3.OperationalError as exc:
        message = str(exc)
        if any(word in message for word in _NOT_THE_QUERY):
            raise
        raise SearchSyntaxError(message.strip() or "rejected by FTS5") from exc


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
    conn: aiosqlite.Connection, *, after_anchor: int | None, limit: int
) -> list[tuple[SpeakerSummary, int]]:
    """People quoted across articles, by name, each with an anchor (the lowest speaker id of
    the name) that stands for the name in cursors. Resumes after the name of the speaker
    `after_anchor`; a LookupError when that row is gone."""
    after_name = ""
    if after_anchor is not None:
        found = await conn.execute_fetchall(
            "SELECT name FROM speakers WHERE id = ?", (after_anchor,)
        )
        if not found:
            raise LookupError(after_anchor)
        after_name = next(iter(found))[0]
    return [
        (rows.speaker_summary(r), r[4])
        for r in await conn.execute_fetchall(
            """
            SELECT s.name,
                   (SELECT json_group_array(DISTINCT a.value) FROM speakers s2,
                           json_each(s2.aliases) a WHERE s2.name = s.name),
                   count(DISTINCT s.article_id),
                   (SELECT count(*) FROM quotes q JOIN speakers s3 ON s3.id = q.speaker_id
                    WHERE s3.name = s.name AND q.kind = 'speech'),
                   min(s.id)
            FROM speakers s WHERE s.name > ? GROUP BY s.name ORDER BY s.name LIMIT ?
            """,
            (after_name, limit),
        )
    ]


async def list_authors(
    conn: aiosqlite.Connection, *, after_anchor: int | None, limit: int
) -> list[tuple[Author, int]]:
    """Commenters across articles, by name, each with an anchor: the id of their first comment,
    which stands for the name in cursors (names can be long). Resumes after the author of the
    comment `after_anchor`; a LookupError when that comment is gone."""
    after_name = ""
    if after_anchor is not None:
        found = await conn.execute_fetchall(
            "SELECT author FROM comments WHERE id = ?", (after_anchor,)
        )
        if not found:
            raise LookupError(after_anchor)
        after_name = next(iter(found))[0]
    return [
        (rows.author(r), r[6])
        for r in await conn.execute_fetchall(
            "SELECT author, count(*), count(DISTINCT article_id), sum(1 - author_verified), "
            "min(posted_at), max(posted_at), min(id) FROM comments WHERE author > ? "
            "GROUP BY author ORDER BY author LIMIT ?",
            (after_name, limit),
        )
    ]


async def list_author_comments(
    conn: aiosqlite.Connection, author: str, *, before: list[int] | None, limit: int
) -> list[Comment]:
    """One author's comments across articles, newest first."""
    sql = f"SELECT {rows.COMMENT_JSON}, id FROM comments WHERE author = ?"
    params: list[object] = [author]
    if before is not None:
        sql += " AND (coalesce(posted_at, -1), id) < (?, ?)"
        params += before
    sql += " ORDER BY coalesce(posted_at, -1) DESC, id DESC LIMIT ?"
    params.append(limit)
    return await _comments_where(conn, sql, params)


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
                posted_at=None if r[2] is None else rows.utc(r[2]),
                body=r[3],
                parent_author=r[4],
                # None stands for verified (the import's default), keeping documents small
                parent_author_verified=None if r[5] is None or r[5] else False,
            )
            for r in comment_rows
        ],
    )
