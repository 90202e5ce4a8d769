"""Writes at the edges: caching, encoded and non-UTF-8 bodies, source URLs, replays, and
content identity across the two input forms."""

from __future__ import annotations

import gzip
import zlib
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import brotli
import msgspec
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from api.app import create_app
from api.ingest.page import parse_page
from api.ingest.structured import page_from_import
from api.settings import Settings
from api.store.sqlite import connections as db
from api.store.sqlite.writes import store_page
from schemas.imports import ArticleImport
from tests.conftest import SEED, assert_problem
from tests.migration_support import undo_recrawls
from tests.test_api_writes import IMPORT, Keys, text_headers

Client = AsyncTestClient[Litestar]
SEED_TEXT = SEED.read_text(encoding="utf-8")
LIMIT = 200_000


@pytest.fixture
def keys(write_settings: Settings) -> Keys:
    return Keys(write_settings)


@pytest.fixture
async def client(write_settings: Settings, keys: Keys) -> AsyncIterator[Client]:
    app = create_app(msgspec.structs.replace(write_settings, max_body_bytes=LIMIT))
    async with AsyncTestClient(app) as c:
        yield c


async def test_writes_are_never_stored_by_caches(client: Client, keys: Keys) -> None:
    created = await client.post("/v1/articles", content=SEED_TEXT, headers=text_headers(keys))
    again = await client.post("/v1/articles", content=SEED_TEXT, headers=text_headers(keys))
    article = created.json()["id"]
    replaced = await client.put(
        f"/v1/articles/{article}", content=SEED_TEXT + "\n", headers=text_headers(keys)
    )
    deleted = await client.delete(f"/v1/articles/{article}", headers=keys.auth())
    assert [r.status_code for r in (created, again, replaced, deleted)] == [201, 200, 200, 204]
    for response in (created, again, replaced, deleted):
        assert response.headers["cache-control"] == "no-store"


async def test_csv_names_its_charset_once(client: Client, keys: Keys) -> None:
    created = await client.post("/v1/articles", content=SEED_TEXT, headers=text_headers(keys))
    csv = await client.get(f"/v1/articles/{created.json()['id']}/comments.csv")
    assert csv.headers["content-type"] == "text/csv; charset=utf-8"


async def test_a_document_posted_back_is_the_same_content(client: Client, keys: Keys) -> None:
    created = await client.post("/v1/articles", content=SEED_TEXT, headers=text_headers(keys))
    assert created.status_code == 201
    article = created.json()
    document = await client.get(f"/v1/articles/{article['id']}/document")
    json_headers = {**keys.auth(), "Content-Type": "application/json"}
    again = await client.post("/v1/articles", content=document.content, headers=json_headers)
    assert again.status_code == 200, again.text
    assert again.headers["content-location"] == f"/v1/articles/{article['id']}"
    assert again.json()["content_hash"] == article["content_hash"]
    # ...and the other way round: a JSON import, then its text rendering is not needed: the
    # import's own document is the same content too.
    imported = await client.post("/v1/articles", json=IMPORT, headers=keys.auth())
    assert imported.status_code == 201
    doc = await client.get(f"/v1/articles/{imported.json()['id']}/document")
    replay = await client.post("/v1/articles", content=doc.content, headers=json_headers)
    assert replay.status_code == 200
    # PUT of one article's document onto another is a conflict.
    clash = await client.put(
        f"/v1/articles/{imported.json()['id']}", content=document.content, headers=json_headers
    )
    assert_problem(clash, 409)


async def test_a_replayed_200_has_content_location(client: Client, keys: Keys) -> None:
    first = await client.post("/v1/articles", content=SEED_TEXT, headers=text_headers(keys))
    assert first.status_code == 201
    headers = text_headers(keys, **{"Idempotency-Key": "again-1"})
    original = await client.post("/v1/articles", content=SEED_TEXT, headers=headers)
    replayed = await client.post("/v1/articles", content=SEED_TEXT, headers=headers)
    assert original.status_code == replayed.status_code == 200
    assert replayed.headers["idempotent-replayed"] == "true"
    for response in (original, replayed):
        assert response.headers["content-location"] == f"/v1/articles/{first.json()['id']}"
        assert "location" not in response.headers


