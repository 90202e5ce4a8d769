"""Shared fixtures: real databases with real pages, and HTTP clients over the app.

The `app` fixture (and so `client`) runs every test that takes it twice: on the SQLite file and
on a PostgreSQL database holding the same pages, in a throwaway cluster started once per
session (`tests.pg_cluster`).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TypeVar

import httpx
import msgspec
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from api.app import create_app
from api.http.pagination import Cursors, FilterValue, KeyValue
from api.ingest.page import parse_page
from api.settings import Settings
from api.store.open import open_store
from api.store.postgres.store import PostgresStore
from api.store.protocol import Source, Store
from api.store.sqlite import connections as db
from api.store.sqlite.store import SqliteStore
from api.store.sqlite.writes import store_page
from tests import pg_cluster

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "fixtures" / "putin-kgb-dresden.txt"
EDGE = Path(__file__).resolve().parent / "pages" / "edge-cases.txt"
SEED_ID = 1
EDGE_ID = 2
T = TypeVar("T")
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


@pytest.fixture(scope="session")
def postgres() -> Iterator[pg_cluster.Cluster]:
    """A PostgreSQL cluster for the session, in a temp dir on a free port."""
    cluster = pg_cluster.init_cluster()
    try:
        cluster.start()
        yield cluster
        cluster.stop()
    finally:
        pg_cluster.remove(cluster)


def ingest_postgres(url: str, *pages: Path) -> None:
    """Store `pages` into the PostgreSQL database at `url`, in order (migrating it first)."""

    async def run() -> None:
        store = await PostgresStore.open(url, search_deadline=2)
        try:
            for page in pages:
                await store.store_page(parse_page(page.read_text(encoding="utf-8")), Source())
        finally:
            await store.close()

    asyncio.run(run())


@pytest.fixture(scope="session")
def seeded_postgres(postgres: pg_cluster.Cluster) -> str:
    """The URL of a PostgreSQL database holding what `seeded_db` holds, with the same ids."""
    url = postgres.create_database("seeded")
    ingest_postgres(url, SEED, EDGE)
    return url


@pytest.fixture
def fresh_postgres(postgres: pg_cluster.Cluster) -> str:
    """The URL of a new, empty PostgreSQL database."""
    return postgres.create_database(f"test_{uuid.uuid4().hex}")


BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """The engine a test's app runs on: every test taking `app` runs on both."""
    name: str = request.param
    return name


@pytest.fixture
def settings(backend: str, request: pytest.FixtureRequest, seeded_db: Path) -> Settings:
    """Settings of the seeded database on `backend`."""
    base = Settings(db_path=seeded_db, secret=TEST_SECRET, rate_limit_per_minute=0)
    if backend == "postgresql":
        return msgspec.structs.replace(
            base, database_url=request.getfixturevalue("seeded_postgres")
        )
    return base


@pytest.fixture
def write_settings(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    """Settings of a new, empty database on `backend`, for tests that write."""
    base = Settings(db_path=tmp_path / "writes.db")
    if backend == "postgresql":
        cluster: pg_cluster.Cluster = request.getfixturevalue("postgres")
        return msgspec.structs.replace(
            base, database_url=cluster.create_database(f"writes_{uuid.uuid4().hex}")
        )
    return base


def on_store(settings: Settings, work: Callable[[Store], Awaitable[T]]) -> T:
    """Run `work` on the store `settings` name, outside any app (keys, counts, checks)."""

    async def run() -> T:
        store = await open_store(settings)
        try:
            return await work(store)
        finally:
            await store.close()

    return asyncio.run(run())


async def count_rows(settings: Settings, tables: list[str]) -> list[int]:
    """Rows in each of `tables` (from an async test)."""
    store = await open_store(settings)
    try:
        if isinstance(store, SqliteStore):
            return [
                next(iter(await store.conn.execute_fetchall(f"SELECT count(*) FROM {t}")))[0]
                for t in tables
            ]
        assert isinstance(store, PostgresStore)
        return [int(await store.pool.fetchval(f"SELECT count(*) FROM {t}")) for t in tables]
    finally:
        await store.close()


@pytest.fixture
def app(settings: Settings) -> Litestar:
    # The request budget is shared by every app serving this file, so tests that count
    # requests make an app of their own.
    return create_app(settings)


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
