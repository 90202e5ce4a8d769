"""Logs: uvicorn's text by default; one JSON object per line with `THREADBASE_LOG_FORMAT=json`.

In JSON mode every line on stderr is an object: one per request (`threadbase.access`: method,
path, status, duration_ms, request_id) in place of uvicorn's access line, and errors with the
request they happened in. The request id is the one the response carries in `X-Request-Id`;
`Threadbase.__call__` (api/http/asgi.py) puts it in `REQUEST` for everything logged meanwhile.
"""

from __future__ import annotations

import json
import logging
import time
from contextvars import ContextVar
from typing import Any

ACCESS = logging.getLogger("threadbase.access")
REQUEST: ContextVar[dict[str, str] | None] = ContextVar("threadbase_request", default=None)
_FIELDS = ("method", "path", "status", "duration_ms", "request_id")


class JsonFormatter(logging.Formatter):
    """A log record as one line of JSON, with the current request's id, method and path."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as a JSON object on one line."""
        line: dict[str, Any] = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        line.update(REQUEST.get() or {})
        for field in _FIELDS:
            if field in record.__dict__:
                line[field] = record.__dict__[field]
        if record.exc_info:
            line["error"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def uvicorn_log_config(log_format: str) -> dict[str, Any] | None:
    """uvicorn's `log_config` for `log_format`; None keeps uvicorn's own (text)."""
    if log_format != "json":
        return None
    handler = {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "api.http.logs.JsonFormatter"}},
        "handlers": {"stderr": handler},
        "loggers": {
            "uvicorn": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
            "uvicorn.error": {"level": "INFO"},
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
            "threadbase": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
        },
        "root": {"handlers": ["stderr"], "level": "WARNING"},
    }


def log_request(method: str, path: str, status: int, started: float, request_id: str) -> None:
    """The access line of one finished request (only when JSON logs are on)."""
    ACCESS.info(
        "%s %s %d",
        method,
        path,
        status,
        extra={
            "method": method,
            "path": path,
            "status": status,
            "duration_ms": round((time.perf_counter() - started) * 1000, 3),
            "request_id": request_id,
        },
    )
