"""OpenAPI fragments shared by operations: problem responses and pagination headers."""

from __future__ import annotations

from litestar.datastructures import ResponseHeader
from litestar.openapi.datastructures import ResponseSpec

from schemas import Problem

_DESCRIPTIONS = {
    400: "A query parameter, path parameter or cursor was rejected; `invalid_params` names it.",
    401: "No API key, or not a valid one; see `WWW-Authenticate`.",
    403: "The API key has been revoked.",
    404: "The resource does not exist.",
    409: "Another article already holds this content.",
    413: "The request body is larger than the server accepts.",
    415: "The body is neither `text/plain` nor `application/json`.",
    422: (
        "The `Idempotency-Key` was already used with a different request, or the page took "
        "longer than the parse budget to parse."
    ),
    503: (
        "Busy: the database is locked by another write, a query ran past its deadline, or the "
        "parser restarted; see `Retry-After`."
    ),
    429: "The client's request budget is spent; see `Retry-After` and the RateLimit headers.",
}


def problem_responses(*statuses: int, rate_limited: bool = True) -> dict[int, ResponseSpec]:
    """`application/problem+json` responses for the given error statuses (and 429)."""
    if rate_limited:
        statuses = (*statuses, 429)
    return {
        status: ResponseSpec(
            data_container=Problem,
            media_type="application/problem+json",
            description=_DESCRIPTIONS[status],
            generate_examples=False,
        )
        for status in statuses
    }


LINK_HEADER = ResponseHeader(
    name="Link",
    description='RFC 8288 link to the next page: `<url>; rel="next"`. Absent on the last page.',
    documentation_only=True,
    required=False,
)
