"""`threadbase copy`: SQLite → PostgreSQL → SQLite keeps every id and every answer, and resumes."""

from __future__ import annotations

import subprocess
from datetime import datetime
from pathlib import Path
from typing import Any

from litestar.testing import AsyncTestClient

from api.app import create_app
from api.ingest.page import parse_page
from api.settings import Settings
from api.store.copy import copy_database
from api.store.postgres.store import PostgresStore
from api.store.protocol import CommentFilter, Crawl, Source
from api.store.sqlite import connections as db
from api.store.sqlite.crawls import ingest_crawl
from api.store.sqlite.writes import delete_article
from tests.conftest import EDGE, SEED, THREADBASE, ingest
from tests.test_recrawls import EDITED, MARY_ID, SEED_TEXT, WITHOUT_MARY

PATHS = [
    "/v1/articles?limit=1",
    "/v1/articles/1?include=sections&include=speakers",
    "/v1/articles/2/document",
    "/v1/articles/1/comments?limit=500",
    "/v1/articles/1/comments?sort=thread&limit=5",
    "/v1/articles/1/comments?sort=-posted_at&limit=7",
    "/v1/articles/1/thread",
    "/v1/comments/3/context",
    "/v1/quotes?limit=500",
    "/v1/speakers",
    "/v1/authors?limit=500",
    "/v1/articles/1/comments.ndjson",
    "/v1/articles/1/crawls",
    "/v1/articles/1/revisions",
    f"/v1/comments/{MARY_ID}/revisions",
    "/v1/articles/1/comments?removed=true",
    "/v1/articles/1/comments?seen_since=2017-06-20T00:00:00Z",
]
SAME_ENGINE_PATHS = ["/v1/search?q=Putin&limit=50", "/v1/search?q=furnace&type=quote"]


async def answers(settings: Settings, paths: list[str]) -> list[tuple[int, Any, str | None]]:
    """Status, body and Link header of each path."""
    found = []
    async with AsyncTestClient(create_app(settings)) as client:
        for path in paths:
            r = await client.get(path)
            body = r.json() if r.headers["content-type"] == "application/json" else r.text
            found.append((r.status_code, body, r.headers.get("link")))
    return found


def run_copy(source: str, dest: str) -> str:
    """`threadbase copy` as a real process; its stderr (progress and summary)."""
    done = subprocess.run(
        [*THREADBASE, "copy", "--from", source, "--to", dest],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stderr


def recrawl(path: Path, text: str, crawled_at: str) -> None:
    """Merge a crawl of the seed page (one URL) into the SQLite file at `path`."""
    when = int(datetime.fromisoformat(crawled_at).timestamp())
    conn = db.connect(path)
    try:
        source = Source(url="https://example.org/putin", crawled_at=when)
        ingest_crawl(conn, parse_page(text), source, Crawl(raw=text.encode()))
    finally:
        conn.close()


async def test_a_round_trip_keeps_every_answer(tmp_path: Path, fresh_postgres: str) -> None:
    """Crawl history included: a merged re-crawl (a comment added, one edited, one removed)
    reads the same on the copy and on the copy of the copy."""
    original = tmp_path / "original.db"
    recrawl(original, SEED_TEXT, "2017-06-19T12:00:00+00:00")
    ingest(original, EDGE)
    recrawl(original, EDITED, "2017-06-20T12:00:00+00:00")
    recrawl(original, WITHOUT_MARY, "2017-06-21T12:00:00+00:00")
    url = fresh_postgres
    back = tmp_path / "back.db"

    out = run_copy(f"sqlite:///{original}", url)
    assert "copied" in out
    assert "2 articles" in out
    run_copy(url, f"sqlite:///{back}")

    # No explicit secret: each database's own cursor secret signs the Link headers, and it
    # travels with the data, so even the cursors are the same.
    sqlite_settings = Settings(db_path=original, rate_limit_per_minute=0)
    first = await answers(sqlite_settings, PATHS + SAME_ENGINE_PATHS)
    assert [status for status, _, _ in first] == [200] * len(first)
    crawls = first[PATHS.index("/v1/articles/1/crawls")][1]["items"]
    assert [c["outcome"] for c in crawls] == ["created", "merged", "merged"]
    removed = first[PATHS.index("/v1/articles/1/comments?removed=true")][1]["items"]
    assert [c["id"] for c in removed] == [MARY_ID]
    on_postgres = await answers(
        Settings(db_path=original, database_url=url, rate_limit_per_minute=0), PATHS
    )
    assert on_postgres == first[: len(PATHS)]
    again = await answers(
        Settings(db_path=back, rate_limit_per_minute=0), PATHS + SAME_ENGINE_PATHS
    )
    assert again == first


async def test_a_copy_resumes(tmp_path: Path, fresh_postgres: str) -> None:
    source = tmp_path / "source.db"
    ingest(source, SEED)
    url = fresh_postgres
    seen: list[tuple[str, int, int]] = []

    first = await copy_database(f"sqlite:///{source}", url, lambda *a: seen.append(a))
    assert first["articles"] == 1
    assert first["comments"] > 0
    assert ("comments", first["comments"], first["comments"]) in seen  # the bar reached the end

    ingest(source, EDGE)  # the source moves on; the copy picks up only what is new
    second = await copy_database(f"sqlite:///{source}", url, lambda *a: None)
    assert (second["articles"], second["comments"]) == (1, 6)
    third = await copy_database(f"sqlite:///{source}", url, lambda *a: None)
    assert (third["articles"], third["comments"], third["quotes"]) == (0, 0, 0)


async def test_ids_deleted_at_the_source_are_not_reused_by_the_copy(
    tmp_path: Path, fresh_postgres: str
) -> None:
    source = tmp_path / "source.db"
    ingest(source, SEED, EDGE)
    conn = db.connect(source)
    deleted = [r[0] for r in conn.execute("SELECT id FROM comments WHERE article_id = 2")]
    assert delete_article(conn, 2)
    conn.close()
    url = fresh_postgres
    await copy_database(f"sqlite:///{source}", url, lambda *a: None)

    store = await PostgresStore.open(url, search_deadline=2)
    try:
        again = await store.store_page(parse_page(EDGE.read_text(encoding="utf-8")), Source())
        comments, _ = await store.list_comments(
            again.article_id, filters=CommentFilter(), sort="position", after=None, limit=50
        )
    finally:
        await store.close()
    assert again.article_id == 3
    assert min(c.id for c in comments) > max(deleted)
