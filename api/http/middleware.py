"""HTTP behaviour around every route: strong ETags with 304, the response cache, and shared
configs.

Compression and CORS are Litestar's own (request ids and HEAD are in `api.http.asgi`, the shared
rate limit in `api.http.ratelimit`); ETag/If-None-Match is not built in, so `ETagMiddleware` gives
each complete 200 GET response (after compression, so every encoding gets its own strong
validator) an ETag named by the data generation, answers a matching `If-None-Match` with 304
and no body, and keeps the encoded response for the next request.
"""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.config.compression import CompressionConfig
from litestar.config.cors import CORSConfig
from litestar.enums import ScopeType
from litestar.handlers import HTTPRouteHandler
from litestar.types import ASGIApp, HTTPResponseStartEvent, Message, Receive, Scope, Send

from api.http.problems import PROBLEM_BASE, ApiProblem
from api.http.response_cache import Entry, Generation, ResponseCache, StoreGeneration

EXPOSED_HEADERS = [
    "Link",
    "ETag",
    "Last-Modified",
    "X-Request-Id",
    "RateLimit-Limit",
    "RateLimit-Remaining",
    "RateLimit-Reset",
    "RateLimit-Policy",
]
# Headers a 304 repeats from the 200 it stands for (RFC 9110 §15.4.5), plus our own.
DOCS_PATH = "/docs"
KEPT_ON_304 = frozenset(
    {
        b"cache-control",
        b"cache-status",
        b"content-location",
        b"date",
        b"etag",
        b"expires",
        b"vary",
        b"last-modified",
        b"x-request-id",
        b"ratelimit-limit",
        b"ratelimit-remaining",
        b"ratelimit-reset",
        b"ratelimit-policy",
        b"access-control-allow-origin",
        b"access-control-expose-headers",
    }
)


CREDENTIALS = frozenset({b"authorization", b"x-api-key"})
# RFC 9211 Cache-Status: answered from the response cache, or by the routes (and why).
HIT = (b"cache-status", b"threadbase; hit")
MISSED = (b"cache-status", b"threadbase; fwd=miss")
FORWARDED = (b"cache-status", b"threadbase; fwd=request")


def etag_matches(if_none_match: str, etag: str) -> bool:
    """RFC 9110 weak comparison of an `If-None-Match` list against `etag`."""
    if if_none_match.strip() == "*":
        return True
    bare = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == bare for tag in if_none_match.split(","))


def _storable(headers: list[tuple[bytes, bytes]]) -> bool:
    for key, value in headers:
        if key == b"set-cookie" or (
            key == b"cache-control" and (b"no-store" in value or b"private" in value)
        ):
            return False
    return True


