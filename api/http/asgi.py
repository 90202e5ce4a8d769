"""What holds for every response, before and after routing: the app's outermost layer.

Litestar's middleware wraps route handlers, so answers made before a handler is found (unknown
routes, 405s, CORS preflights) or by exceptions raised in middleware (429s) pass around it.
`Threadbase.__call__` sees every request and every response, so here:

- every response carries an `X-Request-Id` (the client's, when well formed), and whatever is
  logged meanwhile carries it too, with the access line when JSON logs are on;
- HEAD is answered wherever GET is (RFC 9110 §9.3.2): the GET response without its body, and
  a 405's `Allow` says so;
- a response to a request that carries credentials is never `Cache-Control: public`;
- a refused CORS preflight is a problem document, like every other error.
"""

from __future__ import annotations

import os
import re
import time
from typing import cast

import msgspec
from litestar import Litestar
from litestar.datastructures import MutableScopeHeaders
from litestar.enums import ScopeType
from litestar.types import (
    HTTPResponseStartEvent,
    HTTPScope,
    LifeSpanReceive,
    LifeSpanScope,
    LifeSpanSend,
    Message,
    Receive,
    Scope,
    Send,
)

from api.http.logs import REQUEST, log_request
from api.http.problems import PROBLEM_BASE

REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
CREDENTIALS = frozenset({b"authorization", b"x-api-key"})
REQUEST_ID_KEY = b"x-request-id"


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return bytes(value).decode("latin-1")
    return None


def _private(cache_control: str) -> str:
    """`cache_control` with `public` turned into `private`."""
    parts = [part.strip() for part in cache_control.split(",") if part.strip()]
    return ", ".join("private" if part.lower() == "public" else part for part in parts)


def _preflight_problem(scope: Scope, refusal: str, allowed: list[str]) -> bytes:
    return msgspec.json.encode(
        {
            "status": 400,
            "type": PROBLEM_BASE + "cors-preflight-refused",
            "title": "CORS preflight refused",
            "instance": scope.get("path", "/"),
            "detail": f"{refusal}; the request headers this API accepts are {', '.join(allowed)}.",
        }
    )


class Threadbase(Litestar):
    """The Litestar app, with the guarantees above applied around all of it."""

    access_log = False
    """Log one line per request (`threadbase.access`); on with JSON logs."""

    async def __call__(
        self,
        scope: Scope | LifeSpanScope,
        receive: Receive | LifeSpanReceive,
        send: Send | LifeSpanSend,
    ) -> None:
        """ASGI entry point."""
        if scope["type"] != ScopeType.HTTP:
            await super().__call__(scope, receive, send)
            return
        await self._serve_http(
            cast("HTTPScope", scope), cast("Receive", receive), cast("Send", send)
        )

    async def _serve_http(self, scope: HTTPScope, receive: Receive, send: Send) -> None:
        given = _header(scope, b"x-request-id")
        request_id = given if given and REQUEST_ID.match(given) else os.urandom(16).hex()
        id_bytes = request_id.encode("latin-1")
        started = time.perf_counter()
        status = 500  # unless a response starts
        head = scope["method"] == "HEAD"
        if head:
            scope = cast("HTTPScope", {**scope, "method": "GET"})
        credentials = any(key in CREDENTIALS for key, _ in scope.get("headers", []))
        preflight = (
            scope["method"] == "OPTIONS"
            and _header(scope, b"origin") is not None
            and _header(scope, b"access-control-request-method") is not None
        )
        refused: HTTPResponseStartEvent | None = (
            None  # the start of a refused preflight, held for its body
        )

        async def send_guarded(message: Message) -> None:
            nonlocal refused, status
            if message["type"] == "http.response.start":
                status = message["status"]
                # Most responses need only the id: one pass over the raw list, no header
                # object decoding every name.
                raw = [(k, v) for k, v in message.get("headers", ()) if k.lower() != REQUEST_ID_KEY]
                raw.append((REQUEST_ID_KEY, id_bytes))
                message["headers"] = raw
                if credentials or status == 405 or preflight:
                    headers = MutableScopeHeaders(message)
                    if credentials and "public" in (headers.get("cache-control") or ""):
                        headers["Cache-Control"] = _private(headers["cache-control"])
                    allow = headers.get("allow")
                    if status == 405 and allow and "GET" in allow and "HEAD" not in allow:
                        headers["Allow"] = f"{allow}, HEAD"
                    if preflight and status == 400:
                        refused = message
                        return
            elif message["type"] == "http.response.body":
                if refused is not None:
                    refusal = bytes(message.get("body", b"")).decode("utf-8", "replace")
                    allowed = self.cors_config.allow_headers if self.cors_config else []
                    body = _preflight_problem(scope, refusal or "Disallowed CORS request", allowed)
                    headers = MutableScopeHeaders(refused)
                    headers["Content-Type"] = "application/problem+json"
                    headers["Content-Length"] = str(len(body))
                    await send(refused)
                    message = {"type": "http.response.body", "body": body, "more_body": False}
                elif head:
                    if message.get("more_body", False):
                        return  # a streamed GET: drop every chunk, end once
                    message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        method, path = "HEAD" if head else scope["method"], scope["path"]
        # Whatever is logged while the request runs names it (JSON logs, api/http/logs.py).
        token = REQUEST.set({"request_id": request_id, "method": method, "path": path})
        try:
            await super().__call__(scope, receive, send_guarded)
        finally:
            REQUEST.reset(token)
            if self.access_log:
                log_request(method, path, status, started, request_id)
