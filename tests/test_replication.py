"""Read replicas over real processes: a primary, a streaming standby made with
`pg_basebackup -R`, and two API nodes that read from the standby and write to the primary.

The standby's replay is paused while the write happens, so where each read went is certain: a
read that finds the new article came from the primary.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import asyncpg
import httpx
import pytest

from api.settings import Settings
from api.store.api_keys import make_key
from api.store.postgres.replicas import COOKIE, HEADER
from tests import pg_cluster
from tests.conftest import SEED, on_store, served

REPLICA_CATCH_UP_SECONDS = 30  # a liveness bound, not a timing assertion


def query(url: str, sql: str) -> object:
    """The first value `sql` answers on the database at `url`."""

    async def run() -> object:
        conn = await asyncpg.connect(url)
        try:
            return await conn.fetchval(sql)
        finally:
            await conn.close()

    return asyncio.run(run())


def wait_for(check: Callable[[], bool], what: str) -> None:
    """Poll `check()` until it is true, within REPLICA_CATCH_UP_SECONDS."""
    deadline = time.monotonic() + REPLICA_CATCH_UP_SECONDS
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen")
        time.sleep(0.1)


def metric(base: str, name: str) -> float:
    """The value of the unlabelled series `name` in a node's /metrics scrape."""
    for line in httpx.get(f"{base}/metrics").text.splitlines():
        if line.startswith(name + " "):
            return float(line.split()[1])
    raise AssertionError(f"{name} is not in the scrape")


@pytest.fixture
def replicated() -> Iterator[tuple[str, str]]:
    """`(primary URL, standby URL)` of one database, streamed from a primary to a standby."""
    primary = pg_cluster.init_cluster()
    standby: pg_cluster.Cluster | None = None
    try:
        primary.start()
        url = primary.create_database("replicated")
        standby = pg_cluster.standby_of(primary)
        standby.start()
        yield url, standby.url("replicated")
    finally:
        for cluster in (standby, primary):
            if cluster is not None:
                try:
                    cluster.stop()
                finally:
                    pg_cluster.remove(cluster)


def test_reads_go_to_the_standby_and_a_writer_reads_its_writes(
    replicated: tuple[str, str], tmp_path: Path
) -> None:
    primary_url, standby_url = replicated
    key = make_key()

    on_store(Settings(database_url=primary_url), lambda store: store.create_key("node", key))

    def key_replayed() -> bool:
        try:
            return query(standby_url, "SELECT count(*) FROM api_keys") == 1
        except asyncpg.exceptions.UndefinedTableError:  # not even the schema yet
            return False

    wait_for(key_replayed, "the standby replaying the schema and the key")
    env = {
        "THREADBASE_DATABASE_URL": primary_url,
        "THREADBASE_READ_DATABASE_URL": standby_url,
        "THREADBASE_RATE_LIMIT": "0",
    }
    with (
        served(tmp_path / "node-a.db", env=env) as node_a,
        served(tmp_path / "node-b.db", env=env) as node_b,
    ):
        query(standby_url, "SELECT pg_wal_replay_pause()")
        created = httpx.post(
            f"{node_a}/v1/articles",
            content=SEED.read_text(encoding="utf-8"),
            headers={"Authorization": f"Bearer {key.token}", "Content-Type": "text/plain"},
            timeout=30,
        )
        assert created.status_code == 201, created.text
        location = created.headers["location"]
        until = created.headers[HEADER]
        assert created.cookies[COOKIE] == until

        # Node B, for a client that has not written: the standby, which has not replayed it.
        assert httpx.get(f"{node_b}{location}").status_code == 404
        # The writer, carrying the cookie (browsers) or the header (other clients), reads
        # from the primary on any node.
        with_cookie = httpx.get(f"{node_b}{location}", cookies={COOKIE: until})
        assert with_cookie.status_code == 200, with_cookie.text
        with_header = httpx.get(f"{node_b}{location}/comments", headers={HEADER: until})
        assert with_header.status_code == 200
        assert len(with_header.json()["items"]) > 0
        # A stale or malformed stickiness asks for nothing.
        assert httpx.get(f"{node_b}{location}", headers={HEADER: "1"}).status_code == 404
        assert httpx.get(f"{node_b}{location}", headers={HEADER: "soon"}).status_code == 404

        # The paused standby trails the primary by the write: the lag gauges say so.
        assert metric(node_b, "threadbase_replica_lag_bytes") > 0
        wait_for(
            lambda: metric(node_b, "threadbase_replica_lag_seconds") > 0,
            "the standby receiving the write it has not replayed",
        )

        query(standby_url, "SELECT pg_wal_replay_resume()")
        wait_for(
            lambda: httpx.get(f"{node_b}{location}").status_code == 200,
            "the standby replaying the write",
        )
        article = httpx.get(f"{node_a}{location}").json()
        assert httpx.get(f"{node_b}{location}").json() == article
        wait_for(
            lambda: metric(node_b, "threadbase_replica_lag_bytes") == 0,
            "the lag gauge coming back to 0",
        )
