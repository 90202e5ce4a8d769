"""Commenters across articles."""

from __future__ import annotations

from typing import Annotated

from msgspec import Meta

from schemas.common import Model, NextCursor, Timestamp


class Author(Model, kw_only=True):
    """Someone who commented, with counts and first and last seen times."""

    name: Annotated[str, Meta(examples=["nmewn"])]
    comments: Annotated[int, Meta(ge=1)]
    articles: Annotated[int, Meta(ge=1, description="Articles they commented on.")]
    not_verified_comments: Annotated[
        int, Meta(ge=0, description="Comments the page marked `(not verified)`.")
    ]
    first_seen: Annotated[
        Timestamp | None,
        Meta(description="Their earliest comment's time; null when none shows a readable time."),
    ]
    last_seen: Annotated[
        Timestamp | None,
        Meta(description="Their latest comment's time; null when none shows a readable time."),
    ]
    href: Annotated[
        str,
        Meta(
            description="Path of their comments; the name is percent-encoded, `/` included.",
            examples=["/v1/authors/AC%2FDC/comments"],
        ),
    ]


class AuthorPage(Model, kw_only=True):
    """One page of authors, by name."""

    items: list[Author]
    next_cursor: NextCursor
