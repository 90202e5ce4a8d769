"""Opaque, signed keyset cursors and RFC 8288 `Link` headers.

A cursor is `payload.tag`: the payload is base64url JSON (version, scope, filters, last key)
and the tag an HMAC-SHA256 of it under the server's secret, so a cursor the server did not
issue is refused before anything in it is read. What it carries is then decoded into typed,
bounded shapes (`key_as`, `filters_as`): a cursor from an older release, or one signed with
a leaked secret, still cannot reach SQLite with a value it cannot hold.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from collections.abc import Callable, Mapping
from typing import Annotated, Any, TypeVar
from urllib.parse import parse_qsl, quote, urlencode

import msgspec
from litestar import Request
from msgspec import Meta

from api.http.problems import invalid
from api.ingest.times import MAX_EPOCH, MIN_EPOCH
from schemas.common import MAX_ID

CURSOR_VERSION = 2
TAG_BYTES = 16
BLOCK = 64
"""SHA-256's block size: HMAC pads (or first hashes) its key to it (RFC 2104)."""
_INNER_PAD = bytes(x ^ 0x36 for x in range(256))
_OUTER_PAD = bytes(x ^ 0x5C for x in range(256))
FilterValue = str | int | bool | None
KeyValue = str | int | float
T = TypeVar("T")
K = TypeVar("K")
S = TypeVar("S")

# The shapes cursor keys are decoded into: ints exact in JSON and within SQLite's range.
RowId = Annotated[int, Meta(ge=1, le=MAX_ID)]
Position = Annotated[int, Meta(ge=0, le=MAX_ID)]
Epoch = Annotated[int, Meta(ge=MIN_EPOCH, le=MAX_EPOCH)]
SignedInt = Annotated[int, Meta(ge=-MAX_ID, le=MAX_ID)]
Score = Annotated[float, Meta(ge=-1e300, le=1e300)]
NOT_OURS = "is not a cursor issued by this API"


class CursorState(msgspec.Struct, array_like=True, forbid_unknown_fields=True):
    """What a cursor carries: where it belongs, which filters made it, and the last key seen."""

    version: int
    scope: str
    filters: dict[str, FilterValue]
    key: list[KeyValue]


_URL_SAFE = bytes.maketrans(b"+/", b"-_")


def _b64(raw: bytes) -> bytes:
    """Unpadded base64url: `base64.urlsafe_b64encode` without its two Python calls (a thread
    tree issues a cursor for every `more` node, two encodings each)."""
    return binascii.b2a_base64(raw, newline=False).translate(_URL_SAFE).rstrip(b"=")


_states = msgspec.json.Encoder()


class Cursors:
    """Issues and checks cursors with one secret (per database, or `THREADBASE_SECRET`)."""

    def __init__(self, secret: bytes) -> None:
        # HMAC-SHA256 keyed once: each tag copies the two keyed hash states (plain hashlib
        # objects, cheaper to copy than an `hmac` object) instead of hashing the key again.
        key = (hashlib.sha256(secret).digest() if len(secret) > BLOCK else secret).ljust(
            BLOCK, b"\0"
        )
        self._inner = hashlib.sha256(key.translate(_INNER_PAD))
        self._outer = hashlib.sha256(key.translate(_OUTER_PAD))

    def _tag(self, payload: bytes) -> bytes:
        """HMAC-SHA256 of `payload` (RFC 2104), cut to `TAG_BYTES`, base64url."""
        inner = self._inner.copy()
        inner.update(payload)
        outer = self._outer.copy()
        outer.update(inner.digest())
        return _b64(outer.digest()[:TAG_BYTES])

    def encode(self, scope: str, filters: Mapping[str, FilterValue], key: list[KeyValue]) -> str:
        """Pack a position into an opaque, signed, URL-safe token (`CursorState`'s array)."""
        state = (
            CURSOR_VERSION,
            scope,
            filters if isinstance(filters, dict) else dict(filters),
            key,
        )
        payload = _b64(_states.encode(state))
        return (payload + b"." + self._tag(payload)).decode("ascii")

    def decode(self, token: str, scope: str) -> CursorState:
        """Unpack a cursor issued for `scope`; anything else is a 400 naming `cursor`."""
        payload, _, tag = token.partition(".")
        if not (tag and token.isascii()) or not hmac.compare_digest(
            tag.encode("ascii"), self._tag(payload.encode("ascii"))
        ):
            raise invalid("cursor", NOT_OURS)
        try:
            raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
            state = msgspec.json.decode(raw, type=CursorState)
        except (binascii.Error, ValueError, msgspec.DecodeError) as exc:
            raise invalid("cursor", NOT_OURS) from exc
        if state.version != CURSOR_VERSION:
            raise invalid("cursor", "was issued by an older version of the API; start again")
        if state.scope != scope:
            raise invalid("cursor", "belongs to a different list")
        return state


