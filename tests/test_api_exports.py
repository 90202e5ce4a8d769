"""Streamed NDJSON and CSV exports."""

from __future__ import annotations

import csv
import io

import msgspec
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from api.routes import exports
from schemas import Comment, CommentPage
from tests.conftest import SEED_ID

Client = AsyncTestClient[Litestar]


async def test_ndjson_matches_the_json_api(client: Client) -> None:
    r = await client.get(f"/v1/articles/{SEED_ID}/comments.ndjson")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/x-ndjson")
    assert "article-1-comments.ndjson" in r.headers["content-disposition"]
    lines = r.content.splitlines()
    exported = [msgspec.json.decode(line, type=Comment) for line in lines]
    page = msgspec.json.decode(
        (await client.get(f"/v1/articles/{SEED_ID}/comments")).content, type=CommentPage
    )
    assert exported == page.items


async def test_csv_round_trips_bodies(client: Client) -> None:
    r = await client.get(f"/v1/articles/{SEED_ID}/comments.csv")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert len(rows) == 22
    assert list(rows[0]) == exports.CSV_COLUMNS
    page = msgspec.json.decode(
        (await client.get(f"/v1/articles/{SEED_ID}/comments")).content, type=CommentPage
    )
    for row, comment in zip(rows, page.items, strict=True):
        assert row["body"] == comment.body
        assert row["author"] == comment.author
        assert row["parent_id"] == ("" if comment.parent_id is None else str(comment.parent_id))
    assert rows[4]["posted_at"] == "2017-06-18T18:45:00Z"


async def test_exports_stream_in_chunks(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(exports, "CHUNK", 5)
    r = await client.get(f"/v1/articles/{SEED_ID}/comments.ndjson")
    ids = [msgspec.json.decode(line, type=Comment).id for line in r.content.splitlines()]
    assert ids == list(range(1, 23))
    assert "etag" not in r.headers  # streamed, so not buffered for an ETag


async def test_export_of_unknown_article_is_a_problem(client: Client) -> None:
    for suffix in ("ndjson", "csv"):
        r = await client.get(f"/v1/articles/999/comments.{suffix}")
        assert r.status_code == 404
        assert r.headers["content-type"] == "application/problem+json"
