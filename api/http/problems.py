"""Domain errors and their mapping onto RFC 9457 problem details."""

from __future__ import annotations

import logging
import sqlite3
from typing import Any

import asyncpg
from litestar import Request, Response
from litestar.exceptions import (
    HTTPException,
    MethodNotAllowedException,
    NotFoundException,
    ValidationException,
)
from litestar.plugins.problem_details import ProblemDetailsConfig, ProblemDetailsException

from api.parsing.pool import ParserRestarted
from api.store.protocol import StoreBusy
from schemas import InvalidParam
from schemas.problems import ParamLocation

PROBLEM_BASE = "https://threadbase.dev/problems/"
logger = logging.getLogger("threadbase")


class ApiProblem(ProblemDetailsException):
    """A problem whose `instance` is the path of the request that raised it."""

    def to_response(self, request: Request[Any, Any, Any]) -> Response[dict[str, Any]]:
        """Fill `instance` from the request, then render RFC 9457 JSON."""
        self.instance = self.instance or request.url.path
        return super().to_response(request)


class InvalidParameters(ApiProblem):
    """400: one or more request fields were rejected; each is named in `invalid_params`."""

    def __init__(self, *params: InvalidParam, detail: str | None = None) -> None:
        super().__init__(
            status_code=400,
            type_=PROBLEM_BASE + "invalid-parameters",
            title="Invalid request parameters",
            detail=detail or "; ".join(f"{p.name}: {p.reason}" for p in params),
            extra={"invalid_params": [_param_dict(p) for p in params]},
        )


def invalid(name: str, reason: str, location: ParamLocation = "query") -> InvalidParameters:
    """Shorthand for a single rejected field."""
    return InvalidParameters(InvalidParam(name=name, location=location, reason=reason))


class ResourceNotFound(ApiProblem):
    """404: the named resource does not exist."""

    def __init__(self, kind: str, ident: object, *, by: str = "id") -> None:
        super().__init__(
            status_code=404,
            type_=PROBLEM_BASE + "not-found",
            title="Resource not found",
            detail=f"No {kind} with {by} {ident}.",
        )


class ServiceBusy(ApiProblem):
    """503: the request could not be served now (a locked database, a deadline, a restarted
    parser); the same request is expected to succeed later."""

    def __init__(self, detail: str, retry_after: int = 1) -> None:
        super().__init__(
            status_code=503,
            type_=PROBLEM_BASE + "busy",
            title="Service busy",
            detail=f"{detail} Retry in {retry_after} s.",
            headers={"Retry-After": str(retry_after)},
        )


class ParseBudgetProblem(ApiProblem):
    """422: the page costs more to parse than the parse budget allows."""

    def __init__(self, budget: float) -> None:
        super().__init__(
            status_code=422,
            type_=PROBLEM_BASE + "parse-budget-exceeded",
            title="Page too costly to parse",
            detail=(
                f"Parsing this page took longer than {budget:g} s "
                "(THREADBASE_PARSE_BUDGET_SECONDS) and was stopped."
            ),
            extra={
                "invalid_params": [
                    {"name": "body", "location": "body", "reason": "takes too long to parse"}
                ]
            },
        )


BUSY_MESSAGES = ("database is locked", "database is busy", "database table is locked")


def _from_sqlite(exc: sqlite3.OperationalError) -> ApiProblem:
    """A locked database or an interrupted query is a 503 to retry; anything else a 500."""
    message = str(exc)
    if any(m in message for m in BUSY_MESSAGES):
        return ServiceBusy("The database is busy with another write.")
    if "interrupted" in message:
        return ServiceBusy("The query ran past its time limit.")
    return _from_unexpected(exc)


def _from_busy(exc: StoreBusy) -> ApiProblem:
    return ServiceBusy(str(exc))


