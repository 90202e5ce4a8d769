"""Shared fixtures: real SQLite files with real pages, and HTTP clients over the app."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import httpx
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from api import db
from api.app import create_app
from api.ingest.page import parse_page
from api.pagination import Cursors, FilterValue, KeyValue
from api.settings import Settings
from api.store.writes import store_page

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "fixtures" / "putin-kgb-dresden.txt"
EDGE = Path(__file__).resolve().parent / "pages" / "edge-cases.txt"
SEED_ID = 1
EDGE_ID = 2
THREADBASE = [sys.executable, "-c", "from api.cli import main; main()"]
TEST_SECRET = "a secret only the tests know"


def sign(scope: str, filters: dict[str, FilterValue], key: list[KeyValue]) -> str:
    """A cursor as the `app` fixture (which signs with TEST_SECRET) would issue it."""
    return Cursors(TEST_SECRET.encode()).encode(scope, filters, key)


def ingest(path: Path, *pages: Path) -> None:
    """Store `pages` into the SQLite file at `path`, in order."""
    conn = db.connect(path)
    try:
        for page in pages:
            store_page(conn, parse_page(page.read_text(encoding="utf-8")))
    finally:
        conn.close()


@pytest.fixture(scope="session")
def seeded_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database holding the seed (article 1) and the edge-case page (article 2). Read only."""
    path = tmp_path_factory.mktemp("seeded") / "threadbase.db"
    ingest(path, SEED, EDGE)
    return path


@pytest.fixture
def app(seeded_db: Path) -> Litestar:
    # The request budget is shared by every app serving this file, so tests that count
    # requests make an app of their own.
    return create_app(Settings(db_path=seeded_db, secret=TEST_SECRET, rate_limit_per_minute=0))


@pytest.fixture
async def client(app: Litestar) -> AsyncIterator[AsyncTestClient[Litestar]]:
    async with AsyncTestClient(app) as c:
        yield c


def assert_problem(response: httpx.Response, status: int, field: str | None = None) -> None:
    """`response` is an RFC 9457 problem with `status`, naming `field` when one is given."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    if field is not None:
        assert response.json()["invalid_params"][0]["name"] == field


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def served(
    path: Path,
    *,
    workers: int = 1,
    env: dict[str, str] | None = None,
    stderr: Path | None = None,
) -> Iterator[str]:
    """`threadbase serve` on the database at `path`, as a real process; yields its base URL.

    Its output goes to `server-PORT.log` beside the database; its stderr to `stderr` instead,
    when given.
    """
    port = free_port()
    log_path = path.parent / f"server-{port}.log"
    with log_path.open("wb") as log, (stderr or log_path).open("ab") as errors:
        proc = subprocess.Popen(
            [
                *THREADBASE,
                "serve",
                "--db",
                str(path),
                "--port",
                str(port),
                "--workers",
                str(workers),
            ],
            stdout=log,
            stderr=errors if stderr else subprocess.STDOUT,
            env={**os.environ, **(env or {})},
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    if time.monotonic() > deadline or proc.poll() is not None:
                        raise RuntimeError(
                            f"server did not start: {log_path.read_text()}"
                        ) from None
                    time.sleep(0.1)
            yield base
        finally:
            proc.terminate()
            proc.wait(timeout=10)


REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


@contextmanager
def redis_server(home: Path) -> Iterator[str]:
    """A throwaway redis-server on a free port, its files in `home`; yields its URL.

    Nothing is persisted (no RDB snapshots, no AOF), and the process is stopped afterwards.
    Debian's `redis-server` package provides it (`make test` installs it when missing).
    """
    from redis import Redis
    from redis.exceptions import ConnectionError as RedisConnectionError

    if not Path(REDIS_SERVER).exists():
        pytest.fail("redis-server is missing: `make test` installs Debian's redis-server")
    home.mkdir(parents=True, exist_ok=True)
    port = free_port()
    log_path = home / "redis.log"
    proc = subprocess.Popen(
        [
            REDIS_SERVER,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--dir",
            str(home),
            "--save",
            "",
            "--appendonly",
            "no",
            "--daemonize",
            "no",
            "--logfile",
            str(log_path),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    url = f"redis://127.0.0.1:{port}/0"
    try:
        client = Redis.from_url(url)
        deadline = time.monotonic() + 30
        while True:
            try:
                client.ping()
                break
            except RedisConnectionError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    text = log_path.read_text() if log_path.exists() else ""
                    raise RuntimeError(f"redis-server did not start: {text}") from None
                time.sleep(0.05)
        client.close()
        yield url
    finally:
        proc.terminate()
        with suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=10)
        if proc.poll() is None:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One throwaway redis-server for the session; tests keep apart by their own keys."""
    with redis_server(tmp_path_factory.mktemp("redis")) as url:
        yield url