@pytest.mark.parametrize(
    ("coding", "compress"),
    [("gzip", gzip.compress), ("deflate", zlib.compress), ("br", brotli.compress)],
)
async def test_compressed_bodies_are_read(
    client: Client, keys: Keys, coding: str, compress: object
) -> None:
    assert callable(compress)
    body = compress(SEED_TEXT.encode())
    created = await client.post(
        "/v1/articles", content=body, headers=text_headers(keys, **{"Content-Encoding": coding})
    )
    assert created.status_code == 201, created.text
    assert created.json()["counts"]["comments"] == 22


async def test_a_zip_bomb_is_too_large(client: Client, keys: Keys) -> None:
    bomb = gzip.compress(b"a" * (50 * LIMIT))
    assert len(bomb) < LIMIT
    response = await client.post(
        "/v1/articles", content=bomb, headers=text_headers(keys, **{"Content-Encoding": "gzip"})
    )
    assert_problem(response, 413)
    broken = await client.post(
        "/v1/articles",
        content=b"not gzip at all",
        headers=text_headers(keys, **{"Content-Encoding": "gzip"}),
    )
    assert_problem(broken, 400, "body")
    unknown = await client.post(
        "/v1/articles",
        content=SEED_TEXT,
        headers=text_headers(keys, **{"Content-Encoding": "compress"}),
    )
    assert_problem(unknown, 415)
    assert "gzip" in unknown.headers["accept-encoding"]


async def test_declared_charsets_are_read(client: Client, keys: Keys) -> None:
    page = "Café society\n\nThe café opened.\n"
    latin = {**keys.auth(), "Content-Type": "text/plain; charset=ISO-8859-1"}
    created = await client.post("/v1/articles", content=page.encode("latin-1"), headers=latin)
    assert created.status_code == 201, created.text
    assert created.json()["title"] == "Café society"
    body = '{"title": "Crème brûlée", "sections": []}'.encode("cp1252")
    cp1252 = {**keys.auth(), "Content-Type": "application/json; charset=windows-1252"}
    imported = await client.post("/v1/articles", content=body, headers=cp1252)
    assert imported.status_code == 201, imported.text
    assert imported.json()["title"] == "Crème brûlée"
    unknown = {**keys.auth(), "Content-Type": "text/plain; charset=x-no-such-thing"}
    refused = await client.post("/v1/articles", content=b"Title\n", headers=unknown)
    assert_problem(refused, 415)
    assert "x-no-such-thing" in refused.json()["detail"]


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "JAVASCRIPT:alert(1)", "data:text/html,x", "ftp://x/y", "//x"]
)
async def test_only_web_urls_are_sources(client: Client, keys: Keys, url: str) -> None:
    as_query = await client.post(
        "/v1/articles", params={"url": url}, content=SEED_TEXT, headers=text_headers(keys)
    )
    assert_problem(as_query, 400, "url")
    as_field = await client.post("/v1/articles", json={**IMPORT, "url": url}, headers=keys.auth())
    assert_problem(as_field, 400, "$.url")
    fine = await client.post(
        "/v1/articles",
        params={"url": "HTTPS://example.org/a"},
        content=SEED_TEXT,
        headers=text_headers(keys),
    )
    assert fine.status_code == 201


def test_migration_0010_gives_stored_articles_their_identity(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    conn = db.connect(path)
    page = parse_page(SEED_TEXT)
    imported = page_from_import(msgspec.convert(IMPORT, ArticleImport))
    store_page(conn, page)
    store_page(conn, imported)
    # The same import again, stored twice under the old scheme, and the seed's old text hash.
    store_page(conn, replace(imported, content_hash="old-import-hash"))
    conn.execute("UPDATE articles SET content_hash = 'old-text-hash' WHERE id = 1")
    conn.execute("UPDATE articles SET content_hash = 'old-import-hash-1' WHERE id = 2")
    # Back to version 9, whose comments still held thread paths (0013 turns them into ranks).
    undo_recrawls(conn)
    conn.executescript(
        "DROP INDEX comments_by_thread;"
        "ALTER TABLE comments DROP COLUMN thread_rank;"
        "ALTER TABLE comments ADD COLUMN thread_path TEXT NOT NULL DEFAULT '';"
        "CREATE INDEX comments_by_thread ON comments (article_id, thread_path);"
        "PRAGMA user_version = 9;"
    )
    conn.close()
    conn = db.connect(path)
    hashes = dict(conn.execute("SELECT id, content_hash FROM articles").fetchall())
    conn.close()
    assert hashes == {1: page.content_hash, 2: imported.content_hash, 3: "old-import-hash"}
