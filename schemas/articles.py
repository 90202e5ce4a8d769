"""Articles and their structure: sections, paragraphs, captions."""

from __future__ import annotations

from typing import Annotated, Literal

from msgspec import UNSET, Meta, UnsetType

from schemas.common import ArticleId, Model, NextCursor, Timestamp
from schemas.crawls import CrawlChanges
from schemas.quotes import Link, Quote, Speaker

ParagraphKind = Literal["paragraph", "caption", "list"]
ArticleInclude = Literal["sections", "speakers"]


class Paragraph(Model, kw_only=True):
    """A block of article text in page order."""

    position: Annotated[int, Meta(ge=0, description="0-based position within the section.")]
    kind: Annotated[
        ParagraphKind,
        Meta(description="`caption` for image captions, `list` for bullet lists."),
    ]
    text: Annotated[str, Meta(description="The block's text as on the page.")]
    quotes: list[Quote]
    links: list[Link]


class Section(Model, kw_only=True):
    """A part of the article, delimited on the page by `* * *`."""

    position: Annotated[int, Meta(ge=0, description="0-based position within the article.")]
    paragraphs: list[Paragraph]


class ArticleCounts(Model, kw_only=True):
    """Cheap counters kept with the article."""

    sections: Annotated[int, Meta(ge=0)]
    paragraphs: Annotated[int, Meta(ge=0, description="Text paragraphs, captions excluded.")]
    captions: Annotated[int, Meta(ge=0)]
    comments: Annotated[int, Meta(ge=0)]
    top_level_comments: Annotated[int, Meta(ge=0)]
    commenters: Annotated[int, Meta(ge=0, description="Distinct comment authors.")]
    article_quotes: Annotated[
        int,
        Meta(ge=0, description="Quotes in the article text, of every kind (speech, title, scare)."),
    ]
    article_speech_quotes: Annotated[
        int,
        Meta(
            ge=0,
            description="Of `article_quotes`, the words someone said or wrote, not counting "
            "quotes nested in another.",
        ),
    ]
    comment_quotes: Annotated[
        int,
        Meta(
            ge=0,
            description="Quotes in comments. `article_quotes + comment_quotes` is what "
            "`/v1/articles/{id}/quotes` lists.",
        ),
    ]


class Article(Model, kw_only=True):
    """An ingested page's article."""

    id: ArticleId
    title: Annotated[
        str,
        Meta(
            description="The article's title line (never a date, counter or site name).",
            examples=["Putin Tells Oliver Stone About His Days As A KGB Spy"],
        ),
    ]
    url: Annotated[str | None, Meta(description="Source URL, when the crawl recorded one.")]
    byline: Annotated[
        str | None,
        Meta(
            description="The article's author as its byline names them.", examples=["Rand Fishkin"]
        ),
    ]
    comment_rendering: Annotated[
        str | None,
        Meta(
            description="The comment rendering that read the page's comments (`drupal`, "
            "`wordpress`, `blogger`, ..., `generic`), or null when none did.",
            examples=["wordpress"],
        ),
    ]
    content_hash: Annotated[
        str, Meta(description="SHA-256 of the normalised page text; the page's identity.")
    ]
    published_at: Annotated[
        Timestamp | None, Meta(description="Publication time, when the source gave one.")
    ]
    ingested_at: Timestamp
    updated_at: Annotated[
        Timestamp | None,
        Meta(description="Last change by a merged re-crawl or a `PUT`, if any."),
    ]
    first_comment_at: Timestamp | None
    last_comment_at: Timestamp | None
    counts: ArticleCounts
    sections: Annotated[
        list[Section] | UnsetType,
        Meta(description="Present only with `include=sections`."),
    ] = UNSET
    speakers: Annotated[
        list[Speaker] | UnsetType,
        Meta(description="Present only with `include=speakers`: the people quoted."),
    ] = UNSET
    changes: Annotated[
        CrawlChanges | UnsetType,
        Meta(description="Present only in answers to `POST` and `PUT`: what the page changed."),
    ] = UNSET


class ArticlePage(Model, kw_only=True):
    """One page of articles, newest first."""

    items: list[Article]
    next_cursor: NextCursor
    total: Annotated[
        int | UnsetType,
        Meta(description="Present with `include_total=true`: how many articles there are."),
    ] = UNSET


class SectionPage(Model, kw_only=True):
    """One page of an article's sections, in page order."""

    items: list[Section]
    next_cursor: NextCursor
