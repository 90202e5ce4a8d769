"""API-key authentication for writes: `Authorization: Bearer <key>` (or `X-API-Key`)."""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler

from api.http.problems import PROBLEM_BASE, ApiProblem
from api.store.api_keys import matches, prefix_of

REALM = 'Bearer realm="threadbase"'


class Unauthorized(ApiProblem):
    """401: no key, or one that is not ours."""

    def __init__(self, detail: str, *, invalid: bool) -> None:
        challenge = f'{REALM}, error="invalid_token"' if invalid else REALM
        super().__init__(
            status_code=401,
            type_=PROBLEM_BASE + "unauthorized",
            title="Authentication required",
            detail=detail,
            headers={"WWW-Authenticate": challenge},
        )


class Forbidden(ApiProblem):
    """403: a known key that may no longer write."""

    def __init__(self, detail: str) -> None:
        super().__init__(
            status_code=403, type_=PROBLEM_BASE + "forbidden", title="Forbidden", detail=detail
        )


def presented_key(connection: ASGIConnection[Any, Any, Any, Any]) -> str | None:
    """The key the client sent, if any."""
    authorization = connection.headers.get("authorization", "")
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return connection.headers.get("x-api-key") or None


async def require_api_key(
    connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler
) -> None:
    """Guard: a live API key, whose id is left in `connection.state.api_key_id`."""
    token = presented_key(connection)
    if token is None:
        raise Unauthorized(
            "This operation needs an API key: `Authorization: Bearer <key>`.", invalid=False
        )
    prefix = prefix_of(token)
    record = None if prefix is None else await connection.app.state.store.find_key(prefix)
    if record is None or not matches(token, record.digest):
        raise Unauthorized("The API key is not valid.", invalid=True)
    if record.revoked_at is not None:
        raise Forbidden(f"The API key {record.prefix} has been revoked.")
    connection.state.api_key_id = record.id