UNREACHABLE_RETRY_SECONDS = 5
UNREACHABLE = (
    ConnectionError,  # refused, reset: nothing listens, or the server went away
    asyncpg.PostgresConnectionError,  # the connection broke (SQLSTATE class 08)
    asyncpg.exceptions.CannotConnectNowError,  # starting up or shutting down
    asyncpg.exceptions.AdminShutdownError,
    asyncpg.exceptions.CrashShutdownError,
    asyncpg.exceptions.InterfaceError,  # only "connection … closed" (see `_from_unreachable`)
)
"""Errors of a database that cannot be reached now (PostgreSQL stopped, restarting, or away
from the network): a 503 to retry, never a 500."""


def _from_unreachable(exc: Exception) -> ApiProblem:
    if isinstance(exc, asyncpg.exceptions.InterfaceError) and "closed" not in str(exc):
        return _from_unexpected(exc)  # a misuse of the driver, not an outage
    logger.warning("database unreachable: %s", exc)
    return ServiceBusy("The database cannot be reached.", UNREACHABLE_RETRY_SECONDS)


def _from_parser_restart(exc: ParserRestarted) -> ApiProblem:
    return ServiceBusy("The parser was restarted while this page waited for it.")


def _param_dict(param: InvalidParam) -> dict[str, str]:
    return {"name": param.name, "location": param.location, "reason": param.reason}


_SOURCES: dict[str, ParamLocation] = {
    "query": "query",
    "path": "path",
    "header": "header",
    "cookie": "cookie",
    "body": "body",
}


def _source(value: object) -> ParamLocation:
    """Litestar's `source` (a str-valued enum, or "body") as our location."""
    return _SOURCES.get(str(getattr(value, "value", value)), "query")


def _from_validation(exc: ValidationException) -> ApiProblem:
    params: list[InvalidParam] = []
    extra: Any = exc.extra
    for item in extra if isinstance(extra, list) else []:
        if isinstance(item, dict):
            source = _source(item.get("source", "query"))
            name = str(item.get("key") or "body")
            if source == "header":  # the handler's argument name -> the header's name
                name = "-".join(word.capitalize() for word in name.split("_"))
            params.append(
                InvalidParam(
                    name=name,
                    location=source,
                    reason=str(item.get("message") or "invalid value"),
                )
            )
    if not params:
        params.append(InvalidParam(name="body", location="body", reason=str(exc.detail)))
    return InvalidParameters(*params)


_HTTP_PROBLEMS = {
    404: ("not-found", "Resource not found"),
    405: ("method-not-allowed", "Method not allowed"),
    413: ("payload-too-large", "Request body too large"),
    429: ("rate-limited", "Too many requests"),
}


def _from_http(exc: HTTPException) -> ApiProblem:
    slug, title = _HTTP_PROBLEMS.get(exc.status_code, ("http-error", str(exc.detail)))
    headers = dict(exc.headers or {})
    detail = str(exc.detail)
    if exc.status_code == 429:
        reset = headers.get("RateLimit-Reset", "60")
        headers["Retry-After"] = reset
        detail = f"The request budget is spent; retry in {reset} seconds."
    return ApiProblem(
        status_code=exc.status_code,
        type_=PROBLEM_BASE + slug,
        title=title,
        detail=detail,
        headers=headers,
    )


def _from_unexpected(exc: Exception) -> ApiProblem:
    logger.error("unhandled error", exc_info=exc)
    return ApiProblem(
        status_code=500,
        type_=PROBLEM_BASE + "internal-error",
        title="Internal server error",
        detail="The server could not answer this request; the error has been logged.",
    )


def problem_details_config() -> ProblemDetailsConfig:
    """Every error leaves the app as `application/problem+json` with an `instance`."""
    return ProblemDetailsConfig(
        enable_for_all_http_exceptions=True,
        exception_to_problem_detail_map={
            ValidationException: _from_validation,
            NotFoundException: _from_http,
            MethodNotAllowedException: _from_http,
            HTTPException: _from_http,
            sqlite3.OperationalError: _from_sqlite,
            StoreBusy: _from_busy,
            **dict.fromkeys(UNREACHABLE, _from_unreachable),
            ParserRestarted: _from_parser_restart,
            Exception: _from_unexpected,
        },
    )
