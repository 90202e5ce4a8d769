"""Our own Prometheus series, beside the per-route request counts of api/http/metrics_route.py.

They say what request counts cannot: database connections, parse time, what ingest stored,
rate-limit rejections and replica lag. Only prometheus_client here, so the store and the parser
pool can count without importing the web framework.

With several uvicorn workers, `threadbase serve` sets `PROMETHEUS_MULTIPROC_DIR` to a fresh
temporary folder before the workers start: every worker writes its values there, and a scrape,
whichever worker answers it, adds them up (prometheus_client's multiprocess mode). Gauges say
how workers combine: `livesum` (connections) or `livemax` (replica lag).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager

from prometheus_client import Counter, Gauge, Histogram, multiprocess

METRICS_PATH = "/metrics"
PREFIX = "threadbase"
MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"

DB_CONNECTIONS_OPEN = Gauge(
    f"{PREFIX}_db_connections_open",
    "Database connections open, by pool.",
    ["pool"],
    multiprocess_mode="livesum",
)
DB_CONNECTIONS_IN_USE = Gauge(
    f"{PREFIX}_db_connections_in_use",
    "Database connections running a statement or transaction now, by pool.",
    ["pool"],
    multiprocess_mode="livesum",
)
PARSE_SECONDS = Histogram(
    f"{PREFIX}_parse_seconds",
    "Time to parse one submitted page, waiting for the parser process included.",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
INGEST_PAGES = Counter(
    f"{PREFIX}_ingest_pages",
    "Pages stored through the API, by outcome (created, unchanged, replaced).",
    ["outcome"],
)
INGEST_COMMENTS = Counter(
    f"{PREFIX}_ingest_comments",
    "Comments stored through the API (new and replaced articles).",
)
RATE_LIMIT_REJECTIONS = Counter(
    f"{PREFIX}_rate_limit_rejections",
    "Requests refused with a 429 because the client's budget was spent.",
)
REPLICA_LAG_SECONDS = Gauge(
    f"{PREFIX}_replica_lag_seconds",
    "How far the read database trails the primary; 0 for SQLite (reads and writes share one file).",
    multiprocess_mode="livemax",
)
REPLICA_LAG_BYTES = Gauge(
    f"{PREFIX}_replica_lag_bytes",
    "Bytes of the primary's WAL the furthest-behind read replica has not replayed yet; 0 when "
    "reads use the primary.",
    multiprocess_mode="livemax",
)


@contextmanager
def connection_in_use(pool: str) -> Iterator[None]:
    """Count a connection of `pool` as in use while the block runs."""
    gauge = DB_CONNECTIONS_IN_USE.labels(pool)
    gauge.inc()
    try:
        yield
    finally:
        gauge.dec()


def pool_sizes(sizes: dict[str, tuple[int, int]]) -> None:
    """Set the gauges of pools whose size changes: `{pool: (open, in use)}`."""
    for pool, (opened, in_use) in sizes.items():
        DB_CONNECTIONS_OPEN.labels(pool).set(opened)
        DB_CONNECTIONS_IN_USE.labels(pool).set(in_use)


def replica_lag(lag: tuple[float, int] | None) -> None:
    """Set the replica-lag gauges (None: not readable now, the gauges keep their values)."""
    if lag is not None:
        REPLICA_LAG_SECONDS.set(lag[0])
        REPLICA_LAG_BYTES.set(lag[1])


def connections_opened(pool: str, count: int) -> None:
    """`count` connections of `pool` were opened (negative: closed)."""
    DB_CONNECTIONS_OPEN.labels(pool).inc(count)


@contextmanager
def parse_timer() -> Iterator[None]:
    """Observe the block's duration as one page's parse time."""
    start = time.perf_counter()
    try:
        yield
    finally:
        PARSE_SECONDS.observe(time.perf_counter() - start)


def ingested(outcome: str, comments: int) -> None:
    """One page stored through the API (`created`, `merged`, `unchanged` or `replaced`) and
    the comments it added."""
    INGEST_PAGES.labels(outcome).inc()
    if outcome != "unchanged":
        INGEST_COMMENTS.inc(comments)


def worker_stopped() -> None:
    """Drop this process's live gauges from a multiprocess scrape."""
    if os.environ.get(MULTIPROC_ENV):
        multiprocess.mark_process_dead(os.getpid())  # type: ignore[no-untyped-call]
