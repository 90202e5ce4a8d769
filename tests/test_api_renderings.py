"""The fields renderings add, over HTTP: posted_text, comment_kind, byline, comment_rendering,
unknown times, crawled_at, and the warning for a page whose comments went unread."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from api.app import create_app
from api.settings import Settings
from api.store.api_keys import make_key
from api.store.sqlite import connections as db
from api.store.sqlite.keys import create_key
from tests.conftest import assert_problem
from tests.test_renderings import DISQUS, WORDPRESS

Client = AsyncTestClient[Litestar]


@pytest.fixture
async def client_and_auth(tmp_path: Path) -> AsyncIterator[tuple[Client, dict[str, str]]]:
    path = tmp_path / "renderings.db"
    conn = db.connect(path)
    key = make_key()
    create_key(conn, "test", key)
    conn.close()
    headers = {"Authorization": f"Bearer {key.token}", "Content-Type": "text/plain"}
    async with AsyncTestClient(create_app(Settings(db_path=path))) as client:
        yield client, headers


async def test_wordpress_page_fields(client_and_auth: tuple[Client, dict[str, str]]) -> None:
    client, headers = client_and_auth
    created = await client.post("/v1/articles", content=WORDPRESS, headers=headers)
    assert created.status_code == 201, created.text
    article = created.json()
    assert (article["byline"], article["comment_rendering"]) == ("Jane Roe", "wordpress")
    assert article["published_at"] == "2012-10-29T00:00:00Z"
    assert "threadbase-warning" not in created.headers
    comments = (await client.get(f"/v1/articles/{article['id']}/comments")).json()["items"]
    assert [c["comment_kind"] for c in comments] == ["comment", "comment", "trackback"]
    assert comments[0]["posted_text"] == "October 29, 2012 at 1:49 am"
    assert comments[0]["posted_at"] == "2012-10-29T01:49:00Z"


async def test_unknown_times_are_null_and_sort_first(
    client_and_auth: tuple[Client, dict[str, str]],
) -> None:
    client, headers = client_and_auth
    article = (await client.post("/v1/articles", content=DISQUS, headers=headers)).json()
    path = f"/v1/articles/{article['id']}/comments"
    items = (await client.get(path, params={"sort": "posted_at", "limit": 1})).json()
    assert items["items"][0]["posted_at"] is None
    assert items["items"][0]["posted_text"] == "2 hours ago"
    rest = await client.get(path, params={"sort": "posted_at", "cursor": items["next_cursor"]})
    assert [c["author"] for c in rest.json()["items"]] == ["Bob"]
    assert article["first_comment_at"] is None


async def test_crawled_at_reads_relative_times(
    client_and_auth: tuple[Client, dict[str, str]],
) -> None:
    client, headers = client_and_auth
    r = await client.post(
        "/v1/articles",
        content=DISQUS,
        headers=headers,
        params={"crawled_at": "2020-01-02T12:00:00Z"},
    )
    article = r.json()
    comments = (await client.get(f"/v1/articles/{article['id']}/comments")).json()["items"]
    assert [c["posted_at"] for c in comments] == ["2020-01-02T10:00:00Z", "2020-01-02T07:00:00Z"]
    bad = await client.post(
        "/v1/articles", content=DISQUS, headers=headers, params={"crawled_at": "yesterday"}
    )
    assert_problem(bad, 400, "crawled_at")


async def test_unread_comments_warn(client_and_auth: tuple[Client, dict[str, str]]) -> None:
    client, headers = client_and_auth
    page = "Title\n\nSome text.\n\n12 Comments\n\nnothing readable here\n"
    r = await client.post("/v1/articles", content=page, headers=headers)
    assert r.status_code == 201
    assert r.json()["comment_rendering"] is None
    assert "no rendering" in r.headers["threadbase-warning"]


async def test_authors_whose_times_are_unknown(
    client_and_auth: tuple[Client, dict[str, str]],
) -> None:
    client, headers = client_and_auth
    await client.post("/v1/articles", content=DISQUS, headers=headers)
    authors = await client.get("/v1/authors")
    assert authors.status_code == 200, authors.text
    alice = next(a for a in authors.json()["items"] if a["name"] == "Alice")
    assert (alice["first_seen"], alice["last_seen"]) == (None, None)
    mine = await client.get("/v1/authors/Alice/comments")
    assert mine.status_code == 200, mine.text
    assert mine.json()["items"][0]["posted_text"] == "2 hours ago"


async def test_a_thread_in_german_is_served_with_its_times(
    client_and_auth: tuple[Client, dict[str, str]],
) -> None:
    client, headers = client_and_auth
    page = (
        "Neue Brücke eröffnet\n\nDie Brücke wurde am Montag wieder eröffnet.\n\n2 Kommentare\n\n"
        "Anna Weber sagt:\n7. November 2012 um 09:10 Uhr\nGut gemacht.\nAntworten\n\n"
        "Luc sagt:\n8. November 2012 um 10:11 Uhr\nTolle Arbeit.\nAntworten\n\n"
        "Schreibe einen Kommentar\n"
    )
    created = await client.post("/v1/articles", content=page, headers=headers)
    assert created.status_code == 201, created.text
    comments = (await client.get(f"/v1/articles/{created.json()['id']}/comments")).json()
    assert [
        (c["author"], c["posted_text"], c["posted_at"], c["body"]) for c in comments["items"]
    ] == [
        ("Anna Weber", "7. November 2012 um 09:10 Uhr", "2012-11-07T09:10:00Z", "Gut gemacht."),
        ("Luc", "8. November 2012 um 10:11 Uhr", "2012-11-08T10:11:00Z", "Tolle Arbeit."),
    ]
