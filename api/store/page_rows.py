"""The rows a parsed page is stored as, the same on every engine.

`api.store.sqlite.writes` and `api.store.postgres.writes` own the SQL that writes them and how
ids are handed out; these pure functions say what goes into each row. Flags are stored as 0/1.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from api.ingest.model import Block, ParsedPage
from api.ingest.threads import thread_ranks
from api.ingest.times import MAX_EPOCH, MIN_EPOCH

COMMENT_COLUMNS = (
    "id",
    "article_id",
    "position",
    "author",
    "author_verified",
    "posted_at",
    "body",
    "parent_id",
    "parent_author",
    "parent_author_verified",
    "parent_resolution",
    "depth",
    "root_id",
    "reply_count",
    "thread_rank",
    "posted_text",
    "kind",
    "page_parent_id",
)
QUOTE_COLUMNS = (
    "article_id",
    "paragraph_id",
    "comment_id",
    "position",
    "kind",
    "nested",
    "text",
    "start",
    "end",
    "speaker_id",
    "cue",
    "source_comment_id",
)
LINK_COLUMNS = ("article_id", "paragraph_id", "comment_id", "position", "url", "start", "end")
FIRST_SEEN_COLUMNS = (
    "anchor_id",
    "first_crawl_id",
    "last_crawl_id",
    "body_crawl_id",
    "first_seen_at",
)
"""A comment's crawl columns as its article's first crawl leaves them (`comment_rows` with
`first`): what `start_thread` sets on a thread stored without them."""


def posted_times(page: ParsedPage) -> list[float | None]:
    """Each comment's `posted_at` as a Unix time (None: the page shows none), for the
    functions below that take `times`: converting a datetime costs more than the rest of
    what they do with it."""
    return [None if c.posted_at is None else c.posted_at.timestamp() for c in page.comments]


def first_out_of_range(page: ParsedPage, times: list[float | None]) -> int | None:
    """`api.ingest.times.first_out_of_range`, the comments' `posted_times` given."""
    return next(
        (
            c.position
            for c, t in zip(page.comments, times, strict=True)
            if t is not None and not MIN_EPOCH <= t <= MAX_EPOCH
        ),
        None,
    )


def counters(page: ParsedPage, times: list[float | None] | None = None) -> tuple[int | None, ...]:
    """The article's first_comment_at, last_comment_at, section_count, paragraph_count,
    caption_count, comment_count, top_level_count and commenter_count (`times`: the
    comments' `posted_times`, when the caller has them)."""
    if times is None:
        times = posted_times(page)
    known = [int(t) for t in times if t is not None]
    blocks = [block for section in page.sections for block in section]
    captions = sum(1 for block in blocks if block.kind == "caption")
    return (
        min(known, default=None),
        max(known, default=None),
        len(page.sections),
        len(blocks) - captions,
        captions,
        len(page.comments),
        sum(1 for c in page.comments if c.parent_author is None),
        len({c.author for c in page.comments}),
    )


def comment_rows(
    page: ParsedPage,
    article_id: int,
    base: int,
    first: tuple[int, int] | None = None,
    times: list[float | None] | None = None,
) -> list[tuple[Any, ...]]:
    """The page's comments as rows (`COMMENT_COLUMNS`), the comment at position p getting the
    id `base + p + 1`: with ids known up front, a parent is referenced wherever it is.

    With `first` (a crawl id and its time), each row goes on with `FIRST_SEEN_COLUMNS`: every
    comment first and last seen, and its body, by that crawl, its anchor the comment above it.
    `times`: the comments' `posted_times`, when the caller has them.
    """
    if times is None:
        times = posted_times(page)
    ranks = thread_ranks(page.comments, page.threads, times)
    if first is None:
        tails: list[tuple[Any, ...]] = [()] * len(page.comments)
    else:
        crawl_id, crawled_at = first
        positions = {c.position for c in page.comments}
        tails = [
            (
                base + c.position if c.position - 1 in positions else None,
                crawl_id,
                crawl_id,
                crawl_id,
                crawled_at,
            )
            for c in page.comments
        ]
    return [
        (
            base + comment.position + 1,
            article_id,
            comment.position,
            comment.author,
            int(comment.author_verified),
            None if when is None else int(when),
            comment.body,
            None if link.parent is None else base + link.parent + 1,
            comment.parent_author,
            None if comment.parent_author_verified is None else int(comment.parent_author_verified),
            link.resolution,
            link.depth,
            base + link.root + 1,
            link.reply_count,
            rank,
            comment.posted_text,
            comment.kind,
            None if comment.parent_position is None else base + comment.parent_position + 1,
            *tail,
        )
        for comment, when, link, rank, tail in zip(
            page.comments, times, page.threads, ranks, tails, strict=True
        )
    ]


def speaker_aliases(page: ParsedPage) -> dict[str, list[str]]:
    """Each speaker of the page by name with the forms it is named by: the article's speakers,
    then commenters quoted by other comments."""
    aliases = {speaker.name: list(speaker.aliases) for speaker in page.speakers}
    for comment in page.comments:
        for q in comment.quotes:
            if q.speaker and q.speaker not in aliases:
                aliases[q.speaker] = [q.speaker]
    return aliases


def quote_and_link_rows(
    page: ParsedPage,
    article_id: int,
    paragraph_ids: list[list[int]],
    comment_ids: Sequence[int],
    speaker_ids: dict[str, int],
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """The quotes (`QUOTE_COLUMNS`) and links (`LINK_COLUMNS`) of the article's paragraphs
    (`paragraph_ids`, section by section) and of its comments (`comment_ids`, by position),
    in page order."""
    owners: list[tuple[int | None, int | None, Any, Any]] = [
        (pid, None, block.quotes, block.links)
        for ids, section in zip(paragraph_ids, page.sections, strict=True)
        for pid, block in zip(ids, section, strict=True)
    ]
    owners += [(None, comment_ids[c.position], c.quotes, c.links) for c in page.comments]
    quotes = [
        (
            article_id,
            paragraph_id,
            comment_id,
            i,
            q.kind,
            int(q.nested),
            q.text,
            q.start,
            q.end,
            speaker_ids.get(q.speaker) if q.speaker else None,
            q.cue,
            None if q.source_comment is None else comment_ids[q.source_comment],
        )
        for paragraph_id, comment_id, found, _ in owners
        for i, q in enumerate(found)
    ]
    links = [
        (article_id, paragraph_id, comment_id, i, link.url, link.start, link.end)
        for paragraph_id, comment_id, _, spans in owners
        for i, link in enumerate(spans)
    ]
    return quotes, links


def quote_count(quotes: list[tuple[Any, ...]]) -> int:
    """The article's quote_count: direct speech in its own text, nested quotes not counted."""
    return sum(1 for row in quotes if row[1] is not None and row[4] == "speech" and not row[5])


def article_quote_count(page: ParsedPage) -> int:
    """`quote_count` of the page's quote rows, from the page itself."""
    return sum(
        1
        for section in page.sections
        for block in section
        for q in block.quotes
        if q.kind == "speech" and not q.nested
    )


def block_ids(sections: list[list[Block]], base: int) -> list[list[int]]:
    """Paragraph ids, section by section, counting on from `base`."""
    out: list[list[int]] = []
    for section in sections:
        out.append(list(range(base + 1, base + 1 + len(section))))
        base += len(section)
    return out


def search_text(page: ParsedPage) -> str:
    """The article's text as it is searched: every paragraph and caption, one per line."""
    return "\n".join(b.text for s in page.sections for b in s)
