"""The benchmark report: every row says what it asked, and the prose uses the measured numbers."""

from __future__ import annotations

import argparse
from pathlib import Path

from bench import postgres, run
from bench.corpus import IngestRate, Spec


def result(name: str, rps: float, url: str = "http://h/x", header: str = "") -> run.Result:
    return run.Result(name, url, rps, 1.0, 2.0, 0, header, 22_000)


def test_report_names_urls_sizes_and_targets() -> None:
    flags = "&_nocount=1&_nofacet=1&_nosuggest=1"
    results = [
        result(run.RAW, 40_000),
        result(run.SAME_BYTES, 20_000),
        result(run.FLOOR, 8_000),
        result(run.PAGE, 6_000, header=run.NO_CACHE),
        result(run.HOT, 15_000),
        result(run.DS_SQL, 500, url="http://d/db.json?sql=select&_shape=objects"),
        result(run.DS_FAST, 250, url=f"http://d/db/comments.json?_shape=objects{flags}"),
        result(run.DS_DEFAULT, 90),
    ]
    args = argparse.Namespace(rounds=3, connections=16, duration=5)
    rate = IngestRate(300, 30_000, 3.0, 30_000, 2.0, batched_seconds=1.0)
    report = run.render(results, rate, 150 * 1024, Spec(), 2, args, "")
    assert f"- {run.DS_FAST}: `http://d/db/comments.json?_shape=objects{flags}`" in report
    assert f"with `{run.NO_CACHE}`" in report
    assert "| 22,000 |" in report
    assert "| comments page vs the minimal handler | 0.75x | >= 0.6x | yes |" in report
    assert "| comments page vs Datasette SQL JSON | 12.00x | >= 10x | yes |" in report
    assert "| repeated comments page vs Litestar same bytes | 0.75x | >= 0.5x | yes |" in report
    assert "| ingest vs bare executemany | 0.67x | >= 0.6x | yes |" in report
    # The quicker bare insert is reported beside it, from the same rates.
    assert "go in at 30,000 rows/s" in report
    assert "the ingest is 0.33x that quicker reference" in report
    assert "| thread tree vs comments page | not run | >= 0.5x | – |" in report
    assert "(the comments page is 12.0x that)" in report


def test_postgresql_section_puts_both_engines_side_by_side(tmp_path: Path) -> None:
    """The PostgreSQL section names its flags and URLs, computes the ratio from the rows, and
    replaces only itself in BENCHMARKS.md."""
    page = "http://127.0.0.1:1/v1/articles/3/comments?limit=50"
    results = {
        run.PAGE: {
            "sqlite": result(run.PAGE, 400, page, run.NO_CACHE),
            "postgresql": result(run.PAGE, 100, page, run.NO_CACHE),
        }
    }
    args = argparse.Namespace(rounds=3, connections=16, duration=5)
    corpus = run.DATA / "corpus-10000-1000000.db"
    write = postgres.WriteRate(200, 10_000, 20.0)
    section = postgres.render(args, Spec(), results, 600.0, 1_000_000, write, write, "15.1", corpus)
    assert "--articles 10000 --comments 1000000 --duration 5 --rounds 3" in section
    assert f"| {run.PAGE} (no-cache) | 400 | 1.0 | 100 | 1.0 | 2.0 | 0.25x |" in section
    assert f"- {run.PAGE}: `{page}`" in section
    assert "| 10.0 pages/s, 500 comments/s |" in section
    assert "600 s, 1,667 comments/s (1,000,000 comments)" in section
    # The estimate works from the same rows: 8 nodes of 100 pages/s, 10 pages/s written.
    assert "### How far N nodes go: an estimate from these rows" in section
    assert "8 nodes (800 pages/s) want R = 7 standbys" in section
    assert "about 0.9 million such pages a day" in section
    out = tmp_path / "BENCHMARKS.md"
    out.write_text("# Benchmarks\n\nSQLite rows\n")
    postgres.write_section(out, section)
    postgres.write_section(out, section.replace("0.25x", "0.30x"))
    text = out.read_text()
    assert text.startswith("# Benchmarks\n\nSQLite rows\n")
    assert text.count(postgres.START) == 1
    assert "0.30x" in text
    assert postgres.kept_section(text).endswith(postgres.END)
