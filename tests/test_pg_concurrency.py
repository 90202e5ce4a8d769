"""Concurrent crawls of one new page on two real API nodes over one PostgreSQL database make
one article: the page-write lock is taken before the article is looked for."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx

from api.keys import make_key
from api.settings import Settings
from api.store.protocol import Store
from tests.conftest import on_store, served
from tests.test_recrawls import GROWN, SEED_TEXT

URL = "https://example.org/putin"
REQUESTS = 12


def test_concurrent_posts_of_one_new_page_make_one_article(
    tmp_path: Path, fresh_postgres: str
) -> None:
    key = make_key()

    async def create(store: Store) -> None:
        await store.create_key("crawler", key)

    on_store(Settings(db_path=tmp_path / "unused.db", database_url=fresh_postgres), create)
    env = {"THREADBASE_DATABASE_URL": fresh_postgres, "THREADBASE_RATE_LIMIT": "0"}
    headers = {"Authorization": f"Bearer {key.token}", "Content-Type": "text/plain"}

    async def post_all(nodes: tuple[str, str]) -> list[httpx.Response]:
        async with httpx.AsyncClient(timeout=60) as client:
            return await asyncio.gather(
                *(
                    client.post(
                        f"{nodes[i % 2]}/v1/articles",
                        params={"url": URL, "crawled_at": f"2017-06-{19 + i % 3}T12:00:00Z"},
                        # Two versions of the page: a second article would need no equal hash.
                        content=(SEED_TEXT, GROWN)[(i // 2) % 2],
                        headers=headers,
                    )
                    for i in range(REQUESTS)
                )
            )

    with (
        served(tmp_path / "a.db", env=env) as a,
        served(tmp_path / "b.db", env=env) as b,
    ):
        answers = asyncio.run(post_all((a, b)))
        listed = httpx.get(f"{a}/v1/articles").json()["items"]
        crawls = httpx.get(f"{b}/v1/articles/{listed[0]['id']}/crawls").json()["items"]
    assert all(r.status_code in (200, 201) for r in answers), [r.text for r in answers]
    assert [r.status_code for r in answers].count(201) == 1
    assert {r.json()["id"] for r in answers} == {listed[0]["id"]}
    assert len(listed) == 1
    assert crawls[0]["outcome"] == "created"
