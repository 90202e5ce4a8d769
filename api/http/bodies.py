"""Request bodies as the client declared them: content codings undone, charsets decoded.

`Content-Encoding: gzip`, `deflate` and `br` are decompressed in bounded steps, and the
decompressed body is held to the same size limit as a plain one, so a small compressed body
that inflates past it (a zip bomb) is a 413 before it has been inflated. A coding or charset the
server does not know is a 415 saying what it accepts.
"""

from __future__ import annotations

import codecs
import zlib
from collections.abc import Callable
from typing import Any

import brotli
from litestar import Request

from api.http.problems import PROBLEM_BASE, ApiProblem, invalid

CODINGS = ("gzip", "deflate", "br")


class UnsupportedEncoding(ApiProblem):
    """415: a content coding or charset the server cannot read."""

    def __init__(self, detail: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(
            status_code=415,
            type_=PROBLEM_BASE + "unsupported-media-type",
            title="Unsupported media type",
            detail=detail,
            headers=headers,
        )


class BodyTooLarge(ApiProblem):
    """413: the body, once decompressed, is over the limit."""

    def __init__(self, limit: int) -> None:
        super().__init__(
            status_code=413,
            type_=PROBLEM_BASE + "payload-too-large",
            title="Request body too large",
            detail=f"The decompressed body is larger than {limit} bytes.",
        )


def _inflate(data: bytes, wbits: int, limit: int) -> bytes:
    inflater = zlib.decompressobj(wbits)
    out = bytearray()
    pending = data
    while pending:
        out += inflater.decompress(pending, limit + 1 - len(out))
        if len(out) > limit:
            raise BodyTooLarge(limit)
        pending = inflater.unconsumed_tail
    out += inflater.flush()
    if not inflater.eof:
        raise zlib.error("truncated stream")
    if len(out) > limit:
        raise BodyTooLarge(limit)
    return bytes(out)


def _unbrotli(data: bytes, limit: int) -> bytes:
    decoder = brotli.Decompressor()
    out = bytearray(decoder.process(data, output_buffer_limit=limit + 1))
    while len(out) <= limit and not decoder.can_accept_more_data():
        out += decoder.process(b"", output_buffer_limit=limit + 1 - len(out))
    if len(out) > limit:
        raise BodyTooLarge(limit)
    if not decoder.is_finished():
        raise brotli.error("truncated stream")
    return bytes(out)


DECODERS: dict[str, Callable[[bytes, int], bytes]] = {
    "gzip": lambda data, limit: _inflate(data, 16 + zlib.MAX_WBITS, limit),
    "x-gzip": lambda data, limit: _inflate(data, 16 + zlib.MAX_WBITS, limit),
    "deflate": lambda data, limit: _inflate(data, zlib.MAX_WBITS, limit),
    "br": _unbrotli,
}


def decode_content(data: bytes, content_encoding: str, limit: int) -> bytes:
    """Undo every coding in `content_encoding` (last applied first), keeping within `limit`."""
    codings = [c.strip().lower() for c in content_encoding.split(",") if c.strip()]
    for coding in reversed(codings):
        if coding == "identity":
            continue
        decoder = DECODERS.get(coding)
        if decoder is None:
            raise UnsupportedEncoding(
                f"Content-Encoding {coding!r} is not supported; send gzip, deflate or br.",
                headers={"Accept-Encoding": ", ".join(CODINGS)},
            )
        try:
            data = decoder(data, limit)
        except (zlib.error, brotli.error) as exc:
            raise invalid("body", f"is not valid {coding} data", "body") from exc
    return data


async def request_body(request: Request[Any, Any, Any]) -> bytes:
    """The body with its content codings undone, within the route's size limit."""
    body = await request.body()
    coding = request.headers.get("content-encoding")
    if not coding:
        return body
    limit = request.route_handler.resolve_request_max_body_size() or 2**62
    return decode_content(body, coding, limit)


def charset_of(content_type: str) -> str | None:
    """The `charset` parameter of a Content-Type, if any."""
    for param in content_type.split(";")[1:]:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            return value.strip().strip('"') or None
    return None


def body_text(body: bytes, content_type: str) -> str:
    """The body as text in its declared charset (UTF-8 when none is declared)."""
    charset = charset_of(content_type) or "utf-8"
    try:
        codec = codecs.lookup(charset)
    except LookupError as exc:
        raise UnsupportedEncoding(
            f"charset {charset!r} is not supported; send UTF-8 or another standard charset."
        ) from exc
    if codec.name == "utf-8":
        codec = codecs.lookup("utf-8-sig")  # a byte-order mark is not text
    try:
        return codec.decode(body)[0]
    except UnicodeDecodeError as exc:
        raise invalid("body", f"is not {charset} text", "body") from exc
