"""The limits of README "Limits", each answered as documented: parse budget, busy database,
concurrent idempotent requests, search cost caps and deadline, health beside a slow read."""

from __future__ import annotations

import asyncio
import sqlite3
import subprocess
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from api.app import create_app
from api.settings import Settings
from bench.hostile import quotes
from tests.conftest import SEED, THREADBASE, assert_problem, ingest
from tests.test_api_writes import Keys, text_headers

Client = AsyncTestClient[Litestar]


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    path = tmp_path / "limits.db"
    ingest(path, SEED)
    return path


@pytest.fixture
def keys(db_path: Path) -> Keys:
    return Keys(Settings(db_path=db_path))


async def _client(db_path: Path, **settings: Any) -> AsyncIterator[Client]:
    app = create_app(Settings(db_path=db_path, rate_limit_per_minute=0, **settings))
    async with AsyncTestClient(app) as c:
        yield c


@pytest.fixture
async def client(db_path: Path, keys: Keys) -> AsyncIterator[Client]:
    async for c in _client(db_path, parse_budget_seconds=1.0, search_deadline_seconds=1e-6):
        yield c


async def test_a_page_over_the_parse_budget_is_a_422_and_the_next_page_parses(
    client: Client, keys: Keys
) -> None:
    r = await client.post("/v1/articles", content=quotes(1_000_000), headers=text_headers(keys))
    assert_problem(r, 422, "body")
    assert r.json()["type"].endswith("/parse-budget-exceeded")
    ok = await client.post(
        "/v1/articles", content="Fine\n\nA short page.\n", headers=text_headers(keys)
    )
    assert ok.status_code == 201, ok.text


def test_the_cli_reports_a_page_over_the_budget_and_ingests_the_rest(tmp_path: Path) -> None:
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "a-hostile.txt").write_text(quotes(1_000_000))
    (pages / "b-seed.txt").write_text(SEED.read_text())
    done = subprocess.run(
        [*THREADBASE, "ingest", str(pages), "--db", str(tmp_path / "cli.db")],
        capture_output=True,
        text=True,
        env={"THREADBASE_PARSE_BUDGET_SECONDS": "1", "PATH": "/usr/bin:/bin"},
        timeout=120,
    )
    assert done.returncode == 1
    assert "a-hostile.txt: page took longer than 1 s to parse" in done.stderr
    assert "1 new article, 0 merged" in done.stdout


async def test_a_locked_database_is_a_503_with_retry_after(
    client: Client, keys: Keys, db_path: Path
) -> None:
    holder = sqlite3.connect(db_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process's long write
    try:
        r = await client.post(
            "/v1/articles", content="Locked\n\nWaits.\n", headers=text_headers(keys)
        )
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert_problem(r, 503)
    assert int(r.headers["retry-after"]) >= 1
    again = await client.post(
        "/v1/articles", content="Locked\n\nWaits.\n", headers=text_headers(keys)
    )
    assert again.status_code == 201


async def test_one_idempotency_key_sent_ten_times_at_once_executes_once(
    client: Client, keys: Keys
) -> None:
    headers = text_headers(keys, **{"Idempotency-Key": "once"})
    before = (await client.get("/healthz")).json()["articles"]
    sent = [
        client.post("/v1/articles", content="Once\n\nOnly once.\n", headers=headers)
        for _ in range(10)
    ]
    responses = await asyncio.gather(*sent)
    statuses = sorted(r.status_code for r in responses)
    assert set(statuses) <= {201, 409}, [r.text for r in responses]
    executed = [r for r in responses if r.status_code == 201]
    assert sum(1 for r in executed if "idempotent-replayed" not in r.headers) == 1
    assert all(r.headers["retry-after"] == "1" for r in responses if r.status_code == 409)
    assert (await client.get("/healthz")).json()["articles"] == before + 1
    replay = await client.post("/v1/articles", content="Once\n\nOnly once.\n", headers=headers)
    assert replay.status_code == 201
    assert replay.headers["idempotent-replayed"] == "true"


async def test_a_failed_request_releases_its_idempotency_key(client: Client, keys: Keys) -> None:
    headers = text_headers(keys, **{"Idempotency-Key": "retry-me"})
    bad = await client.post("/v1/articles", content="\n\n", headers=headers)
    assert_problem(bad, 400, "body")
    good = await client.post("/v1/articles", content="Retried\n\nNow fine.\n", headers=headers)
    assert good.status_code == 201, good.text


@pytest.mark.parametrize(
    "q",
    [
        " OR ".join(["t*"] * 50),
        " OR ".join(f"w{i}" for i in range(10)),
        "ab* OR cd* OR ef* OR gh* OR ij*",
        "t*",
        " ".join(f"w{i}" for i in range(17)),
    ],
)
async def test_fts_queries_over_the_cost_caps_are_400_naming_q(client: Client, q: str) -> None:
    r = await client.get("/v1/search", params={"q": q, "mode": "fts"})
    assert_problem(r, 400, "q")


async def test_a_search_past_its_deadline_is_a_503_with_retry_after(client: Client) -> None:
    # Prefixes that match most of the seed, so some statement runs past the progress check.
    r = await client.get(
        "/v1/search", params={"q": "pu* OR th* OR an* OR wh* OR in OR is", "mode": "fts"}
    )
    assert_problem(r, 503)
    assert "retry-after" in r.headers
    assert (await client.get("/v1/articles/1")).status_code == 200


async def test_health_answers_while_the_shared_read_connection_is_busy(
    db_path: Path,
) -> None:
    async for client in _client(db_path):
        app = client.app
        slow = asyncio.ensure_future(
            app.state.store.conn.execute_fetchall(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
                "WHERE i < 100000000) SELECT count(*) FROM n"
            )
        )
        await asyncio.sleep(0.2)
        assert not slow.done()
        started = time.perf_counter()
        r = await client.get("/healthz")
        elapsed = time.perf_counter() - started
        await app.state.store.conn.interrupt()
        with pytest.raises(sqlite3.OperationalError):
            await slow
        assert r.status_code == 200
        assert elapsed < 0.1
