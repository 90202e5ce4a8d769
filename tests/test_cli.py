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
        "2 pages: 2 new articles, 0 merged (0 comments added, 0 edited, 0 removed), "
        "0 unchanged, 0 failed" in first.stdout
    )
    second = run("ingest", str(SEED), "--db", str(target))
    assert (
        "1 page: 0 new articles, 0 merged (0 comments added, 0 edited, 0 removed), "
        "1 unchanged, 0 failed" in second.stdout
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
        "3 pages: 1 new article, 0 merged (0 comments added, 0 edited, 0 removed), "
        "0 unchanged, 2 failed" in result.stdout
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


def test_every_database_command_names_the_absolute_path(tmp_path: Path) -> None:
    relative = Path(os.path.relpath(tmp_path / "rel.db"))
    expected = f"database: {(tmp_path / 'rel.db').resolve()}\n"
    for args in (["ingest", str(SEED)], ["keys", "list"], ["keys", "create", "x"]):
        result = run(*args, "--db", str(relative))
        assert result.returncode == 0, result.stderr
        assert result.stderr.startswith(expected), (args, result.stderr)
    # The key itself is the only thing on stdout, so `KEY=$(threadbase keys create ...)` works.
    made = run("keys", "create", "y", "--db", str(relative))
    assert made.stdout.startswith("tb_")
    assert made.stdout.count("\n") == 1


def test_keys_list_has_a_header_and_says_when_there_are_none(tmp_path: Path) -> None:
    target = str(tmp_path / "k.db")
    empty = run("keys", "list", "--db", target)
    assert empty.stdout == "no keys (make one with `threadbase keys create NAME`)\n"
    token = run("keys", "create", "my laptop", "--db", target).stdout.strip()
    listed = run("keys", "list", "--db", target).stdout.splitlines()
    assert listed[0].split() == ["PREFIX", "STATE", "CREATED", "NAME"]
    prefix, state, _created, *name = listed[1].split()
    assert (prefix, state, " ".join(name)) == (token[3:11], "active", "my laptop")
    help_text = run("keys", "list", "--help").stdout
    assert "prefix, state, creation time and name" in " ".join(help_text.split())


def test_version() -> None:
    result = run("--version")
    assert result.returncode == 0
    assert result.stdout.startswith("threadbase, version ")


def test_eval_on_a_page_instead_of_an_annotation_is_one_clear_line() -> None:
    result = run("eval", str(SEED))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith(f"error: {SEED}: not an annotation (*.expected.json): ")
    assert "Traceback" not in result.stderr


def test_explain_and_unread_comment_warnings(tmp_path: Path) -> None:
    page = tmp_path / "wp.txt"
    page.write_text(
        "A Post\nby Jane Roe on October 29, 2012\n\nText of the post, long enough.\n\n\n\n"
        "Tom Smith says:\nOctober 29, 2012 at 1:49 am\n\nFirst!\n\n"
        "Ann Lee says:\nOctober 30, 2012 at 9:02 pm\n\nSecond.\n",
        encoding="utf-8",
    )
    explained = run("ingest", "--explain", str(page))
    assert explained.returncode == 0, explained.stderr
    assert "rendering  wordpress (score 0.50); runner-up" in explained.stdout
    assert "'Tom Smith' | October 29, 2012 at 1:49 am" in explained.stdout
    unread = tmp_path / "unread.txt"
    unread.write_text("Title\n\nSome text.\n\n12 Comments\n\nnothing readable\n", encoding="utf-8")
    result = run("ingest", str(unread), "--db", str(tmp_path / "w.db"))
    assert result.returncode == 0, result.stderr
    assert "1 page with unread comments" in result.stdout
    assert "warning:" in result.stderr
