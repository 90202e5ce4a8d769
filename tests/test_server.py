"""The real server: `threadbase serve` on 127.0.0.1, spoken to over TCP with httpx."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest

from api.store.sqlite import connections as db
from tests.conftest import SEED, ingest, served


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    path = tmp_path_factory.mktemp("server") / "served.db"
    ingest(path, SEED)
    with served(path, workers=2) as base:
        yield base


def test_health_and_pages_over_tcp(server: str) -> None:
    with httpx.Client(base_url=server, timeout=5) as client:
        health = client.get("/healthz").json()
        assert health == {"status": "ok", "schema_version": db.latest_version(), "articles": 1}
        seen: list[int] = []
        url: str | None = "/v1/articles/1/comments?limit=4&sort=-posted_at"
        while url:
            r = client.get(url)
            assert r.status_code == 200
            seen += [c["id"] for c in r.json()["items"]]
            link = r.headers.get("link")
            url = link[link.index("<") + 1 : link.index(">")] if link else None
        assert sorted(seen) == list(range(1, 23))
        assert len(seen) == 22


def test_problem_over_tcp(server: str) -> None:
    r = httpx.get(f"{server}/v1/articles/1/comments?limit=9999", timeout=5)
    assert r.status_code == 400
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["invalid_params"][0]["name"] == "limit"
    assert "server" not in r.headers


def test_serve_prints_where_to_go_once_it_answers(
    server: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    port = server.rsplit(":", 1)[1]
    log = next(tmp_path_factory.getbasetemp().glob(f"server*/server-{port}.log"))
    deadline = time.monotonic() + 10  # liveness bound: the banner follows the first 200
    while "health " not in log.read_text() and time.monotonic() < deadline:
        time.sleep(0.1)
    text = log.read_text()
    assert text.count("Threadbase is serving") == 1
    for line in (f"reader   {server}/", f"docs     {server}/docs", f"health   {server}/healthz"):
        assert line in text
    assert f"database: {tmp_path_factory.getbasetemp()}" in text
