"""Row tuples → schema Structs. Column order is fixed by the SELECT lists beside each."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from schemas import Article, ArticleCounts, Comment, Paragraph

ARTICLE_COLUMNS = """
    id, title, url, content_hash, ingested_at, first_comment_at, last_comment_at,
    section_count, paragraph_count, caption_count, comment_count, top_level_count,
    commenter_count
"""

COMMENT_COLUMNS = """
    id, article_id, position, author, author_verified, posted_at, body, parent_id,
    parent_author, parent_author_verified, parent_resolution, depth, root_id, reply_count
"""


def utc(seconds: int) -> datetime:
    """Unix seconds → aware UTC datetime."""
    return datetime.fromtimestamp(seconds, UTC)


def article(row: Any) -> Article:
    """Build an Article from an `ARTICLE_COLUMNS` row."""
    return Article(
        id=row[0],
        title=row[1],
        url=row[2],
        content_hash=row[3],
        ingested_at=utc(row[4]),
        first_comment_at=None if row[5] is None else utc(row[5]),
        last_comment_at=None if row[6] is None else utc(row[6]),
        counts=ArticleCounts(
            sections=row[7],
            paragraphs=row[8],
            captions=row[9],
            comments=row[10],
            top_level_comments=row[11],
            commenters=row[12],
        ),
    )


def comment(row: Any) -> Comment:
    """Build a Comment from a `COMMENT_COLUMNS` row."""
    return Comment(
        id=row[0],
        article_id=row[1],
        position=row[2],
        author=row[3],
        author_verified=bool(row[4]),
        posted_at=utc(row[5]),
        body=row[6],
        parent_id=row[7],
        parent_author=row[8],
        parent_author_verified=None if row[9] is None else bool(row[9]),
        parent_resolution=row[10],
        depth=row[11],
        root_id=row[12],
        reply_count=row[13],
    )


def paragraph(row: Any) -> Paragraph:
    """Build a Paragraph from a `(position, kind, text)` row."""
    return Paragraph(position=row[0], kind=row[1], text=row[2])
