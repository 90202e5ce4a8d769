"""Query parameters shared by list endpoints, and the guard against unknown ones."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Annotated, Any

import msgspec
from litestar import Request
from litestar.handlers import HTTPRouteHandler
from litestar.params import QueryParameter

from api.http.problems import invalid
from api.ingest.times import RANGE, in_range

DEFAULT_LIMIT = 50
MAX_LIMIT = 500
MAX_CURSOR = 4096
"""Longest cursor accepted: above the longest one issued (a 256-character `q` of characters
JSON escapes in six bytes, signed), so every cursor the API hands out comes back."""

Limit = Annotated[
    int,
    QueryParameter(
        description=f"Page size, 1 to {MAX_LIMIT}. Larger values are rejected, not clamped.",
        ge=1,
        le=MAX_LIMIT,
    ),
]
Cursor = Annotated[
    str | None,
    QueryParameter(
        description=(
            "Opaque `next_cursor` of the previous page. Filters may be repeated with the "
            "same values or left out; a different value is rejected."
        ),
        min_length=1,
        max_length=MAX_CURSOR,
    ),
]


@cache
def _query_names(handler: HTTPRouteHandler) -> dict[str, bool]:
    """Each query parameter the handler declares, and whether its values are text."""
    # Every query parameter of the project is declared with `QueryParameter`.
    return {
        field.kwarg_definition.name or name: any(
            t.annotation is str for t in (field.inner_types if field.is_optional else (field,))
        )
        for name, field in handler.parsed_fn_signature.parameters.items()
        if isinstance(field.kwarg_definition, QueryParameter)
    }


@cache
def _list_names(handler: HTTPRouteHandler) -> frozenset[str]:
    return frozenset(
        field.kwarg_definition.name or name
        for name, field in handler.parsed_fn_signature.parameters.items()
        if isinstance(field.kwarg_definition, QueryParameter) and field.is_non_string_sequence
    )


async def reject_unknown_query_params(request: Request[Any, Any, Any]) -> None:
    """before_request hook: a query parameter the operation does not declare is a 400, and so
    is `null` as the value of one that is not text (a parameter is left out, never null), and
    so is a single-valued one given more than once (`limit=1&limit=2`)."""
    handler = request.route_handler
    if not isinstance(handler, HTTPRouteHandler):
        return
    allowed = _query_names(handler)
    for name, value in request.query_params.multi_items():
        if name not in allowed:
            known = ", ".join(sorted(allowed)) or "none"
            raise invalid(name, f"is not a parameter of this operation (accepted: {known})")
        if value == "null" and not allowed[name]:
            raise invalid(name, "is never null: leave the parameter out instead")
        if len(request.query_params.getall(name)) > 1 and name not in _list_names(handler):
            raise invalid(name, "is given more than once; it takes one value")


IncludeTotal = Annotated[
    bool,
    QueryParameter(
        description="Also return `total`, the number of matching rows (costs a count query).",
    ),
]


def rfc3339(name: str, value: str | None) -> int | None:
    """Unix seconds of an RFC 3339 time (offset required); anything else is a 400 naming it."""
    if value is None:
        return None
    try:
        when = msgspec.convert(value, Annotated[datetime, msgspec.Meta(tz=True)])
        seconds = int(when.timestamp())
    except (msgspec.ValidationError, OverflowError, OSError, ValueError) as exc:
        raise invalid(
            name, "must be an RFC 3339 time with an offset, like 2017-06-18T19:03:00Z"
        ) from exc
    if not in_range(when):
        raise invalid(name, f"must lie from {RANGE}")
    return seconds
