"""Re-crawls from the command line: merge summaries, crawl times, reparse, doctor."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from api.ingest.page import parse_page
from api.store.protocol import Source
from api.store.sqlite import connections as db
from api.store.sqlite.writes import store_page
from tests.conftest import SEED
from tests.migration_support import undo_recrawls
from tests.test_cli import run
from tests.test_recrawls import EDITED, GROWN, MARY_ID

SEED_TEXT = SEED.read_text(encoding="utf-8")


def query(path: Path, sql: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_ingest_merges_recrawls_and_says_how(tmp_path: Path) -> None:
    target = tmp_path / "t.db"
    grown = tmp_path / "grown.txt"
    grown.write_text(GROWN, encoding="utf-8")
    edited = tmp_path / "edited.txt"
    edited.write_text(EDITED, encoding="utf-8")
    first = run("ingest", str(SEED), "--db", str(target), "--crawled-at", "2017-06-19T12:00:00Z")
    assert first.returncode == 0, first.stderr
    second = run("ingest", str(grown), str(edited), "--db", str(target))
    assert second.returncode == 0, second.stderr
    assert (
        "2 pages: 0 new articles, 2 merged (1 comment added, 1 edited, 0 removed), "
        "0 unchanged, 0 failed" in second.stdout
    )
    assert query(target, "SELECT count(*), max(id) FROM comments") == [(23, 23)]
    crawls = query(target, "SELECT crawled_at, outcome FROM crawls ORDER BY id")
    assert crawls[0] == (1497873600, "created")
    assert [c[1] for c in crawls[1:]] == ["merged", "merged"]
    bad = run("ingest", str(SEED), "--db", str(target), "--crawled-at", "soon")
    assert bad.returncode == 2
    assert "--crawled-at" in bad.stderr


def test_records_carry_their_crawl_time(tmp_path: Path) -> None:
    records = tmp_path / "crawl.jsonl"
    lines = [
        {"text": GROWN, "url": "https://e.org/p", "crawled_at": "2017-06-20T00:00:00Z"},
        {"text": SEED_TEXT, "url": "https://e.org/p?utm_medium=x", "crawled_at": "2017-06-19"},
    ]
    records.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    target = tmp_path / "t.db"
    result = run("ingest", str(records), "--db", str(target))
    assert result.returncode == 0, result.stderr
    assert "1 new article, 0 merged" in result.stdout  # the older crawl changed nothing
    assert "1 unchanged" in result.stdout
    assert query(target, "SELECT crawled_at FROM crawls ORDER BY crawled_at") == [
        (1497830400,),
        (1497916800,),
    ]
    assert query(target, "SELECT count(*) FROM comments WHERE removed_at IS NULL") == [(23,)]


def test_reparse_reads_the_stored_source_again(tmp_path: Path) -> None:
    target = tmp_path / "t.db"
    assert run("ingest", str(SEED), "--db", str(target)).returncode == 0
    conn = sqlite3.connect(target)  # as if an older parser had read the page badly
    conn.execute("UPDATE comments SET body = 'garbled' WHERE id = ?", (MARY_ID,))
    conn.execute("UPDATE crawls SET parser_version = 'old'")
    conn.commit()
    conn.close()
    dry = run("reparse", "--article", "1", "--dry-run", "--db", str(target))
    assert dry.returncode == 0, dry.stderr
    assert "article 1: 1 crawl re-read: 0 comments added, 1 edited, 0 removed" in dry.stdout
    assert "1 would change" in dry.stdout
    assert query(target, f"SELECT body FROM comments WHERE id = {MARY_ID}") == [("garbled",)]
    done = run("reparse", "--all", "--db", str(target))
    assert done.returncode == 0, done.stderr
    assert "1 article: 1 changed, 0 unchanged" in done.stdout
    rows = query(target, f"SELECT author, body FROM comments WHERE id = {MARY_ID}")
    assert rows[0][0] == "mary mary"
    assert str(rows[0][1]).startswith("I saw Charlie Rose")
    assert query(target, "SELECT count(*), max(id) FROM comments") == [(22, 22)]
    assert query(target, "SELECT parser_version != 'old' FROM crawls") == [(1,)]
    again = run("reparse", "--all", "--db", str(target))
    assert "1 article: 0 changed, 1 unchanged" in again.stdout
    assert run("reparse", "--db", str(target)).returncode == 2
    assert run("reparse", "--article", "9", "--db", str(target)).returncode == 1


def test_reparse_and_doctor_on_a_database_from_before(tmp_path: Path) -> None:
    target = tmp_path / "old.db"
    conn = db.connect(target)
    page = parse_page(SEED_TEXT)
    store_page(conn, page, Source(url="https://e.org/a"))  # the writer without merging
    other = parse_page(GROWN)
    store_page(conn, other, Source(url="HTTPS://e.org/a#comments"))
    conn.close()
    reparse = run("reparse", "--all", "--db", str(target))
    assert reparse.returncode == 0, reparse.stderr
    assert "article 1: no stored source" in reparse.stdout
    assert "2 without stored source" in reparse.stdout
    doctor = run("doctor", "--db", str(target))
    assert doctor.returncode == 1
    assert "duplicate articles: https://e.org/a: 1, 2" in doctor.stdout
    assert "2 articles with crawls without a stored source" in doctor.stdout
    assert query(target, "SELECT count(*) FROM articles") == [(2,)]  # reported, not merged
    clean = tmp_path / "clean.db"
    assert run("ingest", str(SEED), "--db", str(clean)).returncode == 0
    fine = run("doctor", "--db", str(clean))
    assert fine.returncode == 0, fine.stdout
    assert "0 groups of duplicate articles" in fine.stdout


def test_a_database_from_before_crawls_is_upgraded_in_place(tmp_path: Path) -> None:
    """A database at schema 13 (before 0014) gets one crawl per article, at its ingest time and
    without a source, its identity, and comments seen by that crawl; its ids stay."""
    path = tmp_path / "v13.db"
    conn = db.connect(path)
    store_page(conn, parse_page(SEED_TEXT), Source(url="https://E.org/a?utm_source=feed"))
    before = conn.execute("SELECT id, parent_id, thread_rank, body FROM comments").fetchall()
    undo_recrawls(conn)
    conn.close()
    upgraded = db.connect(path)
    try:
        assert (
            upgraded.execute("SELECT id, parent_id, thread_rank, body FROM comments").fetchall()
            == before
        )
        assert upgraded.execute("PRAGMA foreign_key_check").fetchall() == []
        assert upgraded.execute("PRAGMA user_version").fetchone()[0] == db.latest_version()
        assert upgraded.execute(
            "SELECT count(*), min(c.first_seen_at = a.ingested_at), count(c.anchor_id) "
            "FROM comments c JOIN articles a ON a.id = c.article_id"
        ).fetchone() == (22, 1, 21)
        assert upgraded.execute("SELECT outcome, comments, source_id FROM crawls").fetchall() == [
            ("created", 22, None)
        ]
        assert upgraded.execute("SELECT canonical_url FROM articles").fetchone() == (
            "https://e.org/a",
        )
    finally:
        upgraded.close()


def test_a_recrawl_merges_into_an_upgraded_article(tmp_path: Path) -> None:
    path = tmp_path / "v13.db"
    conn = db.connect(path)
    store_page(conn, parse_page(SEED_TEXT))
    undo_recrawls(conn)
    conn.close()
    grown = tmp_path / "grown.txt"
    grown.write_text(GROWN, encoding="utf-8")
    result = run("ingest", str(grown), "--db", str(path))
    assert result.returncode == 0, result.stderr
    assert "1 merged (1 comment added, 0 edited, 0 removed)" in result.stdout
    assert query(path, "SELECT count(*), max(id) FROM comments") == [(23, 23)]
