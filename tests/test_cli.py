"""The `threadbase` command, run as a real process."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
from pathlib import Path

from tests.conftest import EDGE, SEED, THREADBASE


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*THREADBASE, *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **(env or {})},
        check=False,
    )


def test_ingest_files_and_folders_then_again(tmp_path: Path) -> None:
    target = tmp_path / "db" / "t.db"
    first = run("ingest", str(SEED), str(EDGE.parent), "--db", str(target))
    assert first.returncode == 0, first.stderr
    assert (
        "2 pages: 2 new articles, 0 merged (0 comments added, 0 edited, 0 "
        "removed), 0 unchanged, 0 failed" in first.stdout
    )
    second = run("ingest", str(SEED), "--db", str(target))
    assert (
        "1 pages: 0 new articles, 0 merged (0 comments added, 0 edited, 0 "
        "removed), 1 unchanged, 0 failed" in second.stdout
    )


def test_ingest_reads_the_db_from_the_environment(tmp_path: Path) -> None:
    target = tmp_path / "env.db"
    result = run("ingest", str(SEED), env={"THREADBASE_DB": str(target)})
    assert result.returncode == 0, result.stderr
    conn = sqlite3.connect(target)
    assert conn.execute("SELECT count(*) FROM comments").fetchone()[0] == 22
    conn.close()


def test_bad_pages_are_reported_and_the_rest_ingested(tmp_path: Path) -> None:
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "a-empty.txt").write_text("\n\n")
    (pages / "b-seed.txt").write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    (pages / "c-headless.txt").write_text("bob Sun, 06/18/2017 - 22:09 Permalink\nhi\n")
    result = run("ingest", str(pages), "--db", str(tmp_path / "t.db"))
    assert result.returncode == 1
    assert (
        "3 pages: 1 new articles, 0 merged (0 comments added, 0 edited, 0 "
        "removed), 0 unchanged, 2 failed" in result.stdout
    )
    assert "a-empty.txt: page is empty\n" in result.stderr
    assert "c-headless.txt: line 1: page has no title" in result.stderr


def test_timezone_option(tmp_path: Path) -> None:
    target = tmp_path / "t.db"
    assert (
        run("ingest", str(SEED), "--db", str(target), "--timezone", "Europe/Berlin").returncode == 0
    )
    conn = sqlite3.connect(target)
    first = conn.execute("SELECT min(posted_at) FROM comments").fetchone()[0]
    conn.close()
    assert first == 1497804300  # 2017-06-18 18:45 in Berlin (CEST) is 16:45 UTC
    bad = run("ingest", str(SEED), "--db", str(target), "--timezone", "Mars/Olympus")
    assert bad.returncode == 2
    assert "unknown time zone" in bad.stderr


def test_if_empty_skips_a_database_that_holds_articles(tmp_path: Path) -> None:
    target = tmp_path / "t.db"
    run("ingest", str(SEED), "--db", str(target))
    result = run("ingest", str(EDGE), "--db", str(target), "--if-empty")
    assert result.returncode == 0
    assert "nothing ingested" in result.stderr
    conn = sqlite3.connect(target)
    assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 1
    conn.close()


def test_openapi_command_writes_the_document(tmp_path: Path) -> None:
    out = tmp_path / "openapi.json"
    result = run("openapi", "--output", str(out))
    assert result.returncode == 0, result.stderr
    assert json.loads(out.read_text())["info"]["title"] == "Threadbase API"
