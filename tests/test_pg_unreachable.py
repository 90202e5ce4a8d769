"""A node whose PostgreSQL goes away answers 503 problems with Retry-After, not 500s, and
serves again once the database is back (its pools reconnect)."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from contextlib import suppress
from pathlib import Path

import httpx
import pytest

from tests import pg_cluster
from tests.conftest import served


@pytest.fixture
def cluster() -> Iterator[pg_cluster.Cluster]:
    """A cluster of this test's own: it is stopped and started again under a running node."""
    found = pg_cluster.init_cluster()
    try:
        found.start()
        yield found
        with suppress(subprocess.CalledProcessError):  # already stopped when the test failed
            found.stop()
    finally:
        pg_cluster.remove(found)


def test_a_stopped_database_is_a_503_until_it_is_back(
    tmp_path: Path, cluster: pg_cluster.Cluster
) -> None:
    url = cluster.create_database("node")
    env = {"THREADBASE_DATABASE_URL": url, "THREADBASE_RATE_LIMIT": "0"}
    with served(tmp_path / "unused.db", env=env) as base, httpx.Client(timeout=30) as client:
        assert client.get(f"{base}/v1/articles").status_code == 200
        assert client.get(f"{base}/healthz").status_code == 200
        cluster.stop()
        for path in ("/v1/articles", "/v1/articles/1/comments", "/healthz", "/v1/search?q=x"):
            r = client.get(f"{base}{path}")
            assert r.status_code == 503, (path, r.text)
            assert r.headers["content-type"] == "application/problem+json", path
            assert int(r.headers["retry-after"]) > 0, path
            assert "database" in r.json()["detail"], path
        cluster.start()
        assert client.get(f"{base}/v1/articles").status_code == 200
        assert client.get(f"{base}/healthz").status_code == 200
