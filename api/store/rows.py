"""Row tuples → schema Structs. Column order is fixed by the SELECT lists beside each."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote as percent_encode

import msgspec

from api.ingest.times import MAX_EPOCH, MIN_EPOCH
from schemas import (
    Article,
    ArticleCounts,
    Author,
    Comment,
    Crawl,
    Link,
    Paragraph,
    Quote,
    QuoteItem,
    Speaker,
    SpeakerSummary,
)
from schemas.threads import CommentNode

ARTICLE_COLUMNS = """
    id, title, url, content_hash, ingested_at, first_comment_at, last_comment_at,
    section_count, paragraph_count, caption_count, comment_count, top_level_count,
    commenter_count, quote_count, published_at, updated_at, byline, comment_rendering,
    (SELECT count(*) FROM quotes q WHERE q.article_id = articles.id AND q.comment_id IS NULL),
    (SELECT count(*) FROM quotes q WHERE q.article_id = articles.id AND q.comment_id IS NOT NULL)
"""

QUOTE_COLUMNS = """
    q.text, q.kind, q.nested, s.name, q.cue, q.start, q."end", q.source_comment_id
"""

# A paragraph's quotes and links come back in the same row, as JSON arrays built by SQLite and
# decoded straight into Structs: one query (one thread hop) for a whole section.
QUOTES_JSON = """(
    SELECT coalesce(json_group_array(json_object(
        'text', q.text, 'kind', q.kind, 'nested', json(iif(q.nested, 'true', 'false')),
        'speaker', s.name, 'cue', q.cue, 'start', q.start, 'end', q."end",
        'source_comment_id', q.source_comment_id)), '[]')
    FROM (SELECT * FROM quotes WHERE quotes.{owner} = {table}.id ORDER BY position) q
    LEFT JOIN speakers s ON s.id = q.speaker_id
)"""
LINKS_JSON = """(
    SELECT coalesce(json_group_array(json_object('url', l.url, 'start', l.start, 'end', l."end")),
                    '[]')
    FROM (SELECT * FROM links WHERE links.{owner} = {table}.id ORDER BY position) l
)"""


def _epoch(column: str) -> str:
    """SQL for a stored epoch clamped to years 1-9999 as `utc` clamps it (null stays null)."""
    return f"max(min({column}, {MAX_EPOCH}), {MIN_EPOCH})"


# A whole comment as one JSON object built by SQLite, decoded by msgspec straight into the
# Struct: no Python runs per row or per field. Keys are `Comment`'s fields. Times are Unix
# seconds and flags 0/1, which the lenient decoders below read as UTC datetimes and booleans:
# SQLite formatting four dates per row (strftime) cost more than the rest of the object.
# Quotes and links come empty; `attach` fills them from one query per page (`QUOTES_OF`,
# `LINKS_OF`), which costs far less than two correlated subqueries per row.
COMMENT_JSON = f"""json_object(
    'id', id, 'article_id', article_id, 'position', position, 'author', author,
    'author_verified', author_verified, 'posted_at', {_epoch("posted_at")},
    'posted_text', posted_text, 'comment_kind', kind,
    'body', body, 'parent_id', parent_id, 'parent_author', parent_author,
    'parent_author_verified', parent_author_verified,
    'parent_resolution', parent_resolution, 'depth', depth, 'root_id', root_id,
    'reply_count', reply_count, 'quotes', json_array(), 'links', json_array(),
    'first_seen_at', {_epoch("first_seen_at")},
    'edited_at', {_epoch("edited_at")},
    'removed_at', {_epoch("removed_at")}
)"""
QUOTES_OF = """
    SELECT q.comment_id, q.text, q.kind, q.nested, s.name, q.cue, q.start, q."end",
           q.source_comment_id
    FROM quotes q LEFT JOIN speakers s ON s.id = q.speaker_id
    WHERE q.comment_id {among} ORDER BY q.comment_id, q.position
"""
"""The quotes of the comments `among` picks (`IN (...)` or `BETWEEN ? AND ?`), in each
comment's order."""
LINKS_OF = """
    SELECT comment_id, url, start, "end" FROM links
    WHERE comment_id {among} ORDER BY comment_id, position
"""
"""The links of the comments `among` picks (`IN (...)` or `BETWEEN ? AND ?`), in each
comment's order."""
# The same comment as a reply-tree node, its replies to be filled in. Without its `kind` tag:
# decoded as `CommentNode` itself, not as one of a union of node kinds, the tag may be left
# out, which spares SQLite writing a key and a value for every node.
COMMENT_NODE_JSON = COMMENT_JSON.replace("json_object(", "json_object('replies', json_array(), ", 1)
PARAGRAPH_ATTACHMENTS = f"""
    {QUOTES_JSON.format(owner="paragraph_id", table="paragraphs")},
    {LINKS_JSON.format(owner="paragraph_id", table="paragraphs")}
"""
_quotes = msgspec.json.Decoder(list[Quote])
_links = msgspec.json.Decoder(list[Link])
# Lenient: `COMMENT_JSON` carries times as Unix seconds and flags as 0/1.
_comments = msgspec.json.Decoder(list[Comment], strict=False)
_comment_nodes = msgspec.json.Decoder(list[CommentNode], strict=False)


