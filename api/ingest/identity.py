"""Content identity: one hash for one article, whichever form it arrived in. Pure.

The hash covers the article as parsed, not the bytes that carried it: its title, the kind and
text of every block of every non-empty section, and every comment's author, verified flag, time
(whole Unix seconds, as stored), body and named parent. A raw page and the structured document
that `GET /v1/articles/{id}/document` returns for it are therefore the same content, and so is
anything the parser reads the same way. The source's `url` and `published_at` are not content.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

import msgspec

from api.ingest.model import Block, ParsedComment

VERSION = "threadbase-content/1"
CanonicalBlock = tuple[str, str]  # kind, text
CanonicalComment = tuple[str, bool, int | None, str, str | None, bool | None]
"""author, author_verified, posted_at (Unix seconds; None when the page shows none), body,
parent_author, parent_author_verified."""


def content_identity(
    title: str,
    sections: Iterable[Sequence[CanonicalBlock]],
    comments: Iterable[CanonicalComment],
) -> str:
    """SHA-256 of the canonical form of an article."""
    canonical = msgspec.json.encode(
        [
            VERSION,
            title,
            [list(section) for section in sections if section],
            list(comments),
        ]
    )
    return hashlib.sha256(canonical).hexdigest()


def page_identity(title: str, sections: list[list[Block]], comments: list[ParsedComment]) -> str:
    """The content identity of a parsed article."""
    return content_identity(
        title,
        ([(block.kind, block.text) for block in section] for section in sections),
        (
            (
                c.author,
                c.author_verified,
                None if c.posted_at is None else int(c.posted_at.timestamp()),
                c.body,
                c.parent_author,
                c.parent_author_verified,
            )
            for c in comments
        ),
    )
