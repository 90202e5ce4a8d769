"""Full-text search results: one tagged union member per kind of hit."""

from __future__ import annotations

from typing import Annotated, Literal

from msgspec import Meta

from schemas.common import ArticleId, CommentId, Model, NextCursor, Timestamp

SearchType = Literal["article", "comment", "quote"]
SearchOrder = Literal["rank", "newest"]
SearchMode = Literal["words", "fts"]


class Highlight(Model, kw_only=True):
    """A matched stretch of `text`, as code point offsets."""

    start: Annotated[int, Meta(ge=0)]
    end: Annotated[int, Meta(ge=0)]


class _Hit(Model, kw_only=True):
    text: Annotated[str, Meta(description="The matching excerpt as plain text.")]
    snippet: Annotated[
        str,
        Meta(
            description="The excerpt as HTML: text escaped, matches wrapped in `<mark>`.",
            examples=["… <mark>Putin</mark> is not a light touch …"],
        ),
    ]
    highlights: Annotated[list[Highlight], Meta(description="Where the matches are in `text`.")]
    score: Annotated[float, Meta(description="bm25 relevance; lower is better.")]


class ArticleHit(_Hit, tag_field="type", tag="article", kw_only=True):
    """An article whose title or text matches."""

    article_id: ArticleId
    title: str


class CommentHit(_Hit, tag_field="type", tag="comment", kw_only=True):
    """A comment whose body or author matches."""

    comment_id: CommentId
    article_id: ArticleId
    author: str
    posted_at: Timestamp | None


class QuoteHit(_Hit, tag_field="type", tag="quote", kw_only=True):
    """A quotation whose words match."""

    quote_id: Annotated[int, Meta(ge=1)]
    article_id: ArticleId
    comment_id: CommentId | None
    speaker: str | None


SearchHit = ArticleHit | CommentHit | QuoteHit


class SearchPage(Model, kw_only=True):
    """One page of search hits."""

    items: list[SearchHit]
    next_cursor: NextCursor