def utc(seconds: int) -> datetime:
    """Unix seconds → aware UTC datetime; a time stored before writes were checked that lies
    outside years 1 to 9999 is shown at the nearest end, so one bad row fails no list."""
    return datetime.fromtimestamp(min(max(seconds, MIN_EPOCH), MAX_EPOCH), UTC)


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
        byline=row[16],
        comment_rendering=row[17],
        first_comment_at=None if row[5] is None else utc(row[5]),
        last_comment_at=None if row[6] is None else utc(row[6]),
        counts=ArticleCounts(
            sections=row[7],
            paragraphs=row[8],
            captions=row[9],
            comments=row[10],
            top_level_comments=row[11],
            commenters=row[12],
            article_quotes=row[18],
            article_speech_quotes=row[13],
            comment_quotes=row[19],
        ),
    )


def comment_array(found: str | None) -> list[Comment]:
    """Decode a JSON array of `COMMENT_JSON` objects (None: no rows), in one call."""
    return _comments.decode(found or "[]")


def comment_node_array(found: str | None) -> list[CommentNode]:
    """Decode a JSON array of `COMMENT_NODE_JSON` objects (None: no rows), in one call."""
    return _comment_nodes.decode(found or "[]")


def attach(
    comments: Iterable[Comment | CommentNode], quote_rows: Iterable[Any], link_rows: Iterable[Any]
) -> None:
    """Give decoded comments their quotes and links: rows of `QUOTES_OF` and `LINKS_OF`."""
    quotes: dict[int, list[Quote]] = {}
    for r in quote_rows:
        quotes.setdefault(r[0], []).append(quote(r[1:]))
    links: dict[int, list[Link]] = {}
    for r in link_rows:
        links.setdefault(r[0], []).append(link(r[1:]))
    if not quotes and not links:
        return
    for c in comments:
        c.quotes = quotes.get(c.id, [])
        c.links = links.get(c.id, [])


def paragraph(row: Any) -> Paragraph:
    """Build a Paragraph from a `(position, kind, text, PARAGRAPH_ATTACHMENTS)` row."""
    return Paragraph(
        position=row[0],
        kind=row[1],
        text=row[2],
        quotes=_quotes.decode(row[3]),
        links=_links.decode(row[4]),
    )


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
    """Build a Speaker from a `(name, aliases_json, article_quotes, comment_quotes)` row."""
    return Speaker(
        name=row[0],
        aliases=msgspec.json.decode(row[1], type=list[str]),
        quotes=row[2] + row[3],
        article_quotes=row[2],
        comment_quotes=row[3],
    )


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
        first_seen=None if row[4] is None else utc(row[4]),
        last_seen=None if row[5] is None else utc(row[5]),
        href=author_href(row[0]),
    )


def author_href(name: str) -> str:
    """The path of an author's comments: every character of the name that is not unreserved
    is percent-encoded, and so are the dots of a name that is all dots (`.`, `..`), which
    clients would otherwise read as a path step."""
    segment = percent_encode(name, safe="")
    if set(name) == {"."}:
        segment = segment.replace(".", "%2E")
    return f"/v1/authors/{segment}/comments"


CRAWL_COLUMNS = """
    id, article_id, crawled_at, ingested_at, content_hash, url, outcome, comments,
    comments_added, comments_edited, comments_removed, text_edited, parser_version,
    source_id IS NOT NULL
"""


def crawl(row: Any) -> Crawl:
    """Build a Crawl from a `CRAWL_COLUMNS` row."""
    return Crawl(
        id=row[0],
        article_id=row[1],
        crawled_at=utc(row[2]),
        ingested_at=utc(row[3]),
        content_hash=row[4],
        url=row[5],
        outcome=row[6],
        comments=row[7],
        comments_added=row[8],
        comments_edited=row[9],
        comments_removed=row[10],
        text_edited=bool(row[11]),
        parser_version=row[12],
        source_stored=bool(row[13]),
    )
