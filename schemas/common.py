"""Shared field types and base classes for the public contract."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec
from msgspec import Meta

MAX_ID = 2**53 - 1
"""Largest id accepted: exact in JSON numbers (and JavaScript), far below SQLite's limit."""


class Model(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Base of every response Struct: keyword-only, strict on decode."""


ArticleId = Annotated[int, Meta(ge=1, le=MAX_ID, description="Article id.", examples=[1])]
CommentId = Annotated[int, Meta(ge=1, le=MAX_ID, description="Comment id.", examples=[7])]
Timestamp = Annotated[
    datetime,
    Meta(
        tz=True,
        description="RFC 3339 time in UTC.",
        examples=["2017-06-18T19:03:00Z"],
    ),
]
NextCursor = Annotated[
    str | None,
    Meta(
        description="Opaque cursor for the next page; null on the last page.",
        examples=["eyJ2IjoxfQ"],
    ),
]