class ETagMiddleware:
    """Strong ETags on complete 200 GET responses, 304 when `If-None-Match` matches, and the
    response cache (`api/http/response_cache.py`) in front of the routes.

    The ETag is the data generation plus a hash of the URL, the accepted codings and media
    types: it names the bytes a response carries without hashing them, and every worker issues
    the same one. A request with `Cache-Control: no-cache` is answered by the routes, and its
    response replaces the stored one; a request with credentials (`Authorization`,
    `X-API-Key`) is answered by the routes and never stored.
    """

    def __init__(
        self, app: ASGIApp, cache: ResponseCache, generation: Generation | StoreGeneration
    ) -> None:
        self.app = app
        self.cache = cache
        self.generation = generation

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP or scope["method"] != "GET":
            await self.app(scope, receive, send)
            return
        codings = b""
        media = b""
        condition: bytes | None = None
        fresh = private = False
        for name, value in scope["headers"]:
            if name == b"accept-encoding":
                codings = value
            elif name == b"accept":
                media = value  # a 406 or a 200 depends on it
            elif name == b"if-none-match":
                condition = value
            elif name == b"cache-control":
                fresh = b"no-cache" in value or b"no-store" in value
            elif name in CREDENTIALS:
                private = True
        fresh = fresh or private
        query = scope["query_string"]
        path = scope.get("raw_path") or scope["path"].encode()
        key = (path + b"?" + query if query else path, bytes(codings) + b"\0" + bytes(media))
        cache = self.cache
        generation = await self.generation.read()
        cache.sync(generation)
        etag = cache.etag(generation, key)
        match = condition is not None and etag_matches(condition.decode("latin-1"), etag.decode())
        if not fresh:
            entry = cache.get(key)
            if entry is not None:
                await _answer(send, [*entry.headers, HIT], entry.body, match)
                return
        start: HTTPResponseStartEvent | None = None
        passthrough = False

        async def buffer(message: Message) -> None:
            nonlocal start, passthrough
            if passthrough:
                await send(message)
            elif message["type"] == "http.response.start":
                start = message
                if start["status"] != 200:
                    passthrough = True
                    await send(message)
            elif message["type"] == "http.response.body" and start is not None:
                if message.get("more_body", False):  # a stream: leave it alone
                    passthrough = True
                    await send(start)
                    await send(message)
                    return
                body = message.get("body", b"")
                headers = [*start.get("headers", ()), (b"etag", etag)]
                if not private and _storable(headers):
                    cache.put(key, Entry.of(headers, body), generation)
                await _answer(send, [*headers, FORWARDED if fresh else MISSED], body, match)
            else:
                await send(message)

        await self.app(scope, receive, buffer)


async def _answer(
    send: Send, headers: list[tuple[bytes, bytes]], body: bytes, not_modified: bool
) -> None:
    """Send a complete 200, or the 304 standing for it (no body, only the kept headers)."""
    if not_modified:
        kept = [(k, v) for k, v in headers if k.lower() in KEPT_ON_304]
        await send({"type": "http.response.start", "status": 304, "headers": kept})
        await send({"type": "http.response.body", "body": b"", "more_body": False})
        return
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body, "more_body": False})


def compression_config() -> CompressionConfig:
    """Brotli at a fast level for clients that take it, gzip for the rest, small bodies as is."""
    return CompressionConfig(
        backend="brotli",
        brotli_gzip_fallback=True,
        brotli_quality=4,
        gzip_compress_level=6,
        minimum_size=1024,
    )


def cors_config() -> CORSConfig:
    """Any origin (writes need a key, not a cookie), and the headers clients need."""
    return CORSConfig(
        allow_origins=["*"],
        allow_methods=["GET", "POST", "PUT", "DELETE", "OPTIONS"],
        allow_headers=[
            "Authorization",
            "Content-Type",
            "Idempotency-Key",
            "If-None-Match",
            "X-API-Key",
            "X-Request-Id",
        ],
        expose_headers=EXPOSED_HEADERS,
        max_age=600,
    )


class NotAcceptable(ApiProblem):
    """406: the client accepts none of the media types the operation answers with."""

    def __init__(self, media_type: str, accept: str) -> None:
        super().__init__(
            status_code=406,
            type_=PROBLEM_BASE + "not-acceptable",
            title="Not acceptable",
            detail=f"This operation answers with {media_type}; Accept was {accept!r}.",
        )


async def require_acceptable(request: Request[Any, Any, Any]) -> None:
    """before_request hook: an `Accept` that rules out the operation's media type is a 406.

    Errors are `application/problem+json` whatever the client accepts (RFC 9110 §15.5.7 lets a
    server answer with what it has). The OpenAPI documents under /docs negotiate for themselves.
    """
    accept = request.headers.get("accept")
    handler = request.route_handler
    if not accept or not isinstance(handler, HTTPRouteHandler):
        return
    if request.url.path.startswith(DOCS_PATH):
        return
    # Handlers that return a `Response` leave the media type to it: ours are all JSON.
    media_type = str(getattr(handler.media_type, "value", handler.media_type)) or "application/json"
    if request.accept.best_match([media_type]) is None:
        raise NotAcceptable(media_type, accept)
