"""Concurrent crawls on two real API nodes over one PostgreSQL database: of one new page they
make one article (the page's identity locks are taken before the article is looked for); of
different new pages, one article each, with their own counters (different pages write in
parallel, so ids and counters must not lean on one global lock)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx

from api.settings import Settings
from api.store.api_keys import make_key
from api.store.protocol import Store
from tests.conftest import on_store, served
from tests.test_recrawls import GROWN, SEED_TEXT

URL = "https://example.org/putin"
REQUESTS = 12


def _crawler(tmp_path: Path, database_url: str) -> tuple[dict[str, str], dict[str, str]]:
    """A key made in the database, and the environment and headers for nodes posting with it
    (rate limiting off: the tests post in bursts)."""
    key = make_key()

    async def create(store: Store) -> None:
        await store.create_key("crawler", key)

    on_store(Settings(db_path=tmp_path / "unused.db", database_url=database_url), create)
    env = {"THREADBASE_DATABASE_URL": database_url, "THREADBASE_RATE_LIMIT": "0"}
    return env, {"Authorization": f"Bearer {key.token}", "Content-Type": "text/plain"}


def test_concurrent_posts_of_one_new_page_make_one_article(
    tmp_path: Path, fresh_postgres: str
) -> None:
    env, headers = _crawler(tmp_path, fresh_postgres)

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
    # Crawls list in `crawled_at` order, and whichever request won the race made the article.
    created = [c for c in crawls if c["outcome"] == "created"]
    assert len(created) == 1
    (won,) = [r for r in answers if r.status_code == 201]
    assert created[0]["crawled_at"] == won.request.url.params["crawled_at"]


PAGES = 12


def test_concurrent_posts_of_different_new_pages_make_one_article_each(
    tmp_path: Path, fresh_postgres: str
) -> None:
    env, headers = _crawler(tmp_path, fresh_postgres)
    # Page i: its own title (so its own text and content) and URL; every other page drops a
    # different number of its last comments, so the counters differ from page to page.
    title, rest = SEED_TEXT.split("\n", 1)
    marks = [m for m in range(len(rest)) if rest.startswith(" Permalink\n", m)]
    pages = [
        f"{title} (part {i})\n" + (rest if i % 2 == 0 else rest[: rest.rindex("\n", 0, marks[-i])])
        for i in range(PAGES)
    ]

    async def post_all(nodes: tuple[str, str]) -> list[httpx.Response]:
        async with httpx.AsyncClient(timeout=60) as client:
            return await asyncio.gather(
                *(
                    client.post(
                        f"{nodes[i % 2]}/v1/articles",
                        params={"url": f"https://example.org/part-{i}"},
                        content=page,
                        headers=headers,
                    )
                    for i, page in enumerate(pages)
                )
            )

    with (
        served(tmp_path / "a.db", env=env) as a,
        served(tmp_path / "b.db", env=env) as b,
    ):
        answers = asyncio.run(post_all((a, b)))
        assert [r.status_code for r in answers] == [201] * PAGES, [r.text for r in answers]
        ids = [r.json()["id"] for r in answers]
        articles = [httpx.get(f"{b}/v1/articles/{i}").json() for i in ids]
        comments = [
            httpx.get(f"{a}/v1/articles/{i}/comments", params={"limit": 200}).json()["items"]
            for i in ids
        ]
    assert len(set(ids)) == PAGES
    assert [x["url"] for x in articles] == [f"https://example.org/part-{i}" for i in range(PAGES)]
    assert [x["title"] for x in articles] == [f"{title} (part {i})" for i in range(PAGES)]
    assert [x["counts"]["comments"] for x in articles] == [len(c) for c in comments]
    assert len({x["counts"]["comments"] for x in articles}) > PAGES // 2
    for found in comments:
        own = {c["id"] for c in found}
        assert [c["position"] for c in found] == list(range(len(found)))
        assert all(c["parent_id"] is None or c["parent_id"] in own for c in found)
    every_id = [c["id"] for found in comments for c in found]
    assert len(every_id) == len(set(every_id))
