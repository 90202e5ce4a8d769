"""The app as benchmarked: Threadbase plus a bare ASGI endpoint returning fixed bytes.

`/__fixed` never reaches Litestar: it is the ceiling of what this server (uvicorn, the same
workers, the same machine) can answer at all.
"""

from __future__ import annotations

from litestar.enums import ScopeType
from litestar.types import Receive, Scope, Send

from api.app import create_app

FIXED = b'{"items":[],"next_cursor":null}'
_threadbase = create_app()


async def app(scope: Scope, receive: Receive, send: Send) -> None:
    """Route `/__fixed` to fixed bytes, everything else to Threadbase."""
    if scope["type"] == ScopeType.HTTP and scope["path"] == "/__fixed":
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"application/json")],
            }
        )
        await send({"type": "http.response.body", "body": FIXED, "more_body": False})
        return
    await _threadbase(scope, receive, send)
