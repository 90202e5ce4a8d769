"""Runtime settings, read from the environment once and passed into `create_app`."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import msgspec

DEFAULT_DB = Path("data/threadbase.db")
LOG_FORMATS = ("text", "json")


class Settings(msgspec.Struct, kw_only=True, frozen=True):
    """Everything the app needs to know about its environment."""

    db_path: Path = DEFAULT_DB
    """SQLite file (`THREADBASE_DB`, or `THREADBASE_DATABASE_URL=sqlite:///path`)."""
    database_url: str | None = None
    """PostgreSQL to use instead of SQLite (`THREADBASE_DATABASE_URL=postgresql://…`)."""
    read_database_urls: tuple[str, ...] = ()
    """PostgreSQL streaming standbys for reads (`THREADBASE_READ_DATABASE_URL`, comma-separated)."""
    debug: bool = False
    """Litestar debug mode (`THREADBASE_DEBUG`); never on in production."""
    rate_limit_per_minute: int = 1200
    """Requests per client per minute (`THREADBASE_RATE_LIMIT`); 0 turns limiting off."""
    max_body_bytes: int = 5_000_000
    """Largest request body accepted (`THREADBASE_MAX_BODY_BYTES`); more is a 413."""
    cache_max_age: int = 60
    """`Cache-Control: max-age` of public reads, in seconds (`THREADBASE_CACHE_MAX_AGE`)."""
    secret: str | None = None
    """Key that signs pagination cursors (`THREADBASE_SECRET`); unset, a random key kept in
    the database is used."""
    redis_url: str | None = None
    """Redis holding the rate-limit counters (`THREADBASE_REDIS_URL`); else a SQLite file."""
    header_timeout: float = 10.0
    """Seconds a connection may take to send a request's headers (`THREADBASE_HEADER_TIMEOUT`)."""
    parse_budget_seconds: float = 10.0
    """Longest a page may take to parse (`THREADBASE_PARSE_BUDGET_SECONDS`); more is a 422."""
    parse_workers: int | None = None
    """Processes `threadbase ingest` parses pages in, side by side (`THREADBASE_PARSE_WORKERS`);
    unset, one per core."""
    search_deadline_seconds: float = 2.0
    """Longest a search query may run (`THREADBASE_SEARCH_DEADLINE_SECONDS`); more is a 503."""
    log_format: str = "text"
    """`text` (uvicorn's lines) or `json`, one object per line (`THREADBASE_LOG_FORMAT`)."""
    response_cache_bytes: int = 16_000_000
    """Encoded responses each worker keeps (`THREADBASE_RESPONSE_CACHE_BYTES`); 0 keeps none."""

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Settings from `THREADBASE_*` variables, defaults for the rest."""
        env = os.environ if environ is None else environ
        log_format = env.get("THREADBASE_LOG_FORMAT", "text").strip().lower() or "text"
        if log_format not in LOG_FORMATS:
            raise ValueError(f"THREADBASE_LOG_FORMAT must be one of {', '.join(LOG_FORMATS)}")
        db_path, database_url = parse_database_url(
            env.get("THREADBASE_DATABASE_URL") or None,
            Path(env.get("THREADBASE_DB", str(DEFAULT_DB))),
        )
        return cls(
            db_path=db_path,
            database_url=database_url,
            read_database_urls=tuple(
                u.strip()
                for u in env.get("THREADBASE_READ_DATABASE_URL", "").split(",")
                if u.strip()
            ),
            debug=env.get("THREADBASE_DEBUG", "").lower() in {"1", "true", "yes"},
            rate_limit_per_minute=int(env.get("THREADBASE_RATE_LIMIT", "1200")),
            cache_max_age=int(env.get("THREADBASE_CACHE_MAX_AGE", "60")),
            max_body_bytes=int(env.get("THREADBASE_MAX_BODY_BYTES", "5000000")),
            secret=env.get("THREADBASE_SECRET") or None,
            redis_url=env.get("THREADBASE_REDIS_URL") or None,
            header_timeout=float(env.get("THREADBASE_HEADER_TIMEOUT", "10")),
            parse_budget_seconds=float(env.get("THREADBASE_PARSE_BUDGET_SECONDS", "10")),
            parse_workers=_positive_or_none(env, "THREADBASE_PARSE_WORKERS"),
            search_deadline_seconds=float(env.get("THREADBASE_SEARCH_DEADLINE_SECONDS", "2")),
            log_format=log_format,
            response_cache_bytes=int(env.get("THREADBASE_RESPONSE_CACHE_BYTES", "16000000")),
        )


def _positive_or_none(env: Mapping[str, str], name: str) -> int | None:
    """A whole number of at least 1 from `name`, or None when it is unset or empty."""
    raw = env.get(name, "").strip()
    if not raw:
        return None
    value = int(raw)
    if value < 1:
        raise ValueError(f"{name} must be at least 1")
    return value


SQLITE_SCHEME = "sqlite:///"
POSTGRES_SCHEMES = ("postgresql://", "postgres://")


def parse_database_url(url: str | None, default_path: Path) -> tuple[Path, str | None]:
    """`(SQLite path, PostgreSQL URL)` for a `THREADBASE_DATABASE_URL`: SQLite at
    `default_path` when unset, at `path` for `sqlite:///path`; a ValueError for anything else."""
    if url is None:
        return default_path, None
    if url.startswith(SQLITE_SCHEME) and len(url) > len(SQLITE_SCHEME):
        return Path(url.removeprefix(SQLITE_SCHEME)), None
    if url.startswith(POSTGRES_SCHEMES):
        return default_path, url
    raise ValueError(
        f"THREADBASE_DATABASE_URL must be sqlite:///path or postgresql://…, not {url!r}"
    )
