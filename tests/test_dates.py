"""Times the API cannot encode (outside years 1 to 9999 UTC) are refused before any write."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from api.app import create_app
from api.settings import Settings
from api.store.api_keys import make_key
from api.store.sqlite import connections as db
from api.store.sqlite.keys import create_key
from tests.conftest import SEED, assert_problem, ingest
from tests.test_cli import run

Client = AsyncTestClient[Litestar]
LATE_PAGE = "Far future\n\nSome text.\n\nbob Fri, 12/31/9999 - 23:59 Permalink\n\nhello\n"
GOOD_COMMENT = {"author": "ann", "posted_at": "2020-01-01T10:00:00Z", "body": "fine"}


@pytest.fixture
async def writer(tmp_path: Path) -> AsyncIterator[tuple[Client, dict[str, str]]]:
    conn = db.connect(tmp_path / "t.db")
    key = make_key()
    create_key(conn, "test", key)
    conn.close()
    async with AsyncTestClient(create_app(Settings(db_path=tmp_path / "t.db"))) as c:
        yield c, {"Authorization": f"Bearer {key.token}"}


async def assert_nothing_stored(client: Client) -> None:
    listed = await client.get("/v1/articles", params={"include_total": "true"})
    assert listed.status_code == 200, listed.text
    assert listed.json()["total"] == 0


async def test_a_page_time_past_9999_in_utc_is_a_400(
    writer: tuple[Client, dict[str, str]],
) -> None:
    client, auth = writer
    r = await client.post(
        "/v1/articles",
        content=LATE_PAGE,
        params={"timezone": "America/New_York"},
        headers={**auth, "Content-Type": "text/plain"},
    )
    assert_problem(r, 400, "body")
    assert "line 5" in r.json()["detail"]
    await assert_nothing_stored(client)


@pytest.mark.parametrize(
    ("document", "field"),
    [
        (
            {
                "comments": [
                    GOOD_COMMENT,
                    {**GOOD_COMMENT, "posted_at": "0001-01-01T00:00:00+14:00"},
                ]
            },
            "$.comments[1].posted_at",
        ),
        ({"published_at": "9999-12-31T23:59:59-00:01"}, "$.published_at"),
    ],
)
async def test_a_json_time_outside_the_range_is_a_400_naming_it(
    writer: tuple[Client, dict[str, str]], document: dict[str, Any], field: str
) -> None:
    client, auth = writer
    body = {"title": "Edge of time", **document}
    r = await client.post("/v1/articles", json=body, headers=auth)
    assert_problem(r, 400, field)
    assert r.json()["invalid_params"][0]["location"] == "body"
    await assert_nothing_stored(client)


async def test_a_published_at_parameter_outside_the_range_is_a_400(
    writer: tuple[Client, dict[str, str]],
) -> None:
    client, auth = writer
    r = await client.post(
        "/v1/articles",
        content=SEED.read_text(encoding="utf-8"),
        params={"published_at": "0001-01-01T00:00:00+01:00"},
        headers={**auth, "Content-Type": "text/plain"},
    )
    assert_problem(r, 400, "published_at")
    await assert_nothing_stored(client)


async def test_times_stored_out_of_range_do_not_break_reads(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    ingest(path, SEED)
    conn = sqlite3.connect(path)
    with conn:
        conn.execute(
            "UPDATE articles SET published_at = -62135647200, last_comment_at = 281474976710656"
        )
        conn.execute("UPDATE comments SET posted_at = 253402318740 WHERE position = 0")
    conn.close()
    async with AsyncTestClient(create_app(Settings(db_path=path))) as client:
        for url in ["/v1/articles", "/v1/articles/1", "/v1/articles/1/comments", "/v1/authors"]:
            r = await client.get(url)
            assert r.status_code == 200, r.text
        article = (await client.get("/v1/articles/1")).json()
        assert article["published_at"] == "0001-01-01T00:00:00Z"


def test_ingest_reports_a_bad_record_by_line_and_ingests_the_rest(tmp_path: Path) -> None:
    records = tmp_path / "mixed.jsonl"
    lines = [{"text": LATE_PAGE}, {"text": SEED.read_text(encoding="utf-8")}]
    records.write_text("".join(json.dumps(r) + "\n" for r in lines), encoding="utf-8")
    result = run(
        "ingest", str(records), "--db", str(tmp_path / "t.db"), "--timezone", "America/New_York"
    )
    assert result.returncode == 1
    assert f"error: {records}:1: line 5:" in result.stderr
    assert "Traceback" not in result.stderr
    assert (
        "2 pages: 1 new article, 0 merged (0 comments added, 0 edited, 0 removed), "
        "0 unchanged, 1 failed" in result.stdout
    )
