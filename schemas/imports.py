"""What clients send to create or replace an article."""

from __future__ import annotations

from typing import Annotated

import msgspec
from msgspec import Meta

from schemas.articles import ParagraphKind
from schemas.common import Timestamp

Name = Annotated[str, Meta(min_length=1, max_length=200, pattern=r"\S")]


class ImportParagraph(msgspec.Struct, kw_only=True, forbid_unknown_fields=True, omit_defaults=True):
    """A block of article text."""

    text: Annotated[str, Meta(min_length=1, max_length=100_000)]
    kind: ParagraphKind = "paragraph"


class ImportSection(msgspec.Struct, kw_only=True, forbid_unknown_fields=True, omit_defaults=True):
    """A section of the article."""

    paragraphs: Annotated[list[ImportParagraph], Meta(max_length=10_000)]


class ImportComment(msgspec.Struct, kw_only=True, forbid_unknown_fields=True, omit_defaults=True):
    """A comment in page order; the parent is named by author, as on the page."""

    author: Name
    author_verified: bool = True
    posted_at: Annotated[
        Timestamp | None, Meta(description="When posted; null when the page gives no usable time.")
    ]
    body: Annotated[str, Meta(max_length=100_000)]
    parent_author: Name | None = None
    parent_author_verified: bool | None = None


class ArticleImport(msgspec.Struct, kw_only=True, forbid_unknown_fields=True, omit_defaults=True):
    """An article in structured form (`application/json`); the server rebuilds the reply
    tree, quotes and links exactly as it does for a raw page."""

    title: Annotated[str, Meta(min_length=1, max_length=1_000, pattern=r"\S")]
    url: Annotated[str, Meta(max_length=2_048)] | None = None
    published_at: Timestamp | None = None
    sections: Annotated[list[ImportSection], Meta(max_length=1_000)] = []
    comments: Annotated[list[ImportComment], Meta(max_length=100_000)] = []


PAGE_MEDIA_TYPE = "application/vnd.threadbase.page+json"
"""The media type of `PageUpload`: a page as text, in a JSON envelope."""


class PageUpload(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A crawled page as text with what the crawler knew of it, for clients that speak JSON."""

    text: Annotated[
        str,
        Meta(
            min_length=1,
            description="The page as a crawler's text extractor wrote it: title, text, comments.",
        ),
    ]
    timezone: (
        Annotated[
            str, Meta(max_length=64, description="The IANA zone of the page's times (default UTC).")
        ]
        | None
    ) = None
    url: Annotated[str, Meta(max_length=2048, description="The page's source URL.")] | None = None
    published_at: (
        Annotated[Timestamp, Meta(description="When the source published the page.")] | None
    ) = None
    crawled_at: (
        Annotated[
            Timestamp,
            Meta(
                description="When the page was crawled: relative comment times such as "
                "`2 hours ago` are read against it, and are null without it."
            ),
        ]
        | None
    ) = None
