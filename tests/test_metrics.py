"""/metrics over a real two-worker server: the numbers move with real traffic, and a scrape
sees both workers (prometheus_client's multiprocess mode, set up by `threadbase serve`)."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
from prometheus_client.parser import text_string_to_metric_families

from api.store.api_keys import make_key
from api.store.sqlite import connections as db
from api.store.sqlite.keys import create_key
from tests.conftest import EDGE, SEED, ingest, served

BUDGET = 12
ARTICLE = "/v1/articles/{article_id}"
Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def scrape(base: str) -> Samples:
    """Every sample of one scrape, by name and labels."""
    r = httpx.get(f"{base}/metrics", timeout=10)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/plain; version=")
    assert r.headers["cache-control"] == "no-store"
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(r.text)
        for s in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    """The sum of `name`'s samples whose labels include `labels` (0 when there is none)."""
    wanted = set(labels.items())
    return sum(v for (n, ls), v in samples.items() if n == name and wanted <= ls)


def test_metrics_move_with_traffic(tmp_path: Path) -> None:
    path = tmp_path / "threadbase.db"
    ingest(path, SEED)
    key = make_key()
    conn = db.connect(path)
    create_key(conn, "metrics", key)
    conn.close()
    env = {"THREADBASE_RATE_LIMIT": str(BUDGET)}
    with served(path, workers=2, env=env) as base, httpx.Client(base_url=base, timeout=30) as c:
        # The server answers once one worker is up; wait for the other (a liveness bound).
        deadline = time.monotonic() + 60
        while value(scrape(base), "threadbase_db_connections_open", pool="reader") < 2:
            assert time.monotonic() < deadline, "the second worker never reported"
            time.sleep(0.2)
        before = scrape(base)
        created = c.post(
            "/v1/articles",
            content=EDGE.read_bytes(),
            headers={"Authorization": f"Bearer {key.token}", "Content-Type": "text/plain"},
        )
        assert created.status_code == 201, created.text
        comments = created.json()["counts"]["comments"]
        assert comments > 0
        reads = [c.get("/v1/articles/1"), c.get("/v1/articles/2"), c.get("/v1/articles/1")]
        assert [r.status_code for r in reads] == [200, 200, 200]
        assert c.get("/v1/articles/1/comments").status_code == 200
        refused = 0
        while refused == 0:
            refused += c.get("/v1/articles/1").status_code == 429
        # A spent budget does not stop the scraper, and every worker reports all of them.
        after = scrape(base)
        for _ in range(4):
            again = scrape(base)
            assert value(again, "threadbase_db_connections_open", pool="reader") == 2

    def moved(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    ok = {"method": "GET", "path": ARTICLE, "status_code": "200"}
    assert moved("threadbase_requests_total", **ok) >= 3
    assert moved("threadbase_request_duration_seconds_count", **ok) >= 3
    assert (
        moved("threadbase_requests_total", method="POST", path="/v1/articles", status_code="201")
        == 1
    )
    assert moved("threadbase_requests_total", path=ARTICLE, status_code="429") == 1
    assert moved("threadbase_rate_limit_rejections_total") == 1
    assert moved("threadbase_ingest_pages_total", outcome="created") == 1
    assert moved("threadbase_ingest_comments_total") == comments
    assert moved("threadbase_parse_seconds_count") == 1
    assert value(after, "threadbase_db_connections_open", pool="writer") == 2
    assert value(after, "threadbase_replica_lag_seconds") == 0
    assert value(after, "threadbase_replica_lag_bytes") == 0
    # Route templates, never raw paths; /metrics itself is not counted.
    paths = {dict(labels).get("path") for (_, labels) in after}
    assert "/v1/articles/1" not in paths
    assert "/metrics" not in paths
