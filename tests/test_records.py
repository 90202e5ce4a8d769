"""`threadbase ingest` on JSONL crawl records: streaming, gzip, per-record errors."""

from __future__ import annotations

import gzip
import json
import sqlite3
from pathlib import Path

from bench.synthetic import page
from tests.conftest import SEED
from tests.test_cli import run


def write_records(path: Path, lines: list[str]) -> None:
    data = ("\n".join(lines) + "\n").encode("utf-8")
    path.write_bytes(gzip.compress(data) if path.name.endswith(".gz") else data)


def test_good_and_bad_records(tmp_path: Path) -> None:
    records = tmp_path / "crawl.jsonl.gz"
    write_records(
        records,
        [
            json.dumps({"text": SEED.read_text(), "url": "https://e.org/s", "date": "2017-06-18"}),
            "{not json",
            json.dumps({"url": "https://e.org/no-text"}),
            json.dumps({"text": ""}),
            "",
            json.dumps({"text": page(1, 5), "date": "2023-01-02T08:00:00Z", "lang": "en"}),
        ],
    )
    db = tmp_path / "t.db"
    result = run("ingest", str(records), "--db", str(db))
    assert result.returncode == 1
    assert (
        "5 pages: 2 new articles, 0 merged (0 comments added, 0 edited, 0 removed), "
        "0 unchanged, 3 failed" in result.stdout
    )
    assert f"{records}:2: not a crawl record" in result.stderr
    assert f"{records}:3: not a crawl record: Object missing required field `text`" in result.stderr
    assert f"{records}:4: page is empty" in result.stderr
    conn = sqlite3.connect(db)
    rows = conn.execute("SELECT url, published_at FROM articles ORDER BY id").fetchall()
    conn.close()
    assert rows == [("https://e.org/s", 1497744000), (None, 1672646400)]
    again = run("ingest", str(records), "--db", str(db))
    assert (
        "5 pages: 0 new articles, 0 merged (0 comments added, 0 edited, 0 removed), "
        "2 unchanged, 3 failed" in again.stdout
    )


def test_truncated_gzip_keeps_what_was_read(tmp_path: Path) -> None:
    records = tmp_path / "cut.jsonl.gz"
    write_records(records, [json.dumps({"text": page(i, 3)}) for i in range(50)])
    data = records.read_bytes()
    records.write_bytes(data[: len(data) * 2 // 3])
    db = tmp_path / "t.db"
    result = run("ingest", str(records), "--db", str(db))
    assert result.returncode == 1
    assert "cannot read further" in result.stderr
    conn = sqlite3.connect(db)
    stored = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    conn.close()
    assert 0 < stored < 50


def test_folders_hold_pages_and_records(tmp_path: Path) -> None:
    folder = tmp_path / "crawl"
    folder.mkdir()
    (folder / "a.txt").write_text(SEED.read_text())
    write_records(folder / "b.jsonl", [json.dumps({"text": page(2, 4)})])
    (folder / "ignored.csv").write_text("x")
    result = run("ingest", str(folder), "--db", str(tmp_path / "t.db"))
    assert result.returncode == 0, result.stderr
    assert "2 pages: 2 new articles, 0 merged" in result.stdout
