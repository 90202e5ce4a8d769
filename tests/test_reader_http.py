"""The reader's files and the docs pages over HTTP: what they are sent with, and that nothing
they load comes from another server."""

from __future__ import annotations

import re

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from api.reader import STATIC

ASSET = re.compile(r"""(?:src|href)=["']([^"']+)["']""")


async def test_the_reader_page_is_html_with_a_self_only_policy(
    client: AsyncTestClient[Litestar],
) -> None:
    r = await client.get("/")
    assert r.status_code == 200
    assert r.headers["content-type"] == "text/html; charset=utf-8"
    assert "default-src 'self'" in r.headers["content-security-policy"]
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["cache-control"] == "no-cache"
    assert '<script type="module" src="/reader/app.js">' in r.text
    # A link with tracking parameters still opens the page.
    assert (await client.get("/?ref=newsletter")).status_code == 200


@pytest.mark.parametrize("name", sorted(p.name for p in STATIC.iterdir()))
async def test_every_reader_file_is_served(client: AsyncTestClient[Litestar], name: str) -> None:
    r = await client.get("/" if name == "index.html" else f"/reader/{name}")
    assert r.status_code == 200
    kind = {"js": "text/javascript", "css": "text/css", "html": "text/html"}[name.rsplit(".")[-1]]
    assert r.headers["content-type"].startswith(kind)
    assert "content-security-policy" in r.headers
    # Nothing the reader loads names another server.
    assert "http://" not in r.text.replace("http://www.w3.org", "")
    assert not re.search(r"""(?:import|from)\s*["']https?:""", r.text)


@pytest.mark.parametrize("path", ["/docs", "/docs/swagger", "/docs/redoc", "/docs/rapidoc"])
async def test_docs_load_their_assets_from_this_server(
    client: AsyncTestClient[Litestar], path: str
) -> None:
    r = await client.get(path)
    assert r.status_code == 200
    assets = ASSET.findall(r.text)
    assert any(a.startswith("/vendor/") for a in assets)
    for asset in assets:
        assert asset.startswith(("/", "data:")), asset
        if asset.startswith("/vendor/"):
            assert (await client.get(asset)).status_code == 200, asset


async def test_the_reader_and_assets_are_not_operations(client: AsyncTestClient[Litestar]) -> None:
    paths = (await client.get("/docs/openapi.json")).json()["paths"]
    assert all(p.startswith(("/v1/", "/healthz")) for p in paths), sorted(paths)
