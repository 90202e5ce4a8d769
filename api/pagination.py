"""Opaque keyset cursors and RFC 8288 `Link` headers."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Mapping
from typing import Any, TypeVar
from urllib.parse import urlencode

import msgspec
from litestar import Request

from api.errors import invalid

CURSOR_VERSION = 1
FilterValue = str | int | bool | None
KeyValue = str | int | float
T = TypeVar("T")


class CursorState(msgspec.Struct, array_like=True, forbid_unknown_fields=True):
    """What a cursor carries: where it belongs, which filters made it, and the last key seen."""

    version: int
    scope: str
    filters: dict[str, FilterValue]
    key: list[KeyValue]


def encode_cursor(scope: str, filters: Mapping[str, FilterValue], key: list[KeyValue]) -> str:
    """Pack a position into an opaque, URL-safe token."""
    raw = msgspec.json.encode(CursorState(CURSOR_VERSION, scope, dict(filters), key))
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def decode_cursor(token: str, scope: str) -> CursorState:
    """Unpack a cursor issued for `scope`; anything else is a 400 naming `cursor`."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        state = msgspec.json.decode(raw, type=CursorState)
    except (binascii.Error, ValueError, msgspec.DecodeError) as exc:
        raise invalid("cursor", "is not a cursor issued by this API") from exc
    if state.version != CURSOR_VERSION:
        raise invalid("cursor", "was issued by an older version of the API; start again")
    if state.scope != scope:
        raise invalid("cursor", "belongs to a different list")
    return state


def merge_filters(
    given: Mapping[str, FilterValue], cursor: str | None, scope: str
) -> tuple[dict[str, FilterValue], list[KeyValue] | None]:
    """The filters in force and the key to resume after.

    With a cursor, its filters apply; a filter also given in the query must repeat the
    cursor's value, otherwise the request is rejected naming that filter.
    """
    chosen: dict[str, FilterValue] = {k: v for k, v in given.items() if v is not None}
    if cursor is None:
        return chosen, None
    state = decode_cursor(cursor, scope)
    for name, value in chosen.items():
        if state.filters.get(name) != value:
            raise invalid(
                name, "differs from the filters of the cursor; start without a cursor to change it"
            )
    return state.filters, state.key


def next_link(request: Request[Any, Any, Any], cursor: str, limit: int) -> str:
    """`Link` header value pointing at the next page with the same query."""
    query = [(k, v) for k, v in request.query_params.multi_items() if k not in {"cursor", "limit"}]
    query += [("limit", str(limit)), ("cursor", cursor)]
    url = request.url.with_replacements(query=urlencode(query))
    return f'<{url}>; rel="next"'


def cut_page(
    request: Request[Any, Any, Any],
    rows: list[T],
    limit: int,
    scope: str,
    filters: Mapping[str, FilterValue],
    key_of: Callable[[T], list[KeyValue]],
) -> tuple[list[T], str | None, dict[str, str]]:
    """Trim `limit + 1` fetched rows to a page; its `next_cursor` and `Link` header."""
    if len(rows) <= limit:
        return rows, None, {}
    rows = rows[:limit]
    cursor = encode_cursor(scope, filters, key_of(rows[-1]))
    return rows, cursor, {"Link": next_link(request, cursor, limit)}


def int_key(key: list[KeyValue] | None, length: int) -> list[int] | None:
    """A cursor's key as `length` integers, or a 400 naming `cursor`."""
    if key is None:
        return None
    if len(key) != length or not all(type(k) is int for k in key):
        raise invalid("cursor", "is not a cursor issued by this API")
    return [int(k) for k in key]


def str_key(key: list[KeyValue] | None) -> str | None:
    """A cursor's key as one string, or a 400 naming `cursor`."""
    if key is None:
        return None
    if len(key) != 1 or not isinstance(key[0], str):
        raise invalid("cursor", "is not a cursor issued by this API")
    return key[0]


S = TypeVar("S")


def filters_as(chosen: Mapping[str, FilterValue], struct: type[S]) -> S:
    """The filters in force as `struct` (a Struct or dataclass), checked: filters a cursor
    carried that do not fit it
    (hand-made or from an older release) are a 400 naming `cursor`."""
    try:
        return msgspec.convert(dict(chosen), struct)
    except msgspec.ValidationError as exc:
        raise invalid("cursor", "is not a cursor issued by this API") from exc
