"""Crawls: every ingest of a page, and what it changed in its article."""

from __future__ import annotations

from typing import Annotated, Literal

from msgspec import Meta

from schemas.common import ArticleId, Model, NextCursor, Timestamp

CrawlOutcome = Literal["created", "merged", "unchanged", "replaced"]


class CrawlChanges(Model, kw_only=True):
    """What one ingest of a page changed in its article."""

    outcome: Annotated[
        CrawlOutcome,
        Meta(
            description=(
                "`created`: a new article; `merged`: a re-crawl that changed it; `unchanged`: "
                "a re-crawl that changed nothing (or this very crawl again); `replaced`: `PUT`."
            )
        ),
    ]
    crawl_id: Annotated[
        int | None, Meta(description="The crawl recorded; null when this crawl was stored before.")
    ]
    comments_added: Annotated[int, Meta(ge=0)]
    comments_edited: Annotated[int, Meta(ge=0)]
    comments_removed: Annotated[int, Meta(ge=0)]
    text_edited: Annotated[bool, Meta(description="Whether the article's own text changed.")]


class Crawl(Model, kw_only=True):
    """One ingest of a page."""

    id: Annotated[int, Meta(ge=1)]
    article_id: ArticleId
    crawled_at: Annotated[
        Timestamp, Meta(description="When the page was fetched (as given at ingest, else then).")
    ]
    ingested_at: Timestamp
    content_hash: str
    url: str | None
    outcome: CrawlOutcome
    comments: Annotated[int, Meta(ge=0, description="Comments on the crawled page.")]
    comments_added: Annotated[int, Meta(ge=0)]
    comments_edited: Annotated[int, Meta(ge=0)]
    comments_removed: Annotated[int, Meta(ge=0)]
    text_edited: bool
    parser_version: Annotated[
        str | None, Meta(description="Digest of the parser that read the stored source.")
    ]
    source_stored: Annotated[
        bool,
        Meta(
            description=(
                "Whether the raw page is kept (for `threadbase reparse`); false for crawls "
                "ingested before sources were kept."
            )
        ),
    ]


class CrawlPage(Model, kw_only=True):
    """One page of an article's crawls, oldest first."""

    items: list[Crawl]
    next_cursor: NextCursor


class ArticleRevision(Model, kw_only=True):
    """An earlier text of an article (title, then paragraphs; `* * *` between sections)."""

    text: str
    first_seen_at: Timestamp
    last_seen_at: Timestamp


class ArticleRevisions(Model, kw_only=True):
    """An article's earlier texts, oldest first."""

    article_id: ArticleId
    items: list[ArticleRevision]
