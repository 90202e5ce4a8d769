"""SQLite page writes in multi-row statements: every row lands, in order, indexed, and a new
article's comments are stored as its first crawl marks them."""

from __future__ import annotations

import sqlite3
from datetime import UTC
from pathlib import Path

import pytest

from api.ingest.page import parse_page
from api.store.protocol import Crawl, Source
from api.store.sqlite import connections as db
from api.store.sqlite.crawls import ingest_crawl
from api.store.sqlite.writes import insert_rows, store_page, update_rows
from bench.synthetic import page
from tests.conftest import SEED

CRAWL_COLUMNS = "anchor_id, first_crawl_id, last_crawl_id, body_crawl_id, removed_crawl_id"


def _ingest(conn: sqlite3.Connection, text: str) -> int:
    result = ingest_crawl(
        conn, parse_page(text, UTC), Source(crawled_at=1_700_000_000), Crawl(text.encode())
    )
    return result.article_id


@pytest.mark.parametrize("comments", [0, 1, 255, 256, 257, 700])
def test_every_comment_lands_in_order_and_indexed(tmp_path: Path, comments: int) -> None:
    conn = db.connect(tmp_path / "t.db")
    article = _ingest(conn, page(7, comments))
    rows = conn.execute(
        "SELECT id, position, first_seen_at FROM comments WHERE article_id = ? ORDER BY id",
        (article,),
    ).fetchall()
    assert [r[1] for r in rows] == list(range(comments))
    assert [r[0] for r in rows] == list(range(1, comments + 1))
    assert {r[2] for r in rows} <= {1_700_000_000}
    indexed = conn.execute("SELECT count(*) FROM comments_fts_docsize").fetchone()[0]
    assert indexed == comments
    conn.execute("INSERT INTO comments_fts (comments_fts) VALUES ('integrity-check')")
    conn.execute("INSERT INTO quotes_fts (quotes_fts) VALUES ('integrity-check')")


def test_a_small_variable_limit_takes_smaller_statements(tmp_path: Path) -> None:
    conn = db.connect(tmp_path / "t.db")
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b INTEGER)")
    conn.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 20)  # six rows of three at most
    rows = [(i, f"row {i}", i * 2) for i in range(1, 301)]
    insert_rows(conn, "t", ("id", "a", "b"), rows)
    update_rows(conn, "t", ("a",), [(f"new {i}", i) for i in range(1, 301, 3)])
    stored = conn.execute("SELECT id, a, b FROM t ORDER BY id").fetchall()
    assert stored == [(i, f"new {i}" if i % 3 == 1 else f"row {i}", i * 2) for i in range(1, 301)]


def test_a_new_articles_comments_are_marked_as_its_first_crawl_marks_them(tmp_path: Path) -> None:
    """ingest_crawl writes the crawl columns with the comments; store_page writes them after
    (`start_thread`): the same values."""
    text = SEED.read_text(encoding="utf-8")
    ingested = db.connect(tmp_path / "ingested.db")
    stored = db.connect(tmp_path / "stored.db")
    _ingest(ingested, text)
    store_page(stored, parse_page(text, UTC))
    query = f"SELECT id, position, {CRAWL_COLUMNS} FROM comments ORDER BY id"
    first = ingested.execute(query).fetchall()
    assert len(first) > 10
    assert first == stored.execute(query).fetchall()
    assert first[0][2] is None  # the anchor: the comment above
    assert all(r[2] == r[0] - 1 for r in first[1:])
