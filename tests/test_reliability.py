"""Readers never see half an article; a killed ingest leaves a consistent, resumable DB."""

from __future__ import annotations

import asyncio
import json
import os
import random
import signal
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bench.synthetic import page
from tests.conftest import SEED, THREADBASE, ingest, served
from tests.test_cli import run

READERS = 20


def write_crawl(path: Path, pages: int, comments: tuple[int, int]) -> None:
    rng = random.Random(pages)
    with path.open("w") as f:
        for i in range(pages):
            f.write(json.dumps({"text": page(1000 + i, rng.randint(*comments))}) + "\n")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    db = tmp_path / "live.db"
    ingest(db, SEED)
    with served(db, env={"THREADBASE_RATE_LIMIT": "0"}) as base:
        yield base, db


async def read_everything(client: httpx.AsyncClient, rng: random.Random) -> int:
    """Page through the articles and some articles' comments; check each is whole."""
    requests = 0
    url: str | None = "/v1/articles?limit=7"
    articles = []
    while url:
        r = await client.get(url)
        requests += 1
        assert r.status_code == 200, r.text
        articles += r.json()["items"]
        url = r.json()["next_cursor"] and f"/v1/articles?limit=7&cursor={r.json()['next_cursor']}"
    assert len({a["id"] for a in articles}) == len(articles)
    for article in rng.sample(articles, min(3, len(articles))):
        seen: list[int] = []
        cursor = None
        while True:
            params: dict[str, str | int] = {"limit": 9}
            if cursor:
                params["cursor"] = cursor
            else:
                params["sort"] = rng.choice(["position", "posted_at", "thread"])
            r = await client.get(f"/v1/articles/{article['id']}/comments", params=params)
            requests += 1
            assert r.status_code == 200, r.text
            seen += [c["id"] for c in r.json()["items"]]
            cursor = r.json()["next_cursor"]
            if cursor is None:
                break
        assert len(seen) == len(set(seen)) == article["counts"]["comments"]
    return requests


def test_concurrent_ingest_while_readers_page(server: tuple[str, Path], tmp_path: Path) -> None:
    base, db = server
    crawl = tmp_path / "crawl.jsonl"
    write_crawl(crawl, 120, (10, 80))
    with subprocess.Popen(  # leaving the block closes its pipes, however the test ends
        [*THREADBASE, "ingest", str(crawl), "--db", str(db)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as writer:

        async def reader(n: int) -> int:
            """Requests made while the ingest was still running."""
            rng = random.Random(n)
            during = 0
            async with httpx.AsyncClient(base_url=base, timeout=30) as client:
                while writer.poll() is None:
                    during += await read_everything(client, rng)
                await read_everything(client, rng)
            return during

        async def main() -> list[int]:
            return await asyncio.gather(*(reader(n) for n in range(READERS)))

        try:
            counts = asyncio.run(main())
        except BaseException:
            writer.kill()
            raise
        print(f"reads during ingest: {sum(counts)} by {READERS} readers")
        out, err = writer.communicate(timeout=60)
    assert writer.returncode == 0, err
    assert "120 pages: 120 new articles" in out
    assert sum(counts) > 200
    assert all(c > 0 for c in counts)
    final = httpx.get(f"{base}/v1/articles", params={"include_total": "true"}).json()
    assert final["total"] == 121


def check_consistent(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        torn = conn.execute(
            "SELECT count(*) FROM articles a WHERE a.comment_count != "
            "(SELECT count(*) FROM comments c WHERE c.article_id = a.id) OR a.section_count != "
            "(SELECT count(*) FROM sections s WHERE s.article_id = a.id)"
        ).fetchone()[0]
        assert torn == 0
        fts = conn.execute("SELECT count(*) FROM articles_fts").fetchone()[0]
        articles: int = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        assert fts == articles
        return articles
    finally:
        conn.close()


def test_kill_9_mid_ingest_then_resume(tmp_path: Path) -> None:
    crawl = tmp_path / "crawl.jsonl"
    write_crawl(crawl, 150, (20, 60))
    db = tmp_path / "killed.db"
    proc = subprocess.Popen(
        [*THREADBASE, "ingest", str(crawl), "--db", str(db)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    stored = 0
    while time.monotonic() < deadline and stored < 10:
        time.sleep(0.05)
        if db.exists():
            try:
                conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
                stored = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
                conn.close()
            except sqlite3.OperationalError:
                stored = 0
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    assert proc.returncode == -signal.SIGKILL
    before = check_consistent(db)
    assert 10 <= before < 150

    resumed = run("ingest", str(crawl), "--db", str(db))
    assert resumed.returncode == 0, resumed.stderr
    assert f"150 pages: {150 - before} new article" in resumed.stdout
    assert f"{before} unchanged, 0 failed" in resumed.stdout
    assert check_consistent(db) == 150
