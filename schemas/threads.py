"""Bounded nested thread trees: a tagged union of nodes on `kind`."""

from __future__ import annotations

from typing import Annotated, Literal

from msgspec import Meta

from schemas.comments import Comment
from schemas.common import ArticleId, CommentId, Model

ThreadSort = Literal["oldest", "newest", "replies"]


class CommentNode(Comment, tag_field="kind", tag="comment", kw_only=True):
    """A comment and as many of its replies as the bounds allow."""

    replies: Annotated[
        list[ThreadNode],
        Meta(description="Replies shown; a trailing `more` node stands for the rest."),
    ]


class MoreNode(Model, tag_field="kind", tag="more", kw_only=True):
    """Siblings left out by the bounds: follow `href` (or pass `cursor`) to continue."""

    count: Annotated[int, Meta(ge=1, description="How many siblings remain at this place.")]
    parent_id: Annotated[
        CommentId | None, Meta(description="Their parent; null at the top of the thread.")
    ]
    cursor: Annotated[str, Meta(description="Opaque cursor for the continuation.")]
    href: Annotated[
        str,
        Meta(
            description="Path and query that return the continuation.",
            examples=["/v1/comments/9/replies?cursor=eyJ2IjoxfQ"],
        ),
    ]


class MissingParentNode(Model, tag_field="kind", tag="missing_parent", kw_only=True):
    """Stands for a parent the page names but does not show, holding its orphan replies."""

    parent_author: Annotated[str, Meta(examples=["Art Van Delay"])]
    parent_author_verified: bool
    replies: list[ThreadNode]


ThreadNode = CommentNode | MoreNode | MissingParentNode


class Thread(Model, kw_only=True):
    """A bounded piece of an article's reply tree."""

    article_id: ArticleId
    parent_id: Annotated[
        CommentId | None,
        Meta(description="The comment whose replies these are; null for the whole thread."),
    ]
    sort: ThreadSort
    nodes: list[ThreadNode]


class CommentContext(Model, kw_only=True):
    """A comment with the chain of comments it answers, nearest last."""

    comment: Comment
    ancestors: Annotated[list[Comment], Meta(description="From the farthest shown to the parent.")]
    missing_parent: Annotated[
        MissingParentNode | None,
        Meta(description="Set when the chain ends at a parent that is not on the page."),
    ]
    more_ancestors: Annotated[
        bool, Meta(description="True when older ancestors exist beyond `ancestors`.")
    ]
