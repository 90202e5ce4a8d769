"""Storage: migrations, idempotent ingest, and all-or-nothing transactions on real files."""

from __future__ import annotations

import dataclasses
import sqlite3
from pathlib import Path

import pytest

from api.ingest.page import parse_page
from api.store.sqlite import connections as db
from api.store.sqlite.writes import store_page
from tests.conftest import EDGE, SEED
from tests.migration_support import undo_recrawls


def dump(path: Path) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(path)
    try:
        out: list[tuple[object, ...]] = []
        for table in ("articles", "sections", "paragraphs", "comments"):
            out += [(table, *row) for row in conn.execute(f"SELECT * FROM {table} ORDER BY id")]
        return out
    finally:
        conn.close()


def test_migrations_set_wal_foreign_keys_and_version(tmp_path: Path) -> None:
    conn = db.connect(tmp_path / "t.db")
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert conn.execute("PRAGMA user_version").fetchone()[0] == db.latest_version()
        assert db.migrate(conn) == db.latest_version()  # re-running is a no-op
        indexes = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='index'")}
        assert {"comments_by_time", "comments_by_author", "comments_by_parent"} <= indexes
    finally:
        conn.close()


def test_ingesting_the_same_page_twice_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "t.db"
    conn = db.connect(path)
    page = parse_page(SEED.read_text(encoding="utf-8"))
    first = store_page(conn, page)
    before = dump(path)
    again = store_page(conn, parse_page(SEED.read_text(encoding="utf-8").replace("\n", "\r\n")))
    conn.close()
    assert first.created
    assert not again.created
    assert again.article_id == first.article_id
    assert dump(path) == before


def test_ids_stay_stable_and_parents_point_inside_the_article(tmp_path: Path) -> None:
    path = tmp_path / "t.db"
    conn = db.connect(path)
    store_page(conn, parse_page(EDGE.read_text(encoding="utf-8")))
    store_page(conn, parse_page(SEED.read_text(encoding="utf-8")))
    bad = conn.execute(
        "SELECT count(*) FROM comments c JOIN comments p ON p.id = c.parent_id "
        "WHERE p.article_id != c.article_id OR p.root_id != c.root_id"
    ).fetchone()[0]
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    conn.close()
    assert bad == 0


def test_a_failing_page_leaves_no_trace(tmp_path: Path) -> None:
    path = tmp_path / "t.db"
    conn = db.connect(path)
    store_page(conn, parse_page(EDGE.read_text(encoding="utf-8")))
    before = dump(path)
    page = parse_page(SEED.read_text(encoding="utf-8"))
    # A thread link pointing outside the page violates the deferred foreign key at COMMIT
    # time, after articles, sections, paragraphs and comments have all been inserted.
    broken = dataclasses.replace(page.threads[3], parent=10_000)
    page.threads[3] = broken
    with pytest.raises(sqlite3.IntegrityError):
        store_page(conn, page)
    assert not conn.in_transaction
    conn.close()
    assert dump(path) == before


def test_migration_0013_ranks_a_database_of_thread_paths_as_ingest_does(tmp_path: Path) -> None:
    """A database from before migration 0013 (thread paths) is migrated to thread ranks equal
    to the ones ingest computes, and loses the path column."""
    from bench.synthetic import page

    path = tmp_path / "t.db"
    conn = db.connect(path)
    store_page(conn, parse_page(SEED.read_text(encoding="utf-8")))
    for seed in range(5):
        store_page(conn, parse_page(page(seed, 60)))
    before = conn.execute("SELECT id, thread_rank FROM comments ORDER BY id").fetchall()
    # Back to the version before 0013: thread paths as migration 0005 computes them, no ranks.
    previous = max(m.version for m in db.migrations() if m.version < 13)
    paths = next(m for m in db.migrations() if m.version == 5).sql
    undo_recrawls(conn)
    conn.executescript(
        "DROP INDEX comments_by_thread;"
        "ALTER TABLE comments DROP COLUMN thread_rank;"
        "ALTER TABLE comments ADD COLUMN thread_path TEXT NOT NULL DEFAULT '';"
        "CREATE INDEX comments_by_thread ON comments (article_id, thread_path);"
        f"PRAGMA user_version = {previous};"
    )
    conn.execute(paths[paths.index("WITH RECURSIVE") :])
    assert db.migrate(conn) == db.latest_version()
    after = conn.execute("SELECT id, thread_rank FROM comments ORDER BY id").fetchall()
    columns = {row[1] for row in conn.execute("PRAGMA table_info(comments)")}
    conn.close()
    assert after == before
    assert sorted({r for _, r in before}) == list(range(60))
    assert "thread_path" not in columns
