"""Row tuples → schema Structs. Column order is fixed by the SELECT lists beside each."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import msgspec

from schemas import (
    Article,
    ArticleCounts,
    Author,
    Comment,
    Link,
    Paragraph,
    Quote,
    QuoteItem,
    Speaker,
    SpeakerSummary,
)

ARTICLE_COLUMNS = """
    id, title, url, content_hash, ingested_at, first_comment_at, last_comment_at,
    section_count, paragraph_count, caption_count, comment_count, top_level_count,
    commenter_count, quote_count, published_at, updated_at
"""

QUOTE_COLUMNS = """
    q.text, q.kind, q.nested, s.name, q.cue, q.start, q."end", q.source_comment_id
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
        published_at=None if row[14] is None else utc(row[14]),
        updated_at=None if row[15] is None else utc(row[15]),
        first_comment_at=None if row[5] is None else utc(row[5]),
        last_comment_at=None if row[6] is None else utc(row[6]),
        counts=ArticleCounts(
            sections=row[7],
            paragraphs=row[8],
            captions=row[9],
            comments=row[10],
            top_level_comments=row[11],
            commenters=row[12],
            quotes=row[13],
        ),
    )


def comment(row: Any, quotes: list[Quote], links: list[Link]) -> Comment:
    """Build a Comment from a `COMMENT_COLUMNS` row and its quotes and links."""
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
        quotes=quotes,
        links=links,
    )


def paragraph(row: Any, quotes: list[Quote], links: list[Link]) -> Paragraph:
    """Build a Paragraph from a `(position, kind, text)` row and its quotes and links."""
    return Paragraph(position=row[0], kind=row[1], text=row[2], quotes=quotes, links=links)


def quote(row: Any) -> Quote:
    """Build a Quote from a `QUOTE_COLUMNS` row."""
    return Quote(
        text=row[0],
        kind=row[1],
        nested=bool(row[2]),
        speaker=row[3],
        cue=row[4],
        start=row[5],
        end=row[6],
        source_comment_id=row[7],
    )


def link(row: Any) -> Link:
    """Build a Link from a `(url, start, end)` row."""
    return Link(url=row[0], start=row[1], end=row[2])


def speaker(row: Any) -> Speaker:
    """Build a Speaker from a `(name, aliases_json, quote_count)` row."""
    return Speaker(name=row[0], aliases=msgspec.json.decode(row[1], type=list[str]), quotes=row[2])


def quote_item(row: Any) -> QuoteItem:
    """Build a QuoteItem from `(id, article_id, comment_id, section, paragraph, QUOTE_COLUMNS)`."""
    q = quote(row[5:])
    return QuoteItem(
        id=row[0],
        article_id=row[1],
        comment_id=row[2],
        section=row[3],
        paragraph=row[4],
        **{f: getattr(q, f) for f in Quote.__struct_fields__},
    )


def speaker_summary(row: Any) -> SpeakerSummary:
    """Build a SpeakerSummary from `(name, aliases_json, articles, quotes)`."""
    aliases = sorted(msgspec.json.decode(row[1] or "[]", type=list[str]))
    return SpeakerSummary(name=row[0], aliases=aliases, articles=row[2], quotes=row[3])


def author(row: Any) -> Author:
    """Build an Author from `(name, comments, articles, not_verified, first, last)`."""
    return Author(
        name=row[0],
        comments=row[1],
        articles=row[2],
        not_verified_comments=row[3],
        first_seen=utc(row[4]),
        last_seen=utc(row[5]),
    )
