"""Conditional requests, caching, compression, CORS, rate limiting and request ids."""

from __future__ import annotations

from collections.abc import AsyncIterator
from email.utils import parsedate_to_datetime
from pathlib import Path

import msgspec
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from api.app import create_app
from api.http.middleware import etag_matches
from api.settings import Settings
from schemas import Problem
from tests.conftest import SEED_ID

Client = AsyncTestClient[Litestar]
URL = f"/v1/articles/{SEED_ID}/comments"


async def test_etag_and_304(client: Client) -> None:
    first = await client.get(URL, headers={"Accept-Encoding": "identity"})
    etag = first.headers["etag"]
    assert etag.startswith('"')
    assert etag.endswith('"')
    assert first.headers["cache-control"] == "max-age=60, public"
    again = await client.get(URL, headers={"Accept-Encoding": "identity", "If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    assert again.headers["cache-control"] == "max-age=60, public"
    assert "content-type" not in again.headers
    weak = await client.get(
        URL, headers={"Accept-Encoding": "identity", "If-None-Match": f'"x", W/{etag}'}
    )
    assert weak.status_code == 304
    other = await client.get(URL, headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200


async def test_etag_differs_between_representations(client: Client) -> None:
    plain = await client.get(URL, headers={"Accept-Encoding": "identity"})
    brotli = await client.get(URL, headers={"Accept-Encoding": "br"})
    page = await client.get(URL, params={"limit": 2}, headers={"Accept-Encoding": "identity"})
    assert brotli.headers["content-encoding"] == "br"
    assert len({plain.headers["etag"], brotli.headers["etag"], page.headers["etag"]}) == 3
    assert brotli.json() == plain.json()


async def test_gzip_fallback_and_small_bodies(client: Client) -> None:
    gz = await client.get(URL, headers={"Accept-Encoding": "gzip"})
    assert gz.headers["content-encoding"] == "gzip"
    assert gz.headers["vary"] == "Accept-Encoding"
    small = await client.get("/healthz", headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" not in small.headers


async def test_errors_and_health_are_not_cached(client: Client) -> None:
    health = await client.get("/healthz")
    assert health.headers["cache-control"] == "no-store"
    assert "etag" in health.headers
    missing = await client.get("/v1/articles/999")
    assert "etag" not in missing.headers
    assert "public" not in missing.headers.get("cache-control", "")


async def test_request_id_is_echoed_or_made(client: Client) -> None:
    mine = await client.get("/healthz", headers={"X-Request-Id": "abc-123"})
    assert mine.headers["x-request-id"] == "abc-123"
    made = await client.get("/healthz", headers={"X-Request-Id": "bad id with spaces"})
    assert made.headers["x-request-id"] != "bad id with spaces"
    assert len(made.headers["x-request-id"]) == 32
    problem = await client.get("/v1/articles/999")
    assert problem.headers["x-request-id"]


async def test_cors_preflight_and_exposed_headers(client: Client) -> None:
    pre = await client.options(
        URL,
        headers={
            "Origin": "https://app.example",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "If-None-Match",
        },
    )
    assert pre.status_code == 204
    assert pre.headers["access-control-allow-origin"] == "*"
    r = await client.get(URL, headers={"Origin": "https://app.example"})
    exposed = r.headers["access-control-expose-headers"].lower()
    for name in ("link", "etag", "x-request-id", "ratelimit-remaining"):
        assert name in exposed


def test_etag_matching() -> None:
    assert etag_matches("*", '"a"')
    assert etag_matches('"b", "a"', '"a"')
    assert etag_matches('W/"a"', '"a"')
    assert not etag_matches('"b"', '"a"')


@pytest.fixture
async def limited(seeded_db: Path) -> AsyncIterator[Client]:
    app = create_app(Settings(db_path=seeded_db, rate_limit_per_minute=3))
    async with AsyncTestClient(app) as c:
        yield c


async def test_rate_limit_headers_and_429(limited: Client) -> None:
    seen = []
    for _ in range(3):
        r = await limited.get("/v1/articles")
        assert r.status_code == 200
        assert r.headers["ratelimit-limit"] == "3"
        seen.append(int(r.headers["ratelimit-remaining"]))
    assert seen == [2, 1, 0]
    over = await limited.get("/v1/articles")
    assert over.status_code == 429
    assert over.headers["content-type"] == "application/problem+json"
    problem = msgspec.json.decode(over.content, type=Problem)
    assert problem.status == 429
    assert problem.instance == "/v1/articles"
    assert int(over.headers["retry-after"]) > 0
    health = await limited.get("/healthz")
    assert health.status_code == 200  # health checks are exempt


async def test_last_modified_is_the_ingest_time(client: Client) -> None:
    article = (await client.get(f"/v1/articles/{SEED_ID}")).json()
    ingested = parsedate_to_datetime(
        (await client.get(f"/v1/articles/{SEED_ID}")).headers["last-modified"]
    )
    assert ingested.isoformat().replace("+00:00", "Z") == article["ingested_at"]
    for path in ("comments", "sections", "thread"):
        r = await client.get(f"/v1/articles/{SEED_ID}/{path}")
        assert parsedate_to_datetime(r.headers["last-modified"]) == ingested
