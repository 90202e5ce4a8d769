"""What holds for every response: request ids, HEAD, CORS refusals, caching with credentials,
content negotiation and repeated parameters."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from api.app import create_app
from api.settings import Settings
from tests.conftest import ROOT, SEED, SEED_ID, assert_problem, ingest

Client = AsyncTestClient[Litestar]
SAMPLES = {"article_id": str(SEED_ID), "comment_id": "11", "name": "nmewn"}
QUERIES = {"/v1/search": "?q=putin"}


def get_paths() -> list[str]:
    """Every GET operation of the committed contract, its path filled in from the seed."""
    spec: dict[str, Any] = json.loads((ROOT / "openapi.json").read_text(encoding="utf-8"))
    paths = []
    for path, item in spec["paths"].items():
        if "get" not in item:
            continue
        url = re.sub(r"\{(\w+)\}", lambda m: SAMPLES[m.group(1)], path)
        paths.append(url + QUERIES.get(path, ""))
    return paths


@pytest.fixture
async def limited(seeded_db: Path, tmp_path: Path) -> AsyncIterator[Client]:
    app = create_app(Settings(db_path=seeded_db, rate_limit_per_minute=1))
    async with AsyncTestClient(app) as c:
        yield c


async def test_every_response_has_a_request_id(client: Client, limited: Client) -> None:
    unknown = await client.get("/v1/nowhere")
    assert_problem(unknown, 404)
    not_allowed = await client.patch("/v1/articles")
    assert_problem(not_allowed, 405)
    assert "HEAD" in not_allowed.headers["allow"]
    await limited.get("/v1/articles")
    spent = await limited.get("/v1/articles", headers={"X-Request-Id": "mine-1"})
    assert_problem(spent, 429)
    assert spent.headers["x-request-id"] == "mine-1"
    for response in (unknown, not_allowed):
        assert re.fullmatch(r"[0-9a-f]{32}", response.headers["x-request-id"])


@pytest.mark.parametrize("path", get_paths())
async def test_head_wherever_get(client: Client, path: str) -> None:
    got = await client.get(path, headers={"Accept-Encoding": "identity"})
    head = await client.head(path, headers={"Accept-Encoding": "identity"})
    assert got.status_code == 200, (path, got.text)
    assert head.status_code == 200, (path, head.text)
    assert head.content == b""
    skip = {"x-request-id", "date", "ratelimit-reset", "ratelimit-remaining", "cache-status"}
    assert {k: v for k, v in head.headers.items() if k not in skip} == {
        k: v for k, v in got.headers.items() if k not in skip
    }
    again = (
        await client.head(
            path, headers={"Accept-Encoding": "identity", "If-None-Match": got.headers["etag"]}
        )
        if "etag" in got.headers
        else None
    )
    if again is not None:
        assert again.status_code == 304


async def test_a_refused_cors_preflight_is_a_problem(client: Client) -> None:
    refused = await client.options(
        "/v1/articles",
        headers={
            "Origin": "https://app.example",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "X-Not-Allowed",
        },
    )
    assert_problem(refused, 400)
    assert "headers" in refused.json()["detail"]
    assert "idempotency-key" in refused.json()["detail"]
    assert refused.headers["x-request-id"]


async def test_credentials_are_never_cached_publicly(client: Client) -> None:
    anonymous = await client.get("/v1/articles")
    assert "public" in anonymous.headers["cache-control"]
    for header in ({"Authorization": "Bearer tb_x_y"}, {"X-API-Key": "tb_x_y"}):
        keyed = await client.get("/v1/articles", headers=header)
        assert keyed.status_code == 200
        assert "public" not in keyed.headers["cache-control"]
        assert "private" in keyed.headers["cache-control"]


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("/v1/articles?limit=1&limit=2", "limit"),
        (f"/v1/articles/{SEED_ID}/comments?author=a&author=b", "author"),
        ("/v1/search?q=putin&q=stone", "q"),
    ],
)
async def test_a_scalar_parameter_given_twice_is_refused(
    client: Client, path: str, name: str
) -> None:
    assert_problem(await client.get(path), 400, name)


async def test_accept_is_honoured(client: Client) -> None:
    xml = await client.get("/v1/articles", headers={"Accept": "application/xml"})
    assert_problem(xml, 406)
    assert "application/json" in xml.json()["detail"]
    csv = await client.get(
        f"/v1/articles/{SEED_ID}/comments.csv", headers={"Accept": "application/json"}
    )
    assert_problem(csv, 406)
    for accept in (
        "application/json",
        "application/*",
        "*/*",
        "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    ):
        assert (await client.get("/v1/articles", headers={"Accept": accept})).status_code == 200
    assert (
        await client.get(f"/v1/articles/{SEED_ID}/comments.csv", headers={"Accept": "text/csv"})
    ).status_code == 200
    assert (
        await client.get("/docs/openapi.json", headers={"Accept": "application/json"})
    ).status_code == 200


async def test_an_unreachable_rate_limit_store_lets_requests_through(tmp_path: Path) -> None:
    path = tmp_path / "open.db"
    ingest(path, SEED)
    (tmp_path / "open.db-ratelimit").mkdir()  # not a database file
    async with AsyncTestClient(create_app(Settings(db_path=path))) as c:
        r = await c.get("/v1/articles")
    assert r.status_code == 200
    assert "ratelimit-remaining" not in r.headers
