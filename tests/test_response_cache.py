"""The response cache: repeated reads answered from memory, any write visible on the next read,
in one process and across the workers of a real server."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from api.app import create_app
from api.http.response_cache import Entry, ResponseCache
from api.settings import Settings
from api.store.api_keys import make_key
from api.store.sqlite import connections as db
from api.store.sqlite.keys import create_key
from api.store.sqlite.writes import delete_article
from tests.conftest import EDGE_ID, SEED_ID, served

Client = AsyncTestClient[Litestar]
PAGE = f"/v1/articles/{SEED_ID}/comments?limit=5"
DOCUMENT = {
    "title": "Replaced",
    "sections": [{"paragraphs": [{"text": "New text."}]}],
    "comments": [{"author": "ann", "posted_at": "2020-01-01T10:00:00Z", "body": "First!"}],
}


@pytest.fixture
def db_copy(seeded_db: Path, tmp_path: Path) -> Path:
    path = tmp_path / "cached.db"
    shutil.copy(seeded_db, path)
    return path


@pytest.fixture
async def client(db_copy: Path) -> AsyncIterator[Client]:
    async with AsyncTestClient(create_app(Settings(db_path=db_copy))) as c:
        yield c


def token(path: Path) -> str:
    conn = db.connect(path)
    key = make_key()
    create_key(conn, "test", key)
    conn.close()
    return key.token


async def test_a_repeated_read_is_answered_from_the_cache(client: Client) -> None:
    first = await client.get(PAGE)
    again = await client.get(PAGE)
    assert first.headers["cache-status"] == "threadbase; fwd=miss"
    assert again.headers["cache-status"] == "threadbase; hit"
    assert again.content == first.content
    assert again.headers["etag"] == first.headers["etag"]
    assert again.headers["link"] == first.headers["link"]
    assert again.headers["x-request-id"] != first.headers["x-request-id"]
    # Each coding is its own entry with its own validator.
    brotli = await client.get(PAGE, headers={"Accept-Encoding": "br"})
    assert brotli.headers["cache-status"] == "threadbase; fwd=miss"
    assert brotli.headers["etag"] != first.headers["etag"]
    assert brotli.json() == first.json()
    # A hit still answers a matching If-None-Match with 304.
    cached = await client.get(PAGE, headers={"If-None-Match": first.headers["etag"]})
    assert cached.status_code == 304
    assert cached.headers["cache-status"] == "threadbase; hit"
    # `no-cache` goes to the routes.
    forced = await client.get(PAGE, headers={"Cache-Control": "no-cache"})
    assert forced.headers["cache-status"] == "threadbase; fwd=request"
    assert forced.content == first.content


async def test_errors_and_no_store_responses_are_not_kept(client: Client) -> None:
    for _ in range(2):
        missing = await client.get("/v1/articles/999")
        assert missing.status_code == 404
        assert "cache-status" not in missing.headers
        health = await client.get("/healthz")
        assert health.headers["cache-status"] == "threadbase; fwd=miss"


async def test_a_write_is_visible_on_the_next_read(client: Client, db_copy: Path) -> None:
    auth = {"Authorization": f"Bearer {token(db_copy)}"}
    before = await client.get(f"/v1/articles/{SEED_ID}")
    assert (await client.get(f"/v1/articles/{SEED_ID}")).headers["cache-status"] == (
        "threadbase; hit"
    )
    replaced = await client.put(f"/v1/articles/{SEED_ID}", json=DOCUMENT, headers=auth)
    assert replaced.status_code == 200, replaced.text
    after = await client.get(f"/v1/articles/{SEED_ID}")
    assert after.headers["cache-status"] == "threadbase; fwd=miss"
    assert before.json()["title"] != "Replaced"
    assert after.json()["title"] == "Replaced"
    # The old validator names data that is gone: a full answer, not a 304.
    stale = await client.get(
        f"/v1/articles/{SEED_ID}", headers={"If-None-Match": before.headers["etag"]}
    )
    assert stale.status_code == 200
    assert stale.headers["etag"] != before.headers["etag"]


async def test_pages_and_trees_read_after_a_write_see_its_article(
    client: Client, db_copy: Path
) -> None:
    """The store remembers articles for one data generation: a write moves it on, so a page
    or a tree asked with `no-cache` never answers from an article that is gone or replaced."""
    auth = {"Authorization": f"Bearer {token(db_copy)}"}
    fresh = {"Cache-Control": "no-cache"}
    page = f"/v1/articles/{SEED_ID}/comments?limit=5&include_total=true"
    tree = f"/v1/articles/{SEED_ID}/thread"
    before = await client.get(page, headers=fresh)
    assert before.json()["total"] > 1
    assert (await client.get(tree, headers=fresh)).status_code == 200
    replaced = await client.put(f"/v1/articles/{SEED_ID}", json=DOCUMENT, headers=auth)
    assert replaced.status_code == 200, replaced.text
    after = await client.get(page, headers=fresh)
    assert after.json()["total"] == 1
    assert after.headers["last-modified"] != before.headers["last-modified"]
    deleted = await client.delete(f"/v1/articles/{SEED_ID}", headers=auth)
    assert deleted.status_code == 204, deleted.text
    assert (await client.get(page, headers=fresh)).status_code == 404
    assert (await client.get(tree, headers=fresh)).status_code == 404


def test_the_cache_stays_within_its_bytes() -> None:
    cache = ResponseCache(max_bytes=20_000, seed="t")
    cache.sync(1)
    body = b"x" * 1_000
    for n in range(100):
        cache.put((f"/{n}".encode(), b""), Entry.of([], body), 1)
        cache.get((b"/0", b""))  # the first entry stays the most recently used
        assert cache.bytes <= 20_000
    assert cache.get((b"/0", b"")) is not None
    assert cache.get((b"/1", b"")) is None
    assert cache.get((b"/99", b"")) is not None
    assert len(cache) == cache.bytes // Entry.of([], body).size
    # An entry made at an older generation is not kept, and a new generation empties it.
    cache.put((b"/old", b""), Entry.of([], body), 0)
    assert cache.get((b"/old", b"")) is None
    cache.sync(2)
    assert len(cache) == 0
    assert cache.bytes == 0


def test_writes_reach_every_worker_of_a_real_server(db_copy: Path) -> None:
    """Two workers, each with its own cache: a write by another process (the CLI's path) and
    a write through the API are both seen by every following read, whichever worker answers."""
    auth = {"Authorization": f"Bearer {token(db_copy)}"}

    def read_all(base: str, path: str) -> list[httpx.Response]:
        # A new connection each time, so both workers take some of the requests.
        return [httpx.get(base + path, timeout=5) for _ in range(24)]

    with served(db_copy, workers=2) as base:
        for path in (f"/v1/articles/{EDGE_ID}", f"/v1/articles/{SEED_ID}"):
            warm = read_all(base, path)
            assert {r.status_code for r in warm} == {200}
            assert any(r.headers["cache-status"] == "threadbase; hit" for r in warm)

        conn = db.connect(db_copy)  # another process writes
        try:
            assert delete_article(conn, EDGE_ID)
        finally:
            conn.close()
        assert {r.status_code for r in read_all(base, f"/v1/articles/{EDGE_ID}")} == {404}

        put = httpx.put(f"{base}/v1/articles/{SEED_ID}", json=DOCUMENT, headers=auth, timeout=5)
        assert put.status_code == 200, put.text
        titles = {r.json()["title"] for r in read_all(base, f"/v1/articles/{SEED_ID}")}
        assert titles == {"Replaced"}


async def test_credentials_and_accept_are_not_served_from_another_request(
    client: Client, db_copy: Path
) -> None:
    """A keyed request is answered by the routes and never stored; a cached JSON page does not
    answer a client that accepts only HTML."""
    assert (await client.get(PAGE)).status_code == 200
    keyed = await client.get(PAGE, headers={"X-API-Key": token(db_copy)})
    assert keyed.headers["cache-status"] == "threadbase; fwd=request"
    assert "public" not in keyed.headers["cache-control"]
    assert (await client.get(PAGE)).headers["cache-status"] == "threadbase; hit"
    html = await client.get(PAGE, headers={"Accept": "text/html"})
    assert html.status_code == 406
    assert html.headers["content-type"] == "application/problem+json"
