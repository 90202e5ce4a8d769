"""State that API nodes share through Redis: two `threadbase serve` processes, one budget.

Each node serves its own copy of the database, so the SQLite counter file beside each copy
cannot be what they share: only Redis can make the budget hold across both.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import httpx
from redis import Redis

from tests.conftest import SEED, ingest, served

BUDGET = 7


def test_one_request_budget_across_two_nodes(tmp_path: Path, redis_url: str) -> None:
    first = tmp_path / "a" / "threadbase.db"
    first.parent.mkdir()
    ingest(first, SEED)
    second = tmp_path / "b" / "threadbase.db"
    second.parent.mkdir()
    shutil.copy(first, second)
    counters = Redis.from_url(redis_url)
    counters.flushdb()
    env = {"THREADBASE_REDIS_URL": redis_url, "THREADBASE_RATE_LIMIT": str(BUDGET)}
    with served(first, env=env) as a, served(second, env=env) as b:
        statuses: list[int] = []
        remaining: list[int] = []
        with httpx.Client(timeout=10) as client:
            for i in range(2 * BUDGET):
                r = client.get(f"{(a, b)[i % 2]}/v1/articles/1")
                statuses.append(r.status_code)
                if r.status_code == 200:
                    remaining.append(int(r.headers["ratelimit-remaining"]))
                else:
                    assert r.status_code == 429, r.text
                    assert r.headers["content-type"] == "application/problem+json"
                    assert int(r.headers["retry-after"]) > 0
    # Exactly BUDGET allowed in all, whichever node answered; each answer counted once.
    assert statuses == [200] * BUDGET + [429] * BUDGET
    assert remaining == list(range(BUDGET - 1, -1, -1))
    try:
        assert counters.keys("threadbase*"), "the counts were not kept in Redis"
    finally:
        counters.close()
    assert not list(tmp_path.glob("*/threadbase.db-ratelimit"))
