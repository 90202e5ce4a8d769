"""Streamed exports of an article's comments: NDJSON (full objects) and CSV (flat columns)."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator

import msgspec
from litestar import Controller, get
from litestar.response import Stream

from api.http.dependencies import StoreDependency
from api.http.openapi_docs import problem_responses
from api.routes.articles import ArticlePath, require_article
from api.store.protocol import CommentFilter, Store
from schemas import Comment

CHUNK = 500
NDJSON = "application/x-ndjson"
CSV = "text/csv"  # Litestar adds `; charset=utf-8` to text types
CSV_COLUMNS = [
    "id",
    "position",
    "author",
    "author_verified",
    "posted_at",
    "parent_id",
    "parent_author",
    "parent_resolution",
    "depth",
    "root_id",
    "reply_count",
    "body",
]


async def _chunks(store: Store, article_id: int) -> AsyncIterator[list[Comment]]:
    after: list[int] | None = None
    while True:
        rows, _ = await store.list_comments(
            article_id, filters=CommentFilter(), sort="position", after=after, limit=CHUNK
        )
        if rows:
            yield rows
        if len(rows) < CHUNK:
            return
        after = [rows[-1].position]


async def ndjson_lines(store: Store, article_id: int) -> AsyncIterator[bytes]:
    """One JSON comment per line, in page order."""
    encoder = msgspec.json.Encoder()
    async for rows in _chunks(store, article_id):
        yield b"".join(encoder.encode(c) + b"\n" for c in rows)


def csv_row(comment: Comment) -> list[object]:
    """The CSV columns of one comment; times in RFC 3339, booleans as true/false."""
    return [
        comment.id,
        comment.position,
        comment.author,
        "true" if comment.author_verified else "false",
        "" if comment.posted_at is None else comment.posted_at.isoformat().replace("+00:00", "Z"),
        "" if comment.parent_id is None else comment.parent_id,
        comment.parent_author or "",
        comment.parent_resolution,
        comment.depth,
        comment.root_id,
        comment.reply_count,
        comment.body,
    ]


async def csv_lines(store: Store, article_id: int) -> AsyncIterator[bytes]:
    """A header row, then one row per comment, RFC 4180 quoting."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    async for rows in _chunks(store, article_id):
        writer.writerows(csv_row(c) for c in rows)
        yield buffer.getvalue().encode("utf-8")
        buffer.seek(0)
        buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue().encode("utf-8")


class ExportController(Controller):
    """Bulk downloads."""

    tags = ["exports"]

    @get(
        "/v1/articles/{article_id:int}/comments.ndjson",
        operation_id="exportArticleCommentsNdjson",
        summary="Export an article's comments as NDJSON",
        description="Every comment as one JSON object per line, in page order, streamed.",
        media_type=NDJSON,
        responses=problem_responses(400, 404),
    )
    async def export_ndjson(self, store: StoreDependency, article_id: ArticlePath) -> Stream:
        """Stream the NDJSON export."""
        await require_article(store, article_id)
        return _attachment(ndjson_lines(store, article_id), NDJSON, article_id, "ndjson")

    @get(
        "/v1/articles/{article_id:int}/comments.csv",
        operation_id="exportArticleCommentsCsv",
        summary="Export an article's comments as CSV",
        description="Every comment as a CSV row (UTF-8, header first), in page order, streamed.",
        media_type=CSV,
        responses=problem_responses(400, 404),
    )
    async def export_csv(self, store: StoreDependency, article_id: ArticlePath) -> Stream:
        """Stream the CSV export."""
        await require_article(store, article_id)
        return _attachment(csv_lines(store, article_id), CSV, article_id, "csv")


def _attachment(
    lines: AsyncIterator[bytes], media_type: str, article_id: int, suffix: str
) -> Stream:
    """Stream `lines` as a download named after the article."""
    filename = f"article-{article_id}-comments.{suffix}"
    return Stream(
        lines,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
