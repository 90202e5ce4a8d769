"""Full-text search on PostgreSQL: tsvector columns with GIN indexes, `ts_rank` and
`ts_headline`, answering in the shape of the SQLite FTS5 path (`SearchRows`).

Scores are negated ranks, so lower is better and pages continue on `(score, id)` as bm25's do;
ranking covers the newest `RANK_WINDOW` matches, as on SQLite.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import asyncpg

from api.store.postgres.reads import Conn
from api.store.postgres.tsquery import fts5_to_tsquery
from api.store.protocol import (
    RANK_WINDOW,
    SearchKind,
    SearchOrder,
    SearchRows,
    SearchSyntaxError,
)

# Per kind: the table and its tsvector, the rank weights {D, C, B, A} (FTS5's bm25 column
# weights: article title 5 body 1, comment author 2 body 1), and the columns as weight labels.
_TABLES: dict[str, tuple[str, str, str]] = {
    "article": ("article_search", "article_id", "{0.1, 0.1, 0.2, 1.0}"),
    "comment": ("comments", "id", "{0.1, 0.1, 0.5, 1.0}"),
    "quote": ("quotes", "id", "{0.1, 0.1, 0.1, 1.0}"),
}
COLUMN_WEIGHTS: dict[str, dict[str, str]] = {
    "article": {"title": "A", "body": "B"},
    "comment": {"body": "B", "author": "A"},
    "quote": {"text": "A"},
}
_HEADLINE = "MaxWords=24, MinWords=12, ShortWord=0, HighlightAll=false"
_DETAILS: dict[str, str] = {
    "article": """
        SELECT a.id, a.title,
               strpos(t.title, $2) > 0 OR strpos(t.title, $3) > 0
               OR strpos(t.body, $2) > 0 OR strpos(t.body, $3) > 0,
               CASE WHEN setweight(to_tsvector('threadbase', t.body), 'B') @@ q
                    THEN ts_headline('threadbase', t.body, q, $4)
                    ELSE ts_headline('threadbase', t.title, q, $4) END
        FROM article_search t JOIN articles a ON a.id = t.article_id,
             to_tsquery('threadbase', $1) q
        WHERE t.article_id = ANY($5::bigint[])
    """,
    "comment": """
        SELECT c.id, c.article_id, c.author, c.posted_at,
               strpos(c.body, $2) > 0 OR strpos(c.body, $3) > 0
               OR strpos(c.author, $2) > 0 OR strpos(c.author, $3) > 0,
               CASE WHEN setweight(to_tsvector('threadbase', c.author), 'A') @@ q
                         AND NOT setweight(to_tsvector('threadbase', c.body), 'B') @@ q
                    THEN ts_headline('threadbase', c.author, q, $4)
                    ELSE ts_headline('threadbase', c.body, q, $4) END
        FROM comments c, to_tsquery('threadbase', $1) q
        WHERE c.id = ANY($5::bigint[])
    """,
    "quote": """
        SELECT q2.id, q2.article_id, q2.comment_id, s.name,
               strpos(q2.text, $2) > 0 OR strpos(q2.text, $3) > 0,
               ts_headline('threadbase', q2.text, q, $4)
        FROM quotes q2 LEFT JOIN speakers s ON s.id = q2.speaker_id,
             to_tsquery('threadbase', $1) q
        WHERE q2.id = ANY($5::bigint[])
    """,
}


def _headline_options(marks: tuple[str, str]) -> str:
    return f'StartSel="{marks[0]}", StopSel="{marks[1]}", {_HEADLINE}'


async def search(
    conn: Conn,
    kind: SearchKind,
    query: str,
    *,
    order: SearchOrder,
    after: list[Any] | None,
    floor: int | None,
    limit: int,
    new_marks: Callable[[], tuple[str, str]],
) -> SearchRows:
    """Matches in rank or newest-first order (see `api.store.protocol.Store.search`)."""
    tsquery = fts5_to_tsquery(query, COLUMN_WEIGHTS[kind])
    table, key, weights = _TABLES[kind]
    score = f"(-ts_rank('{weights}', document, q))::float8"
    source = f"FROM {table}, to_tsquery('threadbase', $1) q WHERE document @@ q"
    try:
        if order == "newest":
            params: list[Any] = [tsquery, limit]
            sql = f"SELECT {key}, {score} {source}"
            if after:
                sql += f" AND {key} < $3"
                params.append(after[0])
            ranked = await conn.fetch(sql + f" ORDER BY {key} DESC LIMIT $2", *params)
        else:
            if after is None:
                floor = await conn.fetchval(
                    f"SELECT {key} {source} ORDER BY {key} DESC LIMIT 1 OFFSET $2",
                    tsquery,
                    RANK_WINDOW - 1,
                )
            params = [tsquery, limit, floor or 0]
            sql = f"SELECT * FROM (SELECT {key} AS id, {score} AS score {source} AND {key} >= $3) s"
            if after:
                sql += " WHERE (score, id) > ($4::float8, $5::bigint)"
                params += [float(after[0]), int(after[1])]
            ranked = await conn.fetch(sql + " ORDER BY score, id LIMIT $2", *params)
        if not ranked:
            return SearchRows([], floor)
        ids = [int(r[0]) for r in ranked]
        while True:
            marks = new_marks()
            details = await conn.fetch(
                _DETAILS[kind], tsquery, marks[0], marks[1], _headline_options(marks), ids
            )
            if not any(row[-2] for row in details):
                break
    except asyncpg.exceptions.PostgresSyntaxError as exc:  # to_tsquery refused the text
        raise SearchSyntaxError(str(exc).strip() or "rejected by PostgreSQL") from exc
    by_id = {row[0]: row for row in details}
    hits = [(int(r[0]), float(r[1]), by_id[r[0]]) for r in ranked if r[0] in by_id]
    return SearchRows(hits, floor, marks)
