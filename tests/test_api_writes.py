"""POST, PUT and DELETE /v1/articles: keys, idempotency, validation, replacement, deletion."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import msgspec
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from api.app import create_app
from api.settings import Settings
from api.store.api_keys import make_key
from api.store.protocol import Store
from schemas import Article, CommentPage
from tests.conftest import EDGE, SEED, assert_problem, count_rows, on_store

Client = AsyncTestClient[Litestar]
SEED_TEXT = SEED.read_text(encoding="utf-8")
IMPORT: dict[str, Any] = {
    "title": "Imported",
    "url": "https://example.org/a",
    "published_at": "2020-01-01T09:00:00Z",
    "sections": [{"paragraphs": [{"text": '"We will win this," says Jane Roe.'}]}],
    "comments": [
        {"author": "ann", "posted_at": "2020-01-01T10:00:00Z", "body": "First!"},
        {
            "author": "bob",
            "posted_at": "2020-01-01T11:00:00Z",
            "body": "Reply.",
            "parent_author": "ann",
        },
    ],
}


class Keys:
    def __init__(self, settings: Settings) -> None:
        self.live = make_key()
        self.revoked = make_key()

        async def work(store: Store) -> None:
            await store.create_key("live", self.live)
            await store.create_key("old", self.revoked)
            await store.revoke_key(self.revoked.prefix)

        on_store(settings, work)

    def auth(self, *, revoked: bool = False) -> dict[str, str]:
        token = (self.revoked if revoked else self.live).token
        return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def keys(write_settings: Settings) -> Keys:
    return Keys(write_settings)


@pytest.fixture
async def client(write_settings: Settings, keys: Keys) -> AsyncIterator[Client]:
    app = create_app(msgspec.structs.replace(write_settings, max_body_bytes=200_000))
    async with AsyncTestClient(app) as c:
        yield c


def text_headers(keys: Keys, **extra: str) -> dict[str, str]:
    return {**keys.auth(), "Content-Type": "text/plain; charset=utf-8", **extra}


async def test_create_from_a_page_then_again(client: Client, keys: Keys) -> None:
    first = await client.post("/v1/articles", content=SEED_TEXT, headers=text_headers(keys))
    assert first.status_code == 201, first.text
    article = msgspec.json.decode(first.content, type=Article)
    assert first.headers["location"] == f"/v1/articles/{article.id}"
    assert article.counts.comments == 22
    again = await client.post("/v1/articles", content=SEED_TEXT, headers=text_headers(keys))
    assert again.status_code == 200
    assert msgspec.json.decode(again.content, type=Article).id == article.id
    assert again.headers["content-location"] == f"/v1/articles/{article.id}"
    listed = (await client.get("/v1/articles", params={"include_total": "true"})).json()
    assert listed["total"] == 1


async def test_create_with_timezone_url_and_date(client: Client, keys: Keys) -> None:
    r = await client.post(
        "/v1/articles",
        content=SEED_TEXT,
        headers=text_headers(keys),
        params={
            "timezone": "America/New_York",
            "url": "https://example.org/seed",
            "published_at": "2017-06-18T12:00:00Z",
        },
    )
    article = msgspec.json.decode(r.content, type=Article)
    assert article.url == "https://example.org/seed"
    assert article.published_at is not None
    assert article.published_at.isoformat() == "2017-06-18T12:00:00+00:00"
    assert article.first_comment_at is not None
    assert article.first_comment_at.isoformat() == "2017-06-18T22:45:00+00:00"


async def test_a_page_in_a_json_envelope_is_the_same_page(client: Client, keys: Keys) -> None:
    headers = {**keys.auth(), "Content-Type": "application/vnd.threadbase.page+json"}
    upload = {
        "text": SEED_TEXT,
        "timezone": "America/New_York",
        "url": "https://example.org/seed",
        "published_at": "2017-06-18T12:00:00Z",
    }
    r = await client.post("/v1/articles", content=msgspec.json.encode(upload), headers=headers)
    assert r.status_code == 201, r.text
    article = msgspec.json.decode(r.content, type=Article)
    assert article.url == "https://example.org/seed"
    assert article.first_comment_at is not None
    assert article.first_comment_at.isoformat() == "2017-06-18T22:45:00+00:00"
    as_text = await client.post(
        "/v1/articles",
        content=SEED_TEXT,
        headers=text_headers(keys),
        params={"timezone": "America/New_York"},
    )
    assert as_text.status_code == 200
    assert as_text.headers["content-location"] == f"/v1/articles/{article.id}"


@pytest.mark.parametrize(
    ("body", "field", "location"),
    [
        ({"text": "T\n\nx\n", "timezone": "Mars/X"}, "timezone", "body"),
        ({"text": ""}, "$.text", "body"),
        ({"text": "T\n\nx\n", "extra": 1}, "$.extra", "body"),
        ({"page": "T\n\nx\n"}, "$.page", "body"),
        ({"url": "https://example.org"}, "$", "body"),
    ],
)
async def test_a_bad_json_envelope_names_its_field(
    client: Client, keys: Keys, body: dict[str, object], field: str, location: str
) -> None:
    headers = {**keys.auth(), "Content-Type": "application/vnd.threadbase.page+json"}
    r = await client.post("/v1/articles", content=msgspec.json.encode(body), headers=headers)
    assert_problem(r, 400, field)
    assert r.json()["invalid_params"][0]["location"] == location


async def test_create_from_json(client: Client, keys: Keys) -> None:
    r = await client.post("/v1/articles", json=IMPORT, headers=keys.auth())
    assert r.status_code == 201, r.text
    article = msgspec.json.decode(r.content, type=Article)
    assert (article.title, article.url, article.counts.article_speech_quotes) == (
        "Imported",
        IMPORT["url"],
        1,
    )
    comments = msgspec.json.decode(
        (await client.get(f"/v1/articles/{article.id}/comments")).content, type=CommentPage
    )
    assert comments.items[1].parent_id == comments.items[0].id
    assert comments.items[1].parent_resolution == "exact"


@pytest.mark.parametrize(
    ("body", "content_type", "status", "field"),
    [
        (b"", "text/plain", 400, "body"),
        (b"\xff\xfe not utf-8", "text/plain", 400, "body"),
        (b"{not json", "application/json", 400, "body"),
        (b'{"title": ""}', "application/json", 400, "$.title"),
        (
            b'{"title": "x", "comments": [{"author": "", "posted_at": "2020-01-01T00:00:00Z",'
            b' "body": "b"}]}',
            "application/json",
            400,
            "$.comments[0].author",
        ),
        (b'{"title": "x", "extra": 1}', "application/json", 400, "$.extra"),
        (b"<xml/>", "application/xml", 415, None),
    ],
)
async def test_bad_bodies(
    client: Client, keys: Keys, body: bytes, content_type: str, status: int, field: str | None
) -> None:
    r = await client.post(
        "/v1/articles", content=body, headers={**keys.auth(), "Content-Type": content_type}
    )
    assert_problem(r, status, field)
    if field:
        assert r.json()["invalid_params"][0]["location"] == "body"
    assert (await client.get("/v1/articles")).json()["items"] == []


async def test_bad_timezone(client: Client, keys: Keys) -> None:
    r = await client.post(
        "/v1/articles", content=SEED_TEXT, headers=text_headers(keys), params={"timezone": "Mars/X"}
    )
    assert_problem(r, 400, "timezone")


async def test_body_size_limit(client: Client, keys: Keys) -> None:
    r = await client.post(
        "/v1/articles", content="T\n\n" + "x" * 300_000, headers=text_headers(keys)
    )
    assert_problem(r, 413)


async def test_keys_are_required_for_writes_only(client: Client, keys: Keys) -> None:
    none = await client.post(
        "/v1/articles", content=SEED_TEXT, headers={"Content-Type": "text/plain"}
    )
    assert_problem(none, 401)
    assert none.headers["www-authenticate"] == 'Bearer realm="threadbase"'
    bad = await client.post(
        "/v1/articles",
        content=SEED_TEXT,
        headers={"Authorization": "Bearer tb_nope", "Content-Type": "text/plain"},
    )
    assert_problem(bad, 401)
    assert 'error="invalid_token"' in bad.headers["www-authenticate"]
    forged = keys.live.token[:-4] + "AAAA"
    wrong = await client.post(
        "/v1/articles",
        content=SEED_TEXT,
        headers={"X-API-Key": forged, "Content-Type": "text/plain"},
    )
    assert_problem(wrong, 401)
    revoked = await client.post(
        "/v1/articles", content=SEED_TEXT, headers=text_headers(keys) | keys.auth(revoked=True)
    )
    assert_problem(revoked, 403)
    for method in ("put", "delete"):
        r = await client.request(method.upper(), "/v1/articles/1")
        assert_problem(r, 401)
    assert (await client.get("/v1/articles")).status_code == 200


async def test_idempotency_key(client: Client, keys: Keys) -> None:
    headers = {**keys.auth(), "Idempotency-Key": "order-42"}
    first = await client.post("/v1/articles", json=IMPORT, headers=headers)
    replay = await client.post("/v1/articles", json=IMPORT, headers=headers)
    assert (first.status_code, replay.status_code) == (201, 201)
    assert replay.headers["idempotent-replayed"] == "true"
    assert replay.headers["location"] == first.headers["location"]
    assert replay.json() == first.json()
    other = await client.post("/v1/articles", json={**IMPORT, "title": "Other"}, headers=headers)
    assert_problem(other, 422)
    fresh = await client.post("/v1/articles", json=IMPORT, headers=keys.auth())
    assert fresh.status_code == 200  # same content without the key: found, not created


async def test_replace_keeps_the_id(client: Client, keys: Keys) -> None:
    created = (await client.post("/v1/articles", json=IMPORT, headers=keys.auth())).json()
    url = f"/v1/articles/{created['id']}"
    replaced = await client.put(url, content=EDGE.read_text(), headers=text_headers(keys))
    assert replaced.status_code == 200, replaced.text
    article = msgspec.json.decode(replaced.content, type=Article)
    assert article.id == created["id"]
    assert article.title.startswith("Edge Cases Daily")
    assert article.updated_at is not None
    comments = (await client.get(f"{url}/comments")).json()["items"]
    assert [c["author"] for c in comments][:2] == ["carol", "alice"]
    found = (await client.get("/v1/search", params={"q": "anonymous alice"})).json()["items"]
    assert {h["article_id"] for h in found} == {created["id"]}
    assert len(found) == 2
    gone = (await client.get("/v1/search", params={"q": "First"})).json()["items"]
    assert gone == []
    assert_problem(await client.put("/v1/articles/999", json=IMPORT, headers=keys.auth()), 404)
    other = (await client.post("/v1/articles", json=IMPORT, headers=keys.auth())).json()
    clash = await client.put(url, json=IMPORT, headers=keys.auth())
    assert other["id"] != created["id"]
    assert_problem(clash, 409)


async def test_delete_removes_everything(
    client: Client, keys: Keys, write_settings: Settings
) -> None:
    created = (
        await client.post("/v1/articles", content=SEED_TEXT, headers=text_headers(keys))
    ).json()
    url = f"/v1/articles/{created['id']}"
    deleted = await client.delete(url, headers=keys.auth())
    assert deleted.status_code == 204
    assert_problem(await client.get(url), 404)
    assert_problem(await client.delete(url, headers=keys.auth()), 404)
    assert (await client.get("/v1/search", params={"q": "Putin"})).json()["items"] == []
    tables = ["comments", "sections", "paragraphs", "quotes", "links", "speakers"]
    assert await count_rows(write_settings, tables) == [0, 0, 0, 0, 0, 0]


async def test_document_round_trip(client: Client, keys: Keys) -> None:
    first = (
        await client.post("/v1/articles", content=SEED_TEXT, headers=text_headers(keys))
    ).json()
    document = await client.get(f"/v1/articles/{first['id']}/document")
    assert document.status_code == 200
    assert len(document.json()["comments"]) == 22

    async def shape(article_id: int) -> list[tuple[Any, ...]]:
        items = (await client.get(f"/v1/articles/{article_id}/comments")).json()["items"]
        ids = {c["id"]: c["position"] for c in items}
        return [
            (c["author"], c["parent_resolution"], ids.get(c["parent_id"]), c["depth"])
            for c in items
        ]

    # The document is the same content as the page, so it is stored anew only once the page
    # is gone.
    first_shape = await shape(first["id"])
    await client.delete(f"/v1/articles/{first['id']}", headers=keys.auth())
    copy = await client.post(
        "/v1/articles",
        content=document.content,
        headers={**keys.auth(), "Content-Type": "application/json"},
    )
    assert copy.status_code == 201, copy.text
    second = copy.json()
    assert second["content_hash"] == first["content_hash"]
    for key in ("sections", "paragraphs", "captions", "comments", "top_level_comments"):
        assert second["counts"][key] == first["counts"][key], key
    assert second["counts"]["article_quotes"] == first["counts"]["article_quotes"]
    assert await shape(second["id"]) == first_shape
    assert_problem(await client.get("/v1/articles/999/document"), 404)


async def test_a_bad_idempotency_key_is_located_in_the_header(client: Client, keys: Keys) -> None:
    headers = text_headers(keys, **{"Idempotency-Key": "k" * 256})
    r = await client.post("/v1/articles", content=SEED_TEXT, headers=headers)
    assert_problem(r, 400)
    [param] = r.json()["invalid_params"]
    assert (param["name"], param["location"]) == ("Idempotency-Key", "header")


def dense_page(limit: int) -> str:
    """A page just under `limit` bytes of many short comments, whose JSON weighs more."""
    lines = ["Dense", "", "Text.", ""]
    i = 0
    while sum(len(x) + 1 for x in lines) < limit - 200:
        lines += [f"u{i} Sun, 06/18/2017 - 19:00 Permalink", "", 'a"b\\c\td', ""]
        i += 1
    return "\n".join(lines)


async def test_what_get_document_returns_put_accepts(write_settings: Settings, keys: Keys) -> None:
    limit = 40_000
    page = dense_page(limit)
    assert len(page.encode()) <= limit
    settings = msgspec.structs.replace(write_settings, max_body_bytes=limit)
    async with AsyncTestClient(create_app(settings)) as c:
        created = await c.post("/v1/articles", content=page, headers=text_headers(keys))
        assert created.status_code == 201, created.text
        url = created.headers["location"]
        document = await c.get(f"{url}/document")
        assert len(document.content) > limit  # heavier than the limit the text met
        json_headers = {**keys.auth(), "Content-Type": "application/json"}
        put = await c.put(url, content=document.content, headers=json_headers)
        assert put.status_code == 200, put.text
        assert (await c.get(f"{url}/document")).content == document.content


async def test_a_json_document_is_measured_on_its_text(client: Client, keys: Keys) -> None:
    body = {"title": "Big", "sections": [{"paragraphs": [{"text": "x" * 50_000}] * 5}]}
    r = await client.post("/v1/articles", json=body, headers=keys.auth())
    assert_problem(r, 413)
    assert "200,000" in r.json()["detail"]


async def test_crawl_history_on_both_engines(client: Client, keys: Keys) -> None:
    """A re-crawl of a stored page merges into it, and its history reads answer, on SQLite and
    on PostgreSQL alike."""
    url = "?url=https://example.org/putin"
    first = await client.post("/v1/articles" + url, content=SEED_TEXT, headers=text_headers(keys))
    assert first.status_code == 201, first.text
    article_id = first.json()["id"]
    same = await client.post("/v1/articles" + url, content=SEED_TEXT, headers=text_headers(keys))
    assert same.status_code == 200, same.text
    assert same.json()["id"] == article_id
    grown = SEED_TEXT.rstrip("\n") + "\n\nlatecomer Mon, 06/19/2017 - 12:00 Permalink\n\nLate.\n"
    merged = await client.post(
        "/v1/articles" + url.replace("putin", "putin?utm_source=x"),
        content=grown,
        headers=text_headers(keys),
    )
    assert merged.status_code == 200, merged.text
    assert merged.json()["id"] == article_id
    assert merged.json()["changes"]["comments_added"] == 1, merged.text
    crawls = await client.get(f"/v1/articles/{article_id}/crawls")
    assert crawls.status_code == 200, crawls.text
    assert crawls.json()["items"][0]["outcome"] == "created"
    assert len(crawls.json()["items"]) >= 2
    assert (await client.get(f"/v1/articles/{article_id}/revisions")).status_code == 200
    comments = (await client.get(f"/v1/articles/{article_id}/comments?limit=100")).json()
    last = comments["items"][-1]
    assert last["author"] == "latecomer"
    revisions = await client.get(f"/v1/comments/{last['id']}/revisions")
    assert revisions.status_code == 200, revisions.text
    assert revisions.json()["items"] == []


async def test_a_write_moves_the_data_generation_on(client: Client, keys: Keys) -> None:
    """On both engines every write bumps the data generation: the cached list and its ETag
    give way to the new data (PostgreSQL keeps the counter in its own table)."""
    before = await client.get("/v1/articles")
    assert (await client.get("/v1/articles")).headers["cache-status"] == "threadbase; hit"
    etag = before.headers["etag"]
    created = await client.post("/v1/articles", content=SEED_TEXT, headers=text_headers(keys))
    assert created.status_code == 201, created.text
    after = await client.get("/v1/articles", headers={"If-None-Match": etag})
    assert after.status_code == 200
    assert after.headers["etag"] != etag
    assert [a["id"] for a in after.json()["items"]] == [created.json()["id"]]
    gone = await client.delete(f"/v1/articles/{created.json()['id']}", headers=keys.auth())
    assert gone.status_code == 204
    assert (await client.get("/v1/articles")).json()["items"] == []


async def test_metrics_count_each_engines_connections(client: Client, backend: str) -> None:
    """The connection gauges name SQLite's fixed connections, or PostgreSQL's pools."""
    scrape = await client.get("/metrics")
    assert scrape.status_code == 200
    pools = {"sqlite": ("writer", "reader"), "postgresql": ("primary", "health")}[backend]
    for pool in pools:
        line = next(
            x
            for x in scrape.text.splitlines()
            if x.startswith(f'threadbase_db_connections_open{{pool="{pool}"}}')
        )
        assert float(line.split()[-1]) >= 1, line
