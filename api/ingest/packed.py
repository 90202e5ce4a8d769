"""A parsed page as bytes, for handing it from a parser process to the one that stores it.

MessagePack (msgspec) of the page's dataclasses: encoding and decoding cost about a quarter of
pickling them, which matters when the worker pool sends back thousands of pages.
"""

from __future__ import annotations

from datetime import datetime, tzinfo

import msgspec

from api.ingest.model import ParsedPage
from api.ingest.page import parse_page

_ENCODER = msgspec.msgpack.Encoder()
_DECODER = msgspec.msgpack.Decoder(ParsedPage)


def parse_packed(text: str, timezone: tzinfo, crawled_at: datetime | None = None) -> bytes:
    """`parse_page`, its result packed (a PageError is raised as it is)."""
    return _ENCODER.encode(parse_page(text, timezone, crawled_at))


def unpack(packed: bytes) -> ParsedPage:
    """The page `parse_packed` packed."""
    return _DECODER.decode(packed)
