"""Reader comments and the reply tree rebuilt from the page."""

from __future__ import annotations

from typing import Annotated, Literal

from msgspec import UNSET, Meta, UnsetType

from schemas.common import ArticleId, CommentId, Model, NextCursor, Timestamp
from schemas.quotes import Link, Quote

ParentResolution = Literal["exact", "inferred", "missing", "none"]
CommentKind = Literal["comment", "trackback"]
CommentSort = Literal["position", "-position", "posted_at", "-posted_at", "thread"]


class Comment(Model, kw_only=True):
    """A reader comment with its place in the reply tree."""

    id: CommentId
    article_id: ArticleId
    position: Annotated[int, Meta(ge=0, description="0-based order on the page.")]
    author: Annotated[str, Meta(examples=["Endgame Napoleon"])]
    author_verified: Annotated[
        bool, Meta(description="False when the page marks the author `(not verified)`.")
    ]
    posted_at: Annotated[
        Timestamp | None,
        Meta(
            description="When posted, in UTC; null when the page's time cannot be read "
            "(a relative time such as `2 hours ago` ingested without `crawled_at`)."
        ),
    ]
    posted_text: Annotated[
        str | None,
        Meta(
            description="The time exactly as the page shows it, or null.",
            examples=["October 29th, 2012 at 1:49 am"],
        ),
    ]
    comment_kind: Annotated[
        CommentKind,
        Meta(
            description="`trackback` for pingbacks and trackbacks, else `comment` (named so "
            "because a thread node's `kind` already says what the node is)."
        ),
    ]
    body: Annotated[str, Meta(description="Comment text; paragraphs separated by a blank line.")]
    parent_id: Annotated[
        CommentId | None,
        Meta(description="The comment replied to, when it is on the page."),
    ]
    parent_author: Annotated[
        str | None, Meta(description="Author the page names as replied to; null for top level.")
    ]
    parent_author_verified: Annotated[
        bool | None, Meta(description="Verified flag of the named parent author.")
    ]
    parent_resolution: Annotated[
        ParentResolution,
        Meta(
            description=(
                "`exact`: the page shows the parent (nesting, a reply number, quoted text) "
                "or names an author with one candidate; `inferred`: several candidates, "
                "one chosen, or a flat thread's time order alone placed the reply; "
                "`missing`: the parent is not on the page; `none`: top level."
            )
        ),
    ]
    depth: Annotated[
        int,
        Meta(
            ge=0,
            description="0 for top level; a reply is one deeper than its parent, an orphan is 1.",
        ),
    ]
    root_id: Annotated[
        CommentId,
        Meta(
            description="Topmost comment of this thread on the page (itself at the top).",
        ),
    ]
    reply_count: Annotated[int, Meta(ge=0, description="Direct replies on the page.")]
    quotes: list[Quote]
    links: list[Link]
    first_seen_at: Annotated[
        Timestamp, Meta(description="`crawled_at` of the first crawl that showed the comment.")
    ]
    edited_at: Annotated[
        Timestamp | None,
        Meta(
            description=(
                "When the current body was first seen, if the comment had another before "
                "(see `/v1/comments/{id}/revisions`)."
            )
        ),
    ]
    removed_at: Annotated[
        Timestamp | None,
        Meta(
            description=(
                "`crawled_at` of the first crawl after its last sighting that no longer showed "
                "it; null while the newest crawl shows it. Removed comments are still served."
            )
        ),
    ]


class CommentPage(Model, kw_only=True):
    """One page of comments."""

    items: list[Comment]
    next_cursor: NextCursor
    total: Annotated[
        int | UnsetType,
        Meta(description="Present with `include_total=true`: all rows matching the filters."),
    ] = UNSET


class Revision(Model, kw_only=True):
    """An earlier body of a comment, and the crawls that showed it."""

    body: str
    first_seen_at: Timestamp
    last_seen_at: Timestamp


class CommentRevisions(Model, kw_only=True):
    """A comment's current body and its earlier ones, oldest first."""

    comment_id: CommentId
    body: Annotated[str, Meta(description="The current body.")]
    edited_at: Timestamp | None
    items: Annotated[list[Revision], Meta(description="Earlier bodies, oldest first.")]