def cursors(request: Request[Any, Any, Any]) -> Cursors:
    """The app's cursor codec, made in its lifespan."""
    codec: Cursors = request.app.state.cursors
    return codec


def merge_filters(
    request: Request[Any, Any, Any],
    given: Mapping[str, FilterValue],
    cursor: str | None,
    scope: str,
) -> tuple[dict[str, FilterValue], list[KeyValue] | None]:
    """The filters in force and the key to resume after.

    With a cursor, its filters apply; a filter also given in the query must repeat the
    cursor's value, otherwise the request is rejected naming that filter.
    """
    chosen: dict[str, FilterValue] = {k: v for k, v in given.items() if v is not None}
    if cursor is None:
        return chosen, None
    state = cursors(request).decode(cursor, scope)
    for name, value in chosen.items():
        if state.filters.get(name) != value:
            raise invalid(
                name, "differs from the filters of the cursor; start without a cursor to change it"
            )
    return state.filters, state.key


PAGING = frozenset({b"cursor", b"limit"})
"""The parameters `next_link` sets itself; a query of only these keeps nothing."""


def next_link(request: Request[Any, Any, Any], cursor: str, limit: int) -> str:
    """`Link` header value pointing at the next page with the same query.

    The path is the one the client sent, still percent-encoded: the decoded one would turn
    an author name's `%2F`, `?` or `#` into URL syntax."""
    # The client's parameters in the client's order: Litestar's parsed query orders them by
    # the hash seed, so two workers would write two different links for one request.
    raw_query: bytes = request.scope.get("query_string") or b""
    kept: list[tuple[str, str]] = []
    if any(part.partition(b"=")[0] not in PAGING for part in raw_query.split(b"&") if part):
        pairs = parse_qsl(raw_query.decode("utf-8", errors="replace"), keep_blank_values=True)
        kept = [(k, v) for k, v in pairs if k not in {"cursor", "limit"}]
    # The limit and the cursor (base64url and a dot) are URL-safe as they are.
    query = f"{urlencode(kept)}&" if kept else ""
    raw: bytes = (request.scope.get("raw_path") or b"").partition(b"?")[0]
    path = raw.decode("latin-1") if raw else quote(request.url.path)
    url = request.url
    return f'<{url.scheme}://{url.netloc}{path}?{query}limit={limit}&cursor={cursor}>; rel="next"'


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
    cursor = cursors(request).encode(scope, filters, key_of(rows[-1]))
    return rows, cursor, {"Link": next_link(request, cursor, limit)}


def anchored_page(
    request: Request[Any, Any, Any], found: list[tuple[T, int]], limit: int, scope: str
) -> tuple[list[T], str | None, dict[str, str]]:
    """`cut_page` for rows fetched with the id a cursor resumes after (their anchor)."""
    page, cursor, headers = cut_page(request, found, limit, scope, {}, lambda row: [row[1]])
    return [item for item, _ in page], cursor, headers


def key_as(key: list[KeyValue] | None, shape: type[K]) -> K | None:
    """A cursor's key as `shape` (a bounded tuple type), or a 400 naming `cursor`."""
    if key is None:
        return None
    try:
        return msgspec.convert(key, shape)
    except msgspec.ValidationError as exc:
        raise invalid("cursor", NOT_OURS) from exc


def filters_as(chosen: Mapping[str, FilterValue], struct: type[S]) -> S:
    """The filters in force as `struct` (a Struct or dataclass with bounded fields), checked:
    filters a cursor carried that do not fit it are a 400 naming `cursor`."""
    try:
        return msgspec.convert(dict(chosen), struct)
    except msgspec.ValidationError as exc:
        raise invalid("cursor", NOT_OURS) from exc


def scope_for(kind: str, name: str) -> str:
    """A short scope for a list named by free text (an author): a digest, not the name."""
    return f"{kind}:{hashlib.sha256(name.encode('utf-8')).hexdigest()[:24]}"
