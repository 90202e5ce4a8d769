"""The benchmark's corpus builder, at toy size: real ingest path, exact counts, reuse."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bench.corpus import Spec, build, measure_ingest, sizes


def test_sizes_add_up_and_start_with_the_deep_thread() -> None:
    spec = Spec(articles=50, comments=5_000, deep=1_000)
    counts = sizes(spec)
    assert len(counts) == 50
    assert sum(counts) == 5_000
    assert counts[0] == 1_000
    assert sizes(spec) == counts  # deterministic


def test_build_a_small_corpus_and_reuse_it(tmp_path: Path) -> None:
    spec = Spec(articles=6, comments=400, deep=150)
    path = build(tmp_path / "corpus.db", spec, chunk=4, log=False)
    conn = sqlite3.connect(path)
    articles, comments = conn.execute(
        "SELECT count(*), sum(comment_count) FROM articles"
    ).fetchone()
    deep = conn.execute("SELECT max(comment_count) FROM articles").fetchone()[0]
    missing = conn.execute(
        "SELECT count(*) FROM comments WHERE parent_resolution = 'missing'"
    ).fetchone()[0]
    conn.close()
    assert (articles, comments, deep) == (6, 400, 150)
    assert missing == 0  # depth-first pages keep every parent in its block
    stamp = path.stat().st_mtime_ns
    assert build(path, spec, log=False) == path
    assert path.stat().st_mtime_ns == stamp  # same spec: reused, not rebuilt


def test_ingest_rate_compares_the_same_rows(tmp_path: Path) -> None:
    rate = measure_ingest(tmp_path, Spec(articles=8, comments=300, deep=50))
    assert rate.pages == 7
    assert rate.bare_rows == rate.comments == 250
    assert rate.ratio > 0
